//! Diagnostics and lint findings in the form the editor and the problems list
//! need: UTF-16 offsets (what CodeMirror counts), 1-based line and column, and
//! fixes as editor changes.

use crate::dockerfile::{Analysis, LineIndex, Severity};
use crate::lint::{self, Finding, Level};
use serde::Serialize;

/// One text change, in UTF-16 offsets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub from: usize,
    pub to: usize,
    pub insert: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuickFix {
    pub title: String,
    pub changes: Vec<Change>,
}

/// One problem, ready for CodeMirror's `setDiagnostics` and for the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub from: usize,
    pub to: usize,
    /// CodeMirror's severities: error, warning, info, hint.
    pub severity: &'static str,
    pub message: String,
    /// The rule code, or "syntax" for parse errors.
    pub source: &'static str,
    /// The rule's reference page, when the problem comes from a rule.
    /// The rule page inside the playground (`#rule/CODE`).
    pub url: Option<String>,
    /// The rule's kebab-case name.
    pub name: Option<&'static str>,
    pub fix: Option<QuickFix>,
    /// Silences the rule for this instruction: the pragma line to insert.
    pub ignore: Option<QuickFix>,
    #[serde(skip)]
    pub line: usize,
    #[serde(skip)]
    pub col: usize,
}

/// Inserts the rule's ignore pragma on its own line above the instruction the
/// finding is in, with the instruction's indentation.
fn ignore_here(src: &str, analysis: &Analysis, f: &Finding, idx: &LineIndex) -> Option<QuickFix> {
    let node = analysis
        .ast
        .children
        .iter()
        .find(|n| n.span.start <= f.span.start && f.span.start <= n.span.end)?;
    let line_start = src[..node.span.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &src[line_start..node.span.start];
    let at = idx.utf16_offset(line_start);
    Some(QuickFix {
        title: "Ignore here".into(),
        changes: vec![Change {
            from: at,
            to: at,
            insert: format!("{indent}{}\n", lint::pragma::ignore_comment(f.code)),
        }],
    })
}

/// Syntax problems and rule findings of one source, in source order.
pub fn problems(src: &str, analysis: &Analysis, findings: &[Finding]) -> Vec<Problem> {
    let idx = LineIndex::new(src);
    let mut out: Vec<Problem> = analysis
        .diagnostics
        .iter()
        .map(|d| {
            let at = idx.line_col(d.span.start);
            Problem {
                from: idx.utf16_offset(d.span.start),
                to: idx.utf16_offset(d.span.end),
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                message: d.message.clone(),
                source: "syntax",
                url: None,
                name: None,
                fix: None,
                ignore: None,
                line: at.line,
                col: at.col,
            }
        })
        .collect();
    for f in findings {
        let at = idx.line_col(f.span.start);
        let meta = lint::rule(f.code).map(|r| r.meta());
        out.push(Problem {
            from: idx.utf16_offset(f.span.start),
            to: idx.utf16_offset(f.span.end),
            severity: match f.level {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Info => "info",
                Level::Style => "hint",
            },
            message: f.message.clone(),
            source: f.code,
            url: meta.map(|m| format!("#rule/{}", m.code)),
            name: meta.map(|m| m.name),
            fix: f.fix.as_ref().map(|fix| QuickFix {
                title: fix.title.clone(),
                changes: fix
                    .edits
                    .iter()
                    .map(|e| Change {
                        from: idx.utf16_offset(e.span.start),
                        to: idx.utf16_offset(e.span.end),
                        insert: e.replacement.clone(),
                    })
                    .collect(),
            }),
            ignore: ignore_here(src, analysis, f, &idx),
            line: at.line,
            col: at.col,
        });
    }
    out.sort_by_key(|p| (p.from, p.to));
    out
}
