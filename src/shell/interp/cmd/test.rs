//! `test`/`[` and bash's `[[ … ]]`: file tests on the virtual filesystem,
//! string and integer comparisons, `!`, `-a`/`-o` (`&&`/`||` in `[[`),
//! parentheses; `[[` adds patterns for `==`/`!=` and regexes for `=~`.

use super::super::{Io, R, Shell, pattern};
use crate::vfs;

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut args: Vec<String> = argv[1..].to_vec();
    if argv[0] == "[" || argv[0].ends_with("/[") {
        if args.last().map(String::as_str) != Some("]") {
            sh.err(io, "sh: 1: [: missing ]\n")?;
            return Ok(2);
        }
        args.pop();
    }
    let name = if argv[0].ends_with('[') { "[" } else { "test" };
    eval(sh, io, &args, name)
}

pub fn double_bracket(sh: &mut Shell, io: &Io, args: &[String]) -> R {
    eval(sh, io, args, "[[")
}

fn eval(sh: &mut Shell, io: &Io, args: &[String], name: &str) -> R {
    let bash = name == "[[";
    let mut p = P {
        sh,
        args,
        i: 0,
        bash,
        err: None,
    };
    if args.is_empty() {
        return Ok(1);
    }
    let v = p.or();
    if p.err.is_none() && p.i < args.len() {
        p.err = Some(format!("{}: unexpected operator", args[p.i]));
    }
    if let Some(e) = p.err {
        sh.err(io, format!("sh: 1: {name}: {e}\n"))?;
        return Ok(2);
    }
    Ok(i32::from(!v))
}

struct P<'s, 'c, 'a, 'x> {
    sh: &'s mut Shell<'c, 'a>,
    args: &'x [String],
    i: usize,
    bash: bool,
    err: Option<String>,
}

impl P<'_, '_, '_, '_> {
    fn peek(&self) -> Option<&str> {
        self.args.get(self.i).map(String::as_str)
    }

    fn or(&mut self) -> bool {
        let mut v = self.and();
        while matches!(self.peek(), Some("-o")) && !self.bash
            || matches!(self.peek(), Some("||")) && self.bash
        {
            self.i += 1;
            let r = self.and();
            v = v || r;
        }
        v
    }

    fn and(&mut self) -> bool {
        let mut v = self.not();
        while matches!(self.peek(), Some("-a")) && !self.bash
            || matches!(self.peek(), Some("&&")) && self.bash
        {
            self.i += 1;
            let r = self.not();
            v = v && r;
        }
        v
    }

    fn not(&mut self) -> bool {
        if self.peek() == Some("!") && self.args.len() > self.i + 1 {
            self.i += 1;
            return !self.not();
        }
        self.primary()
    }

    fn primary(&mut self) -> bool {
        let Some(a) = self.peek().map(str::to_string) else {
            self.err = Some("argument expected".into());
            return false;
        };
        if a == "(" {
            self.i += 1;
            let v = self.or();
            if self.peek() != Some(")") {
                self.err = Some("closing paren expected".into());
            }
            self.i += 1;
            return v;
        }
        if let Some(op) = self.args.get(self.i + 1).map(String::as_str)
            && is_binary(op)
            && self.i + 2 < self.args.len()
        {
            let b = self.args[self.i + 2].clone();
            self.i += 3;
            return self.binary(&a, op, &b);
        }
        if let Some(op) = self.args.get(self.i + 1).map(String::as_str)
            && is_binary(op)
            && self.i + 2 == self.args.len()
        {
            self.err = Some(format!("{op}: argument expected"));
            return false;
        }
        if a.len() == 2 && a.starts_with('-') && self.i + 1 < self.args.len() {
            let operand = self.args[self.i + 1].clone();
            if let Some(v) = self.unary(&a, &operand) {
                self.i += 2;
                return v;
            }
        }
        self.i += 1;
        !a.is_empty()
    }

    fn unary(&mut self, op: &str, x: &str) -> Option<bool> {
        let path = self.sh.ctx.abs(x);
        let fs = &self.sh.ctx.fs;
        let st = fs.stat(&path).ok();
        Some(match op {
            "-z" => x.is_empty(),
            "-n" => !x.is_empty(),
            "-e" | "-a" => st.is_some(),
            "-f" => st.is_some_and(|s| s.kind == vfs::Kind::File),
            "-d" => st.is_some_and(|s| s.kind == vfs::Kind::Dir),
            "-L" | "-h" => fs.lstat(&path).is_ok_and(|s| s.kind == vfs::Kind::Symlink),
            "-s" => st.is_some_and(|s| s.size > 0),
            "-r" | "-w" => st.is_some(),
            "-x" => st.is_some_and(|s| s.meta.mode & 0o111 != 0 || s.kind == vfs::Kind::Dir),
            "-u" => st.is_some_and(|s| s.meta.mode & 0o4000 != 0),
            "-g" => st.is_some_and(|s| s.meta.mode & 0o2000 != 0),
            "-k" => st.is_some_and(|s| s.meta.mode & 0o1000 != 0),
            "-p" | "-S" | "-b" | "-c" | "-t" => false,
            _ => return None,
        })
    }

    fn binary(&mut self, a: &str, op: &str, b: &str) -> bool {
        let int = |s: &str, err: &mut Option<String>| -> i64 {
            s.trim().parse().unwrap_or_else(|_| {
                *err = Some(format!("Illegal number: {s}"));
                0
            })
        };
        match op {
            "=" | "==" if self.bash => pattern::matches(b, a),
            "!=" if self.bash => !pattern::matches(b, a),
            "=" | "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            ">" => a > b,
            "=~" => match regex_lite::Regex::new(b) {
                Ok(re) => re.is_match(a),
                Err(_) => {
                    self.err = Some(format!("{b}: invalid regular expression"));
                    false
                }
            },
            "-nt" | "-ot" | "-ef" => false,
            _ => {
                let (x, y) = (int(a, &mut self.err), int(b, &mut self.err));
                match op {
                    "-eq" => x == y,
                    "-ne" => x != y,
                    "-lt" => x < y,
                    "-le" => x <= y,
                    "-gt" => x > y,
                    _ => x >= y,
                }
            }
        }
    }
}

fn is_binary(op: &str) -> bool {
    matches!(
        op,
        "=" | "=="
            | "!="
            | "<"
            | ">"
            | "=~"
            | "-eq"
            | "-ne"
            | "-lt"
            | "-le"
            | "-gt"
            | "-ge"
            | "-nt"
            | "-ot"
            | "-ef"
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn files_strings_numbers() {
        let r = sh(
            "[ -d /tmp ] && echo d; [ -f /etc/passwd ] && echo f; [ -e /nope ] || echo no; test 3 -lt 10 && echo lt; [ a = b ]; echo $?",
        );
        assert_eq!(r.out, "d\nf\nno\nlt\n1\n");
        assert_eq!(
            sh("[ -n \"\" ] || echo empty; [ ! -z x ] && echo set").out,
            "empty\nset\n"
        );
        assert_eq!(sh("[ a = a -a b = c ]; echo $?").out, "1\n");
    }

    #[test]
    fn errors_are_status_2() {
        let r = sh("[ 1 -eq ]; echo $?; [ a = a; echo $?");
        assert_eq!(r.out, "2\n2\n");
        // dash's words.
        assert_eq!(
            r.err,
            "sh: 1: [: -eq: argument expected\nsh: 1: [: missing ]\n"
        );
    }

    #[test]
    fn double_bracket_patterns_and_regex() {
        let r = sh(
            "[[ foo.txt == *.txt ]] && echo glob; [[ abc =~ ^a.c$ ]] && echo re; [[ -d /tmp && 1 -eq 1 ]] && echo and",
        );
        assert_eq!(r.out, "glob\nre\nand\n");
    }
}
