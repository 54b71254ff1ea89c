//! Variable expansion and word splitting as BuildKit's shell lexer does them
//! (`frontend/dockerfile/shell/lex.go`): `$v`, `${v}`, `${v:-w}`, `${v-w}`, `${v:+w}`,
//! `${v+w}`, `${v:?w}`, `${v?w}`, `${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}`, `${v/p/r}`,
//! `${v//p/r}`, single and double quotes, and the escape token.
//!
//! This is not a POSIX shell: it is the small language Dockerfile instructions
//! other than RUN are expanded with. Its quirks are kept on purpose (a `?` or `*`
//! in a pattern never matches a newline, because BuildKit compiles patterns to Go
//! regular expressions where `.` excludes `\n`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where variable values come from.
pub trait Env {
    fn lookup(&self, name: &str) -> Option<&str>;
}

impl Env for HashMap<String, String> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl Env for BTreeMap<String, String> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

/// `KEY=VALUE` strings, the later of two equal keys winning (BuildKit's `BuildEnvs`).
impl Env for [String] {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.iter().rev().find_map(|e| match e.split_once('=') {
            Some((k, v)) if k == name => Some(v),
            None if e == name => Some(""),
            _ => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("failed to process \"{source_text}\": {message}")]
pub struct ExpandError {
    pub source_text: String,
    pub message: String,
}

/// What one expansion produced.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The word with quotes removed and variables substituted, spaces kept.
    pub result: String,
    /// The same, split into words after substitution (quoted spaces kept).
    pub words: Vec<String>,
    /// Variables that were referenced and set.
    pub matched: BTreeSet<String>,
    /// Variables that were referenced and not set.
    pub unmatched: BTreeSet<String>,
}

/// The lexer's options, named as in BuildKit.
#[derive(Debug, Clone, Copy)]
pub struct Lex {
    pub escape_token: char,
    /// Keep quote characters in the output.
    pub raw_quotes: bool,
    /// Keep escape tokens in the output.
    pub raw_escapes: bool,
    /// Treat quotes as ordinary characters.
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written.
    pub skip_unset_env: bool,
}

impl Lex {
    pub fn new(escape_token: char) -> Self {
        Lex {
            escape_token,
            raw_quotes: false,
            raw_escapes: false,
            skip_process_quotes: false,
            skip_unset_env: false,
        }
    }

    /// Expands `word`, keeping it one string.
    pub fn process_word(
        &self,
        word: &str,
        env: &(impl Env + ?Sized),
    ) -> Result<String, ExpandError> {
        self.process(word, env).map(|e| e.result)
    }

    /// Expands `word` and splits it into words.
    pub fn process_words(
        &self,
        word: &str,
        env: &(impl Env + ?Sized),
    ) -> Result<Vec<String>, ExpandError> {
        self.process(word, env).map(|e| e.words)
    }

    pub fn process(&self, word: &str, env: &(impl Env + ?Sized)) -> Result<Expansion, ExpandError> {
        let mut sw = ShellWord {
            lex: *self,
            chars: word.chars().collect(),
            pos: 0,
            env: &|name| env.lookup(name).map(str::to_owned),
            raw_escapes: self.raw_escapes,
            matched: BTreeSet::new(),
            unmatched: BTreeSet::new(),
        };
        match sw.process_stop_on(None, self.raw_escapes) {
            Ok((result, words)) => Ok(Expansion {
                result,
                words,
                matched: sw.matched,
                unmatched: sw.unmatched,
            }),
            Err(message) => Err(ExpandError {
                source_text: word.to_owned(),
                message,
            }),
        }
    }
}

/// Accumulates words the way BuildKit's `wordsStruct` does: characters that came
/// from variable values split on whitespace, quoted text never does.
#[derive(Default)]
struct Words {
    word: String,
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, ch: char) {
        if ch.is_whitespace() && self.in_word {
            if !self.word.is_empty() {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else if !ch.is_whitespace() {
            self.add_raw_char(ch);
        }
    }

    fn add_raw_char(&mut self, ch: char) {
        self.word.push(ch);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }

    fn add_raw_string(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(self.word);
        }
        self.words
    }
}

type Lookup<'e> = dyn Fn(&str) -> Option<String> + 'e;

struct ShellWord<'e> {
    lex: Lex,
    chars: Vec<char>,
    pos: usize,
    env: &'e Lookup<'e>,
    raw_escapes: bool,
    matched: BTreeSet<String>,
    unmatched: BTreeSet<String>,
}

type Res<T> = Result<T, String>;

impl ShellWord<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn get_env(&mut self, name: &str) -> Option<String> {
        let v = (self.env)(name);
        if v.is_some() {
            self.matched.insert(name.to_owned());
        } else {
            self.unmatched.insert(name.to_owned());
        }
        v
    }

    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Res<(String, Vec<String>)> {
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let r = self.process_stop_on_inner(stop);
        self.raw_escapes = saved;
        r
    }

    fn process_stop_on_inner(&mut self, stop: Option<char>) -> Res<(String, Vec<String>)> {
        let mut result = String::new();
        let mut words = Words::default();
        while let Some(ch) = self.peek() {
            if Some(ch) == stop {
                self.next();
                return Ok((result, words.finish()));
            }
            match ch {
                '$' => {
                    let s = self.process_dollar()?;
                    result.push_str(&s);
                    words.add_string(&s);
                }
                '\'' | '"' if !self.lex.skip_process_quotes => {
                    let s = if ch == '\'' {
                        self.process_single_quote()?
                    } else {
                        self.process_double_quote()?
                    };
                    result.push_str(&s);
                    words.add_raw_string(&s);
                }
                _ => {
                    let mut ch = self.next().unwrap_or_default();
                    if ch == self.lex.escape_token {
                        if self.raw_escapes {
                            words.add_raw_char(ch);
                            result.push(ch);
                        }
                        // The escape token escapes the next character; at the end it vanishes.
                        match self.next() {
                            None => break,
                            Some(c) => ch = c,
                        }
                        words.add_raw_char(ch);
                    } else {
                        words.add_char(ch);
                    }
                    result.push(ch);
                }
            }
        }
        if let Some(stop) = stop {
            return Err(format!(
                "unexpected end of statement while looking for matching {stop}"
            ));
        }
        Ok((result, words.finish()))
    }

    fn process_single_quote(&mut self) -> Res<String> {
        let mut result = String::new();
        let q = self.next().unwrap_or('\'');
        if self.lex.raw_quotes {
            result.push(q);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    );
                }
                Some('\'') => {
                    if self.lex.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn process_double_quote(&mut self) -> Res<String> {
        let mut result = String::new();
        let q = self.next().unwrap_or('"');
        if self.lex.raw_quotes {
            result.push(q);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    );
                }
                Some('"') => {
                    self.next();
                    if self.lex.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let v = self.process_dollar()?;
                    result.push_str(&v);
                }
                Some(_) => {
                    let mut ch = self.next().unwrap_or_default();
                    if ch == self.lex.escape_token {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            // An escape at the very end is dropped.
                            None => continue,
                            // Only these can be escaped inside double quotes; other escapes stay.
                            Some(c) if c == '"' || c == '$' || c == self.lex.escape_token => {
                                ch = c;
                                self.next();
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn process_dollar(&mut self) -> Res<String> {
        self.next(); // '$'
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".into());
            }
            let value = self.get_env(&name);
            return Ok(match value {
                None if self.lex.skip_unset_env => format!("${name}"),
                v => v.unwrap_or_default(),
            });
        }
        self.next(); // '{'
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            _ => {}
        }
        let name = self.process_name();
        let first = self.next();
        // Go's string(rune(EOF)) is U+FFFD, which BuildKit prints in its message.
        let mut modifier = first.map_or_else(|| "\u{FFFD}".to_string(), String::from);
        match first {
            Some('}') => {
                let value = self.get_env(&name);
                Ok(match value {
                    None if self.lex.skip_unset_env => format!("${{{name}}}"),
                    v => v.unwrap_or_default(),
                })
            }
            Some(c @ (':' | '+' | '-' | '?' | '#' | '%')) => {
                let null_is_unset = c == ':';
                let ch = if null_is_unset {
                    let n = self.next();
                    if let Some(n) = n {
                        modifier.push(n);
                    }
                    n
                } else {
                    Some(c)
                };
                let raw = matches!(ch, Some('#' | '%'));
                if null_is_unset && raw {
                    // `${v:#p}` and `${v:%p}` are not a thing, BuildKit says.
                    return Err(format!("unsupported modifier ({modifier}) in substitution"));
                }
                let word = match self.process_stop_on(Some('}'), raw) {
                    Ok((w, _)) => w,
                    Err(e) if self.peek().is_none() => {
                        let _ = e;
                        return Err("syntax error: missing '}'".into());
                    }
                    Err(e) => return Err(e),
                };
                let value = self.get_env(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}{modifier}{word}}}"));
                }
                let unset_or_null =
                    value.is_none() || (null_is_unset && value.as_deref() == Some(""));
                match ch {
                    Some('-') => Ok(if unset_or_null {
                        word
                    } else {
                        value.unwrap_or_default()
                    }),
                    Some('+') => Ok(if unset_or_null { String::new() } else { word }),
                    Some('?') => {
                        let Some(value) = value else {
                            let msg = if word.is_empty() {
                                "is not allowed to be unset"
                            } else {
                                &word
                            };
                            return Err(format!("{name}: {msg}"));
                        };
                        if null_is_unset && value.is_empty() {
                            let msg = if word.is_empty() {
                                "is not allowed to be empty"
                            } else {
                                &word
                            };
                            return Err(format!("{name}: {msg}"));
                        }
                        Ok(value)
                    }
                    Some(op @ ('%' | '#')) => {
                        let (greedy, pattern) = match word.strip_prefix(op) {
                            Some(rest) => (true, rest.to_owned()),
                            None => (false, word),
                        };
                        let value = value.unwrap_or_default();
                        if op == '%' {
                            trim_suffix(&pattern, &value, greedy)
                        } else {
                            trim_prefix(&pattern, &value, greedy)
                        }
                    }
                    _ => Err(format!("unsupported modifier ({modifier}) in substitution")),
                }
            }
            Some('/') => {
                let replace_all = self.peek() == Some('/');
                if replace_all {
                    self.next();
                }
                let pattern = match self.process_stop_on(Some('/'), true) {
                    Ok((p, _)) => p,
                    Err(_) if self.peek().is_none() => {
                        return Err("syntax error: missing '/' in ${}".into());
                    }
                    Err(e) => return Err(e),
                };
                let replacement = match self.process_stop_on(Some('}'), true) {
                    Ok((r, _)) => r,
                    Err(_) if self.peek().is_none() => {
                        return Err("syntax error: missing '}'".into());
                    }
                    Err(e) => return Err(e),
                };
                let value = self.get_env(&name);
                if self.lex.skip_unset_env && value.is_none() {
                    return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
                }
                let value: Vec<char> = value.unwrap_or_default().chars().collect();
                let pat = Pattern::compile(&pattern)
                    .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
                Ok(replace(&pat, &value, &replacement, replace_all))
            }
            _ => Err(format!("unsupported modifier ({modifier}) in substitution")),
        }
    }

    /// A name is letters, digits and `_`; a leading digit run or one special
    /// parameter character is a name on its own.
    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && is_go_digit(ch) {
                while let Some(d) = self.peek().filter(|&c| is_go_digit(c)) {
                    name.push(d);
                    self.next();
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                return ch.to_string();
            }
            if !is_go_letter(ch) && !is_go_digit(ch) && ch != '_' {
                break;
            }
            name.push(ch);
            self.next();
        }
        name
    }
}

// Go's unicode.IsLetter / IsDigit are the L and Nd categories. The standard
// library has no category tables; Alphabetic and Numeric agree on every
// character that appears in variable names in practice (ASCII and letters of
// the world's scripts) and differ only on rare marks and numeral symbols.
fn is_go_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
}

fn is_go_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// A shell wildcard pattern: `*`, `?` and literal characters (no brackets), as
/// BuildKit's `convertShellPatternToRegex` accepts it.
#[derive(Debug)]
struct Pattern(Vec<Tok>);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Star,
    Any,
    Lit(char),
}

impl Pattern {
    fn compile(p: &str) -> Result<Pattern, String> {
        let mut toks = Vec::new();
        let mut it = p.chars().peekable();
        while let Some(c) = it.next() {
            match c {
                '*' => toks.push(Tok::Star),
                '?' => toks.push(Tok::Any),
                '\\' => {
                    // `\}` and `\/` were escapes of the ${} syntax, not of the pattern.
                    if matches!(it.peek(), Some('}' | '/')) {
                        continue;
                    }
                    match it.next() {
                        Some(e @ ('*' | '?' | '\\')) => toks.push(Tok::Lit(e)),
                        Some(e) => return Err(format!("invalid escape '\\{e}'")),
                        None => return Err("invalid escape '\\'".into()),
                    }
                }
                c => toks.push(Tok::Lit(c)),
            }
        }
        Ok(Pattern(toks))
    }

    fn reversed(&self) -> Pattern {
        Pattern(self.0.iter().rev().copied().collect())
    }

    fn matcher<'a>(&'a self, s: &'a [char], greedy: bool) -> Matcher<'a> {
        Matcher {
            toks: &self.0,
            s,
            greedy,
            failed: std::collections::HashSet::new(),
        }
    }
}

/// Finds the preferred match at a start position, with Perl-style preference:
/// each `*` tries longest first when greedy, shortest first if not. Failures are
/// memoised per (token, position), which does not depend on the start, so even
/// scanning every start position stays polynomial.
struct Matcher<'a> {
    toks: &'a [Tok],
    s: &'a [char],
    greedy: bool,
    failed: std::collections::HashSet<(usize, usize)>,
}

impl Matcher<'_> {
    fn at(&mut self, start: usize) -> Option<usize> {
        self.go(0, start)
    }

    fn go(&mut self, ti: usize, pos: usize) -> Option<usize> {
        if ti == self.toks.len() {
            return Some(pos);
        }
        if self.failed.contains(&(ti, pos)) {
            return None;
        }
        let s = self.s;
        let r = match self.toks[ti] {
            Tok::Lit(c) => (s.get(pos) == Some(&c))
                .then(|| self.go(ti + 1, pos + 1))
                .flatten(),
            Tok::Any => (s.get(pos).is_some_and(|&c| c != '\n'))
                .then(|| self.go(ti + 1, pos + 1))
                .flatten(),
            Tok::Star => {
                let max = s[pos..]
                    .iter()
                    .position(|&c| c == '\n')
                    .unwrap_or(s.len() - pos);
                (0..=max).find_map(|k| {
                    let len = if self.greedy { max - k } else { k };
                    self.go(ti + 1, pos + len)
                })
            }
        };
        if r.is_none() {
            self.failed.insert((ti, pos));
        }
        r
    }
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Res<String> {
    let pat = Pattern::compile(pattern)
        .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
    let chars: Vec<char> = value.chars().collect();
    Ok(match pat.matcher(&chars, greedy).at(0) {
        Some(end) => chars[end..].iter().collect(),
        None => value.to_owned(),
    })
}

/// BuildKit finds the shortest or longest suffix by reversing both the value and
/// the pattern and matching a prefix.
fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Res<String> {
    let pat = Pattern::compile(pattern)
        .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
    let rev: Vec<char> = value.chars().rev().collect();
    Ok(match pat.reversed().matcher(&rev, greedy).at(0) {
        Some(end) => rev[end..].iter().rev().collect(),
        None => value.to_owned(),
    })
}

/// `${v/p/r}` replaces the leftmost match, `${v//p/r}` every non-overlapping one.
/// Stars are greedy, as BuildKit compiles them.
fn replace(pat: &Pattern, value: &[char], replacement: &str, all: bool) -> String {
    let mut out = String::new();
    let mut pos = 0;
    let mut replaced_once = false;
    let mut last_end = None;
    let mut m = pat.matcher(value, true);
    while pos <= value.len() {
        if replaced_once && !all {
            break;
        }
        // Go ignores an empty match that abuts the previous match.
        let found = m
            .at(pos)
            .filter(|&end| !(end == pos && last_end == Some(pos)));
        match found {
            Some(end) => {
                last_end = Some(end);
                if all {
                    // Go's ReplaceAllString expands `$0`, `${0}`, `$$` in the replacement.
                    let matched: String = value[pos..end].iter().collect();
                    out.push_str(&expand_template(replacement, &matched));
                } else {
                    out.push_str(replacement);
                }
                replaced_once = true;
                if end == pos {
                    // An empty match: keep one character and move on, as Go's ReplaceAll does.
                    if let Some(&c) = value.get(pos) {
                        out.push(c);
                    }
                    pos += 1;
                } else {
                    pos = end;
                }
            }
            None => {
                if let Some(&c) = value.get(pos) {
                    out.push(c);
                }
                pos += 1;
            }
        }
    }
    if pos < value.len() {
        out.extend(&value[pos..]);
    }
    out
}

/// Go's `Regexp.Expand` for a pattern with no groups: `$0` / `${0}` is the
/// match, `$$` a dollar, any other `$name` / `${name}` empty (names are
/// `[A-Za-z0-9_]+`, longest), and a malformed `$` stays as written.
fn expand_template(template: &str, matched: &str) -> String {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        let (name, after) = if let Some(r) = rest.strip_prefix('{') {
            match r.find('}') {
                Some(j) if j > 0 && r[..j].chars().all(is_name) => (&r[..j], &r[j + 1..]),
                _ => ("", rest),
            }
        } else {
            let n = rest.find(|c: char| !is_name(c)).unwrap_or(rest.len());
            (&rest[..n], &rest[n..])
        };
        if name.is_empty() {
            out.push('$');
            continue;
        }
        if name.bytes().all(|b| b.is_ascii_digit()) && name.bytes().all(|b| b == b'0') {
            out.push_str(matched);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buildkit_lexer_quirks() {
        assert_eq!(
            x("${V:#x}").unwrap_err().message,
            "unsupported modifier (:#) in substitution"
        );
        assert_eq!(
            x("${abc").unwrap_err().message,
            "unsupported modifier (\u{FFFD}) in substitution"
        );
        // Replace-all expands Go templates in the replacement; replace-one does not.
        let e: Vec<String> = vec!["P=abc".into(), "R=$0".into(), "S=$1".into()];
        let lex = Lex::new('\\');
        assert_eq!(lex.process_word("${P//b/$R}", e.as_slice()).unwrap(), "abc");
        assert_eq!(lex.process_word("${P//b/$S}", e.as_slice()).unwrap(), "ac");
        assert_eq!(lex.process_word("${P/b/$R}", e.as_slice()).unwrap(), "a$0c");
        assert_eq!(expand_template("<$$|${0}|$x|$|${>", "m"), "<$|m||$|${>");
    }

    fn env() -> Vec<String> {
        [
            "PWD=/home",
            "SHELL=bash",
            "NULL=",
            "V=foo.tar.gz",
            "P=a/b/c",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn x(s: &str) -> Result<String, ExpandError> {
        Lex::new('\\').process_word(s, env().as_slice())
    }

    #[test]
    fn patterns() {
        assert_eq!(x("${V%.*}").unwrap(), "foo.tar");
        assert_eq!(x("${V%%.*}").unwrap(), "foo");
        assert_eq!(x("${V#*.}").unwrap(), "tar.gz");
        assert_eq!(x("${V##*.}").unwrap(), "gz");
        assert_eq!(x("${P/\\//-}").unwrap(), "a-b/c");
        assert_eq!(x("${P//\\//-}").unwrap(), "a-b-c");
        assert_eq!(x("${P/x/y}").unwrap(), "a/b/c");
        assert_eq!(x("${V/#/x}").unwrap(), "foo.tar.gz");
    }

    #[test]
    fn unset_handling() {
        let mut lex = Lex::new('\\');
        lex.skip_unset_env = true;
        assert_eq!(
            lex.process_word("$A ${B} ${C:-x}", env().as_slice())
                .unwrap(),
            "$A ${B} ${C:-x}"
        );
        let e = x("${X:?custom message}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "failed to process \"${X:?custom message}\": X: custom message"
        );
    }

    #[test]
    fn matched_and_unmatched_are_reported() {
        let r = Lex::new('\\')
            .process("$PWD $NOPE", env().as_slice())
            .unwrap();
        assert!(r.matched.contains("PWD"));
        assert!(r.unmatched.contains("NOPE"));
    }

    #[test]
    fn hostile_patterns_stay_polynomial() {
        let long = format!("V={}", "a".repeat(300));
        let e = vec![long];
        let r = Lex::new('\\')
            .process_word("${V/*********b/}", e.as_slice())
            .unwrap();
        assert_eq!(r.len(), 300);
    }
}
