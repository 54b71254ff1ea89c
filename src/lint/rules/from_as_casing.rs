use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `AS` written in a different case from `FROM` (when `FROM` is all upper
    /// or all lower case).
    ///
    /// ## Why is this bad?
    /// Mixed casing within one instruction is harder to read; keywords in one case
    /// stand out from the names around them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12 as builder
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12 AS builder
    /// ```
    ///
    /// ## Fix safety
    /// Keywords are case-insensitive: safe.
    FromAsCasing {
        code: "FromAsCasing",
        name: "from-as-casing",
        level: Warning,
        origin: Buildkit,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        let node = &cx.ast.children[stage.node];
        if node.args.len() != 3 {
            continue;
        }
        let from = &stage.keyword.value;
        let as_word = &node.args[1];
        let (upper, lower) = (from.to_uppercase() == *from, from.to_lowercase() == *from);
        let wrong = (upper && as_word.value != "AS") || (lower && as_word.value != "as");
        if wrong && (upper || lower) {
            let want = if upper { "AS" } else { "as" };
            out.push(
                Finding::new(
                    &META,
                    format!(
                        "'{}' and '{from}' keywords' casing do not match",
                        as_word.value
                    ),
                    as_word.span,
                )
                .with_replacement(
                    format!("Write {want}"),
                    Applicability::Safe,
                    as_word.span,
                    want,
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_and_fixes() {
        let src = "FROM a:1 as x\nfrom b:1 AS y\nFrom c:1 as z\nFROM d:1 AS w\n";
        assert_eq!(flagged(src, "FromAsCasing"), vec!["as", "AS"]);
        assert_eq!(
            fixed(src, "FromAsCasing"),
            "FROM a:1 AS x\nfrom b:1 as y\nFrom c:1 as z\nFROM d:1 AS w\n"
        );
    }
}
