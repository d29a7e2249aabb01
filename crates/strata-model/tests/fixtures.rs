//! The entity reader over `fixtures/model`: every directory under `ok/` must read with no
//! diagnostics at all, every directory under `err/` must produce some; both are snapshotted
//! (the schema as a text dump, the diagnostics one per line).

use std::path::{Path, PathBuf};

use strata_model::{SourceFile, read};

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/model")
        .join(kind);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no fixtures under {}", root.display());
    dirs
}

fn sources(dir: &Path) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            SourceFile::new(rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Reads one fixture directory and renders what came out: diagnostics first, then the schema.
fn check(dir: &Path) -> (String, usize) {
    let reading = read(&sources(dir));
    let mut out = String::new();
    for d in &reading.diagnostics {
        out.push_str(&d.to_string());
        out.push('\n');
    }
    if !reading.diagnostics.is_empty() {
        out.push('\n');
    }
    out.push_str(&strata_ir::dump(&reading.schema));
    (out, reading.diagnostics.len())
}

#[test]
fn ok_fixtures_read_cleanly() {
    for dir in fixtures("ok") {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (text, diagnostics) = check(&dir);
        assert_eq!(diagnostics, 0, "{name} produced diagnostics:\n{text}");
        insta::assert_snapshot!(format!("ok_{name}"), text);
    }
}

#[test]
fn err_fixtures_produce_diagnostics() {
    for dir in fixtures("err") {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (text, diagnostics) = check(&dir);
        assert!(diagnostics > 0, "{name} produced no diagnostics:\n{text}");
        insta::assert_snapshot!(format!("err_{name}"), text);
    }
}
