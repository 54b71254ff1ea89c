//! `xargs [-0] [-d DELIM] [-n N] [-L N] [-I REPL] [-r] [-t] [-a FILE]
//! [COMMAND [ARG…]]`, as GNU findutils: arguments from standard input
//! (blank-separated, with `'…'`, `"…"` and `\` quoting; one per line with
//! `-I`/`-L`; NUL- or DELIM-separated), the command (`echo` by default) run
//! through the interpreter's dispatch, so simulated commands act on the
//! filesystem and unsimulated ones are recorded as usual. `-P` runs one at
//! a time (the result is the same), `-s`/`-x` are accepted; without `-r`
//! an empty input still runs the command once, as GNU xargs does.

use super::super::{Io, R, Shell};

fn split_blanks(data: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut any = false;
    let mut chars = data.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            '\'' | '"' => {
                any = true;
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some('\n') | None => {
                            let kind = if c == '\'' { "single" } else { "double" };
                            return Err(format!(
                                "xargs: unmatched {kind} quote; by default quotes are special to xargs unless you use the -0 option\n"
                            ));
                        }
                        Some(x) => cur.push(x),
                    }
                }
            }
            '\\' => {
                any = true;
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            c => {
                any = true;
                cur.push(c);
            }
        }
    }
    if any {
        out.push(cur);
    }
    Ok(out)
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut nul = false;
    let mut delim: Option<char> = None;
    let mut max_args: Option<usize> = None;
    let mut max_lines: Option<usize> = None;
    let mut replace: Option<String> = None;
    let mut no_empty = false;
    let mut trace = false;
    let mut arg_file: Option<String> = None;
    let mut i = 1;
    let bad = |sh: &mut Shell, msg: String| -> R {
        sh.err(io, msg)?;
        Ok(1)
    };
    while i < argv.len() {
        let a = argv[i].clone();
        if !a.starts_with('-') || a == "-" {
            break;
        }
        i += 1;
        if a == "--" {
            break;
        }
        if let Some(l) = a.strip_prefix("--") {
            let (k, v) = match l.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (l, None),
            };
            match k {
                "null" => nul = true,
                "no-run-if-empty" => no_empty = true,
                "verbose" => trace = true,
                "max-args" => max_args = v.and_then(|v| v.parse().ok()),
                "max-lines" => max_lines = Some(v.and_then(|v| v.parse().ok()).unwrap_or(1)),
                "replace" => replace = Some(v.unwrap_or_else(|| "{}".into())),
                "delimiter" => delim = v.and_then(|v| v.chars().next()),
                "arg-file" => arg_file = v,
                _ => {}
            }
            continue;
        }
        let letters: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < letters.len() {
            let c = letters[k];
            k += 1;
            let takes = matches!(c, 'n' | 'L' | 'I' | 'd' | 'a' | 'P' | 's' | 'E');
            let value = if takes {
                let rest: String = letters[k..].iter().collect();
                k = letters.len();
                if rest.is_empty() {
                    i += 1;
                    match argv.get(i - 1) {
                        Some(v) => v.clone(),
                        None => {
                            return bad(
                                sh,
                                format!(
                                    "xargs: option requires an argument -- '{c}'\nUsage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...\nTry 'xargs --help' for more information.\n"
                                ),
                            );
                        }
                    }
                } else {
                    rest
                }
            } else {
                String::new()
            };
            match c {
                '0' => nul = true,
                'r' => no_empty = true,
                't' | 'p' => trace = true,
                'x' | 'e' | 'i' | 'l' => {}
                'n' | 'L' => match value.parse::<usize>() {
                    Ok(n) if n > 0 => {
                        if c == 'n' {
                            max_args = Some(n);
                        } else {
                            max_lines = Some(n);
                        }
                    }
                    _ => {
                        return bad(
                            sh,
                            format!(
                                "xargs: invalid number \"{value}\" for -{c} option\nTry 'xargs --help' for more information.\n"
                            ),
                        );
                    }
                },
                'I' => replace = Some(value),
                'd' => {
                    delim = match value.as_str() {
                        "\\n" => Some('\n'),
                        "\\t" => Some('\t'),
                        "\\0" => Some('\0'),
                        v => v.chars().next(),
                    }
                }
                'a' => arg_file = Some(value),
                'P' | 's' | 'E' => {}
                c => {
                    return bad(
                        sh,
                        format!(
                            "xargs: invalid option -- '{c}'\nUsage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...\nTry 'xargs --help' for more information.\n"
                        ),
                    );
                }
            }
        }
    }
    let mut command: Vec<String> = argv[i..].to_vec();
    if command.is_empty() {
        command.push("echo".into());
    }
    let input = match &arg_file {
        Some(f) => match sh.ctx.fs.read_file(&sh.ctx.abs(f)) {
            Ok(d) => d.to_vec(),
            Err(e) => {
                return bad(sh, format!("xargs: {f}: {}\n", super::why(&e)));
            }
        },
        None => io.take_input().to_vec(),
    };
    let text = String::from_utf8_lossy(&input).into_owned();
    // Each unit is the arguments of one input line (-I, -L) or one argument.
    let units: Vec<Vec<String>> = if nul || delim.is_some() {
        let d = if nul { '\0' } else { delim.unwrap_or('\n') };
        let mut parts: Vec<&str> = text.split(d).collect();
        if parts.last() == Some(&"") {
            parts.pop();
        }
        parts.into_iter().map(|p| vec![p.to_string()]).collect()
    } else if replace.is_some() {
        text.lines()
            .map(|l| l.trim_start_matches([' ', '\t']))
            .filter(|l| !l.is_empty())
            .map(|l| vec![l.to_string()])
            .collect()
    } else if max_lines.is_some() {
        let mut out = Vec::new();
        for l in text.lines() {
            match split_blanks(l) {
                Ok(w) if !w.is_empty() => out.push(w),
                Ok(_) => {}
                Err(m) => return bad(sh, m),
            }
        }
        out
    } else {
        match split_blanks(&text) {
            Ok(w) => w.into_iter().map(|a| vec![a]).collect(),
            Err(m) => return bad(sh, m),
        }
    };
    let batches: Vec<Vec<String>> = if let Some(r) = &replace {
        units
            .into_iter()
            .map(|u| {
                let arg = u.concat();
                command
                    .iter()
                    .map(|c| c.replace(r.as_str(), &arg))
                    .collect()
            })
            .collect()
    } else {
        let per: usize = if let Some(n) = max_lines {
            n
        } else {
            max_args.unwrap_or(usize::MAX)
        };
        let mut out = Vec::new();
        let mut cur: Vec<String> = Vec::new();
        let mut count = 0;
        for u in units {
            count += if max_lines.is_some() { 1 } else { u.len() };
            cur.extend(u);
            if count >= per {
                out.push(std::mem::take(&mut cur));
                count = 0;
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out.into_iter()
            .map(|args| command.iter().cloned().chain(args).collect())
            .collect()
    };
    let batches = if batches.is_empty() && !no_empty && replace.is_none() {
        vec![command.clone()]
    } else {
        batches
    };
    let mut status = 0;
    let name = command[0].clone();
    let base = name.rsplit('/').next().unwrap_or(&name).to_string();
    for b in batches {
        if trace {
            sh.err(io, format!("{}\n", b.join(" ")))?;
        }
        let known = super::lookup(&base).is_some()
            || sh.ctx.assume_installed
            || if name.contains('/') {
                sh.ctx.fs.exists(&sh.ctx.abs(&name))
            } else {
                sh.which(&name).is_some()
            };
        if !known {
            sh.err(io, format!("xargs: {name}: No such file or directory\n"))?;
            return Ok(127);
        }
        let span = sh.ctx.span;
        sh.step(span)?;
        let s = sh.exec_argv_at(&b, io, span)?;
        sh.ctx.span = span;
        match s {
            0 => {}
            255 => {
                sh.err(
                    io,
                    format!("xargs: {name}: exited with status 255; aborting\n"),
                )?;
                return Ok(124);
            }
            126 | 127 => return Ok(s),
            _ => status = 123,
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in, sh};

    #[test]
    fn batches_and_replacement() {
        let r = sh(
            "printf 'a b\\nc \"d e\"\\n' | xargs; printf 'a b c\\n' | xargs -n 2 echo x; printf '1\\n2\\n' | xargs -I {} echo [{}]; printf 'p\\0q r\\0' | xargs -0 -n1 echo",
        );
        assert_eq!(r.out, "a b c d e\nx a b\nx c\n[1]\n[2]\np\nq r\n");
        assert_eq!(sh("true | xargs echo run").out, "run\n");
        assert_eq!(sh("true | xargs -r echo run").out, "");
    }

    #[test]
    fn runs_commands_on_the_filesystem() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "mkdir -p /d/x /d/y && touch /d/f && find /d -mindepth 1 -maxdepth 1 -type d | xargs rm -rf && printf '/d/f\\n' | xargs -t chmod 600",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert_eq!(r.err, "chmod 600 /d/f\n");
        assert!(fs.stat("/d/x").is_err() && fs.stat("/d/y").is_err());
        assert_eq!(fs.stat("/d/f").unwrap().meta.mode, 0o600);
    }

    #[test]
    fn statuses_and_unsimulated() {
        let r = sh(
            "echo a | xargs false; echo $?; echo a | xargs nope; echo $?; echo a | xargs make install; echo $?",
        );
        assert_eq!(r.out, "123\n127\n0\n");
        assert_eq!(r.err, "xargs: nope: No such file or directory\n");
        assert_eq!(r.unsimulated, ["make"]);
        let r = sh("echo \"it's\" | xargs echo; echo $?");
        assert_eq!(
            r.err,
            "xargs: unmatched single quote; by default quotes are special to xargs unless you use the -0 option\n"
        );
        assert_eq!(r.out, "1\n");
    }
}
