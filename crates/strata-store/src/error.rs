//! The store's one error type: what failed, which revision or file, and the way out.

use std::path::PathBuf;

use crate::graph::GraphError;
use crate::state::Failure;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Graph(#[from] GraphError),
    #[error(transparent)]
    Connect(#[from] strata_connect::ConnectError),
    #[error("cannot read or write {}: {cause}", .path.display())]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{} is not a valid revision file: {reason}", .path.display())]
    BadRevisionFile { path: PathBuf, reason: String },
    #[error("the migrations directory has no {file} checksum file; run `strata hash` to write it")]
    NoSumFile { file: String },
    #[error(
        "revision {name} changed after the checksum file was written; if the edit is deliberate (and the revision is not applied anywhere), run `strata hash`"
    )]
    Edited { name: String },
    #[error(
        "revision {name} is not where the checksum file expects it (added, removed or reordered since: after merging branches, run `strata hash`)"
    )]
    Moved { name: String },
    #[error(
        "the checksum file lists revision {name}, which the migrations directory does not have"
    )]
    Missing { name: String },
    #[error("the checksum file {file} is damaged: {reason}; run `strata hash` to rewrite it")]
    BadSumFile { file: String, reason: String },
    #[error("cannot create the scratch database {name}: {}", strata_connect::message(.cause))]
    Scratch { name: String, cause: sqlx::Error },
    #[error("{what} failed: {}", strata_connect::message(.cause))]
    Database { what: String, cause: sqlx::Error },
    #[error(
        "another strata process holds the migration lock; gave up after {seconds} s (is an upgrade still running? to wait longer, set `lock_wait` in strata.toml or pass --lock-wait)"
    )]
    LockTimeout { seconds: u64 },
    #[error(
        "another strata process is writing revisions in {} (it holds {}); gave up after {seconds} s (to wait longer, set `lock_wait` in strata.toml or pass --lock-wait)",
        .dir.display(),
        .lock.display()
    )]
    DirectoryLocked {
        dir: PathBuf,
        lock: PathBuf,
        seconds: u64,
    },
    #[error("{}\n{}", .failure.describe(.revision), .failure.way_out(.revision))]
    FailedRevision {
        revision: String,
        failure: Box<Failure>,
    },
    #[error(
        "{}\nthis is recorded in strata_revisions and blocks `upgrade` until resolved: {}",
        .failure.describe(.revision),
        .failure.way_out(.revision)
    )]
    StepFailed {
        revision: String,
        failure: Box<Failure>,
    },
    #[error(
        "revision {revision} is partly applied (step {done} of {steps}); run `strata upgrade head` to finish it before rolling back"
    )]
    PartialRevision {
        revision: String,
        done: usize,
        steps: usize,
    },
    #[error("nothing to resolve for revision {revision}: {reason}")]
    NothingToResolve { revision: String, reason: String },
    #[error(
        "revision {revision} was applied, but its files have changed since; restore them (an applied revision must not be edited) or write a new revision"
    )]
    AppliedChanged { revision: String },
    #[error(
        "revision {revision} (up.sql{}) failed and was rolled back; nothing of it is applied{}\n  the database said: {error}",
        at_line(.line),
        quoted(.statement)
    )]
    RolledBack {
        revision: String,
        line: Option<usize>,
        statement: Option<String>,
        error: String,
    },
    #[error(
        "revision {revision} (down.sql{}) failed and was rolled back; the revision is still applied{}\n  the database said: {error}",
        at_line(.line),
        quoted(.statement)
    )]
    RollbackFailed {
        revision: String,
        line: Option<usize>,
        statement: Option<String>,
        error: String,
    },
    #[error(
        "revision {revision} leaves {count} row(s) in {table} pointing at rows that do not exist; it was rolled back"
    )]
    ForeignKeyViolation {
        revision: String,
        table: String,
        count: usize,
    },
}

impl StoreError {
    /// The way out, where the message itself does not say it.
    pub fn help(&self) -> Option<String> {
        match self {
            StoreError::Connect(e) => e.help(),
            _ => None,
        }
    }
}

fn at_line(line: &Option<usize>) -> String {
    line.map(|l| format!(" line {l}")).unwrap_or_default()
}

fn quoted(statement: &Option<String>) -> String {
    match statement {
        Some(s) => s.lines().map(|l| format!("\n    {l}")).collect(),
        None => String::new(),
    }
}
