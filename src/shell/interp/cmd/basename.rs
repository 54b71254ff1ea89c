//! `basename NAME [SUFFIX]` and `basename -a NAME…`.

use super::super::{Io, R, Shell};

pub fn base(name: &str) -> String {
    let t = name.trim_end_matches('/');
    if t.is_empty() {
        return if name.is_empty() {
            String::new()
        } else {
            "/".into()
        };
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    if args.operands.is_empty() {
        sh.err(io, "basename: missing operand\n")?;
        return Ok(1);
    }
    let mut out = String::new();
    if args.has('a') {
        for n in &args.operands {
            out.push_str(&base(n));
            out.push('\n');
        }
    } else {
        let mut b = base(&args.operands[0]);
        if let Some(suffix) = args.operands.get(1)
            && b != *suffix
            && let Some(s) = b.strip_suffix(suffix.as_str())
        {
            b = s.to_string();
        }
        out.push_str(&b);
        out.push('\n');
    }
    sh.out(io, out)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn like_coreutils() {
        assert_eq!(
            sh("basename /a/b.tar.gz .gz; basename /a/b/; basename /; basename .gz .gz").out,
            "b.tar\nb\n/\n.gz\n"
        );
    }
}
