//! Connections as production has them: TLS against the local PostgreSQL (which runs with a
//! self-signed certificate), Unix sockets, a server that accepts and never answers, and a
//! redaction sweep: every command, every way of giving the URL, every kind of failing server,
//! and the password never shows.

mod support;

use std::time::{Duration, Instant};

use strata_ir::Dialect;
use strata_testkit::TestDb;
use support::{Project, Run};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `url` with its query replaced by `query`.
fn with_query(url: &str, query: &str) -> String {
    let base = url.split('?').next().unwrap();
    format!("{base}?{query}")
}

/// `url` with its host replaced by `host` (keeping port and database).
fn with_host(url: &str, host: &str) -> String {
    let mut parsed = url::Url::parse(url).unwrap();
    parsed.set_host(Some(host)).unwrap();
    parsed.to_string()
}

fn assert_exit(run: &Run, code: i32, what: &str) {
    assert_eq!(
        run.code, code,
        "{what}\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
}

#[test]
fn postgres_tls_modes_connect_or_refuse_clearly() {
    let runtime = runtime();
    let Some(db) = runtime.block_on(TestDb::create(Dialect::Postgres)) else {
        return;
    };
    // The certificate the server presents (self-signed), as its own catalog names it.
    let cert =
        runtime.block_on(db.text("SELECT setting FROM pg_settings WHERE name = 'ssl_cert_file'"));
    let ssl = runtime.block_on(db.text("SHOW ssl"));
    assert_eq!(
        ssl, "on",
        "the local PostgreSQL must run with TLS for this test"
    );

    let require = with_query(&db.url, "sslmode=require");
    let run = Project::new(&require).run(&["current"]);
    assert_exit(&run, 0, "sslmode=require connects");

    // verify-full without the authority: refused, naming TLS and the way out.
    let localhost = with_host(&db.url, "localhost");
    let unverified = with_query(&localhost, "sslmode=verify-full");
    let run = Project::new(&unverified).run(&["current"]);
    assert_exit(&run, 2, "verify-full without the CA refuses");
    assert!(
        run.stderr.contains("TLS")
            && run.stderr.contains("sslrootcert")
            && run.stderr.contains("localhost:"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("at line"), "{}", run.stderr);

    // verify-full with the authority: connects.
    let verified = with_query(
        &localhost,
        &format!("sslmode=verify-full&sslrootcert={cert}"),
    );
    let run = Project::new(&verified).run(&["current"]);
    assert_exit(&run, 0, "verify-full with the CA connects");
    let run = Project::new(&verified).run(&["upgrade", "head"]);
    assert_exit(&run, 0, "upgrade over verified TLS");

    // verify-full with the authority but a host the certificate does not name.
    let wrong_name = with_query(
        &with_host(&db.url, "127.0.0.1"),
        &format!("sslmode=verify-full&sslrootcert={cert}"),
    );
    let run = Project::new(&wrong_name).run(&["current"]);
    assert_exit(&run, 2, "verify-full against a name the certificate lacks");
    assert!(run.stderr.contains("verify-ca"), "{}", run.stderr);
    let run = Project::new(&with_query(
        &with_host(&db.url, "127.0.0.1"),
        &format!("sslmode=verify-ca&sslrootcert={cert}"),
    ))
    .run(&["current"]);
    assert_exit(&run, 0, "verify-ca checks the authority only");
    runtime.block_on(db.drop());
}

#[test]
fn mysql_tls_options_are_read_and_a_server_without_tls_is_named() {
    let runtime = runtime();
    let Some(db) = runtime.block_on(TestDb::create(Dialect::Mysql)) else {
        return;
    };
    let have_ssl = runtime.block_on(db.text(
        "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = 'HAVE_SSL'",
    ));
    let run = Project::new(&with_query(&db.url, "ssl-mode=required")).run(&["current"]);
    if have_ssl == "YES" {
        assert_exit(&run, 0, "ssl-mode=required on a server with TLS");
    } else {
        assert_exit(&run, 2, "ssl-mode=required on a server without TLS");
        assert!(
            run.stderr.contains("TLS") && run.stderr.contains("ssl-mode"),
            "{}",
            run.stderr
        );
    }
    // preferred falls back to plain text on a server without TLS, as the mysql client does.
    let run = Project::new(&with_query(&db.url, "ssl-mode=preferred")).run(&["current"]);
    assert_exit(&run, 0, "ssl-mode=preferred");
    let run = Project::new(&with_query(&db.url, "ssl-mode=sometimes")).run(&["current"]);
    assert_exit(&run, 2, "an unknown ssl-mode");
    assert!(run.stderr.contains("bad database URL"), "{}", run.stderr);
    runtime.block_on(db.drop());
}

#[test]
fn unix_sockets_connect() {
    let runtime = runtime();
    for (dialect, socket_url) in [
        (
            Dialect::Postgres,
            "postgres:///{db}?host=/var/run/postgresql&user=postgres",
        ),
        (
            Dialect::Mysql,
            "mysql://root@localhost/{db}?socket=/run/mysqld/mysqld.sock",
        ),
    ] {
        let Some(db) = runtime.block_on(TestDb::create(dialect)) else {
            return;
        };
        let url = socket_url.replace("{db}", &db.name);
        let project = Project::new(&url);
        std::fs::create_dir_all(project.dir().join("migrations/001_t")).unwrap();
        std::fs::write(
            project.dir().join("migrations/001_t/up.sql"),
            "CREATE TABLE t (id integer PRIMARY KEY);\n",
        )
        .unwrap();
        std::fs::write(
            project.dir().join("migrations/001_t/down.sql"),
            "DROP TABLE t;\n",
        )
        .unwrap();
        std::fs::write(
            project.dir().join("migrations/001_t/revision.toml"),
            "id = \"001\"\nparents = []\nmessage = \"t\"\ncreated = \"2026-01-01T00:00:00Z\"\n",
        )
        .unwrap();
        assert_exit(&project.run(&["hash"]), 0, "hash");
        let run = project.run(&["upgrade", "head"]);
        assert_exit(&run, 0, &format!("{dialect} upgrade over a socket"));
        assert!(run.stderr.contains("database: "), "{}", run.stderr);
        let tables = runtime.block_on(
            db.scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 't'"),
        );
        assert_eq!(tables, 1, "{dialect}");
        runtime.block_on(db.drop());
    }
}

/// A listener that accepts connections and never says a word.
fn silent_server() -> (u16, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let mut held = Vec::new();
        listener.set_nonblocking(true).unwrap();
        let until = Instant::now() + Duration::from_secs(60);
        while Instant::now() < until {
            match listener.accept() {
                Ok((socket, _)) => held.push(socket),
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
    });
    (port, handle)
}

#[test]
fn a_silent_server_ends_within_the_connect_timeout() {
    let (port, _server) = silent_server();
    for scheme in ["postgres", "mysql"] {
        let project = Project::new(&format!("{scheme}://app:pw@127.0.0.1:{port}/app"));
        std::fs::write(
            project.dir().join("strata.toml"),
            "connect_timeout = \"2s\"\n",
        )
        .unwrap();
        for args in [&["upgrade", "head"][..], &["check"], &["current"]] {
            let started = Instant::now();
            let run = project.run(args);
            let took = started.elapsed();
            assert_exit(&run, 2, &format!("{scheme} {args:?}"));
            assert!(
                took < Duration::from_secs(4),
                "{scheme} {args:?} took {took:?}"
            );
            assert!(
                run.stderr.contains(&format!("127.0.0.1:{port}"))
                    && run.stderr.contains("did not answer within 2 s")
                    && run.stderr.contains("connect_timeout"),
                "{}",
                run.stderr
            );
        }
        // The flag wins over the file.
        let started = Instant::now();
        let run = project.run(&["--connect-timeout", "500ms", "current"]);
        assert_exit(&run, 2, "flag");
        assert!(
            started.elapsed() < Duration::from_millis(2500),
            "{:?}",
            started.elapsed()
        );
        assert!(run.stderr.contains("within 0.5 s"), "{}", run.stderr);
    }
    let run = Project::new("sqlite::memory:").run(&["--connect-timeout", "soon", "current"]);
    assert_exit(&run, 2, "a bad duration");
    assert!(
        run.stderr
            .contains("--connect-timeout: `soon` is not a duration"),
        "{}",
        run.stderr
    );
}

const SECRET: &str = "Sup3rSecretPw";

/// Every way a URL reaches strata.
#[derive(Clone, Copy, Debug)]
enum Given {
    Flag,
    Environment,
    DotEnv,
    ConfigFile,
}

/// The commands that may connect, each with the arguments it needs.
const COMMANDS: &[&[&str]] = &[
    &["check"],
    &["check", "--format", "json"],
    &["check", "--history"],
    &["autogenerate", "-m", "x"],
    &["diff"],
    &["schema", "db"],
    &["upgrade", "head"],
    &["upgrade", "head", "--format", "json"],
    &["downgrade", "base"],
    &["current"],
    &["current", "--format", "json"],
    &["history"],
    &["history", "--format", "json"],
    &["stamp", "head"],
    &["resolve", "001", "--applied"],
];

/// Commands that work without a database and say why the marks are missing.
fn works_offline(args: &[&str]) -> bool {
    args[0] == "history"
}

fn sweep_run(url: &str, given: Given, args: &[&str]) -> Run {
    let project = Project::new("unused");
    std::fs::write(
        project.dir().join("src/entities/post.rs"),
        "use sea_orm::entity::prelude::*;\n#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]\n#[sea_orm(table_name = \"post\")]\npub struct Model {\n    #[sea_orm(primary_key)]\n    pub id: i32,\n}\n#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]\npub enum Relation {}\nimpl ActiveModelBehavior for ActiveModel {}\n",
    )
    .unwrap();
    let revision = project.dir().join("migrations/001_t");
    std::fs::create_dir_all(&revision).unwrap();
    std::fs::write(
        revision.join("up.sql"),
        "CREATE TABLE post (id integer PRIMARY KEY);\n",
    )
    .unwrap();
    std::fs::write(revision.join("down.sql"), "DROP TABLE post;\n").unwrap();
    std::fs::write(
        revision.join("revision.toml"),
        "id = \"001\"\nparents = []\nmessage = \"t\"\ncreated = \"2026-01-01T00:00:00Z\"\n",
    )
    .unwrap();
    let hashed = std::process::Command::new(support::strata())
        .current_dir(project.dir())
        .args(["--database-url", "sqlite::memory:", "hash"])
        .output()
        .unwrap();
    assert!(hashed.status.success());
    let mut command = std::process::Command::new(support::strata());
    command
        .current_dir(project.dir())
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .args(["--models", "src/entities", "--connect-timeout", "1s"]);
    match given {
        Given::Flag => {
            command.args(["--database-url", url]);
        }
        Given::Environment => {
            command.env("DATABASE_URL", url);
        }
        Given::DotEnv => {
            std::fs::write(project.dir().join(".env"), format!("DATABASE_URL={url}\n")).unwrap()
        }
        Given::ConfigFile => std::fs::write(
            project.dir().join("strata.toml"),
            format!("database_url = \"{url}\"\n"),
        )
        .unwrap(),
    }
    let output = command.args(args).output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn the_password_never_shows() {
    let runtime = runtime();
    let Some(pg) = runtime.block_on(TestDb::create(Dialect::Postgres)) else {
        return;
    };
    let Some(my) = runtime.block_on(TestDb::create(Dialect::Mysql)) else {
        return;
    };
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (silent, _server) = silent_server();
    let pg_missing = with_query(&pg.url.replace(&pg.name, "no_such_database"), "");
    let pg_missing = pg_missing.trim_end_matches('?');
    // (URL with the secret, what the failure must name)
    let failing = [
        // refused: nothing listens
        (
            format!("postgres://app:{SECRET}@127.0.0.1:{closed}/app"),
            format!("127.0.0.1:{closed}"),
        ),
        (
            format!("postgres://app@127.0.0.1:{closed}/app?password={SECRET}&sslmode=disable"),
            format!("127.0.0.1:{closed}"),
        ),
        (
            format!("mysql://app:{SECRET}@127.0.0.1:{closed}/app"),
            format!("127.0.0.1:{closed}"),
        ),
        // silent
        (
            format!("postgres://app:{SECRET}@127.0.0.1:{silent}/app"),
            format!("127.0.0.1:{silent}"),
        ),
        // a real server: a database that does not exist, a password that is wrong
        (
            pg_missing.replace("postgres@", &format!("postgres:{SECRET}@")),
            "no_such_database".to_owned(),
        ),
        (
            my.url.replace("root@", &format!("root:{SECRET}@")),
            "refused user `root`".to_owned(),
        ),
    ];
    let mut cases = Vec::new();
    for (url, named) in &failing {
        for given in [
            Given::Flag,
            Given::Environment,
            Given::DotEnv,
            Given::ConfigFile,
        ] {
            for args in COMMANDS {
                cases.push((url.as_str(), named.as_str(), given, *args));
            }
        }
    }
    // Most runs wait on a socket: eight at a time.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(url, named, given, args)) = cases.get(i) else {
                        break;
                    };
                    let run = sweep_run(url, given, args);
                    let what = format!("{args:?} with {url} given by {given:?}");
                    let problem = if run.stdout.contains(SECRET) || run.stderr.contains(SECRET) {
                        Some("shows the password")
                    } else if works_offline(args) {
                        (run.code != 0).then_some("does not work without the database")
                    } else if run.code != 2 {
                        Some("does not exit 2")
                    } else if !(run.stderr.contains(named) && run.stderr.contains("help: ")) {
                        Some("does not name the server or the way out")
                    } else if run.stderr.contains(" at line ") {
                        Some("shows the driver's source line")
                    } else {
                        None
                    };
                    if let Some(problem) = problem {
                        failures.lock().unwrap().push(format!(
                            "{what} {problem} (exit {}):\nstdout:\n{}\nstderr:\n{}",
                            run.code, run.stdout, run.stderr
                        ));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} runs failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    let runs = cases.len();
    assert_eq!(runs, failing.len() * 4 * COMMANDS.len());
    runtime.block_on(pg.drop());
    runtime.block_on(my.drop());
}

#[test]
fn commands_that_change_a_database_say_which_and_from_where() {
    let project = Project::new("unused");
    let file_db = project.dir().join("file.db");
    let env_db = project.dir().join("env.db");
    std::fs::write(
        project.dir().join("strata.toml"),
        "database_url = \"sqlite:file.db\"\nmodels = \"src/entities\"\n",
    )
    .unwrap();
    let run = |env: Option<&str>, args: &[&str]| {
        let mut command = std::process::Command::new(support::strata());
        command
            .current_dir(project.dir())
            .env_remove("DATABASE_URL")
            .args(args);
        if let Some(url) = env {
            command.env("DATABASE_URL", url);
        }
        let output = command.output().unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(None, &["upgrade", "head"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!("database: sqlite:{}", file_db.display()))
            && stderr.contains("(from database_url in ")
            && stderr.contains("strata.toml)"),
        "{stderr}"
    );
    let env_url = format!("sqlite:{}", env_db.display());
    for args in [
        &["upgrade", "head"][..],
        &["stamp", "head"],
        &["downgrade", "base"],
    ] {
        let (code, stderr) = run(Some(&env_url), args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("database: {env_url} (from DATABASE_URL in the environment, which overrides database_url in")),
            "{args:?}: {stderr}"
        );
    }
    // A command that only reads says so too, once, when the environment wins.
    let (code, stderr) = run(Some(&env_url), &["current"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr.matches("overrides database_url in").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn init_honours_the_flags_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(support::strata())
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .args([
            "--database-url",
            "postgres://app@db.internal:5432/shop",
            "--models",
            "crates/entity/src",
            "--migrations",
            "db/migrations",
            "init",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("strata.toml")).unwrap();
    assert!(
        text.contains("database_url = \"postgres://app@db.internal:5432/shop\""),
        "{text}"
    );
    assert!(text.contains("models = \"crates/entity/src\""), "{text}");
    assert!(text.contains("migrations = \"db/migrations\""), "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("db/migrations/.gitignore")).unwrap(),
        ".strata-lock\n"
    );
}

/// `lock_timeout`: a revision whose statement waits behind another session's table lock gives
/// up after the configured time, instead of queueing every writer behind it, and the state
/// says so; once the lock is gone the same revision applies.
#[test]
fn a_revision_waiting_for_a_table_lock_gives_up_after_lock_timeout() {
    use sqlx::Connection;
    let runtime = runtime();
    for dialect in [Dialect::Postgres, Dialect::Mysql] {
        let Some(db) = runtime.block_on(TestDb::create(dialect)) else {
            return;
        };
        runtime.block_on(db.execute("CREATE TABLE t (id integer PRIMARY KEY)"));
        let project = Project::new(&db.url);
        project.revision(
            "001",
            &[],
            "ALTER TABLE t ADD COLUMN c integer;\n",
            "ALTER TABLE t DROP COLUMN c;\n",
            true,
        );
        let holder = runtime.block_on(async {
            match dialect {
                Dialect::Postgres => {
                    let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
                    sqlx::raw_sql("BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
                        .execute(&mut c)
                        .await
                        .unwrap();
                    strata_connect::Connection::Postgres(c)
                }
                _ => {
                    let mut c = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
                    sqlx::raw_sql("LOCK TABLES t WRITE")
                        .execute(&mut c)
                        .await
                        .unwrap();
                    strata_connect::Connection::Mysql(c)
                }
            }
        });
        let started = Instant::now();
        let run = project.run(&["--lock-timeout", "1s", "upgrade", "head"]);
        let took = started.elapsed();
        assert_exit(&run, 2, &format!("{dialect}: the statement gives up"));
        assert!(took < Duration::from_secs(8), "{dialect}: took {took:?}");
        assert!(
            run.stderr.to_ascii_lowercase().contains("lock"),
            "{dialect}: {}",
            run.stderr
        );
        runtime.block_on(holder.close());
        if dialect == Dialect::Mysql {
            // MySQL cannot roll DDL back: the failure is recorded and resolved by command.
            let states = project.history_states();
            assert_eq!(states["001"], "failed", "{dialect}");
            project.expect(&["resolve", "001", "--rolled-back"], 0);
        }
        project.expect(&["upgrade", "head"], 0);
        runtime.block_on(db.drop());
    }
}
