//! Changes → SQL, per dialect, with warnings on statements that can lose data.
//!
//! [`render`] walks the differ's ordered changes, keeping the schema model up to date as it
//! goes (`strata_diff::apply`), so each dialect renders a change knowing the state of the table
//! it touches (PostgreSQL converts the columns of an enum type it replaces). SQLite renders the
//! whole list at once: a table it must rebuild is rebuilt once, from its final definition, with
//! all of its changes. Each dialect has one file.

mod mysql;
mod postgres;
mod sqlite;

use std::fmt::Write;

use serde::Serialize;
use strata_diff::{Change, ColumnFacet};
use strata_ir::{Dialect, Schema};

use crate::EmitError;

/// Why a statement deserves a second look, with a stable code for tools.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `drop_table`, `drop_column`, `narrow_type`, `set_not_null`,
    /// `add_not_null_without_default`, `add_unique`, `drop_enum_value`.
    pub code: &'static str,
    pub message: String,
}

/// One SQL statement (terminated by `;`) and its warning, if it has one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub sql: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<Warning>,
}

impl Statement {
    pub(crate) fn new(sql: impl Into<String>) -> Statement {
        let mut sql = sql.into();
        if !sql.ends_with(';') {
            sql.push(';');
        }
        Statement { sql, warning: None }
    }
}

/// The statements of a migration, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Script {
    pub statements: Vec<Statement>,
    /// Whether the statements may run in one transaction. False when PostgreSQL would refuse:
    /// a label added by `ALTER TYPE ... ADD VALUE` cannot be used (here: as a column default) in
    /// the transaction that added it.
    pub transactional: bool,
}

impl Default for Script {
    fn default() -> Script {
        Script {
            statements: Vec::new(),
            transactional: true,
        }
    }
}

impl Script {
    /// The SQL text: statements separated by blank lines, each warning as a comment on the
    /// line above its statement.
    pub fn sql(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.statements.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            if let Some(w) = &s.warning {
                let text = format!("WARNING [{}]: {}", w.code, w.message);
                let _ = writeln!(out, "{}", strata_ir::text::sql_comment(&text));
            }
            out.push_str(&s.sql);
            out.push('\n');
        }
        out
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Warning> {
        self.statements.iter().filter_map(|s| s.warning.as_ref())
    }
}

/// Renders `changes`, which run against a database whose schema is `before`.
pub fn render(changes: &[Change], before: &Schema, dialect: Dialect) -> Result<Script, EmitError> {
    strata_ir::text::check_schema(before)?;
    let mut state = before.clone();
    let mut script = Script::default();
    for change in changes {
        match dialect {
            Dialect::Postgres => script.statements.extend(postgres::render(change, &state)?),
            Dialect::Mysql => script.statements.extend(mysql::render(change, &state)?),
            // A rebuild takes all of a table's changes at once: SQLite renders the whole list.
            Dialect::Sqlite => {}
        }
        strata_diff::apply(&mut state, change);
    }
    strata_ir::text::check_schema(&state)?;
    if dialect == Dialect::Sqlite {
        script.statements = sqlite::render(changes, before)?;
    }
    script.transactional = dialect != Dialect::Postgres || !uses_added_label(changes);
    Ok(script)
}

/// Whether a change writes, as a column default, an enum label that an earlier change added.
fn uses_added_label(changes: &[Change]) -> bool {
    let mut added: Vec<(&strata_ir::EnumType, &String)> = Vec::new();
    for change in changes {
        let columns: Vec<&strata_ir::Column> = match change {
            Change::AlterEnum { from, to } => {
                added.extend(
                    to.values
                        .iter()
                        .filter(|v| !from.values.contains(v))
                        .map(|v| (to, v)),
                );
                continue;
            }
            Change::CreateTable { table } => table.columns.iter().collect(),
            Change::AddColumn { column, .. } => vec![column],
            Change::AlterColumn { to, .. } => vec![&**to],
            _ => continue,
        };
        let uses = |c: &&strata_ir::Column| match (&c.ty, &c.default) {
            (
                strata_ir::ColumnType::Enum { schema, name, .. },
                Some(strata_ir::DefaultValue::Literal(strata_ir::Literal::String(label))),
            ) => added
                .iter()
                .any(|(e, v)| e.name == *name && e.schema == *schema && *v == label),
            _ => false,
        };
        if columns.iter().any(uses) {
            return true;
        }
    }
    false
}

/// The warning a change deserves whatever the dialect, if any.
pub(crate) fn warning_of(change: &Change, dialect: Dialect) -> Option<(&'static str, String)> {
    match change {
        Change::DropTable { table } => Some((
            "drop_table",
            format!("dropping table {} deletes its rows", table.qualified_name()),
        )),
        Change::DropColumn { table, column } => Some((
            "drop_column",
            format!("dropping column {table}.{} deletes its data", column.name),
        )),
        Change::AddColumn { table, column }
            if !column.nullable
                && column.default.is_none()
                && !column.auto_increment
                && column.generated.is_none() =>
        {
            Some((
                "add_not_null_without_default",
                format!(
                    "column {table}.{} is NOT NULL without a default: this fails if {table} has rows",
                    column.name
                ),
            ))
        }
        Change::AlterColumn {
            table,
            from,
            to,
            facets,
        } => {
            if facets.contains(&ColumnFacet::Nullable) && from.nullable && !to.nullable {
                Some((
                    "set_not_null",
                    format!(
                        "column {table}.{} becomes NOT NULL: this fails if it holds NULLs",
                        to.name
                    ),
                ))
            } else if facets.contains(&ColumnFacet::Type) && narrows(&from.ty, &to.ty) {
                let consequence = match dialect {
                    Dialect::Postgres | Dialect::Mysql => {
                        "fails, changing nothing, if a value does not fit"
                    }
                    Dialect::Sqlite => {
                        "SQLite does not enforce declared types, every value is kept as it is"
                    }
                };
                Some((
                    "narrow_type",
                    format!(
                        "column {table}.{}: {} -> {}: {consequence}",
                        to.name, from.ty, to.ty
                    ),
                ))
            } else {
                None
            }
        }
        Change::AddIndex { table, index } if index.unique => Some((
            "add_unique",
            format!("a unique index on {table} fails if existing rows have duplicates"),
        )),
        Change::AlterEnum { from, to } if from.values.iter().any(|v| !to.values.contains(v)) => {
            Some((
                "drop_enum_value",
                format!(
                    "enum {} loses values: rows holding them make the conversion fail",
                    to.name
                ),
            ))
        }
        _ => None,
    }
}

/// Whether a type change can lose values: anything but a widening of the same kind.
pub(crate) fn narrows(from: &strata_ir::ColumnType, to: &strata_ir::ColumnType) -> bool {
    use strata_ir::{ColumnType as T, StringLen};
    let len = |l: &StringLen| match l {
        StringLen::N(n) => Some(*n),
        StringLen::None | StringLen::Max => None,
    };
    match (from, to) {
        (
            T::Integer {
                bytes: a,
                unsigned: ua,
            },
            T::Integer {
                bytes: b,
                unsigned: ub,
            },
        ) => b < a || (ua != ub && b <= a),
        (T::String { len: a }, T::String { len: b }) => match (len(a), len(b)) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(a), Some(b)) => b < a,
        },
        (T::String { .. } | T::Char { .. }, T::Text) => false,
        // An inline enum narrows when it loses a value.
        (T::Enum { values: a, .. }, T::Enum { values: b, .. }) => a.iter().any(|v| !b.contains(v)),
        (T::Float, T::Double) => false,
        (T::Integer { .. }, T::Double | T::Decimal { precision: None }) => false,
        (a, b) => a != b,
    }
}

/// Attaches the change's warning to the first of its statements.
pub(crate) fn with_warning(
    change: &Change,
    dialect: Dialect,
    mut statements: Vec<Statement>,
) -> Vec<Statement> {
    if let (Some((code, message)), Some(first)) =
        (warning_of(change, dialect), statements.first_mut())
    {
        first.warning = Some(Warning { code, message });
    }
    statements
}
