//! The entity reader over `fixtures/model`: every directory under `ok/` must read with no
//! diagnostics at all, every directory under `err/` must produce some; both are snapshotted
//! (the schema as a text dump, the diagnostics one per line).

use std::path::{Path, PathBuf};

use strata_model::{SourceFile, read, read_on_threads};

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

/// Parsing is spread over threads in chunks of files; the reading (schema, diagnostics and
/// their order) must be the same on one thread as on several. Every fixture, good and bad,
/// copied under enough module prefixes to give each thread work.
#[test]
fn the_reading_does_not_depend_on_the_thread_count() {
    let mut files = Vec::new();
    for copy in 0..12 {
        for dir in fixtures("ok").into_iter().chain(fixtures("err")) {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            for f in sources(&dir) {
                files.push(SourceFile::new(
                    format!("c{copy}/{name}/{}", f.path),
                    f.text,
                ));
            }
        }
    }
    assert!(files.len() >= 4 * 64, "only {} files", files.len());
    let one = read(&files);
    assert!(!one.diagnostics.is_empty());
    for threads in [2, 3, 4] {
        let many = read_on_threads(&files, threads);
        assert_eq!(many.diagnostics, one.diagnostics, "{threads} threads");
        assert_eq!(many.ignored, one.ignored, "{threads} threads");
        assert_eq!(
            strata_ir::dump(&many.schema),
            strata_ir::dump(&one.schema),
            "{threads} threads"
        );
    }
}
