use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// With a `label-schema` configured, flags each stage that lacks one of its labels (reported at the stage's `FROM`).
    ///
    /// ## Why is this bad?
    /// The schema says which labels every image must carry (owner, source, version…); an image without them is hard to trace back to where it came from.
    ///
    /// ## Example
    /// ```dockerfile
    /// # label-schema: {maintainer: text}
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="team@example.com"
    /// ```
    Dl3049 {
        code: "DL3049",
        name: "label-missing",
        level: Info,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        let keys: Vec<&str> = stage
            .instructions
            .iter()
            .filter_map(|i| match &i.instr {
                Instr::Label { pairs } => Some(pairs.iter().map(|p| p.key.value())),
                _ => None,
            })
            .flatten()
            .collect();
        for label in cx.config.label_schema.keys() {
            if !keys.contains(&label.as_str()) {
                out.push(Finding::new(
                    &META,
                    format!("Label `{label}` is missing."),
                    stage.keyword.span,
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
    fn flags_missing_labels_per_stage() {
        let f = crate::lint::testing::with_config(
            "FROM a:1\nLABEL maintainer=x\nFROM b:1\n",
            "label-schema: {maintainer: text}\n",
            "DL3049",
        );
        assert_eq!(f, vec!["FROM"]);
    }
}
