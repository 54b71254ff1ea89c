//! `gzip [-cdfkn1-9] [FILE…]`, `gunzip` and `zcat`, as GNU gzip: `x`
//! becomes `x.gz` (mode, owner and mtime kept, `x` removed unless `-k`) and
//! back; no file (or `-`) filters standard input to standard output.
//! Compression is flate2's (zlib-rs), so the bytes are a valid gzip stream
//! but not byte-for-byte GNU gzip's; the name and mtime are stored unless
//! `-n`. `-r`, `-l` and `-t` are not simulated.
//!
//! `xz`, `bzip2` and their `un…`/`…cat` forms are not simulated (no such
//! codec here), except to decompress a simulated download: that is a gzip
//! stream whatever its name says (see `curl`), and is decompressed as such,
//! recorded as simulated. Anything else they are asked is recorded as not run.

use super::super::{Io, R, Shell};
use crate::vfs::{self, File, Node};
use std::io::{Read, Write};
use std::sync::Arc;

/// A gzip stream of `data` at `level` (1–9), storing `name` and `mtime` when given.
pub fn compress(data: &[u8], level: u32, name: Option<&str>, mtime: u32) -> Vec<u8> {
    let mut b = flate2::GzBuilder::new().mtime(mtime).operating_system(3);
    if let Some(n) = name {
        b = b.filename(n.as_bytes());
    }
    let mut w = b.write(Vec::new(), flate2::Compression::new(level.clamp(1, 9)));
    // Writing to a Vec cannot fail.
    let _ = w.write_all(data);
    w.finish().unwrap_or_default()
}

/// The data of a gzip stream (members one after the other), at most `max`
/// bytes of it; `None` when it is not gzip or is damaged.
pub fn decompress(data: &[u8], max: u64) -> Option<Vec<u8>> {
    if !data.starts_with(&[0x1f, 0x8b]) {
        return None;
    }
    let mut out = Vec::new();
    let mut d = flate2::read::MultiGzDecoder::new(data).take(max.saturating_add(1));
    d.read_to_end(&mut out).ok()?;
    if out.len() as u64 > max {
        return None;
    }
    Some(out)
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    main(sh, io, argv, false, false)
}

pub fn gunzip(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    main(sh, io, argv, true, false)
}

pub fn zcat(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    main(sh, io, argv, true, true)
}

/// `xz`, `unxz`, `xzcat`, `bzip2`, `bunzip2`, `bzcat`, `lzma`, `unlzma`.
pub fn other(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let name = argv[0].rsplit('/').next().unwrap_or("xz").to_string();
    let args = super::parse_args(argv);
    let cat = name.ends_with("cat");
    let unpack = cat || name.starts_with("un") || args.has('d') || args.has_long("decompress");
    let stdout = cat || args.has('c') || args.has_long("stdout");
    let keep = args.has('k') || args.has_long("keep");
    let codec = if name.contains("bz") { "bzip2" } else { "xz" };
    let files = args.operands.clone();
    let max = sh.ctx.limits.max_written;
    // Every input must be a made-up download, or nothing is done.
    let mut inputs = Vec::new();
    if unpack {
        if files.is_empty() {
            let data = io.stdin[io.pos.get().min(io.stdin.len())..].to_vec();
            inputs.push(("-".to_string(), data));
        }
        for f in &files {
            match sh.ctx.fs.read_file(&sh.ctx.abs(f)) {
                Ok(d) => inputs.push((f.clone(), d.to_vec())),
                Err(_) => inputs.clear(),
            }
            if inputs.is_empty() {
                break;
            }
        }
    }
    let all_made_up = !inputs.is_empty()
        && inputs
            .iter()
            .all(|(_, d)| d.starts_with(&[0x1f, 0x8b]) && sh.is_download(d));
    if !all_made_up {
        sh.unsimulated(&name);
        return Ok(0);
    }
    for (f, data) in inputs {
        let Some(out) = decompress(&data, max) else {
            sh.unsimulated(&name);
            return Ok(0);
        };
        sh.simulated(
            &name,
            format!(
                "simulated archive: {} is a simulated download, decompressed as gzip, not {codec}",
                if f == "-" { "standard input" } else { &f }
            ),
        );
        if f == "-" {
            io.take_input();
            sh.out(io, out)?;
            continue;
        }
        if stdout {
            sh.out(io, out)?;
            continue;
        }
        let target = [
            (".txz", ".tar"),
            (".tbz2", ".tar"),
            (".tbz", ".tar"),
            (".xz", ""),
            (".bz2", ""),
            (".lzma", ""),
        ]
        .iter()
        .find_map(|(ext, with)| f.strip_suffix(ext).map(|t| format!("{t}{with}")))
        .unwrap_or_else(|| format!("{f}.out"));
        let abs = sh.ctx.abs(&f);
        let meta = sh.ctx.fs.stat(&abs).map(|s| s.meta).unwrap_or_default();
        sh.count_written(out.len() as u64)?;
        let node = Node::File(Arc::new(File {
            data: out.into(),
            meta,
            ino: 0,
        }));
        if let Err(e) = sh.ctx.fs.put(&sh.ctx.abs(&target), node) {
            sh.err(io, format!("{name}: {target}: {}\n", super::why(&e)))?;
            return Ok(1);
        }
        if !keep {
            let _ = sh.ctx.fs.remove(&abs);
        }
    }
    Ok(0)
}

fn main(sh: &mut Shell, io: &Io, argv: &[String], unzip: bool, cat: bool) -> R {
    let name = argv[0].rsplit('/').next().unwrap_or("gzip").to_string();
    let args = super::parse_args(argv);
    let mut level = 6;
    for f in &args.flags {
        match f {
            '1'..='9' => level = f.to_digit(10).unwrap_or(6),
            'c' | 'd' | 'f' | 'k' | 'n' | 'N' | 'q' | 'v' => {}
            'r' | 'l' | 't' => {
                sh.unsimulated(&name);
                return Ok(0);
            }
            c => {
                sh.err(
                    io,
                    format!(
                        "{name}: invalid option -- '{c}'\nTry `{name} --help' for more information.\n"
                    ),
                )?;
                return Ok(1);
            }
        }
    }
    let long = |l: &str| args.has_long(l);
    if long("best") {
        level = 9;
    }
    if long("fast") {
        level = 1;
    }
    let decompress_ = unzip || args.has('d') || long("decompress") || long("uncompress");
    let stdout = cat || args.has('c') || long("stdout") || long("to-stdout");
    let keep = args.has('k') || long("keep");
    let force = args.has('f') || long("force");
    let no_name = args.has('n') || long("no-name");
    let max = sh.ctx.limits.max_written;
    let mut status = 0;
    let files = if args.operands.is_empty() {
        vec!["-".to_string()]
    } else {
        args.operands.clone()
    };
    for f in &files {
        if f == "-" {
            let input = io.take_input().to_vec();
            if decompress_ {
                match decompress(&input, max) {
                    Some(d) => sh.out(io, d)?,
                    None => {
                        sh.err(io, format!("{name}: stdin: not in gzip format\n"))?;
                        status = 1;
                    }
                }
            } else {
                sh.out(io, compress(&input, level, None, 0))?;
            }
            continue;
        }
        let abs = sh.ctx.abs(f);
        let st = match sh.ctx.fs.stat(&abs) {
            Ok(st) => st,
            Err(e) => {
                sh.err(io, format!("{name}: {f}: {}\n", super::why(&e)))?;
                status = 1;
                continue;
            }
        };
        if st.kind == vfs::Kind::Dir {
            sh.err(io, format!("{name}: {f} is a directory -- ignored\n"))?;
            status = status.max(2);
            continue;
        }
        let data = sh.ctx.fs.read_file(&abs).unwrap_or_default();
        let (out, target) = if decompress_ {
            let target = if let Some(t) = f.strip_suffix(".gz").or_else(|| f.strip_suffix(".z")) {
                t.to_string()
            } else if let Some(t) = f.strip_suffix(".tgz") {
                format!("{t}.tar")
            } else if stdout {
                String::new()
            } else {
                sh.err(io, format!("{name}: {f}: unknown suffix -- ignored\n"))?;
                status = status.max(2);
                continue;
            };
            match decompress(&data, max) {
                Some(d) => (d, target),
                None => {
                    sh.err(io, format!("{name}: {f}: not in gzip format\n"))?;
                    status = 1;
                    continue;
                }
            }
        } else {
            if f.ends_with(".gz") && !stdout {
                sh.err(
                    io,
                    format!("{name}: {f} already has .gz suffix -- unchanged\n"),
                )?;
                status = status.max(2);
                continue;
            }
            let base = f.rsplit('/').next().unwrap_or(f);
            let stored = (!no_name).then_some(base);
            let mtime = if no_name {
                0
            } else {
                st.meta.mtime.max(0) as u32
            };
            (compress(&data, level, stored, mtime), format!("{f}.gz"))
        };
        if stdout {
            sh.out(io, out)?;
            continue;
        }
        let target_abs = sh.ctx.abs(&target);
        if sh.ctx.fs.lstat(&target_abs).is_ok() {
            if !force {
                sh.err(
                    io,
                    format!("{name}: {target} already exists; not overwritten\n"),
                )?;
                status = status.max(2);
                continue;
            }
            let _ = sh.ctx.fs.remove_all(&target_abs);
        }
        sh.count_written(out.len() as u64)?;
        let node = Node::File(Arc::new(File {
            data: out.into(),
            meta: st.meta,
            ino: 0,
        }));
        if let Err(e) = sh.ctx.fs.put(&target_abs, node) {
            sh.err(io, format!("{name}: {target}: {}\n", super::why(&e)))?;
            status = 1;
            continue;
        }
        if !keep {
            let _ = sh.ctx.fs.remove(&abs);
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in, sh};

    #[test]
    fn round_trip_keeps_mode_and_renames() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "printf 'hello\\n' > /tmp/a && chmod 600 /tmp/a && gzip -9 /tmp/a && ls /tmp && gunzip /tmp/a.gz && cat /tmp/a && gzip -k /tmp/a && zcat /tmp/a.gz",
        );
        assert_eq!(r.out, "a.gz\nhello\nhello\n");
        assert_eq!(r.status, 0);
        assert_eq!(fs.stat("/tmp/a").unwrap().meta.mode, 0o600);
        assert_eq!(fs.stat("/tmp/a.gz").unwrap().meta.mode, 0o600);
        let gz = fs.read_file("/tmp/a.gz").unwrap();
        assert_eq!(&gz[..2], b"\x1f\x8b");
    }

    #[test]
    fn xz_and_bzip2_only_undo_made_up_downloads() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "cd /tmp && wget -q https://e.com/ff-60.tar.bz2 && bzip2 -d ff-60.tar.bz2 && tar -xf ff-60.tar && ls /tmp /tmp/ff-60 && echo x > /tmp/real.xz && xz -d /tmp/real.xz",
        );
        assert_eq!(
            r.out, "/tmp:\nff-60\nff-60.tar\n\n/tmp/ff-60:\nREADME\nbin\n",
            "{}",
            r.err
        );
        assert_eq!(r.unsimulated, ["xz"]);
        assert_eq!(
            r.simulated[1],
            "simulated archive: ff-60.tar.bz2 is a simulated download, decompressed as gzip, not bzip2"
        );
        assert!(fs.stat("/tmp/real.xz").is_ok());
    }

    #[test]
    fn filters_and_errors() {
        assert_eq!(sh("echo hi | gzip | gzip -d").out, "hi\n");
        assert_eq!(sh("echo hi | gzip -c | zcat").out, "hi\n");
        let r = sh(
            "gzip /nope; echo $?; echo x > /tmp/b; gunzip /tmp/b; echo $?; echo x | gzip -d; echo $?",
        );
        assert_eq!(r.out, "1\n2\n1\n");
        assert_eq!(
            r.err,
            "gzip: /nope: No such file or directory\ngunzip: /tmp/b: unknown suffix -- ignored\ngzip: stdin: not in gzip format\n"
        );
        let r = sh("touch /tmp/c /tmp/c.gz; gzip /tmp/c; echo $?; gzip -f /tmp/c; ls /tmp");
        assert_eq!(r.err, "gzip: /tmp/c.gz already exists; not overwritten\n");
        assert_eq!(r.out, "2\nc.gz\n");
    }
}
