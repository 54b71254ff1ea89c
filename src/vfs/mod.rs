//! An in-memory filesystem for simulated builds: regular files, directories,
//! symlinks and hardlinks with mode, owner and mtime.
//!
//! The tree is persistent: every node sits behind an `Arc`, and a mutation
//! copies only the directories on its path (`Arc::make_mut`). Cloning an `Fs`
//! is therefore a snapshot in O(1), and [`diff`] skips every subtree two
//! snapshots still share, so the cost of a layer is proportional to what the
//! step changed, not to the size of the image.
//!
//! Paths are absolute, `/`-separated strings; relative paths are taken from the
//! root. Resolution follows symlinks like the kernel does, but `..` and
//! absolute link targets are clamped to the root: nothing resolves outside it.

mod content;
mod diff;

pub use content::{Data, Filler, generated};
pub use diff::{Change, ChangeKind, diff};

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// How many symlinks one resolution may follow (Linux's `MAXSYMLINKS`).
const MAX_SYMLINK_HOPS: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Meta {
    /// Permission bits, including setuid, setgid and sticky; no type bits.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Seconds since the epoch.
    pub mtime: i64,
}

impl Meta {
    pub const fn new(mode: u32) -> Meta {
        Meta {
            mode,
            uid: 0,
            gid: 0,
            mtime: 0,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Node {
    File(Arc<File>),
    Dir(Arc<Dir>),
    Symlink(Arc<Symlink>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub data: Data,
    pub meta: Meta,
    /// Non-zero when the file has (or had) other names: the hardlink group.
    pub ino: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Dir {
    pub meta: Meta,
    pub children: BTreeMap<String, Node>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symlink {
    pub target: String,
    pub meta: Meta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
}

impl Node {
    pub fn meta(&self) -> Meta {
        match self {
            Node::File(f) => f.meta,
            Node::Dir(d) => d.meta,
            Node::Symlink(l) => l.meta,
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Node::File(_) => Kind::File,
            Node::Dir(_) => Kind::Dir,
            Node::Symlink(_) => Kind::Symlink,
        }
    }

    /// Bytes of content: a file's length, a symlink's target length, 0 for a directory.
    pub fn size(&self) -> u64 {
        match self {
            Node::File(f) => f.data.len() as u64,
            Node::Dir(_) => 0,
            Node::Symlink(l) => l.target.len() as u64,
        }
    }

    fn same(&self, other: &Node) -> bool {
        match (self, other) {
            (Node::File(a), Node::File(b)) => Arc::ptr_eq(a, b),
            (Node::Dir(a), Node::Dir(b)) => Arc::ptr_eq(a, b),
            (Node::Symlink(a), Node::Symlink(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    fn meta_mut(&mut self) -> &mut Meta {
        match self {
            Node::File(f) => &mut Arc::make_mut(f).meta,
            Node::Dir(d) => &mut Arc::make_mut(d).meta,
            Node::Symlink(l) => &mut Arc::make_mut(l).meta,
        }
    }
}

/// What `stat`/`lstat` report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub kind: Kind,
    pub meta: Meta,
    pub size: u64,
    pub ino: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{0}: No such file or directory")]
    NotFound(String),
    #[error("{0}: Not a directory")]
    NotADirectory(String),
    #[error("{0}: Is a directory")]
    IsADirectory(String),
    #[error("{0}: File exists")]
    Exists(String),
    #[error("{0}: Directory not empty")]
    NotEmpty(String),
    #[error("{0}: Too many levels of symbolic links")]
    Loop(String),
    #[error("{0}: Invalid argument")]
    Invalid(String),
    #[error("{0}: {1}")]
    Limit(String, String),
}

/// Bounds on what one filesystem may hold; every input is untrusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_path_len: usize,
    pub max_depth: usize,
    pub max_file_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_path_len: 4096,
            max_depth: 256,
            max_file_size: 1 << 32,
        }
    }
}

/// The filesystem: a root directory and the hardlink groups. Clone it to
/// take a snapshot.
#[derive(Debug, Clone, Default)]
pub struct Fs {
    root: Arc<Dir>,
    /// Paths of every inode that has more than one name.
    links: BTreeMap<u64, BTreeSet<String>>,
    next_ino: u64,
    limits: Limits,
}

/// Splits a path into its components, dropping empty ones and `.`.
fn components(path: &str) -> impl DoubleEndedIterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty() && *c != ".")
}

/// `/a/b` for `["a", "b"]`, `/` for none.
pub fn join(parts: &[String]) -> String {
    if parts.is_empty() {
        return "/".to_string();
    }
    let mut s = String::new();
    for p in parts {
        s.push('/');
        s.push_str(p);
    }
    s
}

/// Lexical normalisation: `.` and empty components dropped, `..` clamped at
/// the root. `clean("a/../../b/")` is `/b`.
pub fn clean(path: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for c in components(path) {
        if c == ".." {
            out.pop();
        } else {
            out.push(c.to_string());
        }
    }
    join(&out)
}

/// Joins `path` onto `base` unless it is absolute, then cleans it.
pub fn join_at(base: &str, path: &str) -> String {
    if path.starts_with('/') {
        clean(path)
    } else {
        clean(&format!("{base}/{path}"))
    }
}

impl Fs {
    /// An empty filesystem: a root directory with mode 0755 owned by root.
    pub fn new() -> Fs {
        Fs::with_limits(Limits::default())
    }

    pub fn with_limits(limits: Limits) -> Fs {
        Fs {
            root: Arc::new(Dir {
                meta: Meta::new(0o755),
                children: BTreeMap::new(),
            }),
            links: BTreeMap::new(),
            next_ino: 1,
            limits,
        }
    }

    pub fn root(&self) -> &Dir {
        &self.root
    }

    pub fn root_meta(&self) -> Meta {
        self.root.meta
    }

    pub fn set_root_meta(&mut self, meta: Meta) {
        Arc::make_mut(&mut self.root).meta = meta;
    }

    /// True when `self` and `other` are the same snapshot (no change between them).
    pub fn same_as(&self, other: &Fs) -> bool {
        Arc::ptr_eq(&self.root, &other.root)
    }

    /// Resolves `path` to the canonical components of what it names: every
    /// symlink on the way followed, and the last one too when `follow_last`.
    /// The last component need not exist; every one before it must be a
    /// directory.
    pub fn resolve(&self, path: &str, follow_last: bool) -> Result<Vec<String>, Error> {
        if path.len() > self.limits.max_path_len {
            return Err(Error::Limit(
                truncate(path),
                "File name too long".to_string(),
            ));
        }
        let mut out: Vec<String> = Vec::new();
        let mut dirs: Vec<&Dir> = vec![&self.root];
        let mut pending: Vec<String> = components(path).rev().map(str::to_string).collect();
        let mut hops = 0;
        while let Some(name) = pending.pop() {
            if name == ".." {
                if out.pop().is_some() {
                    dirs.pop();
                }
                continue;
            }
            let is_last = pending.is_empty();
            let dir = *dirs.last().expect("the root is always there");
            match dir.children.get(&name) {
                Some(Node::Symlink(link)) if !is_last || follow_last => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        return Err(Error::Loop(path.to_string()));
                    }
                    if link.target.starts_with('/') {
                        out.clear();
                        dirs.truncate(1);
                    }
                    pending.extend(components(&link.target).rev().map(str::to_string));
                }
                Some(Node::Dir(d)) => {
                    out.push(name);
                    dirs.push(d);
                }
                Some(_) if is_last => out.push(name),
                Some(_) => return Err(Error::NotADirectory(path.to_string())),
                None if is_last => out.push(name),
                None => return Err(Error::NotFound(path.to_string())),
            }
            if out.len() > self.limits.max_depth {
                return Err(Error::Limit(
                    truncate(path),
                    "too many path components".to_string(),
                ));
            }
        }
        Ok(out)
    }

    /// The canonical absolute path `path` names, symlinks followed.
    pub fn realpath(&self, path: &str) -> Result<String, Error> {
        let parts = self.resolve(path, true)?;
        if !parts.is_empty() && self.node_at(&parts).is_none() {
            return Err(Error::NotFound(path.to_string()));
        }
        Ok(join(&parts))
    }

    fn node_at(&self, parts: &[String]) -> Option<&Node> {
        let (last, parents) = parts.split_last()?;
        let mut dir: &Dir = &self.root;
        for p in parents {
            match dir.children.get(p)? {
                Node::Dir(d) => dir = d,
                _ => return None,
            }
        }
        dir.children.get(last)
    }

    /// The node at `path`, following symlinks (`stat`), or not following the
    /// last one (`lstat`). `None` for the root, which is always a directory.
    pub fn get(&self, path: &str, follow_last: bool) -> Result<Option<&Node>, Error> {
        let parts = self.resolve(path, follow_last)?;
        if parts.is_empty() {
            return Ok(None);
        }
        match self.node_at(&parts) {
            Some(n) => Ok(Some(n)),
            None => Err(Error::NotFound(path.to_string())),
        }
    }

    pub fn exists(&self, path: &str) -> bool {
        self.get(path, true).is_ok()
    }

    pub fn stat(&self, path: &str) -> Result<Stat, Error> {
        self.stat_inner(path, true)
    }

    pub fn lstat(&self, path: &str) -> Result<Stat, Error> {
        self.stat_inner(path, false)
    }

    fn stat_inner(&self, path: &str, follow: bool) -> Result<Stat, Error> {
        Ok(match self.get(path, follow)? {
            None => Stat {
                kind: Kind::Dir,
                meta: self.root.meta,
                size: 0,
                ino: 0,
            },
            Some(n) => Stat {
                kind: n.kind(),
                meta: n.meta(),
                size: n.size(),
                ino: match n {
                    Node::File(f) => f.ino,
                    _ => 0,
                },
            },
        })
    }

    pub fn read_file(&self, path: &str) -> Result<Data, Error> {
        match self.get(path, true)? {
            Some(Node::File(f)) => Ok(f.data.clone()),
            _ => Err(Error::IsADirectory(path.to_string())),
        }
    }

    pub fn read_link(&self, path: &str) -> Result<String, Error> {
        match self.get(path, false)? {
            Some(Node::Symlink(l)) => Ok(l.target.clone()),
            _ => Err(Error::Invalid(path.to_string())),
        }
    }

    /// The entries of a directory, in name order.
    pub fn read_dir(&self, path: &str) -> Result<Vec<(String, Node)>, Error> {
        match self.get(path, true)? {
            None => Ok(collect_children(&self.root)),
            Some(Node::Dir(d)) => Ok(collect_children(d)),
            Some(_) => Err(Error::NotADirectory(path.to_string())),
        }
    }

    /// Every node under `path` (itself included unless it is the root), in
    /// walk order: parents before children, siblings by name.
    pub fn walk(&self, path: &str) -> Result<Vec<(String, Node)>, Error> {
        let parts = self.resolve(path, true)?;
        let mut out = Vec::new();
        if parts.is_empty() {
            walk_dir("", &self.root, &mut out);
            return Ok(out);
        }
        let node = self
            .node_at(&parts)
            .ok_or_else(|| Error::NotFound(path.to_string()))?
            .clone();
        let base = join(&parts);
        if let Node::Dir(d) = &node {
            let d = d.clone();
            out.push((base.clone(), node));
            walk_dir(&base, &d, &mut out);
        } else {
            out.push((base, node));
        }
        Ok(out)
    }

    /// The directory holding the last component of `parts`, made unique to
    /// this snapshot along the way.
    fn parent_mut(&mut self, parts: &[String], path: &str) -> Result<&mut Dir, Error> {
        let mut dir = Arc::make_mut(&mut self.root);
        for p in &parts[..parts.len().saturating_sub(1)] {
            dir = match dir.children.get_mut(p) {
                Some(Node::Dir(d)) => Arc::make_mut(d),
                Some(_) => return Err(Error::NotADirectory(path.to_string())),
                None => return Err(Error::NotFound(path.to_string())),
            };
        }
        Ok(dir)
    }

    /// Places `node` at `path`, replacing whatever is there (a directory with
    /// all it holds); a symlink at the last component is replaced, not
    /// followed. Parents must exist.
    pub fn put(&mut self, path: &str, node: Node) -> Result<(), Error> {
        let parts = self.resolve(path, false)?;
        if parts.is_empty() {
            return Err(Error::IsADirectory("/".to_string()));
        }
        if let Node::File(f) = &node
            && f.data.len() as u64 > self.limits.max_file_size
        {
            return Err(Error::Limit(truncate(path), "file too large".to_string()));
        }
        let name = parts.last().expect("checked non-empty").clone();
        let full = join(&parts);
        let dir = self.parent_mut(&parts, path)?;
        let old = dir.children.insert(name, node);
        if let Some(old) = old {
            self.forget_links(&full, &old);
        }
        Ok(())
    }

    /// Creates or replaces a regular file (following a symlink at `path`, as
    /// a shell redirection does). A hardlinked file changes under all its names.
    pub fn write_file(
        &mut self,
        path: &str,
        data: impl Into<Data>,
        meta: Meta,
    ) -> Result<(), Error> {
        let data: Data = data.into();
        let parts = self.resolve(path, true)?;
        if parts.is_empty() {
            return Err(Error::IsADirectory("/".to_string()));
        }
        match self.node_at(&parts) {
            Some(Node::Dir(_)) => return Err(Error::IsADirectory(path.to_string())),
            Some(Node::File(f)) if f.ino != 0 && self.links.contains_key(&f.ino) => {
                let ino = f.ino;
                return self.update_group(ino, |file| {
                    file.data = data.clone();
                });
            }
            _ => {}
        }
        let node = Node::File(Arc::new(File { data, meta, ino: 0 }));
        self.put(&join(&parts), node)
    }

    /// Replaces the contents of an existing file, keeping its metadata.
    pub fn set_contents(&mut self, path: &str, data: impl Into<Data>) -> Result<(), Error> {
        let meta = match self.get(path, true)? {
            Some(Node::File(f)) => f.meta,
            Some(Node::Dir(_)) | None => return Err(Error::IsADirectory(path.to_string())),
            Some(Node::Symlink(_)) => unreachable!("followed"),
        };
        self.write_file(path, data, meta)
    }

    /// `mkdir`: the parent must exist and the name must be free.
    pub fn mkdir(&mut self, path: &str, meta: Meta) -> Result<(), Error> {
        let parts = self.resolve(path, false)?;
        if parts.is_empty() || self.node_at(&parts).is_some() {
            return Err(Error::Exists(path.to_string()));
        }
        self.put(
            &join(&parts),
            Node::Dir(Arc::new(Dir {
                meta,
                children: BTreeMap::new(),
            })),
        )
    }

    /// `mkdir -p`: creates every missing directory with `meta`; existing
    /// directories (or symlinks to them) are kept as they are.
    pub fn mkdir_all(&mut self, path: &str, meta: Meta) -> Result<(), Error> {
        let mut current = String::new();
        for c in components(path) {
            if c == ".." {
                current = clean(&format!("{current}/.."));
                continue;
            }
            current = format!("{}/{c}", current.trim_end_matches('/'));
            match self.get(&current, true) {
                Ok(Some(Node::Dir(_))) | Ok(None) => {
                    current = self.realpath(&current)?;
                }
                Ok(Some(_)) => return Err(Error::NotADirectory(current)),
                Err(Error::NotFound(_)) => {
                    self.mkdir(&current, meta)?;
                    current = self.realpath(&current)?;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    pub fn symlink(&mut self, target: &str, path: &str, meta: Meta) -> Result<(), Error> {
        let parts = self.resolve(path, false)?;
        if parts.is_empty() || self.node_at(&parts).is_some() {
            return Err(Error::Exists(path.to_string()));
        }
        self.put(
            &join(&parts),
            Node::Symlink(Arc::new(Symlink {
                target: target.to_string(),
                meta,
            })),
        )
    }

    /// `ln existing new`: both names then share one inode.
    pub fn hardlink(&mut self, existing: &str, new: &str) -> Result<(), Error> {
        let src = self.resolve(existing, false)?;
        let file = match self.node_at(&src) {
            Some(Node::File(f)) => f.clone(),
            Some(Node::Dir(_)) => return Err(Error::IsADirectory(existing.to_string())),
            Some(Node::Symlink(_)) => return Err(Error::Invalid(existing.to_string())),
            None => return Err(Error::NotFound(existing.to_string())),
        };
        let dst = self.resolve(new, false)?;
        if dst.is_empty() || self.node_at(&dst).is_some() {
            return Err(Error::Exists(new.to_string()));
        }
        let src_path = join(&src);
        let dst_path = join(&dst);
        let ino = if file.ino != 0 {
            file.ino
        } else {
            let ino = self.next_ino;
            self.next_ino += 1;
            ino
        };
        let linked = Arc::new(File {
            data: file.data.clone(),
            meta: file.meta,
            ino,
        });
        self.put(&src_path, Node::File(linked.clone()))?;
        self.put(&dst_path, Node::File(linked))?;
        let group = self.links.entry(ino).or_default();
        group.insert(src_path);
        group.insert(dst_path);
        Ok(())
    }

    /// Applies `f` to the file under every name of hardlink group `ino`.
    fn update_group(&mut self, ino: u64, f: impl Fn(&mut File)) -> Result<(), Error> {
        let paths: Vec<String> = self
            .links
            .get(&ino)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        let first = paths
            .first()
            .ok_or_else(|| Error::NotFound(format!("inode {ino}")))?;
        let mut file = match self.get(first, false)? {
            Some(Node::File(file)) => (**file).clone(),
            _ => return Err(Error::NotFound(first.clone())),
        };
        f(&mut file);
        let node = Node::File(Arc::new(file));
        for p in &paths {
            let parts = self.resolve(p, false)?;
            let name = parts
                .last()
                .expect("a linked path is never the root")
                .clone();
            self.parent_mut(&parts, p)?
                .children
                .insert(name, node.clone());
        }
        Ok(())
    }

    /// Removes the hardlink bookkeeping of everything in `old`, which was at `path`.
    fn forget_links(&mut self, path: &str, old: &Node) {
        if self.links.is_empty() {
            return;
        }
        match old {
            Node::File(f) if f.ino != 0 => {
                if let Some(group) = self.links.get_mut(&f.ino) {
                    group.remove(path);
                    if group.len() < 2 {
                        self.links.remove(&f.ino);
                    }
                }
            }
            Node::Dir(_) => {
                let prefix = format!("{path}/");
                self.links.retain(|_, group| {
                    group.retain(|p| !p.starts_with(&prefix));
                    group.len() >= 2
                });
            }
            _ => {}
        }
    }

    /// Changes the metadata of what `path` names (following symlinks when
    /// `follow`, as chmod does; chown -h does not).
    pub fn update_meta(
        &mut self,
        path: &str,
        follow: bool,
        f: impl Fn(&mut Meta),
    ) -> Result<(), Error> {
        let parts = self.resolve(path, follow)?;
        if parts.is_empty() {
            f(&mut Arc::make_mut(&mut self.root).meta);
            return Ok(());
        }
        match self.node_at(&parts) {
            None => return Err(Error::NotFound(path.to_string())),
            Some(Node::File(file)) if file.ino != 0 && self.links.contains_key(&file.ino) => {
                let ino = file.ino;
                return self.update_group(ino, |file| f(&mut file.meta));
            }
            _ => {}
        }
        let name = parts.last().expect("checked non-empty").clone();
        let dir = self.parent_mut(&parts, path)?;
        let node = dir.children.get_mut(&name).expect("resolved above");
        f(node.meta_mut());
        Ok(())
    }

    /// Removes a file, symlink or empty directory (`rm`, `rmdir`).
    pub fn remove(&mut self, path: &str) -> Result<(), Error> {
        let parts = self.resolve(path, false)?;
        match self.node_at(&parts) {
            None if parts.is_empty() => Err(Error::Invalid("/".to_string())),
            None => Err(Error::NotFound(path.to_string())),
            Some(Node::Dir(d)) if !d.children.is_empty() => Err(Error::NotEmpty(path.to_string())),
            Some(_) => self.unlink(&parts, path).map(drop),
        }
    }

    /// Removes `path` and everything under it (`rm -rf`); the root is emptied.
    pub fn remove_all(&mut self, path: &str) -> Result<(), Error> {
        let parts = self.resolve(path, false)?;
        if parts.is_empty() {
            Arc::make_mut(&mut self.root).children.clear();
            self.links.clear();
            return Ok(());
        }
        if self.node_at(&parts).is_none() {
            return Err(Error::NotFound(path.to_string()));
        }
        self.unlink(&parts, path).map(drop)
    }

    fn unlink(&mut self, parts: &[String], path: &str) -> Result<Node, Error> {
        let name = parts.last().expect("never the root").clone();
        let full = join(parts);
        let dir = self.parent_mut(parts, path)?;
        let old = dir
            .children
            .remove(&name)
            .ok_or_else(|| Error::NotFound(path.to_string()))?;
        self.forget_links(&full, &old);
        Ok(old)
    }

    /// Empties a directory, keeping it and its metadata (an opaque whiteout).
    pub fn clear_dir(&mut self, path: &str) -> Result<(), Error> {
        let parts = self.resolve(path, true)?;
        if parts.is_empty() {
            return self.remove_all("/");
        }
        let full = join(&parts);
        let name = parts.last().expect("checked").clone();
        let dir = self.parent_mut(&parts, path)?;
        match dir.children.get_mut(&name) {
            Some(Node::Dir(d)) => {
                Arc::make_mut(d).children.clear();
            }
            Some(_) => return Err(Error::NotADirectory(path.to_string())),
            None => return Err(Error::NotFound(path.to_string())),
        }
        let dummy = Node::Dir(Arc::new(Dir::default()));
        self.forget_links(&full, &dummy);
        Ok(())
    }

    /// `mv`: moves `from` to `to`, replacing a file there (not a non-empty
    /// directory), never into itself.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), Error> {
        let src = self.resolve(from, false)?;
        if src.is_empty() {
            return Err(Error::Invalid(from.to_string()));
        }
        let dst = self.resolve(to, false)?;
        if dst.is_empty() || dst.starts_with(&src) && dst.len() > src.len() {
            return Err(Error::Invalid(to.to_string()));
        }
        if src == dst {
            return Ok(());
        }
        match (self.node_at(&src), self.node_at(&dst)) {
            (None, _) => return Err(Error::NotFound(from.to_string())),
            (Some(Node::Dir(_)), Some(Node::Dir(d))) if !d.children.is_empty() => {
                return Err(Error::NotEmpty(to.to_string()));
            }
            (Some(Node::Dir(_)), Some(n)) if n.kind() != Kind::Dir => {
                return Err(Error::NotADirectory(to.to_string()));
            }
            (Some(n), Some(Node::Dir(_))) if n.kind() != Kind::Dir => {
                return Err(Error::IsADirectory(to.to_string()));
            }
            _ => {}
        }
        let src_path = join(&src);
        let dst_path = join(&dst);
        // Hardlink groups follow their names.
        let prefix = format!("{src_path}/");
        let moved: Vec<(u64, String)> = self
            .links
            .iter()
            .flat_map(|(ino, g)| {
                g.iter()
                    .filter(|p| **p == src_path || p.starts_with(&prefix))
                    .map(move |p| (*ino, p.clone()))
            })
            .collect();
        let name = src.last().expect("checked").clone();
        let node = self
            .parent_mut(&src, from)?
            .children
            .remove(&name)
            .expect("resolved above");
        let dname = dst.last().expect("checked").clone();
        if let Some(old) = self.parent_mut(&dst, to)?.children.insert(dname, node) {
            self.forget_links(&dst_path, &old);
        }
        for (ino, p) in moved {
            if let Some(g) = self.links.get_mut(&ino) {
                g.remove(&p);
                g.insert(format!("{dst_path}{}", &p[src_path.len()..]));
            }
        }
        Ok(())
    }

    /// Bytes of file content and symlink targets in the whole tree.
    /// The bytes of every file and link target, a file with several names
    /// (hardlinks) counted once, as du and a layer's tar count it.
    pub fn total_size(&self) -> u64 {
        fn size(d: &Dir, seen: &mut BTreeSet<u64>) -> u64 {
            d.children
                .values()
                .map(|n| match n {
                    Node::Dir(d) => size(d, seen),
                    Node::File(f) if f.ino != 0 && !seen.insert(f.ino) => 0,
                    n => n.size(),
                })
                .sum()
        }
        size(&self.root, &mut BTreeSet::new())
    }

    /// The names of every hardlink group with two or more names.
    pub fn link_groups(&self) -> impl Iterator<Item = (&u64, &BTreeSet<String>)> {
        self.links.iter()
    }
}

fn truncate(path: &str) -> String {
    let mut end = path.len().min(64);
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    if end < path.len() {
        format!("{}…", &path[..end])
    } else {
        path.to_string()
    }
}

fn collect_children(d: &Dir) -> Vec<(String, Node)> {
    d.children
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn walk_dir(base: &str, d: &Dir, out: &mut Vec<(String, Node)>) {
    for (name, node) in &d.children {
        let path = format!("{base}/{name}");
        out.push((path.clone(), node.clone()));
        if let Node::Dir(sub) = node {
            walk_dir(&path, sub, out);
        }
    }
}

#[cfg(test)]
mod tests;
