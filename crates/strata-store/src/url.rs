//! What a database URL names, read by sqlx's own parser (never by hand).

use std::path::PathBuf;
use std::str::FromStr;

/// The file a `sqlite:` URL names, in every form sqlx accepts (`sqlite:app.db`,
/// `sqlite://app.db`, `sqlite:///abs/app.db`, with `?mode=...`); `None` for in-memory
/// databases and for other schemes.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let scheme = url.split(':').next()?.to_ascii_lowercase();
    if scheme != "sqlite" {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let path = options.get_filename();
    let name = path.to_string_lossy();
    let in_memory = name.starts_with(':') || name.starts_with("file:sqlx-in-memory");
    (!name.is_empty() && !in_memory && !url.contains("mode=memory")).then(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_files_in_every_form() {
        let file = |url: &str| sqlite_file(url).map(|p| p.display().to_string());
        assert_eq!(file("sqlite:app.db").as_deref(), Some("app.db"));
        assert_eq!(file("sqlite://app.db?mode=rwc").as_deref(), Some("app.db"));
        assert_eq!(file("sqlite:///tmp/a b.db").as_deref(), Some("/tmp/a b.db"));
        assert_eq!(file("sqlite::memory:"), None);
        assert_eq!(file("sqlite://file.db?mode=memory"), None);
        assert_eq!(file("postgres://localhost/app"), None);
    }
}
