use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `trustedRegistries` set (config or `--trusted-registry`), flags a `FROM` image from any other registry. Entries may start or end with `*` (`*.example.com`); images without a registry are on `docker.io`. `scratch` and earlier stages are not images.
    ///
    /// ## Why is this bad?
    /// Where base images come from is a supply-chain decision: an image from an unvetted registry can change or disappear, or carry anything.
    ///
    /// ## Example
    /// ```dockerfile
    /// # trustedRegistries: [registry.example.com]
    /// FROM ghcr.io/someone/tool:1.0
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM registry.example.com/mirror/tool:1.0
    /// ```
    Dl3026 {
        code: "DL3026",
        name: "trusted-registry",
        level: Error,
        origin: Hadolint,
    }
}

use crate::registry::reference::Reference;

/// hadolint's registry patterns: one leading or trailing `*` as a wildcard.
fn glob(pattern: &str, s: &str) -> bool {
    if let Some(suffix) = pattern.strip_prefix('*') {
        s.ends_with(suffix)
    } else if let Some(prefix) = pattern.strip_suffix('*') {
        s.starts_with(prefix)
    } else {
        pattern == s
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let trusted = &cx.config.trusted_registries;
    if trusted.is_empty() {
        return;
    }
    let mut stages: Vec<&str> = Vec::new();
    for stage in &cx.dockerfile.stages {
        let image = stage.base.value();
        let is_stage = stages.iter().any(|s| s.eq_ignore_ascii_case(image));
        if image != "scratch" && !is_stage && !image.contains('$') {
            let domain = Reference::parse_normalized(image)
                .map(|r| r.domain)
                .unwrap_or_default();
            if !trusted.iter().any(|t| glob(t, &domain)) {
                out.push(Finding::new(
                    &META,
                    "Use only an allowed registry in the FROM image",
                    stage.base.span,
                ));
            }
        }
        if let Some(n) = &stage.name {
            stages.push(n);
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_untrusted_registries_when_configured() {
        use crate::lint::{Config, Environment, lint_with};
        let src = "FROM ghcr.io/a/b:1\nFROM c:1\nFROM docker.io/d:1\nFROM scratch\nFROM c:1 AS s\nFROM s\nFROM x.example.io/e:1\n";
        let run = |trusted: &[&str]| {
            let cfg = Config {
                trusted_registries: trusted.iter().map(|s| s.to_string()).collect(),
                ..Config::default()
            };
            let a = crate::dockerfile::analyze(src);
            lint_with(src, &a, &cfg, &Environment::default())
                .into_iter()
                .filter(|f| f.code == "DL3026")
                .map(|f| src[f.span.start..f.span.end].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(&["docker.io"]), ["ghcr.io/a/b:1", "x.example.io/e:1"]);
        assert_eq!(run(&["*.io"]), Vec::<String>::new());
        assert!(flagged(src, "DL3026").is_empty());
    }
}
