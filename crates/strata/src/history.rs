//! The revision commands that need no database: `revision`, `merge`, `heads`, `history`,
//! `show` and `hash`.

use std::path::Path;
use std::process::ExitCode;
use strata_ir::text::sql_comment;

use anyhow::{Context, bail};
use strata_store::directory::{self, SUM_FILE};
use strata_store::{Graph, Meta, RevisionDir, StoreError};

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

    /// Rewrites the checksum file.
    pub fn write_sum(&self, dir: &Path) -> anyhow::Result<()> {
        let ordered: Vec<&RevisionDir> = self.revisions.iter().collect();
        let path = dir.join(SUM_FILE);
        std::fs::write(&path, strata_store::sum::render(&ordered))
            .with_context(|| format!("cannot write {}", path.display()))
    }
}

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
/// directory.
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
    let history = History::load(&config.migrations)?;
    history.verify(&config.migrations)?;
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
    let history = History::load(&config.migrations)?;
    history.verify(&config.migrations)?;
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

/// `strata history [--verbose]`: newest first, with applied/pending marks when a database is
/// configured and answers.
pub fn history(config: &Config, verbose: bool) -> anyhow::Result<ExitCode> {
    let history = History::load(&config.migrations)?;
    let heads = history.graph.heads();
    let applied = applied_ids(config);
    for r in history.revisions.iter().rev() {
        let mut marks = Vec::new();
        if heads.contains(&r.meta.id) {
            marks.push("head");
        }
        if let Ok(applied) = &applied {
            marks.push(if applied.contains(&r.meta.id) {
                "applied"
            } else {
                "pending"
            });
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
    if let Err(reason) = applied
        && config.database_url.is_some()
    {
        eprintln!("note: no applied/pending marks: {reason}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The revisions the configured database records as applied.
fn applied_ids(config: &Config) -> anyhow::Result<std::collections::BTreeSet<String>> {
    use strata_store::runner::Db;
    let url = crate::database::read_url(config)?;
    let rows = block_on(async {
        let mut db = Db::connect(&url).await?;
        let rows = db.applied().await;
        db.close().await;
        rows
    })??;
    Ok(rows.into_iter().map(|r| r.revision).collect())
}

/// `strata show REV`.
pub fn show(config: &Config, rev: &str) -> anyhow::Result<ExitCode> {
    let history = History::load(&config.migrations)?;
    let id = history.graph.resolve(rev)?;
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
    let history = History::load(&config.migrations)?;
    history.write_sum(&config.migrations)?;
    println!(
        "{} written for {} revision(s)",
        config.migrations.join(SUM_FILE).display(),
        history.revisions.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// How long `upgrade` and `downgrade` wait for another strata process to finish.
pub const LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

pub fn block_on<T>(future: impl std::future::Future<Output = T>) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(future))
}

/// `strata upgrade [TARGET]` and `strata downgrade TARGET`.
pub fn migrate(config: &Config, target: &str, up: bool) -> anyhow::Result<ExitCode> {
    use strata_store::runner::{self, Db, Direction};
    let history = History::load(&config.migrations)?;
    history.verify(&config.migrations)?;
    let target = strata_store::Target::parse(target)?;
    let url = crate::database::write_url(config)?;
    let direction = if up { Direction::Up } else { Direction::Down };
    let bar = config.progress.steps(if up {
        "applying revisions"
    } else {
        "rolling back revisions"
    });
    let steps = block_on(async {
        let mut db = Db::connect(&url).await?;
        let steps = runner::run(
            &mut db,
            &history.graph,
            &history.revisions,
            &target,
            direction,
            LOCK_TIMEOUT,
            &mut |n, len, id| bar.step(n, len, id),
        )
        .await;
        db.close().await;
        steps
    })??;
    drop(bar);
    if steps.is_empty() {
        println!("nothing to do: the database is already at {target}");
    }
    for step in steps {
        let verb = if up { "applied" } else { "rolled back" };
        let message = history
            .get(&step.revision)
            .map(|r| r.meta.message.as_str())
            .unwrap_or("");
        println!(
            "{verb} {} ({} ms)  {message}",
            step.revision,
            step.duration.as_millis()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `strata current`: the revision(s) the database is at.
pub fn current(config: &Config) -> anyhow::Result<ExitCode> {
    use strata_store::runner::Db;
    let history = History::load(&config.migrations)?;
    let url = crate::database::read_url(config)?;
    let rows = block_on(async {
        let mut db = Db::connect(&url).await?;
        let rows = db.applied().await;
        db.close().await;
        rows
    })??;
    let applied: std::collections::BTreeSet<String> =
        rows.iter().map(|r| r.revision.clone()).collect();
    // The current revisions are the applied ones no other applied revision builds on.
    let mut current: Vec<&String> = applied
        .iter()
        .filter(|id| {
            !applied
                .iter()
                .any(|other| history.graph.parents(other).contains(id))
        })
        .collect();
    current.sort();
    if current.is_empty() {
        println!("<base> (no revision applied)");
    }
    let heads = history.graph.heads();
    for id in current {
        let failed = rows.iter().any(|r| r.revision == *id && !r.success);
        let mark = match (heads.contains(id), failed) {
            (_, true) => " (FAILED part-way)",
            (true, false) => " (head)",
            (false, false) => "",
        };
        println!("{id}{mark}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `strata upgrade --sql` / `strata downgrade --sql`: the SQL, printed, for the configured
/// database's dialect.
pub fn offline(config: &Config, target: &str, up: bool) -> anyhow::Result<ExitCode> {
    use strata_store::runner::{self, Direction};
    let history = History::load(&config.migrations)?;
    history.verify(&config.migrations)?;
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
    let history = History::load(&config.migrations)?;
    history.verify(&config.migrations)?;
    let target = strata_store::Target::parse(target)?;
    let url = crate::database::write_url(config)?;
    let ids = block_on(async {
        let mut db = Db::connect(&url).await?;
        let ids = runner::stamp(
            &mut db,
            &history.graph,
            &history.revisions,
            &target,
            LOCK_TIMEOUT,
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
