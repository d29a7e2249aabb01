//! Migration scenarios on the real databases, data-driven from `fixtures/diff/<case>/` (the
//! `before/` and `after/` entity sets): for each case and dialect, a fresh database gets the
//! `before` schema; strata reads it, diffs it against `after` and renders the up script
//! (snapshotted with the down script); up is applied and the database then diffs clean against
//! `after`; down is applied and it diffs clean against `before`; up again, clean again.
//!
//! A case with a `seed.sql` has those rows inserted first, and every table both sides keep must
//! still hold all of them after each step (SQLite rebuilds, PostgreSQL `ALTER ... USING` and
//! MySQL `MODIFY` keep every row). A case with a `schema.<dialect>.sql` starts that dialect's
//! database from it instead of the `before` entities' DDL: the same tables with what entities
//! cannot describe. Whatever the start, every view, trigger and unreadable index, and every kept
//! table's options, CHECKs, indexes and AUTOINCREMENT sequence, must be the same after each step.

use std::fmt::Write;

use strata_diff::Change;
use strata_emit::Script;
use strata_introspect::Scope;
use strata_ir::{Dialect, Schema};
use strata_testkit::{TestDb, diff_case, diff_case_dialects, fixture_dir};

async fn introspect(db: &TestDb) -> Schema {
    strata_introspect::introspect(&db.url, &Scope::default())
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", db.dialect))
}

/// Applies `script` (in one go, or statement by statement when it cannot run in one
/// transaction) and returns what the database then holds.
async fn run(db: &TestDb, what: &str, script: &Script) -> Schema {
    let parts = if script.transactional {
        vec![script.sql()]
    } else {
        script.statements.iter().map(|s| s.sql.clone()).collect()
    };
    for sql in parts.iter().filter(|sql| !sql.trim().is_empty()) {
        if let Err(e) = db.try_execute(sql).await {
            panic!("{what} on {} failed: {e}\n{sql}", db.dialect);
        }
    }
    introspect(db).await
}

/// A script as the snapshot shows it: its SQL, and whether it must run outside a transaction.
fn logged(script: &Script) -> String {
    if script.transactional {
        script.sql()
    } else {
        format!("-- runs outside a transaction\n{}", script.sql())
    }
}

fn assert_clean(what: &str, dialect: Dialect, db: &Schema, target: &Schema) {
    let left = strata_diff::diff(db, target, dialect).changes;
    let lines: Vec<String> = left.iter().map(|c| format!("  {c}")).collect();
    assert!(
        left.is_empty(),
        "{what} on {dialect}: still\n{}",
        lines.join("\n")
    );
}

/// The row count of each table.
async fn counts(db: &TestDb, tables: &[&str]) -> Vec<i64> {
    let mut out = Vec::new();
    for t in tables {
        out.push(
            db.scalar(&format!("SELECT COUNT(*) FROM {}", db.dialect.quote(t)))
                .await,
        );
    }
    out
}

/// What entities cannot describe survives: the views, triggers and unreadable indexes (with
/// their SQL), and each kept table's options, CHECKs and indexes.
fn assert_kept(what: &str, initial: &Schema, now: &Schema, kept: &[&str]) {
    assert_eq!(now.objects, initial.objects, "{what}: views and triggers");
    for name in kept {
        let (Some(was), Some(is)) = (initial.table(None, name), now.table(None, name)) else {
            continue;
        };
        assert_eq!(
            (is.without_rowid, is.strict),
            (was.without_rowid, was.strict),
            "{what}: options of {name}"
        );
        assert_eq!(is.checks, was.checks, "{what}: checks of {name}");
        let unmanaged = |t: &strata_ir::Table| -> Vec<strata_ir::Index> {
            t.indexes
                .iter()
                .filter(|i| i.predicate.is_some() || i.column_names().is_none())
                .cloned()
                .collect()
        };
        assert_eq!(
            unmanaged(is),
            unmanaged(was),
            "{what}: expression and partial indexes of {name}"
        );
    }
}

/// SQLite: each kept table's AUTOINCREMENT sequence (0 when it has none); nothing elsewhere.
async fn sequences(db: &TestDb, tables: &[&str]) -> Vec<i64> {
    if db.dialect != Dialect::Sqlite
        || db
            .scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'")
            .await
            == 0
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    for t in tables {
        out.push(
            db.scalar(&format!(
                "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = {}",
                db.dialect.string_literal(t)
            ))
            .await,
        );
    }
    out
}

async fn scenario(case: &str, dialect: Dialect, log: &mut String) {
    let (before, after) = diff_case(case);
    let Some(db) = TestDb::create(dialect).await else {
        return;
    };
    let case_dir = fixture_dir("diff").join(case);
    let start = std::fs::read_to_string(case_dir.join(format!("schema.{dialect}.sql")))
        .unwrap_or_else(|_| strata_emit::create_schema(&before, dialect).unwrap());
    if let Err(e) = db.try_execute(&start).await {
        panic!("the initial schema on {dialect} failed: {e}\n{start}");
    }
    let initial = introspect(&db).await;
    let seed = std::fs::read_to_string(case_dir.join("seed.sql")).ok();
    let kept: Vec<&str> = before
        .tables
        .iter()
        .filter(|t| after.table(t.schema.as_deref(), &t.name).is_some())
        .map(|t| t.name.as_str())
        .collect();
    let mut rows = Vec::new();
    if let Some(seed) = &seed {
        db.execute(seed).await;
        rows = counts(&db, &kept).await;
        assert!(
            rows.iter().any(|n| *n > 0),
            "{case}: the seed inserted nothing"
        );
    }
    // Tables that keep an auto-increment column on both sides keep their sequence.
    let counted: Vec<&str> = kept
        .iter()
        .copied()
        .filter(|name| {
            [&before, &after].iter().all(|side| {
                side.table(None, name)
                    .is_some_and(|t| t.columns.iter().any(|c| c.auto_increment))
            })
        })
        .collect();
    let sequenced = sequences(&db, &counted).await;
    let diff = strata_diff::diff(&initial, &after, dialect);
    let up = strata_emit::render(&diff.changes, &initial, dialect).unwrap();
    let _ = writeln!(log, "== {dialect} up\n{}", logged(&up));

    let upgraded = run(&db, &format!("{case} up"), &up).await;
    assert_clean(&format!("{case} after up"), dialect, &upgraded, &after);
    if seed.is_some() {
        assert_eq!(
            counts(&db, &kept).await,
            rows,
            "{case} on {dialect}: rows after up"
        );
    }
    assert_kept(&format!("{case} after up"), &initial, &upgraded, &kept);
    assert_eq!(
        sequences(&db, &counted).await,
        sequenced,
        "{case} on {dialect}: AUTOINCREMENT sequences after up"
    );

    let down =
        strata_emit::render(&Change::reverse_all(&diff.changes), &upgraded, dialect).unwrap();
    let _ = writeln!(log, "== {dialect} down\n{}", logged(&down));
    let downgraded = run(&db, &format!("{case} down"), &down).await;
    assert_clean(&format!("{case} after down"), dialect, &downgraded, &before);
    if seed.is_some() {
        assert_eq!(
            counts(&db, &kept).await,
            rows,
            "{case} on {dialect}: rows after down"
        );
    }
    assert_kept(&format!("{case} after down"), &initial, &downgraded, &kept);
    assert_eq!(
        sequences(&db, &counted).await,
        sequenced,
        "{case} on {dialect}: AUTOINCREMENT sequences after down"
    );

    let again = strata_emit::render(&diff.changes, &downgraded, dialect).unwrap();
    let upgraded = run(&db, &format!("{case} up again"), &again).await;
    assert_clean(
        &format!("{case} after up again"),
        dialect,
        &upgraded,
        &after,
    );
    db.drop().await;
}

async fn check(case: &str) {
    let mut log = String::new();
    for dialect in diff_case_dialects(case) {
        scenario(case, dialect, &mut log).await;
    }
    insta::assert_snapshot!(case, log);
}

macro_rules! scenarios {
    ($($name:ident),* $(,)?) => {
        $(#[tokio::test] async fn $name() { check(stringify!($name)).await; })*

        /// Rendering never panics, even against a schema that does not match the changes
        /// (an empty one, or the target itself): it returns SQL or an error.
        #[test]
        fn rendering_never_panics_on_mismatched_state() {
            for case in [$(stringify!($name)),*] {
                let (before, after) = diff_case(case);
                for dialect in Dialect::ALL {
                    let changes = strata_diff::diff(&before, &after, dialect).changes;
                    for state in [&Schema::default(), &after, &before] {
                        let _ = strata_emit::render(&changes, state, dialect);
                        let _ = strata_emit::render(&Change::reverse_all(&changes), state, dialect);
                    }
                }
            }
        }
    };
}

scenarios!(
    add_index,
    add_not_null_column_with_default,
    add_nullable_column,
    add_table_with_foreign_key,
    add_unique,
    comment_changed,
    composite_unique_added,
    default_changed,
    drop_column,
    drop_table_with_foreign_key,
    enum_type_created,
    enum_value_added,
    enum_label_added_and_used,
    enum_value_removed,
    foreign_key_action_changed,
    hostile_text,
    inline_enum_value_added,
    long_names,
    make_nullable,
    no_changes,
    possible_rename,
    primary_key_changed,
    primary_key_over_foreign_key_index,
    primary_key_replaces_auto_increment_id,
    rename_declared,
    sqlite_five_columns_changed,
    sqlite_rebuild_keeps_objects,
    string_length_changed,
    table_comment_changed,
    widen_integer,
);

/// The number of times `sql` copies rows into a rebuilt `table`.
fn copies(sql: &str, table: &str) -> usize {
    sql.matches(&format!("INSERT INTO \"strata_new_{table}\""))
        .count()
}

#[test]
fn a_revision_changing_five_columns_of_a_table_copies_it_once() {
    let (before, after) = diff_case("sqlite_five_columns_changed");
    let changes = strata_diff::diff(&before, &after, Dialect::Sqlite).changes;
    let altered = changes
        .iter()
        .filter(|c| matches!(c, Change::AlterColumn { .. }))
        .count();
    assert_eq!(altered, 5, "the case changes five columns: {changes:#?}");
    let up = strata_emit::render(&changes, &before, Dialect::Sqlite).unwrap();
    let down =
        strata_emit::render(&Change::reverse_all(&changes), &after, Dialect::Sqlite).unwrap();
    for (what, script) in [("up", up.sql()), ("down", down.sql())] {
        assert_eq!(copies(&script, "profiles"), 1, "{what}:\n{script}");
        assert_eq!(
            script.matches("CREATE TABLE ").count(),
            1,
            "{what}:\n{script}"
        );
        assert_eq!(
            script.matches("PRAGMA foreign_keys = OFF").count(),
            1,
            "{what}:\n{script}"
        );
        assert!(
            script.starts_with("PRAGMA foreign_keys = OFF;"),
            "{what}: enforcement goes off first, outside any transaction a runner opens\n{script}"
        );
    }
}
