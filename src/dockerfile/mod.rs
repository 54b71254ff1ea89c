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

/// Everything the editor and `layerlab lint` show for a source: the parse, the
/// typed stages (expanded with no build args), and all diagnostics in source order.
pub struct Analysis {
    pub ast: Ast,
    pub dockerfile: instructions::Dockerfile,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn analyze(src: &str) -> Analysis {
    let ast = parse(src);
    let mut dockerfile = instructions::parse_dockerfile(&ast);
    instructions::expand_dockerfile(&mut dockerfile, &Default::default(), ast.escape_token);
    let mut diagnostics: Vec<Diagnostic> = ast
        .diagnostics
        .iter()
        .chain(&dockerfile.diagnostics)
        .cloned()
        .collect();
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    Analysis {
        ast,
        dockerfile,
        diagnostics,
    }
}
