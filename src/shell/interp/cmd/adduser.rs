//! `adduser`, `addgroup`, `deluser`, `delgroup` in the image's flavour:
//! BusyBox's when the program is BusyBox (a symlink or hard link to
//! /bin/busybox, as in the alpine and busybox images) or the image is
//! Alpine (/etc/alpine-release), Debian's (adduser 3.13x, the Perl
//! front-end to useradd) otherwise.
//!
//! Debian: `adduser [--system] [--home DIR] [--no-create-home] [--shell
//! SH] [--uid N] [--gid N | --ingroup G] [--group] [--gecos G]
//! [--disabled-password] [--disabled-login] USER`, `adduser USER GROUP`,
//! `addgroup [--system] [--gid N] GROUP`. Users from 1000 up (first free),
//! system users from 100 up in `nogroup` (or their own group with
//! `--group`), home /nonexistent for system users, shell /bin/bash
//! (/usr/sbin/nologin for system users), homes 0700 with /etc/skel copied.
//!
//! BusyBox: `adduser [-h DIR] [-g GECOS] [-s SH] [-G GROUP] [-S] [-D] [-H]
//! [-u UID] [-k SKEL] USER [GROUP]`, `addgroup [-g GID] [-S] [USER] GROUP`.
//! Users from 1000 up, system users (`-S`) from 100 up in `nogroup` with
//! /sbin/nologin; a group of the user's name otherwise, with the same id
//! when free.
//!
//! Without a way to disable the password (`--disabled-password`, `-D`)
//! the real tools ask for one on a terminal, which a build does not have:
//! the account is made with a locked password and that is recorded as
//! simulated.

use super::super::{Io, R, Shell};
use super::users::{Db, make_home, valid_name};
use crate::vfs;

/// The image's tools are BusyBox applets.
fn busybox(sh: &Shell, name: &str) -> bool {
    if sh.ctx.fs.exists("/etc/alpine-release") {
        return true;
    }
    let path = if name.contains('/') {
        sh.ctx.abs(name)
    } else {
        match sh.which(name) {
            Some(p) => p,
            None => return false,
        }
    };
    if sh
        .ctx
        .fs
        .read_link(&path)
        .is_ok_and(|t| t.ends_with("busybox"))
    {
        return true;
    }
    match (sh.ctx.fs.stat(&path), sh.ctx.fs.stat("/bin/busybox")) {
        (Ok(a), Ok(b)) => a.ino != 0 && a.ino == b.ino,
        _ => false,
    }
}

pub fn adduser(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    if busybox(sh, &argv[0]) {
        bb_adduser(sh, io, argv)
    } else {
        deb_adduser(sh, io, argv, false)
    }
}

pub fn addgroup(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    if busybox(sh, &argv[0]) {
        bb_addgroup(sh, io, argv)
    } else {
        deb_adduser(sh, io, argv, true)
    }
}

/// `deluser [--remove-home] USER` / `deluser USER GROUP` (both flavours).
pub fn deluser(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let ops: Vec<&String> = argv[1..].iter().filter(|a| !a.starts_with('-')).collect();
    if let [user, group] = ops.as_slice() {
        let mut db = Db::load(sh);
        if db.user(user).is_none() {
            sh.err(io, format!("deluser: unknown user {user}\n"))?;
            return Ok(1);
        }
        if db.group_row(group).is_none() {
            sh.err(io, format!("deluser: unknown group {group}\n"))?;
            return Ok(1);
        }
        let keep: Vec<String> = db
            .group
            .iter()
            .filter(|r| r[0] != **group)
            .map(|r| r[0].clone())
            .collect();
        db.remove_member(user, &keep);
        return save(sh, io, "deluser", &db);
    }
    let remove = argv.iter().any(|a| a == "--remove-home" || a == "-r");
    let mut v = vec!["deluser".to_string()];
    if remove {
        v.push("-r".into());
    }
    v.extend(ops.into_iter().cloned());
    super::users::userdel(sh, io, &v)
}

/// `delgroup GROUP` (both flavours).
pub fn delgroup(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut v = vec!["delgroup".to_string()];
    v.extend(argv[1..].iter().filter(|a| !a.starts_with('-')).cloned());
    super::users::groupdel(sh, io, &v)
}

fn save(sh: &mut Shell, io: &Io, prog: &str, db: &Db) -> R {
    match db.save(sh) {
        Ok(()) => Ok(0),
        Err(e) => {
            sh.err(io, format!("{prog}: /etc/passwd: {}\n", super::why(&e)))?;
            Ok(1)
        }
    }
}

fn no_password(sh: &mut Shell, prog: &str, user: &str) {
    sh.simulated(
        prog,
        format!("simulated: {prog} {user}: no terminal to set a password on; the account's password is locked"),
    );
}

fn id_of(row: &[String]) -> u32 {
    row.get(2).and_then(|x| x.parse().ok()).unwrap_or(0)
}

#[derive(Default)]
struct DebOpts {
    system: bool,
    group: bool,
    home: Option<String>,
    no_home: bool,
    shell: Option<String>,
    uid: Option<String>,
    gid: Option<String>,
    ingroup: Option<String>,
    gecos: Option<String>,
    disabled: Option<&'static str>,
    quiet: bool,
    bad_names: bool,
    operands: Vec<String>,
}

fn deb_adduser(sh: &mut Shell, io: &Io, argv: &[String], addgroup: bool) -> R {
    let prog = if addgroup { "addgroup" } else { "adduser" };
    let mut o = DebOpts {
        group: addgroup,
        ..Default::default()
    };
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].clone();
        i += 1;
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let takes = matches!(
            key.as_str(),
            "--home"
                | "--shell"
                | "--uid"
                | "--gid"
                | "--ingroup"
                | "--gecos"
                | "--comment"
                | "--firstuid"
                | "--lastuid"
                | "--firstgid"
                | "--lastgid"
                | "--conf"
                | "--extrausers"
        );
        let value = if takes {
            match inline {
                Some(v) => Some(v),
                None => {
                    i += 1;
                    match argv.get(i - 1) {
                        Some(v) => Some(v.clone()),
                        None => {
                            sh.err(io, format!("{prog}: option '{key}' requires an argument\n"))?;
                            return Ok(1);
                        }
                    }
                }
            }
        } else {
            None
        };
        match key.as_str() {
            "--system" => o.system = true,
            "--group" => o.group = true,
            "--home" => o.home = value,
            "--no-create-home" => o.no_home = true,
            "--shell" => o.shell = value,
            "--uid" => o.uid = value,
            "--gid" => o.gid = value,
            "--ingroup" => o.ingroup = value,
            "--gecos" | "--comment" => o.gecos = value,
            "--disabled-password" => o.disabled = Some("!"),
            "--disabled-login" => o.disabled = Some("*"),
            "--quiet" | "-q" => o.quiet = true,
            "--force-badname" | "--allow-badname" | "--allow-bad-names" | "--allow-all-names" => {
                o.bad_names = true
            }
            _ if takes => {}
            "--debug" | "--add-extra-groups" | "--add_extra_groups" | "--encrypt-home"
            | "--no-preserve-home" | "--verbose" => {}
            k if k.starts_with('-') && k.len() > 1 => {
                sh.err(
                    io,
                    format!("{prog}: Unknown option: {}\n", k.trim_start_matches('-')),
                )?;
                return Ok(1);
            }
            _ => o.operands.push(a),
        }
    }
    let mut out = String::new();
    let mut db = Db::load(sh);
    match o.operands.as_slice() {
        [user, group] => {
            let Some(u) = db.user(user).cloned() else {
                sh.err(io, format!("{prog}: The user `{user}' does not exist.\n"))?;
                return Ok(1);
            };
            let Some(g) = db.group_row(group).cloned() else {
                sh.err(io, format!("{prog}: The group `{group}' does not exist.\n"))?;
                return Ok(1);
            };
            if g[2] == u[3] || g.get(3).is_some_and(|m| m.split(',').any(|x| x == user)) {
                sh.out(
                    io,
                    format!("The user `{user}' is already a member of `{group}'.\n"),
                )?;
                return Ok(0);
            }
            db.add_member(group, user);
            out.push_str(&format!(
                "Adding user `{user}' to group `{group}' ...\nDone.\n"
            ));
            let r = save(sh, io, prog, &db)?;
            if !o.quiet {
                sh.out(io, out)?;
            }
            return Ok(r);
        }
        [_] => {}
        _ => {
            sh.err(io, format!("{prog}: Only one or two names allowed.\n"))?;
            return Ok(1);
        }
    }
    let name = o.operands[0].clone();
    let name_ok = if o.system {
        valid_name(&name)
    } else {
        valid_name(&name) && !name.starts_with('_')
    };
    if !name_ok && !o.bad_names {
        sh.err(
            io,
            format!("{prog}: Please enter a username matching the regular expression\nconfigured via the NAME_REGEX configuration variable.  Use the `--allow-bad-names' option to relax this check or reconfigure NAME_REGEX in the configuration.\n"),
        )?;
        return Ok(1);
    }
    let (lo, hi) = if o.system { (100, 999) } else { (1000, 59999) };
    // "Adding group `g' (GID n)" for a group alone, "Adding new group" for
    // a user's own, without "GID" for a normal user's.
    let (system, group_only) = (o.system, addgroup || (o.group && !o.system));
    let new_group = |db: &mut Db,
                     sh: &mut Shell,
                     io: &Io,
                     name: &str,
                     want: Option<u32>,
                     out: &mut String|
     -> Result<Option<u32>, super::super::Flow> {
        let gid = match want {
            Some(g) if db.gid_used(g) => {
                sh.err(io, format!("{prog}: The GID {g} is already in use.\n"))?;
                return Ok(None);
            }
            Some(g) => g,
            None => match Db::free(lo, hi, false, |i| db.gid_used(i)) {
                Some(g) => g,
                None => {
                    sh.err(io, format!("{prog}: No GID is available in the range {lo}-{hi} (FIRST_GID - LAST_GID).\n"))?;
                    return Ok(None);
                }
            },
        };
        db.add_group(name, gid, "!");
        out.push_str(&if group_only {
            format!("Adding group `{name}' (GID {gid}) ...\n")
        } else if system {
            format!("Adding new group `{name}' (GID {gid}) ...\n")
        } else {
            format!("Adding new group `{name}' ({gid}) ...\n")
        });
        Ok(Some(gid))
    };
    if group_only {
        // addgroup GROUP / adduser --group GROUP: a group only.
        if let Some(g) = db.group_row(&name) {
            if o.system && id_of(g) < 1000 {
                if !o.quiet {
                    sh.out(
                        io,
                        format!("The group `{name}' already exists as a system group. Exiting.\n"),
                    )?;
                }
                return Ok(0);
            }
            sh.err(io, format!("{prog}: The group `{name}' already exists.\n"))?;
            return Ok(1);
        }
        let want = match &o.gid {
            Some(g) => match g.parse::<u32>() {
                Ok(g) => Some(g),
                Err(_) => {
                    sh.err(io, format!("{prog}: The GID `{g}' is not a number.\n"))?;
                    return Ok(1);
                }
            },
            None => None,
        };
        if new_group(&mut db, sh, io, &name, want, &mut out)?.is_none() {
            return Ok(1);
        }
        out.push_str("Done.\n");
        let r = save(sh, io, prog, &db)?;
        if !o.quiet {
            sh.out(io, out)?;
        }
        return Ok(r);
    }
    // A user.
    if let Some(u) = db.user(&name) {
        if o.system && id_of(u) < 1000 {
            if !o.quiet {
                sh.out(
                    io,
                    format!("The system user `{name}' already exists. Exiting.\n"),
                )?;
            }
            return Ok(0);
        }
        let msg = if o.system {
            format!(
                "{prog}: The user `{name}' already exists, but is not a system user. Exiting.\n"
            )
        } else {
            format!("{prog}: The user `{name}' already exists.\n")
        };
        sh.err(io, msg)?;
        return Ok(1);
    }
    let uid = match &o.uid {
        Some(u) => match u.parse::<u32>() {
            Ok(u) if db.uid_used(u) => {
                sh.err(io, format!("{prog}: The UID {u} is already in use.\n"))?;
                return Ok(1);
            }
            Ok(u) => u,
            Err(_) => {
                sh.err(io, format!("{prog}: The UID `{u}' is not a number.\n"))?;
                return Ok(1);
            }
        },
        None => match Db::free(lo, hi, false, |i| db.uid_used(i)) {
            Some(u) => u,
            None => {
                sh.err(io, format!("{prog}: No UID is available in the range {lo}-{hi} (FIRST_UID - LAST_UID).\n"))?;
                return Ok(1);
            }
        },
    };
    if o.system {
        out.push_str(&format!("Adding system user `{name}' (UID {uid}) ...\n"));
    } else {
        out.push_str(&format!("Adding user `{name}' ...\n"));
    }
    let (gid, gname) = if let Some(g) = &o.ingroup {
        match db.find_group(g).filter(|_| db.group_row(g).is_some()) {
            Some((n, gid)) => (gid, n),
            None => {
                sh.err(io, format!("{prog}: The group `{g}' does not exist.\n"))?;
                return Ok(1);
            }
        }
    } else if let Some(g) = &o.gid {
        match g
            .parse::<u32>()
            .ok()
            .and_then(|n| db.find_group(&n.to_string()))
        {
            Some((n, gid)) => (gid, n),
            None if o.group || !o.system => {
                let want = g.parse::<u32>().ok();
                match new_group(&mut db, sh, io, &name, want, &mut out)? {
                    Some(gid) => (gid, name.clone()),
                    None => return Ok(1),
                }
            }
            None => {
                sh.err(
                    io,
                    format!("{prog}: The group with GID `{g}' does not exist.\n"),
                )?;
                return Ok(1);
            }
        }
    } else if o.system && !o.group {
        let (n, gid) = db
            .find_group("nogroup")
            .unwrap_or(("nogroup".into(), 65534));
        (gid, n)
    } else {
        if db.group_row(&name).is_some() {
            sh.err(io, format!("{prog}: The group `{name}' already exists.\n"))?;
            return Ok(1);
        }
        let want = (!db.gid_used(uid)).then_some(uid);
        match new_group(&mut db, sh, io, &name, want, &mut out)? {
            Some(gid) => (gid, name.clone()),
            None => return Ok(1),
        }
    };
    let home = o.home.clone().unwrap_or_else(|| {
        if o.system {
            "/nonexistent".into()
        } else {
            format!("/home/{name}")
        }
    });
    let shell = o.shell.clone().unwrap_or_else(|| {
        if o.system {
            "/usr/sbin/nologin".into()
        } else {
            "/bin/bash".into()
        }
    });
    let gecos = o.gecos.clone().unwrap_or_else(|| {
        if o.system {
            String::new()
        } else {
            ",,,".into()
        }
    });
    let days = sh.ctx.mtime.div_euclid(86_400);
    let password = o.disabled.unwrap_or("!");
    db.add_user(&name, uid, gid, &gecos, &home, &shell, password, days);
    if o.system {
        out.push_str(&format!(
            "Adding new user `{name}' (UID {uid}) with group `{gname}' ...\n"
        ));
    } else {
        out.push_str(&format!(
            "Adding new user `{name}' ({uid}) with group `{gname} ({gid})' ...\n"
        ));
    }
    let r = save(sh, io, prog, &db)?;
    if r != 0 {
        return Ok(r);
    }
    if o.no_home || home == "/nonexistent" {
        out.push_str(&format!("Not creating home directory `{home}'.\n"));
    } else {
        let abs = vfs::clean(&home);
        if sh.ctx.fs.exists(&abs) {
            out.push_str(&format!(
                "The home directory `{home}' already exists.  Not touching this directory.\n"
            ));
        } else {
            out.push_str(&format!("Creating home directory `{home}' ...\n"));
            let mode = if o.system { 0o755 } else { 0o700 };
            if let Err(e) = make_home(sh, &abs, "/etc/skel", uid, gid, mode) {
                sh.err(
                    io,
                    format!(
                        "{prog}: Couldn't create home directory `{home}': {}.\n",
                        super::why(&e)
                    ),
                )?;
                return Ok(1);
            }
            if sh.ctx.fs.exists("/etc/skel") {
                out.push_str("Copying files from `/etc/skel' ...\n");
            }
        }
    }
    if o.disabled.is_none() && !o.system {
        no_password(sh, prog, &name);
    }
    if !o.quiet {
        sh.out(io, out)?;
    }
    Ok(0)
}

/// BusyBox's long options as the short ones they stand for.
fn bb_short(argv: &[String], longs: &[(&str, &str)]) -> Result<Vec<String>, String> {
    let mut out = vec![argv[0].clone()];
    for a in &argv[1..] {
        let Some(l) = a.strip_prefix("--").filter(|l| !l.is_empty()) else {
            out.push(a.clone());
            continue;
        };
        let (k, v) = match l.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (l, None),
        };
        let Some((_, short)) = longs.iter().find(|(n, _)| *n == k) else {
            return Err(format!("unrecognized option '--{k}'"));
        };
        out.push(short.to_string());
        out.extend(v.map(str::to_string));
    }
    Ok(out)
}

fn bb_adduser(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    const LONGS: &[(&str, &str)] = &[
        ("home", "-h"),
        ("gecos", "-g"),
        ("shell", "-s"),
        ("ingroup", "-G"),
        ("system", "-S"),
        ("disabled-password", "-D"),
        ("empty-password", "-D"),
        ("no-create-home", "-H"),
        ("uid", "-u"),
        ("skel", "-k"),
    ];
    let argv = &match bb_short(argv, LONGS) {
        Ok(a) => a,
        Err(m) => {
            sh.err(io, format!("adduser: {m}\n"))?;
            return Ok(1);
        }
    };
    let mut home: Option<String> = None;
    let mut gecos: Option<String> = None;
    let mut shell: Option<String> = None;
    let mut group: Option<String> = None;
    let mut uid: Option<String> = None;
    let mut skel = "/etc/skel".to_string();
    let (mut system, mut no_pw, mut no_home) = (false, false, false);
    let mut ops = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].clone();
        i += 1;
        if !a.starts_with('-') || a == "-" {
            ops.push(a);
            continue;
        }
        let letters: Vec<char> = a[1..].chars().collect();
        for (k, c) in letters.iter().enumerate() {
            if "hgsGuk".contains(*c) {
                let rest: String = letters[k + 1..].iter().collect();
                let v = if rest.is_empty() {
                    i += 1;
                    match argv.get(i - 1) {
                        Some(v) => v.clone(),
                        None => {
                            sh.err(
                                io,
                                format!("adduser: option requires an argument -- '{c}'\n"),
                            )?;
                            return Ok(1);
                        }
                    }
                } else {
                    rest
                };
                match c {
                    'h' => home = Some(v),
                    'g' => gecos = Some(v),
                    's' => shell = Some(v),
                    'G' => group = Some(v),
                    'u' => uid = Some(v),
                    _ => skel = v,
                }
                break;
            }
            match c {
                'S' => system = true,
                'D' => no_pw = true,
                'H' => no_home = true,
                c => {
                    sh.err(io, format!("adduser: invalid option -- '{c}'\n"))?;
                    return Ok(1);
                }
            }
        }
    }
    let mut db = Db::load(sh);
    match ops.as_slice() {
        [user, grp] => return bb_add_member(sh, io, "adduser", &mut db, user, grp),
        [_] => {}
        _ => {
            sh.err(io, "BusyBox: adduser [OPTIONS] USER [GROUP]\n")?;
            return Ok(1);
        }
    }
    let name = ops[0].clone();
    if !valid_name(&name) {
        sh.err(io, format!("adduser: invalid name '{name}'\n"))?;
        return Ok(1);
    }
    if db.user(&name).is_some() {
        sh.err(io, format!("adduser: user '{name}' in use\n"))?;
        return Ok(1);
    }
    let (lo, hi) = if system { (100, 999) } else { (1000, 64999) };
    let uid = match uid {
        Some(u) => match u.parse::<u32>() {
            Ok(u) if db.uid_used(u) => {
                sh.err(io, format!("adduser: uid '{u}' in use\n"))?;
                return Ok(1);
            }
            Ok(u) => u,
            Err(_) => {
                sh.err(io, format!("adduser: invalid number '{u}'\n"))?;
                return Ok(1);
            }
        },
        None => match Db::free(lo, hi, false, |i| db.uid_used(i)) {
            Some(u) => u,
            None => {
                sh.err(io, "adduser: no free uids left\n")?;
                return Ok(1);
            }
        },
    };
    let group = group.or_else(|| system.then(|| "nogroup".to_string()));
    let gid = match &group {
        Some(g) => match db.find_group(g) {
            Some((_, gid)) => gid,
            None => {
                sh.err(io, format!("adduser: unknown group {g}\n"))?;
                return Ok(1);
            }
        },
        None => {
            if db.group_row(&name).is_some() {
                sh.err(io, format!("addgroup: group '{name}' in use\n"))?;
                return Ok(1);
            }
            let gid = Db::free(uid, u32::MAX - 1, false, |i| db.gid_used(i)).unwrap_or(uid);
            db.add_group(&name, gid, "!");
            gid
        }
    };
    let home = home.unwrap_or_else(|| format!("/home/{name}"));
    let shell = shell.unwrap_or_else(|| {
        if system {
            "/sbin/nologin".into()
        } else {
            "/bin/sh".into()
        }
    });
    let gecos = gecos.unwrap_or_else(|| "Linux User,,,".into());
    let days = sh.ctx.mtime.div_euclid(86_400);
    db.add_user(&name, uid, gid, &gecos, &home, &shell, "!", days);
    let r = save(sh, io, "adduser", &db)?;
    if r != 0 {
        return Ok(r);
    }
    if !no_home {
        let abs = vfs::clean(&home);
        if let Err(e) = make_home(sh, &abs, &skel, uid, gid, 0o755) {
            sh.err(
                io,
                format!(
                    "adduser: can't create directory '{home}': {}\n",
                    super::why(&e)
                ),
            )?;
            return Ok(1);
        }
    }
    if !no_pw && !system {
        no_password(sh, "adduser", &name);
    }
    Ok(0)
}

fn bb_add_member(sh: &mut Shell, io: &Io, prog: &str, db: &mut Db, user: &str, group: &str) -> R {
    if db.user(user).is_none() {
        sh.err(io, format!("{prog}: unknown user {user}\n"))?;
        return Ok(1);
    }
    if db.group_row(group).is_none() {
        sh.err(io, format!("{prog}: unknown group {group}\n"))?;
        return Ok(1);
    }
    db.add_member(group, user);
    save(sh, io, prog, db)
}

fn bb_addgroup(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let argv = &match bb_short(argv, &[("gid", "-g"), ("system", "-S")]) {
        Ok(a) => a,
        Err(m) => {
            sh.err(io, format!("addgroup: {m}\n"))?;
            return Ok(1);
        }
    };
    let mut gid: Option<String> = None;
    let mut system = false;
    let mut ops = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].clone();
        i += 1;
        if !a.starts_with('-') || a == "-" {
            ops.push(a);
            continue;
        }
        let letters: Vec<char> = a[1..].chars().collect();
        for (k, c) in letters.iter().enumerate() {
            match c {
                'g' => {
                    let rest: String = letters[k + 1..].iter().collect();
                    gid = Some(if rest.is_empty() {
                        i += 1;
                        argv.get(i - 1).cloned().unwrap_or_default()
                    } else {
                        rest
                    });
                    break;
                }
                'S' => system = true,
                c => {
                    sh.err(io, format!("addgroup: invalid option -- '{c}'\n"))?;
                    return Ok(1);
                }
            }
        }
    }
    let mut db = Db::load(sh);
    match ops.as_slice() {
        [user, group] => bb_add_member(sh, io, "addgroup", &mut db, user, group),
        [name] => {
            if !valid_name(name) {
                sh.err(io, format!("addgroup: invalid name '{name}'\n"))?;
                return Ok(1);
            }
            if db.group_row(name).is_some() {
                sh.err(io, format!("addgroup: group '{name}' in use\n"))?;
                return Ok(1);
            }
            let g = match gid {
                Some(g) => match g.parse::<u32>() {
                    Ok(g) if db.gid_used(g) => {
                        sh.err(io, format!("addgroup: gid '{g}' in use\n"))?;
                        return Ok(1);
                    }
                    Ok(g) => g,
                    Err(_) => {
                        sh.err(io, format!("addgroup: invalid number '{g}'\n"))?;
                        return Ok(1);
                    }
                },
                None => {
                    let (lo, hi) = if system { (100, 999) } else { (1000, 64999) };
                    match Db::free(lo, hi, false, |i| db.gid_used(i)) {
                        Some(g) => g,
                        None => {
                            sh.err(io, "addgroup: no gids left\n")?;
                            return Ok(1);
                        }
                    }
                }
            };
            db.add_group(name, g, "!");
            save(sh, io, "addgroup", &db)
        }
        _ => {
            sh.err(io, "BusyBox: addgroup [-g GID] [-S] [USER] GROUP\n")?;
            Ok(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in};
    use crate::vfs::{Fs, Meta};

    fn read(fs: &Fs, p: &str) -> String {
        String::from_utf8_lossy(&fs.read_file(p).unwrap()).into_owned()
    }

    fn alpine() -> Fs {
        let mut fs = fs();
        fs.write_file("/bin/busybox", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        fs.symlink("/bin/busybox", "/bin/adduser", Meta::new(0o777))
            .unwrap();
        fs.symlink("/bin/busybox", "/bin/addgroup", Meta::new(0o777))
            .unwrap();
        fs.write_file(
            "/etc/group",
            &b"root:x:0:root\nnogroup:x:65533:\nwww-data:x:82:\n"[..],
            Meta::new(0o644),
        )
        .unwrap();
        fs.write_file("/etc/shadow", &b"root:*::0:::::\n"[..], Meta::new(0o640))
            .unwrap();
        fs
    }

    #[test]
    fn busybox_flavour() {
        let mut fs = alpine();
        let r = run_in(
            &mut fs,
            "addgroup --system nginx && adduser -S -D -H --ingroup nginx nginx && adduser -D web && addgroup web www-data && adduser -S svc && adduser -D app; echo $?",
        );
        assert_eq!(r.out, "1\n");
        assert_eq!(r.err, "adduser: user 'app' in use\n");
        let passwd = read(&fs, "/etc/passwd");
        assert!(passwd.ends_with(
            "nginx:x:100:100:Linux User,,,:/home/nginx:/sbin/nologin\nweb:x:1001:1001:Linux User,,,:/home/web:/bin/sh\nsvc:x:101:65533:Linux User,,,:/home/svc:/sbin/nologin\n"
        ), "{passwd}");
        assert_eq!(
            read(&fs, "/etc/group"),
            "root:x:0:root\nnogroup:x:65533:\nwww-data:x:82:web\nnginx:x:100:\nweb:x:1001:\n"
        );
        assert!(read(&fs, "/etc/shadow").contains("web:!:19675:0:99999:7:::\n"));
        assert!(fs.stat("/home/nginx").is_err());
        assert_eq!(fs.stat("/home/web").unwrap().meta.uid, 1001);
        assert!(r.simulated.is_empty());
    }

    #[test]
    fn debian_flavour() {
        let mut fs = fs();
        fs.mkdir_all("/etc/skel", Meta::new(0o755)).unwrap();
        fs.write_file("/etc/skel/.profile", &b"# p\n"[..], Meta::new(0o644))
            .unwrap();
        let r = run_in(
            &mut fs,
            "adduser --system --group --no-create-home svc && adduser --disabled-password --gecos '' web && addgroup --gid 2000 data && adduser web data && adduser --uid 1000 x; echo $?",
        );
        assert_eq!(
            r.out,
            "Adding system user `svc' (UID 100) ...\nAdding new group `svc' (GID 100) ...\nAdding new user `svc' (UID 100) with group `svc' ...\nNot creating home directory `/nonexistent'.\n\
             Adding user `web' ...\nAdding new group `web' (1001) ...\nAdding new user `web' (1001) with group `web (1001)' ...\nCreating home directory `/home/web' ...\nCopying files from `/etc/skel' ...\n\
             Adding group `data' (GID 2000) ...\nDone.\nAdding user `web' to group `data' ...\nDone.\n1\n"
        );
        assert_eq!(r.err, "adduser: The UID 1000 is already in use.\n");
        let passwd = read(&fs, "/etc/passwd");
        assert!(passwd.ends_with("svc:x:100:100::/nonexistent:/usr/sbin/nologin\nweb:x:1001:1001::/home/web:/bin/bash\n"), "{passwd}");
        assert!(read(&fs, "/etc/group").ends_with("svc:x:100:\nweb:x:1001:\ndata:x:2000:web\n"));
        assert_eq!(fs.stat("/home/web").unwrap().meta.mode, 0o700);
        assert_eq!(fs.stat("/home/web/.profile").unwrap().meta.uid, 1001);
        let r = run_in(&mut fs, "adduser bob >/dev/null; adduser --system svc");
        assert_eq!(r.out, "The system user `svc' already exists. Exiting.\n");
        assert_eq!(r.simulated.len(), 1);
        assert!(read(&fs, "/etc/passwd").contains("bob:x:1002:1002:,,,:/home/bob:/bin/bash\n"));
    }
}
