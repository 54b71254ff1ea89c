//! `install [-cDdpsv] [-m MODE] [-o OWNER] [-g GROUP] [-t DIR] [-T]`, as GNU
//! coreutils: `install SRC DEST`, `install SRC… DIR`, `install -d DIR…`.
//! Copies get mode 0755 (or `-m`, symbolic or octal, not masked by the
//! umask) and the user (or `-o`/`-g`) as owner; `-D` makes the missing
//! parents of DEST; `-s` (strip) has nothing to strip here.

use super::super::{Io, R, Shell};
use super::chown;
use crate::vfs::{self, File, Meta, Node};
use std::sync::Arc;

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let (mut dirs, mut leading, mut verbose, mut preserve, mut no_target_dir) =
        (false, false, false, false, false);
    let mut mode_spec: Option<String> = None;
    let mut owner: Option<String> = None;
    let mut group: Option<String> = None;
    let mut target_dir: Option<String> = None;
    let mut ops: Vec<String> = Vec::new();
    let mut i = 1;
    let mut rest = false;
    while i < argv.len() {
        let a = argv[i].clone();
        i += 1;
        if rest || !a.starts_with('-') || a == "-" {
            ops.push(a);
            continue;
        }
        if a == "--" {
            rest = true;
            continue;
        }
        if let Some(l) = a.strip_prefix("--") {
            let (k, v) = match l.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (l, None),
            };
            let mut value = || {
                v.clone().or_else(|| {
                    i += 1;
                    argv.get(i - 1).cloned()
                })
            };
            match k {
                "directory" => dirs = true,
                "mode" => mode_spec = value(),
                "owner" => owner = value(),
                "group" => group = value(),
                "target-directory" => target_dir = value(),
                "no-target-directory" => no_target_dir = true,
                "verbose" => verbose = true,
                "preserve-timestamps" => preserve = true,
                "strip-program" | "suffix" | "context" if v.is_none() => i += 1,
                _ => {}
            }
            continue;
        }
        let letters: Vec<char> = a[1..].chars().collect();
        for (k, c) in letters.iter().enumerate() {
            if "mogtS".contains(*c) {
                let tail: String = letters[k + 1..].iter().collect();
                let v = if tail.is_empty() {
                    i += 1;
                    match argv.get(i - 1) {
                        Some(v) => v.clone(),
                        None => {
                            sh.err(io, format!("install: option requires an argument -- '{c}'\nTry 'install --help' for more information.\n"))?;
                            return Ok(1);
                        }
                    }
                } else {
                    tail
                };
                match c {
                    'm' => mode_spec = Some(v),
                    'o' => owner = Some(v),
                    'g' => group = Some(v),
                    't' => target_dir = Some(v),
                    _ => {}
                }
                break;
            }
            match c {
                'd' => dirs = true,
                'D' => leading = true,
                'v' => verbose = true,
                'p' => preserve = true,
                'T' => no_target_dir = true,
                'c' | 's' | 'C' | 'b' => {}
                c => {
                    sh.err(io, format!("install: invalid option -- '{c}'\nTry 'install --help' for more information.\n"))?;
                    return Ok(1);
                }
            }
        }
    }
    let mode = match &mode_spec {
        Some(m) => match super::chmod::parse_mode(m, 0o755, dirs) {
            Some(v) if !m.chars().all(|c| c.is_ascii_digit()) => {
                // Symbolic modes start from 0 as GNU install does (a=rwx by default).
                super::chmod::parse_mode(m, 0, dirs).unwrap_or(v)
            }
            Some(v) => v,
            None => {
                sh.err(io, format!("install: invalid mode '{m}'\n"))?;
                return Ok(1);
            }
        },
        None => 0o755,
    };
    let uid = match &owner {
        Some(o) => match chown::user(sh.ctx.fs, o) {
            Some((u, _)) => u,
            None => {
                sh.err(io, format!("install: invalid user '{o}'\n"))?;
                return Ok(1);
            }
        },
        None => sh.ctx.uid,
    };
    let gid = match &group {
        Some(g) => match chown::group(sh.ctx.fs, g) {
            Some(g) => g,
            None => {
                sh.err(io, format!("install: invalid group '{g}'\n"))?;
                return Ok(1);
            }
        },
        None => sh.ctx.gid,
    };
    let mtime = sh.ctx.mtime;
    let meta = Meta {
        mode,
        uid,
        gid,
        mtime,
    };
    let mut status = 0;
    if dirs {
        if ops.is_empty() {
            sh.err(
                io,
                "install: missing file operand\nTry 'install --help' for more information.\n",
            )?;
            return Ok(1);
        }
        for d in &ops {
            let abs = vfs::clean(&sh.ctx.abs(d));
            if verbose && !sh.ctx.fs.exists(&abs) {
                sh.err(io, format!("install: creating directory '{d}'\n"))?;
            }
            let parents = sh.ctx.new_meta(0o755);
            let r = sh
                .ctx
                .fs
                .mkdir_all(&abs, parents)
                .and_then(|_| sh.ctx.fs.update_meta(&abs, true, |m| *m = meta));
            if let Err(e) = r {
                sh.err(
                    io,
                    format!(
                        "install: cannot create directory '{d}': {}\n",
                        super::why(&e)
                    ),
                )?;
                status = 1;
            }
        }
        return Ok(status);
    }
    if let Some(t) = &target_dir {
        ops.push(t.clone());
    }
    if ops.len() < 2 {
        let msg = match ops.first() {
            None => "install: missing file operand\n".to_string(),
            Some(f) => format!("install: missing destination file operand after '{f}'\n"),
        };
        sh.err(
            io,
            format!("{msg}Try 'install --help' for more information.\n"),
        )?;
        return Ok(1);
    }
    let (srcs, dest) = ops.split_at(ops.len() - 1);
    let dest = &dest[0];
    let dest_abs = vfs::clean(&sh.ctx.abs(dest));
    if leading {
        let parent = if srcs.len() > 1 || target_dir.is_some() {
            dest_abs.clone()
        } else {
            dest_abs
                .rsplit_once('/')
                .map(|(p, _)| p.to_string())
                .unwrap_or_default()
        };
        if !parent.is_empty() {
            let m = sh.ctx.new_meta(0o755);
            if let Err(e) = sh.ctx.fs.mkdir_all(&parent, m) {
                sh.err(
                    io,
                    format!(
                        "install: cannot create directory '{parent}': {}\n",
                        super::why(&e)
                    ),
                )?;
                return Ok(1);
            }
        }
    }
    let dest_is_dir = !no_target_dir
        && sh
            .ctx
            .fs
            .stat(&dest_abs)
            .is_ok_and(|s| s.kind == vfs::Kind::Dir);
    if srcs.len() > 1 && !dest_is_dir {
        sh.err(io, format!("install: target '{dest}' is not a directory\n"))?;
        return Ok(1);
    }
    for s in srcs {
        let src_abs = sh.ctx.abs(s);
        let st = match sh.ctx.fs.stat(&src_abs) {
            Ok(st) => st,
            Err(e) => {
                sh.err(
                    io,
                    format!("install: cannot stat '{s}': {}\n", super::why(&e)),
                )?;
                status = 1;
                continue;
            }
        };
        if st.kind == vfs::Kind::Dir {
            sh.err(io, format!("install: omitting directory '{s}'\n"))?;
            status = 1;
            continue;
        }
        let data = sh.ctx.fs.read_file(&src_abs).unwrap_or_default();
        let (target, shown) = if dest_is_dir {
            let base = vfs::clean(&src_abs)
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            (
                format!("{}/{base}", dest_abs.trim_end_matches('/')),
                format!("{}/{base}", dest.trim_end_matches('/')),
            )
        } else {
            (dest_abs.clone(), dest.clone())
        };
        let _ = sh.count_written(data.len() as u64);
        let m = Meta {
            mtime: if preserve { st.meta.mtime } else { mtime },
            ..meta
        };
        if sh.ctx.fs.lstat(&target).is_ok() {
            let _ = sh.ctx.fs.remove(&target);
        }
        let r = sh.ctx.fs.put(
            &target,
            Node::File(Arc::new(File {
                data,
                meta: m,
                ino: 0,
            })),
        );
        match r {
            Ok(()) => {
                if verbose {
                    sh.out(io, format!("'{s}' -> '{shown}'\n"))?;
                }
            }
            Err(e) => {
                sh.err(
                    io,
                    format!(
                        "install: cannot create regular file '{shown}': {}\n",
                        super::why(&e)
                    ),
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
    fn copies_dirs_modes_and_owners() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "echo x > /tmp/tool && chmod 600 /tmp/tool && install /tmp/tool /usr/bin/ && install -D -m 644 -o app -g app /tmp/tool /opt/a/b/conf && install -d -m 0750 -o app /var/lib/app && install -v -m u=rw,go=r /tmp/tool /tmp/t2",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert_eq!(r.out, "'/tmp/tool' -> '/tmp/t2'\n");
        assert_eq!(fs.stat("/usr/bin/tool").unwrap().meta.mode, 0o755);
        let c = fs.stat("/opt/a/b/conf").unwrap().meta;
        assert_eq!((c.mode, c.uid, c.gid), (0o644, 1000, 1000));
        assert_eq!(fs.stat("/opt/a/b").unwrap().meta.mode, 0o755);
        let d = fs.stat("/var/lib/app").unwrap().meta;
        assert_eq!((d.mode, d.uid), (0o750, 1000));
        assert_eq!(fs.stat("/tmp/t2").unwrap().meta.mode, 0o644);
        assert_eq!(&fs.read_file("/opt/a/b/conf").unwrap()[..], b"x\n");
    }

    #[test]
    fn errors() {
        let r = sh(
            "install /nope /tmp/x; install -o ghost /etc/passwd /tmp/; install /etc; install -m 9 /etc/passwd /tmp/p; install /etc /tmp/e; echo $?",
        );
        assert_eq!(
            r.err,
            "install: cannot stat '/nope': No such file or directory\ninstall: invalid user 'ghost'\ninstall: missing destination file operand after '/etc'\nTry 'install --help' for more information.\ninstall: invalid mode '9'\ninstall: omitting directory '/etc'\n"
        );
        assert_eq!(r.out, "1\n");
    }
}
