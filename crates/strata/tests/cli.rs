//! The real binary: argument wiring, configuration discovery, output formats, exit codes, and
//! error messages for bad input (one message, exit 2, never a panic or a password).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/model")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs strata with `args` in `dir` (with no DATABASE_URL from the environment).
fn check(dir: &Path, args: &[&str]) -> Run {
    let output = Command::cargo_bin("strata")
        .unwrap()
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "strata panicked:\n{}",
        run.stderr
    );
    run
}

/// A runtime for the tests that prepare databases.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn models(name: &str) -> String {
    fixtures().join(name).display().to_string()
}

#[test]
fn help_lists_the_commands() {
    let run = check(&fixtures(), &["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("schema"), "{}", run.stdout);
}

#[test]
fn schema_models_prints_ddl_per_dialect() {
    let dir = models("ok/handwritten_compact");
    let pg = check(
        &fixtures(),
        &[
            "schema",
            "models",
            "--models",
            &dir,
            "--dialect",
            "postgres",
        ],
    );
    assert_eq!(pg.code, 0, "{}", pg.stderr);
    assert!(
        pg.stdout
            .contains("CREATE TYPE \"mood\" AS ENUM ('sad', 'ok', 'happy');")
    );
    assert!(
        pg.stdout
            .contains("COMMENT ON TABLE \"users\" IS 'people who sign in';")
    );
    let my = check(
        &fixtures(),
        &["schema", "models", "--models", &dir, "--dialect", "mariadb"],
    );
    assert_eq!(my.code, 0, "{}", my.stderr);
    assert!(my.stdout.contains("`mood` ENUM('sad', 'ok', 'happy') NULL"));
    // SQLite is the default when no database is configured.
    let lite = check(&fixtures(), &["schema", "models", "--models", &dir]);
    assert_eq!(lite.code, 0, "{}", lite.stderr);
    assert!(
        lite.stdout
            .contains("\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT")
    );
}

#[test]
fn schema_models_json_is_the_schema() {
    let dir = models("ok/handwritten_dense");
    let run = check(
        &fixtures(),
        &["schema", "models", "--models", &dir, "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let names: Vec<&str> = json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["authors", "books", "chapters", "editions", "profiles"]
    );
}

#[test]
fn entity_errors_are_code_frames_and_exit_2() {
    let dir = models("err/unknown_type");
    let run = check(&fixtures(), &["schema", "models", "--models", &dir]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("orders.rs:8:9"), "{}", run.stderr);
    assert!(
        run.stderr.contains("pub status: OrderStatus"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("2 error(s) in the entity files"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_missing_models_directory_is_named() {
    let run = check(
        &fixtures(),
        &["schema", "models", "--models", "no/such/dir"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no/such/dir does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_url_is_refused_without_echoing_it() {
    let dir = models("ok/handwritten_compact");
    let run = check(
        &fixtures(),
        &[
            "schema",
            "models",
            "--models",
            &dir,
            "--database-url",
            "oracle://scott:tiger@db/x",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`oracle:` is not supported"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("tiger"));
}

#[test]
fn configuration_is_found_in_a_parent_directory() {
    let root = tempfile::tempdir().unwrap();
    let entities = root.path().join("src/entities");
    std::fs::create_dir_all(&entities).unwrap();
    for entry in std::fs::read_dir(fixtures().join("ok/handwritten_expanded")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), entities.join(entry.file_name())).unwrap();
    }
    std::fs::write(
        root.path().join("strata.toml"),
        "database_url = \"postgres://localhost/app\"\nmodels = \"src/entities\"\n",
    )
    .unwrap();
    let nested = root.path().join("src/deeper");
    std::fs::create_dir_all(&nested).unwrap();
    let run = check(&nested, &["schema", "models"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The configured database is PostgreSQL, so the DDL is spelled for it.
    assert!(
        run.stdout.contains("GENERATED BY DEFAULT AS IDENTITY"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_malformed_configuration_names_the_file() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("strata.toml"), "modles = \"x\"\n").unwrap();
    let run = check(root.path(), &["schema", "models"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("strata.toml is not a valid strata configuration"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("modles"), "{}", run.stderr);
}

#[test]
fn unknown_commands_exit_2() {
    let run = check(&fixtures(), &["frobnicate"]);
    assert_eq!(run.code, 2);
}

/// A small schema every dialect accepts, with a foreign key, a unique column and an index.
const SHOP: &str = "CREATE TABLE customers (id integer NOT NULL PRIMARY KEY, email varchar(80) NOT NULL UNIQUE);
CREATE TABLE orders (id integer NOT NULL PRIMARY KEY, customer_id integer NOT NULL, total decimal(10, 2) NULL,
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE);
CREATE INDEX idx_orders_total ON orders (total);";

#[test]
fn schema_db_prints_what_each_database_holds() {
    let runtime = runtime();
    for dialect in strata_ir::Dialect::ALL {
        let Some(db) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
            continue;
        };
        runtime.block_on(db.execute(SHOP));
        let ddl = check(&fixtures(), &["--database-url", &db.url, "schema", "db"]);
        let json = check(
            &fixtures(),
            &[
                "--database-url",
                &db.url,
                "schema",
                "db",
                "--format",
                "json",
            ],
        );
        runtime.block_on(db.drop());

        assert_eq!(ddl.code, 0, "{dialect}: {}", ddl.stderr);
        let q = |name: &str| dialect.quote(name);
        for expected in [
            format!("CREATE TABLE {}", q("customers")),
            format!("CREATE TABLE {}", q("orders")),
            format!("CREATE INDEX {} ON", q("idx_orders_total")),
            format!(
                "REFERENCES {} ({}) ON DELETE CASCADE",
                q("customers"),
                q("id")
            ),
        ] {
            assert!(
                ddl.stdout.contains(&expected),
                "{dialect}: no `{expected}` in\n{}",
                ddl.stdout
            );
        }
        assert_eq!(json.code, 0, "{dialect}: {}", json.stderr);
        let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        let names: Vec<&str> = json["tables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["customers", "orders"], "{dialect}");
    }
}

#[test]
fn schema_db_errors_name_the_server_and_hide_the_password() {
    let cases = [
        (
            "postgres://app:hunter2@127.0.0.1:1/shop",
            "cannot reach the postgres server at 127.0.0.1:1",
        ),
        (
            "mysql://app:hunter2@127.0.0.1:1/shop",
            "cannot reach the mysql server at 127.0.0.1:1",
        ),
        (
            "postgres://app:hunter2@127.0.0.1:port/shop",
            "invalid port number",
        ),
    ];
    for (url, expected) in cases {
        let run = check(&fixtures(), &["--database-url", url, "schema", "db"]);
        assert_eq!(run.code, 2, "{url}");
        assert!(run.stderr.contains(expected), "{url}: {}", run.stderr);
        assert!(run.stderr.contains("help: "), "{url}: {}", run.stderr);
        assert!(!run.stderr.contains("hunter2"), "{url}: {}", run.stderr);
    }
    let run = check(&fixtures(), &["schema", "db"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no database URL"), "{}", run.stderr);
}

#[test]
fn diff_prints_the_up_sql_and_exits_1_until_in_sync() {
    let case = fixtures().join("../diff/rename_declared");
    let (before, after) = (case.join("before"), case.join("after"));
    let runtime = runtime();
    let db = runtime
        .block_on(strata_testkit::TestDb::create(strata_ir::Dialect::Sqlite))
        .unwrap();
    let ddl = check(
        &fixtures(),
        &[
            "--models",
            &before.display().to_string(),
            "schema",
            "models",
        ],
    );
    runtime.block_on(db.execute(&ddl.stdout));
    let url = db.url.clone();
    let in_sync = check(
        &fixtures(),
        &[
            "--database-url",
            &url,
            "--models",
            &before.display().to_string(),
            "diff",
        ],
    );
    let behind = check(
        &fixtures(),
        &[
            "--database-url",
            &url,
            "--models",
            &after.display().to_string(),
            "diff",
        ],
    );
    runtime.block_on(db.drop());
    assert_eq!(in_sync.code, 0, "{}", in_sync.stderr);
    assert!(in_sync.stdout.is_empty());
    assert!(in_sync.stderr.contains("no changes"), "{}", in_sync.stderr);
    assert_eq!(behind.code, 1, "{}", behind.stderr);
    assert_eq!(
        behind.stdout,
        "ALTER TABLE \"users\" RENAME COLUMN \"name\" TO \"full_name\";\n"
    );
    assert!(behind.stderr.contains("~ column users.name -> full_name"));
}

#[test]
fn revisions_form_a_checked_history() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let first = check(dir, &["revision", "-m", "create users"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let second = check(dir, &["revision", "-m", "add posts"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let id = |run: &Run| {
        let name = Path::new(run.stdout.trim())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        name.split('_').take(2).collect::<Vec<_>>().join("_")
    };
    let (a, b) = (id(&first), id(&second));
    assert!(a < b, "ids sort by creation: {a} {b}");

    let history = check(dir, &["history"]);
    assert_eq!(
        history.stdout,
        format!("{a} -> {b} (head), add posts\n<base> -> {a}, create users\n")
    );
    let heads = check(dir, &["heads"]);
    assert_eq!(heads.stdout, format!("{b} (head)  add posts\n"));
    let show = check(dir, &["show", &b]);
    assert!(
        show.stdout.contains(&format!("parents: {a}")),
        "{}",
        show.stdout
    );

    // An edit is caught by the checksum file, and `hash` accepts it.
    let up = Path::new(first.stdout.trim()).join("up.sql");
    std::fs::write(&up, "CREATE TABLE users (id integer);\n").unwrap();
    let refused = check(dir, &["revision", "-m", "third"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("create_users changed after the checksum file"),
        "{}",
        refused.stderr
    );
    assert_eq!(check(dir, &["hash"]).code, 0);

    // Two branches: `revision` refuses the ambiguous head, `merge` joins them.
    let branch = Path::new(second.stdout.trim())
        .parent()
        .unwrap()
        .join(format!("{}_zz_branch", a));
    std::fs::create_dir_all(&branch).unwrap();
    std::fs::write(
        branch.join("revision.toml"),
        format!("id = \"{a}_zz\"\nparents = [\"{a}\"]\nmessage = \"branch\"\ncreated = \"2026-01-01T00:00:00Z\"\n"),
    )
    .unwrap();
    std::fs::write(branch.join("up.sql"), "").unwrap();
    std::fs::write(branch.join("down.sql"), "").unwrap();
    assert_eq!(check(dir, &["hash"]).code, 0);
    let ambiguous = check(dir, &["revision", "-m", "fourth"]);
    assert_eq!(ambiguous.code, 2);
    assert!(
        ambiguous.stderr.contains("strata merge"),
        "{}",
        ambiguous.stderr
    );
    let merged = check(dir, &["merge", "-m", "join"]);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let heads = check(dir, &["heads"]);
    assert_eq!(heads.stdout.lines().count(), 1, "{}", heads.stdout);
    assert!(heads.stdout.ends_with("join\n"), "{}", heads.stdout);
}

/// Writes a revision directory by hand (as `strata revision` would, then edited).
fn write_revision(dir: &Path, id: &str, parents: &[&str], up: &str, down: &str) {
    let rev = dir.join("migrations").join(format!("{id}_r"));
    std::fs::create_dir_all(&rev).unwrap();
    let parents: Vec<String> = parents.iter().map(|p| format!("\"{p}\"")).collect();
    std::fs::write(
        rev.join("revision.toml"),
        format!(
            "id = \"{id}\"\nparents = [{}]\nmessage = \"{id}\"\ncreated = \"2026-11-21T00:00:00Z\"\n",
            parents.join(", ")
        ),
    )
    .unwrap();
    std::fs::write(rev.join("up.sql"), up).unwrap();
    std::fs::write(rev.join("down.sql"), down).unwrap();
}

/// The tables `strata schema db` reads, by name.
fn tables(dir: &Path, url: &str) -> Vec<String> {
    let run = check(
        dir,
        &["--database-url", url, "schema", "db", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn upgrade_and_downgrade_round_trip_on_every_dialect() {
    let runtime = runtime();
    for dialect in strata_ir::Dialect::ALL {
        let Some(db) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
            continue;
        };
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        write_revision(
            dir,
            "001",
            &[],
            "CREATE TABLE a (id integer PRIMARY KEY);\n",
            "DROP TABLE a;\n",
        );
        write_revision(
            dir,
            "002",
            &["001"],
            "CREATE TABLE b (id integer PRIMARY KEY);\n",
            "DROP TABLE b;\n",
        );
        write_revision(
            dir,
            "003",
            &["002"],
            "CREATE TABLE c (id integer PRIMARY KEY);\n",
            "DROP TABLE c;\n",
        );
        assert_eq!(check(dir, &["hash"]).code, 0);
        let url = db.url.clone();
        let run = |args: &[&str]| {
            let mut all = vec!["--database-url", url.as_str()];
            all.extend_from_slice(args);
            let run = check(dir, &all);
            assert_eq!(run.code, 0, "{dialect} {args:?}: {}", run.stderr);
            run.stdout
        };
        let steps: Vec<(&[&str], &[&str], &str)> = vec![
            (&["upgrade", "head"], &["a", "b", "c"], "003 (head)\n"),
            (&["downgrade", "-1"], &["a", "b"], "002\n"),
            (
                &["downgrade", "base"],
                &[],
                "<base> (no revision applied)\n",
            ),
            (&["upgrade", "+2"], &["a", "b"], "002\n"),
            (&["upgrade"], &["a", "b", "c"], "003 (head)\n"),
            (&["downgrade", "001"], &["a"], "001\n"),
        ];
        for (args, expected_tables, expected_current) in steps {
            run(args);
            let mut found = tables(dir, &url);
            found.retain(|t| t != "strata_revisions");
            assert_eq!(found, expected_tables, "{dialect} after {args:?}");
            assert_eq!(
                run(&["current"]),
                expected_current,
                "{dialect} after {args:?}"
            );
        }
        // Nothing to do is not an error.
        run(&["upgrade", "001"]);

        // history marks what is applied.
        let listed = run(&["history"]);
        assert!(
            listed.contains("-> 003 (head, pending), 003"),
            "{dialect}: {listed}"
        );
        assert!(
            listed.contains("<base> -> 001 (applied), 001"),
            "{dialect}: {listed}"
        );

        // stamp records without running SQL.
        assert!(run(&["stamp", "003"]).starts_with("stamped 003"));
        assert_eq!(run(&["current"]), "003 (head)\n", "{dialect}");
        let mut found = tables(dir, &url);
        found.retain(|t| t != "strata_revisions");
        assert_eq!(found, ["a"], "{dialect}: stamp runs no SQL");
        run(&["stamp", "001"]);
        assert_eq!(run(&["current"]), "001\n", "{dialect}");

        // --sql prints what would run and touches nothing.
        let offline = run(&["upgrade", "--sql"]);
        assert!(
            offline.contains("CREATE TABLE b (id integer PRIMARY KEY);"),
            "{offline}"
        );
        assert!(
            offline.contains("INSERT INTO strata_revisions"),
            "{offline}"
        );
        assert_eq!(
            offline.contains("BEGIN;"),
            dialect != strata_ir::Dialect::Mysql,
            "{dialect}: {offline}"
        );
        assert_eq!(run(&["current"]), "001\n", "{dialect}");
        let offline_down = run(&["downgrade", "base", "--sql"]);
        assert!(offline_down.contains("DROP TABLE c;"), "{offline_down}");

        // An applied revision whose files changed is refused by name.
        let up_sql = dir.join("migrations/001_r/up.sql");
        let original = std::fs::read_to_string(&up_sql).unwrap();
        std::fs::write(&up_sql, "CREATE TABLE a (id bigint PRIMARY KEY);\n").unwrap();
        assert_eq!(check(dir, &["hash"]).code, 0);
        let refused = check(dir, &["--database-url", &url, "upgrade"]);
        assert_eq!(refused.code, 2);
        assert!(
            refused
                .stderr
                .contains("revision 001 was applied, but its files have changed"),
            "{dialect}: {}",
            refused.stderr
        );
        std::fs::write(&up_sql, original).unwrap();
        assert_eq!(check(dir, &["hash"]).code, 0);

        // A failing revision names itself and leaves nothing half-done where the database can
        // roll back.
        write_revision(
            dir,
            "004",
            &["003"],
            "CREATE TABLE d (id integer PRIMARY KEY);\nCREATE TABLE d (id integer);\n",
            "DROP TABLE d;\n",
        );
        assert_eq!(check(dir, &["hash"]).code, 0);
        run(&["upgrade", "003"]);
        let failed = check(dir, &["--database-url", &url, "upgrade"]);
        assert_eq!(failed.code, 2, "{dialect}");
        let found = tables(dir, &url);
        match dialect {
            strata_ir::Dialect::Mysql => {
                // DDL committed part-way: the failure is recorded with its statement and blocks
                // the next run.
                for out in [&failed, &check(dir, &["--database-url", &url, "upgrade"])] {
                    assert_eq!(out.code, 2);
                    assert!(
                        out.stderr.contains("revision 004 failed at step 2 of 2")
                            && out.stderr.contains("up.sql line 2:")
                            && out.stderr.contains("CREATE TABLE d (id integer)")
                            && out.stderr.contains("already exists")
                            && out.stderr.contains("strata resolve 004 --rolled-back"),
                        "{}",
                        out.stderr
                    );
                }
                assert!(run(&["current"]).contains("004 (head, FAILED at step 2 of 2)"));
            }
            _ => {
                assert!(
                    failed.stderr.contains("revision 004 (up.sql")
                        && failed.stderr.contains("failed and was rolled back"),
                    "{dialect}: {}",
                    failed.stderr
                );
                assert!(
                    !found.contains(&"d".to_owned()),
                    "{dialect}: rolled back: {found:?}"
                );
                assert_eq!(run(&["current"]), "003\n", "{dialect}");
            }
        }
        runtime.block_on(db.drop());
    }
}

#[test]
fn concurrent_upgrades_apply_each_revision_once() {
    let runtime = runtime();
    for dialect in [strata_ir::Dialect::Postgres, strata_ir::Dialect::Mysql] {
        let Some(db) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
            continue;
        };
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        write_revision(
            dir,
            "001",
            &[],
            "CREATE TABLE log (n integer NOT NULL);\n",
            "DROP TABLE log;\n",
        );
        let mut parent = "001".to_owned();
        for i in 2..=6 {
            let id = format!("{i:03}");
            write_revision(
                dir,
                &id,
                &[&parent],
                &format!("INSERT INTO log (n) VALUES ({i});\n"),
                &format!("DELETE FROM log WHERE n = {i};\n"),
            );
            parent = id;
        }
        assert_eq!(check(dir, &["hash"]).code, 0);
        // Eight containers starting at once.
        let children: Vec<std::process::Child> = (0..8)
            .map(|_| {
                std::process::Command::new(assert_cmd::cargo::cargo_bin("strata"))
                    .current_dir(dir)
                    .env_remove("DATABASE_URL")
                    .args(["--database-url", &db.url, "upgrade", "head"])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let outputs: Vec<std::process::Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let rows = runtime.block_on(db.scalar("SELECT COUNT(*) FROM log"));
        let recorded = runtime.block_on(db.scalar("SELECT COUNT(*) FROM strata_revisions"));
        runtime.block_on(db.drop());
        for out in &outputs {
            assert!(
                out.status.success(),
                "{dialect}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let applied: usize = outputs
            .iter()
            .map(|o| {
                // The others say `<id> already applied by another process`.
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .filter(|l| l.starts_with("applied "))
                    .count()
            })
            .sum();
        assert_eq!(
            applied, 6,
            "{dialect}: each revision applied by exactly one process"
        );
        assert_eq!(rows, 5, "{dialect}: every insert ran once");
        assert_eq!(recorded, 6, "{dialect}");
    }
}

/// The workflow fixture (`fixtures/workflow`): a schema that evolves step by step.
fn workflow(step: &str) -> PathBuf {
    fixtures().join("../workflow").join(step)
}

/// Copies a workflow step's entity files over `dir/src/entities`.
fn overlay(dir: &Path, step: &str) {
    let entities = dir.join("src/entities");
    std::fs::create_dir_all(&entities).unwrap();
    for entry in std::fs::read_dir(workflow(step)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), entities.join(entry.file_name())).unwrap();
    }
}

/// The directory an `autogenerate` run reports writing (`wrote <dir>`).
fn written(run: &Run) -> PathBuf {
    let line = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("wrote "))
        .unwrap_or_else(|| panic!("no `wrote` line in:\n{}{}", run.stdout, run.stderr));
    PathBuf::from(line)
}

/// Asserts the exit code, showing the output when it is not the expected one.
#[track_caller]
fn expect(run: &Run, code: i32, what: &str) {
    assert_eq!(
        run.code, code,
        "{what}\n--- stdout\n{}\n--- stderr\n{}",
        run.stdout, run.stderr
    );
}

/// The seed guides' workflow through the real binary, on every dialect: edit an entity, `check`
/// sees it, `autogenerate` writes a revision (its SQL snapshotted for review), `upgrade head`
/// applies it and `check` is clean; roll back and forward; two branches joined by `merge`;
/// `check --history` catching an entity change with no revision; a new clone upgraded from
/// nothing.
#[test]
fn the_seed_guide_workflow_on_every_dialect() {
    const STEPS: &[&str] = &[
        "1_add_nullable_column",
        "2_add_not_null_column_with_default",
        "3_change_type",
        "4_add_index",
        "5_add_table_with_foreign_key",
        "6_add_enum_value",
    ];
    let runtime = runtime();
    for dialect in strata_ir::Dialect::ALL {
        let Some(db) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
            continue;
        };
        let Some(clone_db) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
            continue;
        };
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        let on = |url: &str, args: &[&str]| {
            let mut all = vec!["--database-url", url];
            all.extend_from_slice(args);
            check(dir, &all)
        };
        let strata = |args: &[&str]| on(&db.url, args);
        overlay(dir, "0_initial");
        expect(
            &strata(&["autogenerate", "-m", "initial"]),
            0,
            "first revision",
        );
        expect(&strata(&["upgrade", "head"]), 0, "first upgrade");
        expect(&strata(&["check"]), 0, "in sync after the first upgrade");

        for step in STEPS {
            let what = format!("{dialect} {step}");
            overlay(dir, step);
            let drift = strata(&["check"]);
            if dialect == strata_ir::Dialect::Sqlite && *step == "3_change_type" {
                // A varchar length SQLite neither stores nor enforces: no change, no rebuild.
                expect(&drift, 0, &what);
                continue;
            }
            expect(&drift, 1, &what);
            assert!(drift.stdout.contains("differ"), "{what}: {}", drift.stdout);
            let generated = strata(&["autogenerate", "-m", step]);
            expect(&generated, 0, &what);
            let revision = written(&generated);
            let up = std::fs::read_to_string(revision.join("up.sql")).unwrap();
            let down = std::fs::read_to_string(revision.join("down.sql")).unwrap();
            let meta = std::fs::read_to_string(revision.join("revision.toml")).unwrap();
            // PostgreSQL cannot use a new enum label in the transaction that adds it.
            let own_transaction =
                dialect == strata_ir::Dialect::Postgres && *step == "6_add_enum_value";
            assert_eq!(
                meta.contains("transactional = false"),
                own_transaction,
                "{what}: {meta}"
            );
            insta::assert_snapshot!(
                format!("workflow_{dialect}_{step}"),
                format!("-- up.sql\n{up}\n-- down.sql\n{down}")
            );
            expect(&strata(&["upgrade", "head"]), 0, &what);
            expect(&strata(&["check"]), 0, &what);
        }

        // Rolling the last revision back is drift; rolling forward again is clean.
        expect(&strata(&["downgrade", "-1"]), 0, "downgrade -1");
        let behind = strata(&["check"]);
        expect(&behind, 1, "check after downgrade");
        assert!(
            behind.stdout.contains("pending revision"),
            "{}",
            behind.stdout
        );
        expect(&strata(&["upgrade", "head"]), 0, "upgrade after downgrade");
        expect(&strata(&["check"]), 0, "check after upgrade");

        // Two branches each add a revision on the same head; joined by a merge.
        overlay(dir, "branch_a");
        let a = written(&strata(&["autogenerate", "-m", "add tags"]));
        let aside = dir.join("aside");
        std::fs::rename(&a, &aside).unwrap();
        std::fs::remove_file(dir.join("src/entities/tags.rs")).unwrap();
        expect(&strata(&["hash"]), 0, "hash without branch a");
        overlay(dir, "branch_b");
        let b = strata(&["autogenerate", "-m", "add avatar"]);
        expect(&b, 0, "branch b");
        std::fs::rename(&aside, &a).unwrap();
        overlay(dir, "branch_a");
        let edited = strata(&["upgrade", "head"]);
        expect(
            &edited,
            2,
            "the checksum file predates the merge of branches",
        );
        expect(&strata(&["hash"]), 0, "hash after the branches meet");
        let heads = strata(&["heads"]);
        assert_eq!(heads.stdout.lines().count(), 2, "{}", heads.stdout);
        let two = strata(&["upgrade", "head"]);
        expect(&two, 2, "upgrade with two heads");
        assert!(two.stderr.contains("strata merge"), "{}", two.stderr);
        expect(&strata(&["merge", "-m", "join branches"]), 0, "merge");
        expect(&strata(&["upgrade", "head"]), 0, "upgrade after merge");
        expect(&strata(&["check"]), 0, "check after merge");

        // `check --history` needs no live database at head: it replays the revisions.
        expect(&strata(&["check", "--history"]), 0, "history in sync");
        overlay(dir, "drift");
        let missing = strata(&["check", "--history"]);
        expect(&missing, 1, "an entity change with no revision");
        assert!(
            missing.stdout.contains("+ column users.nickname"),
            "{}",
            missing.stdout
        );
        let json = strata(&["check", "--history", "--format", "json"]);
        expect(&json, 1, "check --history --format json");
        let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(report["in_sync"], false);
        assert_eq!(report["compared_with"], "migrations");
        assert_eq!(report["dialect"], dialect.name());
        assert_eq!(report["changes"][0]["kind"], "add_column");
        assert!(
            report["schema_diff"]
                .as_str()
                .unwrap()
                .contains("+++ entities"),
            "{report}"
        );
        expect(
            &strata(&["autogenerate", "--history", "-m", "add nickname"]),
            0,
            "autogenerate --history",
        );
        expect(&strata(&["check", "--history"]), 0, "history in sync again");
        expect(&strata(&["check"]), 1, "the live database is behind");
        expect(&strata(&["upgrade", "head"]), 0, "upgrade to the new head");

        // A new clone: an empty database upgraded from base ends where the entities are.
        expect(&on(&clone_db.url, &["upgrade", "head"]), 0, "new clone");
        expect(&on(&clone_db.url, &["check"]), 0, "new clone in sync");
        runtime.block_on(db.drop());
        runtime.block_on(clone_db.drop());
    }
}

/// A DB-first project adopts strata: the entities `sea-orm-cli generate entity` wrote from the
/// database (no defaults, comments, lengths, plain indexes; in the expanded format no actions or
/// composite uniques) are read as partial, so nothing is proposed for dropping; a baseline
/// revision records the database as it is, and the next entity edit is the only change.
#[test]
fn a_db_first_project_adopts_strata_without_being_told_to_drop_anything() {
    let runtime = runtime();
    let Some(db) = runtime.block_on(strata_testkit::TestDb::create(strata_ir::Dialect::Postgres))
    else {
        return;
    };
    let schema = std::fs::read_to_string(fixtures().join("../seaorm-cli/schema.sql")).unwrap();
    runtime.block_on(db.execute(&schema));
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    std::fs::write(
        dir.join("strata.toml"),
        format!("database_url = \"{}\"\nentities = \"partial\"\n", db.url),
    )
    .unwrap();
    let complete = dir.join("complete.toml");
    std::fs::write(&complete, "entities = \"complete\"\n").unwrap();
    let complete = complete.display().to_string();
    for format in ["compact", "dense", "expanded"] {
        let set = models(&format!("ok/seaorm_cli_{format}"));
        let literal = check(
            dir,
            &[
                "--config",
                &complete,
                "--database-url",
                &db.url,
                "--models",
                &set,
                "check",
            ],
        );
        expect(
            &literal,
            1,
            &format!("{format}: read as complete, the entities omit things"),
        );
        let partial = check(dir, &["--models", &set, "check"]);
        expect(&partial, 0, &format!("{format}: read as partial"));
    }
    let set = fixtures().join("ok/seaorm_cli_compact");
    let entities = dir.join("src/entities");
    std::fs::create_dir_all(&entities).unwrap();
    for entry in std::fs::read_dir(&set).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), entities.join(entry.file_name())).unwrap();
    }
    let baseline = check(dir, &["baseline"]);
    expect(&baseline, 0, "baseline");
    assert!(
        baseline.stdout.contains("recorded it as applied"),
        "{}",
        baseline.stdout
    );
    expect(&check(dir, &["check"]), 0, "in sync after the baseline");
    expect(
        &check(dir, &["check", "--history"]),
        0,
        "the baseline replays to the database",
    );

    let users = entities.join("users.rs");
    let text = std::fs::read_to_string(&users).unwrap();
    let edited = text.replacen(
        "    pub email: String,\n",
        "    pub email: String,\n    pub nickname: Option<String>,\n",
        1,
    );
    assert_ne!(edited, text, "users.rs has an email field");
    std::fs::write(&users, edited).unwrap();
    let drift = check(dir, &["check"]);
    expect(&drift, 1, "the new field");
    assert!(drift.stdout.contains("(1 change(s))"), "{}", drift.stdout);
    assert!(
        drift.stdout.contains("+ column users.nickname"),
        "{}",
        drift.stdout
    );
    expect(
        &check(dir, &["autogenerate", "-m", "add nickname"]),
        0,
        "autogenerate",
    );
    expect(&check(dir, &["upgrade", "head"]), 0, "upgrade");
    expect(&check(dir, &["check"]), 0, "in sync");
    expect(&check(dir, &["check", "--history"]), 0, "history in sync");
    runtime.block_on(db.drop());
}

/// `check --history` needs no database at all with the SQLite default: it replays in memory and
/// leaves no file behind. Piped, nothing but the report is printed (no progress, no color).
#[test]
fn check_history_needs_no_database_and_prints_plainly() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    overlay(dir, "0_initial");
    let empty = check(dir, &["check", "--history"]);
    expect(&empty, 1, "no revisions yet");
    assert!(empty.stdout.contains("+ table users"), "{}", empty.stdout);
    assert!(empty.stderr.is_empty(), "{}", empty.stderr);
    assert!(!empty.stdout.contains('\u{1b}'), "{}", empty.stdout);
    expect(
        &check(dir, &["autogenerate", "--history", "-m", "initial"]),
        0,
        "autogenerate --history",
    );
    let clean = check(dir, &["check", "--history"]);
    expect(&clean, 0, "in sync");
    assert_eq!(
        clean.stdout,
        "in sync: the migration history (1 revision(s)) matches the entities\n"
    );
    assert!(clean.stderr.is_empty(), "{}", clean.stderr);
    let files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 2, "only src/ and migrations/: {files:?}");
}

/// An applied revision edited afterwards (and re-hashed, so the checksum file agrees) is still
/// caught: the database recorded what it ran.
#[test]
fn check_reports_applied_revisions_whose_files_changed() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let url = format!("sqlite://{}/dev.db?mode=rwc", dir.display());
    let strata = |args: &[&str]| {
        let mut all = vec!["--database-url", url.as_str()];
        all.extend_from_slice(args);
        check(dir, &all)
    };
    overlay(dir, "0_initial");
    let revision = written(&strata(&["autogenerate", "-m", "initial"]));
    expect(&strata(&["upgrade", "head"]), 0, "upgrade");
    let up = revision.join("up.sql");
    let text = std::fs::read_to_string(&up).unwrap();
    std::fs::write(&up, format!("{text}\n-- an afterthought\n")).unwrap();
    let refused = strata(&["check"]);
    expect(&refused, 2, "the checksum file no longer matches");
    assert!(refused.stderr.contains("strata hash"), "{}", refused.stderr);
    expect(&strata(&["hash"]), 0, "hash");
    let edited = strata(&["check"]);
    expect(&edited, 1, "the database ran other files");
    assert!(
        edited.stdout.contains("was applied from different files"),
        "{}",
        edited.stdout
    );
    let json = strata(&["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["in_sync"], false);
    assert_eq!(report["edited"].as_array().map(Vec::len), Some(1));
}

/// `lib.rs` as `sea-orm-cli migrate init` 2.0.4 writes it, with its first migration.
const SEAORM_LIB_RS: &str = "pub use sea_orm_migration::prelude::*;\n\nmod m20220101_000001_create_table;\n\npub struct Migrator;\n\n#[async_trait::async_trait]\nimpl MigratorTrait for Migrator {\n    fn migrations() -> Vec<Box<dyn MigrationTrait>> {\n        vec![Box::new(m20220101_000001_create_table::Migration)]\n    }\n}\n";

/// A team that keeps a sea-orm-migration crate: `init --emit sea-orm` finds it, `autogenerate`
/// writes a migration file into it and registers it the way sea-orm-cli does, and migrations
/// the database has not run (per `seaql_migrations`) are pending for `check` and refuse
/// `autogenerate`.
#[test]
fn sea_orm_migration_output_goes_into_the_migration_crate() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let krate = dir.join("migration");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::write(krate.join("src/lib.rs"), SEAORM_LIB_RS).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"migration\"\n\n[dependencies.sea-orm-migration]\nversion = \"~2.0.4\"\nfeatures = [\n  # \"sqlx-postgres\",\n  \"sqlx-sqlite\",\n]\n",
    )
    .unwrap();
    let init = check(dir, &["init", "--emit", "sea-orm"]);
    expect(&init, 0, "init --emit sea-orm");
    assert!(
        init.stdout.contains("migration crate migration (sqlite)"),
        "{}",
        init.stdout
    );
    let toml = std::fs::read_to_string(dir.join("strata.toml")).unwrap();
    assert!(toml.contains("emit = \"sea-orm\""), "{toml}");
    assert!(!dir.join("migrations").exists());

    overlay(dir, "0_initial");
    let url = format!("sqlite://{}/dev.db?mode=rwc", dir.display());
    let strata = |args: &[&str]| {
        let mut all = vec!["--database-url", url.as_str()];
        all.extend_from_slice(args);
        check(dir, &all)
    };
    // The crate's first migration has not run: pending.
    let behind = strata(&["autogenerate", "-m", "create users and posts"]);
    expect(&behind, 2, "a registered migration has not run");
    assert!(
        behind.stderr.contains("1 pending migration(s)")
            && behind.stderr.contains("cargo run -p migration -- up"),
        "{}",
        behind.stderr
    );

    // As if `cargo run -p migration -- up` had run it (it creates nothing here).
    let runtime = runtime();
    runtime.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::raw_sql(
            "CREATE TABLE seaql_migrations (version varchar NOT NULL PRIMARY KEY, applied_at bigint NOT NULL);
             INSERT INTO seaql_migrations VALUES ('m20220101_000001_create_table', 0);",
        )
        .execute(&mut c)
        .await
        .unwrap();
    });
    let written = strata(&["autogenerate", "-m", "create users and posts"]);
    expect(&written, 0, "autogenerate --emit sea-orm");
    let file = written
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("wrote "))
        .and_then(|l| l.split(" (").next())
        .map(PathBuf::from)
        .unwrap();
    let module = file.file_stem().unwrap().to_string_lossy().into_owned();
    assert!(module.ends_with("_create_users_and_posts"), "{module}");
    let source = std::fs::read_to_string(&file).unwrap();
    assert!(
        source.contains("manager") && source.contains("create_table"),
        "{source}"
    );
    let lib = std::fs::read_to_string(krate.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains(&format!(
            "mod m20220101_000001_create_table;\nmod {module};\n"
        )),
        "{lib}"
    );
    assert!(
        lib.contains(&format!(
            "vec![\n            Box::new(m20220101_000001_create_table::Migration),\n            Box::new({module}::Migration),\n        ]"
        )),
        "{lib}"
    );
    let pending = strata(&["check"]);
    expect(&pending, 1, "the new migration has not run");
    assert!(pending.stdout.contains(&module), "{}", pending.stdout);
    assert!(
        strata(&["check", "--history"])
            .stderr
            .contains("--history replays strata's SQL revisions")
    );
}

/// Copies the entity files of `fixtures/diff/<case>/<side>` into `dir/src/entities`, replacing
/// what was there.
fn entities_from(dir: &Path, case: &str, side: &str) {
    let entities = dir.join("src/entities");
    let _ = std::fs::remove_dir_all(&entities);
    std::fs::create_dir_all(&entities).unwrap();
    let from = fixtures().join("../diff").join(case).join(side);
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), entities.join(entry.file_name())).unwrap();
    }
}

/// Names, comments, defaults, enum labels (`fixtures/diff/hostile_text`) and `-m` messages
/// holding newlines, quotes, backslashes, `*/`, `--` and `;` go through autogenerate, upgrade,
/// check, downgrade and upgrade again on every dialect as data: the canary table `victims` and
/// its rows survive every step, and the round trips hold.
#[test]
fn hostile_text_never_runs_as_sql_on_every_dialect() {
    let messages = [
        "create\nDROP TABLE victims; --",
        "add notes */ ' \\ \r\nDROP TABLE victims; -- é",
    ];
    let runtime = runtime();
    for dialect in strata_ir::Dialect::ALL {
        let Some(db) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
            continue;
        };
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        let strata = |args: &[&str]| {
            let mut all = vec!["--database-url", db.url.as_str()];
            all.extend_from_slice(args);
            check(dir, &all)
        };
        let canary = || runtime.block_on(db.scalar("SELECT COUNT(*) FROM victims"));
        entities_from(dir, "hostile_text", "before");
        expect(
            &strata(&["autogenerate", "-m", messages[0]]),
            0,
            "first revision",
        );
        expect(&strata(&["upgrade", "head"]), 0, "first upgrade");
        runtime.block_on(
            db.execute("INSERT INTO victims (id, name) VALUES (1, 'canary'), (2, 'still here')"),
        );
        expect(&strata(&["check"]), 0, "in sync");

        entities_from(dir, "hostile_text", "after");
        let second = strata(&["autogenerate", "-m", messages[1]]);
        expect(&second, 0, &format!("{dialect}: second revision"));
        // The two-line message is two comment lines, not a comment and a statement.
        let up = std::fs::read_to_string(written(&second).join("up.sql")).unwrap();
        let header: Vec<&str> = up.lines().take(2).collect();
        assert_eq!(
            header,
            ["-- add notes */ ' \\ ", "-- DROP TABLE victims; -- é"],
            "{dialect}"
        );
        expect(&strata(&["upgrade", "head", "--sql"]), 0, "--sql");
        for (step, args, code) in [
            ("upgrade", &["upgrade", "head"][..], 0),
            ("check after upgrade", &["check"][..], 0),
            ("downgrade", &["downgrade", "-1"][..], 0),
            ("check after downgrade", &["check"][..], 1),
            ("upgrade again", &["upgrade", "head"][..], 0),
            ("check again", &["check"][..], 0),
        ] {
            expect(&strata(args), code, &format!("{dialect}: {step}"));
            assert_eq!(canary(), 2, "{dialect}: the canary lost rows at {step}");
        }
        let history = strata(&["history"]);
        expect(&history, 0, "history");
        runtime.block_on(db.drop());
    }
}

/// What no database can store is refused before anything runs: a NUL in a name, and a
/// revision id that is not plain ASCII letters, digits, `_` and `-`.
#[test]
fn nul_in_names_and_odd_revision_ids_are_refused_with_the_file_named() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let url = format!("sqlite:{}", dir.join("app.db").display());
    let strata = |args: &[&str]| {
        let mut all = vec!["--database-url", url.as_str()];
        all.extend_from_slice(args);
        check(dir, &all)
    };
    entities_from(dir, "hostile_text", "before");
    std::fs::write(
        dir.join("src/entities/nul.rs"),
        "use sea_orm::entity::prelude::*;\n\
         #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n\
         #[sea_orm(table_name = \"a\\0b\")]\n\
         pub struct Model {\n    #[sea_orm(primary_key)]\n    pub id: i32,\n}\n",
    )
    .unwrap();
    let refused = strata(&["autogenerate", "-m", "nul"]);
    expect(&refused, 2, "a NUL in a table name");
    assert!(refused.stderr.contains("NUL"), "{}", refused.stderr);
    assert!(
        !dir.join("migrations").exists()
            || std::fs::read_dir(dir.join("migrations")).unwrap().count() <= 1
    );

    std::fs::remove_file(dir.join("src/entities/nul.rs")).unwrap();
    let first = strata(&["autogenerate", "-m", "first"]);
    expect(&first, 0, "first revision");
    let meta = written(&first).join("revision.toml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let id = text
        .lines()
        .find_map(|l| l.strip_prefix("id = "))
        .unwrap()
        .trim_matches('"')
        .to_owned();
    std::fs::write(&meta, text.replace(&id, "x'); DROP TABLE victims; --")).unwrap();
    let run = strata(&["upgrade", "head"]);
    expect(&run, 2, "an id with quotes");
    assert!(
        run.stderr.contains("revision.toml") && run.stderr.contains("ids are ASCII letters"),
        "{}",
        run.stderr
    );
}

/// A SQLite file that does not exist yet: commands that read see an empty database and create
/// nothing; `upgrade` creates it and says so; a path that cannot be a database is named with
/// the way out.
#[test]
fn a_missing_sqlite_file_reads_empty_and_is_created_by_upgrade() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    entities_from(dir, "hostile_text", "before");
    let url = "sqlite:new.db";
    let strata = |args: &[&str]| {
        let mut all = vec!["--database-url", url];
        all.extend_from_slice(args);
        check(dir, &all)
    };
    expect(&strata(&["check"]), 1, "check on no file");
    expect(&strata(&["current"]), 0, "current on no file");
    expect(
        &strata(&["autogenerate", "-m", "first"]),
        0,
        "autogenerate on no file",
    );
    assert!(
        !dir.join("new.db").exists(),
        "a reading command created the file"
    );
    let upgrade = strata(&["upgrade", "head"]);
    expect(&upgrade, 0, "upgrade creates the file");
    assert!(
        upgrade.stderr.contains("created SQLite database"),
        "{}",
        upgrade.stderr
    );
    assert!(dir.join("new.db").exists());
    expect(&strata(&["check"]), 0, "in sync");

    let nowhere = check(
        dir,
        &[
            "--database-url",
            "sqlite:no/such/dir/app.db",
            "upgrade",
            "head",
        ],
    );
    expect(&nowhere, 2, "a directory that does not exist");
    assert!(
        nowhere.stderr.contains("no/such/dir/app.db")
            && nowhere.stderr.contains("create the directory"),
        "{}",
        nowhere.stderr
    );
}

/// Runs the `sqlite3` shell on `db` with `input` on stdin, stopping at the first error, and
/// returns what it printed. The shell is required: the test fails when it is missing.
fn sqlite3(db: &Path, input: &str) -> String {
    use std::io::Write as _;
    let mut child = std::process::Command::new("sqlite3")
        .arg("-bail")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("this test runs SQL with the sqlite3 shell, which is not installed ({e}): apt-get install sqlite3")
        });
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "sqlite3 failed: {}\n--- input\n{input}\n--- stdout\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// What a rebuild must keep in a SQLite database, as the sqlite3 shell reports it: row counts
/// (the child table's included), the AUTOINCREMENT sequence, and every table, index, view and
/// trigger with its SQL, except the tables the revision changes, whose options, CHECKs and
/// AUTOINCREMENT clause are listed instead.
fn sqlite_state(db: &Path) -> String {
    sqlite3(
        db,
        "SELECT 'accounts', count(*) FROM accounts; \
         SELECT 'entries', count(*), sum(amount) FROM entries; \
         SELECT 'codes', count(*) FROM codes; \
         SELECT 'sequence', name, seq FROM sqlite_sequence WHERE name = 'accounts'; \
         SELECT 'strict', name, strict, wr FROM pragma_table_list WHERE name IN ('accounts', 'codes') ORDER BY name; \
         SELECT 'kept', name, instr(sql, 'AUTOINCREMENT') > 0, instr(sql, 'CHECK') > 0 FROM sqlite_schema WHERE name IN ('accounts', 'codes') ORDER BY name; \
         SELECT type, name, sql FROM sqlite_schema WHERE (type IN ('view', 'trigger', 'index') OR name = 'entries') AND tbl_name <> 'strata_revisions' ORDER BY type, name;",
    )
}

/// A SQLite table rebuild printed by `upgrade --sql` and run by the `sqlite3` shell with foreign
/// keys on (as applications connect) keeps the child rows that `ON DELETE CASCADE` would delete,
/// and the table's triggers, views, indexes, STRICT, WITHOUT ROWID, CHECKs and AUTOINCREMENT
/// sequence; `upgrade` itself keeps the same, and `check` then finds nothing to change.
#[test]
fn a_sqlite_rebuild_keeps_child_rows_and_objects_in_the_sqlite3_shell() {
    let case = fixtures().join("../diff/sqlite_rebuild_keeps_objects");
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let app = dir.join("app.db");
    let schema = std::fs::read_to_string(case.join("schema.sqlite.sql")).unwrap();
    let seed = std::fs::read_to_string(case.join("seed.sql")).unwrap();
    sqlite3(
        &app,
        &format!("PRAGMA foreign_keys = ON;\n{schema}\n{seed}"),
    );
    let initial = sqlite_state(&app);
    assert!(initial.contains("entries|3|320"), "{initial}");

    std::fs::write(
        dir.join("strata.toml"),
        "database_url = \"sqlite:app.db\"\n",
    )
    .unwrap();
    let entities = dir.join("src/entities");
    std::fs::create_dir_all(&entities).unwrap();
    for entry in std::fs::read_dir(case.join("after")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), entities.join(entry.file_name())).unwrap();
    }
    let generated = check(dir, &["autogenerate", "-m", "names and labels optional"]);
    expect(&generated, 0, "autogenerate");
    let up = std::fs::read_to_string(written(&generated).join("up.sql")).unwrap();
    assert_eq!(up.matches("INSERT INTO \"strata_new_").count(), 2, "{up}");

    let offline = check(dir, &["upgrade", "--sql"]);
    expect(&offline, 0, "upgrade --sql");
    let script = &offline.stdout;
    let (off, begin) = (
        script.find("PRAGMA foreign_keys = OFF;"),
        script.find("BEGIN;"),
    );
    assert!(
        off.zip(begin).is_some_and(|(off, begin)| off < begin),
        "enforcement goes off before the transaction:\n{script}"
    );
    let (check_at, commit) = (
        script.rfind("PRAGMA foreign_key_check;"),
        script.rfind("COMMIT;"),
    );
    assert!(
        check_at.zip(commit).is_some_and(|(c, commit)| c < commit),
        "foreign keys are checked before the commit:\n{script}"
    );

    // The script, run by hand on a copy with enforcement on.
    let copy = dir.join("copy.db");
    std::fs::copy(&app, &copy).unwrap();
    sqlite3(&copy, &format!("PRAGMA foreign_keys = ON;\n{script}"));
    let by_shell = sqlite_state(&copy);
    assert_eq!(by_shell, initial, "the sqlite3 shell run of upgrade --sql");
    let nullable = sqlite3(
        &copy,
        "SELECT name, \"notnull\" FROM pragma_table_info('accounts') WHERE name = 'name';",
    );
    assert_eq!(nullable, "name|0\n", "the revision ran");
    // And undone by hand with `downgrade --sql`, the same way.
    let offline_down = check(dir, &["downgrade", "base", "--sql"]);
    expect(&offline_down, 0, "downgrade --sql");
    assert!(
        offline_down
            .stdout
            .starts_with("PRAGMA foreign_keys = OFF;"),
        "{}",
        offline_down.stdout
    );
    sqlite3(
        &copy,
        &format!("PRAGMA foreign_keys = ON;\n{}", offline_down.stdout),
    );
    assert_eq!(
        sqlite_state(&copy),
        initial,
        "the sqlite3 shell run of downgrade --sql"
    );
    let nullable = sqlite3(
        &copy,
        "SELECT name, \"notnull\" FROM pragma_table_info('accounts') WHERE name = 'name';",
    );
    assert_eq!(nullable, "name|1\n", "the revision was undone");

    // The same revision applied by strata.
    expect(&check(dir, &["upgrade", "head"]), 0, "upgrade");
    assert_eq!(sqlite_state(&app), initial, "upgrade head");
    let in_sync = check(dir, &["check"]);
    expect(&in_sync, 0, "in sync after the rebuild");
    assert!(
        in_sync
            .stdout
            .contains("unmanaged: view account totals (left alone)")
            || in_sync
                .stderr
                .contains("unmanaged: view account totals (left alone)"),
        "{}{}",
        in_sync.stdout,
        in_sync.stderr
    );
    // `schema db` prints what it read, options, views and triggers included.
    let ddl = check(dir, &["schema", "db"]);
    expect(&ddl, 0, "schema db");
    for part in [
        ") STRICT;",
        ") STRICT, WITHOUT ROWID;",
        "CREATE VIEW \"big accounts\"",
        "CREATE TRIGGER \"entries post\"",
        "CREATE INDEX \"accounts rich\" ON \"accounts\" (\"balance\") WHERE \"balance\" > 1000;",
    ] {
        assert!(ddl.stdout.contains(part), "{part} in:\n{}", ddl.stdout);
    }

    // And rolled back by strata.
    expect(&check(dir, &["downgrade", "base"]), 0, "downgrade");
    assert_eq!(sqlite_state(&app), initial, "downgrade base");
}

/// Index and key names longer than the server's limit (`fixtures/diff/long_names`: SeaORM's
/// `idx-<28-character table>-<35-character column>` and the like): on every dialect, the
/// revision is written, applied and then `check` and `check --history` are clean. The SQL says
/// what the database holds: PostgreSQL's own truncation to 63 bytes, strata's shortening to 64
/// characters on MySQL (which refuses longer names). A PostgreSQL database made the way SeaORM
/// makes it (the long names sent as they are, cut by the server) is in sync too.
#[test]
fn long_index_and_key_names_fit_the_server_and_compare_clean() {
    let long_index = "idx-customer_subscription_events-previous_billing_cycle_reference_id";
    let runtime = runtime();
    for dialect in strata_ir::Dialect::ALL {
        let Some(db) = runtime.block_on(strata_testkit::TestDb::create(dialect)) else {
            continue;
        };
        let root = tempfile::tempdir().unwrap();
        let dir = root.path();
        let strata = |args: &[&str]| {
            let mut all = vec!["--database-url", db.url.as_str()];
            all.extend_from_slice(args);
            check(dir, &all)
        };
        entities_from(dir, "long_names", "before");
        expect(&strata(&["autogenerate", "-m", "first"]), 0, "first");
        expect(&strata(&["upgrade", "head"]), 0, "first upgrade");
        entities_from(dir, "long_names", "after");
        let second = strata(&["autogenerate", "-m", "long names"]);
        expect(&second, 0, &format!("{dialect}: second revision"));
        let up = std::fs::read_to_string(written(&second).join("up.sql")).unwrap();
        let fitted = dialect.fit_name(long_index).into_owned();
        assert!(
            up.contains(&dialect.quote(&fitted)),
            "{dialect}: {fitted}\n{up}"
        );
        match dialect {
            strata_ir::Dialect::Postgres => assert_eq!(fitted, &long_index[..63]),
            strata_ir::Dialect::Mysql => assert_eq!(fitted.chars().count(), 64),
            strata_ir::Dialect::Sqlite => assert_eq!(fitted, long_index),
        }
        for (step, args, code) in [
            ("upgrade", &["upgrade", "head"][..], 0),
            ("check", &["check"][..], 0),
            ("check --history", &["check", "--history"][..], 0),
            ("downgrade", &["downgrade", "-1"][..], 0),
            ("upgrade again", &["upgrade", "head"][..], 0),
            ("check again", &["check"][..], 0),
        ] {
            expect(&strata(args), code, &format!("{dialect}: {step}"));
        }
        runtime.block_on(db.drop());
    }

    // PostgreSQL, the database made by SeaORM's DDL: the long names as written, which the
    // server truncates.
    let Some(db) = runtime.block_on(strata_testkit::TestDb::create(strata_ir::Dialect::Postgres))
    else {
        return;
    };
    runtime.block_on(db.execute(
        r#"CREATE TABLE "users" ("id" serial PRIMARY KEY, "email" varchar NOT NULL UNIQUE, "name" varchar NOT NULL);
CREATE TABLE "customer_subscription_events" (
  "id" serial PRIMARY KEY,
  "kind" varchar NOT NULL,
  "previous_billing_cycle_reference_id" integer,
  "external_payment_provider_identifier" varchar,
  "billing_account_owner_reference_id" integer,
  "refund_approved_by_support_agent_user_id" integer,
  CONSTRAINT "fk-customer_subscription_events-billing_account_owner_reference_id" FOREIGN KEY ("billing_account_owner_reference_id") REFERENCES "users" ("id"),
  CONSTRAINT "fk_customer_subscription_events_refund_approved_by_support_agent_user" FOREIGN KEY ("refund_approved_by_support_agent_user_id") REFERENCES "users" ("id") ON DELETE SET NULL
);
CREATE INDEX "idx-customer_subscription_events-previous_billing_cycle_reference_id" ON "customer_subscription_events" ("previous_billing_cycle_reference_id");
CREATE UNIQUE INDEX "idx-customer_subscription_events-external_payment_provider_identifier" ON "customer_subscription_events" ("external_payment_provider_identifier");"#,
    ));
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    entities_from(dir, "long_names", "after");
    let run = check(dir, &["--database-url", db.url.as_str(), "check"]);
    expect(&run, 0, "postgres: a database SeaORM made");
    runtime.block_on(db.drop());
}

/// An entity nested thousands of levels deep, in an attribute string or in a function body, is
/// one diagnostic naming the file and line and exit 2, not a stack overflow.
#[test]
fn deep_nesting_in_an_entity_is_an_error_not_a_crash() {
    let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    let bangs = format!("{}true", "!".repeat(5000));
    for (attr, body, line) in [
        (deep.as_str(), "1", 7),
        ("Expr::value(1)", deep.as_str(), 13),
        ("Expr::value(1)", bangs.as_str(), 13),
    ] {
        let root = tempfile::tempdir().unwrap();
        let models = root.path().join("entities");
        std::fs::create_dir_all(&models).unwrap();
        std::fs::write(
            models.join("deep.rs"),
            format!(
                r#"use sea_orm::entity::prelude::*;
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deep")]
pub struct Model {{
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(default_expr = "{attr}")]
    pub value: i32,
}}
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {{}}
fn helper() -> i32 {{
    {body}
}}
"#
            ),
        )
        .unwrap();
        let run = check(
            root.path(),
            &[
                "schema",
                "models",
                "--models",
                "entities",
                "--dialect",
                "postgres",
            ],
        );
        expect(&run, 2, "deep nesting");
        assert!(
            run.stderr.contains("levels deep"),
            "{}",
            &run.stderr[..run.stderr.len().min(2000)]
        );
        assert!(
            run.stderr.contains(&format!("deep.rs:{line}")),
            "line {line}: {}",
            &run.stderr[..run.stderr.len().min(2000)]
        );
    }
}

/// Databases strata did not create compare by meaning (`fixtures/foreign`): an SQLite schema in
/// the common hand-written spelling checks clean against the entities that describe it, with no
/// rebuild proposed; drift planted afterwards is still caught.
#[test]
fn a_hand_written_sqlite_schema_checks_clean() {
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/foreign/sqlite_hand_written");
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    let db = dir.join("app.db");
    sqlite3(
        &db,
        &std::fs::read_to_string(case.join("schema.sql")).unwrap(),
    );
    let entities = dir.join("entities");
    std::fs::create_dir_all(&entities).unwrap();
    for entry in std::fs::read_dir(case.join("entities")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), entities.join(entry.file_name())).unwrap();
    }
    let url = format!("sqlite:{}", db.display());
    let args = |rest: &[&'static str]| {
        let mut args = vec![
            "--database-url".to_owned(),
            url.clone(),
            "--models".to_owned(),
            "entities".to_owned(),
        ];
        args.extend(rest.iter().map(|s| s.to_string()));
        args
    };
    let run = |rest: &[&'static str]| {
        let owned = args(rest);
        let borrowed: Vec<&str> = owned.iter().map(String::as_str).collect();
        check(dir, &borrowed)
    };
    let clean = run(&["check"]);
    assert_eq!(clean.code, 0, "{}\n{}", clean.stdout, clean.stderr);
    let diff = run(&["diff"]);
    assert_eq!(diff.code, 0, "{}\n{}", diff.stdout, diff.stderr);
    // Planted drift: a column the database lacks, and a string made an integer.
    let posts = entities.join("posts.rs");
    let text = std::fs::read_to_string(&posts).unwrap().replace(
        "    pub title: String,",
        "    pub title: i64,\n    pub views: i32,",
    );
    std::fs::write(&posts, text).unwrap();
    let drift = run(&["check"]);
    assert_eq!(drift.code, 1, "{}\n{}", drift.stdout, drift.stderr);
    assert!(
        drift.stdout.contains("posts.views") && drift.stdout.contains("posts.title"),
        "{}",
        drift.stdout
    );
    // Only the planted changes: no phantom type change, no index proposed for dropping.
    assert!(drift.stdout.contains("(2 change(s))"), "{}", drift.stdout);
}
