use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=name` where no earlier stage has that name (and `name` is
    /// not an image reference or a stage index).
    ///
    /// ## Why is this bad?
    /// BuildKit then treats `name` as an image to pull: a typo in a stage name
    /// silently becomes a download from Docker Hub, or a confusing pull error.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// FROM alpine:3.20
    /// COPY --from=biuld /out/app /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY --from=build /out/app /app
    /// ```
    Dl3022 {
        code: "DL3022",
        name: "copy-from-previous-stage",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut earlier: Vec<&str> = Vec::new();
    for stage in &cx.dockerfile.stages {
        for ins in &stage.instructions {
            let Instr::Copy(copy) = &ins.instr else {
                continue;
            };
            let Some(from) = &copy.from else { continue };
            let v = from.value.as_deref().unwrap_or("");
            let image_like =
                v.contains([':', '/', '@', '$']) || v.bytes().all(|b| b.is_ascii_digit());
            let own = stage.name.as_deref() == Some(v.to_lowercase().as_str());
            if !image_like && !own && !earlier.iter().any(|n| n.eq_ignore_ascii_case(v)) {
                out.push(Finding::new(
                    &META,
                    "COPY --from should reference a previously defined FROM alias",
                    from.span,
                ));
            }
        }
        if let Some(n) = &stage.name {
            earlier.push(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_unknown_stage_names() {
        let src = "FROM a:1 AS build\nFROM b:1\nCOPY --from=build /a /a\nCOPY --from=biuld /a /a\nCOPY --from=nginx:1 /a /a\nCOPY --from=0 /a /a\n";
        assert_eq!(flagged(src, "DL3022"), vec!["--from=biuld"]);
    }
}
