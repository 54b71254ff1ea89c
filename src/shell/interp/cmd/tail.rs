//! `tail [-n N|+N] [-c N] [FILE]…`.

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let (n, bytes, from_start, files) = super::head::count_args(argv, 10);
    let (parts, status) = super::read_inputs(sh, io, "tail", &files)?;
    let n = n.max(0) as usize;
    for p in parts {
        let out: Vec<u8> = if bytes {
            if from_start {
                p[(n.saturating_sub(1)).min(p.len())..].to_vec()
            } else {
                p[p.len().saturating_sub(n)..].to_vec()
            }
        } else {
            let lines = super::lines(&p);
            let skip = if from_start {
                n.saturating_sub(1)
            } else {
                lines.len().saturating_sub(n)
            };
            lines.into_iter().skip(skip).flatten().copied().collect()
        };
        sh.out(io, out)?;
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn last_lines() {
        assert_eq!(sh("printf '1\\n2\\n3\\n' | tail -n 2").out, "2\n3\n");
        assert_eq!(sh("printf '1\\n2\\n3\\n' | tail -n +2").out, "2\n3\n");
        assert_eq!(sh("printf '1\\n2\\n3\\n' | tail -1").out, "3\n");
    }
}
