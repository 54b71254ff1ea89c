//! Walking the tree: every node, parents first, in source order, with nested
//! scripts (substitutions, `${…}` operands, here-document bodies) included.

use super::ast::*;
use super::parser::Body;

/// A node handed to the callback of [`Script::walk`].
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    Script(&'a Script),
    Pipeline(&'a Pipeline),
    Command(&'a Command),
    SimpleCommand(&'a SimpleCommand),
    Assignment(&'a Assignment),
    Word(&'a Word),
    Redirect(&'a Redirect),
}

impl Script {
    /// Calls `f` on this script and every node in it, parents before children.
    /// A command comes before the commands nested in its words, so the order
    /// is source order except that a here-document body's commands come with
    /// the command that reads it.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(Node<'a>)) {
        script(self, f);
    }

    /// Every simple command, nested ones included, in walk order.
    pub fn simple_commands(&self) -> Vec<&SimpleCommand> {
        let mut out = Vec::new();
        self.for_each_command(|c| out.push(c));
        out
    }

    pub fn for_each_command<'a>(&'a self, mut f: impl FnMut(&'a SimpleCommand)) {
        self.walk(&mut |n| {
            if let Node::SimpleCommand(c) = n {
                f(c);
            }
        });
    }

    /// Every pipeline (a lone command is a pipeline of one), nested ones included.
    pub fn pipelines(&self) -> Vec<&Pipeline> {
        let mut out = Vec::new();
        self.walk(&mut |n| {
            if let Node::Pipeline(p) = n {
                out.push(p);
            }
        });
        out
    }
}

fn script<'a>(s: &'a Script, f: &mut impl FnMut(Node<'a>)) {
    f(Node::Script(s));
    list(&s.body, f);
}

fn list<'a>(l: &'a List, f: &mut impl FnMut(Node<'a>)) {
    for item in &l.items {
        let a = &item.and_or;
        for p in std::iter::once(&a.first).chain(a.rest.iter().map(|(_, p)| p)) {
            f(Node::Pipeline(p));
            p.commands.iter().for_each(|c| command(c, f));
        }
    }
}

fn command<'a>(c: &'a Command, f: &mut impl FnMut(Node<'a>)) {
    f(Node::Command(c));
    match c {
        Command::Simple(s) => {
            f(Node::SimpleCommand(s));
            // Assignments, words and redirections interleave in the source.
            let (mut a, mut w, mut r) = (0, 0, 0);
            loop {
                let start = |span: Option<crate::dockerfile::span::Span>| {
                    span.map_or(usize::MAX, |s| s.start)
                };
                let sa = start(s.assignments.get(a).map(|x| x.span));
                let sw = start(s.words.get(w).map(|x| x.span));
                let sr = start(s.redirects.get(r).map(|x| x.span));
                if sa == usize::MAX && sw == usize::MAX && sr == usize::MAX {
                    break;
                }
                if sa <= sw && sa <= sr {
                    assignment(&s.assignments[a], f);
                    a += 1;
                } else if sw <= sr {
                    word(&s.words[w], f);
                    w += 1;
                } else {
                    redirect(&s.redirects[r], f);
                    r += 1;
                }
            }
        }
        Command::Compound(c) => compound(c, f),
        Command::Function(d) => compound(&d.body, f),
    }
}

fn compound<'a>(c: &'a CompoundCommand, f: &mut impl FnMut(Node<'a>)) {
    match &c.kind {
        Compound::Brace { body } | Compound::Subshell { body } => list(body, f),
        Compound::If { branches, else_ } => {
            for (cond, body) in branches {
                list(cond, f);
                list(body, f);
            }
            if let Some(e) = else_ {
                list(e, f);
            }
        }
        Compound::While { cond, body, .. } => {
            list(cond, f);
            list(body, f);
        }
        Compound::For { words, body, .. } | Compound::Select { words, body, .. } => {
            words.iter().flatten().for_each(|w| word(w, f));
            list(body, f);
        }
        Compound::ArithFor { body, .. } => list(body, f),
        Compound::Case { word: w, arms } => {
            word(w, f);
            for arm in arms {
                arm.patterns.iter().for_each(|p| word(p, f));
                list(&arm.body, f);
            }
        }
        Compound::Arith { .. } => {}
        Compound::Test { words } => words.iter().for_each(|w| word(w, f)),
    }
    c.redirects.iter().for_each(|r| redirect(r, f));
}

fn assignment<'a>(a: &'a Assignment, f: &mut impl FnMut(Node<'a>)) {
    f(Node::Assignment(a));
    if let Some(i) = &a.index {
        word(i, f);
    }
    match &a.value {
        AssignValue::Scalar(w) => word(w, f),
        AssignValue::Array(ws) => ws.iter().for_each(|w| word(w, f)),
    }
}

fn redirect<'a>(r: &'a Redirect, f: &mut impl FnMut(Node<'a>)) {
    f(Node::Redirect(r));
    match &r.target {
        RedirTarget::Word(w) => word(w, f),
        RedirTarget::HereDoc(h) => parts(&h.parts, f),
    }
}

fn word<'a>(w: &'a Word, f: &mut impl FnMut(Node<'a>)) {
    f(Node::Word(w));
    parts(&w.parts, f);
}

fn parts<'a>(ps: &'a [Part], f: &mut impl FnMut(Node<'a>)) {
    for p in ps {
        match &p.kind {
            PartKind::DoubleQuoted { parts: inner, .. }
            | PartKind::ExtGlob { parts: inner, .. } => parts(inner, f),
            PartKind::Param(pe) => {
                for w in [&pe.index, &pe.operand, &pe.operand2].into_iter().flatten() {
                    word(w, f);
                }
            }
            PartKind::CommandSubst { script: s, .. } | PartKind::ProcessSubst { script: s, .. } => {
                script(s, f)
            }
            PartKind::Array(ws) => ws.iter().for_each(|w| word(w, f)),
            _ => {}
        }
    }
}

/// Puts the here-document bodies the parser read into their redirections,
/// found by where each redirection starts. The bodies come after the command
/// that holds the redirection, when its node is already built.
pub(super) fn fill_heredocs(s: &mut Script, bodies: &mut [(usize, Body)]) {
    fill_list(&mut s.body, bodies);
}

fn fill_list(l: &mut List, b: &mut [(usize, Body)]) {
    for item in &mut l.items {
        let a = &mut item.and_or;
        for p in std::iter::once(&mut a.first).chain(a.rest.iter_mut().map(|(_, p)| p)) {
            for c in &mut p.commands {
                match c {
                    Command::Simple(s) => {
                        for a in &mut s.assignments {
                            fill_words(a.index.iter_mut(), b);
                            match &mut a.value {
                                AssignValue::Scalar(w) => fill_words(std::iter::once(w), b),
                                AssignValue::Array(ws) => fill_words(ws.iter_mut(), b),
                            }
                        }
                        fill_words(s.words.iter_mut(), b);
                        fill_redirects(&mut s.redirects, b);
                    }
                    Command::Compound(c) => fill_compound(c, b),
                    Command::Function(d) => fill_compound(&mut d.body, b),
                }
            }
        }
    }
}

fn fill_compound(c: &mut CompoundCommand, b: &mut [(usize, Body)]) {
    match &mut c.kind {
        Compound::Brace { body }
        | Compound::Subshell { body }
        | Compound::ArithFor { body, .. } => fill_list(body, b),
        Compound::If { branches, else_ } => {
            for (cond, body) in branches {
                fill_list(cond, b);
                fill_list(body, b);
            }
            if let Some(e) = else_ {
                fill_list(e, b);
            }
        }
        Compound::While { cond, body, .. } => {
            fill_list(cond, b);
            fill_list(body, b);
        }
        Compound::For { words, body, .. } | Compound::Select { words, body, .. } => {
            fill_words(words.iter_mut().flatten(), b);
            fill_list(body, b);
        }
        Compound::Case { word, arms } => {
            fill_words(std::iter::once(word), b);
            for arm in arms {
                fill_words(arm.patterns.iter_mut(), b);
                fill_list(&mut arm.body, b);
            }
        }
        Compound::Arith { .. } => {}
        Compound::Test { words } => fill_words(words.iter_mut(), b),
    }
    fill_redirects(&mut c.redirects, b);
}

fn fill_redirects(rs: &mut [Redirect], b: &mut [(usize, Body)]) {
    for r in rs {
        match &mut r.target {
            RedirTarget::Word(w) => fill_words(std::iter::once(w), b),
            RedirTarget::HereDoc(h) => {
                if let Ok(i) = b.binary_search_by_key(&r.span.start, |(k, _)| *k) {
                    let body = &mut b[i].1;
                    h.text = std::mem::take(&mut body.text);
                    h.parts = std::mem::take(&mut body.parts);
                    h.error = body.error.take();
                    h.body_span = body.body_span;
                    h.terminator = body.terminator;
                }
                fill_parts(&mut h.parts, b);
            }
        }
    }
}

fn fill_words<'w>(ws: impl Iterator<Item = &'w mut Word>, b: &mut [(usize, Body)]) {
    ws.for_each(|w| fill_parts(&mut w.parts, b));
}

fn fill_parts(ps: &mut [Part], b: &mut [(usize, Body)]) {
    for p in ps {
        match &mut p.kind {
            PartKind::DoubleQuoted { parts, .. } | PartKind::ExtGlob { parts, .. } => {
                fill_parts(parts, b)
            }
            PartKind::Param(pe) => fill_words(
                [&mut pe.index, &mut pe.operand, &mut pe.operand2]
                    .into_iter()
                    .flatten(),
                b,
            ),
            PartKind::CommandSubst { script, .. } | PartKind::ProcessSubst { script, .. } => {
                fill_list(&mut script.body, b)
            }
            PartKind::Array(ws) => fill_words(ws.iter_mut(), b),
            _ => {}
        }
    }
}
