//! `rm [-rfRd] FILE…` and `rmdir DIR…`, with GNU's messages.

use super::super::{Io, R, Shell};
use crate::vfs;

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let force = args.has('f') || args.has_long("force");
    let recursive = args.has('r') || args.has('R') || args.has_long("recursive");
    if args.operands.is_empty() && !force {
        sh.err(io, "rm: missing operand\n")?;
        return Ok(1);
    }
    let mut status = 0;
    for f in &args.operands {
        let path = sh.ctx.abs(f);
        if vfs::clean(&path) == "/" && recursive {
            sh.err(io, "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n")?;
            status = 1;
            continue;
        }
        let st = match sh.ctx.fs.lstat(&path) {
            Ok(st) => st,
            Err(e) => {
                if !force {
                    sh.err(io, format!("rm: cannot remove '{f}': {}\n", super::why(&e)))?;
                    status = 1;
                }
                continue;
            }
        };
        let r = if st.kind == vfs::Kind::Dir {
            if recursive {
                sh.ctx.fs.remove_all(&path)
            } else if args.has('d') {
                sh.ctx.fs.remove(&path)
            } else {
                sh.err(io, format!("rm: cannot remove '{f}': Is a directory\n"))?;
                status = 1;
                continue;
            }
        } else {
            sh.ctx.fs.remove(&path)
        };
        if let Err(e) = r {
            sh.err(io, format!("rm: cannot remove '{f}': {}\n", super::why(&e)))?;
            status = 1;
        }
    }
    Ok(status)
}

pub fn rmdir(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let mut status = 0;
    for d in &args.operands {
        let path = sh.ctx.abs(d);
        let r = match sh.ctx.fs.lstat(&path) {
            Ok(st) if st.kind != vfs::Kind::Dir => Err("Not a directory".to_string()),
            Ok(_) => sh.ctx.fs.remove(&path).map_err(|e| super::why(&e)),
            Err(e) => Err(super::why(&e)),
        };
        if let Err(why) = r {
            if args.has_long("ignore-fail-on-non-empty") && why == "Directory not empty" {
                continue;
            }
            sh.err(io, format!("rmdir: failed to remove '{d}': {why}\n"))?;
            status = 1;
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in, sh};

    #[test]
    fn removes_and_reports() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "mkdir -p /a/b; touch /a/b/c; rm /a; rm x; rm -f x; rm -rf /a; echo $?",
        );
        assert_eq!(
            r.err,
            "rm: cannot remove '/a': Is a directory\nrm: cannot remove 'x': No such file or directory\n"
        );
        assert_eq!(r.out, "0\n");
        assert!(!fs.exists("/a"));
        let r = sh("rm -rf /");
        assert_eq!(r.status, 1);
        let r = sh("mkdir -p /d/e; rmdir /d; echo $?");
        assert_eq!(r.err, "rmdir: failed to remove '/d': Directory not empty\n");
    }

    #[test]
    fn globs_remove_contents() {
        let mut fs = fs();
        run_in(
            &mut fs,
            "mkdir -p /var/lib/apt/lists && touch /var/lib/apt/lists/a /var/lib/apt/lists/b && rm -rf /var/lib/apt/lists/*",
        );
        assert!(fs.read_dir("/var/lib/apt/lists").unwrap().is_empty());
    }
}
