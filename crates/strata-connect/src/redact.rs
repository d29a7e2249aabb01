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

/// A redacted URL with its database (the path) replaced.
pub(crate) fn with_database(redacted: &str, database: &str) -> String {
    match url::Url::parse(redacted) {
        Ok(mut parsed) if parsed.has_host() || redacted.contains("://") => {
            parsed.set_path(&format!("/{database}"));
            parsed.to_string()
        }
        _ => redacted.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
