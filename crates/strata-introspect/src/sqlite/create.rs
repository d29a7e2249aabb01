//! Reads what the pragmas do not report out of the `CREATE TABLE` and `CREATE INDEX` text SQLite
//! stores in `sqlite_schema`: AUTOINCREMENT, CHECK constraints, generated column expressions,
//! the names of PRIMARY KEY / UNIQUE / FOREIGN KEY constraints, foreign keys' DEFERRABLE
//! clauses, column collations, and an index's expression parts and partial-index predicate.
//!
//! The parser walks tokens ([`super::tokenize`]), never the raw text, so keywords inside strings,
//! quoted names or comments are never mistaken for clauses; expressions are cut out of the
//! original text by token spans, exactly as written. It is pure and total: truncated or garbled
//! SQL yields whatever could be recognised, never a panic (loops only move forward, nesting is
//! counted rather than recursed into).

use strata_ir::{Check, Deferrable};

use super::tokenize::{Kind, Token, tokenize};

/// What a `CREATE TABLE` statement says beyond the pragmas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TableSql {
    pub columns: Vec<ColumnSql>,
    /// `CONSTRAINT name PRIMARY KEY ...`, at column or table level.
    pub primary_key_name: Option<String>,
    /// UNIQUE constraints in declaration order (a column-level `UNIQUE` has that one column).
    pub uniques: Vec<UniqueSql>,
    /// Foreign keys in declaration order (a column-level `REFERENCES` has that one column).
    pub foreign_keys: Vec<ForeignKeySql>,
    /// Column-level and table-level CHECK constraints, in declaration order.
    pub checks: Vec<Check>,
    pub without_rowid: bool,
    pub strict: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ColumnSql {
    pub name: String,
    pub autoincrement: bool,
    /// The `COLLATE` name as written.
    pub collation: Option<String>,
    /// The expression of `[GENERATED ALWAYS] AS (expr)`.
    pub generated: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UniqueSql {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ForeignKeySql {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: String,
    /// Empty when the target columns are implied (the parent's primary key).
    pub ref_columns: Vec<String>,
    pub deferrable: Option<Deferrable>,
}

/// What a `CREATE INDEX` statement says beyond the pragmas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct IndexSql {
    /// The key parts in order.
    pub parts: Vec<IndexedColumn>,
    /// The condition after `WHERE`, as written.
    pub predicate: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IndexedColumn {
    /// The column or expression as written, without `ASC`/`DESC` and without redundant outer
    /// parentheses (a `COLLATE` clause stays).
    pub expr: String,
    pub desc: bool,
}

/// Parses a stored `CREATE TABLE` statement. `CREATE TABLE ... AS SELECT` and unreadable text
/// give an empty result.
pub(crate) fn parse_create_table(sql: &str) -> TableSql {
    let tokens = tokenize(sql);
    let mut table = TableSql::default();
    let Some(name_at) = tokens.iter().position(|t| t.is_word("TABLE")) else {
        return table;
    };
    let mut open = name_at + 1;
    while open < tokens.len() && !tokens[open].is_punct("(") {
        if tokens[open].is_word("AS") {
            return table;
        }
        open += 1;
    }
    if open >= tokens.len() {
        return table;
    }
    let close = closing(&tokens, open);
    let parser = Parser { sql };
    for item in split_commas(&tokens[open + 1..close]) {
        parser.item(item, &mut table);
    }
    for t in tokens.get(close + 1..).unwrap_or_default() {
        if t.is_word("ROWID") {
            table.without_rowid = true;
        } else if t.is_word("STRICT") {
            table.strict = true;
        }
    }
    table
}

/// Parses a stored `CREATE INDEX` statement.
pub(crate) fn parse_create_index(sql: &str) -> IndexSql {
    let tokens = tokenize(sql);
    let mut index = IndexSql::default();
    let Some(on) = tokens.iter().position(|t| t.is_word("ON")) else {
        return index;
    };
    let Some(open) = (on + 1..tokens.len()).find(|&i| tokens[i].is_punct("(")) else {
        return index;
    };
    let close = closing(&tokens, open);
    for part in split_commas(&tokens[open + 1..close]) {
        let (part, desc) = match part.split_last() {
            Some((last, rest)) if last.is_word("DESC") => (rest, true),
            Some((last, rest)) if last.is_word("ASC") => (rest, false),
            _ => (part, false),
        };
        index.parts.push(IndexedColumn {
            expr: span(sql, strip_parens(part)),
            desc,
        });
    }
    let rest = tokens.get(close + 1..).unwrap_or_default();
    if let Some((first, condition)) = rest.split_first()
        && first.is_word("WHERE")
    {
        let end = condition
            .iter()
            .rposition(|t| !t.is_punct(";"))
            .map_or(0, |i| i + 1);
        let predicate = span(sql, &condition[..end]);
        if !predicate.is_empty() {
            index.predicate = Some(predicate);
        }
    }
    index
}

struct Parser<'s> {
    sql: &'s str,
}

impl Parser<'_> {
    /// One comma-separated item of the table body: a column definition or a table constraint.
    fn item(&self, item: &[Token<'_>], table: &mut TableSql) {
        let Some(first) = item.first() else {
            return;
        };
        let is_constraint = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
            .iter()
            .any(|k| first.is_word(k));
        if is_constraint {
            self.constraints(item, 0, None, table);
            return;
        }
        let Some(name) = first.ident() else {
            return;
        };
        let mut column = ColumnSql {
            name,
            ..ColumnSql::default()
        };
        self.constraints(item, 1, Some(&mut column), table);
        table.columns.push(column);
    }

    /// Walks the constraints of an item from `start`. With a column, they are column
    /// constraints (the type name before them is skipped); without, table constraints.
    ///
    /// As in SQLite, `CONSTRAINT name` names every constraint that follows it in the same item,
    /// until another `CONSTRAINT name`.
    fn constraints(
        &self,
        item: &[Token<'_>],
        start: usize,
        mut column: Option<&mut ColumnSql>,
        table: &mut TableSql,
    ) {
        let mut name: Option<String> = None;
        let mut i = start;
        while i < item.len() {
            let t = &item[i];
            if t.is_punct("(") {
                // type arguments, or something unrecognised
                i = closing(item, i) + 1;
                continue;
            }
            if t.kind != Kind::Word {
                i += 1;
                continue;
            }
            let keyword = t.text.to_ascii_uppercase();
            i += 1;
            match keyword.as_str() {
                "CONSTRAINT" => {
                    name = item.get(i).and_then(Token::ident);
                    i += 1;
                }
                "PRIMARY" => {
                    if name.is_some() {
                        table.primary_key_name.clone_from(&name);
                    }
                    if item.get(i).is_some_and(|t| t.is_word("KEY")) {
                        i += 1;
                    }
                    if column.is_none() {
                        i = self.group(item, i).map_or(i, |(_, next)| next);
                    }
                }
                "AUTOINCREMENT" => {
                    if let Some(column) = column.as_deref_mut() {
                        column.autoincrement = true;
                    }
                }
                "UNIQUE" => {
                    let columns = match (&column, self.group(item, i)) {
                        (Some(column), _) => vec![column.name.clone()],
                        (None, Some((inner, next))) => {
                            i = next;
                            column_names(inner)
                        }
                        (None, None) => continue,
                    };
                    table.uniques.push(UniqueSql {
                        name: name.clone(),
                        columns,
                    });
                }
                "CHECK" => {
                    if let Some((inner, next)) = self.group(item, i) {
                        i = next;
                        table.checks.push(Check {
                            name: name.clone(),
                            expr: span(self.sql, inner),
                        });
                    }
                }
                "DEFAULT" => i = skip_default(item, i),
                "COLLATE" => {
                    let collation = item.get(i).and_then(Token::ident);
                    i += 1;
                    if let Some(column) = column.as_deref_mut() {
                        column.collation = collation;
                    }
                }
                "AS" => {
                    if let Some((inner, next)) = self.group(item, i) {
                        i = next;
                        if let Some(column) = column.as_deref_mut() {
                            column.generated = Some(span(self.sql, inner));
                        }
                    }
                }
                "FOREIGN" => {
                    if item.get(i).is_some_and(|t| t.is_word("KEY")) {
                        i += 1;
                    }
                    let Some((inner, next)) = self.group(item, i) else {
                        continue;
                    };
                    i = next;
                    if item.get(i).is_some_and(|t| t.is_word("REFERENCES")) {
                        let (fk, next) =
                            self.references(item, i + 1, column_names(inner), name.clone());
                        i = next;
                        table.foreign_keys.extend(fk);
                    }
                }
                "REFERENCES" => {
                    if let Some(column) = &column {
                        let (fk, next) =
                            self.references(item, i, vec![column.name.clone()], name.clone());
                        i = next;
                        table.foreign_keys.extend(fk);
                    }
                }
                _ => {}
            }
        }
    }

    /// `tbl [(cols)] [ON DELETE|UPDATE action] [MATCH name] [[NOT] DEFERRABLE [INITIALLY
    /// DEFERRED|IMMEDIATE]]`, from the token after `REFERENCES`. Returns the key and the index
    /// of the first token after the clause.
    fn references(
        &self,
        item: &[Token<'_>],
        mut i: usize,
        columns: Vec<String>,
        name: Option<String>,
    ) -> (Option<ForeignKeySql>, usize) {
        let Some(mut ref_table) = item.get(i).and_then(Token::ident) else {
            return (None, i);
        };
        i += 1;
        // SQLite rejects `schema.table` here; take the table if it is written anyway.
        if item.get(i).is_some_and(|t| t.is_punct("."))
            && let Some(table) = item.get(i + 1).and_then(Token::ident)
        {
            ref_table = table;
            i += 2;
        }
        let mut ref_columns = Vec::new();
        if let Some((inner, next)) = self.group(item, i) {
            ref_columns = column_names(inner);
            i = next;
        }
        let mut deferrable = None;
        loop {
            let word = |k: usize, w: &str| item.get(k).is_some_and(|t| t.is_word(w));
            if word(i, "ON") {
                // ON DELETE|UPDATE SET NULL|SET DEFAULT|NO ACTION|CASCADE|RESTRICT
                i += 2;
                i += if word(i, "SET") || word(i, "NO") {
                    2
                } else {
                    1
                };
            } else if word(i, "MATCH") {
                i += 2;
            } else if word(i, "DEFERRABLE") || (word(i, "NOT") && word(i + 1, "DEFERRABLE")) {
                let not = word(i, "NOT");
                i += if not { 2 } else { 1 };
                let mut deferred = false;
                if word(i, "INITIALLY") {
                    deferred = word(i + 1, "DEFERRED");
                    i += 2;
                }
                deferrable = match (not, deferred) {
                    (true, _) => None,
                    (false, true) => Some(Deferrable::InitiallyDeferred),
                    (false, false) => Some(Deferrable::InitiallyImmediate),
                };
            } else {
                break;
            }
        }
        let fk = ForeignKeySql {
            name,
            columns,
            ref_table,
            ref_columns,
            deferrable,
        };
        (Some(fk), i)
    }

    /// The tokens inside the parenthesised group opening at `i`, and the index after it.
    fn group<'t, 'a>(&self, item: &'t [Token<'a>], i: usize) -> Option<(&'t [Token<'a>], usize)> {
        if !item.get(i)?.is_punct("(") {
            return None;
        }
        let close = closing(item, i);
        Some((item.get(i + 1..close).unwrap_or_default(), close + 1))
    }
}

/// Skips a default value starting at `i`: a parenthesised expression, or an optionally signed
/// literal or keyword.
fn skip_default(item: &[Token<'_>], mut i: usize) -> usize {
    match item.get(i) {
        Some(t) if t.is_punct("(") => closing(item, i) + 1,
        Some(t) if t.is_punct("-") || t.is_punct("+") => {
            i += 2;
            i
        }
        Some(_) => i + 1,
        None => i,
    }
}

/// The index of the `)` matching the `(` at `open`, or the end of `tokens` when it is never
/// closed.
fn closing(tokens: &[Token<'_>], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return i;
            }
        }
    }
    tokens.len()
}

/// Splits at the commas outside parentheses.
fn split_commas<'t, 'a>(tokens: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth = depth.saturating_sub(1);
        } else if t.is_punct(",") && depth == 0 {
            parts.push(&tokens[start..i]);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        parts.push(&tokens[start..]);
    }
    parts
}

/// The column named at the start of each comma-separated part (`a COLLATE x DESC, "b"`).
fn column_names(tokens: &[Token<'_>]) -> Vec<String> {
    split_commas(tokens)
        .into_iter()
        .filter_map(|part| part.first().and_then(Token::ident))
        .collect()
}

/// Drops parentheses that wrap the whole token run: `((a + b))` → `a + b`.
fn strip_parens<'t, 'a>(mut tokens: &'t [Token<'a>]) -> &'t [Token<'a>] {
    while tokens.len() >= 2 && tokens[0].is_punct("(") && closing(tokens, 0) == tokens.len() - 1 {
        tokens = &tokens[1..tokens.len() - 1];
    }
    tokens
}

/// The original text from the first token's start to the last token's end (comments and spacing
/// between them included).
fn span(sql: &str, tokens: &[Token<'_>]) -> String {
    match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => sql.get(first.start..last.end).unwrap_or("").to_owned(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: Option<&str>, expr: &str) -> Check {
        Check {
            name: name.map(str::to_owned),
            expr: expr.to_owned(),
        }
    }

    #[test]
    fn create_table_clauses_are_read() {
        let sql = r#"CREATE TABLE "Order Items" (
            id INTEGER NOT NULL CONSTRAINT "pk ""x""" PRIMARY KEY AUTOINCREMENT,
            [sku code] VARCHAR(20) COLLATE NOCASE NOT NULL CONSTRAINT sku_uq UNIQUE,
            qty int DEFAULT (1 + 1) CHECK (qty > 0),
            price REAL DEFAULT -1.5 CONSTRAINT price_pos CHECK ( price /* sic */ >= 0 /* trailing */ ),
            total REAL GENERATED ALWAYS AS (qty * price) STORED,
            label TEXT AS (upper("sku code")),
            note TEXT DEFAULT 'CHECK (x) AUTOINCREMENT' COLLATE "RTRIM",
            parent INTEGER REFERENCES "Order Items" ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED NOT NULL,
            `a` int, b int,
            CONSTRAINT ab_uq UNIQUE (`a` COLLATE nocase, b DESC),
            UNIQUE (b),
            CONSTRAINT "both" CHECK (a <> b) CHECK (a > -1),
            FOREIGN KEY (a, b) REFERENCES other (x, y) ON UPDATE CASCADE MATCH SIMPLE NOT DEFERRABLE,
            CONSTRAINT fk_b FOREIGN KEY (b) REFERENCES other DEFERRABLE
        ) WITHOUT ROWID, STRICT"#;
        let t = parse_create_table(sql);
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "id", "sku code", "qty", "price", "total", "label", "note", "parent", "a", "b"
            ]
        );
        assert!(t.columns[0].autoincrement);
        assert!(t.columns[1..].iter().all(|c| !c.autoincrement));
        assert_eq!(t.columns[1].collation.as_deref(), Some("NOCASE"));
        assert_eq!(t.columns[6].collation.as_deref(), Some("RTRIM"));
        assert_eq!(t.columns[4].generated.as_deref(), Some("qty * price"));
        assert_eq!(
            t.columns[5].generated.as_deref(),
            Some("upper(\"sku code\")")
        );
        assert_eq!(t.primary_key_name.as_deref(), Some("pk \"x\""));
        assert_eq!(
            t.uniques,
            vec![
                UniqueSql {
                    name: Some("sku_uq".into()),
                    columns: vec!["sku code".into()]
                },
                UniqueSql {
                    name: Some("ab_uq".into()),
                    columns: vec!["a".into(), "b".into()]
                },
                UniqueSql {
                    name: None,
                    columns: vec!["b".into()]
                },
            ]
        );
        assert_eq!(
            t.checks,
            vec![
                check(None, "qty > 0"),
                check(Some("price_pos"), "price /* sic */ >= 0"),
                check(Some("both"), "a <> b"),
                check(Some("both"), "a > -1"),
            ]
        );
        assert_eq!(
            t.foreign_keys,
            vec![
                ForeignKeySql {
                    name: None,
                    columns: vec!["parent".into()],
                    ref_table: "Order Items".into(),
                    ref_columns: vec![],
                    deferrable: Some(Deferrable::InitiallyDeferred),
                },
                ForeignKeySql {
                    name: None,
                    columns: vec!["a".into(), "b".into()],
                    ref_table: "other".into(),
                    ref_columns: vec!["x".into(), "y".into()],
                    deferrable: None,
                },
                ForeignKeySql {
                    name: Some("fk_b".into()),
                    columns: vec!["b".into()],
                    ref_table: "other".into(),
                    ref_columns: vec![],
                    deferrable: Some(Deferrable::InitiallyImmediate),
                },
            ]
        );
        assert!(t.without_rowid && t.strict);
    }

    #[test]
    fn keywords_in_strings_names_and_comments_are_not_clauses() {
        let t = parse_create_table(
            "CREATE TABLE t (\"AUTOINCREMENT\" text DEFAULT 'AUTOINCREMENT', \
             x int -- CHECK (x > 0) AUTOINCREMENT\n, y int /* UNIQUE */, [check] int)",
        );
        assert_eq!(t.columns.len(), 4);
        assert_eq!(t.columns[3].name, "check");
        assert!(t.columns.iter().all(|c| !c.autoincrement));
        assert!(t.checks.is_empty() && t.uniques.is_empty());
    }

    #[test]
    fn create_table_as_select_has_nothing_to_say() {
        assert_eq!(
            parse_create_table("CREATE TABLE t AS SELECT (1) AS a"),
            TableSql::default()
        );
    }

    #[test]
    fn create_index_parts_and_predicate() {
        let i = parse_create_index(
            "CREATE UNIQUE INDEX \"ix on\" ON \"t\" ((lower(\"name\")) DESC, b, c COLLATE NOCASE ASC, \
             ((a + b)), \"on\") WHERE b > 0 AND \"on\" IS NOT NULL",
        );
        let parts: Vec<(&str, bool)> = i.parts.iter().map(|p| (p.expr.as_str(), p.desc)).collect();
        assert_eq!(
            parts,
            [
                ("lower(\"name\")", true),
                ("b", false),
                ("c COLLATE NOCASE", false),
                ("a + b", false),
                ("\"on\"", false),
            ]
        );
        assert_eq!(i.predicate.as_deref(), Some("b > 0 AND \"on\" IS NOT NULL"));
        assert_eq!(
            parse_create_index("CREATE INDEX i ON t (a) WHERE ;").predicate,
            None
        );
    }

    const SAMPLES: [&str; 4] = [
        r#"CREATE TABLE "t x" (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT COLLATE NOCASE DEFAULT 'x''y' CHECK (length(a) > 1), g AS (a || 'z') STORED, CONSTRAINT u UNIQUE (a), CONSTRAINT f FOREIGN KEY (a) REFERENCES p (b) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED) WITHOUT ROWID"#,
        "CREATE UNIQUE INDEX i ON t ((lower(a)) DESC, b COLLATE NOCASE) WHERE a IS NOT NULL",
        "CREATE TABLE t(a, b, PRIMARY KEY(a), UNIQUE(b), CHECK(a>b), FOREIGN KEY(b) REFERENCES t)",
        "CREATE TABLE [a]]b] (`x``y` int REFERENCES \"z\" (\"w\") NOT DEFERRABLE INITIALLY IMMEDIATE)",
    ];

    #[test]
    fn truncated_and_garbled_sql_never_panics() {
        for sql in SAMPLES {
            for (i, _) in sql.char_indices() {
                let prefix = &sql[..i];
                let _ = parse_create_table(prefix);
                let _ = parse_create_index(prefix);
                let suffix = &sql[i..];
                let _ = parse_create_table(suffix);
                let _ = parse_create_index(suffix);
            }
            // Tokens dropped, swapped and doubled.
            let tokens = tokenize(sql);
            for skip in 0..tokens.len() {
                let garbled: Vec<&str> = tokens
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != skip)
                    .map(|(_, t)| t.text)
                    .collect();
                let text = garbled.join(" ");
                let _ = parse_create_table(&text);
                let _ = parse_create_index(&text);
                let mut swapped: Vec<&str> = tokens.iter().map(|t| t.text).collect();
                swapped.swap(skip, (skip * 7 + 3) % tokens.len());
                let _ = parse_create_table(&swapped.join(" "));
                let doubled = format!("{} {}", tokens[skip].text, text);
                let _ = parse_create_table(&doubled);
                let _ = parse_create_index(&doubled);
            }
        }
        for odd in [
            "",
            "(",
            ")",
            "TABLE",
            "TABLE (",
            "TABLE )",
            "TABLE ((((",
            "CREATE TABLE t (,,,)",
            "CREATE TABLE t (a REFERENCES",
            "CREATE TABLE t (a REFERENCES (",
            "ON (",
            "CREATE INDEX i ON t (",
            "CREATE INDEX i ON t () WHERE",
            "CREATE TABLE t (CONSTRAINT",
            "CREATE TABLE t (a DEFAULT -",
            "CREATE TABLE t (FOREIGN KEY (a) REFERENCES",
            "CREATE TABLE t (a AS (",
            "CREATE TABLE t (a CHECK (",
            "CREATE TABLE t (a COLLATE",
            "CREATE TABLE t (a PRIMARY",
            "CREATE TABLE t (PRIMARY KEY",
            "CREATE TABLE t (UNIQUE",
            "CREATE TABLE t (a REFERENCES b ON",
            "CREATE TABLE t (a REFERENCES b NOT DEFERRABLE INITIALLY",
        ] {
            let _ = parse_create_table(odd);
            let _ = parse_create_index(odd);
        }
    }
}
