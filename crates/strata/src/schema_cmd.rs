//! `strata schema models` and `strata schema db`: the schema the entity files describe, or the
//! one the database holds, as DDL or JSON.

use std::process::ExitCode;

use anyhow::Context;
use strata_ir::Dialect;

use crate::cli::SchemaFormat;
use crate::config::Config;

pub fn models(
    config: &Config,
    dialect: Option<Dialect>,
    format: SchemaFormat,
) -> anyhow::Result<ExitCode> {
    let reading = crate::models::read(config)?;
    match format {
        SchemaFormat::Json => {
            let json = serde_json::to_string_pretty(&reading.schema)
                .context("cannot encode the schema")?;
            println!("{json}");
        }
        SchemaFormat::Sql => {
            let dialect = match dialect {
                Some(d) => d,
                None => config.dialect()?.unwrap_or(Dialect::Sqlite),
            };
            let ddl = strata_emit::create_schema(&reading.schema, dialect)
                .with_context(|| format!("the entities cannot be expressed on {dialect}"))?;
            print!("{ddl}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn db(config: &Config, format: SchemaFormat) -> anyhow::Result<ExitCode> {
    let (schema, dialect) = crate::database::introspect(config, None)?;
    match format {
        SchemaFormat::Json => {
            let json = serde_json::to_string_pretty(&schema).context("cannot encode the schema")?;
            println!("{json}");
        }
        SchemaFormat::Sql => {
            let ddl = strata_emit::create_schema(&schema, dialect)
                .with_context(|| format!("the database's schema cannot be written as {dialect}"))?;
            print!("{ddl}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
