//! The one way strata reaches a database.
//!
//! A URL is taken apart by sqlx's own parsers (every form sqlx accepts: host and port, Unix
//! sockets as `?host=/path` or a percent-encoded host, percent-encoded user, password and
//! database, `sslmode`/`ssl-mode`, `sslrootcert`/`ssl-ca`), shown only through [`redact`], and
//! connected to under a timeout ([`Settings`]). Every failure is classified once
//! ([`ConnectError`]: bad URL, unreachable, silent, TLS, credentials, missing database, SQLite
//! file), names the server, and carries the way out. [`message`] gives the database's own words
//! for any later error, without the driver's decorations.
//!
//! TLS is rustls with the webpki roots: the CA of a private server is given with `sslrootcert`
//! (PostgreSQL) or `ssl-ca` (MySQL), as libpq and the mysql client expect.

mod error;
mod redact;

pub use error::{ConnectError, message};
pub use redact::{holds_secret, redact, with_database};

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::mysql::MySqlConnectOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use strata_ir::Dialect;

/// How long to wait, for every connection strata opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// From the first byte to an authenticated session (TCP, TLS handshake, authentication).
    pub connect_timeout: Duration,
    /// How long SQLite waits for another writer before reporting `database is locked`.
    pub busy_timeout: Duration,
}

/// The connect timeout when none is configured (libpq has none; 10 s is what hosted providers
/// and Atlas suggest).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            busy_timeout: Duration::from_secs(300),
        }
    }
}

#[derive(Clone, Debug)]
enum Options {
    Postgres(PgConnectOptions),
    Mysql(MySqlConnectOptions),
    Sqlite(SqliteConnectOptions),
}

/// A parsed database URL: what to connect to, and how to name it in messages.
#[derive(Clone, Debug)]
pub struct Target {
    options: Options,
    redacted: String,
}

/// An open connection to one of the three databases.
pub enum Connection {
    Postgres(sqlx::PgConnection),
    Mysql(sqlx::MySqlConnection),
    Sqlite(sqlx::SqliteConnection),
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Connection::Postgres(_) => "Connection::Postgres",
            Connection::Mysql(_) => "Connection::Mysql",
            Connection::Sqlite(_) => "Connection::Sqlite",
        })
    }
}

impl Connection {
    pub async fn close(self) {
        use sqlx::Connection as _;
        let _ = match self {
            Connection::Postgres(c) => c.close().await,
            Connection::Mysql(c) => c.close().await,
            Connection::Sqlite(c) => c.close().await,
        };
    }
}

/// The dialect a URL's scheme names, without parsing the rest.
pub fn dialect_of(url: &str) -> Option<Dialect> {
    let (scheme, _) = url.split_once(':')?;
    match scheme.to_ascii_lowercase().as_str() {
        "postgres" | "postgresql" => Some(Dialect::Postgres),
        "mysql" | "mariadb" => Some(Dialect::Mysql),
        "sqlite" => Some(Dialect::Sqlite),
        _ => None,
    }
}

impl Target {
    /// Parses `url` with sqlx's parser for its scheme; a failure names the URL (redacted) and
    /// what is wrong with it.
    pub fn parse(url: &str) -> Result<Target, ConnectError> {
        let redacted = redact(url);
        let bad = |reason: String| ConnectError::BadUrl {
            url: redacted.clone(),
            reason,
        };
        let options = match dialect_of(url) {
            Some(Dialect::Postgres) => {
                let options = PgConnectOptions::from_str(url).map_err(|e| bad(message(&e)))?;
                Options::Postgres(loopback_in_clear(url, options))
            }
            Some(Dialect::Mysql) => {
                // sqlx reads `mariadb://` as `mysql://`, but only under its own name.
                let url = match url.split_once(':') {
                    Some((s, rest)) if s.eq_ignore_ascii_case("mariadb") => format!("mysql:{rest}"),
                    _ => url.to_owned(),
                };
                Options::Mysql(MySqlConnectOptions::from_str(&url).map_err(|e| bad(message(&e)))?)
            }
            Some(Dialect::Sqlite) => {
                Options::Sqlite(SqliteConnectOptions::from_str(url).map_err(|e| bad(message(&e)))?)
            }
            None => {
                return Err(bad(match url.split_once(':') {
                    Some((scheme, _)) if !scheme.contains('/') => format!(
                        "unknown scheme `{scheme}:`; expected postgres://, mysql:// or sqlite:"
                    ),
                    _ => "expected postgres://, mysql:// or sqlite: at the start".to_owned(),
                }));
            }
        };
        Ok(Target { options, redacted })
    }

    pub fn dialect(&self) -> Dialect {
        match self.options {
            Options::Postgres(_) => Dialect::Postgres,
            Options::Mysql(_) => Dialect::Mysql,
            Options::Sqlite(_) => Dialect::Sqlite,
        }
    }

    /// The URL as it may be shown: no password, no secret query parameter.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// Where the server is, for messages: `host:port`, `socket /path`, or the SQLite file.
    pub fn server(&self) -> String {
        let at = |socket: Option<&PathBuf>, host: &str, port: u16| match socket {
            Some(path) => format!("socket {}", path.display()),
            None => format!("{host}:{port}"),
        };
        match &self.options {
            Options::Postgres(o) => at(o.get_socket(), o.get_host(), o.get_port()),
            Options::Mysql(o) => at(o.get_socket(), o.get_host(), o.get_port()),
            Options::Sqlite(o) => o.get_filename().display().to_string(),
        }
    }

    /// The database the URL names (the user's name on PostgreSQL when none is given, as libpq
    /// does; empty on MySQL when none is given).
    pub fn database(&self) -> String {
        match &self.options {
            Options::Postgres(o) => o.get_database().unwrap_or(o.get_username()).to_owned(),
            Options::Mysql(o) => o.get_database().unwrap_or_default().to_owned(),
            Options::Sqlite(o) => o.get_filename().display().to_string(),
        }
    }

    pub fn user(&self) -> String {
        match &self.options {
            Options::Postgres(o) => o.get_username().to_owned(),
            Options::Mysql(o) => o.get_username().to_owned(),
            Options::Sqlite(_) => String::new(),
        }
    }

    /// The same server and options, another database (scratch databases, administration).
    pub fn with_database(&self, database: &str) -> Target {
        let options = match &self.options {
            Options::Postgres(o) => Options::Postgres(o.clone().database(database)),
            Options::Mysql(o) => Options::Mysql(o.clone().database(database)),
            Options::Sqlite(o) => Options::Sqlite(o.clone().filename(database)),
        };
        Target {
            options,
            redacted: redact::with_database(&self.redacted, database),
        }
    }

    /// Opens a connection within `settings.connect_timeout`; any failure is classified and
    /// names the server.
    pub async fn connect(&self, settings: &Settings) -> Result<Connection, ConnectError> {
        let attempt = async {
            match &self.options {
                Options::Postgres(o) => o.connect().await.map(Connection::Postgres),
                Options::Mysql(o) => o.connect().await.map(Connection::Mysql),
                Options::Sqlite(o) => o
                    .clone()
                    .busy_timeout(settings.busy_timeout)
                    .connect()
                    .await
                    .map(Connection::Sqlite),
            }
        };
        match tokio::time::timeout(settings.connect_timeout, attempt).await {
            Ok(Ok(connection)) => Ok(connection),
            Ok(Err(cause)) => Err(error::classify(self, &cause)),
            Err(_) => Err(ConnectError::Timeout {
                dialect: self.dialect(),
                server: self.server(),
                seconds: settings.connect_timeout.as_secs_f64(),
            }),
        }
    }
}

/// PostgreSQL on this machine (a Unix socket or a loopback address) with no TLS mode asked for,
/// neither in the URL nor in `PGSSLMODE`, is reached in the clear: libpq's default `prefer`
/// would encrypt traffic that never leaves the machine, and sqlx's rustls stream reads a large
/// catalog record by record (a 1,000-table `check` takes twice as long). Every other server
/// keeps `prefer`, and any `sslmode` given is obeyed.
fn loopback_in_clear(url: &str, options: PgConnectOptions) -> PgConnectOptions {
    let asked = url::Url::parse(url).is_ok_and(|u| {
        u.query_pairs()
            .any(|(k, _)| k == "sslmode" || k == "ssl-mode")
    }) || std::env::var_os("PGSSLMODE").is_some();
    let host = options.get_host();
    let local = options.get_socket().is_some()
        || host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if local && !asked {
        options.ssl_mode(sqlx::postgres::PgSslMode::Disable)
    } else {
        options
    }
}

/// Parses `url` and connects: the path every command takes.
pub async fn connect(url: &str, settings: &Settings) -> Result<Connection, ConnectError> {
    Target::parse(url)?.connect(settings).await
}

/// The file a `sqlite:` URL names, in every form sqlx accepts (`sqlite:app.db`,
/// `sqlite://app.db`, `sqlite:///abs/app.db`, with `?mode=...`); `None` for in-memory
/// databases and for other schemes.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    if dialect_of(url)? != Dialect::Sqlite {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    let path = options.get_filename();
    let name = path.to_string_lossy();
    let in_memory = name.starts_with(':') || name.starts_with("file:sqlx-in-memory");
    (!name.is_empty() && !in_memory && !url.contains("mode=memory")).then(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_files_in_every_form() {
        let file = |url: &str| sqlite_file(url).map(|p| p.display().to_string());
        assert_eq!(file("sqlite:app.db").as_deref(), Some("app.db"));
        assert_eq!(file("sqlite://app.db?mode=rwc").as_deref(), Some("app.db"));
        assert_eq!(file("sqlite:///tmp/a b.db").as_deref(), Some("/tmp/a b.db"));
        assert_eq!(file("sqlite::memory:"), None);
        assert_eq!(file("sqlite://file.db?mode=memory"), None);
        assert_eq!(file("postgres://localhost/app"), None);
    }

    #[test]
    fn every_form_sqlx_accepts_is_taken_apart() {
        let t =
            Target::parse("postgres://app:s3cret@db.internal:5433/shop?sslmode=disable").unwrap();
        assert_eq!(
            (t.dialect(), t.server(), t.user(), t.database()),
            (
                Dialect::Postgres,
                "db.internal:5433".to_owned(),
                "app".to_owned(),
                "shop".to_owned()
            )
        );
        // A socket, as libpq and sqlx take it.
        let t = Target::parse("postgres:///app?host=/var/run/postgresql").unwrap();
        assert_eq!(t.server(), "socket /var/run/postgresql");
        assert_eq!(t.database(), "app");
        let t = Target::parse("postgres://%2Fvar%2Frun%2Fpostgresql/app").unwrap();
        assert_eq!(t.server(), "socket /var/run/postgresql");
        // Percent-encoding is decoded.
        let t = Target::parse("postgres://my%20user:p%40ss@h/my%2Ddb").unwrap();
        assert_eq!((t.user(), t.database()), ("my user".into(), "my-db".into()));
        let t = Target::parse("mariadb://root@127.0.0.1:3306/app?ssl-mode=required").unwrap();
        assert_eq!(
            (t.dialect(), t.server(), t.database()),
            (Dialect::Mysql, "127.0.0.1:3306".into(), "app".into())
        );
        assert_eq!(
            Target::parse("sqlite://dev.db?mode=rwc")
                .unwrap()
                .database(),
            "dev.db"
        );
        let t = Target::parse("mysql://root@h/app")
            .unwrap()
            .with_database("other");
        assert_eq!(t.database(), "other");
        assert_eq!(t.redacted(), "mysql://root@h/other");
    }

    #[test]
    fn loopback_is_reached_in_clear_unless_tls_is_asked_for() {
        use sqlx::postgres::PgSslMode;
        let mode = |url: &str| match Target::parse(url).unwrap().options {
            Options::Postgres(o) => o.get_ssl_mode(),
            _ => unreachable!(),
        };
        if std::env::var_os("PGSSLMODE").is_none() {
            assert!(matches!(
                mode("postgres://u@127.0.0.1/db"),
                PgSslMode::Disable
            ));
            assert!(matches!(
                mode("postgres://u@localhost:5433/db"),
                PgSslMode::Disable
            ));
            assert!(matches!(mode("postgres://u@[::1]/db"), PgSslMode::Disable));
            assert!(matches!(
                mode("postgres:///db?host=/var/run/postgresql"),
                PgSslMode::Disable
            ));
            assert!(matches!(
                mode("postgres://u@db.internal/db"),
                PgSslMode::Prefer
            ));
        }
        assert!(matches!(
            mode("postgres://u@127.0.0.1/db?sslmode=require"),
            PgSslMode::Require
        ));
        assert!(matches!(
            mode("postgres://u@localhost/db?sslmode=prefer"),
            PgSslMode::Prefer
        ));
    }

    #[test]
    fn tls_options_are_parsed_and_bad_ones_refused() {
        for url in [
            "postgres://u@h/db?sslmode=verify-full&sslrootcert=/etc/ca.pem",
            "postgres://u@h/db?sslmode=verify-ca",
            "postgres://u@h/db?sslmode=prefer",
            "postgres://u@h/db?sslmode=require",
            "postgres://u@h/db?sslmode=disable",
            "mysql://u@h/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ca.pem",
            "mysql://u@h/db?ssl-mode=verify_ca",
            "mysql://u@h/db?ssl-mode=required",
            "mysql://u@h/db?ssl-mode=preferred",
            "mysql://u@h/db?ssl-mode=disabled",
        ] {
            Target::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        }
        for url in [
            "postgres://u:pw@h/db?sslmode=sometimes",
            "mysql://u:pw@h/db?ssl-mode=sometimes",
        ] {
            let err = Target::parse(url).unwrap_err().to_string();
            assert!(err.contains("sometimes") && !err.contains("pw@"), "{err}");
        }
    }

    #[test]
    fn bad_urls_name_the_problem_and_never_the_password() {
        for url in [
            "oracle://u:hunter2@h/db",
            "postgres://u:hunter2@h:notaport/db",
            "hunter2",
            "mysql://u:hunter2@h:99999/db",
        ] {
            let err = Target::parse(url).unwrap_err();
            let text = format!("{err} {}", err.help().unwrap_or_default());
            assert!(!text.contains("hunter2"), "{text}");
            assert!(matches!(err, ConnectError::BadUrl { .. }), "{err:?}");
        }
    }

    /// A listener that accepts and never answers: the connect timeout ends the wait.
    #[tokio::test]
    async fn a_silent_server_times_out() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let hold = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let settings = Settings {
            connect_timeout: Duration::from_millis(300),
            ..Settings::default()
        };
        for scheme in ["postgres", "mysql"] {
            let started = std::time::Instant::now();
            let err = connect(&format!("{scheme}://u:pw@127.0.0.1:{port}/db"), &settings)
                .await
                .unwrap_err();
            assert!(started.elapsed() < Duration::from_secs(3));
            assert!(matches!(err, ConnectError::Timeout { .. }), "{err:?}");
            assert!(
                err.to_string().contains(&format!("127.0.0.1:{port}")),
                "{err}"
            );
        }
        hold.abort();
    }
}
