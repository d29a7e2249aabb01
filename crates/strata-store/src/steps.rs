//! How a revision's script runs: as one step, or as recorded steps (pure).
//!
//! A revision that fits in one transaction is one step, run together with its version row. A
//! revision that cannot (`transactional = false`) runs as several steps, each recorded in the
//! version table as it completes, so a rerun resumes after the last recorded step:
//!
//! - PostgreSQL: a statement that must run alone is a step of its own: `ALTER TYPE ... ADD VALUE`
//!   (in its own transaction, with its record, since the new label cannot be used in the
//!   transaction that adds it) and `... CONCURRENTLY`, `VACUUM` and the like (outside any
//!   transaction, recorded right after). Consecutive other statements share one transactional
//!   step.
//! - MySQL/MariaDB: DDL commits as it goes, so every statement is a step of its own, recorded
//!   right after it runs (a script holding a trigger or routine body, whose `;` only the server
//!   splits right, is one such step).
//! - SQLite: every statement SQLite has can run in a transaction; a revision is always one step.

use crate::runner::Kind;

/// One statement of a script: its text (leading comments left out) and the line of `up.sql` or
/// `down.sql` it starts on (from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub text: String,
    pub line: usize,
}

/// How a step runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// In a transaction together with its record in the version table: it happens whole or not
    /// at all.
    Transaction,
    /// Outside any transaction, recorded right after it runs: a process stopped while it ran
    /// leaves its outcome unknown.
    Alone,
}

/// One step of a revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub mode: Mode,
    /// The statements, sent one by one; a one-step revision is sent as the whole script (one
    /// statement holding all of it), as it always was.
    pub statements: Vec<Statement>,
}

/// The steps `sql` runs as on `kind`; never empty (a script of comments only is one empty step,
/// so that applying it records the revision).
pub fn plan(kind: Kind, sql: &str, transactional: bool) -> Vec<Step> {
    let whole = || {
        vec![Step {
            mode: Mode::Transaction,
            statements: vec![Statement {
                text: sql.to_owned(),
                line: 1,
            }],
        }]
    };
    let statements = statements(sql);
    match kind {
        Kind::Sqlite => whole(),
        Kind::Postgres if transactional => whole(),
        Kind::Mysql if statements.is_empty() => whole(),
        // A trigger, routine or event body holds `;` inside BEGIN ... END, which only the
        // server splits right: the script goes whole, as one step that runs alone.
        Kind::Mysql if statements.iter().any(|s| mysql_compound(&s.text)) => vec![Step {
            mode: Mode::Alone,
            statements: vec![Statement {
                text: sql.trim().to_owned(),
                line: first_line(sql),
            }],
        }],
        Kind::Mysql => statements
            .into_iter()
            .map(|s| Step {
                mode: Mode::Alone,
                statements: vec![s],
            })
            .collect(),
        Kind::Postgres => {
            let mut steps: Vec<Step> = Vec::new();
            for s in statements {
                match postgres_alone(&s.text) {
                    Some(mode) => steps.push(Step {
                        mode,
                        statements: vec![s],
                    }),
                    None => match steps.last_mut() {
                        Some(last)
                            if last.mode == Mode::Transaction
                                && !last
                                    .statements
                                    .iter()
                                    .any(|s| postgres_alone(&s.text).is_some()) =>
                        {
                            last.statements.push(s)
                        }
                        _ => steps.push(Step {
                            mode: Mode::Transaction,
                            statements: vec![s],
                        }),
                    },
                }
            }
            if steps.is_empty() { whole() } else { steps }
        }
    }
}

/// The plan for a PostgreSQL server older than 12, where `ALTER TYPE ... ADD VALUE` cannot run
/// inside a transaction block at all: those steps run alone.
pub fn before_postgres_12(mut plan: Vec<Step>) -> Vec<Step> {
    for step in &mut plan {
        if step.statements.len() == 1 && postgres_alone(&step.statements[0].text).is_some() {
            step.mode = Mode::Alone;
        }
    }
    plan
}

/// Whether a PostgreSQL statement must be a step of its own, and how it runs.
fn postgres_alone(statement: &str) -> Option<Mode> {
    let words: Vec<String> = statement
        .split_whitespace()
        .take(8)
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let starts = |prefix: &[&str]| {
        words.len() >= prefix.len() && words.iter().zip(prefix).all(|(w, p)| w == p)
    };
    if starts(&["ALTER", "TYPE"]) && words.windows(2).any(|w| w[0] == "ADD" && w[1] == "VALUE") {
        return Some(Mode::Transaction);
    }
    let outside = words.iter().any(|w| w == "CONCURRENTLY")
        || starts(&["VACUUM"])
        || starts(&["CREATE", "DATABASE"])
        || starts(&["DROP", "DATABASE"])
        || starts(&["ALTER", "SYSTEM"]);
    outside.then_some(Mode::Alone)
}

/// A MySQL `CREATE [DEFINER = ...] TRIGGER | PROCEDURE | FUNCTION | EVENT` with a
/// `BEGIN ... END` body.
fn mysql_compound(statement: &str) -> bool {
    let words: Vec<String> = statement
        .split_whitespace()
        .map(|w| w.to_ascii_uppercase())
        .collect();
    words.first().is_some_and(|w| w == "CREATE")
        && words
            .iter()
            .take(6)
            .any(|w| matches!(w.as_str(), "TRIGGER" | "PROCEDURE" | "FUNCTION" | "EVENT"))
        && words.iter().any(|w| w == "BEGIN")
}

/// The statements of `sql` with the line each starts on, leading comments left out.
pub fn statements(sql: &str) -> Vec<Statement> {
    crate::split::statements(sql)
        .into_iter()
        .map(|piece| {
            let offset = piece.as_ptr() as usize - sql.as_ptr() as usize;
            let code = without_leading_comments(piece);
            let start = offset + (piece.len() - code.len());
            Statement {
                text: code.to_owned(),
                line: line_at(sql, start),
            }
        })
        .collect()
}

/// The line (from 1) holding byte `offset` of `text`.
pub fn line_at(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line (from 1) of the first statement in `text`, skipping leading comments.
pub fn first_line(text: &str) -> usize {
    let code = without_leading_comments(text);
    line_at(text, text.len() - code.len())
}

fn without_leading_comments(piece: &str) -> &str {
    let mut rest = piece.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            match after.find("*/") {
                Some(end) => rest = after[end + 2..].trim_start(),
                None => return rest,
            }
        } else {
            return rest;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(steps: &[Step]) -> Vec<(Mode, Vec<usize>)> {
        steps
            .iter()
            .map(|s| (s.mode, s.statements.iter().map(|s| s.line).collect()))
            .collect()
    }

    const ENUM: &str = "-- add archived\n\
        ALTER TYPE \"status\" ADD VALUE 'archived';\n\
        ALTER TABLE \"posts\" ALTER COLUMN \"status\" SET DEFAULT 'archived';\n\
        \n\
        /* a comment */ ALTER TABLE \"posts\" ADD COLUMN \"n\" integer NULL;\n\
        CREATE INDEX CONCURRENTLY \"ix\" ON \"posts\" (\"n\");\n\
        ALTER TYPE \"status\" ADD VALUE 'gone';\n";

    #[test]
    fn postgres_statements_that_must_run_alone_are_steps_of_their_own() {
        let steps = plan(Kind::Postgres, ENUM, false);
        assert_eq!(
            shape(&steps),
            vec![
                (Mode::Transaction, vec![2]),
                (Mode::Transaction, vec![3, 5]),
                (Mode::Alone, vec![6]),
                (Mode::Transaction, vec![7]),
            ]
        );
        assert_eq!(
            steps[1].statements[1].text,
            "ALTER TABLE \"posts\" ADD COLUMN \"n\" integer NULL"
        );
    }

    #[test]
    fn before_postgres_12_labels_are_added_outside_a_transaction() {
        let steps = before_postgres_12(plan(Kind::Postgres, ENUM, false));
        let modes: Vec<Mode> = steps.iter().map(|s| s.mode).collect();
        assert_eq!(
            modes,
            [Mode::Alone, Mode::Transaction, Mode::Alone, Mode::Alone]
        );
    }

    #[test]
    fn a_transactional_revision_is_one_step_with_its_whole_script() {
        for kind in [Kind::Postgres, Kind::Sqlite] {
            let steps = plan(kind, ENUM, kind == Kind::Postgres);
            assert_eq!(steps.len(), 1);
            assert_eq!(steps[0].statements[0].text, ENUM);
        }
        assert_eq!(plan(Kind::Mysql, "-- nothing\n", true).len(), 1);
    }

    #[test]
    fn on_mysql_every_statement_is_a_step() {
        let steps = plan(
            Kind::Mysql,
            "CREATE TABLE a (id int);\n-- x\nDO SLEEP(0.05);\nDROP TABLE a;",
            true,
        );
        assert_eq!(
            shape(&steps),
            vec![
                (Mode::Alone, vec![1]),
                (Mode::Alone, vec![3]),
                (Mode::Alone, vec![4])
            ]
        );
        assert_eq!(steps[1].statements[0].text, "DO SLEEP(0.05)");
    }

    #[test]
    fn a_mysql_body_with_semicolons_goes_whole() {
        let sql = "CREATE TABLE a (id int);\nCREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.id = 1; SET NEW.id = 2; END;\n";
        let steps = plan(Kind::Mysql, sql, true);
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].mode, Mode::Alone);
        assert_eq!(steps[0].statements[0].text, sql.trim());
    }

    #[test]
    fn lines_skip_leading_comments() {
        assert_eq!(first_line("-- a\n\n/* b */\nSELECT 1;"), 4);
        assert_eq!(first_line("SELECT 1"), 1);
        assert_eq!(line_at("a\nb\nc", 4), 3);
    }
}
