//! The POSIX shell and bash syntax of `RUN` scripts: a parser that turns a
//! script into a typed tree ([`Script`]) for lint rules and for the
//! interpreter that runs `RUN` on the virtual filesystem.
//!
//! Written for untrusted input parsed on every keystroke: it never panics,
//! takes time linear in the input, and refuses nesting deeper than
//! [`MAX_DEPTH`] with an error instead of exhausting the stack. Every node has
//! its exact byte span in the text given to [`parse`], including the nodes of
//! nested `$(…)`, backticks and here-document bodies.
//!
//! Syntax errors are worded like bash's (`syntax error near unexpected token
//! `fi'`). A here-document without its delimiter line runs to the end of the
//! input, which bash only warns about; its `terminator` is then None.

mod ast;
mod parser;
mod visit;
mod word;

pub use ast::*;
pub use parser::{MAX_DEPTH, ParseError, parse};
pub use visit::Node;

#[cfg(test)]
mod tests;
