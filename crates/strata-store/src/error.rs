//! The store's one error type: what failed, which revision or file, and the way out.

use std::path::PathBuf;

use crate::graph::GraphError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Graph(#[from] GraphError),
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
}
