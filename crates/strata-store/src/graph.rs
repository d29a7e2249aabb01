//! The revision graph (pure): which revisions exist, how they depend on each other, and what to
//! apply or unapply to reach a target.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One revision as the graph sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub id: String,
    /// Empty for a first revision, two or more for a merge.
    pub parents: Vec<String>,
    /// Where the revision is declared, for messages (its directory or `revision.toml`).
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    #[error("revision {id} is declared twice: {first} and {second}")]
    Duplicate {
        id: String,
        first: String,
        second: String,
    },
    #[error("can't locate revision {parent}, the parent of {id} (declared in {source_file})")]
    UnknownParent {
        id: String,
        parent: String,
        source_file: String,
    },
    #[error("the revisions {} depend on each other in a cycle", .ids.join(" -> "))]
    Cycle { ids: Vec<String> },
    #[error(
        "there are {} heads ({}); `head` is ambiguous: join them with `strata merge -m \"merge\"` or name one",
        .heads.len(), .heads.join(", ")
    )]
    MultipleHeads { heads: Vec<String> },
    #[error("no revision matches `{target}`; `strata history` lists them")]
    UnknownRevision { target: String },
    #[error("`{prefix}` matches several revisions ({}); give more characters", .matches.join(", "))]
    AmbiguousPrefix {
        prefix: String,
        matches: Vec<String>,
    },
    #[error(
        "`{target}` is not a target: use head, heads, base, a revision id or prefix, +N, -N or REV+N"
    )]
    BadTarget { target: String },
    #[error("revision {target} is not applied, so the database cannot go back to it; applied: {}", list(.applied))]
    NotAnAncestor {
        target: String,
        applied: Vec<String>,
    },
    #[error("cannot move {steps} revision(s) {direction}: only {available} available")]
    OutOfRange {
        steps: u32,
        direction: &'static str,
        available: usize,
    },
    #[error("the database records revision {id}, which the migrations directory does not have")]
    UnknownApplied { id: String },
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".to_owned()
    } else {
        ids.join(", ")
    }
}

/// Where to go: `head`, `heads`, `base`, a revision (id or unique prefix), `+N`, `-N`, `REV+N`,
/// `REV-N`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Head,
    Heads,
    Base,
    Revision(String),
    /// Steps from the current position: positive up, negative down.
    Relative(i64),
    /// Steps from a named revision.
    FromRevision(String, i64),
}

impl Target {
    pub fn parse(text: &str) -> Result<Target, GraphError> {
        let bad = || GraphError::BadTarget {
            target: text.to_owned(),
        };
        let text = text.trim();
        match text {
            "" => Err(bad()),
            "head" => Ok(Target::Head),
            "heads" => Ok(Target::Heads),
            "base" => Ok(Target::Base),
            _ if text.starts_with(['+', '-']) => {
                let n: i64 = text.parse().map_err(|_| bad())?;
                Ok(Target::Relative(n))
            }
            _ => match text.rfind(['+', '-']) {
                Some(at) => {
                    let n: i64 = text[at..].parse().map_err(|_| bad())?;
                    Ok(Target::FromRevision(text[..at].to_owned(), n))
                }
                None => Ok(Target::Revision(text.to_owned())),
            },
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Head => f.write_str("head"),
            Target::Heads => f.write_str("heads"),
            Target::Base => f.write_str("base"),
            Target::Revision(r) => f.write_str(r),
            Target::Relative(n) => write!(f, "{n:+}"),
            Target::FromRevision(r, n) => write!(f, "{r}{n:+}"),
        }
    }
}

#[derive(Clone, Debug)]
struct Node {
    parents: Vec<String>,
    children: BTreeSet<String>,
}

/// A checked revision graph: every parent exists, no cycles, ids unique.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    nodes: BTreeMap<String, Node>,
    /// Parents before children; among revisions free to go in either order, by id (ids sort
    /// by creation time).
    order: Vec<String>,
}

impl Graph {
    pub fn new(revisions: &[Revision]) -> Result<Graph, GraphError> {
        let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
        let mut sources: BTreeMap<&str, &str> = BTreeMap::new();
        for r in revisions {
            if let Some(first) = sources.insert(&r.id, &r.source) {
                return Err(GraphError::Duplicate {
                    id: r.id.clone(),
                    first: first.to_owned(),
                    second: r.source.clone(),
                });
            }
            nodes.insert(
                r.id.clone(),
                Node {
                    parents: r.parents.clone(),
                    children: BTreeSet::new(),
                },
            );
        }
        for r in revisions {
            for p in &r.parents {
                match nodes.get_mut(p) {
                    Some(parent) => {
                        parent.children.insert(r.id.clone());
                    }
                    None => {
                        return Err(GraphError::UnknownParent {
                            id: r.id.clone(),
                            parent: p.clone(),
                            source_file: r.source.clone(),
                        });
                    }
                }
            }
        }
        let order = topological(&nodes)?;
        Ok(Graph { nodes, order })
    }

    /// Every revision, parents before children.
    pub fn revisions(&self) -> &[String] {
        &self.order
    }

    pub fn parents(&self, id: &str) -> &[String] {
        self.nodes
            .get(id)
            .map(|n| n.parents.as_slice())
            .unwrap_or(&[])
    }

    /// Revisions no other revision builds on, by id.
    pub fn heads(&self) -> Vec<String> {
        self.nodes
            .iter()
            .filter(|(_, n)| n.children.is_empty())
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Revisions with no parent, by id.
    pub fn bases(&self) -> Vec<String> {
        self.nodes
            .iter()
            .filter(|(_, n)| n.parents.is_empty())
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// `id` and every revision it builds on.
    pub fn ancestors(&self, id: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![id.to_owned()];
        while let Some(next) = stack.pop() {
            if let Some(node) = self.nodes.get(&next)
                && seen.insert(next.clone())
            {
                stack.extend(node.parents.iter().cloned());
            }
        }
        seen
    }

    /// `id` and every revision built on it.
    pub fn descendants(&self, id: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![id.to_owned()];
        while let Some(next) = stack.pop() {
            if let Some(node) = self.nodes.get(&next)
                && seen.insert(next.clone())
            {
                stack.extend(node.children.iter().cloned());
            }
        }
        seen
    }

    /// The one revision an id or unique prefix names.
    pub fn resolve(&self, prefix: &str) -> Result<String, GraphError> {
        if self.nodes.contains_key(prefix) {
            return Ok(prefix.to_owned());
        }
        let matches: Vec<String> = self
            .nodes
            .keys()
            .filter(|id| id.starts_with(prefix))
            .cloned()
            .collect();
        match matches.len() {
            0 => Err(GraphError::UnknownRevision {
                target: prefix.to_owned(),
            }),
            1 => Ok(matches.into_iter().next().unwrap_or_default()),
            _ => Err(GraphError::AmbiguousPrefix {
                prefix: prefix.to_owned(),
                matches,
            }),
        }
    }

    /// One revision as a user names it for `show` and `resolve`: `head` (the single head),
    /// `-N` (N revisions before the head, through first parents), `head-N`, an id or a unique
    /// prefix.
    pub fn resolve_one(&self, name: &str) -> Result<String, GraphError> {
        let back = |from: String, n: usize| -> Result<String, GraphError> {
            let mut id = from;
            for _ in 0..n {
                id = self.parents(&id).first().cloned().ok_or_else(|| {
                    GraphError::UnknownRevision {
                        target: name.to_owned(),
                    }
                })?;
            }
            Ok(id)
        };
        let head = || {
            self.head()?.ok_or_else(|| GraphError::UnknownRevision {
                target: name.to_owned(),
            })
        };
        if name == "head" {
            return head();
        }
        let steps = name
            .strip_prefix("head-")
            .or_else(|| name.strip_prefix('-'))
            .and_then(|n| n.parse::<usize>().ok());
        match steps {
            Some(n) => back(head()?, n),
            None => self.resolve(name),
        }
    }

    /// The single head, or the error that names all of them.
    pub fn head(&self) -> Result<Option<String>, GraphError> {
        let heads = self.heads();
        match heads.len() {
            0 => Ok(None),
            1 => Ok(heads.into_iter().next()),
            _ => Err(GraphError::MultipleHeads { heads }),
        }
    }

    fn check_applied(&self, applied: &BTreeSet<String>) -> Result<(), GraphError> {
        match applied.iter().find(|id| !self.nodes.contains_key(*id)) {
            Some(id) => Err(GraphError::UnknownApplied { id: id.clone() }),
            None => Ok(()),
        }
    }

    /// Revisions to apply, in order, to bring a database holding `applied` to `target`.
    pub fn plan_upgrade(
        &self,
        applied: &BTreeSet<String>,
        target: &Target,
    ) -> Result<Vec<String>, GraphError> {
        self.check_applied(applied)?;
        let wanted: BTreeSet<String> = match target {
            Target::Head => match self.head()? {
                Some(h) => self.ancestors(&h),
                None => BTreeSet::new(),
            },
            Target::Heads => self
                .heads()
                .iter()
                .flat_map(|h| self.ancestors(h))
                .collect(),
            Target::Base => BTreeSet::new(),
            Target::Revision(r) => self.ancestors(&self.resolve(r)?),
            Target::Relative(n) if *n >= 0 => return self.steps_up(applied, None, *n as u32),
            Target::FromRevision(r, n) if *n >= 0 => {
                let from = self.resolve(r)?;
                return self.steps_up(applied, Some(&from), *n as u32);
            }
            Target::Relative(_) | Target::FromRevision(..) => {
                return Err(GraphError::BadTarget {
                    target: format!("{target} (upgrade goes forward; use downgrade)"),
                });
            }
        };
        Ok(self
            .order
            .iter()
            .filter(|id| wanted.contains(*id) && !applied.contains(*id))
            .cloned()
            .collect())
    }

    /// The next `n` pending revisions in order (after `from` and its ancestors, when given).
    fn steps_up(
        &self,
        applied: &BTreeSet<String>,
        from: Option<&str>,
        n: u32,
    ) -> Result<Vec<String>, GraphError> {
        let mut done = applied.clone();
        if let Some(from) = from {
            done.extend(self.ancestors(from));
        }
        let mut plan = Vec::new();
        if from.is_some() {
            plan.extend(
                self.order
                    .iter()
                    .filter(|id| done.contains(*id) && !applied.contains(*id))
                    .cloned(),
            );
        }
        let pending: Vec<&String> = self.order.iter().filter(|id| !done.contains(*id)).collect();
        if pending.len() < n as usize {
            return Err(GraphError::OutOfRange {
                steps: n,
                direction: "up",
                available: pending.len(),
            });
        }
        plan.extend(pending.into_iter().take(n as usize).cloned());
        Ok(plan)
    }

    /// Revisions to unapply, in order (children before parents), to bring a database holding
    /// `applied` back to `target`.
    pub fn plan_downgrade(
        &self,
        applied: &BTreeSet<String>,
        target: &Target,
    ) -> Result<Vec<String>, GraphError> {
        self.check_applied(applied)?;
        let newest_first = |keep: &BTreeSet<String>| -> Vec<String> {
            self.order
                .iter()
                .rev()
                .filter(|id| applied.contains(*id) && !keep.contains(*id))
                .cloned()
                .collect()
        };
        match target {
            Target::Base => Ok(newest_first(&BTreeSet::new())),
            Target::Revision(r) => {
                let target = self.resolve(r)?;
                if !applied.contains(&target) {
                    return Err(GraphError::NotAnAncestor {
                        target,
                        applied: applied.iter().cloned().collect(),
                    });
                }
                // Everything built on the target goes; the target and its ancestors stay.
                let gone = self.descendants(&target);
                Ok(self
                    .order
                    .iter()
                    .rev()
                    .filter(|id| applied.contains(*id) && gone.contains(*id) && **id != target)
                    .cloned()
                    .collect())
            }
            Target::Relative(n) if *n < 0 => {
                let steps = n.unsigned_abs() as usize;
                let all = newest_first(&BTreeSet::new());
                if all.len() < steps {
                    return Err(GraphError::OutOfRange {
                        steps: steps as u32,
                        direction: "down",
                        available: all.len(),
                    });
                }
                Ok(all.into_iter().take(steps).collect())
            }
            Target::FromRevision(r, n) if *n < 0 => {
                let anchor = self.resolve(r)?;
                let ancestors = self.ancestors(&anchor);
                let mut line: Vec<&String> = self
                    .order
                    .iter()
                    .filter(|id| ancestors.contains(*id))
                    .collect();
                let steps = n.unsigned_abs() as usize;
                if line.len() < steps {
                    return Err(GraphError::OutOfRange {
                        steps: steps as u32,
                        direction: "down",
                        available: line.len(),
                    });
                }
                line.truncate(line.len() - steps);
                match line.last() {
                    Some(keep) => self.plan_downgrade(applied, &Target::Revision((*keep).clone())),
                    None => self.plan_downgrade(applied, &Target::Base),
                }
            }
            _ => Err(GraphError::BadTarget {
                target: format!("{target} (downgrade goes back: use -N, a revision or base)"),
            }),
        }
    }
}

/// Kahn's algorithm, taking the smallest id among the revisions whose parents are placed.
fn topological(nodes: &BTreeMap<String, Node>) -> Result<Vec<String>, GraphError> {
    let mut waiting: BTreeMap<&str, usize> = nodes
        .iter()
        .map(|(id, n)| (id.as_str(), n.parents.len()))
        .collect();
    let mut ready: BTreeSet<&str> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(id, _)| *id)
        .collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some(id) = ready.pop_first() {
        order.push(id.to_owned());
        waiting.remove(id);
        if let Some(node) = nodes.get(id) {
            for child in &node.children {
                if let Some(count) = waiting.get_mut(child.as_str()) {
                    *count -= 1;
                    if *count == 0 {
                        ready.insert(child.as_str());
                    }
                }
            }
        }
    }
    if waiting.is_empty() {
        Ok(order)
    } else {
        Err(GraphError::Cycle {
            ids: waiting.keys().map(|id| id.to_string()).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    //! Graphs written as `id<-parent,parent` items separated by spaces; a line per query:
    //! applied revisions, the command, and the plan or error expected.

    use super::*;

    fn graph(spec: &str) -> Result<Graph, GraphError> {
        let revisions: Vec<Revision> = spec
            .split_whitespace()
            .map(|item| {
                let (id, parents) = item.split_once("<-").unwrap_or((item, ""));
                Revision {
                    id: id.to_owned(),
                    parents: parents
                        .split(',')
                        .filter(|p| !p.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    source: format!("migrations/{id}/revision.toml"),
                }
            })
            .collect();
        Graph::new(&revisions)
    }

    /// Runs `up TARGET` or `down TARGET` on a database holding `applied` and renders the plan
    /// (`a b c`) or the error message.
    fn check(spec: &str, applied: &str, command: &str, expected: &str) {
        let g = graph(spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        let applied: BTreeSet<String> = applied.split_whitespace().map(str::to_owned).collect();
        let (verb, target) = command.split_once(' ').unwrap_or((command, ""));
        let result = Target::parse(target).and_then(|t| match verb {
            "up" => g.plan_upgrade(&applied, &t),
            "down" => g.plan_downgrade(&applied, &t),
            other => panic!("unknown verb {other}"),
        });
        let got = match result {
            Ok(plan) => plan.join(" "),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected, "{spec} | applied [{applied:?}] | {command}");
    }

    const LINEAR: &str = "a b<-a c<-b d<-c";
    const BRANCHED: &str = "a b<-a c<-a";
    const MERGED: &str = "a b<-a c<-a m<-b,c n<-m";

    #[test]
    fn one_revision_by_name() {
        let g = graph(MERGED).unwrap();
        let one = |name: &str| {
            g.resolve_one(name)
                .unwrap_or_else(|e| format!("error: {e}"))
        };
        assert_eq!(one("head"), "n");
        assert_eq!(one("-1"), "m");
        assert_eq!(one("head-2"), "b");
        assert_eq!(one("-3"), "a");
        assert!(one("-4").starts_with("error:"));
        assert_eq!(one("c"), "c");
        let branched = graph(BRANCHED).unwrap();
        assert!(
            branched
                .resolve_one("head")
                .unwrap_err()
                .to_string()
                .contains("merge")
        );
    }

    #[test]
    fn linear_history() {
        check(LINEAR, "", "up head", "a b c d");
        check(LINEAR, "a b", "up head", "c d");
        check(LINEAR, "a b c d", "up head", "");
        check(LINEAR, "a", "up +2", "b c");
        check(
            LINEAR,
            "a",
            "up +4",
            "error: cannot move 4 revision(s) up: only 3 available",
        );
        check(LINEAR, "", "up c", "a b c");
        check(LINEAR, "", "up b+1", "a b c");
        check(LINEAR, "a b c d", "down -1", "d");
        check(LINEAR, "a b c d", "down -2", "d c");
        check(LINEAR, "a b c d", "down base", "d c b a");
        check(LINEAR, "a b c d", "down b", "d c");
        check(LINEAR, "a b c d", "down d-2", "d c");
        check(
            LINEAR,
            "a b",
            "down -3",
            "error: cannot move 3 revision(s) down: only 2 available",
        );
        check(
            LINEAR,
            "a b",
            "down c",
            "error: revision c is not applied, so the database cannot go back to it; applied: a, b",
        );
        check(LINEAR, "", "up base", "");
    }

    #[test]
    fn branches_make_head_ambiguous() {
        check(
            BRANCHED,
            "",
            "up head",
            "error: there are 2 heads (b, c); `head` is ambiguous: join them with `strata merge -m \"merge\"` or name one",
        );
        check(BRANCHED, "", "up heads", "a b c");
        check(BRANCHED, "a", "up c", "c");
        check(BRANCHED, "a b c", "down a", "c b");
        let g = graph(BRANCHED).unwrap();
        assert_eq!(g.heads(), ["b", "c"]);
        assert_eq!(g.bases(), ["a"]);
    }

    #[test]
    fn merges_join_branches() {
        check(MERGED, "", "up head", "a b c m n");
        check(MERGED, "a b", "up head", "c m n");
        // Everything built on b goes; the other branch (c) stays, as in Alembic.
        check(MERGED, "a b c m n", "down b", "n m");
        check(MERGED, "a b c m n", "down -2", "n m");
        let g = graph(MERGED).unwrap();
        assert_eq!(g.head().unwrap().as_deref(), Some("n"));
        assert_eq!(g.parents("m"), ["b", "c"]);
        let ancestors: Vec<String> = g.ancestors("m").into_iter().collect();
        assert_eq!(ancestors, ["a", "b", "c", "m"]);
    }

    #[test]
    fn broken_graphs_are_named() {
        let err = graph("a b<-x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "can't locate revision x, the parent of b (declared in migrations/b/revision.toml)"
        );
        let err = graph("a<-c b<-a c<-b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the revisions a -> b -> c depend on each other in a cycle"
        );
        let err = graph("a a").unwrap_err();
        assert!(
            err.to_string().starts_with("revision a is declared twice"),
            "{err}"
        );
    }

    #[test]
    fn prefixes_resolve_when_unique() {
        let spec = "20260101_a 20260102_b<-20260101_a 20260201_c<-20260102_b";
        check(
            spec,
            "",
            "up 202601",
            "error: `202601` matches several revisions (20260101_a, 20260102_b); give more characters",
        );
        check(
            spec,
            "",
            "up 2026010",
            "error: `2026010` matches several revisions (20260101_a, 20260102_b); give more characters",
        );
        check(spec, "", "up 20260102", "20260101_a 20260102_b");
        check(
            spec,
            "",
            "up zz",
            "error: no revision matches `zz`; `strata history` lists them",
        );
    }

    #[test]
    fn targets_parse_in_every_form() {
        let cases = [
            ("head", Target::Head),
            ("heads", Target::Heads),
            ("base", Target::Base),
            ("+2", Target::Relative(2)),
            ("-1", Target::Relative(-1)),
            ("ae10", Target::Revision("ae10".into())),
            ("ae10+2", Target::FromRevision("ae10".into(), 2)),
            ("ae10-1", Target::FromRevision("ae10".into(), -1)),
        ];
        for (text, target) in cases {
            assert_eq!(Target::parse(text).unwrap(), target, "{text}");
            assert_eq!(target.to_string(), text);
        }
        for bad in ["", "+", "-x", "a+b"] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_database_ahead_of_the_files_is_refused() {
        check(
            LINEAR,
            "a zz",
            "up head",
            "error: the database records revision zz, which the migrations directory does not have",
        );
    }
}
