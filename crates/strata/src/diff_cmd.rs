//! `strata diff`: the SQL `autogenerate` would write for the entities against the database,
//! writing nothing. Exit 1 when there are changes, 0 when in sync.

use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use crate::cli::SchemaFormat;
use crate::config::Config;

#[derive(Serialize)]
struct Report<'a> {
    changes: Vec<crate::workflow::ChangeReport>,
    warnings: Vec<&'a strata_emit::Warning>,
    notes: Vec<String>,
    up: String,
}

pub fn run(config: &Config, format: SchemaFormat) -> anyhow::Result<ExitCode> {
    let reading = crate::models::read(config)?;
    let (db, dialect) = crate::database::introspect(config, Some(&reading.schema))?;
    let entities = crate::workflow::authoritative(config, &db, reading);
    let diff = strata_diff::diff(&db, &entities, dialect);
    let up = strata_emit::render(&diff.changes, &db, dialect)
        .with_context(|| format!("the changes cannot be written for {dialect}"))?;
    match format {
        SchemaFormat::Json => {
            let report = Report {
                changes: diff
                    .changes
                    .iter()
                    .map(crate::workflow::change_report)
                    .collect(),
                warnings: up.warnings().collect(),
                notes: diff.notes.iter().map(ToString::to_string).collect(),
                up: up.sql(),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&report).context("cannot encode the report")?
            );
        }
        SchemaFormat::Sql => {
            crate::render::notes(&diff.notes);
            if diff.changes.is_empty() {
                eprintln!("no changes: the database matches the entities");
            } else {
                for change in &diff.changes {
                    eprintln!("{change}");
                }
                print!("{}", up.sql());
            }
        }
    }
    Ok(if diff.changes.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
