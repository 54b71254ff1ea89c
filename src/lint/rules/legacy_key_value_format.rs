use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ENV` and `LABEL` in the legacy `KEY value` form, without `=`.
    ///
    /// ## Why is this bad?
    /// The legacy form sets one variable to the whole rest of the line, spaces
    /// included: `ENV A b C d` sets `A` to `b C d`, which is rarely what the writer
    /// meant. The `KEY=value` form is unambiguous and can set several at once.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV NODE_ENV production
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ENV NODE_ENV=production
    /// ```
    ///
    /// ## Fix safety
    /// Offered when the value is one word, or words without quotes, backslashes or
    /// variables (then it is quoted): the value stays exactly the same. Safe.
    LegacyKeyValueFormat {
        code: "LegacyKeyValueFormat",
        name: "legacy-key-value-format",
        level: Warning,
        origin: Buildkit,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        for ins in &stage.instructions {
            let (Instr::Env { pairs } | Instr::Label { pairs }) = &ins.instr else {
                continue;
            };
            for p in pairs.iter().filter(|p| p.legacy) {
                let kw = ins.keyword.value.to_uppercase();
                let key = &p.key.raw;
                let value = &p.value.raw;
                let mut f = Finding::new(
                    &META,
                    format!(
                        "\"{kw} key=value\" should be used instead of legacy \"{kw} key value\" format"
                    ),
                    p.key.span.cover(p.value.span),
                );
                let simple = !value.contains(['"', '\'', '\\', '$', '`']);
                let replacement = if simple && !value.contains(char::is_whitespace) {
                    Some(format!("{key}={value}"))
                } else if simple {
                    Some(format!("{key}=\"{value}\""))
                } else {
                    None
                };
                if let Some(r) = replacement {
                    f = f.with_replacement(
                        "Use key=value",
                        Applicability::Safe,
                        p.key.span.cover(p.value.span),
                        r,
                    );
                }
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_and_fixes_when_the_value_stays_the_same() {
        let src = "FROM a:1\nENV A b\nLABEL x y z\nENV C=d\n";
        assert_eq!(flagged(src, "LegacyKeyValueFormat"), vec!["A b", "x y z"]);
        assert_eq!(
            fixed(src, "LegacyKeyValueFormat"),
            "FROM a:1\nENV A=b\nLABEL x=\"y z\"\nENV C=d\n"
        );
        let d = crate::dockerfile::analyze("FROM a:1\nENV A \"$B\"\n");
        let f = crate::lint::lint("FROM a:1\nENV A \"$B\"\n", &d);
        assert!(
            f.iter()
                .any(|f| f.code == "LegacyKeyValueFormat" && f.fix.is_none())
        );
    }
}
