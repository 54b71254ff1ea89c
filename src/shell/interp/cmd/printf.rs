//! `printf FORMAT [ARG]…`: `%s %d %i %u %x %X %o %c %b %%`, flags, width
//! and precision; the format is reused while arguments remain.

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let Some(fmt) = argv.get(1) else {
        sh.err(io, "printf: usage: printf format [arg ...]\n")?;
        return Ok(2);
    };
    let args = &argv[2..];
    let mut out = String::new();
    let mut status = 0;
    let mut used = 0;
    loop {
        let (consumed, stop) = format_once(fmt, &args[used..], &mut out, &mut status, sh, io)?;
        used += consumed;
        if stop || consumed == 0 || used >= args.len() {
            break;
        }
    }
    sh.out(io, out)?;
    Ok(status)
}

fn format_once(
    fmt: &str,
    args: &[String],
    out: &mut String,
    status: &mut i32,
    sh: &mut Shell,
    io: &Io,
) -> Result<(usize, bool), super::super::Flow> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    let mut used = 0;
    let next = |used: &mut usize| -> String {
        let a = args.get(*used).cloned().unwrap_or_default();
        *used += 1;
        a
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            let mut s = String::new();
            s.push('\\');
            if let Some(n) = chars.get(i + 1) {
                s.push(*n);
            }
            i += 2;
            if super::echo::escapes(&s, out) {
                return Ok((used, true));
            }
            continue;
        }
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        if chars.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let mut flags = String::new();
        while let Some(f) = chars.get(i).filter(|c| "-+ 0#".contains(**c)) {
            flags.push(*f);
            i += 1;
        }
        let mut width = String::new();
        while let Some(d) = chars.get(i).filter(|c| c.is_ascii_digit() || **c == '*') {
            if *d == '*' {
                width = next(&mut used);
            } else {
                width.push(*d);
            }
            i += 1;
        }
        let mut prec: Option<String> = None;
        if chars.get(i) == Some(&'.') {
            i += 1;
            let mut p = String::new();
            while let Some(d) = chars.get(i).filter(|c| c.is_ascii_digit() || **c == '*') {
                if *d == '*' {
                    p = next(&mut used);
                } else {
                    p.push(*d);
                }
                i += 1;
            }
            prec = Some(p);
        }
        let conv = chars.get(i).copied().unwrap_or('s');
        i += 1;
        let width: usize = width.parse().unwrap_or(0).min(4096);
        let prec: Option<usize> = prec.map(|p| p.parse().unwrap_or(0).min(4096));
        let body = match conv {
            's' => {
                let a = next(&mut used);
                match prec {
                    Some(p) => a.chars().take(p).collect(),
                    None => a,
                }
            }
            'b' => {
                let a = next(&mut used);
                let mut s = String::new();
                let stop = super::echo::escapes(&a, &mut s);
                if stop {
                    out.push_str(&s);
                    return Ok((used, true));
                }
                s
            }
            'c' => next(&mut used)
                .chars()
                .next()
                .map(String::from)
                .unwrap_or_default(),
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                let a = next(&mut used);
                let n = match parse_int(&a) {
                    Some(n) => n,
                    None => {
                        sh.err(io, format!("printf: {a}: invalid number\n"))?;
                        *status = 1;
                        0
                    }
                };
                let mut digits = match conv {
                    'x' => format!("{:x}", n),
                    'X' => format!("{:X}", n),
                    'o' => format!("{:o}", n),
                    'u' => format!("{}", n as u64),
                    _ => n.unsigned_abs().to_string(),
                };
                if let Some(p) = prec {
                    while digits.len() < p {
                        digits.insert(0, '0');
                    }
                }
                let sign = if matches!(conv, 'd' | 'i') && n < 0 {
                    "-"
                } else if flags.contains('+') && matches!(conv, 'd' | 'i') {
                    "+"
                } else {
                    ""
                };
                if flags.contains('0') && !flags.contains('-') && prec.is_none() {
                    while digits.len() + sign.len() < width {
                        digits.insert(0, '0');
                    }
                }
                format!("{sign}{digits}")
            }
            'f' | 'e' | 'g' => {
                let a = next(&mut used);
                let v: f64 = a.parse().unwrap_or(0.0);
                format!("{:.*}", prec.unwrap_or(6), v)
            }
            other => {
                sh.err(io, format!("printf: %{other}: invalid directive\n"))?;
                return Ok((used, true));
            }
        };
        let n = body.chars().count();
        if n < width {
            let pad = " ".repeat(width - n);
            if flags.contains('-') {
                out.push_str(&body);
                out.push_str(&pad);
            } else {
                out.push_str(&pad);
                out.push_str(&body);
            }
        } else {
            out.push_str(&body);
        }
    }
    Ok((used.min(args.len()), false))
}

fn parse_int(a: &str) -> Option<i64> {
    let a = a.trim();
    if a.is_empty() {
        return Some(0);
    }
    if let Some(c) = a.strip_prefix('\'').or_else(|| a.strip_prefix('"')) {
        return Some(c.chars().next().map_or(0, |c| c as i64));
    }
    let (neg, d) = match a.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, a.strip_prefix('+').unwrap_or(a)),
    };
    let v = if let Some(h) = d.strip_prefix("0x").or_else(|| d.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if d.len() > 1 && d.starts_with('0') {
        i64::from_str_radix(&d[1..], 8).ok()?
    } else {
        d.parse().ok()?
    };
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn formats_like_coreutils() {
        // Checked with bash's printf.
        assert_eq!(sh("printf '%s-%d\\n' a 5").out, "a-5\n");
        assert_eq!(sh("printf '%s\\n' a b c").out, "a\nb\nc\n");
        assert_eq!(
            sh("printf '%5s|%-3s|%03d|%x' ab c 7 255").out,
            "   ab|c  |007|ff"
        );
        assert_eq!(sh("printf '%.2s' abc").out, "ab");
        let r = sh("printf '%d' x");
        assert_eq!(
            (r.out.as_str(), r.err.as_str(), r.status),
            ("0", "printf: x: invalid number\n", 1)
        );
    }
}
