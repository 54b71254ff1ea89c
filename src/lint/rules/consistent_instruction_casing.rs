use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an instruction keyword that is neither all upper nor all lower case, or
    /// that differs from the casing most instructions in the file use.
    ///
    /// ## Why is this bad?
    /// Instructions are case-insensitive, but a file that mixes `RUN` and `run` reads
    /// as if they were different things. Upper case is the convention.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// run echo hi
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN echo hi
    /// ```
    ///
    /// ## Fix safety
    /// Keywords are case-insensitive: safe.
    ConsistentInstructionCasing {
        code: "ConsistentInstructionCasing",
        name: "consistent-instruction-casing",
        level: Warning,
        origin: Buildkit,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let keywords: Vec<&crate::dockerfile::Word> = cx
        .ast
        .children
        .iter()
        .flat_map(|n| std::iter::once(&n.keyword).chain(n.sub.as_ref().map(|s| &s.keyword)))
        .filter(|k| !k.value.is_empty())
        .collect();
    let lower = keywords
        .iter()
        .filter(|k| k.value == k.value.to_lowercase())
        .count();
    let upper = keywords
        .iter()
        .filter(|k| k.value == k.value.to_uppercase())
        .count();
    let majority_lower = lower > upper;
    for k in keywords {
        let want = if majority_lower {
            k.value.to_lowercase()
        } else {
            k.value.to_uppercase()
        };
        if k.value != want {
            let case = if majority_lower {
                "lowercase"
            } else {
                "uppercase"
            };
            out.push(
                Finding::new(
                    &META,
                    format!(
                        "Command '{}' should match the case of the command majority ({case})",
                        k.value
                    ),
                    k.span,
                )
                .with_replacement(
                    format!("Write {want}"),
                    Applicability::Safe,
                    k.span,
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
    fn flags_minority_and_mixed_casing() {
        let src = "FROM a:1\nrun x\nRun y\nCOPY a b\n";
        assert_eq!(
            flagged(src, "ConsistentInstructionCasing"),
            vec!["run", "Run"]
        );
        assert_eq!(
            fixed(src, "ConsistentInstructionCasing"),
            "FROM a:1\nRUN x\nRUN y\nCOPY a b\n"
        );
        assert!(flagged("from a:1\nrun x\n", "ConsistentInstructionCasing").is_empty());
    }
}
