use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` image tagged `latest`.
    ///
    /// ## Why is this bad?
    /// `latest` moves: the build is not reproducible, and an update of the base image
    /// can break it without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:latest
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22.11
    /// ```
    Dl3007 {
        code: "DL3007",
        name: "no-latest-tag",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        let (_, tag, digest) = super::dl3006::reference(&stage.base.raw);
        if tag == Some("latest") && digest.is_none() {
            out.push(Finding::new(
                &META,
                "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag",
                stage.base.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_latest() {
        assert_eq!(
            flagged(
                "FROM a:latest\nFROM b:1\nFROM c:latest@sha256:00\n",
                "DL3007"
            ),
            vec!["a:latest"]
        );
    }
}
