use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `FROM --platform=` with a fixed value (`linux/amd64`); a value from a variable (`$BUILDPLATFORM`) is fine.
    ///
    /// ## Why is this bad?
    /// A fixed platform makes the Dockerfile build for that platform only, whatever `--platform` the user asks for, and runs under emulation elsewhere. Also BuildKit's FromPlatformFlagConstDisallowed, which exempts stages whose name mentions the platform.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 golang:1.23
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23
    /// ```
    Dl3029 {
        code: "DL3029",
        name: "no-platform-flag",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        if let Some(p) = &stage.platform
            && !p.raw.contains('$')
        {
            out.push(Finding::new(
                &META,
                "Do not use --platform flag with FROM",
                p.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_constant_platforms() {
        let src = "FROM --platform=linux/amd64 a:1\nFROM --platform=$BUILDPLATFORM b:1\n";
        assert_eq!(flagged(src, "DL3029"), vec!["--platform=linux/amd64"]);
    }
}
