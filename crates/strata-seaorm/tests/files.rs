//! The migration files strata writes for every diff case (`fixtures/diff/<case>`) on every
//! dialect it applies to. The expected files live in `fixtures/seaorm-migrations/` (compiled
//! against sea-orm-migration 2.0 and run on the real servers by `tests/seaorm-oracle`); after an
//! intended change, rewrite them with `STRATA_BLESS=1 cargo test -p strata-seaorm`.

use strata_testkit::{diff_case, diff_case_dialects, fixture_dir};

#[test]
fn every_case_on_every_dialect_matches_its_fixture_file() {
    let bless = std::env::var("STRATA_BLESS").is_ok_and(|v| v == "1");
    let out_dir = fixture_dir("seaorm-migrations");
    let mut cases: Vec<String> = std::fs::read_dir(fixture_dir("diff"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    let mut stale = Vec::new();
    for case in cases {
        let (before, after) = diff_case(&case);
        for dialect in diff_case_dialects(&case) {
            let diff = strata_diff::diff(&before, &after, dialect);
            let path = out_dir.join(format!("{case}_{dialect}.rs"));
            if diff.changes.is_empty() {
                // `autogenerate` writes nothing when there is no change.
                assert!(
                    !path.exists() || bless,
                    "{} should not exist",
                    path.display()
                );
                let _ = std::fs::remove_file(&path);
                continue;
            }
            let text = strata_seaorm::migration_file(&diff.changes, &before, dialect, &case)
                .unwrap_or_else(|e| panic!("{case} on {dialect}: {e}"));
            if bless {
                std::fs::write(&path, &text).unwrap();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files differ from the fixtures (review, then STRATA_BLESS=1):\n{}",
        stale.join("\n")
    );
}
