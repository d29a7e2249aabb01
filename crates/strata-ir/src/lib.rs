//! The schema model every other strata crate speaks.
//!
//! A [`Schema`] is plain data: tables with their columns, keys, indexes and foreign keys, plus
//! PostgreSQL enum types. It is what the entity reader produces from SeaORM source files and what
//! introspection produces from a live database, so the two can be compared field by field.
//!
//! Types are dialect-neutral ([`ColumnType`] mirrors sea-query's vocabulary, which is what SeaORM
//! entities are written in); [`dialect`] spells them natively per database and parses native
//! spellings back, and it is the single place where that knowledge lives.
//!
//! This crate does no IO and knows nothing of SeaORM syntax, SQL connections or diffs.

pub mod canonical;
pub mod dialect;
mod dump;
mod schema;
pub mod text;
mod types;

pub use dialect::Dialect;
pub use dump::dump;
pub use schema::*;
pub use types::*;
