//! `tr [-d] [-s] [-c] SET1 [SET2]`: ranges (`a-z`), classes
//! (`[:upper:]`) and escapes (`\n`).

use super::super::{Io, R, Shell};

fn expand_set(s: &str) -> Vec<char> {
    let mut chars: Vec<char> = Vec::new();
    let src: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut raw = Vec::new();
    while i < src.len() {
        if src[i] == '[' && src.get(i + 1) == Some(&':') {
            let rest: String = src[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[..end];
                let set: Vec<char> = match name {
                    "upper" => ('A'..='Z').collect(),
                    "lower" => ('a'..='z').collect(),
                    "digit" => ('0'..='9').collect(),
                    "alpha" => ('A'..='Z').chain('a'..='z').collect(),
                    "alnum" => ('0'..='9').chain('A'..='Z').chain('a'..='z').collect(),
                    "space" => vec![' ', '\t', '\n', '\r', '\x0b', '\x0c'],
                    "blank" => vec![' ', '\t'],
                    "punct" => ('!'..='~').filter(|c| c.is_ascii_punctuation()).collect(),
                    _ => vec![],
                };
                raw.extend(set.into_iter().map(|c| (c, false)));
                i += 2 + name.len() + 2;
                continue;
            }
        }
        if src[i] == '\\' && i + 1 < src.len() {
            let c = match src[i + 1] {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '\\' => '\\',
                c => c,
            };
            raw.push((c, true));
            i += 2;
            continue;
        }
        raw.push((src[i], false));
        i += 1;
    }
    let mut j = 0;
    while j < raw.len() {
        if j + 2 < raw.len() && raw[j + 1] == ('-', false) && raw[j].0 <= raw[j + 2].0 {
            chars.extend(raw[j].0..=raw[j + 2].0);
            j += 3;
        } else {
            chars.push(raw[j].0);
            j += 1;
        }
    }
    chars
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = super::parse_args(argv);
    let delete = args.has('d');
    let squeeze = args.has('s');
    let complement = args.has('c') || args.has('C');
    let Some(s1) = args.operands.first() else {
        sh.err(io, "tr: missing operand\n")?;
        return Ok(1);
    };
    let set1 = expand_set(s1);
    let set2 = args
        .operands
        .get(1)
        .map(|s| expand_set(s))
        .unwrap_or_default();
    if !delete && !squeeze && set2.is_empty() {
        sh.err(
            io,
            format!("tr: missing operand after '{s1}'\nTry 'tr --help' for more information.\n"),
        )?;
        return Ok(1);
    }
    let input = String::from_utf8_lossy(io.take_input()).into_owned();
    let in1 = |c: char| set1.contains(&c) != complement;
    let mut out = String::new();
    let mut last: Option<char> = None;
    for c in input.chars() {
        if delete && in1(c) {
            continue;
        }
        let m = if !delete && !set2.is_empty() && in1(c) {
            if complement {
                *set2.last().unwrap_or(&c)
            } else {
                let k = set1.iter().position(|x| *x == c).unwrap_or(0);
                *set2.get(k).or(set2.last()).unwrap_or(&c)
            }
        } else {
            c
        };
        let squeeze_set = if delete || set2.is_empty() {
            &set1
        } else {
            &set2
        };
        if squeeze && last == Some(m) && squeeze_set.contains(&m) {
            continue;
        }
        out.push(m);
        last = Some(m);
    }
    sh.out(io, out)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    #[test]
    fn translate_delete_squeeze() {
        assert_eq!(sh("echo hello | tr a-z A-Z").out, "HELLO\n");
        assert_eq!(sh("echo 'a:b:c' | tr ':' '\\n'").out, "a\nb\nc\n");
        assert_eq!(sh("echo 'a1b2' | tr -d '[:digit:]'").out, "ab\n");
        assert_eq!(sh("echo 'a   b' | tr -s ' '").out, "a b\n");
    }
}
