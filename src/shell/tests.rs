//! Unit tests: structure through a compact printout, exact spans through
//! source slices, errors through message and span.

use super::*;
use std::fmt::Write;

/// A compact rendering of the tree: words as their parts, commands in
/// brackets, compound commands as (kind …).
fn show(src: &str) -> String {
    match parse(src) {
        Ok(s) => {
            check_spans(src, &s);
            let mut out = String::new();
            list(&mut out, &s.body);
            out
        }
        Err(e) => panic!("{src:?}: {} at {:?}", e.message, e.span),
    }
}

fn list(o: &mut String, l: &List) {
    for (i, item) in l.items.iter().enumerate() {
        if i > 0 {
            o.push_str("; ");
        }
        let a = &item.and_or;
        pipeline(o, &a.first);
        for (op, p) in &a.rest {
            o.push_str(if *op == AndOrOp::And { " && " } else { " || " });
            pipeline(o, p);
        }
        if item.background {
            o.push_str(" &");
        }
    }
}

fn pipeline(o: &mut String, p: &Pipeline) {
    if p.bang {
        o.push_str("! ");
    }
    for (i, c) in p.commands.iter().enumerate() {
        if i > 0 {
            o.push_str(if p.pipe_stderr[i - 1] { " |& " } else { " | " });
        }
        command(o, c);
    }
}

fn command(o: &mut String, c: &Command) {
    match c {
        Command::Simple(s) => {
            o.push('[');
            let mut first = true;
            let mut sep = |o: &mut String| {
                if !std::mem::take(&mut first) {
                    o.push(' ');
                }
            };
            for a in &s.assignments {
                sep(o);
                assignment(o, a);
            }
            for w in &s.words {
                sep(o);
                word(o, w);
            }
            for r in &s.redirects {
                sep(o);
                redirect(o, r);
            }
            o.push(']');
        }
        Command::Compound(c) => compound(o, c),
        Command::Function(f) => {
            write!(o, "(fn {} ", f.name.value).unwrap();
            compound(o, &f.body);
            o.push(')');
        }
    }
}

fn compound(o: &mut String, c: &CompoundCommand) {
    let lists = |o: &mut String, name: &str, ls: &[&List]| {
        write!(o, "({name}").unwrap();
        for l in ls {
            o.push_str(" {");
            list(o, l);
            o.push('}');
        }
        o.push(')');
    };
    match &c.kind {
        Compound::Brace { body } => lists(o, "brace", &[body]),
        Compound::Subshell { body } => lists(o, "sub", &[body]),
        Compound::If { branches, else_ } => {
            let mut ls: Vec<&List> = branches.iter().flat_map(|(a, b)| [a, b]).collect();
            ls.extend(else_);
            lists(o, "if", &ls)
        }
        Compound::While { until, cond, body } => {
            lists(o, if *until { "until" } else { "while" }, &[cond, body])
        }
        Compound::For { var, words, body } | Compound::Select { var, words, body } => {
            let kw = if matches!(c.kind, Compound::For { .. }) {
                "for"
            } else {
                "select"
            };
            write!(o, "({kw} {}", var.value).unwrap();
            if let Some(ws) = words {
                o.push_str(" in");
                for w in ws {
                    o.push(' ');
                    word(o, w);
                }
            }
            o.push_str(" {");
            list(o, body);
            o.push_str("})");
        }
        Compound::ArithFor {
            init,
            cond,
            step,
            body,
        } => {
            write!(o, "(for (({};{};{})) {{", init.text, cond.text, step.text).unwrap();
            list(o, body);
            o.push_str("})");
        }
        Compound::Case { word: w, arms } => {
            o.push_str("(case ");
            word(o, w);
            for arm in arms {
                o.push_str(" (");
                for (i, p) in arm.patterns.iter().enumerate() {
                    if i > 0 {
                        o.push('|');
                    }
                    word(o, p);
                }
                o.push_str(") {");
                list(o, &arm.body);
                o.push('}');
                o.push_str(match arm.terminator {
                    Some(CaseTerminator::Break) => ";;",
                    Some(CaseTerminator::FallThrough) => ";&",
                    Some(CaseTerminator::Continue) => ";;&",
                    None => "",
                });
            }
            o.push(')');
        }
        Compound::Arith { expr } => write!(o, "(({}))", expr.text).unwrap(),
        Compound::Test { words } => {
            o.push_str("[[");
            for w in words {
                o.push(' ');
                word(o, w);
            }
            o.push_str(" ]]");
        }
    }
    for r in &c.redirects {
        o.push(' ');
        redirect(o, r);
    }
}

fn assignment(o: &mut String, a: &Assignment) {
    o.push_str(&a.name.value);
    if let Some(i) = &a.index {
        o.push('[');
        word(o, i);
        o.push(']');
    }
    o.push_str(if a.append { "+=" } else { "=" });
    match &a.value {
        AssignValue::Scalar(w) => word(o, w),
        AssignValue::Array(ws) => {
            o.push('(');
            for (i, w) in ws.iter().enumerate() {
                if i > 0 {
                    o.push(' ');
                }
                word(o, w);
            }
            o.push(')');
        }
    }
}

fn redirect(o: &mut String, r: &Redirect) {
    match &r.fd {
        Some(RedirFd::Number(n)) => write!(o, "{n}").unwrap(),
        Some(RedirFd::Var(v)) => write!(o, "{{{v}}}").unwrap(),
        None => {}
    }
    let op = match r.op {
        RedirOp::In => "<",
        RedirOp::Out => ">",
        RedirOp::Append => ">>",
        RedirOp::Clobber => ">|",
        RedirOp::ReadWrite => "<>",
        RedirOp::DupIn => "<&",
        RedirOp::DupOut => ">&",
        RedirOp::OutErr => "&>",
        RedirOp::AppendErr => "&>>",
        RedirOp::HereString => "<<<",
        RedirOp::HereDoc => "<<",
    };
    o.push_str(op);
    match &r.target {
        RedirTarget::Word(w) => word(o, w),
        RedirTarget::HereDoc(h) => {
            write!(
                o,
                "{}{}{:?}",
                if h.strip_tabs { "-" } else { "" },
                if h.quoted { "'" } else { "" },
                h.delimiter
            )
            .unwrap();
            o.push('{');
            parts(o, &h.parts);
            if h.quoted {
                o.push_str(&h.text);
            }
            o.push('}');
        }
    }
}

fn word(o: &mut String, w: &Word) {
    parts(o, &w.parts)
}

fn parts(o: &mut String, ps: &[Part]) {
    for p in ps {
        match &p.kind {
            PartKind::Literal(s) => o.push_str(s),
            PartKind::Escaped(c) => write!(o, "\\{c}").unwrap(),
            PartKind::SingleQuoted(s) => write!(o, "'{s}'").unwrap(),
            PartKind::AnsiC(s) => write!(o, "$'{}'", s.escape_default()).unwrap(),
            PartKind::DoubleQuoted {
                parts: inner,
                locale,
            } => {
                o.push_str(if *locale { "$\"" } else { "\"" });
                parts(o, inner);
                o.push('"');
            }
            PartKind::Param(pe) => param(o, pe),
            PartKind::CommandSubst { script, backtick } => {
                o.push_str(if *backtick { "`" } else { "$(" });
                list(o, &script.body);
                o.push_str(if *backtick { "`" } else { ")" });
            }
            PartKind::Arith(e) => write!(o, "$(({}))", e.text).unwrap(),
            PartKind::ProcessSubst { script, write } => {
                o.push_str(if *write { ">(" } else { "<(" });
                list(o, &script.body);
                o.push(')');
            }
            PartKind::ExtGlob { op, parts: inner } => {
                write!(o, "{op}(").unwrap();
                parts(o, inner);
                o.push(')');
            }
        }
    }
}

fn param(o: &mut String, pe: &ParamExpansion) {
    if !pe.braced {
        write!(o, "${}", pe.name).unwrap();
        return;
    }
    o.push_str("${");
    if pe.length {
        o.push('#');
    }
    if pe.indirect {
        o.push('!');
    }
    o.push_str(&pe.name);
    if let Some(i) = &pe.index {
        o.push('[');
        word(o, i);
        o.push(']');
    }
    if let Some(op) = pe.op {
        let s = match op {
            ParamOp::Default { colon } => if colon { ":-" } else { "-" }.to_owned(),
            ParamOp::Assign { colon } => if colon { ":=" } else { "=" }.to_owned(),
            ParamOp::Error { colon } => if colon { ":?" } else { "?" }.to_owned(),
            ParamOp::Alternate { colon } => if colon { ":+" } else { "+" }.to_owned(),
            ParamOp::RemovePrefix { longest } => if longest { "##" } else { "#" }.to_owned(),
            ParamOp::RemoveSuffix { longest } => if longest { "%%" } else { "%" }.to_owned(),
            ParamOp::Replace { all, anchor } => {
                format!(
                    "/{}{}",
                    if all { "/" } else { "" },
                    anchor.map(String::from).unwrap_or_default()
                )
            }
            ParamOp::Upper { all } => if all { "^^" } else { "^" }.to_owned(),
            ParamOp::Lower { all } => if all { ",," } else { "," }.to_owned(),
            ParamOp::Substring => ":".to_owned(),
            ParamOp::Names { at } => if at { "@" } else { "*" }.to_owned(),
            ParamOp::Transform(c) => format!("@{c}"),
            ParamOp::Invalid => "?!".to_owned(),
        };
        o.push_str(&s);
    }
    if let Some(w) = &pe.operand {
        o.push('«');
        word(o, w);
        o.push('»');
    }
    if let Some(w) = &pe.operand2 {
        o.push_str("«");
        word(o, w);
        o.push('»');
    }
    o.push('}');
}

/// Every span in the tree is inside `src`, on character boundaries, and
/// children lie inside their parents' spans where that must hold.
fn check_spans(src: &str, s: &Script) {
    let ok = |sp: crate::dockerfile::span::Span| {
        assert!(
            sp.start <= sp.end && sp.end <= src.len(),
            "{sp:?} out of 0..{}",
            src.len()
        );
        assert!(
            src.is_char_boundary(sp.start) && src.is_char_boundary(sp.end),
            "{sp:?}"
        );
    };
    s.walk(&mut |n| match n {
        Node::Word(w) => {
            ok(w.span);
            for p in &w.parts {
                ok(p.span);
                assert!(
                    w.span.start <= p.span.start && p.span.end <= w.span.end,
                    "part {:?} outside word {:?} in {src:?}",
                    p.span,
                    w.span
                );
            }
        }
        Node::SimpleCommand(c) => ok(c.span),
        Node::Pipeline(p) => ok(p.span),
        Node::Redirect(r) => ok(r.span),
        Node::Assignment(a) => ok(a.span),
        Node::Script(s) => ok(s.span),
        Node::Command(c) => ok(c.span()),
    });
}

fn err(src: &str) -> (String, String) {
    match parse(src) {
        Ok(s) => panic!("{src:?} parsed: {s:?}"),
        Err(e) => (e.message, src[e.span.start..e.span.end].to_owned()),
    }
}

/// The source text of every word, in walk order.
fn words(src: &str) -> Vec<&str> {
    let s = parse(src).unwrap();
    let mut out = Vec::new();
    s.walk(&mut |n| {
        if let Node::Word(w) = n {
            out.push(w.text(src));
        }
    });
    out
}

#[test]
fn explore() {
    if let Ok(src) = std::env::var("SHELL_SRC") {
        match parse(&src) {
            Ok(_) => println!("{}", show(&src)),
            Err(e) => println!(
                "error: {} at {:?} {:?}",
                e.message,
                e.span,
                &src.get(e.span.start..e.span.end)
            ),
        }
    }
}

/// Nesting just under the limit, for each construct that nests.
fn deep_cases(n: usize) -> Vec<(&'static str, String)> {
    let rep =
        |open: &str, mid: &str, close: &str| format!("{}{mid}{}", open.repeat(n), close.repeat(n));
    vec![
        ("$(", rep("echo $(", "x", ")")),
        ("\"$(", rep("\"$(", "x", ")\"")),
        ("{", rep("{ ", "x", "; }")),
        ("(", rep("( ", "x", " )")),
        ("if", rep("if x; then ", "x", "; fi")),
        ("while", rep("while x; do ", "x", "; done")),
        ("case", rep("case x in x) ", "x", ";; esac")),
        ("${", rep("${x:-", "x", "}")),
        ("@(", rep("@(", "x", ")")),
        ("<(", rep("cat <(", "x", ")")),
        ("[[", rep("[[ $(", "x", ") ]]")),
        ("f()", rep("f() { ", "x", "; }")),
    ]
}

#[test]
fn deep_nesting_under_the_limit_parses() {
    // Each case nests at most MAX_DEPTH levels when counted generously.
    let levels = MAX_DEPTH / 2 - 1;
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            for (name, src) in deep_cases(levels) {
                assert!(parse(&src).is_ok(), "{name}: {:?}", parse(&src).err());
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// The stack the deep tests run on: what a browser's wasm instance or a
/// secondary native thread can count on.
const STACK: usize = 1 << 20;

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(|| {
            for (name, src) in deep_cases(10_000) {
                let e = parse(&src).expect_err(name);
                assert!(
                    e.message.contains("nesting too deep"),
                    "{name}: {}",
                    e.message
                );
            }
            for src in [
                "(".repeat(10_000),
                "$(".repeat(10_000),
                "{ ".repeat(10_000),
                "\"$(".repeat(10_000),
                "$((".repeat(10_000),
                "((".repeat(10_000),
                "${".repeat(10_000),
                "`".repeat(10_001),
                "@(".repeat(10_000),
                "<(".repeat(10_000),
                "[[ ".repeat(10_000),
                "if ".repeat(10_000),
            ] {
                assert!(parse(&src).is_err(), "{}", &src[..10]);
            }
        })
        .unwrap()
        .join()
        .unwrap();
}
