use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=name` inside the stage called `name`.
    ///
    /// ## Why is this bad?
    /// A stage cannot copy from itself: the build fails with a circular dependency.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS app
    /// COPY --from=app /a /b
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20 AS app
    /// COPY /a /b
    /// ```
    Dl3023 {
        code: "DL3023",
        name: "copy-from-own-stage",
        level: Error,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        let Some(name) = &stage.name else { continue };
        for ins in &stage.instructions {
            if let Instr::Copy(copy) = &ins.instr
                && let Some(from) = &copy.from
                && from
                    .value
                    .as_deref()
                    .is_some_and(|v| v.eq_ignore_ascii_case(name))
            {
                out.push(Finding::new(
                    &META,
                    "COPY --from cannot reference its own FROM alias",
                    from.span,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_self_reference() {
        assert_eq!(
            flagged("FROM a:1 AS x\nCOPY --from=X /a /b\n", "DL3023"),
            vec!["--from=X"]
        );
    }
}
