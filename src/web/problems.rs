//! Diagnostics in the form the editor and the problems list need: UTF-16
//! offsets (what CodeMirror counts) and 1-based line and column.

use crate::dockerfile::{Diagnostic, LineIndex, Severity};
use serde::Serialize;

/// One problem, ready for CodeMirror's `setDiagnostics` and for the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub from: usize,
    pub to: usize,
    pub severity: &'static str,
    pub message: String,
    pub source: &'static str,
    #[serde(skip)]
    pub line: usize,
    #[serde(skip)]
    pub col: usize,
}

pub fn problems(src: &str, diagnostics: &[Diagnostic]) -> Vec<Problem> {
    let idx = LineIndex::new(src);
    diagnostics
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
                source: "layerlab",
                line: at.line,
                col: at.col,
            }
        })
        .collect()
}
