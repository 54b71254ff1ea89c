//! The grammar: lists, pipelines, commands, compound commands, redirections and
//! here-documents. Words are in `word.rs`.
//!
//! There is no token stream: shell tokens depend on where they are (`}` is a
//! keyword only in command position, `(` starts an extglob inside a word, a
//! here-document body starts after the next newline token), so the grammar
//! functions drive a byte cursor directly. Look-aheads scan without parsing
//! and nothing is parsed twice, and every construct that can nest goes
//! through [`Parser::enter`], so time is linear in the input and recursion is
//! bounded.
//!
//! The functions on the recursive path keep their frames small (results go
//! into out-parameters, big nodes are boxed, messages are formatted in cold
//! helpers): unoptimized builds give every temporary its own stack slot, and
//! the depth limit must hold in those too.

use super::ast::*;
use super::word::Ctx;
use crate::dockerfile::span::Span;
use serde::Serialize;

/// Compound commands, substitutions, quotes, arrays and `${…}` nested deeper
/// than this are an error, well before the native or wasm stack could run out.
pub const MAX_DEPTH: usize = 128;

/// A syntax error, worded like bash's, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

pub(super) type PResult<T> = Result<T, Box<ParseError>>;

/// Parses a whole script. Spans are byte offsets into `src`.
pub fn parse(src: &str) -> Result<Script, ParseError> {
    Parser::new(src, None, 0).script().map_err(|e| *e)
}

/// A here-document whose operator has been read but whose body starts after
/// the next newline token.
struct Pending {
    /// Absolute start of the redirection: the key its body is filed under.
    key: usize,
    delimiter: String,
    quoted: bool,
    strip_tabs: bool,
}

pub(super) struct Body {
    pub text: String,
    pub parts: Vec<Part>,
    pub error: Option<ParseError>,
    pub body_span: Span,
    pub terminator: Option<Span>,
}

pub(super) struct Parser<'a> {
    pub src: &'a str,
    pub b: &'a [u8],
    pub pos: usize,
    /// Parsing stops here: the end of the text, or of a here-document body.
    pub end: usize,
    /// Just past the last byte that belongs to a token; spans end here.
    pub last: usize,
    /// Maps offsets in `src` to offsets in the original text, for the
    /// unescaped body of a backtick substitution. None: they are the same.
    map: Option<Vec<usize>>,
    pub depth: usize,
    pending: Vec<Pending>,
    /// Bodies read so far, by key, in increasing key order.
    bodies: Vec<(usize, Body)>,
    /// The last answer of `peek_reserved`, asked several times per command,
    /// by (cursor, end).
    reserved_memo: std::cell::Cell<(usize, usize, Option<&'static str>)>,
    /// Scratch vectors for the parts of the words being read, one per level.
    pub buffers: Vec<Vec<Part>>,
}

const CLOSERS: &[&str] = &["then", "else", "elif", "fi", "do", "done", "esac", "}"];

/// Bytes that end a reserved word (and an unquoted word).
pub(super) fn is_meta(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
    )
}

pub(super) fn is_name_start(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphabetic()
}

pub(super) fn is_name_char(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphanumeric()
}

impl<'a> Parser<'a> {
    pub(super) fn new(src: &'a str, map: Option<Vec<usize>>, depth: usize) -> Self {
        Parser {
            src,
            b: src.as_bytes(),
            pos: 0,
            end: src.len(),
            last: 0,
            map,
            depth,
            pending: Vec::new(),
            bodies: Vec::new(),
            reserved_memo: std::cell::Cell::new((usize::MAX, 0, None)),
            buffers: Vec::new(),
        }
    }

    // ---- cursor ----

    /// The offset in the original text.
    #[inline]
    pub(super) fn abs(&self, i: usize) -> usize {
        match &self.map {
            None => i,
            Some(m) => m.get(i).or(m.last()).copied().unwrap_or(0),
        }
    }

    #[inline]
    pub(super) fn sp(&self, start: usize, end: usize) -> Span {
        Span::new(self.abs(start), self.abs(end.max(start)))
    }

    #[cold]
    #[inline(never)]
    pub(super) fn err(&self, message: String, start: usize, end: usize) -> Box<ParseError> {
        Box::new(ParseError {
            message,
            span: self.sp(start, end.min(self.b.len())),
        })
    }

    /// Skips line continuations (`\` newline) at `i`.
    #[inline]
    pub(super) fn cont_at(&self, mut i: usize) -> usize {
        while i + 1 < self.end && self.b[i] == b'\\' && self.b[i + 1] == b'\n' {
            i += 2;
        }
        i
    }

    #[inline]
    pub(super) fn skip_cont(&mut self) {
        self.pos = self.cont_at(self.pos);
    }

    #[inline]
    pub(super) fn byte(&self, i: usize) -> Option<u8> {
        (i < self.end).then(|| self.b[i])
    }

    /// The next byte, past line continuations.
    #[inline]
    pub(super) fn peek(&mut self) -> Option<u8> {
        self.skip_cont();
        self.byte(self.pos)
    }

    /// The next `N` bytes from `i`, past line continuations; 0 past the end.
    #[inline]
    pub(super) fn peek_at<const N: usize>(&self, mut i: usize) -> [u8; N] {
        let mut out = [0; N];
        if let Some(bytes) = self
            .b
            .get(i..i + N)
            .filter(|b| i + N <= self.end && !b.contains(&b'\\'))
        {
            out.copy_from_slice(bytes);
            return out;
        }
        for slot in &mut out {
            i = self.cont_at(i);
            match self.byte(i) {
                Some(c) => *slot = c,
                None => break,
            }
            i += 1;
        }
        out
    }

    #[inline]
    pub(super) fn peek_n<const N: usize>(&self) -> [u8; N] {
        self.peek_at(self.pos)
    }

    /// Consumes one ASCII byte.
    #[inline]
    pub(super) fn bump(&mut self) {
        self.skip_cont();
        if self.pos < self.end {
            self.pos += 1;
            self.last = self.pos;
        }
    }

    pub(super) fn bump_n(&mut self, n: usize) {
        for _ in 0..n {
            self.bump();
        }
    }

    #[inline]
    pub(super) fn advance_to(&mut self, i: usize) {
        self.pos = i;
        self.last = i;
    }

    /// Consumes the bytes that match `f` (ASCII only), past line continuations.
    pub(super) fn take_while(&mut self, f: impl Fn(u8) -> bool) -> String {
        let mut out = String::new();
        loop {
            let start = self.pos;
            let mut i = start;
            while i < self.end && f(self.b[i]) {
                i += 1;
            }
            if i > start {
                out.push_str(&self.src[start..i]);
                self.advance_to(i);
            }
            let next = self.cont_at(i);
            if next == i || !self.byte(next).is_some_and(&f) {
                return out;
            }
            self.pos = next;
        }
    }

    /// One more level of nesting, opened at `start`.
    pub(super) fn enter(&mut self, start: usize) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(
                format!("nesting too deep (more than {MAX_DEPTH} levels)"),
                start,
                start + 1,
            ));
        }
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Blanks, line continuations and a comment.
    pub(super) fn blanks(&mut self) {
        let (b, end) = (self.b, self.end);
        let mut i = self.pos;
        while i < end {
            match b[i] {
                b' ' | b'\t' => i += 1,
                b'\\' if i + 1 < end && b[i + 1] == b'\n' => i += 2,
                // A comment ends at the newline even after a backslash.
                b'#' => {
                    i += b[i..end]
                        .iter()
                        .position(|&c| c == b'\n')
                        .unwrap_or(end - i)
                }
                _ => break,
            }
        }
        self.pos = i;
    }

    /// Blanks, comments and newlines; here-document bodies after each newline.
    pub(super) fn linebreaks(&mut self) -> PResult<()> {
        loop {
            self.blanks();
            if self.peek() != Some(b'\n') {
                return Ok(());
            }
            self.newline()?;
        }
    }

    pub(super) fn newline(&mut self) -> PResult<()> {
        self.pos += 1;
        if self.pending.is_empty() {
            Ok(())
        } else {
            self.read_heredocs()
        }
    }

    /// The reserved word at the cursor, if the next word is exactly one.
    pub(super) fn peek_reserved(&self) -> Option<&'static str> {
        let (pos, end, word) = self.reserved_memo.get();
        if (pos, end) == (self.pos, self.end) {
            return word;
        }
        let word = self.scan_reserved();
        self.reserved_memo.set((self.pos, self.end, word));
        word
    }

    fn scan_reserved(&self) -> Option<&'static str> {
        if !matches!(
            self.byte(self.pos),
            Some(
                b'i' | b't'
                    | b'e'
                    | b'f'
                    | b'd'
                    | b'c'
                    | b'w'
                    | b'u'
                    | b's'
                    | b'{'
                    | b'}'
                    | b'!'
                    | b'['
                    | b']'
                    | b'\\'
            )
        ) {
            return None;
        }
        const RESERVED: &[&str] = &[
            "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until",
            "for", "select", "in", "function", "{", "}", "!", "[[", "]]", "time",
        ];
        let mut buf = [0u8; 8];
        let mut n = 0;
        let mut i = self.pos;
        loop {
            i = self.cont_at(i);
            match self.byte(i) {
                Some(c) if !is_meta(c) => {
                    *buf.get_mut(n)? = c;
                    n += 1;
                    i += 1;
                }
                _ => break,
            }
        }
        let w = &buf[..n];
        RESERVED.iter().find(|r| r.as_bytes() == w).copied()
    }

    fn at_reserved(&self, word: &str) -> bool {
        self.peek_reserved() == Some(word)
    }

    /// An operator at the cursor.
    pub(super) fn peek_op(&self) -> Option<&'static str> {
        let [a, b, c] = self.peek_n();
        Some(match (a, b, c) {
            (b';', b';', b'&') => ";;&",
            (b';', b';', _) => ";;",
            (b';', b'&', _) => ";&",
            (b';', ..) => ";",
            (b'&', b'&', _) => "&&",
            (b'&', b'>', b'>') => "&>>",
            (b'&', b'>', _) => "&>",
            (b'&', ..) => "&",
            (b'|', b'|', _) => "||",
            (b'|', b'&', _) => "|&",
            (b'|', ..) => "|",
            (b'(', ..) => "(",
            (b')', ..) => ")",
            (b'\n', ..) => "\n",
            (b'<', b'<', b'<') => "<<<",
            (b'<', b'<', b'-') => "<<-",
            (b'<', b'<', _) => "<<",
            (b'<', b'>', _) => "<>",
            (b'<', b'&', _) => "<&",
            (b'>', b'>', _) => ">>",
            (b'>', b'|', _) => ">|",
            (b'>', b'&', _) => ">&",
            (b'<' | b'>', b'(', _) => return None,
            (b'<', ..) => "<",
            (b'>', ..) => ">",
            _ => return None,
        })
    }

    // ---- errors ----

    /// "near unexpected token", or "unexpected end of file" at the end.
    #[cold]
    #[inline(never)]
    pub(super) fn unexpected(&mut self) -> Box<ParseError> {
        self.skip_cont();
        let start = self.pos;
        if start >= self.end {
            return self.err("syntax error: unexpected end of file".into(), start, start);
        }
        let (text, end) = match self.peek_op() {
            Some(op) => {
                let mut end = start;
                for _ in 0..op.len() {
                    end = (self.cont_at(end) + 1).min(self.end);
                }
                (if op == "\n" { "newline" } else { op }.to_owned(), end)
            }
            None => {
                let mut i = start;
                while i < self.end && !is_meta(self.b[i]) {
                    i += 1;
                }
                (self.src.get(start..i).unwrap_or("").to_owned(), i)
            }
        };
        self.err(
            format!("syntax error near unexpected token `{text}'"),
            start,
            end,
        )
    }

    /// A construct not closed: at the end of the input the error points at
    /// the opener (`at`), otherwise at the token found instead.
    #[cold]
    #[inline(never)]
    pub(super) fn unclosed(&mut self, what: &str, at: (usize, usize)) -> Box<ParseError> {
        if self.peek().is_none() {
            self.err(format!("unexpected end of file: {what}"), at.0, at.1)
        } else {
            self.unexpected()
        }
    }

    #[cold]
    #[inline(never)]
    fn unclosed_kw(&mut self, kw: &str, opener: &str, at: (usize, usize)) -> Box<ParseError> {
        self.unclosed(&format!("expected `{kw}' to close `{opener}'"), at)
    }

    #[cold]
    #[inline(never)]
    pub(super) fn unterminated(&mut self, what: &str, at: (usize, usize)) -> Box<ParseError> {
        self.unclosed(&format!("unterminated {what}"), at)
    }

    fn expect_reserved(&mut self, kw: &str, opener: &str, at: (usize, usize)) -> PResult<()> {
        if self.at_reserved(kw) {
            self.bump_n(kw.len());
            Ok(())
        } else {
            Err(self.unclosed_kw(kw, opener, at))
        }
    }

    /// Compound lists may not be empty.
    fn nonempty(
        &mut self,
        list: &List,
        close: &str,
        opener: &str,
        at: (usize, usize),
    ) -> PResult<()> {
        if list.items.is_empty() {
            Err(self.unclosed_kw(close, opener, at))
        } else {
            Ok(())
        }
    }

    // ---- lists and pipelines ----

    pub(super) fn script(&mut self) -> PResult<Script> {
        let body = self.list()?;
        if self.peek().is_some() {
            return Err(self.unexpected());
        }
        if !self.pending.is_empty() {
            self.read_heredocs()?;
        }
        let mut script = Script {
            body,
            span: self.sp(0, self.end),
        };
        if !self.bodies.is_empty() {
            // Bodies read inside a body come before it.
            self.bodies.sort_by_key(|b| b.0);
            super::visit::fill_heredocs(&mut script, &mut self.bodies);
        }
        Ok(script)
    }

    fn at_list_end(&self) -> bool {
        if self.byte(self.cont_at(self.pos)).is_none() {
            return true;
        }
        match self.peek_n() {
            [b')', _] | [b';', b';' | b'&'] => true,
            _ => self.peek_reserved().is_some_and(|w| CLOSERS.contains(&w)),
        }
    }

    /// Items up to the end of the input, `)`, a case terminator or a closing
    /// reserved word, which is left for the caller.
    pub(super) fn list(&mut self) -> PResult<List> {
        self.skip_cont();
        let at = self.pos;
        let mut items: Vec<ListItem> = Vec::new();
        loop {
            self.linebreaks()?;
            if self.at_list_end() {
                break;
            }
            let and_or = self.and_or()?;
            self.blanks();
            let span = and_or.span;
            items.push(ListItem {
                and_or,
                background: false,
                span,
            });
            // `;` and `&` belong to the item; a newline ends it too.
            match self.peek_n() {
                [b';', b';' | b'&'] => break,
                [c @ (b';' | b'&'), _] => {
                    self.bump();
                    let end = self.abs(self.last);
                    if let Some(item) = items.last_mut() {
                        item.background = c == b'&';
                        item.span.end = end;
                    }
                }
                [b'\n', _] => {}
                _ => break,
            }
        }
        let span = match (items.first(), items.last()) {
            (Some(f), Some(l)) => f.span.cover(l.span),
            _ => self.sp(at, at),
        };
        Ok(List { items, span })
    }

    fn and_or(&mut self) -> PResult<AndOr> {
        let first = self.pipeline()?;
        let mut span = first.span;
        let mut rest = Vec::new();
        loop {
            self.blanks();
            let op = match self.peek_n() {
                [b'&', b'&'] => AndOrOp::And,
                [b'|', b'|'] => AndOrOp::Or,
                _ => break,
            };
            self.bump_n(2);
            self.linebreaks()?;
            let p = self.pipeline()?;
            span = span.cover(p.span);
            if rest.is_empty() {
                // `a && b && c …` chains in RUN are long.
                rest.reserve(8);
            }
            rest.push((op, p));
        }
        Ok(AndOr { first, rest, span })
    }

    fn pipeline(&mut self) -> PResult<Pipeline> {
        self.blanks();
        let start = self.pos;
        let (mut bang, mut time) = (false, false);
        loop {
            if !bang && self.at_reserved("!") {
                bang = true;
                self.bump();
            } else if !time && self.at_reserved("time") {
                time = self.time_keyword();
                if !time {
                    break;
                }
            } else {
                break;
            }
            self.blanks();
        }
        let mut commands = Vec::with_capacity(1);
        let mut pipe_stderr = Vec::new();
        loop {
            commands.push(self.command()?);
            self.blanks();
            let stderr = match self.peek_n() {
                [b'|', b'|'] => break,
                [b'|', b'&'] => true,
                [b'|', _] => false,
                _ => break,
            };
            pipe_stderr.push(stderr);
            self.bump_n(1 + usize::from(stderr));
            self.linebreaks()?;
        }
        Ok(Pipeline {
            bang,
            time,
            commands,
            pipe_stderr,
            span: self.sp(start, self.last),
        })
    }

    /// At `time`: consumes `time [-p]` when a command follows; otherwise
    /// `time` is the command's name.
    fn time_keyword(&mut self) -> bool {
        let save = self.pos;
        self.bump_n(4);
        self.blanks();
        if matches!(self.peek_n(), [b'-', b'p', c] if c == 0 || is_meta(c)) {
            self.bump_n(2);
            self.blanks();
        }
        let command_follows =
            !self.at_list_end() && !matches!(self.peek(), Some(b';' | b'&' | b'|' | b'\n'));
        if !command_follows {
            self.pos = save;
        }
        command_follows
    }

    // ---- commands ----

    fn command(&mut self) -> PResult<Command> {
        self.blanks();
        if self.peek() == Some(b'(') {
            return self.paren();
        }
        match self.peek_reserved() {
            Some("{") => self.brace(),
            Some("if") => self.if_(),
            Some(kw @ ("while" | "until")) => self.while_(kw),
            Some(kw @ ("for" | "select")) => self.for_(kw),
            Some("case") => self.case(),
            Some("[[") => self.test(),
            Some("function") => self.function_keyword(),
            Some(w) if CLOSERS.contains(&w) => Err(self.unexpected()),
            _ => self.simple(),
        }
    }

    /// The redirections after a compound command, and the command.
    fn compound(&mut self, kind: Compound, start: usize) -> PResult<Command> {
        let mut redirects = Vec::new();
        loop {
            self.blanks();
            if !self.redirect(&mut redirects)? {
                break;
            }
        }
        Ok(Command::Compound(Box::new(CompoundCommand {
            kind,
            redirects,
            span: self.sp(start, self.last),
        })))
    }

    fn simple(&mut self) -> PResult<Command> {
        let start = self.pos;
        let mut cmd = SimpleCommand {
            assignments: Vec::new(),
            words: Vec::new(),
            redirects: Vec::new(),
            span: Span::default(),
        };
        let mut words = Vec::new();
        // `declare`, `local`… take `name=(…)` arguments.
        let mut declaration = false;
        loop {
            self.blanks();
            if self.redirect(&mut cmd.redirects)?
                || words.is_empty() && self.assignment(&mut cmd.assignments)?
            {
                continue;
            }
            let Some(w) = self.command_word(declaration)? else {
                break;
            };
            words.push(w);
            if words.len() == 1 {
                declaration = words[0].literal().is_some_and(|n| {
                    matches!(&*n, "declare" | "typeset" | "local" | "export" | "readonly")
                });
                if cmd.assignments.is_empty() && cmd.redirects.is_empty() {
                    self.blanks();
                    if self.peek() == Some(b'(') && words[0].literal().is_some() {
                        return self.function_posix(&words[0], start);
                    }
                }
            }
        }
        cmd.words = words;
        if cmd.assignments.is_empty() && cmd.words.is_empty() && cmd.redirects.is_empty() {
            return Err(self.unexpected());
        }
        cmd.span = self.sp(start, self.last);
        Ok(Command::Simple(cmd))
    }

    fn command_word(&mut self, declaration: bool) -> PResult<Option<Word>> {
        if declaration && let Some(w) = self.declaration_array()? {
            return Ok(Some(w));
        }
        self.word(Ctx::Word)
    }

    /// At `(` after a function name: `()`, then the body.
    fn function_posix(&mut self, name: &Word, start: usize) -> PResult<Command> {
        self.bump();
        self.blanks();
        if self.peek() != Some(b')') {
            return Err(self.unexpected());
        }
        self.bump();
        let name = Name {
            value: name.literal().unwrap_or_default().into_owned(),
            span: name.span,
        };
        self.function_body(name, false, start)
    }

    fn function_keyword(&mut self) -> PResult<Command> {
        let start = self.pos;
        self.bump_n("function".len());
        self.blanks();
        let name = match self.word(Ctx::Word)? {
            Some(w) if w.literal().is_some() => Name {
                value: w.literal().unwrap_or_default().into_owned(),
                span: w.span,
            },
            _ => return Err(self.unexpected()),
        };
        self.blanks();
        // `function f ()`, or `function f (subshell body)`.
        if self.peek() == Some(b'(') {
            let mut i = self.cont_at(self.pos + 1);
            while matches!(self.byte(i), Some(b' ' | b'\t')) {
                i = self.cont_at(i + 1);
            }
            if self.byte(i) == Some(b')') {
                self.advance_to(i + 1);
            }
        }
        self.function_body(name, true, start)
    }

    fn function_body(&mut self, name: Name, keyword: bool, start: usize) -> PResult<Command> {
        self.linebreaks()?;
        let compound = self.peek() == Some(b'(')
            || matches!(
                self.peek_reserved(),
                Some("{" | "if" | "while" | "until" | "for" | "select" | "case" | "[[")
            );
        if !compound {
            return Err(self.unexpected());
        }
        let Command::Compound(body) = self.command()? else {
            return Err(self.unexpected());
        };
        Ok(Command::Function(Box::new(FunctionDef {
            name,
            keyword,
            body: *body,
            span: self.sp(start, self.last),
        })))
    }

    /// At `(`: a subshell, or `((…))`.
    fn paren(&mut self) -> PResult<Command> {
        let start = self.pos;
        if self.peek_n::<2>()[1] == b'(' {
            self.bump_n(2);
            if let Some(close) = self.arith_close(self.pos, (start, self.pos))? {
                let expr = self.arith_expr(self.pos, close);
                self.pos = close;
                self.bump_n(2);
                return self.compound(Compound::Arith { expr }, start);
            }
            // `( (…) …)`: a subshell inside a subshell.
            self.pos = start;
        }
        let at = (start, start + 1);
        self.enter(start)?;
        self.bump();
        let body = self.list()?;
        self.nonempty(&body, ")", "(", at)?;
        if self.peek() != Some(b')') {
            return Err(self.unclosed_kw(")", "(", at));
        }
        self.bump();
        self.leave();
        self.compound(Compound::Subshell { body }, start)
    }

    /// From just after `((` or `$((`: the offset of the `))` that closes the
    /// arithmetic, or None when a `)` at depth 0 is followed by something else,
    /// which makes it a subshell inside a subshell or substitution (bash's rule).
    pub(super) fn arith_close(
        &mut self,
        from: usize,
        opener: (usize, usize),
    ) -> PResult<Option<usize>> {
        let mut depth = 0usize;
        let mut i = from;
        while i < self.end {
            match self.b[i] {
                b'\\' => i += 1,
                q @ (b'\'' | b'"' | b'`') => {
                    i += 1;
                    while i < self.end && self.b[i] != q {
                        i += if q != b'\'' && self.b[i] == b'\\' {
                            2
                        } else {
                            1
                        };
                    }
                }
                b'(' => depth += 1,
                b')' if depth > 0 => depth -= 1,
                b')' => {
                    let j = self.cont_at(i + 1);
                    return Ok((self.byte(j) == Some(b')')).then_some(i));
                }
                _ => {}
            }
            i += 1;
        }
        let what = if self.b.get(opener.0) == Some(&b'$') {
            "`$(('"
        } else {
            "`(('"
        };
        self.pos = self.end;
        Err(self.unterminated(what, opener))
    }

    pub(super) fn arith_expr(&self, start: usize, end: usize) -> ArithExpr {
        ArithExpr {
            text: self.src.get(start..end).unwrap_or("").replace("\\\n", ""),
            span: self.sp(start, end),
        }
    }

    fn brace(&mut self) -> PResult<Command> {
        let start = self.pos;
        let at = (start, start + 1);
        self.enter(start)?;
        self.bump();
        let body = self.list()?;
        self.nonempty(&body, "}", "{", at)?;
        self.expect_reserved("}", "{", at)?;
        self.leave();
        self.compound(Compound::Brace { body }, start)
    }

    fn if_(&mut self) -> PResult<Command> {
        let start = self.pos;
        let at = (start, start + 2);
        self.enter(start)?;
        self.bump_n(2);
        let mut branches = Vec::new();
        let mut else_ = None;
        loop {
            let cond = self.list()?;
            self.nonempty(&cond, "fi", "if", at)?;
            self.expect_reserved("then", "if", at)?;
            let body = self.list()?;
            self.nonempty(&body, "fi", "if", at)?;
            branches.push((cond, body));
            if self.at_reserved("elif") {
                self.bump_n(4);
                continue;
            }
            if self.at_reserved("else") {
                self.bump_n(4);
                let e = self.list()?;
                self.nonempty(&e, "fi", "if", at)?;
                else_ = Some(e);
            }
            self.expect_reserved("fi", "if", at)?;
            break;
        }
        self.leave();
        self.compound(Compound::If { branches, else_ }, start)
    }

    fn while_(&mut self, kw: &'static str) -> PResult<Command> {
        let start = self.pos;
        let at = (start, start + kw.len());
        self.enter(start)?;
        self.bump_n(kw.len());
        let cond = self.list()?;
        self.nonempty(&cond, "done", kw, at)?;
        let body = self.do_group(kw, at)?;
        self.leave();
        let until = kw == "until";
        self.compound(Compound::While { until, cond, body }, start)
    }

    fn do_group(&mut self, kw: &str, at: (usize, usize)) -> PResult<List> {
        self.linebreaks()?;
        self.expect_reserved("do", kw, at)?;
        let body = self.list()?;
        self.nonempty(&body, "done", kw, at)?;
        self.expect_reserved("done", kw, at)?;
        Ok(body)
    }

    /// A `;` that is not `;;`, `;&` or `;;&`.
    fn semicolon(&mut self) -> bool {
        let one = matches!(self.peek_n(), [b';', c] if c != b';' && c != b'&');
        if one {
            self.bump();
        }
        one
    }

    fn for_(&mut self, kw: &'static str) -> PResult<Command> {
        let start = self.pos;
        let at = (start, start + kw.len());
        self.enter(start)?;
        self.bump_n(kw.len());
        self.blanks();
        if kw == "for" && self.peek_n() == [b'(', b'('] {
            let kind = self.arith_for(at)?;
            self.leave();
            return self.compound(kind, start);
        }
        let var = self.loop_var()?;
        self.linebreaks()?;
        let words = if self.at_reserved("in") {
            self.bump_n(2);
            let mut words = Vec::new();
            loop {
                self.blanks();
                match self.word(Ctx::Word)? {
                    Some(w) => words.push(w),
                    None => break,
                }
            }
            if !self.semicolon() && self.peek() != Some(b'\n') {
                return Err(self.unclosed_kw("do", kw, at));
            }
            Some(words)
        } else {
            self.semicolon();
            None
        };
        let body = self.do_group(kw, at)?;
        self.leave();
        let kind = if kw == "for" {
            Compound::For { var, words, body }
        } else {
            Compound::Select { var, words, body }
        };
        self.compound(kind, start)
    }

    fn loop_var(&mut self) -> PResult<Name> {
        let Some(w) = self.word(Ctx::Word)? else {
            return Err(self.unexpected());
        };
        match w.literal() {
            Some(name)
                if name.bytes().next().is_some_and(is_name_start)
                    && name.bytes().all(is_name_char) =>
            {
                Ok(Name {
                    value: name.into_owned(),
                    span: w.span,
                })
            }
            _ => Err(Box::new(ParseError {
                message: format!(
                    "`{}': not a valid identifier",
                    w.literal().unwrap_or_default()
                ),
                span: w.span,
            })),
        }
    }

    fn arith_for(&mut self, at: (usize, usize)) -> PResult<Compound> {
        let open = self.pos;
        self.bump_n(2);
        let from = self.pos;
        let Some(close) = self.arith_close(from, (open, from))? else {
            return Err(self.err("syntax error: `((' without `))'".into(), open, from));
        };
        let mut cuts = Vec::new();
        let mut depth = 0usize;
        for (i, &c) in self.b[from..close].iter().enumerate() {
            match c {
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b';' if depth == 0 => cuts.push(from + i),
                _ => {}
            }
        }
        let [c1, c2] = cuts[..] else {
            return Err(self.err(
                "syntax error: expected `((init; condition; step))'".into(),
                open,
                close + 2,
            ));
        };
        let (init, cond, step) = (
            self.arith_expr(from, c1),
            self.arith_expr(c1 + 1, c2),
            self.arith_expr(c2 + 1, close),
        );
        self.pos = close;
        self.bump_n(2);
        self.blanks();
        self.semicolon();
        let body = self.do_group("for", at)?;
        Ok(Compound::ArithFor {
            init,
            cond,
            step,
            body,
        })
    }

    fn case(&mut self) -> PResult<Command> {
        let start = self.pos;
        let at = (start, start + 4);
        self.enter(start)?;
        self.bump_n(4);
        self.blanks();
        let Some(word) = self.word(Ctx::Word)? else {
            return Err(self.unexpected());
        };
        self.linebreaks()?;
        self.expect_reserved("in", "case", at)?;
        let mut arms = Vec::new();
        loop {
            self.linebreaks()?;
            if self.at_reserved("esac") {
                self.bump_n(4);
                break;
            }
            if self.peek().is_none() {
                return Err(self.unclosed_kw("esac", "case", at));
            }
            if !self.case_arm(&mut arms)? {
                self.expect_reserved("esac", "case", at)?;
                break;
            }
        }
        self.leave();
        self.compound(Compound::Case { word, arms }, start)
    }

    /// One arm; false when it has no terminator, so `esac` must follow.
    fn case_arm(&mut self, arms: &mut Vec<CaseArm>) -> PResult<bool> {
        let start = self.pos;
        if self.peek() == Some(b'(') {
            self.bump();
        }
        let mut patterns = Vec::new();
        loop {
            self.blanks();
            match self.word(Ctx::Pattern)? {
                Some(w) => patterns.push(w),
                None => return Err(self.unexpected()),
            }
            self.blanks();
            match self.peek_n() {
                [b'|', c] if c != b'|' => self.bump(),
                [b')', _] => {
                    self.bump();
                    break;
                }
                _ => return Err(self.unexpected()),
            }
        }
        let body = self.list()?;
        let terminator = match self.peek_n() {
            [b';', b';', b'&'] => Some((CaseTerminator::Continue, 3)),
            [b';', b';', _] => Some((CaseTerminator::Break, 2)),
            [b';', b'&', _] => Some((CaseTerminator::FallThrough, 2)),
            _ => None,
        };
        if let Some((_, n)) = terminator {
            self.bump_n(n);
        }
        arms.push(CaseArm {
            patterns,
            body,
            terminator: terminator.map(|t| t.0),
            span: self.sp(start, self.last),
        });
        Ok(terminator.is_some())
    }

    fn test(&mut self) -> PResult<Command> {
        let start = self.pos;
        let at = (start, start + 2);
        self.enter(start)?;
        self.bump_n(2);
        let mut words: Vec<Word> = Vec::new();
        loop {
            self.blanks();
            match self.peek() {
                None => return Err(self.unclosed_kw("]]", "[[", at)),
                Some(b'\n') => {
                    self.newline()?;
                    continue;
                }
                _ => {}
            }
            if self.at_reserved("]]") {
                if words.is_empty() {
                    return Err(self.unexpected());
                }
                self.bump_n(2);
                break;
            }
            // A regex may start with `(`, which is an operator elsewhere.
            let regex = words
                .last()
                .and_then(Word::literal)
                .is_some_and(|l| l == "=~");
            if regex || !self.test_operator(&mut words)? {
                match self.word(if regex { Ctx::Regex } else { Ctx::Test })? {
                    Some(w) => words.push(w),
                    None => return Err(self.unexpected()),
                }
            }
        }
        self.leave();
        self.compound(Compound::Test { words }, start)
    }

    /// `&&`, `||`, `(`, `)`, `<` and `>` inside `[[ ]]` are words of their own.
    fn test_operator(&mut self, words: &mut Vec<Word>) -> PResult<bool> {
        let len = match self.peek_n() {
            [b'&', b'&'] | [b'|', b'|'] => 2,
            [b'(' | b')' | b'<' | b'>', _] => 1,
            [b';' | b'&' | b'|', _] => return Err(self.unexpected()),
            _ => return Ok(false),
        };
        self.skip_cont();
        let start = self.pos;
        self.bump_n(len);
        let text = self
            .src
            .get(start..self.last)
            .unwrap_or("")
            .replace("\\\n", "");
        let span = self.sp(start, self.last);
        words.push(Word {
            parts: Part {
                kind: PartKind::Literal(text),
                span,
            }
            .into(),
            span,
        });
        Ok(true)
    }

    // ---- redirections and here-documents ----

    /// A redirection at the cursor (`[n|{var}]op target`) into `out`.
    #[inline]
    pub(super) fn redirect(&mut self, out: &mut Vec<Redirect>) -> PResult<bool> {
        self.skip_cont();
        match self.byte(self.pos) {
            Some(b'0'..=b'9' | b'{' | b'<' | b'>' | b'&') => self.redirect_at(out),
            _ => Ok(false),
        }
    }

    fn redirect_at(&mut self, out: &mut Vec<Redirect>) -> PResult<bool> {
        let start = self.pos;
        let (fd, i) = self.redirect_fd();
        self.pos = i;
        let op = match self.peek_op() {
            Some(op @ ("<<<" | "<<-" | "<<" | "<>" | "<&" | "<" | ">>" | ">|" | ">&" | ">")) => op,
            Some(op @ ("&>" | "&>>")) if fd.is_none() => op,
            _ => {
                self.pos = start;
                return Ok(false);
            }
        };
        self.bump_n(op.len());
        self.blanks();
        let kind = match op {
            "<" => RedirOp::In,
            ">" => RedirOp::Out,
            ">>" => RedirOp::Append,
            ">|" => RedirOp::Clobber,
            "<>" => RedirOp::ReadWrite,
            "<&" => RedirOp::DupIn,
            ">&" => RedirOp::DupOut,
            "&>" => RedirOp::OutErr,
            "&>>" => RedirOp::AppendErr,
            "<<<" => RedirOp::HereString,
            _ => RedirOp::HereDoc,
        };
        self.skip_cont();
        let word_start = self.pos;
        let Some(word) = self.word(Ctx::Word)? else {
            return Err(self.unexpected());
        };
        let target = if kind == RedirOp::HereDoc {
            let raw = self.src.get(word_start..self.last).unwrap_or("");
            let (delimiter, quoted) = heredoc_delimiter(raw);
            let strip_tabs = op == "<<-";
            self.pending.push(Pending {
                key: self.abs(start),
                delimiter: delimiter.clone(),
                quoted,
                strip_tabs,
            });
            RedirTarget::HereDoc(Box::new(HereDoc {
                delimiter,
                quoted,
                strip_tabs,
                text: String::new(),
                parts: Vec::new(),
                error: None,
                body_span: Span::default(),
                terminator: None,
            }))
        } else {
            RedirTarget::Word(word)
        };
        out.push(Redirect {
            fd,
            op: kind,
            target,
            span: self.sp(start, self.last),
        });
        Ok(true)
    }

    /// An fd prefix (`2`, `{var}`) directly followed by `<` or `>`, and where
    /// the operator starts; no prefix: the cursor.
    fn redirect_fd(&self) -> (Option<RedirFd>, usize) {
        let mut i = self.pos;
        let fd = match self.byte(i) {
            Some(c) if c.is_ascii_digit() => {
                let mut n: Option<u32> = Some(0);
                while let Some(c) = self.byte(i).filter(u8::is_ascii_digit) {
                    n = n.and_then(|n| n.checked_mul(10)?.checked_add(u32::from(c - b'0')));
                    i = self.cont_at(i + 1);
                }
                n.map(RedirFd::Number)
            }
            Some(b'{') => {
                i = self.cont_at(i + 1);
                let name_start = i;
                while self.byte(i).is_some_and(is_name_char) {
                    i = self.cont_at(i + 1);
                }
                let name = self
                    .src
                    .get(name_start..i)
                    .unwrap_or("")
                    .replace("\\\n", "");
                let ok = !name.is_empty() && self.byte(i) == Some(b'}');
                i = self.cont_at(i + 1);
                ok.then_some(RedirFd::Var(name))
            }
            _ => None,
        };
        match fd {
            Some(fd) if matches!(self.byte(i), Some(b'<' | b'>')) => (Some(fd), i),
            _ => (None, self.pos),
        }
    }

    /// Reads the bodies of the pending here-documents, which start at the cursor
    /// (just after a newline), one after the other.
    fn read_heredocs(&mut self) -> PResult<()> {
        for h in std::mem::take(&mut self.pending) {
            let body_start = self.pos;
            let mut i = body_start;
            let mut text = String::new();
            let mut terminator = None;
            let mut joined = false;
            let body_end = loop {
                if i >= self.end {
                    self.pos = self.end;
                    break self.end;
                }
                let line_end = self.b[i..self.end]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(self.end, |k| i + k);
                let next = (line_end + 1).min(self.end);
                let mut content = i;
                if h.strip_tabs {
                    while content < line_end && self.b[content] == b'\t' {
                        content += 1;
                    }
                }
                let line = &self.src[content..line_end];
                if !joined && line == h.delimiter {
                    terminator = Some(self.sp(i, line_end));
                    self.pos = next;
                    break i;
                }
                text.push_str(&self.src[content..next]);
                // In an unquoted body `\` newline joins the next line, which
                // then cannot be the delimiter.
                let backslashes = line.bytes().rev().take_while(|&c| c == b'\\').count();
                joined = !h.quoted && backslashes % 2 == 1 && line_end < self.end;
                i = next;
            };
            let read = self.bodies.len();
            let (parts, error) = if h.quoted {
                (Vec::new(), None)
            } else {
                match self.heredoc_parts(body_start, body_end, h.strip_tabs) {
                    Ok(parts) => (parts, None),
                    Err(e) => {
                        // Forget what the failed parse left behind.
                        self.bodies.truncate(read);
                        self.pending.clear();
                        (Vec::new(), Some(*e))
                    }
                }
            };
            self.last = self.pos;
            let body = Body {
                text,
                parts,
                error,
                body_span: self.sp(body_start, body_end),
                terminator,
            };
            self.bodies.push((h.key, body));
        }
        Ok(())
    }

    fn heredoc_parts(&mut self, start: usize, end: usize, strip_tabs: bool) -> PResult<Vec<Part>> {
        let (pos, limit, depth) = (self.pos, self.end, self.depth);
        self.pos = start;
        self.end = end;
        let mut parts = Vec::new();
        let r = self.parts(Ctx::Heredoc { strip_tabs }, &mut parts);
        self.pos = pos;
        self.end = limit;
        self.depth = depth;
        r.map(|()| parts)
    }
}

/// The delimiter of `<<word` after quote removal, and whether any of it was quoted.
fn heredoc_delimiter(raw: &str) -> (String, bool) {
    let mut out = String::new();
    let mut quoted = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some(n) => {
                    quoted = true;
                    out.push(n);
                }
                None => out.push('\\'),
            },
            '\'' => {
                quoted = true;
                out.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                quoted = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('$' | '`' | '"' | '\\')) => {
                            out.extend(chars.next());
                        }
                        '\\' if chars.peek() == Some(&'\n') => {
                            chars.next();
                        }
                        c => out.push(c),
                    }
                }
            }
            c => out.push(c),
        }
    }
    (out, quoted)
}
