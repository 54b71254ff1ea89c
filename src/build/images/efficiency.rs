//! dive's image efficiency: how many bytes the layers carry that the final
//! image cannot use, because a later layer rewrote or deleted the path.
//!
//! dive (wagoodman/dive, `filetree/efficiency.go`) visits the leaves of every
//! layer's tree. A path's size in a layer is its size there; a whiteout
//! counts what it hides (a directory's whole contents below it). Per path it
//! sums the sizes (`cumulative`) and keeps the smallest (`min`); the score is
//! Σ min / Σ cumulative, and the wasted bytes are Σ cumulative over the paths
//! seen in two layers or more.

use std::collections::{BTreeMap, BTreeSet};

/// What a layer holds at a path, with only what the score needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file of this many bytes.
    File(u64),
    Dir,
    /// Symlinks, hard links, devices: dive counts their tar size, 0.
    Other,
    /// `.wh.<name>`: the path is deleted.
    Whiteout,
    /// `.wh..wh..opq`: the directory's lower contents are hidden.
    Opaque,
}

/// One entry of a layer; `path` is relative to the root or absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerEntry {
    pub path: String,
    pub kind: EntryKind,
}

/// A path that is in two layers or more.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WastedPath {
    /// Absolute.
    pub path: String,
    /// Its sizes summed over the layers that have it.
    pub cumulative: u64,
    /// Each layer (index, bottom first) that has it, with its size there
    /// and whether the layer deletes it.
    pub layers: Vec<PathInLayer>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PathInLayer {
    pub layer: usize,
    pub size: u64,
    pub deleted: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Efficiency {
    /// 0.0 to 1.0; 1.0 for an image without bytes.
    pub score: f64,
    /// Σ cumulative over the paths in two layers or more.
    pub wasted: u64,
    /// Σ cumulative over every path.
    pub total: u64,
    /// Largest first, then by path.
    pub paths: Vec<WastedPath>,
}

/// A layer's tar entries as the score sees them: a file by its bytes, a
/// link by its tar size (0), as dive reads an image's tars.
pub fn from_tar(entries: &[crate::oci::tar::Entry]) -> Vec<LayerEntry> {
    use crate::oci::tar::EntryKind as Tar;
    entries
        .iter()
        .map(|e| LayerEntry {
            path: e.path.clone(),
            kind: match &e.kind {
                Tar::File(data) => EntryKind::File(data.len() as u64),
                Tar::Dir => EntryKind::Dir,
                Tar::Symlink(_) | Tar::Hardlink(_) => EntryKind::Other,
                Tar::Whiteout => EntryKind::Whiteout,
                Tar::Opaque => EntryKind::Opaque,
            },
        })
        .collect()
}

fn absolute(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    format!("/{trimmed}")
}

/// Whether `path` is `dir` or below it.
fn within(path: &str, dir: &str) -> bool {
    dir == "/"
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The files a stack of layers leaves, with their sizes.
#[derive(Default)]
struct Stack {
    files: BTreeMap<String, u64>,
}

impl Stack {
    /// The bytes of everything at or below `path`.
    fn size_under(&self, path: &str) -> u64 {
        self.below(path).map(|(_, s)| s).sum()
    }

    fn below<'a>(&'a self, path: &'a str) -> impl Iterator<Item = (&'a String, u64)> + 'a {
        self.files
            .range(path.to_string()..)
            .take_while(move |(p, _)| p.starts_with(path))
            .filter(move |(p, _)| within(p, path))
            .map(|(p, s)| (p, *s))
    }

    fn remove_under(&mut self, path: &str, keep_self: bool) {
        let gone: Vec<String> = self
            .below(path)
            .map(|(p, _)| p.clone())
            .filter(|p| !(keep_self && p == path))
            .collect();
        for p in gone {
            self.files.remove(&p);
        }
    }

    fn apply(&mut self, entries: &[(String, &EntryKind)]) {
        for (path, kind) in entries {
            match kind {
                EntryKind::Whiteout => self.remove_under(path, false),
                EntryKind::Opaque => self.remove_under(path, true),
                EntryKind::File(size) => {
                    self.files.insert(path.clone(), *size);
                }
                EntryKind::Dir | EntryKind::Other => {
                    self.files.insert(path.clone(), 0);
                }
            }
        }
    }
}

/// The leaves of one layer's tree: entries no other entry of the layer is
/// below (a directory listed only as a parent is not one).
fn leaves(entries: &[LayerEntry]) -> Vec<(String, &EntryKind)> {
    let mut all: Vec<(String, &EntryKind)> = entries
        .iter()
        .map(|e| (absolute(&e.path), &e.kind))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let paths: BTreeSet<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
    let has_child = |p: &str| {
        let prefix = if p == "/" {
            "/".to_string()
        } else {
            format!("{p}/")
        };
        paths
            .range(prefix.as_str()..)
            .next()
            .is_some_and(|c| c.starts_with(&prefix))
    };
    all.iter()
        .filter(|(p, k)| !matches!(k, EntryKind::Dir) || !has_child(p))
        .map(|(p, k)| (p.clone(), *k))
        .collect()
}

/// dive's efficiency of an image whose layers (bottom first) hold `layers`.
pub fn efficiency(layers: &[Vec<LayerEntry>]) -> Efficiency {
    struct PathData {
        cumulative: u64,
        min: u64,
        layers: Vec<PathInLayer>,
    }
    let mut data: BTreeMap<String, PathData> = BTreeMap::new();
    let mut stack = Stack::default();
    for (index, entries) in layers.iter().enumerate() {
        let leaves = leaves(entries);
        for (path, kind) in &leaves {
            let (size, deleted) = match kind {
                EntryKind::File(s) => (*s, false),
                EntryKind::Dir | EntryKind::Other => (0, false),
                EntryKind::Whiteout | EntryKind::Opaque => (stack.size_under(path), true),
            };
            let d = data.entry(path.clone()).or_insert(PathData {
                cumulative: 0,
                min: u64::MAX,
                layers: Vec::new(),
            });
            d.cumulative += size;
            d.min = d.min.min(size);
            d.layers.push(PathInLayer {
                layer: index,
                size,
                deleted,
            });
        }
        // Parent directories matter to the stack only through their children.
        let all: Vec<(String, &EntryKind)> = entries
            .iter()
            .map(|e| (absolute(&e.path), &e.kind))
            .collect();
        stack.apply(&all);
    }
    let total: u64 = data.values().map(|d| d.cumulative).sum();
    let minimum: u64 = data.values().map(|d| d.min).sum();
    let mut paths: Vec<WastedPath> = data
        .into_iter()
        .filter(|(_, d)| d.layers.len() >= 2)
        .map(|(path, d)| WastedPath {
            path,
            cumulative: d.cumulative,
            layers: d.layers,
        })
        .collect();
    paths.sort_by(|a, b| b.cumulative.cmp(&a.cumulative).then(a.path.cmp(&b.path)));
    Efficiency {
        score: if total == 0 {
            1.0
        } else {
            minimum as f64 / total as f64
        },
        wasted: paths.iter().map(|p| p.cumulative).sum(),
        total,
        paths,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, size: u64) -> LayerEntry {
        LayerEntry {
            path: path.into(),
            kind: EntryKind::File(size),
        }
    }
    fn dir(path: &str) -> LayerEntry {
        LayerEntry {
            path: path.into(),
            kind: EntryKind::Dir,
        }
    }
    fn whiteout(path: &str) -> LayerEntry {
        LayerEntry {
            path: path.into(),
            kind: EntryKind::Whiteout,
        }
    }

    #[test]
    fn an_empty_image_scores_one() {
        let e = efficiency(&[]);
        assert_eq!(e.score, 1.0);
        assert_eq!((e.wasted, e.total), (0, 0));
        assert!(e.paths.is_empty());
    }

    #[test]
    fn a_file_written_then_deleted_two_layers_later_is_wasted_twice() {
        // Layer 1: /app/big (1000) and /app/keep (500); layer 2 touches
        // nothing of them; layer 3 deletes /app/big.
        // /app/big: 1000 + 1000 (the whiteout hides 1000) = 2000, min 1000.
        // /app/keep: 500, min 500. /etc/x: 100, min 100.
        // score = (1000 + 500 + 100) / (2000 + 500 + 100) = 1600 / 2600.
        let layers = vec![
            vec![dir("app"), file("app/big", 1000), file("app/keep", 500)],
            vec![dir("etc"), file("etc/x", 100)],
            vec![dir("app"), whiteout("app/big")],
        ];
        let e = efficiency(&layers);
        assert_eq!(e.total, 2600);
        assert_eq!(e.wasted, 2000);
        assert!((e.score - 1600.0 / 2600.0).abs() < 1e-12);
        assert_eq!(e.paths.len(), 1);
        let p = &e.paths[0];
        assert_eq!(p.path, "/app/big");
        assert_eq!(p.cumulative, 2000);
        assert_eq!(
            p.layers,
            vec![
                PathInLayer {
                    layer: 0,
                    size: 1000,
                    deleted: false
                },
                PathInLayer {
                    layer: 2,
                    size: 1000,
                    deleted: true
                },
            ]
        );
    }

    #[test]
    fn a_rewritten_file_counts_both_versions_and_keeps_the_smaller() {
        // /f: 300 then 200: cumulative 500, min 200; /g: 50.
        // score = (200 + 50) / (500 + 50); wasted 500.
        let layers = vec![vec![file("/f", 300), file("/g", 50)], vec![file("/f", 200)]];
        let e = efficiency(&layers);
        assert_eq!((e.total, e.wasted), (550, 500));
        assert!((e.score - 250.0 / 550.0).abs() < 1e-12);
        assert_eq!(e.paths[0].layers[1].size, 200);
    }

    #[test]
    fn a_deleted_directory_counts_everything_below_it() {
        // The apt lesson: lists written in layer 1, the directory's entries
        // deleted in layer 2 — one whiteout for the dir hides 700 + 300.
        let layers = vec![
            vec![
                dir("var/lib/apt/lists"),
                file("var/lib/apt/lists/a_Packages", 700),
                file("var/lib/apt/lists/b_Release", 300),
                file("bin/sh", 40),
            ],
            vec![dir("var/lib/apt"), whiteout("var/lib/apt/lists")],
        ];
        let e = efficiency(&layers);
        // Leaves: a_Packages 700, b_Release 300, bin/sh 40, then the
        // whiteout at /var/lib/apt/lists with 1000. The directory itself was
        // not a leaf in layer 1, so the whiteout's path is seen once: no
        // wasted path, but its bytes count in the total (dive's quirk).
        assert_eq!(e.total, 700 + 300 + 40 + 1000);
        assert_eq!(e.wasted, 0);
        assert!((e.score - 1.0).abs() < 1e-12);

        // Deleted file by file (`rm -rf lists/*`), each path is wasted.
        let layers = vec![
            layers[0].clone(),
            vec![
                dir("var/lib/apt/lists"),
                whiteout("var/lib/apt/lists/a_Packages"),
                whiteout("var/lib/apt/lists/b_Release"),
            ],
        ];
        let e = efficiency(&layers);
        assert_eq!(e.total, 2 * 700 + 2 * 300 + 40);
        assert_eq!(e.wasted, 2000);
        assert_eq!(
            e.paths.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(),
            [
                "/var/lib/apt/lists/a_Packages",
                "/var/lib/apt/lists/b_Release"
            ]
        );
        assert!((e.score - 1040.0 / 2040.0).abs() < 1e-12);
    }

    #[test]
    fn parent_directories_are_not_leaves_but_empty_ones_are() {
        // /d is only a parent in layer 1 and an empty dir (a leaf) in
        // layer 2: seen once. /e is an empty dir in both: wasted 0 bytes,
        // but listed as dive lists it.
        let layers = vec![vec![dir("d"), file("d/x", 10), dir("e")], vec![dir("e")]];
        let e = efficiency(&layers);
        assert_eq!(e.total, 10);
        assert_eq!(e.wasted, 0);
        assert_eq!(e.paths.len(), 1);
        assert_eq!(e.paths[0].path, "/e");
    }

    #[test]
    fn an_opaque_directory_hides_what_was_below() {
        let layers = vec![
            vec![dir("o"), file("o/a", 30), file("o/b", 70)],
            vec![
                LayerEntry {
                    path: "o".into(),
                    kind: EntryKind::Opaque,
                },
                file("o/c", 5),
            ],
        ];
        let e = efficiency(&layers);
        // Leaves: o/a 30, o/b 70; then the opaque marker at /o, hiding 100,
        // and o/c 5. The first layer's /o was a parent, not a leaf: /o is
        // seen once and wastes nothing, as a whole-directory whiteout.
        assert_eq!(e.total, 30 + 70 + 100 + 5);
        assert_eq!(e.wasted, 0);
        assert!((e.score - 1.0).abs() < 1e-12);
    }
}
