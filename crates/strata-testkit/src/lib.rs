//! Test support shared by every strata test suite: loading fixture directories, and throwaway
//! databases on the real servers.
//!
//! PostgreSQL and MariaDB/MySQL are reached through `STRATA_POSTGRES_URL` and `STRATA_MYSQL_URL`
//! (defaults: the local servers, `postgres://postgres@127.0.0.1:5432/postgres` and
//! `mysql://root@127.0.0.1:3306/test`). When a server is down, [`TestDb::create`] prints a line
//! starting with `SKIPPED:` and returns `None`, unless `STRATA_REQUIRE_DATABASES=1` (which CI
//! sets) turns that into a failure. SQLite always runs, in a temporary file.
//!
//! This crate is for tests only; it panics on anything unexpected, which is what a test wants.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::{AssertSqlSafe, Connection};
use strata_ir::{Dialect, Schema};
use strata_model::SourceFile;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A directory under `fixtures/`.
pub fn fixture_dir(relative: &str) -> PathBuf {
    workspace_root().join("fixtures").join(relative)
}

/// Every `.rs` file under `dir`, sorted, with paths relative to `dir`.
pub fn source_files(dir: &Path) -> Vec<SourceFile> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", dir.display())))
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
            let text = std::fs::read_to_string(e.path())
                .unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
            SourceFile::new(rel.to_string_lossy().into_owned(), text)
        })
        .collect()
}

/// The schema read from the entity set `fixtures/model/ok/<name>`, which must have no
/// diagnostics.
pub fn model_fixture(name: &str) -> Schema {
    let files = source_files(&fixture_dir("model/ok").join(name));
    let reading = strata_model::read(&files);
    assert!(!reading.has_errors(), "{name}: {:#?}", reading.diagnostics);
    reading.schema
}

/// One comparison case under `fixtures/diff/<case>/`: the `before` and `after` entity sets.
pub fn diff_case(case: &str) -> (Schema, Schema) {
    entity_pair("diff", case)
}

/// The `before` and `after` entity sets of `fixtures/<kind>/<case>/`.
pub fn entity_pair(kind: &str, case: &str) -> (Schema, Schema) {
    let read = |side: &str| {
        let files = source_files(&fixture_dir(kind).join(case).join(side));
        let reading = strata_model::read(&files);
        assert!(
            !reading.has_errors(),
            "{case}/{side}: {:#?}",
            reading.diagnostics
        );
        reading.schema
    };
    (read("before"), read("after"))
}

/// The dialects a comparison case applies to: `enum_*` cases are about PostgreSQL's enum types,
/// `sqlite_*` cases about SQLite's table rebuilds.
pub fn diff_case_dialects(case: &str) -> Vec<Dialect> {
    if case.starts_with("enum_") {
        vec![Dialect::Postgres]
    } else if case.starts_with("sqlite_") {
        vec![Dialect::Sqlite]
    } else {
        Dialect::ALL.to_vec()
    }
}

/// Whether a missing server is a failure rather than a skip.
pub fn required() -> bool {
    std::env::var("STRATA_REQUIRE_DATABASES").is_ok_and(|v| v == "1")
}

/// The admin URL of a dialect's server (for SQLite, none is needed).
pub fn server_url(dialect: Dialect) -> Option<String> {
    let (var, default) = match dialect {
        Dialect::Postgres => (
            "STRATA_POSTGRES_URL",
            "postgres://postgres@127.0.0.1:5432/postgres",
        ),
        Dialect::Mysql => ("STRATA_MYSQL_URL", "mysql://root@127.0.0.1:3306/test"),
        Dialect::Sqlite => return None,
    };
    Some(std::env::var(var).unwrap_or_else(|_| default.to_owned()))
}

/// A name no other test (in this or another process) is using.
pub fn unique_name(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "strata_{prefix}_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub use strata_connect::with_database;

/// A freshly created, empty database; [`TestDb::drop`] removes it.
#[derive(Debug)]
pub struct TestDb {
    pub dialect: Dialect,
    /// The URL to connect to this database.
    pub url: String,
    /// The database's name (for SQLite, the file's path).
    pub name: String,
    admin_url: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Creates an empty database on the dialect's server; `None` (after printing `SKIPPED:`)
    /// when the server is unreachable and not required.
    pub async fn create(dialect: Dialect) -> Option<TestDb> {
        let Some(admin_url) = server_url(dialect) else {
            let dir = tempfile::tempdir().expect("temporary directory");
            let path = dir.path().join("test.db");
            let name = path.to_string_lossy().into_owned();
            return Some(TestDb {
                dialect,
                url: format!("sqlite://{name}?mode=rwc"),
                name,
                admin_url: None,
                _dir: Some(dir),
            });
        };
        let name = unique_name("t");
        let created = admin_execute(&admin_url, dialect, &format!("CREATE DATABASE {name}")).await;
        match created {
            Ok(()) => Some(TestDb {
                dialect,
                url: with_database(&admin_url, &name),
                name,
                admin_url: Some(admin_url),
                _dir: None,
            }),
            Err(err) if !required() => {
                eprintln!(
                    "SKIPPED: {dialect} server unreachable ({err}); set STRATA_REQUIRE_DATABASES=1 to fail instead"
                );
                None
            }
            Err(err) => {
                panic!("{dialect} server unreachable and STRATA_REQUIRE_DATABASES=1: {err}")
            }
        }
    }

    /// Runs an SQL script (several statements are fine) against this database.
    pub async fn execute(&self, sql: &str) {
        if let Err(err) = self.try_execute(sql).await {
            panic!("{} on {}: {err}\nin:\n{sql}", self.name, self.dialect);
        }
    }

    /// Runs an SQL script, returning the database's error.
    pub async fn try_execute(&self, sql: &str) -> Result<(), sqlx::Error> {
        run_script(&self.url, self.dialect, sql).await
    }

    /// The single integer `sql` selects (such as a `COUNT(*)`).
    pub async fn scalar(&self, sql: &str) -> i64 {
        self.one::<i64>(sql).await
    }

    /// The single text `sql` selects (NULL reads as an empty string).
    pub async fn text(&self, sql: &str) -> String {
        self.one::<Option<String>>(sql).await.unwrap_or_default()
    }

    async fn one<T>(&self, sql: &str) -> T
    where
        T: Send + Unpin,
        for<'r> (T,): sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + sqlx::FromRow<'r, sqlx::mysql::MySqlRow>
            + sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    {
        macro_rules! one {
            ($conn:ty) => {
                async {
                    let mut conn = <$conn>::connect(&self.url).await?;
                    let (value,): (T,) = sqlx::query_as(AssertSqlSafe(sql.to_owned()))
                        .fetch_one(&mut conn)
                        .await?;
                    conn.close().await?;
                    Ok::<T, sqlx::Error>(value)
                }
                .await
            };
        }
        let result = match self.dialect {
            Dialect::Postgres => one!(sqlx::PgConnection),
            Dialect::Mysql => one!(sqlx::MySqlConnection),
            Dialect::Sqlite => one!(sqlx::SqliteConnection),
        };
        result.unwrap_or_else(|e| panic!("{} on {}: {e}\nin: {sql}", self.name, self.dialect))
    }

    /// Drops the database (the SQLite file goes with its temporary directory).
    pub async fn drop(self) {
        if let Some(admin_url) = &self.admin_url {
            let sql = match self.dialect {
                Dialect::Postgres => format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
                _ => format!("DROP DATABASE IF EXISTS {}", self.name),
            };
            if let Err(err) = admin_execute(admin_url, self.dialect, &sql).await {
                eprintln!("could not drop test database {}: {err}", self.name);
            }
        }
    }
}

async fn admin_execute(url: &str, dialect: Dialect, sql: &str) -> Result<(), sqlx::Error> {
    run_script(url, dialect, sql).await
}

async fn run_script(url: &str, dialect: Dialect, sql: &str) -> Result<(), sqlx::Error> {
    async fn run<C: Connection>(url: &str, sql: &str) -> Result<(), sqlx::Error>
    where
        for<'c> &'c mut C: sqlx::Executor<'c>,
    {
        let mut conn = C::connect(url).await?;
        let result = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&mut conn)
            .await;
        conn.close().await?;
        result.map(|_| ())
    }
    match dialect {
        Dialect::Postgres => run::<sqlx::PgConnection>(url, sql).await,
        Dialect::Mysql => run::<sqlx::MySqlConnection>(url, sql).await,
        Dialect::Sqlite => run::<sqlx::SqliteConnection>(url, sql).await,
    }
}
