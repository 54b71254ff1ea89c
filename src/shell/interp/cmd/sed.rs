//! `sed [-n] [-i] [-E|-r] [-e SCRIPT]… [SCRIPT] [FILE]…` with the commands
//! scripts in Dockerfiles use: `s/re/replacement/[g p N I]`, `d`, `p`, each
//! with an optional address (`N`, `$`, `/re/`) or range (`A,B`).

use super::super::{Io, R, Shell};
use regex_lite::Regex;

#[derive(Debug)]
enum Addr {
    Line(usize),
    Last,
    Re(Regex),
}

#[derive(Debug)]
enum Op {
    Subst {
        re: Regex,
        rep: String,
        global: bool,
        nth: usize,
        print: bool,
    },
    Delete,
    Print,
}

#[derive(Debug)]
struct Cmd {
    a1: Option<Addr>,
    a2: Option<Addr>,
    op: Op,
}

fn compile_re(p: &str, ere: bool, icase: bool) -> Result<Regex, String> {
    let src = if ere {
        p.to_string()
    } else {
        super::grep::bre_to_ere(p)
    };
    let src = if icase { format!("(?i){src}") } else { src };
    Regex::new(&src).map_err(|_| format!("-e expression #1, char 0: invalid regex: {p}"))
}

/// Reads up to the unescaped delimiter; `\delim` becomes `delim`.
fn until(chars: &[char], i: &mut usize, delim: char) -> Option<String> {
    let mut out = String::new();
    while *i < chars.len() {
        let c = chars[*i];
        if c == '\\' && *i + 1 < chars.len() {
            let n = chars[*i + 1];
            if n == delim {
                out.push(n);
            } else {
                out.push('\\');
                out.push(n);
            }
            *i += 2;
            continue;
        }
        if c == delim {
            *i += 1;
            return Some(out);
        }
        out.push(c);
        *i += 1;
    }
    None
}

fn parse_addr(chars: &[char], i: &mut usize, ere: bool) -> Result<Option<Addr>, String> {
    match chars.get(*i) {
        Some(c) if c.is_ascii_digit() => {
            let mut n = 0usize;
            while let Some(d) = chars.get(*i).and_then(|c| c.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(d as usize);
                *i += 1;
            }
            Ok(Some(Addr::Line(n)))
        }
        Some('$') => {
            *i += 1;
            Ok(Some(Addr::Last))
        }
        Some('/') => {
            *i += 1;
            let re = until(chars, i, '/').ok_or("unterminated address regex")?;
            Ok(Some(Addr::Re(compile_re(&re, ere, false)?)))
        }
        _ => Ok(None),
    }
}

fn parse(script: &str, ere: bool) -> Result<Vec<Cmd>, String> {
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let mut cmds = Vec::new();
    loop {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ';') {
            i += 1;
        }
        if i >= chars.len() {
            return Ok(cmds);
        }
        let a1 = parse_addr(&chars, &mut i, ere)?;
        let a2 = if a1.is_some() && chars.get(i) == Some(&',') {
            i += 1;
            parse_addr(&chars, &mut i, ere)?
        } else {
            None
        };
        while chars.get(i) == Some(&' ') {
            i += 1;
        }
        let op = match chars.get(i) {
            Some('s') => {
                let delim = *chars.get(i + 1).ok_or("unterminated `s' command")?;
                i += 2;
                let re = until(&chars, &mut i, delim).ok_or("unterminated `s' command")?;
                let rep = until(&chars, &mut i, delim).ok_or("unterminated `s' command")?;
                let (mut global, mut nth, mut print, mut icase) = (false, 1, false, false);
                while let Some(&f) = chars.get(i) {
                    match f {
                        'g' => global = true,
                        'p' => print = true,
                        'I' | 'i' => icase = true,
                        d if d.is_ascii_digit() => nth = d.to_digit(10).unwrap_or(1) as usize,
                        _ => break,
                    }
                    i += 1;
                }
                Op::Subst {
                    re: compile_re(&re, ere, icase)?,
                    rep,
                    global,
                    nth: nth.max(1),
                    print,
                }
            }
            Some('d') => {
                i += 1;
                Op::Delete
            }
            Some('p') => {
                i += 1;
                Op::Print
            }
            Some(c) => {
                return Err(format!(
                    "-e expression #1, char {}: unknown command: `{c}'",
                    i + 1
                ));
            }
            None => return Err("-e expression #1, char 0: missing command".into()),
        };
        cmds.push(Cmd { a1, a2, op });
    }
}

/// The replacement for one match: `&`, `\1`…`\9`, `\n`.
fn replacement(rep: &str, caps: &regex_lite::Captures) -> String {
    let mut out = String::new();
    let mut chars = rep.chars();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str(caps.get(0).map_or("", |m| m.as_str())),
            '\\' => match chars.next() {
                Some(d) if d.is_ascii_digit() => {
                    let k = d.to_digit(10).unwrap_or(0) as usize;
                    out.push_str(caps.get(k).map_or("", |m| m.as_str()));
                }
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

fn hit(a: &Addr, n: usize, last: bool, line: &str) -> bool {
    match a {
        Addr::Line(k) => *k == n,
        Addr::Last => last,
        Addr::Re(r) => r.is_match(line),
    }
}

fn apply(cmds: &[Cmd], text: &str, quiet: bool) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut in_range = vec![false; cmds.len()];
    let mut out = String::new();
    for (k, raw) in lines.iter().enumerate() {
        let n = k + 1;
        let last = n == lines.len();
        let (body, nl) = match raw.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (*raw, ""),
        };
        let mut line = body.to_string();
        let mut deleted = false;
        for (ci, c) in cmds.iter().enumerate() {
            let selected = match (&c.a1, &c.a2) {
                (None, _) => true,
                (Some(a), None) => hit(a, n, last, &line),
                (Some(a), Some(b)) => {
                    if in_range[ci] {
                        if hit(b, n, last, &line) || matches!(b, Addr::Line(e) if *e <= n) {
                            in_range[ci] = false;
                        }
                        true
                    } else if hit(a, n, last, &line) {
                        in_range[ci] = !matches!(b, Addr::Line(e) if *e <= n);
                        true
                    } else {
                        false
                    }
                }
            };
            if !selected {
                continue;
            }
            match &c.op {
                Op::Delete => {
                    deleted = true;
                    break;
                }
                Op::Print => {
                    out.push_str(&line);
                    out.push('\n');
                }
                Op::Subst {
                    re,
                    rep,
                    global,
                    nth,
                    print,
                } => {
                    let mut result = String::new();
                    let mut pos = 0;
                    let mut count = 0;
                    let mut changed = false;
                    for caps in re.captures_iter(&line) {
                        let m = caps.get(0).expect("group 0 is the match");
                        count += 1;
                        if count < *nth {
                            continue;
                        }
                        result.push_str(&line[pos..m.start()]);
                        result.push_str(&replacement(rep, &caps));
                        pos = m.end();
                        changed = true;
                        if !global {
                            break;
                        }
                    }
                    if changed {
                        result.push_str(&line[pos..]);
                        line = result;
                        if *print {
                            out.push_str(&line);
                            out.push('\n');
                        }
                    }
                }
            }
        }
        if !deleted && !quiet {
            out.push_str(&line);
            out.push_str(nl);
        }
    }
    out
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut scripts = Vec::new();
    let mut files = Vec::new();
    let (mut in_place, mut quiet, mut ere) = (false, false, false);
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        match a.as_str() {
            "-e" | "--expression" => {
                i += 1;
                scripts.extend(argv.get(i).cloned());
            }
            "-n" | "--quiet" | "--silent" => quiet = true,
            "-E" | "-r" | "--regexp-extended" => ere = true,
            s if s.starts_with("-i") || s.starts_with("--in-place") => in_place = true,
            s if s.starts_with('-') && s.len() > 1 => {
                for c in s[1..].chars() {
                    match c {
                        'n' => quiet = true,
                        'E' | 'r' => ere = true,
                        'i' => in_place = true,
                        _ => {}
                    }
                }
            }
            _ => files.push(a.clone()),
        }
        i += 1;
    }
    if scripts.is_empty() {
        if files.is_empty() {
            sh.err(
                io,
                "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n",
            )?;
            return Ok(1);
        }
        scripts.push(files.remove(0));
    }
    let cmds = match parse(&scripts.join("\n"), ere) {
        Ok(c) => c,
        Err(e) => {
            sh.err(io, format!("sed: {e}\n"))?;
            return Ok(1);
        }
    };
    if in_place {
        if files.is_empty() {
            sh.err(io, "sed: no input files\n")?;
            return Ok(1);
        }
        let mut status = 0;
        for f in &files {
            match sh.ctx.fs.read_file(&sh.ctx.abs(f)) {
                Ok(d) => {
                    let text = String::from_utf8_lossy(&d).into_owned();
                    let out = apply(&cmds, &text, quiet);
                    let _ = super::write_file(sh, f, out.into_bytes());
                }
                Err(e) => {
                    sh.err(io, format!("sed: can't read {f}: {}\n", super::why(&e)))?;
                    status = 2;
                }
            }
        }
        return Ok(status);
    }
    // GNU sed's words for a missing input: `sed: can't read f: No such …`.
    let mut missing = false;
    let mut readable = Vec::new();
    for f in &files {
        match sh.ctx.fs.stat(&sh.ctx.abs(f)) {
            Err(e) if f != "-" => {
                sh.err(io, format!("sed: can't read {f}: {}\n", super::why(&e)))?;
                missing = true;
            }
            _ => readable.push(f.clone()),
        }
    }
    let (parts, status) = if readable.is_empty() && missing {
        (Vec::new(), 0)
    } else {
        super::read_inputs(sh, io, "sed", &readable)?
    };
    let text = String::from_utf8_lossy(&parts.concat()).into_owned();
    let out = apply(&cmds, &text, quiet);
    sh.out(io, out)?;
    Ok(if status != 0 || missing { 2 } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in, sh};

    #[test]
    fn substitutions() {
        assert_eq!(sh("echo aaa | sed s/a/b/").out, "baa\n");
        assert_eq!(sh("echo aaa | sed 's/a/b/g'").out, "bbb\n");
        assert_eq!(
            sh("echo 'k=v' | sed 's/\\(.*\\)=\\(.*\\)/\\2=\\1/'").out,
            "v=k\n"
        );
        assert_eq!(sh("echo 'a1' | sed -E 's/([0-9])/<&>/'").out, "a<1>\n");
        assert_eq!(sh("echo '/a/b' | sed 's|/|:|g'").out, ":a:b\n");
        assert_eq!(sh("printf '1\\n2\\n3\\n' | sed -n '2p'").out, "2\n");
        assert_eq!(sh("printf '1\\n2\\n3\\n' | sed '/2/d'").out, "1\n3\n");
        assert_eq!(sh("printf 'a\\n' | sed -e 's/a/b/' -e 's/b/c/'").out, "c\n");
    }

    #[test]
    fn in_place() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "echo 'listen 80;' > /tmp/c && sed -i 's/80/8080/' /tmp/c && sed -i s/x/y/ /nope",
        );
        assert_eq!(r.err, "sed: can't read /nope: No such file or directory\n");
        assert_eq!(&fs.read_file("/tmp/c").unwrap()[..], b"listen 8080;\n");
    }

    #[test]
    fn missing_input_says_cant_read() {
        // As GNU sed: the other files are still read, the status is 2, and
        // stdin is not read in place of the missing file.
        let r = sh(
            "echo a > /tmp/a; echo in | sed s/a/b/ /nope /tmp/a; echo $?; echo in | sed p /nope; echo $?",
        );
        assert_eq!(r.out, "b\n2\n2\n");
        assert_eq!(
            r.err,
            "sed: can't read /nope: No such file or directory\nsed: can't read /nope: No such file or directory\n"
        );
    }
}
