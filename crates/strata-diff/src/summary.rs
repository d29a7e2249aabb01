//! One line per change, as a reviewer reads it: `+ column users.email`, `~ column
//! users.email: nullable -> not null`, `- table sessions`.

use std::fmt;

use strata_ir::{Column, DefaultValue, Literal};

use crate::change::{Change, ColumnFacet, TableRef};
use crate::compare::Note;

impl fmt::Display for TableRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

fn columns(names: &[String]) -> String {
    names.join(", ")
}

/// A default as a reviewer reads it: `none`, `0`, `'draft'`, `CURRENT_TIMESTAMP`.
fn default(d: Option<&DefaultValue>) -> String {
    match d {
        None => "none".to_owned(),
        Some(DefaultValue::Literal(Literal::Null)) => "NULL".to_owned(),
        Some(DefaultValue::Literal(Literal::Bool(b))) => b.to_string(),
        Some(DefaultValue::Literal(Literal::Int(i))) => i.to_string(),
        Some(DefaultValue::Literal(Literal::Float(x))) => x.clone(),
        Some(DefaultValue::Literal(Literal::String(s))) => format!("'{}'", s.replace('\'', "''")),
        Some(DefaultValue::Expr(sql)) => sql.clone(),
        Some(DefaultValue::Opaque(rust)) => format!("`{rust}`"),
    }
}

fn null(c: &Column) -> &'static str {
    if c.nullable { "nullable" } else { "not null" }
}

fn facet(
    f: &mut fmt::Formatter<'_>,
    facet: ColumnFacet,
    from: &Column,
    to: &Column,
) -> fmt::Result {
    match facet {
        ColumnFacet::Type => write!(f, "type {} -> {}", from.ty, to.ty),
        ColumnFacet::Nullable => write!(f, "{} -> {}", null(from), null(to)),
        ColumnFacet::Default => write!(
            f,
            "default {} -> {}",
            default(from.default.as_ref()),
            default(to.default.as_ref())
        ),
        ColumnFacet::Comment => write!(f, "comment {:?} -> {:?}", from.comment, to.comment),
        ColumnFacet::AutoIncrement => write!(
            f,
            "auto-increment {} -> {}",
            from.auto_increment, to.auto_increment
        ),
        ColumnFacet::Collation => {
            write!(f, "collation {:?} -> {:?}", from.collation, to.collation)
        }
        ColumnFacet::Generated => write!(f, "generated {:?} -> {:?}", from.generated, to.generated),
        ColumnFacet::Extra => write!(f, "extra {:?} -> {:?}", from.extra, to.extra),
    }
}

/// Names and texts in a summary are shown on one line, control characters escaped, so a name
/// holding a line break or a terminal escape cannot fake another line of the summary.
impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&strata_ir::text::visible(&Raw(self).to_string()))
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&strata_ir::text::visible(&Raw(self).to_string()))
    }
}

/// The summary as written, before control characters are escaped.
struct Raw<'a, T>(&'a T);

impl fmt::Display for Raw<'_, Change> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let this = self.0;
        match this {
            Change::CreateEnum { enum_type: e } => {
                write!(f, "+ enum {} ({})", e.name, e.values.join(", "))
            }
            Change::DropEnum { enum_type: e } => write!(f, "- enum {}", e.name),
            Change::AlterEnum { from, to } => write!(
                f,
                "~ enum {}: ({}) -> ({})",
                to.name,
                from.values.join(", "),
                to.values.join(", ")
            ),
            Change::CreateTable { table } => write!(f, "+ table {}", TableRef::of(table)),
            Change::DropTable { table } => write!(f, "- table {}", TableRef::of(table)),
            Change::RenameTable { from, to } => write!(f, "~ table {from} -> {to}"),
            Change::SetTableComment { table, from, to } => {
                write!(f, "~ table {table}: comment {from:?} -> {to:?}")
            }
            Change::AddColumn { table, column } => {
                write!(f, "+ column {table}.{} {}", column.name, column.ty)
            }
            Change::DropColumn { table, column } => write!(f, "- column {table}.{}", column.name),
            Change::RenameColumn { table, from, to } => {
                write!(f, "~ column {table}.{from} -> {to}")
            }
            Change::AlterColumn {
                table,
                from,
                to,
                facets,
            } => {
                write!(f, "~ column {table}.{}: ", to.name)?;
                for (i, each) in facets.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    facet(f, *each, from, to)?;
                }
                Ok(())
            }
            Change::SetPrimaryKey { table, from, to } => {
                let cols = |pk: &Option<strata_ir::PrimaryKey>| {
                    pk.as_ref().map(|p| columns(&p.columns)).unwrap_or_default()
                };
                write!(
                    f,
                    "~ primary key {table}: ({}) -> ({})",
                    cols(from),
                    cols(to)
                )
            }
            Change::AddIndex { table, index } | Change::DropIndex { table, index } => {
                let sign = if matches!(this, Change::AddIndex { .. }) {
                    '+'
                } else {
                    '-'
                };
                let kind = match (index.unique, index.constraint) {
                    (true, true) => "unique constraint",
                    (true, false) => "unique index",
                    (false, _) => "index",
                };
                let parts: Vec<String> = index
                    .parts
                    .iter()
                    .map(|p| p.column_name().unwrap_or("(expression)").to_owned())
                    .collect();
                write!(f, "{sign} {kind} {table} ({})", parts.join(", "))
            }
            Change::AddForeignKey {
                table,
                foreign_key: k,
            }
            | Change::DropForeignKey {
                table,
                foreign_key: k,
            } => {
                let sign = if matches!(this, Change::AddForeignKey { .. }) {
                    '+'
                } else {
                    '-'
                };
                write!(
                    f,
                    "{sign} foreign key {table} ({}) -> {} ({})",
                    columns(&k.columns),
                    k.ref_table,
                    columns(&k.ref_columns)
                )?;
                if let Some(a) = k.on_delete {
                    write!(f, " on delete {}", a.sql().to_ascii_lowercase())?;
                }
                if let Some(a) = k.on_update {
                    write!(f, " on update {}", a.sql().to_ascii_lowercase())?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Raw<'_, Note> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Note::PossibleRename { table, from, to } => write!(
                f,
                "possible rename of {table}.{from} -> {to} (add renamed_from = \"{from}\" to keep its data)"
            ),
            Note::Unmanaged {
                table: Some(table),
                what,
            } => write!(f, "unmanaged: {what} on {table} (left alone)"),
            Note::Unmanaged { table: None, what } => write!(f, "unmanaged: {what} (left alone)"),
        }
    }
}
