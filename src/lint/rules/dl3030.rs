use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `yum install` without `-y` (or `--assumeyes`).
    ///
    /// ## Why is this bad?
    /// There is no terminal to answer yum's confirmation prompt during a build: without `-y` the command waits for input it never gets and aborts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install httpd
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN yum install -y httpd
    /// ```
    Dl3030 {
        code: "DL3030",
        name: "yum-yes",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "yum").iter() {
        if c.operands(&["install", "groupinstall", "localinstall"], &[])
            .is_some()
            && !c.has_any_flag(&["y", "assumeyes"])
        {
            out.push(
                Finding::new(
                    &META,
                    "Use the -y switch to avoid manual input `yum install -y <package`",
                    c.span(),
                )
                .with_fix(
                    "Add -y",
                    Applicability::Safe,
                    vec![c.insert_after_subcommand("-y")],
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_and_fixes_missing_yes() {
        let t = "yum";
        assert_eq!(
            flagged(
                &format!("FROM a:1\nRUN {t} install a && {t} install -y b\n"),
                "DL3030"
            ),
            vec![format!("{t} install a")]
        );
        assert_eq!(
            fixed(&format!("FROM a:1\nRUN {t} install a\n"), "DL3030"),
            format!("FROM a:1\nRUN {t} install -y a\n")
        );
    }
}
