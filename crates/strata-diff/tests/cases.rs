//! Comparison cases as data: each directory under `fixtures/diff/` holds a `before/` and an
//! `after/` entity set; the snapshot records, per dialect, the changes that turn before into
//! after (as a reviewer reads them), the down list (the reversed reverses), and the notes.
//! Every case also checks that diffing a schema against itself finds nothing, and that playing
//! the changes forward on `before` gives `after` and playing the down list back gives `before`.

use std::fmt::Write;

use strata_testkit::{diff_case, diff_case_dialects, fixture_dir};

fn check(case: &str) {
    let (before, after) = diff_case(case);
    let mut out = String::new();
    for dialect in diff_case_dialects(case) {
        for schema in [&before, &after] {
            let same = strata_diff::diff(schema, schema, dialect);
            assert!(
                same.changes.is_empty(),
                "{case} on {dialect}: {:#?}",
                same.changes
            );
        }
        let diff = strata_diff::diff(&before, &after, dialect);
        // The changes lead from before to after, and their reverses lead back.
        let forward = strata_diff::apply_all(&before, &diff.changes);
        let rest = strata_diff::diff(&forward, &after, dialect).changes;
        assert!(
            rest.is_empty(),
            "{case} on {dialect}: after up, still {rest:#?}"
        );
        let down = strata_diff::Change::reverse_all(&diff.changes);
        let back = strata_diff::apply_all(&forward, &down);
        let rest = strata_diff::diff(&back, &before, dialect).changes;
        assert!(
            rest.is_empty(),
            "{case} on {dialect}: after down, still {rest:#?}"
        );
        let _ = writeln!(out, "== {dialect}\nup:");
        for change in &diff.changes {
            let _ = writeln!(out, "  {change}");
        }
        let _ = writeln!(out, "down:");
        for change in strata_diff::Change::reverse_all(&diff.changes) {
            let _ = writeln!(out, "  {change}");
        }
        if !diff.notes.is_empty() {
            let _ = writeln!(out, "notes:");
            for note in &diff.notes {
                let _ = writeln!(out, "  {note}");
            }
        }
    }
    insta::assert_snapshot!(case, out);
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(#[test] fn $name() { check(stringify!($name)); })*

        #[test]
        fn every_fixture_directory_is_a_case() {
            let mut listed = vec![$(stringify!($name)),*];
            listed.sort();
            let mut found: Vec<String> = std::fs::read_dir(fixture_dir("diff"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            found.sort();
            assert_eq!(found, listed);
        }
    };
}

cases!(
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
