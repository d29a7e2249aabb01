//! The migrations directory on disk: one directory per revision, `<id>_<slug>/` holding
//! `up.sql`, `down.sql` and `revision.toml`.
//!
//! Commands that write revisions hold the directory's lock ([`lock`], the file `.strata-lock`
//! in it) from reading the directory to writing the checksum file, so two of them never decide
//! from the same state. Everything is written atomically: a revision is assembled in a hidden
//! temporary directory and renamed into place, a file through a temporary file and a rename
//! ([`write_file`]), so a reader never sees half a revision or a torn file. Entries whose names
//! start with `.` (the lock file, temporary directories) are never revisions.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::graph::Revision;
use crate::lockfile::FileLock;

/// `revision.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub id: String,
    /// Empty for the first revision, two or more for a merge.
    #[serde(default)]
    pub parents: Vec<String>,
    pub message: String,
    /// RFC 3339 timestamp.
    pub created: String,
    /// False only for statements that cannot run inside a transaction.
    #[serde(default = "yes")]
    pub transactional: bool,
}

fn yes() -> bool {
    true
}

/// One revision read from disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionDir {
    /// The directory, e.g. `migrations/20261121125800_a3f9_add_users`.
    pub path: PathBuf,
    pub meta: Meta,
    pub up: String,
    pub down: String,
}

impl RevisionDir {
    /// The directory's name, which the sum file lists.
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    pub fn as_revision(&self) -> Revision {
        Revision {
            id: self.meta.id.clone(),
            parents: self.meta.parents.clone(),
            source: self.path.join("revision.toml").display().to_string(),
        }
    }
}

pub const SUM_FILE: &str = "strata.sum";

/// The migrations directory's lock file.
pub const LOCK_FILE: &str = ".strata-lock";

/// Takes the exclusive authoring lock on `dir` (creating the directory when missing), waiting
/// up to `timeout` for another strata process that holds it. Read the directory after this
/// returns, and keep the lock until the last file is written.
pub fn lock(dir: &Path, timeout: Duration) -> Result<FileLock, StoreError> {
    std::fs::create_dir_all(dir).map_err(|cause| StoreError::Io {
        path: dir.to_path_buf(),
        cause,
    })?;
    let path = dir.join(LOCK_FILE);
    FileLock::lock(&path, timeout, || StoreError::DirectoryLocked {
        dir: dir.to_path_buf(),
        lock: path.clone(),
        seconds: timeout.as_secs(),
    })
}

/// Waits (up to `timeout`) until no process holds `dir`'s authoring lock: a reader whose view
/// of the directory did not verify calls this, then reads again, since a writer renames a new
/// revision into place a moment before it rewrites the checksum file.
pub fn wait_for_writer(dir: &Path, timeout: Duration) -> Result<(), StoreError> {
    let path = dir.join(LOCK_FILE);
    FileLock::wait_until_free(&path, timeout, || StoreError::DirectoryLocked {
        dir: dir.to_path_buf(),
        lock: path.clone(),
        seconds: timeout.as_secs(),
    })
}

/// Writes `text` to `path` atomically: a temporary file in the same directory, synced, then
/// renamed over `path`. A reader sees the old file or the new one, never part of either.
pub fn write_file(path: &Path, text: &str) -> Result<(), StoreError> {
    let io = |cause| StoreError::Io {
        path: path.to_path_buf(),
        cause,
    };
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".strata-")
        .suffix(".tmp")
        .tempfile_in(parent)
        .map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)?;
    file.as_file().sync_all().map_err(io)?;
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Every revision under `dir` (subdirectories holding a `revision.toml`), sorted by directory
/// name. A missing directory has no revisions.
pub fn read(dir: &Path) -> Result<Vec<RevisionDir>, StoreError> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |cause| StoreError::Io { path, cause }
    };
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && !hidden(p))
        .collect();
    entries.sort();
    for path in entries {
        let meta_path = path.join("revision.toml");
        if !meta_path.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&meta_path).map_err(io(&meta_path))?;
        let meta: Meta = toml::from_str(&text).map_err(|e| StoreError::BadRevisionFile {
            path: meta_path.clone(),
            reason: e.to_string(),
        })?;
        for id in std::iter::once(&meta.id).chain(&meta.parents) {
            check_id(id).map_err(|reason| StoreError::BadRevisionFile {
                path: meta_path.clone(),
                reason,
            })?;
        }
        let read_sql = |name: &str| -> Result<String, StoreError> {
            let file = path.join(name);
            std::fs::read_to_string(&file).map_err(io(&file))
        };
        out.push(RevisionDir {
            up: read_sql("up.sql")?,
            down: read_sql("down.sql")?,
            meta,
            path,
        });
    }
    Ok(out)
}

/// A name starting with `.`: the lock file, a revision still being written, editor files.
fn hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// The longest revision id: the version table's `revision` column is `varchar(64)`.
pub const MAX_ID_LEN: usize = 64;

/// Revision ids are 1 to 64 ASCII letters, digits, `_` and `-` (strata writes
/// `YYYYMMDDHHMMSSmmm_xx`). Ids end up in SQL, file names and the version table, so anything
/// else is refused where a revision is read or written, with the reason.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Err(format!(
            "revision id {id:?} must be 1 to {MAX_ID_LEN} characters long"
        ));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(format!(
            "revision id {id:?} contains {c:?}: ids are ASCII letters, digits, '_' and '-'"
        ));
    }
    Ok(())
}

/// Writes a new revision directory `<id>_<slug>` under `dir` and returns its path. The files
/// are written into a hidden temporary directory, which is then renamed into place: the
/// revision appears whole or not at all.
pub fn write(dir: &Path, meta: &Meta, up: &str, down: &str) -> Result<PathBuf, StoreError> {
    let path = dir.join(format!("{}_{}", meta.id, slug(&meta.message)));
    for id in std::iter::once(&meta.id).chain(&meta.parents) {
        check_id(id).map_err(|reason| StoreError::BadRevisionFile {
            path: path.join("revision.toml"),
            reason,
        })?;
    }
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |cause| StoreError::Io { path: p, cause }
    };
    let toml = toml::to_string(meta).map_err(|e| StoreError::BadRevisionFile {
        path: path.join("revision.toml"),
        reason: e.to_string(),
    })?;
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    if path.exists() {
        return Err(io(&path)(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "a revision directory of that name already exists",
        )));
    }
    // Removed on failure; after the rename its old path is gone and dropping it does nothing.
    let staging = tempfile::Builder::new()
        .prefix(".strata-new-")
        .tempdir_in(dir)
        .map_err(io(dir))?;
    for (name, text) in [
        ("revision.toml", toml.as_str()),
        ("up.sql", up),
        ("down.sql", down),
    ] {
        let file = staging.path().join(name);
        let mut f = std::fs::File::create(&file).map_err(io(&path.join(name)))?;
        f.write_all(text.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(io(&path.join(name)))?;
    }
    std::fs::rename(staging.path(), &path).map_err(io(&path))?;
    Ok(path)
}

/// `Add users, and posts!` → `add_users_and_posts` (at most 40 characters).
pub fn slug(message: &str) -> String {
    let mut out = String::new();
    for c in message.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.is_empty() {
        "revision".to_owned()
    } else {
        out
    }
}

/// A UTC instant, as revision ids spell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instant {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millis: u32,
}

/// A new revision id: the UTC creation time to the millisecond (so ids sort by creation), then
/// two hex digits that tell apart revisions made in the same millisecond on different branches.
pub fn new_id(at: Instant, entropy: u64) -> String {
    format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}_{:03}{:02x}",
        at.year,
        at.month,
        at.day,
        at.hour,
        at.minute,
        at.second,
        at.millis.min(999),
        entropy & 0xff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_ids() {
        assert_eq!(slug("Add users, and posts!"), "add_users_and_posts");
        assert_eq!(slug("!!!"), "revision");
        let at = |millis| Instant {
            year: 2026,
            month: 11,
            day: 21,
            hour: 9,
            minute: 5,
            second: 7,
            millis,
        };
        assert_eq!(new_id(at(42), 0xabcdef), "20261121090507_042ef");
        assert!(new_id(at(43), 0) > new_id(at(42), 0xff));
    }

    #[test]
    fn ids_that_could_be_code_are_refused() {
        for id in [
            "a'b",
            "a\\'); DROP TABLE t; --",
            "a\nb",
            "a b",
            "",
            "é",
            &"x".repeat(65),
        ] {
            assert!(check_id(id).is_err(), "{id:?}");
        }
        for id in ["001", "20261121090507_042ef", "a-b_C", &"x".repeat(64)] {
            assert_eq!(check_id(id), Ok(()), "{id:?}");
        }
    }

    #[test]
    fn revisions_round_trip_through_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let meta = Meta {
            id: "20261121090507_cdef".into(),
            parents: vec![],
            message: "add users".into(),
            created: "2026-11-21T09:05:07Z".into(),
            transactional: true,
        };
        let path = write(
            dir.path(),
            &meta,
            "CREATE TABLE t (id int);\n",
            "DROP TABLE t;\n",
        )
        .unwrap();
        assert!(path.ends_with("20261121090507_cdef_add_users"));
        let read = read(dir.path()).unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].meta, meta);
        assert_eq!(read[0].up, "CREATE TABLE t (id int);\n");
    }

    #[test]
    fn hidden_entries_are_not_revisions_and_files_are_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let meta = Meta {
            id: "001".into(),
            parents: vec![],
            message: "m".into(),
            created: "2026-11-21T09:05:07Z".into(),
            transactional: true,
        };
        // A revision still being assembled, and the lock file.
        let staged = write(dir.path(), &meta, "", "").unwrap();
        std::fs::rename(&staged, dir.path().join(".strata-new-x")).unwrap();
        let _lock = lock(dir.path(), Duration::from_secs(1)).unwrap();
        assert!(dir.path().join(LOCK_FILE).is_file());
        assert_eq!(read(dir.path()).unwrap(), Vec::new());
        write(dir.path(), &meta, "x", "y").unwrap();
        assert!(write(dir.path(), &meta, "x", "y").is_err(), "no overwrite");
        assert_eq!(read(dir.path()).unwrap().len(), 1);

        let sum = dir.path().join(SUM_FILE);
        write_file(&sum, "one\n").unwrap();
        write_file(&sum, "two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&sum).unwrap(), "two\n");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert_eq!(names, Vec::<String>::new(), "no temporary file left");
    }

    #[test]
    fn the_lock_is_exclusive_and_waits_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock(dir.path(), Duration::from_secs(1)).unwrap();
        let err = lock(dir.path(), Duration::from_millis(100)).unwrap_err();
        assert!(err.to_string().contains("writing revisions in"), "{err}");
        drop(held);
        lock(dir.path(), Duration::from_millis(100)).unwrap();
    }

    #[test]
    fn a_broken_revision_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let rev = dir.path().join("x_broken");
        std::fs::create_dir_all(&rev).unwrap();
        std::fs::write(
            rev.join("revision.toml"),
            "id = \"x\"\nparents = \"oops\"\n",
        )
        .unwrap();
        let err = read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("x_broken/revision.toml"), "{err}");
    }
}
