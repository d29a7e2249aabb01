//! What to read: schemas and table-name patterns, applied inside the catalog queries so that
//! out-of-scope objects are never fetched.

/// The part of a database to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// PostgreSQL schemas to read; empty means `public`. Ignored on MySQL (the URL's database)
    /// and SQLite (`main`).
    pub schemas: Vec<String>,
    /// Table-name patterns to leave out: `*` matches any run of characters, `?` one character;
    /// a pattern containing `.` is matched against `schema.table` instead of the bare name.
    pub ignore: Vec<String>,
}

impl Scope {
    /// The PostgreSQL schemas to read.
    pub fn postgres_schemas(&self) -> Vec<String> {
        if self.schemas.is_empty() {
            vec!["public".to_owned()]
        } else {
            self.schemas.clone()
        }
    }

    /// The `ignore` patterns as SQL `LIKE` patterns (with `\` as the escape character), each
    /// paired with whether it applies to `schema.table` (true) or the bare table name (false).
    pub fn ignore_like(&self) -> Vec<(String, bool)> {
        self.ignore
            .iter()
            .map(|p| {
                let mut like = String::with_capacity(p.len());
                for c in p.chars() {
                    match c {
                        '*' => like.push('%'),
                        '?' => like.push('_'),
                        '%' | '_' | '\\' => {
                            like.push('\\');
                            like.push(c);
                        }
                        other => like.push(other),
                    }
                }
                (like, p.contains('.'))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_patterns_become_like_patterns() {
        let scope = Scope {
            schemas: vec![],
            ignore: vec!["tmp_*".into(), "audit.log_?".into(), "a_b".into()],
        };
        assert_eq!(
            scope.ignore_like(),
            vec![
                ("tmp\\_%".to_owned(), false),
                ("audit.log\\__".to_owned(), true),
                ("a\\_b".to_owned(), false)
            ]
        );
    }
}
