//! The grammar: lists, pipelines, commands, compound commands, redirections and
//! here-documents. Words are in `word.rs`.
//!
//! There is no token stream: shell tokens depend on where they are (`}` is a
//! keyword only in command position, `(` starts an extglob inside a word, a
//! here-document body starts after the next newline token), so the grammar
//! functions drive a byte cursor directly. Every look-ahead is a bounded scan
//! that never re-parses, and every construct that can nest goes through
//! [`Parser::enter`], so time is linear in the input and recursion is bounded.

use super::ast::*;
use super::word::Ctx;
use crate::dockerfile::span::Span;
use serde::Serialize;

/// Compound commands, substitutions, quotes and `${…}` nested deeper than this
/// are an error, well before the native or wasm stack could run out.
pub const MAX_DEPTH: usize = 100;

/// A syntax error, worded like bash's, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

pub(super) type PResult<T> = Result<T, ParseError>;

/// Parses a whole script. Spans are byte offsets into `src`.
pub fn parse(src: &str) -> Result<Script, ParseError> {
    Parser::new(src, None, 0).script()
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
}

const CLOSERS: &[&str] = &["then", "else", "elif", "fi", "do", "done", "esac", "}"];

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

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
        }
    }

    // ---- cursor ----

    /// The offset in the original text.
    pub(super) fn abs(&self, i: usize) -> usize {
        match &self.map {
            None => i,
            Some(m) => m.get(i).or(m.last()).copied().unwrap_or(0),
        }
    }

    pub(super) fn sp(&self, start: usize, end: usize) -> Span {
        Span::new(self.abs(start), self.abs(end.max(start)))
    }

    pub(super) fn err(&self, message: impl Into<String>, start: usize, end: usize) -> ParseError {
        ParseError {
            message: message.into(),
            span: self.sp(start, end),
        }
    }

    /// Skips line continuations (`\` newline) at `i`.
    pub(super) fn cont_at(&self, mut i: usize) -> usize {
        while i + 1 < self.end && self.b[i] == b'\\' && self.b[i + 1] == b'\n' {
            i += 2;
        }
        i
    }

    pub(super) fn skip_cont(&mut self) {
        self.pos = self.cont_at(self.pos);
    }

    pub(super) fn byte(&self, i: usize) -> Option<u8> {
        (i < self.end).then(|| self.b[i])
    }

    /// The next byte, past line continuations.
    pub(super) fn peek(&mut self) -> Option<u8> {
        self.skip_cont();
        self.byte(self.pos)
    }

    /// The next `N` bytes from `i`, past line continuations; 0 past the end.
    pub(super) fn peek_at<const N: usize>(&self, mut i: usize) -> [u8; N] {
        let mut out = [0; N];
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

    pub(super) fn peek_n<const N: usize>(&self) -> [u8; N] {
        self.peek_at(self.pos)
    }

    /// Consumes one ASCII byte.
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

    pub(super) fn advance_to(&mut self, i: usize) {
        self.pos = i;
        self.last = i;
    }

    pub(super) fn enter(&mut self, start: usize) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(
                format!("nesting too deep (more than {MAX_DEPTH} levels)"),
                start,
                self.pos.max(start + 1).min(self.end.max(start)),
            ));
        }
        Ok(())
    }

    pub(super) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Blanks, line continuations and a comment.
    pub(super) fn blanks(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'#') => {
                    // A comment ends at the newline even after a backslash.
                    while self.pos < self.end && self.b[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
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
        const RESERVED: &[&str] = &[
            "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until",
            "for", "select", "in", "function", "{", "}", "!", "[[", "]]",
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

    /// The token at the cursor, for error messages: (text, start, end).
    fn token(&mut self) -> (String, usize, usize) {
        let start = {
            self.skip_cont();
            self.pos
        };
        if let Some(op) = self.peek_op() {
            let text = if op == "\n" { "newline" } else { op };
            let mut end = start;
            for _ in 0..op.len() {
                end = (self.cont_at(end) + 1).min(self.end);
            }
            return (text.to_owned(), start, end);
        }
        let mut i = start;
        while i < self.end && !is_meta(self.b[i]) {
            i += 1;
        }
        let text = self.src.get(start..i).unwrap_or("").to_owned();
        (text, start, i)
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

    /// "near unexpected token", or "unexpected end of file" at the end.
    pub(super) fn unexpected(&mut self) -> ParseError {
        if self.peek().is_none() {
            return self.err("syntax error: unexpected end of file", self.end, self.end);
        }
        let (text, start, end) = self.token();
        self.err(
            format!("syntax error near unexpected token `{text}'"),
            start,
            end,
        )
    }

    /// An error for a construct that is not closed: at the end of the input it
    /// points at the opener, otherwise at the token found instead.
    pub(super) fn unclosed(&mut self, what: &str, opener: (usize, usize)) -> ParseError {
        if self.peek().is_none() {
            self.err(
                format!("unexpected end of file: {what}"),
                opener.0,
                opener.1,
            )
        } else {
            self.unexpected()
        }
    }

    fn expect_reserved(&mut self, kw: &str, opener: &str, at: (usize, usize)) -> PResult<()> {
        if self.at_reserved(kw) {
            self.bump_n(kw.len());
            Ok(())
        } else {
            Err(self.unclosed(&format!("expected `{kw}' to close `{opener}'"), at))
        }
    }

    /// Compound lists may not be empty.
    fn nonempty(
        &mut self,
        list: List,
        close: &str,
        opener: &str,
        at: (usize, usize),
    ) -> PResult<List> {
        if list.items.is_empty() {
            Err(self.unclosed(&format!("expected `{close}' to close `{opener}'"), at))
        } else {
            Ok(list)
        }
    }

    // ---- grammar ----

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
            let mut item = ListItem {
                span: and_or.span,
                and_or,
                background: false,
            };
            // `;` and `&` belong to the item; a newline ends it too.
            let go_on = match self.peek_n() {
                [b';', b';' | b'&', _] => false,
                [c @ (b';' | b'&'), ..] => {
                    self.bump();
                    item.background = c == b'&';
                    item.span.end = self.abs(self.last);
                    true
                }
                [b'\n', ..] => true,
                _ => false,
            };
            items.push(item);
            if !go_on {
                break;
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
            rest.push((op, p));
        }
        Ok(AndOr { first, rest, span })
    }

    fn pipeline(&mut self) -> PResult<Pipeline> {
        self.blanks();
        let start = self.pos;
        let bang = self.at_reserved("!");
        if bang {
            self.bump();
            self.blanks();
        }
        let mut commands = vec![self.command()?];
        let mut pipe_stderr = Vec::new();
        loop {
            self.blanks();
            match self.peek_n() {
                [b'|', b'|'] => break,
                [b'|', b'&'] => pipe_stderr.push(true),
                [b'|', _] => pipe_stderr.push(false),
                _ => break,
            }
            self.bump_n(if pipe_stderr.last() == Some(&true) {
                2
            } else {
                1
            });
            self.linebreaks()?;
            commands.push(self.command()?);
        }
        let span = self.sp(start, self.last);
        Ok(Pipeline {
            bang,
            commands,
            pipe_stderr,
            span,
        })
    }

    fn command(&mut self) -> PResult<Command> {
        self.blanks();
        let start = self.pos;
        if self.peek() == Some(b'(') {
            let kind = match self.arith_command()? {
                Some(expr) => Compound::Arith { expr },
                None => self.subshell()?,
            };
            return Ok(Command::Compound(self.compound_tail(kind, start)?));
        }
        let kind = match self.peek_reserved() {
            Some("{") => self.brace()?,
            Some("if") => self.if_()?,
            Some(kw @ ("while" | "until")) => self.while_(kw)?,
            Some(kw @ ("for" | "select")) => self.for_(kw)?,
            Some("case") => self.case()?,
            Some("[[") => self.test()?,
            Some("function") => return self.function_keyword().map(Command::Function),
            Some(w) if CLOSERS.contains(&w) => return Err(self.unexpected()),
            _ => return self.simple(),
        };
        Ok(Command::Compound(self.compound_tail(kind, start)?))
    }

    fn compound_tail(&mut self, kind: Compound, start: usize) -> PResult<CompoundCommand> {
        let mut redirects = Vec::new();
        loop {
            self.blanks();
            match self.redirect()? {
                Some(r) => redirects.push(r),
                None => break,
            }
        }
        Ok(CompoundCommand {
            kind,
            redirects,
            span: self.sp(start, self.last),
        })
    }

    fn simple(&mut self) -> PResult<Command> {
        let start = self.pos;
        let mut cmd = SimpleCommand {
            assignments: Vec::new(),
            words: Vec::new(),
            redirects: Vec::new(),
            span: Span::default(),
        };
        loop {
            self.blanks();
            if let Some(r) = self.redirect()? {
                cmd.redirects.push(r);
                continue;
            }
            if cmd.words.is_empty() {
                if let Some(a) = self.assignment()? {
                    cmd.assignments.push(a);
                    continue;
                }
            }
            let Some(w) = self.word(Ctx::Word)? else {
                break;
            };
            cmd.words.push(w);
            if cmd.words.len() == 1 && cmd.assignments.is_empty() && cmd.redirects.is_empty() {
                self.blanks();
                if self.peek() == Some(b'(') && cmd.words[0].literal().is_some() {
                    let name = cmd.words.remove(0);
                    return self.function_posix(name, start).map(Command::Function);
                }
            }
        }
        if cmd.assignments.is_empty() && cmd.words.is_empty() && cmd.redirects.is_empty() {
            return Err(self.unexpected());
        }
        cmd.span = self.sp(start, self.last);
        Ok(Command::Simple(cmd))
    }

    /// At `(` after a function name: `()`, then the body.
    fn function_posix(&mut self, name: Word, start: usize) -> PResult<FunctionDef> {
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

    fn function_keyword(&mut self) -> PResult<FunctionDef> {
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
            while self.byte(i).is_some_and(is_blank) {
                i = self.cont_at(i + 1);
            }
            if self.byte(i) == Some(b')') {
                self.bump();
                self.blanks();
                self.bump();
            }
        }
        self.function_body(name, true, start)
    }

    fn function_body(&mut self, name: Name, keyword: bool, start: usize) -> PResult<FunctionDef> {
        self.linebreaks()?;
        let is_compound = self.peek() == Some(b'(')
            || matches!(
                self.peek_reserved(),
                Some("{" | "if" | "while" | "until" | "for" | "select" | "case" | "[[")
            );
        if !is_compound {
            return Err(self.unexpected());
        }
        let body = match self.command()? {
            Command::Compound(c) => c,
            _ => return Err(self.err("function body is not a compound command", start, self.last)),
        };
        Ok(FunctionDef {
            name,
            keyword,
            body: Box::new(body),
            span: self.sp(start, self.last),
        })
    }

    fn brace(&mut self) -> PResult<Compound> {
        let at = (self.pos, self.pos + 1);
        self.enter(at.0)?;
        self.bump();
        let body = self.list()?;
        let body = self.nonempty(body, "}", "{", at)?;
        self.expect_reserved("}", "{", at)?;
        self.leave();
        Ok(Compound::Brace { body })
    }

    fn subshell(&mut self) -> PResult<Compound> {
        let at = (self.pos, self.pos + 1);
        self.enter(at.0)?;
        self.bump();
        let body = self.list()?;
        let body = self.nonempty(body, ")", "(", at)?;
        if self.peek() != Some(b')') {
            return Err(self.unclosed("expected `)' to close `('", at));
        }
        self.bump();
        self.leave();
        Ok(Compound::Subshell { body })
    }

    /// At `((`: the arithmetic command, or None (cursor unmoved) when it is
    /// two nested subshells.
    fn arith_command(&mut self) -> PResult<Option<ArithExpr>> {
        let [_, second] = self.peek_n();
        if second != b'(' {
            return Ok(None);
        }
        let start = self.pos;
        self.bump_n(2);
        match self.arith_close(self.pos, (start, self.pos))? {
            Some(close) => {
                let expr = self.arith_expr(self.pos, close);
                self.pos = close;
                self.bump_n(2);
                Ok(Some(expr))
            }
            None => {
                self.pos = start;
                Ok(None)
            }
        }
    }

    /// From just after `((` or `$((`: the offset of the `))` that closes the
    /// arithmetic, or None when a `)` at depth 0 is followed by something else,
    /// which makes it a subshell inside a subshell or substitution (bash's rule).
    pub(super) fn arith_close(
        &self,
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
        let what = String::from_utf8_lossy(&self.b[opener.0..opener.1]).replace("\\\n", "");
        Err(self.err(
            format!("unexpected end of file: unterminated `{what}'"),
            opener.0,
            opener.1,
        ))
    }

    pub(super) fn arith_expr(&self, start: usize, end: usize) -> ArithExpr {
        ArithExpr {
            text: self.src.get(start..end).unwrap_or("").replace("\\\n", ""),
            span: self.sp(start, end),
        }
    }

    fn if_(&mut self) -> PResult<Compound> {
        let at = (self.pos, self.pos + 2);
        self.enter(at.0)?;
        self.bump_n(2);
        let mut branches = Vec::new();
        let mut else_ = None;
        loop {
            let cond = self.list()?;
            let cond = self.nonempty(cond, "fi", "if", at)?;
            self.expect_reserved("then", "if", at)?;
            let body = self.list()?;
            let body = self.nonempty(body, "fi", "if", at)?;
            branches.push((cond, body));
            if self.at_reserved("elif") {
                self.bump_n(4);
                continue;
            }
            if self.at_reserved("else") {
                self.bump_n(4);
                let e = self.list()?;
                else_ = Some(self.nonempty(e, "fi", "if", at)?);
            }
            self.expect_reserved("fi", "if", at)?;
            break;
        }
        self.leave();
        Ok(Compound::If { branches, else_ })
    }

    fn while_(&mut self, kw: &str) -> PResult<Compound> {
        let at = (self.pos, self.pos + kw.len());
        self.enter(at.0)?;
        self.bump_n(kw.len());
        let cond = self.list()?;
        let cond = self.nonempty(cond, "done", kw, at)?;
        let body = self.do_group(kw, at)?;
        self.leave();
        Ok(Compound::While {
            until: kw == "until",
            cond,
            body,
        })
    }

    fn do_group(&mut self, kw: &str, at: (usize, usize)) -> PResult<List> {
        self.expect_reserved("do", kw, at)?;
        let body = self.list()?;
        let body = self.nonempty(body, "done", kw, at)?;
        self.expect_reserved("done", kw, at)?;
        Ok(body)
    }

    fn for_(&mut self, kw: &str) -> PResult<Compound> {
        let at = (self.pos, self.pos + kw.len());
        self.enter(at.0)?;
        self.bump_n(kw.len());
        self.blanks();
        if kw == "for" && self.peek_n() == [b'(', b'('] {
            let c = self.arith_for(at)?;
            self.leave();
            return Ok(c);
        }
        let var = match self.word(Ctx::Word)? {
            Some(w) => match w.literal() {
                Some(name)
                    if name.bytes().next().is_some_and(is_name_start)
                        && name.bytes().all(is_name_char) =>
                {
                    Name {
                        value: name.into_owned(),
                        span: w.span,
                    }
                }
                _ => {
                    let span = w.span;
                    return Err(ParseError {
                        message: format!(
                            "`{}': not a valid identifier",
                            w.literal().unwrap_or_default()
                        ),
                        span,
                    });
                }
            },
            None => return Err(self.unexpected()),
        };
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
            match self.peek_n() {
                [b';', b';' | b'&'] => return Err(self.unexpected()),
                [b';', _] => self.bump(),
                [b'\n', _] => {}
                _ => return Err(self.unclosed(&format!("expected `do' to close `{kw}'"), at)),
            }
            Some(words)
        } else {
            if matches!(self.peek_n(), [b';', c] if c != b';' && c != b'&') {
                self.bump();
            }
            None
        };
        self.linebreaks()?;
        let body = self.do_group(kw, at)?;
        self.leave();
        Ok(if kw == "for" {
            Compound::For { var, words, body }
        } else {
            Compound::Select { var, words, body }
        })
    }

    fn arith_for(&mut self, at: (usize, usize)) -> PResult<Compound> {
        let open = self.pos;
        self.bump_n(2);
        let from = self.pos;
        let Some(close) = self.arith_close(from, (open, from))? else {
            return Err(self.err("syntax error: arithmetic expression required", open, from));
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
            return Err(self.err("syntax error: `((…;…;…))' expected", open, close + 2));
        };
        let (init, cond, step) = (
            self.arith_expr(from, c1),
            self.arith_expr(c1 + 1, c2),
            self.arith_expr(c2 + 1, close),
        );
        self.pos = close;
        self.bump_n(2);
        self.blanks();
        if matches!(self.peek_n(), [b';', c] if c != b';' && c != b'&') {
            self.bump();
        }
        self.linebreaks()?;
        let body = self.do_group("for", at)?;
        Ok(Compound::ArithFor {
            init,
            cond,
            step,
            body,
        })
    }

    fn case(&mut self) -> PResult<Compound> {
        let at = (self.pos, self.pos + 4);
        self.enter(at.0)?;
        self.bump_n(4);
        self.blanks();
        let Some(word) = self.word(Ctx::Word)? else {
            return Err(self.unexpected());
        };
        self.linebreaks()?;
        if !self.at_reserved("in") {
            return Err(self.unclosed("expected `in' after `case'", at));
        }
        self.bump_n(2);
        let mut arms = Vec::new();
        loop {
            self.linebreaks()?;
            if self.at_reserved("esac") {
                self.bump_n(4);
                break;
            }
            if self.peek().is_none() {
                return Err(self.unclosed("expected `esac' to close `case'", at));
            }
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
            if terminator.is_none() {
                self.expect_reserved("esac", "case", at)?;
                break;
            }
        }
        self.leave();
        Ok(Compound::Case { word, arms })
    }

    fn test(&mut self) -> PResult<Compound> {
        let at = (self.pos, self.pos + 2);
        self.enter(at.0)?;
        self.bump_n(2);
        let mut words: Vec<Word> = Vec::new();
        loop {
            self.blanks();
            match self.peek() {
                None => return Err(self.unclosed("expected `]]' to close `[['", at)),
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
            let op = match self.peek_n() {
                [b'&', b'&'] | [b'|', b'|'] => 2,
                [b'(' | b')' | b'<' | b'>', _] => 1,
                [b';' | b'&' | b'|', _] => return Err(self.unexpected()),
                _ => 0,
            };
            if op > 0 {
                self.skip_cont();
                let start = self.pos;
                self.bump_n(op);
                let text = self
                    .src
                    .get(start..self.last)
                    .unwrap_or("")
                    .replace("\\\n", "");
                let span = self.sp(start, self.last);
                words.push(Word {
                    parts: vec![Part {
                        kind: PartKind::Literal(text),
                        span,
                    }],
                    span,
                });
                continue;
            }
            let regex = words
                .last()
                .is_some_and(|w| w.literal().is_some_and(|l| l == "=~"));
            match self.word(if regex { Ctx::Regex } else { Ctx::Test })? {
                Some(w) => words.push(w),
                None => return Err(self.unexpected()),
            }
        }
        self.leave();
        Ok(Compound::Test { words })
    }

    // ---- redirections and here-documents ----

    /// A redirection at the cursor: `[n|{var}]op target`.
    pub(super) fn redirect(&mut self) -> PResult<Option<Redirect>> {
        self.skip_cont();
        let start = self.pos;
        // An fd prefix counts only when an operator follows it directly.
        let mut i = start;
        let mut fd = None;
        match self.byte(i) {
            Some(c) if c.is_ascii_digit() => {
                let mut n: Option<u32> = Some(0);
                while let Some(c) = self.byte(i).filter(u8::is_ascii_digit) {
                    n = n.and_then(|n| n.checked_mul(10)?.checked_add(u32::from(c - b'0')));
                    i = self.cont_at(i + 1);
                }
                if matches!(self.byte(i), Some(b'<' | b'>')) {
                    fd = n.map(RedirFd::Number);
                }
            }
            Some(b'{') => {
                i = self.cont_at(i + 1);
                let name_start = i;
                while self.byte(i).is_some_and(is_name_char) {
                    i = self.cont_at(i + 1);
                }
                if i > name_start
                    && self.byte(i) == Some(b'}')
                    && matches!(self.byte(self.cont_at(i + 1)), Some(b'<' | b'>'))
                {
                    let name = self.src[name_start..i].replace("\\\n", "");
                    fd = Some(RedirFd::Var(name));
                    i = self.cont_at(i + 1);
                }
            }
            _ => {}
        }
        if fd.is_none() {
            i = start;
        }
        let saved = self.pos;
        self.pos = i;
        let op = match self.peek_op() {
            Some(op @ ("<<<" | "<<-" | "<<" | "<>" | "<&" | "<" | ">>" | ">|" | ">&" | ">")) => op,
            Some(op @ ("&>" | "&>>")) if fd.is_none() => op,
            _ => {
                self.pos = saved;
                return Ok(None);
            }
        };
        self.bump_n(op.len());
        self.blanks();
        let op_kind = match op {
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
        let target = if op_kind == RedirOp::HereDoc {
            let raw = self.src.get(word_start..self.last).unwrap_or("");
            let (delimiter, quoted) = heredoc_delimiter(raw);
            let key = self.abs(start);
            self.pending.push(Pending {
                key,
                delimiter: delimiter.clone(),
                quoted,
                strip_tabs: op == "<<-",
            });
            RedirTarget::HereDoc(HereDoc {
                delimiter,
                quoted,
                strip_tabs: op == "<<-",
                text: String::new(),
                parts: Vec::new(),
                body_span: Span::default(),
                terminator: None,
            })
        } else {
            RedirTarget::Word(word)
        };
        Ok(Some(Redirect {
            fd,
            op: op_kind,
            target,
            span: self.sp(start, self.last),
        }))
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
            let parts = if h.quoted {
                Vec::new()
            } else {
                self.heredoc_parts(body_start, body_end, h.strip_tabs)?
            };
            self.last = self.pos;
            let body = Body {
                text,
                parts,
                body_span: self.sp(body_start, body_end),
                terminator,
            };
            self.bodies.push((h.key, body));
        }
        Ok(())
    }

    fn heredoc_parts(&mut self, start: usize, end: usize, strip_tabs: bool) -> PResult<Vec<Part>> {
        let (pos, limit) = (self.pos, self.end);
        self.pos = start;
        self.end = end;
        let mut parts = Vec::new();
        let r = self.parts(Ctx::Heredoc { strip_tabs }, &mut parts);
        self.pos = pos;
        self.end = limit;
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
