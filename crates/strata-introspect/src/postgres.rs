//! PostgreSQL introspection: the whole scope in five catalog queries, whatever the table count.
//!
//! [`fetch`] is the only IO: it runs five catalog queries in order, each once, in one read-only
//! transaction, with the same three bind parameters (the schemas, the bare-name ignore patterns, the `schema.table` ignore patterns),
//! and decodes the rows into a [`Catalog`] of plain structs. Every query starts from the same
//! `scope` CTE (ordinary and partitioned tables of the schemas, minus ignored names, partitions
//! and extension-owned tables), so nothing out of scope is ever fetched. [`lower`] (in
//! `postgres/lower.rs`) turns a `Catalog` into a [`Schema`] without IO.
//!
//! Reads `pg_catalog` only (PostgreSQL 12+). Views, materialized views, sequences, foreign tables
//! and partitions are not tables here; partitioned tables are. Exclusion constraints and the
//! indexes behind them, operator classes, per-column index collations and `NULLS FIRST/LAST`
//! are not modelled and are not read.

mod lower;

use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::{Connection, Row};
use strata_ir::{Dialect, Schema};

use crate::{IntrospectError, Scope};

pub(crate) use lower::lower;

pub(crate) async fn introspect(
    conn: &mut PgConnection,
    scope: &Scope,
) -> Result<Schema, IntrospectError> {
    Ok(lower(fetch(conn, scope).await?))
}

/// Everything read from the catalog, one struct per row, before any interpretation.
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    pub tables: Vec<TableRow>,
    pub columns: Vec<ColumnRow>,
    pub constraints: Vec<ConstraintRow>,
    pub indexes: Vec<IndexRow>,
    pub enums: Vec<EnumRow>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct TableRow {
    pub oid: i64,
    pub schema: String,
    pub name: String,
    pub comment: Option<String>,
}

/// One column.
#[derive(Clone, Debug, Default)]
pub(crate) struct ColumnRow {
    pub table: i64,
    /// `attnum`: the position among the table's columns (with gaps where columns were dropped).
    pub attnum: i16,
    pub name: String,
    /// `format_type` with the modifiers: `character varying(20)`, `integer[]`.
    pub type_sql: String,
    pub not_null: bool,
    /// `pg_get_expr` of the default (none for generated columns).
    pub default: Option<String>,
    /// `attidentity`: `a` (always), `d` (by default) or empty.
    pub identity: String,
    /// `attgenerated`: `s` (stored), `v` (virtual, PostgreSQL 18) or empty.
    pub generated_kind: String,
    /// The generation expression of a generated column.
    pub generated: Option<String>,
    /// The column owns a sequence (`serial`): a `nextval` default on it is auto-increment.
    pub owns_sequence: bool,
    pub comment: Option<String>,
    /// The collation's name when it is not the type's default.
    pub collation: Option<String>,
    /// The enum type of the column, or of its array elements.
    pub enum_oid: Option<i64>,
    /// The column is an array of [`ColumnRow::enum_oid`].
    pub enum_array: bool,
}

/// A primary key (`p`), unique (`u`), foreign key (`f`) or check (`c`) constraint.
#[derive(Clone, Debug, Default)]
pub(crate) struct ConstraintRow {
    pub table: i64,
    pub name: String,
    pub kind: String,
    /// `conkey`: the constrained columns' `attnum`s.
    pub columns: Vec<i16>,
    pub ref_table_oid: i64,
    pub ref_schema: Option<String>,
    pub ref_table: Option<String>,
    /// `confkey`: the referenced columns' `attnum`s.
    pub ref_columns: Vec<i16>,
    /// The referenced columns' names, read only when the referenced table is out of scope (the
    /// names of in-scope columns come from the column rows).
    pub ref_column_names: Option<Vec<String>>,
    /// `confdeltype` / `confupdtype`: `a`, `r`, `c`, `n`, `d` (foreign keys only).
    pub on_delete: String,
    pub on_update: String,
    pub deferrable: bool,
    pub deferred: bool,
    /// The condition of a check constraint.
    pub check: Option<String>,
}

/// An index that does not back a primary key, unique or exclusion constraint.
#[derive(Clone, Debug, Default)]
pub(crate) struct IndexRow {
    pub table: i64,
    pub name: String,
    pub unique: bool,
    pub method: String,
    /// The first `key_count` entries of `columns`/`exprs` are key parts, the rest `INCLUDE`d.
    pub key_count: i32,
    /// Per index column: the table column's `attnum`, or 0 for an expression.
    pub columns: Vec<i16>,
    /// Per index column: the expression, or `None` for a plain column.
    pub exprs: Vec<Option<String>>,
    /// Per key column: sorted descending.
    pub desc: Vec<bool>,
    pub predicate: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct EnumRow {
    pub oid: i64,
    pub schema: String,
    pub name: String,
    /// Labels in `enumsortorder`.
    pub labels: Vec<String>,
}

/// One catalog query: what it reads (for error messages) and its SQL.
pub(crate) struct Query {
    pub what: &'static str,
    pub sql: &'static str,
}

/// The in-scope tables, shared by every query. `$1`: schemas; `$2`: `LIKE` patterns on the
/// table name; `$3`: `LIKE` patterns on `schema.table` (`\` escapes, PostgreSQL's default).
macro_rules! with_scope {
    ($sql:literal) => {
        concat!(
            "WITH scope AS (
    SELECT c.oid, n.nspname::text AS schema_name, c.relname::text AS table_name
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p')
      AND NOT c.relispartition
      AND n.nspname = ANY($1::text[])
      AND NOT (c.relname LIKE ANY($2::text[]))
      AND NOT ((n.nspname || '.' || c.relname) LIKE ANY($3::text[]))
      AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend x
          WHERE x.classid = 'pg_catalog.pg_class'::regclass AND x.objid = c.oid
            AND x.deptype = 'e')
)
",
            $sql
        )
    };
}

const TABLES: Query = Query {
    what: "tables",
    sql: with_scope!(
        "SELECT s.oid::int8 AS oid, s.schema_name, s.table_name,
  (SELECT d.description FROM pg_catalog.pg_description d
   WHERE d.objoid = s.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0)
    AS comment
FROM scope s"
    ),
};

const COLUMNS: Query = Query {
    what: "columns",
    sql: with_scope!(
        "SELECT a.attrelid::int8 AS table_oid,
  a.attnum,
  a.attname::text AS name,
  pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_sql,
  a.attnotnull AS not_null,
  -- Defaults cannot refer to columns: no relation is needed to deparse them, which is cheaper.
  CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(ad.adbin, 0) END AS default_sql,
  a.attidentity::text AS identity,
  a.attgenerated::text AS generated_kind,
  CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) END
    AS generated_sql,
  -- `serial`: a default on a column that owns a sequence (an automatic dependency).
  ad.oid IS NOT NULL AND (a.attrelid, a.attnum) IN (
    SELECT own.refobjid, own.refobjsubid
    FROM pg_catalog.pg_sequence sq
    JOIN pg_catalog.pg_depend own
      ON own.classid = 'pg_catalog.pg_class'::regclass AND own.objid = sq.seqrelid
     AND own.refclassid = 'pg_catalog.pg_class'::regclass AND own.deptype = 'a'
  ) AS owns_sequence,
  (SELECT d.description FROM pg_catalog.pg_description d
   WHERE d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass
     AND d.objsubid = a.attnum) AS comment,
  CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END AS collation,
  CASE WHEN t.typtype = 'e' THEN t.oid::int8 END AS enum_oid,
  CASE WHEN t.typelem <> 0 THEN
    (SELECT et.oid::int8 FROM pg_catalog.pg_type et
     WHERE et.oid = t.typelem AND et.typtype = 'e') END AS element_enum_oid
FROM scope s
JOIN pg_catalog.pg_attribute a ON a.attrelid = s.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation"
    ),
};

const CONSTRAINTS: Query = Query {
    what: "constraints",
    sql: with_scope!(
        "SELECT k.conrelid::int8 AS table_oid,
  k.conname::text AS name,
  k.contype::text AS kind,
  k.conkey AS columns,
  k.confrelid::int8 AS ref_table_oid,
  rn.nspname::text AS ref_schema,
  rc.relname::text AS ref_table,
  k.confkey AS ref_columns,
  CASE WHEN k.contype = 'f' AND NOT k.confrelid IN (SELECT oid FROM scope)
       THEN ARRAY(SELECT (SELECT a.attname::text FROM pg_catalog.pg_attribute a
                          WHERE a.attrelid = k.confrelid AND a.attnum = u.attnum)
                  FROM unnest(k.confkey) WITH ORDINALITY u(attnum, ord)
                  ORDER BY u.ord) END AS ref_column_names,
  k.confdeltype::text AS on_delete,
  k.confupdtype::text AS on_update,
  k.condeferrable AS deferrable,
  k.condeferred AS deferred,
  CASE WHEN k.contype = 'c' THEN pg_catalog.pg_get_expr(k.conbin, k.conrelid, true) END
    AS check_sql
FROM scope s
JOIN pg_catalog.pg_constraint k ON k.conrelid = s.oid
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = k.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE k.contype IN ('p', 'u', 'f', 'c')
  AND k.conparentid = 0"
    ),
};

const INDEXES: Query = Query {
    what: "indexes",
    sql: with_scope!(
        "SELECT i.indrelid::int8 AS table_oid,
  ic.relname::text AS name,
  i.indisunique AS is_unique,
  am.amname::text AS method,
  i.indnkeyatts::int4 AS key_count,
  -- int2vector subscripts start at 0: rebuilt as an ordinary array.
  ARRAY(SELECT u.attnum FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(attnum, ord)
        ORDER BY u.ord) AS columns,
  ARRAY(SELECT CASE WHEN u.attnum = 0
                    THEN pg_catalog.pg_get_indexdef(i.indexrelid, u.ord::int4, true) END
        FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(attnum, ord)
        ORDER BY u.ord) AS exprs,
  ARRAY(SELECT coalesce((i.indoption[u.ord - 1] & 1) = 1, false)
        FROM generate_series(1, i.indnkeyatts) u(ord)
        ORDER BY u.ord) AS descending,
  pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate
FROM scope s
JOIN pg_catalog.pg_index i ON i.indrelid = s.oid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE NOT EXISTS (
  SELECT 1 FROM pg_catalog.pg_constraint k
  WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))"
    ),
};

const ENUMS: Query = Query {
    what: "enum types",
    sql: with_scope!(
        "SELECT t.oid::int8 AS oid,
  n.nspname::text AS schema_name,
  t.typname::text AS name,
  ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e
        WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e'
  AND ((n.nspname = ANY($1::text[])
        AND NOT EXISTS (
            SELECT 1 FROM pg_catalog.pg_depend x
            WHERE x.classid = 'pg_catalog.pg_type'::regclass AND x.objid = t.oid
              AND x.deptype = 'e'))
       OR t.oid IN (
            SELECT CASE WHEN ct.typtype = 'e' THEN ct.oid ELSE ct.typelem END
            FROM scope s
            JOIN pg_catalog.pg_attribute a
              ON a.attrelid = s.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_catalog.pg_type ct ON ct.oid = a.atttypid))"
    ),
};

/// Every statement [`fetch`] runs, in order; it runs nothing else (the tests check each one
/// against the scope's bind parameters).
#[cfg(test)]
pub(crate) const QUERIES: [&Query; 5] = [&TABLES, &COLUMNS, &CONSTRAINTS, &INDEXES, &ENUMS];

/// The scope as the queries' bind parameters.
struct Binds {
    schemas: Vec<String>,
    names: Vec<String>,
    qualified: Vec<String>,
}

impl Binds {
    fn new(scope: &Scope) -> Binds {
        let (qualified, names): (Vec<_>, Vec<_>) =
            scope.ignore_like().into_iter().partition(|(_, q)| *q);
        Binds {
            schemas: scope.postgres_schemas(),
            names: names.into_iter().map(|(p, _)| p).collect(),
            qualified: qualified.into_iter().map(|(p, _)| p).collect(),
        }
    }
}

/// Runs the five catalog queries, each once and in order, in one read-only transaction (one
/// snapshot for all five; a savepoint when the caller's connection is already in a transaction),
/// decoding their rows as they arrive. JIT compilation is switched off for the transaction: at thousands of tables the
/// planner's estimates cross `jit_above_cost`, and compiling costs more than it saves on
/// queries that run once.
pub(crate) async fn fetch(
    conn: &mut PgConnection,
    scope: &Scope,
) -> Result<Catalog, IntrospectError> {
    let failed = |what| IntrospectError::query(Dialect::Postgres, what);
    let binds = Binds::new(scope);
    let mut tx = if conn.is_in_transaction() {
        conn.begin().await
    } else {
        conn.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
    }
    .map_err(failed("the catalog (starting a transaction)"))?;
    sqlx::raw_sql("SET LOCAL jit = off")
        .execute(&mut *tx)
        .await
        .map_err(failed("the catalog (setting jit = off)"))?;
    // Each query's rows are decoded as they arrive, so the raw rows of a whole catalog (a
    // hundred thousand columns at ten thousand tables) are never held at once.
    let tables = decode(&mut tx, &TABLES, &binds, table_row).await?;
    let columns = decode(&mut tx, &COLUMNS, &binds, column_row).await?;
    let constraints = decode(&mut tx, &CONSTRAINTS, &binds, constraint_row).await?;
    let indexes = decode(&mut tx, &INDEXES, &binds, index_row).await?;
    let enums = decode(&mut tx, &ENUMS, &binds, enum_row).await?;
    tx.commit()
        .await
        .map_err(failed("the catalog (ending the transaction)"))?;
    Ok(Catalog {
        tables,
        columns,
        constraints,
        indexes,
        enums,
    })
}

/// Runs one catalog query and decodes its rows one by one.
async fn decode<T>(
    conn: &mut PgConnection,
    query: &Query,
    binds: &Binds,
    row: fn(&PgRow) -> Result<T, sqlx::Error>,
) -> Result<Vec<T>, IntrospectError> {
    let failed = || IntrospectError::query(Dialect::Postgres, query.what);
    let mut stream = sqlx::query(query.sql)
        .bind(binds.schemas.clone())
        .bind(binds.names.clone())
        .bind(binds.qualified.clone())
        .fetch(conn);
    let mut out = Vec::new();
    while let Some(next) = stream.try_next().await.map_err(failed())? {
        out.push(row(&next).map_err(failed())?);
    }
    Ok(out)
}

fn table_row(row: &PgRow) -> Result<TableRow, sqlx::Error> {
    Ok(TableRow {
        oid: row.try_get("oid")?,
        schema: row.try_get("schema_name")?,
        name: row.try_get("table_name")?,
        comment: row.try_get("comment")?,
    })
}

fn column_row(row: &PgRow) -> Result<ColumnRow, sqlx::Error> {
    let element_enum: Option<i64> = row.try_get("element_enum_oid")?;
    Ok(ColumnRow {
        table: row.try_get("table_oid")?,
        attnum: row.try_get("attnum")?,
        name: row.try_get("name")?,
        type_sql: row.try_get("type_sql")?,
        not_null: row.try_get("not_null")?,
        default: row.try_get("default_sql")?,
        identity: row.try_get("identity")?,
        generated_kind: row.try_get("generated_kind")?,
        generated: row.try_get("generated_sql")?,
        owns_sequence: row.try_get("owns_sequence")?,
        comment: row.try_get("comment")?,
        collation: row.try_get("collation")?,
        enum_oid: row.try_get::<Option<i64>, _>("enum_oid")?.or(element_enum),
        enum_array: element_enum.is_some(),
    })
}

fn constraint_row(row: &PgRow) -> Result<ConstraintRow, sqlx::Error> {
    Ok(ConstraintRow {
        table: row.try_get("table_oid")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        columns: row.try_get::<Option<_>, _>("columns")?.unwrap_or_default(),
        ref_table_oid: row.try_get("ref_table_oid")?,
        ref_schema: row.try_get("ref_schema")?,
        ref_table: row.try_get("ref_table")?,
        ref_columns: row
            .try_get::<Option<_>, _>("ref_columns")?
            .unwrap_or_default(),
        ref_column_names: row
            .try_get::<Option<Vec<Option<String>>>, _>("ref_column_names")?
            .map(|names| names.into_iter().flatten().collect()),
        on_delete: row.try_get("on_delete")?,
        on_update: row.try_get("on_update")?,
        deferrable: row.try_get("deferrable")?,
        deferred: row.try_get("deferred")?,
        check: row.try_get("check_sql")?,
    })
}

fn index_row(row: &PgRow) -> Result<IndexRow, sqlx::Error> {
    Ok(IndexRow {
        table: row.try_get("table_oid")?,
        name: row.try_get("name")?,
        unique: row.try_get("is_unique")?,
        method: row.try_get("method")?,
        key_count: row.try_get("key_count")?,
        columns: row.try_get("columns")?,
        exprs: row.try_get("exprs")?,
        desc: row.try_get("descending")?,
        predicate: row.try_get("predicate")?,
    })
}

fn enum_row(row: &PgRow) -> Result<EnumRow, sqlx::Error> {
    Ok(EnumRow {
        oid: row.try_get("oid")?,
        schema: row.try_get("schema_name")?,
        name: row.try_get("name")?,
        labels: row.try_get("labels")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract's first rule, as a fact about the code: `fetch` runs exactly these five
    /// statements, each once, and every one is filtered by the scope's bind parameters.
    #[test]
    fn a_fixed_handful_of_queries_each_filtered_by_scope() {
        assert_eq!(QUERIES.len(), 5);
        for query in QUERIES {
            assert!(query.sql.starts_with("WITH scope AS ("), "{}", query.what);
            assert!(query.sql.contains("FROM scope s"), "{}", query.what);
            for param in ["$1", "$2", "$3"] {
                assert!(query.sql.contains(param), "{} lacks {param}", query.what);
            }
        }
    }

    #[test]
    fn ignore_patterns_split_into_bare_and_qualified() {
        let binds = Binds::new(&Scope {
            schemas: vec![],
            ignore: vec!["tmp_*".into(), "audit.*".into()],
        });
        assert_eq!(binds.schemas, ["public"]);
        assert_eq!(binds.names, ["tmp\\_%"]);
        assert_eq!(binds.qualified, ["audit.%"]);
    }
}
