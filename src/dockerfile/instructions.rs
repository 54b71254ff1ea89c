//! Typed instructions and build stages, as BuildKit's `instructions` package
//! produces them from the parser's nodes, with BuildKit's own error messages;
//! and the variable expansion BuildKit's dispatcher applies before each
//! instruction (`expand_dockerfile`).

use super::ast::{Heredoc, Node, Word, go_quote};
use super::expand::Lex;
use super::parser::Ast;
use super::span::Span;
use super::{Diagnostic, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// A flag as written: `--name=value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub name: String,
    /// None for a bare `--name`.
    pub value: Option<String>,
    pub span: Span,
}

/// Text that BuildKit expands before the instruction runs: the raw word, and
/// its value after expansion once `expand_dockerfile` has run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    pub raw: String,
    pub span: Span,
    pub expanded: Option<String>,
}

impl Text {
    fn new(w: &Word) -> Self {
        Text {
            raw: w.value.clone(),
            span: w.span,
            expanded: None,
        }
    }

    /// The expanded value when known, else the raw one.
    pub fn value(&self) -> &str {
        self.expanded.as_deref().unwrap_or(&self.raw)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    pub key: Text,
    pub value: Text,
    /// The legacy `KEY value` form, without `=`.
    pub legacy: bool,
}

/// An ARG definition: `NAME` or `NAME=default`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArgDef {
    pub name: String,
    pub default: Option<Text>,
    pub span: Span,
}

/// The command of RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandLine {
    /// Exec form: the argv. Shell form: one element, the script.
    pub args: Vec<Word>,
    /// True for shell form: the stage's SHELL runs the script.
    pub prepend_shell: bool,
    /// Heredoc files (RUN only).
    pub files: Vec<Heredoc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourcesAndDest {
    pub sources: Vec<Text>,
    /// Heredoc sources: the file name and its content.
    pub contents: Vec<Heredoc>,
    pub dest: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Copy {
    pub files: SourcesAndDest,
    pub from: Option<Flag>,
    pub chown: Option<Text>,
    pub chmod: Option<Text>,
    pub link: bool,
    pub parents: bool,
    pub exclude: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Add {
    pub files: SourcesAndDest,
    pub chown: Option<Text>,
    pub chmod: Option<Text>,
    pub link: bool,
    pub keep_git_dir: Option<bool>,
    pub checksum: Option<Text>,
    pub unpack: Option<bool>,
    pub exclude: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MountType {
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
}

/// One `RUN --mount=…`, as far as BuildKit checks it before expansion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mount {
    pub mount_type: MountType,
    pub from: Option<String>,
    pub source: Option<String>,
    pub target: Option<String>,
    pub read_only: bool,
    pub id: Option<String>,
    pub sharing: Option<String>,
    pub required: bool,
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub env: Option<String>,
    pub size: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    pub command: CommandLine,
    pub mounts: Vec<Mount>,
    pub network: String,
    pub security: String,
    pub devices: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Healthcheck {
    /// `["NONE"]`, `["CMD", …]` or `["CMD-SHELL", script]`.
    pub test: Vec<String>,
    pub interval_ns: i64,
    pub timeout_ns: i64,
    pub start_period_ns: i64,
    pub start_interval_ns: i64,
    pub retries: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Instr {
    Run(Run),
    Cmd(CommandLine),
    Entrypoint(CommandLine),
    Shell { args: Vec<Word> },
    Env { pairs: Vec<KeyValue> },
    Label { pairs: Vec<KeyValue> },
    Maintainer { name: Word },
    Expose { ports: Vec<Text> },
    Add(Add),
    Copy(Copy),
    Volume { paths: Vec<Text> },
    User { user: Text },
    Workdir { path: Text },
    Arg { args: Vec<ArgDef> },
    Onbuild { trigger: String, expression: String },
    Stopsignal { signal: Text },
    Healthcheck(Healthcheck),
}

/// A typed instruction and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instruction {
    pub instr: Instr,
    /// The keyword as written.
    pub keyword: Word,
    pub span: Span,
    /// Index into `Ast::children`.
    pub node: usize,
    /// Variables referenced but not defined when it was expanded.
    pub undefined_vars: Vec<(String, Span)>,
}

/// `FROM base [AS name]` and what follows until the next FROM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// Lowercased, as BuildKit stores it.
    pub name: Option<String>,
    pub name_span: Option<Span>,
    pub base: Text,
    pub platform: Option<Text>,
    pub keyword: Word,
    pub span: Span,
    pub node: usize,
    pub instructions: Vec<Instruction>,
}

/// A whole Dockerfile, typed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Dockerfile {
    /// ARGs before the first FROM.
    pub meta_args: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub diagnostics: Vec<Diagnostic>,
}

type PResult<T> = Result<T, (String, Span)>;

/// Types every node of a parse; errors become diagnostics and the rest goes on.
pub fn parse_dockerfile(ast: &Ast) -> Dockerfile {
    let mut df = Dockerfile::default();
    for (i, node) in ast.children.iter().enumerate() {
        if node.name() == "from" {
            match parse_from(node, i) {
                Ok(stage) => df.stages.push(stage),
                Err((m, s)) => df.diagnostics.push(Diagnostic::error(m, s)),
            }
            continue;
        }
        let parsed = parse_instruction(node, i);
        match parsed {
            Ok(ins) => {
                if let Some(stage) = df.stages.last_mut() {
                    stage.instructions.push(ins);
                } else if matches!(ins.instr, Instr::Arg { .. }) {
                    df.meta_args.push(ins);
                } else {
                    df.diagnostics.push(Diagnostic::error(
                        "no build stage in current context",
                        node.span,
                    ));
                }
            }
            Err((m, s)) => df.diagnostics.push(Diagnostic::error(m, s)),
        }
    }
    df
}

/// Flag kinds, as BuildKit's BFlags has them.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bool,
    String,
    Strings,
}

/// The flags an instruction accepts, parsed. BuildKit's `BFlags.Parse`.
struct Flags<'a> {
    found: Vec<(&'static str, &'a Word, Option<&'a str>)>,
}

impl<'a> Flags<'a> {
    fn parse(words: &'a [Word], defs: &[(&'static str, Kind)]) -> PResult<Flags<'a>> {
        let mut found: Vec<(&'static str, &'a Word, Option<&'a str>)> = Vec::new();
        for w in words {
            let arg = w.value.as_str();
            if arg == "--" {
                break;
            }
            let Some(body) = arg.strip_prefix("--") else {
                return Err((format!("arg should start with -- : {arg}"), w.span));
            };
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let flag_name = &arg[..2 + name.len()];
            let Some(&(def, kind)) = defs.iter().find(|(n, _)| *n == name) else {
                let names: Vec<&str> = defs.iter().map(|(n, _)| *n).collect();
                return Err((
                    with_suggestion(format!("unknown flag: {flag_name}"), name, &names, false),
                    w.span,
                ));
            };
            if kind != Kind::Strings && found.iter().any(|(n, _, _)| *n == def) {
                return Err((format!("duplicate flag specified: {flag_name}"), w.span));
            }
            match kind {
                Kind::Bool => match value {
                    Some("") => {
                        return Err((format!("missing a value on flag: {flag_name}"), w.span));
                    }
                    None => {}
                    Some(v) if matches!(v.to_lowercase().as_str(), "true" | "false") => {}
                    Some(v) => {
                        return Err((
                            format!("expecting boolean value for flag {flag_name}, not: {v}"),
                            w.span,
                        ));
                    }
                },
                Kind::String | Kind::Strings => {
                    if value.is_none() {
                        return Err((format!("missing a value on flag: {flag_name}"), w.span));
                    }
                }
            }
            found.push((def, w, value));
        }
        Ok(Flags { found })
    }

    fn string(&self, name: &str) -> Option<(&'a Word, &'a str)> {
        self.found
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, w, v)| (*w, v.unwrap_or_default()))
    }

    fn text(&self, name: &str) -> Option<Text> {
        self.string(name).map(|(w, v)| Text {
            raw: v.to_owned(),
            span: w.span,
            expanded: None,
        })
    }

    fn flag(&self, name: &str) -> Option<Flag> {
        self.string(name).map(|(w, v)| Flag {
            name: name.to_owned(),
            value: Some(v.to_owned()),
            span: w.span,
        })
    }

    fn strings(&self, name: &str) -> Vec<(&'a Word, &'a str)> {
        self.found
            .iter()
            .filter(|(n, _, _)| *n == name)
            .map(|(_, w, v)| (*w, v.unwrap_or_default()))
            .collect()
    }

    fn bool(&self, name: &str) -> Option<bool> {
        self.found
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, v)| v.is_none_or(|v| v.eq_ignore_ascii_case("true")))
    }
}

/// BuildKit's `suggest.WrapError`: ` (did you mean X?)` for the closest option
/// within Levenshtein distance 2, nothing when the value is itself an option.
fn with_suggestion(msg: String, value: &str, options: &[&str], case_insensitive: bool) -> String {
    let norm = |s: &str| {
        if case_insensitive {
            s.to_lowercase()
        } else {
            s.to_owned()
        }
    };
    let v = norm(value);
    if options.iter().any(|o| norm(o) == v) {
        return msg;
    }
    let mut best: Option<(usize, &str)> = None;
    for o in options {
        let d = levenshtein(&v, &norm(o));
        if d < 3 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, o));
        }
    }
    match best {
        Some((_, o)) => {
            let o = if !case_insensitive {
                o.to_string()
            } else if value.chars().all(|c| !c.is_lowercase()) {
                o.to_uppercase()
            } else {
                o.to_lowercase()
            };
            format!("{msg} (did you mean {o}?)")
        }
        None => msg,
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

const INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

fn args_span(node: &Node) -> Span {
    node.args
        .first()
        .map(|f| node.args.iter().fold(f.span, |s, w| s.cover(w.span)))
        .unwrap_or(node.keyword.span)
}

fn parse_from(node: &Node, index: usize) -> PResult<Stage> {
    let args = &node.args;
    let mut name = None;
    let mut name_span = None;
    if args.len() == 3 && args[1].value.eq_ignore_ascii_case("as") {
        let n = args[2].value.to_lowercase();
        let valid = n.starts_with(|c: char| c.is_ascii_lowercase())
            && n.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
            });
        if !valid {
            return Err((
                format!(
                    "invalid name for build stage: {}, name can't start with a number or contain symbols",
                    go_quote(&args[2].value)
                ),
                args[2].span,
            ));
        }
        name = Some(n);
        name_span = Some(args[2].span);
    } else if args.len() != 1 {
        return Err((
            "FROM requires either one or three arguments".into(),
            args_span(node),
        ));
    }
    let flags = Flags::parse(&node.flags, &[("platform", Kind::String)])?;
    Ok(Stage {
        name,
        name_span,
        base: Text::new(&args[0]),
        platform: flags.text("platform"),
        keyword: node.keyword.clone(),
        span: node.span,
        node: index,
        instructions: Vec::new(),
    })
}

/// BuildKit's `ParseInstruction` for everything but FROM.
pub fn parse_instruction(node: &Node, index: usize) -> PResult<Instruction> {
    let kw = node.keyword.value.to_uppercase();
    let need_one = || -> PResult<()> {
        if node.args.is_empty() {
            Err((
                format!("{kw} requires at least one argument"),
                node.keyword.span,
            ))
        } else {
            Ok(())
        }
    };
    let exactly_one = || -> PResult<()> {
        if node.args.len() != 1 {
            Err((
                format!("{kw} requires exactly one argument"),
                node.keyword.span,
            ))
        } else {
            Ok(())
        }
    };
    let no_flags = || Flags::parse(&node.flags, &[]).map(|_| ());
    let instr = match node.name().as_str() {
        "run" => {
            let flags = Flags::parse(
                &node.flags,
                &[
                    ("device", Kind::Strings),
                    ("mount", Kind::Strings),
                    ("network", Kind::String),
                    ("security", Kind::String),
                ],
            )?;
            let mut mounts = Vec::new();
            for (w, v) in flags.strings("mount") {
                mounts.push(parse_mount(v, w.span)?);
            }
            let network = flags.string("network").map_or("default", |(_, v)| v);
            if !matches!(network, "default" | "none" | "host") {
                let span = flags.string("network").map_or(node.span, |(w, _)| w.span);
                return Err((format!("invalid network mode {}", go_quote(network)), span));
            }
            let security = flags.string("security").map_or("sandbox", |(_, v)| v);
            if !matches!(security, "sandbox" | "insecure") {
                let span = flags.string("security").map_or(node.span, |(w, _)| w.span);
                return Err((
                    format!("security {} is not valid", go_quote(security)),
                    span,
                ));
            }
            Instr::Run(Run {
                command: command_line(node, true),
                mounts,
                network: network.to_owned(),
                security: security.to_owned(),
                devices: flags
                    .strings("device")
                    .into_iter()
                    .map(|(_, v)| v.to_owned())
                    .collect(),
            })
        }
        "cmd" => {
            no_flags()?;
            Instr::Cmd(command_line(node, false))
        }
        "entrypoint" => {
            no_flags()?;
            Instr::Entrypoint(command_line(node, false))
        }
        "shell" => {
            no_flags()?;
            if node.args.is_empty() {
                return Err((
                    "SHELL requires at least one argument".into(),
                    node.keyword.span,
                ));
            }
            if !node.json {
                return Err((
                    "SHELL requires the arguments to be in JSON form".into(),
                    node.rest.span,
                ));
            }
            Instr::Shell {
                args: node.args.clone(),
            }
        }
        "env" => {
            no_flags()?;
            Instr::Env {
                pairs: key_values(node, &kw)?,
            }
        }
        "label" => {
            no_flags()?;
            Instr::Label {
                pairs: key_values(node, &kw)?,
            }
        }
        "maintainer" => {
            exactly_one()?;
            no_flags()?;
            Instr::Maintainer {
                name: node.args[0].clone(),
            }
        }
        "expose" => {
            need_one()?;
            no_flags()?;
            // BuildKit sorts the ports as strings at parse time.
            let mut ports: Vec<Text> = node.args.iter().map(Text::new).collect();
            ports.sort_by(|a, b| a.raw.cmp(&b.raw));
            Instr::Expose { ports }
        }
        "add" | "copy" => {
            if node.args.len() < 2 {
                return Err((
                    format!(
                        "{kw} requires at least two arguments, but only one was provided. Destination could not be determined"
                    ),
                    args_span(node),
                ));
            }
            let is_add = kw == "ADD";
            let defs: &[(&str, Kind)] = if is_add {
                &[
                    ("chown", Kind::String),
                    ("chmod", Kind::String),
                    ("link", Kind::Bool),
                    ("keep-git-dir", Kind::Bool),
                    ("checksum", Kind::String),
                    ("unpack", Kind::Bool),
                    ("exclude", Kind::Strings),
                ]
            } else {
                &[
                    ("chown", Kind::String),
                    ("from", Kind::String),
                    ("chmod", Kind::String),
                    ("link", Kind::Bool),
                    ("exclude", Kind::Strings),
                    ("parents", Kind::Bool),
                ]
            };
            let flags = Flags::parse(&node.flags, defs)?;
            let files = sources_and_dest(node, &kw)?;
            let exclude = flags
                .strings("exclude")
                .into_iter()
                .map(|(_, v)| v.to_owned())
                .collect();
            if is_add {
                Instr::Add(Add {
                    files,
                    chown: flags.text("chown"),
                    chmod: flags.text("chmod"),
                    link: flags.bool("link").unwrap_or(false),
                    keep_git_dir: flags.bool("keep-git-dir"),
                    checksum: flags.text("checksum"),
                    unpack: flags.bool("unpack"),
                    exclude,
                })
            } else {
                Instr::Copy(Copy {
                    files,
                    from: flags.flag("from"),
                    chown: flags.text("chown"),
                    chmod: flags.text("chmod"),
                    link: flags.bool("link").unwrap_or(false),
                    parents: flags.bool("parents").unwrap_or(false),
                    exclude,
                })
            }
        }
        "volume" => {
            need_one()?;
            no_flags()?;
            for a in &node.args {
                if a.value.trim().is_empty() {
                    return Err(("VOLUME specified can not be an empty string".into(), a.span));
                }
            }
            Instr::Volume {
                paths: node.args.iter().map(Text::new).collect(),
            }
        }
        "user" => {
            exactly_one()?;
            no_flags()?;
            Instr::User {
                user: Text::new(&node.args[0]),
            }
        }
        "workdir" => {
            exactly_one()?;
            no_flags()?;
            Instr::Workdir {
                path: Text::new(&node.args[0]),
            }
        }
        "arg" => {
            // BuildKit never parses ARG's flags: any flag is silently ignored.
            need_one()?;
            let mut args = Vec::new();
            for w in &node.args {
                match w.value.split_once('=') {
                    Some(("", _)) => return Err(("ARG names can not be blank".into(), w.span)),
                    Some((k, v)) => {
                        let vs = Span::new(
                            w.span.start + k.len() + 1,
                            w.span.end.max(w.span.start + k.len() + 1),
                        );
                        args.push(ArgDef {
                            name: k.to_owned(),
                            default: Some(Text {
                                raw: v.to_owned(),
                                span: vs,
                                expanded: None,
                            }),
                            span: w.span,
                        });
                    }
                    None => args.push(ArgDef {
                        name: w.value.clone(),
                        default: None,
                        span: w.span,
                    }),
                }
            }
            Instr::Arg { args }
        }
        "onbuild" => {
            let Some(sub) = &node.sub else {
                return Err((
                    "ONBUILD requires at least one argument".into(),
                    node.keyword.span,
                ));
            };
            no_flags()?;
            let trigger = sub.keyword.value.trim().to_uppercase();
            match trigger.as_str() {
                "ONBUILD" => {
                    return Err((
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into(),
                        sub.keyword.span,
                    ));
                }
                "MAINTAINER" | "FROM" => {
                    return Err((
                        format!("{trigger} isn't allowed as an ONBUILD trigger"),
                        sub.keyword.span,
                    ));
                }
                _ => {}
            }
            let mut expression = strip_onbuild(&node.original).to_owned();
            for h in &node.heredocs {
                expression.push('\n');
                expression.push_str(&h.content);
                expression.push_str(&h.name);
            }
            Instr::Onbuild {
                trigger,
                expression,
            }
        }
        "stopsignal" => {
            // Flags are never parsed for STOPSIGNAL.
            exactly_one()?;
            Instr::Stopsignal {
                signal: Text::new(&node.args[0]),
            }
        }
        "healthcheck" => healthcheck(node)?,
        _ => {
            let msg = format!("unknown instruction: {}", node.keyword.value);
            return Err((
                with_suggestion(msg, &node.keyword.value, INSTRUCTIONS, true),
                node.keyword.span,
            ));
        }
    };
    Ok(Instruction {
        instr,
        keyword: node.keyword.clone(),
        span: node.span,
        node: index,
        undefined_vars: Vec::new(),
    })
}

/// `(?i)^\s*ONBUILD\s*` removed from the original line.
fn strip_onbuild(original: &str) -> &str {
    let t = original.trim_start_matches(|c: char| c.is_ascii_whitespace());
    match t.get(..7) {
        Some(k) if k.eq_ignore_ascii_case("onbuild") => {
            t[7..].trim_start_matches(|c: char| c.is_ascii_whitespace())
        }
        _ => original,
    }
}

fn command_line(node: &Node, with_files: bool) -> CommandLine {
    let args = if node.json || node.args.is_empty() {
        node.args.clone()
    } else {
        // Shell form: one string (BuildKit joins the args with spaces).
        let value = node
            .args
            .iter()
            .map(|w| w.value.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        vec![Word {
            value,
            span: args_span(node),
        }]
    };
    CommandLine {
        args,
        prepend_shell: !node.json,
        files: if with_files {
            node.heredocs.clone()
        } else {
            Vec::new()
        },
    }
}

fn key_values(node: &Node, kw: &str) -> PResult<Vec<KeyValue>> {
    if node.args.is_empty() {
        return Err((
            format!("{kw} requires at least one argument"),
            node.keyword.span,
        ));
    }
    if !node.args.len().is_multiple_of(3) {
        return Err((
            format!("Bad input to {kw}, too many arguments"),
            args_span(node),
        ));
    }
    node.args
        .chunks(3)
        .map(|c| {
            if c[0].value.is_empty() {
                return Err((
                    format!("{kw} names can not be blank"),
                    c[0].span.cover(c[2].span),
                ));
            }
            Ok(KeyValue {
                key: Text::new(&c[0]),
                value: Text::new(&c[1]),
                legacy: c[2].value.is_empty(),
            })
        })
        .collect()
}

fn is_heredoc_word(w: &str) -> bool {
    let digits = w.bytes().take_while(u8::is_ascii_digit).count();
    match w[digits..].strip_prefix("<<") {
        Some(rest) => {
            let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
            !rest.is_empty() && !rest.contains('<')
        }
        None => false,
    }
}

fn sources_and_dest(node: &Node, kw: &str) -> PResult<SourcesAndDest> {
    let (dest, srcs) = node
        .args
        .split_last()
        .expect("checked: at least two arguments");
    if is_heredoc_word(&dest.value) {
        return Err((
            format!("{kw} cannot accept a heredoc as a destination"),
            dest.span,
        ));
    }
    let mut sources = Vec::new();
    let mut contents = Vec::new();
    for s in srcs {
        if is_heredoc_word(&s.value) {
            let name = heredoc_name(&s.value);
            // In JSON form BuildKit collects no heredocs, so the content is empty.
            let doc = node
                .heredocs
                .iter()
                .find(|h| h.name == name)
                .cloned()
                .unwrap_or(Heredoc {
                    name,
                    fd: 0,
                    expand: true,
                    chomp: false,
                    content: String::new(),
                    span: s.span,
                    body_span: Span::empty(s.span.end),
                });
            contents.push(doc);
        } else {
            sources.push(Text::new(s));
        }
    }
    Ok(SourcesAndDest {
        sources,
        contents,
        dest: Text::new(dest),
    })
}

fn heredoc_name(w: &str) -> String {
    let digits = w.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &w[digits + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
    rest.chars().filter(|c| *c != '"' && *c != '\'').collect()
}

fn healthcheck(node: &Node) -> PResult<Instr> {
    if node.args.is_empty() {
        return Err((
            "HEALTHCHECK requires at least one argument".into(),
            node.keyword.span,
        ));
    }
    let typ = node.args[0].value.to_uppercase();
    if typ == "NONE" {
        if node.args.len() > 1 {
            return Err((
                "HEALTHCHECK NONE takes no arguments".into(),
                args_span(node),
            ));
        }
        return Ok(Instr::Healthcheck(Healthcheck {
            test: vec!["NONE".into()],
            interval_ns: 0,
            timeout_ns: 0,
            start_period_ns: 0,
            start_interval_ns: 0,
            retries: 0,
        }));
    }
    let flags = Flags::parse(
        &node.flags,
        &[
            ("interval", Kind::String),
            ("timeout", Kind::String),
            ("start-period", Kind::String),
            ("start-interval", Kind::String),
            ("retries", Kind::String),
        ],
    )?;
    let test = match typ.as_str() {
        "CMD" => {
            let cmd = &node.args[1..];
            if cmd.is_empty() {
                return Err((
                    "Missing command after HEALTHCHECK CMD".into(),
                    node.args[0].span,
                ));
            }
            if node.json {
                std::iter::once("CMD".to_string())
                    .chain(cmd.iter().map(|w| w.value.clone()))
                    .collect()
            } else {
                let script = cmd
                    .iter()
                    .map(|w| w.value.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                vec!["CMD-SHELL".to_string(), script]
            }
        }
        _ => {
            return Err((
                format!("Unknown type {} in HEALTHCHECK (try CMD)", go_quote(&typ)),
                node.args[0].span,
            ));
        }
    };
    let duration = |name: &str| -> PResult<i64> {
        let Some((w, v)) = flags.string(name) else {
            return Ok(0);
        };
        if v.is_empty() {
            return Ok(0);
        }
        let d = parse_go_duration(v).map_err(|e| (e, w.span))?;
        if d != 0 && d < 1_000_000 {
            return Err((
                format!("Interval {} cannot be less than 1ms", go_quote(name)),
                w.span,
            ));
        }
        Ok(d)
    };
    let interval_ns = duration("interval")?;
    let timeout_ns = duration("timeout")?;
    let start_period_ns = duration("start-period")?;
    let start_interval_ns = duration("start-interval")?;
    let retries = match flags.string("retries") {
        None | Some((_, "")) => 0,
        Some((w, v)) => {
            let n: i64 = match v.parse::<i32>() {
                Ok(n) => n.into(),
                Err(e) => {
                    let why = if matches!(
                        e.kind(),
                        std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
                    ) {
                        "value out of range"
                    } else {
                        "invalid syntax"
                    };
                    return Err((
                        format!("strconv.ParseInt: parsing {}: {why}", go_quote(v)),
                        w.span,
                    ));
                }
            };
            if n < 0 {
                return Err((format!("--retries cannot be negative ({n})"), w.span));
            }
            n
        }
    };
    Ok(Instr::Healthcheck(Healthcheck {
        test,
        interval_ns,
        timeout_ns,
        start_period_ns,
        start_interval_ns,
        retries,
    }))
}

/// Go's `time.ParseDuration`, in nanoseconds, with Go's error messages.
pub fn parse_go_duration(s: &str) -> Result<i64, String> {
    let err = || format!("time: invalid duration {}", go_quote(s));
    let mut rest = s;
    let mut neg = false;
    if let Some(r) = rest.strip_prefix('-') {
        neg = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(err());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(err());
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .bytes()
            .take_while(|b| !b.is_ascii_digit() && *b != b'.')
            .count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {}", go_quote(s)));
        }
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit),
                    go_quote(s)
                ));
            }
        };
        total += num.parse::<f64>().map_err(|_| err())? * scale;
        if total > i64::MAX as f64 {
            return Err(err());
        }
    }
    let ns = total as i64;
    Ok(if neg { -ns } else { ns })
}

/// Parses one `--mount` value as BuildKit does before expansion, and then the
/// checks it applies after (on the unexpanded values, which is what an editor
/// can know). Fields are CSV: quotes protect commas.
pub fn parse_mount(value: &str, span: Span) -> PResult<Mount> {
    let fields =
        split_csv(value).map_err(|e| (format!("failed to parse csv mounts: {e}"), span))?;
    let mut m = Mount {
        mount_type: MountType::Bind,
        from: None,
        source: None,
        target: None,
        read_only: false,
        id: None,
        sharing: None,
        required: false,
        mode: None,
        uid: None,
        gid: None,
        env: None,
        size: None,
        span,
    };
    let mut ro_set: Option<bool> = None;
    let type_name = |t: MountType| match t {
        MountType::Bind => "bind",
        MountType::Cache => "cache",
        MountType::Tmpfs => "tmpfs",
        MountType::Secret => "secret",
        MountType::Ssh => "ssh",
    };
    let parse_bool = |k: &str, v: &str| -> PResult<bool> {
        match v {
            "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
            "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
            _ => Err((format!("invalid value for {k}: {v}"), span)),
        }
    };
    for field in &fields {
        let Some((k, v)) = field.split_once('=') else {
            match field.to_lowercase().as_str() {
                "ro" | "readonly" => ro_set = Some(true),
                "rw" | "readwrite" => ro_set = Some(false),
                "required" => {
                    if matches!(m.mount_type, MountType::Secret | MountType::Ssh) {
                        m.required = true;
                    } else {
                        return Err((
                            format!(
                                "unexpected key '{field}' for mount type '{}'",
                                type_name(m.mount_type)
                            ),
                            span,
                        ));
                    }
                }
                _ => {
                    return Err((
                        format!("invalid field '{field}' must be a key=value pair"),
                        span,
                    ));
                }
            }
            continue;
        };
        let key = k.to_lowercase();
        match key.as_str() {
            "type" => {
                m.mount_type = match v.to_lowercase().as_str() {
                    "bind" => MountType::Bind,
                    "cache" => MountType::Cache,
                    "tmpfs" => MountType::Tmpfs,
                    "secret" => MountType::Secret,
                    "ssh" => MountType::Ssh,
                    _ => {
                        return Err((
                            with_suggestion(
                                format!("unsupported mount type {}", go_quote(v)),
                                v,
                                &["bind", "cache", "tmpfs", "secret", "ssh"],
                                false,
                            ),
                            span,
                        ));
                    }
                }
            }
            "from" => {
                if v.find('$').is_some_and(|i| i + 1 < v.len()) {
                    return Err((
                        "'from' doesn't support variable expansion, define alias stage instead"
                            .into(),
                        span,
                    ));
                }
                m.from = Some(v.to_owned());
            }
            "source" | "src" => m.source = Some(v.to_owned()),
            "target" | "dst" | "destination" => m.target = Some(v.to_owned()),
            "readonly" | "ro" => ro_set = Some(parse_bool(&key, v)?),
            "readwrite" | "rw" => ro_set = Some(!parse_bool(&key, v)?),
            "required" => {
                if matches!(m.mount_type, MountType::Secret | MountType::Ssh) {
                    m.required = parse_bool("required", v)?;
                } else {
                    return Err((
                        format!(
                            "unexpected key 'required' for mount type '{}'",
                            type_name(m.mount_type)
                        ),
                        span,
                    ));
                }
            }
            "size" => {
                if m.mount_type == MountType::Tmpfs {
                    m.size = Some(v.to_owned());
                } else {
                    return Err((
                        format!(
                            "unexpected key 'size' for mount type '{}'",
                            type_name(m.mount_type)
                        ),
                        span,
                    ));
                }
            }
            "id" => m.id = Some(v.to_owned()),
            "sharing" => {
                let s = v.to_lowercase();
                if !matches!(s.as_str(), "shared" | "private" | "locked") {
                    return Err((
                        with_suggestion(
                            format!("unsupported sharing value {}", go_quote(v)),
                            v,
                            &["shared", "private", "locked"],
                            false,
                        ),
                        span,
                    ));
                }
                m.sharing = Some(s);
            }
            "mode" => {
                m.mode = Some(
                    u32::from_str_radix(v, 8)
                        .map_err(|_| (format!("invalid value {v} for mode"), span))?,
                )
            }
            "uid" => {
                m.uid = Some(
                    v.parse()
                        .map_err(|_| (format!("invalid value {v} for uid"), span))?,
                )
            }
            "gid" => {
                m.gid = Some(
                    v.parse()
                        .map_err(|_| (format!("invalid value {v} for gid"), span))?,
                )
            }
            "env" => m.env = Some(v.to_owned()),
            _ => {
                let keys = [
                    "type",
                    "from",
                    "source",
                    "target",
                    "readonly",
                    "id",
                    "sharing",
                    "required",
                    "size",
                    "mode",
                    "uid",
                    "gid",
                    "src",
                    "dst",
                    "destination",
                    "ro",
                    "rw",
                    "readwrite",
                    "env",
                ];
                return Err((
                    with_suggestion(
                        format!("unexpected key '{key}' in '{field}'"),
                        &key,
                        &keys,
                        false,
                    ),
                    span,
                ));
            }
        }
    }
    let t = type_name(m.mount_type);
    if !matches!(
        m.mount_type,
        MountType::Secret | MountType::Ssh | MountType::Cache
    ) {
        for (name, set) in [
            ("mode", m.mode.is_some()),
            ("uid", m.uid.is_some()),
            ("gid", m.gid.is_some()),
        ] {
            if set {
                return Err((
                    format!("{name} not allowed for {} type mounts", go_quote(t)),
                    span,
                ));
            }
        }
    }
    m.read_only = ro_set.unwrap_or(matches!(
        m.mount_type,
        MountType::Bind | MountType::Secret | MountType::Ssh
    ));
    if m.mount_type == MountType::Secret {
        if m.from.is_some() {
            return Err(("secret mount should not have a from".into(), span));
        }
        if m.sharing.is_some() {
            return Err(("secret mount should not define sharing".into(), span));
        }
        if m.source.is_none() && m.target.is_none() && m.id.is_none() {
            return Err((
                "invalid secret mount. one of source, target required".into(),
                span,
            ));
        }
        if m.source.is_some() && m.id.is_some() {
            return Err(("both source and id can't be set".into(), span));
        }
    }
    if m.sharing.is_some() && m.mount_type != MountType::Cache {
        return Err((format!("invalid cache sharing set for {t} mount"), span));
    }
    Ok(m)
}

/// One CSV record, RFC 4180 style: fields separated by commas, optionally
/// double-quoted with `""` for a quote inside.
fn split_csv(s: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    let mut at_start = true;
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    in_quotes = false;
                    if !matches!(chars.peek(), None | Some(',')) {
                        return Err("extraneous or missing \" in quoted-field".into());
                    }
                }
            } else {
                cur.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                in_quotes = true;
                at_start = false;
            }
            '"' => return Err("bare \" in non-quoted-field".into()),
            ',' => {
                fields.push(std::mem::take(&mut cur));
                at_start = true;
            }
            c => {
                cur.push(c);
                at_start = false;
            }
        }
    }
    if in_quotes {
        return Err("extraneous or missing \" in quoted-field".into());
    }
    fields.push(cur);
    Ok(fields)
}

/// The values that are known before a build starts: `--build-arg`s.
pub type BuildArgs = BTreeMap<String, String>;

/// Applies BuildKit's dispatcher-time expansion to every field it expands, with
/// the environment in force before each instruction: global ARGs for FROM;
/// then per stage the ARGs it declared (a global ARG only once redeclared),
/// build args, and ENV. Base images' own ENV is not known here (the build engine
/// adds it). Expansion errors become diagnostics.
pub fn expand_dockerfile(df: &mut Dockerfile, build_args: &BuildArgs, escape: char) {
    let lex = Lex::new(escape);
    let mut diags = Vec::new();
    let mut meta: BTreeMap<String, String> = BTreeMap::new();
    let mut meta_declared: BTreeMap<String, Option<String>> = BTreeMap::new();
    for ins in &mut df.meta_args {
        if let Instr::Arg { args } = &mut ins.instr {
            for a in args {
                let value = match build_args.get(&a.name) {
                    Some(v) => Some(v.clone()),
                    None => a
                        .default
                        .as_mut()
                        .map(|d| expand_text(&lex, d, &meta, &mut diags)),
                };
                if let Some(v) = &value {
                    meta.insert(a.name.clone(), v.clone());
                }
                meta_declared.insert(a.name.clone(), value);
            }
        }
    }
    let mut stage_envs: Vec<BTreeMap<String, String>> = Vec::new();
    for si in 0..df.stages.len() {
        let (before, rest) = df.stages.split_at_mut(si);
        let stage = &mut rest[0];
        expand_text(&lex, &mut stage.base, &meta, &mut diags);
        if let Some(p) = &mut stage.platform {
            expand_text(&lex, p, &meta, &mut diags);
        }
        // A stage built on an earlier stage starts with that stage's environment.
        let base = stage.base.value().to_lowercase();
        let mut env = before
            .iter()
            .position(|s| s.name.as_deref() == Some(base.as_str()))
            .and_then(|i| stage_envs.get(i).cloned())
            .unwrap_or_default();
        for ins in &mut stage.instructions {
            let mut undefined = Vec::new();
            expand_instruction(
                &lex,
                &mut ins.instr,
                &mut env,
                &meta_declared,
                build_args,
                &mut diags,
                &mut undefined,
            );
            ins.undefined_vars = undefined;
        }
        stage_envs.push(env);
    }
    df.diagnostics.extend(diags);
}

fn expand_text(
    lex: &Lex,
    t: &mut Text,
    env: &BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) -> String {
    match lex.process(&t.raw, env) {
        Ok(e) => {
            t.expanded = Some(e.result.clone());
            e.result
        }
        Err(e) => {
            diags.push(Diagnostic {
                severity: Severity::Error,
                message: e.to_string(),
                span: t.span,
            });
            t.raw.clone()
        }
    }
}

fn expand_instruction(
    lex: &Lex,
    instr: &mut Instr,
    env: &mut BTreeMap<String, String>,
    meta: &BTreeMap<String, Option<String>>,
    build_args: &BuildArgs,
    diags: &mut Vec<Diagnostic>,
    undefined: &mut Vec<(String, Span)>,
) {
    let mut late = Vec::new();
    let mut x = |t: &mut Text, env: &BTreeMap<String, String>| {
        if let Ok(e) = lex.process(&t.raw, env) {
            undefined.extend(e.unmatched.into_iter().map(|n| (n, t.span)));
        }
        expand_text(lex, t, env, diags)
    };
    match instr {
        Instr::Env { pairs } => {
            // All pairs of one ENV see the environment from before it.
            let before = env.clone();
            for p in pairs {
                let k = x(&mut p.key, &before);
                let v = x(&mut p.value, &before);
                env.insert(k, v);
            }
        }
        Instr::Label { pairs } => {
            for p in pairs {
                x(&mut p.key, env);
                x(&mut p.value, env);
            }
        }
        Instr::Arg { args } => {
            for a in args {
                let value = match build_args.get(&a.name) {
                    Some(v) => Some(v.clone()),
                    None => match &mut a.default {
                        Some(d) => Some(x(d, env)),
                        // A bare ARG redeclaring a global one takes its value.
                        None => meta.get(&a.name).cloned().flatten(),
                    },
                };
                // An ARG does not override an ENV of the same name.
                if let Some(v) = value {
                    env.entry(a.name.clone()).or_insert(v);
                }
            }
        }
        Instr::Add(add) => {
            for s in &mut add.files.sources {
                x(s, env);
            }
            x(&mut add.files.dest, env);
            for t in [&mut add.chown, &mut add.chmod, &mut add.checksum]
                .into_iter()
                .flatten()
            {
                x(t, env);
            }
        }
        Instr::Copy(copy) => {
            for s in &mut copy.files.sources {
                x(s, env);
            }
            x(&mut copy.files.dest, env);
            for t in [&mut copy.chown, &mut copy.chmod].into_iter().flatten() {
                x(t, env);
            }
            if let Some(from) = &copy.from {
                let raw = from.value.clone().unwrap_or_default();
                let empty: BTreeMap<String, String> = BTreeMap::new();
                if lex.process_word(&raw, &empty).ok().as_deref() != Some(raw.as_str()) {
                    late.push(Diagnostic::error(
                        "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround",
                        from.span,
                    ));
                }
            }
        }
        Instr::Workdir { path } => {
            x(path, env);
        }
        Instr::User { user } => {
            x(user, env);
        }
        Instr::Volume { paths } => {
            for p in paths {
                x(p, env);
                if p.value().trim().is_empty() {
                    late.push(Diagnostic::error(
                        "VOLUME specified can not be an empty string",
                        p.span,
                    ));
                }
            }
        }
        Instr::Stopsignal { signal } => {
            x(signal, env);
        }
        Instr::Expose { ports } => {
            for p in ports {
                x(p, env);
            }
        }
        Instr::Run(_)
        | Instr::Cmd(_)
        | Instr::Entrypoint(_)
        | Instr::Shell { .. }
        | Instr::Maintainer { .. }
        | Instr::Onbuild { .. }
        | Instr::Healthcheck(_) => {}
    }
    diags.extend(late);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::parse;

    fn typed(src: &str) -> Dockerfile {
        let ast = parse(src);
        assert!(ast.first_error().is_none(), "{:?}", ast.diagnostics);
        parse_dockerfile(&ast)
    }

    fn errors(src: &str) -> Vec<String> {
        typed(src)
            .diagnostics
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn buildkit_messages() {
        let cases = [
            ("FROM a b", "FROM requires either one or three arguments"),
            (
                "FROM a AS 1x",
                "invalid name for build stage: \"1x\", name can't start with a number or contain symbols",
            ),
            ("RUN x", "no build stage in current context"),
            (
                "FROM a\nCOPY --form=b x y",
                "unknown flag: --form (did you mean from?)",
            ),
            (
                "FROM a\nCOPY --link --link x y",
                "duplicate flag specified: --link",
            ),
            (
                "FROM a\nCOPY --link=maybe x y",
                "expecting boolean value for flag --link, not: maybe",
            ),
            ("FROM a\nCOPY --from x y", "missing a value on flag: --from"),
            (
                "FROM a\nCOPY x",
                "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
            ),
            (
                "FROM a\nCOPY x <<EOF\nEOF",
                "COPY cannot accept a heredoc as a destination",
            ),
            (
                "FROM a\nSHELL sh -c",
                "SHELL requires the arguments to be in JSON form",
            ),
            ("FROM a\nENV =x", "ENV names can not be blank"),
            (
                "FROM a\nHEALTHCHECK NONE x",
                "HEALTHCHECK NONE takes no arguments",
            ),
            (
                "FROM a\nHEALTHCHECK FOO x",
                "Unknown type \"FOO\" in HEALTHCHECK (try CMD)",
            ),
            (
                "FROM a\nHEALTHCHECK --interval=1ns CMD x",
                "Interval \"interval\" cannot be less than 1ms",
            ),
            (
                "FROM a\nHEALTHCHECK --timeout=5 CMD x",
                "time: missing unit in duration \"5\"",
            ),
            (
                "FROM a\nHEALTHCHECK --retries=-1 CMD x",
                "--retries cannot be negative (-1)",
            ),
            (
                "FROM a\nONBUILD ONBUILD RUN x",
                "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
            ),
            (
                "FROM a\nONBUILD FROM x",
                "FROM isn't allowed as an ONBUILD trigger",
            ),
            (
                "FROM a\nfrmo x",
                "unknown instruction: frmo (did you mean from?)",
            ),
            (
                "FROM a\nRUN --network=bridge x",
                "invalid network mode \"bridge\"",
            ),
            (
                "FROM a\nRUN --mount=type=cache,mode=0700,size=1 x",
                "unexpected key 'size' for mount type 'cache'",
            ),
            (
                "FROM a\nRUN --mount=type=secret x",
                "invalid secret mount. one of source, target required",
            ),
            (
                "FROM a\nRUN --mount=type=bind,uid=1 x",
                "uid not allowed for \"bind\" type mounts",
            ),
            (
                "FROM a\nRUN --mount=tpye=cache x",
                "unexpected key 'tpye' in 'tpye=cache' (did you mean type?)",
            ),
            (
                "FROM a\nVOLUME [\"\"]",
                "VOLUME specified can not be an empty string",
            ),
        ];
        for (src, msg) in cases {
            assert_eq!(errors(src), vec![msg.to_string()], "{src}");
        }
    }

    #[test]
    fn stages_mounts_and_healthchecks() {
        let df = typed(
            "ARG V=1\nFROM alpine:${V} AS Build\nRUN --mount=type=cache,target=/root/.cache,sharing=locked make\nHEALTHCHECK --interval=1m30s --retries=3 CMD [\"curl\", \"-f\"]\n",
        );
        assert_eq!(df.stages[0].name.as_deref(), Some("build"));
        let Instr::Run(run) = &df.stages[0].instructions[0].instr else {
            panic!()
        };
        assert_eq!(run.mounts[0].mount_type, MountType::Cache);
        assert!(!run.mounts[0].read_only);
        assert_eq!(run.mounts[0].sharing.as_deref(), Some("locked"));
        let Instr::Healthcheck(h) = &df.stages[0].instructions[1].instr else {
            panic!()
        };
        assert_eq!(h.interval_ns, 90_000_000_000);
        assert_eq!(h.test, vec!["CMD", "curl", "-f"]);
    }

    #[test]
    fn expansion_follows_buildkit_scoping() {
        let src = "ARG TAG=3.20\nARG UNUSED\nFROM alpine:$TAG AS base\nENV A=1 B=$A\nARG TAG\nWORKDIR /app/$TAG/$A/$NOPE\nFROM base\nCOPY $A /x\n";
        let mut df = typed(src);
        let mut args = BuildArgs::new();
        args.insert("A".into(), "from-build-arg".into());
        expand_dockerfile(&mut df, &args, '\\');
        assert!(df.diagnostics.is_empty(), "{:?}", df.diagnostics);
        assert_eq!(df.stages[0].base.value(), "alpine:3.20");
        let Instr::Env { pairs } = &df.stages[0].instructions[0].instr else {
            panic!()
        };
        // Both pairs of one ENV see the environment from before it: B is empty.
        assert_eq!(pairs[1].value.value(), "");
        let ins = &df.stages[0].instructions[2];
        let Instr::Workdir { path } = &ins.instr else {
            panic!()
        };
        assert_eq!(path.value(), "/app/3.20/1/");
        assert_eq!(
            ins.undefined_vars
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>(),
            vec!["NOPE"]
        );
        // The second stage inherits the first stage's ENV.
        let Instr::Copy(c) = &df.stages[1].instructions[0].instr else {
            panic!()
        };
        assert_eq!(c.files.sources[0].value(), "1");
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("1h2m3.5s"), Ok(3_723_500_000_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(
            parse_go_duration("10q"),
            Err("time: unknown unit \"q\" in duration \"10q\"".into())
        );
        assert!(parse_go_duration("x").is_err());
    }
}
