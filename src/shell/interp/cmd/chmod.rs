//! `chmod [-R] MODE FILE…`: octal (`755`) and symbolic (`u+x,go-w`, `a=r`,
//! `+X`) modes; `-R` does not follow symlinks it meets, as GNU chmod.

use super::super::{Io, R, Shell};
use crate::vfs;

/// The new mode for `spec` applied to `old` (`is_dir` for `X`); None when invalid.
pub fn parse_mode(spec: &str, old: u32, is_dir: bool) -> Option<u32> {
    if !spec.is_empty() && spec.chars().all(|c| c.is_digit(8)) {
        let v = u32::from_str_radix(spec, 8).ok()?;
        return (v <= 0o7777).then_some(v);
    }
    let mut mode = old;
    for clause in spec.split(',') {
        let mut chars = clause.chars().peekable();
        let mut who = 0u32;
        while let Some(&c) = chars.peek() {
            who |= match c {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                'a' => 0o7777,
                _ => break,
            };
            chars.next();
        }
        let implicit = who == 0;
        if implicit {
            who = 0o7777;
        }
        let mut any = false;
        while let Some(op) = chars.next() {
            if !matches!(op, '+' | '-' | '=') {
                return None;
            }
            any = true;
            let mut bits = 0u32;
            while let Some(&c) = chars.peek() {
                bits |= match c {
                    'r' => 0o444,
                    'w' => 0o222,
                    'x' => 0o111,
                    'X' if is_dir || old & 0o111 != 0 => 0o111,
                    'X' => 0,
                    's' => 0o6000,
                    't' => 0o1000,
                    _ => break,
                };
                chars.next();
            }
            let mut mask = who & bits;
            // Without a who, the umask would apply; RUN's umask is 022, which
            // only matters for `+w`/`=w`.
            if implicit {
                mask &= !0o022;
            }
            match op {
                '+' => mode |= mask,
                '-' => mode &= !mask,
                _ => mode = (mode & !who) | mask,
            }
        }
        if !any {
            return None;
        }
    }
    Some(mode)
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut recursive = false;
    let mut rest = Vec::new();
    for a in &argv[1..] {
        match a.as_str() {
            "-R" | "--recursive" => recursive = true,
            "-v" | "-c" | "-f" | "--" => {}
            _ => rest.push(a.clone()),
        }
    }
    if rest.len() < 2 {
        sh.err(io, "chmod: missing operand\n")?;
        return Ok(1);
    }
    let spec = rest.remove(0);
    if parse_mode(&spec, 0, false).is_none() {
        sh.err(io, format!("chmod: invalid mode: '{spec}'\n"))?;
        return Ok(1);
    }
    let mut status = 0;
    for f in rest {
        let path = sh.ctx.abs(&f);
        if let Err(e) = sh.ctx.fs.stat(&path) {
            sh.err(
                io,
                format!("chmod: cannot access '{f}': {}\n", super::why(&e)),
            )?;
            status = 1;
            continue;
        }
        let paths: Vec<(String, bool)> = if recursive {
            sh.ctx
                .fs
                .walk(&path)
                .unwrap_or_default()
                .into_iter()
                .filter(|(_, n)| n.kind() != vfs::Kind::Symlink)
                .map(|(p, n)| (p, n.kind() == vfs::Kind::Dir))
                .collect()
        } else {
            let dir = sh
                .ctx
                .fs
                .stat(&path)
                .is_ok_and(|s| s.kind == vfs::Kind::Dir);
            vec![(path, dir)]
        };
        for (p, dir) in paths {
            sh.step(crate::dockerfile::span::Span { start: 0, end: 0 })?;
            let spec = spec.clone();
            let _ = sh.ctx.fs.update_meta(&p, true, |m| {
                m.mode = parse_mode(&spec, m.mode, dir).unwrap_or(m.mode);
            });
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in};
    use super::parse_mode;

    #[test]
    fn symbolic_modes_like_gnu() {
        // Checked with GNU chmod on a 0644 file.
        assert_eq!(parse_mode("u+x", 0o644, false), Some(0o744));
        assert_eq!(parse_mode("+x", 0o644, false), Some(0o755));
        assert_eq!(parse_mode("go-r", 0o644, false), Some(0o600));
        assert_eq!(parse_mode("a=r", 0o644, false), Some(0o444));
        assert_eq!(parse_mode("u=rwx,g=rx,o=", 0o644, false), Some(0o750));
        assert_eq!(parse_mode("a+X", 0o644, true), Some(0o755));
        assert_eq!(parse_mode("a+X", 0o644, false), Some(0o644));
        assert_eq!(parse_mode("4755", 0, false), Some(0o4755));
        assert_eq!(parse_mode("zz", 0, false), None);
    }

    #[test]
    fn recursive_and_errors() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "mkdir -p /a/b && touch /a/b/f && chmod -R 700 /a && chmod 600 /nope",
        );
        assert_eq!(
            r.err,
            "chmod: cannot access '/nope': No such file or directory\n"
        );
        assert_eq!(fs.stat("/a/b/f").unwrap().meta.mode, 0o700);
        let r = run_in(&mut fs, "chmod bogus /a");
        assert_eq!(r.err, "chmod: invalid mode: 'bogus'\n");
    }
}
