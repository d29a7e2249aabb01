//! `cargo xtask bench check`: the everyday commands, end to end, as a user runs them. Loads a
//! generated schema of N tables into a fresh PostgreSQL database, writes SeaORM entities that
//! describe exactly that schema ([`crate::gen_model_entities`]), and times the release `strata`
//! binary's `check` (no drift expected) and `autogenerate` (one added column expected) against
//! `pg_dump --schema-only` of the same database, taking turns, R runs each.
//!
//! Each command is a child process, timed wall clock from spawn to exit; its peak resident set
//! is `ru_maxrss` from `wait4` on that child alone.

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use strata_ir::Dialect;

use crate::bench_introspect::{BenchDb, fmt, load};
use crate::gen_model_entities;
use crate::gen_schema::{self, Model};

const HELP: &str = "\
cargo xtask bench check: times strata check / autogenerate against pg_dump --schema-only

USAGE:
    cargo xtask bench check [--tables N] [--runs R] [--seed S] [--keep-database]

Generates a schema of N tables (the one `bench introspect` loads, with the few shapes SeaORM
entities cannot state reshaped), loads its PostgreSQL DDL into a fresh database, and writes the
SeaORM entities equivalent to it into target/bench/check-N/entities. Then, taking turns, R runs
each of (all with the release build of strata, each a child process):

    strata check                     must exit 0 (no drift); the bench fails otherwise
    strata autogenerate -m ...       with one nullable column added to one entity (a copy of the
                                     entities), into a fresh empty migrations directory; exactly
                                     one revision with ADD COLUMN in its up.sql must be written
    pg_dump --schema-only            the same database, output discarded

and prints, per command, the median and min wall time (spawn to exit) and the peak RSS (max of
the runs' ru_maxrss, from wait4), the ratio strata / pg_dump of the medians, and the targets:
no slower than pg_dump at 1,000 tables, under 5 s at 10,000 tables, under 200 MB peak memory.
The database is dropped at the end, also on errors and Ctrl-C.

OPTIONS:
    --tables N          tables to generate [default: 1000]
    --runs R            timed runs of each command [default: 5]
    --seed S            seed of the schema generator [default: 42]
    --keep-database     do not drop the database; print its URL (for profiling by hand)
    -h, --help          this text

SERVER:
    STRATA_POSTGRES_URL  [default: postgres://postgres@127.0.0.1:5432/postgres]
    The user must be allowed to CREATE and DROP DATABASE; pg_dump must be on PATH.
";

/// The targets of the issue.
const RATIO_TARGET_TABLES: usize = 1000;
const TIME_TARGET_TABLES: usize = 10_000;
const TIME_TARGET: Duration = Duration::from_secs(5);
const MEMORY_TARGET_BYTES: u64 = 200 * 1_000_000;

#[derive(Debug)]
struct Options {
    tables: usize,
    runs: usize,
    seed: u64,
    keep_database: bool,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut opts = Options {
        tables: 1000,
        runs: 5,
        seed: 42,
        keep_database: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        if name == "--keep-database" {
            opts.keep_database = true;
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
    let root = crate::workspace_root();
    eprintln!("building strata (release)...");
    let binary = crate::release_binary(&root)?;

    let start = Instant::now();
    let mut model = gen_schema::generate(opts.tables, opts.seed);
    let reshaped = model.make_entity_expressible();
    let dir = root.join(format!("target/bench/check-{}", opts.tables));
    let _ = std::fs::remove_dir_all(&dir);
    let files = Files::write(&dir, &model)?;
    eprintln!(
        "generated {} tables (seed {}, {reshaped} reshaped for entities) and their entities in {}",
        model.len(),
        opts.seed,
        fmt(start.elapsed())
    );

    let bench = Bench {
        binary,
        files,
        runs: opts.runs,
    };
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the tokio runtime")?
        .block_on(with_database(model, bench, opts.keep_database))?;
    let mut report = Report {
        tables: opts.tables,
        runs: opts.runs,
        seed: opts.seed,
        reshaped,
        dir: dir.strip_prefix(&root).unwrap_or(&dir).to_path_buf(),
        load: outcome.load,
        results: outcome.results,
    };
    report.results.sort_by_key(|r| r.tool);
    print!("{}", report.render());
    if let Some(err) = outcome.error {
        eprintln!("bench check: {err:#}");
        std::process::exit(1);
    }
    Ok(())
}

/// The files the commands read: the entities, their copy with one added column, and an empty
/// migrations directory for `check`.
#[derive(Clone, Debug)]
struct Files {
    dir: PathBuf,
    entities: PathBuf,
    entities_added: PathBuf,
    migrations_empty: PathBuf,
    /// The table that gains the column, and the column.
    added: (String, String),
}

impl Files {
    fn write(dir: &Path, model: &Model) -> anyhow::Result<Files> {
        let entities = dir.join("entities");
        gen_model_entities::write(&entities, model)?;
        let entities_added = dir.join("entities-add-column");
        copy_dir(&entities, &entities_added)?;
        let table = model.tables[0].name.clone();
        let column = "bench_added_note".to_owned();
        let path = entities_added.join(format!("{table}.rs"));
        let text = std::fs::read_to_string(&path)?;
        let with_column = gen_model_entities::add_nullable_column(&text, &column)
            .with_context(|| format!("no `pub struct Model {{` in {}", path.display()))?;
        std::fs::write(&path, with_column)?;
        let migrations_empty = dir.join("migrations-empty");
        std::fs::create_dir_all(&migrations_empty)?;
        Ok(Files {
            dir: dir.to_path_buf(),
            entities,
            entities_added,
            migrations_empty,
            added: (table, column),
        })
    }
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

#[derive(Debug)]
struct Bench {
    binary: PathBuf,
    files: Files,
    runs: usize,
}

#[derive(Debug, Default)]
struct Outcome {
    /// Time to load the DDL, and its size in bytes.
    load: Option<(Duration, usize)>,
    results: Vec<ToolResult>,
    error: Option<anyhow::Error>,
}

/// Creates the database, loads the schema, measures, and drops the database again (also when a
/// step fails or on Ctrl-C, unless asked to keep it).
async fn with_database(model: Model, bench: Bench, keep: bool) -> anyhow::Result<Outcome> {
    let db = BenchDb::create(Dialect::Postgres).await?;
    eprintln!("postgres: database {} created", db.name);
    let url = db.url.clone();
    let mut outcome = Outcome::default();
    let steps = async {
        eprintln!("postgres: loading {} tables...", model.len());
        let loaded = load::<sqlx::PgConnection>(&db, &model, 200)
            .await
            .context("loading the generated schema")?;
        eprintln!(
            "postgres: loaded in {} ({:.1} MB of DDL)",
            fmt(loaded.0),
            loaded.1 as f64 / 1e6
        );
        let measured = tokio::task::spawn_blocking(move || measure(&bench, &url))
            .await
            .context("the measuring thread panicked")?;
        anyhow::Ok((loaded, measured))
    };
    let interrupted = tokio::select! {
        result = steps => {
            match result {
                Ok((loaded, (results, error))) => {
                    outcome.load = Some(loaded);
                    outcome.results = results;
                    outcome.error = error;
                }
                Err(err) => outcome.error = Some(err),
            }
            false
        }
        _ = tokio::signal::ctrl_c() => true,
    };
    if keep && !interrupted {
        eprintln!("postgres: kept the database: {}", db.url);
    } else {
        if interrupted {
            eprintln!("postgres: interrupted, dropping {}", db.name);
        }
        if let Err(err) = db.drop().await {
            eprintln!("warning: could not drop {}: {err:#}", db.name);
        }
    }
    if interrupted {
        std::process::exit(130);
    }
    Ok(outcome)
}

/// The commands timed, in the order they take turns (and are reported).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tool {
    Check,
    Autogenerate,
    PgDump,
}

impl Tool {
    const ALL: [Tool; 3] = [Tool::Check, Tool::Autogenerate, Tool::PgDump];

    fn label(self) -> &'static str {
        match self {
            Tool::Check => "strata check",
            Tool::Autogenerate => "strata autogenerate (+1 column)",
            Tool::PgDump => "pg_dump --schema-only",
        }
    }
}

/// The runs of one command.
#[derive(Debug)]
struct ToolResult {
    tool: Tool,
    /// Wall times, sorted.
    times: Vec<Duration>,
    /// Peak resident set of each run, bytes.
    peak_rss: Vec<u64>,
    /// Lines `strata check` printed as `note:` (unmanaged objects), last run.
    notes: usize,
}

impl ToolResult {
    fn median(&self) -> Duration {
        self.times
            .get(self.times.len() / 2)
            .copied()
            .unwrap_or_default()
    }

    fn min(&self) -> Duration {
        self.times.first().copied().unwrap_or_default()
    }

    fn max_rss(&self) -> u64 {
        self.peak_rss.iter().copied().max().unwrap_or(0)
    }
}

/// Runs the commands in turns; returns what completed and the first failure, which stops the
/// measurement.
fn measure(bench: &Bench, url: &str) -> (Vec<ToolResult>, Option<anyhow::Error>) {
    let mut results: Vec<ToolResult> = Tool::ALL
        .iter()
        .map(|&tool| ToolResult {
            tool,
            times: Vec::new(),
            peak_rss: Vec::new(),
            notes: 0,
        })
        .collect();
    for run in 0..bench.runs {
        for result in &mut results {
            let sample = match once(bench, url, result.tool, run) {
                Ok(sample) => sample,
                Err(err) => {
                    let err = err.context(format!("{}, run {}", result.tool.label(), run + 1));
                    return (finish(results), Some(err));
                }
            };
            eprintln!(
                "  run {}/{}: {:<32} {:>10} {:>9}",
                run + 1,
                bench.runs,
                result.tool.label(),
                fmt(sample.wall),
                mb(sample.max_rss)
            );
            result.times.push(sample.wall);
            result.peak_rss.push(sample.max_rss);
            result.notes = sample.notes;
        }
    }
    (finish(results), None)
}

fn finish(mut results: Vec<ToolResult>) -> Vec<ToolResult> {
    for r in &mut results {
        r.times.sort();
    }
    results.retain(|r| !r.times.is_empty());
    results
}

#[derive(Debug)]
struct Sample {
    wall: Duration,
    max_rss: u64,
    notes: usize,
}

/// One run of `tool`, checked.
fn once(bench: &Bench, url: &str, tool: Tool, run: usize) -> anyhow::Result<Sample> {
    let files = &bench.files;
    let strata = |models: &Path, migrations: &Path| {
        let mut cmd = Command::new(&bench.binary);
        cmd.arg("--database-url")
            .arg(url)
            .arg("--models")
            .arg(models)
            .arg("--migrations")
            .arg(migrations)
            // Away from any strata.toml or .env of the workspace.
            .current_dir(&files.dir);
        cmd
    };
    match tool {
        Tool::Check => {
            let mut cmd = strata(&files.entities, &files.migrations_empty);
            cmd.arg("check");
            let out = spawn_measured(cmd, true)?;
            if out.status.code() != Some(0) {
                let path = files.dir.join("check-output.txt");
                let _ = std::fs::write(&path, format!("{}\n{}", out.stdout, out.stderr));
                bail!(
                    "strata check exited with {} (expected 0: no drift); its output (all of it \
                     in {}):\n{}\n{}",
                    out.status,
                    path.display(),
                    head(&out.stdout, 80),
                    head(&out.stderr, 40)
                );
            }
            let notes = count_notes(&out.stderr);
            Ok(Sample {
                wall: out.wall,
                max_rss: out.max_rss,
                notes,
            })
        }
        Tool::Autogenerate => {
            let migrations = files.dir.join(format!("migrations-run{}", run + 1));
            let _ = std::fs::remove_dir_all(&migrations);
            std::fs::create_dir_all(&migrations)?;
            let mut cmd = strata(&files.entities_added, &migrations);
            cmd.args(["autogenerate", "-m", "add column"]);
            let out = spawn_measured(cmd, true)?;
            if out.status.code() != Some(0) {
                bail!(
                    "strata autogenerate exited with {}:\n{}\n{}",
                    out.status,
                    head(&out.stdout, 80),
                    head(&out.stderr, 40)
                );
            }
            verify_revision(&migrations, &files.added).with_context(|| {
                format!(
                    "autogenerate's output:\n{}\n{}",
                    head(&out.stdout, 40),
                    head(&out.stderr, 20)
                )
            })?;
            std::fs::remove_dir_all(&migrations)?;
            Ok(Sample {
                wall: out.wall,
                max_rss: out.max_rss,
                notes: 0,
            })
        }
        Tool::PgDump => {
            let mut cmd = Command::new("pg_dump");
            cmd.args(["--schema-only", "--no-password", "--dbname"])
                .arg(url);
            let out = spawn_measured(cmd, false)?;
            if !out.status.success() {
                bail!(
                    "pg_dump exited with {}:\n{}",
                    out.status,
                    head(&out.stderr, 40)
                );
            }
            Ok(Sample {
                wall: out.wall,
                max_rss: out.max_rss,
                notes: 0,
            })
        }
    }
}

/// Exactly one revision directory, whose up.sql adds the column.
fn verify_revision(migrations: &Path, (table, column): &(String, String)) -> anyhow::Result<()> {
    let mut revisions = Vec::new();
    for entry in std::fs::read_dir(migrations)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            revisions.push(entry.path());
        }
    }
    let [revision] = revisions.as_slice() else {
        bail!(
            "expected exactly one revision in {}, found {}",
            migrations.display(),
            revisions.len()
        );
    };
    let up = std::fs::read_to_string(revision.join("up.sql"))
        .with_context(|| format!("cannot read {}/up.sql", revision.display()))?;
    if !up.contains("ADD COLUMN") || !up.contains(table.as_str()) || !up.contains(column.as_str()) {
        bail!(
            "{}/up.sql does not add column {column} to {table}:\n{}",
            revision.display(),
            head(&up, 40)
        );
    }
    Ok(())
}

/// The first `lines` lines of `text`, and how many were left out.
fn head(text: &str, lines: usize) -> String {
    let total = text.lines().count();
    let mut out: String = text.lines().take(lines).collect::<Vec<_>>().join("\n");
    if total > lines {
        let _ = write!(out, "\n... ({} more lines)", total - lines);
    }
    out
}

/// A finished child process.
#[derive(Debug)]
struct Finished {
    status: ExitStatus,
    wall: Duration,
    /// Peak resident set size, bytes.
    max_rss: u64,
    stdout: String,
    stderr: String,
}

/// Spawns `cmd` (stdin closed; stdout captured, or discarded when `capture_stdout` is false;
/// stderr captured), and reaps it with `wait4` for its resource usage. The wall time runs from
/// just before the spawn to the return of `wait4`, the output being drained by two threads
/// meanwhile.
fn spawn_measured(mut cmd: Command, capture_stdout: bool) -> anyhow::Result<Finished> {
    cmd.stdin(Stdio::null())
        .stdout(if capture_stdout {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped());
    let program = cmd.get_program().to_string_lossy().into_owned();
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot run {program}"))?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let waited = rusage::wait4(child.id());
    let wall = start.elapsed();
    let (status, max_rss) = match waited {
        Ok(done) => done,
        Err(err) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(err).with_context(|| format!("wait4 on {program}"));
        }
    };
    Ok(Finished {
        status,
        wall,
        max_rss,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// `wait4(2)`: the exit status and resource usage of one child. The one place in xtask that
/// needs `unsafe` (std's `Child::wait` reports no resource usage).
#[allow(unsafe_code)]
mod rusage {
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    /// Waits for child `pid` (spawned by this process and not yet waited for: the caller must
    /// not call `Child::wait` on it afterwards) and returns its exit status and peak resident
    /// set size in bytes.
    pub fn wait4(pid: u32) -> std::io::Result<(ExitStatus, u64)> {
        let pid = libc::pid_t::try_from(pid).map_err(std::io::Error::other)?;
        let mut status: libc::c_int = 0;
        // SAFETY: `rusage` is a plain C struct of integers, for which all zeroes is a value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        loop {
            // SAFETY: both pointers are to live, writable locals of the right types; `pid` is a
            // child of this process, so the call affects nothing else.
            let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            if reaped == pid {
                break;
            }
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
        // Linux reports ru_maxrss in kilobytes.
        let max_rss = u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024;
        Ok((ExitStatus::from_raw(status), max_rss))
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

#[derive(Debug)]
struct Report {
    tables: usize,
    runs: usize,
    seed: u64,
    reshaped: usize,
    dir: PathBuf,
    load: Option<(Duration, usize)>,
    results: Vec<ToolResult>,
}

impl Report {
    fn result(&self, tool: Tool) -> Option<&ToolResult> {
        self.results.iter().find(|r| r.tool == tool)
    }

    fn render(&self) -> String {
        let n = self.tables;
        let mut out = String::from("\n");
        let _ = writeln!(
            out,
            "bench check: {n} tables on PostgreSQL, {} run(s) of each command taking turns, \
             strata release build",
            self.runs
        );
        let _ = writeln!(
            out,
            "  schema: gen_schema seed {} ({} table(s) reshaped for entities){}",
            self.seed,
            self.reshaped,
            match self.load {
                Some((d, bytes)) => format!(
                    ", loaded in {} ({:.1} MB of DDL)",
                    fmt(d),
                    bytes as f64 / 1e6
                ),
                None => String::new(),
            }
        );
        let _ = writeln!(out, "  entities: {}/entities", self.dir.display());
        let _ = writeln!(
            out,
            "  time: wall clock, spawn to exit; peak RSS: max over the runs of the process's \
             ru_maxrss (wait4)"
        );
        out.push('\n');
        let _ = writeln!(
            out,
            "{:<32} {:>10} {:>10} {:>10} {:>11}",
            "command", "median", "min", "peak RSS", "/ pg_dump"
        );
        let dump = self.result(Tool::PgDump).map(ToolResult::median);
        for r in &self.results {
            let ratio = match (r.tool, dump) {
                (Tool::PgDump, _) => "-".to_owned(),
                (_, Some(d)) if !d.is_zero() => {
                    format!("{:.3}", r.median().as_secs_f64() / d.as_secs_f64())
                }
                _ => "-".to_owned(),
            };
            let _ = writeln!(
                out,
                "{:<32} {:>10} {:>10} {:>10} {:>11}",
                r.tool.label(),
                fmt(r.median()),
                fmt(r.min()),
                mb(r.max_rss()),
                ratio
            );
        }
        if let Some(check) = self.result(Tool::Check) {
            let _ = writeln!(
                out,
                "strata check: in sync, {} note(s) about unmanaged objects",
                check.notes
            );
        }
        out.push_str("\ntargets:\n");
        for (target, value, verdict) in self.targets() {
            let _ = writeln!(out, "  {target:<70} {value:>11}  {verdict}");
        }
        out
    }

    /// (target, measured value, verdict) for each target of each strata command.
    fn targets(&self) -> Vec<(String, String, String)> {
        let n = self.tables;
        let verdict = |ok: bool| if ok { "met" } else { "NOT met" }.to_owned();
        let mut rows = Vec::new();
        let dump = self.result(Tool::PgDump).map(ToolResult::median);
        for tool in [Tool::Check, Tool::Autogenerate] {
            let Some(r) = self.result(tool) else {
                continue;
            };
            let name = match tool {
                Tool::Check => "strata check",
                _ => "strata autogenerate",
            };
            let ratio = dump
                .filter(|d| !d.is_zero())
                .map(|d| r.median().as_secs_f64() / d.as_secs_f64());
            rows.push((
                format!("{name}: no slower than pg_dump at 1,000 tables (ratio <= 1)"),
                ratio.map_or("-".to_owned(), |x| format!("{x:.3}")),
                match ratio {
                    Some(x) if n == RATIO_TARGET_TABLES => verdict(x <= 1.0),
                    Some(_) => format!("(n/a at {n} tables)"),
                    None => "(no pg_dump time)".to_owned(),
                },
            ));
            rows.push((
                format!("{name}: under 5 s at 10,000 tables"),
                fmt(r.median()),
                if n == TIME_TARGET_TABLES {
                    verdict(r.median() < TIME_TARGET)
                } else {
                    format!("(n/a at {n} tables)")
                },
            ));
            rows.push((
                format!("{name}: peak memory under 200 MB"),
                mb(r.max_rss()),
                verdict(r.max_rss() < MEMORY_TARGET_BYTES),
            ));
        }
        rows
    }
}

/// The notes `strata check` reported: its `note:` lines, where the last may sum up the rest
/// (`note: ... and N more notes`).
fn count_notes(stderr: &str) -> usize {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("note: "))
        .map(|note| {
            note.strip_prefix("... and ")
                .and_then(|rest| rest.split_once(" more notes"))
                .and_then(|(n, _)| n.parse().ok())
                .unwrap_or(1)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_count_the_summed_up_ones() {
        let stderr = "note: unmanaged: index a\nnote: unmanaged: index b\nnote: ... and 1301 more notes (`strata diff --format json` lists them all)\nother\n";
        assert_eq!(count_notes(stderr), 1303);
        assert_eq!(count_notes(""), 0);
    }

    fn result(tool: Tool, ms: &[u64], rss_mb: u64) -> ToolResult {
        ToolResult {
            tool,
            times: ms.iter().map(|&m| Duration::from_millis(m)).collect(),
            peak_rss: vec![rss_mb * 1_000_000],
            notes: 3,
        }
    }

    fn report(tables: usize, check_ms: u64, rss_mb: u64) -> String {
        Report {
            tables,
            runs: 3,
            seed: 42,
            reshaped: 2,
            dir: PathBuf::from("target/bench/check-x"),
            load: Some((Duration::from_secs(2), 1_000_000)),
            results: vec![
                result(
                    Tool::Check,
                    &[check_ms - 10, check_ms, check_ms + 10],
                    rss_mb,
                ),
                result(Tool::Autogenerate, &[500, 600, 700], 50),
                result(Tool::PgDump, &[900, 1000, 1100], 20),
            ],
        }
        .render()
    }

    fn line<'a>(text: &'a str, start: &str) -> &'a str {
        text.lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line starting with {start:?} in\n{text}"))
    }

    #[test]
    fn ratio_and_targets() {
        let text = report(1000, 800, 40);
        assert!(line(&text, "strata check ").ends_with("0.800"), "{text}");
        assert!(line(&text, "strata autogenerate (+1").ends_with("0.600"));
        assert!(line(&text, "strata check: no slower").ends_with(" met"));
        assert!(line(&text, "strata check: under 5 s").ends_with("(n/a at 1000 tables)"));
        assert!(line(&text, "strata check: peak memory").ends_with(" met"));

        let text = report(1000, 1200, 250);
        assert!(line(&text, "strata check: no slower").ends_with("NOT met"));
        assert!(line(&text, "strata check: peak memory").ends_with("NOT met"));
        assert!(line(&text, "strata autogenerate: peak memory").ends_with(" met"));

        let text = report(10_000, 6000, 40);
        assert!(line(&text, "strata check: no slower").ends_with("(n/a at 10000 tables)"));
        assert!(line(&text, "strata check: under 5 s").ends_with("NOT met"));
        assert!(line(&text, "strata autogenerate: under 5 s").ends_with(" met"));
    }

    #[test]
    fn options() {
        let args: Vec<String> = ["--tables", "10", "--runs=2", "--keep-database"]
            .map(String::from)
            .to_vec();
        let opts = parse(&args).unwrap();
        assert_eq!((opts.tables, opts.runs, opts.seed), (10, 2, 42));
        assert!(opts.keep_database);
        assert!(parse(&["--bogus".to_owned()]).is_err());
        assert!(parse(&["--tables".to_owned(), "0".to_owned()]).is_err());
    }

    #[test]
    fn wait4_reports_status_and_memory() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let out = spawn_measured(cmd, true).unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(out.stdout, "out\n");
        assert_eq!(out.stderr, "err\n");
        assert!(out.max_rss > 0);
    }

    #[test]
    fn head_counts_what_it_leaves_out() {
        assert_eq!(head("a\nb\nc\n", 2), "a\nb\n... (1 more lines)");
        assert_eq!(head("a\n", 2), "a");
    }
}
