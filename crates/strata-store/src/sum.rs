//! The checksum file (`strata.sum`), chained so that an edited, inserted, removed or reordered
//! revision is detected and named.
//!
//! Each line is `<directory> h1:<hex>`, where the hash is SHA-256 over the previous line's hash
//! and the revision's metadata, up and down SQL (each length-prefixed); the first line,
//! `h1:<hex>`, is the last chained hash and so covers the whole directory. Revisions are listed
//! in graph order (parents before children), not file-name order.

use sha2::{Digest, Sha256};

use crate::directory::RevisionDir;
use crate::error::StoreError;

const PREFIX: &str = "h1:";

/// The chained hashes of `revisions` (in graph order), one per revision.
fn chain(revisions: &[&RevisionDir]) -> Vec<(String, String)> {
    let mut previous = String::new();
    let mut out = Vec::with_capacity(revisions.len());
    for r in revisions {
        let meta = toml::to_string(&r.meta).unwrap_or_default();
        let mut h = Sha256::new();
        for part in [previous.as_str(), r.name().as_str(), &meta, &r.up, &r.down] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        previous = hex::encode(h.finalize());
        out.push((r.name(), previous.clone()));
    }
    out
}

/// The checksum file's text for `revisions`, in graph order.
pub fn render(revisions: &[&RevisionDir]) -> String {
    let chain = chain(revisions);
    let total = chain
        .last()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| hex::encode(Sha256::digest(b"")));
    let mut out = format!("{PREFIX}{total}\n");
    for (name, hash) in chain {
        out.push_str(&format!("{name} {PREFIX}{hash}\n"));
    }
    out
}

/// Checks `text` (the checksum file) against `revisions` in graph order, naming the first
/// revision that differs.
pub fn verify(text: &str, file: &str, revisions: &[&RevisionDir]) -> Result<(), StoreError> {
    let bad = |reason: &str| StoreError::BadSumFile {
        file: file.to_owned(),
        reason: reason.to_owned(),
    };
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let total = lines
        .next()
        .and_then(|l| l.trim().strip_prefix(PREFIX))
        .ok_or_else(|| bad("the first line is not `h1:<hash>`"))?;
    let mut listed = Vec::new();
    for line in lines {
        let (name, hash) = line
            .trim()
            .rsplit_once(' ')
            .and_then(|(n, h)| Some((n, h.strip_prefix(PREFIX)?)))
            .ok_or_else(|| bad(&format!("`{line}` is not `<revision> h1:<hash>`")))?;
        listed.push((name.to_owned(), hash.to_owned()));
    }
    let actual = chain(revisions);
    for (i, (name, hash)) in actual.iter().enumerate() {
        match listed.get(i) {
            Some((n, h)) if n == name && h == hash => {}
            Some((n, _)) if n == name => return Err(StoreError::Edited { name: name.clone() }),
            _ => return Err(StoreError::Moved { name: name.clone() }),
        }
    }
    if let Some((name, _)) = listed.get(actual.len()) {
        return Err(StoreError::Missing { name: name.clone() });
    }
    let expected_total = actual.last().map(|(_, h)| h.as_str());
    if expected_total.is_some_and(|t| t != total) {
        return Err(bad("the total does not match the lines"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Meta;
    use std::path::PathBuf;

    fn rev(id: &str, parents: &[&str], up: &str) -> RevisionDir {
        RevisionDir {
            path: PathBuf::from(format!("migrations/{id}_r")),
            meta: Meta {
                id: id.to_owned(),
                parents: parents.iter().map(|p| p.to_string()).collect(),
                message: "r".into(),
                created: "2026-11-21T00:00:00Z".into(),
                transactional: true,
            },
            up: up.to_owned(),
            down: String::new(),
        }
    }

    #[test]
    fn edits_insertions_reorderings_and_removals_name_the_revision() {
        let (a, b, c) = (
            rev("a", &[], "x"),
            rev("b", &["a"], "y"),
            rev("c", &["b"], "z"),
        );
        let sum = render(&[&a, &b, &c]);
        verify(&sum, "strata.sum", &[&a, &b, &c]).unwrap();

        let edited = rev("b", &["a"], "y2");
        let err = verify(&sum, "strata.sum", &[&a, &edited, &c]).unwrap_err();
        assert!(err.to_string().starts_with("revision b_r changed"), "{err}");

        let inserted = rev("a2", &["a"], "w");
        let err = verify(&sum, "strata.sum", &[&a, &inserted, &b, &c]).unwrap_err();
        assert!(
            err.to_string().starts_with("revision a2_r is not where"),
            "{err}"
        );

        let err = verify(&sum, "strata.sum", &[&a, &c, &b]).unwrap_err();
        assert!(
            err.to_string().starts_with("revision c_r is not where"),
            "{err}"
        );

        let err = verify(&sum, "strata.sum", &[&a, &b]).unwrap_err();
        assert!(err.to_string().contains("lists revision c_r"), "{err}");

        let err = verify("garbage", "strata.sum", &[&a]).unwrap_err();
        assert!(err.to_string().contains("is damaged"), "{err}");
    }
}
