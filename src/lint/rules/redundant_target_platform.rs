use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=$TARGETPLATFORM`. hadolint's DL3065 checks the same.
    ///
    /// ## Why is this bad?
    /// The target platform is already the default for `FROM`; saying it again adds
    /// noise and suggests it changes something.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix safety
    /// Removing the flag builds for the same platform: safe.
    RedundantTargetPlatform {
        code: "RedundantTargetPlatform",
        name: "redundant-target-platform",
        level: Warning,
        origin: Buildkit,
        also: ["DL3065"],
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        let Some(p) = &stage.platform else { continue };
        if matches!(p.raw.as_str(), "$TARGETPLATFORM" | "${TARGETPLATFORM}") {
            // Remove the flag and the space after it.
            let end = p.span.end + usize::from(cx.source[p.span.end..].starts_with([' ', '\t']));
            out.push(
                Finding::new(
                    &META,
                    format!("Setting platform to predefined {} in FROM is redundant as this is the default behavior", p.raw),
                    p.span,
                )
                .with_replacement("Remove --platform", Applicability::Safe, Span::new(p.span.start, end), ""),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_and_removes() {
        let src = "FROM --platform=$TARGETPLATFORM a:1\nFROM --platform=$BUILDPLATFORM b:1\n";
        assert_eq!(
            flagged(src, "RedundantTargetPlatform"),
            vec!["--platform=$TARGETPLATFORM"]
        );
        assert_eq!(
            fixed(src, "RedundantTargetPlatform"),
            "FROM a:1\nFROM --platform=$BUILDPLATFORM b:1\n"
        );
    }
}
