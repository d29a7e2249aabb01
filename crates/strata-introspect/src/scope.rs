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

    /// Whether a table is left out (the same rule the queries apply, for lowering and tests).
    pub fn ignores(&self, schema: Option<&str>, table: &str) -> bool {
        self.ignore.iter().any(|p| {
            if p.contains('.') {
                let qualified = format!("{}.{table}", schema.unwrap_or("public"));
                glob(p, &qualified)
            } else {
                glob(p, table)
            }
        })
    }
}

/// `*` and `?` glob matching.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_globs() {
        let scope = Scope {
            schemas: vec![],
            ignore: vec!["tmp_*".into(), "audit.log_?".into(), "a_b".into()],
        };
        assert!(scope.ignores(None, "tmp_users"));
        assert!(!scope.ignores(None, "users_tmp"));
        assert!(scope.ignores(Some("audit"), "log_1"));
        assert!(!scope.ignores(None, "log_1"));
        assert!(scope.ignores(None, "a_b"));
        assert!(!scope.ignores(None, "axb"));
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
