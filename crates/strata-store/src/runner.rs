//! Applying and rolling back revisions on a live database: the version table, the lock, and the
//! short loop that executes a plan.
//!
//! The loop reads top to bottom: lock, ensure the version table, refuse a recorded failure,
//! refuse applied revisions whose files changed, plan (pure, in [`crate::graph`]), apply each
//! revision with its version row, unlock.
//!
//! - PostgreSQL and SQLite: each revision and its version row in one transaction (SQLite's
//!   `BEGIN IMMEDIATE` also serialises writers); a failure rolls both back.
//! - MySQL/MariaDB: DDL commits as it goes, so the row is written first with `success = false`
//!   and marked successful after; a failure leaves that row, which blocks further runs until
//!   resolved.
//! - PostgreSQL takes an advisory lock and MySQL `GET_LOCK` for the whole run, so several
//!   processes running `upgrade head` at once apply each revision exactly once.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use sqlx::{AssertSqlSafe, Connection, Row};

use crate::directory::RevisionDir;
use crate::error::StoreError;
use crate::graph::{Graph, GraphError as GraphErrorKind, Target};

pub const VERSION_TABLE: &str = "strata_revisions";
/// sea-orm-migration's version table.
pub const SEAORM_TABLE: &str = "seaql_migrations";

/// A lock key shared by every strata process (PostgreSQL advisory locks take a number).
const PG_LOCK_KEY: i64 = 0x5354_5241_5441; // "STRATA"
const MYSQL_LOCK_NAME: &str = "strata_migrations";

/// One row of the version table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub revision: String,
    pub checksum: String,
    pub success: bool,
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
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        let scheme = url
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let connect = db_error("connecting");
        Ok(match scheme.as_str() {
            "postgres" | "postgresql" => {
                let mut c = sqlx::PgConnection::connect(url).await.map_err(connect)?;
                // strata's string literals double quotes and leave backslashes alone, which is
                // right only with standard strings (PostgreSQL's default since 9.1).
                sqlx::raw_sql("SET standard_conforming_strings = on")
                    .execute(&mut c)
                    .await
                    .map_err(db_error("preparing the session"))?;
                Db::Postgres(c)
            }
            "mysql" | "mariadb" => {
                let mut c = sqlx::MySqlConnection::connect(url).await.map_err(connect)?;
                // strata's string literals escape backslashes, which is right only when the
                // session does not say NO_BACKSLASH_ESCAPES.
                sqlx::raw_sql(
                    "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
                )
                .execute(&mut c)
                .await
                .map_err(db_error("preparing the session"))?;
                Db::Mysql(c)
            }
            _ => Db::Sqlite(
                sqlx::SqliteConnection::connect(url)
                    .await
                    .map_err(connect)?,
            ),
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

    pub async fn ensure_version_table(&mut self) -> Result<(), StoreError> {
        let sql = self.create_version_table();
        self.execute(&sql).await.map_err(db_error(format!(
            "creating the version table {VERSION_TABLE}"
        )))
    }

    /// The version table's rows (none when it does not exist yet).
    pub async fn applied(&mut self) -> Result<Vec<Applied>, StoreError> {
        let sql = format!(
            "SELECT revision, checksum, CASE WHEN success THEN 1 ELSE 0 END AS ok FROM {VERSION_TABLE}"
        );
        if !self.table_exists(VERSION_TABLE).await? {
            return Ok(Vec::new());
        }
        let read = db_error(format!("reading {VERSION_TABLE}"));
        let sql = AssertSqlSafe(sql);
        macro_rules! rows {
            ($c:expr) => {{
                let rows = sqlx::query(sql).fetch_all($c).await.map_err(read)?;
                rows.iter()
                    .map(|r| Applied {
                        revision: r.get::<String, _>(0),
                        checksum: r.get::<String, _>(1),
                        success: r
                            .try_get::<i64, _>(2)
                            .or_else(|_| r.try_get::<i32, _>(2).map(i64::from))
                            .unwrap_or(0)
                            == 1,
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

    /// Takes the cross-process lock (PostgreSQL, MySQL), waiting up to `timeout`.
    pub async fn lock(&mut self, timeout: Duration) -> Result<(), StoreError> {
        let started = Instant::now();
        match self {
            Db::Postgres(c) => loop {
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(PG_LOCK_KEY)
                    .fetch_one(&mut *c)
                    .await
                    .map_err(db_error("taking the migration lock"))?;
                if got {
                    return Ok(());
                }
                if started.elapsed() >= timeout {
                    return Err(StoreError::LockTimeout {
                        seconds: timeout.as_secs(),
                    });
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            },
            Db::Mysql(c) => {
                let got: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, ?)")
                    .bind(MYSQL_LOCK_NAME)
                    .bind(timeout.as_secs() as i64)
                    .fetch_one(c)
                    .await
                    .map_err(db_error("taking the migration lock"))?;
                if got == Some(1) {
                    Ok(())
                } else {
                    Err(StoreError::LockTimeout {
                        seconds: timeout.as_secs(),
                    })
                }
            }
            // SQLite serialises writers per revision with BEGIN IMMEDIATE.
            Db::Sqlite(_) => Ok(()),
        }
    }

    pub async fn unlock(&mut self) {
        let _ = match self {
            Db::Postgres(c) => sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(PG_LOCK_KEY)
                .execute(c)
                .await
                .map(|_| ()),
            Db::Mysql(c) => sqlx::query("SELECT RELEASE_LOCK(?)")
                .bind(MYSQL_LOCK_NAME)
                .execute(c)
                .await
                .map(|_| ()),
            Db::Sqlite(_) => Ok(()),
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
    pub fn create_version_table(self) -> String {
        let (ts, boolean) = match self {
            Kind::Postgres => ("timestamptz", "boolean"),
            Kind::Mysql => ("timestamp", "boolean"),
            Kind::Sqlite => ("text", "integer"),
        };
        format!(
            "CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (\
             revision varchar(64) NOT NULL PRIMARY KEY, \
             checksum varchar(64) NOT NULL, \
             applied_at {ts} NOT NULL DEFAULT CURRENT_TIMESTAMP, \
             duration_ms bigint NOT NULL, \
             success {boolean} NOT NULL)"
        )
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
                    quote(&id),
                    quote(&checksum(r)),
                    kind.truth()
                ),
            ),
            Direction::Down => (
                &r.down,
                format!(
                    "DELETE FROM {VERSION_TABLE} WHERE revision = {};",
                    quote(&id)
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
    db.lock(lock_timeout).await?;
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
                quote(id),
                quote(&sum),
                db.kind().truth()
            ));
        }
        db.execute(&script)
            .await
            .map_err(db_error("recording the stamped revisions"))
    }
    .await;
    db.unlock().await;
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
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Called before each revision of a plan runs: its position (from 1), the plan's length and the
/// revision's id. Lets the caller show progress without the runner printing.
pub type OnStep<'a> = &'a mut dyn FnMut(usize, usize, &str);

/// Moves the database to `target`: upgrade when `direction` is up, downgrade otherwise.
/// Returns the steps taken (none when there is nothing to do).
pub async fn run(
    db: &mut Db,
    graph: &Graph,
    revisions: &[RevisionDir],
    target: &Target,
    direction: Direction,
    lock_timeout: Duration,
    on_step: OnStep<'_>,
) -> Result<Vec<Step>, StoreError> {
    db.lock(lock_timeout).await?;
    let result = run_locked(db, graph, revisions, target, direction, on_step).await;
    db.unlock().await;
    result
}

async fn run_locked(
    db: &mut Db,
    graph: &Graph,
    revisions: &[RevisionDir],
    target: &Target,
    direction: Direction,
    on_step: OnStep<'_>,
) -> Result<Vec<Step>, StoreError> {
    db.ensure_version_table().await?;
    let rows = db.applied().await?;
    if let Some(failed) = rows.iter().find(|r| !r.success) {
        return Err(StoreError::FailedRevision {
            revision: failed.revision.clone(),
        });
    }
    for row in &rows {
        if let Some(r) = revisions.iter().find(|r| r.meta.id == row.revision)
            && checksum(r) != row.checksum
        {
            return Err(StoreError::AppliedChanged {
                revision: row.revision.clone(),
            });
        }
    }
    let applied: BTreeSet<String> = rows.into_iter().map(|r| r.revision).collect();
    let plan = match direction {
        Direction::Up => graph.plan_upgrade(&applied, target)?,
        Direction::Down => graph.plan_downgrade(&applied, target)?,
    };
    let mut steps = Vec::new();
    for (n, id) in plan.iter().enumerate() {
        let Some(r) = revisions.iter().find(|r| r.meta.id == *id) else {
            continue;
        };
        on_step(n + 1, plan.len(), id);
        let started = Instant::now();
        apply_one(db, r, direction).await?;
        steps.push(Step {
            revision: id.clone(),
            direction,
            duration: started.elapsed(),
        });
    }
    Ok(steps)
}

async fn apply_one(db: &mut Db, r: &RevisionDir, direction: Direction) -> Result<(), StoreError> {
    let id = &r.meta.id;
    let sql = match direction {
        Direction::Up => &r.up,
        Direction::Down => &r.down,
    };
    let started = Instant::now();
    let record = match direction {
        Direction::Up => format!(
            "INSERT INTO {VERSION_TABLE} (revision, checksum, duration_ms, success) VALUES ({}, {}, {{ms}}, {{ok}})",
            quote(id),
            quote(&checksum(r))
        ),
        Direction::Down => format!("DELETE FROM {VERSION_TABLE} WHERE revision = {}", quote(id)),
    };
    let failed = |cause: sqlx::Error| StoreError::RevisionFailed {
        revision: id.clone(),
        direction: match direction {
            Direction::Up => "up.sql",
            Direction::Down => "down.sql",
        },
        cause,
    };
    match db {
        Db::Mysql(_) => {
            // No transactional DDL: record the attempt first, so a failure stays visible.
            if direction == Direction::Up {
                db.execute(&record.replace("{ok}", "FALSE").replace("{ms}", "0"))
                    .await
                    .map_err(db_error("recording the revision"))?;
            } else {
                db.execute(&format!(
                    "UPDATE {VERSION_TABLE} SET success = FALSE WHERE revision = {}",
                    quote(id)
                ))
                .await
                .map_err(db_error("recording the revision"))?;
            }
            db.execute(sql).await.map_err(failed)?;
            let done = match direction {
                Direction::Up => format!(
                    "UPDATE {VERSION_TABLE} SET success = TRUE, duration_ms = {} WHERE revision = {}",
                    started.elapsed().as_millis(),
                    quote(id)
                ),
                Direction::Down => record,
            };
            db.execute(&done)
                .await
                .map_err(db_error("recording the revision"))
        }
        Db::Postgres(_) | Db::Sqlite(_) => {
            let sqlite = matches!(db, Db::Sqlite(_));
            if sqlite {
                // Table rebuilds must not cascade or trip keys half-way; enforcement cannot
                // change inside a transaction, so it is off around it and checked at the end.
                db.execute("PRAGMA foreign_keys = OFF")
                    .await
                    .map_err(db_error("turning foreign keys off"))?;
            }
            let result = if r.meta.transactional {
                transactional(db, sql, &record, id, direction, started, failed).await
            } else {
                // Statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY, ...),
                // sent one by one: PostgreSQL runs a multi-statement string as one transaction.
                match execute_each(db, sql).await {
                    Ok(()) => db
                        .execute(
                            &record
                                .replace("{ok}", db.kind().truth())
                                .replace("{ms}", &started.elapsed().as_millis().to_string()),
                        )
                        .await
                        .map_err(db_error("recording the revision")),
                    Err(e) => Err(failed(e)),
                }
            };
            if sqlite {
                let _ = db.execute("PRAGMA foreign_keys = ON").await;
            }
            result
        }
    }
}

async fn execute_each(db: &mut Db, sql: &str) -> Result<(), sqlx::Error> {
    for statement in crate::split::statements(sql) {
        db.execute(statement).await?;
    }
    Ok(())
}

async fn transactional(
    db: &mut Db,
    sql: &str,
    record: &str,
    id: &str,
    direction: Direction,
    started: Instant,
    failed: impl FnOnce(sqlx::Error) -> StoreError,
) -> Result<(), StoreError> {
    let sqlite = matches!(db, Db::Sqlite(_));
    let begin = if sqlite { "BEGIN IMMEDIATE" } else { "BEGIN" };
    db.execute(begin)
        .await
        .map_err(db_error("starting a transaction"))?;
    // Another process may have done it while this one waited for the write lock (SQLite).
    let present = db.applied().await?.iter().any(|row| row.revision == id);
    if present != (direction == Direction::Down) {
        return db.execute("COMMIT").await.map_err(db_error("committing"));
    }
    let ok = db.kind().truth();
    let result = match db.execute(sql).await {
        Ok(()) => {
            let record = record
                .replace("{ok}", ok)
                .replace("{ms}", &started.elapsed().as_millis().to_string());
            match db.execute(&record).await {
                Ok(()) if sqlite => foreign_key_check(db, id).await,
                Ok(()) => Ok(()),
                Err(e) => Err(db_error("recording the revision")(e)),
            }
        }
        Err(e) => Err(failed(e)),
    };
    match result {
        Ok(()) => db.execute("COMMIT").await.map_err(db_error("committing")),
        Err(e) => {
            let _ = db.execute("ROLLBACK").await;
            Err(e)
        }
    }
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
