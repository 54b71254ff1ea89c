use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags empty lines inside a line continuation.
    ///
    /// ## Why is this bad?
    /// BuildKit skips them today but has announced they will become errors, and they
    /// make it easy to believe an instruction ended where it did not.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add \
    ///
    ///     curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apk add \
    ///     curl
    /// ```
    ///
    /// ## Fix safety
    /// The parser ignores these lines, so removing them changes nothing: safe.
    NoEmptyContinuation {
        code: "NoEmptyContinuation",
        name: "no-empty-continuation",
        level: Warning,
        origin: Buildkit,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for node in &cx.ast.children {
        for &line in &node.empty_continuation_lines {
            // Remove the whole line, its line ending included.
            let end = cx.source[line.end..]
                .find('\n')
                .map_or(cx.source.len(), |i| line.end + i + 1);
            out.push(
                Finding::new(
                    &META,
                    "Empty continuation line",
                    Span::new(line.start, line.end.max(line.start)),
                )
                .with_fix(
                    "Remove the empty line",
                    Applicability::Safe,
                    vec![Edit {
                        span: Span::new(line.start, end),
                        replacement: String::new(),
                    }],
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_and_removes() {
        let src = "FROM a:1\nRUN a \\\n\n  b\n";
        assert_eq!(flagged(src, "NoEmptyContinuation"), vec![""]);
        assert_eq!(
            fixed(src, "NoEmptyContinuation"),
            "FROM a:1\nRUN a \\\n  b\n"
        );
    }
}
