use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` image without a tag or digest.
    ///
    /// ## Why is this bad?
    /// Without a tag the image is `latest`, whatever that is on the day of the build:
    /// two builds of the same Dockerfile can start from different images.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM debian:12.8
    /// ```
    ///
    /// Not flagged: `scratch`, a name of an earlier stage, and images given through a
    /// variable (their value is not known when linting).
    Dl3006 {
        code: "DL3006",
        name: "tag-image-version",
        level: Warning,
        origin: Hadolint,
    }
}

/// Splits an image reference into (name, tag, digest), as Docker parses it.
pub(super) fn reference(image: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    // A tag is after the last ':' that follows the last '/' (a ':' before it is a registry port).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last_slash..].rfind(':') {
        Some(i) => (
            &rest[..last_slash + i],
            Some(&rest[last_slash + i + 1..]),
            digest,
        ),
        None => (rest, None, digest),
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut earlier: Vec<&str> = Vec::new();
    for stage in &cx.dockerfile.stages {
        let image = stage.base.raw.as_str();
        let is_stage = earlier.iter().any(|n| n.eq_ignore_ascii_case(image));
        if !image.contains('$') && !image.eq_ignore_ascii_case("scratch") && !is_stage {
            let (_, tag, digest) = reference(image);
            if tag.is_none() && digest.is_none() {
                out.push(Finding::new(
                    &META,
                    "Always tag the version of an image explicitly",
                    stage.base.span,
                ));
            }
        }
        if let Some(name) = &stage.name {
            earlier.push(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reference;
    use crate::lint::testing::flagged;

    #[test]
    fn flags_untagged_images_only() {
        let src = "FROM debian AS base\nFROM base\nFROM scratch\nFROM localhost:5000/x\nFROM a:1\nFROM b@sha256:00\nARG I=x\nFROM $I\n";
        assert_eq!(flagged(src, "DL3006"), vec!["debian", "localhost:5000/x"]);
        assert_eq!(
            reference("localhost:5000/x:1.2"),
            ("localhost:5000/x", Some("1.2"), None)
        );
    }
}
