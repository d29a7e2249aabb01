//! `strata resolve REV [--applied | --rolled-back]`: after a revision failed, compare the
//! database with the revision and say which outcome is true, or record the outcome the user
//! gives.
//!
//! The comparison replays the history up to the revision's parents into a scratch database (as
//! `check --history` does), then the revision step by step, and reads the schema at the step
//! boundaries that matter: before and after the failed step, and before and after the whole
//! revision. The live database matching one of them tells the outcome; matching both (a step
//! that changes no schema, such as a data statement) or neither is said as such.

use std::process::ExitCode;

use anyhow::{Context, bail};
use serde::Serialize;
use strata_ir::Schema;
use strata_store::runner::{self, Db, Direction};
use strata_store::scratch::Scratch;
use strata_store::state::{Failure, Outcome, State};

use crate::cli::TextFormat;
use crate::config::Config;
use crate::history::{History, block_on, print_json, read_status, report};

/// What the comparison found, for `--format json`.
#[derive(Serialize)]
struct Finding {
    version: u32,
    revision: crate::history::RevisionReport,
    /// The step boundaries compared (0: before the revision) and whether the live schema
    /// matches the schema there.
    compared: Vec<Boundary>,
    /// `applied`, `rolled-back`, or null when the schema cannot tell.
    suggest: Option<&'static str>,
    /// The finding as a sentence.
    reason: String,
}

#[derive(Serialize)]
struct Boundary {
    after_step: usize,
    matches: bool,
}

pub fn resolve(
    config: &Config,
    rev: &str,
    outcome: Option<Outcome>,
    format: TextFormat,
) -> anyhow::Result<ExitCode> {
    let history = History::load_verified(&config.migrations, config.lock_wait)?;
    let id = history.graph.resolve_one(rev)?;
    let Some(outcome) = outcome else {
        return inspect(config, &history, &id, format);
    };
    crate::database::announce(config)?;
    let url = crate::database::read_url(config)?;
    let (before, after) = block_on(async {
        let mut db = Db::connect(&url, &config.settings).await?;
        let result = runner::resolve(
            &mut db,
            &history.graph,
            &history.revisions,
            &id,
            outcome,
            config.lock_wait,
        )
        .await;
        db.close().await;
        result
    })??;
    let next = match &after {
        State::Applied => "`strata upgrade head` goes on with what follows it".to_owned(),
        State::Partial { done, .. } => {
            format!("`strata upgrade head` continues it with step {}", done + 1)
        }
        State::Pending => "`strata upgrade head` runs it from the start".to_owned(),
        State::Failed(_) => String::new(),
    };
    println!("recorded: revision {id} is now {after} (it was {before}); {next}");
    Ok(ExitCode::SUCCESS)
}

/// Without a flag: the failure, the comparison, and the command to run.
fn inspect(
    config: &Config,
    history: &History,
    id: &str,
    format: TextFormat,
) -> anyhow::Result<ExitCode> {
    let status = read_status(config, history)?;
    let state = status.state(id).clone();
    let State::Failed(failure) = &state else {
        if format == TextFormat::Json {
            print_json(&Finding {
                version: 1,
                revision: report(history, id, Some(&state)),
                compared: Vec::new(),
                suggest: None,
                reason: format!("revision {id} is {state}; there is nothing to resolve"),
            })?;
        } else {
            println!("revision {id} is {state}; there is nothing to resolve");
        }
        return Ok(ExitCode::SUCCESS);
    };
    let boundaries = boundaries(failure);
    let compared = compare(config, history, id, &boundaries)?;
    let matches = |b: usize| compared.iter().any(|c| c.after_step == b && c.matches);
    let (suggest, reason) = suggestion(id, failure, &matches);
    match format {
        TextFormat::Json => print_json(&Finding {
            version: 1,
            revision: report(history, id, Some(&state)),
            compared,
            suggest: suggest.map(|o| match o {
                Outcome::Applied => "applied",
                Outcome::RolledBack => "rolled-back",
            }),
            reason,
        })?,
        TextFormat::Text => {
            println!("{}", failure.describe(id));
            for c in &compared {
                let at = match c.after_step {
                    0 => "before the revision".to_owned(),
                    n if n == failure.steps => "after the whole revision".to_owned(),
                    n => format!("after step {n}"),
                };
                let verdict = if c.matches { "matches" } else { "differs from" };
                println!("  the database's schema {verdict} the schema {at}");
            }
            println!("{reason}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The step boundaries worth comparing: around the failed step, and the whole revision.
fn boundaries(failure: &Failure) -> Vec<usize> {
    let mut out = vec![0, failure.steps];
    if let (Some(step), false) = (failure.step, failure.downgrade) {
        out.extend([step - 1, step]);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The outcome the comparison supports, and why.
fn suggestion(
    id: &str,
    failure: &Failure,
    matches: &dyn Fn(usize) -> bool,
) -> (Option<Outcome>, String) {
    let applied = format!("`strata resolve {id} --applied`");
    let rolled_back = format!("`strata resolve {id} --rolled-back`");
    let (before, after, what) = match (failure.step, failure.downgrade) {
        (Some(step), false) if failure.steps > 1 => {
            (step - 1, step, format!("step {step}'s statement"))
        }
        _ => (0, failure.steps, format!("revision {id}")),
    };
    match (matches(before), matches(after)) {
        (false, true) => (
            Some(Outcome::Applied),
            format!(
                "every change of {what} is in the database: run {applied}, then `strata upgrade head`"
            ),
        ),
        (true, false) => (
            Some(Outcome::RolledBack),
            format!(
                "none of {what} is in the database: run {rolled_back}, then `strata upgrade head`"
            ),
        ),
        (true, true) => (
            None,
            format!(
                "{what} changes no schema (data or a no-op), so the schema cannot tell whether it \
                 ran: check its effect on the data, then run {applied} or {rolled_back}"
            ),
        ),
        (false, false) => (
            None,
            format!(
                "the database matches neither the schema before {what} nor after it: repair it \
                 by hand to one of them (`strata schema db` shows what it holds), then run \
                 {applied} or {rolled_back}"
            ),
        ),
    }
}

/// Replays the history up to `id`'s parents into a scratch database, then `id` step by step,
/// and compares the live schema with the schema at each of `boundaries`.
fn compare(
    config: &Config,
    history: &History,
    id: &str,
    boundaries: &[usize],
) -> anyhow::Result<Vec<Boundary>> {
    let scope = crate::database::scope(config, None);
    let url = crate::database::read_url(config)?;
    let dialect = crate::config::dialect_of_url(&url)?;
    // Read under the migration lock: a process that died mid-statement may still have it
    // running on the server, which releases the lock once the statement is over.
    let live = block_on(async {
        let mut db = Db::connect(&url, &config.settings).await?;
        let lock = db.lock(config.lock_wait).await?;
        let live = strata_introspect::introspect_with(&url, &scope, &config.settings.connect).await;
        db.unlock(lock).await;
        db.close().await;
        anyhow::Ok(live?)
    })??;
    let (_, server, where_) = crate::replay::place(config)?;
    let Some(revision) = history.get(id) else {
        bail!("revision {id} has no directory");
    };
    let schemas: Vec<(usize, Option<Schema>)> = block_on(async {
        let mut scratch = Scratch::create(
            crate::replay::kind(dialect),
            server.unwrap_or_default(),
            &config.settings,
        )
        .await
        .with_context(|| format!("cannot replay the migration history into {where_}"))?;
        let result = async {
            for parent in history.graph.parents(id) {
                runner::run(
                    &mut scratch.db,
                    &history.graph,
                    &history.revisions,
                    &strata_store::Target::Revision(parent.clone()),
                    Direction::Up,
                    config.lock_wait,
                    &mut |_, _, _| {},
                )
                .await?;
            }
            // A step that fails on replay too (the failed statement, most often) makes the
            // boundaries from it on unreachable: no schema there to match.
            let mut out = Vec::new();
            let mut at = 0;
            let mut reachable = true;
            for &b in boundaries {
                reachable = reachable
                    && runner::run_steps_unrecorded(&mut scratch.db, revision, at, b)
                        .await
                        .is_ok();
                at = b;
                let schema = if reachable {
                    Some(crate::replay::read(&mut scratch.db, &scope).await?)
                } else {
                    None
                };
                out.push((b, schema));
            }
            anyhow::Ok(out)
        }
        .await;
        let dropped = scratch.drop().await;
        let out = result.with_context(|| {
            format!("the migration history does not replay cleanly into {where_}")
        })?;
        dropped?;
        anyhow::Ok(out)
    })??;
    Ok(schemas
        .into_iter()
        .map(|(after_step, schema)| Boundary {
            after_step,
            matches: schema
                .is_some_and(|s| strata_diff::diff(&s, &live, dialect).changes.is_empty()),
        })
        .collect())
}
