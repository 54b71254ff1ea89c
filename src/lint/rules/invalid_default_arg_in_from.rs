use super::prelude::*;
use crate::registry::reference::Reference;

declare_rule! {
    /// ## What it does
    /// Flags a `FROM` whose image, with the global `ARG`s at their default values,
    /// is empty or not a valid image reference.
    ///
    /// ## Why is this bad?
    /// The build works only while someone passes the right `--build-arg`. Anyone
    /// who builds the Dockerfile as it is — a teammate, CI, `docker build .` — gets
    /// `invalid reference format` or an empty base name. A default makes the file
    /// build on its own.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION
    /// FROM busybox:$VERSION
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ARG VERSION=1.36
    /// FROM busybox:$VERSION
    /// ```
    InvalidDefaultArgInFrom {
        code: "InvalidDefaultArgInFrom",
        name: "invalid-default-arg-in-from",
        level: Warning,
        origin: Buildkit,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        // A base without variables is a plain reference: an invalid one is a
        // build error of its own, not this check's.
        if !stage.base.raw.contains('$') {
            continue;
        }
        // Expansion failed: BuildKit abandons the check for this and later stages.
        let Some(value) = stage.base.expanded.as_deref() else {
            return;
        };
        if Reference::parse_normalized(value).is_err() {
            out.push(Finding::new(
                &META,
                format!(
                    "Default value for ARG {} results in empty or invalid base image name",
                    stage.base.raw
                ),
                stage.base.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_bases_that_need_a_build_arg() {
        let code = "InvalidDefaultArgInFrom";
        assert_eq!(
            flagged("ARG VERSION\nFROM busybox:$VERSION\n", code),
            vec!["busybox:$VERSION"]
        );
        assert_eq!(flagged("ARG IMAGE\nFROM $IMAGE\n", code), vec!["$IMAGE"]);
        assert_eq!(
            flagged("ARG SFX=\"box:\"\nFROM busy${SFX}\n", code),
            vec!["busy${SFX}"]
        );
        for ok in [
            "ARG VERSION=\"latest\"\nFROM busybox:${VERSION}\n",
            "ARG V=\"\"\nFROM busybox:stable${V}\n",
            "ARG V\nFROM busybox:stable${V}\n",
            "ARG TAG\nFROM alpine:${TAG:-3.14}\n",
        ] {
            assert!(flagged(ok, code).is_empty(), "{ok}");
        }
    }
}
