//! The live database: which part of it is in scope, and reading it.

use std::collections::BTreeSet;

use anyhow::{Context, bail};
use strata_introspect::Scope;
use strata_ir::{Dialect, Schema};

use crate::config::Config;

/// Tables strata and SeaORM keep for their own bookkeeping; never part of a schema comparison.
const BOOKKEEPING: &[&str] = &["strata_revisions", "seaql_migrations"];

/// Whether this process has said which database it uses (once is enough).
static TOLD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The configured database URL, or the message that says where to set one. When the URL in use
/// overrides another configured one (the environment's over strata.toml's), says so once.
pub fn url(config: &Config) -> anyhow::Result<&str> {
    match config.database_url.as_deref() {
        Some(url) => {
            if let (Some(source), Some(other)) = (&config.url_source, &config.overridden)
                && !TOLD.swap(true, std::sync::atomic::Ordering::Relaxed)
            {
                eprintln!(
                    "note: using {source} ({}), which overrides {other}",
                    strata_connect::redact(url)
                );
            }
            Ok(url)
        }
        None => bail!(
            "no database URL: set `database_url` in strata.toml, set DATABASE_URL (or put it in .env), or pass --database-url"
        ),
    }
}

/// An existing SQLite path that cannot be opened as a file, with the reason and the way out.
fn check_openable(path: &std::path::Path) -> anyhow::Result<()> {
    if path.is_dir() {
        bail!(
            "the SQLite database {} is a directory, not a file; point database_url at a file",
            path.display()
        );
    }
    if let Err(e) = std::fs::File::open(path) {
        bail!(
            "cannot open the SQLite database {}: {e}; check the path and its permissions in database_url",
            path.display()
        );
    }
    Ok(())
}

/// The URL a command that only reads connects with: a SQLite file that does not exist yet
/// reads as an empty database (nothing is created).
pub fn read_url(config: &Config) -> anyhow::Result<String> {
    let url = url(config)?;
    match strata_connect::sqlite_file(url) {
        Some(path) if !path.exists() => Ok("sqlite::memory:".to_owned()),
        Some(path) => check_openable(&path).map(|()| url.to_owned()),
        None => Ok(url.to_owned()),
    }
}

/// Says on stderr which database a command changes and where its URL came from (and what it
/// overrides), so that nobody changes a database by surprise.
pub fn announce(config: &Config) -> anyhow::Result<()> {
    TOLD.store(true, std::sync::atomic::Ordering::Relaxed);
    let url = url(config)?;
    let mut line = format!("database: {}", strata_connect::redact(url));
    if let Some(source) = &config.url_source {
        line.push_str(&format!(" (from {source}"));
        if let Some(other) = &config.overridden {
            line.push_str(&format!(", which overrides {other}"));
        }
        line.push(')');
    }
    eprintln!("{line}");
    Ok(())
}

/// The URL a command that changes the database connects with: a SQLite file that does not
/// exist yet is created (and the command says so), as Alembic, Diesel and Prisma users expect.
/// The command says which database it changes ([`announce`]).
pub fn write_url(config: &Config) -> anyhow::Result<String> {
    announce(config)?;
    let url = url(config)?;
    match strata_connect::sqlite_file(url) {
        Some(path) if !path.exists() => {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .with_context(|| {
                    format!(
                        "cannot create the SQLite database {} (does its directory exist?); create the directory or fix database_url",
                        path.display()
                    )
                })?;
            eprintln!("created SQLite database {}", path.display());
            Ok(url.to_owned())
        }
        Some(path) => check_openable(&path).map(|()| url.to_owned()),
        None => Ok(url.to_owned()),
    }
}

/// What to read: the configured PostgreSQL schemas, else `public` plus the schemas the entities
/// name (`entities`, when the caller has read them already; else they are read here, quietly);
/// the configured `ignore` patterns plus strata's and SeaORM's bookkeeping tables.
pub fn scope(config: &Config, entities: Option<&Schema>) -> Scope {
    let schemas = if config.schemas.is_empty() {
        entity_schemas(config, entities)
    } else {
        config.schemas.clone()
    };
    let mut ignore = config.ignore.clone();
    ignore.extend(BOOKKEEPING.iter().map(|s| s.to_string()));
    Scope { schemas, ignore }
}

/// `public` plus every `schema_name` the entities use; just `public` when the entities cannot be
/// read (reading the database must not depend on them).
fn entity_schemas(config: &Config, entities: Option<&Schema>) -> Vec<String> {
    let mut schemas = BTreeSet::from(["public".to_owned()]);
    let read;
    let entities = match entities {
        Some(e) => Some(e),
        None => {
            read = crate::models::read_quietly(&config.models).ok();
            read.as_ref().map(|r| &r.schema)
        }
    };
    if let Some(entities) = entities {
        schemas.extend(entities.tables.iter().filter_map(|t| t.schema.clone()));
    }
    schemas.into_iter().collect()
}

/// Reads the configured database (in the scope `entities` give, see [`scope`]).
pub fn introspect(config: &Config, entities: Option<&Schema>) -> anyhow::Result<(Schema, Dialect)> {
    let dialect = crate::config::dialect_of_url(url(config)?)?;
    let url = read_url(config)?;
    let scope = scope(config, entities);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let _task = config.progress.task("reading the database");
    let schema = runtime.block_on(strata_introspect::introspect_with(
        &url,
        &scope,
        &config.settings.connect,
    ))?;
    Ok((schema, dialect))
}
