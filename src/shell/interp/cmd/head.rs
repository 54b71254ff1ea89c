//! `head [-n N] [-c N] [FILE]…` (also `-N`).

use super::super::{Io, R, Shell};

/// The count of `-n N`, `-nN`, `-N` or `-c N`, and the files.
pub fn count_args(argv: &[String], default: i64) -> (i64, bool, bool, Vec<String>) {
    let mut n = default;
    let mut bytes = false;
    let mut from_start = false;
    let mut files = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        let num = |s: &str, from_start: &mut bool| -> i64 {
            if let Some(r) = s.strip_prefix('+') {
                *from_start = true;
                return r.parse().unwrap_or(0);
            }
            s.trim_start_matches('-').parse().unwrap_or(default)
        };
        if a == "-n" || a == "-c" {
            bytes = a == "-c";
            i += 1;
            n = num(argv.get(i).map_or("", |s| s.as_str()), &mut from_start);
        } else if let Some(v) = a.strip_prefix("-n").or_else(|| a.strip_prefix("--lines=")) {
            n = num(v, &mut from_start);
        } else if let Some(v) = a.strip_prefix("-c").or_else(|| a.strip_prefix("--bytes=")) {
            bytes = true;
            n = num(v, &mut from_start);
        } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) {
            n = a[1..].parse().unwrap_or(default);
        } else if a.starts_with('-') && a.len() > 1 {
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    (n, bytes, from_start, files)
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let (n, bytes, _, files) = count_args(argv, 10);
    let (parts, status) = super::read_inputs(sh, io, "head", &files)?;
    let n = n.max(0) as usize;
    for p in parts {
        let out: Vec<u8> = if bytes {
            p[..n.min(p.len())].to_vec()
        } else {
            super::lines(&p)
                .into_iter()
                .take(n)
                .flatten()
                .copied()
                .collect()
        };
        sh.out(io, out)?;
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn first_lines() {
        assert_eq!(sh("printf '1\\n2\\n3\\n' | head -n 2").out, "1\n2\n");
        assert_eq!(sh("printf '1\\n2\\n3\\n' | head -1").out, "1\n");
        assert_eq!(sh("printf 'abc' | head -c 2").out, "ab");
    }
}
