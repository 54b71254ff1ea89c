//! The linter: hadolint's DL rules and BuildKit's build checks over the typed
//! Dockerfile. One rule per file in `rules/`; each rule's doc comment is its
//! page (`Meta::doc`), so the page and the code cannot drift apart.

pub mod config;
pub mod format;
pub mod pragma;
pub mod rules;
pub mod shell;

pub use config::{Config, Threshold};

use crate::dockerfile::instructions::Dockerfile;
use crate::dockerfile::{Analysis, Ast, Span};
use serde::Serialize;

/// hadolint's severities (BuildKit's checks are all warnings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Style,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
            Level::Style => "style",
        }
    }
}

/// Where a rule comes from, which decides its reference URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Hadolint,
    Buildkit,
}

/// What a rule is: its code, name, default level and page.
#[derive(Debug)]
pub struct Meta {
    /// `DL3006`, or BuildKit's rule name (`StageNameCasing`).
    pub code: &'static str,
    /// kebab-case name.
    pub name: &'static str,
    pub level: Level,
    pub origin: Origin,
    /// Off unless asked for (hadolint's "ignore" severity, BuildKit's experimental checks).
    pub enabled_by_default: bool,
    /// The rule's page, Markdown, from its doc comment.
    pub doc: &'static str,
    /// Other codes this rule also stands for: the same finding under the other
    /// tool's name (`MaintainerDeprecated` for DL4000).
    pub also: &'static [&'static str],
}

impl Meta {
    /// Whether `code` (case-insensitive) names this rule: its code, its kebab-case
    /// name or a code it also stands for.
    pub fn is(&self, code: &str) -> bool {
        self.code.eq_ignore_ascii_case(code)
            || self.name.eq_ignore_ascii_case(code)
            || self.also.iter().any(|a| a.eq_ignore_ascii_case(code))
    }

    /// Whether the rule is, or also stands for, a BuildKit check (which BuildKit's
    /// `check=` directive controls).
    pub fn is_check(&self) -> bool {
        self.origin == Origin::Buildkit || self.also.iter().any(|a| !a.starts_with("DL"))
    }

    /// The upstream reference page.
    pub fn url(&self) -> String {
        match self.origin {
            Origin::Hadolint => format!("https://github.com/hadolint/hadolint/wiki/{}", self.code),
            Origin::Buildkit => {
                format!("https://docs.docker.com/go/dockerfile/rule/{}/", self.name)
            }
        }
    }

    /// The page with the doc comment's leading space removed from each line.
    pub fn page(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// A rule: metadata plus a check over the whole Dockerfile.
pub trait Rule: Sync {
    fn meta(&self) -> &'static Meta;
    fn check(&self, cx: &Context, out: &mut Vec<Finding>);
}

/// How safe a fix is to apply without review (ruff's classification).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The image built afterwards is the same, or the change is what the rule is about.
    Safe,
    /// Changes behaviour in a way the user should review.
    Unsafe,
}

/// Replace the text at `span` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// One problem a rule found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub level: Level,
    pub message: String,
    pub span: Span,
    pub fix: Option<Fix>,
}

/// What rules look at.
pub struct Context<'a> {
    pub source: &'a str,
    pub ast: &'a Ast,
    pub dockerfile: &'a Dockerfile,
    pub config: &'a Config,
    pub env: &'a Environment,
    runs: &'a [shell::RunScript<'a>],
    /// The simple commands of each of `runs`, built once for all shell rules.
    cmds: &'a [Vec<shell::Cmd<'a>>],
    /// The same commands by name, in order.
    named: &'a std::collections::HashMap<&'a str, Vec<&'a shell::Cmd<'a>>>,
}

/// What a linter can know beyond the Dockerfile: the build context's
/// `.dockerignore`, the base images' configs and the target platform. Each is
/// optional; rules that need one skip what they cannot know (their pages say so).
/// The CLI fills in the `.dockerignore`; the image catalog fills in images.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    pub dockerignore: Option<String>,
    /// By image reference as FROM names it after expansion (`alpine:3.20`).
    pub images: std::collections::BTreeMap<String, ImageInfo>,
    /// `os/arch[/variant]`; `None` means the platform the build runs on.
    pub target_platform: Option<String>,
}

/// The parts of a base image's config that lint rules use.
#[derive(Debug, Clone, Default)]
pub struct ImageInfo {
    /// `KEY=value`, as in the image config's `Env`.
    pub env: Vec<String>,
    /// The image's `Shell`, when set.
    pub shell: Option<Vec<String>>,
    /// `os/arch[/variant]`.
    pub platform: Option<String>,
}

/// Runs `f` with the context for one file: every RUN script parsed once, its
/// commands extracted once, shared by all rules.
pub fn with_context<R>(
    source: &str,
    analysis: &Analysis,
    config: &Config,
    env: &Environment,
    f: impl FnOnce(&Context) -> R,
) -> R {
    let pragma = pragma::shell_pragma(&analysis.ast);
    let runs = shell::run_scripts(&analysis.dockerfile, &analysis.ast, pragma.as_deref());
    let cmds: Vec<Vec<shell::Cmd>> = runs.iter().map(|r| r.commands()).collect();
    let mut named: std::collections::HashMap<&str, Vec<&shell::Cmd>> = Default::default();
    for c in cmds.iter().flatten() {
        named.entry(c.name.as_ref()).or_default().push(c);
    }
    let cx = Context {
        source,
        ast: &analysis.ast,
        dockerfile: &analysis.dockerfile,
        config,
        env,
        runs: &runs,
        cmds: &cmds,
        named: &named,
    };
    f(&cx)
}

impl<'a> Context<'a> {
    pub fn text(&self, span: Span) -> &str {
        self.source.get(span.start..span.end).unwrap_or("")
    }

    /// Every RUN's script.
    pub fn runs(&self) -> &'a [shell::RunScript<'a>] {
        self.runs
    }

    /// The simple commands of one RUN, in order.
    pub fn cmds_of(&self, run: &shell::RunScript) -> &'a [shell::Cmd<'a>] {
        self.cmds
            .get(run.index)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The commands called `name`, in order.
    pub fn cmds_named(&self, name: &str) -> &'a [&'a shell::Cmd<'a>] {
        self.named.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    /// The commands whose name passes `pred` (grouped by name).
    pub fn cmds_where(
        &self,
        pred: impl Fn(&str) -> bool,
    ) -> impl Iterator<Item = &'a shell::Cmd<'a>> {
        self.named
            .iter()
            .filter(move |(n, _)| pred(n))
            .flat_map(|(_, v)| v.iter().copied())
    }

    /// Every simple command of every RUN, in order.
    pub fn all_cmds(&self) -> impl Iterator<Item = &'a shell::Cmd<'a>> {
        self.cmds.iter().flatten()
    }
}

/// Declares a rule: its doc comment (the page) and metadata. The module that
/// calls it defines `fn check(cx: &Context, out: &mut Vec<Finding>)`.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $name:ident {
            code: $code:literal,
            name: $rname:literal,
            level: $level:ident,
            origin: $origin:ident
            $(, enabled_by_default: $enabled:literal)?
            $(, also: [$($also:literal),* $(,)?])? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub struct $name;

        pub static META: $crate::lint::Meta = $crate::lint::Meta {
            code: $code,
            name: $rname,
            level: $crate::lint::Level::$level,
            origin: $crate::lint::Origin::$origin,
            enabled_by_default: declare_rule!(@enabled $($enabled)?),
            doc: concat!($($doc, "\n"),*),
            also: &[$($($also),*)?],
        };

        impl $crate::lint::Rule for $name {
            fn meta(&self) -> &'static $crate::lint::Meta {
                &META
            }
            fn check(&self, cx: &$crate::lint::Context, out: &mut Vec<$crate::lint::Finding>) {
                check(cx, out)
            }
        }
    };
    (@enabled) => { true };
    (@enabled $e:literal) => { $e };
}
pub(crate) use declare_rule;

impl Finding {
    pub fn new(meta: &'static Meta, message: impl Into<String>, span: Span) -> Finding {
        Finding {
            code: meta.code,
            level: meta.level,
            message: message.into(),
            span,
            fix: None,
        }
    }

    /// A fix that replaces one span.
    pub fn with_replacement(
        self,
        title: impl Into<String>,
        applicability: Applicability,
        span: Span,
        replacement: impl Into<String>,
    ) -> Finding {
        let edit = Edit {
            span,
            replacement: replacement.into(),
        };
        self.with_fix(title, applicability, vec![edit])
    }

    pub fn with_fix(
        mut self,
        title: impl Into<String>,
        applicability: Applicability,
        edits: Vec<Edit>,
    ) -> Finding {
        self.fix = Some(Fix {
            title: title.into(),
            applicability,
            edits,
        });
        self
    }
}

/// Lints with the default config and nothing known beyond the Dockerfile.
pub fn lint(source: &str, analysis: &Analysis) -> Vec<Finding> {
    lint_with(
        source,
        analysis,
        &Config::default(),
        &Environment::default(),
    )
}

/// Runs every rule the config enables at the level it gives, then the file's
/// pragmas; findings in source order.
pub fn lint_with(
    source: &str,
    analysis: &Analysis,
    config: &Config,
    env: &Environment,
) -> Vec<Finding> {
    let mut pragmas = pragma::Pragmas::read(&analysis.ast);
    let out = with_context(source, analysis, config, env, |cx| {
        let mut out = Vec::new();
        for rule in rules::ALL {
            let meta = rule.meta();
            let level = config.level_of(meta).or_else(|| {
                let ignored = config.ignored.iter().any(|c| meta.is(c));
                (pragmas.enables(meta) && !ignored).then_some(meta.level)
            });
            let Some(level) = level else {
                continue;
            };
            let from = out.len();
            rule.check(cx, &mut out);
            for f in &mut out[from..] {
                f.level = level;
            }
        }
        out
    });
    if config.disable_ignore_pragma {
        pragmas.drop_ignores();
    }
    let mut out = pragmas.apply(out);
    out.sort_by(|a, b| (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code)));
    out
}

/// The rule with this code (case-insensitive) or kebab-case name.
pub fn rule(code_or_name: &str) -> Option<&'static dyn Rule> {
    rules::ALL
        .iter()
        .copied()
        .find(|r| r.meta().is(code_or_name))
}

/// Applies the fixes of `findings` that do not overlap an earlier one.
pub fn apply_fixes(source: &str, findings: &[Finding], allow_unsafe: bool) -> String {
    let mut edits: Vec<&Edit> = findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .filter(|f| allow_unsafe || f.applicability == Applicability::Safe)
        .flat_map(|f| &f.edits)
        .collect();
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for e in edits {
        if e.span.start < at {
            continue;
        }
        out.push_str(&source[at..e.span.start]);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&source[at..]);
    out
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::dockerfile::analyze;

    /// The text under each finding of `code` in `src`.
    pub fn flagged(src: &str, code: &str) -> Vec<String> {
        let a = analyze(src);
        lint(src, &a)
            .into_iter()
            .filter(|f| f.code == code)
            .map(|f| src[f.span.start..f.span.end].to_string())
            .collect()
    }

    /// The text under each finding of `code` with a `.hadolint.yaml` config.
    pub fn with_config(src: &str, yaml: &str, code: &str) -> Vec<String> {
        let cfg = Config::from_yaml(yaml).expect("test config");
        let a = analyze(src);
        lint_with(src, &a, &cfg, &Environment::default())
            .into_iter()
            .filter(|f| f.code == code)
            .map(|f| src[f.span.start..f.span.end].to_string())
            .collect()
    }

    /// Applies every fix for `code` and returns the new source, checking that
    /// the rule no longer fires on it.
    pub fn fixed(src: &str, code: &str) -> String {
        let a = analyze(src);
        let findings: Vec<Finding> = lint(src, &a)
            .into_iter()
            .filter(|f| f.code == code)
            .collect();
        assert!(
            findings.iter().all(|f| f.fix.is_some()),
            "a {code} finding without a fix"
        );
        let out = apply_fixes(src, &findings, true);
        assert_eq!(
            flagged(&out, code),
            Vec::<String>::new(),
            "{code} still fires after its fix:\n{out}"
        );
        out
    }
}
