//! Live database → [`Schema`]: strata's own bulk introspection for PostgreSQL, MySQL/MariaDB and
//! SQLite.
//!
//! Each dialect module reads the whole scope in a fixed handful of catalog queries, never one per
//! table (`fetch`, the only IO), then lowers the rows into the schema model (`lower`, pure and
//! unit-tested without a database). Lowering reads native types and defaults back through
//! [`strata_ir::dialect`], the same tables the emitter spells with, so what strata creates reads
//! back identically.
//!
//! Conventions of the result, shared with the entity reader so the two compare directly:
//! PostgreSQL's `public` schema, MySQL's current database and SQLite's `main` are `schema: None`;
//! auto-increment (identity, serial, `AUTO_INCREMENT`, `AUTOINCREMENT`) is `auto_increment` with
//! no default; object names are the database's own; defaults that are `NULL` are no default.
//!
//! This crate holds a connection and nothing else: it never prints, and reports failures as
//! [`IntrospectError`], whose messages name the host and database but never a password.

mod error;
mod mysql;
mod postgres;
mod scope;
mod sqlite;

pub use error::IntrospectError;
pub use scope::Scope;

use strata_connect::{Connection, Settings};
use strata_ir::Schema;

/// Connects to `url` with the default [`Settings`], reads everything in `scope`, and
/// disconnects.
pub async fn introspect(url: &str, scope: &Scope) -> Result<Schema, IntrospectError> {
    introspect_with(url, scope, &Settings::default()).await
}

/// Connects to `url` (through [`strata_connect`], the one connection path), reads everything
/// in `scope`, and disconnects.
pub async fn introspect_with(
    url: &str,
    scope: &Scope,
    settings: &Settings,
) -> Result<Schema, IntrospectError> {
    let connection = strata_connect::connect(url, settings).await?;
    read(connection, scope).await
}

/// Reads everything in `scope` over an open connection, and closes it.
pub async fn read(mut connection: Connection, scope: &Scope) -> Result<Schema, IntrospectError> {
    let schema = match &mut connection {
        Connection::Postgres(c) => postgres::introspect(c, scope).await,
        Connection::Mysql(c) => mysql::introspect(c, scope).await,
        Connection::Sqlite(c) => sqlite::introspect(c, scope).await,
    };
    connection.close().await;
    schema
}

/// Reads a PostgreSQL database over an open connection.
pub async fn introspect_postgres(
    conn: &mut sqlx::PgConnection,
    scope: &Scope,
) -> Result<Schema, IntrospectError> {
    postgres::introspect(conn, scope).await
}

/// Reads a MySQL or MariaDB database (the connection's current database) over an open
/// connection.
pub async fn introspect_mysql(
    conn: &mut sqlx::MySqlConnection,
    scope: &Scope,
) -> Result<Schema, IntrospectError> {
    mysql::introspect(conn, scope).await
}

/// Reads an SQLite database (its `main` schema) over an open connection.
pub async fn introspect_sqlite(
    conn: &mut sqlx::SqliteConnection,
    scope: &Scope,
) -> Result<Schema, IntrospectError> {
    sqlite::introspect(conn, scope).await
}
