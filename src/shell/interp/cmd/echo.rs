//! `echo`: dash's, which interprets backslash escapes (`\n`, `\c`, `\0nnn`)
//! and knows only `-n`.

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut args = &argv[1..];
    let mut newline = true;
    while let Some(a) = args.first() {
        if a == "-n" {
            newline = false;
        } else if a != "-e" && a != "-E" {
            break;
        }
        args = &args[1..];
    }
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if escapes(a, &mut out) {
            sh.out(io, out)?;
            return Ok(0);
        }
    }
    if newline {
        out.push('\n');
    }
    sh.out(io, out)?;
    Ok(0)
}

/// Appends `s` with its escapes decoded; true when `\c` ends the output.
pub fn escapes(s: &str, out: &mut String) -> bool {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some('\\') => out.push('\\'),
            Some('c') => return true,
            Some('0') => {
                let mut n = 0u32;
                for _ in 0..3 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(n).unwrap_or('\0'));
            }
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn echo_like_dash() {
        assert_eq!(sh("echo hello   world").out, "hello world\n");
        assert_eq!(sh("echo -n a; echo b").out, "ab\n");
        // dash's echo interprets escapes.
        assert_eq!(sh("echo 'a\\tb\\c'; echo x").out, "a\tbx\n");
        assert_eq!(sh("echo \"$HOME\"").out, "/root\n");
    }
}
