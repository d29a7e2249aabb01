//! MySQL and MariaDB: DDL commits as it goes; a column change restates the whole column
//! (`MODIFY COLUMN`) so nothing about it is lost; enums are inline in the column type.

use strata_diff::{Change, TableRef};
use strata_ir::{Column, Dialect, Schema, Table};

use super::{Statement, with_warning};
use crate::EmitError;
use crate::ddl;

const MY: Dialect = Dialect::Mysql;

fn table_name(t: &TableRef) -> String {
    MY.quote(&t.name)
}

fn definition(table: &TableRef, column: &Column) -> Result<String, EmitError> {
    let mut t = Table::new(table.schema.clone(), table.name.clone());
    t.columns.push(column.clone());
    ddl::column_definition(&t, column, false, MY)
}

/// Strict mode or not, MySQL rounds a decimal to a smaller scale with only a note. A check
/// constraint added for a moment refuses the change when a value would be rounded (MySQL 8.0.16+
/// and MariaDB check existing rows when a constraint is added); its name says why.
fn decimal_guard(
    table: &TableRef,
    from: &Column,
    to: &Column,
) -> Result<Vec<Statement>, EmitError> {
    use strata_ir::ColumnType as T;
    if !matches!((&from.ty, &to.ty), (T::Decimal { .. }, T::Decimal { .. })) {
        return Ok(Vec::new());
    }
    let ty = MY
        .spell_type(&to.ty)
        .map_err(|reason| EmitError::UnsupportedType {
            table: table.name.clone(),
            column: to.name.clone(),
            reason,
        })?;
    let name = MY.quote("strata_values_must_fit_the_new_type");
    let col = MY.quote(&from.name);
    Ok(vec![
        Statement::new(format!(
            "ALTER TABLE {} ADD CONSTRAINT {name} CHECK ({col} IS NULL OR {col} = CAST({col} AS {ty}))",
            table_name(table)
        )),
        Statement::new(format!(
            "ALTER TABLE {} DROP CONSTRAINT {name}",
            table_name(table)
        )),
    ])
}

pub(super) fn render(change: &Change, state: &Schema) -> Result<Vec<Statement>, EmitError> {
    let statements = match change {
        // Enum values live in the column type; the column's own change carries them.
        Change::CreateEnum { .. } | Change::DropEnum { .. } | Change::AlterEnum { .. } => vec![],
        Change::CreateTable { table } => {
            let mut out = vec![Statement::new(ddl::create_table(table, MY)?)];
            for index in table
                .indexes
                .iter()
                .filter(|i| !i.constraint && !i.implicit)
            {
                out.push(Statement::new(ddl::create_index(table, index, MY)));
            }
            for fk in &table.foreign_keys {
                out.push(Statement::new(format!(
                    "ALTER TABLE {} ADD {}",
                    MY.quote(&table.name),
                    ddl::foreign_key(fk, MY)
                )));
            }
            out
        }
        Change::DropTable { table } => {
            vec![Statement::new(format!(
                "DROP TABLE {}",
                MY.quote(&table.name)
            ))]
        }
        Change::RenameTable { from, to } => vec![Statement::new(format!(
            "RENAME TABLE {} TO {}",
            table_name(from),
            MY.quote(&to.name)
        ))],
        Change::SetTableComment { table, to, .. } => vec![Statement::new(format!(
            "ALTER TABLE {} COMMENT = {}",
            table_name(table),
            MY.string_literal(to.as_deref().unwrap_or(""))
        ))],
        Change::AddColumn { table, column } => {
            // An AUTO_INCREMENT column must be a key the moment it exists: one that is not the
            // table's key yet gets AUTO_INCREMENT with the primary key that takes it.
            let keyed = state
                .table(table.schema.as_deref(), &table.name)
                .and_then(|t| t.primary_key.as_ref())
                .is_some_and(|pk| pk.columns.contains(&column.name));
            let mut column = column.clone();
            column.auto_increment &= keyed;
            vec![Statement::new(format!(
                "ALTER TABLE {} ADD COLUMN {}",
                table_name(table),
                definition(table, &column)?
            ))]
        }
        Change::DropColumn { table, column } => vec![Statement::new(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            table_name(table),
            MY.quote(&column.name)
        ))],
        Change::RenameColumn { table, from, to } => vec![Statement::new(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            table_name(table),
            MY.quote(from),
            MY.quote(to)
        ))],
        Change::AlterColumn {
            table, from, to, ..
        } => {
            let modify = Statement::new(format!(
                "ALTER TABLE {} MODIFY COLUMN {}",
                table_name(table),
                definition(table, to)?
            ));
            if super::narrows(&from.ty, &to.ty) || (from.nullable && !to.nullable) {
                // Without a strict mode MySQL cuts what does not fit (and turns NULLs into
                // zeros for NOT NULL) and only warns; strict, the change fails naming the first
                // row that does not fit. The session's own mode is put back after.
                let mut out = decimal_guard(table, from, to)?;
                out.extend([
                    Statement::new(
                        "SET @strata_sql_mode = @@SESSION.sql_mode, SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, 'STRICT_ALL_TABLES')",
                    ),
                    modify,
                    Statement::new("SET SESSION sql_mode = @strata_sql_mode"),
                ]);
                out
            } else {
                vec![modify]
            }
        }
        Change::SetPrimaryKey { table, from, to } => {
            // An AUTO_INCREMENT column must stay a key: one leaving the key loses
            // AUTO_INCREMENT in the same statement, one joining it gains it there.
            let columns = |pk: &Option<strata_ir::PrimaryKey>| {
                pk.as_ref().map(|k| k.columns.clone()).unwrap_or_default()
            };
            let (old_key, new_key) = (columns(from), columns(to));
            let counters: Vec<&Column> = state
                .table(table.schema.as_deref(), &table.name)
                .map(|t| t.columns.iter().filter(|c| c.auto_increment).collect())
                .unwrap_or_default();
            let modify = |c: &Column, auto_increment: bool| -> Result<String, EmitError> {
                let mut c = c.clone();
                c.auto_increment = auto_increment;
                Ok(format!("MODIFY COLUMN {}", definition(table, &c)?))
            };
            let mut parts = Vec::new();
            for c in counters.iter().filter(|c| !new_key.contains(&c.name)) {
                parts.push(modify(c, false)?);
            }
            if from.is_some() {
                parts.push("DROP PRIMARY KEY".to_owned());
            }
            if let Some(pk) = to {
                parts.push(format!(
                    "ADD PRIMARY KEY ({})",
                    ddl::quote_list(&pk.columns, MY)
                ));
            }
            for c in counters
                .iter()
                .filter(|c| new_key.contains(&c.name) && !old_key.contains(&c.name))
            {
                parts.push(modify(c, true)?);
            }
            vec![Statement::new(format!(
                "ALTER TABLE {} {}",
                table_name(table),
                parts.join(", ")
            ))]
        }
        Change::AddIndex { table, index } => {
            let t = Table::new(table.schema.clone(), table.name.clone());
            if index.name.is_none() && index.unique {
                vec![Statement::new(format!(
                    "ALTER TABLE {} ADD UNIQUE ({})",
                    table_name(table),
                    ddl::index_parts(&index.parts, MY)
                ))]
            } else {
                vec![Statement::new(ddl::create_index(&t, index, MY))]
            }
        }
        Change::DropIndex { table, index } => {
            // MySQL names an unnamed key after its first column.
            let name = index.name.clone().unwrap_or_else(|| {
                index
                    .parts
                    .first()
                    .and_then(|p| p.column_name())
                    .unwrap_or_default()
                    .to_owned()
            });
            vec![Statement::new(format!(
                "DROP INDEX {} ON {}",
                MY.quote_name(&name),
                table_name(table)
            ))]
        }
        Change::AddForeignKey { table, foreign_key } => vec![Statement::new(format!(
            "ALTER TABLE {} ADD {}",
            table_name(table),
            ddl::foreign_key(foreign_key, MY)
        ))],
        Change::DropForeignKey { table, foreign_key } => {
            let Some(name) = &foreign_key.name else {
                return Err(EmitError::Unsupported {
                    what: format!("dropping an unnamed foreign key of {table} on mysql"),
                });
            };
            let mut out = vec![Statement::new(format!(
                "ALTER TABLE {} DROP FOREIGN KEY {}",
                table_name(table),
                MY.quote_name(name)
            ))];
            // The index InnoDB made for the key outlives it; it goes too (adding the key back
            // makes it again).
            let implicit = state
                .table(table.schema.as_deref(), &table.name)
                .is_some_and(|t| {
                    t.indexes
                        .iter()
                        .any(|i| i.implicit && i.name.as_deref() == Some(name.as_str()))
                });
            if implicit {
                out.push(Statement::new(format!(
                    "DROP INDEX {} ON {}",
                    MY.quote_name(name),
                    table_name(table)
                )));
            }
            out
        }
    };
    Ok(with_warning(change, MY, statements))
}
