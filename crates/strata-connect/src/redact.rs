//! The one redaction of database URLs: parsed by the `url` crate (the parser sqlx uses), with
//! the password and every secret query parameter replaced by `***`.

/// Query parameters that hold secrets (PostgreSQL's `password`, `sslpassword`; anything named
/// like a password, token or secret).
fn secret(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["pass", "pwd", "secret", "token", "auth"]
        .iter()
        .any(|word| key.contains(word))
}

/// `url` as it may be shown: the password and secret query parameters replaced by `***`, the
/// fragment dropped. A URL that cannot be taken apart shows only its scheme.
pub fn redact(url: &str) -> String {
    let scheme = url
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '+'));
    let hidden = || match scheme {
        Some(s) => format!("{s}:<the rest of this URL is hidden: it cannot be parsed>"),
        None => "<a URL that cannot be parsed, hidden>".to_owned(),
    };
    // A second `@` before the path means an unencoded `@` in the password: whatever the parser
    // makes of it, part of the password would show as the host.
    if let Some(rest) = url.split_once("://").map(|(_, r)| r) {
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        if authority.matches('@').count() > 1 || authority.contains('#') {
            return hidden();
        }
    }
    let Ok(mut parsed) = url::Url::parse(url) else {
        return hidden();
    };
    if parsed.password().is_some() && parsed.set_password(Some("***")).is_err() {
        return hidden();
    }
    parsed.set_fragment(None);
    let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    if pairs.iter().any(|(k, _)| secret(k)) {
        let mut query = parsed.query_pairs_mut();
        query.clear();
        for (k, v) in &pairs {
            query.append_pair(k, if secret(k) { "***" } else { v });
        }
    }
    parsed.to_string()
}

/// Whether `url` holds a password or a secret query parameter (what [`redact`] hides).
pub fn holds_secret(url: &str) -> bool {
    match url::Url::parse(url) {
        Ok(parsed) => parsed.password().is_some() || parsed.query_pairs().any(|(k, _)| secret(&k)),
        // What cannot be parsed is hidden whole: assume the worst.
        Err(_) => true,
    }
}

/// `url` with its database (the path) replaced by `database`, keeping user, host, port and
/// query; an `sqlite:` URL or one that cannot be parsed is returned as it is.
pub fn with_database(url: &str, database: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if url.contains("://") => {
            parsed.set_path(&format!("/{database}"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_is_replaced_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/app?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("mysql://root@h", "x"), "mysql://root@h/x");
        assert_eq!(with_database("mysql://root@h/", "x"), "mysql://root@h/x");
        assert_eq!(
            with_database("mysql://root@h:3306", "x"),
            "mysql://root@h:3306/x"
        );
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("mysql://root@h/db"), "mysql://root@h/db");
    }

    #[test]
    fn passwords_and_secret_parameters_are_hidden() {
        let cases = [
            (
                "postgres://app:s3cret@db.internal:5433/shop",
                "postgres://app:***@db.internal:5433/shop",
            ),
            (
                "postgres://app@db/shop?password=s3cret&sslmode=require",
                "postgres://app@db/shop?password=***&sslmode=require",
            ),
            (
                "postgres://app:p%40ss@db/shop?sslpassword=s3cret",
                "postgres://app:***@db/shop?sslpassword=***",
            ),
            (
                "mysql://root@127.0.0.1:3306/app",
                "mysql://root@127.0.0.1:3306/app",
            ),
            ("sqlite:dev.db", "sqlite:dev.db"),
            ("sqlite::memory:", "sqlite::memory:"),
            (
                "postgres:///app?host=/var/run/postgresql",
                "postgres:///app?host=/var/run/postgresql",
            ),
            ("postgres://u:s3cret@h/db#s3cret", "postgres://u:***@h/db"),
        ];
        for (url, shown) in cases {
            assert_eq!(redact(url), shown, "{url}");
        }
        for url in [
            "postgres://u:s3c@ret@h/db",
            "postgres://u:s3c#ret@h/db",
            "s3cret",
            "postgres://u:s3cret@[bad/db",
        ] {
            assert!(!redact(url).contains("s3c"), "{url} -> {}", redact(url));
        }
    }
}
