//! The revision history: the graph of revisions and the plans that move a database along it.
//!
//! [`graph`] is pure: revisions and their parents in, heads, bases, ancestors, target resolution
//! and upgrade/downgrade plans out, with typed errors that name the revisions involved and the
//! way out. The revision files, the checksum file, the version table and the runner build on it.

pub mod graph;

pub use graph::{Graph, GraphError, Revision, Target};
