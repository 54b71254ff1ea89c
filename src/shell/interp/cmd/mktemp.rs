//! `mktemp [-d] [-u] [-q] [-p DIR|--tmpdir[=DIR]] [-t] [TEMPLATE]`, as GNU
//! coreutils: the trailing `X`s of the template (`tmp.XXXXXXXXXX` in
//! `$TMPDIR` or /tmp by default) become letters and digits. There is no
//! randomness in a simulated build: the letters come from the template and
//! an attempt counter, so every build makes the same names. Files are made
//! with mode 0600, directories 0700.

use super::super::{Io, R, Shell};
use crate::vfs::Filler;

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut dir_mode = false;
    let mut dry = false;
    let mut quiet = false;
    let mut tmpdir: Option<String> = None;
    let mut use_tmpdir = false;
    let mut template: Option<String> = None;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if let Some(l) = a.strip_prefix("--") {
            match l.split_once('=') {
                Some(("tmpdir", v)) => {
                    use_tmpdir = true;
                    tmpdir = Some(v.to_string());
                }
                _ => match l {
                    "directory" => dir_mode = true,
                    "dry-run" => dry = true,
                    "quiet" => quiet = true,
                    "tmpdir" => use_tmpdir = true,
                    _ => {}
                },
            }
        } else if a.starts_with('-') && a.len() > 1 {
            let letters: Vec<char> = a[1..].chars().collect();
            for (k, c) in letters.iter().enumerate() {
                match c {
                    'd' => dir_mode = true,
                    'u' => dry = true,
                    'q' => quiet = true,
                    't' => use_tmpdir = true,
                    'p' => {
                        use_tmpdir = true;
                        let rest: String = letters[k + 1..].iter().collect();
                        tmpdir = Some(if rest.is_empty() {
                            i += 1;
                            argv.get(i - 1).cloned().unwrap_or_default()
                        } else {
                            rest
                        });
                        break;
                    }
                    c => {
                        sh.err(io, format!("mktemp: invalid option -- '{c}'\nTry 'mktemp --help' for more information.\n"))?;
                        return Ok(1);
                    }
                }
            }
        } else if template.is_some() {
            sh.err(
                io,
                "mktemp: too many templates\nTry 'mktemp --help' for more information.\n",
            )?;
            return Ok(1);
        } else {
            template = Some(a.clone());
        }
    }
    let given = template.is_some();
    let template = template.unwrap_or_else(|| "tmp.XXXXXXXXXX".into());
    let xs = template.len() - template.trim_end_matches('X').len();
    if xs < 3 {
        if !quiet {
            sh.err(
                io,
                format!("mktemp: too few X's in template '{template}'\n"),
            )?;
        }
        return Ok(1);
    }
    let path = if !given || use_tmpdir {
        if given && template.contains('/') {
            sh.err(
                io,
                format!("mktemp: invalid template, '{template}', contains directory separator\n"),
            )?;
            return Ok(1);
        }
        let dir = tmpdir
            .filter(|d| !d.is_empty())
            .or_else(|| {
                sh.ctx
                    .get_var("TMPDIR")
                    .filter(|d| !d.is_empty())
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "/tmp".into());
        format!("{}/{template}", dir.trim_end_matches('/'))
    } else {
        template.clone()
    };
    let stem = &path[..path.len() - xs];
    for attempt in 0..100u32 {
        let mut f = Filler::new(&format!("{path}#{attempt}"));
        let name: String = (0..xs)
            .map(|_| ALPHABET[(f.next_u64() % ALPHABET.len() as u64) as usize] as char)
            .collect();
        let candidate = format!("{stem}{name}");
        let abs = sh.ctx.abs(&candidate);
        if sh.ctx.fs.lstat(&abs).is_ok() {
            continue;
        }
        if !dry {
            let r = if dir_mode {
                let meta = sh.ctx.new_meta(0o700);
                sh.ctx.fs.mkdir(&abs, meta)
            } else {
                let meta = sh.ctx.new_meta(0o600);
                sh.ctx.fs.write_file(&abs, Vec::new(), meta)
            };
            if let Err(e) = r {
                if !quiet {
                    let what = if dir_mode { "directory" } else { "file" };
                    sh.err(
                        io,
                        format!(
                            "mktemp: failed to create {what} via template '{path}': {}\n",
                            super::why(&e)
                        ),
                    )?;
                }
                return Ok(1);
            }
        }
        sh.out(io, format!("{candidate}\n"))?;
        return Ok(0);
    }
    sh.err(
        io,
        format!("mktemp: failed to create file via template '{path}': File exists\n"),
    )?;
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in, sh};

    #[test]
    fn deterministic_names_and_modes() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "a=$(mktemp); b=$(mktemp); d=$(mktemp -d); echo $a $b $d; export TMPDIR=/root; mktemp -t x.XXX; cd /tmp && mktemp fooXXXXXX",
        );
        let w: Vec<&str> = r.out.split_whitespace().collect();
        assert_eq!(w.len(), 5, "{}", r.err);
        assert!(w[0].starts_with("/tmp/tmp.") && w[0].len() == 19);
        assert_ne!(w[0], w[1]);
        assert!(w[3].starts_with("/root/x.") && w[4].starts_with("foo"));
        assert_eq!(fs.stat(w[0]).unwrap().meta.mode, 0o600);
        assert_eq!(fs.stat(w[2]).unwrap().meta.mode, 0o700);
        assert!(fs.stat(&format!("/tmp/{}", w[4])).is_ok());
        // The same script makes the same names.
        assert_eq!(
            run_in(&mut super::super::testing::fs(), "mktemp").out,
            format!("{}\n", w[0])
        );
        let r = sh("mktemp /tmp/aXX; echo $?");
        assert_eq!(
            (r.out.as_str(), r.err.as_str()),
            ("1\n", "mktemp: too few X's in template '/tmp/aXX'\n")
        );
    }
}
