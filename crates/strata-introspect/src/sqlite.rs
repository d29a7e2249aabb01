//! SQLite introspection: the `main` schema in four queries, whatever the number of tables.
//!
//! [`fetch`] is the only IO. Each query starts from the same list of tables in scope
//! (`pragma_table_list`: ordinary tables of `main`, not `sqlite_*`, not views, virtual or shadow
//! tables, and not matching an ignore pattern, filtered in SQL). The first reads those tables'
//! stored `CREATE TABLE` and `CREATE INDEX` text, and every view's and trigger's, from
//! `sqlite_schema`; the others join them with
//! the table-valued pragmas: `pragma_table_xinfo` for columns, `pragma_index_list` with
//! `pragma_index_xinfo` (key columns only) for indexes, `pragma_foreign_key_list` (with the
//! parent's `pragma_table_info` for implied target columns) for foreign keys.
//!
//! [`lower::lower`] then turns the rows into a [`Schema`] without IO, reading what the pragmas do
//! not say (AUTOINCREMENT, CHECKs, generated expressions, constraint names, DEFERRABLE,
//! collations, index expressions and predicates, `WITHOUT ROWID`, `STRICT`) out of the stored text with a real tokenizer
//! and parser ([`create`]).
//!
//! Ignore patterns are matched with SQLite's `LIKE`, which ignores ASCII case as SQLite's names
//! do; a pattern with a `.` is matched against `main.<table>`. `Scope::schemas` does not apply.

mod create;
mod lower;
mod tokenize;

use sqlx::{AssertSqlSafe, Row, SqliteConnection};
use strata_ir::{Dialect, Schema};

use crate::{IntrospectError, Scope};

pub(crate) async fn introspect(
    conn: &mut SqliteConnection,
    scope: &Scope,
) -> Result<Schema, IntrospectError> {
    let catalog = fetch(conn, scope).await?;
    Ok(lower::lower(&catalog))
}

/// Everything read from the database, as plain rows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Catalog {
    pub tables: Vec<TableRow>,
    /// The `CREATE INDEX` text of every index that has one (constraint indexes have none).
    pub index_sql: Vec<IndexSqlRow>,
    pub columns: Vec<ColumnRow>,
    pub indexes: Vec<IndexRow>,
    pub foreign_keys: Vec<ForeignKeyRow>,
    /// Views and triggers, in the order the database created them.
    pub objects: Vec<ObjectRow>,
}

/// A view or trigger of `sqlite_schema`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ObjectRow {
    /// `view` or `trigger`.
    pub kind: String,
    pub name: String,
    /// The table or view a trigger is on; a view's own name.
    pub table: String,
    pub sql: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TableRow {
    pub name: String,
    /// The stored `CREATE TABLE` statement.
    pub sql: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct IndexSqlRow {
    pub index: String,
    pub table: String,
    pub sql: String,
}

/// A row of `pragma_table_xinfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ColumnRow {
    pub table: String,
    pub cid: i64,
    pub name: String,
    /// The declared type as written (empty when none).
    pub ty: String,
    pub not_null: bool,
    /// The default as written, without the parentheses of `DEFAULT (expr)`.
    pub default: Option<String>,
    /// 1-based position in the primary key, 0 when not in it.
    pub pk: i64,
    /// 0 ordinary, 1 hidden (virtual tables), 2 virtual generated, 3 stored generated.
    pub hidden: i64,
}

/// A key column of an index: a row of `pragma_index_list` joined with `pragma_index_xinfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct IndexRow {
    pub table: String,
    pub index: String,
    pub unique: bool,
    /// `c` (CREATE INDEX), `u` (UNIQUE constraint), `pk` (PRIMARY KEY).
    pub origin: String,
    pub partial: bool,
    pub seqno: i64,
    /// The table column, -1 for the rowid, -2 for an expression.
    pub cid: i64,
    pub column: Option<String>,
    pub desc: bool,
    pub collation: Option<String>,
}

/// A column pair of a foreign key: a row of `pragma_foreign_key_list`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ForeignKeyRow {
    pub table: String,
    pub id: i64,
    pub seq: i64,
    /// The parent table as written in `REFERENCES`.
    pub ref_table: String,
    pub column: String,
    /// The parent column; when `REFERENCES` names none, the parent's primary key column at this
    /// position (none if the parent has no such key).
    pub ref_column: Option<String>,
    pub on_update: String,
    pub on_delete: String,
}

/// The common table expression every query starts from: the tables in scope, filtered in SQL.
/// Its `?` parameters are [`scope_binds`].
fn tables_in_scope(scope: &Scope) -> String {
    let mut sql = String::from(
        "WITH t AS (SELECT l.name FROM pragma_table_list AS l \
         WHERE l.schema = 'main' AND l.type = 'table' \
         AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    );
    for (_, qualified) in scope.ignore_like() {
        sql.push_str(if qualified {
            " AND 'main.' || l.name NOT LIKE ? ESCAPE '\\'"
        } else {
            " AND l.name NOT LIKE ? ESCAPE '\\'"
        });
    }
    sql.push_str(")\n");
    sql
}

fn scope_binds(scope: &Scope) -> Vec<String> {
    scope.ignore_like().into_iter().map(|(p, _)| p).collect()
}

/// Tables and indexes in scope, and every view and trigger, with their stored SQL, in creation
/// order (one scan of `sqlite_schema`). Views and triggers are read whatever the scope: a table
/// rebuild must recreate every one that depends on the table.
const OBJECTS: &str = "SELECT s.type, s.name, s.tbl_name, s.sql FROM sqlite_schema AS s \
     WHERE (s.type IN ('table', 'index') AND s.tbl_name IN (SELECT name FROM t)) \
     OR (s.type IN ('view', 'trigger') AND s.name NOT LIKE 'sqlite\\_%' ESCAPE '\\') \
     ORDER BY s.rowid";

const COLUMNS: &str = "SELECT t.name AS tbl, c.cid, c.name, c.type, c.\"notnull\", c.dflt_value, \
     c.pk, c.hidden \
     FROM t JOIN pragma_table_xinfo(t.name, 'main') AS c \
     ORDER BY t.name, c.cid";

const INDEXES: &str = "SELECT t.name AS tbl, il.name AS idx, il.\"unique\", il.origin, il.partial, \
     ix.seqno, ix.cid, ix.name, ix.\"desc\", ix.coll \
     FROM t JOIN pragma_index_list(t.name, 'main') AS il \
     JOIN pragma_index_xinfo(il.name, 'main') AS ix \
     WHERE ix.key = 1 AND il.origin <> 'pk' \
     ORDER BY t.name, il.name, ix.seqno";

const FOREIGN_KEYS: &str = "SELECT t.name AS tbl, f.id, f.seq, f.\"table\", f.\"from\", \
     coalesce(f.\"to\", pk.name) AS \"to\", f.on_update, f.on_delete \
     FROM t JOIN pragma_foreign_key_list(t.name, 'main') AS f \
     LEFT JOIN pragma_table_info(f.\"table\", 'main') AS pk \
       ON f.\"to\" IS NULL AND pk.pk = f.seq + 1 \
     ORDER BY t.name, f.id, f.seq";

/// Runs one query of the catalog with the scope's patterns bound.
async fn rows(
    conn: &mut SqliteConnection,
    scope: &Scope,
    query: &str,
    what: &'static str,
) -> Result<Vec<sqlx::sqlite::SqliteRow>, IntrospectError> {
    let sql = format!("{}{query}", tables_in_scope(scope));
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for pattern in scope_binds(scope) {
        q = q.bind(pattern);
    }
    q.fetch_all(&mut *conn)
        .await
        .map_err(IntrospectError::query(Dialect::Sqlite, what))
}

/// Reads the catalog of everything in scope.
pub(crate) async fn fetch(
    conn: &mut SqliteConnection,
    scope: &Scope,
) -> Result<Catalog, IntrospectError> {
    let err = |what| IntrospectError::query(Dialect::Sqlite, what);
    let mut catalog = Catalog::default();

    for row in rows(conn, scope, OBJECTS, "tables").await? {
        let e = || err("tables");
        let kind: String = row.try_get(0).map_err(e())?;
        let name: String = row.try_get(1).map_err(e())?;
        let table: String = row.try_get(2).map_err(e())?;
        let sql: Option<String> = row.try_get(3).map_err(e())?;
        match (kind.as_str(), sql) {
            ("table", sql) => catalog.tables.push(TableRow { name, sql }),
            ("index", Some(sql)) => catalog.index_sql.push(IndexSqlRow {
                index: name,
                table,
                sql,
            }),
            ("view" | "trigger", Some(sql)) => catalog.objects.push(ObjectRow {
                kind,
                name,
                table,
                sql,
            }),
            _ => {}
        }
    }
    for row in rows(conn, scope, COLUMNS, "columns").await? {
        let e = || err("columns");
        catalog.columns.push(ColumnRow {
            table: row.try_get(0).map_err(e())?,
            cid: row.try_get(1).map_err(e())?,
            name: row.try_get(2).map_err(e())?,
            ty: row
                .try_get::<Option<String>, _>(3)
                .map_err(e())?
                .unwrap_or_default(),
            not_null: row.try_get::<i64, _>(4).map_err(e())? != 0,
            default: row.try_get(5).map_err(e())?,
            pk: row.try_get(6).map_err(e())?,
            hidden: row.try_get(7).map_err(e())?,
        });
    }
    for row in rows(conn, scope, INDEXES, "indexes").await? {
        let e = || err("indexes");
        catalog.indexes.push(IndexRow {
            table: row.try_get(0).map_err(e())?,
            index: row.try_get(1).map_err(e())?,
            unique: row.try_get::<i64, _>(2).map_err(e())? != 0,
            origin: row.try_get(3).map_err(e())?,
            partial: row.try_get::<i64, _>(4).map_err(e())? != 0,
            seqno: row.try_get(5).map_err(e())?,
            cid: row.try_get(6).map_err(e())?,
            column: row.try_get(7).map_err(e())?,
            desc: row.try_get::<i64, _>(8).map_err(e())? != 0,
            collation: row.try_get(9).map_err(e())?,
        });
    }
    for row in rows(conn, scope, FOREIGN_KEYS, "foreign keys").await? {
        let e = || err("foreign keys");
        catalog.foreign_keys.push(ForeignKeyRow {
            table: row.try_get(0).map_err(e())?,
            id: row.try_get(1).map_err(e())?,
            seq: row.try_get(2).map_err(e())?,
            ref_table: row.try_get(3).map_err(e())?,
            column: row.try_get(4).map_err(e())?,
            ref_column: row.try_get(5).map_err(e())?,
            on_update: row.try_get(6).map_err(e())?,
            on_delete: row.try_get(7).map_err(e())?,
        });
    }
    Ok(catalog)
}
