//! Type changes that cannot keep every value fail and change nothing, data-driven from
//! `fixtures/narrowing/<case>/` (`before/`, `after/`, and `seed.sql` rows that do not fit
//! `after`): the up script is applied as the runner applies it (one transaction on PostgreSQL,
//! statement by statement on MySQL) and must fail; the table must then still read as `before`
//! and hold exactly the rows it held, value for value.

use strata_ir::Dialect;
use strata_testkit::{TestDb, entity_pair, fixture_dir};

/// The table's rows as text, in key order: what must not change.
async fn rows(db: &TestDb) -> String {
    let sql = match db.dialect {
        Dialect::Postgres => {
            "SELECT string_agg(id || '=' || value::text, ',' ORDER BY id) FROM items"
        }
        _ => "SELECT GROUP_CONCAT(CONCAT(id, '=', value) ORDER BY id) FROM items",
    };
    db.text(sql).await
}

async fn check(case: &str, dialect: Dialect) {
    let (before, after) = entity_pair("narrowing", case);
    let Some(db) = TestDb::create(dialect).await else {
        return;
    };
    db.execute(&strata_emit::create_schema(&before, dialect).unwrap())
        .await;
    let seed =
        std::fs::read_to_string(fixture_dir("narrowing").join(case).join("seed.sql")).unwrap();
    db.execute(&seed).await;
    let held = rows(&db).await;

    let diff = strata_diff::diff(&before, &after, dialect);
    let up = strata_emit::render(&diff.changes, &before, dialect).unwrap();
    assert!(
        up.warnings()
            .any(|w| w.code == "narrow_type" || w.code == "set_not_null"),
        "{case} on {dialect}: no warning"
    );
    // One connection, statements in order, stopping at the first error: as the runner does.
    let result = match dialect {
        Dialect::Postgres => {
            db.try_execute(&format!("BEGIN;\n{}\nCOMMIT;", up.sql()))
                .await
        }
        _ => db.try_execute(&up.sql()).await,
    };
    let Err(error) = result else {
        panic!(
            "{case} on {dialect}: the narrowing was applied\n{}",
            up.sql()
        );
    };
    // The refusal, not some other error: strata's guard, or the server's own range and
    // length checks.
    let message = error.to_string();
    assert!(
        [
            "do not fit",
            "out of range",
            "Out of range",
            "Data too long",
            "Data truncated",
            "contains null values",
            "strata_values_must_fit_the_new_type",
        ]
        .iter()
        .any(|m| message.contains(m)),
        "{case} on {dialect}: {message}"
    );
    assert_eq!(rows(&db).await, held, "{case} on {dialect}: rows changed");
    let now = strata_introspect::introspect(&db.url, &strata_introspect::Scope::default())
        .await
        .unwrap();
    let left = strata_diff::diff(&now, &before, dialect).changes;
    assert!(
        left.is_empty(),
        "{case} on {dialect}: schema changed: {left:?}"
    );
    db.drop().await;
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(#[tokio::test] async fn $name() {
            let case = stringify!($name);
            for dialect in [Dialect::Postgres, Dialect::Mysql] {
                if dialect == Dialect::Postgres || !case.starts_with("postgres_") {
                    check(case, dialect).await;
                }
            }
        })*

        #[test]
        fn every_fixture_directory_is_a_case() {
            let mut dirs: Vec<String> = std::fs::read_dir(fixture_dir("narrowing"))
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            dirs.sort();
            assert_eq!(dirs, [$(stringify!($name)),*]);
        }
    };
}

cases!(
    decimal_rounded,
    integer_overflow,
    null_made_not_null,
    string_cut
);
