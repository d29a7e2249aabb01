//! Project chores, run as `cargo xtask <task>`.
//!
//! - `quickstart`: the whole workflow on the embedded SQLite default, in `target/quickstart`.
//! - `bench models [--files N] [--runs R]`: generates N SeaORM entity files and times
//!   `strata schema models` (release build) reading them, best and median of R runs.
//! - `bench introspect [--tables N] [--dialect D] [--runs R] [--sea-schema auto|always|never]`:
//!   loads a generated schema of N tables into fresh databases and times strata's introspection
//!   against sea-schema's discovery (`--help` for the details).
//! - `bench check [--tables N] [--runs R] [--seed S] [--keep-database]`: loads a generated
//!   schema of N tables into a fresh PostgreSQL database, writes the SeaORM entities equivalent
//!   to it, and times the release `strata check` (no drift expected) and `strata autogenerate`
//!   (one added column) against `pg_dump --schema-only`: median and min wall time, peak RSS
//!   per process (`wait4`), and the targets (`--help` for the details).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

mod bench_check;
mod bench_introspect;
mod gen_entities;
mod gen_model_entities;
mod gen_schema;
mod quickstart;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => bench(&args[1..]),
        Some("quickstart") => quickstart::run(),
        _ => {
            eprintln!(
                "usage: cargo xtask quickstart\n       \
                 cargo xtask bench models [--files N] [--runs R]\n       \
                 cargo xtask bench introspect [--tables N] [--dialect D] [--runs R] \
                 [--sea-schema auto|always|never] (--help for more)\n       \
                 cargo xtask bench check [--tables N] [--runs R] [--seed S] [--keep-database] \
                 (--help for more)"
            );
            std::process::exit(2);
        }
    }
}

fn flag(args: &[String], name: &str, default: usize) -> anyhow::Result<usize> {
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .context(format!("{name} needs a value"))?
            .parse()
            .with_context(|| format!("{name} takes a number")),
        None => Ok(default),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn bench(args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some("models") => bench_models(flag(args, "--files", 1000)?, flag(args, "--runs", 10)?),
        Some("introspect") => bench_introspect::run(&args[1..]),
        Some("check") => bench_check::run(&args[1..]),
        other => bail!("unknown benchmark {other:?}; available: models, introspect, check"),
    }
}

fn release_binary(root: &Path) -> anyhow::Result<PathBuf> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "-p", "strata"])
        .current_dir(root)
        .status()
        .context("cannot run cargo build")?;
    if !status.success() {
        bail!("cargo build --release -p strata failed");
    }
    Ok(target_dir(root).join("release/strata"))
}

/// Cargo's target directory: `CARGO_TARGET_DIR`, else `target/` in the workspace.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| root.join(dir))
        .unwrap_or_else(|| root.join("target"))
}

fn bench_models(files: usize, runs: usize) -> anyhow::Result<()> {
    let root = workspace_root();
    let binary = release_binary(&root)?;
    let dir = root.join(format!("target/bench/models-{files}"));
    let _ = std::fs::remove_dir_all(&dir);
    gen_entities::write(&dir, files)?;
    let bytes: u64 = walk_size(&dir)?;
    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let output = Command::new(&binary)
            .args(["--models"])
            .arg(&dir)
            .args(["schema", "models", "--format", "json"])
            .output()
            .context("cannot run strata")?;
        let elapsed = start.elapsed();
        if !output.status.success() {
            bail!(
                "strata schema models failed:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let schema: serde_json::Value = serde_json::from_slice(&output.stdout)?;
        let tables = schema["tables"].as_array().map(Vec::len).unwrap_or(0);
        if tables != files {
            bail!("expected {files} tables, strata read {tables}");
        }
        times.push(elapsed);
    }
    times.sort();
    let best = times[0];
    let median = times[times.len() / 2];
    println!(
        "bench models: {files} entity files ({:.1} MB), {} runs",
        bytes as f64 / 1e6,
        times.len()
    );
    println!("  strata schema models --format json (read + resolve + JSON, whole process)");
    println!("  best   {:>8.1} ms", best.as_secs_f64() * 1e3);
    println!("  median {:>8.1} ms", median.as_secs_f64() * 1e3);
    println!(
        "  target   300.0 ms: {}",
        if median.as_millis() < 300 {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}

fn walk_size(dir: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        total += entry?.metadata()?.len();
    }
    Ok(total)
}
