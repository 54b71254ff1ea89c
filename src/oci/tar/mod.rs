//! Layer tars: a writer that produces the bytes buildah 1.28 writes
//! (`buildah bud --layers --timestamp 0`, Go's `archive/tar` underneath), and a
//! bounded reader for layers and build-context archives.
//!
//! The header encoding follows Go's `archive/tar` writer, because that is what
//! buildah, containers/storage and moby use: USTAR when every field fits
//! (long ASCII paths split into prefix/name), otherwise a PAX `x` header
//! named `<dir>/PaxHeaders.0/<base>` before a USTAR-magic main header.
//! The facts are in `shared/reference/oci-and-registry.md` and were checked
//! again against real buildah output in `tests/oci_buildah.rs`.

mod layer;
mod read;
mod write;

use crate::vfs::Data;
use std::cmp::Ordering;

pub use layer::{Compression, GZIP_LEVEL, Layer, measure_layer, write_layer, write_layer_to};
pub use read::{Limits, read_layer};
pub use write::{TarWriter, write_tar};

/// One entry of a layer. `path` is relative to the layer root: no leading
/// `/`, no `./`, no `.` or `..` components, directories without a trailing
/// `/`. The root itself is never an entry (except as the directory of an
/// [`EntryKind::Opaque`] marker, with an empty path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub kind: EntryKind,
    /// Permission bits including setuid/setgid/sticky (`0o7777` at most);
    /// the writer adds the file-type bits itself.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Seconds since the Unix epoch.
    pub mtime: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    File(Data),
    Dir,
    /// The link text, written as it is (it may be absolute or contain `..`:
    /// symlinks are resolved inside the container, not here).
    Symlink(String),
    /// The path of the first entry of the link group, relative to the layer
    /// root.
    Hardlink(String),
    /// `path` was deleted: written as `<dir>/.wh.<name>`, a regular file with
    /// mode 0 and owner 0:0 as containers/storage writes it (only the path
    /// and mtime of the entry are used).
    Whiteout,
    /// `path` is a directory whose lower-layer contents are hidden: written as
    /// `<path>/.wh..wh..opq`. Like containers/storage's and moby's overlay
    /// converters, the marker is a regular file that keeps the directory's
    /// owner and its `0o777` permission bits, without file-type bits.
    Opaque,
}

impl Entry {
    pub fn file(path: &str, content: impl Into<Data>, mode: u32) -> Entry {
        Entry::new(path, EntryKind::File(content.into()), mode)
    }
    pub fn dir(path: &str, mode: u32) -> Entry {
        Entry::new(path, EntryKind::Dir, mode)
    }
    pub fn symlink(path: &str, target: &str) -> Entry {
        Entry::new(path, EntryKind::Symlink(target.to_string()), 0o777)
    }
    pub fn hardlink(path: &str, target: &str, mode: u32) -> Entry {
        Entry::new(path, EntryKind::Hardlink(target.to_string()), mode)
    }
    pub fn whiteout(path: &str) -> Entry {
        Entry::new(path, EntryKind::Whiteout, 0)
    }
    pub fn opaque(dir: &str, mode: u32) -> Entry {
        Entry::new(dir, EntryKind::Opaque, mode)
    }
    /// Root-owned, mtime 0: what `--timestamp 0` builds contain.
    pub fn new(path: &str, kind: EntryKind, mode: u32) -> Entry {
        Entry {
            path: path.to_string(),
            kind,
            mode,
            uid: 0,
            gid: 0,
            mtime: 0,
        }
    }
    pub fn with_owner(mut self, uid: u32, gid: u32) -> Entry {
        self.uid = uid;
        self.gid = gid;
        self
    }
    pub fn with_mtime(mut self, mtime: i64) -> Entry {
        self.mtime = mtime;
        self
    }

    /// The name this entry has inside the tar, as buildah writes it.
    pub fn tar_name(&self) -> String {
        match &self.kind {
            EntryKind::Dir => format!("{}/", self.path),
            EntryKind::Whiteout => {
                let (dir, base) = split_parent(&self.path);
                if dir.is_empty() {
                    format!(".wh.{base}")
                } else {
                    format!("{dir}/.wh.{base}")
                }
            }
            EntryKind::Opaque if self.path.is_empty() => OPAQUE.to_string(),
            EntryKind::Opaque => format!("{}/{OPAQUE}", self.path),
            _ => self.path.clone(),
        }
    }
}

pub(crate) const OPAQUE: &str = ".wh..wh..opq";
pub(crate) const WHITEOUT_PREFIX: &str = ".wh.";
/// aufs keeps its own metadata under this prefix; such names are not layer
/// content.
pub(crate) const WHITEOUT_META_PREFIX: &str = ".wh..wh.";

/// `("a/b", "c")` for `"a/b/c"`, `("", "c")` for `"c"`.
pub(crate) fn split_parent(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TarError {
    #[error("entry #{index} ({name:?}): {reason}")]
    InvalidEntry {
        index: usize,
        name: String,
        reason: String,
    },
    #[error("entry #{index} ({name:?}): the path escapes the layer root")]
    Escape { index: usize, name: String },
    #[error("entry #{index} ({name:?}): the hard link target {target:?} escapes the layer root")]
    LinkEscape {
        index: usize,
        name: String,
        target: String,
    },
    #[error("entry #{index} ({name:?}): bad header checksum")]
    BadChecksum { index: usize, name: String },
    #[error("entry #{index} ({name:?}): {reason}")]
    BadHeader {
        index: usize,
        name: String,
        reason: String,
    },
    #[error("entry #{index} ({name:?}): {kind} entries are not supported")]
    Unsupported {
        index: usize,
        name: String,
        kind: String,
    },
    #[error("the archive is truncated in entry #{index} ({name:?})")]
    Truncated { index: usize, name: String },
    #[error("entry #{index} ({name:?}): the archive has more than {limit} entries")]
    TooManyEntries {
        index: usize,
        name: String,
        limit: usize,
    },
    #[error("entry #{index} ({name:?}): the archive expands beyond the limit of {limit} bytes")]
    TooLarge {
        index: usize,
        name: String,
        limit: u64,
    },
    #[error("entry #{index}: a path of {len} bytes is longer than the limit of {limit}")]
    PathTooLong {
        index: usize,
        len: usize,
        limit: usize,
    },
    #[error("the gzip stream is corrupt: {0}")]
    Gzip(String),
    #[error("writing the tar stream failed: {0}")]
    Io(String),
}

/// The order buildah writes a layer in. It depends on how containers/storage
/// produced the layer (measured with buildah 1.28 and the vfs driver):
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    /// A layer with no parent is a walk of the whole tree (`filepath.WalkDir`):
    /// names are compared one path component at a time, so a directory's
    /// children come right after it: `a`, `a/b`, `a-c`.
    Walk,
    /// A layer on top of a parent is a list of changes sorted by the whole
    /// path as a string: `a`, `a-c`, `a/b`. A whiteout sorts where the deleted
    /// path sorts.
    Changes,
}

/// Sorts entries into buildah's order (stable: entries with the same path
/// keep their relative order). An opaque marker sorts right after its
/// directory, where the overlay converters emit it. A hard link must come
/// after its target: buildah links every later path of an inode to the first
/// one in this order, so the caller picks that one as the target.
pub fn sort_entries(entries: &mut [Entry], order: SortOrder) {
    match order {
        SortOrder::Walk => entries.sort_by(walk_cmp),
        SortOrder::Changes => entries.sort_by(changes_cmp),
    }
}

fn walk_cmp(a: &Entry, b: &Entry) -> Ordering {
    // An opaque marker gets an extra empty component: it sorts after its
    // directory and before every child.
    fn components(e: &Entry) -> impl Iterator<Item = &str> {
        let base = (!e.path.is_empty())
            .then(|| e.path.split('/'))
            .into_iter()
            .flatten();
        base.chain(matches!(e.kind, EntryKind::Opaque).then_some(""))
    }
    components(a).cmp(components(b))
}

fn changes_cmp(a: &Entry, b: &Entry) -> Ordering {
    // Paths never contain NUL, so `path\0` sorts right after `path`.
    fn key(e: &Entry) -> impl Iterator<Item = u8> + '_ {
        e.path
            .bytes()
            .chain(matches!(e.kind, EntryKind::Opaque).then_some(0))
    }
    key(a).cmp(key(b))
}

#[cfg(test)]
mod tests;
