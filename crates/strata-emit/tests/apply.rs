//! The DDL `create_schema` writes for every entity fixture is accepted by the real databases:
//! each (fixture, dialect) is applied to a freshly created database, which is dropped after.
//! Servers are reached as `strata-testkit` describes (a missing server skips with a visible
//! line, or fails when `STRATA_REQUIRE_DATABASES=1`).

use strata_ir::Dialect;
use strata_testkit::{TestDb, model_fixture};

const PORTABLE: &[&str] = &[
    "handwritten_compact",
    "handwritten_dense",
    "handwritten_expanded",
];
/// Read from a PostgreSQL database (arrays, inet, interval): PostgreSQL only.
const POSTGRES_ONLY: &[&str] = &[
    "postgres_only",
    "seaorm_cli_compact",
    "seaorm_cli_dense",
    "seaorm_cli_expanded",
];

/// Applies every fixture's DDL for `dialect` to its own fresh database.
async fn check(dialect: Dialect, sets: &[&str]) {
    for name in sets {
        let ddl = strata_emit::create_schema(&model_fixture(name), dialect).unwrap();
        let Some(db) = TestDb::create(dialect).await else {
            return;
        };
        // `postgres_only` uses the citext extension's type.
        let setup = match dialect {
            Dialect::Postgres => "CREATE EXTENSION IF NOT EXISTS citext;\n",
            _ => "",
        };
        let result = db.try_execute(&format!("{setup}{ddl}")).await;
        db.drop().await;
        if let Err(e) = result {
            panic!("{name} on {dialect}: {e}\nin:\n{ddl}");
        }
    }
}

#[tokio::test]
async fn ddl_applies_on_postgres() {
    let all: Vec<&str> = PORTABLE.iter().chain(POSTGRES_ONLY).copied().collect();
    check(Dialect::Postgres, &all).await;
}

#[tokio::test]
async fn ddl_applies_on_mysql() {
    check(Dialect::Mysql, PORTABLE).await;
}

#[tokio::test]
async fn ddl_applies_on_sqlite() {
    check(Dialect::Sqlite, PORTABLE).await;
}

#[test]
fn postgres_only_fixtures_are_refused_elsewhere_with_the_column_named() {
    for name in POSTGRES_ONLY {
        for dialect in [Dialect::Mysql, Dialect::Sqlite] {
            let err = strata_emit::create_schema(&model_fixture(name), dialect).unwrap_err();
            assert!(
                err.to_string().starts_with("column "),
                "{name} on {dialect}: {err}"
            );
        }
    }
}
