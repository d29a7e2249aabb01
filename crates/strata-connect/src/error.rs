//! The one classification of connection failures. Each names the server (never a password) and
//! has a way out ([`ConnectError::help`]).

use strata_ir::Dialect;

use crate::Target;

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("bad database URL `{url}`: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot reach the {dialect} server at {server}: {reason}")]
    Unreachable {
        dialect: Dialect,
        server: String,
        reason: String,
    },
    #[error(
        "the {dialect} server at {server} did not answer within {} s",
        seconds_text(*.seconds)
    )]
    Timeout {
        dialect: Dialect,
        server: String,
        seconds: f64,
    },
    #[error("the TLS connection to the {dialect} server at {server} failed: {reason}")]
    Tls {
        dialect: Dialect,
        server: String,
        reason: String,
    },
    #[error("the {dialect} server at {server} refused user `{user}`: {reason}")]
    Credentials {
        dialect: Dialect,
        server: String,
        user: String,
        reason: String,
    },
    #[error("database `{database}` does not exist on the {dialect} server at {server}")]
    NoDatabase {
        dialect: Dialect,
        server: String,
        database: String,
    },
    #[error("cannot open the SQLite database {path}: {reason}")]
    SqliteFile { path: String, reason: String },
    #[error("cannot connect to the {dialect} server at {server}: {reason}")]
    Other {
        dialect: Dialect,
        server: String,
        reason: String,
    },
}

fn seconds_text(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    }
}

impl ConnectError {
    /// The way out, for the user.
    pub fn help(&self) -> Option<String> {
        Some(match self {
            ConnectError::BadUrl { .. } => "database URLs look like postgres://user:password@host:5432/db, postgres:///db?host=/var/run/postgresql, mysql://user:password@host:3306/db or sqlite:path/to/file.db; percent-encode special characters in the password (@ as %40)".to_owned(),
            ConnectError::Unreachable { .. } => {
                "is the server running, and are the host and port in the URL right?".to_owned()
            }
            ConnectError::Timeout { .. } => "check that the host and port are the database's (a firewall or a proxy may be holding the connection), or raise `connect_timeout` in strata.toml or with --connect-timeout".to_owned(),
            ConnectError::Tls { dialect, reason, .. } => tls_help(*dialect, reason),
            ConnectError::Credentials { .. } => {
                "check the user name and password in the URL".to_owned()
            }
            ConnectError::NoDatabase { .. } => {
                "create the database, or point the URL at an existing one".to_owned()
            }
            ConnectError::SqliteFile { .. } => {
                "check the path in the URL and the permissions of the file and its directory"
                    .to_owned()
            }
            ConnectError::Other { .. } => return None,
        })
    }
}

fn tls_help(dialect: Dialect, reason: &str) -> String {
    let (ca, mode) = match dialect {
        Dialect::Mysql => ("ssl-ca=/path/to/ca.pem", "ssl-mode"),
        _ => ("sslrootcert=/path/to/ca.pem", "sslmode"),
    };
    let lower = reason.to_ascii_lowercase();
    if lower.contains("does not support tls") || lower.contains("not support ssl") {
        format!(
            "the server does not accept TLS connections: turn TLS on in the server, or use {mode}=prefer (encrypt when the server can) or {mode}=disable"
        )
    } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
        format!(
            "the server's certificate does not name this host: connect with a host name the certificate lists, or verify only the certificate authority ({mode}={})",
            if dialect == Dialect::Mysql {
                "VERIFY_CA"
            } else {
                "verify-ca"
            }
        )
    } else if lower.contains("expired") || lower.contains("notvalidyet") {
        "the server's certificate is outside its validity period: renew it on the server".to_owned()
    } else if lower.contains("unknownissuer")
        || lower.contains("unknown issuer")
        || lower.contains("self-signed")
        || lower.contains("self signed")
        || lower.contains("badsignature")
        || lower.contains("certificate")
    {
        format!(
            "the server's certificate is not signed by an authority strata trusts: give the authority's certificate with {ca}, or use {mode}={} to encrypt without verifying the server",
            if dialect == Dialect::Mysql {
                "REQUIRED"
            } else {
                "require"
            }
        )
    } else {
        format!(
            "check the TLS options in the URL ({mode}, {ca}) and the server's TLS configuration"
        )
    }
}

/// The database's own words for an error: the message without the driver's decorations (sqlx
/// appends PostgreSQL's own source line, `at line 948`, to its errors).
pub fn message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(d) => d.message().to_owned(),
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Tls(t) => t.to_string(),
        sqlx::Error::Configuration(c) => c.to_string(),
        other => other.to_string(),
    }
}

/// Classifies a failure to connect to `target`.
pub(crate) fn classify(target: &Target, cause: &sqlx::Error) -> ConnectError {
    let dialect = target.dialect();
    let server = target.server();
    let reason = message(cause);
    if dialect == Dialect::Sqlite {
        return ConnectError::SqliteFile {
            path: server,
            reason,
        };
    }
    let code = cause
        .as_database_error()
        .and_then(|d| d.code().map(|c| c.into_owned()));
    // rustls reports a failed handshake through the socket, as an I/O error.
    let handshake = matches!(cause, sqlx::Error::Io(io) if io.get_ref().is_some() && {
        let text = io.to_string().to_ascii_lowercase();
        ["certificate", "tls", "handshake", "alert", "peer"]
            .iter()
            .any(|word| text.contains(word))
    });
    match (cause, code.as_deref()) {
        (sqlx::Error::Tls(_), _) => ConnectError::Tls {
            dialect,
            server,
            reason,
        },
        (sqlx::Error::Io(_), _) if handshake => ConnectError::Tls {
            dialect,
            server,
            reason,
        },
        (sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut, _) => ConnectError::Unreachable {
            dialect,
            server,
            reason,
        },
        // PostgreSQL: invalid_password, invalid_authorization_specification; MySQL: 1045.
        (_, Some("28P01" | "28000" | "1045" | "28000/1045")) => ConnectError::Credentials {
            dialect,
            server,
            user: target.user(),
            reason,
        },
        // PostgreSQL: invalid_catalog_name; MySQL: ER_BAD_DB_ERROR.
        (_, Some("3D000" | "1049" | "42000")) => ConnectError::NoDatabase {
            dialect,
            server,
            database: target.database(),
        },
        _ => ConnectError::Other {
            dialect,
            server,
            reason,
        },
    }
}
