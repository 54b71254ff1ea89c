//! `id [-u|-g|-n]` and `whoami`, from the user the RUN runs as and the
//! image's /etc/passwd and /etc/group.

use super::super::{Io, R, Shell};
use super::chown::name_of;

fn named(id: u32, name: Option<String>) -> String {
    match name {
        Some(n) => format!("{id}({n})"),
        None => id.to_string(),
    }
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let (uid, gid) = (sh.ctx.uid, sh.ctx.gid);
    let uname = name_of(sh.ctx.fs, "/etc/passwd", uid);
    let gname = name_of(sh.ctx.fs, "/etc/group", gid);
    let line = if args.has('u') || args.has('g') {
        let (id, name) = if args.has('u') {
            (uid, uname)
        } else {
            (gid, gname)
        };
        if args.has('n') {
            match name {
                Some(n) => n,
                None => {
                    sh.err(io, format!("id: cannot find name for user ID {id}\n"))?;
                    return Ok(1);
                }
            }
        } else {
            id.to_string()
        }
    } else {
        format!(
            "uid={} gid={} groups={}",
            named(uid, uname),
            named(gid, gname.clone()),
            named(gid, gname)
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
}
