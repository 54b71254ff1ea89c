//! `grep [-q -v -i -n -c -E -F -o -l -w -x -e PAT] PATTERN [FILE]…`:
//! fixed strings, basic and extended regexes (through regex-lite; a basic
//! regex has `\(`, `\)`, `\{`, `\}`, `\|`, `\+`, `\?` turned into their
//! extended forms). Status 0 when a line matched, 1 when none, 2 on error.

use super::super::{Io, R, Shell};

/// A basic regular expression in the syntax regex-lite reads.
pub fn bre_to_ere(p: &str) -> String {
    let mut out = String::new();
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n @ ('(' | ')' | '{' | '}' | '|' | '+' | '?')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push_str("\\\\"),
            },
            '(' | ')' | '{' | '}' | '|' | '+' | '?' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

pub fn egrep(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut v = argv.to_vec();
    v.insert(1, "-E".into());
    run(sh, io, &v)
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut flags = String::new();
    let mut patterns: Vec<String> = Vec::new();
    let mut ops = Vec::new();
    let mut i = 1;
    let mut rest = false;
    while i < argv.len() {
        let a = &argv[i];
        if rest || !a.starts_with('-') || a == "-" {
            ops.push(a.clone());
        } else if a == "--" {
            rest = true;
        } else if a == "-e" {
            i += 1;
            patterns.extend(argv.get(i).cloned());
        } else if let Some(l) = a.strip_prefix("--") {
            match l {
                "quiet" | "silent" => flags.push('q'),
                "invert-match" => flags.push('v'),
                "ignore-case" => flags.push('i'),
                "extended-regexp" => flags.push('E'),
                "fixed-strings" => flags.push('F'),
                _ => {}
            }
        } else {
            flags.push_str(&a[1..]);
        }
        i += 1;
    }
    if patterns.is_empty() {
        if ops.is_empty() {
            sh.err(io, "Usage: grep [OPTION]... PATTERNS [FILE]...\n")?;
            return Ok(2);
        }
        patterns.push(ops.remove(0));
    }
    let has = |c: char| flags.contains(c);
    let patterns: Vec<String> = patterns
        .iter()
        .flat_map(|p| p.split('\n').map(str::to_string).collect::<Vec<_>>())
        .collect();
    let mut res = Vec::new();
    for p in &patterns {
        let mut src = if has('F') {
            regex_lite::escape(p)
        } else if has('E') {
            p.clone()
        } else {
            bre_to_ere(p)
        };
        if has('w') {
            src = format!(r"\b(?:{src})\b");
        }
        if has('x') {
            src = format!("^(?:{src})$");
        }
        if has('i') {
            src = format!("(?i){src}");
        }
        match regex_lite::Regex::new(&src) {
            Ok(r) => res.push(r),
            Err(_) => {
                sh.err(io, format!("grep: Invalid regular expression: {p}\n"))?;
                return Ok(2);
            }
        }
    }
    let recursive = has('r') || has('R');
    let mut files = ops.clone();
    if recursive {
        let mut expanded = Vec::new();
        for f in &files {
            let abs = sh.ctx.abs(f);
            for (p, n) in sh.ctx.fs.walk(&abs).unwrap_or_default() {
                if n.kind() == crate::vfs::Kind::File {
                    expanded.push(p);
                }
            }
        }
        files = expanded;
    }
    let (parts, mut status) = super::read_inputs(sh, io, "grep", &files)?;
    if status != 0 {
        status = 2;
    }
    let show_name = files.len() > 1;
    let mut any = false;
    let mut out = String::new();
    let existing: Vec<&String> = files
        .iter()
        .filter(|f| *f == "-" || sh.ctx.fs.read_file(&sh.ctx.abs(f)).is_ok())
        .collect();
    for (k, p) in parts.iter().enumerate() {
        let name = existing.get(k).map_or("(standard input)", |s| s.as_str());
        let text = String::from_utf8_lossy(p);
        let mut count = 0;
        for (n, line) in text.lines().enumerate() {
            let m = res.iter().any(|r| r.is_match(line)) != has('v');
            if !m {
                continue;
            }
            count += 1;
            any = true;
            if has('q') || has('l') || has('c') {
                continue;
            }
            if show_name {
                out.push_str(name);
                out.push(':');
            }
            if has('n') {
                out.push_str(&format!("{}:", n + 1));
            }
            if has('o') && !has('v') {
                for r in &res {
                    for m in r.find_iter(line) {
                        out.push_str(m.as_str());
                        out.push('\n');
                    }
                }
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
        if has('l') && count > 0 {
            out.push_str(name);
            out.push('\n');
        }
        if has('c') {
            if show_name {
                out.push_str(&format!("{name}:"));
            }
            out.push_str(&format!("{count}\n"));
        }
    }
    if has('q') {
        return Ok(if any {
            0
        } else if status == 2 {
            2
        } else {
            1
        });
    }
    sh.out(io, out)?;
    Ok(if status == 2 && !has('s') {
        2
    } else if any {
        0
    } else {
        1
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn matches_and_statuses() {
        assert_eq!(sh("printf 'foo\\nbar\\n' | grep o").out, "foo\n");
        assert_eq!(sh("printf 'foo\\nbar\\n' | grep -v o").out, "bar\n");
        assert_eq!(sh("printf 'Foo\\nbar\\n' | grep -in FOO").out, "1:Foo\n");
        assert_eq!(sh("echo x | grep -q y; echo $?").out, "1\n");
        assert_eq!(sh("echo 'a1' | grep -E '[0-9]+$'").out, "a1\n");
        assert_eq!(sh("echo 'aa' | grep 'a\\{2\\}'").out, "aa\n");
        assert_eq!(sh("echo 'a.b' | grep -F .").out, "a.b\n");
        let r = sh("grep x /nope; echo $?");
        assert_eq!(
            (r.err.as_str(), r.out.as_str()),
            ("grep: /nope: No such file or directory\n", "2\n")
        );
    }
}
