//! MySQL 8 and MariaDB 10.11+ introspection of the connection's current database
//! (`DATABASE()`), which is `schema: None` in the result.
//!
//! One module serves both servers; a [`Flavour`] read once from `SELECT VERSION()` picks the
//! few places where their catalogs differ (MySQL 8's `STATISTICS.EXPRESSION`, its
//! `CHECK_CONSTRAINTS` without a table name, its backslash-escaped expression texts and unquoted
//! literal defaults; MariaDB's `json` as `longtext` with a `json_valid` check and its reporting
//! of `RESTRICT` for foreign keys declared without an action). [`fetch`] runs six
//! `information_schema` queries restricted to that one database (MariaDB answers
//! `information_schema` slowly unless `TABLE_SCHEMA` is pinned), with the scope's ignore patterns
//! in their `WHERE` clauses; [`lower`] turns the rows into a [`Schema`] without IO.
//!
//! Branches are marked where they were verified: "MariaDB 10.11" ones ran against the server in
//! the test suite; "MySQL 8 (manual)" ones follow the MySQL 8.0 reference manual's
//! `information_schema` pages and have not run against a MySQL server here.

mod fetch;
mod lower;

use strata_ir::Schema;

use crate::{IntrospectError, Scope};

/// Which server answers: their catalogs agree except where noted on [`Catalog`]'s fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavour {
    /// MySQL 8.0 or later, with its version (`(8, 0, 36)`).
    Mysql((u32, u32, u32)),
    MariaDb,
}

impl Flavour {
    /// From `SELECT VERSION()`: `10.11.6-MariaDB-0+deb12u1`, `8.0.36`, `8.4.0-commercial`.
    pub fn from_version(version: &str) -> Flavour {
        if version.to_ascii_lowercase().contains("mariadb") {
            return Flavour::MariaDb;
        }
        let mut parts = version
            .split(|c: char| !c.is_ascii_digit())
            .map(|p| p.parse::<u32>().unwrap_or(0));
        Flavour::Mysql((
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
        ))
    }

    /// MySQL at or above `version`; MariaDB never.
    fn mysql_at_least(self, version: (u32, u32, u32)) -> bool {
        matches!(self, Flavour::Mysql(v) if v >= version)
    }
}

/// The rows of the catalog queries, as the server sent them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Catalog {
    pub flavour: Flavour,
    /// The current database: foreign keys into it have `ref_schema: None`.
    pub database: String,
    pub tables: Vec<TableRow>,
    pub columns: Vec<ColumnRow>,
    pub indexes: Vec<IndexRow>,
    pub fk_columns: Vec<FkColumnRow>,
    pub fk_rules: Vec<FkRuleRow>,
    pub checks: Vec<CheckRow>,
}

/// `information_schema.TABLES`, base tables only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TableRow {
    pub name: String,
    pub collation: Option<String>,
    pub comment: String,
}

/// `information_schema.COLUMNS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ColumnRow {
    pub table: String,
    pub name: String,
    pub position: i64,
    /// `COLUMN_TYPE`: `int(10) unsigned` (MariaDB), `int unsigned` (MySQL 8).
    pub column_type: String,
    pub nullable: bool,
    /// MariaDB: literals quoted, `NULL` for a null default, expressions bare. MySQL 8: literals
    /// unquoted, expressions (with `DEFAULT_GENERATED` in `extra`) bare and backslash-escaped;
    /// SQL `NULL` for no default or a null one.
    pub default: Option<String>,
    /// `auto_increment`, `on update current_timestamp(3)`, `VIRTUAL GENERATED`,
    /// `STORED GENERATED`, MySQL 8's `DEFAULT_GENERATED`, `INVISIBLE`.
    pub extra: String,
    pub generation_expression: Option<String>,
    pub collation: Option<String>,
    pub comment: String,
}

/// `information_schema.STATISTICS`: one row per index part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IndexRow {
    pub table: String,
    pub name: String,
    pub non_unique: bool,
    pub seq: i64,
    pub column: Option<String>,
    /// MySQL 8 functional key parts (`COLUMN_NAME` is null then); always `None` on MariaDB.
    pub expression: Option<String>,
    pub sub_part: Option<i64>,
    /// `A`, `D` (descending) or null.
    pub collation: Option<String>,
    /// `BTREE`, `HASH`, `FULLTEXT`, `SPATIAL`, `RTREE`.
    pub index_type: String,
}

/// `information_schema.KEY_COLUMN_USAGE` rows of foreign keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FkColumnRow {
    pub table: String,
    pub constraint: String,
    pub position: i64,
    pub column: String,
    pub ref_schema: String,
    pub ref_table: String,
    pub ref_column: String,
}

/// `information_schema.REFERENTIAL_CONSTRAINTS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FkRuleRow {
    pub table: String,
    pub constraint: String,
    pub update_rule: String,
    pub delete_rule: String,
}

/// `information_schema.CHECK_CONSTRAINTS` (with `TABLE_CONSTRAINTS` on MySQL 8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CheckRow {
    pub table: String,
    pub name: String,
    pub clause: String,
}

pub(crate) async fn introspect(
    conn: &mut sqlx::MySqlConnection,
    scope: &Scope,
) -> Result<Schema, IntrospectError> {
    let catalog = fetch::fetch(conn, scope).await?;
    Ok(lower::lower(&catalog))
}
