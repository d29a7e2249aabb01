//! SQLite: add, drop and rename columns, create and drop plain indexes natively where SQLite
//! allows it; a table that needs anything else is rebuilt, once per revision, from its final
//! definition, taking all of its changes at once, by the procedure SQLite documents ("Making
//! Other Kinds Of Table Schema Changes" in `lang_altertable.html`):
//!
//! 1. foreign-key enforcement off, as the script's first statement (the pragma has no effect
//!    inside a transaction, so whoever wraps the script in one turns it off before `BEGIN`);
//! 2. the views and triggers that depend on a rebuilt table (their SQL mentions it, or a view
//!    that does) dropped, from the SQL introspection saved in [`Schema::objects`];
//! 3. per rebuilt table, where its last change was: a new table with the final definition and
//!    the table's options (`WITHOUT ROWID`, `STRICT`, CHECKs, `AUTOINCREMENT` with its sequence),
//!    every row copied, the old table dropped, the new one renamed, its plain indexes created;
//! 4. the saved views, triggers and expression, partial or unreadable indexes recreated from
//!    their own SQL, in creation order; `PRAGMA foreign_key_check`; enforcement back on.
//!
//! Every other table's changes are rendered natively in order. A table created in the revision
//! and changed after (a foreign key added once both tables of a cycle exist) is created from its
//! final definition instead.

use strata_diff::{Change, TableRef};
use strata_ir::{Column, DefaultValue, Dialect, ObjectKind, Schema, SqlObject, Table};

use super::{Statement, Warning, with_warning};
use crate::EmitError;
use crate::ddl;

const LITE: Dialect = Dialect::Sqlite;

fn table_name(t: &TableRef) -> String {
    LITE.quote(&t.name)
}

pub(super) fn render(changes: &[Change], before: &Schema) -> Result<Vec<Statement>, EmitError> {
    let plan = Plan::of(changes, before)?;
    // A table the revision drops is not rebuilt for the changes before its drop, but the drop
    // still runs with enforcement off, so that it cascades nowhere.
    let framed = plan.tables.iter().any(|t| t.rebuild && !t.created);
    let rebuilt: Vec<usize> = (0..plan.tables.len())
        .filter(|&t| plan.tables[t].rebuild && !plan.tables[t].created && !plan.tables[t].dropped)
        .collect();
    let (dependents, saved) = dependents(before, &plan, &rebuilt)?;
    let mut out = Vec::new();
    if framed {
        out.push(Statement::new("PRAGMA foreign_keys = OFF"));
    }
    out.extend(saved);
    let mut warnings: Vec<Vec<(&'static str, String)>> = vec![Vec::new(); plan.tables.len()];
    for (i, change) in changes.iter().enumerate() {
        let step = &plan.steps[i];
        let Some(t) = step.table.filter(|&t| plan.tables[t].rebuild) else {
            out.extend(step.native.clone().unwrap_or_default());
            continue;
        };
        let table = &plan.tables[t];
        match change {
            Change::RenameTable { .. } | Change::DropTable { .. } if !table.created => {
                out.extend(step.native.clone().unwrap_or_default());
            }
            Change::CreateTable { .. } => {
                out.extend(create_table(&plan.final_table(t, &step.name))?);
            }
            _ if table.created || table.dropped => {}
            _ => {
                warnings[t].extend(super::warning_of(change, LITE));
                if table.last == i {
                    let after = plan.final_table(t, &step.name);
                    out.extend(rebuild(table, &after, before, &warnings[t])?);
                }
            }
        }
    }
    if framed {
        for object in dependents {
            out.push(Statement::new(object.sql.trim_end().trim_end_matches(';')));
        }
        out.push(Statement::new("PRAGMA foreign_key_check"));
        out.push(Statement::new("PRAGMA foreign_keys = ON"));
    }
    Ok(out)
}

/// What the revision does to each table it touches, found by playing the changes forward.
struct Plan {
    steps: Vec<Step>,
    tables: Vec<TablePlan>,
    after: Schema,
}

/// One change: the table it touches (an index into `Plan::tables`), that table's name when the
/// change runs, and its native statements (`None` when only a rebuild can do it).
struct Step {
    table: Option<usize>,
    name: TableRef,
    native: Option<Vec<Statement>>,
}

struct TablePlan {
    /// The table before the revision (`None` when the revision creates it).
    before: Option<Table>,
    /// Its name after the revision.
    final_name: TableRef,
    /// Each of its columns now, with the column of `before` it comes from (renames followed).
    lineage: Vec<(String, Option<String>)>,
    /// Some change needs a rebuild.
    rebuild: bool,
    created: bool,
    /// Dropped by the revision.
    dropped: bool,
    /// Renamed, or a column renamed, in the revision: SQL saved before it is stale.
    renamed: bool,
    /// The index of its last change, where its rebuild goes.
    last: usize,
}

impl Plan {
    fn of(changes: &[Change], before: &Schema) -> Result<Plan, EmitError> {
        let mut state = before.clone();
        let mut ids: Vec<(TableRef, usize)> = Vec::new();
        let mut tables: Vec<TablePlan> = Vec::new();
        let mut steps = Vec::with_capacity(changes.len());
        for (i, change) in changes.iter().enumerate() {
            let native = native(change, &state)?;
            let Some(name) = change_table(change) else {
                steps.push(Step {
                    table: None,
                    name: TableRef {
                        schema: None,
                        name: String::new(),
                    },
                    native,
                });
                strata_diff::apply(&mut state, change);
                continue;
            };
            let t = match ids.iter().find(|(n, _)| *n == name) {
                Some((_, t)) => *t,
                None => {
                    let current = state.table(name.schema.as_deref(), &name.name).cloned();
                    let lineage = current
                        .iter()
                        .flat_map(|t| &t.columns)
                        .map(|c| (c.name.clone(), Some(c.name.clone())))
                        .collect();
                    tables.push(TablePlan {
                        before: current,
                        final_name: name.clone(),
                        lineage,
                        rebuild: false,
                        created: false,
                        dropped: false,
                        renamed: false,
                        last: i,
                    });
                    ids.push((name.clone(), tables.len() - 1));
                    tables.len() - 1
                }
            };
            let table = &mut tables[t];
            match change {
                Change::DropTable { .. } => table.dropped = true,
                Change::CreateTable { .. } => {
                    table.created = true;
                    table.before = None;
                    table.lineage.clear();
                }
                Change::RenameTable { to, .. } => {
                    table.renamed = true;
                    table.final_name = to.clone();
                    for (n, _) in ids.iter_mut().filter(|(_, id)| *id == t) {
                        *n = to.clone();
                    }
                }
                Change::RenameColumn { from, to, .. } => {
                    table.renamed = true;
                    for (now, _) in table.lineage.iter_mut().filter(|(now, _)| now == from) {
                        now.clone_from(to);
                    }
                }
                Change::DropColumn { column, .. } => {
                    table.lineage.retain(|(now, _)| *now != column.name);
                }
                Change::AddColumn { column, .. } => table.lineage.push((column.name.clone(), None)),
                _ => {}
            }
            if !matches!(change, Change::RenameTable { .. }) {
                table.last = i;
            }
            table.rebuild |= native.is_none();
            steps.push(Step {
                table: Some(t),
                name,
                native,
            });
            strata_diff::apply(&mut state, change);
        }
        Ok(Plan {
            steps,
            tables,
            after: state,
        })
    }

    /// Table `t` as the revision leaves it, under the name it has at the step `name` names.
    fn final_table(&self, t: usize, name: &TableRef) -> Table {
        let final_name = &self.tables[t].final_name;
        let mut table = self
            .after
            .table(final_name.schema.as_deref(), &final_name.name)
            .cloned()
            .unwrap_or_else(|| Table::new(name.schema.clone(), name.name.clone()));
        table.schema.clone_from(&name.schema);
        table.name.clone_from(&name.name);
        table
    }
}

/// The views, triggers and indexes with saved SQL that a rebuild of `rebuilt` must recreate, in
/// creation order, and the statements dropping the views and triggers before any rebuild (triggers first:
/// dropping a view drops its own). A view depends on a rebuilt table when its SQL mentions the
/// table or a dependent view; a trigger when it is on one of them or its SQL mentions one.
fn dependents<'s>(
    before: &'s Schema,
    plan: &Plan,
    rebuilt: &[usize],
) -> Result<(Vec<&'s SqlObject>, Vec<Statement>), EmitError> {
    let mut names: Vec<String> = rebuilt
        .iter()
        .filter_map(|&t| plan.tables[t].before.as_ref())
        .map(|t| t.name.clone())
        .collect();
    let mut dependent = vec![false; before.objects.len()];
    loop {
        let mut grew = false;
        for (o, object) in before.objects.iter().enumerate() {
            let depends = match object.kind {
                ObjectKind::Index => names.iter().any(|n| object.table.eq_ignore_ascii_case(n)),
                ObjectKind::View | ObjectKind::Trigger => {
                    names.iter().any(|n| object.depends_on(n))
                }
            };
            if depends && !dependent[o] {
                dependent[o] = true;
                grew = true;
                if object.kind == ObjectKind::View {
                    names.push(object.name.clone());
                }
            }
        }
        if !grew {
            break;
        }
    }
    let objects: Vec<&SqlObject> = before
        .objects
        .iter()
        .zip(&dependent)
        .filter_map(|(o, d)| d.then_some(o))
        .collect();
    // Saved SQL still names a table or column by its old name once the revision renamed it.
    for object in &objects {
        if let Some(table) = plan.tables.iter().find(|t| {
            t.renamed
                && t.before
                    .as_ref()
                    .is_some_and(|b| object.depends_on(&b.name))
        }) {
            return Err(EmitError::Unsupported {
                what: format!(
                    "renaming {} or its columns in the revision that rebuilds a table {kind} {} \
                     depends on ({kind} {} would be recreated from its SQL, written before the \
                     rename: rename in one revision, make the other changes in another); this",
                    table.final_name,
                    object.name,
                    object.name,
                    kind = object.kind.keyword().to_ascii_lowercase(),
                ),
            });
        }
    }
    let still_there = |object: &SqlObject| {
        plan.after.table(None, &object.table).is_some()
            || before
                .objects
                .iter()
                .any(|o| o.kind == ObjectKind::View && o.name == object.table)
    };
    let mut drops = Vec::new();
    for object in objects.iter().filter(|o| o.kind == ObjectKind::Trigger) {
        drops.push(Statement::new(format!(
            "DROP TRIGGER {}",
            LITE.quote(&object.name)
        )));
    }
    for object in objects.iter().rev().filter(|o| o.kind == ObjectKind::View) {
        drops.push(Statement::new(format!(
            "DROP VIEW {}",
            LITE.quote(&object.name)
        )));
    }
    // A trigger or index whose table the revision drops goes with it.
    let recreate = objects
        .into_iter()
        .filter(|o| o.kind == ObjectKind::View || still_there(o))
        .collect();
    Ok((recreate, drops))
}

/// The statements of a change SQLite can make in place, or `None` when it takes a rebuild.
fn native(change: &Change, state: &Schema) -> Result<Option<Vec<Statement>>, EmitError> {
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
            let Some(table) = change_table(change) else {
                return Ok(Some(Vec::new()));
            };
            if current(&table).is_none() {
                return Err(EmitError::Unsupported {
                    what: format!("changing table {table}, which the database does not have,"),
                });
            }
            return Ok(None);
        }
    };
    Ok(Some(with_warning(change, LITE, statements)))
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
fn change_table(change: &Change) -> Option<TableRef> {
    Some(match change {
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
        Change::CreateEnum { .. } | Change::DropEnum { .. } | Change::AlterEnum { .. } => {
            return None;
        }
    })
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

/// One table's rebuild from `table.before` to `after`, with every row copied: a new table, the
/// rows, the old table dropped, the new one renamed, its indexes. The warnings of the changes
/// it takes are on its statements, one code each, in order.
fn rebuild(
    table: &TablePlan,
    after: &Table,
    schema: &Schema,
    warnings: &[(&'static str, String)],
) -> Result<Vec<Statement>, EmitError> {
    let Some(before) = &table.before else {
        return Ok(Vec::new());
    };
    let name = LITE.quote(&after.name);
    let temp_name = format!("strata_new_{}", after.name);
    let mut temp = after.clone();
    temp.name.clone_from(&temp_name);
    let temp_quoted = LITE.quote(&temp_name);
    let (into, from): (Vec<String>, Vec<String>) = after
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .filter_map(|c| {
            let (_, origin) = table.lineage.iter().find(|(now, _)| *now == c.name)?;
            let origin = before.column(origin.as_deref()?)?;
            origin
                .generated
                .is_none()
                .then(|| (LITE.quote(&c.name), LITE.quote(&origin.name)))
        })
        .unzip();
    if into.is_empty() {
        return Err(EmitError::Unsupported {
            what: format!(
                "rebuilding table {} keeping none of its columns",
                after.qualified_name()
            ),
        });
    }
    let mut out = vec![
        Statement::new(ddl::create_table(&temp, LITE)?),
        Statement::new(format!(
            "INSERT INTO {temp_quoted} ({}) SELECT {} FROM {name}",
            into.join(", "),
            from.join(", ")
        )),
    ];
    // AUTOINCREMENT: the new table takes over the old one's sequence, so that no id is reused.
    if after
        .columns
        .iter()
        .any(|c| ddl::sqlite_rowid_key(after, c, LITE))
    {
        out.push(Statement::new(format!(
            "DELETE FROM sqlite_sequence WHERE name = {}",
            LITE.string_literal(&temp_name)
        )));
        out.push(Statement::new(format!(
            "UPDATE sqlite_sequence SET name = {} WHERE name = {}",
            LITE.string_literal(&temp_name),
            LITE.string_literal(&after.name)
        )));
    }
    out.push(Statement::new(format!("DROP TABLE {name}")));
    out.push(Statement::new(format!(
        "ALTER TABLE {temp_quoted} RENAME TO {name}"
    )));
    // Indexes with saved SQL (expression and partial ones) are recreated from it with the views
    // and triggers.
    for index in after.indexes.iter().filter(|i| {
        !i.constraint
            && !i.implicit
            && i.name
                .as_deref()
                .is_none_or(|n| schema.index_sql(&before.name, n).is_none())
    }) {
        out.push(Statement::new(ddl::create_index(after, index, LITE)));
    }
    attach(&mut out, warnings);
    Ok(out)
}

/// Puts the warnings on the statements, one code per statement from the first; messages of one
/// code are joined, and codes beyond the last statement join its message.
fn attach(statements: &mut [Statement], warnings: &[(&'static str, String)]) {
    let mut merged: Vec<Warning> = Vec::new();
    for (code, message) in warnings {
        match merged.iter_mut().find(|w| w.code == *code) {
            Some(w) => {
                w.message.push_str("; ");
                w.message.push_str(message);
            }
            None => merged.push(Warning {
                code,
                message: message.clone(),
            }),
        }
    }
    let slots = statements.len();
    for (i, warning) in merged.into_iter().enumerate() {
        let Some(last) = slots.checked_sub(1) else {
            return;
        };
        let statement = &mut statements[i.min(last)];
        match &mut statement.warning {
            Some(w) => {
                w.message.push_str("; ");
                w.message.push_str(&warning.message);
            }
            None => statement.warning = Some(warning),
        }
    }
}

#[cfg(test)]
mod tests {
    use strata_diff::{Change, TableRef};
    use strata_ir::{
        Column, ColumnType, ForeignKey, ObjectKind, PrimaryKey, Schema, SqlObject, Table,
    };

    fn table(name: &str, columns: &[&str]) -> Table {
        let mut t = Table::new(None, name);
        for c in columns {
            t.columns.push(Column::new(*c, ColumnType::Text));
        }
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec![columns[0].to_owned()],
        });
        t
    }

    fn at(name: &str) -> TableRef {
        TableRef {
            schema: None,
            name: name.to_owned(),
        }
    }

    fn fk(to: &str) -> ForeignKey {
        ForeignKey {
            name: None,
            columns: vec!["other".into()],
            ref_schema: None,
            ref_table: to.into(),
            ref_columns: vec!["id".into()],
            on_delete: None,
            on_update: None,
            deferrable: None,
        }
    }

    fn sql(changes: &[Change], before: &Schema) -> String {
        let statements = super::render(changes, before).unwrap();
        statements
            .iter()
            .map(|s| s.sql.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_table_created_then_given_a_key_is_created_whole() {
        let a = table("a", &["id", "other"]);
        let b = table("b", &["id", "other"]);
        let changes = vec![
            Change::CreateTable {
                table: Box::new(a.clone()),
            },
            Change::CreateTable {
                table: Box::new(b.clone()),
            },
            Change::AddForeignKey {
                table: at("a"),
                foreign_key: fk("b"),
            },
            Change::AddForeignKey {
                table: at("b"),
                foreign_key: fk("a"),
            },
        ];
        let script = sql(&changes, &Schema::default());
        assert_eq!(script.matches("CREATE TABLE").count(), 2, "{script}");
        assert!(!script.contains("strata_new_"), "{script}");
        assert!(!script.contains("PRAGMA"), "{script}");
        assert!(
            script.contains("REFERENCES \"b\"") && script.contains("REFERENCES \"a\""),
            "{script}"
        );
        // Undone: both tables dropped, with enforcement off, and nothing rebuilt first.
        let after = strata_diff::apply_all(&Schema::default(), &changes);
        let down = sql(&Change::reverse_all(&changes), &after);
        assert_eq!(
            down,
            "PRAGMA foreign_keys = OFF;\nDROP TABLE \"b\";\nDROP TABLE \"a\";\n\
             PRAGMA foreign_key_check;\nPRAGMA foreign_keys = ON;"
        );
    }

    #[test]
    fn renames_that_stale_a_dependent_view_are_refused() {
        let mut before = Schema {
            tables: vec![table("t", &["id", "a", "other"])],
            ..Schema::default()
        };
        before.objects.push(SqlObject {
            kind: ObjectKind::View,
            name: "v".into(),
            table: "v".into(),
            sql: "CREATE VIEW v AS SELECT a FROM t".into(),
            references: vec!["t".into()],
        });
        let changes = vec![
            Change::RenameColumn {
                table: at("t"),
                from: "a".into(),
                to: "b".into(),
            },
            Change::AddForeignKey {
                table: at("t"),
                foreign_key: fk("t"),
            },
        ];
        let err = super::render(&changes, &before).unwrap_err().to_string();
        assert_eq!(
            err,
            "renaming t or its columns in the revision that rebuilds a table view v depends on \
             (view v would be recreated from its SQL, written before the rename: rename in one \
             revision, make the other changes in another); this is not supported"
        );
        // Without the rename, the view is dropped and recreated from its SQL around the rebuild,
        // and the rebuild copies the columns.
        let script = sql(&changes[1..], &before);
        let drop = script.find("DROP VIEW \"v\"").unwrap_or(usize::MAX);
        let copy = script.find("INSERT INTO \"strata_new_t\"").unwrap_or(0);
        let create = script
            .find("CREATE VIEW v AS SELECT a FROM t;")
            .unwrap_or(0);
        assert!(drop < copy && copy < create, "{script}");
    }

    #[test]
    fn a_rebuild_after_a_column_rename_copies_from_the_old_name() {
        let before = Schema {
            tables: vec![table("t", &["id", "a", "other"])],
            ..Schema::default()
        };
        let changes = vec![
            Change::RenameColumn {
                table: at("t"),
                from: "a".into(),
                to: "b".into(),
            },
            Change::AddForeignKey {
                table: at("t"),
                foreign_key: fk("t"),
            },
        ];
        let script = sql(&changes, &before);
        assert!(
            script.contains(
                "INSERT INTO \"strata_new_t\" (\"id\", \"b\", \"other\") SELECT \"id\", \"a\", \"other\" FROM \"t\""
            ),
            "{script}"
        );
        assert!(!script.contains("RENAME COLUMN"), "{script}");
    }

    #[test]
    fn a_table_renamed_then_rebuilt_is_rebuilt_under_its_new_name() {
        let mut t = table("t", &["id", "other"]);
        t.columns[0].ty = ColumnType::int(4);
        t.columns[0].auto_increment = true;
        let before = Schema {
            tables: vec![t],
            ..Schema::default()
        };
        let changes = vec![
            Change::RenameTable {
                from: at("t"),
                to: at("u"),
            },
            Change::AddForeignKey {
                table: at("u"),
                foreign_key: fk("u"),
            },
        ];
        let script = sql(&changes, &before);
        let expected = [
            "ALTER TABLE \"t\" RENAME TO \"u\";",
            "INSERT INTO \"strata_new_u\" (\"id\", \"other\") SELECT \"id\", \"other\" FROM \"u\";",
            "UPDATE sqlite_sequence SET name = 'strata_new_u' WHERE name = 'u';",
            "DROP TABLE \"u\";",
            "ALTER TABLE \"strata_new_u\" RENAME TO \"u\";",
        ];
        let mut at_line = 0;
        for line in expected {
            let found = script[at_line..].find(line).map(|n| n + at_line);
            assert!(found.is_some(), "{line} in order in:\n{script}");
            at_line = found.unwrap_or(0);
        }
    }
}
