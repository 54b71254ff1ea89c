use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a label typed `email` in the `label-schema` whose value is not an e-mail address.
    ///
    /// ## Why is this bad?
    /// A label that the schema types is read by tools; a value in the wrong format breaks them or is silently ignored.
    ///
    /// ## Example
    /// ```dockerfile
    /// # label-schema: {l: email}
    /// LABEL l="team at example.com"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL l="team@example.com"
    /// ```
    Dl3058 {
        code: "DL3058",
        name: "label-email",
        level: Warning,
        origin: Hadolint,
    }
}

use crate::lint::config::LabelType;

fn ok(v: &str) -> bool {
    match v.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !v.contains(char::is_whitespace)
                && !domain.starts_with('.')
                && !domain.ends_with('.')
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
            if cx.config.label_schema.get(key) == Some(&LabelType::Email) && !v.is_empty() && !ok(v)
            {
                out.push(Finding::new(
                    &META,
                    format!("Label `{key}` is not a valid email format - must conform to RFC5322."),
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
        for good in ["a@b", "team@example.com", "x.y@z"] {
            assert!(super::ok(good), "{good}");
        }
        for bad in ["team at example.com", "@x", "a@", "a b@c"] {
            assert!(!super::ok(bad), "{bad}");
        }
        let f = crate::lint::testing::with_config(
            "FROM a:1\nLABEL l=\"team at example.com\"\n",
            "label-schema: {l: email}\n",
            "DL3058",
        );
        assert_eq!(f, vec!["\"team at example.com\""]);
    }
}
