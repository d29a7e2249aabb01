//! The everyday workflow: `init`, `autogenerate` and `check`.

use std::collections::BTreeSet;
use std::process::ExitCode;

use anyhow::{Context, bail};
use strata_diff::Change;
use strata_ir::{Dialect, Schema};

use crate::config::Config;
use crate::history::{History, block_on, write_revision};

/// `strata init [--dialect D]`: `strata.toml` and an empty migrations directory.
pub fn init(dialect: Dialect) -> anyhow::Result<ExitCode> {
    let path = std::path::Path::new(crate::config::FILE_NAME);
    if path.exists() {
        bail!("{} already exists; edit it instead", path.display());
    }
    let url = match dialect {
        Dialect::Sqlite => "sqlite:dev.db?mode=rwc",
        Dialect::Postgres => "postgres://postgres@localhost:5432/app",
        Dialect::Mysql => "mysql://root@localhost:3306/app",
    };
    let text = format!(
        "# strata configuration; flags and DATABASE_URL (environment or .env) override it.\n\
         database_url = \"{url}\"\n\
         models = \"src/entities\"       # SeaORM entity files\n\
         migrations = \"migrations\"     # revisions, one directory each\n\
         # dev_url = \"...\"             # scratch database for `check --history`\n\
         # schemas = [\"public\"]        # PostgreSQL schemas in scope\n\
         # ignore = [\"legacy_*\"]       # tables strata never reads or touches\n"
    );
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::create_dir_all("migrations").context("cannot create migrations/")?;
    println!("wrote {} and migrations/", path.display());
    Ok(ExitCode::SUCCESS)
}

/// The entities, the database as it is, and the revisions not yet applied to it.
struct Comparison {
    entities: Schema,
    database: Schema,
    dialect: Dialect,
    pending: Vec<String>,
    history: History,
}

fn compare(config: &Config) -> anyhow::Result<Comparison> {
    let entities = crate::models::read(&config.models)?.schema;
    let history = History::load(&config.migrations)?;
    history.verify(&config.migrations)?;
    let url = crate::database::url(config)?.to_owned();
    let rows = block_on(async {
        let mut db = strata_store::runner::Db::connect(&url).await?;
        let rows = db.applied().await;
        db.close().await;
        rows
    })??;
    let applied: BTreeSet<String> = rows.into_iter().map(|r| r.revision).collect();
    let pending = history
        .graph
        .plan_upgrade(&applied, &strata_store::Target::Heads)?;
    let (database, dialect) = crate::database::introspect(config)?;
    Ok(Comparison {
        entities,
        database,
        dialect,
        pending,
        history,
    })
}

/// `strata autogenerate -m MSG`: a revision that brings the database to what the entities say.
pub fn autogenerate(config: &Config, message: &str) -> anyhow::Result<ExitCode> {
    let c = compare(config)?;
    if !c.pending.is_empty() {
        bail!(
            "database is not up to date: {} pending revision(s) ({}); run `strata upgrade head`",
            c.pending.len(),
            c.pending.join(", ")
        );
    }
    let diff = strata_diff::diff(&c.database, &c.entities, c.dialect);
    for note in &diff.notes {
        eprintln!("note: {note}");
    }
    if diff.changes.is_empty() {
        println!("no changes: the database matches the entities; nothing written");
        return Ok(ExitCode::SUCCESS);
    }
    let up = strata_emit::render(&diff.changes, &c.database, c.dialect)?;
    let after = strata_diff::apply_all(&c.database, &diff.changes);
    let down = strata_emit::render(&Change::reverse_all(&diff.changes), &after, c.dialect)?;
    let parents: Vec<String> = c.history.graph.head()?.into_iter().collect();
    let path = write_revision(
        config,
        message,
        parents,
        &format!("-- {message}\n{}", up.sql()),
        &format!("-- undo: {message}\n{}", down.sql()),
    )?;
    for change in &diff.changes {
        println!("{change}");
    }
    for warning in up.warnings() {
        eprintln!("warning [{}]: {}", warning.code, warning.message);
    }
    println!("wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// `strata check`: 0 when the database matches the entities and is at head, 1 otherwise.
pub fn check(config: &Config) -> anyhow::Result<ExitCode> {
    let c = compare(config)?;
    let diff = strata_diff::diff(&c.database, &c.entities, c.dialect);
    for note in &diff.notes {
        eprintln!("note: {note}");
    }
    let mut drift = false;
    if !c.pending.is_empty() {
        drift = true;
        println!(
            "the database is not at head: {} pending revision(s) ({})",
            c.pending.len(),
            c.pending.join(", ")
        );
    }
    if !diff.changes.is_empty() {
        drift = true;
        println!("the entities and the database differ:");
        for change in &diff.changes {
            println!("  {change}");
        }
        let up = strata_emit::render(&diff.changes, &c.database, c.dialect)?;
        println!("\n{}", up.sql());
    }
    if drift {
        Ok(ExitCode::from(1))
    } else {
        println!("in sync: the database matches the entities and is at head");
        Ok(ExitCode::SUCCESS)
    }
}
