//! The shell's own builtins: control flow, variables, options, `cd`.
//! Messages are dash's (`sh: 1: cd: can't cd to /nope`).

use super::super::{Flow, Io, R, Shell};
use crate::vfs;

pub fn true_(_: &mut Shell, _: &Io, _: &[String]) -> R {
    Ok(0)
}

pub fn false_(_: &mut Shell, _: &Io, _: &[String]) -> R {
    Ok(1)
}

fn number_arg(sh: &mut Shell, io: &Io, argv: &[String], default: i32) -> Result<i32, Flow> {
    match argv.get(1) {
        None => Ok(default),
        Some(a) => match a.parse::<i64>() {
            Ok(n) => Ok((n & 0xff) as i32),
            Err(_) => {
                sh.err(io, format!("sh: {}: Illegal number: {a}\n", argv[0]))?;
                Err(Flow::Exit(2))
            }
        },
    }
}

pub fn exit(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let n = number_arg(sh, io, argv, sh.ctx.status)?;
    Err(Flow::Exit(n))
}

pub fn return_(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let n = number_arg(sh, io, argv, sh.ctx.status)?;
    Err(Flow::Return(n))
}

pub fn break_(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let n = number_arg(sh, io, argv, 1)?.max(1);
    Err(Flow::Break(n as u32))
}

pub fn continue_(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let n = number_arg(sh, io, argv, 1)?.max(1);
    Err(Flow::Continue(n as u32))
}

pub fn export(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    for a in argv.iter().skip(1) {
        if a == "-p" || a == "-n" {
            if a == "-p" {
                let lines: String = sh
                    .ctx
                    .vars
                    .iter()
                    .filter(|v| v.exported)
                    .map(|v| format!("export {}='{}'\n", v.name, v.value.replace('\'', "'\\''")))
                    .collect();
                sh.out(io, lines)?;
            }
            continue;
        }
        match a.split_once('=') {
            Some((k, v)) => sh.ctx.export(k, Some(v.to_string())),
            None => sh.ctx.export(a, None),
        }
    }
    Ok(0)
}

/// `local`/`declare`: a plain assignment (functions do not get a scope of their own here).
pub fn local(sh: &mut Shell, _: &Io, argv: &[String]) -> R {
    let export = argv.iter().any(|a| a.starts_with('-') && a.contains('x'));
    for a in argv.iter().skip(1).filter(|a| !a.starts_with('-')) {
        let (k, v) = match a.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        if export {
            sh.ctx.export(k, v);
        } else if let Some(v) = v {
            sh.ctx.set_var(k, v);
        } else if sh.ctx.get_var(k).is_none() {
            sh.ctx.set_var(k, "");
        }
    }
    Ok(0)
}

pub fn unset(sh: &mut Shell, _: &Io, argv: &[String]) -> R {
    let functions = argv.iter().any(|a| a == "-f");
    for a in argv.iter().skip(1).filter(|a| !a.starts_with('-')) {
        if functions {
            sh.ctx.functions.remove(a);
        } else {
            sh.ctx.unset_var(a);
        }
    }
    Ok(0)
}

pub fn set(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if a == "--" {
            let mut args = vec![sh.ctx.args[0].clone()];
            args.extend(argv[i + 1..].iter().cloned());
            sh.ctx.args = args;
            return Ok(0);
        }
        let on = a.starts_with('-');
        if !on && !a.starts_with('+') {
            // `set a b`: the positional parameters.
            let mut args = vec![sh.ctx.args[0].clone()];
            args.extend(argv[i..].iter().cloned());
            sh.ctx.args = args;
            return Ok(0);
        }
        for c in a[1..].chars() {
            let o = &mut sh.ctx.options;
            match c {
                'e' => o.errexit = on,
                'u' => o.nounset = on,
                'x' => o.xtrace = on,
                'f' => o.noglob = on,
                'o' => {
                    i += 1;
                    let name = argv.get(i).cloned().unwrap_or_default();
                    match name.as_str() {
                        "errexit" => o.errexit = on,
                        "nounset" => o.nounset = on,
                        "xtrace" => o.xtrace = on,
                        "noglob" => o.noglob = on,
                        "pipefail" => o.pipefail = on,
                        "" => {}
                        _ => {
                            // Options that change nothing here (posix, emacs, …) are accepted.
                        }
                    }
                }
                'v' | 'h' | 'b' | 'm' | 'C' | 'a' | 'n' | 'E' | 'T' | 'P' | 'B' | 'H' => {}
                _ => {
                    sh.err(io, format!("sh: 1: set: Illegal option -{c}\n"))?;
                    return Err(Flow::Exit(2));
                }
            }
        }
        i += 1;
    }
    Ok(0)
}

pub fn shift(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let n = number_arg(sh, io, argv, 1)? as usize;
    if n > sh.ctx.args.len() - 1 {
        sh.err(io, "sh: 1: shift: can't shift that many\n")?;
        return Err(Flow::Exit(2));
    }
    sh.ctx.args.drain(1..=n);
    Ok(0)
}

/// Parses `text` and runs it in this shell.
fn run_text(sh: &mut Shell, io: &Io, text: &str, what: &str) -> R {
    let script = match crate::shell::parse(text) {
        Ok(s) => s,
        Err(e) => {
            sh.err(io, format!("sh: 1: {what}: {}\n", e.message))?;
            return Ok(2);
        }
    };
    sh.enter("eval and source")?;
    // Spans of the new tree point into `text`, not the script: a shell of its own reads them.
    let r = Shell {
        ctx: &mut *sh.ctx,
        src: text,
    }
    .run_list(&script.body, io);
    sh.leave();
    r
}

pub fn eval(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let text = argv[1..].join(" ");
    run_text(sh, io, &text, "eval")
}

pub fn source(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let Some(f) = argv.get(1) else {
        return Ok(0);
    };
    let path = if f.contains('/') {
        sh.ctx.abs(f)
    } else {
        sh.which(f).unwrap_or_else(|| sh.ctx.abs(f))
    };
    match sh.ctx.fs.read_file(&path) {
        Ok(d) => {
            let text = String::from_utf8_lossy(&d).into_owned();
            match run_text(sh, io, &text, f) {
                Err(Flow::Return(s)) => Ok(s),
                r => r,
            }
        }
        Err(_) => {
            sh.err(
                io,
                format!("sh: 1: {}: cannot open {f}: No such file\n", argv[0]),
            )?;
            Err(Flow::Exit(2))
        }
    }
}

pub fn cd(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let target = match argv.get(1).map(String::as_str) {
        None => sh.ctx.get_var("HOME").unwrap_or("/").to_string(),
        Some("-") => sh.ctx.get_var("OLDPWD").unwrap_or("/").to_string(),
        Some(d) => d.to_string(),
    };
    let dir = vfs::join_at(&sh.ctx.cwd, &target);
    let ok = sh.ctx.fs.stat(&dir).is_ok_and(|s| s.kind == vfs::Kind::Dir);
    if !ok {
        sh.err(io, format!("sh: 1: cd: can't cd to {target}\n"))?;
        return Ok(2);
    }
    let old = std::mem::replace(&mut sh.ctx.cwd, dir.clone());
    sh.ctx.set_var("OLDPWD", old);
    sh.ctx.set_var("PWD", dir);
    Ok(0)
}

pub fn pwd(sh: &mut Shell, io: &Io, _: &[String]) -> R {
    let line = format!("{}\n", sh.ctx.cwd);
    sh.out(io, line)?;
    Ok(0)
}

pub fn umask(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    match argv.get(1) {
        None => {
            let line = format!("{:04o}\n", sh.ctx.umask);
            sh.out(io, line)?;
        }
        Some(m) => match u32::from_str_radix(m, 8) {
            Ok(v) if v <= 0o777 => sh.ctx.umask = v,
            _ => {
                sh.err(io, format!("sh: 1: umask: Illegal number: {m}\n"))?;
                return Ok(2);
            }
        },
    }
    Ok(0)
}

/// `read [-r] name…`: one line of standard input, split on IFS.
pub fn read(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let raw = argv.iter().any(|a| a == "-r");
    let names: Vec<&String> = argv[1..].iter().filter(|a| !a.starts_with('-')).collect();
    let Some(line) = io.read_line() else {
        for n in &names {
            sh.ctx.set_var(n, "");
        }
        return Ok(1);
    };
    let mut line = String::from_utf8_lossy(line).into_owned();
    if !raw {
        line = line.replace('\\', "");
    }
    let ifs = sh.ctx.get_var("IFS").unwrap_or(" \t\n").to_string();
    let names: Vec<&str> = if names.is_empty() {
        vec!["REPLY"]
    } else {
        names.iter().map(|s| s.as_str()).collect()
    };
    let mut rest = line.trim_matches(|c| ifs.contains(c) && char::is_whitespace(c));
    for (i, n) in names.iter().enumerate() {
        if i + 1 == names.len() {
            sh.ctx.set_var(n, rest);
            break;
        }
        let end = rest.find(|c| ifs.contains(c)).unwrap_or(rest.len());
        sh.ctx.set_var(n, &rest[..end]);
        rest = rest[end..].trim_start_matches(|c| ifs.contains(c));
    }
    Ok(0)
}

/// `exec cmd…` runs the command and ends the shell; `exec` with only
/// redirections changes nothing here.
pub fn exec(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    if argv.len() < 2 {
        return Ok(0);
    }
    let span = crate::dockerfile::span::Span { start: 0, end: 0 };
    let s = sh.exec_argv_at(&argv[1..], io, span)?;
    Err(Flow::Exit(s))
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn exit_status_and_errexit() {
        assert_eq!(sh("exit 3").status, 3);
        assert_eq!(sh("false; echo $?").out, "1\n");
        // set -e stops at a failing command, but not in a condition or before &&.
        let r = sh("set -e; if false; then :; fi; false && true; echo ok; false; echo no");
        assert_eq!((r.out.as_str(), r.status), ("ok\n", 1));
    }

    #[test]
    fn set_eux_and_pipefail() {
        let r = sh("set -eux; A=1; echo $A");
        assert_eq!(r.err, "+ A=1\n+ echo 1\n");
        let r = sh("set -o pipefail; false | true; echo $?");
        assert_eq!(r.out, "1\n");
        let r = sh("set -u; echo $NOPE");
        assert_eq!(
            (r.status, r.err.as_str()),
            (2, "sh: 1: NOPE: parameter not set\n")
        );
    }

    #[test]
    fn cd_and_pwd() {
        let r = sh("cd /tmp && pwd; cd /nope; echo $?");
        assert_eq!(r.out, "/tmp\n2\n");
        assert_eq!(r.err, "sh: 1: cd: can't cd to /nope\n");
    }

    #[test]
    fn read_loop_reads_line_by_line() {
        let r =
            sh("printf 'a b\\nc d\\n' > /tmp/f; while read x y; do echo \"$y-$x\"; done < /tmp/f");
        assert_eq!(r.out, "b-a\nd-c\n");
    }

    #[test]
    fn eval_shift_set() {
        let r = sh("set -- a b c; shift; echo $# $1; eval 'echo $2'");
        assert_eq!(r.out, "2 b\nc\n");
    }
}
