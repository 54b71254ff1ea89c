//! `mkdir [-p] [-m MODE] DIR…`: new directories are 0777 less the umask,
//! owned by the user; `-m` sets the mode of the last one as given.

use super::super::{Io, R, Shell};
use crate::vfs;

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut parents = false;
    let mut mode: Option<String> = None;
    let mut dirs = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if a == "-m" || a == "--mode" {
            i += 1;
            mode = argv.get(i).cloned();
        } else if let Some(m) = a.strip_prefix("--mode=") {
            mode = Some(m.to_string());
        } else if a == "-p" || a == "--parents" {
            parents = true;
        } else if a.starts_with('-') && a.len() > 1 && a != "--" {
            for c in a[1..].chars() {
                match c {
                    'p' => parents = true,
                    'v' => {}
                    'm' => {
                        i += 1;
                        mode = argv.get(i).cloned();
                    }
                    _ => {
                        sh.err(io, format!("mkdir: invalid option -- '{c}'\n"))?;
                        return Ok(1);
                    }
                }
            }
        } else if a != "--" {
            dirs.push(a.clone());
        }
        i += 1;
    }
    if dirs.is_empty() {
        sh.err(io, "mkdir: missing operand\n")?;
        return Ok(1);
    }
    let base = 0o777 & !sh.ctx.umask;
    let last_mode = match &mode {
        Some(m) => match super::chmod::parse_mode(m, 0o777, false) {
            Some(v) => v,
            None => {
                sh.err(io, format!("mkdir: invalid mode '{m}'\n"))?;
                return Ok(1);
            }
        },
        None => base,
    };
    let mut status = 0;
    for d in dirs {
        let path = sh.ctx.abs(&d);
        let mut meta = sh.ctx.new_meta(0o777);
        // Parents -p makes get u+wx on top of the umask, as in GNU mkdir.
        meta.mode = base | 0o300;
        let r = if parents {
            if sh
                .ctx
                .fs
                .stat(&path)
                .is_ok_and(|s| s.kind == vfs::Kind::Dir)
            {
                continue;
            }
            sh.ctx.fs.mkdir_all(&path, meta)
        } else {
            meta.mode = last_mode;
            sh.ctx.fs.mkdir(&path, meta)
        };
        match r {
            Ok(()) => {
                let _ = sh.ctx.fs.update_meta(&path, true, |m| m.mode = last_mode);
            }
            Err(e) => {
                sh.err(
                    io,
                    format!("mkdir: cannot create directory '{d}': {}\n", super::why(&e)),
                )?;
                status = 1;
            }
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in, sh};

    #[test]
    fn parents_modes_and_errors() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "mkdir -p /app/a/b && mkdir -m 700 /app/x && mkdir /app/x",
        );
        assert_eq!(r.status, 1);
        assert_eq!(
            r.err,
            "mkdir: cannot create directory '/app/x': File exists\n"
        );
        assert_eq!(fs.stat("/app/a/b").unwrap().meta.mode, 0o755);
        assert_eq!(fs.stat("/app/x").unwrap().meta.mode, 0o700);
        assert_eq!(fs.stat("/app/x").unwrap().meta.mtime, 1_700_000_000);
        let r = sh("cd /tmp; mkdir a/b");
        assert_eq!(
            r.err,
            "mkdir: cannot create directory 'a/b': No such file or directory\n"
        );
        assert_eq!(sh("mkdir -p /tmp && echo ok").out, "ok\n");
    }
}
