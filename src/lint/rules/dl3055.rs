use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a label typed `hash` in the `label-schema` whose value is not a git commit hash (7 to 40 lower-case hex digits).
    ///
    /// ## Why is this bad?
    /// A label that the schema types is read by tools; a value in the wrong format breaks them or is silently ignored.
    ///
    /// ## Example
    /// ```dockerfile
    /// # label-schema: {l: hash}
    /// LABEL l="v1.2"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL l="4f3c2a1"
    /// ```
    Dl3055 {
        code: "DL3055",
        name: "label-git-hash",
        level: Warning,
        origin: Hadolint,
    }
}

use crate::lint::config::LabelType;

fn ok(v: &str) -> bool {
    v.len() >= 7
        && v.len() <= 40
        && v.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let Instr::Label { pairs } = &ins.instr else {
            continue;
        };
        for p in pairs {
            let key = p.key.value();
            let v = p.value.value();
            if cx.config.label_schema.get(key) == Some(&LabelType::Hash) && !v.is_empty() && !ok(v)
            {
                out.push(Finding::new(
                    &META,
                    format!("Label `{key}` is not a valid git hash."),
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
        for good in ["abc1234", "0123456789abcdef0123456789abcdef01234567"] {
            assert!(super::ok(good), "{good}");
        }
        for bad in [
            "abc123",
            "ABC1234",
            "v1.2",
            "0123456789abcdef0123456789abcdef012345678",
        ] {
            assert!(!super::ok(bad), "{bad}");
        }
        let f = crate::lint::testing::with_config(
            "FROM a:1\nLABEL l=\"v1.2\"\n",
            "label-schema: {l: hash}\n",
            "DL3055",
        );
        assert_eq!(f, vec!["\"v1.2\""]);
    }
}
