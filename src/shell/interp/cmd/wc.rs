//! `wc [-l -w -c -m] [FILE]…`, with GNU's column layout.

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let (mut l, mut w, mut c) = (args.has('l'), args.has('w'), args.has('c') || args.has('m'));
    if !(l || w || c) {
        (l, w, c) = (true, true, true);
    }
    let (parts, status) = super::read_inputs(sh, io, "wc", &args.operands)?;
    let names: Vec<Option<&String>> = if args.operands.is_empty() {
        vec![None]
    } else {
        args.operands.iter().map(Some).collect()
    };
    let mut rows = Vec::new();
    for (p, name) in parts.iter().zip(names) {
        let counts = [
            (l, p.iter().filter(|b| **b == b'\n').count()),
            (w, String::from_utf8_lossy(p).split_whitespace().count()),
            (c, p.len()),
        ];
        rows.push((counts, name.cloned()));
    }
    let single = rows.len() == 1 && rows[0].0.iter().filter(|(on, _)| *on).count() == 1;
    let width = if single && args.operands.is_empty() {
        1
    } else {
        7
    };
    let mut out = String::new();
    for (counts, name) in rows {
        let cols: Vec<String> = counts
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, n)| format!("{n:>width$}"))
            .collect();
        out.push_str(&cols.join(" "));
        if let Some(n) = name {
            out.push(' ');
            out.push_str(&n);
        }
        out.push('\n');
    }
    sh.out(io, out)?;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn counts() {
        assert_eq!(sh("printf 'a b\\nc\\n' | wc -l").out, "2\n");
        assert_eq!(sh("printf 'a b\\nc\\n' | wc -w").out, "3\n");
        assert_eq!(
            sh("printf 'a b\\nc\\n' | wc").out,
            "      2       3       6\n"
        );
    }
}
