//! The revision commands that need no database: `revision`, `merge`, `heads`, `history`,
//! `show` and `hash`.

use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use strata_ir::text::sql_comment;

use anyhow::{Context, bail};
use strata_store::directory::{self, SUM_FILE};
use strata_store::lockfile::FileLock;
use strata_store::{Graph, Meta, RevisionDir, StoreError};

use serde::Serialize;
use strata_store::state::{State, Status};

use crate::cli::TextFormat;
use crate::config::Config;

/// The migrations directory read and checked: revisions in graph order, and the graph.
pub struct History {
    pub revisions: Vec<RevisionDir>,
    pub graph: Graph,
}

impl History {
    pub fn load(dir: &Path) -> anyhow::Result<History> {
        let mut revisions = directory::read(dir)?;
        let graph = Graph::new(
            &revisions
                .iter()
                .map(RevisionDir::as_revision)
                .collect::<Vec<_>>(),
        )?;
        let rank: std::collections::HashMap<&str, usize> = graph
            .revisions()
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let position =
            |r: &RevisionDir| rank.get(r.meta.id.as_str()).copied().unwrap_or(usize::MAX);
        revisions.sort_by_key(position);
        Ok(History { revisions, graph })
    }

    /// No revisions (the sea-orm-migration output keeps none).
    pub fn empty() -> History {
        History {
            revisions: Vec::new(),
            graph: Graph::default(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&RevisionDir> {
        self.revisions.iter().find(|r| r.meta.id == id)
    }

    /// [`History::load`] then [`History::verify`]. Another strata process writing revisions
    /// renames a new revision into place a moment before it rewrites the checksum file: a view
    /// that does not verify is read again once no such process holds the directory's lock.
    pub fn load_verified(dir: &Path, wait: std::time::Duration) -> anyhow::Result<History> {
        let history = History::load(dir)?;
        match history.verify(dir) {
            Ok(()) => Ok(history),
            // This process's own writing is not waited for.
            Err(_) if !WRITING.load(Ordering::Relaxed) => {
                directory::wait_for_writer(dir, wait)?;
                let history = History::load(dir)?;
                history.verify(dir)?;
                Ok(history)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Refuses a directory whose files changed since the checksum file was written.
    pub fn verify(&self, dir: &Path) -> Result<(), StoreError> {
        if self.revisions.is_empty() {
            return Ok(());
        }
        let path = dir.join(SUM_FILE);
        let text = std::fs::read_to_string(&path).map_err(|_| StoreError::NoSumFile {
            file: path.display().to_string(),
        })?;
        let ordered: Vec<&RevisionDir> = self.revisions.iter().collect();
        strata_store::sum::verify(&text, &path.display().to_string(), &ordered)
    }

    /// Rewrites the checksum file (atomically: a reader sees the old file or the new one).
    pub fn write_sum(&self, dir: &Path) -> anyhow::Result<()> {
        let ordered: Vec<&RevisionDir> = self.revisions.iter().collect();
        directory::write_file(&dir.join(SUM_FILE), &strata_store::sum::render(&ordered))?;
        Ok(())
    }
}

/// The authoring lock of the directory this project's revisions are written to (the
/// migrations directory, or the migration crate with `emit = "sea-orm"`). Every command that
/// writes revisions holds it from reading the directory to its last write, so concurrent
/// `autogenerate`s decide one after the other, each from what the previous one wrote.
pub fn lock_migrations(config: &Config) -> anyhow::Result<FileLock> {
    let dir = match config.emit {
        crate::config::Emit::Sql => &config.migrations,
        crate::config::Emit::SeaOrm => &config.migration_crate,
    };
    let lock = directory::lock(dir, config.lock_wait)?;
    WRITING.store(true, Ordering::Relaxed);
    Ok(lock)
}

/// Set once this process holds the directory's lock ([`lock_migrations`]).
static WRITING: AtomicBool = AtomicBool::new(false);

/// The creation time (RFC 3339), the instant for the id, and some entropy.
fn now() -> (String, directory::Instant, u64) {
    use chrono::{Datelike, Timelike};
    let now = chrono::Utc::now();
    let at = directory::Instant {
        year: now.year(),
        month: now.month(),
        day: now.day(),
        hour: now.hour(),
        minute: now.minute(),
        second: now.second(),
        millis: now.timestamp_subsec_millis(),
    };
    let entropy = u64::from(now.timestamp_subsec_nanos()) ^ u64::from(std::process::id());
    (
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        at,
        entropy,
    )
}

/// Writes a revision with `parents` and the given SQL, then the checksum file; returns its
/// directory. The caller holds [`lock_migrations`].
pub fn write_revision(
    config: &Config,
    message: &str,
    parents: Vec<String>,
    (up, down): (&str, &str),
    transactional: bool,
) -> anyhow::Result<std::path::PathBuf> {
    let (created, at, entropy) = now();
    let meta = Meta {
        id: directory::new_id(at, entropy),
        parents,
        message: message.to_owned(),
        created,
        transactional,
    };
    let path = directory::write(&config.migrations, &meta, up, down)?;
    History::load(&config.migrations)?.write_sum(&config.migrations)?;
    Ok(path)
}

/// `strata revision -m MSG`: an empty revision on top of the single head.
pub fn revision(config: &Config, message: &str) -> anyhow::Result<ExitCode> {
    let _lock = lock_migrations(config)?;
    let history = History::load_verified(&config.migrations, config.lock_wait)?;
    let parents: Vec<String> = history.graph.head()?.into_iter().collect();
    let header = |which: &str| {
        format!(
            "{}\n-- Write the SQL of this revision below.\n",
            sql_comment(&format!("{which}: {message}"))
        )
    };
    let path = write_revision(
        config,
        message,
        parents,
        (&header("up"), &header("down")),
        true,
    )?;
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// `strata merge -m MSG [REV...]`: a revision whose parents are the given revisions (default:
/// every head).
pub fn merge(config: &Config, message: &str, revs: &[String]) -> anyhow::Result<ExitCode> {
    let _lock = lock_migrations(config)?;
    let history = History::load_verified(&config.migrations, config.lock_wait)?;
    let parents: Vec<String> = if revs.is_empty() {
        history.graph.heads()
    } else {
        revs.iter()
            .map(|r| history.graph.resolve(r))
            .collect::<Result<_, _>>()?
    };
    if parents.len() < 2 {
        bail!(
            "nothing to merge: there is {} head ({}); a merge joins two or more",
            parents.len(),
            parents.join(", ")
        );
    }
    let text = format!(
        "{}\n",
        sql_comment(&format!("merge of {}: {message}", parents.join(", ")))
    );
    let path = write_revision(config, message, parents, (&text, &text), true)?;
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// `strata heads`.
pub fn heads(config: &Config) -> anyhow::Result<ExitCode> {
    let history = History::load(&config.migrations)?;
    for id in history.graph.heads() {
        let message = history
            .get(&id)
            .map(|r| r.meta.message.as_str())
            .unwrap_or("");
        println!("{id} (head)  {message}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `strata history [--verbose] [--format json]`: newest first, with each revision's state when
/// a database is configured and answers.
pub fn history(config: &Config, verbose: bool, format: TextFormat) -> anyhow::Result<ExitCode> {
    let history = History::load(&config.migrations)?;
    let heads = history.graph.heads();
    let status = read_status(config, &history);
    if format == TextFormat::Json {
        let revisions: Vec<RevisionReport> = history
            .revisions
            .iter()
            .rev()
            .map(|r| {
                let state = status.as_ref().ok().map(|s| s.state(&r.meta.id));
                report(&history, &r.meta.id, state)
            })
            .collect();
        print_json(&serde_json::json!({
            "version": 1,
            "database": status.is_ok(),
            "revisions": revisions,
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    for r in history.revisions.iter().rev() {
        let mut marks = Vec::new();
        if heads.contains(&r.meta.id) {
            marks.push("head".to_owned());
        }
        if let Ok(status) = &status {
            marks.push(status.state(&r.meta.id).to_string());
        }
        let marks = if marks.is_empty() {
            String::new()
        } else {
            format!(" ({})", marks.join(", "))
        };
        let parents = if r.meta.parents.is_empty() {
            "<base>".to_owned()
        } else {
            r.meta.parents.join(", ")
        };
        println!("{parents} -> {}{marks}, {}", r.meta.id, r.meta.message);
        if verbose {
            println!("    directory: {}", r.path.display());
            println!("    created: {}", r.meta.created);
            if !r.meta.transactional {
                println!("    runs outside a transaction");
            }
        }
    }
    match &status {
        Err(reason) if config.database_url.is_some() => {
            eprintln!("note: no applied/pending marks: {reason}")
        }
        Ok(status) => note_unfinished(status),
        Err(_) => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Every revision's state on the configured database.
pub fn read_status(config: &Config, history: &History) -> anyhow::Result<Status> {
    use strata_store::runner::Db;
    let url = crate::database::read_url(config)?;
    let status = block_on(async {
        let mut db = Db::connect(&url, &config.settings).await?;
        let status = db.status(&history.graph, &history.revisions).await;
        db.close().await;
        status
    })??;
    Ok(status)
}

/// One revision in `--format json` output (`current`, `history`, `check`, `resolve`): the same
/// shape and the same state wherever it appears.
#[derive(Serialize)]
pub struct RevisionReport {
    id: String,
    message: String,
    parents: Vec<String>,
    head: bool,
    /// `pending`, `applied`, `partial` or `failed`; null without a database.
    state: Option<&'static str>,
    /// Steps recorded as done (partial and failed revisions).
    steps_done: Option<usize>,
    /// Steps the revision runs as (partial and failed revisions).
    steps: Option<usize>,
    failure: Option<FailureReport>,
}

#[derive(Serialize)]
pub struct FailureReport {
    /// The step that failed (from 1); null when unknown.
    step: Option<usize>,
    /// True when the process stopped while the statement ran (no error was recorded).
    interrupted: bool,
    /// True when the failure happened while rolling back.
    downgrade: bool,
    /// The failed statement and its line in up.sql (down.sql when rolling back).
    statement: Option<String>,
    line: Option<usize>,
    /// The database's error.
    error: Option<String>,
    /// The way out, as a sentence.
    resolve: String,
}

pub fn report(history: &History, id: &str, state: Option<&State>) -> RevisionReport {
    let r = history.get(id);
    let (steps_done, steps, failure) = match state {
        Some(State::Partial { done, steps }) => (Some(*done), Some(*steps), None),
        Some(State::Failed(f)) => (
            Some(f.done()),
            Some(f.steps),
            Some(FailureReport {
                step: f.step,
                interrupted: f.error.is_none(),
                downgrade: f.downgrade,
                statement: f.statement.clone(),
                line: f.line,
                error: f.error.clone(),
                resolve: f.way_out(id),
            }),
        ),
        _ => (None, None, None),
    };
    RevisionReport {
        id: id.to_owned(),
        message: r.map(|r| r.meta.message.clone()).unwrap_or_default(),
        parents: history.graph.parents(id).to_vec(),
        head: history.graph.heads().iter().any(|h| h == id),
        state: state.map(State::name),
        steps_done,
        steps,
        failure,
    }
}

pub fn print_json(value: &impl Serialize) -> anyhow::Result<()> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).context("cannot encode the report")?
    );
    Ok(())
}

/// On stderr: each partly applied or failed revision, and the way out.
pub fn note_unfinished(status: &Status) {
    for (id, state) in status.unfinished() {
        match state {
            State::Failed(f) => eprintln!(
                "note: {}
{}",
                f.describe(id),
                f.way_out(id)
            ),
            State::Partial { done, steps } => eprintln!(
                "note: revision {id} is partly applied (step {done} of {steps}); `strata upgrade head` continues it"
            ),
            _ => {}
        }
    }
}

/// `strata show REV`.
pub fn show(config: &Config, rev: &str) -> anyhow::Result<ExitCode> {
    let history = History::load(&config.migrations)?;
    let id = history.graph.resolve_one(rev)?;
    let Some(r) = history.get(&id) else {
        bail!("revision {id} has no directory");
    };
    println!("revision: {}", r.meta.id);
    println!("parents: {}", r.meta.parents.join(", "));
    println!("message: {}", r.meta.message);
    println!("created: {}", r.meta.created);
    println!("directory: {}", r.path.display());
    println!("\n-- up.sql\n{}", r.up);
    println!("-- down.sql\n{}", r.down);
    Ok(ExitCode::SUCCESS)
}

/// `strata hash`: rewrite the checksum file after a deliberate edit or a merge of branches.
pub fn hash(config: &Config) -> anyhow::Result<ExitCode> {
    let _lock = lock_migrations(config)?;
    let history = History::load(&config.migrations)?;
    history.write_sum(&config.migrations)?;
    println!(
        "{} written for {} revision(s)",
        config.migrations.join(SUM_FILE).display(),
        history.revisions.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn block_on<T>(future: impl std::future::Future<Output = T>) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(future))
}

/// `strata upgrade [TARGET]` and `strata downgrade TARGET`.
pub fn migrate(
    config: &Config,
    target: &str,
    up: bool,
    format: TextFormat,
) -> anyhow::Result<ExitCode> {
    use strata_store::runner::{self, Db, Direction};
    let history = History::load_verified(&config.migrations, config.lock_wait)?;
    let target = strata_store::Target::parse(target)?;
    let url = crate::database::write_url(config)?;
    let direction = if up { Direction::Up } else { Direction::Down };
    let bar = config.progress.steps(if up {
        "applying revisions"
    } else {
        "rolling back revisions"
    });
    let mut outcome = runner::Report::default();
    let result = block_on(async {
        let mut db = Db::connect(&url, &config.settings).await?;
        let result = runner::run_collecting(
            &mut db,
            &history.graph,
            &history.revisions,
            &target,
            direction,
            config.lock_wait,
            &mut |n, len, id| bar.step(n, len, id),
            &mut outcome,
        )
        .await;
        db.close().await;
        result
    })?;
    drop(bar);
    let verb = if up { "applied" } else { "rolled back" };
    let steps = &outcome.ran;
    if format == TextFormat::Json {
        #[derive(Serialize)]
        struct Ran {
            id: String,
            /// `applied` or `rolled back`.
            action: &'static str,
            duration_ms: u128,
            /// Steps an earlier run had recorded, continued after.
            resumed_after: usize,
        }
        let ran: Vec<Ran> = steps
            .iter()
            .map(|s| Ran {
                id: s.revision.clone(),
                action: verb,
                duration_ms: s.duration.as_millis(),
                resumed_after: s.resumed_after,
            })
            .collect();
        // The states after the run, read the same way `current` reads them.
        let status = read_status(config, &history).ok();
        let current: Vec<RevisionReport> = status
            .as_ref()
            .map(|status| {
                status
                    .current(&history.graph)
                    .iter()
                    .map(|id| report(&history, id, Some(status.state(id))))
                    .collect()
            })
            .unwrap_or_default();
        print_json(&serde_json::json!({
            "version": 1,
            "ran": ran,
            "elsewhere": outcome.elsewhere,
            "error": result.as_ref().err().map(ToString::to_string),
            "current": current,
        }))?;
        result?;
        return Ok(ExitCode::SUCCESS);
    }
    if steps.is_empty() && outcome.elsewhere.is_empty() && result.is_ok() {
        println!("nothing to do: the database is already at {target}");
    }
    // What another process did while this one waited for the lock: not this process's work.
    for id in &outcome.elsewhere {
        println!("{id} already {verb} by another process");
    }
    // What this process did, also when it stopped part-way.
    for step in steps {
        let message = history
            .get(&step.revision)
            .map(|r| r.meta.message.as_str())
            .unwrap_or("");
        let resumed = if step.resumed_after > 0 {
            format!(", continued after step {}", step.resumed_after)
        } else {
            String::new()
        };
        println!(
            "{verb} {} ({} ms{resumed})  {message}",
            step.revision,
            step.duration.as_millis()
        );
    }
    result?;
    Ok(ExitCode::SUCCESS)
}

/// `strata current [--format json]`: the revision(s) the database is at, with their state.
pub fn current(config: &Config, format: TextFormat) -> anyhow::Result<ExitCode> {
    let history = History::load(&config.migrations)?;
    let status = read_status(config, &history)?;
    let current = status.current(&history.graph);
    if format == TextFormat::Json {
        let current: Vec<RevisionReport> = current
            .iter()
            .map(|id| report(&history, id, Some(status.state(id))))
            .collect();
        print_json(&serde_json::json!({ "version": 1, "current": current }))?;
        return Ok(ExitCode::SUCCESS);
    }
    if current.is_empty() {
        println!("<base> (no revision applied)");
    }
    let heads = history.graph.heads();
    for id in &current {
        let mut marks = Vec::new();
        if heads.contains(id) {
            marks.push("head".to_owned());
        }
        match status.state(id) {
            State::Applied => {}
            State::Pending if status.unknown.contains(id) => {
                marks.push("not in the migrations directory".to_owned())
            }
            other => marks.push(other.to_string()),
        }
        if marks.is_empty() {
            println!("{id}");
        } else {
            println!("{id} ({})", marks.join(", "));
        }
    }
    note_unfinished(&status);
    Ok(ExitCode::SUCCESS)
}

/// `strata upgrade --sql` / `strata downgrade --sql`: the SQL, printed, for the configured
/// database's dialect.
pub fn offline(config: &Config, target: &str, up: bool) -> anyhow::Result<ExitCode> {
    use strata_store::runner::{self, Direction};
    let history = History::load_verified(&config.migrations, config.lock_wait)?;
    let target = strata_store::Target::parse(target)?;
    let url = crate::database::url(config)?;
    let kind = crate::replay::kind(crate::config::dialect_of_url(url)?);
    let direction = if up { Direction::Up } else { Direction::Down };
    print!(
        "{}",
        runner::offline_script(kind, &history.graph, &history.revisions, &target, direction)?
    );
    Ok(ExitCode::SUCCESS)
}

/// `strata stamp TARGET`.
pub fn stamp(config: &Config, target: &str) -> anyhow::Result<ExitCode> {
    use strata_store::runner::{self, Db};
    let history = History::load_verified(&config.migrations, config.lock_wait)?;
    let target = strata_store::Target::parse(target)?;
    let url = crate::database::write_url(config)?;
    let ids = block_on(async {
        let mut db = Db::connect(&url, &config.settings).await?;
        let ids = runner::stamp(
            &mut db,
            &history.graph,
            &history.revisions,
            &target,
            config.lock_wait,
        )
        .await;
        db.close().await;
        ids
    })??;
    match ids.last() {
        Some(last) => println!(
            "stamped {last} ({} revision(s) recorded as applied)",
            ids.len()
        ),
        None => println!("stamped base (no revision recorded as applied)"),
    }
    Ok(ExitCode::SUCCESS)
}
