use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a base image whose platform (os/architecture) differs from the one the
    /// stage is built for: its `FROM --platform`, else the build's target platform.
    ///
    /// ## Why is this bad?
    /// The stage's `RUN` steps then run under emulation (slowly, when emulation is
    /// installed at all) and the image holds binaries for the wrong machine: it
    /// fails with `exec format error` where it is deployed.
    ///
    /// ## Example
    /// ```dockerfile
    /// # building for linux/amd64, but the tag only has an arm64 image
    /// FROM example/tool:arm64-only
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM example/tool:1.0
    /// ```
    ///
    /// ## What layerlab can know
    /// Only images whose config the image catalog has (their `os` and
    /// `architecture`), and only when the target platform is known; otherwise the
    /// check says nothing.
    InvalidBaseImagePlatform {
        code: "InvalidBaseImagePlatform",
        name: "invalid-base-image-platform",
        level: Warning,
        origin: Buildkit,
    }
}

/// `os/arch`, without variant or OS version (which BuildKit ignores here).
fn os_arch(p: &str) -> (&str, &str) {
    let mut it = p.split('/');
    (it.next().unwrap_or(""), it.next().unwrap_or(""))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        let name = stage.base.value();
        let Some(actual) = cx.env.images.get(name).and_then(|i| i.platform.as_deref()) else {
            continue;
        };
        let expected = stage
            .platform
            .as_ref()
            .map(|p| p.value())
            .or(cx.env.target_platform.as_deref());
        let Some(expected) = expected else { continue };
        if os_arch(actual) != os_arch(expected) {
            out.push(Finding::new(
                &META,
                format!("Base image {name} was pulled with platform {actual:?}, expected {expected:?} for current build"),
                stage.base.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dockerfile::analyze;
    use crate::lint::{Config, Environment, ImageInfo, lint_with};

    #[test]
    fn compares_os_and_arch_with_the_target() {
        let mut env = Environment {
            target_platform: Some("linux/amd64".into()),
            ..Environment::default()
        };
        env.images.insert(
            "tool:1".into(),
            ImageInfo {
                platform: Some("linux/arm64".into()),
                ..ImageInfo::default()
            },
        );
        env.images.insert(
            "ok:1".into(),
            ImageInfo {
                platform: Some("linux/amd64/v3".into()),
                ..ImageInfo::default()
            },
        );
        let src = "FROM tool:1\nFROM ok:1\nFROM --platform=linux/arm64 tool:1\nFROM unknown:1\n";
        let a = analyze(src);
        let msgs: Vec<_> = lint_with(src, &a, &Config::default(), &env)
            .into_iter()
            .filter(|f| f.code == "InvalidBaseImagePlatform")
            .map(|f| (f.span.start, f.message))
            .collect();
        assert_eq!(
            msgs,
            [(5, "Base image tool:1 was pulled with platform \"linux/arm64\", expected \"linux/amd64\" for current build".to_string())]
        );
    }
}
