//! Scratch databases: somewhere to replay the migration history that nobody else uses, gone
//! afterwards.
//!
//! SQLite replays in memory. On PostgreSQL and MySQL a temporary database
//! (`strata_scratch_<pid>_<n>`) is created on the given server, connected to, and dropped by
//! [`Scratch::drop`]; the caller must call it, also after a failure, since `Drop` cannot wait.

use sqlx::{AssertSqlSafe, Connection as _};
use strata_connect::{Connection, Target};

use crate::error::StoreError;
use crate::runner::{Db, Kind, Settings};

/// A throwaway database and the open connection to it.
#[derive(Debug)]
pub struct Scratch {
    pub db: Db,
    /// The server, how to reach it, and the database name to drop afterwards (none for SQLite
    /// in memory).
    created: Option<(Target, Settings, String)>,
}

impl Scratch {
    /// Opens a scratch database of `kind`. `server` is a URL of the PostgreSQL or MySQL server to
    /// create it on (any database there the user may connect to); it is unused for SQLite.
    pub async fn create(
        kind: Kind,
        server: &str,
        settings: &Settings,
    ) -> Result<Scratch, StoreError> {
        if kind == Kind::Sqlite {
            let db = Db::connect("sqlite::memory:", settings).await?;
            return Ok(Scratch { db, created: None });
        }
        let server = Target::parse(server)?;
        let name = format!(
            "strata_scratch_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or_default()
        );
        admin(&server, settings, &format!("CREATE DATABASE {name}"), &name).await?;
        match Db::open(&server.with_database(&name), settings).await {
            Ok(db) => Ok(Scratch {
                db,
                created: Some((server, settings.clone(), name)),
            }),
            Err(err) => {
                let _ = admin(
                    &server,
                    settings,
                    &format!("DROP DATABASE IF EXISTS {name}"),
                    &name,
                )
                .await;
                Err(err)
            }
        }
    }

    /// Closes the connection and drops the temporary database.
    pub async fn drop(self) -> Result<(), StoreError> {
        self.db.close().await;
        if let Some((server, settings, name)) = self.created {
            admin(
                &server,
                &settings,
                &format!("DROP DATABASE IF EXISTS {name}"),
                &name,
            )
            .await?;
        }
        Ok(())
    }
}

/// Runs one statement over a short-lived connection to `server`.
async fn admin(
    server: &Target,
    settings: &Settings,
    sql: &str,
    name: &str,
) -> Result<(), StoreError> {
    let failed = |cause| StoreError::Scratch {
        name: name.to_owned(),
        cause,
    };
    let sql = AssertSqlSafe(sql.to_owned());
    match server.connect(&settings.connect).await? {
        Connection::Mysql(mut c) => {
            sqlx::raw_sql(sql).execute(&mut c).await.map_err(failed)?;
            c.close().await.map_err(failed)
        }
        Connection::Postgres(mut c) => {
            sqlx::raw_sql(sql).execute(&mut c).await.map_err(failed)?;
            c.close().await.map_err(failed)
        }
        Connection::Sqlite(c) => {
            let _ = c.close().await;
            Ok(())
        }
    }
}
