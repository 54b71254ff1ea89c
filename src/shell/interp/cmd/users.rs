//! The shadow-utils account tools as Debian ships them: `useradd`,
//! `groupadd`, `usermod`, `userdel`, `groupdel`, working on /etc/passwd,
//! /etc/group and, when the image has them, /etc/shadow and /etc/gshadow.
//! Debian's defaults (login.defs and /etc/default/useradd): a group per
//! user (`USERGROUPS_ENAB yes`, with the user's id when it is free), ids
//! from 1000 up, system ids (`-r`) from 999 down, home /home/NAME made only
//! with `-m` (mode 0755, /etc/skel copied into it), shell /bin/sh. Messages
//! and exit statuses are shadow's (`useradd: user 'x' already exists`, 9).
//! `useradd -D`, passwords other than `-p HASH`, SELinux and subordinate
//! ids are not simulated. The account database helpers here serve
//! `adduser`/`addgroup` too.

use super::super::{Io, R, Shell};
use crate::vfs::{self, Dir, File, Meta, Node, Symlink};
use std::sync::Arc;

/// The account files, as lines split on `:`.
pub struct Db {
    pub passwd: Vec<Vec<String>>,
    pub group: Vec<Vec<String>>,
    pub shadow: Option<Vec<Vec<String>>>,
    pub gshadow: Option<Vec<Vec<String>>>,
}

fn load(sh: &Shell, path: &str) -> Option<Vec<Vec<String>>> {
    let d = sh.ctx.fs.read_file(path).ok()?;
    Some(
        String::from_utf8_lossy(&d)
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.split(':').map(str::to_string).collect())
            .collect(),
    )
}

fn id_of(row: &[String]) -> Option<u32> {
    row.get(2)?.parse().ok()
}

impl Db {
    pub fn load(sh: &Shell) -> Db {
        Db {
            passwd: load(sh, "/etc/passwd").unwrap_or_default(),
            group: load(sh, "/etc/group").unwrap_or_default(),
            shadow: load(sh, "/etc/shadow"),
            gshadow: load(sh, "/etc/gshadow"),
        }
    }

    /// Writes the files back (those that exist, and passwd and group).
    pub fn save(&self, sh: &mut Shell) -> Result<(), vfs::Error> {
        let files = [
            ("/etc/passwd", Some(&self.passwd), 0o644),
            ("/etc/group", Some(&self.group), 0o644),
            ("/etc/shadow", self.shadow.as_ref(), 0o640),
            ("/etc/gshadow", self.gshadow.as_ref(), 0o640),
        ];
        for (path, rows, mode) in files {
            let Some(rows) = rows else { continue };
            let text: String = rows.iter().map(|r| format!("{}\n", r.join(":"))).collect();
            let old = sh.ctx.fs.read_file(path).ok();
            if old.as_deref() == Some(text.as_bytes()) {
                continue;
            }
            let _ = sh.count_written(text.len() as u64);
            let mtime = sh.ctx.mtime;
            if old.is_some() {
                sh.ctx.fs.set_contents(path, text.into_bytes())?;
                sh.ctx.fs.update_meta(path, true, |m| m.mtime = mtime)?;
            } else {
                let meta = Meta {
                    mode,
                    uid: 0,
                    gid: 0,
                    mtime,
                };
                if !sh.ctx.fs.exists("/etc") {
                    sh.ctx.fs.mkdir_all(
                        "/etc",
                        Meta {
                            mode: 0o755,
                            ..meta
                        },
                    )?;
                }
                sh.ctx.fs.write_file(path, text.into_bytes(), meta)?;
            }
        }
        Ok(())
    }

    pub fn user(&self, name: &str) -> Option<&Vec<String>> {
        self.passwd.iter().find(|r| r[0] == name)
    }

    pub fn group_row(&self, name: &str) -> Option<&Vec<String>> {
        self.group.iter().find(|r| r[0] == name)
    }

    /// A group by name or number: its name and gid.
    pub fn find_group(&self, spec: &str) -> Option<(String, u32)> {
        if let Some(r) = self.group_row(spec) {
            return Some((r[0].clone(), id_of(r)?));
        }
        let n: u32 = spec.parse().ok()?;
        self.group
            .iter()
            .find(|r| id_of(r) == Some(n))
            .map(|r| (r[0].clone(), n))
    }

    pub fn uid_used(&self, id: u32) -> bool {
        self.passwd.iter().any(|r| id_of(r) == Some(id))
    }

    pub fn gid_used(&self, id: u32) -> bool {
        self.group.iter().any(|r| id_of(r) == Some(id))
    }

    /// The first id in `lo..=hi` (from the top when `down`) that `used` says is free.
    pub fn free(lo: u32, hi: u32, down: bool, used: impl Fn(u32) -> bool) -> Option<u32> {
        if down {
            (lo..=hi).rev().find(|i| !used(*i))
        } else {
            (lo..=hi).find(|i| !used(*i))
        }
    }

    /// The next id after the highest used in `lo..=hi` (shadow's rule for
    /// normal accounts), or the first free one when the top is taken.
    pub fn next_after_highest(
        lo: u32,
        hi: u32,
        ids: impl Iterator<Item = u32>,
        used: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        let top = ids.filter(|i| (lo..=hi).contains(i)).max();
        match top {
            None => Some(lo),
            Some(t) if t < hi => Some(t + 1),
            Some(_) => Db::free(lo, hi, false, used),
        }
    }

    pub fn add_group(&mut self, name: &str, gid: u32, password: &str) {
        self.group.push(vec![
            name.into(),
            "x".into(),
            gid.to_string(),
            String::new(),
        ]);
        if let Some(gs) = &mut self.gshadow {
            gs.push(vec![
                name.into(),
                password.into(),
                String::new(),
                String::new(),
            ]);
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn add_user(
        &mut self,
        name: &str,
        uid: u32,
        gid: u32,
        gecos: &str,
        home: &str,
        shell: &str,
        password: &str,
        days: i64,
    ) {
        self.passwd.push(vec![
            name.into(),
            "x".into(),
            uid.to_string(),
            gid.to_string(),
            gecos.into(),
            home.into(),
            shell.into(),
        ]);
        if let Some(s) = &mut self.shadow {
            s.push(
                [
                    name,
                    password,
                    &days.to_string(),
                    "0",
                    "99999",
                    "7",
                    "",
                    "",
                    "",
                ]
                .map(str::to_string)
                .to_vec(),
            );
        }
    }

    /// Adds `user` to the member list of `group` (once).
    pub fn add_member(&mut self, group: &str, user: &str) {
        for (rows, col) in [(Some(&mut self.group), 3), (self.gshadow.as_mut(), 3)] {
            let Some(rows) = rows else { continue };
            if let Some(r) = rows.iter_mut().find(|r| r[0] == group) {
                while r.len() <= col {
                    r.push(String::new());
                }
                let mut members: Vec<&str> = r[col].split(',').filter(|m| !m.is_empty()).collect();
                if !members.contains(&user) {
                    members.push(user);
                }
                r[col] = members.join(",");
            }
        }
    }

    /// Removes `user` from every member list (except `keep`).
    pub fn remove_member(&mut self, user: &str, keep: &[String]) {
        for rows in [Some(&mut self.group), self.gshadow.as_mut()]
            .into_iter()
            .flatten()
        {
            for r in rows.iter_mut().filter(|r| !keep.contains(&r[0])) {
                if let Some(m) = r.get_mut(3) {
                    *m = m
                        .split(',')
                        .filter(|x| !x.is_empty() && *x != user)
                        .collect::<Vec<_>>()
                        .join(",");
                }
            }
        }
    }
}

/// The name rule of shadow (and BusyBox): `[a-z_][a-z0-9_-]*[$]?`, 32 at most.
pub fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 32
        && (b[0].is_ascii_lowercase() || b[0] == b'_')
        && b.iter().enumerate().all(|(i, c)| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || *c == b'_'
                || *c == b'-'
                || (*c == b'$' && i == b.len() - 1)
        })
}

/// Makes `home` for `uid:gid` with `mode`, a copy of `skel` (if it exists)
/// inside. `Ok(false)` when it already existed (nothing copied).
pub fn make_home(
    sh: &mut Shell,
    home: &str,
    skel: &str,
    uid: u32,
    gid: u32,
    mode: u32,
) -> Result<bool, vfs::Error> {
    if sh.ctx.fs.lstat(home).is_ok() {
        return Ok(false);
    }
    let mtime = sh.ctx.mtime;
    if let Some((parent, _)) = home.rsplit_once('/')
        && !parent.is_empty()
        && !sh.ctx.fs.exists(parent)
    {
        sh.ctx.fs.mkdir_all(
            parent,
            Meta {
                mode: 0o755,
                uid: 0,
                gid: 0,
                mtime,
            },
        )?;
    }
    let meta = Meta {
        mode,
        uid,
        gid,
        mtime,
    };
    sh.ctx.fs.put(
        home,
        Node::Dir(Arc::new(Dir {
            meta,
            children: Default::default(),
        })),
    )?;
    let nodes = match sh.ctx.fs.stat(skel) {
        Ok(st) if st.kind == vfs::Kind::Dir => sh.ctx.fs.walk(skel)?,
        _ => return Ok(true),
    };
    let base = nodes.first().map(|(p, _)| p.clone()).unwrap_or_default();
    for (path, node) in nodes.into_iter().skip(1) {
        let to = format!("{home}{}", &path[base.len()..]);
        let own = |m: Meta| Meta { uid, gid, ..m };
        let _ = sh.count_written(node.size());
        let new = match node {
            Node::File(f) => Node::File(Arc::new(File {
                data: f.data.clone(),
                meta: own(f.meta),
                ino: 0,
            })),
            Node::Dir(d) => Node::Dir(Arc::new(Dir {
                meta: own(d.meta),
                children: Default::default(),
            })),
            Node::Symlink(l) => Node::Symlink(Arc::new(Symlink {
                target: l.target.clone(),
                meta: own(l.meta),
            })),
        };
        sh.ctx.fs.put(&to, new)?;
    }
    Ok(true)
}

fn usage(sh: &mut Shell, io: &Io, name: &str) -> R {
    sh.err(
        io,
        format!(
            "Usage: {name} [options] {}\n",
            if name.starts_with("group") {
                "GROUP"
            } else {
                "LOGIN"
            }
        ),
    )?;
    Ok(2)
}

/// Options of one shadow tool: flags, values, the operand.
struct Parsed {
    flags: Vec<char>,
    values: Vec<(char, String)>,
    operands: Vec<String>,
}

impl Parsed {
    fn has(&self, c: char) -> bool {
        self.flags.contains(&c)
    }
    fn get(&self, c: char) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(k, _)| *k == c)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses argv with `with_value` letters taking a value and `longs` mapping long names to letters.
fn parse(argv: &[String], with_value: &str, longs: &[(&str, char)]) -> Result<Parsed, String> {
    let mut p = Parsed {
        flags: Vec::new(),
        values: Vec::new(),
        operands: Vec::new(),
    };
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if a == "--" {
            p.operands.extend(argv[i..].iter().cloned());
            break;
        }
        if let Some(l) = a.strip_prefix("--") {
            let (k, v) = match l.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (l, None),
            };
            // getopt_long takes any unambiguous abbreviation (`--home`).
            let exact = longs.iter().find(|(n, _)| *n == k);
            let mut prefixed = longs.iter().filter(|(n, _)| n.starts_with(k));
            let found = match (exact, prefixed.next(), prefixed.next()) {
                (Some(e), _, _) => Some(e),
                (None, Some(one), None) => Some(one),
                (None, Some(_), Some(_)) => {
                    return Err(format!("option '--{k}' is ambiguous"));
                }
                _ => None,
            };
            let Some((_, c)) = found else {
                return Err(format!("unrecognized option '--{k}'"));
            };
            if with_value.contains(*c) {
                let v = match v {
                    Some(v) => v,
                    None => {
                        i += 1;
                        argv.get(i - 1)
                            .cloned()
                            .ok_or_else(|| format!("option '--{k}' requires an argument"))?
                    }
                };
                p.values.push((*c, v));
            } else {
                p.flags.push(*c);
            }
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            let letters: Vec<char> = a[1..].chars().collect();
            for (k, c) in letters.iter().enumerate() {
                if with_value.contains(*c) {
                    let rest: String = letters[k + 1..].iter().collect();
                    let v = if rest.is_empty() {
                        i += 1;
                        argv.get(i - 1)
                            .cloned()
                            .ok_or_else(|| format!("option requires an argument -- '{c}'"))?
                    } else {
                        rest
                    };
                    p.values.push((*c, v));
                    break;
                }
                p.flags.push(*c);
            }
            continue;
        }
        p.operands.push(a.clone());
    }
    Ok(p)
}

fn bad_usage(sh: &mut Shell, io: &Io, name: &str, msg: &str) -> R {
    sh.err(io, format!("{name}: {msg}\n"))?;
    usage(sh, io, name)
}

pub fn useradd(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    const LONGS: &[(&str, char)] = &[
        ("create-home", 'm'),
        ("no-create-home", 'M'),
        ("home-dir", 'd'),
        ("shell", 's'),
        ("uid", 'u'),
        ("gid", 'g'),
        ("groups", 'G'),
        ("system", 'r'),
        ("user-group", 'U'),
        ("no-user-group", 'N'),
        ("no-log-init", 'l'),
        ("comment", 'c'),
        ("skel", 'k'),
        ("password", 'p'),
        ("non-unique", 'o'),
        ("expiredate", 'e'),
        ("inactive", 'f'),
        ("base-dir", 'b'),
        ("key", 'K'),
        ("badname", 'B'),
        ("defaults", 'D'),
    ];
    let p = match parse(argv, "dsugGckpefbK", LONGS) {
        Ok(p) => p,
        Err(m) => return bad_usage(sh, io, "useradd", &m),
    };
    if p.has('D') {
        sh.unsimulated("useradd");
        return Ok(0);
    }
    let [name] = p.operands.as_slice() else {
        return usage(sh, io, "useradd");
    };
    if !valid_name(name) && !p.has('B') {
        sh.err(
            io,
            format!("useradd: invalid user name '{name}': use --badname to ignore\n"),
        )?;
        return Ok(3);
    }
    let mut db = Db::load(sh);
    if db.user(name).is_some() {
        sh.err(io, format!("useradd: user '{name}' already exists\n"))?;
        return Ok(9);
    }
    let system = p.has('r');
    let uid = match p.get('u') {
        Some(u) => match u.parse::<u32>() {
            Ok(u) if db.uid_used(u) && !p.has('o') => {
                sh.err(io, format!("useradd: UID {u} is not unique\n"))?;
                return Ok(4);
            }
            Ok(u) => u,
            Err(_) => {
                sh.err(io, format!("useradd: invalid user ID '{u}'\n"))?;
                return Ok(3);
            }
        },
        None => {
            let found = if system {
                Db::free(100, 999, true, |i| db.uid_used(i))
            } else {
                let ids: Vec<u32> = db.passwd.iter().filter_map(|r| id_of(r)).collect();
                Db::next_after_highest(1000, 60000, ids.into_iter(), |i| db.uid_used(i))
            };
            match found {
                Some(u) => u,
                None => {
                    sh.err(io, "useradd: can't create user\n")?;
                    return Ok(4);
                }
            }
        }
    };
    let mut supplementary = Vec::new();
    if let Some(gs) = p.get('G') {
        for g in gs.split(',').filter(|g| !g.is_empty()) {
            match db.find_group(g) {
                Some((n, _)) => supplementary.push(n),
                None => {
                    sh.err(io, format!("useradd: group '{g}' does not exist\n"))?;
                    return Ok(6);
                }
            }
        }
    }
    let days = sh.ctx.mtime.div_euclid(86_400);
    let gid = match p.get('g') {
        Some(g) => match db.find_group(g) {
            Some((_, gid)) => gid,
            None => {
                sh.err(io, format!("useradd: group '{g}' does not exist\n"))?;
                return Ok(6);
            }
        },
        None if p.has('N') => 100,
        None => {
            if db.group_row(name).is_some() {
                sh.err(io, format!("useradd: group {name} exists - if you want to add this user to that group, use -g.\n"))?;
                return Ok(9);
            }
            let gid = if !db.gid_used(uid) {
                uid
            } else if system {
                Db::free(100, 999, true, |i| db.gid_used(i)).unwrap_or(uid)
            } else {
                let ids: Vec<u32> = db.group.iter().filter_map(|r| id_of(r)).collect();
                Db::next_after_highest(1000, 60000, ids.into_iter(), |i| db.gid_used(i))
                    .unwrap_or(uid)
            };
            db.add_group(name, gid, "!");
            gid
        }
    };
    let home = match p.get('d') {
        Some(d) => d.to_string(),
        None => format!(
            "{}/{name}",
            p.get('b').unwrap_or("/home").trim_end_matches('/')
        ),
    };
    let shell = p.get('s').unwrap_or("/bin/sh").to_string();
    let password = p.get('p').unwrap_or("!").to_string();
    db.add_user(
        name,
        uid,
        gid,
        p.get('c').unwrap_or(""),
        &home,
        &shell,
        &password,
        days,
    );
    for g in &supplementary {
        db.add_member(g, name);
    }
    if let Err(e) = db.save(sh) {
        sh.err(
            io,
            format!("useradd: cannot open /etc/passwd: {}\n", super::why(&e)),
        )?;
        return Ok(1);
    }
    if p.has('m') && !p.has('M') {
        let home_abs = vfs::clean(&home);
        let skel = p.get('k').unwrap_or("/etc/skel").to_string();
        match make_home(sh, &home_abs, &skel, uid, gid, 0o755) {
            Ok(true) => {}
            Ok(false) => sh.err(
                io,
                format!("useradd: warning: the home directory {home} already exists.\nuseradd: Not copying any file from skel directory into it.\n"),
            )?,
            Err(e) => {
                sh.err(io, format!("useradd: cannot create directory {home}: {}\n", super::why(&e)))?;
                return Ok(12);
            }
        }
    }
    Ok(0)
}

pub fn groupadd(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    const LONGS: &[(&str, char)] = &[
        ("gid", 'g'),
        ("system", 'r'),
        ("force", 'f'),
        ("non-unique", 'o'),
        ("key", 'K'),
        ("password", 'p'),
        ("users", 'U'),
    ];
    let p = match parse(argv, "gKpU", LONGS) {
        Ok(p) => p,
        Err(m) => return bad_usage(sh, io, "groupadd", &m),
    };
    let [name] = p.operands.as_slice() else {
        return usage(sh, io, "groupadd");
    };
    if !valid_name(name) {
        sh.err(
            io,
            format!("groupadd: '{name}' is not a valid group name\n"),
        )?;
        return Ok(3);
    }
    let mut db = Db::load(sh);
    if db.group_row(name).is_some() {
        if p.has('f') {
            return Ok(0);
        }
        sh.err(io, format!("groupadd: group '{name}' already exists\n"))?;
        return Ok(9);
    }
    let gid = match p.get('g') {
        Some(g) => match g.parse::<u32>() {
            Ok(g) if db.gid_used(g) && !p.has('o') => {
                if p.has('f') {
                    let ids: Vec<u32> = db.group.iter().filter_map(|r| id_of(r)).collect();
                    Db::next_after_highest(1000, 60000, ids.into_iter(), |i| db.gid_used(i))
                        .unwrap_or(g)
                } else {
                    sh.err(io, format!("groupadd: GID '{g}' already exists\n"))?;
                    return Ok(4);
                }
            }
            Ok(g) => g,
            Err(_) => {
                sh.err(io, format!("groupadd: invalid group ID '{g}'\n"))?;
                return Ok(3);
            }
        },
        None if p.has('r') => match Db::free(100, 999, true, |i| db.gid_used(i)) {
            Some(g) => g,
            None => {
                sh.err(
                    io,
                    "groupadd: Can't get unique system GID (no more available GIDs)\n",
                )?;
                return Ok(4);
            }
        },
        None => {
            let ids: Vec<u32> = db.group.iter().filter_map(|r| id_of(r)).collect();
            match Db::next_after_highest(1000, 60000, ids.into_iter(), |i| db.gid_used(i)) {
                Some(g) => g,
                None => {
                    sh.err(
                        io,
                        "groupadd: Can't get unique GID (no more available GIDs)\n",
                    )?;
                    return Ok(4);
                }
            }
        }
    };
    db.add_group(name, gid, "!");
    if let Some(users) = p.get('U') {
        for u in users.split(',').filter(|u| !u.is_empty()) {
            db.add_member(name, u);
        }
    }
    if let Err(e) = db.save(sh) {
        sh.err(
            io,
            format!("groupadd: cannot open /etc/group: {}\n", super::why(&e)),
        )?;
        return Ok(10);
    }
    Ok(0)
}

pub fn usermod(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    const LONGS: &[(&str, char)] = &[
        ("append", 'a'),
        ("groups", 'G'),
        ("shell", 's'),
        ("home", 'd'),
        ("move-home", 'm'),
        ("uid", 'u'),
        ("gid", 'g'),
        ("login", 'l'),
        ("lock", 'L'),
        ("unlock", 'U'),
        ("comment", 'c'),
        ("non-unique", 'o'),
        ("password", 'p'),
        ("expiredate", 'e'),
        ("inactive", 'f'),
    ];
    let p = match parse(argv, "Gsduglcpef", LONGS) {
        Ok(p) => p,
        Err(m) => return bad_usage(sh, io, "usermod", &m),
    };
    let [name] = p.operands.as_slice() else {
        return usage(sh, io, "usermod");
    };
    if p.flags.is_empty() && p.values.is_empty() {
        sh.err(io, "usermod: no options\n")?;
        return usage(sh, io, "usermod");
    }
    let mut db = Db::load(sh);
    let Some(row) = db.user(name).cloned() else {
        sh.err(io, format!("usermod: user '{name}' does not exist\n"))?;
        return Ok(6);
    };
    let old_uid = id_of(&row).unwrap_or(0);
    let mut groups = Vec::new();
    if let Some(gs) = p.get('G') {
        for g in gs.split(',').filter(|g| !g.is_empty()) {
            match db.find_group(g) {
                Some((n, _)) => groups.push(n),
                None => {
                    sh.err(io, format!("usermod: group '{g}' does not exist\n"))?;
                    return Ok(6);
                }
            }
        }
    }
    let gid = match p.get('g') {
        Some(g) => match db.find_group(g) {
            Some((_, gid)) => Some(gid),
            None => {
                sh.err(io, format!("usermod: group '{g}' does not exist\n"))?;
                return Ok(6);
            }
        },
        None => None,
    };
    let uid = match p.get('u') {
        Some(u) => match u.parse::<u32>() {
            Ok(u) if u != old_uid && db.uid_used(u) && !p.has('o') => {
                sh.err(io, format!("usermod: UID '{u}' already exists\n"))?;
                return Ok(4);
            }
            Ok(u) => Some(u),
            Err(_) => {
                sh.err(io, format!("usermod: invalid user ID '{u}'\n"))?;
                return Ok(3);
            }
        },
        None => None,
    };
    if let Some(l) = p.get('l')
        && l != name
        && db.user(l).is_some()
    {
        sh.err(io, format!("usermod: user '{l}' already exists\n"))?;
        return Ok(9);
    }
    if p.get('G').is_some() {
        if !p.has('a') {
            db.remove_member(name, &groups);
        }
        for g in &groups {
            db.add_member(g, name);
        }
    }
    let old_home = row[5].clone();
    let new_home = p.get('d').map(str::to_string);
    if let Some(r) = db.passwd.iter_mut().find(|r| r[0] == *name) {
        if let Some(u) = uid {
            r[2] = u.to_string();
        }
        if let Some(g) = gid {
            r[3] = g.to_string();
        }
        if let Some(c) = p.get('c') {
            r[4] = c.to_string();
        }
        if let Some(d) = &new_home {
            r[5] = d.clone();
        }
        if let Some(s) = p.get('s') {
            r[6] = s.to_string();
        }
        if let Some(l) = p.get('l') {
            r[0] = l.to_string();
        }
    }
    if let Some(s) = &mut db.shadow
        && let Some(r) = s.iter_mut().find(|r| r[0] == *name)
    {
        if let Some(pw) = p.get('p') {
            r[1] = pw.to_string();
        }
        if p.has('L') && !r[1].starts_with('!') {
            r[1] = format!("!{}", r[1]);
        }
        if p.has('U') {
            r[1] = r[1].trim_start_matches('!').to_string();
        }
        if let Some(l) = p.get('l') {
            r[0] = l.to_string();
        }
    }
    if let Some(l) = p.get('l') {
        for rows in [Some(&mut db.group), db.gshadow.as_mut()]
            .into_iter()
            .flatten()
        {
            for r in rows.iter_mut() {
                if let Some(m) = r.get_mut(3) {
                    *m = m
                        .split(',')
                        .map(|x| if x == name { l } else { x })
                        .collect::<Vec<_>>()
                        .join(",");
                }
            }
        }
    }
    if let Err(e) = db.save(sh) {
        sh.err(
            io,
            format!("usermod: cannot open /etc/passwd: {}\n", super::why(&e)),
        )?;
        return Ok(1);
    }
    let home_now = new_home.clone().unwrap_or(old_home.clone());
    if let (Some(d), true) = (&new_home, p.has('m')) {
        let (from, to) = (vfs::clean(&old_home), vfs::clean(d));
        if sh.ctx.fs.stat(&from).is_ok() && from != to && sh.ctx.fs.rename(&from, &to).is_err() {
            sh.err(
                io,
                format!("usermod: cannot rename directory {old_home} to {d}\n"),
            )?;
            return Ok(12);
        }
    }
    // A new uid (or gid) is given to what the user owns in the home directory.
    if uid.is_some() || gid.is_some() {
        let home_abs = vfs::clean(&home_now);
        let old_gid: u32 = row[3].parse().unwrap_or(0);
        if let Ok(nodes) = sh.ctx.fs.walk(&home_abs) {
            for (path, node) in nodes {
                let m = node.meta();
                if m.uid == old_uid {
                    let _ = sh.ctx.fs.update_meta(&path, false, |m| {
                        if let Some(u) = uid {
                            m.uid = u;
                        }
                        if let Some(g) = gid
                            && m.gid == old_gid
                        {
                            m.gid = g;
                        }
                    });
                }
            }
        }
    }
    Ok(0)
}

pub fn userdel(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    const LONGS: &[(&str, char)] = &[("remove", 'r'), ("force", 'f')];
    let p = match parse(argv, "", LONGS) {
        Ok(p) => p,
        Err(m) => return bad_usage(sh, io, "userdel", &m),
    };
    let [name] = p.operands.as_slice() else {
        return usage(sh, io, "userdel");
    };
    let prog = argv[0].rsplit('/').next().unwrap_or("userdel").to_string();
    let mut db = Db::load(sh);
    let Some(row) = db.user(name).cloned() else {
        if prog == "deluser" {
            sh.err(io, format!("deluser: unknown user {name}\n"))?;
            return Ok(1);
        }
        sh.err(io, format!("userdel: user '{name}' does not exist\n"))?;
        return Ok(6);
    };
    db.passwd.retain(|r| r[0] != *name);
    if let Some(s) = &mut db.shadow {
        s.retain(|r| r[0] != *name);
    }
    db.remove_member(name, &[]);
    // The user's own group goes too, unless another user has it as primary.
    let gid = row[3].clone();
    let own = db
        .group_row(name)
        .is_some_and(|g| g[2] == gid && g.get(3).is_none_or(|m| m.is_empty()));
    if own && !db.passwd.iter().any(|r| r[3] == gid) {
        db.group.retain(|r| r[0] != *name);
        if let Some(gs) = &mut db.gshadow {
            gs.retain(|r| r[0] != *name);
        }
    }
    if let Err(e) = db.save(sh) {
        sh.err(
            io,
            format!("{prog}: cannot open /etc/passwd: {}\n", super::why(&e)),
        )?;
        return Ok(1);
    }
    if p.has('r') || p.flags.contains(&'R') {
        let home = vfs::clean(&row[5]);
        if home != "/" && sh.ctx.fs.remove_all(&home).is_err() && prog == "userdel" {
            sh.err(
                io,
                format!("userdel: {name} home directory ({}) not found\n", row[5]),
            )?;
        }
    }
    Ok(0)
}

pub fn groupdel(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let p = match parse(argv, "", &[("force", 'f')]) {
        Ok(p) => p,
        Err(m) => return bad_usage(sh, io, "groupdel", &m),
    };
    let prog = argv[0].rsplit('/').next().unwrap_or("groupdel").to_string();
    let [name] = p.operands.as_slice() else {
        return usage(sh, io, "groupdel");
    };
    let mut db = Db::load(sh);
    let Some(g) = db.group_row(name).cloned() else {
        if prog == "delgroup" {
            sh.err(io, format!("delgroup: unknown group {name}\n"))?;
            return Ok(1);
        }
        sh.err(io, format!("groupdel: group '{name}' does not exist\n"))?;
        return Ok(6);
    };
    if let Some(u) = db.passwd.iter().find(|r| r[3] == g[2]) {
        let u = u[0].clone();
        if prog == "delgroup" {
            sh.err(
                io,
                format!("delgroup: '{u}' still has '{name}' as their primary group!\n"),
            )?;
            return Ok(1);
        }
        sh.err(
            io,
            format!("groupdel: cannot remove the primary group of user '{u}'\n"),
        )?;
        return Ok(8);
    }
    db.group.retain(|r| r[0] != *name);
    if let Some(gs) = &mut db.gshadow {
        gs.retain(|r| r[0] != *name);
    }
    if let Err(e) = db.save(sh) {
        sh.err(
            io,
            format!("{prog}: cannot open /etc/group: {}\n", super::why(&e)),
        )?;
        return Ok(10);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in, sh};
    use crate::vfs::Meta;

    fn read(fs: &crate::vfs::Fs, p: &str) -> String {
        String::from_utf8_lossy(&fs.read_file(p).unwrap()).into_owned()
    }

    #[test]
    fn useradd_allocates_ids_and_groups_like_debian() {
        let mut fs = fs();
        fs.write_file(
            "/etc/shadow",
            &b"root:*:19000:0:99999:7:::\n"[..],
            Meta::new(0o640),
        )
        .unwrap();
        fs.mkdir_all("/etc/skel", Meta::new(0o755)).unwrap();
        fs.write_file("/etc/skel/.bashrc", &b"# rc\n"[..], Meta::new(0o644))
            .unwrap();
        let r = run_in(
            &mut fs,
            "useradd -m --shell /bin/bash web && useradd --system --no-log-init --home /home/svc svc && useradd -r -g svc svc2 && groupadd -r sys1 && groupadd extra && useradd -M -N -G extra,svc plain && id web && id -u svc",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert_eq!(r.out, "uid=1001(web) gid=1001(web) groups=1001(web)\n999\n");
        let passwd = read(&fs, "/etc/passwd");
        assert!(passwd.ends_with(
            "web:x:1001:1001::/home/web:/bin/bash\nsvc:x:999:999::/home/svc:/bin/sh\nsvc2:x:998:999::/home/svc2:/bin/sh\nplain:x:1002:100::/home/plain:/bin/sh\n"
        ), "{passwd}");
        let group = read(&fs, "/etc/group");
        assert!(
            group.ends_with("web:x:1001:\nsvc:x:999:plain\nsys1:x:998:\nextra:x:1002:plain\n"),
            "{group}"
        );
        assert!(read(&fs, "/etc/shadow").contains("\nweb:!:19675:0:99999:7:::\n"));
        let st = fs.stat("/home/web/.bashrc").unwrap();
        assert_eq!((st.meta.uid, st.meta.gid), (1001, 1001));
        assert_eq!(fs.stat("/home/web").unwrap().meta.mode, 0o755);
        assert!(fs.stat("/home/svc").is_err());
    }

    #[test]
    fn errors_and_statuses_are_shadows() {
        let r = sh(
            "useradd app; echo $?; useradd -u 0 x; echo $?; useradd -g nope y; echo $?; groupadd app; echo $?; groupadd -f app; echo $?; useradd Bad; echo $?; usermod -s /bin/bash ghost; echo $?; userdel ghost; echo $?; groupdel app; echo $?",
        );
        assert_eq!(r.out, "9\n4\n6\n9\n0\n3\n6\n6\n8\n");
        assert_eq!(
            r.err,
            "useradd: user 'app' already exists\nuseradd: UID 0 is not unique\nuseradd: group 'nope' does not exist\ngroupadd: group 'app' already exists\n\
             useradd: invalid user name 'Bad': use --badname to ignore\nusermod: user 'ghost' does not exist\nuserdel: user 'ghost' does not exist\n\
             groupdel: cannot remove the primary group of user 'app'\n"
        );
    }

    #[test]
    fn usermod_and_userdel() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "mkdir -p /home/app && touch /home/app/f && chown -R app:app /home/app && groupadd docker && usermod -aG docker app && usermod -u 1500 -s /bin/bash app && useradd -m gone && userdel -r gone",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(read(&fs, "/etc/passwd").contains("app:x:1500:1000::/home/app:/bin/bash\n"));
        assert!(read(&fs, "/etc/group").contains("docker:x:1001:app\n"));
        assert!(!read(&fs, "/etc/group").contains("gone"));
        assert_eq!(fs.stat("/home/app/f").unwrap().meta.uid, 1500);
        assert!(fs.stat("/home/gone").is_err());
    }
}
