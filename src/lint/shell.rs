//! RUN scripts for the shell-aware rules: each RUN of a POSIX-shell stage
//! parsed once with `crate::shell`, its spans mapped back to the Dockerfile, and
//! its simple commands offered as [`Cmd`]s with hadolint's view of flags and
//! arguments.

use crate::dockerfile::Span;
use crate::dockerfile::ast::{Heredoc, Node};
use crate::dockerfile::instructions::{Dockerfile, Instr, Instruction};
use crate::shell::{self, Script, SimpleCommand, Word};
use std::borrow::Cow;

/// One RUN instruction's script.
pub struct RunScript<'a> {
    /// Its place among the file's RUN scripts.
    pub index: usize,
    /// Index of the stage in `Dockerfile::stages`.
    pub stage: usize,
    pub ins: &'a Instruction,
    /// The text the shell runs.
    pub text: String,
    /// None when the stage's shell is not a POSIX shell (or the script is not
    /// shell at all): shell rules skip it.
    pub parsed: Option<Result<Script, shell::ParseError>>,
    /// (offset in `text`, where it starts): logical-line offsets of the node
    /// for the command, source offsets for heredoc bodies.
    segments: Vec<(usize, Origin)>,
    node: Option<&'a Node>,
}

#[derive(Clone, Copy)]
enum Origin {
    Logical(usize),
    Source(usize),
}

impl<'a> RunScript<'a> {
    pub fn script(&self) -> Option<&Script> {
        self.parsed.as_ref()?.as_ref().ok()
    }

    /// The Dockerfile span of script bytes `[s.start, s.end)`.
    pub fn span(&self, s: Span) -> Span {
        let seg = |off: usize| {
            let i = self
                .segments
                .partition_point(|(start, _)| *start <= off)
                .saturating_sub(1);
            self.segments.get(i).map(|&(start, o)| (start, o))
        };
        let Some((start, origin)) = seg(s.start) else {
            return self.ins.span;
        };
        match origin {
            Origin::Logical(base) => match self.node {
                Some(node) => {
                    // Both ends in the same segment: map the range; else clamp.
                    let end = match seg(s.end.saturating_sub(1).max(s.start)) {
                        Some((st, _)) if st == start => s.end,
                        _ => s.start + 1,
                    };
                    node.span_of(base + s.start - start, base + end - start)
                }
                None => self.ins.span,
            },
            Origin::Source(base) => {
                Span::new(base + s.start - start, base + s.end.max(s.start) - start)
            }
        }
    }

    /// Every simple command with a static name, nested ones included, in order.
    pub fn commands(&self) -> Vec<Cmd<'_>> {
        let Some(script) = self.script() else {
            return Vec::new();
        };
        script
            .simple_commands()
            .into_iter()
            .filter_map(|c| Cmd::new(self, c))
            .collect()
    }
}

/// One simple command as the rules see it.
pub struct Cmd<'a> {
    /// The command name as written after quote removal (`apt-get`).
    pub name: Cow<'a, str>,
    /// The words after the name.
    pub args: Vec<Arg<'a>>,
    pub node: &'a SimpleCommand,
    pub run: &'a RunScript<'a>,
}

/// One argument: its value after quote removal when static, else as written.
pub struct Arg<'a> {
    pub value: Cow<'a, str>,
    /// The value needs expansion (`$PKG`, `$(cat list)`).
    pub dynamic: bool,
    pub word: &'a Word,
}

impl Arg<'_> {
    pub fn is_flag(&self) -> bool {
        self.value.starts_with('-') && self.value.len() > 1
    }
}

impl<'a> Cmd<'a> {
    fn new(run: &'a RunScript<'a>, c: &'a SimpleCommand) -> Option<Cmd<'a>> {
        let name = c.name()?;
        let text = &run.text;
        let args = c
            .args()
            .iter()
            .map(|w| match w.literal() {
                Some(v) => Arg {
                    value: v,
                    dynamic: false,
                    word: w,
                },
                None => Arg {
                    value: Cow::Borrowed(w.text(text)),
                    dynamic: true,
                    word: w,
                },
            })
            .collect();
        Some(Cmd {
            name,
            args,
            node: c,
            run,
        })
    }

    /// The Dockerfile span of the whole command.
    pub fn span(&self) -> Span {
        self.run.span(self.node.span)
    }

    /// The Dockerfile span of one argument.
    pub fn arg_span(&self, a: &Arg) -> Span {
        self.run.span(a.word.span)
    }

    /// The Dockerfile span of the command name.
    pub fn name_span(&self) -> Span {
        match self.node.words.first() {
            Some(w) => self.run.span(w.span),
            None => self.span(),
        }
    }

    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }

    /// hadolint's flag test: `y` matches `-y` and `-qy`; `yes` matches `--yes`
    /// and `--yes=…`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.args.iter().any(|a| flag_matches(&a.value, flag))
    }

    pub fn has_any_flag(&self, flags: &[&str]) -> bool {
        flags.iter().any(|f| self.has_flag(f))
    }

    /// Arguments that are not flags (`-x`, `--x`).
    pub fn args_no_flags(&self) -> impl Iterator<Item = &Arg<'a>> {
        self.args.iter().filter(|a| !a.is_flag())
    }

    /// The first non-flag argument: the sub-command (`install` in `apt-get -y install`).
    pub fn subcommand(&self) -> Option<&Arg<'a>> {
        self.args_no_flags().next()
    }

    /// The operands of sub-command `sub` (one of `subs`): the non-flag arguments
    /// after it, without the values of `value_flags` (`-o x`, `--virtual .deps`).
    /// None when the command's sub-command is not one of `subs`.
    pub fn operands(&self, subs: &[&str], value_flags: &[&str]) -> Option<Vec<&Arg<'a>>> {
        let mut out = Vec::new();
        let mut seen_sub = false;
        let mut skip_next = false;
        for a in &self.args {
            if skip_next {
                skip_next = false;
                continue;
            }
            if a.is_flag() {
                skip_next = value_flags.contains(&a.value.as_ref());
                continue;
            }
            if !seen_sub {
                if !subs.contains(&a.value.as_ref()) {
                    return None;
                }
                seen_sub = true;
                continue;
            }
            out.push(a);
        }
        seen_sub.then_some(out)
    }

    /// An edit that inserts ` text` right after the sub-command (or the name).
    pub fn insert_after_subcommand(&self, text: &str) -> crate::lint::Edit {
        let at = match self.subcommand() {
            Some(a) => self.arg_span(a).end,
            None => self.name_span().end,
        };
        crate::lint::Edit {
            span: Span::new(at, at),
            replacement: format!(" {text}"),
        }
    }

    pub fn has_arg(&self, value: &str) -> bool {
        self.args.iter().any(|a| a.value == value)
    }

    /// The value of `--name=value`, `--name value`, or `-n value`.
    pub fn flag_value(&self, names: &[&str]) -> Option<&Arg<'a>> {
        let mut it = self.args.iter();
        while let Some(a) = it.next() {
            for n in names {
                let dashed = if n.len() == 1 {
                    format!("-{n}")
                } else {
                    format!("--{n}")
                };
                if a.value == dashed {
                    return it.next();
                }
            }
        }
        None
    }
}

fn flag_matches(arg: &str, flag: &str) -> bool {
    if let Some(long) = arg.strip_prefix("--") {
        let name = long.split('=').next().unwrap_or("");
        return name == flag;
    }
    match arg.strip_prefix('-') {
        Some(short) if flag.chars().count() == 1 => !short.is_empty() && short.contains(flag),
        Some(short) => short == flag,
        None => false,
    }
}

/// The stage's shell is POSIX unless a `SHELL` (this stage or a parent stage)
/// or a `# hadolint shell=` pragma names another, or the base is a Windows
/// image (whose default shell is `cmd`).
fn is_posix_shell(argv0: &str) -> bool {
    let base = argv0.rsplit(['/', '\\']).next().unwrap_or(argv0);
    let base = base
        .strip_suffix(".exe")
        .unwrap_or(base)
        .to_ascii_lowercase();
    !matches!(base.as_str(), "powershell" | "pwsh" | "cmd")
}

fn windows_image(base: &str) -> bool {
    let b = base.to_ascii_lowercase();
    b.contains("mcr.microsoft.com/windows") || b.contains("servercore") || b.contains("nanoserver")
}

/// Builds the script of every RUN (shell form or heredoc) in stage order.
pub fn run_scripts<'a>(
    df: &'a Dockerfile,
    ast: &'a crate::dockerfile::Ast,
    pragma_shell: Option<&str>,
) -> Vec<RunScript<'a>> {
    let mut out = Vec::new();
    let mut stage_posix: Vec<bool> = Vec::new();
    for (si, stage) in df.stages.iter().enumerate() {
        let base = stage.base.value().to_lowercase();
        let parent = df.stages[..si]
            .iter()
            .position(|s| s.name.as_deref() == Some(base.as_str()));
        let mut posix = match parent {
            Some(p) => stage_posix[p],
            None => !windows_image(&base),
        };
        if let Some(sh) = pragma_shell {
            posix = is_posix_shell(sh);
        }
        for ins in &stage.instructions {
            match &ins.instr {
                Instr::Shell { args } => {
                    posix = args.first().is_some_and(|a| is_posix_shell(&a.value));
                }
                Instr::Run(run) if run.command.prepend_shell => {
                    let node = ast.children.get(ins.node);
                    let mut rs = script_of(si, ins, node, &run.command.files);
                    rs.index = out.len();
                    if posix && !rs.text.starts_with("#!") {
                        rs.parsed = Some(shell::parse(&rs.text));
                    }
                    out.push(rs);
                }
                _ => {}
            }
        }
        stage_posix.push(posix);
    }
    out
}

fn script_of<'a>(
    stage: usize,
    ins: &'a Instruction,
    node: Option<&'a Node>,
    files: &[Heredoc],
) -> RunScript<'a> {
    let empty = RunScript {
        index: 0,
        stage,
        ins,
        text: String::new(),
        parsed: None,
        segments: Vec::new(),
        node,
    };
    let Some(node) = node else { return empty };
    let Some(arg) = node.args.first() else {
        return empty;
    };
    let command = arg.value.as_str();
    // `RUN <<EOF`: the heredoc is the script.
    let only_heredoc = files.len() == 1
        && command.trim().starts_with("<<")
        && !command.trim().contains(char::is_whitespace);
    if only_heredoc {
        let h = &files[0];
        return RunScript {
            text: h.content.clone(),
            segments: vec![(0, Origin::Source(h.body_span.start))],
            ..empty
        };
    }
    // The command, then each heredoc's body and terminator, as the shell reads them.
    let mut text = command.to_string();
    let mut segments = vec![(0, Origin::Logical(arg.logical.0))];
    for h in files {
        text.push('\n');
        segments.push((text.len(), Origin::Source(h.body_span.start)));
        text.push_str(&h.content);
        text.push_str(&h.name);
    }
    RunScript {
        text,
        segments,
        ..empty
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::analyze;

    fn commands(src: &str) -> Vec<(String, String)> {
        let a = analyze(src);
        let runs = run_scripts(&a.dockerfile, &a.ast, None);
        runs.iter()
            .flat_map(|r| {
                r.commands()
                    .into_iter()
                    .map(|c| {
                        let s = c.span();
                        (c.name.to_string(), src[s.start..s.end].to_string())
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn maps_commands_back_to_the_dockerfile() {
        let src = "FROM a\nRUN apt-get update && \\\n  # note\n  apt-get install -y \\\n    curl\nRUN <<EOF\nset -e\necho \"$(id -u)\"\nEOF\nRUN cat <<EOT > /f && ls\nx\nEOT\n";
        let got = commands(src);
        let names: Vec<_> = got.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["apt-get", "apt-get", "set", "echo", "id", "cat", "ls"]
        );
        assert_eq!(got[0].1, "apt-get update");
        assert_eq!(got[1].1, "apt-get install -y \\\n    curl");
        assert_eq!(got[3].1, "echo \"$(id -u)\"");
        assert_eq!(got[4].1, "id -u");
        assert_eq!(got[5].1, "cat <<EOT > /f");
    }

    #[test]
    fn skips_non_posix_shells() {
        let ps = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN Get-ChildItem | Select-Object Name\n";
        assert!(commands(ps).is_empty());
        let shell = "FROM a\nSHELL [\"pwsh\", \"-Command\"]\nRUN Write-Host hi\nSHELL [\"/bin/bash\", \"-c\"]\nRUN echo hi\n";
        assert_eq!(
            commands(shell),
            [("echo".to_string(), "echo hi".to_string())]
        );
    }

    #[test]
    fn flags_the_hadolint_way() {
        let src = "FROM a\nRUN apt-get -qy install --no-install-recommends -o x=1 curl\n";
        let a = analyze(src);
        let runs = run_scripts(&a.dockerfile, &a.ast, None);
        let cmds = runs[0].commands();
        let c = &cmds[0];
        assert!(c.has_flag("y") && c.has_flag("q") && c.has_flag("no-install-recommends"));
        assert!(!c.has_flag("yes"));
        assert_eq!(c.subcommand().unwrap().value, "install");
        assert_eq!(c.flag_value(&["o"]).unwrap().value, "x=1");
    }
}
