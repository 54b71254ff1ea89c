use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a stage without a `HEALTHCHECK`. Off by default (hadolint's "ignore" level): turn it on with an override for images that run as long-lived services.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker and orchestrators only know whether the process is running, not whether it works.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD ["curl", "-fsS", "http://localhost/"]
    /// ```
    Dl3057 {
        code: "DL3057",
        name: "healthcheck-missing",
        level: Info,
        origin: Hadolint,
        enabled_by_default: false,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        if !stage
            .instructions
            .iter()
            .any(|i| matches!(i.instr, Instr::Healthcheck(_)))
        {
            out.push(Finding::new(
                &META,
                "`HEALTHCHECK` instruction missing.",
                stage.keyword.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_stages_without_healthcheck_when_enabled() {
        assert!(flagged("FROM a:1\n", "DL3057").is_empty());
        let f = crate::lint::testing::with_config(
            "FROM a:1\nFROM b:1\nHEALTHCHECK CMD x\n",
            "override:\n  info: [DL3057]\n",
            "DL3057",
        );
        assert_eq!(f, vec!["FROM"]);
    }
}
