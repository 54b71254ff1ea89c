//! `layerlab lint`: hadolint's flags and config file over layerlab's linter,
//! plus `--fix`/`--diff`.

use super::{exit_for, read_source};
use crate::dockerfile;
use crate::lint::config::{Config, LabelType, Threshold};
use crate::lint::format::{FileReport, Format, render};
use crate::lint::{self, Environment};
use anyhow::{Context, Result, bail};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct LintArgs {
    /// Dockerfiles ("-" reads standard input; at most 2 MiB each).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output format: tty, json, sarif, checkstyle, codeclimate, gitlab_codeclimate, gnu.
    #[arg(short = 'f', long, value_parser = clap::builder::PossibleValuesParser::new(Format::NAMES))]
    format: Option<String>,
    /// Exit 1 only for problems at or above this level (error, warning, info, style, none).
    #[arg(short = 't', long, value_enum)]
    failure_threshold: Option<ThresholdArg>,
    /// Exit 0 whatever is found (2 still means a file could not be read).
    #[arg(long)]
    no_fail: bool,
    /// No colours in tty output (also when NO_COLOR is set or output is not a terminal).
    #[arg(long)]
    no_color: bool,
    /// A rule not to report (repeatable), e.g. --ignore DL3006.
    #[arg(long, value_name = "CODE")]
    ignore: Vec<String>,
    /// Report this rule as an error (repeatable).
    #[arg(long, value_name = "CODE")]
    error: Vec<String>,
    /// Report this rule as a warning (repeatable).
    #[arg(long, value_name = "CODE")]
    warning: Vec<String>,
    /// Report this rule as info (repeatable).
    #[arg(long, value_name = "CODE")]
    info: Vec<String>,
    /// Report this rule as style (repeatable).
    #[arg(long, value_name = "CODE")]
    style: Vec<String>,
    /// A `.hadolint.yaml`-style config file. Without it, `.hadolint.yaml` or
    /// `.hadolint.yml` in the current directory, then `$XDG_CONFIG_HOME/hadolint.yaml`
    /// (default `~/.config/`), `~/.hadolint/hadolint.yaml`, `~/.hadolint/config.yaml`,
    /// `~/.hadolint.yaml` (each also as `.yml`). hadolint's HADOLINT_* environment
    /// variables apply too; the file wins over them and flags over both.
    #[arg(short = 'c', long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A registry FROM may pull from (repeatable; DL3026).
    #[arg(long, value_name = "REGISTRY")]
    trusted_registry: Vec<String>,
    /// A label the image must have, with its type (repeatable), e.g. maintainer:text.
    #[arg(long, value_name = "LABEL:TYPE")]
    require_label: Vec<String>,
    /// Report labels that are not in the label schema (DL3050).
    #[arg(long)]
    strict_labels: bool,
    /// Do not honour `# hadolint ignore=` and `# check=skip=` comments.
    #[arg(long)]
    disable_ignore_pragma: bool,
    /// The file name to report for standard input.
    #[arg(long, value_name = "PATH")]
    file_path_in_report: Option<String>,
    /// The build context whose `.dockerignore` CopyIgnoredFile reads (default: the
    /// Dockerfile's directory).
    #[arg(long, value_name = "DIR")]
    context: Option<PathBuf>,
    /// Write the report to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Apply the safe fixes in place (standard input: print the fixed file), then
    /// report what is left.
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff, also apply fixes marked unsafe (they change the image; review them).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of applying them.
    #[arg(long)]
    diff: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ThresholdArg {
    Error,
    Warning,
    Info,
    Style,
    None,
}

impl From<ThresholdArg> for Threshold {
    fn from(t: ThresholdArg) -> Threshold {
        match t {
            ThresholdArg::Error => Threshold::Error,
            ThresholdArg::Warning => Threshold::Warning,
            ThresholdArg::Info => Threshold::Info,
            ThresholdArg::Style => Threshold::Style,
            ThresholdArg::None => Threshold::None,
        }
    }
}

/// `name[:type]` label requirements (type `text` when left out).
fn label_schema(
    specs: &[String],
    what: &str,
) -> Result<std::collections::BTreeMap<String, LabelType>> {
    let mut schema = std::collections::BTreeMap::new();
    for spec in specs {
        let (name, ty) = spec.split_once(':').unwrap_or((spec, "text"));
        let ty: LabelType = serde_json::from_value(serde_json::Value::from(ty)).map_err(|_| {
            anyhow::anyhow!(
                "{what} {spec}: type must be one of text, url, hash, rfc3339, semver, email, spdx"
            )
        })?;
        schema.insert(name.to_string(), ty);
    }
    Ok(schema)
}

/// hadolint's environment variables: HADOLINT_IGNORE, HADOLINT_OVERRIDE_ERROR
/// (…_WARNING, _INFO, _STYLE), HADOLINT_FAILURE_THRESHOLD, HADOLINT_FORMAT,
/// HADOLINT_TRUSTED_REGISTRIES, HADOLINT_REQUIRE_LABELS, HADOLINT_NOFAIL,
/// HADOLINT_STRICT_LABELS, HADOLINT_DISABLE_IGNORE_PRAGMA.
fn env_config() -> Result<Config> {
    let var = |k: &str| std::env::var(k).ok();
    let list = |k: &str| -> Vec<String> {
        var(k)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let flag = |k: &str| {
        var(k)
            .is_some_and(|v| matches!(v.to_lowercase().as_str(), "1" | "y" | "on" | "true" | "yes"))
    };
    Ok(Config {
        ignored: list("HADOLINT_IGNORE"),
        overrides: lint::config::Overrides {
            error: list("HADOLINT_OVERRIDE_ERROR"),
            warning: list("HADOLINT_OVERRIDE_WARNING"),
            info: list("HADOLINT_OVERRIDE_INFO"),
            style: list("HADOLINT_OVERRIDE_STYLE"),
        },
        // An invalid threshold is ignored, as hadolint does.
        failure_threshold: var("HADOLINT_FAILURE_THRESHOLD")
            .and_then(|v| serde_json::from_value(serde_json::Value::from(v.to_lowercase())).ok()),
        trusted_registries: list("HADOLINT_TRUSTED_REGISTRIES"),
        label_schema: label_schema(&list("HADOLINT_REQUIRE_LABELS"), "HADOLINT_REQUIRE_LABELS")?,
        strict_labels: flag("HADOLINT_STRICT_LABELS"),
        disable_ignore_pragma: flag("HADOLINT_DISABLE_IGNORE_PRAGMA"),
        no_fail: flag("HADOLINT_NOFAIL"),
        no_color: false,
        format: var("HADOLINT_FORMAT"),
    })
}

/// The config file named by `-c`, else the first one found where hadolint looks.
fn find_config(explicit: Option<&Path>) -> Result<Config> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => {
            let home = std::env::var_os("HOME").map(PathBuf::from);
            let xdg = std::env::var_os("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".config")));
            let in_home = |p: &str| home.as_ref().map(|h| h.join(p));
            [
                Some(PathBuf::from(".hadolint.yaml")),
                Some(PathBuf::from(".hadolint.yml")),
                xdg.as_ref().map(|d| d.join("hadolint.yaml")),
                xdg.as_ref().map(|d| d.join("hadolint.yml")),
                in_home(".hadolint/hadolint.yaml"),
                in_home(".hadolint/hadolint.yml"),
                in_home(".hadolint/config.yaml"),
                in_home(".hadolint/config.yml"),
                in_home(".hadolint.yaml"),
                in_home(".hadolint.yml"),
            ]
            .into_iter()
            .flatten()
            .find(|p| p.is_file())
        }
    };
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read config {}", path.display()))?;
    Config::from_yaml(&text).map_err(|e| match (e.line, e.column) {
        (Some(l), Some(c)) => anyhow::anyhow!("{}:{l}:{c}: {}", path.display(), e.message),
        _ => anyhow::anyhow!("{}: {}", path.display(), e.message),
    })
}

impl LintArgs {
    /// The environment, then the config file, then the flags.
    fn config(&self) -> Result<Config> {
        let label_schema = label_schema(&self.require_label, "--require-label")?;
        let flags = Config {
            ignored: self.ignore.clone(),
            overrides: lint::config::Overrides {
                error: self.error.clone(),
                warning: self.warning.clone(),
                info: self.info.clone(),
                style: self.style.clone(),
            },
            failure_threshold: self.failure_threshold.map(Threshold::from),
            trusted_registries: self.trusted_registry.clone(),
            label_schema,
            strict_labels: self.strict_labels,
            disable_ignore_pragma: self.disable_ignore_pragma,
            no_fail: self.no_fail,
            no_color: self.no_color,
            format: self.format.clone(),
        };
        for code in flags
            .ignored
            .iter()
            .chain(&flags.overrides.error)
            .chain(&flags.overrides.warning)
            .chain(&flags.overrides.info)
            .chain(&flags.overrides.style)
        {
            if lint::rule(code).is_none() && !code.to_ascii_uppercase().starts_with("SC") {
                bail!("unknown rule {code}; `layerlab rules` lists them");
            }
        }
        Ok(env_config()?
            .merge(find_config(self.config.as_deref())?)
            .merge(flags))
    }

    fn environment(&self, file: &Path) -> Environment {
        let dir = match &self.context {
            Some(d) => d.clone(),
            None if file.as_os_str() == "-" => PathBuf::from("."),
            None => file
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
        };
        // BuildKit prefers `<Dockerfile name>.dockerignore` beside the Dockerfile.
        let specific = file
            .file_name()
            .map(|n| file.with_file_name(format!("{}.dockerignore", n.to_string_lossy())));
        let dockerignore = specific
            .filter(|p| file.as_os_str() != "-" && p.is_file())
            .or_else(|| Some(dir.join(".dockerignore")))
            .and_then(|p| std::fs::read_to_string(p).ok());
        Environment {
            dockerignore,
            ..Environment::default()
        }
    }
}

pub fn lint_cmd(args: LintArgs) -> Result<ExitCode> {
    let config = args.config()?;
    let format = match config.format.as_deref() {
        Some(name) => Format::from_name(name)
            .with_context(|| format!("unknown format {name}; one of {:?}", Format::NAMES))?,
        None => Format::Tty,
    };
    let mut out = std::io::stdout().lock();
    let color = !config.no_color
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal();
    let mut sources = Vec::new();
    let mut unreadable = false;
    for file in &args.files {
        // One unreadable file does not hide the others' findings.
        match read_source(file) {
            Ok(src) => sources.push((file, src)),
            Err(e) => {
                eprintln!("layerlab: {e:#}");
                unreadable = true;
            }
        }
    }
    if args.fix || args.diff {
        for (file, src) in &mut sources {
            let file: &Path = file;
            let env = args.environment(file);
            let fixed = fix_all(src, &config, &env, args.unsafe_fixes);
            if fixed == *src {
                continue;
            }
            let name = file.display().to_string();
            if args.diff {
                let diff = similar::TextDiff::from_lines(src.as_str(), fixed.as_str());
                write!(out, "{}", diff.unified_diff().header(&name, &name))?;
            } else if file.as_os_str() == "-" {
                write!(out, "{fixed}")?;
            } else {
                std::fs::write(file, &fixed).with_context(|| format!("cannot write {name}"))?;
            }
            *src = fixed;
        }
    }
    if args.diff {
        return Ok(exit_for(unreadable));
    }
    let reports = lint_all(&args, &config, &sources);
    // With --fix on standard input, stdout carries the file; findings go to stderr.
    let color = color && args.output.is_none();
    let text = render(format, &reports, color);
    if let Some(path) = &args.output {
        std::fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?;
    } else if args.fix && args.files.iter().any(|f| f.as_os_str() == "-") {
        eprint!("{text}");
    } else {
        write!(out, "{text}")?;
    }
    let threshold = config.threshold();
    let failed = reports.iter().flat_map(|r| &r.problems).any(|p| {
        if p.syntax {
            p.level == lint::Level::Error
        } else {
            threshold.fails(p.level)
        }
    });
    Ok(if unreadable {
        ExitCode::from(2)
    } else {
        exit_for(failed && !config.no_fail)
    })
}

/// Lints every file, on as many threads as there are cores (the core is pure
/// and each file independent); reports stay in the order of the files.
fn lint_all<'s>(
    args: &LintArgs,
    config: &Config,
    sources: &'s [(&PathBuf, String)],
) -> Vec<FileReport<'s>> {
    let one = |(file, src): &'s (&PathBuf, String)| {
        let file: &Path = file;
        let name = match (&args.file_path_in_report, file.as_os_str() == "-") {
            (Some(n), _) => n.clone(),
            (None, true) => "-".to_string(),
            (None, false) => file.display().to_string(),
        };
        let env = args.environment(file);
        let analysis = dockerfile::analyze(src);
        let findings = lint::lint_with(src, &analysis, config, &env);
        FileReport::new(name, src, &analysis, &findings)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || sources.len() < 8 {
        return sources.iter().map(one).collect();
    }
    let chunk = sources.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = sources
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// Applies fixes until none is left to apply (fixes that overlap wait for the
/// next round), at most a few rounds.
fn fix_all(src: &str, config: &Config, env: &Environment, allow_unsafe: bool) -> String {
    let mut text = src.to_string();
    for _ in 0..8 {
        let analysis = dockerfile::analyze(&text);
        let findings = lint::lint_with(&text, &analysis, config, env);
        let next = lint::apply_fixes(&text, &findings, allow_unsafe);
        if next == text {
            break;
        }
        text = next;
    }
    text
}
