use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses these triggers: the build of any image based on this one would fail. (layerlab's parser reports the same line as a syntax error, as BuildKit does.)
    ///
    /// ## Example
    /// ```dockerfile
    /// ONBUILD FROM alpine:3.20
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ONBUILD RUN echo "built on $(date)"
    /// ```
    Dl3043 {
        code: "DL3043",
        name: "onbuild-trigger",
        level: Error,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for node in &cx.ast.children {
        if node.name() != "onbuild" {
            continue;
        }
        if let Some(sub) = &node.sub
            && matches!(sub.name().as_str(), "onbuild" | "from" | "maintainer")
        {
            out.push(Finding::new(
                &META,
                "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.",
                sub.keyword.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_forbidden_triggers() {
        assert_eq!(
            flagged("FROM a:1\nONBUILD ONBUILD RUN x\nONBUILD RUN y\n", "DL3043"),
            vec!["ONBUILD"]
        );
    }
}
