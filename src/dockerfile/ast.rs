//! The syntax tree BuildKit's parser produces (`parser.Node`), with spans.
//!
//! BuildKit chains an instruction's arguments as a linked list of `Next` nodes;
//! here they are a vector in the same order, so `Node::dump` can print exactly
//! what `Node.Dump()` prints while every argument keeps its byte span.

use super::span::Span;
use serde::Serialize;

/// One argument, flag or other piece of text, as the parser produced it, and
/// where in the source it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    pub value: String,
    pub span: Span,
    /// Where the word sits in its node's logical line (`Node::original`), for
    /// spans of parts of it: map them with `Node::original_map`, never by adding
    /// to `span`, which may cross joined continuation lines. (0, 0) for words
    /// that are not from the line.
    #[serde(skip)]
    pub logical: (usize, usize),
}

impl Word {
    /// A word that does not come from an instruction line.
    pub fn synthetic(value: impl Into<String>, span: Span) -> Word {
        Word {
            value: value.into(),
            span,
            logical: (0, 0),
        }
    }
}

/// A here-document attached to RUN, COPY or ADD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    /// The delimiter word with its quotes removed (`EOF` for `<<"EOF"`).
    pub name: String,
    /// The file descriptor prefix (`2<<EOF`); 0 when none was written.
    pub fd: u32,
    /// False when any part of the delimiter was quoted: the body is then not expanded.
    pub expand: bool,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub chomp: bool,
    /// The body exactly as written, line endings included, without the terminator.
    pub content: String,
    /// The `<<EOF` marker in the instruction line.
    pub span: Span,
    /// The body lines, from the line after the instruction to the end of the terminator line.
    pub body_span: Span,
}

/// A parser directive at the top of the file: `# syntax=…`, `# escape=…`, `# check=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Directive {
    pub name: String,
    pub value: String,
    pub span: Span,
    pub value_span: Span,
}

/// One instruction as BuildKit's parser sees it, before its arguments are typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// The instruction keyword as written (`run`, `RUN`, or anything for unknown ones).
    pub keyword: Word,
    /// Flags before the arguments (`--from=build`), quotes and escapes processed.
    pub flags: Vec<Word>,
    /// The arguments in BuildKit's order: for ENV and LABEL, triples of key, value and
    /// separator (`=` or empty for the legacy `KEY value` form); for HEALTHCHECK the
    /// type then the command.
    pub args: Vec<Word>,
    /// The instruction ONBUILD wraps.
    pub sub: Option<Box<Node>>,
    /// The arguments were written in JSON (exec) form.
    pub json: bool,
    pub heredocs: Vec<Heredoc>,
    /// The text after the flags, trimmed: what shell-form RUN/CMD/ENTRYPOINT run.
    pub rest: Word,
    /// The logical line, continuations joined and comment lines removed (BuildKit's `Original`).
    pub original: String,
    /// Maps byte offsets in `original` back to the source.
    #[serde(skip)]
    pub original_map: SourceMap,
    /// From the keyword to the end of the last line the instruction uses (heredoc bodies included).
    pub span: Span,
    /// 1-based first and last source lines, as BuildKit counts them.
    pub start_line: usize,
    pub end_line: usize,
    /// Comment lines immediately before the instruction, without the `#`.
    pub comments: Vec<Word>,
    /// Whitespace-only lines inside a line continuation (deprecated by BuildKit).
    pub empty_continuation_lines: Vec<Span>,
}

impl Node {
    /// The source span of logical-line bytes `[lo, hi)` of this node.
    pub fn span_of(&self, lo: usize, hi: usize) -> Span {
        self.original_map.span(lo, hi)
    }

    /// BuildKit's `Node.Dump()` for one instruction.
    pub fn dump(&self) -> String {
        let mut s = go_lower(&self.keyword.value);
        if !self.flags.is_empty() {
            let flags: Vec<String> = self.flags.iter().map(|f| go_quote(&f.value)).collect();
            s.push_str(" [");
            s.push_str(&flags.join(" "));
            s.push(']');
        }
        if let Some(sub) = &self.sub {
            s.push_str(" (");
            s.push_str(&sub.dump());
            s.push(')');
        }
        for a in &self.args {
            s.push(' ');
            s.push_str(&go_quote(&a.value));
        }
        s.trim_matches(char::is_whitespace).to_owned()
    }

    /// The keyword lowercased as Go lowercases it (how BuildKit dispatches).
    pub fn name(&self) -> String {
        go_lower(&self.keyword.value)
    }
}

/// Pieces of a logical line and where each starts in the source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    /// (offset in the logical line, offset in the source), ascending.
    segments: Vec<(usize, usize)>,
}

impl SourceMap {
    pub fn push(&mut self, logical: usize, source: usize) {
        self.segments.push((logical, source));
    }

    fn map(&self, off: usize) -> usize {
        let i = self
            .segments
            .partition_point(|&(l, _)| l <= off)
            .saturating_sub(1);
        match self.segments.get(i) {
            Some(&(l, s)) => s + off.saturating_sub(l),
            None => off,
        }
    }

    /// The source span of logical bytes `[lo, hi)`. A range that crosses a joined
    /// continuation covers the source text in between.
    pub fn span(&self, lo: usize, hi: usize) -> Span {
        let start = self.map(lo);
        let end = if hi > lo { self.map(hi - 1) + 1 } else { start };
        Span::new(start, end.max(start))
    }
}

/// Go's `strings.ToLower`: each character on its own, by its simple lowercase
/// mapping (`İ` becomes `i`, a final `Σ` becomes `σ`), unlike `str::to_lowercase`.
pub fn go_lower(s: &str) -> String {
    s.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// Go's `strings.EqualFold` on simple case folding, as far as BuildKit needs it
/// (`ſ` folds to `s`, the Kelvin sign to `k`).
pub fn go_equal_fold(a: &str, b: &str) -> bool {
    let fold = |c: char| {
        let u = c.to_uppercase().next().unwrap_or(c);
        u.to_lowercase().next().unwrap_or(u)
    };
    a.chars().count() == b.chars().count()
        && a.chars().zip(b.chars()).all(|(x, y)| fold(x) == fold(y))
}

/// Go's `strconv.Quote`: the format BuildKit's dump uses for every value.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if is_go_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the
/// ASCII space. Controls, other spaces, format characters and private-use
/// characters are escaped. (Unassigned code points are treated as printable:
/// the standard library carries no category tables.)
fn is_go_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let format = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    let private = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    let nonchar = matches!(u, 0xFDD0..=0xFDEF) || (u & 0xFFFE) == 0xFFFE;
    !(format || private || nonchar)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_case_rules() {
        assert_eq!(go_lower("ENTRYPO\u{130}NT"), "entrypoint");
        assert_eq!(go_lower("HEALTHCHEC\u{212A}"), "healthcheck");
        assert!(go_equal_fold("a\u{17F}", "as"));
        assert!(go_equal_fold("AS", "as") && !go_equal_fold("a", "as"));
    }

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\t\n\u{1}\u{7f}"), r#""\t\n\x01\x7f""#);
        assert_eq!(go_quote("안녕 é"), "\"안녕 é\"");
        assert_eq!(
            go_quote("\u{a0}\u{200b}\u{feff}"),
            r#""\u00a0\u200b\ufeff""#
        );
        assert_eq!(go_quote("\u{10ffff}"), r#""\U0010ffff""#);
    }

    #[test]
    fn source_map_spans_cross_segments() {
        let mut m = SourceMap::default();
        m.push(0, 10); // "ab" at 10
        m.push(2, 20); // "cd" at 20
        assert_eq!(m.span(0, 2), Span::new(10, 12));
        assert_eq!(m.span(2, 4), Span::new(20, 22));
        assert_eq!(m.span(1, 3), Span::new(11, 21));
        assert_eq!(m.span(4, 4), Span::new(22, 22));
    }
}
