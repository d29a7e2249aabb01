//! Many strata processes at once, as containers starting together or developers (and their
//! scripts) running commands side by side do:
//!
//! - 32 `strata upgrade head` on one database, per dialect, over a history of transactional and
//!   non-transactional revisions that each log their INSERTs: every process exits 0, every
//!   INSERT runs exactly once, and across all outputs each revision is reported applied exactly
//!   once (the other processes say another process applied it, or that there is nothing to do);
//! - the MySQL migration lock is scoped to the database: holding it on one database does not
//!   hold up an upgrade of another on the same server, and does hold up one of its own;
//! - 8 `strata autogenerate` (and 8 `strata revision`) in one project: the directory lock makes
//!   them decide one after the other, so one change is written once, the checksum file always
//!   verifies, a reader never sees it torn, and a command reading the directory meanwhile
//!   never sees a revision and a checksum file that disagree.

mod support;

use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use strata_ir::Dialect;
use support::{Project, Run};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Waits for a spawned strata; never a panic.
fn finish(child: Child) -> Run {
    let output = child.wait_with_output().unwrap();
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "panic:\n{}", run.stderr);
    run
}

fn spawn(p: &Project, args: &[&str]) -> Child {
    p.command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// (id, up.sql, transactional): each revision logs its INSERTs into `log`; returns the number
/// of rows the whole history inserts. The sleeps widen the window in which the other processes
/// wait.
fn history(dialect: Dialect) -> (Vec<(&'static str, String, bool)>, i64) {
    let sleep = match dialect {
        Dialect::Postgres => "SELECT pg_sleep(0.05);",
        Dialect::Mysql => "DO SLEEP(0.05);",
        Dialect::Sqlite => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000) SELECT count(*) FROM c;"
        }
    };
    // PostgreSQL runs CONCURRENTLY alone, outside a transaction: a recorded step of its own.
    let index = match dialect {
        Dialect::Postgres => "CREATE INDEX CONCURRENTLY t1_x ON t1 (x);",
        _ => "CREATE INDEX t1_x ON t1 (x);",
    };
    (
        vec![
            (
                "001",
                format!(
                    "CREATE TABLE log (n integer NOT NULL);\nCREATE TABLE t1 (id integer PRIMARY KEY, x integer);\n{sleep}\nINSERT INTO log VALUES (1);\n"
                ),
                true,
            ),
            (
                "002",
                format!(
                    "INSERT INTO log VALUES (2);\n{index}\n{sleep}\nINSERT INTO log VALUES (3);\n"
                ),
                false,
            ),
            (
                "003",
                format!(
                    "{sleep}\nINSERT INTO log VALUES (4);\nALTER TABLE t1 ADD COLUMN y integer;\n"
                ),
                true,
            ),
            (
                "004",
                format!("INSERT INTO log VALUES (5);\n{sleep}\nINSERT INTO log VALUES (6);\n"),
                false,
            ),
        ],
        6,
    )
}

const PROCESSES: usize = 32;

fn upgrades_at_once(dialect: Dialect) {
    let runtime = runtime();
    let Some(db) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
        return;
    };
    let p = Project::new(&db.url);
    let (revisions, log_rows) = history(dialect);
    let mut parent: Vec<&str> = Vec::new();
    for (id, up, transactional) in &revisions {
        p.revision(id, &parent, up, "", *transactional);
        parent = vec![id];
    }

    let started = Instant::now();
    let children: Vec<Child> = (0..PROCESSES)
        .map(|_| spawn(&p, &["upgrade", "head"]))
        .collect();
    let runs: Vec<Run> = children.into_iter().map(finish).collect();
    let elapsed = started.elapsed();

    let mut applied: BTreeMap<String, usize> = BTreeMap::new();
    let mut elsewhere: BTreeMap<String, usize> = BTreeMap::new();
    let mut idle = 0;
    for run in &runs {
        assert_eq!(
            run.code, 0,
            "{dialect}: every process exits 0\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout, run.stderr
        );
        for line in run.stdout.lines() {
            if let Some(rest) = line.strip_prefix("applied ") {
                let id = rest.split_whitespace().next().unwrap().to_owned();
                *applied.entry(id).or_default() += 1;
            } else if let Some(id) = line.strip_suffix(" already applied by another process") {
                *elsewhere.entry(id.to_owned()).or_default() += 1;
            } else if line.starts_with("nothing to do") {
                idle += 1;
            } else {
                panic!("{dialect}: unexpected output line {line:?}\n{}", run.stdout);
            }
        }
    }
    let expected: BTreeMap<String, usize> = revisions.iter().map(|r| (r.0.to_owned(), 1)).collect();
    assert_eq!(
        applied, expected,
        "{dialect}: each revision reported applied by exactly one process"
    );
    let rows = runtime.block_on(db.scalar("SELECT COUNT(*) FROM log"));
    let distinct = runtime.block_on(db.scalar("SELECT COUNT(DISTINCT n) FROM log"));
    assert_eq!(
        (rows, distinct),
        (log_rows, log_rows),
        "{dialect}: each INSERT ran once"
    );
    let states = p.history_states();
    assert!(states.values().all(|s| s == "applied"), "{states:?}");
    eprintln!(
        "{dialect}: {PROCESSES} processes in {elapsed:?}; reported by another process: \
         {elsewhere:?}; nothing to do: {idle}"
    );
    runtime.block_on(db.drop());
}

#[test]
fn concurrent_upgrades_apply_each_revision_once_on_postgres() {
    upgrades_at_once(Dialect::Postgres);
}

#[test]
fn concurrent_upgrades_apply_each_revision_once_on_mysql() {
    upgrades_at_once(Dialect::Mysql);
}

#[test]
fn concurrent_upgrades_apply_each_revision_once_on_sqlite() {
    upgrades_at_once(Dialect::Sqlite);
}

#[test]
fn concurrent_downgrades_roll_each_revision_back_once() {
    let runtime = runtime();
    let db = runtime
        .block_on(strata_testkit::TestDb::create(Dialect::Sqlite))
        .unwrap();
    let p = Project::new(&db.url);
    let ids = ["001", "002", "003"];
    let mut parent: Vec<&str> = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        p.revision(
            id,
            &parent,
            &format!("CREATE TABLE t{n} (id integer);\n"),
            &format!("DROP TABLE t{n};\n"),
            n != 1,
        );
        parent = vec![id];
    }
    p.expect(&["upgrade", "head"], 0);
    let children: Vec<Child> = (0..8).map(|_| spawn(&p, &["downgrade", "base"])).collect();
    let mut rolled_back: BTreeMap<String, usize> = BTreeMap::new();
    for run in children.into_iter().map(finish) {
        assert_eq!(run.code, 0, "{}", run.stderr);
        for line in run.stdout.lines() {
            if let Some(rest) = line.strip_prefix("rolled back ") {
                let id = rest.split_whitespace().next().unwrap().to_owned();
                *rolled_back.entry(id).or_default() += 1;
            } else {
                assert!(
                    line.ends_with(" already rolled back by another process")
                        || line.starts_with("nothing to do"),
                    "{line:?}"
                );
            }
        }
    }
    let expected: BTreeMap<String, usize> = ids.iter().map(|id| (id.to_string(), 1)).collect();
    assert_eq!(rolled_back, expected);
    let states = p.history_states();
    assert!(states.values().all(|s| s == "pending"), "{states:?}");
}

/// Waits up to `limit` for `child`; `None` (and the child killed) when it is still running.
fn wait_at_most(mut child: Child, limit: Duration) -> Option<Run> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return Some(finish(child));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn the_mysql_lock_of_one_database_does_not_hold_up_another() {
    let runtime = runtime();
    let Some(a) = runtime.block_on(strata_testkit::TestDb::create(Dialect::Mysql)) else {
        return;
    };
    let b = runtime
        .block_on(strata_testkit::TestDb::create(Dialect::Mysql))
        .expect("the server answered a moment ago");
    let (pa, pb) = (Project::new(&a.url), Project::new(&b.url));
    for p in [&pa, &pb] {
        p.revision("001", &[], "CREATE TABLE t (id integer);\n", "", true);
    }

    // Another connection holds strata's lock on B.
    let mut holder = runtime
        .block_on(strata_store::runner::Db::connect(
            &b.url,
            &Default::default(),
        ))
        .unwrap();
    let lock = runtime
        .block_on(holder.lock(Duration::from_secs(5)))
        .unwrap();

    let waiting_on_b = spawn(&pb, &["upgrade", "head"]);
    let on_a = wait_at_most(spawn(&pa, &["upgrade", "head"]), Duration::from_secs(20))
        .expect("the upgrade of A waited for the lock held on B");
    assert_eq!(on_a.code, 0, "{}", on_a.stderr);
    assert!(on_a.stdout.contains("applied 001"), "{}", on_a.stdout);

    // B's own upgrade waits for the holder, then runs.
    std::thread::sleep(Duration::from_millis(500));
    let mut waiting_on_b = waiting_on_b;
    assert!(
        waiting_on_b.try_wait().unwrap().is_none(),
        "the upgrade of B did not wait for B's lock"
    );
    runtime.block_on(holder.unlock(lock));
    let on_b = wait_at_most(waiting_on_b, Duration::from_secs(20)).expect("B finishes");
    assert_eq!(on_b.code, 0, "{}", on_b.stderr);
    assert!(on_b.stdout.contains("applied 001"), "{}", on_b.stdout);
    runtime.block_on(holder.close());
    runtime.block_on(a.drop());
    runtime.block_on(b.drop());
}

const USERS: &str = "use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = \"users\")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
";

/// The migrations directory's entries: revision directories, and anything else (hidden
/// leftovers such as temporary files) by name.
fn entries(p: &Project) -> (usize, Vec<String>) {
    let mut revisions = 0;
    let mut other = Vec::new();
    for entry in std::fs::read_dir(p.dir().join("migrations")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().join("revision.toml").is_file() && !name.starts_with('.') {
            revisions += 1;
        } else if name != "strata.sum" && name != ".strata-lock" {
            other.push(name);
        }
    }
    (revisions, other)
}

/// Reads `strata.sum` over and over until told to stop; returns the number of reads and any
/// torn read (a file that is not whole: first line `h1:<hash>`, ending with a newline).
fn watch_sum(p: &Project, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<(usize, Vec<String>)> {
    let path = p.dir().join("migrations/strata.sum");
    std::thread::spawn(move || {
        let mut reads = 0;
        let mut torn = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                reads += 1;
                let whole = text.starts_with("h1:") && text.ends_with('\n');
                if !whole {
                    torn.push(text);
                }
            }
        }
        (reads, torn)
    })
}

/// Runs `strata upgrade head --sql` (which reads and verifies the migrations directory) over
/// and over until told to stop; returns the number of runs and the failed ones' stderr.
fn watch_history(
    p: &Project,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<(usize, Vec<String>)> {
    let (dir, url) = (p.dir().to_path_buf(), p.url.clone());
    std::thread::spawn(move || {
        let mut runs = 0;
        let mut failed = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let output = std::process::Command::new(support::strata())
                .current_dir(&dir)
                .env_remove("DATABASE_URL")
                .args(["--database-url", &url, "--models", "src/entities"])
                .args(["upgrade", "head", "--sql"])
                .output()
                .unwrap();
            runs += 1;
            if !output.status.success() {
                failed.push(String::from_utf8_lossy(&output.stderr).into_owned());
            }
        }
        (runs, failed)
    })
}

fn autogenerates_at_once(dialect: Dialect) {
    let runtime = runtime();
    let Some(db) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
        return;
    };
    let p = Project::new(&db.url);
    std::fs::write(p.dir().join("src/entities/users.rs"), USERS).unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let watcher = watch_sum(&p, stop.clone());
    let reader = watch_history(&p, stop.clone());
    let children: Vec<Child> = (0..8)
        .map(|_| spawn(&p, &["autogenerate", "-m", "x"]))
        .collect();
    let runs: Vec<Run> = children.into_iter().map(finish).collect();
    stop.store(true, Ordering::Relaxed);
    let (reads, torn) = watcher.join().unwrap();
    assert_eq!(
        torn,
        Vec::<String>::new(),
        "{dialect}: torn strata.sum reads"
    );
    let (verified, failed) = reader.join().unwrap();
    assert_eq!(
        failed,
        Vec::<String>::new(),
        "{dialect}: a reader saw a revision and a checksum file that disagree"
    );

    let wrote = runs.iter().filter(|r| r.stdout.contains("wrote ")).count();
    for run in &runs {
        match run.code {
            0 => {}
            2 => assert!(
                run.stderr.contains("database is not up to date"),
                "{dialect}: the usual refusal\n{}",
                run.stderr
            ),
            code => panic!("{dialect}: exit {code}\n{}\n{}", run.stdout, run.stderr),
        }
    }
    assert_eq!(wrote, 1, "{dialect}: one process writes the revision");
    let (revisions, leftovers) = entries(&p);
    assert_eq!(revisions, 1, "{dialect}: exactly one new revision");
    assert_eq!(
        leftovers,
        Vec::<String>::new(),
        "{dialect}: nothing half-written"
    );
    let heads = p.expect(&["heads"], 0).stdout;
    assert_eq!(heads.lines().count(), 1, "{heads}");
    // The checksum file verifies, and the history holds the change once.
    p.expect(&["check", "--history"], 0);
    p.expect(&["upgrade", "head"], 0);
    p.expect(&["check"], 0);
    eprintln!(
        "{dialect}: {reads} whole reads of strata.sum and {verified} verified readings of the \
         directory while 8 autogenerates ran"
    );
    runtime.block_on(db.drop());
}

#[test]
fn concurrent_autogenerates_write_one_revision_on_sqlite() {
    autogenerates_at_once(Dialect::Sqlite);
}

#[test]
fn concurrent_autogenerates_write_one_revision_on_postgres() {
    autogenerates_at_once(Dialect::Postgres);
}

#[test]
fn concurrent_revisions_form_one_line_of_history() {
    let runtime = runtime();
    let db = runtime
        .block_on(strata_testkit::TestDb::create(Dialect::Sqlite))
        .unwrap();
    let p = Project::new(&db.url);
    let children: Vec<Child> = (0..8)
        .map(|_| spawn(&p, &["revision", "-m", "by hand"]))
        .collect();
    for run in children.into_iter().map(finish) {
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let (revisions, leftovers) = entries(&p);
    assert_eq!((revisions, leftovers), (8, Vec::new()));
    // Each wrote on top of the one before: one head, and the checksum file verifies.
    let heads = p.expect(&["heads"], 0).stdout;
    assert_eq!(heads.lines().count(), 1, "{heads}");
    p.expect(&["upgrade", "head"], 0);
}
