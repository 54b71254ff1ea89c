use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=` with a constant value (no variable), unless the
    /// stage's name says which platform it is for.
    ///
    /// ## Why is this bad?
    /// A fixed platform makes the stage ignore `docker build --platform`: a
    /// multi-platform build silently gets the same architecture in every image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 alpine:3.20
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM alpine:3.20
    /// ```
    FromPlatformFlagConstDisallowed {
        code: "FromPlatformFlagConstDisallowed",
        name: "from-platform-flag-const-disallowed",
        level: Warning,
        origin: Buildkit,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        let Some(p) = &stage.platform else { continue };
        if p.raw.contains('$') || p.raw.is_empty() {
            continue;
        }
        // `AS build-amd64` for `--platform=linux/amd64` states the intent.
        let named_for_it = stage.name.as_deref().is_some_and(|n| {
            p.raw
                .split('/')
                .any(|part| !part.is_empty() && n.contains(&part.to_lowercase()))
        });
        if !named_for_it {
            out.push(Finding::new(
                &META,
                format!(
                    "FROM --platform flag should not use constant value \"{}\"",
                    p.raw
                ),
                p.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_constants_unless_the_stage_is_named_for_them() {
        let src = "FROM --platform=linux/amd64 a:1\nFROM --platform=linux/arm64 b:1 AS build-arm64\nFROM --platform=$BUILDPLATFORM c:1\n";
        assert_eq!(
            flagged(src, "FromPlatformFlagConstDisallowed"),
            vec!["--platform=linux/amd64"]
        );
    }
}
