//! The migration history replayed into a scratch database: the schema a database has after
//! `upgrade heads`, known without any live database being at head (`check --history`,
//! `autogenerate --history`).
//!
//! SQLite replays in memory. PostgreSQL and MySQL replay into a temporary database created on
//! the `dev_url` server (or, without one, on the configured database's server) and dropped
//! afterwards, also when a revision fails.

use anyhow::{Context, bail};
use strata_introspect::Scope;
use strata_ir::{Dialect, Schema};
use strata_store::runner::{self, Db, Direction, Kind};
use strata_store::scratch::Scratch;

use crate::config::{Config, dialect_of_url};
use crate::history::{History, block_on};

/// The dialect and server the history replays on: `dev_url`, else the configured database's
/// server, else SQLite in memory.
fn server(config: &Config) -> anyhow::Result<(Dialect, Option<&str>)> {
    let live = config
        .database_url
        .as_deref()
        .map(dialect_of_url)
        .transpose()?;
    match config.dev_url.as_deref() {
        Some(dev) => {
            let dialect = dialect_of_url(dev)?;
            if let Some(live) = live
                && live != dialect
            {
                bail!(
                    "dev_url is a {dialect} database but the configured database is {live}; \
                     the history must replay on the dialect it was written for"
                );
            }
            Ok((dialect, Some(dev)))
        }
        None => Ok((
            live.unwrap_or(Dialect::Sqlite),
            config.database_url.as_deref(),
        )),
    }
}

pub fn kind(dialect: Dialect) -> Kind {
    match dialect {
        Dialect::Postgres => Kind::Postgres,
        Dialect::Mysql => Kind::Mysql,
        Dialect::Sqlite => Kind::Sqlite,
    }
}

/// Replays every revision up to the heads into a scratch database and reads it back.
pub fn replay(
    config: &Config,
    history: &History,
    entities: &Schema,
) -> anyhow::Result<(Schema, Dialect)> {
    let (dialect, server, where_) = place(config)?;
    let scope = crate::database::scope(config, Some(entities));
    let schema = block_on(async {
        let mut scratch =
            Scratch::create(kind(dialect), server.unwrap_or_default(), &config.settings)
                .await
                .with_context(|| format!("cannot replay the migration history into {where_}"))?;
        let result = replay_into(&mut scratch.db, history, &scope, config).await;
        let dropped = scratch.drop().await;
        let schema = result.with_context(|| {
            format!("the migration history does not replay cleanly into {where_}")
        })?;
        dropped?;
        anyhow::Ok(schema)
    })??;
    Ok((schema, dialect))
}

async fn replay_into(
    db: &mut Db,
    history: &History,
    scope: &Scope,
    config: &Config,
) -> anyhow::Result<Schema> {
    {
        let bar = config.progress.steps("replaying revisions");
        runner::run(
            db,
            &history.graph,
            &history.revisions,
            &strata_store::Target::Heads,
            Direction::Up,
            config.lock_wait,
            &mut |n, len, id| bar.step(n, len, id),
        )
        .await?;
    }
    let _task = config.progress.task("reading the replayed schema");
    read(db, scope).await
}

/// Reads the schema of an open database (a scratch one) in `scope`.
pub async fn read(db: &mut Db, scope: &Scope) -> anyhow::Result<Schema> {
    Ok(match db {
        Db::Postgres(c) => strata_introspect::introspect_postgres(c, scope).await?,
        Db::Mysql(c) => strata_introspect::introspect_mysql(c, scope).await?,
        Db::Sqlite(c) => strata_introspect::introspect_sqlite(c, scope).await?,
    })
}

/// Where the history replays, for messages.
pub fn place(config: &Config) -> anyhow::Result<(Dialect, Option<&str>, String)> {
    let (dialect, server) = server(config)?;
    let where_ = match server {
        Some(url) if dialect != Dialect::Sqlite => {
            format!("a temporary database on {}", strata_connect::redact(url))
        }
        _ => "an in-memory SQLite database".to_owned(),
    };
    Ok((dialect, server, where_))
}
