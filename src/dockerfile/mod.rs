//! Dockerfile syntax, faithful to BuildKit's frontend: the line parser
//! (`parser`), the variable lexer (`expand`), and typed instructions
//! (`instructions`). Every node, word, flag and heredoc carries its byte span.

pub mod ast;
pub mod expand;
pub mod instructions;
mod json;
pub mod parser;
pub mod span;

pub use ast::{Directive, Heredoc, Node, Word};
pub use parser::{Ast, parse};
pub use span::{LineCol, LineIndex, Span};

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found while reading a Dockerfile, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub span: Span,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
        }
    }

    pub fn warning(message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            message: message.into(),
            span,
        }
    }
}
