//! Configuration: `strata.toml` (nearest parent directory, or `--config`), `DATABASE_URL` from
//! the environment or a `.env` file, and command-line flags, which win over both.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;
use strata_ir::Dialect;

use crate::cli::GlobalArgs;

pub const FILE_NAME: &str = "strata.toml";

/// The keys `strata.toml` may hold.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    models: Option<PathBuf>,
    migrations: Option<PathBuf>,
    dev_url: Option<String>,
    #[serde(default)]
    schemas: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    entities: Entities,
    #[serde(default)]
    emit: Emit,
    migration_crate: Option<PathBuf>,
    connect_timeout: Option<String>,
    lock_timeout: Option<String>,
    lock_wait: Option<String>,
}

/// What `autogenerate` writes (`emit = "sql" | "sea-orm"` in strata.toml, `--emit`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Emit {
    /// strata's own revisions: `migrations/<id>_<slug>/{up.sql,down.sql,revision.toml}`.
    #[default]
    Sql,
    /// A sea-orm-migration file in the migration crate, registered in its `src/lib.rs`.
    SeaOrm,
}

/// How much the entity files say (`entities = "complete" | "partial"` in strata.toml).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entities {
    /// Everything the entities can describe is theirs to decide (code-first projects).
    #[default]
    Complete,
    /// The entities were generated from the database (`sea-orm-cli generate entity`) and
    /// leave things out; what they leave unstated stays as the database has it.
    Partial,
}

/// Where the database URL came from, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlSource {
    Flag,
    Environment,
    DotEnv(PathBuf),
    File(PathBuf),
}

impl std::fmt::Display for UrlSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlSource::Flag => f.write_str("--database-url"),
            UrlSource::Environment => f.write_str("DATABASE_URL in the environment"),
            UrlSource::DotEnv(path) => write!(f, "DATABASE_URL in {}", path.display()),
            UrlSource::File(path) => write!(f, "database_url in {}", path.display()),
        }
    }
}

/// The runner's wait for another strata process's migration lock, when none is configured.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(300);

/// The effective configuration for one command.
#[derive(Debug)]
pub struct Config {
    /// The configuration file in use, if any.
    #[allow(dead_code)] // named in messages by the revision commands
    pub file: Option<PathBuf>,
    pub database_url: Option<String>,
    /// Where `database_url` came from.
    pub url_source: Option<UrlSource>,
    /// The other configured URL that `database_url` overrides (the environment's over
    /// strata.toml's), with its source, when the two differ.
    pub overridden: Option<UrlSource>,
    /// Connect timeout, SQLite busy timeout and the statements' lock timeout.
    pub settings: strata_store::runner::Settings,
    /// How long to wait for another strata process's migration lock.
    pub lock_wait: Duration,
    pub models: PathBuf,
    pub migrations: PathBuf,
    pub dev_url: Option<String>,
    pub schemas: Vec<String>,
    pub ignore: Vec<String>,
    pub entities: Entities,
    pub emit: Emit,
    /// The sea-orm-migration crate (`migration_crate`, default `migration`), for `emit = "sea-orm"`.
    pub migration_crate: PathBuf,
    /// Progress display on long operations (off on a pipe and with `--quiet`).
    pub progress: crate::progress::Progress,
}

impl Config {
    pub fn load(args: &GlobalArgs) -> anyhow::Result<Config> {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let file = match &args.config {
            Some(path) => {
                if !path.is_file() {
                    bail!("configuration file {} does not exist", path.display());
                }
                Some(path.clone())
            }
            None => find_upwards(&cwd),
        };
        let parsed = match &file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                toml::from_str::<FileConfig>(&text).with_context(|| {
                    format!("{} is not a valid strata configuration", path.display())
                })?
            }
            None => FileConfig::default(),
        };
        // Relative paths in the file are relative to the file, not to where strata runs.
        let base = file
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| cwd.clone());
        let dotenv = dotenv_database_url(&base);
        // An SQLite path in the file is relative to the file, like every other path there.
        let file_url = parsed
            .database_url
            .map(|url| sqlite_relative_to(&url, &base));
        let candidates = [
            (args.database_url.clone(), UrlSource::Flag),
            (std::env::var("DATABASE_URL").ok(), UrlSource::Environment),
            (dotenv, UrlSource::DotEnv(base.join(".env"))),
            (
                file_url,
                UrlSource::File(file.clone().unwrap_or_else(|| base.join(FILE_NAME))),
            ),
        ];
        let mut given = candidates
            .into_iter()
            .filter_map(|(url, source)| url.map(|url| (url, source)));
        let (database_url, url_source) = given.next().unzip();
        let overridden = given
            .find(|(url, _)| Some(url) != database_url.as_ref())
            .filter(|_| url_source != Some(UrlSource::Flag))
            .map(|(_, source)| source);
        let duration = |flag: &Option<String>, key: &str, from_file: &Option<String>| {
            let (text, origin) = match (flag, from_file) {
                (Some(t), _) => (t, format!("--{}", key.replace('_', "-"))),
                (None, Some(t)) => (t, format!("`{key}` in strata.toml")),
                (None, None) => return Ok(None),
            };
            humantime::parse_duration(text.trim())
                .map(Some)
                .with_context(|| {
                    format!("{origin}: `{text}` is not a duration (write it like 10s, 500ms or 5m)")
                })
        };
        let connect_timeout = duration(
            &args.connect_timeout,
            "connect_timeout",
            &parsed.connect_timeout,
        )?
        .unwrap_or(strata_connect::DEFAULT_CONNECT_TIMEOUT);
        let lock_timeout = duration(&args.lock_timeout, "lock_timeout", &parsed.lock_timeout)?;
        let lock_wait =
            duration(&args.lock_wait, "lock_wait", &parsed.lock_wait)?.unwrap_or(DEFAULT_LOCK_WAIT);
        let settings = strata_store::runner::Settings {
            connect: strata_connect::Settings {
                connect_timeout,
                // An SQLite reader or writer waits for another as long as for the lock.
                busy_timeout: lock_wait,
            },
            lock_timeout,
        };
        let resolve = |flag: &Option<PathBuf>, from_file: Option<PathBuf>, default: &str| match flag
        {
            Some(p) => p.clone(),
            None => base.join(from_file.unwrap_or_else(|| PathBuf::from(default))),
        };
        let mut schemas = parsed.schemas;
        if !args.schemas.is_empty() {
            schemas = args.schemas.clone();
        }
        Ok(Config {
            file,
            database_url,
            url_source,
            overridden,
            settings,
            lock_wait,
            models: resolve(&args.models, parsed.models, "src/entities"),
            migrations: resolve(&args.migrations, parsed.migrations, "migrations"),
            dev_url: args.dev_url.clone().or(parsed.dev_url),
            schemas,
            ignore: parsed.ignore,
            entities: parsed.entities,
            emit: args.emit.unwrap_or(parsed.emit),
            migration_crate: resolve(&None, parsed.migration_crate, "migration"),
            progress: crate::progress::Progress::new(args.quiet),
        })
    }

    /// The dialect of the configured database, if one is configured.
    pub fn dialect(&self) -> anyhow::Result<Option<Dialect>> {
        self.database_url.as_deref().map(dialect_of_url).transpose()
    }
}

/// `sqlite:dev.db` read from a file in `base` → `sqlite:<base>/dev.db`; other URLs unchanged.
fn sqlite_relative_to(url: &str, base: &Path) -> String {
    let Some(rest) = url.strip_prefix("sqlite:") else {
        return url.to_owned();
    };
    let (prefix, path_and_query) = match rest.strip_prefix("//") {
        Some(r) => ("sqlite://", r),
        None => ("sqlite:", rest),
    };
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (path_and_query, String::new()),
    };
    if path.is_empty() || path == ":memory:" || Path::new(path).is_absolute() {
        return url.to_owned();
    }
    format!("{prefix}{}{query}", base.join(path).display())
}

fn find_upwards(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

fn dotenv_database_url(dir: &Path) -> Option<String> {
    let path = dir.join(".env");
    dotenvy::from_path_iter(&path)
        .ok()?
        .filter_map(Result::ok)
        .find(|(key, _)| key == "DATABASE_URL")
        .map(|(_, value)| value)
}

/// `postgres://…`, `mysql://…`, `sqlite:…` → dialect. The URL is never echoed back, since it may
/// hold a password.
pub fn dialect_of_url(url: &str) -> anyhow::Result<Dialect> {
    match strata_connect::dialect_of(url) {
        Some(dialect) => Ok(dialect),
        None => bail!(
            "the database URL scheme `{}:` is not supported; use postgres://, mysql:// or sqlite:",
            url.split_once(':')
                .map_or("", |(s, _)| s)
                .chars()
                .take(20)
                .collect::<String>()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_in_the_file_are_relative_to_it() {
        let base = Path::new("/srv/app");
        assert_eq!(
            sqlite_relative_to("sqlite:dev.db", base),
            "sqlite:/srv/app/dev.db"
        );
        assert_eq!(
            sqlite_relative_to("sqlite://data/dev.db?mode=rwc", base),
            "sqlite:///srv/app/data/dev.db?mode=rwc"
        );
        assert_eq!(sqlite_relative_to("sqlite:/abs.db", base), "sqlite:/abs.db");
        assert_eq!(
            sqlite_relative_to("sqlite::memory:", base),
            "sqlite::memory:"
        );
        assert_eq!(
            sqlite_relative_to("postgres://h/db", base),
            "postgres://h/db"
        );
    }
}
