use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With `strict-labels` on, flags a `LABEL` key that the `label-schema` does not list.
    ///
    /// ## Why is this bad?
    /// A strict schema keeps labels consistent across a team's images: an unknown key is usually a typo of a schema key, or a label that belongs in the schema.
    ///
    /// ## Example
    /// ```dockerfile
    /// # label-schema: {maintainer: text}, strict-labels: true
    /// LABEL maintainer=x mantainer=y
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL maintainer=x
    /// ```
    Dl3050 {
        code: "DL3050",
        name: "label-superfluous",
        level: Info,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    if !cx.config.strict_labels {
        return;
    }
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let Instr::Label { pairs } = &ins.instr else {
            continue;
        };
        for p in pairs
            .iter()
            .filter(|p| !cx.config.label_schema.contains_key(p.key.value()))
        {
            out.push(Finding::new(
                &META,
                "Superfluous label(s) present.",
                p.key.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_labels_outside_a_strict_schema() {
        let cfg = "label-schema: {maintainer: text}\nstrict-labels: true\n";
        let f = crate::lint::testing::with_config(
            "FROM a:1\nLABEL maintainer=x mantainer=y\n",
            cfg,
            "DL3050",
        );
        assert_eq!(f, vec!["mantainer"]);
    }
}
