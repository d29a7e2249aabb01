//! Text that strata writes into SQL and Rust as *data*: comments that nothing they carry can
//! end, and the checks that refuse what no database can hold.
//!
//! Identifiers and string literals are quoted per dialect by [`crate::Dialect::quote`] and
//! [`crate::Dialect::string_literal`]; this module holds the rest of the one escaping layer:
//!
//! - [`sql_comment`] turns any text into `-- ` comment lines. Every character that any of the
//!   three databases, the `sqlite3`/`psql`/`mysql` shells or strata's own statement splitter
//!   treats as the end of a line starts a new `-- ` line instead, so a message, a name or a
//!   warning can never end its comment and become a statement.
//! - [`rust_comment`] does the same for `//` comments in generated Rust.
//! - [`check`] refuses NUL, which PostgreSQL cannot store and which ends a C string (and so a
//!   statement) early in every client library.

use std::fmt;

/// Characters after which some reader starts a new line: `\n`, `\r`, vertical tab, form feed,
/// and the Unicode line and paragraph separators (Rust, editors and some shells break there).
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Other control characters are shown escaped, so a comment stays one readable line per line
/// of text and no terminal or parser sees a raw control byte.
fn push_visible(out: &mut String, c: char) {
    if c.is_control() && c != '\t' {
        out.push_str(&c.escape_unicode().to_string());
    } else {
        out.push(c);
    }
}

/// The lines of `text` as a reader of comments sees them, each free of line breaks and
/// control characters. `\r\n` counts as one break. Never empty.
pub fn comment_lines(text: &str) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_line_break(c) {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            lines.push(String::new());
        } else if let Some(line) = lines.last_mut() {
            push_visible(line, c);
        }
    }
    lines
}

/// `text` on one line for a terminal or a log: line breaks and other control characters
/// (including the escape that starts terminal sequences) are shown escaped, `\n` as `\n`.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `text` as SQL line comments, one `-- ` line per line of text, without a final newline.
/// Valid in every dialect (MySQL wants a space or a line end after `--`).
pub fn sql_comment(text: &str) -> String {
    prefixed(text, "--")
}

/// `text` as Rust line comments (`// `), one per line of text, without a final newline.
pub fn rust_comment(text: &str) -> String {
    prefixed(text, "//")
}

fn prefixed(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for (i, line) in comment_lines(text).iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(marker);
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
    }
    out
}

/// `text` as a PostgreSQL dollar-quoted string whose tag (`$strata$`, `$strata1$`, ...) does
/// not occur in it, so nothing in the text can end the string.
pub fn dollar_quote(text: &str) -> String {
    let mut tag = "$strata$".to_owned();
    let mut n = 0;
    while text.contains(&tag) {
        n += 1;
        tag = format!("$strata{n}$");
    }
    // A closing `$` of the text would run into the tag: a line break keeps them apart.
    let sep = if text.ends_with('$') { "\n" } else { "" };
    format!("{tag}{text}{sep}{tag}")
}

/// Text that no database can hold as a name or a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadText {
    /// What carried it: `table name`, `comment of column users.bio`, ...
    pub what: String,
    /// The text, shown escaped.
    pub text: String,
}

impl fmt::Display for BadText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:?} contains a NUL character, which no database stores in a name or a string",
            self.what, self.text
        )
    }
}

impl std::error::Error for BadText {}

/// Refuses text no database can store (NUL); everything else is quoted or escaped where it is
/// written.
pub fn check(what: impl FnOnce() -> String, text: &str) -> Result<(), BadText> {
    if text.contains('\0') {
        return Err(BadText {
            what: what(),
            text: text.to_owned(),
        });
    }
    Ok(())
}

/// Every name, comment, default and enum label of `schema`, checked with [`check`].
pub fn check_schema(schema: &crate::Schema) -> Result<(), BadText> {
    use crate::{DefaultValue, Literal};
    for e in &schema.enums {
        check(|| "enum type name".into(), &e.name)?;
        for v in &e.values {
            check(|| format!("a label of enum {}", e.name), v)?;
        }
    }
    for t in &schema.tables {
        let table = t.qualified_name();
        if let Some(s) = &t.schema {
            check(|| "schema name".into(), s)?;
        }
        check(|| "table name".into(), &t.name)?;
        if let Some(c) = &t.comment {
            check(|| format!("comment of table {table}"), c)?;
        }
        for c in &t.columns {
            check(|| format!("a column name of table {table}"), &c.name)?;
            let col = || format!("{table}.{}", c.name);
            if let Some(text) = &c.comment {
                check(|| format!("comment of column {}", col()), text)?;
            }
            if let Some(from) = &c.renamed_from {
                check(|| format!("renamed_from of column {}", col()), from)?;
            }
            match &c.default {
                Some(DefaultValue::Literal(Literal::String(s))) => {
                    check(|| format!("default of column {}", col()), s)?
                }
                Some(DefaultValue::Expr(s)) => check(|| format!("default of column {}", col()), s)?,
                _ => {}
            }
            if let crate::ColumnType::Enum { name, values, .. } = &c.ty {
                check(|| format!("enum name of column {}", col()), name)?;
                for v in values {
                    check(|| format!("a value of column {}", col()), v)?;
                }
            }
        }
        let names = t
            .indexes
            .iter()
            .filter_map(|i| i.name.as_deref())
            .chain(t.foreign_keys.iter().filter_map(|k| k.name.as_deref()))
            .chain(t.primary_key.iter().filter_map(|k| k.name.as_deref()));
        for name in names {
            check(|| format!("a key or index name of table {table}"), name)?;
        }
        for k in &t.foreign_keys {
            check(
                || format!("a foreign key target of table {table}"),
                &k.ref_table,
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_cannot_be_ended_by_their_text() {
        let hostile = "evil\nDROP TABLE victims; --\r\nx\ry\u{2028}z\u{0B}w\0*/ end";
        let sql = sql_comment(hostile);
        for line in sql.split('\n') {
            assert!(line.starts_with("--"), "{line:?}");
            assert!(!line.chars().any(|c| c.is_control() && c != '\t'));
        }
        assert_eq!(
            sql,
            "-- evil\n-- DROP TABLE victims; --\n-- x\n-- y\n-- z\n-- w\\u{0}*/ end"
        );
        assert_eq!(rust_comment("a\n\nb"), "// a\n//\n// b");
        assert_eq!(sql_comment(""), "--");
        assert_eq!(visible("a\nb\u{1b}[2J"), "a\\nb\\u{1b}[2J");
        assert_eq!(dollar_quote("a"), "$strata$a$strata$");
        assert_eq!(
            dollar_quote("x $strata$ y"),
            "$strata1$x $strata$ y$strata1$"
        );
    }

    #[test]
    fn nul_is_refused_and_named() {
        let mut schema = crate::Schema::default();
        let mut t = crate::Table::new(None, "t");
        t.columns.push(crate::Column::new(
            "a\0b",
            crate::ColumnType::Integer {
                bytes: 4,
                unsigned: false,
            },
        ));
        schema.tables.push(t);
        let err = check_schema(&schema).unwrap_err();
        assert_eq!(err.what, "a column name of table t");
        assert!(err.to_string().contains("NUL"));
    }
}
