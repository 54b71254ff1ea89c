//! Between the filesystem and the layer format: a change set becomes a
//! layer tar (hardlinks grouped, in buildah's order), and a layer tar is
//! applied back onto a filesystem (whiteouts and opaque directories honoured).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::oci::digest::Digest;
use crate::oci::tar::{self, Compression, Entry, EntryKind, Limits, SortOrder};
use crate::vfs::{self, Fs, Meta, Node};

/// A layer ready for the store.
#[derive(Debug, Clone)]
pub struct LayerBlob {
    pub digest: Digest,
    pub diff_id: Digest,
    pub bytes: Arc<[u8]>,
}

/// The tar entries for a change set, in buildah's order. `first_layer` picks
/// the walk order buildah uses for a layer with no parent.
pub fn entries(changes: &[vfs::Change], first_layer: bool) -> Vec<Entry> {
    let mut out = Vec::with_capacity(changes.len());
    for c in changes {
        let path = c.path.trim_start_matches('/').to_string();
        let Some(node) = &c.node else {
            out.push(Entry {
                path,
                kind: EntryKind::Whiteout,
                mode: 0,
                uid: 0,
                gid: 0,
                mtime: 0,
            });
            continue;
        };
        let m = node.meta();
        let kind = match node {
            Node::File(f) => EntryKind::File(f.data.clone()),
            Node::Dir(_) => EntryKind::Dir,
            Node::Symlink(l) => EntryKind::Symlink(l.target.clone()),
        };
        out.push(Entry {
            path,
            kind,
            mode: m.mode,
            uid: m.uid,
            gid: m.gid,
            mtime: m.mtime,
        });
    }
    tar::sort_entries(
        &mut out,
        if first_layer {
            SortOrder::Walk
        } else {
            SortOrder::Changes
        },
    );
    // Files of one hardlink group: the first in tar order carries the bytes,
    // the others link to it.
    let inos: BTreeMap<String, u64> = changes
        .iter()
        .filter_map(|c| match &c.node {
            Some(Node::File(f)) if f.ino != 0 => {
                Some((c.path.trim_start_matches('/').to_string(), f.ino))
            }
            _ => None,
        })
        .collect();
    if !inos.is_empty() {
        let mut first: BTreeMap<u64, String> = BTreeMap::new();
        for e in &mut out {
            if let Some(ino) = inos.get(&e.path) {
                match first.get(ino) {
                    Some(target) => e.kind = EntryKind::Hardlink(target.clone()),
                    None => {
                        first.insert(*ino, e.path.clone());
                    }
                }
            }
        }
    }
    out
}

/// The layer of a step that changed nothing: an empty tar (1024 zero
/// bytes), gzipped as Go does it. Its digest,
/// `sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1`,
/// is the empty layer every BuildKit image shares (`exptypes.EmptyGZLayer`),
/// so layerlab's empty layers are byte for byte Docker's.
pub const EMPTY_LAYER_GZ: [u8; 32] = [
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x62, 0x18, 0x05, 0xa3, 0x60, 0x14,
    0x8c, 0x58, 0x00, 0x08, 0x00, 0x00, 0xff, 0xff, 0x2e, 0xaf, 0xb5, 0xef, 0x00, 0x04, 0x00, 0x00,
];

/// Writes the layer for `changes` (gzip, the pinned backend).
pub fn write(changes: &[vfs::Change], first_layer: bool) -> Result<LayerBlob, String> {
    if changes.is_empty() {
        return Ok(LayerBlob {
            digest: Digest::of(&EMPTY_LAYER_GZ),
            diff_id: Digest::of(&[0u8; 1024]),
            bytes: Arc::from(&EMPTY_LAYER_GZ[..]),
        });
    }
    let entries = entries(changes, first_layer);
    let layer = tar::write_layer(&entries, Compression::Gzip).map_err(|e| e.to_string())?;
    Ok(LayerBlob {
        digest: layer.digest,
        diff_id: layer.diff_id,
        bytes: layer.blob.into(),
    })
}

/// The limits a layer or an archive from a build context is read with.
pub fn limits() -> Limits {
    Limits::default()
}

/// Applies a layer (gzip or plain tar) onto `fs`.
pub fn apply(fs: &mut Fs, blob: &[u8]) -> Result<(), String> {
    let entries = tar::read_layer(blob, &limits()).map_err(|e| e.to_string())?;
    apply_entries(fs, &entries, "/", None)
}

fn apply_entries(
    fs: &mut Fs,
    entries: &[Entry],
    root: &str,
    owner: Option<(u32, u32)>,
) -> Result<(), String> {
    let at = |p: &str| {
        if root == "/" {
            format!("/{p}")
        } else {
            format!("{}/{p}", root.trim_end_matches('/'))
        }
    };
    for e in entries {
        let path = at(&e.path);
        let (uid, gid) = owner.unwrap_or((e.uid, e.gid));
        let meta = Meta {
            mode: e.mode,
            uid,
            gid,
            mtime: e.mtime,
        };
        let parent = match path.rfind('/') {
            Some(0) | None => "/".to_string(),
            Some(i) => path[..i].to_string(),
        };
        let err = |e: vfs::Error| format!("{path}: {e}");
        match &e.kind {
            EntryKind::Whiteout => match fs.remove_all(&path) {
                Ok(()) | Err(vfs::Error::NotFound(_)) => {}
                Err(e) => return Err(err(e)),
            },
            EntryKind::Opaque => {
                let dir = if e.path.is_empty() {
                    root.to_string()
                } else {
                    path.clone()
                };
                match fs.clear_dir(&dir) {
                    Ok(()) | Err(vfs::Error::NotFound(_)) => {}
                    Err(e) => return Err(err(e)),
                }
            }
            EntryKind::Dir => {
                fs.mkdir_all(&parent, Meta::new(0o755)).map_err(err)?;
                match fs.get(&path, false) {
                    Ok(Some(Node::Dir(_))) => {
                        fs.update_meta(&path, false, |m| *m = meta).map_err(err)?
                    }
                    Ok(None) => {}
                    _ => fs
                        .put(
                            &path,
                            Node::Dir(Arc::new(vfs::Dir {
                                meta,
                                children: Default::default(),
                            })),
                        )
                        .map_err(err)?,
                }
            }
            EntryKind::File(data) => {
                fs.mkdir_all(&parent, Meta::new(0o755)).map_err(err)?;
                fs.put(
                    &path,
                    Node::File(Arc::new(vfs::File {
                        data: data.clone(),
                        meta,
                        ino: 0,
                    })),
                )
                .map_err(err)?;
            }
            EntryKind::Symlink(target) => {
                fs.mkdir_all(&parent, Meta::new(0o755)).map_err(err)?;
                fs.put(
                    &path,
                    Node::Symlink(Arc::new(vfs::Symlink {
                        target: target.clone(),
                        meta,
                    })),
                )
                .map_err(err)?;
            }
            EntryKind::Hardlink(target) => {
                fs.mkdir_all(&parent, Meta::new(0o755)).map_err(err)?;
                if fs.get(&path, false).is_ok() {
                    fs.remove_all(&path).map_err(err)?;
                }
                fs.hardlink(&at(target), &path).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Whether ADD should unpack these bytes: a tar, or a gzip-compressed one.
pub fn is_archive(data: &[u8]) -> bool {
    let is_tar = |d: &[u8]| d.len() >= 512 && &d[257..262] == b"ustar";
    if data.starts_with(&[0x1f, 0x8b]) {
        return tar::read_layer(data, &limits()).is_ok();
    }
    is_tar(data)
}

/// ADD's auto-extraction of a local archive into `dest`.
pub fn extract(
    fs: &mut Fs,
    data: &[u8],
    dest: &str,
    owner: Option<(u32, u32)>,
    epoch: i64,
) -> Result<(), String> {
    let entries = tar::read_layer(data, &limits()).map_err(|e| e.to_string())?;
    fs.mkdir_all(
        dest,
        Meta {
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime: epoch,
        },
    )
    .map_err(|e| e.to_string())?;
    apply_entries(fs, &entries, dest, owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_layer_is_dockers() {
        let l = write(&[], false).unwrap();
        assert_eq!(
            l.digest.to_string(),
            "sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1"
        );
        assert_eq!(
            l.diff_id.to_string(),
            "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
        );
        // It reads back as a layer with nothing in it.
        assert!(tar::read_layer(&l.bytes, &limits()).unwrap().is_empty());
        assert_eq!(Digest::of(&tar::write_tar(&[]).unwrap()), l.diff_id);
    }
}
