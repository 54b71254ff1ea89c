use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a label typed `spdx` in the `label-schema` whose value is not an SPDX license identifier (the SPDX list, from npm's `spdx-license-ids`). Like hadolint, a single identifier is expected, not an expression.
    ///
    /// ## Why is this bad?
    /// A label that the schema types is read by tools; a value in the wrong format breaks them or is silently ignored.
    ///
    /// ## Example
    /// ```dockerfile
    /// # label-schema: {l: spdx}
    /// LABEL l="Apache 2"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL l="Apache-2.0"
    /// ```
    Dl3054 {
        code: "DL3054",
        name: "label-spdx",
        level: Warning,
        origin: Hadolint,
    }
}

use crate::lint::config::LabelType;

fn ok(v: &str) -> bool {
    include_str!("spdx-license-ids.txt")
        .lines()
        .any(|id| !id.starts_with('#') && id == v)
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let Instr::Label { pairs } = &ins.instr else {
            continue;
        };
        for p in pairs {
            let key = p.key.value();
            let v = p.value.value();
            if cx.config.label_schema.get(key) == Some(&LabelType::Spdx) && !v.is_empty() && !ok(v)
            {
                out.push(Finding::new(
                    &META,
                    format!("Label `{key}` is not a valid SPDX identifier."),
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
        for good in ["MIT", "Apache-2.0", "GPL-3.0-or-later"] {
            assert!(super::ok(good), "{good}");
        }
        for bad in ["Apache 2", "mit", "MIT OR Apache-2.0"] {
            assert!(!super::ok(bad), "{bad}");
        }
        let f = crate::lint::testing::with_config(
            "FROM a:1\nLABEL l=\"Apache 2\"\n",
            "label-schema: {l: spdx}\n",
            "DL3054",
        );
        assert_eq!(f, vec!["\"Apache 2\""]);
    }
}
