//! Cross-process locks held on a file with the operating system's whole-file lock (std's
//! `File::lock`, `flock` on Unix): released when the holder closes it or dies, so a killed
//! process never leaves a stale lock behind. The lock file itself stays where it is (deleting
//! it would let a second process lock a new file while the first still holds the old one).
//!
//! Two users: the runner's SQLite lock (a sidecar `<database file>.strata-lock`, never the
//! database file, on which SQLite keeps its own POSIX locks) and the migrations directory's
//! authoring lock (`<migrations>/.strata-lock`, see [`crate::directory::lock`]).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::StoreError;

/// How often a waiting process tries the lock again.
pub const POLL: Duration = Duration::from_millis(50);

/// An exclusive lock on a file, held until dropped.
#[derive(Debug)]
pub struct FileLock {
    path: PathBuf,
    // Held open: closing it releases the lock.
    _file: File,
}

impl FileLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Takes the lock on `path` (created when missing) if no other holder has it: `None` when
    /// another process (or another open of the file in this one) holds it.
    pub fn try_lock(path: &Path) -> Result<Option<FileLock>, StoreError> {
        let io = |cause| StoreError::Io {
            path: path.to_path_buf(),
            cause,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(FileLock {
                path: path.to_path_buf(),
                _file: file,
            })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(cause)) => Err(io(cause)),
        }
    }

    /// Takes the lock on `path`, waiting up to `timeout` (polling, so the wait is bounded);
    /// `timed_out` is the error after that.
    pub fn lock(
        path: &Path,
        timeout: Duration,
        timed_out: impl FnOnce() -> StoreError,
    ) -> Result<FileLock, StoreError> {
        let started = Instant::now();
        loop {
            if let Some(lock) = FileLock::try_lock(path)? {
                return Ok(lock);
            }
            if started.elapsed() >= timeout {
                return Err(timed_out());
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until no process holds the lock on `path` (up to `timeout`), taking nothing: for a
    /// reader that saw a writer's work half-done and reads again once it is over. Returns at
    /// once when the lock file does not exist (no writer ever held it).
    pub fn wait_until_free(
        path: &Path,
        timeout: Duration,
        timed_out: impl FnOnce() -> StoreError,
    ) -> Result<(), StoreError> {
        let file = match File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(cause) => {
                return Err(StoreError::Io {
                    path: path.to_path_buf(),
                    cause,
                });
            }
        };
        let started = Instant::now();
        loop {
            match file.try_lock_shared() {
                // Closing the file gives the shared lock back.
                Ok(()) => return Ok(()),
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(cause)) => {
                    return Err(StoreError::Io {
                        path: path.to_path_buf(),
                        cause,
                    });
                }
            }
            if started.elapsed() >= timeout {
                return Err(timed_out());
            }
            std::thread::sleep(POLL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.strata-lock");
        let first = FileLock::try_lock(&path).unwrap().expect("free");
        assert!(FileLock::try_lock(&path).unwrap().is_none());
        let err = FileLock::lock(&path, Duration::from_millis(120), || {
            StoreError::LockTimeout { seconds: 0 }
        })
        .unwrap_err();
        assert!(matches!(err, StoreError::LockTimeout { .. }), "{err}");
        drop(first);
        let again = FileLock::lock(&path, Duration::from_secs(1), || unreachable!()).unwrap();
        assert_eq!(again.path(), path);
        let err = FileLock::wait_until_free(&path, Duration::from_millis(120), || {
            StoreError::LockTimeout { seconds: 0 }
        })
        .unwrap_err();
        assert!(matches!(err, StoreError::LockTimeout { .. }), "{err}");
        drop(again);
        FileLock::wait_until_free(&path, Duration::from_secs(1), || unreachable!()).unwrap();
        FileLock::wait_until_free(&dir.path().join("none"), Duration::ZERO, || unreachable!())
            .unwrap();
    }
}
