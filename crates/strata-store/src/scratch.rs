//! Scratch databases: somewhere to replay the migration history that nobody else uses, gone
//! afterwards.
//!
//! SQLite replays in memory. On PostgreSQL and MySQL a temporary database
//! (`strata_scratch_<pid>_<n>`) is created on the given server, connected to, and dropped by
//! [`Scratch::drop`]; the caller must call it, also after a failure, since `Drop` cannot wait.

use sqlx::{AssertSqlSafe, Connection};

use crate::error::StoreError;
use crate::runner::{Db, Kind};

/// A throwaway database and the open connection to it.
#[derive(Debug)]
pub struct Scratch {
    pub db: Db,
    /// The server URL and database name to drop afterwards (none for SQLite in memory).
    created: Option<(String, String)>,
}

impl Scratch {
    /// Opens a scratch database of `kind`. `server` is a URL of the PostgreSQL or MySQL server to
    /// create it on (any database there the user may connect to); it is unused for SQLite.
    pub async fn create(kind: Kind, server: &str) -> Result<Scratch, StoreError> {
        if kind == Kind::Sqlite {
            let db = Db::connect("sqlite::memory:").await?;
            return Ok(Scratch { db, created: None });
        }
        let name = format!(
            "strata_scratch_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or_default()
        );
        admin(server, &format!("CREATE DATABASE {name}"))
            .await
            .map_err(|cause| StoreError::Scratch {
                name: name.clone(),
                cause,
            })?;
        match Db::connect(&with_database(server, &name)).await {
            Ok(db) => Ok(Scratch {
                db,
                created: Some((server.to_owned(), name)),
            }),
            Err(err) => {
                let _ = admin(server, &format!("DROP DATABASE IF EXISTS {name}")).await;
                Err(err)
            }
        }
    }

    /// Closes the connection and drops the temporary database.
    pub async fn drop(self) -> Result<(), StoreError> {
        self.db.close().await;
        if let Some((server, name)) = self.created {
            admin(&server, &format!("DROP DATABASE IF EXISTS {name}"))
                .await
                .map_err(|cause| StoreError::Database {
                    what: format!("dropping the scratch database {name}"),
                    cause,
                })?;
        }
        Ok(())
    }
}

/// Runs one statement over a short-lived connection to `url`.
async fn admin(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    let sql = AssertSqlSafe(sql.to_owned());
    if url.starts_with("mysql") || url.starts_with("mariadb") {
        let mut c = sqlx::MySqlConnection::connect(url).await?;
        sqlx::raw_sql(sql).execute(&mut c).await?;
        c.close().await
    } else {
        let mut c = sqlx::PgConnection::connect(url).await?;
        sqlx::raw_sql(sql).execute(&mut c).await?;
        c.close().await
    }
}

/// `url` with its database (the path) replaced by `db`, keeping user, host, port and query.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority..].find('/') {
        Some(i) => &base[..authority + i],
        None => base,
    };
    format!("{root}/{db}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/app?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("mysql://root@h", "x"), "mysql://root@h/x");
        assert_eq!(with_database("mysql://root@h/", "x"), "mysql://root@h/x");
    }
}
