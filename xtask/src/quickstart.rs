//! `cargo xtask quickstart`: the whole workflow, run for real on the embedded SQLite default in
//! a fresh project under `target/quickstart`, printing each command and what it answers.
//!
//! The project starts from the example entities in `fixtures/workflow/0_initial`, gets its first
//! revision and is upgraded; then an entity gains a column, which `check` reports, `autogenerate`
//! turns into a revision, `upgrade` applies and `check` (live and `--history`) confirms.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

pub fn run() -> anyhow::Result<()> {
    let root = crate::workspace_root();
    let binary = debug_binary(&root)?;
    let project = root.join("target/quickstart");
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(&project)
        .with_context(|| format!("cannot create {}", project.display()))?;
    let workflow = root.join("fixtures/workflow");
    let strata = |args: &[&str], expected: i32| -> anyhow::Result<()> {
        println!("\n$ strata {}", args.join(" "));
        let status = Command::new(&binary)
            .args(args)
            .current_dir(&project)
            .env_remove("DATABASE_URL")
            .status()
            .context("cannot run strata")?;
        if status.code() != Some(expected) {
            bail!(
                "`strata {}` exited with {status}, expected {expected}",
                args.join(" ")
            );
        }
        Ok(())
    };

    println!("A new project in {}:", project.display());
    strata(&["init"], 0)?;
    copy_entities(&workflow.join("0_initial"), &project)?;
    println!("\n# entities: src/entities/users.rs and posts.rs (from fixtures/workflow/0_initial)");
    strata(&["autogenerate", "-m", "create users and posts"], 0)?;
    strata(&["upgrade", "head"], 0)?;
    strata(&["check"], 0)?;

    copy_entities(&workflow.join("1_add_nullable_column"), &project)?;
    println!("\n# edit: users gains `pub bio: Option<String>` (src/entities/users.rs)");
    strata(&["check"], 1)?;
    strata(&["autogenerate", "-m", "add users.bio"], 0)?;
    strata(&["upgrade", "head"], 0)?;
    strata(&["check"], 0)?;
    strata(&["check", "--history"], 0)?;
    strata(&["history"], 0)?;

    println!(
        "\nDone. The project is in {}; the binary is {} (or `cargo install --path crates/strata`).\n\
         Try `strata downgrade -1`, `strata show head` or `strata upgrade --sql` there.",
        project.display(),
        binary.display()
    );
    Ok(())
}

/// Builds the `strata` binary (debug: the same build `cargo test` uses) and returns its path.
fn debug_binary(root: &Path) -> anyhow::Result<PathBuf> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", "strata"])
        .current_dir(root)
        .status()
        .context("cannot run cargo build")?;
    if !status.success() {
        bail!("cargo build -p strata failed");
    }
    Ok(crate::target_dir(root).join("debug/strata"))
}

/// Copies a workflow step's entity files into the project's `src/entities`.
fn copy_entities(step: &Path, project: &Path) -> anyhow::Result<()> {
    let entities = project.join("src/entities");
    std::fs::create_dir_all(&entities)?;
    for entry in
        std::fs::read_dir(step).with_context(|| format!("cannot read {}", step.display()))?
    {
        let entry = entry?;
        std::fs::copy(entry.path(), entities.join(entry.file_name()))?;
    }
    Ok(())
}
