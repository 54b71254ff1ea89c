//! Typed instructions and build stages, as BuildKit's `instructions` package
//! produces them from the parser's nodes, with BuildKit's own error messages;
//! and the variable expansion BuildKit's dispatcher applies before each
//! instruction (`expand_dockerfile`).

mod flags;
mod healthcheck;
mod mount;
mod scope;

pub use flags::suggest;
pub use healthcheck::parse_go_duration;
pub use mount::{Device, Mount, MountType, parse_device, parse_mount};
pub use scope::{
    BuildArgs, DEFAULT_PLATFORM, automatic_args, expand_dockerfile, expand_dockerfile_with,
};

use super::Diagnostic;
use super::ast::{Heredoc, Node, Word, go_equal_fold, go_lower, go_quote};
use super::parser::Ast;
use super::parser::heredoc_from_word;
use super::span::Span;
use flags::{Flags, Kind, with_suggestion};
use serde::Serialize;

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MountFlag {
    pub raw: Text,
    pub mount: Option<Mount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    pub command: CommandLine,
    /// `--mount` values as written; `mount` is filled in by `expand_dockerfile`
    /// when the expanded value passes BuildKit's checks.
    pub mounts: Vec<MountFlag>,
    pub network: String,
    pub security: String,
    pub devices: Vec<Device>,
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

pub(super) type PResult<T> = Result<T, (String, Span)>;

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

pub(super) fn args_span(node: &Node) -> Span {
    node.args
        .first()
        .map(|f| node.args.iter().fold(f.span, |s, w| s.cover(w.span)))
        .unwrap_or(node.keyword.span)
}

fn parse_from(node: &Node, index: usize) -> PResult<Stage> {
    let args = &node.args;
    let mut name = None;
    let mut name_span = None;
    if args.len() == 3 && go_equal_fold(&args[1].value, "as") {
        let n = go_lower(&args[2].value);
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
            // BuildKit's post-parse hooks run in this order: device, mount, network, security.
            let mut devices = Vec::new();
            for (w, v) in flags.strings("device") {
                devices.push(parse_device(v, w.span)?);
            }
            let mut mounts = Vec::new();
            for (w, v) in flags.strings("mount") {
                mount::check_mount_syntax(v, w.span)?;
                mounts.push(MountFlag {
                    raw: Text {
                        raw: v.to_owned(),
                        span: w.span,
                        expanded: None,
                    },
                    mount: None,
                });
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
                devices,
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
                        let (lo, hi) = w.logical;
                        let vs = node.span_of((lo + k.len() + 1).min(hi), hi);
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
        "healthcheck" => healthcheck::healthcheck(node)?,
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
        vec![Word::synthetic(value, args_span(node))]
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

/// BuildKit's `MustParseHeredoc`: the heredoc a COPY/ADD argument names, if any.
fn heredoc_word(w: &Word) -> Option<Heredoc> {
    heredoc_from_word(&w.value, w.span).ok().flatten()
}

fn sources_and_dest(node: &Node, kw: &str) -> PResult<SourcesAndDest> {
    let (dest, srcs) = node
        .args
        .split_last()
        .expect("checked: at least two arguments");
    if heredoc_word(dest).is_some() {
        return Err((
            format!("{kw} cannot accept a heredoc as a destination"),
            dest.span,
        ));
    }
    let mut sources = Vec::new();
    let mut contents = Vec::new();
    for s in srcs {
        if let Some(word_doc) = heredoc_word(s) {
            // In JSON form BuildKit collects no heredocs, so the content is empty.
            let doc = node
                .heredocs
                .iter()
                .find(|h| h.name == word_doc.name)
                .cloned()
                .unwrap_or(word_doc);
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
        let mut df = typed(src);
        expand_dockerfile(&mut df, &BuildArgs::new(), '\\');
        df.diagnostics.into_iter().map(|d| d.message).collect()
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
                "FROM a\nRUN --mount=from=$X x",
                "'from' doesn't support variable expansion, define alias stage instead",
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
        let mut df = typed(
            "ARG V=1\nFROM alpine:${V} AS Build\nARG UID=1000\nRUN --mount=type=cache,target=/root/.cache,sharing=locked,uid=${UID} make\nHEALTHCHECK --interval=1m30s --retries=3 CMD [\"curl\", \"-f\"]\n",
        );
        expand_dockerfile(&mut df, &BuildArgs::new(), '\\');
        assert!(df.diagnostics.is_empty(), "{:?}", df.diagnostics);
        assert_eq!(df.stages[0].name.as_deref(), Some("build"));
        let Instr::Run(run) = &df.stages[0].instructions[1].instr else {
            panic!()
        };
        let m = run.mounts[0].mount.as_ref().unwrap();
        assert_eq!(m.mount_type, MountType::Cache);
        assert_eq!(m.uid, Some(1000));
        assert!(!m.read_only);
        assert_eq!(m.sharing.as_deref(), Some("locked"));
        let Instr::Healthcheck(h) = &df.stages[0].instructions[2].instr else {
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
