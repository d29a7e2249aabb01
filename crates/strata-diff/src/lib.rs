//! Schema × schema → changes: what turns one schema (what the database has) into another (what
//! the entities say).
//!
//! [`Change`] is the typed vocabulary. Every change carries the state it replaces, so
//! [`Change::reverse`] is total and a down migration is the reversed list of reversed changes,
//! never a second diff. [`apply`] plays changes forward on a schema model. [`fill_unstated`]
//! reads partial entities (a DB-first project's) as stating only what they say.
//!
//! This crate is pure: no IO, no SQL spelling (that is `strata-emit`'s), deterministic output.

mod apply;
mod change;
mod compare;
mod partial;
mod summary;

pub use apply::{apply, apply_all};
pub use change::{Change, ColumnFacet, TableRef};
pub use compare::{Diff, Note, diff};
pub use partial::fill_unstated;
