//! `cat [FILE]…`: standard input when there are no files or for `-`.

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let (parts, status) = super::read_inputs(sh, io, "cat", &args.operands)?;
    for p in parts {
        if args.has('n') {
            let mut out = String::new();
            for (i, l) in super::lines(&p).iter().enumerate() {
                out.push_str(&format!("{:6}\t{}", i + 1, String::from_utf8_lossy(l)));
            }
            sh.out(io, out)?;
        } else {
            sh.out(io, p)?;
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn files_stdin_and_missing() {
        let r = sh("echo a > /tmp/a; echo b | cat /tmp/a - /nope");
        assert_eq!(r.out, "a\nb\n");
        assert_eq!(r.err, "cat: /nope: No such file or directory\n");
        assert_eq!(r.status, 1);
        assert_eq!(sh("cat <<EOF\nx $HOME\nEOF").out, "x /root\n");
        assert_eq!(sh("cat <<'EOF'\nx $HOME\nEOF").out, "x $HOME\n");
        assert_eq!(sh("cat <<< hi").out, "hi\n");
    }
}
