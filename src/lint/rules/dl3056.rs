use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a label typed `semver` in the `label-schema` whose value is not a semantic version (`1.2.3`, `1.2.3-rc.1+build.5`).
    ///
    /// ## Why is this bad?
    /// A label that the schema types is read by tools; a value in the wrong format breaks them or is silently ignored.
    ///
    /// ## Example
    /// ```dockerfile
    /// # label-schema: {l: semver}
    /// LABEL l="v1.2"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL l="1.2.0"
    /// ```
    Dl3056 {
        code: "DL3056",
        name: "label-semver",
        level: Warning,
        origin: Hadolint,
    }
}

use crate::lint::config::LabelType;

fn ok(v: &str) -> bool {
    let num = |s: &str| {
        !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
    };
    let ident =
        |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| num(p))
        && pre.is_none_or(|p| {
            p.split('.')
                .all(|x| ident(x) && (!x.bytes().all(|c| c.is_ascii_digit()) || num(x)))
        })
        && build.is_none_or(|b| b.split('.').all(ident))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let Instr::Label { pairs } = &ins.instr else {
            continue;
        };
        for p in pairs {
            let key = p.key.value();
            let v = p.value.value();
            if cx.config.label_schema.get(key) == Some(&LabelType::Semver)
                && !v.is_empty()
                && !ok(v)
            {
                out.push(Finding::new(
                    &META,
                    format!("Label `{key}` does not conform to semantic versioning."),
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
        for good in ["1.2.3", "0.0.1", "1.2.3-rc.1+b5", "1.0.0-alpha-a.b-c"] {
            assert!(super::ok(good), "{good}");
        }
        for bad in ["v1.2.3", "1.2", "01.2.3", "1.2.3-01", "1.2.3+"] {
            assert!(!super::ok(bad), "{bad}");
        }
        let f = crate::lint::testing::with_config(
            "FROM a:1\nLABEL l=\"v1.2\"\n",
            "label-schema: {l: semver}\n",
            "DL3056",
        );
        assert_eq!(f, vec!["\"v1.2\""]);
    }
}
