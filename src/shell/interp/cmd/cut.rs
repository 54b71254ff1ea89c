//! `cut -d C -f LIST` and `cut -c LIST` (lists like `1,3-4,5-`).

use super::super::{Io, R, Shell};

fn parse_list(s: &str) -> Option<Vec<(usize, usize)>> {
    s.split(',')
        .map(|r| {
            let (a, b) = match r.split_once('-') {
                Some((a, b)) => (a, b),
                None => (r, r),
            };
            let lo = if a.is_empty() { 1 } else { a.parse().ok()? };
            let hi = if b.is_empty() {
                usize::MAX
            } else {
                b.parse().ok()?
            };
            (lo >= 1 && lo <= hi).then_some((lo, hi))
        })
        .collect()
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut delim = '\t';
    let mut fields = None;
    let mut chars = None;
    let mut files = Vec::new();
    let mut i = 1;
    let take = |i: &mut usize, a: &str, flag: &str| -> Option<String> {
        if a == flag {
            *i += 1;
            argv.get(*i).cloned()
        } else {
            a.strip_prefix(flag).map(str::to_string)
        }
    };
    while i < argv.len() {
        let a = argv[i].clone();
        if let Some(d) = take(&mut i, &a, "-d") {
            delim = d.chars().next().unwrap_or('\t');
        } else if let Some(f) = take(&mut i, &a, "-f") {
            fields = Some(f);
        } else if let Some(c) = take(&mut i, &a, "-c").or_else(|| take(&mut i, &a, "-b")) {
            chars = Some(c);
        } else {
            files.push(a);
        }
        i += 1;
    }
    let (spec, by_char) = match (fields, chars) {
        (Some(f), _) => (f, false),
        (None, Some(c)) => (c, true),
        _ => {
            sh.err(
                io,
                "cut: you must specify a list of bytes, characters, or fields\n",
            )?;
            return Ok(1);
        }
    };
    let Some(list) = parse_list(&spec) else {
        sh.err(io, format!("cut: invalid field range: '{spec}'\n"))?;
        return Ok(1);
    };
    let sel = |n: usize| list.iter().any(|(lo, hi)| *lo <= n && n <= *hi);
    let (parts, status) = super::read_inputs(sh, io, "cut", &files)?;
    let all = parts.concat();
    let text = String::from_utf8_lossy(&all);
    let mut out = String::new();
    for line in text.lines() {
        if by_char {
            out.extend(
                line.chars()
                    .enumerate()
                    .filter(|(k, _)| sel(k + 1))
                    .map(|(_, c)| c),
            );
        } else if !line.contains(delim) {
            out.push_str(line);
        } else {
            let picked: Vec<&str> = line
                .split(delim)
                .enumerate()
                .filter(|(k, _)| sel(k + 1))
                .map(|(_, f)| f)
                .collect();
            out.push_str(&picked.join(&delim.to_string()));
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
    fn fields_and_chars() {
        assert_eq!(sh("echo 'a:b:c' | cut -d: -f2").out, "b\n");
        assert_eq!(sh("echo 'a:b:c' | cut -d : -f 1,3").out, "a:c\n");
        assert_eq!(sh("echo 'abcdef' | cut -c 2-4").out, "bcd\n");
        assert_eq!(sh("echo 'nodelim' | cut -d: -f2").out, "nodelim\n");
    }
}
