//! `readlink [-f|-e|-m] FILE` and `realpath FILE…`.

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let canon = args.has('f') || args.has('e') || args.has('m');
    let mut status = 0;
    for f in &args.operands {
        let path = sh.ctx.abs(f);
        let r = if canon {
            sh.ctx.fs.realpath(&path).ok().or_else(|| {
                // -f accepts a missing last component.
                (args.has('f') || args.has('m'))
                    .then(|| {
                        sh.ctx
                            .fs
                            .resolve(&path, true)
                            .ok()
                            .map(|p| crate::vfs::join(&p))
                    })
                    .flatten()
            })
        } else {
            sh.ctx.fs.read_link(&path).ok()
        };
        match r {
            Some(p) => sh.out(io, format!("{p}\n"))?,
            None => status = 1,
        }
    }
    Ok(status)
}

pub fn realpath(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let mut status = 0;
    for f in &args.operands {
        let path = sh.ctx.abs(f);
        // Like GNU realpath, the last component need not exist (unless -e).
        let r = sh.ctx.fs.realpath(&path).or_else(|e| {
            if args.has('e') {
                return Err(e);
            }
            let parts = sh.ctx.fs.resolve(&path, true)?;
            let parent = crate::vfs::join(&parts[..parts.len().saturating_sub(1)]);
            sh.ctx.fs.stat(&parent).map(|_| crate::vfs::join(&parts))
        });
        match r {
            Ok(p) => sh.out(io, format!("{p}\n"))?,
            Err(e) => {
                sh.err(io, format!("realpath: {f}: {}\n", super::why(&e)))?;
                status = 1;
            }
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn links() {
        let r = sh(
            "ln -s /tmp /t; ln -s /t/x /l; readlink /l; readlink -f /l; realpath /t; readlink /tmp; echo $?; realpath /nope /nope/x",
        );
        // As GNU realpath: a missing last component is fine, a missing directory is not.
        assert_eq!(r.out, "/t/x\n/tmp/x\n/tmp\n1\n/nope\n");
        assert_eq!(r.err, "realpath: /nope/x: No such file or directory\n");
    }
}
