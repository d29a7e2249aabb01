//! CREATE statements for a whole schema.
//!
//! Foreign keys are added with `ALTER TABLE` after every table exists on PostgreSQL and MySQL (so
//! tables that reference each other need no ordering); SQLite cannot add them later and does not
//! check targets at creation, so they are written inside `CREATE TABLE` there.

use std::collections::BTreeSet;
use std::fmt::Write;

use strata_ir::{Column, ColumnType, Dialect, ForeignKey, Index, IndexPart, Schema, Table};

use crate::EmitError;

/// The DDL that recreates `schema` in an empty database, statements separated by blank lines.
pub fn create_schema(schema: &Schema, dialect: Dialect) -> Result<String, EmitError> {
    strata_ir::text::check_schema(schema)?;
    let mut statements: Vec<String> = Vec::new();
    if dialect == Dialect::Postgres {
        let schemas: BTreeSet<&str> = schema
            .tables
            .iter()
            .filter_map(|t| t.schema.as_deref())
            .chain(schema.enums.iter().filter_map(|e| e.schema.as_deref()))
            .filter(|s| *s != "public")
            .collect();
        for name in schemas {
            statements.push(format!(
                "CREATE SCHEMA IF NOT EXISTS {};",
                dialect.quote(name)
            ));
        }
        for e in &schema.enums {
            let values: Vec<String> = e.values.iter().map(|v| dialect.string_literal(v)).collect();
            statements.push(format!(
                "CREATE TYPE {} AS ENUM ({});",
                dialect.quote_qualified(e.schema.as_deref(), &e.name),
                values.join(", ")
            ));
        }
    }
    for table in &schema.tables {
        statements.push(create_table(table, dialect)?);
        statements.extend(comments(table, dialect));
        // Implicit indexes come with their foreign key; those with saved SQL come with the
        // other objects below.
        for index in table.indexes.iter().filter(|i| {
            !i.constraint
                && !i.implicit
                && i.name
                    .as_deref()
                    .is_none_or(|n| schema.index_sql(&table.name, n).is_none())
        }) {
            statements.push(create_index(table, index, dialect));
        }
    }
    // Views, triggers and indexes known only by their SQL, in the order they were created.
    if dialect == Dialect::Sqlite {
        for object in &schema.objects {
            statements.push(format!("{};", object.sql.trim_end().trim_end_matches(';')));
        }
    }
    if dialect != Dialect::Sqlite {
        for table in &schema.tables {
            for fk in &table.foreign_keys {
                statements.push(format!(
                    "ALTER TABLE {} ADD {};",
                    table_name(table, dialect),
                    foreign_key(fk, dialect)
                ));
            }
        }
    }
    let mut out = String::new();
    for statement in statements {
        out.push_str(&statement);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    if !out.is_empty() {
        out.push('\n');
    }
    Ok(out)
}

pub(crate) fn table_name(table: &Table, dialect: Dialect) -> String {
    dialect.quote_qualified(table.schema.as_deref(), &table.name)
}

/// Whether the column is SQLite's `INTEGER PRIMARY KEY AUTOINCREMENT`, which must be declared on
/// the column itself.
pub(crate) fn sqlite_rowid_key(table: &Table, column: &Column, dialect: Dialect) -> bool {
    dialect == Dialect::Sqlite
        && column.auto_increment
        && !table.without_rowid
        && table
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.len() == 1 && pk.columns[0] == column.name)
}

pub(crate) fn create_table(table: &Table, dialect: Dialect) -> Result<String, EmitError> {
    let mut lines: Vec<String> = Vec::new();
    let mut inline_pk = false;
    for column in &table.columns {
        let rowid = sqlite_rowid_key(table, column, dialect);
        inline_pk |= rowid;
        lines.push(column_definition(table, column, rowid, dialect)?);
    }
    if let Some(pk) = &table.primary_key
        && !inline_pk
    {
        let cols = quote_list(&pk.columns, dialect);
        lines.push(match (&pk.name, dialect) {
            (Some(name), Dialect::Postgres | Dialect::Sqlite) => {
                format!(
                    "CONSTRAINT {} PRIMARY KEY ({cols})",
                    dialect.quote_name(name)
                )
            }
            _ => format!("PRIMARY KEY ({cols})"),
        });
    }
    for index in table.indexes.iter().filter(|i| i.constraint) {
        let cols = index_parts(&index.parts, dialect);
        lines.push(match &index.name {
            Some(name) => format!("CONSTRAINT {} UNIQUE ({cols})", dialect.quote_name(name)),
            None => format!("UNIQUE ({cols})"),
        });
    }
    for check in &table.checks {
        lines.push(match &check.name {
            Some(name) => format!(
                "CONSTRAINT {} CHECK ({})",
                dialect.quote_name(name),
                check.expr
            ),
            None => format!("CHECK ({})", check.expr),
        });
    }
    if dialect == Dialect::Sqlite {
        for fk in &table.foreign_keys {
            lines.push(foreign_key(fk, dialect));
        }
    }
    let mut sql = format!("CREATE TABLE {} (\n", table_name(table, dialect));
    sql.push_str(
        &lines
            .iter()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join(",\n"),
    );
    sql.push_str("\n)");
    if dialect == Dialect::Mysql
        && let Some(comment) = &table.comment
    {
        let _ = write!(sql, " COMMENT {}", dialect.string_literal(comment));
    }
    if dialect == Dialect::Sqlite {
        let options: Vec<&str> = [
            (table.strict, "STRICT"),
            (table.without_rowid, "WITHOUT ROWID"),
        ]
        .into_iter()
        .filter_map(|(on, option)| on.then_some(option))
        .collect();
        if !options.is_empty() {
            let _ = write!(sql, " {}", options.join(", "));
        }
    }
    sql.push(';');
    Ok(sql)
}

pub(crate) fn column_definition(
    table: &Table,
    column: &Column,
    rowid: bool,
    dialect: Dialect,
) -> Result<String, EmitError> {
    let mut ty = spell(table, column, &column.ty, dialect)?;
    if dialect == Dialect::Sqlite && table.strict {
        ty = strata_ir::dialect::sqlite_strict_type(&ty).to_owned();
    }
    let mut sql = format!("{} {ty}", dialect.quote(&column.name));
    if let Some(collation) = &column.collation {
        let collation = match dialect {
            Dialect::Postgres => dialect.quote(collation),
            Dialect::Mysql | Dialect::Sqlite => collation.clone(),
        };
        let _ = write!(sql, " COLLATE {collation}");
    }
    if let Some(generated) = &column.generated {
        let kind = if generated.stored {
            "STORED"
        } else {
            "VIRTUAL"
        };
        let _ = write!(sql, " GENERATED ALWAYS AS ({}) {kind}", generated.expr);
    }
    if column.auto_increment && dialect == Dialect::Postgres {
        sql.push_str(if column.identity_always {
            " GENERATED ALWAYS AS IDENTITY"
        } else {
            " GENERATED BY DEFAULT AS IDENTITY"
        });
    }
    // MariaDB accepts no NULL / NOT NULL on a generated column; its nullability follows the
    // expression.
    if !(column.generated.is_some() && dialect == Dialect::Mysql) {
        sql.push_str(if column.nullable {
            " NULL"
        } else {
            " NOT NULL"
        });
    }
    if let Some(default) = column
        .default
        .as_ref()
        .and_then(|d| dialect.spell_default(d))
    {
        let _ = write!(sql, " DEFAULT {default}");
    }
    if column.auto_increment && dialect == Dialect::Mysql {
        sql.push_str(" AUTO_INCREMENT");
    }
    if rowid {
        if let Some(name) = table.primary_key.as_ref().and_then(|pk| pk.name.as_ref()) {
            let _ = write!(sql, " CONSTRAINT {}", dialect.quote_name(name));
        }
        sql.push_str(" PRIMARY KEY AUTOINCREMENT");
    }
    if dialect == Dialect::Mysql
        && let Some(comment) = &column.comment
    {
        let _ = write!(sql, " COMMENT {}", dialect.string_literal(comment));
    }
    if let Some(extra) = &column.extra {
        let _ = write!(sql, " {extra}");
    }
    Ok(sql)
}

fn spell(
    table: &Table,
    column: &Column,
    ty: &ColumnType,
    dialect: Dialect,
) -> Result<String, EmitError> {
    dialect
        .spell_type(ty)
        .map_err(|reason| EmitError::UnsupportedType {
            table: table.qualified_name(),
            column: column.name.clone(),
            reason,
        })
}

/// PostgreSQL `COMMENT ON` statements (MySQL keeps comments inline; SQLite has none).
pub(crate) fn comments(table: &Table, dialect: Dialect) -> Vec<String> {
    if dialect != Dialect::Postgres {
        return Vec::new();
    }
    let name = table_name(table, dialect);
    let mut out = Vec::new();
    if let Some(comment) = &table.comment {
        out.push(format!(
            "COMMENT ON TABLE {name} IS {};",
            dialect.string_literal(comment)
        ));
    }
    for column in &table.columns {
        if let Some(comment) = &column.comment {
            out.push(format!(
                "COMMENT ON COLUMN {name}.{} IS {};",
                dialect.quote(&column.name),
                dialect.string_literal(comment)
            ));
        }
    }
    out
}

pub(crate) fn create_index(table: &Table, index: &Index, dialect: Dialect) -> String {
    let name = index.name.clone().unwrap_or_else(|| {
        let cols: Vec<&str> = index
            .parts
            .iter()
            .map(|p| p.column_name().unwrap_or("expr"))
            .collect();
        format!("idx-{}-{}", table.name, cols.join("-"))
    });
    let method = index.method.as_deref().map(str::to_ascii_lowercase);
    // MySQL spells FULLTEXT and SPATIAL as index kinds, other methods as `USING`.
    let kind = match (dialect, method.as_deref()) {
        (Dialect::Mysql, Some("fulltext")) => "FULLTEXT ",
        (Dialect::Mysql, Some("spatial")) => "SPATIAL ",
        _ if index.unique => "UNIQUE ",
        _ => "",
    };
    // PostgreSQL indexes live in the table's schema; MySQL and SQLite name the bare table.
    let on = match dialect {
        Dialect::Postgres => table_name(table, dialect),
        _ => dialect.quote(&table.name),
    };
    let (using_before, using_after) = match (dialect, method.as_deref()) {
        (Dialect::Postgres, Some(m)) => (format!(" USING {m}"), String::new()),
        (Dialect::Mysql, Some("fulltext" | "spatial")) | (_, None) => {
            (String::new(), String::new())
        }
        (Dialect::Mysql, Some(m)) => (String::new(), format!(" USING {}", m.to_ascii_uppercase())),
        (Dialect::Sqlite, Some(_)) => (String::new(), String::new()),
    };
    let mut sql = format!(
        "CREATE {kind}INDEX {} ON {on}{using_before} ({}){using_after}",
        dialect.quote_name(&name),
        index_parts(&index.parts, dialect)
    );
    if !index.include.is_empty() && dialect == Dialect::Postgres {
        let _ = write!(sql, " INCLUDE ({})", quote_list(&index.include, dialect));
    }
    if let Some(predicate) = &index.predicate {
        let _ = write!(sql, " WHERE {predicate}");
    }
    sql.push(';');
    sql
}

pub(crate) fn index_parts(parts: &[IndexPart], dialect: Dialect) -> String {
    parts
        .iter()
        .map(|part| match part {
            IndexPart::Column { name, desc, prefix } => {
                let mut s = dialect.quote(name);
                if let (Some(n), Dialect::Mysql) = (prefix, dialect) {
                    let _ = write!(s, "({n})");
                }
                if *desc {
                    s.push_str(" DESC");
                }
                s
            }
            IndexPart::Expr { sql } => format!("({sql})"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn foreign_key(fk: &ForeignKey, dialect: Dialect) -> String {
    let mut sql = String::new();
    if let Some(name) = &fk.name {
        let _ = write!(sql, "CONSTRAINT {} ", dialect.quote_name(name));
    }
    let ref_schema = fk.ref_schema.as_deref();
    let target = match dialect {
        Dialect::Sqlite => dialect.quote(&fk.ref_table),
        _ => dialect.quote_qualified(ref_schema, &fk.ref_table),
    };
    let _ = write!(
        sql,
        "FOREIGN KEY ({}) REFERENCES {target}",
        quote_list(&fk.columns, dialect)
    );
    // SQLite lets a key name no target columns (the parent's primary key is meant).
    if !fk.ref_columns.is_empty() {
        let _ = write!(sql, " ({})", quote_list(&fk.ref_columns, dialect));
    }
    if let Some(action) = fk.on_delete {
        let _ = write!(sql, " ON DELETE {}", action.sql());
    }
    if let Some(action) = fk.on_update {
        let _ = write!(sql, " ON UPDATE {}", action.sql());
    }
    if let Some(deferrable) = fk.deferrable
        && dialect != Dialect::Mysql
    {
        let _ = write!(sql, " {}", deferrable.sql());
    }
    sql
}

pub(crate) fn quote_list(names: &[String], dialect: Dialect) -> String {
    names
        .iter()
        .map(|n| dialect.quote(n))
        .collect::<Vec<_>>()
        .join(", ")
}
