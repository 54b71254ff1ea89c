use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `dnf/microdnf install` without `-y` (or `--assumeyes`).
    ///
    /// ## Why is this bad?
    /// There is no terminal to answer dnf/microdnf's confirmation prompt during a build: without `-y` the command waits for input it never gets and aborts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf/microdnf install httpd
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN dnf/microdnf install -y httpd
    /// ```
    Dl3038 {
        code: "DL3038",
        name: "dnf-yes",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "dnf").iter().chain(named(cx, "microdnf")) {
        if c.operands(&["install", "groupinstall", "localinstall"], &[])
            .is_some()
            && !c.has_any_flag(&["y", "assumeyes"])
        {
            out.push(
                Finding::new(
                    &META,
                    "Use the -y switch to avoid manual input `dnf install -y <package`",
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
        let t = "dnf";
        assert_eq!(
            flagged(
                &format!("FROM a:1\nRUN {t} install a && {t} install -y b\n"),
                "DL3038"
            ),
            vec![format!("{t} install a")]
        );
        assert_eq!(
            fixed(&format!("FROM a:1\nRUN {t} install a\n"), "DL3038"),
            format!("FROM a:1\nRUN {t} install -y a\n")
        );
    }
}
