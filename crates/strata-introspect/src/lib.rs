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

pub use error::{IntrospectError, redact};
pub use scope::Scope;

use sqlx::Connection;
use strata_ir::{Dialect, Schema};

/// Connects to `url`, reads everything in `scope`, and disconnects.
pub async fn introspect(url: &str, scope: &Scope) -> Result<Schema, IntrospectError> {
    let target = error::Target::parse(url)?;
    match target.dialect {
        Dialect::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url)
                .await
                .map_err(|e| target.connect_error(e))?;
            let schema = postgres::introspect(&mut conn, scope).await?;
            let _ = conn.close().await;
            Ok(schema)
        }
        Dialect::Mysql => {
            let mut conn = sqlx::MySqlConnection::connect(url)
                .await
                .map_err(|e| target.connect_error(e))?;
            let schema = mysql::introspect(&mut conn, scope).await?;
            let _ = conn.close().await;
            Ok(schema)
        }
        Dialect::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url)
                .await
                .map_err(|e| target.connect_error(e))?;
            let schema = sqlite::introspect(&mut conn, scope).await?;
            let _ = conn.close().await;
            Ok(schema)
        }
    }
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
