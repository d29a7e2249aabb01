//! One notion of a revision's state: a failed or partly applied revision is reported alike by
//! `current`, `history` and `check` (text and JSON), blocks `upgrade` and `autogenerate` with
//! the failed statement, its line and the database's error, and `resolve` records the outcome
//! (after saying which one the database shows). Version tables written before steps were
//! recorded keep working.

mod support;

use strata_ir::Dialect;
use support::Project;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn revision_dirs(p: &Project) -> usize {
    std::fs::read_dir(p.dir().join("migrations"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count()
}

#[test]
fn a_failed_mysql_revision_blocks_until_resolved_and_then_continues() {
    let runtime = runtime();
    let Some(db) = runtime.block_on(strata_testkit::TestDb::create(Dialect::Mysql)) else {
        return;
    };
    let p = Project::new(&db.url);
    p.revision(
        "001",
        &[],
        "CREATE TABLE a (id integer PRIMARY KEY);\n",
        "DROP TABLE a;\n",
        true,
    );
    p.revision(
        "002",
        &["001"],
        "-- two tables, a mistake, a third\nCREATE TABLE b (id integer PRIMARY KEY);\nCREATE TABLE c (id integer PRIMARY KEY);\nCREATE TABLE b (id integer);\nCREATE TABLE d (id integer);\n",
        "DROP TABLE d;\nDROP TABLE c;\nDROP TABLE b;\n",
        true,
    );
    let failed = p.expect(&["upgrade", "head"], 2);
    assert!(
        failed.stdout.starts_with("applied 001 "),
        "what ran before the failure: {}",
        failed.stdout
    );
    for expected in [
        "revision 002 failed at step 3 of 4",
        "up.sql line 4:",
        "    CREATE TABLE b (id integer)",
        "the database said: Table 'b' already exists",
        "steps 1 to 2 are applied and recorded",
        "strata resolve 002 --rolled-back",
    ] {
        assert!(
            failed.stderr.contains(expected),
            "{expected}: {}",
            failed.stderr
        );
    }
    let (states, history) = p.agreed_states();
    assert_eq!(states["001"], "applied");
    assert_eq!(states["002"], "failed");
    let failure = &history["revisions"][0]["failure"];
    assert_eq!(failure["step"], 3);
    assert_eq!(failure["line"], 4);
    assert_eq!(failure["statement"], "CREATE TABLE b (id integer)");
    assert_eq!(failure["interrupted"], false);
    assert_eq!(history["revisions"][0]["steps_done"], 2);
    assert_eq!(history["revisions"][0]["steps"], 4);

    // Neither a second upgrade nor autogenerate goes on top of it.
    let again = p.expect(&["upgrade", "head"], 2);
    assert!(
        again.stderr.contains("revision 002 failed at step 3 of 4"),
        "{}",
        again.stderr
    );
    let json = p.json(&["upgrade", "head", "--format", "json"], 2);
    assert_eq!(json["ran"].as_array().unwrap().len(), 0);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("failed at step 3 of 4"),
        "{json:#}"
    );
    assert_eq!(json["current"][0]["state"], "failed");
    assert_eq!(json["current"][0]["failure"]["line"], 4);
    let auto = p.expect(&["autogenerate", "-m", "more"], 2);
    assert!(auto.stderr.contains("failed revision"), "{}", auto.stderr);
    assert!(
        auto.stderr.contains("strata resolve 002"),
        "{}",
        auto.stderr
    );
    assert_eq!(revision_dirs(&p), 2, "autogenerate wrote nothing");

    // strata tells: the failed statement left nothing behind.
    let finding = p.json(&["resolve", "002", "--format", "json"], 0);
    assert_eq!(finding["suggest"], "rolled-back", "{finding:#}");
    let text = p.expect(&["resolve", "002"], 0).stdout;
    assert!(
        text.contains("run `strata resolve 002 --rolled-back`"),
        "{text}"
    );

    // Rolled back: partly applied at step 2, and upgrade runs step 3 again (and fails again).
    let resolved = p.expect(&["resolve", "002", "--rolled-back"], 0);
    assert!(
        resolved
            .stdout
            .contains("is now partly applied: step 2 of 4 (it was FAILED at step 3 of 4)"),
        "{}",
        resolved.stdout
    );
    let (states, _) = p.agreed_states();
    assert_eq!(states["002"], "partial");
    let nothing = p.expect(&["resolve", "002", "--applied"], 2);
    assert!(
        nothing.stderr.contains("nothing to resolve"),
        "{}",
        nothing.stderr
    );
    p.expect(&["upgrade", "head"], 2);

    // The statement is wrong, not the database: record it as done, and upgrade continues
    // with step 4.
    p.expect(&["resolve", "002", "--applied"], 0);
    let resumed = p.expect(&["upgrade", "head"], 0);
    assert!(resumed.stdout.contains("applied 002"), "{}", resumed.stdout);
    assert!(
        resumed.stdout.contains("continued after step 3"),
        "{}",
        resumed.stdout
    );
    let (states, _) = p.agreed_states();
    assert!(states.values().all(|s| s == "applied"), "{states:?}");
    assert_eq!(p.expect(&["current"], 0).stdout, "002 (head)\n");
    let tables = runtime.block_on(db.scalar(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('a', 'b', 'c', 'd')",
    ));
    assert_eq!(tables, 4);
    // And down again, statement by statement.
    p.expect(&["downgrade", "base"], 0);
    assert_eq!(
        p.expect(&["current"], 0).stdout,
        "<base> (no revision applied)\n"
    );
    runtime.block_on(db.drop());
}

#[test]
fn a_postgres_enum_label_revision_runs_as_recorded_steps_and_resumes() {
    let runtime = runtime();
    let Some(db) = runtime.block_on(strata_testkit::TestDb::create(Dialect::Postgres)) else {
        return;
    };
    let p = Project::new(&db.url);
    p.revision(
        "001",
        &[],
        "CREATE TYPE status AS ENUM ('draft');\nCREATE TABLE posts (id integer PRIMARY KEY, status status NOT NULL);\n",
        "DROP TABLE posts;\nDROP TYPE status;\n",
        true,
    );
    p.revision(
        "002",
        &["001"],
        "ALTER TYPE status ADD VALUE 'archived';\nALTER TABLE posts ALTER COLUMN status SET DEFAULT 'archived';\nALTER TABLE posts ADD COLUMN n integer NOT NULL;\n",
        "ALTER TABLE posts DROP COLUMN n;\nALTER TABLE posts ALTER COLUMN status DROP DEFAULT;\n",
        false,
    );
    p.expect(&["upgrade", "001"], 0);
    runtime.block_on(db.execute("INSERT INTO posts VALUES (1, 'draft')"));

    let failed = p.expect(&["upgrade", "head"], 2);
    for expected in [
        "revision 002 failed at step 2 of 2",
        "up.sql line 3:",
        "ALTER TABLE posts ADD COLUMN n integer NOT NULL",
        "contains null values",
        "step 2 ran in a transaction that was rolled back",
        "step 1 is applied and recorded",
    ] {
        assert!(
            failed.stderr.contains(expected),
            "{expected}: {}",
            failed.stderr
        );
    }
    let (states, _) = p.agreed_states();
    assert_eq!(states["002"], "failed");
    // The label is recorded as added: a rerun does not trip on `already exists`.
    let again = p.expect(&["upgrade", "head"], 2);
    assert!(!again.stderr.contains("already exists"), "{}", again.stderr);
    assert!(
        again.stderr.contains("revision 002 failed at step 2 of 2"),
        "{}",
        again.stderr
    );
    let finding = p.json(&["resolve", "002", "--format", "json"], 0);
    assert_eq!(finding["suggest"], "rolled-back", "{finding:#}");

    // Fix the cause, record the outcome, continue after step 1.
    runtime.block_on(db.execute("DELETE FROM posts"));
    p.expect(&["resolve", "002", "--rolled-back"], 0);
    let (states, _) = p.agreed_states();
    assert_eq!(states["002"], "partial");
    let resumed = p.json(&["upgrade", "head", "--format", "json"], 0);
    assert_eq!(resumed["ran"][0]["id"], "002", "{resumed:#}");
    assert_eq!(resumed["ran"][0]["resumed_after"], 1, "{resumed:#}");
    assert_eq!(resumed["current"][0]["state"], "applied", "{resumed:#}");
    assert_eq!(p.expect(&["current"], 0).stdout, "002 (head)\n");
    let labels =
        runtime.block_on(db.scalar("SELECT COUNT(*) FROM pg_enum WHERE enumlabel = 'archived'"));
    assert_eq!(labels, 1);
    runtime.block_on(db.drop());
}

#[test]
fn a_version_table_from_an_older_strata_gains_its_columns_and_keeps_working() {
    let runtime = runtime();
    for dialect in Dialect::ALL {
        let Some(db) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
            continue;
        };
        let p = Project::new(&db.url);
        p.revision(
            "001",
            &[],
            "CREATE TABLE a (id integer PRIMARY KEY);\n",
            "DROP TABLE a;\n",
            true,
        );
        p.revision(
            "002",
            &["001"],
            "CREATE TABLE b (id integer PRIMARY KEY);\n",
            "DROP TABLE b;\n",
            true,
        );
        let revisions = strata_store::directory::read(&p.dir().join("migrations")).unwrap();
        let sum = |id: &str| {
            strata_store::runner::checksum(revisions.iter().find(|r| r.meta.id == id).unwrap())
        };
        let (ts, boolean, yes, no) = match dialect {
            Dialect::Sqlite => ("text", "integer", "1", "0"),
            _ => ("timestamp", "boolean", "TRUE", "FALSE"),
        };
        // The table as the first strata wrote it; 002 failed part-way under it (and its table
        // is there: the server finished it).
        runtime.block_on(db.execute(&format!(
            "CREATE TABLE strata_revisions (revision varchar(64) NOT NULL PRIMARY KEY, checksum varchar(64) NOT NULL, applied_at {ts} NOT NULL DEFAULT CURRENT_TIMESTAMP, duration_ms bigint NOT NULL, success {boolean} NOT NULL);\n\
             CREATE TABLE a (id integer PRIMARY KEY);\n\
             CREATE TABLE b (id integer PRIMARY KEY);\n\
             INSERT INTO strata_revisions (revision, checksum, duration_ms, success) VALUES ('001', '{}', 0, {yes});\n\
             INSERT INTO strata_revisions (revision, checksum, duration_ms, success) VALUES ('002', '{}', 0, {no});",
            sum("001"),
            sum("002"),
        )));
        let (states, history) = p.agreed_states();
        assert_eq!(states["002"], "failed", "{dialect}");
        assert_eq!(
            history["revisions"][0]["failure"]["step"],
            serde_json::Value::Null
        );
        assert!(
            p.expect(&["current"], 0)
                .stdout
                .contains("002 (head, FAILED part-way)")
        );
        let refused = p.expect(&["upgrade", "head"], 2);
        assert!(
            refused.stderr.contains("older strata"),
            "{dialect}: {}",
            refused.stderr
        );
        let finding = p.json(&["resolve", "002", "--format", "json"], 0);
        assert_eq!(finding["suggest"], "applied", "{dialect}: {finding:#}");
        p.expect(&["resolve", "002", "--applied"], 0);
        p.revision(
            "003",
            &["002"],
            "CREATE TABLE c (id integer PRIMARY KEY);\n",
            "DROP TABLE c;\n",
            true,
        );
        p.expect(&["upgrade", "head"], 0);
        let (states, _) = p.agreed_states();
        assert!(
            states.values().all(|s| s == "applied"),
            "{dialect}: {states:?}"
        );
        assert_eq!(
            runtime.block_on(db.scalar("SELECT COUNT(*) FROM strata_revisions WHERE step = 1")),
            2,
            "{dialect}: 002 (resolved) and 003 recorded with their step, 001 as it was"
        );
        runtime.block_on(db.drop());
    }
}

#[test]
fn a_mysql_downgrade_that_fails_part_way_is_recorded_and_resolved() {
    let runtime = runtime();
    let Some(db) = runtime.block_on(strata_testkit::TestDb::create(Dialect::Mysql)) else {
        return;
    };
    let p = Project::new(&db.url);
    p.revision(
        "001",
        &[],
        "CREATE TABLE a (id integer PRIMARY KEY);\nCREATE TABLE b (id integer PRIMARY KEY);\n",
        "-- undo\nDROP TABLE nope;\nDROP TABLE b;\nDROP TABLE a;\n",
        true,
    );
    p.expect(&["upgrade", "head"], 0);
    let failed = p.expect(&["downgrade", "base"], 2);
    assert!(
        failed
            .stderr
            .contains("revision 001 failed while rolling back")
            && failed.stderr.contains("down.sql line 2:")
            && failed.stderr.contains("DROP TABLE nope"),
        "{}",
        failed.stderr
    );
    let (states, _) = p.agreed_states();
    assert_eq!(states["001"], "failed");
    assert!(
        p.expect(&["current"], 0)
            .stdout
            .contains("001 (head, FAILED while rolling back)")
    );
    p.expect(&["downgrade", "base"], 2);
    p.expect(&["upgrade", "head"], 2);
    // Nothing was dropped: the revision is still applied.
    let finding = p.json(&["resolve", "001", "--format", "json"], 0);
    assert_eq!(finding["suggest"], "applied", "{finding:#}");
    p.expect(&["resolve", "001", "--applied"], 0);
    let (states, _) = p.agreed_states();
    assert_eq!(states["001"], "applied");
    assert_eq!(p.expect(&["current"], 0).stdout, "001 (head)\n");
    runtime.block_on(db.drop());
}

#[test]
fn a_transactional_revision_that_fails_stays_pending_and_names_its_statement() {
    let runtime = runtime();
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        let Some(db) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
            continue;
        };
        let p = Project::new(&db.url);
        p.revision(
            "001",
            &[],
            "-- a table, then a typo\nCREATE TABLE a (id integer PRIMARY KEY);\nSELECT nope FROM a;\n",
            "DROP TABLE a;\n",
            true,
        );
        let failed = p.expect(&["upgrade", "head"], 2);
        assert!(
            failed
                .stderr
                .contains("failed and was rolled back; nothing of it is applied")
                && failed.stderr.contains("nope"),
            "{dialect}: {}",
            failed.stderr
        );
        {
            // The statement and its line: where PostgreSQL's error position points, or the
            // first statement to fail when run again one by one (and rolled back).
            assert!(
                failed.stderr.contains("revision 001 (up.sql line 3)")
                    && failed.stderr.contains("    SELECT nope FROM a"),
                "{}",
                failed.stderr
            );
        }
        let (states, _) = p.agreed_states();
        assert_eq!(states["001"], "pending", "{dialect}");
        runtime.block_on(db.drop());
    }
}

/// A MySQL revision that failed on a wrong statement is corrected in place: after `resolve
/// --rolled-back`, the failing statement and those after it may be edited (then `hash`), and
/// `upgrade` goes on with the corrected file from the step that failed. Editing a statement
/// that already ran is still refused.
#[test]
fn a_failed_statement_can_be_corrected_and_the_revision_continued() {
    let runtime = runtime();
    let Some(db) = runtime.block_on(strata_testkit::TestDb::create(Dialect::Mysql)) else {
        return;
    };
    let p = Project::new(&db.url);
    let wrong = "CREATE TABLE a (id integer PRIMARY KEY);\nCREATE TABLE b (id integer PRIMARY KEY);\nCREATE TABLE a (id integer);\n";
    p.revision("001", &[], wrong, "DROP TABLE b;\nDROP TABLE a;\n", true);
    p.expect(&["upgrade", "head"], 2);
    p.expect(&["resolve", "001", "--rolled-back"], 0);
    let up = p.dir().join("migrations/001_r/up.sql");

    // A statement that already ran may not change.
    std::fs::write(&up, wrong.replace("TABLE b", "TABLE bb")).unwrap();
    p.expect(&["hash"], 0);
    let refused = p.expect(&["upgrade", "head"], 2);
    assert!(
        refused.stderr.contains("files have changed"),
        "{}",
        refused.stderr
    );
    let check = p.expect(&["check"], 1);
    assert!(
        check.stdout.contains("already run were edited"),
        "{}",
        check.stdout
    );

    // The failed statement may.
    std::fs::write(
        &up,
        wrong.replace("TABLE a (id integer);", "TABLE c (id integer);"),
    )
    .unwrap();
    p.expect(&["hash"], 0);
    let check = p.expect(&["check"], 1);
    assert!(!check.stdout.contains("edited"), "{}", check.stdout);
    p.expect(&["upgrade", "head"], 0);
    let (states, _) = p.agreed_states();
    assert_eq!(states["001"], "applied");
    let tables = runtime.block_on(db.scalar(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('a', 'b', 'c')",
    ));
    assert_eq!(tables, 3);
    // Checked against the corrected files from now on.
    p.expect(&["upgrade", "head"], 0);
    runtime.block_on(db.drop());
}
