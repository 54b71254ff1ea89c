//! `.dockerignore` as BuildKit reads and matches it (moby/patternmatcher):
//! comment and blank lines dropped, each pattern cleaned like a path, `!`
//! negations, `**`, and "last match wins" with parent directories matching too
//! (`sub` ignores `sub/a.txt`).

/// One compiled line.
#[derive(Debug, Clone)]
struct Pattern {
    /// The cleaned pattern, without its `!`.
    text: String,
    matcher: Matcher,
    exclusion: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Dockerignore {
    patterns: Vec<Pattern>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(".dockerignore:{line}: {message}")]
pub struct DockerignoreError {
    pub line: usize,
    pub message: String,
}

/// Go's `path.Clean` for slash paths.
pub fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            c => parts.push(c),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

impl Dockerignore {
    /// Reads the file: a `#` in the first column starts a comment; lines are
    /// trimmed; `!` negates; each pattern is cleaned and loses a leading `/`.
    pub fn parse(text: &str) -> Result<Dockerignore, DockerignoreError> {
        let mut patterns = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let raw = if i == 0 {
                raw.trim_start_matches('\u{feff}')
            } else {
                raw
            };
            if raw.starts_with('#') {
                continue;
            }
            let mut p = raw.trim();
            if p.is_empty() {
                continue;
            }
            let exclusion = p.starts_with('!');
            if exclusion {
                p = p[1..].trim();
            }
            if p.is_empty() {
                return Err(DockerignoreError {
                    line: i + 1,
                    message: "illegal exclusion pattern: \"!\"".into(),
                });
            }
            let mut text = clean(p);
            if text.len() > 1 && text.starts_with('/') {
                text.remove(0);
            }
            if let Err(message) = validate(&text) {
                return Err(DockerignoreError {
                    line: i + 1,
                    message,
                });
            }
            patterns.push(Pattern {
                matcher: Matcher::compile(&text),
                text,
                exclusion,
            });
        }
        Ok(Dockerignore { patterns })
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether any line is a `!` negation.
    pub fn has_exclusions(&self) -> bool {
        self.patterns.iter().any(|p| p.exclusion)
    }

    /// Whether a non-negated pattern is literally `*`, `**` or `**/*` (ignores the
    /// whole context).
    pub fn ignores_everything(&self) -> bool {
        self.patterns
            .iter()
            .any(|p| !p.exclusion && matches!(p.text.as_str(), "*" | "**" | "**/*"))
    }

    /// `MatchesOrParentMatches`: the last pattern that matches `path` or one of
    /// its parent directories decides. `path` is a cleaned slash path relative to
    /// the context.
    pub fn matches(&self, path: &str) -> bool {
        let parents: Vec<&str> = match path.rfind('/') {
            Some(i) => path[..i].split('/').collect(),
            None => Vec::new(),
        };
        let mut matched = false;
        for p in &self.patterns {
            // A pattern can only change the answer: positives while unmatched,
            // negations while matched.
            if p.exclusion != matched {
                continue;
            }
            let mut m = p.matcher.matches(path);
            if !m {
                m = (1..=parents.len()).any(|n| p.matcher.matches(&parents[..n].join("/")));
            }
            if m {
                matched = !p.exclusion;
            }
        }
        matched
    }
}

/// `filepath.Match` syntax check: brackets closed, escapes complete.
fn validate(p: &str) -> Result<(), String> {
    let b = p.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                if i + 1 >= b.len() {
                    return Err("syntax error in pattern".into());
                }
                i += 2;
            }
            b'[' => {
                let mut j = i + 1;
                if j < b.len() && b[j] == b'^' {
                    j += 1;
                }
                if j < b.len() && b[j] == b']' {
                    return Err("syntax error in pattern".into());
                }
                while j < b.len() && b[j] != b']' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                if j >= b.len() {
                    return Err("syntax error in pattern".into());
                }
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// How a compiled pattern matches, as patternmatcher decides it: plain text
/// compares exactly, `foo/**` is a prefix, `**/foo` a suffix, anything else a
/// regex (linear time: regex-lite has no backtracking).
#[derive(Debug, Clone)]
enum Matcher {
    Exact(String),
    Prefix(String),
    Suffix(String),
    Regex(regex_lite::Regex),
}

impl Matcher {
    fn compile(pattern: &str) -> Matcher {
        #[derive(PartialEq)]
        enum Kind {
            Exact,
            Prefix,
            Suffix,
            Regex,
        }
        let mut kind = Kind::Exact;
        let mut re = String::from("^");
        let chars: Vec<char> = pattern.chars().collect();
        let mut i = 0;
        let mut in_class = false;
        while i < chars.len() {
            let c = chars[i];
            if in_class {
                in_class = c != ']';
                if c == '\\' && i + 1 < chars.len() {
                    re.push(c);
                    i += 1;
                }
                re.push(chars[i]);
                i += 1;
                continue;
            }
            match c {
                '*' if chars.get(i + 1) == Some(&'*') => {
                    let start = i;
                    i += 2;
                    if chars.get(i) == Some(&'/') {
                        i += 1;
                    }
                    if i == chars.len() {
                        if kind == Kind::Exact {
                            kind = Kind::Prefix;
                        } else {
                            re.push_str(".*");
                            kind = Kind::Regex;
                        }
                    } else {
                        re.push_str("(.*/)?");
                        kind = Kind::Regex;
                    }
                    if start == 0 {
                        kind = Kind::Suffix;
                    }
                    continue;
                }
                '*' => {
                    re.push_str("[^/]*");
                    kind = Kind::Regex;
                }
                '?' => {
                    re.push_str("[^/]");
                    kind = Kind::Regex;
                }
                // BuildKit passes classes to its regex as they are, and leaves `^`
                // unescaped (an anchor mid-pattern: it then never matches).
                '[' | ']' | '^' => {
                    in_class = c == '[';
                    re.push(c);
                    kind = Kind::Regex;
                }
                '\\' if i + 1 < chars.len() => {
                    i += 1;
                    re.push_str(&regex_lite::escape(&chars[i].to_string()));
                }
                c => re.push_str(&regex_lite::escape(&c.to_string())),
            }
            i += 1;
        }
        re.push('$');
        match kind {
            Kind::Exact => Matcher::Exact(unescape(pattern)),
            Kind::Prefix => Matcher::Prefix(unescape(pattern.trim_end_matches('*'))),
            Kind::Suffix => Matcher::Suffix(unescape(&pattern[2..])),
            // A class BuildKit's regex would reject cannot match anything.
            Kind::Regex => Matcher::Regex(
                regex_lite::Regex::new(&re)
                    .unwrap_or_else(|_| regex_lite::Regex::new("$^").unwrap()),
            ),
        }
    }

    fn matches(&self, path: &str) -> bool {
        match self {
            Matcher::Exact(t) => path == t,
            Matcher::Prefix(t) => path.starts_with(t.as_str()),
            Matcher::Suffix(t) => match t.strip_prefix('/') {
                Some(bare) => path.ends_with(t.as_str()) || path == bare,
                None => path.ends_with(t.as_str()),
            },
            Matcher::Regex(r) => r.is_match(path),
        }
    }
}

/// The literal text of a pattern without wildcards: `\x` is `x`.
fn unescape(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn di(s: &str) -> Dockerignore {
        Dockerignore::parse(s).unwrap()
    }

    #[test]
    fn reads_lines_like_buildkit() {
        let d = di(
            "\u{feff}# comment\n\n  node_modules/  \n/dist\n./a//b/../c\n! keep\n  # not a comment\n",
        );
        let texts: Vec<_> = d
            .patterns
            .iter()
            .map(|p| (p.text.as_str(), p.exclusion))
            .collect();
        assert_eq!(
            texts,
            [
                ("node_modules", false),
                ("dist", false),
                ("a/c", false),
                ("keep", true),
                ("# not a comment", false)
            ]
        );
        assert_eq!(Dockerignore::parse("a\n!\n").unwrap_err().line, 2);
        assert!(Dockerignore::parse("[a\n").is_err());
    }

    #[test]
    fn matches_like_patternmatcher() {
        let d = di("sub\n!sub/keep.txt\n");
        assert!(d.matches("sub") && d.matches("sub/a.txt") && !d.matches("sub/keep.txt"));
        let d = di("**\n!sub\n");
        assert!(!d.matches("sub/a.txt") && d.matches("other"));
        assert!(di("*").matches("a/b/c"));
        let d = di("*/tmp/*");
        assert!(d.matches("x/tmp/y") && !d.matches("tmp/y"));
        let d = di("*.go");
        assert!(d.matches("a.go") && !d.matches("x/a.go"));
        let d = di("**/*.go");
        assert!(d.matches("a.go") && d.matches("x/y/a.go"));
        assert!(di("foo/**").matches("foo/x") && !di("foo/**").matches("foo"));
        assert!(!di("!a\na").matches("b") && di("!a\na").matches("a"));
        assert!(di("file?.txt").matches("file1.txt") && !di("file?.txt").matches("file/.txt"));
        assert!(di("[a-c]x").matches("bx") && !di("[^a-c]x").matches("bx"));
        // `!` is no negation inside a class for BuildKit's regex.
        assert!(di("[!a-c]x").matches("bx"));
        assert!(di("\\*x").matches("*x") && !di("\\*x").matches("ax"));
        // Wildcard sources are matched literally, as BuildKit does.
        assert!(di("*.txt").matches("*.txt"));
    }

    #[test]
    fn hostile_patterns_stay_fast() {
        let d = di(&format!("{}b\n", "**/*".repeat(30)));
        assert!(!d.matches(&"a/".repeat(200)));
    }

    #[test]
    fn clean_is_go_path_clean() {
        for (a, b) in [
            ("./a/", "a"),
            ("a//b", "a/b"),
            ("a/../b", "b"),
            ("/", "/"),
            ("..", ".."),
            ("/../x", "/x"),
            ("", "."),
        ] {
            assert_eq!(clean(a), b, "{a}");
        }
    }
}
