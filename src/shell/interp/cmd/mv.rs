//! `mv [-f] SRC… DEST`: a rename in the filesystem (into DEST when it is a directory).

use super::super::{Io, R, Shell};
use crate::vfs;

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let ops = &args.operands;
    if ops.len() < 2 {
        sh.err(io, "mv: missing file operand\n")?;
        return Ok(1);
    }
    let (srcs, dest) = ops.split_at(ops.len() - 1);
    let dest = &dest[0];
    let Some((dest_abs, dest_is_dir)) = super::destination(sh, io, "mv", srcs.len(), dest)? else {
        return Ok(1);
    };
    let mut status = 0;
    for s in srcs {
        let src_abs = sh.ctx.abs(s);
        if let Err(e) = sh.ctx.fs.lstat(&src_abs) {
            sh.err(io, format!("mv: cannot stat '{s}': {}\n", super::why(&e)))?;
            status = 1;
            continue;
        }
        let target = if dest_is_dir {
            let name = vfs::clean(&src_abs);
            format!(
                "{}/{}",
                dest_abs.trim_end_matches('/'),
                name.rsplit('/').next().unwrap_or("")
            )
        } else {
            dest_abs.clone()
        };
        if let Err(e) = sh.ctx.fs.rename(&src_abs, &target) {
            let msg = match e {
                vfs::Error::Invalid(_) => {
                    format!("mv: cannot move '{s}' to a subdirectory of itself, '{dest}'\n")
                }
                e => format!("mv: cannot move '{s}' to '{dest}': {}\n", super::why(&e)),
            };
            sh.err(io, msg)?;
            status = 1;
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in};

    #[test]
    fn renames_and_moves_into_dirs() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "echo a > /tmp/a && mv /tmp/a /tmp/b && mv /tmp/b /root && mv /nope /tmp",
        );
        assert_eq!(
            r.err,
            "mv: cannot stat '/nope': No such file or directory\n"
        );
        assert_eq!(r.status, 1);
        assert!(!fs.exists("/tmp/a"));
        assert_eq!(&fs.read_file("/root/b").unwrap()[..], b"a\n");
    }
}
