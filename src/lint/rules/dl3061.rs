use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an instruction other than `ARG` before the first `FROM`.
    ///
    /// ## Why is this bad?
    /// Only `ARG` (and parser directives and comments) may come before the first `FROM`; BuildKit rejects anything else, because there is no stage yet for it to act on.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL maintainer=me
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer=me
    /// ```
    Dl3061 {
        code: "DL3061",
        name: "instruction-order",
        level: Error,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for node in &cx.ast.children {
        match node.name().as_str() {
            "from" => return,
            "arg" => continue,
            _ => {
                out.push(Finding::new(
                    &META,
                    "Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.",
                    node.keyword.span,
                ));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_the_first_instruction_before_from() {
        assert_eq!(
            flagged("ARG V=1\nLABEL a=b\nRUN x\nFROM a:$V\n", "DL3061"),
            vec!["LABEL"]
        );
        assert!(flagged("ARG V=1\nFROM a:$V\nRUN x\n", "DL3061").is_empty());
    }
}
