//! Output formats for lint results: what `layerlab lint -f …` prints. Pure: the
//! CLI hands in files and findings and writes out the string.

use super::{Finding, Fix, Level};
use crate::dockerfile::{Analysis, LineIndex, Severity, Span};
use serde::Serialize;
use serde_json::json;
use std::fmt::Write;

/// The formats, by the names hadolint's `--format` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Tty,
    Json,
    Sarif,
    Checkstyle,
    Codeclimate,
    GitlabCodeclimate,
    Gnu,
}

impl Format {
    pub const NAMES: &[&str] = &[
        "tty",
        "json",
        "sarif",
        "checkstyle",
        "codeclimate",
        "gitlab_codeclimate",
        "gnu",
    ];

    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "tty" => Format::Tty,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "checkstyle" => Format::Checkstyle,
            "codeclimate" => Format::Codeclimate,
            "gitlab_codeclimate" | "gitlab-codeclimate" => Format::GitlabCodeclimate,
            "gnu" => Format::Gnu,
            _ => return None,
        })
    }
}

/// One reported problem: a rule finding or a syntax error (code DL1000, as
/// hadolint reports parse errors). Lines and columns are 1-based; columns
/// count characters.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub code: String,
    pub level: Level,
    pub message: String,
    pub span: Span,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    #[serde(skip)]
    pub syntax: bool,
}

/// One file's problems, with its text for code frames.
pub struct FileReport<'a> {
    pub file: String,
    pub source: &'a str,
    pub problems: Vec<Problem>,
}

impl<'a> FileReport<'a> {
    /// Syntax errors and findings of one file, in source order.
    pub fn new(
        file: String,
        source: &'a str,
        analysis: &Analysis,
        findings: &[Finding],
    ) -> FileReport<'a> {
        let idx = LineIndex::new(source);
        let problem = |span: Span, code: &str, level: Level, message: &str, syntax: bool| {
            let (a, b) = (idx.line_col(span.start), idx.line_col(span.end));
            Problem {
                file: file.clone(),
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
        let mut problems: Vec<Problem> = analysis
            .diagnostics
            .iter()
            .map(|d| {
                let level = match d.severity {
                    Severity::Error => Level::Error,
                    Severity::Warning => Level::Warning,
                };
                problem(d.span, "DL1000", level, &d.message, true)
            })
            .collect();
        for f in findings {
            let mut p = problem(f.span, f.code, f.level, &f.message, false);
            p.fix = f.fix.clone();
            problems.push(p);
        }
        problems.sort_by_key(|p| (p.span.start, p.span.end));
        FileReport {
            file,
            source,
            problems,
        }
    }
}

/// Renders every file's problems in `format`. `color` only affects tty.
pub fn render(format: Format, reports: &[FileReport], color: bool) -> String {
    let all = || reports.iter().flat_map(|r| &r.problems);
    match format {
        Format::Tty => reports.iter().map(|r| tty(r, color)).collect(),
        Format::Json => {
            let problems: Vec<&Problem> = all().collect();
            serde_json::to_string(&problems).unwrap_or_default() + "\n"
        }
        Format::Gnu => all()
            .map(|p| {
                format!(
                    "layerlab:{}:{}.{}-{}.{}: {} {}: {}\n",
                    p.file,
                    p.line,
                    p.column,
                    p.end_line,
                    p.end_column,
                    p.code,
                    p.level.as_str(),
                    p.message
                )
            })
            .collect(),
        Format::Checkstyle => checkstyle(reports),
        Format::Sarif => sarif(reports),
        Format::Codeclimate => all()
            .map(|p| codeclimate_issue(p).to_string() + "\0")
            .collect(),
        Format::GitlabCodeclimate => {
            let issues: Vec<serde_json::Value> = all().map(codeclimate_issue).collect();
            serde_json::to_string(&issues).unwrap_or_default() + "\n"
        }
    }
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const BLUE: &str = "\x1b[34m";

fn level_color(level: Level) -> &'static str {
    match level {
        Level::Error => "\x1b[1;31m",
        Level::Warning => "\x1b[1;33m",
        Level::Info => "\x1b[1;36m",
        Level::Style => "\x1b[1;35m",
    }
}

/// `file:line:col: CODE level: message` and a code frame with a caret line
/// under the span (its first line, when it spans several).
fn tty(report: &FileReport, color: bool) -> String {
    let paint = |code: &'static str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for p in &report.problems {
        let at = format!("{}:{}:{}:", p.file, p.line, p.column);
        let level = paint(level_color(p.level), p.level.as_str());
        let head = if p.syntax {
            format!("{} {level}: {}", paint(BOLD, &at), p.message)
        } else {
            format!("{} {} {level}: {}", paint(BOLD, &at), p.code, p.message)
        };
        let _ = writeln!(out, "{head}");
        out.push_str(&code_frame(report.source, p, &|t| paint(BLUE, t), &|t| {
            paint(level_color(p.level), t)
        }));
    }
    out
}

fn code_frame(
    source: &str,
    p: &Problem,
    gutter: &dyn Fn(&str) -> String,
    mark: &dyn Fn(&str) -> String,
) -> String {
    let start = p.span.start.min(source.len());
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let text = source[line_start..line_end].trim_end_matches('\r');
    let num = p.line.to_string();
    let pad = " ".repeat(num.len());
    // Width in characters, tabs kept so the caret lines up under them.
    let lead: String = text[..start - line_start]
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let end = p.span.end.clamp(start, line_end);
    let width = source[start..end].chars().count().max(1);
    format!(
        "{} {}\n{} {} {text}\n{} {} {lead}{}\n",
        pad,
        gutter("|"),
        gutter(&num),
        gutter("|"),
        pad,
        gutter("|"),
        mark(&"^".repeat(width)),
    )
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry these at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn checkstyle(reports: &[FileReport]) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
    for r in reports {
        let _ = writeln!(out, "  <file name=\"{}\">", xml_escape(&r.file));
        for p in &r.problems {
            let _ = writeln!(
                out,
                "    <error line=\"{}\" column=\"{}\" severity=\"{}\" message=\"{}\" source=\"{}\"/>",
                p.line,
                p.column,
                checkstyle_severity(p.level),
                xml_escape(&p.message),
                xml_escape(&p.code)
            );
        }
        out.push_str("  </file>\n");
    }
    out.push_str("</checkstyle>\n");
    out
}

fn checkstyle_severity(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info | Level::Style => "info",
    }
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info | Level::Style => "note",
    }
}

fn sarif(reports: &[FileReport]) -> String {
    let mut rule_ids: Vec<&str> = reports
        .iter()
        .flat_map(|r| &r.problems)
        .map(|p| p.code.as_str())
        .collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<serde_json::Value> = rule_ids
        .iter()
        .map(|id| match super::rule(id) {
            Some(r) => {
                let m = r.meta();
                json!({
                    "id": m.code,
                    "name": m.name,
                    "helpUri": m.url(),
                    "shortDescription": { "text": summary(m) },
                    "defaultConfiguration": { "level": sarif_level(m.level) },
                })
            }
            None => json!({ "id": id, "shortDescription": { "text": "Dockerfile syntax error" } }),
        })
        .collect();
    let results: Vec<serde_json::Value> = reports
        .iter()
        .flat_map(|r| &r.problems)
        .map(|p| {
            let mut result = json!({
                "ruleId": p.code,
                "level": sarif_level(p.level),
                "message": { "text": p.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": p.file },
                        "region": {
                            "startLine": p.line,
                            "startColumn": p.column,
                            "endLine": p.end_line,
                            "endColumn": p.end_column,
                            "byteOffset": p.span.start,
                            "byteLength": p.span.len(),
                        }
                    }
                }],
            });
            if let Some(fix) = &p.fix {
                result["fixes"] = json!([{
                    "description": { "text": fix.title },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": p.file },
                        "replacements": fix.edits.iter().map(|e| json!({
                            "deletedRegion": { "byteOffset": e.span.start, "byteLength": e.span.len() },
                            "insertedContent": { "text": e.replacement },
                        })).collect::<Vec<_>>(),
                    }],
                }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "layerlab",
                "informationUri": "https://github.com/hadolint/hadolint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

/// The first sentence of a rule's page, for short descriptions.
pub fn summary(m: &super::Meta) -> String {
    m.page()
        .lines()
        .skip_while(|l| l.is_empty() || l.starts_with('#'))
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Code Climate issue (also GitLab's code-quality report entry).
fn codeclimate_issue(p: &Problem) -> serde_json::Value {
    let severity = match p.level {
        Level::Error => "blocker",
        Level::Warning => "major",
        Level::Info => "info",
        Level::Style => "minor",
    };
    json!({
        "type": "issue",
        "check_name": p.code,
        "description": p.message,
        "categories": ["Bug Risk"],
        "severity": severity,
        "fingerprint": fingerprint(&format!("{}:{}:{}:{}", p.file, p.line, p.code, p.message)),
        "location": {
            "path": p.file,
            "lines": { "begin": p.line, "end": p.end_line },
        },
    })
}

/// A stable id for a problem (FNV-1a, 64 bits, hex): CI tools use it to
/// follow an issue across runs.
fn fingerprint(s: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}
