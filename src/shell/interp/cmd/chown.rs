//! `chown [-R] [-h] USER[:GROUP] FILE…` and `chgrp`: names from the
//! image's /etc/passwd and /etc/group, or numbers.

use super::super::{Io, R, Shell};
use crate::vfs::{self, Fs};

fn db(fs: &Fs, path: &str) -> Vec<Vec<String>> {
    fs.read_file(path)
        .map(|d| {
            String::from_utf8_lossy(&d)
                .lines()
                .map(|l| l.split(':').map(str::to_string).collect())
                .collect()
        })
        .unwrap_or_default()
}

/// `(uid, gid)` of a user name or number, from /etc/passwd.
pub fn user(fs: &Fs, name: &str) -> Option<(u32, Option<u32>)> {
    let rows = db(fs, "/etc/passwd");
    if let Ok(n) = name.parse::<u32>() {
        let gid = rows
            .iter()
            .find(|r| r.get(2).and_then(|x| x.parse().ok()) == Some(n))
            .and_then(|r| r.get(3)?.parse().ok());
        return Some((n, gid));
    }
    rows.iter()
        .find(|r| r.first().map(String::as_str) == Some(name))
        .and_then(|r| {
            Some((
                r.get(2)?.parse().ok()?,
                r.get(3).and_then(|g| g.parse().ok()),
            ))
        })
}

pub fn group(fs: &Fs, name: &str) -> Option<u32> {
    if let Ok(n) = name.parse::<u32>() {
        return Some(n);
    }
    db(fs, "/etc/group")
        .iter()
        .find(|r| r.first().map(String::as_str) == Some(name))
        .and_then(|r| r.get(2)?.parse().ok())
}

/// The name of a uid or gid, for `id` and `whoami`.
pub fn name_of(fs: &Fs, path: &str, id: u32) -> Option<String> {
    db(fs, path)
        .into_iter()
        .find(|r| r.get(2).and_then(|x| x.parse().ok()) == Some(id))
        .and_then(|r| r.first().cloned())
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    change(sh, io, argv, false)
}

pub fn chgrp(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    change(sh, io, argv, true)
}

fn change(sh: &mut Shell, io: &Io, argv: &[String], group_only: bool) -> R {
    let name = if group_only { "chgrp" } else { "chown" };
    let args = super::parse_args(argv);
    let recursive = args.has('R') || args.has_long("recursive");
    let no_deref = args.has('h');
    let mut ops = args.operands.clone();
    if ops.len() < 2 {
        sh.err(io, format!("{name}: missing operand\n"))?;
        return Ok(1);
    }
    let spec = ops.remove(0);
    let (u, g) = if group_only {
        (None, Some(spec.as_str()))
    } else {
        match spec.split_once([':', '.']) {
            Some((u, g)) => ((!u.is_empty()).then_some(u), Some(g)),
            None => (Some(spec.as_str()), None),
        }
    };
    let mut uid = None;
    let mut gid = None;
    if let Some(u) = u {
        match user(sh.ctx.fs, u) {
            Some((id, login)) => {
                uid = Some(id);
                // `user:` takes the user's login group.
                if g == Some("") {
                    gid = login;
                }
            }
            None => {
                sh.err(io, format!("{name}: invalid user: '{spec}'\n"))?;
                return Ok(1);
            }
        }
    }
    if let Some(g) = g.filter(|g| !g.is_empty()) {
        match group(sh.ctx.fs, g) {
            Some(id) => gid = Some(id),
            None => {
                let msg = if group_only {
                    format!("{name}: invalid group: '{g}'\n")
                } else {
                    format!("{name}: invalid group: '{spec}'\n")
                };
                sh.err(io, msg)?;
                return Ok(1);
            }
        }
    }
    let mut status = 0;
    for f in ops {
        let path = sh.ctx.abs(&f);
        if let Err(e) = sh.ctx.fs.lstat(&path) {
            sh.err(
                io,
                format!("{name}: cannot access '{f}': {}\n", super::why(&e)),
            )?;
            status = 1;
            continue;
        }
        let paths: Vec<(String, bool)> = if recursive {
            sh.ctx
                .fs
                .walk(&path)
                .unwrap_or_default()
                .into_iter()
                .map(|(p, n)| (p, n.kind() == vfs::Kind::Symlink))
                .collect()
        } else {
            vec![(path, false)]
        };
        for (p, is_link) in paths {
            sh.step(crate::dockerfile::span::Span { start: 0, end: 0 })?;
            // -R changes symlinks themselves (GNU's -P default), never what they point to.
            let follow = !(no_deref || is_link);
            let _ = sh.ctx.fs.update_meta(&p, follow, |m| {
                if let Some(u) = uid {
                    m.uid = u;
                }
                if let Some(g) = gid {
                    m.gid = g;
                }
            });
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in};

    #[test]
    fn names_numbers_and_errors() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "mkdir -p /app/d && touch /app/d/f && chown -R app:app /app && chown nobody: /tmp && chown ghost /app",
        );
        assert_eq!(r.err, "chown: invalid user: 'ghost'\n");
        let st = fs.stat("/app/d/f").unwrap();
        assert_eq!((st.meta.uid, st.meta.gid), (1000, 1000));
        let st = fs.stat("/tmp").unwrap();
        assert_eq!((st.meta.uid, st.meta.gid), (65534, 65534));
        let r = run_in(&mut fs, "chown 0:nosuch /app; chgrp 1000 /tmp");
        assert_eq!(r.err, "chown: invalid group: '0:nosuch'\n");
        assert_eq!(fs.stat("/tmp").unwrap().meta.gid, 1000);
    }
}
