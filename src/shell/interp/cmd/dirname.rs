//! `dirname NAME…`.

use super::super::{Io, R, Shell};

pub fn dir(name: &str) -> String {
    let t = name.trim_end_matches('/');
    if t.is_empty() {
        return if name.starts_with('/') {
            "/".into()
        } else {
            ".".into()
        };
    }
    match t.rfind('/') {
        None => ".".into(),
        Some(i) => {
            let d = t[..i].trim_end_matches('/');
            if d.is_empty() {
                "/".into()
            } else {
                d.to_string()
            }
        }
    }
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    if args.operands.is_empty() {
        sh.err(io, "dirname: missing operand\n")?;
        return Ok(1);
    }
    let out: String = args
        .operands
        .iter()
        .map(|n| format!("{}\n", dir(n)))
        .collect();
    sh.out(io, out)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn like_coreutils() {
        assert_eq!(
            sh("dirname /a/b/c /a/b/ b / //x").out,
            "/a/b\n/a\n.\n/\n/\n"
        );
    }
}
