//! Lines to nodes, as BuildKit's `parser.Parse` does it: BOM, line endings,
//! parser directives, comments, the escape token, line continuations, the
//! per-instruction argument rules and heredocs.
//!
//! Unlike BuildKit, which stops at the first error, an error here is recorded
//! with its span and parsing goes on with the next instruction, so an editor
//! can show every problem at once. `Ast::first_error` gives BuildKit's verdict.

use super::ast::{Directive, Heredoc, Node, SourceMap, Word, go_lower};
use super::expand::Lex;
use super::json::{self, JsonArgsError};
use super::span::Span;
use super::{Diagnostic, Severity};
use serde::Serialize;

/// Larger sources are refused before parsing: a shared link is untrusted input.
pub const MAX_SOURCE_BYTES: usize = 2 * 1024 * 1024;
/// BuildKit reads lines with Go's `bufio.Scanner`, whose token limit is 64 KiB
/// including the newline.
pub const MAX_LINE_BYTES: usize = 64 * 1024 - 1;

/// The parse of a whole Dockerfile.
#[derive(Debug, Clone, Serialize)]
pub struct Ast {
    pub directives: Vec<Directive>,
    /// `\` unless `# escape=`` ` was given.
    pub escape_token: char,
    pub children: Vec<Node>,
    /// Errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Ast {
    /// BuildKit's `Node.Dump()` of the root: one parenthesised line per instruction.
    pub fn dump(&self) -> String {
        let mut s = String::new();
        for c in &self.children {
            s.push('(');
            s.push_str(&c.dump());
            s.push_str(")\n");
        }
        s.trim_matches(char::is_whitespace).to_owned()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    /// The error BuildKit would have stopped at, if any.
    pub fn first_error(&self) -> Option<&Diagnostic> {
        self.errors().next()
    }

    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }
}

/// One physical line: `[start, content_end)` is its text without the line ending
/// (all trailing `\r` and `\n`, as BuildKit trims them), `end` is past the `\n`.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    content_end: usize,
    end: usize,
}

fn split_lines(src: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    let bytes = src.as_bytes();
    while start < bytes.len() {
        let end = match memchr(b'\n', &bytes[start..]) {
            Some(i) => start + i + 1,
            None => bytes.len(),
        };
        let mut content_end = end;
        while content_end > start && matches!(bytes[content_end - 1], b'\n' | b'\r') {
            content_end -= 1;
        }
        lines.push(Line {
            start,
            content_end,
            end,
        });
        start = end;
    }
    lines
}

/// Go's `bufio.Scanner` gives up on a line that does not fit its 64 KiB
/// buffer: 65,535 bytes plus the newline, or 65,535 bytes for a last line
/// without one.
fn too_long(src: &str, line: Line) -> bool {
    let len = line.end - line.start;
    let has_newline = src.as_bytes().get(line.end.wrapping_sub(1)) == Some(&b'\n');
    len > MAX_LINE_BYTES + usize::from(has_newline)
}

fn line_too_long_error(line: Line) -> Diagnostic {
    Diagnostic::error(
        format!("dockerfile line greater than max allowed size of {MAX_LINE_BYTES}"),
        Span::new(line.start, line.content_end),
    )
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// The escape token and the directive state while the top of the file is read.
struct Directives {
    escape: char,
    done: bool,
    seen: Vec<Directive>,
}

impl Directives {
    /// A line that looks like `# name=value` with a known name is a directive, as
    /// long as nothing else came before it. Returns an error message for a repeated
    /// directive or a bad escape token.
    fn check(&mut self, line: &str, at: usize) -> Result<(), (String, Span)> {
        if self.done {
            return Ok(());
        }
        let Some((name, value)) = match_directive(line) else {
            self.done = true;
            return Ok(());
        };
        let key = line[name.clone()].to_ascii_lowercase();
        if !matches!(key.as_str(), "escape" | "syntax" | "check") {
            self.done = true;
            return Ok(());
        }
        let span = Span::new(at, at + line.len());
        if self.seen.iter().any(|d| d.name == key) {
            return Err((format!("only one {key} parser directive can be used"), span));
        }
        let val = &line[value.clone()];
        let value_span = Span::new(at + value.start, at + value.end);
        if key == "escape" {
            match val {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                _ => {
                    return Err((
                        format!("invalid escape token '{val}' does not match ` or \\"),
                        value_span,
                    ));
                }
            }
        }
        self.seen.push(Directive {
            name: key,
            value: val.to_owned(),
            span,
            value_span,
        });
        Ok(())
    }
}

/// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` with Go's ASCII `\s` (no `\v`).
fn match_directive(line: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let b = line.as_bytes();
    let is_s = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    if b.first() != Some(&b'#') {
        return None;
    }
    let mut i = 1;
    while i < b.len() && is_s(b[i]) {
        i += 1;
    }
    let name_start = i;
    if i >= b.len() || !b[i].is_ascii_alphabetic() {
        return None;
    }
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    let name = name_start..i;
    while i < b.len() && is_s(b[i]) {
        i += 1;
    }
    if b.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    let after_eq = i;
    while i < b.len() && is_s(b[i]) {
        i += 1;
    }
    let mut end = b.len();
    while end > i && is_s(b[end - 1]) {
        end -= 1;
    }
    if end > i {
        return Some((name, i..end));
    }
    // Only whitespace after `=`: the lazy `.+?` takes the last whitespace byte.
    (b.len() > after_eq).then(|| (name, b.len() - 1..b.len()))
}

/// Go's `unicode.IsSpace` is Unicode White_Space, as is `char::is_whitespace`.
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// A byte that is a space on its own: BuildKit's byte walks test
/// `unicode.IsSpace(rune(b))`, restricted here to ASCII so that no walk can stop
/// inside a multi-byte character.
fn is_space_byte(b: u8) -> bool {
    b.is_ascii() && is_space(char::from(b))
}

/// BuildKit's `reWhitespace`: `[\t\v\f\r ]`.
fn is_re_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\x0b' | b'\x0c' | b'\r' | b' ')
}

fn trim_start_len(s: &str) -> usize {
    s.len() - s.trim_start_matches(is_space).len()
}

fn is_comment(line: &str) -> bool {
    line.trim_start_matches(is_space).starts_with('#')
}

/// BuildKit's line-continuation rule: the escape token as the last character other
/// than spaces and tabs, unless itself escaped (`foo\\`), or alone on the line.
/// Returns the length to keep when the line continues.
fn continuation(line: &str, escape: char) -> Option<usize> {
    let t = line.trim_end_matches([' ', '\t']);
    let last = t.chars().next_back()?;
    if last != escape {
        return None;
    }
    let at = t.len() - last.len_utf8();
    match t[..at].chars().next_back() {
        None => Some(0),
        Some(prev) if prev != escape => Some(at),
        Some(_) => None,
    }
}

/// A logical line under construction: continuation lines joined.
struct Logical {
    text: String,
    map: SourceMap,
}

impl Logical {
    fn push(&mut self, s: &str, src_at: usize) {
        if !s.is_empty() {
            self.map.push(self.text.len(), src_at);
            self.text.push_str(s);
        }
    }
}

/// Parses a Dockerfile. Never fails: problems are diagnostics in the result.
pub fn parse(src: &str) -> Ast {
    let mut ast = Ast {
        directives: Vec::new(),
        escape_token: '\\',
        children: Vec::new(),
        diagnostics: Vec::new(),
    };
    if src.len() > MAX_SOURCE_BYTES {
        ast.diagnostics.push(Diagnostic::error(
            format!(
                "Dockerfile is {} bytes, more than the {} bytes layerlab accepts",
                src.len(),
                MAX_SOURCE_BYTES
            ),
            Span::new(0, 0),
        ));
        return ast;
    }
    let lines = split_lines(src);
    let mut dirs = Directives {
        escape: '\\',
        done: false,
        seen: Vec::new(),
    };
    let mut comments: Vec<Word> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if too_long(src, line) {
            ast.diagnostics.push(line_too_long_error(line));
            break;
        }
        let mut text_start = line.start;
        if i == 0 && src.starts_with('\u{feff}') {
            text_start += 3;
        }
        let raw = &src[text_start..line.content_end];
        if is_comment(raw) {
            let ws = trim_start_len(raw);
            let body = &raw[ws + 1..];
            let lead = trim_start_len(body);
            let text = body.trim_matches(is_space);
            if text.is_empty() {
                comments.clear();
            } else {
                let at = text_start + ws + 1 + lead;
                comments.push(Word::synthetic(text, Span::new(at, at + text.len())));
            }
        }
        let ws = trim_start_len(raw);
        let token_start = text_start + ws;
        let token = &raw[ws..];
        let seen_before = dirs.seen.len();
        if let Err((msg, span)) = dirs.check(token, token_start) {
            ast.diagnostics.push(Diagnostic::error(msg, span));
        }
        if dirs.seen.len() > seen_before {
            // A directive is not a comment on the first instruction.
            comments.pop();
        }
        let token = if token.starts_with('#') { "" } else { token };
        i += 1;
        let start_line = i;

        let mut logical = Logical {
            text: String::new(),
            map: SourceMap::default(),
        };
        // Anchors an instruction whose text is empty (a lone escape at the end) to its line.
        logical.map.push(0, token_start);
        let mut cont = continuation(token, dirs.escape);
        logical.push(&token[..cont.unwrap_or(token.len())], token_start);
        if cont.is_none() && logical.text.is_empty() {
            continue;
        }
        let mut last_end = line.content_end;
        let mut empty_lines = Vec::new();
        while cont.is_some() && i < lines.len() {
            let l = lines[i];
            if too_long(src, l) {
                // BuildKit's scanner stops here: so does the parse.
                ast.diagnostics.push(line_too_long_error(l));
                i = lines.len();
                break;
            }
            let raw = &src[l.start..l.content_end];
            if let Err((msg, span)) = dirs.check(raw, l.start) {
                ast.diagnostics.push(Diagnostic::error(msg, span));
            }
            i += 1;
            if is_comment(raw) {
                continue;
            }
            if raw.trim_start_matches(is_space).is_empty() {
                empty_lines.push(Span::new(l.start, l.content_end));
                continue;
            }
            last_end = l.content_end;
            cont = continuation(raw, dirs.escape);
            logical.push(&raw[..cont.unwrap_or(raw.len())], l.start);
        }
        if let Some(first) = empty_lines.first() {
            ast.diagnostics.push(Diagnostic::warning(
                format!("Empty continuation line found in: {}", logical.text),
                *first,
            ));
        }

        let end_of_text = logical.text.len();
        let mut node = match node_from_line(&logical, 0, end_of_text, dirs.escape) {
            Ok(n) => n,
            Err((msg, span)) => {
                ast.diagnostics.push(Diagnostic::error(msg, span));
                comments.clear();
                continue;
            }
        };
        node.comments = std::mem::take(&mut comments);
        node.empty_continuation_lines = empty_lines;
        node.start_line = start_line;

        // A heredoc word contains `<<`; BuildKit skips the lexer on other lines too.
        if can_contain_heredoc(&node) && logical.text.contains("<<") {
            match heredocs_from_line(&logical) {
                Ok(docs) => {
                    for mut doc in docs {
                        let body_start = lines.get(i).map_or(src.len(), |l| l.start);
                        let mut terminated = false;
                        while i < lines.len() {
                            let l = lines[i];
                            if too_long(src, l) {
                                ast.diagnostics.push(line_too_long_error(l));
                                i = lines.len();
                                break;
                            }
                            i += 1;
                            let mut candidate = &src[l.start..l.content_end];
                            if doc.chomp {
                                candidate = candidate.trim_start_matches('\t');
                            }
                            last_end = l.content_end;
                            if candidate == doc.name {
                                terminated = true;
                                break;
                            }
                            doc.content.push_str(&src[l.start..l.end]);
                        }
                        doc.body_span = Span::new(body_start, last_end.max(body_start));
                        if !terminated {
                            ast.diagnostics
                                .push(Diagnostic::error("unterminated heredoc", doc.span));
                        }
                        node.heredocs.push(doc);
                    }
                }
                Err((msg, span)) => ast.diagnostics.push(Diagnostic::error(msg, span)),
            }
        }
        node.end_line = i;
        node.span = Span::new(node.span.start, last_end.max(node.span.end));
        node.original = logical.text;
        node.original_map = logical.map;
        ast.children.push(node);
    }
    if ast.children.is_empty() && ast.first_error().is_none() {
        ast.diagnostics.push(Diagnostic::error(
            "file with no instructions",
            Span::empty(src.len()),
        ));
    }
    ast.directives = dirs.seen;
    ast.escape_token = dirs.escape;
    ast
}

type ParseErr = (String, Span);

/// BuildKit's `newNodeFromLine` on `lg.text[lo..hi]`.
fn node_from_line(lg: &Logical, lo: usize, hi: usize, escape: char) -> Result<Node, ParseErr> {
    let text = &lg.text[lo..hi];
    let t_lo = lo + trim_start_len(text);
    let t_hi = lo + text.trim_end_matches(is_space).len().max(t_lo - lo);
    let t = &lg.text[t_lo..t_hi];
    let word = |v: &str, a: usize, b: usize| Word {
        value: v.to_owned(),
        span: lg.map.span(a, b),
        logical: (a, b),
    };

    // The command is everything up to the first run of [\t\v\f\r ].
    let cmd_end = t.bytes().position(is_re_ws).unwrap_or(t.len());
    let keyword = word(&t[..cmd_end], t_lo, t_lo + cmd_end);
    let mut flags = Vec::new();
    let (mut a_lo, mut a_hi) = (t_hi, t_hi);
    if cmd_end < t.len() {
        let mut j = cmd_end;
        while j < t.len() && is_re_ws(t.as_bytes()[j]) {
            j += 1;
        }
        let (rest_at, fl) = extract_builder_flags(&t[j..], escape);
        flags = fl
            .into_iter()
            .map(|(v, a, b)| Word {
                value: v,
                span: lg.map.span(t_lo + j + a, t_lo + j + b),
                logical: (t_lo + j + a, t_lo + j + b),
            })
            .collect();
        if let Some(r) = rest_at {
            let rest = &t[j + r..];
            a_lo = t_lo + j + r + trim_start_len(rest);
            a_hi = t_lo + j + r + rest.trim_end_matches(is_space).len();
            a_hi = a_hi.max(a_lo);
        }
    }
    let rest = &lg.text[a_lo..a_hi];
    let mut node = Node {
        keyword,
        flags,
        args: Vec::new(),
        sub: None,
        json: false,
        heredocs: Vec::new(),
        rest: word(rest, a_lo, a_hi),
        original: String::new(),
        original_map: SourceMap::default(),
        span: lg.map.span(t_lo, t_hi),
        start_line: 0,
        end_line: 0,
        comments: Vec::new(),
        empty_continuation_lines: Vec::new(),
    };
    let args_span = lg.map.span(a_lo, a_hi);
    let cx = ArgCx { lg, lo: a_lo, rest };
    match go_lower(&node.keyword.value).as_str() {
        "add" | "copy" | "volume" => (node.args, node.json) = cx.maybe_json_to_list()?,
        "arg" => {
            node.args = cx
                .words(escape)
                .into_iter()
                .map(|(v, a, b)| word(&v, a, b))
                .collect()
        }
        "cmd" | "entrypoint" | "run" | "shell" => (node.args, node.json) = cx.maybe_json()?,
        "env" | "label" => {
            node.args = cx.name_val(&node.keyword.value.to_uppercase(), escape, args_span)?
        }
        "expose" | "from" => node.args = cx.whitespace_delimited(),
        "healthcheck" => (node.args, node.json) = cx.health()?,
        "maintainer" | "stopsignal" | "user" | "workdir" => {
            if !rest.is_empty() {
                node.args = vec![word(rest, a_lo, a_hi)];
            }
        }
        "onbuild" => {
            if !rest.is_empty() {
                let mut sub = node_from_line(lg, a_lo, a_hi, escape)?;
                sub.start_line = 0;
                node.sub = Some(Box::new(sub));
            }
        }
        // BuildKit keeps unknown instructions with one empty argument; the typed
        // layer reports them.
        _ => node.args = vec![Word::synthetic("", Span::empty(args_span.start))],
    }
    Ok(node)
}

/// BuildKit's `extractBuilderFlags`: leading `--name[=value]` words, with quotes
/// removed and the escape token applied (inside single quotes too). It walks
/// bytes like the Go code, so a non-ASCII byte inside a flag becomes the
/// Latin-1 character of that byte value, as in BuildKit. One deliberate
/// difference: Go's `unicode.IsSpace(rune(byte))` also counts the bytes 0x85
/// and 0xA0, which in UTF-8 only occur inside multi-byte characters; BuildKit
/// would split such a character and produce invalid UTF-8, layerlab does not
/// split inside a character (see `is_space_byte`).
/// Returns where the remaining arguments start (None when nothing remains) and
/// the flags with their byte ranges.
fn extract_builder_flags(line: &str, escape: char) -> (Option<usize>, Vec<(String, usize, usize)>) {
    // The escape token is always ASCII (`\\` or `` ` ``).
    let esc = escape as u8;
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let b = line.as_bytes();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_start = 0;
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = 0;
    let sp = is_space_byte;
    while pos <= b.len() {
        let ch = if pos < b.len() { b[pos] } else { 0 };
        if phase == Phase::Spaces {
            if pos == b.len() {
                break;
            }
            if sp(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || pos + 1 == b.len() || b[pos + 1] != b'-' {
                return (Some(pos), words);
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if pos == b.len() {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push((word, word_start, pos));
            }
            break;
        }
        if phase == Phase::Word {
            if sp(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (Some(pos), words);
                }
                if blank_ok || !word.is_empty() {
                    words.push((std::mem::take(&mut word), word_start, pos));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            let mut c = ch;
            if c == esc {
                if pos + 1 == b.len() {
                    pos += 1;
                    continue;
                }
                pos += 1;
                c = b[pos];
            }
            word.push(char::from(c));
            pos += 1;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        let mut c = ch;
        if c == esc {
            if pos + 1 == b.len() {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            c = b[pos];
        }
        word.push(char::from(c));
        pos += 1;
    }
    (None, words)
}

/// The arguments of one instruction: `lg.text[lo..lo + rest.len()]`.
struct ArgCx<'a> {
    lg: &'a Logical,
    lo: usize,
    rest: &'a str,
}

type Args = Vec<Word>;

impl ArgCx<'_> {
    fn word(&self, v: &str, a: usize, b: usize) -> Word {
        Word {
            value: v.to_owned(),
            span: self.lg.map.span(self.lo + a, self.lo + b),
            logical: (self.lo + a, self.lo + b),
        }
    }

    fn whole(&self) -> Args {
        vec![self.word(self.rest, 0, self.rest.len())]
    }

    fn error(&self, msg: String) -> ParseErr {
        (msg, self.lg.map.span(self.lo, self.lo + self.rest.len()))
    }

    /// BuildKit's `parseWords`: whitespace-separated words that keep their quotes
    /// and escapes. Returns (word, start, end) in logical-line offsets.
    fn words(&self, escape: char) -> Vec<(String, usize, usize)> {
        parse_words(self.rest, escape)
            .into_iter()
            .map(|(w, a, b)| (w, self.lo + a, self.lo + b))
            .collect()
    }

    fn json(&self) -> Result<Option<Args>, ParseErr> {
        let src_base = 0;
        match json::parse_string_array(self.rest, src_base) {
            Ok(items) => Ok(Some(
                items
                    .into_iter()
                    .map(|(v, s)| self.word(&v, s.start, s.end))
                    .collect(),
            )),
            Err(JsonArgsError::NotJson) => Ok(None),
            Err(JsonArgsError::NotStrings) => Err(self.error(
                "when using JSON array syntax, arrays must be comprised of strings only".into(),
            )),
        }
    }

    fn maybe_json(&self) -> Result<(Args, bool), ParseErr> {
        if self.rest.is_empty() {
            return Ok((Vec::new(), false));
        }
        Ok(match self.json()? {
            Some(a) => (a, true),
            None => (self.whole(), false),
        })
    }

    fn maybe_json_to_list(&self) -> Result<(Args, bool), ParseErr> {
        Ok(match self.json()? {
            Some(a) => (a, true),
            None => (self.whitespace_delimited(), false),
        })
    }

    fn whitespace_delimited(&self) -> Args {
        let mut out = Vec::new();
        if self.rest.is_empty() {
            return out;
        }
        let b = self.rest.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i <= b.len() {
            if i == b.len() || is_re_ws(b[i]) {
                out.push(self.word(&self.rest[start..i], start, i));
                while i < b.len() && is_re_ws(b[i]) {
                    i += 1;
                }
                start = i;
                if i == b.len() {
                    break;
                }
            } else {
                i += 1;
            }
        }
        out
    }

    /// ENV and LABEL: `KEY value` (legacy, one pair) or `k=v k2=v2`.
    fn name_val(&self, key: &str, escape: char, _span: Span) -> Result<Args, ParseErr> {
        let words = parse_words(self.rest, escape);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        if !words[0].0.contains('=') {
            let b = self.rest.as_bytes();
            let Some(k_end) = b.iter().position(|&c| is_re_ws(c)) else {
                return Err(self.error(format!("{key} must have two arguments")));
            };
            let mut v_start = k_end;
            while v_start < b.len() && is_re_ws(b[v_start]) {
                v_start += 1;
            }
            return Ok(vec![
                self.word(&self.rest[..k_end], 0, k_end),
                self.word(&self.rest[v_start..], v_start, b.len()),
                self.word("", k_end, k_end),
            ]);
        }
        let mut out = Vec::new();
        for (w, a, b) in words {
            let Some(eq) = w.find('=') else {
                return Err((
                    format!(
                        "Syntax error - can't find = in {}. Must be of the form: name=value",
                        super::ast::go_quote(&w)
                    ),
                    self.lg.map.span(self.lo + a, self.lo + b),
                ));
            };
            // parseWords keeps every character, so the key and '=' sit at fixed offsets.
            out.push(self.word(&w[..eq], a, a + eq));
            out.push(self.word(&w[eq + 1..], a + eq + 1, b));
            out.push(self.word("=", a + eq, a + eq + 1));
        }
        Ok(out)
    }

    /// HEALTHCHECK: a type word (`CMD`, `NONE`, …) then a maybe-JSON command.
    /// BuildKit finds the end of the type byte by byte.
    fn health(&self) -> Result<(Args, bool), ParseErr> {
        let b = self.rest.as_bytes();
        let sp = is_space_byte;
        let sep = b.iter().position(|&c| sp(c)).unwrap_or(b.len());
        if sep == 0 {
            return Ok((Vec::new(), false));
        }
        let mut next = sep;
        while next < b.len() && sp(b[next]) {
            next += 1;
        }
        let typ = self.word(&self.rest[..sep], 0, sep);
        let sub = ArgCx {
            lg: self.lg,
            lo: self.lo + next,
            rest: &self.rest[next..],
        };
        let (cmd, json) = sub.maybe_json()?;
        let mut args = vec![typ];
        args.extend(cmd);
        Ok((args, json))
    }
}

/// BuildKit's `parseWords`. Words keep quotes and escape tokens (they are
/// processed later); an escape token at the very end is dropped.
pub(crate) fn parse_words(rest: &str, escape: char) -> Vec<(String, usize, usize)> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut word = String::new();
    let mut start = 0;
    let mut pos = 0;
    let len = rest.len();
    let at = |p: usize| {
        rest[p..]
            .chars()
            .next()
            .map_or(('\0', 0), |c| (c, c.len_utf8()))
    };
    while pos <= len {
        let (mut ch, mut w) = if pos < len { at(pos) } else { ('\0', 0) };
        if phase == Phase::Spaces {
            if pos == len {
                break;
            }
            if is_space(ch) {
                pos += w;
                continue;
            }
            phase = Phase::Word;
            start = pos;
        }
        if pos == len {
            if blank_ok || !word.is_empty() {
                words.push((std::mem::take(&mut word), start, pos));
            }
            break;
        }
        if phase == Phase::Word {
            if is_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push((std::mem::take(&mut word), start, pos));
                }
                word.clear();
                blank_ok = false;
                pos += w;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if pos + w == len {
                    pos += w;
                    continue;
                }
                word.push(ch);
                pos += w;
                (ch, w) = at(pos);
            }
            word.push(ch);
            pos += w;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if pos + w == len {
                phase = Phase::Word;
                pos += w;
                continue;
            }
            pos += w;
            word.push(ch);
            (ch, w) = at(pos);
        }
        word.push(ch);
        pos += w;
    }
    words
}

fn can_contain_heredoc(node: &Node) -> bool {
    let n = match (&node.sub, node.name().as_str()) {
        (Some(sub), "onbuild") => sub.as_ref(),
        _ => node,
    };
    matches!(n.name().as_str(), "run" | "copy" | "add") && !n.json
}

/// Finds `<<EOF`-style words in an instruction line, as BuildKit's
/// `heredocsFromLine` does (always with `\` as the escape character).
fn heredocs_from_line(lg: &Logical) -> Result<Vec<Heredoc>, ParseErr> {
    let mut lex = Lex::new('\\');
    lex.raw_quotes = true;
    lex.raw_escapes = true;
    lex.skip_unset_env = true;
    let no_env: &[String] = &[];
    let words = lex.process_words(&lg.text, no_env).unwrap_or_default();
    let mut docs = Vec::new();
    let mut cursor = 0;
    for w in words {
        let found = lg.text[cursor..].find(&w).map(|i| cursor + i);
        let span = match found {
            Some(i) => {
                cursor = i + w.len();
                lg.map.span(i, i + w.len())
            }
            None => lg.map.span(0, lg.text.len()),
        };
        if let Some(doc) = heredoc_from_word(&w, span)? {
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// `^(\d*)<<(-?)\s*([^<]*)$` and BuildKit's rule for quoting: the body is expanded
/// unless some part of the delimiter was quoted.
pub(crate) fn heredoc_from_word(word: &str, span: Span) -> Result<Option<Heredoc>, ParseErr> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let Some(after) = word[digits..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, rest) = match after.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, after),
    };
    let rest = rest.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    if rest.is_empty() || rest.contains('<') {
        return Ok(None);
    }
    let fd = if digits == 0 {
        0
    } else {
        word[..digits].parse::<u32>().unwrap_or(0)
    };
    let mut lex = Lex::new('\\');
    lex.skip_unset_env = true;
    let no_env: &[String] = &[];
    let words = lex
        .process_words(rest, no_env)
        .map_err(|e| (e.to_string(), span))?;
    if words.len() != 1 {
        return Ok(None);
    }
    lex.raw_quotes = true;
    let raw = lex
        .process_words(rest, no_env)
        .map_err(|e| (e.to_string(), span))?;
    if raw.len() != words.len() {
        return Err((
            format!("internal lexing of heredoc produced inconsistent results: {rest}"),
            span,
        ));
    }
    let quotes = |s: &str| s.matches(['\'', '"']).count();
    Ok(Some(Heredoc {
        name: words[0].clone(),
        fd,
        expand: quotes(&words[0]) == quotes(&raw[0]),
        chomp,
        content: String::new(),
        span,
        body_span: Span::default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_rule() {
        assert_eq!(continuation("foo \\", '\\'), Some(4));
        assert_eq!(continuation("foo \\ \t", '\\'), Some(4));
        assert_eq!(continuation("foo\\\\", '\\'), None);
        assert_eq!(continuation("\\", '\\'), Some(0));
        assert_eq!(continuation("foo `", '`'), Some(4));
        assert_eq!(continuation("foo \\", '`'), None);
    }

    #[test]
    fn directives() {
        let (n, v) = match_directive("# escape = ` ").unwrap();
        assert_eq!((n, v), (2..8, 11..12));
        assert!(match_directive("#escape").is_none());
        assert!(match_directive("# 1x=y").is_none());
    }

    #[test]
    fn flags_stop_at_first_non_flag_and_at_double_dash() {
        let (rest, f) = extract_builder_flags("--a=1 --b=\"x y\" src dst", '\\');
        assert_eq!(rest, Some(16));
        assert_eq!(f, vec![("--a=1".into(), 0, 5), ("--b=x y".into(), 6, 15)]);
        let (rest, f) = extract_builder_flags("--a -- --b", '\\');
        assert_eq!(rest, Some(6));
        assert_eq!(f.len(), 1);
        assert_eq!(extract_builder_flags("--x", '\\').0, None);
    }

    #[test]
    fn spans_point_into_the_source() {
        let src = "FROM alpine\nRUN echo a \\\n  && echo b\nCOPY --from=x a b\n";
        let ast = parse(src);
        assert!(ast.first_error().is_none(), "{:?}", ast.diagnostics);
        let copy = &ast.children[2];
        assert_eq!(
            &src[copy.flags[0].span.start..copy.flags[0].span.end],
            "--from=x"
        );
        assert_eq!(&src[copy.args[1].span.start..copy.args[1].span.end], "b");
        let run = &ast.children[1];
        assert_eq!(run.rest.value, "echo a   && echo b");
        assert_eq!(
            &src[run.span.start..run.span.end],
            "RUN echo a \\\n  && echo b"
        );
        assert_eq!((run.start_line, run.end_line), (2, 3));
    }

    #[test]
    fn errors_do_not_stop_parsing() {
        let ast = parse("FROM a\nENV X\nCMD [1]\nRUN ok\n");
        let errs: Vec<_> = ast.errors().map(|d| d.message.as_str()).collect();
        assert_eq!(
            errs,
            vec![
                "ENV must have two arguments",
                "when using JSON array syntax, arrays must be comprised of strings only"
            ]
        );
        assert_eq!(ast.children.len(), 2);
    }

    #[test]
    fn heredocs() {
        let src =
            "FROM a\nRUN <<EOF cat >/x && 2<<-'END' sh\nhello $X\nEOF\n\tbody\n\tEND\nRUN b\n";
        let ast = parse(src);
        assert!(ast.first_error().is_none(), "{:?}", ast.diagnostics);
        let run = &ast.children[1];
        assert_eq!(run.heredocs.len(), 2);
        assert_eq!(run.heredocs[0].name, "EOF");
        assert!(run.heredocs[0].expand);
        assert_eq!(run.heredocs[0].content, "hello $X\n");
        assert_eq!(
            &src[run.heredocs[0].span.start..run.heredocs[0].span.end],
            "<<EOF"
        );
        assert_eq!(run.heredocs[1].name, "END");
        assert_eq!(run.heredocs[1].fd, 2);
        assert!(run.heredocs[1].chomp && !run.heredocs[1].expand);
        assert_eq!((run.start_line, run.end_line), (2, 6));
        assert_eq!(ast.children[2].start_line, 7);
        let bad = parse("FROM a\nRUN <<EOF\nno end\n");
        assert_eq!(bad.first_error().unwrap().message, "unterminated heredoc");
    }
}

#[cfg(test)]
mod line_ending_tests {
    use super::*;

    #[test]
    fn crlf_bom_and_onbuild_heredocs() {
        let src = "\u{feff}# escape=`\r\nFROM a\r\nRUN echo `\r\n  hi\r\nONBUILD RUN <<EOF\r\nx\r\nEOF\r\n";
        let ast = parse(src);
        assert!(ast.first_error().is_none(), "{:?}", ast.diagnostics);
        assert_eq!(ast.escape_token, '`');
        assert_eq!(ast.directive("escape").unwrap().value, "`");
        assert_eq!(
            ast.dump(),
            "(from \"a\")\n(run \"echo   hi\")\n(onbuild (run \"<<EOF\"))"
        );
        let onbuild = &ast.children[2];
        assert_eq!(onbuild.heredocs[0].content, "x\r\n");
        assert_eq!(onbuild.end_line, 7);
    }

    #[test]
    fn directive_errors() {
        let ast = parse("# escape=x\nFROM a\n");
        assert_eq!(
            ast.first_error().unwrap().message,
            "invalid escape token 'x' does not match ` or \\"
        );
        let ast = parse("# syntax=a\n# syntax=b\nFROM a\n");
        assert_eq!(
            ast.first_error().unwrap().message,
            "only one syntax parser directive can be used"
        );
        // Not at the top: an ordinary comment.
        let ast = parse("FROM a\n# escape=`\n");
        assert!(ast.directives.is_empty());
    }

    #[test]
    fn byte_walks_never_split_a_character() {
        // Found by the fuzzer: U+0285 is C9 85 in UTF-8, and 0x85 alone is a Go space.
        let src =
            "FROM a\nHEALTHCHECK --interva\u{285} --timeout=3s CMD x\nHEALTHCHECK CMD\u{a0}x y\n";
        let ast = parse(src);
        for n in &ast.children {
            for w in n.flags.iter().chain(&n.args) {
                assert!(
                    src.is_char_boundary(w.span.start) && src.is_char_boundary(w.span.end),
                    "{w:?}"
                );
            }
        }
        assert_eq!(ast.children[1].flags.len(), 2);
        assert_eq!(ast.children[2].args[0].value, "CMD\u{a0}x");
    }

    #[test]
    fn part_spans_follow_continuations() {
        // Found by the fuzzer: an ARG key that crosses a continuation line.
        let src = "FROM a\nARG ab\\\ncd=value\n";
        let df = crate::dockerfile::instructions::parse_dockerfile(&parse(src));
        let crate::dockerfile::instructions::Instr::Arg { args } =
            &df.stages[0].instructions[0].instr
        else {
            panic!()
        };
        assert_eq!(args[0].name, "abcd");
        let d = args[0].default.as_ref().unwrap();
        assert_eq!(&src[d.span.start..d.span.end], "value");
    }

    #[test]
    fn long_lines_are_refused_like_bufio() {
        let src = format!("FROM a\nRUN {}\n", "x".repeat(MAX_LINE_BYTES));
        let ast = parse(&src);
        assert_eq!(
            ast.first_error().unwrap().message,
            "dockerfile line greater than max allowed size of 65535"
        );
    }
}
