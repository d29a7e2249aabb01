//! Failures while connecting or reading the catalog. Messages name the server and database, and
//! never a password.

use strata_ir::Dialect;

#[derive(Debug, thiserror::Error)]
pub enum IntrospectError {
    #[error("bad database URL `{url}`: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot reach the {dialect} server at {host}: {cause}")]
    Unreachable {
        dialect: Dialect,
        host: String,
        cause: sqlx::Error,
    },
    #[error("the {dialect} server at {host} refused user `{user}`: {cause}")]
    Credentials {
        dialect: Dialect,
        host: String,
        user: String,
        cause: sqlx::Error,
    },
    #[error("database `{database}` does not exist on the {dialect} server at {host}")]
    NoDatabase {
        dialect: Dialect,
        host: String,
        database: String,
        cause: sqlx::Error,
    },
    #[error("cannot open {target}: {cause}")]
    Connect { target: String, cause: sqlx::Error },
    #[error("reading {what} from {dialect} failed: {cause}")]
    Query {
        dialect: Dialect,
        what: &'static str,
        cause: sqlx::Error,
    },
}

impl IntrospectError {
    pub(crate) fn query(dialect: Dialect, what: &'static str) -> impl FnOnce(sqlx::Error) -> Self {
        move |cause| IntrospectError::Query {
            dialect,
            what,
            cause,
        }
    }

    /// The way out, for the user.
    pub fn help(&self) -> Option<&'static str> {
        Some(match self {
            IntrospectError::BadUrl { .. } => {
                "database URLs look like postgres://user:password@host:5432/db, mysql://user:password@host:3306/db or sqlite:path/to/file.db"
            }
            IntrospectError::Unreachable { .. } => {
                "is the server running, and are the host and port in the URL right?"
            }
            IntrospectError::Credentials { .. } => "check the user name and password in the URL",
            IntrospectError::NoDatabase { .. } => {
                "create the database, or point the URL at an existing one"
            }
            IntrospectError::Connect { .. } | IntrospectError::Query { .. } => return None,
        })
    }
}

/// Where a URL points, for messages: the dialect, `host:port`, user and database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub dialect: Dialect,
    pub host: String,
    pub user: String,
    pub database: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, IntrospectError> {
        let bad = |reason: &str| IntrospectError::BadUrl {
            url: redact(url),
            reason: reason.to_owned(),
        };
        let Some((scheme, rest)) = url.split_once(':') else {
            return Err(bad(
                "expected postgres://, mysql:// or sqlite: at the start",
            ));
        };
        let dialect = match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Dialect::Postgres,
            "mysql" | "mariadb" => Dialect::Mysql,
            "sqlite" => Dialect::Sqlite,
            _ => {
                return Err(bad(&format!(
                    "unknown scheme `{scheme}`; expected postgres://, mysql:// or sqlite:"
                )));
            }
        };
        if dialect == Dialect::Sqlite {
            let path = rest.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or("");
            return Ok(Target {
                dialect,
                host: String::new(),
                user: String::new(),
                database: if path.is_empty() { ":memory:" } else { path }.to_owned(),
            });
        }
        let Some(rest) = rest.strip_prefix("//") else {
            return Err(bad(&format!("expected `{scheme}://` followed by a host")));
        };
        let rest = rest.split(['?', '#']).next().unwrap_or("");
        let (authority, database) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (u, h),
            None => ("", authority),
        };
        let user = userinfo.split(':').next().unwrap_or("").to_owned();
        if hostport.is_empty() {
            return Err(bad("no host after `://`"));
        }
        if let Some((_, port)) = hostport.rsplit_once(':')
            && !hostport.ends_with(']')
            && port.parse::<u16>().is_err()
        {
            return Err(bad(&format!("`{port}` is not a port number")));
        }
        Ok(Target {
            dialect,
            host: hostport.to_owned(),
            user,
            database: database.to_owned(),
        })
    }

    /// Classifies a connection failure.
    pub fn connect_error(&self, source: sqlx::Error) -> IntrospectError {
        let code = match &source {
            sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
            _ => None,
        };
        match (&source, code.as_deref()) {
            (sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::PoolTimedOut, _)
                if self.dialect != Dialect::Sqlite =>
            {
                IntrospectError::Unreachable {
                    dialect: self.dialect,
                    host: self.host.clone(),
                    cause: source,
                }
            }
            // PostgreSQL: invalid_password, invalid_authorization_specification; MySQL: 1045.
            (_, Some("28P01" | "28000" | "1045" | "28000/1045")) => IntrospectError::Credentials {
                dialect: self.dialect,
                host: self.host.clone(),
                user: self.user.clone(),
                cause: source,
            },
            // PostgreSQL: invalid_catalog_name; MySQL: ER_BAD_DB_ERROR.
            (_, Some("3D000" | "1049" | "42000")) if self.dialect != Dialect::Sqlite => {
                IntrospectError::NoDatabase {
                    dialect: self.dialect,
                    host: self.host.clone(),
                    database: self.database.clone(),
                    cause: source,
                }
            }
            _ => IntrospectError::Connect {
                target: self.describe(),
                cause: source,
            },
        }
    }

    fn describe(&self) -> String {
        match self.dialect {
            Dialect::Sqlite => format!("SQLite database {}", self.database),
            d => format!("{d} database `{}` at {}", self.database, self.host),
        }
    }
}

/// The URL with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map(|i| start + i)
        .unwrap_or(url.len());
    let authority = &url[start..authority_end];
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!(
                "{}{user}:***@{host}{}",
                &url[..start],
                &url[authority_end..]
            ),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_taken_apart_and_passwords_hidden() {
        let t =
            Target::parse("postgres://app:s3cret@db.internal:5433/shop?sslmode=disable").unwrap();
        assert_eq!(
            (
                t.dialect,
                t.host.as_str(),
                t.user.as_str(),
                t.database.as_str()
            ),
            (Dialect::Postgres, "db.internal:5433", "app", "shop")
        );
        assert_eq!(
            redact("postgres://app:s3cret@db.internal:5433/shop"),
            "postgres://app:***@db.internal:5433/shop"
        );
        assert_eq!(redact("sqlite:dev.db"), "sqlite:dev.db");
        let err = Target::parse("postgres://app:s3cret@db:notaport/shop").unwrap_err();
        assert!(!err.to_string().contains("s3cret"), "{err}");
        assert!(Target::parse("oracle://x").is_err());
        assert_eq!(
            Target::parse("sqlite://dev.db?mode=rwc").unwrap().database,
            "dev.db"
        );
    }
}
