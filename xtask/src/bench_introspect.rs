//! `cargo xtask bench introspect`: for each dialect, creates a throwaway database, loads a
//! generated schema of N tables ([`crate::gen_schema`]), times strata's introspection and
//! sea-schema's discovery of the same database, checks strata read exactly N tables, and drops
//! the database again (also when a step fails).
//!
//! Both tools are timed on an already open connection (strata: one `sqlx` connection; sea-schema:
//! a one-connection pool, as its API takes a pool), wall clock, connect time excluded; the same
//! connection serves every run, so the first run pays the server's cold catalog caches.

use std::fmt::Write;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};
use strata_connect::{redact, with_database};

use anyhow::{Context, anyhow, bail};
use sqlx::{AssertSqlSafe, Connection};
use strata_introspect::Scope;
use strata_ir::Dialect;

use crate::gen_schema::{self, Model};

const HELP: &str = "\
cargo xtask bench introspect: times strata's live-database introspection against sea-schema

USAGE:
    cargo xtask bench introspect [--tables N] [--dialect D] [--runs R] [--sea-schema MODE]

For each dialect: creates a fresh database, loads a generated schema of N tables (mixed column
types, nullable columns, defaults, unique constraints, single and composite indexes, foreign
keys, join tables, comments; enum types on PostgreSQL), times strata's introspection R times
(median and min) and sea-schema's SchemaDiscovery::discover() on the same database, then drops
the database (also on errors). Both are timed wall clock on an already open connection, connect
time excluded. Fails (exit 1) unless strata read exactly N tables.

OPTIONS:
    --tables N          tables to generate [default: 1000]
    --dialect D         postgres, mysql (MySQL or MariaDB), sqlite, or all [default: all]
    --runs R            timed runs of strata's introspection [default: 5]
    --sea-schema MODE   auto: run sea-schema only when N <= 1000 (N <= 300 on PostgreSQL),
                        R times when N <= 300 (N <= 100 on PostgreSQL) and once above;
                        always: at any N, with the same once-above rule;
                        never: skip it [default: auto]
    --sea-schema-timeout S
                        time budget of sea-schema per dialect, all its runs together: a run
                        still going at the end is abandoned, and the runs done by then are
                        reported [default: 1200]. It reads table by table, and on PostgreSQL
                        each table's constraint query scans every foreign key of the schema:
                        on this generated schema ~25-40 s at 100 tables, ~14 min at 300 (on a
                        busy 2-core machine).
    --seed S            seed of the schema generator [default: 42]
    --sql-out DIR       write the generated DDL to DIR/<dialect>.sql and stop (no database)
    --no-release        time the dev build as it is instead of re-running in release mode
                        (quicker to build, but the numbers mean little)
    -h, --help          this text

SERVERS:
    STRATA_POSTGRES_URL  [default: postgres://postgres@127.0.0.1:5432/postgres]
    STRATA_MYSQL_URL     [default: mysql://root@127.0.0.1:3306/test]
    The user must be allowed to CREATE and DROP DATABASE. SQLite uses a temporary file.

OUTPUT:
    One row per dialect: load = time to create the N tables; strata median/min over R runs;
    read = tables each tool returned; sea-schema = its median (runs in brackets) or why it was
    skipped; speed-up = sea-schema median / strata median (only when strata read all N).
";

#[derive(Clone, Copy, Debug, PartialEq)]
enum SeaMode {
    Auto,
    Always,
    Never,
}

#[derive(Debug)]
struct Options {
    tables: usize,
    dialects: Vec<Dialect>,
    runs: usize,
    sea: SeaMode,
    seed: u64,
    /// Seconds sea-schema may take per dialect, all runs together.
    sea_timeout: u64,
    release: bool,
    sql_out: Option<PathBuf>,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut opts = Options {
        tables: 1000,
        dialects: Dialect::ALL.to_vec(),
        runs: 5,
        sea: SeaMode::Auto,
        seed: 42,
        sea_timeout: 1200,
        release: true,
        sql_out: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        if name == "--no-release" {
            opts.release = false;
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .cloned()
                .with_context(|| format!("{name} needs a value (see --help)"))?,
        };
        let number = || -> anyhow::Result<u64> {
            value
                .parse()
                .with_context(|| format!("{name} takes a number, not {value:?}"))
        };
        match name {
            "--tables" => opts.tables = number()? as usize,
            "--runs" => opts.runs = (number()? as usize).max(1),
            "--seed" => opts.seed = number()?,
            "--sea-schema-timeout" => opts.sea_timeout = number()?,
            "--sql-out" => opts.sql_out = Some(PathBuf::from(value)),
            "--dialect" => {
                opts.dialects = if value == "all" {
                    Dialect::ALL.to_vec()
                } else {
                    vec![Dialect::parse(&value).with_context(|| {
                        format!("unknown dialect {value:?}: postgres, mysql, sqlite or all")
                    })?]
                }
            }
            "--sea-schema" => {
                opts.sea = match value.as_str() {
                    "auto" => SeaMode::Auto,
                    "always" => SeaMode::Always,
                    "never" => SeaMode::Never,
                    _ => bail!("--sea-schema takes auto, always or never, not {value:?}"),
                }
            }
            _ => bail!("unknown option {arg:?} (see --help)"),
        }
    }
    if opts.tables == 0 {
        bail!("--tables must be at least 1");
    }
    Ok(opts)
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{HELP}");
        return Ok(());
    }
    let opts = parse(args)?;
    if let Some(dir) = &opts.sql_out {
        return write_sql(&opts, dir);
    }
    if cfg!(debug_assertions) && opts.release {
        return rerun_in_release(args);
    }
    let failures = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?
        .block_on(bench(opts))?;
    if failures > 0 {
        eprintln!("bench introspect: {failures} check(s) failed, see the ERROR lines");
        std::process::exit(1);
    }
    Ok(())
}

/// `--sql-out`: the DDL the benchmark would load, one file per dialect.
fn write_sql(opts: &Options, dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let model = gen_schema::generate(opts.tables, opts.seed);
    for &dialect in &opts.dialects {
        let mut sql = model.preamble(dialect);
        for i in 0..model.len() {
            sql.push_str(&model.table_ddl(i, dialect));
            sql.push('\n');
        }
        let path = dir.join(format!("{dialect}.sql"));
        std::fs::write(&path, &sql).with_context(|| format!("cannot write {}", path.display()))?;
        println!("{} ({:.1} MB)", path.display(), sql.len() as f64 / 1e6);
    }
    Ok(())
}

/// Timings of a debug build say little about the code measured: run the same command from a
/// release build of xtask.
fn rerun_in_release(args: &[String]) -> anyhow::Result<()> {
    eprintln!("building xtask in release mode for the benchmark (--no-release to skip)...");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
    let status = Command::new(cargo)
        .args(["run", "--release", "--quiet", "--package", "xtask", "--"])
        .args(["bench", "introspect"])
        .args(args)
        .current_dir(crate::workspace_root())
        .status()
        .context("cannot run cargo")?;
    std::process::exit(status.code().unwrap_or(1));
}

/// Wall-clock times of a repeated step (sorted) and the number of tables its last run returned.
#[derive(Debug)]
struct Timing {
    times: Vec<Duration>,
    tables: usize,
}

impl Timing {
    fn median(&self) -> Duration {
        self.times
            .get(self.times.len() / 2)
            .copied()
            .unwrap_or_default()
    }

    fn min(&self) -> Duration {
        self.times.first().copied().unwrap_or_default()
    }
}

#[derive(Debug)]
enum Sea {
    Skipped(String),
    Failed(String),
    Done(Timing),
}

#[derive(Debug)]
struct Row {
    dialect: Dialect,
    load: Option<(Duration, usize)>,
    strata: Option<Timing>,
    sea: Sea,
    /// Why the row is incomplete or wrong; each becomes an `ERROR:` line and a non-zero exit.
    errors: Vec<String>,
}

/// Runs every dialect and prints the report; returns the number of failed checks.
async fn bench(opts: Options) -> anyhow::Result<usize> {
    let start = Instant::now();
    let model = gen_schema::generate(opts.tables, opts.seed);
    eprintln!(
        "generated {} tables (seed {}) in {}",
        model.len(),
        opts.seed,
        fmt(start.elapsed())
    );
    let mut rows = Vec::new();
    for &dialect in &opts.dialects {
        rows.push(bench_dialect(dialect, &model, &opts).await);
    }
    print!("{}", report(&opts, &rows));
    Ok(rows.iter().map(|r| r.errors.len()).sum())
}

async fn bench_dialect(dialect: Dialect, model: &Model, opts: &Options) -> Row {
    let mut row = Row {
        dialect,
        load: None,
        strata: None,
        sea: Sea::Skipped("not run".into()),
        errors: Vec::new(),
    };
    let db = match BenchDb::create(dialect).await {
        Ok(db) => db,
        Err(err) => {
            row.errors
                .push(format!("cannot create a database: {err:#}"));
            return row;
        }
    };
    eprintln!("{dialect}: database {} created", db.name);
    // Loading 10,000 tables takes minutes: an interrupt still drops the database.
    let outcome = tokio::select! {
        result = measure(&db, model, opts, &mut row) => Some(result),
        _ = tokio::signal::ctrl_c() => None,
    };
    let interrupted = outcome.is_none();
    match outcome {
        Some(Ok(())) => {}
        Some(Err(err)) => row.errors.push(format!("{err:#}")),
        None => eprintln!("{dialect}: interrupted, dropping {}", db.name),
    }
    if let Err(err) = db.drop().await {
        eprintln!("warning: could not drop {}: {err:#}", db.name);
    }
    if interrupted {
        std::process::exit(130);
    }
    row
}

async fn measure(db: &BenchDb, model: &Model, opts: &Options, row: &mut Row) -> anyhow::Result<()> {
    let dialect = db.dialect;
    eprintln!("{dialect}: loading {} tables...", model.len());
    let loaded = match dialect {
        Dialect::Postgres => load::<sqlx::PgConnection>(db, model, 200).await,
        Dialect::Mysql => load::<sqlx::MySqlConnection>(db, model, 100).await,
        Dialect::Sqlite => load::<sqlx::SqliteConnection>(db, model, 1000).await,
    }
    .context("loading the generated schema")?;
    eprintln!(
        "{dialect}: loaded in {} ({:.1} MB of DDL)",
        fmt(loaded.0),
        loaded.1 as f64 / 1e6
    );
    row.load = Some(loaded);

    eprintln!("{dialect}: strata, {} runs...", opts.runs);
    match time_strata(db, opts.runs).await {
        Ok(strata) => {
            if strata.tables != model.len() {
                row.errors.push(format!(
                    "strata read {} tables, expected {}",
                    strata.tables,
                    model.len()
                ));
            }
            row.strata = Some(strata);
        }
        // sea-schema's time is still worth having.
        Err(err) => row
            .errors
            .push(format!("strata's introspection failed: {err:#}")),
    }

    let n = model.len();
    row.sea = match opts.sea {
        SeaMode::Never => Sea::Skipped("skipped (--sea-schema never)".into()),
        // sea-schema's PostgreSQL discovery grows faster than quadratically on this schema
        // (minutes at 300 tables), so `auto` stops earlier there.
        SeaMode::Auto if dialect == Dialect::Postgres && n > 300 => {
            Sea::Skipped("skipped (N > 300 on postgres)".into())
        }
        SeaMode::Auto if n > 1000 => Sea::Skipped("skipped (N > 1000)".into()),
        _ => {
            let once_above = if dialect == Dialect::Postgres {
                100
            } else {
                300
            };
            let runs = if n > once_above { 1 } else { opts.runs };
            eprintln!("{dialect}: sea-schema, {runs} run(s)...");
            let deadline = Instant::now() + Duration::from_secs(opts.sea_timeout);
            match time_sea_schema(db, runs, deadline).await {
                Ok(timing) if timing.times.is_empty() => {
                    Sea::Skipped(format!("timed out (> {} s)", opts.sea_timeout))
                }
                Ok(timing) => Sea::Done(timing),
                Err(err) => Sea::Failed(format!("{err:#}")),
            }
        }
    };
    Ok(())
}

/// Runs `once` `runs` times, timing each run; `once` returns the number of tables read. With a
/// deadline, a run still going at the deadline is abandoned, and no run starts that the previous
/// one suggests would end past it: the timing holds the runs that completed (maybe none).
async fn repeat(
    runs: usize,
    deadline: Option<Instant>,
    mut once: impl AsyncFnMut() -> anyhow::Result<usize>,
) -> anyhow::Result<Timing> {
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut tables = 0;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let read = match deadline {
            Some(deadline) => {
                if times.last().is_some_and(|last| start + *last > deadline) {
                    break;
                }
                match tokio::time::timeout_at(deadline.into(), once()).await {
                    Ok(read) => read?,
                    Err(_) => break,
                }
            }
            None => once().await?,
        };
        tables = read;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(Timing { times, tables })
}

async fn time_strata(db: &BenchDb, runs: usize) -> anyhow::Result<Timing> {
    let scope = Scope::default();
    match db.dialect {
        Dialect::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&db.url).await?;
            let timing = repeat(runs, None, async || {
                let schema = strata_introspect::introspect_postgres(&mut conn, &scope).await?;
                Ok(schema.tables.len())
            })
            .await;
            let _ = conn.close().await;
            timing
        }
        Dialect::Mysql => {
            let mut conn = sqlx::MySqlConnection::connect(&db.url).await?;
            let timing = repeat(runs, None, async || {
                let schema = strata_introspect::introspect_mysql(&mut conn, &scope).await?;
                Ok(schema.tables.len())
            })
            .await;
            let _ = conn.close().await;
            timing
        }
        Dialect::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&db.url).await?;
            let timing = repeat(runs, None, async || {
                let schema = strata_introspect::introspect_sqlite(&mut conn, &scope).await?;
                Ok(schema.tables.len())
            })
            .await;
            let _ = conn.close().await;
            timing
        }
    }
}

/// sea-schema's `SchemaDiscovery::discover()` on the whole schema. Its API takes a pool: one
/// connection, opened before timing, not pinged before each query (sqlx's default would add a
/// round trip per catalog query, which is not sea-schema's doing).
async fn time_sea_schema(db: &BenchDb, runs: usize, deadline: Instant) -> anyhow::Result<Timing> {
    use sea_schema::{mysql, postgres, sqlite};
    match db.dialect {
        Dialect::Postgres => {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect(&db.url)
                .await?;
            let timing = repeat(runs, Some(deadline), async || {
                let discovery = postgres::discovery::SchemaDiscovery::new(pool.clone(), "public");
                Ok(discovery.discover().await?.tables.len())
            })
            .await;
            pool.close().await;
            timing
        }
        Dialect::Mysql => {
            let pool = sqlx::mysql::MySqlPoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect(&db.url)
                .await?;
            let timing = repeat(runs, Some(deadline), async || {
                let discovery = mysql::discovery::SchemaDiscovery::new(pool.clone(), &db.name);
                Ok(discovery.discover().await?.tables.len())
            })
            .await;
            pool.close().await;
            timing
        }
        Dialect::Sqlite => {
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect(&db.url)
                .await?;
            let timing = repeat(runs, Some(deadline), async || {
                let discovery = sqlite::discovery::SchemaDiscovery::new(pool.clone());
                Ok(discovery.discover().await?.tables.len())
            })
            .await;
            pool.close().await;
            timing
        }
    }
}

/// Loads the model in scripts of `batch` tables, each one `raw_sql` round trip (PostgreSQL runs
/// a multi-statement script as one transaction; SQLite batches are wrapped in one explicitly;
/// MySQL commits each DDL statement anyway). Returns the time taken and the DDL's size.
pub(crate) async fn load<C: Connection>(
    db: &BenchDb,
    model: &Model,
    batch: usize,
) -> anyhow::Result<(Duration, usize)>
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    let dialect = db.dialect;
    let n = model.len();
    let start = Instant::now();
    let mut conn = C::connect(&db.url).await?;
    // Durability is not the point of a throwaway database.
    if dialect == Dialect::Postgres {
        sqlx::raw_sql(AssertSqlSafe("SET synchronous_commit = off"))
            .execute(&mut conn)
            .await?;
    }
    let mut bytes = 0;
    let mut script = model.preamble(dialect);
    let mut first = 0;
    let progress_every = (n / 10).max(batch);
    for i in 0..n {
        script.push_str(&model.table_ddl(i, dialect));
        if (i + 1) % batch != 0 && i + 1 != n {
            continue;
        }
        if dialect == Dialect::Sqlite {
            script = format!("BEGIN;\n{script}COMMIT;\n");
        }
        bytes += script.len();
        let sql = std::mem::take(&mut script);
        if let Err(err) = sqlx::raw_sql(AssertSqlSafe(sql.clone()))
            .execute(&mut conn)
            .await
        {
            let dump = std::env::temp_dir().join(format!("strata_bench_failed_{dialect}.sql"));
            let _ = std::fs::write(&dump, &sql);
            let _ = conn.close().await;
            return Err(anyhow!(err)).with_context(|| {
                format!(
                    "tables {first}..={i} (script written to {})",
                    dump.display()
                )
            });
        }
        first = i + 1;
        if n > 1000 && (i + 1) % progress_every < batch {
            eprintln!(
                "{dialect}:   {}/{n} tables loaded ({})",
                i + 1,
                fmt(start.elapsed())
            );
        }
    }
    let _ = conn.close().await;
    Ok((start.elapsed(), bytes))
}

/// A throwaway database on the dialect's server (SQLite: a temporary file).
#[derive(Debug)]
pub(crate) struct BenchDb {
    pub(crate) dialect: Dialect,
    pub(crate) url: String,
    /// The database's name (SQLite: the file's path).
    pub(crate) name: String,
    admin_url: Option<String>,
}

impl BenchDb {
    pub(crate) async fn create(dialect: Dialect) -> anyhow::Result<BenchDb> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!("strata_bench_{}_{nanos}", std::process::id());
        let (var, default) = match dialect {
            Dialect::Postgres => (
                "STRATA_POSTGRES_URL",
                "postgres://postgres@127.0.0.1:5432/postgres",
            ),
            Dialect::Mysql => ("STRATA_MYSQL_URL", "mysql://root@127.0.0.1:3306/test"),
            Dialect::Sqlite => {
                let path: PathBuf = std::env::temp_dir().join(format!("{name}.db"));
                let name = path.to_string_lossy().into_owned();
                return Ok(BenchDb {
                    dialect,
                    url: format!("sqlite://{name}?mode=rwc"),
                    name,
                    admin_url: None,
                });
            }
        };
        let admin_url = std::env::var(var).unwrap_or_else(|_| default.to_owned());
        admin(dialect, &admin_url, &format!("CREATE DATABASE {name}"))
            .await
            .with_context(|| format!("on {var} = {}", redact(&admin_url)))?;
        Ok(BenchDb {
            dialect,
            url: with_database(&admin_url, &name),
            name,
            admin_url: Some(admin_url),
        })
    }

    pub(crate) async fn drop(&self) -> anyhow::Result<()> {
        match &self.admin_url {
            Some(admin_url) => {
                let sql = match self.dialect {
                    Dialect::Postgres => {
                        format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)
                    }
                    _ => format!("DROP DATABASE IF EXISTS {}", self.name),
                };
                admin(self.dialect, admin_url, &sql).await
            }
            None => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                }
                Ok(())
            }
        }
    }
}

async fn admin(dialect: Dialect, url: &str, sql: &str) -> anyhow::Result<()> {
    async fn run<C: Connection>(url: &str, sql: &str) -> anyhow::Result<()>
    where
        for<'c> &'c mut C: sqlx::Executor<'c>,
    {
        let mut conn = C::connect(url).await?;
        let result = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&mut conn)
            .await;
        let _ = conn.close().await;
        result?;
        Ok(())
    }
    match dialect {
        Dialect::Postgres => run::<sqlx::PgConnection>(url, sql).await,
        Dialect::Mysql => run::<sqlx::MySqlConnection>(url, sql).await,
        Dialect::Sqlite => run::<sqlx::SqliteConnection>(url, sql).await,
    }
}

pub(crate) fn fmt(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1e3)
    }
}

/// The report: a header saying what is measured, one row per dialect, then notes and errors.
fn report(opts: &Options, rows: &[Row]) -> String {
    let mut out = String::new();
    let n = opts.tables;
    out.push('\n');
    let _ = writeln!(
        out,
        "bench introspect: {n} tables per dialect, strata {} run(s), {} build",
        opts.runs,
        if cfg!(debug_assertions) {
            "DEBUG"
        } else {
            "release"
        }
    );
    let _ = writeln!(
        out,
        "  wall clock on an open connection, connect time excluded (same connection every run)"
    );
    let _ = writeln!(
        out,
        "  strata:     strata_introspect::introspect_<dialect>(&mut conn, &Scope::default())"
    );
    let _ = writeln!(
        out,
        "  sea-schema: SchemaDiscovery::discover() (0.18.1) on a one-connection pool"
    );
    out.push('\n');
    let _ = writeln!(
        out,
        "{:<9} {:>6} {:>9} {:>13} {:>10} {:>6} {:>22} {:>6} {:>9}",
        "dialect",
        "tables",
        "load",
        "strata median",
        "strata min",
        "read",
        "sea-schema",
        "read",
        "speed-up"
    );
    for row in rows {
        let dash = || "-".to_owned();
        let load = row.load.map_or_else(dash, |(d, _)| fmt(d));
        let (median, min, read) = match &row.strata {
            Some(t) => (fmt(t.median()), fmt(t.min()), t.tables.to_string()),
            None => (dash(), dash(), dash()),
        };
        let (sea, sea_read) = match &row.sea {
            Sea::Done(t) => (
                format!("{} [{}]", fmt(t.median()), t.times.len()),
                t.tables.to_string(),
            ),
            Sea::Skipped(why) => (why.clone(), dash()),
            Sea::Failed(_) => ("failed (see below)".to_owned(), dash()),
        };
        let speed_up = match (&row.strata, &row.sea) {
            (Some(s), Sea::Done(t)) if s.tables == n && !s.median().is_zero() => {
                format!(
                    "{:.1}x",
                    t.median().as_secs_f64() / s.median().as_secs_f64()
                )
            }
            (Some(_), Sea::Done(_)) => "n/a".to_owned(),
            _ => dash(),
        };
        let _ = writeln!(
            out,
            "{:<9} {:>6} {:>9} {:>13} {:>10} {:>6} {:>22} {:>6} {:>9}",
            row.dialect.name(),
            n,
            load,
            median,
            min,
            read,
            sea,
            sea_read,
            speed_up
        );
    }
    for row in rows {
        if let Sea::Failed(why) = &row.sea {
            let _ = writeln!(out, "note: {}: sea-schema failed: {why}", row.dialect);
        }
    }
    for row in rows {
        for err in &row.errors {
            let _ = writeln!(out, "ERROR: {}: {err}", row.dialect);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(
            with_database("mysql://root@h:3306", "x"),
            "mysql://root@h:3306/x"
        );
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("mysql://root@h/db"), "mysql://root@h/db");
    }

    #[test]
    fn speed_up_only_when_strata_read_every_table() {
        let opts = parse(&["--tables".to_owned(), "3".to_owned()]).unwrap();
        let timing = |ms: u64, tables| Timing {
            times: vec![Duration::from_millis(ms)],
            tables,
        };
        let rows = [
            Row {
                dialect: Dialect::Postgres,
                load: Some((Duration::from_millis(20), 100)),
                strata: Some(timing(2, 3)),
                sea: Sea::Done(timing(50, 3)),
                errors: vec![],
            },
            Row {
                dialect: Dialect::Sqlite,
                load: Some((Duration::from_millis(20), 100)),
                strata: Some(timing(2, 0)),
                sea: Sea::Skipped("skipped (N > 1000)".into()),
                errors: vec!["strata read 0 tables, expected 3".into()],
            },
        ];
        let text = report(&opts, &rows);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("postgres") && l.ends_with("25.0x"))
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("sqlite") && l.contains("skipped (N > 1000)"))
        );
        assert!(lines.contains(&"ERROR: sqlite: strata read 0 tables, expected 3"));
    }

    #[test]
    fn options() {
        let args: Vec<String> = ["--tables", "10", "--dialect=pg", "--sea-schema", "never"]
            .map(String::from)
            .to_vec();
        let opts = parse(&args).unwrap();
        assert_eq!(opts.tables, 10);
        assert_eq!(opts.dialects, vec![Dialect::Postgres]);
        assert_eq!(opts.sea, SeaMode::Never);
        assert_eq!(opts.runs, 5);
        assert!(parse(&["--bogus".to_owned()]).is_err());
    }
}
