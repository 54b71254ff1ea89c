//! Words: quoting, escapes, parameter expansion, command, process and
//! arithmetic substitution, extglobs, assignments and here-document bodies.

use super::ast::*;
use super::parser::{PResult, ParseError, Parser, is_meta, is_name_char, is_name_start};

/// Where a word is, which decides what ends it and what is special in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    /// A command word, argument, redirection target or assignment value.
    Word,
    /// A word inside `[[ ]]`.
    Test,
    /// A `case` pattern.
    Pattern,
    /// The right side of `=~`: parentheses, and blanks inside them, belong to it.
    Regex,
    /// Inside `@(…)`, up to the `)` that closes it.
    ExtGlob,
    /// An operand inside `${…}`: up to `}`, or also the given byte (`/`, `:`).
    Param(u8),
    /// An array index, up to `]`.
    Index,
    /// An unquoted here-document body: only `$`, `` ` `` and `\` are special.
    Heredoc { strip_tabs: bool },
}

/// Bytes that may end a run of literal text, one table per kind of context.
const fn specials(extra: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let always = b"'\"\\$`";
    let mut i = 0;
    while i < always.len() {
        t[always[i] as usize] = true;
        i += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
}

static WORD_SPECIALS: [bool; 256] = specials(b" \t\n;&|()<>");
static PARAM_SPECIALS: [bool; 256] = specials(b"}/:");
static INDEX_SPECIALS: [bool; 256] = specials(b"[]");
static HEREDOC_SPECIALS: [bool; 256] = specials(b"");
static HEREDOC_TABS_SPECIALS: [bool; 256] = specials(b"\n");

fn specials_for(ctx: Ctx) -> &'static [bool; 256] {
    match ctx {
        Ctx::Heredoc { strip_tabs: true } => &HEREDOC_TABS_SPECIALS,
        Ctx::Heredoc { strip_tabs: false } => &HEREDOC_SPECIALS,
        Ctx::Param(_) => &PARAM_SPECIALS,
        Ctx::Index => &INDEX_SPECIALS,
        _ => &WORD_SPECIALS,
    }
}

/// Whether `c` ends the word; tracks nested parentheses or brackets in `depth`.
#[inline]
fn stops(ctx: Ctx, c: u8, depth: &mut usize) -> bool {
    let (open, close) = match ctx {
        Ctx::Word | Ctx::Test | Ctx::Pattern => return is_meta(c),
        Ctx::Param(stop) => return c == b'}' || (stop != 0 && c == stop),
        Ctx::Heredoc { .. } => return false,
        Ctx::Index => (b'[', b']'),
        Ctx::Regex | Ctx::ExtGlob => (b'(', b')'),
    };
    if c == open {
        *depth += 1;
        false
    } else if c == close {
        let end = *depth == 0;
        *depth = depth.saturating_sub(1);
        end
    } else {
        ctx == Ctx::Regex && *depth == 0 && is_meta(c) && c != b'|'
    }
}

/// Unquoted text being gathered into one `Literal` part.
#[derive(Default)]
struct Lit {
    text: String,
    start: usize,
    end: usize,
}

impl Lit {
    fn push(&mut self, s: &str, start: usize, end: usize) {
        if self.text.is_empty() {
            // Usually the only run: allocate exactly once.
            self.start = start;
            self.text = String::from(s);
        } else {
            self.text.push_str(s);
        }
        self.end = end;
    }
}

fn part(kind: PartKind, span: crate::dockerfile::span::Span) -> Part {
    Part { kind, span }
}

impl Parser<'_> {
    fn flush(&self, lit: &mut Lit, out: &mut Vec<Part>) {
        if !lit.text.is_empty() {
            let text = std::mem::take(&mut lit.text);
            out.push(part(PartKind::Literal(text), self.sp(lit.start, lit.end)));
        }
    }

    /// Unterminated quoting: bash reads to the end of the input looking for the close.
    #[cold]
    #[inline(never)]
    fn eof_err(&self, what: &str, start: usize, end: usize) -> Box<ParseError> {
        self.err(
            format!("unexpected end of file: unterminated {what}"),
            start,
            end,
        )
    }

    /// The word at the cursor, or None when a delimiter is there.
    pub(super) fn word(&mut self, ctx: Ctx) -> PResult<Option<Word>> {
        self.skip_cont();
        let start = self.pos;
        if matches!(ctx, Ctx::Word | Ctx::Test | Ctx::Pattern)
            && let Some(w) = self.plain_word()
        {
            return Ok(Some(w));
        }
        // The parts gather in a reused buffer, so that a lone part, the
        // usual case, needs no allocation of its own.
        let mut buf = self.buffers.pop().unwrap_or_default();
        let r = self.parts(ctx, &mut buf);
        let parts = match (buf.len(), buf.pop()) {
            (0, _) => None,
            (1, Some(p)) => Some(Parts::from(p)),
            (_, last) => {
                buf.extend(last);
                Some(Parts::from(std::mem::take(&mut buf)))
            }
        };
        buf.clear();
        self.buffers.push(buf);
        r?;
        Ok(parts.map(|parts| Word {
            parts,
            span: self.sp(start, self.last),
        }))
    }

    /// Most words are plain text up to a blank or an operator: this reads
    /// those quickly, and leaves the others.
    #[inline(never)]
    fn plain_word(&mut self) -> Option<Word> {
        let start = self.pos;
        let mut j = start;
        while j < self.end && !WORD_SPECIALS[usize::from(self.b[j])] {
            j += 1;
        }
        let plain_end =
            j == self.end || matches!(self.b[j], b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b')');
        if j == start || !plain_end {
            return None;
        }
        self.advance_to(j);
        let span = self.sp(start, j);
        let text = String::from(&self.src[start..j]);
        Some(Word {
            parts: Parts::from(part(PartKind::Literal(text), span)),
            span,
        })
    }

    /// A word that may be empty (`${x:-}`, `a=`).
    fn word_or_empty(&mut self, ctx: Ctx) -> PResult<Word> {
        self.skip_cont();
        let start = self.pos;
        Ok(self.word(ctx)?.unwrap_or_else(|| Word {
            parts: Parts::default(),
            span: self.sp(start, start),
        }))
    }

    pub(super) fn parts(&mut self, ctx: Ctx, out: &mut Vec<Part>) -> PResult<()> {
        let mut lit = Lit::default();
        let mut depth = 0;
        let strip_tabs = ctx == Ctx::Heredoc { strip_tabs: true };
        let heredoc = matches!(ctx, Ctx::Heredoc { .. });
        let special = specials_for(ctx);
        if strip_tabs {
            self.skip_tabs();
        }
        loop {
            self.skip_cont();
            let Some(c) = self.byte(self.pos) else { break };
            let i = self.pos;
            match c {
                b'\'' if !heredoc => {
                    self.flush(&mut lit, out);
                    self.single_quoted(out)?;
                }
                b'"' if !heredoc => {
                    self.flush(&mut lit, out);
                    self.double_quoted(i, out)?;
                }
                b'\\' => self.escape(ctx, &mut lit, out),
                b'$' if self.dollar_starts(false) => {
                    self.flush(&mut lit, out);
                    self.dollar(false, out)?;
                }
                b'`' => {
                    self.flush(&mut lit, out);
                    self.backtick(false, out)?;
                }
                b'(' if matches!(ctx, Ctx::Word | Ctx::Test | Ctx::Pattern | Ctx::ExtGlob)
                    && lit.end == i
                    && lit.text.ends_with(['@', '!', '+', '*', '?']) =>
                {
                    let op = lit.text.pop().unwrap_or('@');
                    lit.end -= 1;
                    self.flush(&mut lit, out);
                    self.extglob(op, i - 1, out)?;
                }
                b'<' | b'>' if ctx == Ctx::Word && self.peek_at::<2>(i)[1] == b'(' => {
                    self.flush(&mut lit, out);
                    self.process_subst(out)?;
                }
                _ if stops(ctx, c, &mut depth) => break,
                b'\n' if strip_tabs => {
                    lit.push("\n", i, i + 1);
                    self.advance_to(i + 1);
                    self.skip_tabs();
                }
                _ => {
                    // Specials are ASCII, so the run ends on a character boundary.
                    let mut j = i + 1;
                    while j < self.end && !special[usize::from(self.b[j])] {
                        j += 1;
                    }
                    lit.push(&self.src[i..j], i, j);
                    self.advance_to(j);
                }
            }
        }
        self.flush(&mut lit, out);
        Ok(())
    }

    fn skip_tabs(&mut self) {
        while self.byte(self.pos) == Some(b'\t') {
            self.pos += 1;
        }
    }

    /// At `\`, which is not a line continuation.
    fn escape(&mut self, ctx: Ctx, lit: &mut Lit, out: &mut Vec<Part>) {
        let i = self.pos;
        let Some(c) = self.src.get(i + 1..self.end).and_then(|s| s.chars().next()) else {
            // A backslash at the very end stands for itself.
            lit.push("\\", i, i + 1);
            self.advance_to(i + 1);
            return;
        };
        let end = i + 1 + c.len_utf8();
        if let Ctx::Heredoc { .. } = ctx {
            if matches!(c, '$' | '`' | '\\') {
                lit.push(c.encode_utf8(&mut [0; 4]), i, end);
                self.advance_to(end);
            } else {
                lit.push("\\", i, i + 1);
                self.advance_to(i + 1);
            }
            return;
        }
        self.flush(lit, out);
        out.push(part(PartKind::Escaped(c), self.sp(i, end)));
        self.advance_to(end);
    }

    fn single_quoted(&mut self, out: &mut Vec<Part>) -> PResult<()> {
        let start = self.pos;
        let Some(len) = self.b[start + 1..self.end].iter().position(|&c| c == b'\'') else {
            return Err(self.eof_err("'", start, start + 1));
        };
        let close = start + 1 + len;
        let text = self.src[start + 1..close].to_owned();
        self.advance_to(close + 1);
        out.push(part(
            PartKind::SingleQuoted(text),
            self.sp(start, close + 1),
        ));
        Ok(())
    }

    /// At `"`; `start` is the `$` of `$"…"` or the quote itself.
    fn double_quoted(&mut self, start: usize, out: &mut Vec<Part>) -> PResult<()> {
        let locale = start != self.pos;
        self.enter(start)?;
        self.bump();
        let mut parts = Vec::new();
        let mut lit = Lit::default();
        loop {
            self.skip_cont();
            let i = self.pos;
            let Some(c) = self.byte(i) else {
                return Err(self.eof_err("\"", start, start + 1 + usize::from(locale)));
            };
            match c {
                b'"' => {
                    self.flush(&mut lit, &mut parts);
                    self.bump();
                    break;
                }
                b'\\' => match self.byte(i + 1) {
                    Some(n @ (b'$' | b'`' | b'"' | b'\\')) => {
                        lit.push(char::from(n).encode_utf8(&mut [0; 4]), i, i + 2);
                        self.advance_to(i + 2);
                    }
                    _ => {
                        lit.push("\\", i, i + 1);
                        self.advance_to(i + 1);
                    }
                },
                b'$' if self.dollar_starts(true) => {
                    self.flush(&mut lit, &mut parts);
                    self.dollar(true, &mut parts)?;
                }
                b'`' => {
                    self.flush(&mut lit, &mut parts);
                    self.backtick(true, &mut parts)?;
                }
                _ => {
                    let mut j = i + 1;
                    while j < self.end && !matches!(self.b[j], b'"' | b'\\' | b'$' | b'`') {
                        j += 1;
                    }
                    lit.push(&self.src[i..j], i, j);
                    self.advance_to(j);
                }
            }
        }
        self.leave();
        out.push(part(
            PartKind::DoubleQuoted { parts, locale },
            self.sp(start, self.last),
        ));
        Ok(())
    }

    /// At `$`: whether an expansion starts here (otherwise `$` is literal).
    fn dollar_starts(&self, dquoted: bool) -> bool {
        match self.peek_n::<2>()[1] {
            b'(' | b'{' | b'[' => true,
            b'\'' | b'"' => !dquoted,
            c => is_name_start(c) || c.is_ascii_digit() || b"@*#?-$!".contains(&c),
        }
    }

    fn dollar(&mut self, dquoted: bool, out: &mut Vec<Part>) -> PResult<()> {
        let start = self.pos;
        self.bump();
        let [n, n2] = self.peek_n();
        let kind = match n {
            b'(' => {
                self.bump();
                if n2 == b'(' {
                    let second = self.pos;
                    self.bump();
                    let from = self.pos;
                    if let Some(close) = self.arith_close(from, (start, from))? {
                        let expr = self.arith_expr(from, close);
                        self.pos = close;
                        self.bump_n(2);
                        out.push(part(PartKind::Arith(expr), self.sp(start, self.last)));
                        return Ok(());
                    }
                    // `$( (…) …)`: a subshell inside a command substitution.
                    self.pos = second;
                }
                let script = self.subst_body(start, "`$('")?;
                PartKind::CommandSubst {
                    script,
                    backtick: false,
                }
            }
            b'{' => return self.param_braced(start, out),
            b'[' => {
                self.bump();
                let from = self.pos;
                let mut depth = 0usize;
                let mut i = from;
                loop {
                    match self.byte(i) {
                        None => return Err(self.eof_err("`$['", start, from)),
                        Some(b'[') => depth += 1,
                        Some(b']') if depth == 0 => break,
                        Some(b']') => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                let expr = self.arith_expr(from, i);
                self.advance_to(i + 1);
                PartKind::Arith(expr)
            }
            b'\'' if !dquoted => return self.ansi_c(start, out),
            b'"' if !dquoted => return self.double_quoted(start, out),
            _ => return self.param_simple(start, n, out),
        };
        out.push(part(kind, self.sp(start, self.last)));
        Ok(())
    }

    /// After `$`: `$name`, `$1`, `$@`…
    fn param_simple(&mut self, start: usize, first: u8, out: &mut Vec<Part>) -> PResult<()> {
        let mut pe = Box::new(empty_param(false));
        if is_name_start(first) {
            self.skip_cont();
            pe.name = self.take_while(is_name_char);
        } else {
            pe.name.push(char::from(first));
            self.bump();
        }
        pe.span = self.sp(start, self.last);
        out.push(part(PartKind::Param(pe), self.sp(start, self.last)));
        Ok(())
    }

    /// After `$(`, `<(` or `>(`: the script up to the closing `)`.
    fn subst_body(&mut self, start: usize, opener: &str) -> PResult<Box<Script>> {
        self.enter(start)?;
        self.skip_cont();
        let inner = self.pos;
        let body = self.list()?;
        if self.peek() != Some(b')') {
            return Err(self.unterminated(opener, (start, inner)));
        }
        let inner_end = self.pos;
        self.bump();
        self.leave();
        Ok(Box::new(Script {
            body,
            span: self.sp(inner, inner_end),
        }))
    }

    fn process_subst(&mut self, out: &mut Vec<Part>) -> PResult<()> {
        let start = self.pos;
        let write = self.b[start] == b'>';
        self.bump_n(2);
        let script = self.subst_body(start, if write { "`>('" } else { "`<('" })?;
        out.push(part(
            PartKind::ProcessSubst { script, write },
            self.sp(start, self.last),
        ));
        Ok(())
    }

    /// At `(` of an extglob whose operator is at `start`.
    fn extglob(&mut self, op: char, start: usize, out: &mut Vec<Part>) -> PResult<()> {
        self.enter(start)?;
        self.bump();
        let mut parts = Vec::new();
        self.parts(Ctx::ExtGlob, &mut parts)?;
        if self.peek() != Some(b')') {
            return Err(self.unterminated("extended glob", (start, start + 2)));
        }
        self.bump();
        self.leave();
        out.push(part(
            PartKind::ExtGlob { op, parts },
            self.sp(start, self.last),
        ));
        Ok(())
    }

    /// At the backtick. Inside, `\$`, `` \` `` and `\\` (and `\"` within
    /// double quotes) stand for the character; the body is unescaped into a new
    /// text and parsed on its own, with an offset map that puts every span back
    /// into the original text.
    fn backtick(&mut self, dquoted: bool, out: &mut Vec<Part>) -> PResult<()> {
        let start = self.pos;
        let mut body = String::new();
        let mut map = Vec::new();
        let mut i = start + 1;
        loop {
            let Some(c) = self.byte(i) else {
                return Err(self.eof_err("`", start, start + 1));
            };
            if c == b'`' {
                break;
            }
            let next = self.byte(i + 1);
            if c == b'\\'
                && (matches!(next, Some(b'$' | b'`' | b'\\')) || dquoted && next == Some(b'"'))
            {
                map.push(self.abs(i));
                body.push(char::from(next.unwrap_or(b'\\')));
                i += 2;
                continue;
            }
            let len = self.src[i..].chars().next().map_or(1, char::len_utf8);
            map.extend((i..i + len).map(|k| self.abs(k)));
            body.push_str(&self.src[i..i + len]);
            i += len;
        }
        map.push(self.abs(i));
        self.advance_to(i + 1);
        self.enter(start)?;
        let script = Parser::new(&body, Some(map), self.depth).script()?;
        self.leave();
        out.push(part(
            PartKind::CommandSubst {
                script: Box::new(script),
                backtick: true,
            },
            self.sp(start, self.last),
        ));
        Ok(())
    }

    /// At `'` of `$'…'`.
    fn ansi_c(&mut self, start: usize, out: &mut Vec<Part>) -> PResult<()> {
        self.bump();
        let from = self.pos;
        let mut i = from;
        while i < self.end && self.b[i] != b'\'' {
            i += if self.b[i] == b'\\' { 2 } else { 1 };
        }
        if i >= self.end {
            return Err(self.eof_err("$'", start, from));
        }
        let value = decode_ansi_c(&self.src[from..i]);
        self.advance_to(i + 1);
        out.push(part(PartKind::AnsiC(value), self.sp(start, i + 1)));
        Ok(())
    }

    /// At `{` of `${`.
    fn param_braced(&mut self, start: usize, out: &mut Vec<Part>) -> PResult<()> {
        self.enter(start)?;
        self.bump();
        let mut pe = Box::new(empty_param(true));
        let param_start = |c: u8| is_name_start(c) || c.is_ascii_digit() || b"@*#?-$!".contains(&c);
        match self.peek_n() {
            [b'#', c] if c != b'}' && param_start(c) => {
                pe.length = true;
                self.bump();
            }
            [b'!', c] if c != b'}' && param_start(c) => {
                pe.indirect = true;
                self.bump();
            }
            _ => {}
        }
        match self.peek() {
            Some(c) if c.is_ascii_digit() => pe.name = self.take_while(|c| c.is_ascii_digit()),
            Some(c) if is_name_start(c) => pe.name = self.take_while(is_name_char),
            Some(c) if b"@*#?-$!".contains(&c) => {
                pe.name.push(char::from(c));
                self.bump();
            }
            _ => {}
        }
        if self.peek() == Some(b'[') && !pe.name.is_empty() {
            self.bump();
            pe.index = Some(self.word_or_empty(Ctx::Index)?);
            if self.peek() == Some(b']') {
                self.bump();
            }
        }
        self.param_op(&mut pe)?;
        // Whatever else bash accepts here, and rejects only when expanding it.
        if self.peek().is_some_and(|c| c != b'}') {
            pe.op = Some(ParamOp::Invalid);
            pe.operand = Some(self.word_or_empty(Ctx::Param(0))?);
        }
        if self.peek() != Some(b'}') {
            return Err(self.eof_err("`${'", start, start + 2));
        }
        self.bump();
        self.leave();
        pe.span = self.sp(start, self.last);
        out.push(part(PartKind::Param(pe), self.sp(start, self.last)));
        Ok(())
    }

    /// The operator after the name in `${…}`, and its operands.
    fn param_op(&mut self, pe: &mut ParamExpansion) -> PResult<()> {
        let [a, b] = self.peek_n();
        let (op, len) = match (a, b) {
            _ if pe.name.is_empty() => (ParamOp::Invalid, 0),
            (b'}', _) => return Ok(()),
            (b':', b'-') => (ParamOp::Default { colon: true }, 2),
            (b':', b'=') => (ParamOp::Assign { colon: true }, 2),
            (b':', b'?') => (ParamOp::Error { colon: true }, 2),
            (b':', b'+') => (ParamOp::Alternate { colon: true }, 2),
            (b':', _) => (ParamOp::Substring, 1),
            (b'-', _) => (ParamOp::Default { colon: false }, 1),
            (b'=', _) => (ParamOp::Assign { colon: false }, 1),
            (b'?', _) => (ParamOp::Error { colon: false }, 1),
            (b'+', _) => (ParamOp::Alternate { colon: false }, 1),
            (b'#', b'#') => (ParamOp::RemovePrefix { longest: true }, 2),
            (b'#', _) => (ParamOp::RemovePrefix { longest: false }, 1),
            (b'%', b'%') => (ParamOp::RemoveSuffix { longest: true }, 2),
            (b'%', _) => (ParamOp::RemoveSuffix { longest: false }, 1),
            (b'/', b'/') => (
                ParamOp::Replace {
                    all: true,
                    anchor: None,
                },
                2,
            ),
            (b'/', c @ (b'#' | b'%')) => {
                let anchor = Some(char::from(c));
                (ParamOp::Replace { all: false, anchor }, 2)
            }
            (b'/', _) => (
                ParamOp::Replace {
                    all: false,
                    anchor: None,
                },
                1,
            ),
            (b'^', b'^') => (ParamOp::Upper { all: true }, 2),
            (b'^', _) => (ParamOp::Upper { all: false }, 1),
            (b',', b',') => (ParamOp::Lower { all: true }, 2),
            (b',', _) => (ParamOp::Lower { all: false }, 1),
            (b'@' | b'*', b'}') if pe.indirect => (ParamOp::Names { at: a == b'@' }, 1),
            (b'@', c) if c.is_ascii_alphabetic() => (ParamOp::Transform(char::from(c)), 2),
            _ => (ParamOp::Invalid, 0),
        };
        self.bump_n(len);
        pe.op = Some(op);
        match op {
            ParamOp::Substring | ParamOp::Replace { .. } => {
                let stop = if op == ParamOp::Substring { b':' } else { b'/' };
                pe.operand = Some(self.word_or_empty(Ctx::Param(stop))?);
                if self.peek() == Some(stop) {
                    self.bump();
                    pe.operand2 = Some(self.word_or_empty(Ctx::Param(0))?);
                }
            }
            ParamOp::Names { .. } | ParamOp::Transform(_) => {}
            _ => pe.operand = Some(self.word_or_empty(Ctx::Param(0))?),
        }
        Ok(())
    }

    /// `name=value`, `name+=value`, `name[i]=value` or `name=(…)` at the
    /// cursor into `out`; false (cursor unmoved) when the word is not one.
    #[inline]
    pub(super) fn assignment(&mut self, out: &mut Vec<Assignment>) -> PResult<bool> {
        self.skip_cont();
        match self.byte(self.pos) {
            Some(c) if is_name_start(c) => self.assignment_at(out),
            _ => Ok(false),
        }
    }

    fn assignment_at(&mut self, out: &mut Vec<Assignment>) -> PResult<bool> {
        let start = self.pos;
        let Some((name_end, bracket, append, _)) = self.assignment_shape() else {
            return Ok(false);
        };
        let name = Name {
            value: self.src[start..name_end].replace("\\\n", ""),
            span: self.sp(start, name_end),
        };
        self.advance_to(name_end);
        let index = if bracket {
            self.bump();
            let index = self.word_or_empty(Ctx::Index)?;
            if self.peek() != Some(b']') {
                return Err(self.unexpected());
            }
            self.bump();
            Some(index)
        } else {
            None
        };
        self.bump_n(if append { 2 } else { 1 });
        let value = if self.peek() == Some(b'(') {
            AssignValue::Array(self.array()?)
        } else {
            AssignValue::Scalar(self.word_or_empty(Ctx::Word)?)
        };
        out.push(Assignment {
            name,
            append,
            index,
            value,
            span: self.sp(start, self.last),
        });
        Ok(true)
    }

    /// An argument of a declaration builtin that assigns an array
    /// (`declare -a x=(a b)`), as a word: `x=` then the elements.
    pub(super) fn declaration_array(&mut self) -> PResult<Option<Word>> {
        self.skip_cont();
        let start = self.pos;
        let Some((_, _, _, value)) = self.assignment_shape() else {
            return Ok(None);
        };
        if self.byte(value) != Some(b'(') {
            return Ok(None);
        }
        let prefix = self.src[start..value].replace("\\\n", "");
        let mut parts = vec![part(PartKind::Literal(prefix), self.sp(start, value))];
        self.advance_to(value);
        let words = self.array()?;
        parts.push(part(PartKind::Array(words), self.sp(value, self.last)));
        Ok(Some(Word {
            parts: parts.into(),
            span: self.sp(start, self.last),
        }))
    }

    /// Whether the word at the cursor starts `name[index]=` or `name+=`:
    /// where the name ends, whether an index follows, whether it is `+=`,
    /// and where the value starts.
    fn assignment_shape(&self) -> Option<(usize, bool, bool, usize)> {
        let start = self.pos;
        let mut i = start;
        let mut name_end = start;
        while self.byte(i).is_some_and(|c| {
            if i == start {
                is_name_start(c)
            } else {
                is_name_char(c)
            }
        }) {
            name_end = i + 1;
            i = self.cont_at(i + 1);
        }
        if name_end == start {
            return None;
        }
        let bracket = self.byte(i) == Some(b'[');
        if bracket {
            // The index may not contain unquoted blanks or operators.
            let mut depth = 0;
            loop {
                match self.byte(i)? {
                    b'[' => depth += 1,
                    b']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    q @ (b'\'' | b'"') => {
                        i += 1;
                        while self.byte(i)? != q {
                            i += 1;
                        }
                    }
                    b'\\' => i += 1,
                    c if is_meta(c) => return None,
                    _ => {}
                }
                i += 1;
            }
            i = self.cont_at(i + 1);
        }
        let append = self.byte(i) == Some(b'+');
        if append {
            i = self.cont_at(i + 1);
        }
        (self.byte(i) == Some(b'=')).then(|| (name_end, bracket, append, self.cont_at(i + 1)))
    }

    fn array(&mut self) -> PResult<Vec<Word>> {
        let open = self.pos;
        self.enter(open)?;
        self.bump();
        let mut words = Vec::new();
        loop {
            self.linebreaks()?;
            match self.peek() {
                Some(b')') => {
                    self.bump();
                    break;
                }
                None => return Err(self.eof_err("`('", open, open + 1)),
                _ => match self.word(Ctx::Word)? {
                    Some(w) => words.push(w),
                    None => return Err(self.unexpected()),
                },
            }
        }
        self.leave();
        Ok(words)
    }
}

fn empty_param(braced: bool) -> ParamExpansion {
    ParamExpansion {
        name: String::new(),
        braced,
        length: false,
        indirect: false,
        index: None,
        op: None,
        operand: None,
        operand2: None,
        span: Default::default(),
    }
}

/// Decodes the body of `$'…'` as bash does. Octal and hex escapes give the
/// character with that code (bash gives the raw byte).
fn decode_ansi_c(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    let number =
        |chars: &mut std::iter::Peekable<std::str::Chars>, first: u32, max: usize, radix: u32| {
            let mut n = first;
            for _ in 0..max {
                match chars.peek().and_then(|c| c.to_digit(radix)) {
                    Some(d) => {
                        n = n * radix + d;
                        chars.next();
                    }
                    None => break,
                }
            }
            n
        };
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let decoded = match e {
            'a' => '\x07',
            'b' => '\x08',
            'e' | 'E' => '\x1b',
            'f' => '\x0c',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\x0b',
            '\\' | '\'' | '"' | '?' => e,
            '0'..='7' => char::from_u32(number(&mut chars, e as u32 - '0' as u32, 2, 8))
                .unwrap_or('\u{fffd}'),
            'x' | 'u' | 'U' if chars.peek().is_some_and(|c| c.is_ascii_hexdigit()) => {
                let max = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                char::from_u32(number(&mut chars, 0, max, 16)).unwrap_or('\u{fffd}')
            }
            'c' if chars.peek().is_some() => {
                let c = chars.next().unwrap_or('@');
                char::from_u32(c.to_ascii_uppercase() as u32 ^ 0x40).unwrap_or(c)
            }
            _ => {
                out.push('\\');
                e
            }
        };
        out.push(decoded);
    }
    out
}
