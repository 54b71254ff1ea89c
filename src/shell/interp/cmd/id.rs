//! `id [-u|-g|-G] [-n] [USER]` and `whoami`, from the user the RUN runs as
//! (or USER) and the image's /etc/passwd and /etc/group; the groups are
//! the primary group then those listing the user as a member.

use super::super::{Io, R, Shell};
use super::chown::name_of;

fn named(id: u32, name: Option<String>) -> String {
    match name {
        Some(n) => format!("{id}({n})"),
        None => id.to_string(),
    }
}

/// The gids of `user` (primary first), from /etc/group's member lists.
fn groups_of(sh: &Shell, user: Option<&str>, gid: u32) -> Vec<u32> {
    let mut out = vec![gid];
    let Some(user) = user else { return out };
    if let Ok(d) = sh.ctx.fs.read_file("/etc/group") {
        for l in String::from_utf8_lossy(&d).lines() {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() >= 4
                && f[3].split(',').any(|m| m == user)
                && let Ok(g) = f[2].parse::<u32>()
                && !out.contains(&g)
            {
                out.push(g);
            }
        }
    }
    out
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let (uid, gid) = match args.operands.first() {
        None => (sh.ctx.uid, sh.ctx.gid),
        Some(u) => {
            let by_name = super::chown::user(sh.ctx.fs, u).filter(|_| u.parse::<u32>().is_err());
            let by_num = u.parse::<u32>().ok().and_then(|n| {
                name_of(sh.ctx.fs, "/etc/passwd", n)?;
                super::chown::user(sh.ctx.fs, u)
            });
            match by_name.or(by_num) {
                Some((uid, Some(gid))) => (uid, gid),
                _ => {
                    sh.err(io, format!("id: '{u}': no such user\n"))?;
                    return Ok(1);
                }
            }
        }
    };
    let uname = name_of(sh.ctx.fs, "/etc/passwd", uid);
    let gname = name_of(sh.ctx.fs, "/etc/group", gid);
    let groups = groups_of(sh, uname.as_deref(), gid);
    let line = if args.has('G') {
        let mut parts = Vec::new();
        for g in &groups {
            parts.push(if args.has('n') {
                name_of(sh.ctx.fs, "/etc/group", *g).unwrap_or_else(|| g.to_string())
            } else {
                g.to_string()
            });
        }
        parts.join(" ")
    } else if args.has('u') || args.has('g') {
        let (id, name) = if args.has('u') {
            (uid, uname)
        } else {
            (gid, gname)
        };
        if args.has('n') {
            match name {
                Some(n) => n,
                None => {
                    let what = if args.has('u') { "user" } else { "group" };
                    sh.err(io, format!("id: cannot find name for {what} ID {id}\n"))?;
                    return Ok(1);
                }
            }
        } else {
            id.to_string()
        }
    } else {
        let gs: Vec<String> = groups
            .iter()
            .map(|g| named(*g, name_of(sh.ctx.fs, "/etc/group", *g)))
            .collect();
        format!(
            "uid={} gid={} groups={}",
            named(uid, uname),
            named(gid, gname),
            gs.join(",")
        )
    };
    sh.out(io, format!("{line}\n"))?;
    Ok(0)
}

pub fn whoami(sh: &mut Shell, io: &Io, _: &[String]) -> R {
    let uid = sh.ctx.uid;
    match name_of(sh.ctx.fs, "/etc/passwd", uid) {
        Some(n) => {
            sh.out(io, format!("{n}\n"))?;
            Ok(0)
        }
        None => {
            sh.err(io, format!("whoami: cannot find name for user ID {uid}\n"))?;
            Ok(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn root_by_default() {
        assert_eq!(
            sh("id; id -u; id -un; whoami").out,
            "uid=0(root) gid=0(root) groups=0(root)\n0\nroot\nroot\n"
        );
    }

    #[test]
    fn named_users_and_their_groups() {
        let r = sh(
            "groupadd docker && usermod -aG docker app && id app && id -u app && id -Gn app && id 1000 && id ghost; echo $?",
        );
        assert_eq!(
            r.out,
            "uid=1000(app) gid=1000(app) groups=1000(app),1001(docker)\n1000\napp docker\nuid=1000(app) gid=1000(app) groups=1000(app),1001(docker)\n1\n"
        );
        assert_eq!(r.err, "id: 'ghost': no such user\n");
    }
}
