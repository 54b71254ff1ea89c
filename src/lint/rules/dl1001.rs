use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `# hadolint ignore=…` comments. Off by default (hadolint's "ignore" level): turn it on with an override when a team wants every exception to live in the config file instead.
    ///
    /// ## Why is this bad?
    /// Inline ignores are easy to add and never reviewed again; a central `.hadolint.yaml` keeps the exceptions in one place.
    ///
    /// ## Example
    /// ```dockerfile
    /// # hadolint ignore=DL3008
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # .hadolint.yaml
    /// ignored: [DL3008]
    /// ```
    Dl1001 {
        code: "DL1001",
        name: "no-inline-ignore",
        level: Info,
        origin: Hadolint,
        enabled_by_default: false,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in cx.ast.children.iter().flat_map(|n| &n.comments) {
        let Some(rest) = c.value.strip_prefix("hadolint") else {
            continue;
        };
        if rest.trim_start().starts_with("ignore") {
            out.push(Finding::new(
                &META,
                "Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`.",
                c.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn is_off_by_default() {
        assert!(flagged("# hadolint ignore=DL3006\nFROM a\n", "DL1001").is_empty());
    }
}
