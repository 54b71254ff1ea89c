//! The change set between two snapshots, as a layer records it.
//!
//! Follows the rules of Docker's `archive.Changes`: a path is added, modified
//! (content, metadata or type) or deleted; a directory whose subtree changed is
//! listed as modified even when its own metadata did not change, so that the
//! layer restores its mode and owner; a deleted directory is one deletion, not
//! one per child. Subtrees both snapshots share are skipped without a look.

use std::sync::Arc;

use super::{Dir, Fs, Node};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
}

#[derive(Debug, Clone)]
pub struct Change {
    /// Absolute path, e.g. `/app/index.js`.
    pub path: String,
    pub kind: ChangeKind,
    /// What is there now; `None` when deleted.
    pub node: Option<Node>,
    /// What was there before; `None` when added.
    pub before: Option<Node>,
}

/// What changed from `lower` to `upper`, in walk order (parents first,
/// siblings by name). The root itself is never listed.
pub fn diff(lower: &Fs, upper: &Fs) -> Vec<Change> {
    let mut out = Vec::new();
    if !Arc::ptr_eq(&lower.root, &upper.root) {
        diff_dir("", &lower.root, &upper.root, &mut out);
    }
    out
}

fn diff_dir(base: &str, a: &Dir, b: &Dir, out: &mut Vec<Change>) {
    let mut left = a.children.iter().peekable();
    let mut right = b.children.iter().peekable();
    loop {
        let order = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((l, _)), Some((r, _))) => l.cmp(r),
        };
        match order {
            std::cmp::Ordering::Less => {
                let (name, old) = left.next().expect("peeked");
                out.push(Change {
                    path: format!("{base}/{name}"),
                    kind: ChangeKind::Deleted,
                    node: None,
                    before: Some(old.clone()),
                });
            }
            std::cmp::Ordering::Greater => {
                let (name, new) = right.next().expect("peeked");
                added(&format!("{base}/{name}"), new, out);
            }
            std::cmp::Ordering::Equal => {
                let (name, old) = left.next().expect("peeked");
                let (_, new) = right.next().expect("peeked");
                if old.same(new) {
                    continue;
                }
                let path = format!("{base}/{name}");
                match (old, new) {
                    (Node::Dir(da), Node::Dir(db)) => {
                        let at = out.len();
                        diff_dir(&path, da, db, out);
                        if da.meta != db.meta || out.len() > at {
                            out.insert(
                                at,
                                Change {
                                    path,
                                    kind: ChangeKind::Modified,
                                    node: Some(new.clone()),
                                    before: Some(old.clone()),
                                },
                            );
                        }
                    }
                    (Node::File(fa), Node::File(fb)) => {
                        let same_data = fa.data == fb.data;
                        if fa.meta != fb.meta || !same_data {
                            out.push(modified(path, old, new));
                        }
                    }
                    (Node::Symlink(la), Node::Symlink(lb)) => {
                        if la != lb {
                            out.push(modified(path, old, new));
                        }
                    }
                    (_, Node::Dir(db)) => {
                        out.push(modified(path.clone(), old, new));
                        for (child, node) in &db.children {
                            added(&format!("{path}/{child}"), node, out);
                        }
                    }
                    _ => out.push(modified(path, old, new)),
                }
            }
        }
    }
}

fn modified(path: String, old: &Node, new: &Node) -> Change {
    Change {
        path,
        kind: ChangeKind::Modified,
        node: Some(new.clone()),
        before: Some(old.clone()),
    }
}

fn added(path: &str, node: &Node, out: &mut Vec<Change>) {
    out.push(Change {
        path: path.to_string(),
        kind: ChangeKind::Added,
        node: Some(node.clone()),
        before: None,
    });
    if let Node::Dir(d) = node {
        for (child, n) in &d.children {
            added(&format!("{path}/{child}"), n, out);
        }
    }
}
