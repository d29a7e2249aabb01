//! strata's changes as a sea-orm-migration file, for teams that keep a `migration/` crate
//! (created by `sea-orm-cli migrate init`) and run it with `cargo run -p migration -- up`.
//!
//! [`migration_file`] writes `mYYYYMMDD_HHMMSS_<slug>.rs`: `up` and `down` (the exact inverse,
//! from `strata_diff::Change::reverse_all`) call `SchemaManager` with sea-query builders where
//! the change is portable, and run strata's own SQL for the configured database where it is not
//! (see `codegen`). The file is built with `quote` and formatted by `prettyplease`; statements
//! that can lose data carry the same `WARNING [code]` comment as strata's SQL.
//! [`register`] adds the module to the crate's `src/lib.rs` the way `sea-orm-cli` does.
//!
//! Pure: no IO.

mod codegen;
mod register;

pub use register::{is_migration_module, register, registered};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use strata_diff::Change;
use strata_ir::{Dialect, Schema};

use codegen::{Planned, Step};

#[derive(Debug, thiserror::Error)]
pub enum SeaOrmError {
    #[error(transparent)]
    Emit(#[from] strata_emit::EmitError),
    #[error("the migration crate's lib.rs cannot be updated: {reason}")]
    LibRs { reason: String },
    #[error("the generated migration is not valid Rust ({reason}); please report this")]
    Generated { reason: String },
}

/// `m{date}_{time}_{slug}`: the module (and file) name `sea-orm-cli` would give the migration;
/// `date` is `YYYYMMDD`, `time` `HHMMSS`.
pub fn module_name(date: &str, time: &str, message: &str) -> String {
    let mut slug: String = message
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while slug.contains("__") {
        slug = slug.replace("__", "_");
    }
    let slug = slug.trim_matches('_');
    let slug = if slug.is_empty() { "migration" } else { slug };
    let slug: String = slug.chars().take(60).collect();
    format!("m{date}_{time}_{}", slug.trim_end_matches('_'))
}

/// The migration file for `changes` (run against `before` on `dialect`), described by
/// `message`.
pub fn migration_file(
    changes: &[Change],
    before: &Schema,
    dialect: Dialect,
    message: &str,
) -> Result<String, SeaOrmError> {
    let (up, up_transactional) = codegen::plan(changes, before, dialect)?;
    let after = strata_diff::apply_all(before, changes);
    let (down, down_transactional) = codegen::plan(&Change::reverse_all(changes), &after, dialect)?;

    let mut sql = Vec::new();
    let mut comments = Vec::new();
    let up_body = body(&up, dialect, &mut sql, &mut comments);
    let down_body = body(&down, dialect, &mut sql, &mut comments);
    let uses_type = [&up, &down].iter().any(|plan| {
        plan.iter().any(|p| match &p.step {
            Step::Builder(tokens) => tokens.to_string().contains("(Type ::"),
            Step::Sql(_) => false,
        })
    });
    let type_import = uses_type.then(|| {
        quote!(
            use sea_orm_migration::prelude::extension::postgres::Type;
        )
    });
    let no_transaction = (!(up_transactional && down_transactional)).then(|| {
        quote! {
            // PostgreSQL cannot use an enum label in the transaction that adds it.
            fn use_transaction(&self) -> Option<bool> {
                Some(false)
            }
        }
    });
    let file = quote! {
        use sea_orm_migration::prelude::*;
        #type_import

        #[derive(DeriveMigrationName)]
        pub struct Migration;

        #[async_trait::async_trait]
        impl MigrationTrait for Migration {
            #no_transaction

            async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                #up_body
                Ok(())
            }

            async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                #down_body
                Ok(())
            }
        }
    };
    let parsed: syn::File = syn::parse2(file).map_err(|e| SeaOrmError::Generated {
        reason: e.to_string(),
    })?;
    let formatted = prettyplease::unparse(&parsed);
    let mut out = String::new();
    for line in strata_ir::text::comment_lines(message) {
        out.push_str(format!("//! {line}").trim_end());
        out.push('\n');
    }
    out.push_str("//!\n//! Written by `strata autogenerate --emit sea-orm`.\n\n");
    for line in formatted.lines() {
        // Blank lines between the items and between the two methods, as a person writes them.
        if line.starts_with("#[")
            || line.starts_with("    async fn down")
            || line.starts_with("    async fn up") && no_transaction_written(&out)
        {
            out.push('\n');
        }
        out.push_str(&substitute(line, &sql, &comments));
        out.push('\n');
    }
    Ok(out)
}

/// The statements of `up` or `down`; SQL texts and comments go to `sql` and `comments` and are
/// referred to by index (`strata_sql!(n)`, `strata_comment!(n)`) until the file is formatted.
fn body(
    plan: &[Planned],
    dialect: Dialect,
    sql: &mut Vec<String>,
    comments: &mut Vec<String>,
) -> TokenStream {
    let mut out = TokenStream::new();
    if plan.iter().any(|p| matches!(p.step, Step::Sql(_))) {
        let (variant, name) = match dialect {
            Dialect::Postgres => (format_ident!("Postgres"), "PostgreSQL"),
            Dialect::Mysql => (format_ident!("MySql"), "MySQL"),
            Dialect::Sqlite => (format_ident!("Sqlite"), "SQLite"),
        };
        let message =
            format!("this migration was written for {name}: some of its steps are {name} SQL");
        out.extend(quote! {
            if manager.get_database_backend() != sea_orm::DbBackend::#variant {
                return Err(DbErr::Migration(#message.to_owned()));
            }
        });
    }
    for planned in plan {
        let mut note = |text: String| {
            let n = proc_macro2::Literal::usize_unsuffixed(comments.len());
            comments.push(text);
            out.extend(quote!(strata_comment!(#n);));
        };
        note(planned.summary.clone());
        if let Some(w) = &planned.warning {
            note(format!("WARNING [{}]: {}", w.code, w.message));
        }
        match &planned.step {
            Step::Builder(tokens) => out.extend(tokens.clone()),
            Step::Sql(statements) => {
                for statement in statements {
                    let n = proc_macro2::Literal::usize_unsuffixed(sql.len());
                    sql.push(statement.clone());
                    out.extend(quote! {
                        manager.get_connection().execute_unprepared(strata_sql!(#n)).await?;
                    });
                }
            }
        }
    }
    out
}

/// Replaces the placeholders prettyplease kept on their own lines.
fn substitute(line: &str, sql: &[String], comments: &[String]) -> String {
    let indent = &line[..line.len() - line.trim_start().len()];
    let trimmed = line.trim();
    if let Some(n) = placeholder(trimmed, "strata_comment!(", ");") {
        return match comments.get(n) {
            Some(text) => strata_ir::text::rust_comment(text)
                .lines()
                .map(|l| format!("{indent}{l}"))
                .collect::<Vec<_>>()
                .join("\n"),
            None => line.to_owned(),
        };
    }
    if let Some(start) = line.find("strata_sql!(")
        && let Some(len) = line[start..].find(')')
        && let Ok(n) = line[start + "strata_sql!(".len()..start + len].parse::<usize>()
        && let Some(text) = sql.get(n)
    {
        return format!(
            "{}{}{}",
            &line[..start],
            rust_string(text),
            &line[start + len + 1..]
        );
    }
    line.to_owned()
}

fn no_transaction_written(out: &str) -> bool {
    out.contains("fn use_transaction")
}

fn placeholder(line: &str, open: &str, close: &str) -> Option<usize> {
    line.strip_prefix(open)?.strip_suffix(close)?.parse().ok()
}

/// `text` as a Rust string literal: a raw string (readable SQL) when it holds no control
/// character but newlines and tabs, else an escaped literal from `proc_macro2`. Either way the
/// text cannot end the literal early.
fn rust_string(text: &str) -> String {
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return proc_macro2::Literal::string(text).to_string();
    }
    let hashes = "#".repeat(raw_hashes(text));
    format!("r{hashes}\"{text}\"{hashes}")
}

/// How many `#` a raw string needs so that `text` cannot close it early.
fn raw_hashes(text: &str) -> usize {
    let mut n = 1;
    while text.contains(&format!("\"{}", "#".repeat(n))) {
        n += 1;
    }
    n
}
