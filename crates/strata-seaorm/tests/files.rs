//! The migration files strata writes for every diff case (`fixtures/diff/<case>`) on every
//! dialect it applies to, snapshotted. `tests/seaorm-oracle` compiles the same files against
//! sea-orm-migration 2.0 and runs them on the real servers.

use strata_testkit::{diff_case, diff_case_dialects, fixture_dir};

#[test]
fn every_case_on_every_dialect() {
    let mut cases: Vec<String> = std::fs::read_dir(fixture_dir("diff"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    for case in cases {
        let (before, after) = diff_case(&case);
        for dialect in diff_case_dialects(&case) {
            let diff = strata_diff::diff(&before, &after, dialect);
            let text = strata_seaorm::migration_file(&diff.changes, &before, dialect, &case)
                .unwrap_or_else(|e| panic!("{case} on {dialect}: {e}"));
            insta::assert_snapshot!(format!("{case}_{dialect}"), text);
        }
    }
}
