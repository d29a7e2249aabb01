//! Everything printed to the terminal: code frames for entity diagnostics and the error chain.

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
        cause
            .downcast_ref::<strata_introspect::IntrospectError>()
            .and_then(|e| e.help())
    });
    if let Some(help) = help {
        message.push_str(&format!("\n  help: {help}"));
    }
    eprintln!("{message}");
}
