//! Splitting a native type spelling into its parts, shared by the per-dialect parsers.

/// A type spelling taken apart: `character varying(20)[]` is base `character varying`, arguments
/// `["20"]`, tail `[]`; `int(11) unsigned zerofill` is `int`, `["11"]`, `unsigned zerofill`;
/// `enum('a','b,c')` is `enum`, `["'a'", "'b,c'"]`, ``.
///
/// The base and the tail are lowercased with runs of whitespace folded to one space; arguments
/// are trimmed but keep their case and quotes (enum values are case-sensitive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Spelling {
    pub base: String,
    pub args: Vec<String>,
    pub tail: String,
}

impl Spelling {
    pub fn parse(sql: &str) -> Spelling {
        let sql = sql.trim();
        let (head, args, rest) = match sql.find('(') {
            Some(open) => {
                let (args, close) = split_args(&sql[open + 1..]);
                let rest = close.map(|c| &sql[open + 1 + c + 1..]).unwrap_or("");
                (&sql[..open], args, rest)
            }
            None => (sql, Vec::new(), ""),
        };
        // `integer[]` has its array marker in the head when there are no arguments.
        let (head, head_tail) = match head.find('[') {
            Some(i) => (&head[..i], &head[i..]),
            None => (head, ""),
        };
        let tail = format!("{head_tail} {rest}");
        Spelling {
            base: fold(head),
            args,
            tail: fold(&tail),
        }
    }

    /// The argument at `i` as a number.
    pub fn num(&self, i: usize) -> Option<u32> {
        self.args.get(i)?.trim().parse().ok()
    }

    /// The arguments as quoted string literals, unquoted (`'it''s'` is `it's`; backslash
    /// escapes are undone when `backslash` is set, as MySQL writes them).
    pub fn string_args(&self, backslash: bool) -> Option<Vec<String>> {
        self.args.iter().map(|a| unquote(a, backslash)).collect()
    }
}

/// Lowercase, single spaces, trimmed.
pub(crate) fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// Splits `a, 'b,c', d) rest` at top-level commas up to the matching `)`; returns the arguments
/// and the offset of that `)` (if any).
fn split_args(text: &str) -> (Vec<String>, Option<usize>) {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) => {
                current.push(c);
                if c == '\\' {
                    if let Some((_, next)) = chars.next() {
                        current.push(next);
                    }
                } else if c == q {
                    if chars.peek().is_some_and(|&(_, n)| n == q) {
                        let (_, n) = chars.next().unwrap_or((i, q));
                        current.push(n);
                    } else {
                        quote = None;
                    }
                }
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    current.push(c);
                }
                '(' => {
                    depth += 1;
                    current.push(c);
                }
                ')' if depth == 0 => {
                    args.push(current.trim().to_owned());
                    return (args, Some(i));
                }
                ')' => {
                    depth -= 1;
                    current.push(c);
                }
                ',' if depth == 0 => args.push(std::mem::take(&mut current).trim().to_owned()),
                _ => current.push(c),
            },
        }
    }
    if !current.trim().is_empty() {
        args.push(current.trim().to_owned());
    }
    (args, None)
}

/// `'it''s'` → `it's`; `None` when `text` is not one quoted literal.
pub(crate) fn unquote(text: &str, backslash: bool) -> Option<String> {
    let inner = text.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                // A doubled quote; a lone one means `text` was not a single literal.
                if chars.next() != Some('\'') {
                    return None;
                }
                out.push('\'');
            }
            '\\' if backslash => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                'Z' => out.push('\x1a'),
                other => out.push(other),
            },
            other => out.push(other),
        }
    }
    Some(out)
}

/// The SQL text without surrounding whitespace and redundant outer parentheses: `((a + 1))` is
/// `a + 1`, while `(a) + (b)` stays whole. Quoted strings and identifiers are skipped as the
/// dialect quotes them (MySQL: backslash escapes and backticks; SQLite: also `[name]`).
pub fn strip_outer_parens(sql: &str, dialect: super::Dialect) -> &str {
    let mut text = sql.trim();
    while text.starts_with('(') && closing_paren(text, dialect) == Some(text.len() - 1) {
        text = text[1..text.len() - 1].trim();
    }
    text
}

/// The byte offset of the `)` that closes the `(` at the start of `text`.
fn closing_paren(text: &str, dialect: super::Dialect) -> Option<usize> {
    use super::Dialect;
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) if c == '\\' && dialect == Dialect::Mysql && q != '`' => {
                chars.next();
            }
            // A doubled quote closes and reopens, which comes to the same thing.
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '`' if dialect != Dialect::Postgres => quote = Some(c),
                '[' if dialect == Dialect::Sqlite => quote = Some(']'),
                '(' => depth += 1,
                ')' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dialect;

    #[test]
    fn only_redundant_outer_parentheses_go() {
        for d in Dialect::ALL {
            assert_eq!(strip_outer_parens(" ((a + 1)) ", d), "a + 1");
            assert_eq!(strip_outer_parens("(a) + (b)", d), "(a) + (b)");
            assert_eq!(strip_outer_parens("(')')", d), "')'");
            assert_eq!(strip_outer_parens("lower(x)", d), "lower(x)");
            assert_eq!(strip_outer_parens("(", d), "(");
        }
        assert_eq!(strip_outer_parens(r"('\')')", Dialect::Mysql), r"'\')'");
        assert_eq!(strip_outer_parens("([a)b])", Dialect::Sqlite), "[a)b]");
    }

    fn check(sql: &str, base: &str, args: &[&str], tail: &str) {
        let s = Spelling::parse(sql);
        assert_eq!(
            (s.base.as_str(), s.args.clone(), s.tail.as_str()),
            (base, args.iter().map(|a| a.to_string()).collect(), tail),
            "{sql}"
        );
    }

    #[test]
    fn spellings_split_into_base_arguments_and_tail() {
        check(
            "character varying(20)[]",
            "character varying",
            &["20"],
            "[]",
        );
        check("integer[]", "integer", &[], "[]");
        check(
            "int(11) unsigned zerofill",
            "int",
            &["11"],
            "unsigned zerofill",
        );
        check("NUMERIC(10,2)", "numeric", &["10", "2"], "");
        check(
            "timestamp(3)  with time zone",
            "timestamp",
            &["3"],
            "with time zone",
        );
        check(
            "enum('a','b,c','it''s')",
            "enum",
            &["'a'", "'b,c'", "'it''s'"],
            "",
        );
        check("text", "text", &[], "");
    }

    #[test]
    fn literals_unquote() {
        assert_eq!(unquote("'it''s'", false).as_deref(), Some("it's"));
        assert_eq!(unquote(r"'a\\b'", true).as_deref(), Some(r"a\b"));
        assert_eq!(unquote("'a' || 'b'", false), None);
        assert_eq!(unquote("now()", false), None);
    }
}
