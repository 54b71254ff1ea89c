//! Shell patterns (`case`, `${x#p}`, globs): `*`, `?`, `[…]` with `!`/`^`
//! and ranges; a backslash makes the next character literal (expansion
//! escapes quoted characters that way).

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Lit(char),
    Any,
    Star,
    Class {
        neg: bool,
        ranges: Vec<(char, char)>,
    },
}

fn compile(pat: &str) -> Vec<Tok> {
    let chars: Vec<char> = pat.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                out.push(Tok::Lit(chars[i + 1]));
                i += 2;
            }
            '*' => {
                if out.last() != Some(&Tok::Star) {
                    out.push(Tok::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(Tok::Any);
                i += 1;
            }
            '[' => match class(&chars, i + 1) {
                Some((tok, next)) => {
                    out.push(tok);
                    i = next;
                }
                None => {
                    out.push(Tok::Lit('['));
                    i += 1;
                }
            },
            c => {
                out.push(Tok::Lit(c));
                i += 1;
            }
        }
    }
    out
}

/// A bracket expression starting after `[`: the token and the index after `]`.
fn class(chars: &[char], mut i: usize) -> Option<(Tok, usize)> {
    let neg = matches!(chars.get(i), Some('!' | '^'));
    if neg {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let mut c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Tok::Class { neg, ranges }, i + 1));
        }
        first = false;
        if c == '[' && chars.get(i + 1) == Some(&':') {
            let rest: String = chars[i + 2..].iter().collect();
            if let Some(end) = rest.find(":]") {
                let name = &rest[..end];
                for r in named_class(name) {
                    ranges.push(r);
                }
                i += 2 + name.chars().count() + 2;
                continue;
            }
        }
        if c == '\\' {
            i += 1;
            c = *chars.get(i)?;
        }
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|c| *c != ']') {
            let mut hi = chars[i + 2];
            let mut skip = 3;
            if hi == '\\' {
                hi = *chars.get(i + 3)?;
                skip = 4;
            }
            ranges.push((c, hi));
            i += skip;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
}

fn named_class(name: &str) -> Vec<(char, char)> {
    match name {
        "alpha" => vec![('a', 'z'), ('A', 'Z')],
        "digit" => vec![('0', '9')],
        "alnum" => vec![('a', 'z'), ('A', 'Z'), ('0', '9')],
        "upper" => vec![('A', 'Z')],
        "lower" => vec![('a', 'z')],
        "space" => vec![(' ', ' '), ('\t', '\r')],
        "xdigit" => vec![('0', '9'), ('a', 'f'), ('A', 'F')],
        "punct" => vec![('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        _ => vec![],
    }
}

fn one(tok: &Tok, c: char) -> bool {
    match tok {
        Tok::Lit(l) => *l == c,
        Tok::Any => true,
        Tok::Star => true,
        Tok::Class { neg, ranges } => ranges.iter().any(|(a, b)| *a <= c && c <= *b) != *neg,
    }
}

/// Whether `text` matches `pat` as a whole. Linear backtracking on the
/// last `*` only, which is enough for shell patterns (no catastrophic cases).
pub fn matches(pat: &str, text: &str) -> bool {
    matches_tokens(&compile(pat), &text.chars().collect::<Vec<_>>())
}

fn matches_tokens(p: &[Tok], t: &[char]) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == Tok::Star {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && one(&p[pi], t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|t| *t == Tok::Star)
}

/// Whether the pattern has an unescaped `*`, `?` or `[`.
pub fn has_glob(pat: &str) -> bool {
    compile(pat).iter().any(|t| !matches!(t, Tok::Lit(_)))
}

/// The pattern with its escapes removed (what a glob that matched nothing stays as).
pub fn unescape(pat: &str) -> String {
    let mut out = String::new();
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(n) = chars.next()
        {
            out.push(n);
            continue;
        }
        out.push(c);
    }
    out
}

/// `s` with pattern characters escaped, to be matched literally.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Byte offsets in `s` at char boundaries, 0 and `s.len()` included.
fn cuts(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).chain([s.len()]).collect()
}

/// `${x#p}` / `${x##p}`: `s` without the shortest (longest) prefix matching.
pub fn remove_prefix(s: &str, pat: &str, longest: bool) -> String {
    let toks = compile(pat);
    let chars: Vec<char> = s.chars().collect();
    let cut = cuts(s);
    let mut idx: Vec<usize> = (0..=chars.len()).collect();
    if longest {
        idx.reverse();
    }
    for n in idx {
        if matches_tokens(&toks, &chars[..n]) {
            return s[cut[n]..].to_string();
        }
    }
    s.to_string()
}

/// `${x%p}` / `${x%%p}`.
pub fn remove_suffix(s: &str, pat: &str, longest: bool) -> String {
    let toks = compile(pat);
    let chars: Vec<char> = s.chars().collect();
    let cut = cuts(s);
    let mut idx: Vec<usize> = (0..=chars.len()).collect();
    if !longest {
        idx.reverse();
    }
    for n in idx {
        if matches_tokens(&toks, &chars[n..]) {
            return s[..cut[n]].to_string();
        }
    }
    s.to_string()
}

/// `${x/p/r}`: the longest match starting at the first place one starts.
pub fn replace(s: &str, pat: &str, with: &str, all: bool, anchor: Option<char>) -> String {
    let toks = compile(pat);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut done = false;
    while i <= chars.len() {
        if !done && (anchor != Some('#') || i == 0) {
            let ends: Vec<usize> = match anchor {
                Some('%') => vec![chars.len()],
                _ => (i..=chars.len()).rev().collect(),
            };
            if let Some(e) = ends
                .into_iter()
                .find(|e| (*e > i || toks.is_empty()) && matches_tokens(&toks, &chars[i..*e]))
            {
                out.push_str(with);
                if !all {
                    done = true;
                }
                if e > i {
                    i = e;
                    continue;
                }
            }
        }
        if i < chars.len() {
            out.push(chars[i]);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_question_class() {
        assert!(matches("*.txt", "a.txt"));
        assert!(!matches("*.txt", "a.txt.gz"));
        assert!(matches("a?c", "abc"));
        assert!(matches("[a-c]x", "bx"));
        assert!(!matches("[!a-c]x", "bx"));
        assert!(matches("*[[:digit:]]", "v1"));
        assert!(!matches("\\*", "a"));
        assert!(matches("\\*", "*"));
        assert!(matches("*a*b*", "xxaxxbxx"));
    }

    #[test]
    fn prefix_suffix_replace() {
        // As bash: x=a/b/c; ${x#*/} b/c; ${x##*/} c; ${x%/*} a/b; ${x%%/*} a
        assert_eq!(remove_prefix("a/b/c", "*/", false), "b/c");
        assert_eq!(remove_prefix("a/b/c", "*/", true), "c");
        assert_eq!(remove_suffix("a/b/c", "/*", false), "a/b");
        assert_eq!(remove_suffix("a/b/c", "/*", true), "a");
        assert_eq!(replace("a.b.c", ".", "-", false, None), "a-b.c");
        assert_eq!(replace("a.b.c", ".", "-", true, None), "a-b-c");
        assert_eq!(replace("abc", "a", "x", false, Some('#')), "xbc");
        assert_eq!(replace("abc", "c", "x", false, Some('%')), "abx");
    }
}
