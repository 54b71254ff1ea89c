//! `which NAME…`, `command [-v|-V] NAME` and `type NAME`: looked up on
//! `PATH` in the image's filesystem (and among functions and builtins for
//! `command -v`, which is what scripts use to test for a program).

use super::super::{Io, R, Shell};

const BUILTINS: &[&str] = &[
    ":", ".", "break", "cd", "continue", "eval", "exec", "exit", "export", "read", "readonly",
    "return", "set", "shift", "trap", "umask", "unset", "wait", "echo", "printf", "test", "[",
    "true", "false", "pwd", "local", "command", "type",
];

pub fn which(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut status = 0;
    for n in argv[1..].iter().filter(|a| !a.starts_with('-')) {
        match sh.which(n) {
            Some(p) => sh.out(io, format!("{p}\n"))?,
            None => status = 1,
        }
    }
    Ok(status)
}

fn describe(sh: &Shell, n: &str) -> Option<String> {
    if sh.ctx.functions.contains_key(n) || BUILTINS.contains(&n) {
        return Some(n.to_string());
    }
    if n.contains('/') {
        return sh
            .ctx
            .fs
            .stat(&sh.ctx.abs(n))
            .is_ok()
            .then(|| n.to_string());
    }
    sh.which(n)
}

pub fn command(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut i = 1;
    let mut verbose = None;
    while let Some(a) = argv.get(i) {
        match a.as_str() {
            "-v" => verbose = Some(false),
            "-V" => verbose = Some(true),
            "-p" => {}
            _ => break,
        }
        i += 1;
    }
    let Some(v) = verbose else {
        // `command name args`: runs it, skipping functions.
        if i >= argv.len() {
            return Ok(0);
        }
        let saved = std::mem::take(&mut sh.ctx.functions);
        let span = crate::dockerfile::span::Span { start: 0, end: 0 };
        let r = sh.exec_argv_at(&argv[i..], io, span);
        sh.ctx.functions = saved;
        return r;
    };
    let mut status = 0;
    for n in &argv[i..] {
        match describe(sh, n) {
            Some(p) if v => sh.out(io, format!("{n} is {p}\n"))?,
            Some(p) => sh.out(io, format!("{p}\n"))?,
            None => {
                if v {
                    sh.err(io, format!("{n}: not found\n"))?;
                }
                status = 127;
            }
        }
    }
    Ok(if status != 0 && !v { 1 } else { status })
}

pub fn type_(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut status = 0;
    for n in &argv[1..] {
        if sh.ctx.functions.contains_key(n) {
            sh.out(io, format!("{n} is a shell function\n"))?;
        } else if BUILTINS.contains(&n.as_str()) {
            sh.out(io, format!("{n} is a shell builtin\n"))?;
        } else if let Some(p) = sh.which(n) {
            sh.out(io, format!("{n} is {p}\n"))?;
        } else {
            sh.out(io, format!("{n}: not found\n"))?;
            status = 127;
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn looks_up_path_in_the_filesystem() {
        assert_eq!(
            sh("which sh apt-get nope; echo $?").out,
            "/bin/sh\n/usr/bin/apt-get\n1\n"
        );
        assert_eq!(
            sh("command -v apt-get >/dev/null && echo yes; command -v nope || echo no").out,
            "yes\nno\n"
        );
        assert_eq!(sh("command -v cd").out, "cd\n");
    }
}
