//! PostgreSQL: transactional DDL, `COMMENT ON`, `ALTER COLUMN ... TYPE ... USING`, enum types
//! of their own (labels added in place, removed by replacing the type).

use strata_diff::{Change, ColumnFacet, TableRef};
use strata_ir::{Column, ColumnType, Dialect, EnumType, Schema, Table};

use super::{Statement, with_warning};
use crate::EmitError;
use crate::ddl;

const PG: Dialect = Dialect::Postgres;

fn table_name(t: &TableRef) -> String {
    PG.quote_qualified(t.schema.as_deref(), &t.name)
}

fn enum_name(e: &EnumType) -> String {
    PG.quote_qualified(e.schema.as_deref(), &e.name)
}

fn literal(text: Option<&str>) -> String {
    text.map_or_else(|| "NULL".to_owned(), |t| PG.string_literal(t))
}

/// A stand-in table holding one column, for the shared column-definition writer.
fn holder(table: &TableRef, column: &Column) -> Table {
    let mut t = Table::new(table.schema.clone(), table.name.clone());
    t.columns.push(column.clone());
    t
}

fn spell(table: &TableRef, column: &Column) -> Result<String, EmitError> {
    PG.spell_type(&column.ty)
        .map_err(|reason| EmitError::UnsupportedType {
            table: table.to_string(),
            column: column.name.clone(),
            reason,
        })
}

pub(super) fn render(change: &Change, state: &Schema) -> Result<Vec<Statement>, EmitError> {
    let statements = match change {
        Change::CreateEnum { enum_type } => {
            let values: Vec<String> = enum_type
                .values
                .iter()
                .map(|v| PG.string_literal(v))
                .collect();
            vec![Statement::new(format!(
                "CREATE TYPE {} AS ENUM ({})",
                enum_name(enum_type),
                values.join(", ")
            ))]
        }
        Change::DropEnum { enum_type } => {
            vec![Statement::new(format!(
                "DROP TYPE {}",
                enum_name(enum_type)
            ))]
        }
        Change::AlterEnum { from, to } => alter_enum(from, to, state),
        Change::CreateTable { table } => {
            let mut out = vec![Statement::new(ddl::create_table(table, PG)?)];
            out.extend(ddl::comments(table, PG).into_iter().map(Statement::new));
            for index in table
                .indexes
                .iter()
                .filter(|i| !i.constraint && !i.implicit)
            {
                out.push(Statement::new(ddl::create_index(table, index, PG)));
            }
            for fk in &table.foreign_keys {
                out.push(Statement::new(format!(
                    "ALTER TABLE {} ADD {}",
                    ddl::table_name(table, PG),
                    ddl::foreign_key(fk, PG)
                )));
            }
            out
        }
        Change::DropTable { table } => vec![Statement::new(format!(
            "DROP TABLE {}",
            ddl::table_name(table, PG)
        ))],
        Change::RenameTable { from, to } => vec![Statement::new(format!(
            "ALTER TABLE {} RENAME TO {}",
            table_name(from),
            PG.quote(&to.name)
        ))],
        Change::SetTableComment { table, to, .. } => vec![Statement::new(format!(
            "COMMENT ON TABLE {} IS {}",
            table_name(table),
            literal(to.as_deref())
        ))],
        Change::AddColumn { table, column } => {
            let t = holder(table, column);
            let mut out = vec![Statement::new(format!(
                "ALTER TABLE {} ADD COLUMN {}",
                table_name(table),
                ddl::column_definition(&t, column, false, PG)?
            ))];
            if let Some(comment) = &column.comment {
                out.push(column_comment(table, &column.name, Some(comment)));
            }
            out
        }
        Change::DropColumn { table, column } => vec![Statement::new(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            table_name(table),
            PG.quote(&column.name)
        ))],
        Change::RenameColumn { table, from, to } => vec![Statement::new(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            table_name(table),
            PG.quote(from),
            PG.quote(to)
        ))],
        Change::AlterColumn {
            table,
            from,
            to,
            facets,
        } => alter_column(table, from, to, facets)?,
        Change::SetPrimaryKey { table, from, to } => {
            let mut out = Vec::new();
            if from.is_some() {
                let name = from
                    .as_ref()
                    .and_then(|pk| pk.name.clone())
                    .unwrap_or_else(|| format!("{}_pkey", table.name));
                out.push(Statement::new(format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}",
                    table_name(table),
                    PG.quote_name(&name)
                )));
            }
            if let Some(pk) = to {
                let constraint = pk
                    .name
                    .as_ref()
                    .map(|n| format!("CONSTRAINT {} ", PG.quote_name(n)))
                    .unwrap_or_default();
                out.push(Statement::new(format!(
                    "ALTER TABLE {} ADD {constraint}PRIMARY KEY ({})",
                    table_name(table),
                    ddl::quote_list(&pk.columns, PG)
                )));
            }
            out
        }
        Change::AddIndex { table, index } if index.constraint => {
            let constraint = index
                .name
                .as_ref()
                .map(|n| format!("CONSTRAINT {} ", PG.quote_name(n)))
                .unwrap_or_default();
            vec![Statement::new(format!(
                "ALTER TABLE {} ADD {constraint}UNIQUE ({})",
                table_name(table),
                ddl::index_parts(&index.parts, PG)
            ))]
        }
        Change::AddIndex { table, index } => {
            let t = Table::new(table.schema.clone(), table.name.clone());
            vec![Statement::new(ddl::create_index(&t, index, PG))]
        }
        Change::DropIndex { table, index } => {
            let columns: Vec<&str> = index
                .parts
                .iter()
                .map(|p| p.column_name().unwrap_or("expr"))
                .collect();
            if index.constraint {
                let name = index
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("{}_{}_key", table.name, columns.join("_")));
                vec![Statement::new(format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}",
                    table_name(table),
                    PG.quote_name(&name)
                ))]
            } else {
                let name = index
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("idx-{}-{}", table.name, columns.join("-")));
                vec![Statement::new(format!(
                    "DROP INDEX {}",
                    PG.quote_qualified(table.schema.as_deref(), &PG.fit_name(&name))
                ))]
            }
        }
        Change::AddForeignKey { table, foreign_key } => vec![Statement::new(format!(
            "ALTER TABLE {} ADD {}",
            table_name(table),
            ddl::foreign_key(foreign_key, PG)
        ))],
        Change::DropForeignKey { table, foreign_key } => {
            let name = foreign_key.name.clone().unwrap_or_else(|| {
                format!("{}_{}_fkey", table.name, foreign_key.columns.join("_"))
            });
            vec![Statement::new(format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                table_name(table),
                PG.quote_name(&name)
            ))]
        }
    };
    Ok(with_warning(change, PG, statements))
}

fn column_comment(table: &TableRef, column: &str, comment: Option<&str>) -> Statement {
    Statement::new(format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        table_name(table),
        PG.quote(column),
        literal(comment)
    ))
}

fn alter_column(
    table: &TableRef,
    from: &Column,
    to: &Column,
    facets: &[ColumnFacet],
) -> Result<Vec<Statement>, EmitError> {
    let mut parts: Vec<String> = Vec::new();
    let mut guard = None;
    let mut out = Vec::new();
    let col = PG.quote(&to.name);
    for facet in facets {
        match facet {
            ColumnFacet::Type | ColumnFacet::Collation => {
                if parts.iter().any(|p| p.contains(" TYPE ")) {
                    continue;
                }
                let ty = spell(table, to)?;
                let collate = to
                    .collation
                    .as_ref()
                    .map(|c| format!(" COLLATE {}", PG.quote(c)))
                    .unwrap_or_default();
                // An explicit cast to a string type cuts values to the new length; the
                // assignment cast PostgreSQL uses without `USING` fails on them instead, and
                // every type has one to the string types.
                let using = if is_string(&to.ty) {
                    String::new()
                } else {
                    format!(" USING {col}::{ty}")
                };
                parts.push(format!("ALTER COLUMN {col} TYPE {ty}{collate}{using}"));
                if super::narrows(&from.ty, &to.ty) {
                    guard = Some(narrowing_guard(table, from, &ty)?);
                }
            }
            ColumnFacet::Nullable => parts.push(if to.nullable {
                format!("ALTER COLUMN {col} DROP NOT NULL")
            } else {
                format!("ALTER COLUMN {col} SET NOT NULL")
            }),
            ColumnFacet::Default => parts.push(
                match to.default.as_ref().and_then(|d| PG.spell_default(d)) {
                    Some(sql) => format!("ALTER COLUMN {col} SET DEFAULT {sql}"),
                    None => format!("ALTER COLUMN {col} DROP DEFAULT"),
                },
            ),
            ColumnFacet::AutoIncrement => {
                if from.auto_increment {
                    parts.push(format!("ALTER COLUMN {col} DROP IDENTITY IF EXISTS"));
                }
                if to.auto_increment {
                    let kind = if to.identity_always {
                        "ALWAYS"
                    } else {
                        "BY DEFAULT"
                    };
                    parts.push(format!(
                        "ALTER COLUMN {col} ADD GENERATED {kind} AS IDENTITY"
                    ));
                }
            }
            ColumnFacet::Comment => {
                out.push(column_comment(table, &to.name, to.comment.as_deref()))
            }
            ColumnFacet::Generated | ColumnFacet::Extra => {
                return Err(EmitError::Unsupported {
                    what: format!(
                        "changing the generated expression of {table}.{} on postgres",
                        to.name
                    ),
                });
            }
        }
    }
    if !parts.is_empty() {
        out.insert(
            0,
            Statement::new(format!(
                "ALTER TABLE {} {}",
                table_name(table),
                parts.join(", ")
            )),
        );
    }
    // The guard runs before anything is altered.
    Ok(guard.into_iter().chain(out).collect())
}

fn is_string(ty: &ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::String { .. } | ColumnType::Char { .. } | ColumnType::Text
    )
}

/// A block that refuses a narrowing type change when some values would not survive it, with
/// the number of those rows, before anything is altered: cut strings, rounded numbers (a
/// value out of range fails in the cast itself, with PostgreSQL's message).
fn narrowing_guard(table: &TableRef, from: &Column, ty: &str) -> Result<Statement, EmitError> {
    let col = PG.quote(&from.name);
    let old = spell(table, from)?;
    let what = format!("column {table}.{}", from.name).replace('%', "%%");
    let message = PG.string_literal(&format!(
        "{what}: % row(s) hold values that do not fit {} (they would be cut or rounded); nothing was changed",
        ty.replace('%', "%%")
    ));
    let body = format!(
        "DECLARE n bigint;\nBEGIN\n  SELECT count(*) INTO n FROM {t} WHERE {col} IS DISTINCT FROM {col}::{ty}::{old};\n  IF n > 0 THEN\n    RAISE EXCEPTION {message}, n;\n  END IF;\nEND",
        t = table_name(table)
    );
    Ok(Statement::new(format!(
        "DO {}",
        strata_ir::text::dollar_quote(&body)
    )))
}

/// New labels are added in place (`ADD VALUE ... BEFORE/AFTER`); anything else (a label
/// removed or moved) replaces the type: rename the old one, create the new, convert every
/// column through text, drop the old.
fn alter_enum(from: &EnumType, to: &EnumType, state: &Schema) -> Vec<Statement> {
    let kept: Vec<&String> = to
        .values
        .iter()
        .filter(|v| from.values.contains(v))
        .collect();
    let only_added = kept.len() == from.values.len() && kept.iter().copied().eq(from.values.iter());
    if only_added {
        let mut out = Vec::new();
        for (i, value) in to.values.iter().enumerate() {
            if from.values.contains(value) {
                continue;
            }
            let position = match to.values[i + 1..].iter().find(|v| from.values.contains(v)) {
                Some(next) => format!(" BEFORE {}", PG.string_literal(next)),
                None => String::new(),
            };
            out.push(Statement::new(format!(
                "ALTER TYPE {} ADD VALUE {}{position}",
                enum_name(to),
                PG.string_literal(value)
            )));
        }
        return out;
    }
    let old = EnumType {
        name: format!("{}_old", from.name),
        ..from.clone()
    };
    let values: Vec<String> = to.values.iter().map(|v| PG.string_literal(v)).collect();
    let mut out = vec![
        Statement::new(format!(
            "ALTER TYPE {} RENAME TO {}",
            enum_name(from),
            PG.quote(&old.name)
        )),
        Statement::new(format!(
            "CREATE TYPE {} AS ENUM ({})",
            enum_name(to),
            values.join(", ")
        )),
    ];
    for table in &state.tables {
        for column in &table.columns {
            let array = matches!(&column.ty, ColumnType::Array { .. });
            let uses = match &column.ty {
                ColumnType::Enum { schema, name, .. } => {
                    *schema == from.schema && *name == from.name
                }
                ColumnType::Array { of } => matches!(&**of, ColumnType::Enum { schema, name, .. }
                    if *schema == from.schema && *name == from.name),
                _ => false,
            };
            if !uses {
                continue;
            }
            let col = PG.quote(&column.name);
            let suffix = if array { "[]" } else { "" };
            let ty = format!("{}{suffix}", enum_name(to));
            let mut parts = Vec::new();
            if column.default.is_some() {
                parts.push(format!("ALTER COLUMN {col} DROP DEFAULT"));
            }
            parts.push(format!(
                "ALTER COLUMN {col} TYPE {ty} USING {col}::text{suffix}::{ty}"
            ));
            if let Some(sql) = column.default.as_ref().and_then(|d| PG.spell_default(d)) {
                parts.push(format!("ALTER COLUMN {col} SET DEFAULT {sql}"));
            }
            out.push(Statement::new(format!(
                "ALTER TABLE {} {}",
                ddl::table_name(table, PG),
                parts.join(", ")
            )));
        }
    }
    out.push(Statement::new(format!("DROP TYPE {}", enum_name(&old))));
    out
}
