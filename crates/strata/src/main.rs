//! `strata`: Alembic-style migrations for SeaORM entities.
//!
//! The binary owns everything user-facing: argument parsing, configuration, rendering
//! (code frames, colors, JSON) and exit codes (0 success, 1 differences found, 2 error). The
//! library crates compute; only this crate prints.

mod cli;
mod config;
mod database;
mod diff_cmd;
mod history;
mod models;
mod progress;
mod render;
mod replay;
mod resolve;
mod schema_cmd;
mod seaorm_cmd;
mod workflow;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: reading thousands of entity files (on one thread
/// per core) and comparing thousands of tables allocate millions of small values.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            render::error(&err);
            ExitCode::from(2)
        }
    }
}

/// What `check` and `autogenerate` compare the entities with.
fn base(history: bool) -> workflow::Base {
    if history {
        workflow::Base::History
    } else {
        workflow::Base::Database
    }
}

fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    let command = match cli.command {
        // `init` writes the configuration, so it reads none.
        cli::Command::Init { dialect } => {
            return workflow::init(dialect.map(Into::into), &cli.global);
        }
        other => other,
    };
    let config = config::Config::load(&cli.global)?;
    match command {
        cli::Command::Init { dialect } => workflow::init(dialect.map(Into::into), &cli.global),
        cli::Command::Autogenerate { message, history }
        | cli::Command::Revision {
            message,
            autogenerate: true,
            history,
        } => workflow::autogenerate(&config, &message, base(history)),
        cli::Command::Baseline { message } => workflow::baseline(&config, &message),
        cli::Command::Check { history, format } => workflow::check(&config, base(history), format),
        cli::Command::Diff { format } => diff_cmd::run(&config, format),
        cli::Command::Revision { message, .. } => history::revision(&config, &message),
        cli::Command::Merge { message, revisions } => history::merge(&config, &message, &revisions),
        cli::Command::Heads => history::heads(&config),
        cli::Command::Upgrade {
            target,
            sql: false,
            format,
        } => history::migrate(&config, &target, true, format),
        cli::Command::Downgrade {
            target,
            sql: false,
            format,
        } => history::migrate(&config, &target, false, format),
        cli::Command::Upgrade {
            target, sql: true, ..
        } => history::offline(&config, &target, true),
        cli::Command::Downgrade {
            target, sql: true, ..
        } => history::offline(&config, &target, false),
        cli::Command::Stamp { target } => history::stamp(&config, &target),
        cli::Command::Current { format } => history::current(&config, format),
        cli::Command::History { verbose, format } => history::history(&config, verbose, format),
        cli::Command::Resolve {
            revision,
            applied,
            rolled_back,
            format,
        } => {
            let outcome = match (applied, rolled_back) {
                (true, _) => Some(strata_store::state::Outcome::Applied),
                (_, true) => Some(strata_store::state::Outcome::RolledBack),
                _ => None,
            };
            resolve::resolve(&config, &revision, outcome, format)
        }
        cli::Command::Show { revision } => history::show(&config, &revision),
        cli::Command::Hash => history::hash(&config),
        cli::Command::Schema { what } => match what {
            cli::SchemaCommand::Models { dialect, format } => {
                schema_cmd::models(&config, dialect.map(Into::into), format)
            }
            cli::SchemaCommand::Db { format } => schema_cmd::db(&config, format),
        },
    }
}
