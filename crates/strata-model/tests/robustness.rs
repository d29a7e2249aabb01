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

/// Reads `files` and returns a description of the panic, if any.
fn survives(label: &str, files: &[SourceFile]) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| {
        let _ = read(files);
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
                        if let Err(e) = survives(&root.display().to_string(), &sources) {
                            failures.push(e);
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
        "the reader panicked on:\n{failures:#?}"
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
