use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `useradd` with a high user id (more than five digits, or one given by a variable) and without `-l`/`--no-log-init`.
    ///
    /// ## Why is this bad?
    /// `useradd` records every user in `/var/log/lastlog` and `faillog`, sparse files indexed by uid. A uid of 123456789 makes them gigabytes in size as soon as they are copied into a layer, which does not keep them sparse.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd -u 123456789 app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN useradd -l -u 123456789 app
    /// ```
    Dl3046 {
        code: "DL3046",
        name: "useradd-no-log-init",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "useradd").iter() {
        let Some(uid) = c.flag_value(&["u", "uid"]) else {
            continue;
        };
        // A uid from a variable may be high: like hadolint, treat it as such.
        let high = uid.dynamic || {
            let v = uid.value.trim_start_matches('0');
            v.len() > 5 && v.bytes().all(|b| b.is_ascii_digit())
        };
        if high && !c.has_any_flag(&["l", "no-log-init"]) {
            let at = c.name_span().end;
            out.push(
                Finding::new(&META, "`useradd` without flag `-l` and high UID will result in excessively large Image.", c.span())
                    .with_fix("Add -l", Applicability::Safe, vec![Edit { span: Span::new(at, at), replacement: " -l".into() }]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_and_fixes_high_uids() {
        assert_eq!(
            flagged(
                "FROM a:1\nRUN useradd -u 123456789 a && useradd -u 12345 b && useradd -l -u 123456789 c\n",
                "DL3046"
            ),
            vec!["useradd -u 123456789 a"]
        );
        assert_eq!(
            fixed("FROM a:1\nRUN useradd -u 123456789 a\n", "DL3046"),
            "FROM a:1\nRUN useradd -l -u 123456789 a\n"
        );
    }
}
