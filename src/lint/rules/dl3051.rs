use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a label of the `label-schema` whose value is empty.
    ///
    /// ## Why is this bad?
    /// An empty required label satisfies the letter of the schema and none of its purpose.
    ///
    /// ## Example
    /// ```dockerfile
    /// # label-schema: {maintainer: text}
    /// LABEL maintainer=""
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL maintainer="team@example.com"
    /// ```
    Dl3051 {
        code: "DL3051",
        name: "label-empty",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let Instr::Label { pairs } = &ins.instr else {
            continue;
        };
        for p in pairs {
            let key = p.key.value();
            if cx.config.label_schema.contains_key(key) && p.value.value().is_empty() {
                out.push(Finding::new(
                    &META,
                    format!("label `{key}` is empty."),
                    p.key.span.cover(p.value.span),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_empty_schema_labels() {
        let f = crate::lint::testing::with_config(
            "FROM a:1\nLABEL maintainer=\"\" other=\"\"\n",
            "label-schema: {maintainer: text}\n",
            "DL3051",
        );
        assert_eq!(f, vec!["maintainer=\"\""]);
    }
}
