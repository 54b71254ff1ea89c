//! The syntax tree of a shell script. Every node carries its exact byte span in
//! the source given to [`parse`](super::parse), nested `$(…)`, backticks and
//! here-document bodies included, so lint rules can point at a word and an
//! interpreter can run the script without going back to the text.

use super::ParseError;
use crate::dockerfile::span::Span;
use serde::Serialize;
use std::borrow::Cow;

/// A whole script, or the body of a command or process substitution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Script {
    pub body: List,
    /// For a substitution, the text between its delimiters.
    pub span: Span,
}

/// Commands separated by `;`, `&` or newlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct List {
    pub items: Vec<ListItem>,
    /// Empty, at the place where the list would be, when it has no items.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListItem {
    pub and_or: AndOr,
    /// Ended by `&`.
    pub background: bool,
    /// The and-or list and its `;` or `&` when one follows.
    pub span: Span,
}

/// Pipelines joined by `&&` and `||`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(AndOrOp, Pipeline)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AndOrOp {
    And,
    Or,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pipeline {
    /// Prefixed by `!`.
    pub bang: bool,
    /// Prefixed by the `time` keyword (`time -p` too).
    pub time: bool,
    pub commands: Vec<Command>,
    /// One entry per pipe, between `commands[i]` and `commands[i + 1]`: true for `|&`.
    pub pipe_stderr: Vec<bool>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum Command {
    Simple(SimpleCommand),
    Compound(Box<CompoundCommand>),
    Function(Box<FunctionDef>),
}

impl Command {
    pub fn span(&self) -> Span {
        match self {
            Command::Simple(c) => c.span,
            Command::Compound(c) => c.span,
            Command::Function(f) => f.span,
        }
    }
}

/// Assignments, words and redirections, in any mix (assignments only before the
/// first word). Each vector is in source order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimpleCommand {
    pub assignments: Vec<Assignment>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    pub span: Span,
}

impl SimpleCommand {
    /// The command name when it is static text (`apt-get`, `"apt-get"`), not
    /// when it needs expansion (`$CC`).
    pub fn name(&self) -> Option<Cow<'_, str>> {
        self.words.first()?.literal()
    }

    /// The words after the command name.
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or_default()
    }
}

/// A compound command and the redirections after it (`{ …; } > log`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompoundCommand {
    pub kind: Compound,
    pub redirects: Vec<Redirect>,
    /// From the opening keyword or bracket through the last redirection.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum Compound {
    /// `{ list; }`
    Brace { body: List },
    /// `( list )`
    Subshell { body: List },
    /// `if c; then b; elif c; then b; else e; fi`: one `(condition, body)` per `if`/`elif`.
    If {
        branches: Vec<(List, List)>,
        else_: Option<List>,
    },
    /// `while c; do b; done`, or `until` when `until` is true.
    While { until: bool, cond: List, body: List },
    /// `for var [in words]; do body; done`. `words` is None without `in`
    /// (the positional parameters).
    For {
        var: Name,
        words: Option<Vec<Word>>,
        body: List,
    },
    /// `for ((init; cond; step)); do body; done`
    ArithFor {
        init: ArithExpr,
        cond: ArithExpr,
        step: ArithExpr,
        body: List,
    },
    /// `select var [in words]; do body; done`
    Select {
        var: Name,
        words: Option<Vec<Word>>,
        body: List,
    },
    /// `case word in pattern) body ;; … esac`
    Case { word: Word, arms: Vec<CaseArm> },
    /// `(( expression ))`
    Arith { expr: ArithExpr },
    /// `[[ … ]]`: the words between the brackets. Operators (`&&`, `||`, `!`,
    /// `(`, `)`, `<`, `>`, `==`, `=~`, `-f`, …) are words of their own.
    Test { words: Vec<Word> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseArm {
    pub patterns: Vec<Word>,
    pub body: List,
    /// None only for a last arm closed by `esac` directly.
    pub terminator: Option<CaseTerminator>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CaseTerminator {
    /// `;;`
    Break,
    /// `;&`: run the next arm's body too.
    FallThrough,
    /// `;;&`: test the next patterns too.
    Continue,
}

/// `name() body` or `function name [()] body`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionDef {
    pub name: Name,
    /// Written with the `function` keyword.
    pub keyword: bool,
    pub body: CompoundCommand,
    pub span: Span,
}

/// A name that is not subject to expansion: a variable or function name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Name {
    pub value: String,
    pub span: Span,
}

/// Arithmetic is kept as text (continuation lines removed); `span` is that of
/// the expression between the delimiters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArithExpr {
    pub text: String,
    pub span: Span,
}

/// `name=value`, `name+=value`, `name[index]=value`, `name=(a b c)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub name: Name,
    /// `+=`
    pub append: bool,
    pub index: Option<Word>,
    pub value: AssignValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value")]
pub enum AssignValue {
    /// Possibly empty (`a=`): then the word has no parts and an empty span.
    Scalar(Word),
    /// `(a b c)`; `[k]=v` elements stay plain words.
    Array(Vec<Word>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redirect {
    pub fd: Option<RedirFd>,
    pub op: RedirOp,
    pub target: RedirTarget,
    /// From the fd (or operator) through the target word; for a here-document
    /// through its delimiter word (the body has its own span).
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RedirFd {
    /// `2>`
    Number(u32),
    /// `{var}>`: the shell picks a descriptor and stores it in `var`.
    Var(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RedirOp {
    /// `<`
    In,
    /// `>`
    Out,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupIn,
    /// `>&`
    DupOut,
    /// `&>`
    OutErr,
    /// `&>>`
    AppendErr,
    /// `<<<`
    HereString,
    /// `<<`, or `<<-` (then `HereDoc::strip_tabs`)
    HereDoc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value")]
pub enum RedirTarget {
    Word(Word),
    HereDoc(Box<HereDoc>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HereDoc {
    /// The delimiter after quote removal (`EOF` for `<<'EOF'`).
    pub delimiter: String,
    /// Some part of the delimiter was quoted: the body is taken literally.
    pub quoted: bool,
    /// `<<-`: leading tabs are removed from body lines and the delimiter line.
    pub strip_tabs: bool,
    /// The body as written, leading tabs removed for `<<-`.
    pub text: String,
    /// The parsed body (expansions, escapes) when the delimiter is unquoted;
    /// empty when it is quoted, as `text` is then the value.
    pub parts: Vec<Part>,
    /// Why an unquoted body does not parse (`$(` never closed, say). bash
    /// finds out only when it expands the body, and fails then; `parts` is
    /// empty.
    pub error: Option<ParseError>,
    /// The body lines, newlines included, without the delimiter line.
    pub body_span: Span,
    /// The delimiter line; None when the body ran to the end of the input.
    pub terminator: Option<Span>,
}

/// One shell word: `"$HOME"/bin`, `-y`, `$(id -u)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    pub parts: Parts,
    /// From its first byte through its last, quotes included.
    pub span: Span,
}

/// The parts of a word, used as a slice (`word.parts.iter()`,
/// `&word.parts[..]`). Most words have exactly one part, which is kept
/// inline: a heap allocation per word less is a good share of the parse time.
#[derive(Clone, PartialEq, Eq)]
pub struct Parts(PartsRepr);

#[derive(Clone, PartialEq, Eq)]
enum PartsRepr {
    One(Part),
    Many(Vec<Part>),
}

impl Parts {
    pub fn as_slice(&self) -> &[Part] {
        match &self.0 {
            PartsRepr::One(p) => std::slice::from_ref(p),
            PartsRepr::Many(v) => v,
        }
    }

    pub fn as_mut_slice(&mut self) -> &mut [Part] {
        match &mut self.0 {
            PartsRepr::One(p) => std::slice::from_mut(p),
            PartsRepr::Many(v) => v,
        }
    }
}

impl Default for Parts {
    fn default() -> Self {
        Parts(PartsRepr::Many(Vec::new()))
    }
}

impl From<Part> for Parts {
    fn from(p: Part) -> Self {
        Parts(PartsRepr::One(p))
    }
}

impl From<Vec<Part>> for Parts {
    fn from(mut v: Vec<Part>) -> Self {
        match (v.len(), v.pop()) {
            (1, Some(p)) => Parts(PartsRepr::One(p)),
            (_, last) => {
                v.extend(last);
                Parts(PartsRepr::Many(v))
            }
        }
    }
}

impl std::ops::Deref for Parts {
    type Target = [Part];
    fn deref(&self) -> &[Part] {
        self.as_slice()
    }
}

impl std::ops::DerefMut for Parts {
    fn deref_mut(&mut self) -> &mut [Part] {
        self.as_mut_slice()
    }
}

impl<'a> IntoIterator for &'a Parts {
    type Item = &'a Part;
    type IntoIter = std::slice::Iter<'a, Part>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<'a> IntoIterator for &'a mut Parts {
    type Item = &'a mut Part;
    type IntoIter = std::slice::IterMut<'a, Part>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_mut_slice().iter_mut()
    }
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl Serialize for Parts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.as_slice())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub kind: PartKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "value")]
pub enum PartKind {
    /// Text outside quotes (line continuations removed). Globs, braces and `~`
    /// are in here as written. Inside double quotes or a here-document body,
    /// the text there, with its escapes processed.
    Literal(String),
    /// `\c` outside quotes: the character, quoted.
    Escaped(char),
    /// `'…'`
    SingleQuoted(String),
    /// `$'…'`, escapes decoded.
    AnsiC(String),
    /// `"…"`, or `$"…"` when `locale`.
    DoubleQuoted { parts: Vec<Part>, locale: bool },
    /// `$x`, `${…}`
    Param(Box<ParamExpansion>),
    /// `$(…)`, or `` `…` `` when `backtick`.
    CommandSubst { script: Box<Script>, backtick: bool },
    /// `$((…))`, or the obsolete `$[…]`.
    Arith(ArithExpr),
    /// `<(…)`, or `>(…)` when `write`.
    ProcessSubst { script: Box<Script>, write: bool },
    /// `@(…)` `!(…)` `+(…)` `*(…)` `?(…)`: the operator and what is between the
    /// parentheses (`|` stays literal text).
    ExtGlob { op: char, parts: Vec<Part> },
    /// `(a b)` after `name=` in an argument of `declare`, `local`, `export`,
    /// `readonly` or `typeset` (`declare -a x=(a b)`): the elements.
    Array(Vec<Word>),
}

/// `$name`, `$1`, `$@`, or `${…}` with its operator and operands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamExpansion {
    /// `HOME`, `1`, `@`, `#`, `?`…; for `${!prefix*}` the prefix.
    pub name: String,
    pub braced: bool,
    /// `${#name}`
    pub length: bool,
    /// `${!name}`, `${!prefix*}`, `${!array[@]}`
    pub indirect: bool,
    /// `${name[index]}`
    pub index: Option<Word>,
    pub op: Option<ParamOp>,
    /// The word after the operator: the default, pattern, offset, case pattern.
    pub operand: Option<Word>,
    /// The replacement of `/`, or the length of `:offset:length`.
    pub operand2: Option<Word>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamOp {
    /// `-`, or `:-` when `colon` (also for the three below: unset, or empty too).
    Default { colon: bool },
    /// `=` `:=`
    Assign { colon: bool },
    /// `?` `:?`
    Error { colon: bool },
    /// `+` `:+`
    Alternate { colon: bool },
    /// `#`, `##` when `longest`
    RemovePrefix { longest: bool },
    /// `%`, `%%` when `longest`
    RemoveSuffix { longest: bool },
    /// `/` `//` (`all`) `/#` `/%` (`anchor`)
    Replace { all: bool, anchor: Option<char> },
    /// `^` `^^`
    Upper { all: bool },
    /// `,` `,,`
    Lower { all: bool },
    /// `:offset` or `:offset:length`
    Substring,
    /// `${!prefix*}` or `${!prefix@}`: the names starting with the prefix.
    Names { at: bool },
    /// `@Q`, `@E`, `@U`…: the letter.
    Transform(char),
    /// Text bash accepts inside `${…}` but rejects only when it expands it
    /// ("bad substitution"): the rest is in `operand`.
    Invalid,
}

impl Word {
    /// The value after quote removal when nothing needs expanding; None for
    /// words with parameters, substitutions or arithmetic. Globs, braces and
    /// `~` count as text.
    pub fn literal(&self) -> Option<Cow<'_, str>> {
        if let [
            Part {
                kind: PartKind::Literal(s) | PartKind::SingleQuoted(s),
                ..
            },
        ] = self.parts.as_slice()
        {
            return Some(Cow::Borrowed(s));
        }
        let mut out = String::new();
        push_literal(&self.parts, &mut out).then_some(Cow::Owned(out))
    }

    /// Some part is quoted or escaped.
    pub fn is_quoted(&self) -> bool {
        self.parts.iter().any(|p| {
            matches!(
                p.kind,
                PartKind::Escaped(_)
                    | PartKind::SingleQuoted(_)
                    | PartKind::AnsiC(_)
                    | PartKind::DoubleQuoted { .. }
            )
        })
    }

    /// Some part expands a parameter, a command, arithmetic or a process substitution.
    pub fn has_expansion(&self) -> bool {
        has_expansion(&self.parts)
    }

    /// The word as written.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.span.start..self.span.end).unwrap_or("")
    }
}

fn push_literal(parts: &[Part], out: &mut String) -> bool {
    parts.iter().all(|p| match &p.kind {
        PartKind::Literal(s) | PartKind::SingleQuoted(s) | PartKind::AnsiC(s) => {
            out.push_str(s);
            true
        }
        PartKind::Escaped(c) => {
            out.push(*c);
            true
        }
        PartKind::DoubleQuoted { parts, .. } => push_literal(parts, out),
        PartKind::ExtGlob { op, parts } => {
            out.push(*op);
            out.push('(');
            let ok = push_literal(parts, out);
            out.push(')');
            ok
        }
        _ => false,
    })
}

fn has_expansion(parts: &[Part]) -> bool {
    parts.iter().any(|p| match &p.kind {
        PartKind::DoubleQuoted { parts, .. } | PartKind::ExtGlob { parts, .. } => {
            has_expansion(parts)
        }
        PartKind::Array(words) => words.iter().any(Word::has_expansion),
        k => matches!(
            k,
            PartKind::Param(_)
                | PartKind::CommandSubst { .. }
                | PartKind::Arith(_)
                | PartKind::ProcessSubst { .. }
        ),
    })
}
