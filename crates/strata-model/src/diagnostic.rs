//! Diagnostics: what went wrong (or looks wrong) in which file, at which line and column.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem in an entity file. `line` and `column` are 1-based; `span` is the byte range in the
/// file's text, for code frames.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub span: (usize, usize),
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {kind}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// Where something is in a file, resolved while the file's spans are still valid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Loc {
    /// Shared by every location in one file (a reading holds thousands of them).
    pub file: Arc<str>,
    pub line: usize,
    pub column: usize,
    pub span: (usize, usize),
}

impl Loc {
    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(Severity::Error, message.into(), None)
    }

    pub fn warning(&self, message: impl Into<String>) -> Diagnostic {
        self.diagnostic(Severity::Warning, message.into(), None)
    }

    pub fn diagnostic(
        &self,
        severity: Severity,
        message: String,
        help: Option<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity,
            file: self.file.to_string(),
            line: self.line,
            column: self.column,
            span: self.span,
            message,
            help,
        }
    }
}

/// Extension to attach a help line to a diagnostic.
pub(crate) trait WithHelp {
    fn help(self, help: impl Into<String>) -> Self;
}

impl WithHelp for Diagnostic {
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Converts proc-macro2 spans (line 1-based, column in chars 0-based) into [`Loc`]s for one file.
pub(crate) struct Locator<'a> {
    file: Arc<str>,
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Locator {
            file: Arc::from(file),
            text,
            line_starts,
        }
    }

    fn offset(&self, line: usize, column: usize) -> usize {
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let rest = &self.text[start..];
        let within = rest
            .char_indices()
            .nth(column)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        start + within
    }

    pub fn loc(&self, span: proc_macro2::Span) -> Loc {
        let start = span.start();
        let end = span.end();
        let from = self.offset(start.line, start.column);
        let to = self.offset(end.line, end.column).max(from);
        Loc {
            file: Arc::clone(&self.file),
            line: start.line.max(1),
            column: start.column + 1,
            span: (from, to),
        }
    }

    /// The location of the whole file's start, for problems without a better place.
    pub fn file_start(&self) -> Loc {
        Loc {
            file: Arc::clone(&self.file),
            line: 1,
            column: 1,
            span: (0, 0),
        }
    }
}
