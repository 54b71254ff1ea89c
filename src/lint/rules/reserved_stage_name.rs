use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags stages named `scratch` or `context`.
    ///
    /// ## Why is this bad?
    /// Both names already mean something: `scratch` is the empty image and `context`
    /// the build context, so `FROM scratch` or `COPY --from=context` would not refer
    /// to your stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20 AS base
    /// ```
    ReservedStageName {
        code: "ReservedStageName",
        name: "reserved-stage-name",
        level: Warning,
        origin: Buildkit,
        also: ["DL3063"],
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        if let (Some(name), Some(span)) = (&stage.name, stage.name_span)
            && matches!(name.as_str(), "scratch" | "context")
        {
            out.push(Finding::new(
                &META,
                format!("'{name}' is reserved and should not be used as a stage name"),
                span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_reserved_names() {
        assert_eq!(
            flagged(
                "FROM a:1 AS Scratch\nFROM b:1 AS context\nFROM c:1 AS x\n",
                "ReservedStageName"
            ),
            vec!["Scratch", "context"]
        );
    }
}
