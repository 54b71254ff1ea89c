//! The POSIX shell and bash syntax of `RUN` scripts: a parser that turns a
//! script into a typed tree ([`Script`]) for lint rules, and later for the
//! interpreter that runs `RUN` on the virtual filesystem.
//!
//! ```
//! use layerlab::shell::parse;
//! let src = "apt-get update && apt-get install -y curl | tee log";
//! let script = parse(src).unwrap();
//! let names: Vec<_> = script.simple_commands().iter().filter_map(|c| c.name()).collect();
//! assert_eq!(names, ["apt-get", "apt-get", "tee"]);
//! assert!(script.pipelines().iter().any(|p| p.commands.len() > 1));
//! let install = script.simple_commands()[1];
//! assert_eq!(install.args()[1].text(src), "-y");
//! ```
//!
//! **Spans.** Every node has its exact byte span in the text given to
//! [`parse`]: words from their first to their last byte, quotes included,
//! commands through their last redirection. Nested `$(…)`, backticks,
//! process substitutions and here-document bodies are parsed into the same
//! tree with spans into that same text (a backtick body is unescaped and its
//! spans mapped back).
//!
//! **Bounded.** The input is untrusted and parsed on every keystroke: the
//! parser never panics, takes time linear in the input (there is no
//! backtracking; the one look-ahead that can run far, deciding whether `((`
//! is arithmetic or two subshells, runs at most once per nesting level), and
//! nesting of compound commands, substitutions, quotes, arrays and `${…}`
//! deeper than [`MAX_DEPTH`] is an error rather than a stack overflow.
//!
//! **Syntax.** POSIX plus what bash scripts in Dockerfiles use: `|&`, `&>`,
//! `<<<`, `{var}>`, `$'…'`, `$"…"`, every `${…}` operator, `$((…))`, `$[…]`,
//! `((…))`, `for ((…))`, `[[ … ]]` (with `=~` regexes), `select`, `;&` and
//! `;;&`, `function f`, `time`, arrays (also as arguments of `declare` and
//! the like), `<(…)`, `>(…)` and extglobs. Reserved words count only where
//! the grammar expects them. Brace expansion, globs and `~` stay literal
//! text for the interpreter. Not parsed: arithmetic, which is kept as text
//! with its span; `coproc`, which is read as a command name; aliases.
//!
//! **Errors** are worded like bash's (``syntax error near unexpected token
//! `fi'``, `unexpected end of file: unterminated "`) and point at the token,
//! or at the opener of what the end of the input left open. The verdict is
//! `bash -n`'s on every RUN script of the corpus and on a set of tricky
//! snippets (tests/shell_corpus.rs), except where bash looks only when it
//! runs the code: this parser parses backtick bodies, and `$((…))` that is
//! not arithmetic (`$((a)+(b))`, which bash then runs as a command
//! substitution), right away, so their syntax errors are errors of the
//! script; it also rejects an empty `[[ ]]`, which bash 5.2 lets through
//! without a word. An unquoted here-document body that does not parse is not
//! an error: bash accepts it until it expands it, so it keeps its text and
//! [`HereDoc::error`] says what is wrong. A here-document without its
//! delimiter line runs to the end of the input, which bash only warns about
//! ([`HereDoc::terminator`] is then None).

mod ast;
pub mod interp;
mod parser;
mod visit;
mod word;

pub use ast::*;
pub use parser::{MAX_DEPTH, ParseError, parse};
pub use visit::Node;

#[cfg(test)]
mod tests;
