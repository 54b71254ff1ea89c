//! `cp [-r -R -a -p -f -n -L -P] SRC… DEST`. Without `-p`/`-a` copies get
//! the user as owner, the source's mode less the umask and the build's
//! time; recursive copies keep symlinks as symlinks, as GNU cp does.

use super::super::{Io, R, Shell};
use crate::vfs::{self, Dir, File, Meta, Node, Symlink};
use std::sync::Arc;

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let archive = args.has('a') || args.has_long("archive");
    let recursive = archive || args.has('r') || args.has('R') || args.has_long("recursive");
    let preserve = archive || args.has('p') || args.long.iter().any(|l| l.starts_with("preserve"));
    let no_clobber = args.has('n');
    let ops = &args.operands;
    if ops.len() < 2 {
        let msg = if ops.is_empty() {
            "cp: missing file operand\n".to_string()
        } else {
            format!("cp: missing destination file operand after '{}'\n", ops[0])
        };
        sh.err(io, msg)?;
        return Ok(1);
    }
    let (srcs, dest) = ops.split_at(ops.len() - 1);
    let dest = &dest[0];
    let Some((dest_abs, dest_is_dir)) = super::destination(sh, io, "cp", srcs.len(), dest)? else {
        return Ok(1);
    };
    let mut status = 0;
    for s in srcs {
        let src_abs = sh.ctx.abs(s);
        let st = match sh.ctx.fs.stat(&src_abs) {
            Ok(st) => st,
            Err(e) => {
                sh.err(io, format!("cp: cannot stat '{s}': {}\n", super::why(&e)))?;
                status = 1;
                continue;
            }
        };
        if st.kind == vfs::Kind::Dir && !recursive {
            sh.err(
                io,
                format!("cp: -r not specified; omitting directory '{s}'\n"),
            )?;
            status = 1;
            continue;
        }
        let target = if dest_is_dir {
            let name = vfs::clean(&src_abs);
            let base = name.rsplit('/').next().unwrap_or("");
            format!("{}/{base}", dest_abs.trim_end_matches('/'))
        } else {
            dest_abs.clone()
        };
        if no_clobber && sh.ctx.fs.lstat(&target).is_ok() {
            continue;
        }
        let src_real = sh.ctx.fs.realpath(&src_abs).unwrap_or(src_abs.clone());
        let dst_clean = vfs::clean(&target);
        if st.kind == vfs::Kind::Dir
            && (dst_clean == src_real || dst_clean.starts_with(&format!("{src_real}/")))
        {
            sh.err(
                io,
                format!("cp: cannot copy a directory, '{s}', into itself, '{dest}'\n"),
            )?;
            status = 1;
            continue;
        }
        if let Err(e) = copy(sh, &src_real, &target, preserve, archive) {
            sh.err(
                io,
                format!(
                    "cp: cannot create regular file '{dest}': {}\n",
                    super::why(&e)
                ),
            )?;
            status = 1;
        }
    }
    Ok(status)
}

fn copy(
    sh: &mut Shell,
    src: &str,
    dst: &str,
    preserve: bool,
    archive: bool,
) -> Result<(), vfs::Error> {
    let _ = archive;
    let nodes = sh.ctx.fs.walk(src)?;
    let base = nodes.first().map(|(p, _)| p.clone()).unwrap_or_default();
    let (uid, gid, mtime, umask) = (sh.ctx.uid, sh.ctx.gid, sh.ctx.mtime, sh.ctx.umask);
    let meta_of = |m: Meta| {
        if preserve {
            m
        } else {
            Meta {
                mode: m.mode & !umask & 0o7777,
                uid,
                gid,
                mtime,
            }
        }
    };
    for (path, node) in nodes {
        let rel = &path[base.len()..];
        let to = format!("{dst}{rel}");
        let _ = sh.count_written(node.size());
        let new = match &node {
            Node::File(f) => Node::File(Arc::new(File {
                data: f.data.clone(),
                meta: meta_of(f.meta),
                ino: 0,
            })),
            Node::Symlink(l) => Node::Symlink(Arc::new(Symlink {
                target: l.target.clone(),
                meta: if preserve {
                    l.meta
                } else {
                    Meta {
                        mode: 0o777,
                        ..meta_of(l.meta)
                    }
                },
            })),
            Node::Dir(d) => {
                if sh.ctx.fs.stat(&to).is_ok_and(|s| s.kind == vfs::Kind::Dir) {
                    if preserve {
                        let m = d.meta;
                        sh.ctx.fs.update_meta(&to, true, |x| *x = m)?;
                    }
                    continue;
                }
                Node::Dir(Arc::new(Dir {
                    meta: meta_of(d.meta),
                    children: Default::default(),
                }))
            }
        };
        if let (Node::File(f), Ok(st)) = (&new, sh.ctx.fs.stat(&to))
            && st.kind == vfs::Kind::File
        {
            // Overwriting keeps the existing file's mode and owner, as cp does.
            if !preserve {
                sh.ctx.fs.set_contents(&to, f.data.clone())?;
                sh.ctx.fs.update_meta(&to, true, |m| m.mtime = mtime)?;
                continue;
            }
        }
        sh.ctx.fs.put(&to, new)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in};

    #[test]
    fn files_dirs_and_errors() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "mkdir -p /src/d && echo x > /src/d/f && chmod 700 /src/d/f && cp /src/d/f /tmp/ && cp -r /src /dst && cp /src /x; cp /nope /tmp",
        );
        assert_eq!(
            r.err,
            "cp: -r not specified; omitting directory '/src'\ncp: cannot stat '/nope': No such file or directory\n"
        );
        assert_eq!(&fs.read_file("/tmp/f").unwrap()[..], b"x\n");
        assert_eq!(fs.stat("/tmp/f").unwrap().meta.mode, 0o700);
        assert_eq!(&fs.read_file("/dst/d/f").unwrap()[..], b"x\n");
    }

    #[test]
    fn archive_preserves_owner() {
        let mut fs = fs();
        run_in(
            &mut fs,
            "touch /tmp/a && chown 1000:1000 /tmp/a && cp /tmp/a /tmp/b && cp -a /tmp/a /tmp/c",
        );
        assert_eq!(fs.stat("/tmp/b").unwrap().meta.uid, 0);
        assert_eq!(fs.stat("/tmp/c").unwrap().meta.uid, 1000);
    }
}
