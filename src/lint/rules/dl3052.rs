use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a label typed `url` in the `label-schema` whose value is not a URL with a scheme (`https://…`).
    ///
    /// ## Why is this bad?
    /// A label that the schema types is read by tools; a value in the wrong format breaks them or is silently ignored.
    ///
    /// ## Example
    /// ```dockerfile
    /// # label-schema: {l: url}
    /// LABEL l="example.com"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL l="https://example.com"
    /// ```
    Dl3052 {
        code: "DL3052",
        name: "label-url",
        level: Warning,
        origin: Hadolint,
    }
}

use crate::lint::config::LabelType;

fn ok(v: &str) -> bool {
    match v.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let Instr::Label { pairs } = &ins.instr else {
            continue;
        };
        for p in pairs {
            let key = p.key.value();
            let v = p.value.value();
            if cx.config.label_schema.get(key) == Some(&LabelType::Url) && !v.is_empty() && !ok(v) {
                out.push(Finding::new(
                    &META,
                    format!("Label `{key}` is not a valid URL."),
                    p.value.span,
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
    fn checks_the_format() {
        for good in ["https://x.y", "ftp://x", "mailto:a@b"] {
            assert!(super::ok(good), "{good}");
        }
        for bad in ["x.com", "://x", "1a://b"] {
            assert!(!super::ok(bad), "{bad}");
        }
        let f = crate::lint::testing::with_config(
            "FROM a:1\nLABEL l=\"example.com\"\n",
            "label-schema: {l: url}\n",
            "DL3052",
        );
        assert_eq!(f, vec!["\"example.com\""]);
    }
}
