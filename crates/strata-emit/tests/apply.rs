//! The DDL `create_schema` writes for every entity fixture is accepted by the real databases:
//! each (fixture, dialect) is applied to a freshly created database, which is dropped after.
//!
//! PostgreSQL and MariaDB/MySQL are reached through `STRATA_POSTGRES_URL` and `STRATA_MYSQL_URL`
//! (defaults: the local servers). When a server is down the test says so and skips it, unless
//! `STRATA_REQUIRE_DATABASES=1`, which CI sets, turns that into a failure.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::{AssertSqlSafe, Connection};
use strata_ir::Dialect;
use strata_model::SourceFile;

fn fixture(name: &str) -> strata_ir::Schema {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/model/ok")
        .join(name);
    let files: Vec<SourceFile> = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e.path().strip_prefix(&dir).unwrap();
            let rel = rel.to_string_lossy().into_owned();
            SourceFile::new(rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect();
    let reading = strata_model::read(&files);
    assert!(!reading.has_errors(), "{name}: {:#?}", reading.diagnostics);
    reading.schema
}

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

fn statements(ddl: &str) -> Vec<&str> {
    ddl.split(";\n\n")
        .map(|s| s.trim().trim_end_matches(';'))
        .filter(|s| !s.is_empty())
        .collect()
}

fn required() -> bool {
    std::env::var("STRATA_REQUIRE_DATABASES").is_ok_and(|v| v == "1")
}

fn unique_name() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "strata_t_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Connects to the admin URL or explains why not; `None` means skip.
async fn admin<C: Connection>(var: &str, default: &str) -> Option<(C, String)> {
    let url = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    match C::connect(&url).await {
        Ok(conn) => Some((conn, url)),
        Err(err) if !required() => {
            eprintln!(
                "SKIPPED: {var} server unreachable ({err}); set STRATA_REQUIRE_DATABASES=1 to fail instead"
            );
            None
        }
        Err(err) => panic!("{var}: server unreachable and STRATA_REQUIRE_DATABASES=1: {err}"),
    }
}

/// The same server URL with another database name.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[authority_end..].find('/') {
        Some(i) => &base[..authority_end + i],
        None => base,
    };
    format!("{root}/{db}{query}")
}

async fn apply<C: Connection>(url: &str, setup: &[&str], ddl: &str) -> Result<(), String>
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    let mut conn = C::connect(url).await.map_err(|e| e.to_string())?;
    for statement in setup.iter().copied().chain(statements(ddl)) {
        sqlx::raw_sql(AssertSqlSafe(statement.to_owned()))
            .execute(&mut conn)
            .await
            .map_err(|e| format!("{e}\nin:\n{statement}"))?;
    }
    conn.close().await.map_err(|e| e.to_string())
}

#[tokio::test]
async fn ddl_applies_on_postgres() {
    let Some((mut admin, url)) = admin::<sqlx::PgConnection>(
        "STRATA_POSTGRES_URL",
        "postgres://postgres@127.0.0.1:5432/postgres",
    )
    .await
    else {
        return;
    };
    for name in PORTABLE.iter().chain(POSTGRES_ONLY) {
        let ddl = strata_emit::create_schema(&fixture(name), Dialect::Postgres).unwrap();
        let db = unique_name();
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {db}")))
            .execute(&mut admin)
            .await
            .unwrap();
        let setup = ["CREATE EXTENSION IF NOT EXISTS citext"];
        let result = apply::<sqlx::PgConnection>(&with_database(&url, &db), &setup, &ddl).await;
        sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE {db} WITH (FORCE)")))
            .execute(&mut admin)
            .await
            .unwrap();
        result.unwrap_or_else(|e| panic!("{name} on postgres: {e}"));
    }
}

#[tokio::test]
async fn ddl_applies_on_mysql() {
    let Some((mut admin, url)) =
        admin::<sqlx::MySqlConnection>("STRATA_MYSQL_URL", "mysql://root@127.0.0.1:3306/test")
            .await
    else {
        return;
    };
    for name in PORTABLE {
        let ddl = strata_emit::create_schema(&fixture(name), Dialect::Mysql).unwrap();
        let db = unique_name();
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {db}")))
            .execute(&mut admin)
            .await
            .unwrap();
        let result = apply::<sqlx::MySqlConnection>(&with_database(&url, &db), &[], &ddl).await;
        sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE {db}")))
            .execute(&mut admin)
            .await
            .unwrap();
        result.unwrap_or_else(|e| panic!("{name} on mysql: {e}"));
    }
}

#[tokio::test]
async fn ddl_applies_on_sqlite() {
    for name in PORTABLE {
        let ddl = strata_emit::create_schema(&fixture(name), Dialect::Sqlite).unwrap();
        apply::<sqlx::SqliteConnection>("sqlite::memory:", &[], &ddl)
            .await
            .unwrap_or_else(|e| panic!("{name} on sqlite: {e}"));
    }
}

#[test]
fn postgres_only_fixtures_are_refused_elsewhere_with_the_column_named() {
    for name in POSTGRES_ONLY {
        for dialect in [Dialect::Mysql, Dialect::Sqlite] {
            let err = strata_emit::create_schema(&fixture(name), dialect).unwrap_err();
            assert!(
                err.to_string().starts_with("column "),
                "{name} on {dialect}: {err}"
            );
        }
    }
}
