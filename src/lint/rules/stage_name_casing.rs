use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a stage name that is not all lowercase.
    ///
    /// ## Why is this bad?
    /// BuildKit lowercases stage names, so `AS Build` is the stage `build`; writing
    /// it with capitals suggests a distinction that does not exist.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS Builder
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22 AS builder
    /// ```
    ///
    /// ## Fix safety
    /// Stage names are matched without case, so lowercasing changes nothing: safe.
    StageNameCasing {
        code: "StageNameCasing",
        name: "stage-name-casing",
        level: Warning,
        origin: Buildkit,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        let Some(span) = stage.name_span else {
            continue;
        };
        let written = cx.text(span);
        let lower = written.to_lowercase();
        if written != lower {
            out.push(
                Finding::new(
                    &META,
                    format!("Stage name '{written}' should be lowercase"),
                    span,
                )
                .with_replacement(
                    format!("Rename to {lower}"),
                    Applicability::Safe,
                    span,
                    lower.clone(),
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
        let src = "FROM a:1 AS Build\nFROM b:1 AS ok\n";
        assert_eq!(flagged(src, "StageNameCasing"), vec!["Build"]);
        assert_eq!(
            fixed(src, "StageNameCasing"),
            "FROM a:1 AS build\nFROM b:1 AS ok\n"
        );
    }
}
