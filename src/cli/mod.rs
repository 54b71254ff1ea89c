//! The command-line face: argument parsing and printing over the core.

use crate::dockerfile::{self, LineIndex, Severity, parser::MAX_SOURCE_BYTES};
use crate::lint;
use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "layerlab",
    version,
    about = "A Dockerfile playground: parse, lint and build images without a daemon"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse a Dockerfile and print its syntax tree.
    Parse {
        /// Print BuildKit's `Node.Dump()` format (the default; the flag says it explicitly).
        #[arg(long, conflicts_with = "json")]
        dump: bool,
        /// Print the tree with byte spans as JSON.
        #[arg(long)]
        json: bool,
        /// The Dockerfile ("-" reads standard input; at most 2 MiB).
        file: PathBuf,
    },
    /// Report problems: syntax errors as `file:line:col: message`, rule findings as
    /// `file:line:col: CODE level: message`. Exit 1 on any error or finding of
    /// level info or above (hadolint's default threshold).
    Lint {
        /// Dockerfiles ("-" reads standard input; at most 2 MiB each).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format: tty (one line per problem) or json (hadolint's fields plus
        /// end position, byte span and fix).
        #[arg(short = 'f', long, value_enum, default_value_t = Format::Tty)]
        format: Format,
        /// Exit 1 only for findings at or above this level (syntax errors always count).
        #[arg(short = 't', long, value_enum, default_value_t = Threshold::Info)]
        failure_threshold: Threshold,
        /// Exit 0 whatever is found (2 still means a file could not be read).
        #[arg(long)]
        no_fail: bool,
        /// A rule not to report (repeatable), e.g. --ignore DL3006.
        #[arg(long, value_name = "CODE")]
        ignore: Vec<String>,
    },
    /// List the lint rules.
    Rules,
    /// Print a rule's page (by code, e.g. DL3006, or name).
    Rule { code: String },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("layerlab: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Parse { json, file, .. } => {
            let src = read_source(&file)?;
            let ast = dockerfile::parse(&src);
            let mut out = std::io::stdout().lock();
            if json {
                serde_json::to_writer_pretty(&mut out, &ast)?;
                writeln!(out)?;
                return Ok(exit_for(ast.first_error().is_some()));
            }
            // BuildKit's parser stops at its first error; so does the dump.
            if let Some(e) = ast.first_error() {
                let idx = LineIndex::new(&src);
                let at = idx.line_col(e.span.start);
                eprintln!("{}:{}:{}: {}", file.display(), at.line, at.col, e.message);
                return Ok(ExitCode::from(1));
            }
            writeln!(out, "{}", ast.dump())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint {
            files,
            format,
            failure_threshold,
            no_fail,
            ignore,
        } => {
            let mut records = Vec::new();
            let mut unreadable = false;
            for file in &files {
                // One unreadable file does not hide the others' findings.
                match read_source(file) {
                    Ok(src) => records.extend(lint_one(file, &src, &ignore)),
                    Err(e) => {
                        eprintln!("layerlab: {e:#}");
                        unreadable = true;
                    }
                }
            }
            let mut out = std::io::stdout().lock();
            match format {
                Format::Tty => {
                    for r in &records {
                        writeln!(out, "{}", r.tty())?;
                    }
                }
                Format::Json => {
                    serde_json::to_writer(&mut out, &records)?;
                    writeln!(out)?;
                }
            }
            let failed = records.iter().any(|r| r.fails(failure_threshold));
            Ok(if unreadable {
                ExitCode::from(2)
            } else {
                exit_for(failed && !no_fail)
            })
        }
        Command::Rules => {
            let mut out = std::io::stdout().lock();
            for r in lint::rules::ALL {
                let m = r.meta();
                let page = m.page();
                let first = page
                    .lines()
                    .find(|l| !l.is_empty() && !l.starts_with('#'))
                    .unwrap_or("");
                let off = if m.enabled_by_default {
                    ""
                } else {
                    " (off by default)"
                };
                writeln!(out, "{:<28} {:<8} {first}{off}", m.code, m.level.as_str())?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rule { code } => match lint::rule(&code) {
            Some(r) => {
                let m = r.meta();
                let mut out = std::io::stdout().lock();
                writeln!(out, "# {} ({})\n", m.code, m.name)?;
                writeln!(out, "Level: {}. Reference: {}\n", m.level.as_str(), m.url())?;
                writeln!(out, "{}", m.page().trim_end())?;
                Ok(ExitCode::SUCCESS)
            }
            None => bail!("no rule {code}; `layerlab rules` lists them"),
        },
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Tty,
    Json,
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum Threshold {
    Error,
    Warning,
    Info,
    Style,
    None,
}

/// One reported problem, in hadolint's JSON shape plus end position, span and fix.
#[derive(serde::Serialize)]
struct Record {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    /// The rule code; DL1000 for syntax errors, as hadolint reports parse errors.
    code: String,
    level: &'static str,
    message: String,
    span: dockerfile::Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<lint::Fix>,
    #[serde(skip)]
    syntax: bool,
}

impl Record {
    fn tty(&self) -> String {
        let at = format!("{}:{}:{}", self.file, self.line, self.column);
        match (self.syntax, self.level) {
            (true, "error") => format!("{at}: {}", self.message),
            (true, level) => format!("{at}: {level}: {}", self.message),
            (false, level) => format!("{at}: {} {level}: {}", self.code, self.message),
        }
    }

    /// hadolint's rule: a finding at or above the threshold fails the run.
    fn fails(&self, threshold: Threshold) -> bool {
        if self.syntax {
            return self.level == "error";
        }
        let rank = |l: &str| match l {
            "error" => 0,
            "warning" => 1,
            "info" => 2,
            _ => 3,
        };
        let limit = match threshold {
            Threshold::Error => 0,
            Threshold::Warning => 1,
            Threshold::Info => 2,
            Threshold::Style => 3,
            Threshold::None => return false,
        };
        rank(self.level) <= limit
    }
}

/// One file's syntax problems and findings, in source order.
fn lint_one(file: &Path, src: &str, ignore: &[String]) -> Vec<Record> {
    let analysis = dockerfile::analyze(src);
    let findings = lint::lint(src, &analysis);
    let idx = LineIndex::new(src);
    let record =
        |span: dockerfile::Span, code: &str, level: &'static str, message: &str, syntax: bool| {
            let (a, b) = (idx.line_col(span.start), idx.line_col(span.end));
            Record {
                file: file.display().to_string(),
                line: a.line,
                column: a.col,
                end_line: b.line,
                end_column: b.col,
                code: code.to_string(),
                level,
                message: message.to_string(),
                span,
                fix: None,
                syntax,
            }
        };
    let mut records: Vec<Record> = analysis
        .diagnostics
        .iter()
        .map(|d| {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            record(d.span, "DL1000", level, &d.message, true)
        })
        .collect();
    for f in findings
        .iter()
        .filter(|f| !ignore.iter().any(|c| c.eq_ignore_ascii_case(f.code)))
    {
        let mut r = record(f.span, f.code, f.level.as_str(), &f.message, false);
        r.fix = f.fix.clone();
        records.push(r);
    }
    records.sort_by_key(|r| (r.span.start, r.span.end));
    records
}

fn exit_for(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads a Dockerfile, refusing anything larger than the core accepts before
/// reading it all. Invalid UTF-8 is replaced (BuildKit reads bytes; layerlab's
/// core works on text), and said.
fn read_source(path: &Path) -> Result<String> {
    let limit = MAX_SOURCE_BYTES as u64;
    let mut buf = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut buf)?;
    } else {
        let f =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        f.take(limit + 1)
            .read_to_end(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
    }
    if buf.len() as u64 > limit {
        bail!(
            "{}: larger than {} bytes, the most layerlab reads from one Dockerfile",
            path.display(),
            MAX_SOURCE_BYTES
        );
    }
    match String::from_utf8(buf) {
        Ok(s) => Ok(s),
        Err(e) => {
            eprintln!(
                "layerlab: {}: not valid UTF-8 at byte {}; invalid bytes are read as U+FFFD",
                path.display(),
                e.utf8_error().valid_up_to()
            );
            Ok(String::from_utf8_lossy(e.as_bytes()).into_owned())
        }
    }
}
