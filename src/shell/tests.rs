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
    if p.time {
        o.push_str("time ");
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
            PartKind::Array(words) => {
                o.push('(');
                for (i, w) in words.iter().enumerate() {
                    if i > 0 {
                        o.push(' ');
                    }
                    word(o, w);
                }
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
        o.push('«');
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

/// The stack the deep tests run on: in optimized builds 1 MiB, what a wasm
/// instance in a browser can count on; unoptimized builds, whose frames are
/// about twice as big, get Rust's default 2 MiB for threads.
const STACK: usize = if cfg!(debug_assertions) {
    2 << 20
} else {
    1 << 20
};

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

fn slice(src: &str, span: crate::dockerfile::span::Span) -> &str {
    &src[span.start..span.end]
}

fn first_simple(s: &Script) -> &SimpleCommand {
    s.simple_commands()[0]
}

#[test]
fn lists_and_pipelines() {
    assert_eq!(
        show("a; b & c && d || e | f |& g"),
        "[a]; [b] &; [c] && [d] || [e] | [f] |& [g]"
    );
    assert_eq!(show("! a | b\nc\n\n  d;"), "! [a] | [b]; [c]; [d]");
    assert_eq!(show("a &&\n\n b ||\n c |\n d"), "[a] && [b] || [c] | [d]");
    assert_eq!(
        show("time a | b; time -p { c; }; ! time d"),
        "time [a] | [b]; time (brace {[c]}); ! time [d]"
    );
    assert_eq!(show("time; time && time -x"), "[time]; [time] && time [-x]");
    assert_eq!(show(""), "");
    assert_eq!(show("  # only a comment\n\n"), "");
    let src = "a b;  c & d";
    let s = parse(src).unwrap();
    let items: Vec<&str> = s.body.items.iter().map(|i| slice(src, i.span)).collect();
    assert_eq!(items, ["a b;", "c &", "d"]);
    assert_eq!(slice(src, s.body.span), src);
    let src = "x | y |& z && w";
    let s = parse(src).unwrap();
    let a = &s.body.items[0].and_or;
    assert_eq!(slice(src, a.first.span), "x | y |& z");
    assert_eq!(a.first.pipe_stderr, [false, true]);
    assert_eq!(slice(src, a.rest[0].1.span), "w");
    assert_eq!(slice(src, a.span), src);
}

#[test]
fn words_and_commands_keep_exact_spans() {
    let src = "  FOO=1 apt-get install -y \\\n    curl>/dev/null 2>&1 # done";
    let s = parse(src).unwrap();
    let c = first_simple(&s);
    assert_eq!(
        slice(src, c.span),
        "FOO=1 apt-get install -y \\\n    curl>/dev/null 2>&1"
    );
    assert_eq!(c.name().as_deref(), Some("apt-get"));
    let args: Vec<_> = c.args().iter().map(|w| w.text(src)).collect();
    assert_eq!(args, ["install", "-y", "curl"]);
    let r: Vec<_> = c.redirects.iter().map(|r| slice(src, r.span)).collect();
    assert_eq!(r, [">/dev/null", "2>&1"]);
    assert_eq!(c.redirects[1].fd, Some(RedirFd::Number(2)));
    assert_eq!(c.redirects[1].op, RedirOp::DupOut);
    assert_eq!(slice(src, c.assignments[0].span), "FOO=1");
}

#[test]
fn line_continuations_inside_words() {
    let src = "echo fo\\\no \"a\\\nb\" \\\n$HO\\\nME";
    let s = parse(src).unwrap();
    let c = first_simple(&s);
    assert_eq!(c.words[1].text(src), "fo\\\no");
    assert_eq!(c.words[1].literal().as_deref(), Some("foo"));
    assert_eq!(c.words[2].literal().as_deref(), Some("ab"));
    assert_eq!(c.words[3].text(src), "$HO\\\nME");
    assert_eq!(show(src), "[echo foo \"ab\" $HOME]");
    // Operators too may be split.
    assert_eq!(show("a &\\\n& b"), "[a] && [b]");
}

#[test]
fn quoting() {
    assert_eq!(
        show(r#"echo 'a b' "c $d" $'e\tf' $"g" \h\ i"#),
        r#"[echo 'a b' "c $d" $'e\tf' $"g" \h\ i]"#
    );
    let src = r#"x "a\"b\$c\\d\e" 'it''s' $'\x41\101\u00e9\cA\q'"#;
    let s = parse(src).unwrap();
    let w = &first_simple(&s).words;
    assert_eq!(w[1].literal().as_deref(), Some(r#"a"b$c\d\e"#));
    assert_eq!(w[2].literal().as_deref(), Some("its"));
    assert_eq!(w[3].literal().as_deref(), Some("AAé\u{1}\\q"));
    assert!(w[1].is_quoted() && !w[1].has_expansion());
    assert!(!w[0].is_quoted());
    let src = "echo \"$HOME\"/bin pre'fix'";
    let s = parse(src).unwrap();
    let w = &first_simple(&s).words;
    assert!(w[1].has_expansion() && w[1].literal().is_none());
    assert_eq!(w[1].text(src), "\"$HOME\"/bin");
    let parts: Vec<_> = w[2].parts.iter().map(|p| slice(src, p.span)).collect();
    assert_eq!(parts, ["pre", "'fix'"]);
    // `$` that starts nothing is literal; so is a trailing backslash.
    assert_eq!(show("echo $ a$ \"$\" $/ x\\"), "[echo $ a$ \"$\" $/ x\\]");
    // Escaped characters are kept apart from plain text (they do not glob).
    let s = parse("ls \\*.txt").unwrap();
    let k: Vec<_> = first_simple(&s).words[1]
        .parts
        .iter()
        .map(|p| p.kind.clone())
        .collect();
    assert_eq!(
        k,
        [PartKind::Escaped('*'), PartKind::Literal(".txt".into())]
    );
}

#[test]
fn reserved_words_only_in_command_position() {
    assert_eq!(
        show("echo if then fi { } done !"),
        "[echo if then fi { } done !]"
    );
    assert_eq!(show("x=1 if"), "[x=1 if]");
    assert_eq!(show("{ echo }; }"), "(brace {[echo }]})");
    assert_eq!(show("echo a{b,c}d *.rs ~/x"), "[echo a{b,c}d *.rs ~/x]");
}

#[test]
fn parameter_expansions() {
    let cases = [
        (
            "$a $_b1 $1 $12 $@ $* $# $? $- $$ $! $0",
            "$a $_b1 $1 $12 $@ $* $# $? $- $$ $! $0",
        ),
        (
            "${a} ${10} ${#a} ${#} ${!a} ${!p*} ${!p@} ${a[1]} ${!a[@]} ${#a[@]}",
            "${a} ${10} ${#a} ${#} ${!a} ${!p*} ${!p@} ${a[1]} ${!a[@]} ${#a[@]}",
        ),
        (
            "${a:-x y} ${a-} ${a:=1} ${a=} ${a:?err} ${a?} ${a:+alt} ${a+}",
            "${a:-«x y»} ${a-«»} ${a:=«1»} ${a=«»} ${a:?«err»} ${a?«»} ${a:+«alt»} ${a+«»}",
        ),
        (
            "${a#*/} ${a##*/} ${a%.*} ${a%%.*}",
            "${a#«*/»} ${a##«*/»} ${a%«.*»} ${a%%«.*»}",
        ),
        (
            "${a/x/y} ${a//x/y} ${a/#x/y} ${a/%x} ${a/x}",
            "${a/«x»«y»} ${a//«x»«y»} ${a/#«x»«y»} ${a/%«x»} ${a/«x»}",
        ),
        (
            "${a^} ${a^^} ${a,} ${a,,[ab]}",
            "${a^«»} ${a^^«»} ${a,«»} ${a,,«[ab]»}",
        ),
        (
            "${a:1} ${a:1:2} ${a: -1} ${a:$i:${#b}}",
            "${a:«1»} ${a:«1»«2»} ${a:« -1»} ${a:«$i»«${#b}»}",
        ),
        (
            "${a@Q} ${a:-${b:-$(c)}} ${a:-\"q}\"}",
            "${a@Q} ${a:-«${b:-«$([c])»}»} ${a:-«\"q}\"»}",
        ),
        // bash rejects these only when it expands them.
        ("${} ${a!b} ${ x}", "${?!«»} ${a?!«!b»} ${?!« x»}"),
    ];
    for (src, want) in cases {
        assert_eq!(
            show(&format!("echo {src}")),
            format!("[echo {want}]"),
            "{src}"
        );
    }
    let src = "echo ${HOME:-/root}/x";
    let s = parse(src).unwrap();
    let w = &first_simple(&s).words[1];
    let PartKind::Param(pe) = &w.parts[0].kind else {
        panic!()
    };
    assert_eq!(slice(src, pe.span), "${HOME:-/root}");
    assert_eq!(pe.op, Some(ParamOp::Default { colon: true }));
    assert_eq!(pe.operand.as_ref().unwrap().text(src), "/root");
    assert_eq!(slice(src, w.parts[1].span), "/x");
}

#[test]
fn command_substitutions_nest_with_outer_spans() {
    let src = "x=\"$(a b \"$(c d)\")\" `e f`";
    assert_eq!(show(src), "[x=\"$([a b \"$([c d])\"])\" `[e f]`]");
    let s = parse(src).unwrap();
    let cmds: Vec<_> = s
        .simple_commands()
        .iter()
        .map(|c| slice(src, c.span))
        .collect();
    assert_eq!(cmds, [src, "a b \"$(c d)\"", "c d", "e f"]);
    assert_eq!(
        words(src),
        [
            "\"$(a b \"$(c d)\")\"",
            "a",
            "b",
            "\"$(c d)\"",
            "c",
            "d",
            "`e f`",
            "e",
            "f"
        ]
    );
    let scripts: Vec<_> = {
        let mut v = Vec::new();
        s.walk(&mut |n| {
            if let Node::Script(sc) = n {
                v.push(slice(src, sc.span));
            }
        });
        v
    };
    assert_eq!(scripts, [src, "a b \"$(c d)\"", "c d", "e f"]);
    // A case arm's `)` does not close the substitution.
    assert_eq!(
        show("echo $(case x in a) b;; esac)"),
        "[echo $((case x (a) {[b]};;))]"
    );
    assert_eq!(show("echo $( (a); b )"), "[echo $((sub {[a]}); [b])]");
}

#[test]
fn backticks_unescape_and_map_spans_back() {
    let src = r#"a `b \`c \$d\` "e"` "`f \"g\"`""#;
    assert_eq!(show(src), r#"[a `[b `[c $d]` "e"]` "`[f "g"]`"]"#);
    let s = parse(src).unwrap();
    let w = words(src);
    assert_eq!(
        w,
        [
            r#"a"#,
            r#"`b \`c \$d\` "e"`"#,
            "b",
            r#"\`c \$d\`"#,
            "c",
            r#"\$d"#,
            r#""e""#,
            r#""`f \"g\"`""#,
            "f",
            r#"\"g\""#
        ]
    );
    let cmds: Vec<_> = s
        .simple_commands()
        .iter()
        .map(|c| slice(src, c.span))
        .collect();
    assert_eq!(cmds, [src, r#"b \`c \$d\` "e""#, r#"c \$d"#, r#"f \"g\""#]);
    // Properly escaped backticks nest any number of levels.
    let mut nested = "x".to_owned();
    for _ in 0..6 {
        nested = format!(
            "`echo {}`",
            nested.replace('\\', "\\\\").replace('`', "\\`")
        );
    }
    let s = parse(&nested).unwrap();
    assert_eq!(s.simple_commands().len(), 7);
    assert_eq!(s.simple_commands()[6].words[1].text(&nested), "x");
}

#[test]
fn arithmetic() {
    assert_eq!(
        show("echo $((1 + (2 * 3))) $[4+5] $(( $(a) ))"),
        "[echo $((1 + (2 * 3))) $((4+5)) $(( $(a) ))]"
    );
    assert_eq!(show("((i++)); (( x = (1) ))"), "((i++)); (( x = (1) ))");
    // `((` and `$((` that are really nested subshells (bash's rule).
    assert_eq!(show("((a) | b)"), "(sub {(sub {[a]}) | [b]})");
    assert_eq!(show("echo $((a) )"), "[echo $((sub {[a]}))]");
    assert_eq!(
        show("for ((i=0; i<3; i++)); do echo $i; done"),
        "(for ((i=0; i<3; i++)) {[echo $i]})"
    );
    assert_eq!(show("for (( ; ; ))\ndo a\ndone"), "(for (( ; ; )) {[a]})");
    let src = "echo $((x+1))";
    let s = parse(src).unwrap();
    let p = &first_simple(&s).words[1].parts[0];
    let PartKind::Arith(e) = &p.kind else {
        panic!()
    };
    assert_eq!(
        (slice(src, p.span), slice(src, e.span)),
        ("$((x+1))", "x+1")
    );
}

#[test]
fn compound_commands() {
    let cases = [
        ("{ a; b; }", "(brace {[a]; [b]})"),
        ("{ a\n}", "(brace {[a]})"),
        ("(a; b)", "(sub {[a]; [b]})"),
        (
            "if a; then b; elif c; then d; else e; fi",
            "(if {[a]} {[b]} {[c]} {[d]} {[e]})",
        ),
        ("if a\nthen\n  b\nfi", "(if {[a]} {[b]})"),
        ("while a; do b; done", "(while {[a]} {[b]})"),
        ("until a; do b; done", "(until {[a]} {[b]})"),
        ("for x in a b; do c; done", "(for x in a b {[c]})"),
        ("for x; do c; done", "(for x {[c]})"),
        ("for x do c; done", "(for x {[c]})"),
        ("for x\ndo c\ndone", "(for x {[c]})"),
        ("for x in\ndo c; done", "(for x in {[c]})"),
        ("for x in a do; do c; done", "(for x in a do {[c]})"),
        ("select x in a b; do c; done", "(select x in a b {[c]})"),
        (
            "case $x in\n  a|b) c;;\n  (d) e ;&\n  *) f;;&\nesac",
            "(case $x (a|b) {[c]};; (d) {[e]};& (*) {[f]};;&)",
        ),
        ("case x in a) b\nesac", "(case x (a) {[b]})"),
        ("case x in esac", "(case x)"),
        (
            "case x in a) ;; b) c;; esac",
            "(case x (a) {};; (b) {[c]};;)",
        ),
        ("case x in @(a|b)) c;; esac", "(case x (@(a|b)) {[c]};;)"),
        (
            "[[ -f a && ( $b == c* || ! -d d ) ]]",
            "[[ -f a && ( $b == c* || ! -d d ) ]]",
        ),
        ("[[ $a < $b ]]", "[[ $a < $b ]]"),
        (
            "[[ $x =~ ^(a|b)[0-9]+$ ]] && y",
            "[[ $x =~ ^(a|b)[0-9]+$ ]] && [y]",
        ),
        ("[[ $x =~ (a b) ]]", "[[ $x =~ (a b) ]]"),
        ("[[ a &&\n b ]]", "[[ a && b ]]"),
        ("{ a; } > log 2>&1", "(brace {[a]}) >log 2>&1"),
        (
            "while read l; do echo $l; done < f",
            "(while {[read l]} {[echo $l]}) <f",
        ),
        (
            "if a; then { b; }; fi | c",
            "(if {[a]} {(brace {[b]})}) | [c]",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(show(src), want, "{src}");
    }
    let src = "{ a; } >f; if b; then c; fi";
    let s = parse(src).unwrap();
    let spans: Vec<_> = s
        .body
        .items
        .iter()
        .map(|i| slice(src, i.and_or.first.commands[0].span()))
        .collect();
    assert_eq!(spans, ["{ a; } >f", "if b; then c; fi"]);
}

#[test]
fn functions() {
    assert_eq!(show("f() { a; }"), "(fn f (brace {[a]}))");
    assert_eq!(show("f () (a) > log"), "(fn f (sub {[a]}) >log)");
    assert_eq!(show("function f { a; }"), "(fn f (brace {[a]}))");
    assert_eq!(show("function f() { a; }"), "(fn f (brace {[a]}))");
    assert_eq!(show("function f ( ) \n{ a; }"), "(fn f (brace {[a]}))");
    assert_eq!(show("function f (a)"), "(fn f (sub {[a]}))");
    assert_eq!(
        show("my-fn.x() if a; then b; fi"),
        "(fn my-fn.x (if {[a]} {[b]}))"
    );
    let src = "x; f() { a; } >o; y";
    let s = parse(src).unwrap();
    let Command::Function(f) = &s.body.items[1].and_or.first.commands[0] else {
        panic!()
    };
    assert_eq!(
        (slice(src, f.span), slice(src, f.name.span)),
        ("f() { a; } >o", "f")
    );
    assert!(!f.keyword);
}

#[test]
fn assignments_and_arrays() {
    assert_eq!(
        show("a=1 b+=2 c[3]=4 d= e=(1 \"2 3\" $x) f+=( [k]=v ) cmd"),
        "[a=1 b+=2 c[3]=4 d= e=(1 \"2 3\" $x) f+=([k]=v) cmd]"
    );
    assert_eq!(show("a=(\n  1 # one\n  2\n)"), "[a=(1 2)]");
    // Only before the command name.
    assert_eq!(show("env a=1 b"), "[env a=1 b]");
    assert_eq!(show("export A=1 B=\"x y\""), "[export A=1 B=\"x y\"]");
    // Declaration builtins take array values as arguments.
    assert_eq!(
        show("declare -a a=(1 \"2 3\" $(x)) b=1 c+=(\n d)"),
        "[declare -a a=(1 \"2 3\" $([x])) b=1 c+=(d)]"
    );
    assert_eq!(
        err("echo a=(1)").0,
        "syntax error near unexpected token `('"
    );
    assert_eq!(show("a[1 + 2]=3"), "[a[1 + 2]=3]");
    let src = "A=\"$(x)\" b[i]=(1) c";
    let s = parse(src).unwrap();
    let c = first_simple(&s);
    let a = &c.assignments[0];
    assert_eq!(
        (slice(src, a.span), slice(src, a.name.span)),
        ("A=\"$(x)\"", "A")
    );
    let AssignValue::Scalar(v) = &a.value else {
        panic!()
    };
    assert_eq!(v.text(src), "\"$(x)\"");
    assert_eq!(c.assignments[1].index.as_ref().unwrap().text(src), "i");
    assert_eq!(s.simple_commands().len(), 2);
    let s = parse("a= b").unwrap();
    let AssignValue::Scalar(v) = &first_simple(&s).assignments[0].value else {
        panic!()
    };
    assert!(v.parts.is_empty() && v.span == crate::dockerfile::span::Span::empty(2));
}

#[test]
fn redirections() {
    assert_eq!(
        show("c <a >b >>c >|d <>e <&3 >&- &>f &>>g <<<h 2>i {fd}>j 10<k"),
        "[c <a >b >>c >|d <>e <&3 >&- &>f &>>g <<<h 2>i {fd}>j 10<k]"
    );
    assert_eq!(show("a 2 >f"), "[a 2 >f]");
    assert_eq!(show(">f"), "[>f]");
    assert_eq!(show("x 2>&1 | y"), "[x 2>&1] | [y]");
    let src = "cmd {v}>\"$out\" 2>> log";
    let s = parse(src).unwrap();
    let r: Vec<_> = first_simple(&s)
        .redirects
        .iter()
        .map(|r| slice(src, r.span))
        .collect();
    assert_eq!(r, ["{v}>\"$out\"", "2>> log"]);
    assert_eq!(
        first_simple(&s).redirects[0].fd,
        Some(RedirFd::Var("v".into()))
    );
    assert_eq!(slice(src, first_simple(&s).span), src);
}

#[test]
fn heredocs() {
    let src = "cat <<EOF >out; echo after\nhello $USER\n\\$x `d`\nEOF\nnext";
    assert_eq!(
        show(src),
        "[cat <<\"EOF\"{hello $USER\n$x `[d]`\n} >out]; [echo after]; [next]"
    );
    let s = parse(src).unwrap();
    let c = first_simple(&s);
    let RedirTarget::HereDoc(h) = &c.redirects[0].target else {
        panic!()
    };
    assert_eq!(slice(src, c.redirects[0].span), "<<EOF");
    assert_eq!(slice(src, h.body_span), "hello $USER\n\\$x `d`\n");
    assert_eq!(h.text, "hello $USER\n\\$x `d`\n");
    assert_eq!(slice(src, h.terminator.unwrap()), "EOF");
    let parts: Vec<_> = h.parts.iter().map(|p| slice(src, p.span)).collect();
    assert_eq!(parts, ["hello ", "$USER", "\n\\$x ", "`d`", "\n"]);
    // The nested command is visited with the command that reads the body.
    let names: Vec<_> = s
        .simple_commands()
        .iter()
        .map(|c| c.name().unwrap().into_owned())
        .collect();
    assert_eq!(names, ["cat", "d", "echo", "next"]);

    // Quoted: taken literally, no parts. `<<-` strips tabs.
    let src = "cat <<-'E O' <<\"X\"\n\t$a\n\tE O\n$b\nX\n";
    let s = parse(src).unwrap();
    let rs = &first_simple(&s).redirects;
    let docs: Vec<_> = rs
        .iter()
        .map(|r| match &r.target {
            RedirTarget::HereDoc(h) => (
                h.delimiter.as_str(),
                h.quoted,
                h.strip_tabs,
                h.text.as_str(),
                h.parts.len(),
            ),
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        docs,
        [
            ("E O", true, true, "$a\n", 0),
            ("X", true, false, "$b\n", 0)
        ]
    );
    assert_eq!(show("cat <<E\\OF\n$x\nEOF"), "[cat <<'\"EOF\"{$x\n}]");

    // In a substitution, in a compound command, and unterminated.
    assert_eq!(
        show("x=$(cat <<A\nbody\nA\n)"),
        "[x=$([cat <<\"A\"{body\n}])]"
    );
    assert_eq!(
        show("if a; then cat <<A; fi\nbody\nA\nb"),
        "(if {[a]} {[cat <<\"A\"{body\n}]}); [b]"
    );
    let src = "cat <<EOF\nno end\n";
    let s = parse(src).unwrap();
    let RedirTarget::HereDoc(h) = &first_simple(&s).redirects[0].target else {
        panic!()
    };
    assert_eq!((h.text.as_str(), h.terminator), ("no end\n", None));
    assert_eq!(show("cat <<EOF"), "[cat <<\"EOF\"{}]");
    // A heredoc in a substitution in a heredoc body.
    assert_eq!(
        show("cat <<A\n$(cat <<B\ninner\nB\n)\nA\nx"),
        "[cat <<\"A\"{$([cat <<\"B\"{inner\n}])\n}]; [x]"
    );
    // A body that does not parse is kept as text, with the error: bash
    // reports it only when it expands the body.
    let src = "cat <<A\n$(oops\nA\necho next";
    let s = parse(src).unwrap();
    let RedirTarget::HereDoc(h) = &first_simple(&s).redirects[0].target else {
        panic!()
    };
    let e = h.error.as_ref().unwrap();
    assert_eq!(
        (e.message.as_str(), slice(src, e.span)),
        ("unexpected end of file: unterminated `$('", "$(")
    );
    assert_eq!((h.text.as_str(), h.parts.len()), ("$(oops\n", 0));
    assert_eq!(s.simple_commands().len(), 2);
    // A continued line cannot end the body.
    assert_eq!(
        show("cat <<EOF\na\\\nEOF\nEOF\n"),
        "[cat <<\"EOF\"{aEOF\n}]"
    );
}

#[test]
fn process_substitution_and_extglob() {
    assert_eq!(
        show("diff <(a b) >(c) x<(d)"),
        "[diff <([a b]) >([c]) x<([d])]"
    );
    assert_eq!(
        show("ls !(*.txt|*.md) @(a) +(b) *(c) ?(d|e) x!(y)z"),
        "[ls !(*.txt|*.md) @(a) +(b) *(c) ?(d|e) x!(y)z]"
    );
    assert_eq!(show("ls @(a|*(b)|\"c d\")"), "[ls @(a|*(b)|\"c d\")]");
    let src = "rm -rf !(keep)";
    let s = parse(src).unwrap();
    let w = &first_simple(&s).words[2];
    assert_eq!(w.literal().as_deref(), Some("!(keep)"));
    assert!(matches!(w.parts[0].kind, PartKind::ExtGlob { op: '!', .. }));
}

#[test]
fn comments() {
    assert_eq!(
        show("a # b c\nd#e '#' \"#\" \\#f"),
        "[a]; [d#e '#' \"#\" \\#f]"
    );
    assert_eq!(show("a # trailing \\\nb"), "[a]; [b]");
    assert_eq!(show("a;#x\nb"), "[a]; [b]");
}

#[test]
fn non_ascii() {
    let src = "echo «é» '😀' \"ü$x\" ${a:-ß}";
    let s = parse(src).unwrap();
    let w: Vec<_> = first_simple(&s).words.iter().map(|w| w.text(src)).collect();
    assert_eq!(w, ["echo", "«é»", "'😀'", "\"ü$x\"", "${a:-ß}"]);
}

#[test]
fn errors_are_worded_like_bash_and_point_at_the_token() {
    let cases = [
        (
            "if a; then b; fi fi",
            "syntax error near unexpected token `fi'",
            "fi",
        ),
        (
            "echo a; fi",
            "syntax error near unexpected token `fi'",
            "fi",
        ),
        ("a && ;", "syntax error near unexpected token `;'", ";"),
        ("; a", "syntax error near unexpected token `;'", ";"),
        ("a ;; b", "syntax error near unexpected token `;;'", ";;"),
        ("echo (a)", "syntax error near unexpected token `a'", "a"),
        ("echo a (b)", "syntax error near unexpected token `('", "("),
        ("{ }", "syntax error near unexpected token `}'", "}"),
        ("( )", "syntax error near unexpected token `)'", ")"),
        ("a )", "syntax error near unexpected token `)'", ")"),
        ("a >", "syntax error: unexpected end of file", ""),
        ("a > ;", "syntax error near unexpected token `;'", ";"),
        (
            "cat <<\n",
            "syntax error near unexpected token `newline'",
            "\n",
        ),
        (
            "f() echo",
            "syntax error near unexpected token `echo'",
            "echo",
        ),
        ("a |", "syntax error: unexpected end of file", ""),
        (
            "echo \"abc",
            "unexpected end of file: unterminated \"",
            "\"",
        ),
        ("echo 'abc", "unexpected end of file: unterminated '", "'"),
        (
            "echo $(a",
            "unexpected end of file: unterminated `$('",
            "$(",
        ),
        (
            "echo ${a",
            "unexpected end of file: unterminated `${'",
            "${",
        ),
        ("echo `a", "unexpected end of file: unterminated `", "`"),
        (
            "echo $((1",
            "unexpected end of file: unterminated `$(('",
            "$((",
        ),
        (
            "if a; then b",
            "unexpected end of file: expected `fi' to close `if'",
            "if",
        ),
        (
            "while a; do",
            "unexpected end of file: expected `done' to close `while'",
            "while",
        ),
        (
            "{ a",
            "unexpected end of file: expected `}' to close `{'",
            "{",
        ),
        (
            "(a",
            "unexpected end of file: expected `)' to close `('",
            "(",
        ),
        (
            "case x in a) b;;",
            "unexpected end of file: expected `esac' to close `case'",
            "case",
        ),
        (
            "[[ a",
            "unexpected end of file: expected `]]' to close `[['",
            "[[",
        ),
        ("for 1 in a; do b; done", "`1': not a valid identifier", "1"),
        (
            "if then fi",
            "syntax error near unexpected token `then'",
            "then",
        ),
        ("a=(1", "unexpected end of file: unterminated `('", "("),
        (
            "ls @(a",
            "unexpected end of file: unterminated extended glob",
            "@(",
        ),
        // bash parses a backtick body only when it runs it; this parser
        // parses it with the rest.
        ("echo `b)`", "syntax error near unexpected token `)'", ")"),
    ];
    for (src, message, at) in cases {
        assert_eq!(err(src), (message.to_owned(), at.to_owned()), "{src:?}");
    }
    // Errors inside backticks point into the original text.
    let src = "echo `a \\`b; fi\\``";
    let e = parse(src).unwrap_err();
    assert_eq!(
        (e.message.as_str(), slice(src, e.span)),
        ("syntax error near unexpected token `fi'", "fi")
    );
}

#[test]
fn walk_visits_every_command_in_source_order() {
    let src =
        "a $(b) | c <(d) && { e; f() { g; }; } ; case x in y) h ${i:-$(j)};; esac; k=$(l) m >$(n)";
    let s = parse(src).unwrap();
    let names: Vec<_> = s
        .simple_commands()
        .iter()
        .map(|c| c.name().map_or("-".into(), |n| n.into_owned()))
        .collect();
    assert_eq!(
        names,
        ["a", "b", "c", "d", "e", "g", "h", "j", "m", "l", "n"]
    );
    let pipes: Vec<_> = s
        .pipelines()
        .iter()
        .filter(|p| p.commands.len() > 1)
        .map(|p| slice(src, p.span))
        .collect();
    assert_eq!(pipes, ["a $(b) | c <(d)"]);
    assert_eq!(s.pipelines().len(), 13);
    let mut seen = Vec::new();
    s.for_each_command(|c| seen.push(c.span.start));
    assert_eq!(seen.len(), 11);
}
