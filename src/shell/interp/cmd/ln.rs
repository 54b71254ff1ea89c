//! `ln [-s] [-f] [-n] TARGET [LINK]`: symbolic links keep TARGET as
//! written; hard links share the inode.

use super::super::{Io, R, Shell};
use crate::vfs;

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let symbolic = args.has('s') || args.has_long("symbolic");
    let force = args.has('f') || args.has_long("force");
    let no_deref = args.has('n') || args.has('T');
    let ops = &args.operands;
    if ops.is_empty() {
        sh.err(io, "ln: missing file operand\n")?;
        return Ok(1);
    }
    let (targets, link) = if ops.len() == 1 {
        let base = ops[0]
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_string();
        (&ops[..], base)
    } else {
        (&ops[..ops.len() - 1], ops[ops.len() - 1].clone())
    };
    let link_abs = sh.ctx.abs(&link);
    let into_dir = ops.len() == 1
        || (!no_deref
            && sh
                .ctx
                .fs
                .stat(&link_abs)
                .is_ok_and(|s| s.kind == vfs::Kind::Dir))
        || (no_deref
            && sh
                .ctx
                .fs
                .lstat(&link_abs)
                .is_ok_and(|s| s.kind == vfs::Kind::Dir));
    let mut status = 0;
    for t in targets {
        let path = if into_dir && ops.len() > 1 {
            let base = t.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            format!("{}/{base}", link_abs.trim_end_matches('/'))
        } else {
            link_abs.clone()
        };
        let shown = if into_dir && ops.len() > 1 {
            format!(
                "{}/{}",
                link.trim_end_matches('/'),
                t.rsplit('/').next().unwrap_or("")
            )
        } else {
            link.clone()
        };
        if force
            && sh
                .ctx
                .fs
                .lstat(&path)
                .is_ok_and(|s| s.kind != vfs::Kind::Dir)
        {
            let _ = sh.ctx.fs.remove(&path);
        }
        let r = if symbolic {
            let meta = vfs::Meta {
                mode: 0o777,
                ..sh.ctx.new_meta(0o777)
            };
            sh.ctx.fs.symlink(t, &path, meta)
        } else {
            let target = sh.ctx.abs(t);
            if let Err(e) = sh.ctx.fs.lstat(&target) {
                sh.err(
                    io,
                    format!("ln: failed to access '{t}': {}\n", super::why(&e)),
                )?;
                status = 1;
                continue;
            }
            sh.ctx.fs.hardlink(&target, &path)
        };
        if let Err(e) = r {
            let kind = if symbolic { "symbolic" } else { "hard" };
            sh.err(
                io,
                format!(
                    "ln: failed to create {kind} link '{shown}': {}\n",
                    super::why(&e)
                ),
            )?;
            status = 1;
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in};

    #[test]
    fn symlinks_force_and_hardlinks() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "ln -s /dev/stdout /tmp/access.log && ln -sf /dev/stderr /tmp/access.log && ln -s x /tmp/access.log",
        );
        assert_eq!(
            r.err,
            "ln: failed to create symbolic link '/tmp/access.log': File exists\n"
        );
        assert_eq!(fs.read_link("/tmp/access.log").unwrap(), "/dev/stderr");
        run_in(&mut fs, "echo a > /tmp/h && ln /tmp/h /root/");
        assert_eq!(
            fs.stat("/root/h").unwrap().ino,
            fs.stat("/tmp/h").unwrap().ino
        );
    }
}
