//! Helpers for the tests of revision states: running the binary in a project directory,
//! writing revisions by hand, and reading every command's view of the revisions' states.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn strata() -> PathBuf {
    assert_cmd::cargo::cargo_bin("strata")
}

/// A project directory (migrations and an empty entities directory) and its database.
pub struct Project {
    pub root: tempfile::TempDir,
    pub url: String,
}

impl Project {
    pub fn new(url: &str) -> Project {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("src/entities")).unwrap();
        std::fs::create_dir_all(root.path().join("migrations")).unwrap();
        Project {
            root,
            url: url.to_owned(),
        }
    }

    pub fn dir(&self) -> &Path {
        self.root.path()
    }

    /// A command with this project's database and models, and no DATABASE_URL from outside.
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(strata());
        command
            .current_dir(self.dir())
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .args(["--database-url", &self.url, "--models", "src/entities"])
            .args(args);
        command
    }

    /// Runs strata; never a panic.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().unwrap();
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked"),
            "strata {args:?} panicked:\n{}",
            run.stderr
        );
        run
    }

    /// Runs strata and expects exit code `code`.
    #[track_caller]
    pub fn expect(&self, args: &[&str], code: i32) -> Run {
        let run = self.run(args);
        assert_eq!(
            run.code, code,
            "strata {args:?}\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout, run.stderr
        );
        run
    }

    pub fn json(&self, args: &[&str], code: i32) -> serde_json::Value {
        let run = self.expect(args, code);
        serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("strata {args:?}: {e}\n{}", run.stdout))
    }

    /// Writes a revision directory by hand, then the checksum file.
    pub fn revision(&self, id: &str, parents: &[&str], up: &str, down: &str, transactional: bool) {
        let rev = self.dir().join("migrations").join(format!("{id}_r"));
        std::fs::create_dir_all(&rev).unwrap();
        let parents: Vec<String> = parents.iter().map(|p| format!("\"{p}\"")).collect();
        std::fs::write(
            rev.join("revision.toml"),
            format!(
                "id = \"{id}\"\nparents = [{}]\nmessage = \"{id}\"\ncreated = \"2026-11-21T00:00:00Z\"\ntransactional = {transactional}\n",
                parents.join(", ")
            ),
        )
        .unwrap();
        std::fs::write(rev.join("up.sql"), up).unwrap();
        std::fs::write(rev.join("down.sql"), down).unwrap();
        self.expect(&["hash"], 0);
    }

    /// Each revision's state as `history --format json` says.
    pub fn history_states(&self) -> BTreeMap<String, String> {
        let json = self.json(&["history", "--format", "json"], 0);
        assert_eq!(json["version"], 1);
        json["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_owned(),
                    r["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    /// Each revision's state as every command reports it, asserted to agree: `history`,
    /// `current` and `check`, as JSON and as text. Returns the states and `history`'s JSON.
    pub fn agreed_states(&self) -> (BTreeMap<String, String>, serde_json::Value) {
        let history = self.json(&["history", "--format", "json"], 0);
        let states: BTreeMap<String, String> = history["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["id"].as_str().unwrap().to_owned(),
                    r["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect();

        // check: pending ids, unfinished revisions with their state, the rest applied.
        let check = self.run(&["check", "--format", "json"]);
        assert!(
            check.code == 0 || check.code == 1,
            "check: {}",
            check.stderr
        );
        let check: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
        assert_eq!(check["version"], 1);
        let mut from_check: BTreeMap<String, String> = states
            .keys()
            .map(|id| (id.clone(), "applied".to_owned()))
            .collect();
        for id in check["pending"].as_array().unwrap() {
            from_check.insert(id.as_str().unwrap().to_owned(), "pending".to_owned());
        }
        for r in check["unfinished"].as_array().unwrap() {
            from_check.insert(
                r["id"].as_str().unwrap().to_owned(),
                r["state"].as_str().unwrap().to_owned(),
            );
        }
        assert_eq!(
            from_check, states,
            "check --format json and history disagree"
        );
        let unfinished = states.values().any(|s| s == "partial" || s == "failed");
        assert_eq!(check["in_sync"], false);
        if unfinished {
            assert_eq!(check["changes"].as_array().unwrap().len(), 0);
        }

        // current: the recorded revisions nothing recorded builds on, in the same states.
        let current = self.json(&["current", "--format", "json"], 0);
        assert_eq!(current["version"], 1);
        let recorded: Vec<&String> = states
            .iter()
            .filter(|(_, s)| *s != "pending")
            .map(|(id, _)| id)
            .collect();
        let expected: Vec<&String> = recorded.last().into_iter().copied().collect();
        let listed: Vec<String> = current["current"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let id = r["id"].as_str().unwrap().to_owned();
                assert_eq!(
                    r["state"].as_str().unwrap(),
                    states[&id],
                    "current and history disagree on {id}"
                );
                id
            })
            .collect();
        assert_eq!(
            listed.iter().collect::<Vec<_>>(),
            expected,
            "current (linear history)"
        );

        // The text forms say the same.
        let current_text = self.expect(&["current"], 0).stdout;
        let history_text = self.expect(&["history"], 0).stdout;
        let check_text = self.run(&["check"]).stdout;
        for (id, state) in &states {
            let mark = match state.as_str() {
                "applied" => "applied".to_owned(),
                "pending" => "pending".to_owned(),
                "partial" => "partly applied".to_owned(),
                _ => "FAILED".to_owned(),
            };
            let line = history_text
                .lines()
                .find(|l| l.contains(&format!("-> {id} ")))
                .unwrap_or_else(|| panic!("{id} not in history:\n{history_text}"));
            assert!(line.contains(&mark), "history says {line:?}, JSON {state}");
            if state == "failed" {
                assert!(current_text.contains("FAILED"), "{current_text}");
                assert!(
                    check_text.contains(&format!("revision {id} ")),
                    "{check_text}"
                );
                assert!(!check_text.contains("autogenerate"), "{check_text}");
            }
            if state == "partial" {
                assert!(current_text.contains("partly applied"), "{current_text}");
                assert!(check_text.contains("strata upgrade head"), "{check_text}");
            }
        }
        if recorded.is_empty() {
            assert_eq!(current_text, "<base> (no revision applied)\n");
        }
        (states, history)
    }
}
