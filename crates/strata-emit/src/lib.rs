//! Renders strata schemas as SQL for each dialect.
//!
//! [`render`] turns the differ's changes into an ordered [`Script`] of statements with warnings.
//! [`create_schema`] writes the self-contained DDL that recreates a schema in an empty database:
//! schemas, enum types, tables, keys, indexes, foreign keys and comments. Type and literal
//! spelling comes from [`strata_ir::dialect`], the one place that knows it, so what is emitted
//! reads back identically.
//!
//! This crate does no IO and never panics on any schema: what a dialect cannot express is an
//! [`EmitError`].

mod changes;
mod ddl;

pub use changes::{Script, Statement, Warning, render};
pub use ddl::create_schema;

use strata_ir::dialect::Unsupported;

#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    #[error("column {table}.{column}: {reason}")]
    UnsupportedType {
        table: String,
        column: String,
        reason: Unsupported,
    },
    #[error(transparent)]
    BadText(#[from] strata_ir::text::BadText),
    #[error("{what} is not supported")]
    Unsupported { what: String },
}
