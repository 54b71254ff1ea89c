//! COPY and ADD on the virtual filesystem, with BuildKit's rules: sources are
//! paths (or Go wildcards) under the source root, a directory source copies
//! its contents, a destination ending in `/` (or an existing directory) takes
//! sources by name, missing parents are created, owners come from `--chown`
//! (names looked up in the destination's /etc/passwd and /etc/group) and are
//! root otherwise, every timestamp is the build's epoch.

use std::collections::BTreeMap;
use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use super::dockerignore::Dockerignore;
use crate::vfs::{self, Fs, Meta, Node};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CopyError {
    #[error("failed to compute cache key: \"{0}\": not found")]
    NotFound(String),
    #[error("forbidden path outside the build context: {0} ()")]
    OutsideContext(String),
    #[error("syntax error in pattern: {0}")]
    BadPattern(String),
    #[error("invalid chmod parameter: {0}")]
    BadChmod(String),
    #[error(
        "unable to convert uid/gid chown string to host mapping: can't find {kind} for {kind_name} {name}: no such {kind_name}: {name}"
    )]
    UnknownOwner {
        kind: &'static str,
        kind_name: &'static str,
        name: String,
    },
    #[error("{0}")]
    Fs(#[from] vfs::Error),
}

/// One source of a COPY/ADD: a path pattern in the source tree, or an inline
/// heredoc file.
#[derive(Debug, Clone)]
pub enum Source {
    Path(String),
    Inline { name: String, data: Arc<[u8]> },
}

/// A file or directory a source selected, with its path relative to the source root.
#[derive(Debug, Clone)]
pub struct Selected {
    /// Relative to the source root, no leading `/` (`""` for the root itself).
    pub rel: String,
    pub node: Node,
    /// Where it lands relative to the destination directory when the
    /// destination is a directory (its base name, or its path for --parents).
    pub land: String,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub chown: Option<String>,
    pub chmod: Option<String>,
    pub exclude: Vec<String>,
    pub parents: bool,
    pub epoch: i64,
    /// The instruction name for messages (`COPY` or `ADD`).
    pub instruction: &'static str,
}

/// Whether `s` is a Go `filepath.Match` pattern.
fn has_meta(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Go's `filepath.Match` for one path component.
pub fn go_match(pattern: &str, name: &str) -> Result<bool, CopyError> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    fn class(p: &[char], mut i: usize, c: char) -> Result<(bool, usize), ()> {
        // p[i] is just after '['.
        let mut negate = false;
        if i < p.len() && p[i] == '^' {
            negate = true;
            i += 1;
        }
        let mut matched = false;
        let mut first = true;
        loop {
            if i >= p.len() {
                return Err(());
            }
            if p[i] == ']' && !first {
                i += 1;
                break;
            }
            first = false;
            let mut lo = p[i];
            if lo == '\\' {
                i += 1;
                lo = *p.get(i).ok_or(())?;
            }
            i += 1;
            let mut hi = lo;
            if i + 1 < p.len() && p[i] == '-' && p[i + 1] != ']' {
                hi = p[i + 1];
                if hi == '\\' {
                    hi = *p.get(i + 2).ok_or(())?;
                    i += 1;
                }
                i += 2;
            }
            if lo <= c && c <= hi {
                matched = true;
            }
        }
        Ok((matched != negate, i))
    }
    // Iterative matcher with backtracking on the last '*'.
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    let bad = || CopyError::BadPattern(pattern.to_string());
    loop {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' if ni < n.len() && n[ni] != '/' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' if ni < n.len() => {
                    let (ok, next) = class(&p, pi + 1, n[ni]).map_err(|_| bad())?;
                    if ok {
                        pi = next;
                        ni += 1;
                        continue;
                    }
                }
                '\\' if pi + 1 < p.len() && ni < n.len() && p[pi + 1] == n[ni] => {
                    pi += 2;
                    ni += 1;
                    continue;
                }
                '\\' if pi + 1 >= p.len() => return Err(bad()),
                c if c != '?' && c != '[' && c != '\\' && ni < n.len() && c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        } else if ni == n.len() {
            return Ok(true);
        }
        match star {
            Some((sp, sn)) if sn < n.len() && n[sn] != '/' => {
                star = Some((sp, sn + 1));
                pi = sp + 1;
                ni = sn + 1;
            }
            _ => {
                // Go reports a malformed class even when an earlier part failed.
                if p[pi.min(p.len())..].contains(&'[') {
                    let mut j = 0;
                    while j < p.len() {
                        if p[j] == '[' {
                            let (_, next) = class(&p, j + 1, '\0').map_err(|_| bad())?;
                            j = next;
                        } else {
                            j += 1;
                        }
                    }
                }
                return Ok(false);
            }
        }
    }
}

/// Resolves one source path (or pattern) under `root` of `src`.
///
/// `context` says whether `src` is the build context, where a path that
/// climbs out with `..` is refused rather than clamped.
pub fn select(
    src: &Fs,
    root: &str,
    pattern: &str,
    context: bool,
    parents: bool,
) -> Result<Vec<Selected>, CopyError> {
    // `--parents` pivot: everything before `/./` is dropped from where it lands.
    let (pivot, pattern_path) = match pattern.find("/./") {
        Some(i) => (
            Some(vfs::clean(&pattern[..i])),
            pattern.replacen("/./", "/", 1),
        ),
        None => (None, pattern.to_string()),
    };
    if context && escapes(&pattern_path) {
        return Err(CopyError::OutsideContext(pattern.to_string()));
    }
    let cleaned = vfs::clean(&pattern_path);
    let parts: Vec<&str> = cleaned.split('/').filter(|c| !c.is_empty()).collect();
    let mut found: Vec<String> = vec![String::new()];
    for (i, comp) in parts.iter().enumerate() {
        let mut next = Vec::new();
        for base in &found {
            let dir = format!("{root}/{base}");
            if has_meta(comp) {
                let entries = match src.read_dir(&dir) {
                    Ok(e) => e,
                    Err(_) => continue,
                };
                for (name, _) in entries {
                    if go_match(comp, &name)? {
                        next.push(join_rel(base, &name));
                    }
                }
            } else {
                let rel = join_rel(base, comp);
                let last = i + 1 == parts.len();
                // Intermediate components must be directories (or links to them).
                if last
                    || matches!(
                        src.get(&format!("{root}/{rel}"), true),
                        Ok(Some(Node::Dir(_))) | Ok(None)
                    )
                {
                    next.push(rel);
                }
            }
        }
        found = next;
    }
    let mut out = Vec::new();
    for rel in found {
        // The top-level source follows symlinks (BuildKit's FollowPaths).
        let node = match src.get(&format!("{root}/{rel}"), true) {
            Ok(Some(n)) => n.clone(),
            Ok(None) => Node::Dir(Arc::new(src.root().clone())),
            Err(_) => continue,
        };
        let land = match &pivot {
            Some(p) => rel
                .strip_prefix(p.trim_start_matches('/'))
                .unwrap_or(&rel)
                .trim_start_matches('/')
                .to_string(),
            None if parents => rel.clone(),
            None => rel.rsplit('/').next().unwrap_or("").to_string(),
        };
        out.push(Selected { rel, node, land });
    }
    if out.is_empty() {
        let shown = if has_meta(&cleaned) {
            format!("{} (no source files were specified)", cleaned)
        } else {
            cleaned
        };
        return Err(CopyError::NotFound(shown));
    }
    Ok(out)
}

fn join_rel(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_string()
    } else {
        format!("{base}/{name}")
    }
}

/// Whether a relative path climbs above where it starts.
fn escapes(path: &str) -> bool {
    let mut depth: i64 = 0;
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

/// The content checksum of what a COPY selected: every file's path, type,
/// mode, owner, link target and bytes — not its mtime — so that `touch`
/// keeps the cache and `chmod` or an edit does not.
pub fn checksum(
    selected: &[Selected],
    excludes: &Dockerignore,
) -> (String, BTreeMap<String, String>) {
    let mut files = BTreeMap::new();
    for s in selected {
        walk_selected(s, excludes, &mut |rel, node| {
            files.insert(rel.to_string(), node_digest(node));
        });
    }
    let mut h = Sha256::new();
    for (path, d) in &files {
        h.update(path.as_bytes());
        h.update([0]);
        h.update(d.as_bytes());
        h.update([0]);
    }
    (hex(&h.finalize()), files)
}

fn node_digest(node: &Node) -> String {
    let mut h = Sha256::new();
    let m = node.meta();
    match node {
        Node::File(f) => {
            h.update(b"file\0");
            f.data.chunks(|c| h.update(c));
        }
        Node::Dir(_) => h.update(b"dir\0"),
        Node::Symlink(l) => {
            h.update(b"symlink\0");
            h.update(l.target.as_bytes());
        }
    }
    h.update(format!("\0{:o}\0{}\0{}", m.mode, m.uid, m.gid).as_bytes());
    hex(&h.finalize())
}

pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// Calls `f` for the selection and, for a directory, everything under it
/// that `--exclude` keeps, with paths relative to the source root.
fn walk_selected(s: &Selected, excludes: &Dockerignore, f: &mut impl FnMut(&str, &Node)) {
    fn rec(
        rel: &str,
        inner: &str,
        node: &Node,
        ex: &Dockerignore,
        f: &mut impl FnMut(&str, &Node),
    ) {
        if !inner.is_empty() && !ex.is_empty() && ex.matches(inner) {
            return;
        }
        f(rel, node);
        if let Node::Dir(d) = node {
            for (name, child) in &d.children {
                rec(&join_rel(rel, name), &join_rel(inner, name), child, ex, f);
            }
        }
    }
    let inner = if matches!(s.node, Node::Dir(_)) {
        ""
    } else {
        s.rel.as_str()
    };
    rec(&s.rel, inner, &s.node, excludes, f);
}

/// Parses `--chmod`: octal modes only (BuildKit's classic form).
pub fn parse_chmod(s: &str) -> Result<u32, CopyError> {
    match u32::from_str_radix(s, 8) {
        Ok(m) if m <= 0o7777 => Ok(m),
        _ => Err(CopyError::BadChmod(s.to_string())),
    }
}

/// Resolves `--chown=user[:group]` against the destination's /etc/passwd and
/// /etc/group, as BuildKit does. A user alone also takes the user's group.
pub fn parse_chown(s: &str, fs: &Fs) -> Result<(u32, u32), CopyError> {
    let (user, group) = match s.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (s, None),
    };
    let passwd = read_db(fs, "/etc/passwd");
    let lookup_user = |u: &str| -> Result<(u32, Option<u32>), CopyError> {
        if let Ok(n) = u.parse::<u32>() {
            let gid = passwd
                .iter()
                .find(|r| r.get(2).and_then(|x| x.parse().ok()) == Some(n));
            return Ok((n, gid.and_then(|r| r.get(3)?.parse().ok())));
        }
        passwd
            .iter()
            .find(|r| r.first().map(String::as_str) == Some(u))
            .and_then(|r| {
                Some((
                    r.get(2)?.parse().ok()?,
                    r.get(3).and_then(|g| g.parse().ok()),
                ))
            })
            .ok_or_else(|| CopyError::UnknownOwner {
                kind: "uid",
                kind_name: "user",
                name: u.to_string(),
            })
    };
    let (uid, user_gid) = lookup_user(user)?;
    let gid = match group {
        Some(g) => match g.parse::<u32>() {
            Ok(n) => n,
            Err(_) => read_db(fs, "/etc/group")
                .iter()
                .find(|r| r.first().map(String::as_str) == Some(g))
                .and_then(|r| r.get(2)?.parse().ok())
                .ok_or_else(|| CopyError::UnknownOwner {
                    kind: "gid",
                    kind_name: "group",
                    name: g.to_string(),
                })?,
        },
        // BuildKit: a user without a group gets gid = uid when numeric, else the user's group.
        None => {
            if user.parse::<u32>().is_ok() {
                uid
            } else {
                user_gid.unwrap_or(uid)
            }
        }
    };
    Ok((uid, gid))
}

fn read_db(fs: &Fs, path: &str) -> Vec<Vec<String>> {
    let Ok(data) = fs.read_file(path) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&data)
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split(':').map(str::to_string).collect())
        .collect()
}

/// Copies every selection of one source into `dst` at `dest` (absolute,
/// trailing `/` kept as the caller wrote it).
pub fn copy_into(
    dst: &mut Fs,
    dest: &str,
    selections: &[Selected],
    opts: &Options,
    owner: Option<(u32, u32)>,
    chmod: Option<u32>,
) -> Result<(), CopyError> {
    let excludes = Dockerignore::parse(&opts.exclude.join("\n"))
        .map_err(|e| CopyError::BadPattern(e.message))?;
    // BuildKit (unlike the classic builder) accepts several sources and a
    // destination without a slash: each lands on the same path. Several
    // wildcard matches make the destination a directory.
    let slash = dest.ends_with('/') || dest.ends_with("/.");
    let dest_is_dir = slash
        || selections.len() > 1
        || matches!(dst.get(dest, true), Ok(Some(Node::Dir(_))) | Ok(None));
    let (uid, gid) = owner.unwrap_or((0, 0));
    let dir_meta = Meta {
        mode: 0o755,
        uid,
        gid,
        mtime: opts.epoch,
    };
    let dest_clean = vfs::clean(dest);
    for s in selections {
        let target = match &s.node {
            Node::Dir(_) if opts.parents && !s.land.is_empty() => {
                format!("{dest_clean}/{}", s.land)
            }
            Node::Dir(_) => dest_clean.clone(),
            _ if dest_is_dir => format!("{}/{}", dest_clean.trim_end_matches('/'), s.land),
            _ => dest_clean.clone(),
        };
        let target = vfs::clean(&target);
        if let Some(i) = target.rfind('/') {
            let parent = if i == 0 { "/" } else { &target[..i] };
            dst.mkdir_all(parent, dir_meta)?;
        }
        let mut linked: BTreeMap<u64, String> = BTreeMap::new();
        let mut put = |rel_inside: &str, node: &Node| -> Result<(), CopyError> {
            let path = if rel_inside.is_empty() {
                target.clone()
            } else {
                format!("{}/{rel_inside}", target.trim_end_matches('/'))
            };
            let mut meta = node.meta();
            meta.uid = uid;
            meta.gid = gid;
            meta.mtime = opts.epoch;
            if let Some(m) = chmod {
                meta.mode = m;
            }
            match node {
                Node::Dir(_) => match dst.get(&path, true) {
                    Ok(Some(Node::Dir(_))) | Ok(None) if rel_inside.is_empty() => {
                        // Copying a directory's contents into an existing
                        // directory leaves the directory itself alone.
                    }
                    Ok(Some(Node::Dir(_))) => {
                        dst.update_meta(&path, true, |m| *m = meta)?;
                    }
                    _ => {
                        dst.mkdir_all(&path, meta)?;
                    }
                },
                Node::File(f) => {
                    if let Ok(Some(Node::Dir(_))) = dst.get(&path, false) {
                        dst.remove_all(&path)?;
                    }
                    // Hardlinked sources stay linked in the copy, as BuildKit
                    // and buildah copy them.
                    if f.ino != 0 {
                        if let Some(first) = linked.get(&f.ino) {
                            if dst.get(&path, false).is_ok() {
                                dst.remove_all(&path)?;
                            }
                            dst.hardlink(first, &path)?;
                            return Ok(());
                        }
                        linked.insert(f.ino, path.clone());
                    }
                    dst.put(
                        &path,
                        Node::File(Arc::new(vfs::File {
                            data: f.data.clone(),
                            meta,
                            ino: 0,
                        })),
                    )?;
                }
                Node::Symlink(l) => {
                    meta.mode = 0o777;
                    dst.put(
                        &path,
                        Node::Symlink(Arc::new(vfs::Symlink {
                            target: l.target.clone(),
                            meta,
                        })),
                    )?;
                }
            }
            Ok(())
        };
        let mut result = Ok(());
        let base_len = if matches!(s.node, Node::Dir(_)) {
            s.rel.len()
        } else {
            usize::MAX
        };
        walk_selected(s, &excludes, &mut |rel, node| {
            if result.is_err() {
                return;
            }
            let inside = if base_len == usize::MAX {
                ""
            } else {
                rel[base_len..].trim_start_matches('/')
            };
            result = put(inside, node);
        });
        result?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
