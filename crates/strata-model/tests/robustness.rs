//! No input makes the reader panic: every `.rs` file of this workspace and of the cargo registry
//! sources on the machine (read crate by crate, so cross-file resolution runs too), and every
//! fixture cut short at many points or with its tokens garbled.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use strata_model::{SourceFile, read};

fn rust_files(dir: &Path) -> Vec<SourceFile> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
        .filter(|e| !e.path().components().any(|c| c.as_os_str() == "target"))
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            let rel = e
                .path()
                .strip_prefix(dir)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            Some(SourceFile::new(rel, text))
        })
        .collect()
}

/// Reads `files` and returns a description of the panic, if any, or the files refused for
/// nesting too deeply, other than generated tables of over 400 kB (unicode-normalization's
/// `tables.rs` holds a `match` arm of thousands of alternatives, which the reader may refuse).
fn survives(label: &str, files: &[SourceFile]) -> Result<Vec<String>, String> {
    catch_unwind(AssertUnwindSafe(|| {
        read(files)
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("levels deep"))
            .filter(|d| {
                files
                    .iter()
                    .any(|f| f.path == d.file && f.text.len() < 400_000)
            })
            .map(|d| format!("{label}/{}:{}", d.file, d.line))
            .collect()
    }))
    .map_err(|panic| {
        let msg = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("{label}: {msg}")
    })
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn every_rust_file_on_the_machine_reads_without_panicking() {
    let mut roots: Vec<PathBuf> = vec![workspace_root()];
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(registry) = cargo_home.map(|h| h.join("registry/src"))
        && let Ok(indexes) = std::fs::read_dir(&registry)
    {
        for index in indexes.flatten() {
            if let Ok(crates) = std::fs::read_dir(index.path()) {
                roots.extend(crates.flatten().map(|c| c.path()));
            }
        }
    }
    roots.sort();
    // Two workers: one per core on the reference machine.
    let chunks: Vec<Vec<PathBuf>> = roots
        .chunks(roots.len().div_ceil(2).max(1))
        .map(<[_]>::to_vec)
        .collect();
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                scope.spawn(move || {
                    let mut files = 0;
                    let mut failures = Vec::new();
                    for root in chunk {
                        let sources = rust_files(root);
                        files += sources.len();
                        match survives(&root.display().to_string(), &sources) {
                            Err(e) => failures.push(e),
                            // No real code nests as deeply as the reader refuses.
                            Ok(deep) => failures.extend(deep),
                        }
                    }
                    (files, failures)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let files: usize = results.iter().map(|r| r.0).sum();
    let failures: Vec<&String> = results.iter().flat_map(|r| &r.1).collect();
    eprintln!("read {files} Rust files from {} crates", roots.len());
    assert!(
        files > 50,
        "too few files found ({files}) for the test to mean anything"
    );
    assert!(
        failures.is_empty(),
        "the reader panicked on, or refused as too deep:\n{failures:#?}"
    );
}

#[test]
fn truncated_and_garbled_fixtures_read_without_panicking() {
    let fixtures = rust_files(&workspace_root().join("fixtures/model"));
    assert!(!fixtures.is_empty());
    let mut failures = Vec::new();
    let mut cases = 0;
    for file in &fixtures {
        let text = &file.text;
        // Cut the file short at ~40 points.
        let step = (text.len() / 40).max(1);
        for cut in (0..text.len()).step_by(step) {
            let cut = (0..=cut)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0);
            cases += 1;
            let truncated = SourceFile::new(file.path.clone(), &text[..cut]);
            if let Err(e) = survives(&format!("{} cut at {cut}", file.path), &[truncated]) {
                failures.push(e);
            }
        }
        // Garble: drop every k-th token-ish word, swap quotes and brackets.
        for k in 2..8 {
            let garbled: String = text
                .split_inclusive(char::is_whitespace)
                .enumerate()
                .filter(|(i, _)| i % k != 0)
                .map(|(_, w)| w)
                .collect();
            let swapped: String = text
                .chars()
                .enumerate()
                .map(|(i, c)| match c {
                    '"' if i % k == 0 => '\'',
                    '(' if i % k == 1 => '[',
                    ')' if i % k == 2 => '}',
                    _ => c,
                })
                .collect();
            for variant in [garbled, swapped] {
                cases += 1;
                if let Err(e) = survives(
                    &format!("{} garbled/{k}", file.path),
                    &[SourceFile::new(file.path.clone(), variant)],
                ) {
                    failures.push(e);
                }
            }
        }
    }
    eprintln!("{cases} damaged inputs read");
    assert!(
        failures.is_empty(),
        "the reader panicked on:\n{failures:#?}"
    );
}

/// An entity whose `default_expr` string holds `expr` and whose `ColumnTrait::def` body holds
/// `body`, each on a line of its own (lines 7 and 14).
fn entity_with(expr: &str, body: &str) -> String {
    format!(
        r#"use sea_orm::entity::prelude::*;
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deep")]
pub struct Model {{
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(default_expr = "{expr}")]
    pub value: i32,
}}
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {{}}
impl ActiveModelBehavior for ActiveModel {{}}
fn helper() -> i32 {{
{body}
}}
"#
    )
}

/// Nesting a few thousand levels deep (parentheses, brackets, blocks, prefix operators, method
/// chains, `else if`s, generic arguments), in an attribute string or in a function body, is a
/// diagnostic on the line where it goes too deep, never a stack overflow; nesting just under
/// the limit reads on the reader's own stack, whatever the caller's.
#[test]
fn deep_nesting_is_a_diagnostic_with_its_line_not_a_crash() {
    let n = 5000;
    let nested = |open: &str, close: &str, inner: &str| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    };
    let bodies = [
        nested("(", ")", "1"),
        nested("[", "]", "1"),
        nested("{", "}", "1"),
        nested("!", "", "true"),
        nested("- ", "", "1"),
        nested("& ", "", "1"),
        format!("1{}", " + 1".repeat(n)),
        format!("x{}", ".m()".repeat(n)),
        format!("if a {{ 1 }}{} else {{ 1 }}", " else if a { 1 }".repeat(n)),
        format!("let v: {}i32{} = 1; 1", "Vec<".repeat(n), ">".repeat(n)),
        nested("|x| ", "", "1"),
    ];
    for body in &bodies {
        let file = SourceFile::new("deep.rs", entity_with("Expr::value(1)", body));
        let reading = read(&[file]);
        let deep: Vec<_> = reading
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("levels deep"))
            .collect();
        assert_eq!(deep.len(), 1, "{}: {:#?}", &body[..20], reading.diagnostics);
        assert_eq!((deep[0].file.as_str(), deep[0].line), ("deep.rs", 14));
    }
    for expr in [
        nested("(", ")", "1"),
        nested("[", "]", "1"),
        nested("!", "", "true"),
        nested("Expr::value(", ")", "1"),
    ] {
        let file = SourceFile::new("deep.rs", entity_with(&expr, "1"));
        let reading = read(&[file]);
        let deep: Vec<_> = reading
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("levels deep"))
            .collect();
        assert_eq!(deep.len(), 1, "{}: {:#?}", &expr[..20], reading.diagnostics);
        assert_eq!((deep[0].file.as_str(), deep[0].line), ("deep.rs", 7));
        assert!(
            deep[0].message.contains("default_expr"),
            "{}",
            deep[0].message
        );
    }
    // Just under the limit, every kind of nesting reads (and its trees drop) without
    // overflowing, here on a test thread's small stack.
    let n = 900;
    let nested = |open: &str, close: &str, inner: &str| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    };
    let bodies = [
        nested("(", ")", "1"),
        nested("[", "]", "1"),
        nested("{", "}", "1"),
        nested("!", "", "true"),
        format!("{}1{}", "Some(".repeat(n / 2), ")".repeat(n / 2)),
        format!("{}1", "|x| ".repeat(n / 4)),
        format!("{}{{ 1 }}", "if a { 1 } else ".repeat(n / 4)),
        format!("x{}", ".m()".repeat(n / 3)),
        format!(
            "let v: {}i32{} = 1; 1",
            "Vec<".repeat(n / 4),
            ">".repeat(n / 4)
        ),
        format!("let v: {}i32 = 1; 1", "&".repeat(n)),
        format!("let v: {}i32{} = 1; 1", "[".repeat(n), "; 1]".repeat(n)),
        format!("let v = {}1; 1", "a = ".repeat(n / 2)),
    ];
    for body in &bodies {
        let file = SourceFile::new("deep.rs", entity_with("Expr::value(1)", body));
        let reading = read(&[file]);
        assert!(
            !reading
                .diagnostics
                .iter()
                .any(|d| d.message.contains("levels deep")),
            "{}: {:#?}",
            &body[..20],
            reading.diagnostics
        );
    }
    let expr = nested("(", ")", "1");
    let reading = read(&[SourceFile::new("deep.rs", entity_with(&expr, "1"))]);
    assert!(
        !reading
            .diagnostics
            .iter()
            .any(|d| d.message.contains("levels deep"))
    );
}
