//! Everything printed to the terminal: code frames for entity diagnostics, the error chain,
//! change summaries, warnings and schema diffs. Colors go only to a terminal, never with
//! `NO_COLOR` (the `console` crate decides, per stream).

use std::io::IsTerminal;
use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic as Frame, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};
use strata_model::{Diagnostic, Severity, SourceFile};

fn color_choice() -> termcolor::ColorChoice {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        termcolor::ColorChoice::Auto
    } else {
        termcolor::ColorChoice::Never
    }
}

/// Prints diagnostics as code frames on stderr.
pub fn diagnostics(dir: &Path, files: &[SourceFile], diagnostics: &[Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let mut db = SimpleFiles::new();
    let ids: Vec<(String, usize)> = files
        .iter()
        .map(|f| {
            let shown = dir.join(&f.path).display().to_string();
            (f.path.clone(), db.add(shown, f.text.clone()))
        })
        .collect();
    let writer = termcolor::StandardStream::stderr(color_choice());
    let config = term::Config::default();
    for d in diagnostics {
        let frame = match d.severity {
            Severity::Error => Frame::error(),
            Severity::Warning => Frame::warning(),
        }
        .with_message(&d.message);
        let frame = match ids.iter().find(|(path, _)| *path == d.file) {
            Some((_, id)) => frame.with_labels(vec![Label::primary(*id, d.span.0..d.span.1)]),
            None => frame,
        };
        let frame = match &d.help {
            Some(help) => frame.with_notes(vec![format!("help: {help}")]),
            None => frame,
        };
        let _ = term::emit_to_write_style(&mut writer.lock(), &config, &db, &frame);
    }
}

/// Prints an error and its causes, once.
pub fn error(err: &anyhow::Error) {
    let mut message = format!("error: {err}");
    for cause in err.chain().skip(1) {
        message.push_str(&format!("\n  caused by: {cause}"));
    }
    let help = err.chain().find_map(|cause| {
        if let Some(e) = cause.downcast_ref::<strata_introspect::IntrospectError>() {
            e.help()
        } else if let Some(e) = cause.downcast_ref::<strata_store::StoreError>() {
            e.help()
        } else {
            cause
                .downcast_ref::<strata_connect::ConnectError>()
                .and_then(|e| e.help())
        }
    });
    if let Some(help) = help {
        message.push_str(&format!("\n  help: {help}"));
    }
    eprintln!("{message}");
}

/// A change as one line, colored by what it does: `+` adds (green), `-` removes (red), `~`
/// alters (yellow).
pub fn change(change: &strata_diff::Change) -> String {
    let line = change.to_string();
    let style = match line.chars().next() {
        Some('+') => console::Style::new().green(),
        Some('-') => console::Style::new().red(),
        _ => console::Style::new().yellow(),
    };
    style.for_stdout().apply_to(line).to_string()
}

/// Notes printed before the rest are summed up in one line: a schema of thousands of tables
/// can hold thousands of objects the entities leave alone.
const NOTES_SHOWN: usize = 20;

/// The differ's notes (possible renames, unmanaged objects), on stderr; past [`NOTES_SHOWN`],
/// one line with the count and where to find them all.
pub fn notes(notes: &[strata_diff::Note]) {
    for note in notes.iter().take(NOTES_SHOWN) {
        eprintln!("note: {note}");
    }
    if notes.len() > NOTES_SHOWN {
        eprintln!(
            "note: ... and {} more notes (`strata diff --format json` lists them all)",
            notes.len() - NOTES_SHOWN
        );
    }
}

/// A warning on a statement that can lose data or fail, on stderr.
pub fn warning(warning: &strata_emit::Warning) {
    let label = console::Style::new()
        .yellow()
        .bold()
        .for_stderr()
        .apply_to(format!("warning [{}]", warning.code));
    eprintln!("{label}: {}", strata_ir::text::visible(&warning.message));
}

/// A unified diff (3 lines of context) between two DDL texts. Like git's function context, each
/// hunk header names the statement the hunk sits in (`@@ -10,5 +10,6 @@ CREATE TABLE "users" (`).
pub fn schema_diff(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let old_lines: Vec<&str> = old.lines().collect();
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        let start = hunk
            .ops()
            .first()
            .map_or(0, |op| op.old_range().start)
            .min(old_lines.len());
        let statement = old_lines[..start]
            .iter()
            .rev()
            .find(|line| !line.starts_with(' ') && !line.starts_with(')') && !line.is_empty());
        out.push_str(&hunk.header().to_string());
        if let Some(statement) = statement {
            out.push(' ');
            out.push_str(statement.trim_end());
        }
        out.push('\n');
        for change in hunk.iter_changes() {
            out.push_str(&change.tag().to_string());
            out.push_str(change.value());
            if !change.value().ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

/// Prints a unified diff on stdout: removed lines red, added lines green, hunk headers cyan.
pub fn print_diff(diff: &str) {
    for line in diff.lines() {
        let style = if line.starts_with("+++") || line.starts_with("---") {
            console::Style::new().bold()
        } else if line.starts_with('+') {
            console::Style::new().green()
        } else if line.starts_with('-') {
            console::Style::new().red()
        } else if line.starts_with("@@") {
            console::Style::new().cyan()
        } else {
            console::Style::new()
        };
        println!("{}", style.for_stdout().apply_to(line));
    }
}
