//! `uniq [-c -d -u] [FILE]`: adjacent duplicate lines.

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let (parts, status) =
        super::read_inputs(sh, io, "uniq", &args.operands[..args.operands.len().min(1)])?;
    let all = parts.concat();
    let text = String::from_utf8_lossy(&all);
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for l in text.lines() {
        match groups.last_mut() {
            Some((p, n)) if *p == l => *n += 1,
            _ => groups.push((l, 1)),
        }
    }
    let mut out = String::new();
    for (l, n) in groups {
        if (args.has('d') && n < 2) || (args.has('u') && n > 1) {
            continue;
        }
        if args.has('c') {
            out.push_str(&format!("{n:>7} "));
        }
        out.push_str(l);
        out.push('\n');
    }
    sh.out(io, out)?;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn adjacent_duplicates() {
        assert_eq!(sh("printf 'a\\na\\nb\\na\\n' | uniq").out, "a\nb\na\n");
        assert_eq!(
            sh("printf 'a\\na\\nb\\n' | uniq -c").out,
            "      2 a\n      1 b\n"
        );
        assert_eq!(sh("printf 'a\\na\\nb\\n' | uniq -d").out, "a\n");
    }
}
