//! The everyday workflow: `init`, `autogenerate` and `check`.

use std::process::ExitCode;
use strata_ir::text::sql_comment;

use anyhow::{Context, bail};
use serde::Serialize;
use strata_diff::{Change, Diff};
use strata_ir::{Dialect, Schema};

use strata_store::state::State;

use crate::cli::TextFormat;
use crate::config::{Config, Emit};
use crate::history::{History, block_on, write_revision};
use crate::render;

/// `strata init [--dialect D] [--emit sea-orm]`: `strata.toml`, and an empty migrations
/// directory (or, for sea-orm-migration output, the existing migration crate found here).
pub fn init(dialect: Option<Dialect>, global: &crate::cli::GlobalArgs) -> anyhow::Result<ExitCode> {
    let emit = global.emit.unwrap_or_default();
    let path = std::path::Path::new(crate::config::FILE_NAME);
    if path.exists() {
        bail!("{} already exists; edit it instead", path.display());
    }
    let crate_dir = match emit {
        Emit::Sql => None,
        Emit::SeaOrm => match crate::seaorm_cmd::find_crate(std::path::Path::new(".")) {
            Some(dir) => Some(dir),
            None => bail!(
                "no sea-orm-migration crate here (a directory whose src/lib.rs implements \
                 MigratorTrait); create one with `sea-orm-cli migrate init`, or run `strata init` \
                 for strata's own SQL revisions"
            ),
        },
    };
    // The URL given says which database; else the migration crate's driver features do.
    let given_url = global.database_url.as_deref();
    if let Some(url) = given_url {
        strata_connect::Target::parse(url)?;
    }
    let dialect = dialect
        .or_else(|| given_url.and_then(strata_connect::dialect_of))
        .or_else(|| crate_dir.as_deref().and_then(crate_dialect))
        .unwrap_or(Dialect::Sqlite);
    let url = given_url.unwrap_or(match dialect {
        Dialect::Sqlite => "sqlite:dev.db?mode=rwc",
        Dialect::Postgres => "postgres://postgres@localhost:5432/app",
        Dialect::Mysql => "mysql://root@localhost:3306/app",
    });
    if strata_connect::holds_secret(url) {
        eprintln!(
            "warning: the database URL holds a password, and strata.toml is usually committed; \
             consider DATABASE_URL in the environment or in .env (kept out of version control) instead"
        );
    }
    let models = global
        .models
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("src/entities"));
    let migrations = global
        .migrations
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("migrations"));
    let output = match &crate_dir {
        Some(dir) => format!(
            "emit = \"sea-orm\"                # autogenerate writes sea-orm-migration files\n\
             migration_crate = \"{}\"   # registered in its src/lib.rs\n",
            dir.display()
        ),
        None => format!(
            "migrations = {}     # revisions, one directory each\n",
            toml_string(&migrations.display().to_string())
        ),
    };
    let url_toml = toml_string(url);
    let models_toml = toml_string(&models.display().to_string());
    let text = format!(
        "# strata configuration; flags and DATABASE_URL (environment or .env) override it.\n\
         database_url = {url_toml}\n\
         models = {models_toml}       # SeaORM entity files\n\
         # connect_timeout = \"10s\"     # also lock_timeout (statements of revisions), lock_wait\n\
         {output}\
         # dev_url = \"...\"             # server for the temporary database of `--history`\n\
         # schemas = [\"public\"]        # PostgreSQL schemas in scope\n\
         # ignore = [\"legacy_*\"]       # tables strata never reads or touches\n\
         # entities = \"partial\"        # DB-first: what entities leave out stays as it is\n"
    );
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    match &crate_dir {
        Some(dir) => println!(
            "wrote {} for the migration crate {} ({dialect})",
            path.display(),
            dir.display()
        ),
        None => {
            std::fs::create_dir_all(&migrations)
                .with_context(|| format!("cannot create {}", migrations.display()))?;
            // The authoring lock file is the machine's, not the project's.
            let ignore = migrations.join(".gitignore");
            if !ignore.exists() {
                std::fs::write(&ignore, ".strata-lock\n")
                    .with_context(|| format!("cannot write {}", ignore.display()))?;
            }
            println!("wrote {} and {}/", path.display(), migrations.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `text` as a TOML string (quoted and escaped by the toml crate).
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// The database a migration crate's `Cargo.toml` enables a driver for, when it enables one.
fn crate_dialect(dir: &std::path::Path) -> Option<Dialect> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    // sea-orm-cli's template lists the drivers in comments; only live lines count.
    let manifest: String = text
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let found: Vec<Dialect> = [
        ("sqlx-postgres", Dialect::Postgres),
        ("sqlx-mysql", Dialect::Mysql),
        ("sqlx-sqlite", Dialect::Sqlite),
    ]
    .into_iter()
    .filter(|(feature, _)| manifest.contains(feature))
    .map(|(_, d)| d)
    .collect();
    (found.len() == 1).then(|| found[0])
}

/// What the entities are compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// The live database, which must be at head.
    Database,
    /// The migration history replayed into a scratch database.
    History,
}

impl Base {
    fn name(self) -> &'static str {
        match self {
            Base::Database => "database",
            Base::History => "migrations",
        }
    }
}

/// The entities, the schema they are compared with, and the state of the revisions.
struct Comparison {
    entities: Schema,
    current: Schema,
    dialect: Dialect,
    /// Revisions the live database has not applied.
    pending: Vec<String>,
    /// Applied revisions whose files are not what the database ran.
    edited: Vec<String>,
    history: History,
}

fn compare(config: &Config, base: Base) -> anyhow::Result<Comparison> {
    let reading = crate::models::read(config)?;
    if config.emit == Emit::SeaOrm {
        return compare_seaorm(config, base, reading);
    }
    let history = History::load_verified(&config.migrations, config.lock_wait)?;
    let (current, dialect, pending, edited) = match base {
        Base::History => {
            let (schema, dialect) = crate::replay::replay(config, &history, &reading.schema)?;
            (schema, dialect, Vec::new(), Vec::new())
        }
        Base::Database => {
            let status = crate::history::read_status(config, &history)?;
            let pending = history
                .graph
                .plan_upgrade(&status.applied(), &strata_store::Target::Heads)?;
            let (schema, dialect) = crate::database::introspect(config, Some(&reading.schema))?;
            (schema, dialect, pending, status.edited)
        }
    };
    let entities = authoritative(config, &current, reading);
    Ok(Comparison {
        entities,
        current,
        dialect,
        pending,
        edited,
        history,
    })
}

/// `emit = "sea-orm"`: the base is the live database once the migration crate has run; its
/// unapplied migrations are the pending ones.
fn compare_seaorm(
    config: &Config,
    base: Base,
    reading: strata_model::Reading,
) -> anyhow::Result<Comparison> {
    if base == Base::History {
        bail!(
            "--history replays strata's SQL revisions; with emit = \"sea-orm\" the base is the \
             database after `{}`",
            crate::seaorm_cmd::upgrade_hint(config)
        );
    }
    let url = crate::database::read_url(config)?;
    let pending = crate::seaorm_cmd::pending(config, &url)?;
    let (current, dialect) = crate::database::introspect(config, Some(&reading.schema))?;
    let entities = authoritative(config, &current, reading);
    Ok(Comparison {
        entities,
        current,
        dialect,
        pending,
        edited: Vec::new(),
        history: History::empty(),
    })
}

/// What the entities decide: all of it, or (`entities = "partial"`) only what they state, the
/// rest taken from `current`.
pub fn authoritative(config: &Config, current: &Schema, reading: strata_model::Reading) -> Schema {
    match config.entities {
        crate::config::Entities::Complete => reading.schema,
        crate::config::Entities::Partial => {
            let ignored: Vec<(strata_diff::TableRef, String)> = reading
                .ignored
                .into_iter()
                .map(|c| {
                    let table = strata_diff::TableRef {
                        schema: c.schema,
                        name: c.table,
                    };
                    (table, c.column)
                })
                .collect();
            strata_diff::fill_unstated(current, &reading.schema, &ignored)
        }
    }
}

/// What is pending: strata's revisions, or the migration crate's migrations.
fn pending_noun(config: &Config) -> &'static str {
    match config.emit {
        Emit::Sql => "revision",
        Emit::SeaOrm => "migration",
    }
}

/// The command that applies pending revisions or migrations.
fn upgrade_hint(config: &Config) -> String {
    match config.emit {
        Emit::Sql => "strata upgrade head".to_owned(),
        Emit::SeaOrm => crate::seaorm_cmd::upgrade_hint(config),
    }
}

/// `strata autogenerate -m MSG [--history]`: a revision that brings the database (or the
/// replayed history) to what the entities say.
pub fn autogenerate(config: &Config, message: &str, base: Base) -> anyhow::Result<ExitCode> {
    // Everything below reads the directory after the lock is taken: a second autogenerate
    // waits for the first, then sees its revision (pending on the database, so it refuses).
    let _lock = crate::history::lock_migrations(config)?;
    if let Some((_, status)) = unfinished(config, base)? {
        if let Some((id, failure)) = status.failed() {
            bail!(
                "the database holds a failed revision; autogenerate would write on top of a half-applied \
                 schema\n{}\n{}",
                failure.describe(id),
                failure.way_out(id)
            );
        }
        if let Some((id, State::Partial { done, steps })) = status.unfinished().first() {
            bail!(
                "revision {id} is partly applied (step {done} of {steps}): the database is between \
                 two revisions; run `strata upgrade head` to finish it, then autogenerate"
            );
        }
    }
    let mut c = compare(config, base)?;
    if !c.pending.is_empty() {
        bail!(
            "database is not up to date: {} pending {}(s) ({}); run `{}`",
            c.pending.len(),
            pending_noun(config),
            c.pending.join(", "),
            upgrade_hint(config)
        );
    }
    let diff = strata_diff::diff(&c.current, &c.entities, c.dialect);
    // The changes say all that is needed of the entities now; at thousands of tables their
    // schema is worth freeing before the after-state is built.
    drop(std::mem::take(&mut c.entities));
    render::notes(&diff.notes);
    if diff.changes.is_empty() {
        println!(
            "no changes: the {} matches the entities; nothing written",
            base.name()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let up = strata_emit::render(&diff.changes, &c.current, c.dialect)?;
    let (wrote, own_transaction) = match config.emit {
        Emit::SeaOrm => {
            let path =
                crate::seaorm_cmd::write(config, &diff.changes, &c.current, c.dialect, message)?;
            (
                format!("{} (registered in its lib.rs)", path.display()),
                false,
            )
        }
        Emit::Sql => {
            let after = strata_diff::apply_all(&c.current, &diff.changes);
            let down = strata_emit::render(&Change::reverse_all(&diff.changes), &after, c.dialect)?;
            let transactional = up.transactional && down.transactional;
            let parents: Vec<String> = c.history.graph.head()?.into_iter().collect();
            let path = write_revision(
                config,
                message,
                parents,
                (
                    &format!("{}\n{}", sql_comment(message), up.sql()),
                    &format!(
                        "{}\n{}",
                        sql_comment(&format!("undo: {message}")),
                        down.sql()
                    ),
                ),
                transactional,
            )?;
            (path.display().to_string(), !transactional)
        }
    };
    for change in &diff.changes {
        println!("{}", render::change(change));
    }
    for warning in up.warnings() {
        render::warning(warning);
    }
    if own_transaction {
        eprintln!(
            "note: the revision adds an enum label and uses it, which PostgreSQL cannot do in one \
             transaction; it is marked transactional = false"
        );
    }
    println!("wrote {wrote}");
    Ok(ExitCode::SUCCESS)
}

/// The migration history and every revision's state on the live database, when `base` is the
/// database (strata's own revisions) and some revision is partly applied or failed.
fn unfinished(
    config: &Config,
    base: Base,
) -> anyhow::Result<Option<(History, strata_store::state::Status)>> {
    if base != Base::Database || config.emit != Emit::Sql {
        return Ok(None);
    }
    let history = History::load_verified(&config.migrations, config.lock_wait)?;
    let status = crate::history::read_status(config, &history)?;
    Ok((!status.unfinished().is_empty()).then_some((history, status)))
}

/// What `check --format json` prints; the shape is documented in the README and kept stable.
#[derive(Serialize)]
struct Report {
    /// The shape's version.
    version: u32,
    /// `true` when there is nothing to report and the exit code is 0.
    in_sync: bool,
    /// `database` or `migrations`.
    compared_with: &'static str,
    dialect: String,
    pending: Vec<String>,
    edited: Vec<String>,
    /// Revisions partly applied or failed (with `--history`, always empty).
    unfinished: Vec<crate::history::RevisionReport>,
    changes: Vec<ChangeReport>,
    warnings: Vec<strata_emit::Warning>,
    notes: Vec<String>,
    /// Unified diff of the schema as DDL, current → entities; empty when in sync.
    schema_diff: String,
    /// The SQL `autogenerate` would write as up.sql.
    up: String,
}

/// One change in JSON output (`check`, `diff`): its kind (`add_column`, `drop_table`, ...)
/// and the line a reviewer reads.
#[derive(Serialize)]
pub struct ChangeReport {
    kind: String,
    summary: String,
}

pub fn change_report(change: &Change) -> ChangeReport {
    let kind = serde_json::to_value(change)
        .ok()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_owned))
        .unwrap_or_default();
    ChangeReport {
        kind,
        summary: change.to_string(),
    }
}

/// `strata check [--history] [--format json]`: 0 when the entities match the database (at
/// head) or the replayed history, 1 otherwise.
pub fn check(config: &Config, base: Base, format: TextFormat) -> anyhow::Result<ExitCode> {
    if let Some((history, status)) = unfinished(config, base)? {
        return check_unfinished(config, &history, &status, format);
    }
    let mut c = compare(config, base)?;
    let Diff { changes, notes } = strata_diff::diff(&c.current, &c.entities, c.dialect);
    drop(std::mem::take(&mut c.entities));
    let up = strata_emit::render(&changes, &c.current, c.dialect)
        .with_context(|| format!("the changes cannot be written for {}", c.dialect))?;
    let schema_diff = if changes.is_empty() {
        String::new()
    } else {
        let after = strata_diff::apply_all(&c.current, &changes);
        render::schema_diff(
            &strata_emit::create_schema(&c.current, c.dialect)?,
            &strata_emit::create_schema(&after, c.dialect)?,
            base.name(),
            "entities",
        )
    };
    let in_sync = changes.is_empty() && c.pending.is_empty() && c.edited.is_empty();
    match format {
        TextFormat::Json => {
            let report = Report {
                version: 1,
                in_sync,
                compared_with: base.name(),
                dialect: c.dialect.to_string(),
                pending: c.pending,
                edited: c.edited,
                unfinished: Vec::new(),
                changes: changes.iter().map(change_report).collect(),
                warnings: up.warnings().cloned().collect(),
                notes: notes.iter().map(ToString::to_string).collect(),
                schema_diff,
                up: up.sql(),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&report).context("cannot encode the report")?
            );
        }
        TextFormat::Text => {
            render::notes(&notes);
            if !c.pending.is_empty() {
                println!(
                    "the database is not at head: {} pending {}(s) ({}); run `{}`",
                    c.pending.len(),
                    pending_noun(config),
                    c.pending.join(", "),
                    upgrade_hint(config)
                );
            }
            for id in &c.edited {
                print_edited(id);
            }
            if !changes.is_empty() {
                println!(
                    "the entities and the {} differ ({} change(s)):",
                    base.name(),
                    changes.len()
                );
                for change in &changes {
                    println!("  {}", render::change(change));
                }
                println!();
                render::print_diff(&schema_diff);
                for warning in up.warnings() {
                    render::warning(warning);
                }
                let how = match base {
                    Base::Database => "strata autogenerate -m MESSAGE",
                    Base::History => "strata autogenerate --history -m MESSAGE",
                };
                println!("\nrun `{how}` to write a revision for these changes");
            }
            if in_sync {
                match base {
                    Base::Database => {
                        println!("in sync: the database matches the entities and is at head")
                    }
                    Base::History => println!(
                        "in sync: the migration history ({} revision(s)) matches the entities",
                        c.history.revisions.len()
                    ),
                }
            }
        }
    }
    Ok(if in_sync {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `check` while a revision is partly applied or failed: the state and the way out, exit 1; the
/// entities are not compared with a schema that is between two revisions.
fn check_unfinished(
    config: &Config,
    history: &History,
    status: &strata_store::state::Status,
    format: TextFormat,
) -> anyhow::Result<ExitCode> {
    let dialect = crate::config::dialect_of_url(crate::database::url(config)?)?;
    match format {
        TextFormat::Json => {
            let report = Report {
                version: 1,
                in_sync: false,
                compared_with: Base::Database.name(),
                dialect: dialect.to_string(),
                pending: status.pending(),
                edited: status.edited.clone(),
                unfinished: status
                    .unfinished()
                    .into_iter()
                    .map(|(id, state)| crate::history::report(history, id, Some(state)))
                    .collect(),
                changes: Vec::new(),
                warnings: Vec::new(),
                notes: Vec::new(),
                schema_diff: String::new(),
                up: String::new(),
            };
            crate::history::print_json(&report)?;
        }
        TextFormat::Text => {
            for (id, state) in status.unfinished() {
                match state {
                    State::Failed(f) => {
                        println!(
                            "{}
{}",
                            f.describe(id),
                            f.way_out(id)
                        )
                    }
                    other if status.edited.iter().any(|e| e == id) => println!(
                        "revision {id} is {other}, and statements it has already run were edited \
                         since: restore them (only the failed statement and those after it may \
                         change), then run `strata upgrade head` to finish it"
                    ),
                    other => {
                        println!("revision {id} is {other}: run `strata upgrade head` to finish it")
                    }
                }
            }
            for id in status
                .edited
                .iter()
                .filter(|e| !status.unfinished().iter().any(|(u, _)| u == e))
            {
                print_edited(id);
            }
            println!(
                "the entities are not compared while a revision is unfinished: the database is \
                 between two revisions"
            );
        }
    }
    Ok(ExitCode::from(1))
}

/// An applied revision whose files changed since it ran, and the way out.
fn print_edited(id: &str) {
    println!(
        "revision {id} was applied from different files: it was edited after it ran on this \
         database; restore it, or add a new revision for the change"
    );
}

/// `strata baseline [-m MSG]`: adopting strata on an existing database. Writes a first revision
/// whose up.sql recreates the database as it is (the DDL `schema db` prints) and whose down.sql
/// drops it, and records it as applied to the database without running it. From then on,
/// `check --history` replays the baseline before the revisions that follow it.
pub fn baseline(config: &Config, message: &str) -> anyhow::Result<ExitCode> {
    let _lock = crate::history::lock_migrations(config)?;
    let history = History::load(&config.migrations)?;
    if !history.revisions.is_empty() {
        bail!(
            "{} already holds {} revision(s); a baseline starts a history. Use \
             `strata autogenerate` to continue it, or `strata stamp` to mark revisions applied",
            config.migrations.display(),
            history.revisions.len()
        );
    }
    let (current, dialect) = crate::database::introspect(config, None)?;
    if current.tables.is_empty() {
        bail!(
            "the database holds no tables in scope; there is nothing to baseline. Start with \
             `strata autogenerate -m MESSAGE` instead"
        );
    }
    let up = strata_emit::create_schema(&current, dialect)?;
    let drop_all = strata_diff::diff(&current, &Schema::default(), dialect);
    let down = strata_emit::render(&drop_all.changes, &current, dialect)?;
    let path = write_revision(
        config,
        message,
        Vec::new(),
        (
            &format!(
                "{}\n{up}",
                sql_comment(&format!(
                    "{message}: the database as it was when strata was adopted"
                ))
            ),
            &format!(
                "{}\n{}",
                sql_comment(&format!("undo: {message}")),
                down.sql()
            ),
        ),
        true,
    )?;
    let history = History::load(&config.migrations)?;
    let url = crate::database::write_url(config)?;
    block_on(async {
        let mut db = strata_store::runner::Db::connect(&url, &config.settings).await?;
        let stamped = strata_store::runner::stamp(
            &mut db,
            &history.graph,
            &history.revisions,
            &strata_store::Target::Heads,
            config.lock_wait,
        )
        .await;
        db.close().await;
        stamped
    })??;
    println!(
        "wrote {} ({} table(s)) and recorded it as applied; nothing was run",
        path.display(),
        current.tables.len()
    );
    Ok(ExitCode::SUCCESS)
}
