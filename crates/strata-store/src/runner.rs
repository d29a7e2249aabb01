//! Applying and rolling back revisions on a live database: the version table, the lock, and the
//! short loop that executes a plan.
//!
//! The loop reads top to bottom: lock, ensure the version table (adding the columns a table
//! written by an older strata lacks), read every revision's state ([`crate::state`]), refuse a
//! failed revision, refuse applied revisions whose files changed, plan (pure, in
//! [`crate::graph`]), run each revision's steps ([`crate::steps`]) with their records, unlock.
//!
//! - A revision that fits in one transaction (PostgreSQL and SQLite) runs in it together with
//!   its version row; a failure rolls both back and leaves it pending.
//! - Otherwise it runs as recorded steps: a transactional step commits together with its
//!   record (`step = K`); a step that runs alone (every MySQL statement, PostgreSQL's
//!   `CONCURRENTLY`) is announced first (`statement`), run, then recorded. A failure records the
//!   statement and the database's error; a process stopped mid-statement leaves the statement
//!   recorded without an error. Either blocks further runs until `strata resolve`. A revision
//!   stopped between steps is partial and the next run continues after its last recorded step.
//! - Every dialect takes one cross-process lock for the whole run ([`Db::lock`]: PostgreSQL an
//!   advisory lock, MySQL `GET_LOCK` on a name scoped to the database, SQLite a sidecar lock
//!   file), so several processes running `upgrade head` at once apply each revision exactly
//!   once, transactional or not. The state is read again once the lock is held; what another
//!   process did meanwhile is reported apart ([`Report::elsewhere`]), never as applied here.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Connection, Row};

use crate::directory::RevisionDir;
use crate::error::StoreError;
use crate::graph::{Graph, GraphError as GraphErrorKind, Target};
use crate::lockfile::FileLock;
use crate::state::{self, Failure, Outcome, Record, State, Status, VersionRow, resolution};
use crate::steps::{self, Mode};

pub const VERSION_TABLE: &str = "strata_revisions";
/// sea-orm-migration's version table.
pub const SEAORM_TABLE: &str = "seaql_migrations";

/// A lock key shared by every strata process (PostgreSQL advisory locks take a number and are
/// scoped to the database).
const PG_LOCK_KEY: i64 = 0x5354_5241_5441; // "STRATA"
/// What the MySQL lock names start with.
const MYSQL_LOCK_PREFIX: &str = "strata:";
/// `GET_LOCK` names are at most 64 characters.
const MYSQL_LOCK_NAME_MAX: usize = 64;

/// The migration lock held by one process, from [`Db::lock`] to [`Db::unlock`].
#[derive(Debug)]
#[must_use = "the lock is given back with Db::unlock"]
pub enum MigrationLock {
    Postgres,
    /// The `GET_LOCK` name.
    Mysql(String),
    /// The sidecar lock file; none for an in-memory database.
    Sqlite(Option<FileLock>),
}

/// The MySQL lock name for `database` (`DATABASE()`): `strata:<database>`, or, when that is
/// longer than `GET_LOCK` allows, `strata:` + the start of the name + `:` + a hash of the whole
/// name, so that two long names sharing a prefix still get different locks.
pub fn mysql_lock_name(database: Option<&str>) -> String {
    let database = database.unwrap_or_default();
    let name = format!("{MYSQL_LOCK_PREFIX}{database}");
    if name.chars().count() <= MYSQL_LOCK_NAME_MAX {
        return name;
    }
    let hash = hex::encode(&Sha256::digest(database.as_bytes())[..8]);
    let room = MYSQL_LOCK_NAME_MAX - MYSQL_LOCK_PREFIX.len() - 1 - hash.len();
    let start: String = database.chars().take(room).collect();
    format!("{MYSQL_LOCK_PREFIX}{start}:{hash}")
}

/// The sidecar lock file of a SQLite database whose main file is `file` (as `PRAGMA
/// database_list` reports it); none for an in-memory or temporary database (empty `file`).
pub fn sqlite_lock_path(file: &str) -> Option<std::path::PathBuf> {
    (!file.is_empty()).then(|| std::path::PathBuf::from(format!("{file}.strata-lock")))
}

/// An open connection to one of the three databases.
pub enum Db {
    Postgres(sqlx::PgConnection),
    Mysql(sqlx::MySqlConnection),
    Sqlite(sqlx::SqliteConnection),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Db::Postgres(_) => "Db::Postgres",
            Db::Mysql(_) => "Db::Mysql",
            Db::Sqlite(_) => "Db::Sqlite",
        })
    }
}

/// How the runner connects and waits.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Connect timeout and SQLite's busy timeout.
    pub connect: strata_connect::Settings,
    /// PostgreSQL `lock_timeout` / MySQL `lock_wait_timeout` for the statements of revisions:
    /// a statement that waits longer for a table lock fails instead of queueing writers.
    pub lock_timeout: Option<Duration>,
}

fn db_error(what: impl Into<String>) -> impl FnOnce(sqlx::Error) -> StoreError {
    let what = what.into();
    move |cause| StoreError::Database { what, cause }
}

/// The checksum recorded for an applied revision: SHA-256 of its up and down SQL.
pub fn checksum(r: &RevisionDir) -> String {
    let mut h = Sha256::new();
    for part in [r.up.as_str(), r.down.as_str()] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

impl Db {
    /// Connects through [`strata_connect`] (the one connection path) and prepares the session
    /// for running revisions: string literals as strata writes them, and the statement lock
    /// timeout of `settings`, if any.
    pub async fn connect(url: &str, settings: &Settings) -> Result<Db, StoreError> {
        let target = strata_connect::Target::parse(url)?;
        Db::open(&target, settings).await
    }

    /// [`Db::connect`] to a parsed target.
    pub async fn open(
        target: &strata_connect::Target,
        settings: &Settings,
    ) -> Result<Db, StoreError> {
        let prepare = db_error("preparing the session");
        Ok(match target.connect(&settings.connect).await? {
            strata_connect::Connection::Postgres(mut c) => {
                // strata's string literals double quotes and leave backslashes alone, which is
                // right only with standard strings (PostgreSQL's default since 9.1).
                let mut session = "SET standard_conforming_strings = on".to_owned();
                if let Some(t) = settings.lock_timeout {
                    session.push_str(&format!("; SET lock_timeout = '{}ms'", t.as_millis()));
                }
                sqlx::raw_sql(AssertSqlSafe(session))
                    .execute(&mut c)
                    .await
                    .map_err(prepare)?;
                Db::Postgres(c)
            }
            strata_connect::Connection::Mysql(mut c) => {
                // strata's string literals escape backslashes, which is right only when the
                // session does not say NO_BACKSLASH_ESCAPES.
                let mut session =
                    "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')"
                        .to_owned();
                if let Some(t) = settings.lock_timeout {
                    // Whole seconds, at least one: MySQL's lock_wait_timeout (metadata locks).
                    session.push_str(&format!(
                        "; SET SESSION lock_wait_timeout = {}",
                        t.as_secs_f64().ceil().max(1.0) as u64
                    ));
                }
                sqlx::raw_sql(AssertSqlSafe(session))
                    .execute(&mut c)
                    .await
                    .map_err(prepare)?;
                Db::Mysql(c)
            }
            strata_connect::Connection::Sqlite(c) => Db::Sqlite(c),
        })
    }

    /// Runs an SQL script (several statements).
    pub async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_owned());
        match self {
            Db::Postgres(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            Db::Mysql(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            Db::Sqlite(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Db::Postgres(_) => Kind::Postgres,
            Db::Mysql(_) => Kind::Mysql,
            Db::Sqlite(_) => Kind::Sqlite,
        }
    }

    fn create_version_table(&self) -> String {
        self.kind().create_version_table()
    }

    /// Creates the version table, or adds the columns an older strata's table lacks (`step`,
    /// `statement`, `error`, `direction`), so databases it already manages keep working.
    pub async fn ensure_version_table(&mut self) -> Result<(), StoreError> {
        let sql = self.create_version_table();
        let creating = format!("creating the version table {VERSION_TABLE}");
        self.execute(&sql).await.map_err(db_error(creating))?;
        let present = self.version_columns().await?;
        for (name, ty) in self.kind().added_columns() {
            if present.iter().any(|c| c.eq_ignore_ascii_case(name)) {
                continue;
            }
            let alter = format!("ALTER TABLE {VERSION_TABLE} ADD COLUMN {name} {ty} NULL");
            if let Err(cause) = self.execute(&alter).await {
                // Another process may have added it meanwhile.
                if !self
                    .version_columns()
                    .await?
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(name))
                {
                    return Err(StoreError::Database {
                        what: format!("adding the column {name} to {VERSION_TABLE}"),
                        cause,
                    });
                }
            }
        }
        Ok(())
    }

    /// The version table's column names.
    async fn version_columns(&mut self) -> Result<Vec<String>, StoreError> {
        let read = db_error(format!("reading the columns of {VERSION_TABLE}"));
        match self {
            Db::Postgres(c) => sqlx::query_scalar(
                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1",
            )
            .bind(VERSION_TABLE)
            .fetch_all(c)
            .await,
            Db::Mysql(c) => sqlx::query_scalar(
                "SELECT CAST(COLUMN_NAME AS CHAR) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            )
            .bind(VERSION_TABLE)
            .fetch_all(c)
            .await,
            Db::Sqlite(c) => sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
                .bind(VERSION_TABLE)
                .fetch_all(c)
                .await,
        }
        .map_err(read)
    }

    /// The version table's rows (none when it does not exist yet); columns an older strata's
    /// table lacks read as NULL.
    pub async fn rows(&mut self) -> Result<Vec<VersionRow>, StoreError> {
        if !self.table_exists(VERSION_TABLE).await? {
            return Ok(Vec::new());
        }
        let present = self.version_columns().await?;
        let column = |name: &str| {
            if present.iter().any(|c| c.eq_ignore_ascii_case(name)) {
                name.to_owned()
            } else {
                "NULL".to_owned()
            }
        };
        let sql = AssertSqlSafe(format!(
            "SELECT revision, checksum, CASE WHEN success THEN 1 ELSE 0 END AS ok, {}, {}, {}, {}, {} FROM {VERSION_TABLE}",
            column("step"),
            column("statement"),
            column("error"),
            column("direction"),
            column("done_sum"),
        ));
        let read = db_error(format!("reading {VERSION_TABLE}"));
        fn int<R: Row>(r: &R, i: usize) -> Option<i64>
        where
            for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
            for<'a> Option<i32>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
            usize: sqlx::ColumnIndex<R>,
        {
            r.try_get::<Option<i64>, _>(i)
                .ok()
                .flatten()
                .or_else(|| r.try_get::<Option<i32>, _>(i).ok().flatten().map(i64::from))
        }
        macro_rules! rows {
            ($c:expr) => {{
                let rows = sqlx::query(sql).fetch_all($c).await.map_err(read)?;
                rows.iter()
                    .map(|r| VersionRow {
                        revision: r.get::<String, _>(0),
                        checksum: r.get::<String, _>(1),
                        success: int(r, 2) == Some(1),
                        step: int(r, 3),
                        statement: r.try_get::<Option<String>, _>(4).ok().flatten(),
                        error: r.try_get::<Option<String>, _>(5).ok().flatten(),
                        direction: r.try_get::<Option<String>, _>(6).ok().flatten(),
                        done_sum: r.try_get::<Option<String>, _>(7).ok().flatten(),
                    })
                    .collect()
            }};
        }
        Ok(match self {
            Db::Postgres(c) => rows!(c),
            Db::Mysql(c) => rows!(c),
            Db::Sqlite(c) => rows!(c),
        })
    }

    /// Every revision's state on this database.
    pub async fn status(
        &mut self,
        graph: &Graph,
        revisions: &[RevisionDir],
    ) -> Result<Status, StoreError> {
        let rows = self.rows().await?;
        Ok(Status::new(self.kind(), graph, revisions, &rows))
    }

    /// The migrations sea-orm-migration recorded as applied (`seaql_migrations.version`), none
    /// when it never ran here.
    pub async fn seaorm_applied(&mut self) -> Result<Vec<String>, StoreError> {
        if !self.table_exists(SEAORM_TABLE).await? {
            return Ok(Vec::new());
        }
        let read = db_error(format!("reading {SEAORM_TABLE}"));
        let sql = AssertSqlSafe(format!("SELECT version FROM {SEAORM_TABLE}"));
        match self {
            Db::Postgres(c) => sqlx::query_scalar(sql).fetch_all(c).await,
            Db::Mysql(c) => sqlx::query_scalar(sql).fetch_all(c).await,
            Db::Sqlite(c) => sqlx::query_scalar(sql).fetch_all(c).await,
        }
        .map_err(read)
    }

    async fn table_exists(&mut self, table: &str) -> Result<bool, StoreError> {
        let check = db_error(format!("looking for the table {table}"));
        let count: i64 = match self {
            Db::Postgres(c) => {
                sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE tablename = $1 AND schemaname = current_schema()")
                    .bind(table)
                    .fetch_one(c)
                    .await
                    .map_err(check)?
            }
            Db::Mysql(c) => sqlx::query_scalar(
                "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            )
            .bind(table)
            .fetch_one(c)
            .await
            .map_err(check)?,
            Db::Sqlite(c) => sqlx::query_scalar(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
            )
            .bind(table)
            .fetch_one(c)
            .await
            .map_err(check)?,
        };
        Ok(count > 0)
    }

    /// Takes the cross-process migration lock for this database, waiting up to `timeout`;
    /// hold it for the whole run and give it back with [`Db::unlock`]. PostgreSQL: an advisory
    /// lock (scoped to the database by the server). MySQL: `GET_LOCK` on a name scoped to the
    /// current database ([`mysql_lock_name`]), so databases on one server do not wait for each
    /// other. SQLite: a sidecar file `<database file>.strata-lock` ([`sqlite_lock_path`]);
    /// an in-memory database needs none.
    pub async fn lock(&mut self, timeout: Duration) -> Result<MigrationLock, StoreError> {
        let started = Instant::now();
        let timed_out = || StoreError::LockTimeout {
            seconds: timeout.as_secs(),
        };
        match self {
            Db::Postgres(c) => loop {
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(PG_LOCK_KEY)
                    .fetch_one(&mut *c)
                    .await
                    .map_err(db_error("taking the migration lock"))?;
                if got {
                    return Ok(MigrationLock::Postgres);
                }
                if started.elapsed() >= timeout {
                    return Err(timed_out());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            },
            Db::Mysql(c) => {
                let database: Option<String> = sqlx::query_scalar("SELECT DATABASE()")
                    .fetch_one(&mut *c)
                    .await
                    .map_err(db_error("reading the current database"))?;
                let name = mysql_lock_name(database.as_deref());
                let got: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, ?)")
                    .bind(&name)
                    .bind(timeout.as_secs() as i64)
                    .fetch_one(c)
                    .await
                    .map_err(db_error("taking the migration lock"))?;
                if got == Some(1) {
                    Ok(MigrationLock::Mysql(name))
                } else {
                    Err(timed_out())
                }
            }
            Db::Sqlite(c) => {
                let files: Vec<(String, String)> =
                    sqlx::query_as("SELECT name, file FROM pragma_database_list")
                        .fetch_all(c)
                        .await
                        .map_err(db_error("finding the database file"))?;
                let main = files
                    .iter()
                    .find(|(name, _)| name == "main")
                    .map(|(_, file)| file.as_str());
                let Some(path) = sqlite_lock_path(main.unwrap_or_default()) else {
                    return Ok(MigrationLock::Sqlite(None));
                };
                loop {
                    if let Some(lock) = FileLock::try_lock(&path)? {
                        return Ok(MigrationLock::Sqlite(Some(lock)));
                    }
                    if started.elapsed() >= timeout {
                        return Err(timed_out());
                    }
                    tokio::time::sleep(crate::lockfile::POLL).await;
                }
            }
        }
    }

    /// Gives back the migration lock taken by [`Db::lock`].
    pub async fn unlock(&mut self, lock: MigrationLock) {
        let _ = match (self, lock) {
            (Db::Postgres(c), MigrationLock::Postgres) => {
                sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(PG_LOCK_KEY)
                    .execute(c)
                    .await
                    .map(|_| ())
            }
            (Db::Mysql(c), MigrationLock::Mysql(name)) => sqlx::query("SELECT RELEASE_LOCK(?)")
                .bind(name)
                .execute(c)
                .await
                .map(|_| ()),
            // Dropping the file lock releases it.
            _ => Ok(()),
        };
    }

    pub async fn close(self) {
        let _ = match self {
            Db::Postgres(c) => c.close().await,
            Db::Mysql(c) => c.close().await,
            Db::Sqlite(c) => c.close().await,
        };
    }
}

/// The database flavour, for SQL written without a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Postgres,
    Mysql,
    Sqlite,
}

impl Kind {
    /// A string literal in this database's SQL, through the one escaping layer.
    fn literal(self, text: &str) -> String {
        let dialect = match self {
            Kind::Postgres => strata_ir::Dialect::Postgres,
            Kind::Mysql => strata_ir::Dialect::Mysql,
            Kind::Sqlite => strata_ir::Dialect::Sqlite,
        };
        dialect.string_literal(text)
    }

    pub fn create_version_table(self) -> String {
        let (ts, boolean) = match self {
            Kind::Postgres => ("timestamptz", "boolean"),
            Kind::Mysql => ("timestamp", "boolean"),
            Kind::Sqlite => ("text", "integer"),
        };
        let added: Vec<String> = self
            .added_columns()
            .iter()
            .map(|(name, ty)| format!(", {name} {ty} NULL"))
            .collect();
        format!(
            "CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (\
             revision varchar(64) NOT NULL PRIMARY KEY, \
             checksum varchar(64) NOT NULL, \
             applied_at {ts} NOT NULL DEFAULT CURRENT_TIMESTAMP, \
             duration_ms bigint NOT NULL, \
             success {boolean} NOT NULL{})",
            added.concat()
        )
    }

    /// The columns added since the first version table, with their types: the steps done, the
    /// statement in doubt or failed (MySQL's `text` stops at 64 KiB), the database's error, and
    /// `down` while a downgrade runs statement by statement.
    fn added_columns(self) -> [(&'static str, &'static str); 5] {
        let text = match self {
            Kind::Mysql => "mediumtext",
            Kind::Postgres | Kind::Sqlite => "text",
        };
        [
            ("step", "integer"),
            ("statement", text),
            ("error", text),
            ("direction", "varchar(4)"),
            ("done_sum", "varchar(64)"),
        ]
    }

    fn truth(self) -> &'static str {
        match self {
            Kind::Sqlite => "1",
            Kind::Postgres | Kind::Mysql => "TRUE",
        }
    }
}

/// The SQL `upgrade`/`downgrade` would run, for review or for a DBA to run by hand (offline:
/// no database is read; an upgrade starts from base, a downgrade from the head(s)).
pub fn offline_script(
    kind: Kind,
    graph: &Graph,
    revisions: &[RevisionDir],
    target: &Target,
    direction: Direction,
) -> Result<String, StoreError> {
    let applied: BTreeSet<String> = match direction {
        Direction::Up => BTreeSet::new(),
        Direction::Down => graph
            .heads()
            .iter()
            .flat_map(|h| graph.ancestors(h))
            .collect(),
    };
    let plan = match direction {
        Direction::Up => graph.plan_upgrade(&applied, target)?,
        Direction::Down => graph.plan_downgrade(&applied, target)?,
    };
    let mut out = match kind {
        Kind::Postgres => "SET standard_conforming_strings = on;\n".to_owned(),
        Kind::Mysql => {
            "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '');\n"
                .to_owned()
        }
        // SQLite ignores this pragma inside a transaction: off before the first BEGIN, so that
        // a table rebuild's DROP TABLE cascades nowhere, and checked before each COMMIT.
        Kind::Sqlite => "PRAGMA foreign_keys = OFF;\n\n".to_owned(),
    };
    out.push_str(&format!("{};\n\n", kind.create_version_table()));
    for id in plan {
        let Some(r) = revisions.iter().find(|r| r.meta.id == id) else {
            continue;
        };
        let (sql, record) = match direction {
            Direction::Up => (
                &r.up,
                format!(
                    "INSERT INTO {VERSION_TABLE} (revision, checksum, duration_ms, success) VALUES ({}, {}, 0, {});",
                    kind.literal(&id),
                    kind.literal(&checksum(r)),
                    kind.truth()
                ),
            ),
            Direction::Down => (
                &r.down,
                format!(
                    "DELETE FROM {VERSION_TABLE} WHERE revision = {};",
                    kind.literal(&id)
                ),
            ),
        };
        let transaction = r.meta.transactional && kind != Kind::Mysql;
        out.push_str(&strata_ir::text::sql_comment(&format!(
            "revision {id}: {}",
            r.meta.message
        )));
        out.push('\n');
        if transaction {
            out.push_str("BEGIN;\n");
        }
        out.push_str(sql.trim_end());
        out.push_str("\n\n");
        out.push_str(&record);
        out.push('\n');
        if kind == Kind::Sqlite {
            out.push_str("PRAGMA foreign_key_check;\n");
        }
        if transaction {
            out.push_str("COMMIT;\n");
        }
        out.push('\n');
    }
    if kind == Kind::Sqlite {
        out.push_str("PRAGMA foreign_keys = ON;\n");
    }
    Ok(out)
}

/// Records `target` (and what it builds on) as the applied revisions, running no SQL.
pub async fn stamp(
    db: &mut Db,
    graph: &Graph,
    revisions: &[RevisionDir],
    target: &Target,
    lock_timeout: Duration,
) -> Result<Vec<String>, StoreError> {
    let ids: BTreeSet<String> = match target {
        Target::Base => BTreeSet::new(),
        Target::Head => graph
            .head()?
            .map(|h| graph.ancestors(&h))
            .unwrap_or_default(),
        Target::Heads => graph
            .heads()
            .iter()
            .flat_map(|h| graph.ancestors(h))
            .collect(),
        Target::Revision(r) => graph.ancestors(&graph.resolve(r)?),
        other => {
            return Err(GraphErrorKind::BadTarget {
                target: format!("{other} (stamp takes head, heads, base or a revision)"),
            }
            .into());
        }
    };
    let lock = db.lock(lock_timeout).await?;
    let result = async {
        db.ensure_version_table().await?;
        let mut script = format!("DELETE FROM {VERSION_TABLE};\n");
        for id in &ids {
            let sum = revisions
                .iter()
                .find(|r| r.meta.id == *id)
                .map(checksum)
                .unwrap_or_default();
            script.push_str(&format!(
                "INSERT INTO {VERSION_TABLE} (revision, checksum, duration_ms, success) VALUES ({}, {}, 0, {});\n",
                db.kind().literal(id),
                db.kind().literal(&sum),
                db.kind().truth()
            ));
        }
        db.execute(&script)
            .await
            .map_err(db_error("recording the stamped revisions"))
    }
    .await;
    db.unlock(lock).await;
    result.map(|()| {
        graph
            .revisions()
            .iter()
            .filter(|id| ids.contains(*id))
            .cloned()
            .collect()
    })
}

/// Which way a step goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// One revision applied or rolled back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub revision: String,
    pub direction: Direction,
    pub duration: Duration,
    /// Steps a previous run had recorded, continued after (0: run from the start).
    pub resumed_after: usize,
}

/// What one run did: the revisions this process applied or rolled back, and those it was
/// about to when it started but another process did while this one waited for the lock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub ran: Vec<Step>,
    /// Revisions another process applied (or rolled back) meanwhile, in plan order.
    pub elsewhere: Vec<String>,
}

/// Called before each revision of a plan runs: its position (from 1), the plan's length and the
/// revision's id. Lets the caller show progress without the runner printing.
pub type OnStep<'a> = &'a mut dyn FnMut(usize, usize, &str);

/// Moves the database to `target`: upgrade when `direction` is up, downgrade otherwise.
/// Returns what this process applied or rolled back (nothing when there is nothing to do). A
/// partly applied revision on the way up is continued after its last recorded step; a failed
/// one refuses the run until `resolve` records what happened.
pub async fn run(
    db: &mut Db,
    graph: &Graph,
    revisions: &[RevisionDir],
    target: &Target,
    direction: Direction,
    lock_timeout: Duration,
    on_step: OnStep<'_>,
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    run_collecting(
        db,
        graph,
        revisions,
        target,
        direction,
        lock_timeout,
        on_step,
        &mut report,
    )
    .await?;
    Ok(report)
}

/// [`run`], filling `report` as it goes, so that a run that fails part-way still tells what it
/// did.
///
/// Before taking the lock it reads (without the lock) which revisions the plan holds; after
/// taking it, it reads the state again and plans from that. Revisions in the first plan that
/// are done by then were done by another process while this one waited: they go to
/// `report.elsewhere`, never to `report.ran`.
#[allow(clippy::too_many_arguments)]
pub async fn run_collecting(
    db: &mut Db,
    graph: &Graph,
    revisions: &[RevisionDir],
    target: &Target,
    direction: Direction,
    lock_timeout: Duration,
    on_step: OnStep<'_>,
    report: &mut Report,
) -> Result<(), StoreError> {
    let expected = match db.rows().await {
        Ok(rows) => {
            let status = Status::new(db.kind(), graph, revisions, &rows);
            plan(graph, &status, target, direction).unwrap_or_default()
        }
        // Only a hint for the report: the run itself reads the state under the lock.
        Err(_) => Vec::new(),
    };
    let lock = db.lock(lock_timeout).await?;
    let result = run_locked(
        db, graph, revisions, target, direction, &expected, on_step, report,
    )
    .await;
    db.unlock(lock).await;
    result
}

/// The revisions to apply (or roll back) to reach `target` from `status`, in order.
fn plan(
    graph: &Graph,
    status: &Status,
    target: &Target,
    direction: Direction,
) -> Result<Vec<String>, StoreError> {
    let applied = status.applied();
    Ok(match direction {
        Direction::Up => graph.plan_upgrade(&applied, target)?,
        Direction::Down => graph.plan_downgrade(&applied, target)?,
    })
}

/// Refuses applied (or partly applied) revisions whose files changed since they ran, except an
/// unfinished revision whose changes all come after its last recorded step
/// ([`crate::state::edit_allowed`]): those are returned, to go on with their new files.
fn verify_checksums<'r>(
    kind: Kind,
    rows: &[VersionRow],
    revisions: &'r [RevisionDir],
) -> Result<Vec<&'r RevisionDir>, StoreError> {
    let mut corrected = Vec::new();
    for row in rows {
        if let Some(r) = revisions.iter().find(|r| r.meta.id == row.revision)
            && checksum(r) != row.checksum
        {
            if crate::state::edit_allowed(kind, row, r) {
                corrected.push(r);
                continue;
            }
            return Err(StoreError::AppliedChanged {
                revision: row.revision.clone(),
            });
        }
    }
    Ok(corrected)
}

#[allow(clippy::too_many_arguments)]
async fn run_locked(
    db: &mut Db,
    graph: &Graph,
    revisions: &[RevisionDir],
    target: &Target,
    direction: Direction,
    expected: &[String],
    on_step: OnStep<'_>,
    report: &mut Report,
) -> Result<(), StoreError> {
    db.ensure_version_table().await?;
    let rows = db.rows().await?;
    let status = Status::new(db.kind(), graph, revisions, &rows);
    if let Some((id, failure)) = status.failed() {
        return Err(StoreError::FailedRevision {
            revision: id.to_owned(),
            failure: Box::new(failure.clone()),
        });
    }
    for r in verify_checksums(db.kind(), &rows, revisions)? {
        // The revision goes on with its corrected files: they are what it is checked against
        // from now on.
        db.write(
            &format!("UPDATE {VERSION_TABLE} SET checksum = ? WHERE revision = ?"),
            vec![text(&checksum(r)), text(&r.meta.id)],
        )
        .await
        .map_err(db_error(RECORDING))?;
    }
    if direction == Direction::Down
        && let Some((id, State::Partial { done, steps })) = status.unfinished().first()
    {
        return Err(StoreError::PartialRevision {
            revision: (*id).to_owned(),
            done: *done,
            steps: *steps,
        });
    }
    report.elsewhere = expected
        .iter()
        .filter(|id| match direction {
            Direction::Up => *status.state(id) == State::Applied,
            Direction::Down => *status.state(id) == State::Pending,
        })
        .cloned()
        .collect();
    let plan = plan(graph, &status, target, direction)?;
    for (n, id) in plan.iter().enumerate() {
        let Some(r) = revisions.iter().find(|r| r.meta.id == *id) else {
            continue;
        };
        on_step(n + 1, plan.len(), id);
        let started = Instant::now();
        let (recorded, resumed_after) = match status.state(id) {
            State::Partial { done, .. } => (true, *done),
            _ => (false, 0),
        };
        let ran = match direction {
            Direction::Up => apply_up(db, r, recorded, resumed_after, started).await?,
            Direction::Down => apply_down(db, r).await?,
        };
        if ran {
            report.ran.push(Step {
                revision: id.clone(),
                direction,
                duration: started.elapsed(),
                resumed_after,
            });
        }
    }
    Ok(())
}

/// A value bound to a version-table statement.
enum Arg {
    Text(Option<String>),
    Int(i64),
    Bool(bool),
}

fn text(s: &str) -> Arg {
    Arg::Text(Some(s.to_owned()))
}

impl Db {
    /// Runs one statement of ours with bound values (`?` placeholders, numbered for PostgreSQL).
    async fn write(&mut self, sql: &str, args: Vec<Arg>) -> Result<(), sqlx::Error> {
        macro_rules! go {
            ($c:expr, $sql:expr) => {{
                let mut q = sqlx::query(AssertSqlSafe($sql));
                for a in args {
                    q = match a {
                        Arg::Text(t) => q.bind(t),
                        Arg::Int(i) => q.bind(i),
                        Arg::Bool(b) => q.bind(b),
                    };
                }
                q.execute($c).await.map(|_| ())
            }};
        }
        match self {
            Db::Postgres(c) => {
                let mut numbered = String::with_capacity(sql.len() + 8);
                let mut n = 0;
                for ch in sql.chars() {
                    if ch == '?' {
                        n += 1;
                        numbered.push_str(&format!("${n}"));
                    } else {
                        numbered.push(ch);
                    }
                }
                go!(c, numbered)
            }
            Db::Mysql(c) => go!(c, sql.to_owned()),
            Db::Sqlite(c) => go!(c, sql.to_owned()),
        }
    }

    /// The row of one revision, if any.
    async fn row(&mut self, id: &str) -> Result<Option<VersionRow>, StoreError> {
        Ok(self.rows().await?.into_iter().find(|r| r.revision == id))
    }
}

/// The database's own words for an error.
fn error_text(e: &sqlx::Error) -> String {
    match e.as_database_error() {
        Some(d) => d.message().to_owned(),
        None => e.to_string(),
    }
}

const RECORDING: &str = "recording the revision's progress";

/// Runs the steps of `r`'s up.sql after step `done` (`recorded`: its row exists), each recorded
/// as it completes. Returns false when its row says it is already done (which the run-wide lock
/// prevents; the check inside each step's transaction is a second guard).
async fn apply_up(
    db: &mut Db,
    r: &RevisionDir,
    recorded: bool,
    done: usize,
    started: Instant,
) -> Result<bool, StoreError> {
    let kind = db.kind();
    let id = r.meta.id.as_str();
    let mut plan = steps::plan(kind, &r.up, r.meta.transactional);
    if let Db::Postgres(c) = db
        && plan.len() > 1
    {
        let version: String = sqlx::query_scalar("SHOW server_version_num")
            .fetch_one(c)
            .await
            .map_err(db_error("reading the server version"))?;
        if version.parse::<u32>().is_ok_and(|v| v < 120_000) {
            plan = steps::before_postgres_12(plan);
        }
    }
    let total = plan.len();
    let sqlite = kind == Kind::Sqlite;
    if sqlite {
        // Table rebuilds must not cascade or trip keys half-way; enforcement cannot change
        // inside a transaction, so it is off around it and checked before the commit.
        db.execute("PRAGMA foreign_keys = OFF")
            .await
            .map_err(db_error("turning foreign keys off"))?;
    }
    let mut result = Ok(true);
    for (i, step) in plan.iter().enumerate().skip(done) {
        let k = i + 1;
        let last = k == total;
        let ms = || i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        result = match step.mode {
            Mode::Transaction => {
                transactional_step(db, r, &plan[..k], total, recorded || k > done + 1, ms).await
            }
            Mode::Alone => {
                let statement = &step.statements[0];
                let fresh = !recorded && k == done + 1;
                let mark = if fresh {
                    db.write(
                        &format!(
                            "INSERT INTO {VERSION_TABLE} (revision, checksum, duration_ms, success, step, statement, direction) VALUES (?, ?, 0, ?, 0, ?, 'up')"
                        ),
                        vec![text(id), text(&checksum(r)), Arg::Bool(false), text(&statement.text)],
                    )
                    .await
                } else {
                    db.write(
                        &format!(
                            "UPDATE {VERSION_TABLE} SET statement = ?, error = NULL WHERE revision = ?"
                        ),
                        vec![text(&statement.text), text(id)],
                    )
                    .await
                };
                mark.map_err(db_error(RECORDING))?;
                match db.execute(&statement.text).await {
                    Ok(()) => db
                        .write(
                            &format!(
                                "UPDATE {VERSION_TABLE} SET step = ?, statement = NULL, success = ?, duration_ms = ?, done_sum = ? WHERE revision = ?"
                            ),
                            vec![
                                Arg::Int(k as i64),
                                Arg::Bool(last),
                                Arg::Int(ms()),
                                text(&crate::state::done_sum_of(&plan[..k])),
                                text(id),
                            ],
                        )
                        .await
                        .map(|()| true)
                        .map_err(db_error(RECORDING)),
                    Err(cause) => {
                        let error = error_text(&cause);
                        db.write(
                            &format!("UPDATE {VERSION_TABLE} SET error = ? WHERE revision = ?"),
                            vec![text(&error), text(id)],
                        )
                        .await
                        .map_err(db_error(RECORDING))?;
                        Err(failed_step(r, k, total, statement, error))
                    }
                }
            }
        };
        if !matches!(result, Ok(true)) {
            break;
        }
    }
    if sqlite {
        let _ = db.execute("PRAGMA foreign_keys = ON").await;
    }
    result
}

fn failed_step(
    r: &RevisionDir,
    k: usize,
    total: usize,
    statement: &steps::Statement,
    error: String,
) -> StoreError {
    StoreError::StepFailed {
        revision: r.meta.id.clone(),
        failure: Box::new(Failure {
            step: Some(k),
            steps: total,
            downgrade: false,
            statement: Some(statement.text.clone()),
            line: Some(statement.line),
            error: Some(error),
            rolled_back: false,
        }),
    }
}

/// One step in a transaction with its record. Step 1 inserts the row (a failure there rolls
/// everything back and leaves the revision pending); a later step updates it, and its failure
/// is recorded after the rollback.
/// Runs the last of `through` (step K = `through.len()`), in one transaction with its record.
async fn transactional_step(
    db: &mut Db,
    r: &RevisionDir,
    through: &[steps::Step],
    total: usize,
    row_exists: bool,
    ms: impl Fn() -> i64,
) -> Result<bool, StoreError> {
    let (k, Some(step)) = (through.len(), through.last()) else {
        return Ok(false);
    };
    let id = r.meta.id.as_str();
    let kind = db.kind();
    let begin = if kind == Kind::Sqlite {
        "BEGIN IMMEDIATE"
    } else {
        "BEGIN"
    };
    db.execute(begin)
        .await
        .map_err(db_error("starting a transaction"))?;
    // Another process may have done this step while this one waited for the write lock.
    let row = db.row(id).await;
    let recorded = match &row {
        Ok(None) => 0,
        Ok(Some(row)) if row.success => total,
        Ok(Some(row)) => row.step.map_or(total, |s| usize::try_from(s).unwrap_or(0)),
        Err(_) => 0,
    };
    if let Err(e) = row {
        let _ = db.execute("ROLLBACK").await;
        return Err(e);
    }
    if recorded >= k {
        db.execute("COMMIT").await.map_err(db_error("committing"))?;
        return Ok(false);
    }
    let mut outcome: Result<(), (sqlx::Error, &steps::Statement)> = Ok(());
    for statement in &step.statements {
        if let Err(e) = db.execute(&statement.text).await {
            outcome = Err((e, statement));
            break;
        }
    }
    let last = k == total;
    let result = match outcome {
        Ok(()) => {
            let record = if !row_exists {
                db.write(
                    &format!(
                        "INSERT INTO {VERSION_TABLE} (revision, checksum, duration_ms, success, step, direction, done_sum) VALUES (?, ?, ?, ?, ?, 'up', ?)"
                    ),
                    vec![
                        text(id),
                        text(&checksum(r)),
                        Arg::Int(ms()),
                        Arg::Bool(last),
                        Arg::Int(k as i64),
                        text(&crate::state::done_sum_of(through)),
                    ],
                )
                .await
            } else {
                db.write(
                    &format!(
                        "UPDATE {VERSION_TABLE} SET step = ?, success = ?, duration_ms = ?, statement = NULL, error = NULL, done_sum = ? WHERE revision = ?"
                    ),
                    vec![
                        Arg::Int(k as i64),
                        Arg::Bool(last),
                        Arg::Int(ms()),
                        text(&crate::state::done_sum_of(through)),
                        text(id),
                    ],
                )
                .await
            };
            match record {
                Ok(()) if kind == Kind::Sqlite => foreign_key_check(db, id).await,
                Ok(()) => Ok(()),
                Err(e) => Err(db_error(RECORDING)(e)),
            }
        }
        Err((cause, statement)) => Err(rolled_back_failure(
            r, step, k, total, statement, cause, row_exists,
        )),
    };
    match result {
        Ok(()) => {
            db.execute("COMMIT").await.map_err(db_error("committing"))?;
            Ok(true)
        }
        Err(mut e) => {
            let _ = db.execute("ROLLBACK").await;
            if let StoreError::RolledBack {
                statement: statement @ None,
                line,
                ..
            } = &mut e
                && let Some(found) = diagnose(db, &r.up).await
            {
                *line = Some(found.line);
                *statement = Some(found.text);
            }
            // Earlier steps stay applied: the failure is recorded, and blocks the next run.
            if row_exists && let StoreError::StepFailed { failure, .. } = &e {
                db.write(
                    &format!(
                        "UPDATE {VERSION_TABLE} SET statement = ?, error = ? WHERE revision = ?"
                    ),
                    vec![
                        Arg::Text(failure.statement.clone()),
                        Arg::Text(failure.error.clone()),
                        text(id),
                    ],
                )
                .await
                .map_err(db_error(RECORDING))?;
            }
            Err(e)
        }
    }
}

/// After a whole script failed and was rolled back without the database saying where: runs its
/// statements one by one in a transaction that is always rolled back, and returns the first that
/// fails. Not tried when a statement holds a `BEGIN ... END` body, whose `;` the splitter cannot
/// tell from the end of a statement.
async fn diagnose(db: &mut Db, script: &str) -> Option<steps::Statement> {
    let statements = steps::statements(script);
    let bodies = statements.iter().any(|s| {
        s.text
            .split_whitespace()
            .skip(1)
            .any(|w| w.eq_ignore_ascii_case("BEGIN"))
    });
    if bodies || statements.len() < 2 {
        return statements.into_iter().next().filter(|_| !bodies);
    }
    let begin = if db.kind() == Kind::Sqlite {
        "BEGIN IMMEDIATE"
    } else {
        "BEGIN"
    };
    db.execute(begin).await.ok()?;
    let mut found = None;
    for statement in statements {
        if db.execute(&statement.text).await.is_err() {
            found = Some(statement);
            break;
        }
    }
    let _ = db.execute("ROLLBACK").await;
    found
}

/// The error for a transactional step that failed and was rolled back: the failed statement
/// with its line (for a whole script sent at once, PostgreSQL's error position finds it). With
/// no earlier step recorded (`row_exists` false) nothing of the revision is applied: it stays
/// pending.
fn rolled_back_failure(
    r: &RevisionDir,
    step: &steps::Step,
    k: usize,
    total: usize,
    statement: &steps::Statement,
    cause: sqlx::Error,
    row_exists: bool,
) -> StoreError {
    let error = error_text(&cause);
    let (text, line) = if step.statements.len() == 1 && statement.text == r.up {
        locate(&r.up, &cause)
    } else {
        (Some(statement.text.clone()), Some(statement.line))
    };
    if !row_exists {
        StoreError::RolledBack {
            revision: r.meta.id.clone(),
            line,
            statement: text,
            error,
        }
    } else {
        StoreError::StepFailed {
            revision: r.meta.id.clone(),
            failure: Box::new(Failure {
                step: Some(k),
                steps: total,
                downgrade: false,
                statement: text,
                line,
                error: Some(error),
                rolled_back: true,
            }),
        }
    }
}

/// The statement of `script` an error points into, when the database says where.
fn locate(script: &str, cause: &sqlx::Error) -> (Option<String>, Option<usize>) {
    let position = cause
        .as_database_error()
        .and_then(|d| d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>())
        .and_then(|e| match e.position() {
            Some(sqlx::postgres::PgErrorPosition::Original(p)) => Some(p),
            _ => None,
        });
    let Some(position) = position else {
        return (None, None);
    };
    // PostgreSQL counts characters from 1.
    let offset = script
        .char_indices()
        .nth(position.saturating_sub(1))
        .map_or(script.len(), |(i, _)| i);
    let found = steps::statements(script).into_iter().rev().find(|s| {
        let start = script
            .lines()
            .take(s.line - 1)
            .map(|l| l.len() + 1)
            .sum::<usize>();
        start <= offset
    });
    match found {
        Some(s) => (Some(s.text), Some(s.line)),
        None => (None, Some(steps::line_at(script, offset))),
    }
}

/// Rolls `r` back with its down.sql and removes its row. In one transaction where the database
/// allows; otherwise (MySQL, or a revision marked `transactional = false`) statement by
/// statement with the row marked `direction = 'down'`, so a failure stays visible.
async fn apply_down(db: &mut Db, r: &RevisionDir) -> Result<bool, StoreError> {
    let id = r.meta.id.as_str();
    let kind = db.kind();
    let delete = format!("DELETE FROM {VERSION_TABLE} WHERE revision = ?");
    let sqlite = kind == Kind::Sqlite;
    if sqlite {
        db.execute("PRAGMA foreign_keys = OFF")
            .await
            .map_err(db_error("turning foreign keys off"))?;
    }
    let result = if kind == Kind::Mysql || !r.meta.transactional {
        let mut result = Ok(true);
        for statement in steps::statements(&r.down) {
            db.write(
                &format!(
                    "UPDATE {VERSION_TABLE} SET success = ?, direction = 'down', statement = ?, error = NULL WHERE revision = ?"
                ),
                vec![Arg::Bool(false), text(&statement.text), text(id)],
            )
            .await
            .map_err(db_error(RECORDING))?;
            if let Err(cause) = db.execute(&statement.text).await {
                let error = error_text(&cause);
                db.write(
                    &format!("UPDATE {VERSION_TABLE} SET error = ? WHERE revision = ?"),
                    vec![text(&error), text(id)],
                )
                .await
                .map_err(db_error(RECORDING))?;
                result = Err(StoreError::StepFailed {
                    revision: id.to_owned(),
                    failure: Box::new(Failure {
                        step: None,
                        steps: 1,
                        downgrade: true,
                        statement: Some(statement.text),
                        line: Some(statement.line),
                        error: Some(error),
                        rolled_back: false,
                    }),
                });
                break;
            }
        }
        match result {
            Ok(_) => db
                .write(&delete, vec![text(id)])
                .await
                .map(|()| true)
                .map_err(db_error(RECORDING)),
            Err(e) => Err(e),
        }
    } else {
        let begin = if sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" };
        db.execute(begin)
            .await
            .map_err(db_error("starting a transaction"))?;
        let present = match db.row(id).await {
            Ok(row) => row.is_some(),
            Err(e) => {
                let _ = db.execute("ROLLBACK").await;
                return Err(e);
            }
        };
        let result = if !present {
            Ok(false)
        } else {
            match db.execute(&r.down).await {
                Ok(()) => match db.write(&delete, vec![text(id)]).await {
                    Ok(()) if sqlite => foreign_key_check(db, id).await.map(|()| true),
                    Ok(()) => Ok(true),
                    Err(e) => Err(db_error(RECORDING)(e)),
                },
                Err(cause) => {
                    let (statement, line) = locate(&r.down, &cause);
                    Err(StoreError::RollbackFailed {
                        revision: id.to_owned(),
                        line,
                        statement,
                        error: error_text(&cause),
                    })
                }
            }
        };
        match result {
            Ok(ran) => db
                .execute("COMMIT")
                .await
                .map(|()| ran)
                .map_err(db_error("committing")),
            Err(mut e) => {
                let _ = db.execute("ROLLBACK").await;
                if let StoreError::RollbackFailed {
                    statement: statement @ None,
                    line,
                    ..
                } = &mut e
                    && let Some(found) = diagnose(db, &r.down).await
                {
                    *line = Some(found.line);
                    *statement = Some(found.text);
                }
                Err(e)
            }
        }
    };
    if sqlite {
        let _ = db.execute("PRAGMA foreign_keys = ON").await;
    }
    result
}

/// `strata resolve`: records `outcome` for a failed revision (see [`state::resolution`]), under
/// the migration lock. Returns the state before and after.
pub async fn resolve(
    db: &mut Db,
    graph: &Graph,
    revisions: &[RevisionDir],
    id: &str,
    outcome: Outcome,
    lock_timeout: Duration,
) -> Result<(State, State), StoreError> {
    let lock = db.lock(lock_timeout).await?;
    let result = async {
        db.ensure_version_table().await?;
        let rows = db.rows().await?;
        let status = Status::new(db.kind(), graph, revisions, &rows);
        let before = status.state(id).clone();
        let record = resolution(&before, outcome).map_err(|reason| StoreError::NothingToResolve {
            revision: id.to_owned(),
            reason,
        })?;
        let write = match record {
            Record::Applied => {
                let steps = match &before {
                    State::Failed(f) => f.steps,
                    _ => 1,
                };
                db.write(
                    &format!(
                        "UPDATE {VERSION_TABLE} SET success = ?, step = ?, statement = NULL, error = NULL, direction = 'up' WHERE revision = ?"
                    ),
                    vec![Arg::Bool(true), Arg::Int(steps as i64), text(id)],
                )
                .await
            }
            Record::Partial(done) => {
                let sum = revisions
                    .iter()
                    .find(|r| r.meta.id == id)
                    .map(|r| crate::state::done_sum(db.kind(), r, done));
                db.write(
                    &format!(
                        "UPDATE {VERSION_TABLE} SET success = ?, step = ?, statement = NULL, error = NULL, direction = 'up', done_sum = ? WHERE revision = ?"
                    ),
                    vec![Arg::Bool(false), Arg::Int(done as i64), Arg::Text(sum), text(id)],
                )
                .await
            }
            Record::Pending => {
                db.write(
                    &format!("DELETE FROM {VERSION_TABLE} WHERE revision = ?"),
                    vec![text(id)],
                )
                .await
            }
        };
        write.map_err(db_error("recording the outcome"))?;
        let row = db.row(id).await?;
        let after = state::state_of(
            db.kind(),
            revisions.iter().find(|r| r.meta.id == id),
            row.as_ref(),
        );
        Ok((before, after))
    }
    .await;
    db.unlock(lock).await;
    result
}

/// SQLite: refuses a revision that leaves rows pointing nowhere (enforcement was off while it
/// ran).
async fn foreign_key_check(db: &mut Db, id: &str) -> Result<(), StoreError> {
    let Db::Sqlite(c) = db else {
        return Ok(());
    };
    let rows = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(c)
        .await
        .map_err(db_error("checking foreign keys"))?;
    match rows.first() {
        None => Ok(()),
        Some(row) => Err(StoreError::ForeignKeyViolation {
            revision: id.to_owned(),
            table: row.try_get::<String, _>(0).unwrap_or_default(),
            count: rows.len(),
        }),
    }
}

/// Runs steps `from..to` (counted from 0) of `r`'s up.sql without recording anything: for
/// replaying a revision part-way into a scratch database.
pub async fn run_steps_unrecorded(
    db: &mut Db,
    r: &RevisionDir,
    from: usize,
    to: usize,
) -> Result<(), StoreError> {
    let plan = steps::plan(db.kind(), &r.up, r.meta.transactional);
    for (k, step) in plan.iter().enumerate().take(to).skip(from) {
        for statement in &step.statements {
            db.execute(&statement.text)
                .await
                .map_err(|cause| StoreError::Database {
                    what: format!("replaying step {} of revision {}", k + 1, r.meta.id),
                    cause,
                })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_lock_names_are_scoped_to_the_database_and_fit() {
        assert_eq!(mysql_lock_name(Some("app")), "strata:app");
        assert_ne!(mysql_lock_name(Some("app")), mysql_lock_name(Some("app2")));
        let long = "d".repeat(64);
        let other = format!("{}e", "d".repeat(63));
        for name in [&long, &other] {
            let lock = mysql_lock_name(Some(name));
            assert_eq!(lock.chars().count(), MYSQL_LOCK_NAME_MAX, "{lock}");
            assert!(lock.starts_with("strata:ddd"), "{lock}");
        }
        assert_ne!(mysql_lock_name(Some(&long)), mysql_lock_name(Some(&other)));
        let wide = "é".repeat(64);
        assert_eq!(mysql_lock_name(Some(&wide)).chars().count(), 64);
    }

    #[test]
    fn sqlite_lock_files_sit_next_to_the_database_file() {
        assert_eq!(
            sqlite_lock_path("/tmp/dev.db"),
            Some(std::path::PathBuf::from("/tmp/dev.db.strata-lock"))
        );
        assert_eq!(sqlite_lock_path(""), None);
    }
}
