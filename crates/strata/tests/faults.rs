//! Fault injection: `strata upgrade head` killed with SIGKILL at random points of a history
//! with slow and non-transactional revisions, at least 20 times per dialect. After each kill
//! the database is in one of three states, and `current`, `history` and `check` (text and JSON)
//! agree on which:
//!
//! - applied and recorded (the schema is exactly what a clean run to that revision gives);
//! - untouched;
//! - recorded partial or failed, in which case `resolve` (when failed) then `upgrade head`
//!   reaches head with no hand-written SQL.
//!
//! After recovery the schema equals a clean run's and every `INSERT` of the history ran
//! exactly once. `STRATA_FAULT_KILLS` sets the number of kills (default 20), `STRATA_FAULT_SEED`
//! the random seed (printed on failure).

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use strata_ir::Dialect;
use support::Project;

/// A small xorshift generator: reproducible from the printed seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// (id, up.sql, down.sql, transactional) and the number of log rows the history inserts.
fn history(dialect: Dialect) -> (Vec<(&'static str, String, String, bool)>, i64) {
    match dialect {
        Dialect::Postgres => (
            vec![
                (
                    "001",
                    "CREATE TABLE log (n integer NOT NULL);\nCREATE TYPE mood AS ENUM ('a');\nCREATE TABLE t1 (id integer PRIMARY KEY, mood mood);\nSELECT pg_sleep(0.05);\nINSERT INTO log VALUES (1);\n".into(),
                    "DROP TABLE t1;\nDROP TYPE mood;\nDROP TABLE log;\n".into(),
                    true,
                ),
                (
                    "002",
                    "ALTER TYPE mood ADD VALUE 'b';\nSELECT pg_sleep(0.05);\nALTER TABLE t1 ALTER COLUMN mood SET DEFAULT 'b';\nINSERT INTO log VALUES (2);\nALTER TYPE mood ADD VALUE 'c';\nSELECT pg_sleep(0.05);\nALTER TABLE t1 ADD COLUMN c2 integer;\nINSERT INTO log VALUES (3);\n".into(),
                    "ALTER TABLE t1 DROP COLUMN c2;\n".into(),
                    false,
                ),
                (
                    "003",
                    "CREATE TABLE t2 (id integer PRIMARY KEY, x integer);\nSELECT pg_sleep(0.05);\nCREATE INDEX t2_x ON t2 (x);\nINSERT INTO log VALUES (4);\n".into(),
                    "DROP TABLE t2;\n".into(),
                    true,
                ),
                (
                    "004",
                    "ALTER TYPE mood ADD VALUE 'd';\nSELECT pg_sleep(0.05);\nALTER TABLE t2 ADD COLUMN y mood DEFAULT 'd';\nINSERT INTO log VALUES (5);\n".into(),
                    "ALTER TABLE t2 DROP COLUMN y;\n".into(),
                    false,
                ),
            ],
            5,
        ),
        Dialect::Mysql => (
            vec![
                (
                    "001",
                    "CREATE TABLE log (n integer NOT NULL);\nCREATE TABLE t1 (id integer PRIMARY KEY);\nDO SLEEP(0.05);\nINSERT INTO log VALUES (1);\n".into(),
                    "DROP TABLE t1;\nDROP TABLE log;\n".into(),
                    true,
                ),
                (
                    "002",
                    "ALTER TABLE t1 ADD COLUMN a integer;\nDO SLEEP(0.05);\nCREATE TABLE t2 (id integer PRIMARY KEY, x integer);\nINSERT INTO log VALUES (2);\nDO SLEEP(0.05);\nCREATE INDEX t2_x ON t2 (x);\n".into(),
                    "DROP TABLE t2;\nALTER TABLE t1 DROP COLUMN a;\n".into(),
                    true,
                ),
                (
                    "003",
                    "ALTER TABLE t2 ADD COLUMN y integer;\nDO SLEEP(0.05);\nCREATE TABLE t3 (id integer PRIMARY KEY);\nINSERT INTO log VALUES (3);\n".into(),
                    "DROP TABLE t3;\nALTER TABLE t2 DROP COLUMN y;\n".into(),
                    true,
                ),
            ],
            3,
        ),
        Dialect::Sqlite => {
            let heavy = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 150000) SELECT count(*) FROM c;";
            (
                vec![
                    (
                        "001",
                        format!("CREATE TABLE log (n integer NOT NULL);\nCREATE TABLE t1 (id integer PRIMARY KEY);\n{heavy}\nINSERT INTO log VALUES (1);\n"),
                        "DROP TABLE t1;\nDROP TABLE log;\n".into(),
                        true,
                    ),
                    (
                        "002",
                        format!("ALTER TABLE t1 ADD COLUMN a integer;\n{heavy}\nCREATE TABLE t2 (id integer PRIMARY KEY, x integer);\nINSERT INTO log VALUES (2);\n"),
                        "DROP TABLE t2;\nALTER TABLE t1 DROP COLUMN a;\n".into(),
                        true,
                    ),
                    (
                        "003",
                        format!("CREATE INDEX t2_x ON t2 (x);\n{heavy}\nINSERT INTO log VALUES (3);\n"),
                        "DROP INDEX t2_x;\n".into(),
                        false,
                    ),
                ],
                3,
            )
        }
    }
}

fn schema(p: &Project) -> serde_json::Value {
    p.json(&["schema", "db", "--format", "json"], 0)
}

/// What the test does with a failed revision whose outcome the schema cannot tell (a statement
/// that changes no schema): what a person would do, look at the data.
fn outcome_by_hand(
    runtime: &tokio::runtime::Runtime,
    db: &strata_testkit::TestDb,
    statement: &str,
) -> &'static str {
    if let Some(rest) = statement.strip_prefix("INSERT INTO log VALUES (") {
        let n: i64 = rest.trim_end_matches(')').parse().unwrap();
        let found = runtime.block_on(db.scalar(&format!("SELECT COUNT(*) FROM log WHERE n = {n}")));
        return if found == 1 {
            "--applied"
        } else {
            "--rolled-back"
        };
    }
    // A sleep or a read: running it again is harmless.
    assert!(
        statement.contains("SLEEP")
            || statement.contains("pg_sleep")
            || statement.starts_with("WITH"),
        "strata could not tell the outcome of a statement that changes the schema: {statement}"
    );
    "--rolled-back"
}

fn kills() -> usize {
    std::env::var("STRATA_FAULT_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
}

fn fault_injection(dialect: Dialect) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let seed = std::env::var("STRATA_FAULT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    let mut rng = Rng(seed);
    let (revisions, log_rows) = history(dialect);

    // The reference: a clean run, revision by revision, and how long the whole run takes.
    let Some(reference) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
        return;
    };
    let mut p = Project::new(&reference.url);
    let mut parent: Vec<&str> = Vec::new();
    for (id, up, down, transactional) in &revisions {
        p.revision(id, &parent, up, down, *transactional);
        parent = vec![id];
    }
    let mut expected = vec![schema(&p)];
    for (id, ..) in &revisions {
        p.expect(&["upgrade", id], 0);
        expected.push(schema(&p));
    }
    p.expect(&["downgrade", "base"], 0);
    let started = Instant::now();
    p.expect(&["upgrade", "head"], 0);
    let full = started.elapsed();
    runtime.block_on(reference.drop());

    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let mut landed = 0;
    let mut attempts = 0;
    while landed < kills() {
        attempts += 1;
        assert!(
            attempts < kills() * 4,
            "{dialect}: the kills keep missing the run"
        );
        let db = runtime
            .block_on(strata_testkit::TestDb::create(dialect))
            .expect("the server answered a moment ago");
        p.url = db.url.clone();
        let delay = Duration::from_micros(rng.below(full.as_micros() as u64));
        let mut child = p
            .command(&["upgrade", "head"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            landed += 1;
        }
        child.wait().unwrap();
        let context = format!("{dialect}, seed {seed}, kill after {delay:?}");

        // One state, whoever is asked.
        let (states, history) = p.agreed_states();
        let order: Vec<&str> = revisions.iter().map(|r| r.0).collect();
        let sequence: Vec<&str> = order.iter().map(|id| states[*id].as_str()).collect();
        let applied = sequence.iter().take_while(|s| **s == "applied").count();
        let rest = &sequence[applied..];
        let unfinished = rest.first().filter(|s| **s == "partial" || **s == "failed");
        let after = &rest[usize::from(unfinished.is_some())..];
        assert!(
            after.iter().all(|s| *s == "pending"),
            "{context}: states out of order: {sequence:?}"
        );
        let outcome = match unfinished {
            None => {
                // Applied and recorded, or untouched: the schema is a clean run's.
                assert_eq!(schema(&p), expected[applied], "{context}: {sequence:?}");
                if applied == 0 {
                    "untouched".to_owned()
                } else if applied == order.len() {
                    "applied to head".to_owned()
                } else {
                    format!("applied and recorded to {}", order[applied - 1])
                }
            }
            Some(state) => {
                let id = order[applied];
                let report = history["revisions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["id"] == id)
                    .unwrap();
                let steps = report["steps"].as_u64().unwrap();
                if *state == "failed" {
                    let failure = &report["failure"];
                    let finding = p.json(&["resolve", id, "--format", "json"], 0);
                    let statement = failure["statement"].as_str().unwrap_or_default();
                    let (flag, by) = match finding["suggest"].as_str() {
                        Some(outcome) => (format!("--{outcome}"), "as strata found"),
                        None => (
                            outcome_by_hand(&runtime, &db, statement).to_owned(),
                            "by the data: no schema change",
                        ),
                    };
                    p.expect(&["resolve", id, &flag], 0);
                    format!(
                        "failed ({}) at step {} of {steps}, resolved {flag} ({by})",
                        if failure["interrupted"] == true {
                            "interrupted"
                        } else {
                            "error"
                        },
                        failure["step"]
                    )
                } else {
                    format!("partial at step {} of {steps}", report["steps_done"])
                }
            }
        };
        *tally.entry(outcome).or_default() += 1;

        // From any of them, upgrade head reaches head: the schema of a clean run, every insert
        // once.
        p.expect(&["upgrade", "head"], 0);
        let (states, _) = p.agreed_states();
        assert!(
            states.values().all(|s| s == "applied"),
            "{context}: {states:?}"
        );
        assert_eq!(schema(&p), expected[order.len()], "{context}");
        let rows = runtime.block_on(db.scalar("SELECT COUNT(*) FROM log"));
        let distinct = runtime.block_on(db.scalar("SELECT COUNT(DISTINCT n) FROM log"));
        assert_eq!(
            (rows, distinct),
            (log_rows, log_rows),
            "{context}: each insert once"
        );
        runtime.block_on(db.drop());
    }
    eprintln!(
        "{dialect}: {landed} kills in {attempts} runs (a clean run takes {full:?}), seed {seed}:"
    );
    for (outcome, n) in &tally {
        eprintln!("  {n:3}  {outcome}");
    }
}

#[test]
fn killed_upgrades_leave_one_known_state_on_postgres() {
    fault_injection(Dialect::Postgres);
}

#[test]
fn killed_upgrades_leave_one_known_state_on_mysql() {
    fault_injection(Dialect::Mysql);
}

#[test]
fn killed_upgrades_leave_one_known_state_on_sqlite() {
    fault_injection(Dialect::Sqlite);
}
