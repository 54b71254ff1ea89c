use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a label typed `rfc3339` in the `label-schema` whose value is not an RFC 3339 date and time (`2024-05-01T12:00:00Z`).
    ///
    /// ## Why is this bad?
    /// A label that the schema types is read by tools; a value in the wrong format breaks them or is silently ignored.
    ///
    /// ## Example
    /// ```dockerfile
    /// # label-schema: {l: rfc3339}
    /// LABEL l="2024-05-01"
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL l="2024-05-01T12:00:00Z"
    /// ```
    Dl3053 {
        code: "DL3053",
        name: "label-rfc3339",
        level: Warning,
        origin: Hadolint,
    }
}

use crate::lint::config::LabelType;

fn ok(v: &str) -> bool {
    let b = v.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return false;
    }
    if !matches!(b[10], b'T' | b't' | b' ')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut rest = &v[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    let ok_range = |s: &str, max: u32| s.parse::<u32>().is_ok_and(|n| n <= max);
    (ok_range(&v[5..7], 12)
        && ok_range(&v[8..10], 31)
        && ok_range(&v[11..13], 23)
        && ok_range(&v[14..16], 59)
        && ok_range(&v[17..19], 60))
        && (rest.eq_ignore_ascii_case("z")
            || (rest.len() == 6
                && matches!(rest.as_bytes()[0], b'+' | b'-')
                && rest.as_bytes()[3] == b':'
                && rest[1..3].bytes().all(|c| c.is_ascii_digit())
                && rest[4..6].bytes().all(|c| c.is_ascii_digit())))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let Instr::Label { pairs } = &ins.instr else {
            continue;
        };
        for p in pairs {
            let key = p.key.value();
            let v = p.value.value();
            if cx.config.label_schema.get(key) == Some(&LabelType::Rfc3339)
                && !v.is_empty()
                && !ok(v)
            {
                out.push(Finding::new(
                    &META,
                    format!("Label `{key}` is not a valid time format - must conform to RFC3339."),
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
        for good in [
            "2024-01-02T03:04:05Z",
            "2024-01-02T03:04:05.123+02:00",
            "2024-01-02t03:04:05z",
        ] {
            assert!(super::ok(good), "{good}");
        }
        for bad in [
            "2024-01-02",
            "2024-13-02T03:04:05Z",
            "2024-01-02T03:04:05",
            "yesterday",
        ] {
            assert!(!super::ok(bad), "{bad}");
        }
        let f = crate::lint::testing::with_config(
            "FROM a:1\nLABEL l=\"2024-05-01\"\n",
            "label-schema: {l: rfc3339}\n",
            "DL3053",
        );
        assert_eq!(f, vec!["\"2024-05-01\""]);
    }
}
