//! The revision history: the graph of revisions and the plans that move a database along it.
//!
//! [`graph`] is pure: revisions and their parents in, heads, bases, ancestors, target resolution
//! and upgrade/downgrade plans out, with typed errors that name the revisions involved and the
//! way out. [`directory`] reads and writes revision directories, [`sum`] the chained checksum
//! file. [`steps`] says how a revision's script runs (one transaction, or recorded steps) and
//! [`state`] what the version table's rows mean (pending, applied, partial, failed), both pure.
//! The version table and the runner build on these; [`scratch`] gives them a throwaway
//! database to replay the history into. [`lockfile`] holds the cross-process file locks: the
//! runner's on a SQLite database, and the migrations directory's while revisions are written.

pub mod directory;
mod error;
pub mod graph;
pub mod lockfile;
pub mod runner;
pub mod scratch;
mod split;
pub mod state;
pub mod steps;
pub mod sum;

pub use directory::{Meta, RevisionDir};
pub use error::StoreError;
pub use graph::{Graph, GraphError, Revision, Target};
