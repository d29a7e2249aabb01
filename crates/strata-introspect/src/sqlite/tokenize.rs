//! A tokenizer for SQLite's SQL, following SQLite's own rules (`tokenize.c`): identifiers bare or
//! quoted with `""`, ``` `` ``` or `[]`, string literals with `''` escapes, blob literals
//! (`X'00'`), numbers, parameters, operators and punctuation; whitespace and `--`/`/* */`
//! comments are dropped. Every token keeps its byte span, so callers can cut the original text
//! back out (a CHECK expression "as written").
//!
//! It is total: any input, including truncated or garbled SQL and unterminated quotes or
//! comments, yields tokens (an unterminated quote runs to the end of the text), and nothing
//! panics.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare identifier or keyword.
    Word,
    /// An identifier in `"..."`, `` `...` `` or `[...]`.
    Quoted,
    /// A string literal `'...'`.
    String,
    /// A blob literal `X'...'`.
    Blob,
    Number,
    /// `?`, `?1`, `:name`, `@name`, `$name`.
    Parameter,
    /// Operators and punctuation: `(`, `)`, `,`, `;`, `.`, `||`, `<=`, `->>`, ...
    Punct,
    /// A character SQLite would reject.
    Illegal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub kind: Kind,
    /// The token's text as written, quotes included.
    pub text: &'a str,
    /// Byte offsets of the token in the tokenized text.
    pub start: usize,
    pub end: usize,
}

impl<'a> Token<'a> {
    /// Whether this is the bare keyword `word` (case-insensitive).
    pub fn is_word(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    pub fn is_punct(&self, punct: &str) -> bool {
        self.kind == Kind::Punct && self.text == punct
    }

    /// The identifier this token names: a bare word as written, a quoted identifier (or, as
    /// SQLite also allows in names, a string literal) unquoted.
    pub fn ident(&self) -> Option<String> {
        match self.kind {
            Kind::Word => Some(self.text.to_owned()),
            Kind::Quoted | Kind::String => Some(unquote(self.text)),
            _ => None,
        }
    }
}

/// The body of a quoted token without its quotes, doubled closing quotes undone. Tolerates a
/// missing closing quote.
fn unquote(text: &str) -> String {
    let mut chars = text.chars();
    let Some(open) = chars.next() else {
        return String::new();
    };
    let close = if open == '[' { ']' } else { open };
    let body = chars.as_str();
    let body = body.strip_suffix(close).unwrap_or(body);
    if close == ']' {
        return body.to_owned();
    }
    let mut doubled = String::with_capacity(2);
    doubled.push(close);
    doubled.push(close);
    body.replace(&doubled, &close.to_string())
}

/// Splits `sql` into tokens, dropping whitespace and comments.
pub(crate) fn tokenize(sql: &str) -> Vec<Token<'_>> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        let kind = match b {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = find_byte(bytes, i + 2, b'\n').map_or(bytes.len(), |n| n + 1);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = find_pair(bytes, i + 2, b"*/").map_or(bytes.len(), |n| n + 2);
                continue;
            }
            b'\'' => {
                i = quoted_end(bytes, i, b'\'');
                Kind::String
            }
            b'"' | b'`' => {
                i = quoted_end(bytes, i, b);
                Kind::Quoted
            }
            b'[' => {
                i = find_byte(bytes, i + 1, b']').map_or(bytes.len(), |n| n + 1);
                Kind::Quoted
            }
            b'x' | b'X' if bytes.get(i + 1) == Some(&b'\'') => {
                i = quoted_end(bytes, i + 1, b'\'');
                Kind::Blob
            }
            b'0'..=b'9' => {
                i = number_end(bytes, i);
                Kind::Number
            }
            b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = number_end(bytes, i);
                Kind::Number
            }
            b'?' => {
                i = skip_while(bytes, i + 1, |c| c.is_ascii_digit());
                Kind::Parameter
            }
            b':' | b'@' | b'$' if bytes.get(i + 1).copied().is_some_and(is_ident_byte) => {
                i = skip_while(bytes, i + 1, is_ident_byte);
                Kind::Parameter
            }
            _ if is_ident_start(b) => {
                i = skip_while(bytes, i + 1, is_ident_byte);
                Kind::Word
            }
            _ => match punct_len(&bytes[i..]) {
                Some(n) => {
                    i += n;
                    Kind::Punct
                }
                None => {
                    // One whole character, so that the span stays on a char boundary.
                    i += sql[i..].chars().next().map_or(1, char::len_utf8);
                    Kind::Illegal
                }
            },
        };
        let end = i.min(bytes.len());
        i = end;
        tokens.push(Token {
            kind,
            text: sql.get(start..end).unwrap_or(""),
            start,
            end,
        });
    }
    tokens
}

/// Identifier characters: ASCII letters, digits, `_`, `$`, and every byte of a non-ASCII
/// character (as SQLite treats them).
fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn skip_while(bytes: &[u8], mut i: usize, pred: impl Fn(u8) -> bool) -> usize {
    while i < bytes.len() && pred(bytes[i]) {
        i += 1;
    }
    i
}

fn find_byte(bytes: &[u8], from: usize, needle: u8) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| b == needle)
        .map(|p| from + p)
}

fn find_pair(bytes: &[u8], from: usize, needle: &[u8; 2]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(2)
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// The end of a quoted token opening at `open` with `quote`, where a doubled quote is an escaped
/// one; the end of the text when the quote is never closed.
fn quoted_end(bytes: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// The end of a numeric literal: `0x1F`, `12`, `1_000`, `1.5`, `.5`, `1e-3`. Letters glued to
/// the number are taken along (SQLite rejects them; the token is kept whole).
fn number_end(bytes: &[u8], start: usize) -> usize {
    let digits = |i| skip_while(bytes, i, |c| c.is_ascii_digit() || c == b'_');
    let mut i = start;
    if bytes[i] == b'0' && matches!(bytes.get(i + 1), Some(b'x' | b'X')) {
        return skip_while(bytes, i + 2, |c| c.is_ascii_hexdigit() || c == b'_');
    }
    i = digits(i);
    if bytes.get(i) == Some(&b'.') {
        i = digits(i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            i = digits(j);
        }
    }
    skip_while(bytes, i, is_ident_byte)
}

/// The length of the operator or punctuation at the start of `bytes`, if any.
fn punct_len(bytes: &[u8]) -> Option<usize> {
    const LONG: [&[u8]; 10] = [
        b"->>", b"->", b"||", b"<=", b">=", b"<>", b"!=", b"==", b"<<", b">>",
    ];
    if let Some(op) = LONG.iter().find(|op| bytes.starts_with(op)) {
        return Some(op.len());
    }
    match bytes.first()? {
        b'(' | b')' | b',' | b';' | b'.' | b'+' | b'-' | b'*' | b'/' | b'%' | b'<' | b'>'
        | b'=' | b'&' | b'|' | b'~' => Some(1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<(Kind, &str)> {
        tokenize(sql).iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn tokens_follow_sqlite_rules() {
        use Kind::*;
        assert_eq!(
            kinds(
                "CREATE TABLE \"a \"\"b\" ([x y] int, `z` text DEFAULT 'it''s' -- comment ( \n\
                 /* CHECK (x) */ , w REAL DEFAULT -1.5e3 CHECK (w >= .5 AND x'0F' <> ?1))"
            ),
            vec![
                (Word, "CREATE"),
                (Word, "TABLE"),
                (Quoted, "\"a \"\"b\""),
                (Punct, "("),
                (Quoted, "[x y]"),
                (Word, "int"),
                (Punct, ","),
                (Quoted, "`z`"),
                (Word, "text"),
                (Word, "DEFAULT"),
                (String, "'it''s'"),
                (Punct, ","),
                (Word, "w"),
                (Word, "REAL"),
                (Word, "DEFAULT"),
                (Punct, "-"),
                (Number, "1.5e3"),
                (Word, "CHECK"),
                (Punct, "("),
                (Word, "w"),
                (Punct, ">="),
                (Number, ".5"),
                (Word, "AND"),
                (Blob, "x'0F'"),
                (Punct, "<>"),
                (Parameter, "?1"),
                (Punct, ")"),
                (Punct, ")"),
            ]
        );
        assert_eq!(
            kinds("a->>'$.b' || :p @q $r 0x1F 1_000 é_1 !"),
            vec![
                (Word, "a"),
                (Punct, "->>"),
                (String, "'$.b'"),
                (Punct, "||"),
                (Parameter, ":p"),
                (Parameter, "@q"),
                (Parameter, "$r"),
                (Number, "0x1F"),
                (Number, "1_000"),
                (Word, "é_1"),
                (Illegal, "!"),
            ]
        );
    }

    #[test]
    fn identifiers_unquote() {
        let idents: Vec<Option<std::string::String>> =
            tokenize("\"a \"\"b\" [x]] `c``d` 'e''f' plain 1 \"open")
                .iter()
                .map(Token::ident)
                .collect();
        assert_eq!(
            idents,
            vec![
                Some("a \"b".into()),
                Some("x".into()),
                None, // the stray `]`
                Some("c`d".into()),
                Some("e'f".into()),
                Some("plain".into()),
                None,
                Some("open".into()),
            ]
        );
    }

    #[test]
    fn spans_cut_the_text_back_out() {
        let sql = "CHECK ( a /* x */ > 'b' )";
        let tokens = tokenize(sql);
        assert_eq!(&sql[tokens[2].start..tokens[4].end], "a /* x */ > 'b'");
        for t in &tokens {
            assert_eq!(&sql[t.start..t.end], t.text);
        }
    }

    #[test]
    fn unterminated_and_garbled_input_never_panics() {
        let samples = [
            "",
            "'",
            "\"",
            "`",
            "[",
            "/*",
            "--",
            "x'",
            "X'ab",
            "'it''",
            "0x",
            "1e",
            "1e+",
            ".",
            "?",
            ":",
            "$",
            "é",
            "\u{301}",
            "a\u{0}b",
            "((((",
            "))))",
            "'é",
            "[é",
            "/* é",
            "1.é",
            "0xé",
            "-é",
            "<é",
            "\u{feff}CREATE",
        ];
        for s in samples {
            let tokens = tokenize(s);
            for t in &tokens {
                assert!(t.start < t.end && t.end <= s.len(), "{s:?}: {t:?}");
                assert_eq!(s.get(t.start..t.end), Some(t.text), "{s:?}");
                let _ = t.ident();
            }
        }
        // Every prefix of a real statement, cut at every character boundary.
        let sql = "CREATE TABLE \"t\" (a INT CHECK (a > 0) /* c */, b 'x''y', [c] -- d\n)";
        for (i, _) in sql.char_indices() {
            let _ = tokenize(&sql[..i]);
        }
    }
}
