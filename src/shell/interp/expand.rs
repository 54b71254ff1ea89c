//! Word expansion: tilde, parameters, command substitution, arithmetic,
//! field splitting on IFS, globbing against the filesystem, quote removal.

use super::{Flow, Io, Shell, Sink, pattern};
use crate::shell::ast::*;

/// One field being built: its value, and the same as a pattern (quoted
/// characters escaped) for globbing.
#[derive(Default)]
struct Field {
    val: String,
    pat: String,
    glob: bool,
    /// Something quoted was in it: an empty field is kept.
    keep: bool,
}

struct Builder {
    fields: Vec<Field>,
    cur: Field,
    split: bool,
    ifs: String,
}

impl Builder {
    fn quoted(&mut self, s: &str) {
        self.cur.keep = true;
        self.cur.val.push_str(s);
        self.cur.pat.push_str(&pattern::escape(s));
    }

    fn literal(&mut self, s: &str) {
        self.cur.val.push_str(s);
        self.cur.pat.push_str(s);
        if s.contains(['*', '?', '[']) {
            self.cur.glob = true;
        }
    }

    /// The result of an unquoted expansion: split on IFS.
    fn expanded(&mut self, s: &str) {
        if !self.split {
            return self.literal(s);
        }
        for c in s.chars() {
            if self.ifs.contains(c) {
                if c.is_whitespace() {
                    if !self.cur.val.is_empty() || self.cur.keep {
                        self.finish();
                    }
                } else {
                    self.cur.keep = true;
                    self.finish();
                }
            } else {
                let mut b = [0; 4];
                self.literal(c.encode_utf8(&mut b));
            }
        }
    }

    fn finish(&mut self) {
        let f = std::mem::take(&mut self.cur);
        if !f.val.is_empty() || f.keep {
            self.fields.push(f);
        }
    }
}

/// A parameter's value: one string, or the positional parameters of `$@`.
enum Val {
    One(String),
    Many(Vec<String>),
}

impl Val {
    fn joined(self, sep: &str) -> String {
        match self {
            Val::One(s) => s,
            Val::Many(v) => v.join(sep),
        }
    }
}

impl Shell<'_, '_> {
    fn builder(&self, split: bool) -> Builder {
        Builder {
            fields: Vec::new(),
            cur: Field::default(),
            split,
            ifs: self
                .ctx
                .get_var("IFS")
                .map_or_else(|| " \t\n".to_string(), str::to_string),
        }
    }

    /// Words to fields: the arguments of a command, the items of `for`.
    pub fn expand_words(&mut self, words: &[Word], io: &Io) -> Result<Vec<String>, Flow> {
        let mut out = Vec::new();
        for w in words {
            let mut b = self.builder(true);
            self.parts(&w.parts, io, &mut b, false, true)?;
            b.finish();
            for f in b.fields {
                if f.glob && !self.ctx.options.noglob {
                    let hits = self.glob(&f.pat)?;
                    if !hits.is_empty() {
                        out.extend(hits);
                        continue;
                    }
                }
                out.push(f.val);
            }
        }
        Ok(out)
    }

    /// A word to one string, without splitting or globbing (assignments,
    /// redirection targets, `case` words, here-strings).
    pub fn expand_string(&mut self, w: &Word, io: &Io) -> Result<String, Flow> {
        let mut b = self.builder(false);
        self.parts(&w.parts, io, &mut b, false, true)?;
        b.finish();
        Ok(b.fields
            .into_iter()
            .map(|f| f.val)
            .collect::<Vec<_>>()
            .join(" "))
    }

    pub fn expand_assign(&mut self, w: &Word, io: &Io) -> Result<String, Flow> {
        self.expand_string(w, io)
    }

    /// A word as a pattern: quoted characters escaped.
    pub fn expand_pattern(&mut self, w: &Word, io: &Io) -> Result<String, Flow> {
        let mut b = self.builder(false);
        self.parts(&w.parts, io, &mut b, false, true)?;
        b.finish();
        Ok(b.fields
            .into_iter()
            .map(|f| f.pat)
            .collect::<Vec<_>>()
            .join(" "))
    }

    /// A here-document body.
    pub fn expand_parts_string(&mut self, parts: &[Part], io: &Io) -> Result<String, Flow> {
        let mut b = self.builder(false);
        self.parts(parts, io, &mut b, true, false)?;
        b.finish();
        Ok(b.fields
            .into_iter()
            .map(|f| f.val)
            .collect::<Vec<_>>()
            .join(""))
    }

    fn parts(
        &mut self,
        parts: &[Part],
        io: &Io,
        b: &mut Builder,
        quoted: bool,
        word_start: bool,
    ) -> Result<(), Flow> {
        for (i, p) in parts.iter().enumerate() {
            match &p.kind {
                PartKind::Literal(s) => {
                    if quoted {
                        b.quoted(s);
                    } else if i == 0 && word_start && s.starts_with('~') {
                        let (user, rest) = match s.find('/') {
                            Some(k) => (&s[1..k], &s[k..]),
                            None => (&s[1..], ""),
                        };
                        match self.home_of(user) {
                            Some(h) => {
                                b.quoted(&h);
                                b.literal(rest);
                            }
                            None => b.literal(s),
                        }
                    } else {
                        b.literal(s);
                    }
                }
                PartKind::Escaped(c) => {
                    let mut buf = [0; 4];
                    b.quoted(c.encode_utf8(&mut buf));
                }
                PartKind::SingleQuoted(s) | PartKind::AnsiC(s) => b.quoted(s),
                PartKind::DoubleQuoted { parts: inner, .. } => {
                    if let [
                        Part {
                            kind: PartKind::Param(pe),
                            ..
                        },
                    ] = inner.as_slice()
                        && pe.name == "@"
                        && pe.op.is_none()
                        && !pe.length
                    {
                        // "$@": one field per positional parameter, none when there are none.
                        let args = self.ctx.args.get(1..).unwrap_or_default().to_vec();
                        for (k, a) in args.iter().enumerate() {
                            if k > 0 {
                                b.finish();
                            }
                            b.quoted(a);
                        }
                        continue;
                    }
                    b.cur.keep = true;
                    self.parts(inner, io, b, true, false)?;
                }
                PartKind::Param(pe) => {
                    let v = self.param(pe, io, quoted)?;
                    match v {
                        Val::One(s) => {
                            if quoted {
                                b.quoted(&s)
                            } else {
                                b.expanded(&s)
                            }
                        }
                        Val::Many(v) => {
                            if quoted {
                                let sep =
                                    b.ifs.chars().next().map(String::from).unwrap_or_default();
                                b.quoted(&v.join(&sep));
                            } else {
                                for (k, a) in v.iter().enumerate() {
                                    if k > 0 && b.split {
                                        b.finish();
                                    } else if k > 0 {
                                        b.literal(" ");
                                    }
                                    b.expanded(a);
                                }
                            }
                        }
                    }
                }
                PartKind::CommandSubst { script, .. } => {
                    let s = self.command_subst(script, io)?;
                    if quoted { b.quoted(&s) } else { b.expanded(&s) }
                }
                PartKind::Arith(e) => {
                    let v = self.arith(&e.text, io, e.span.start)?.to_string();
                    if quoted { b.quoted(&v) } else { b.expanded(&v) }
                }
                PartKind::ProcessSubst { .. } => {
                    let line = self.line_of(p.span.start);
                    self.ctx.unsimulated.push(super::Unsimulated {
                        name: "process substitution".into(),
                        span: p.span,
                        line,
                    });
                    b.literal("/dev/null");
                }
                PartKind::ExtGlob { op, parts: inner } => {
                    b.literal(&format!("{op}("));
                    self.parts(inner, io, b, quoted, false)?;
                    b.literal(")");
                }
                PartKind::Array(words) => {
                    let v = self.expand_words(words, io)?;
                    b.literal(&format!("({})", v.join(" ")));
                }
            }
        }
        Ok(())
    }

    fn home_of(&self, user: &str) -> Option<String> {
        if user.is_empty() {
            return Some(self.ctx.get_var("HOME").unwrap_or("/root").to_string());
        }
        let passwd = self.ctx.fs.read_file("/etc/passwd").ok()?;
        String::from_utf8_lossy(&passwd).lines().find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.first() == Some(&user)).then(|| f.get(5).unwrap_or(&"/").to_string())
        })
    }

    pub fn command_subst(&mut self, script: &Script, io: &Io) -> Result<String, Flow> {
        let cap = self.new_capture();
        let sub = Io {
            stdin: io.stdin.clone(),
            pos: io.pos.clone(),
            out: Sink::Capture(cap),
            err: io.err,
        };
        let r = self.subshell(|sh| sh.run_list(&script.body, &sub));
        let out = self.take_capture(cap);
        let s = r?;
        self.ctx.last_subst = Some(s);
        self.ctx.status = s;
        let mut text = String::from_utf8_lossy(&out).into_owned();
        while text.ends_with('\n') {
            text.pop();
        }
        Ok(text)
    }

    /// `$((text))`: `$x` substituted, then evaluated; an error ends the shell (status 2), as in dash.
    pub fn arith(&mut self, text: &str, io: &Io, offset: usize) -> Result<i64, Flow> {
        let mut s = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '$' {
                s.push(c);
                continue;
            }
            let mut name = String::new();
            if chars.peek() == Some(&'{') {
                chars.next();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    name.push(c);
                }
            } else if let Some(&c) = chars.peek()
                && (c.is_ascii_digit() || "#?".contains(c))
            {
                chars.next();
                name.push(c);
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        name.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
            }
            s.push_str(&self.simple_param(&name).unwrap_or_default());
        }
        match super::arith::eval(&s, self.ctx) {
            Ok(v) => Ok(v),
            Err(m) => {
                // dash's words: `arithmetic expression: division by zero: "1/0"`.
                let msg = format!("arithmetic expression: {m}: \"{}\"", text.trim());
                self.sh_err(io, offset, &msg)?;
                Err(Flow::Exit(2))
            }
        }
    }

    /// The value of a parameter by name; None when unset.
    fn simple_param(&self, name: &str) -> Option<String> {
        let args = &self.ctx.args;
        Some(match name {
            "#" => (args.len().saturating_sub(1)).to_string(),
            "?" => self.ctx.status.to_string(),
            "$" => "1".into(),
            "!" => String::new(),
            "-" => {
                let o = self.ctx.options;
                let mut s = String::new();
                for (on, c) in [
                    (o.errexit, 'e'),
                    (o.noglob, 'f'),
                    (o.nounset, 'u'),
                    (o.xtrace, 'x'),
                ] {
                    if on {
                        s.push(c);
                    }
                }
                s
            }
            "@" | "*" => args.get(1..).unwrap_or_default().join(" "),
            n if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
                args.get(n.parse::<usize>().ok()?)?.clone()
            }
            n => self.ctx.get_var(n)?.to_string(),
        })
    }

    fn param(&mut self, pe: &ParamExpansion, io: &Io, quoted: bool) -> Result<Val, Flow> {
        let _ = quoted;
        let name = if pe.indirect && pe.op.is_none() && pe.index.is_none() {
            self.simple_param(&pe.name).unwrap_or_default()
        } else {
            pe.name.clone()
        };
        if let Some(ParamOp::Names { .. }) = pe.op {
            let names: Vec<String> = self
                .ctx
                .vars
                .iter()
                .filter(|v| v.name.starts_with(&pe.name))
                .map(|v| v.name.clone())
                .collect();
            return Ok(Val::One(names.join(" ")));
        }
        let many = name == "@" || name == "*";
        let value: Option<Val> = if many {
            Some(Val::Many(
                self.ctx.args.get(1..).unwrap_or_default().to_vec(),
            ))
        } else {
            self.simple_param(&name).map(Val::One)
        };
        if pe.length {
            return Ok(Val::One(match value {
                Some(Val::Many(v)) => v.len().to_string(),
                Some(Val::One(s)) => s.chars().count().to_string(),
                None => {
                    self.unset_check(&name, pe, io)?;
                    "0".into()
                }
            }));
        }
        let Some(op) = pe.op else {
            return match value {
                Some(v) => Ok(v),
                None => {
                    self.unset_check(&name, pe, io)?;
                    Ok(Val::One(String::new()))
                }
            };
        };
        let is_set = value.is_some();
        let empty = match &value {
            Some(Val::One(s)) => s.is_empty(),
            Some(Val::Many(v)) => v.is_empty(),
            None => true,
        };
        let operand = |sh: &mut Self| -> Result<String, Flow> {
            match &pe.operand {
                Some(w) => sh.expand_string(w, io),
                None => Ok(String::new()),
            }
        };
        let missing = |colon: bool| !is_set || (colon && empty);
        match op {
            ParamOp::Default { colon } if missing(colon) => {
                return Ok(Val::One(operand(self)?));
            }
            ParamOp::Assign { colon } if missing(colon) => {
                let v = operand(self)?;
                self.ctx.set_var(&name, v.clone());
                return Ok(Val::One(v));
            }
            ParamOp::Error { colon } if missing(colon) => {
                let mut msg = operand(self)?;
                if msg.is_empty() {
                    msg = if colon {
                        "parameter null or not set".into()
                    } else {
                        "parameter not set".into()
                    };
                }
                self.sh_err(io, pe.span.start, &format!("{name}: {msg}"))?;
                return Err(Flow::Exit(2));
            }
            ParamOp::Alternate { colon } => {
                return Ok(Val::One(if missing(colon) {
                    String::new()
                } else {
                    operand(self)?
                }));
            }
            _ => {}
        }
        let Some(value) = value else {
            self.unset_check(&name, pe, io)?;
            return Ok(Val::One(String::new()));
        };
        let s = value.joined(" ");
        let pat = |sh: &mut Self| -> Result<String, Flow> {
            match &pe.operand {
                Some(w) => sh.expand_pattern(w, io),
                None => Ok(String::new()),
            }
        };
        Ok(Val::One(match op {
            ParamOp::RemovePrefix { longest } => pattern::remove_prefix(&s, &pat(self)?, longest),
            ParamOp::RemoveSuffix { longest } => pattern::remove_suffix(&s, &pat(self)?, longest),
            ParamOp::Replace { all, anchor } => {
                let p = pat(self)?;
                let with = match &pe.operand2 {
                    Some(w) => self.expand_string(w, io)?,
                    None => String::new(),
                };
                pattern::replace(&s, &p, &with, all, anchor)
            }
            ParamOp::Upper { all } => change_case(&s, all, true),
            ParamOp::Lower { all } => change_case(&s, all, false),
            ParamOp::Substring => {
                let off_text = match &pe.operand {
                    Some(w) => self.expand_string(w, io)?,
                    None => String::new(),
                };
                let off = self.arith(&off_text, io, pe.span.start)?;
                let chars: Vec<char> = s.chars().collect();
                let n = chars.len() as i64;
                let start = if off < 0 {
                    (n + off).max(0)
                } else {
                    off.min(n)
                };
                let end = match &pe.operand2 {
                    Some(w) => {
                        let t = self.expand_string(w, io)?;
                        let len = self.arith(&t, io, pe.span.start)?;
                        if len < 0 {
                            (n + len).max(start)
                        } else {
                            (start + len).min(n)
                        }
                    }
                    None => n,
                };
                chars[start as usize..end.max(start) as usize]
                    .iter()
                    .collect()
            }
            ParamOp::Transform('Q') => format!("'{}'", s.replace('\'', "'\\''")),
            ParamOp::Transform(_) => s,
            ParamOp::Invalid => {
                let text = self
                    .src
                    .get(pe.span.start..pe.span.end)
                    .unwrap_or("${}")
                    .to_string();
                self.sh_err(io, pe.span.start, &format!("{text}: Bad substitution"))?;
                return Err(Flow::Exit(2));
            }
            _ => s,
        }))
    }

    /// `set -u`: an unset parameter is an error that ends the shell.
    fn unset_check(&mut self, name: &str, pe: &ParamExpansion, io: &Io) -> Result<(), Flow> {
        if self.ctx.options.nounset && name != "@" && name != "*" {
            self.sh_err(io, pe.span.start, &format!("{name}: parameter not set"))?;
            return Err(Flow::Exit(2));
        }
        Ok(())
    }

    /// The paths `pat` matches, sorted; none when nothing does.
    pub fn glob(&mut self, pat: &str) -> Result<Vec<String>, Flow> {
        let abs = pat.starts_with('/');
        let comps: Vec<&str> = pat.split('/').filter(|c| !c.is_empty()).collect();
        let mut cur: Vec<String> = vec![if abs { "/".into() } else { String::new() }];
        let join = |base: &str, name: &str| {
            if base.is_empty() {
                name.to_string()
            } else if base.ends_with('/') {
                format!("{base}{name}")
            } else {
                format!("{base}/{name}")
            }
        };
        for (i, c) in comps.iter().enumerate() {
            let last = i + 1 == comps.len();
            let mut next = Vec::new();
            for base in &cur {
                if pattern::has_glob(c) {
                    self.ctx.steps += 1;
                    let dir = self.ctx.abs(if base.is_empty() { "." } else { base });
                    let Ok(entries) = self.ctx.fs.read_dir(&dir) else {
                        continue;
                    };
                    for (name, _) in entries {
                        if name.starts_with('.') && !c.starts_with('.') && !c.starts_with("\\.") {
                            continue;
                        }
                        if !pattern::matches(c, &name) {
                            continue;
                        }
                        let p = join(base, &name);
                        if !last
                            && !self
                                .ctx
                                .fs
                                .stat(&self.ctx.abs(&p))
                                .is_ok_and(|s| s.kind == crate::vfs::Kind::Dir)
                        {
                            continue;
                        }
                        next.push(p);
                    }
                } else {
                    next.push(join(base, &pattern::unescape(c)));
                }
            }
            cur = next;
            if cur.len() > 100_000 {
                return Err(Flow::Stop(
                    "RUN stopped: a glob matched more than 100000 paths".into(),
                ));
            }
        }
        cur.retain(|p| self.ctx.fs.lstat(&self.ctx.abs(p)).is_ok());
        if pat.ends_with('/') {
            cur.retain(|p| {
                self.ctx
                    .fs
                    .stat(&self.ctx.abs(p))
                    .is_ok_and(|s| s.kind == crate::vfs::Kind::Dir)
            });
            for p in &mut cur {
                p.push('/');
            }
        }
        cur.sort();
        Ok(cur)
    }
}

fn change_case(s: &str, all: bool, upper: bool) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if all || i == 0 {
            if upper {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
        } else {
            out.push(c);
        }
    }
    out
}
