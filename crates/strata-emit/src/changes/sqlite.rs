//! SQLite: add, drop and rename columns, create and drop plain indexes natively where SQLite
//! allows it; anything else rebuilds the table (new table, copy every row, drop, rename,
//! recreate indexes, check foreign keys), which keeps every row.
//!
//! The rebuild turns foreign-key enforcement off around itself (`PRAGMA foreign_keys`), as
//! SQLite's documentation prescribes, so that dropping the old table cascades nowhere; that
//! pragma has no effect inside a transaction, so whoever runs the script runs it with
//! enforcement off.

use strata_diff::{Change, TableRef};
use strata_ir::{Column, DefaultValue, Dialect, Schema, Table};

use super::{Statement, with_warning};
use crate::EmitError;
use crate::ddl;

const LITE: Dialect = Dialect::Sqlite;

fn table_name(t: &TableRef) -> String {
    LITE.quote(&t.name)
}

pub(super) fn render(change: &Change, state: &Schema) -> Result<Vec<Statement>, EmitError> {
    let current = |t: &TableRef| state.table(t.schema.as_deref(), &t.name);
    let statements = match change {
        // SQLite stores enums as text and keeps no comments.
        Change::CreateEnum { .. }
        | Change::DropEnum { .. }
        | Change::AlterEnum { .. }
        | Change::SetTableComment { .. } => vec![],
        Change::CreateTable { table } => create_table(table)?,
        Change::DropTable { table } => {
            vec![Statement::new(format!(
                "DROP TABLE {}",
                LITE.quote(&table.name)
            ))]
        }
        Change::RenameTable { from, to } => vec![Statement::new(format!(
            "ALTER TABLE {} RENAME TO {}",
            table_name(from),
            LITE.quote(&to.name)
        ))],
        Change::AddColumn { table, column } if can_add(column) => {
            let mut t = Table::new(table.schema.clone(), table.name.clone());
            t.columns.push(column.clone());
            vec![Statement::new(format!(
                "ALTER TABLE {} ADD COLUMN {}",
                table_name(table),
                ddl::column_definition(&t, column, false, LITE)?
            ))]
        }
        Change::DropColumn { table, column }
            if current(table).is_some_and(|t| !constrained(t, &column.name)) =>
        {
            vec![Statement::new(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                table_name(table),
                LITE.quote(&column.name)
            ))]
        }
        Change::RenameColumn { table, from, to } => vec![Statement::new(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            table_name(table),
            LITE.quote(from),
            LITE.quote(to)
        ))],
        Change::AddIndex { table, index } if !index.constraint => {
            let t = Table::new(table.schema.clone(), table.name.clone());
            vec![Statement::new(ddl::create_index(&t, index, LITE))]
        }
        Change::DropIndex { table, index } if !index.constraint => {
            let columns: Vec<&str> = index
                .parts
                .iter()
                .map(|p| p.column_name().unwrap_or("expr"))
                .collect();
            let name = index
                .name
                .clone()
                .unwrap_or_else(|| format!("idx-{}-{}", table.name, columns.join("-")));
            vec![Statement::new(format!("DROP INDEX {}", LITE.quote(&name)))]
        }
        _ => {
            let table = change_table(change);
            let Some(before) = current(&table) else {
                return Err(EmitError::Unsupported {
                    what: format!("changing table {table}, which the database does not have,"),
                });
            };
            let mut after_schema = Schema {
                tables: vec![before.clone()],
                enums: Vec::new(),
            };
            strata_diff::apply(&mut after_schema, change);
            match after_schema.tables.first() {
                Some(after) => rebuild(before, after)?,
                None => Vec::new(),
            }
        }
    };
    Ok(with_warning(change, LITE, statements))
}

fn create_table(table: &Table) -> Result<Vec<Statement>, EmitError> {
    let mut out = vec![Statement::new(ddl::create_table(table, LITE)?)];
    for index in table
        .indexes
        .iter()
        .filter(|i| !i.constraint && !i.implicit)
    {
        out.push(Statement::new(ddl::create_index(table, index, LITE)));
    }
    Ok(out)
}

/// The table a table-level change touches.
fn change_table(change: &Change) -> TableRef {
    match change {
        Change::CreateTable { table } | Change::DropTable { table } => TableRef::of(table),
        Change::RenameTable { from, .. } => from.clone(),
        Change::SetTableComment { table, .. }
        | Change::AddColumn { table, .. }
        | Change::DropColumn { table, .. }
        | Change::RenameColumn { table, .. }
        | Change::AlterColumn { table, .. }
        | Change::SetPrimaryKey { table, .. }
        | Change::AddIndex { table, .. }
        | Change::DropIndex { table, .. }
        | Change::AddForeignKey { table, .. }
        | Change::DropForeignKey { table, .. } => table.clone(),
        Change::CreateEnum { enum_type } | Change::DropEnum { enum_type } => TableRef {
            schema: enum_type.schema.clone(),
            name: enum_type.name.clone(),
        },
        Change::AlterEnum { to, .. } => TableRef {
            schema: to.schema.clone(),
            name: to.name.clone(),
        },
    }
}

/// `ALTER TABLE ADD COLUMN` takes no key, no unique, no CURRENT_* or expression default, and
/// NOT NULL only with a default.
fn can_add(column: &Column) -> bool {
    let constant_default = matches!(column.default, Some(DefaultValue::Literal(_)));
    !column.auto_increment
        && column.generated.is_none()
        && (column.nullable || constant_default)
        && (column.default.is_none() || constant_default)
}

/// Whether SQLite refuses to drop the column natively: it is part of a key, an index, a
/// foreign key or a check.
fn constrained(table: &Table, column: &str) -> bool {
    table
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
        || table.indexes.iter().any(|i| {
            i.parts.iter().any(|p| p.column_name() == Some(column))
                || i.parts.iter().any(|p| p.column_name().is_none())
        })
        || table
            .foreign_keys
            .iter()
            .any(|k| k.columns.iter().any(|c| c == column))
        || !table.checks.is_empty()
}

/// The twelve-step table rebuild SQLite documents, with every row copied.
fn rebuild(before: &Table, after: &Table) -> Result<Vec<Statement>, EmitError> {
    let name = LITE.quote(&after.name);
    let temp_name = format!("strata_new_{}", after.name);
    let mut temp = after.clone();
    temp.name = temp_name.clone();
    let temp_quoted = LITE.quote(&temp_name);
    let shared: Vec<String> = after
        .columns
        .iter()
        .filter(|c| before.column(&c.name).is_some() && c.generated.is_none())
        .map(|c| LITE.quote(&c.name))
        .collect();
    let mut out = vec![
        Statement::new("PRAGMA foreign_keys = OFF"),
        Statement::new(ddl::create_table(&temp, LITE)?),
        Statement::new(format!(
            "INSERT INTO {temp_quoted} ({cols}) SELECT {cols} FROM {name}",
            cols = shared.join(", ")
        )),
        Statement::new(format!("DROP TABLE {name}")),
        Statement::new(format!("ALTER TABLE {temp_quoted} RENAME TO {name}")),
    ];
    for index in after
        .indexes
        .iter()
        .filter(|i| !i.constraint && !i.implicit)
    {
        out.push(Statement::new(ddl::create_index(after, index, LITE)));
    }
    out.push(Statement::new(format!("PRAGMA foreign_key_check({name})")));
    out.push(Statement::new("PRAGMA foreign_keys = ON"));
    Ok(out)
}
