//! The migrations directory on disk: one directory per revision, `<id>_<slug>/` holding
//! `up.sql`, `down.sql` and `revision.toml`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::graph::Revision;

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
        .filter(|p| p.is_dir())
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

/// Writes a new revision directory `<id>_<slug>` under `dir` and returns its path.
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
    std::fs::create_dir_all(&path).map_err(io(&path))?;
    let toml = toml::to_string(meta).map_err(|e| StoreError::BadRevisionFile {
        path: path.join("revision.toml"),
        reason: e.to_string(),
    })?;
    for (name, text) in [
        ("revision.toml", toml.as_str()),
        ("up.sql", up),
        ("down.sql", down),
    ] {
        let file = path.join(name);
        std::fs::write(&file, text).map_err(io(&file))?;
    }
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
