//! `touch FILE…`: creates empty files (0666 less the umask) or sets the
//! mtime of existing ones to the build's time.

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut no_create = false;
    let mut files = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        match a.as_str() {
            "-c" | "--no-create" => no_create = true,
            "-d" | "-t" | "-r" => i += 1,
            s if s.starts_with('-') && s.len() > 1 => {}
            _ => files.push(a.clone()),
        }
        i += 1;
    }
    if files.is_empty() {
        sh.err(io, "touch: missing file operand\n")?;
        return Ok(1);
    }
    let mut status = 0;
    let mtime = sh.ctx.mtime;
    for f in files {
        let path = sh.ctx.abs(&f);
        if sh.ctx.fs.stat(&path).is_ok() {
            let _ = sh.ctx.fs.update_meta(&path, true, |m| m.mtime = mtime);
            continue;
        }
        if no_create {
            continue;
        }
        let meta = sh.ctx.new_meta(0o666);
        if let Err(e) = sh.ctx.fs.write_file(&path, Vec::new(), meta) {
            sh.err(
                io,
                format!("touch: cannot touch '{f}': {}\n", super::why(&e)),
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
    fn creates_and_fails() {
        let mut fs = fs();
        let r = run_in(&mut fs, "touch /tmp/a && touch /nope/b");
        assert_eq!(
            r.err,
            "touch: cannot touch '/nope/b': No such file or directory\n"
        );
        assert_eq!(r.status, 1);
        let st = fs.stat("/tmp/a").unwrap();
        assert_eq!((st.size, st.meta.mode), (0, 0o644));
    }
}
