//! Splitting an SQL script into its statements, for revisions that run outside a transaction.
//!
//! PostgreSQL runs a multi-statement string sent at once as one implicit transaction, so a
//! revision marked `transactional = false` (`ALTER TYPE ... ADD VALUE` then using the label,
//! `CREATE INDEX CONCURRENTLY`) must be sent statement by statement. A `;` ends a statement
//! unless it is inside a string (`'...'`, `E'...'` with backslash escapes), a quoted identifier
//! (`"..."`, `` `...` ``), a comment (`-- ...`, `/* ... */`, nested on PostgreSQL) or a
//! dollar-quoted body (`$tag$ ... $tag$`).

/// The statements of `sql`, each without its `;`, trimmed; pieces holding only comments and
/// whitespace are left out.
pub fn statements(sql: &str) -> Vec<&str> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                let escapes = i > 0 && matches!(bytes[i - 1], b'E' | b'e');
                i = skip_quoted(bytes, i, b'\'', escapes);
            }
            b'"' | b'`' => i = skip_quoted(bytes, i, bytes[i], false),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n + 1);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block_comment(bytes, i),
            b'$' => i = skip_dollar_quoted(sql, i),
            b';' => {
                push(&mut out, &sql[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    push(&mut out, &sql[start..]);
    out
}

fn push<'a>(out: &mut Vec<&'a str>, piece: &'a str) {
    let piece = piece.trim();
    if !only_comments(piece) {
        out.push(piece);
    }
}

fn only_comments(piece: &str) -> bool {
    let mut rest = piece.trim_start();
    loop {
        if rest.is_empty() {
            return true;
        }
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if rest.starts_with("/*") {
            let end = skip_block_comment(rest.as_bytes(), 0);
            rest = rest[end.min(rest.len())..].trim_start();
        } else {
            return false;
        }
    }
}

/// Index just past the closing quote of the quoted text opening at `i`; a doubled quote is an
/// escaped quote, as is a backslash-escaped one when `escapes`.
fn skip_quoted(bytes: &[u8], i: usize, quote: u8, escapes: bool) -> usize {
    let mut j = i + 1;
    while j < bytes.len() {
        if escapes && bytes[j] == b'\\' {
            j += 2;
            continue;
        }
        if bytes[j] == quote {
            if bytes.get(j + 1) == Some(&quote) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    bytes.len()
}

/// Index just past the `*/` closing the comment opening at `i` (comments nest, as PostgreSQL
/// allows).
fn skip_block_comment(bytes: &[u8], i: usize) -> usize {
    let mut depth = 0;
    let mut j = i;
    while j + 1 < bytes.len() {
        match (bytes[j], bytes[j + 1]) {
            (b'/', b'*') => {
                depth += 1;
                j += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    bytes.len()
}

/// Index just past a `$tag$ ... $tag$` body opening at `i`, or `i + 1` when the `$` opens none
/// (a parameter such as `$1`, or a `$` inside an identifier).
fn skip_dollar_quoted(sql: &str, i: usize) -> usize {
    let rest = &sql[i + 1..];
    let Some(close) = rest.find('$') else {
        return i + 1;
    };
    let tag = &rest[..close];
    let valid = tag
        .chars()
        .enumerate()
        .all(|(n, c)| c == '_' || c.is_ascii_alphabetic() || (n > 0 && c.is_ascii_digit()));
    let preceded_by_word = i > 0 && {
        let b = sql.as_bytes()[i - 1];
        b.is_ascii_alphanumeric() || b == b'_'
    };
    if !valid || preceded_by_word {
        return i + 1;
    }
    let delimiter = format!("${tag}$");
    let body = i + delimiter.len();
    match sql[body..].find(&delimiter) {
        Some(end) => body + end + delimiter.len(),
        None => sql.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::statements;

    #[test]
    fn semicolons_split_outside_strings_comments_and_bodies() {
        let sql = "-- up: add a label\n\
            ALTER TYPE \"mood\" ADD VALUE 'a;b';\n\n\
            /* a ; comment /* nested; */ still */\n\
            ALTER TABLE \"users\" ALTER COLUMN \"mood\" SET DEFAULT 'it''s;';\n\
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
            SELECT E'back\\';slash', \"semi;colon\", `tick;`, $1;\n\
            -- trailing comment";
        assert_eq!(
            statements(sql),
            vec![
                "-- up: add a label\nALTER TYPE \"mood\" ADD VALUE 'a;b'",
                "/* a ; comment /* nested; */ still */\nALTER TABLE \"users\" ALTER COLUMN \"mood\" SET DEFAULT 'it''s;'",
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "SELECT E'back\\';slash', \"semi;colon\", `tick;`, $1",
            ]
        );
    }

    #[test]
    fn unterminated_text_never_panics() {
        for sql in [
            "'open", "\"open", "/* open", "$x$ open", "E'\\", "$", "a $$", "--",
        ] {
            let _ = statements(sql);
        }
        assert!(statements("  -- only\n/* comments */ ").is_empty());
    }
}
