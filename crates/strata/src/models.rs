//! Loading the entity files from the models directory and reading them.

use std::path::Path;

use anyhow::{Context, bail};
use strata_model::{Reading, SourceFile};

use crate::config::Config;

/// Every `.rs` file under `dir`, paths relative to it, in a stable order.
pub fn load(dir: &Path) -> anyhow::Result<Vec<SourceFile>> {
    if !dir.is_dir() {
        bail!(
            "the models directory {} does not exist; set `models` in strata.toml or pass --models DIR",
            dir.display()
        );
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path())
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        let relative = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        files.push(SourceFile::new(relative, text));
    }
    Ok(files)
}

/// Reads the configured models directory, prints its diagnostics, and fails when any is an
/// error.
pub fn read(config: &Config) -> anyhow::Result<Reading> {
    let dir = config.models.as_path();
    let (files, reading) = {
        let _task = config.progress.task("reading entity files");
        let files = load(dir)?;
        let reading = strata_model::read_on_threads(&files, threads());
        (files, reading)
    };
    crate::render::diagnostics(dir, &files, &reading.diagnostics);
    if reading.has_errors() {
        let errors = reading
            .diagnostics
            .iter()
            .filter(|d| d.severity == strata_model::Severity::Error)
            .count();
        bail!(
            "{errors} error(s) in the entity files under {}; nothing was done",
            dir.display()
        );
    }
    Ok(reading)
}

/// Reads the models directory without printing anything, for commands that only glean facts
/// from the entities (such as the schemas they name).
pub fn read_quietly(dir: &Path) -> anyhow::Result<Reading> {
    Ok(strata_model::read_on_threads(&load(dir)?, threads()))
}

/// One parsing thread per core the process may use.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}
