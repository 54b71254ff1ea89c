//! `sort [-r -n -u -f] [-k N] [-t C] [FILE]…` (byte order, as with LC_ALL=C).

use super::super::{Io, R, Shell};

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut flags = String::new();
    let mut key: Option<usize> = None;
    let mut sep: Option<char> = None;
    let mut files = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if a == "-k" {
            i += 1;
            key = argv
                .get(i)
                .and_then(|k| k.split([',', '.']).next()?.parse().ok());
        } else if a == "-t" {
            i += 1;
            sep = argv.get(i).and_then(|s| s.chars().next());
        } else if let Some(k) = a.strip_prefix("-k") {
            key = k.split([',', '.']).next().and_then(|k| k.parse().ok());
        } else if let Some(t) = a.strip_prefix("-t") {
            sep = t.chars().next();
        } else if a.starts_with('-') && a.len() > 1 {
            flags.push_str(&a[1..]);
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let (parts, status) = super::read_inputs(sh, io, "sort", &files)?;
    let all: Vec<u8> = parts.concat();
    let text = String::from_utf8_lossy(&all);
    let mut lines: Vec<&str> = text.lines().collect();
    let field = |l: &str| -> String {
        match key {
            None => l.to_string(),
            Some(k) => {
                let fields: Vec<&str> = match sep {
                    Some(c) => l.split(c).collect(),
                    None => l.split_whitespace().collect(),
                };
                fields
                    .get(k.saturating_sub(1)..)
                    .map(|f| f.join(" "))
                    .unwrap_or_default()
            }
        }
    };
    let numeric = flags.contains('n');
    let fold = flags.contains('f');
    let num = |s: &str| -> f64 {
        let t = s.trim_start();
        let end = t
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')))
            .map_or(t.len(), |(i, _)| i);
        t[..end].parse().unwrap_or(0.0)
    };
    lines.sort_by(|a, b| {
        let (fa, fb) = (field(a), field(b));
        let ord = if numeric {
            num(&fa)
                .partial_cmp(&num(&fb))
                .unwrap_or(std::cmp::Ordering::Equal)
        } else if fold {
            fa.to_uppercase().cmp(&fb.to_uppercase())
        } else {
            fa.cmp(&fb)
        };
        ord.then_with(|| {
            if key.is_some() || numeric {
                a.cmp(b)
            } else {
                std::cmp::Ordering::Equal
            }
        })
    });
    if flags.contains('r') {
        lines.reverse();
    }
    if flags.contains('u') {
        lines.dedup();
    }
    let out: String = lines.iter().map(|l| format!("{l}\n")).collect();
    sh.out(io, out)?;
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn orders() {
        assert_eq!(sh("printf 'b\\na\\nc\\na\\n' | sort").out, "a\na\nb\nc\n");
        assert_eq!(
            sh("printf 'b\\na\\nc\\na\\n' | sort -u -r").out,
            "c\nb\na\n"
        );
        assert_eq!(sh("printf '10\\n9\\n100\\n' | sort -n").out, "9\n10\n100\n");
        assert_eq!(sh("printf 'x 2\\ny 1\\n' | sort -k 2").out, "y 1\nx 2\n");
    }
}
