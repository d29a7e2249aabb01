//! The sea-orm-migration output (`emit = "sea-orm"`): the migration crate's registered
//! migrations, the ones its database has not run, and writing a new migration file into it.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use strata_diff::Change;
use strata_ir::{Dialect, Schema};

use crate::config::Config;
use crate::history::block_on;

/// The crate's `src/lib.rs`.
fn lib_rs(config: &Config) -> PathBuf {
    config.migration_crate.join("src/lib.rs")
}

/// The migration modules the crate registers, in order.
pub fn registered(config: &Config) -> anyhow::Result<Vec<String>> {
    let path = lib_rs(config);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {}: no sea-orm-migration crate there; create one with `sea-orm-cli \
             migrate init`, or set `migration_crate` in strata.toml",
            path.display()
        )
    })?;
    Ok(strata_seaorm::registered(&text))
}

/// The package name to run the crate with (`cargo run -p NAME -- up`).
fn package(config: &Config) -> String {
    config
        .migration_crate
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "migration".to_owned())
}

/// Registered migrations the database has not run (sea-orm-migration records them in
/// `seaql_migrations`).
pub fn pending(config: &Config, url: &str) -> anyhow::Result<Vec<String>> {
    let registered = registered(config)?;
    let applied = block_on(async {
        let mut db = strata_store::runner::Db::connect(url, &config.settings).await?;
        let applied = db.seaorm_applied().await;
        db.close().await;
        applied
    })??;
    Ok(registered
        .into_iter()
        .filter(|m| !applied.contains(m))
        .collect())
}

/// How to bring the database up to date.
pub fn upgrade_hint(config: &Config) -> String {
    format!("cargo run -p {} -- up", package(config))
}

/// Writes the migration file for `changes` into the crate and registers it; returns its path.
/// The caller holds the crate's authoring lock; each file is replaced atomically.
pub fn write(
    config: &Config,
    changes: &[Change],
    before: &Schema,
    dialect: Dialect,
    message: &str,
) -> anyhow::Result<PathBuf> {
    let now = chrono::Utc::now();
    let module = strata_seaorm::module_name(
        &now.format("%Y%m%d").to_string(),
        &now.format("%H%M%S").to_string(),
        message,
    );
    let text = strata_seaorm::migration_file(changes, before, dialect, message)?;
    let lib = lib_rs(config);
    let lib_text =
        std::fs::read_to_string(&lib).with_context(|| format!("cannot read {}", lib.display()))?;
    let registered = strata_seaorm::register(&lib_text, &module)
        .with_context(|| format!("cannot register {module} in {}", lib.display()))?;
    let path = config
        .migration_crate
        .join("src")
        .join(format!("{module}.rs"));
    if path.exists() {
        bail!(
            "{} already exists; wait a second and run again",
            path.display()
        );
    }
    strata_store::directory::write_file(&path, &text)?;
    strata_store::directory::write_file(&lib, &registered)?;
    Ok(path)
}

/// A sea-orm-migration crate under `dir`: `migration/`, else the one subdirectory whose
/// `src/lib.rs` implements `MigratorTrait`.
pub fn find_crate(dir: &Path) -> Option<PathBuf> {
    let is_migrator = |d: &Path| {
        std::fs::read_to_string(d.join("src/lib.rs")).is_ok_and(|t| t.contains("MigratorTrait"))
    };
    let default = dir.join("migration");
    if is_migrator(&default) {
        return Some(PathBuf::from("migration"));
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir() && is_migrator(&e.path()))
        .map(|e| PathBuf::from(e.file_name()))
        .collect();
    found.sort();
    (found.len() == 1).then(|| found.remove(0))
}
