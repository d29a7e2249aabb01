//! The one notion of a revision's state on a database (pure): computed from the version table's
//! rows, the graph and the revision files, and shared by every command that reports it.
//!
//! - **pending**: no row.
//! - **applied**: a row marked successful.
//! - **partial** ("partly applied at step K of N"): steps 1..K ran and are recorded, nothing
//!   is in doubt; `upgrade` continues with step K+1.
//! - **failed** at step K: the statement of step K raised an error (recorded with it), or the
//!   process stopped while it ran and its outcome is unknown (no error recorded); steps before
//!   K are applied. `upgrade` and `autogenerate` refuse until `strata resolve` records what
//!   happened. Rows written by an older strata (no step recorded) and a downgrade that failed
//!   part-way are failed at an unknown step.

use std::collections::{BTreeMap, BTreeSet};

use crate::directory::RevisionDir;
use crate::graph::Graph;
use crate::runner::Kind;
use crate::steps;

/// One row of the version table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionRow {
    pub revision: String,
    pub checksum: String,
    pub success: bool,
    /// Steps completed (none in rows written before steps were recorded).
    pub step: Option<i64>,
    /// The statement that was running when the row was last written and has not been recorded
    /// as done: the failed one, or the one a stopped process left in doubt.
    pub statement: Option<String>,
    /// The database's error for `statement`; none when the process stopped while it ran.
    pub error: Option<String>,
    /// `down` while a downgrade runs statement by statement.
    pub direction: Option<String>,
    /// SHA-256 of the statements of the steps done ([`done_sum`]), so that an unfinished
    /// revision may be corrected after its last recorded step.
    pub done_sum: Option<String>,
}

/// SHA-256 over the statements of `r`'s first `k` up steps: what a partly applied revision has
/// run, whatever its later statements say.
pub fn done_sum(kind: Kind, r: &RevisionDir, k: usize) -> String {
    let plan = steps::plan(kind, &r.up, r.meta.transactional);
    done_sum_of(&plan[..k.min(plan.len())])
}

/// [`done_sum`] of steps already planned: `done` are the steps run so far, in order.
pub fn done_sum_of(done: &[steps::Step]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for statement in done.iter().flat_map(|step| &step.statements) {
        h.update((statement.text.len() as u64).to_le_bytes());
        h.update(statement.text.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Whether `row`, whose revision's files changed since it started, may go on with the new
/// files: it is unfinished on the way up and every statement it has run is still the same, so
/// only statements after its last recorded step changed (the way to correct a failed one).
pub fn edit_allowed(kind: Kind, row: &VersionRow, r: &RevisionDir) -> bool {
    !row.success
        && row.direction.as_deref() != Some("down")
        && row.done_sum.as_deref().is_some_and(|sum| {
            let k = usize::try_from(row.step.unwrap_or(0)).unwrap_or(0);
            sum == done_sum(kind, r, k)
        })
}

/// A revision's state on one database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    Pending,
    Applied,
    /// Steps 1..=`done` of `steps` ran and are recorded.
    Partial {
        done: usize,
        steps: usize,
    },
    Failed(Failure),
}

/// What is known of a failed revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The step that failed (from 1); none when unknown (an older strata's row, or a downgrade).
    pub step: Option<usize>,
    /// How many steps the revision runs as.
    pub steps: usize,
    /// The failure happened while rolling the revision back.
    pub downgrade: bool,
    pub statement: Option<String>,
    /// The statement's line in up.sql (down.sql for a downgrade).
    pub line: Option<usize>,
    /// The database's error; none when the process stopped while the statement ran.
    pub error: Option<String>,
    /// The failed step ran in a transaction that was rolled back: it left nothing behind.
    pub rolled_back: bool,
}

impl State {
    /// The short word `--format json` uses: `pending`, `applied`, `partial` or `failed`.
    pub fn name(&self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Applied => "applied",
            State::Partial { .. } => "partial",
            State::Failed(_) => "failed",
        }
    }

    /// Recorded in the version table in any way (not pending).
    pub fn recorded(&self) -> bool {
        *self != State::Pending
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            State::Pending => f.write_str("pending"),
            State::Applied => f.write_str("applied"),
            State::Partial { done, steps } => {
                write!(f, "partly applied: step {done} of {steps}")
            }
            State::Failed(failure) => match (failure.step, failure.downgrade) {
                (_, true) => f.write_str("FAILED while rolling back"),
                (Some(step), false) if failure.error.is_none() => {
                    write!(f, "FAILED: interrupted at step {step} of {}", failure.steps)
                }
                (Some(step), false) => write!(f, "FAILED at step {step} of {}", failure.steps),
                (None, false) => f.write_str("FAILED part-way"),
            },
        }
    }
}

impl Failure {
    /// The steps before the failed one, which are applied.
    pub fn done(&self) -> usize {
        self.step.map_or(0, |s| s - 1)
    }

    /// Where and what: `step 2 of 3 (up.sql line 4): <statement>` plus the error, over several
    /// lines, for messages.
    pub fn describe(&self, revision: &str) -> String {
        let file = if self.downgrade { "down.sql" } else { "up.sql" };
        let mut out = match (self.step, self.downgrade) {
            (_, true) => format!("revision {revision} failed while rolling back"),
            (Some(step), _) if self.error.is_none() => format!(
                "revision {revision} was interrupted at step {step} of {}: the process stopped \
                 while this statement ran, so whether it took effect is unknown",
                self.steps
            ),
            (Some(step), _) => format!(
                "revision {revision} failed at step {step} of {}",
                self.steps
            ),
            (None, _) => format!(
                "revision {revision} failed part-way on a run of an older strata (the step was \
                 not recorded)"
            ),
        };
        if let Some(statement) = &self.statement {
            match self.line {
                Some(line) => out.push_str(&format!("\n  {file} line {line}:")),
                None => out.push_str(&format!("\n  in {file}:")),
            }
            for line in statement.lines() {
                out.push_str(&format!("\n    {line}"));
            }
        }
        if let Some(error) = &self.error {
            out.push_str(&format!("\n  the database said: {error}"));
        }
        if let (Some(step), true) = (self.step, self.rolled_back) {
            out.push_str(&format!(
                "\n  step {step} ran in a transaction that was rolled back: it left nothing behind"
            ));
        }
        match (self.step, self.downgrade) {
            (Some(2), false) => {
                out.push_str("\n  step 1 is applied and recorded; nothing after step 2 ran")
            }
            (Some(step), false) if step > 1 => out.push_str(&format!(
                "\n  steps 1 to {} are applied and recorded; nothing after step {step} ran",
                step - 1
            )),
            (Some(_), false) if self.steps > 1 => {
                out.push_str("\n  no step before it ran; nothing after it ran")
            }
            _ => {}
        }
        out
    }

    /// The way out, for messages: what `--applied` and `--rolled-back` mean here.
    pub fn way_out(&self, revision: &str) -> String {
        let inspect = format!(
            "look at the database (`strata resolve {revision}` compares it with the revision), \
             then record what happened"
        );
        let then = |step: usize| {
            if step < self.steps {
                format!("continues with step {} or runs step {step} again", step + 1)
            } else {
                format!("goes on past the revision or runs step {step} again")
            }
        };
        match (self.step, self.downgrade) {
            (Some(step), false) if self.rolled_back => format!(
                "fix the cause of the error, then run `strata resolve {revision} --rolled-back` \
                 and `strata upgrade head` runs step {step} again (or, if you made step {step}'s \
                 change by hand, `strata resolve {revision} --applied`: `strata upgrade head` \
                 then {})",
                then(step)
            ),
            (Some(step), false) if self.steps > 1 => format!(
                "{inspect}: `strata resolve {revision} --applied` if step {step}'s statement took \
                 effect (or you completed it by hand), `strata resolve {revision} --rolled-back` \
                 if it left nothing behind; `strata upgrade head` then {}",
                then(step)
            ),
            (_, true) => format!(
                "{inspect}: `strata resolve {revision} --applied` if the revision is still \
                 applied (its down.sql left nothing behind), `strata resolve {revision} \
                 --rolled-back` if it is gone (you finished rolling it back)"
            ),
            _ => format!(
                "{inspect}: `strata resolve {revision} --applied` if its changes are in the \
                 database (or you completed them by hand), `strata resolve {revision} \
                 --rolled-back` if it left nothing behind (or you undid it); then `strata \
                 upgrade head`"
            ),
        }
    }
}

/// The state of one revision whose row is `row` (none: pending) on a database of `kind`.
pub fn state_of(kind: Kind, revision: Option<&RevisionDir>, row: Option<&VersionRow>) -> State {
    let Some(row) = row else {
        return State::Pending;
    };
    if row.success {
        return State::Applied;
    }
    let downgrade = row.direction.as_deref() == Some("down");
    let plan = revision.map(|r| {
        steps::plan(
            kind,
            if downgrade { &r.down } else { &r.up },
            r.meta.transactional,
        )
    });
    let steps = plan.as_ref().map_or(1, Vec::len);
    let done = row.step.map(|s| usize::try_from(s).unwrap_or(0));
    match (done, &row.statement, downgrade) {
        (Some(done), None, false) if row.error.is_none() && done < steps => {
            State::Partial { done, steps }
        }
        (Some(_), None, false) if row.error.is_none() => State::Applied,
        _ => {
            let step = if downgrade {
                None
            } else {
                done.map(|d| (d + 1).min(steps))
            };
            // The statement's line: found in the step the row names, else anywhere in the file.
            let line = row.statement.as_ref().and_then(|text| {
                let plan = plan.as_ref()?;
                let candidates = match step {
                    Some(step) => plan.get(step - 1).into_iter().collect::<Vec<_>>(),
                    None => plan.iter().collect(),
                };
                candidates
                    .iter()
                    .flat_map(|s| &s.statements)
                    .find(|s| s.text.trim() == text.trim())
                    .map(|s| s.line)
            });
            let rolled_back = row.error.is_some()
                && step
                    .and_then(|k| plan.as_ref()?.get(k - 1))
                    .is_some_and(|s| s.mode == steps::Mode::Transaction);
            State::Failed(Failure {
                step,
                steps,
                downgrade,
                statement: row.statement.clone(),
                line,
                error: row.error.clone(),
                rolled_back,
            })
        }
    }
}

/// Every revision's state on one database, and what follows from them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// Every revision of the graph, in graph order (oldest first), with its state.
    pub revisions: Vec<(String, State)>,
    /// Revisions the version table records but the migrations directory does not have.
    pub unknown: Vec<String>,
    /// Recorded revisions whose files are not what the database ran (checksums differ).
    pub edited: Vec<String>,
}

impl Status {
    /// The states of `graph`'s revisions given the version table's `rows`.
    pub fn new(
        kind: Kind,
        graph: &Graph,
        revisions: &[RevisionDir],
        rows: &[VersionRow],
    ) -> Status {
        let by_id: BTreeMap<&str, &VersionRow> =
            rows.iter().map(|r| (r.revision.as_str(), r)).collect();
        let files: BTreeMap<&str, &RevisionDir> =
            revisions.iter().map(|r| (r.meta.id.as_str(), r)).collect();
        let known: BTreeSet<&str> = graph.revisions().iter().map(String::as_str).collect();
        Status {
            revisions: graph
                .revisions()
                .iter()
                .map(|id| {
                    let state = state_of(
                        kind,
                        files.get(id.as_str()).copied(),
                        by_id.get(id.as_str()).copied(),
                    );
                    (id.clone(), state)
                })
                .collect(),
            unknown: rows
                .iter()
                .filter(|r| !known.contains(r.revision.as_str()))
                .map(|r| r.revision.clone())
                .collect(),
            edited: rows
                .iter()
                .filter(|row| {
                    files.get(row.revision.as_str()).is_some_and(|r| {
                        crate::runner::checksum(r) != row.checksum && !edit_allowed(kind, row, r)
                    })
                })
                .map(|row| row.revision.clone())
                .collect(),
        }
    }

    pub fn state(&self, id: &str) -> &State {
        self.revisions
            .iter()
            .find(|(r, _)| r == id)
            .map_or(&State::Pending, |(_, s)| s)
    }

    /// The revisions whose rows say they are applied (unknown ones included: their rows are
    /// all strata knows of them).
    pub fn applied(&self) -> BTreeSet<String> {
        self.revisions
            .iter()
            .filter(|(_, s)| *s == State::Applied)
            .map(|(id, _)| id.clone())
            .chain(self.unknown.iter().cloned())
            .collect()
    }

    /// The first failed revision, which blocks `upgrade` and `autogenerate`.
    pub fn failed(&self) -> Option<(&str, &Failure)> {
        self.revisions.iter().find_map(|(id, s)| match s {
            State::Failed(f) => Some((id.as_str(), f)),
            _ => None,
        })
    }

    /// Revisions not recorded at all, in graph order.
    pub fn pending(&self) -> Vec<String> {
        self.revisions
            .iter()
            .filter(|(_, s)| *s == State::Pending)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Revisions partly applied or failed, in graph order.
    pub fn unfinished(&self) -> Vec<(&str, &State)> {
        self.revisions
            .iter()
            .filter(|(_, s)| matches!(s, State::Partial { .. } | State::Failed(_)))
            .map(|(id, s)| (id.as_str(), s))
            .collect()
    }

    /// The revisions the database is at: recorded ones (in any state) that no other recorded
    /// revision builds on, plus recorded revisions the directory does not have; sorted.
    pub fn current(&self, graph: &Graph) -> Vec<String> {
        let recorded: BTreeSet<&str> = self
            .revisions
            .iter()
            .filter(|(_, s)| s.recorded())
            .map(|(id, _)| id.as_str())
            .collect();
        let mut current: Vec<String> = recorded
            .iter()
            .filter(|id| {
                !recorded
                    .iter()
                    .any(|other| graph.parents(other).iter().any(|p| p == *id))
            })
            .map(|id| (*id).to_owned())
            .chain(self.unknown.iter().cloned())
            .collect();
        current.sort();
        current
    }
}

/// What `strata resolve` records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The failed statement (or, when its step is unknown, the revision) took effect.
    Applied,
    /// It left nothing behind.
    RolledBack,
}

/// What the version table should say after `outcome` is recorded for a revision in `state`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// The revision is applied.
    Applied,
    /// Steps 1..=n are applied; `upgrade` continues.
    Partial(usize),
    /// The revision is not applied: its row goes.
    Pending,
}

/// The record `outcome` leads to, or why there is nothing to resolve.
pub fn resolution(state: &State, outcome: Outcome) -> Result<Record, String> {
    match state {
        State::Failed(f) => Ok(match (f.step, f.downgrade, outcome) {
            (Some(step), false, Outcome::Applied) if step < f.steps => Record::Partial(step),
            (Some(step), false, Outcome::RolledBack) if step > 1 => Record::Partial(step - 1),
            (_, _, Outcome::Applied) => Record::Applied,
            (_, _, Outcome::RolledBack) => Record::Pending,
        }),
        State::Partial { done, steps } => Err(format!(
            "it is partly applied (step {done} of {steps}, recorded exactly, nothing in doubt); \
             `strata upgrade head` continues it"
        )),
        State::Applied => Err("it is applied; there is nothing to resolve".to_owned()),
        State::Pending => {
            Err("it is pending (never run here); there is nothing to resolve".to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Meta;

    fn revision(up: &str, transactional: bool) -> RevisionDir {
        RevisionDir {
            path: "m/001_x".into(),
            meta: Meta {
                id: "001".into(),
                parents: Vec::new(),
                message: "x".into(),
                created: "2026-01-01T00:00:00Z".into(),
                transactional,
            },
            up: up.into(),
            down: "DROP TABLE a;\n".into(),
        }
    }

    fn row(
        success: bool,
        step: Option<i64>,
        statement: Option<&str>,
        error: Option<&str>,
    ) -> VersionRow {
        VersionRow {
            revision: "001".into(),
            checksum: String::new(),
            success,
            step,
            statement: statement.map(Into::into),
            error: error.map(Into::into),
            direction: None,
            done_sum: None,
        }
    }

    const UP: &str =
        "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n\nCREATE TABLE c (id int);\n";

    #[test]
    fn rows_give_one_state() {
        let r = revision(UP, true);
        let state = |row: Option<VersionRow>| state_of(Kind::Mysql, Some(&r), row.as_ref());
        assert_eq!(state(None), State::Pending);
        assert_eq!(state(Some(row(true, None, None, None))), State::Applied);
        assert_eq!(
            state(Some(row(false, Some(2), None, None))),
            State::Partial { done: 2, steps: 3 }
        );
        let failed = state(Some(row(
            false,
            Some(2),
            Some("CREATE TABLE c (id int)"),
            Some("exists"),
        )));
        assert_eq!(
            failed,
            State::Failed(Failure {
                step: Some(3),
                steps: 3,
                downgrade: false,
                statement: Some("CREATE TABLE c (id int)".into()),
                line: Some(4),
                error: Some("exists".into()),
                rolled_back: false,
            })
        );
        assert_eq!(failed.to_string(), "FAILED at step 3 of 3");
        // A row an older strata left: failed, step unknown.
        let old = state(Some(row(false, None, None, None)));
        assert!(
            matches!(old, State::Failed(Failure { step: None, .. })),
            "{old:?}"
        );
        // Interrupted: a statement in doubt, no error.
        let interrupted = state(Some(row(
            false,
            Some(0),
            Some("CREATE TABLE a (id int)"),
            None,
        )));
        assert_eq!(
            interrupted.to_string(),
            "FAILED: interrupted at step 1 of 3"
        );
    }

    #[test]
    fn resolving_records_the_failed_statements_outcome() {
        let failed = |step| {
            State::Failed(Failure {
                step,
                steps: 3,
                downgrade: false,
                statement: None,
                line: None,
                error: None,
                rolled_back: false,
            })
        };
        use Outcome::*;
        assert_eq!(
            resolution(&failed(Some(1)), RolledBack),
            Ok(Record::Pending)
        );
        assert_eq!(
            resolution(&failed(Some(1)), Applied),
            Ok(Record::Partial(1))
        );
        assert_eq!(
            resolution(&failed(Some(2)), RolledBack),
            Ok(Record::Partial(1))
        );
        assert_eq!(resolution(&failed(Some(3)), Applied), Ok(Record::Applied));
        assert_eq!(resolution(&failed(None), Applied), Ok(Record::Applied));
        assert_eq!(resolution(&failed(None), RolledBack), Ok(Record::Pending));
        assert!(resolution(&State::Applied, Applied).is_err());
        assert!(resolution(&State::Partial { done: 1, steps: 2 }, Applied).is_err());
    }

    #[test]
    fn current_is_the_recorded_revisions_nothing_recorded_builds_on() {
        use crate::graph::Revision;
        let rev = |id: &str, parents: &[&str]| Revision {
            id: id.into(),
            parents: parents.iter().map(|p| (*p).into()).collect(),
            source: String::new(),
        };
        let graph =
            Graph::new(&[rev("001", &[]), rev("002", &["001"]), rev("003", &["002"])]).unwrap();
        let mut r1 = row(true, None, None, None);
        r1.revision = "001".into();
        let mut r2 = row(false, Some(0), Some("x"), Some("boom"));
        r2.revision = "002".into();
        let status = Status::new(Kind::Mysql, &graph, &[], &[r1, r2]);
        assert_eq!(status.current(&graph), ["002"]);
        assert_eq!(status.failed().map(|(id, _)| id), Some("002"));
        assert_eq!(status.applied(), BTreeSet::from(["001".to_owned()]));
        assert_eq!(status.state("003"), &State::Pending);
    }
}
