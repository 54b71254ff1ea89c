use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `zypper install` without `-y` (or `--assumeyes`).
    ///
    /// ## Why is this bad?
    /// There is no terminal to answer zypper's confirmation prompt during a build: without `-y` the command waits for input it never gets and aborts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install httpd
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN zypper install -y httpd
    /// ```
    Dl3034 {
        code: "DL3034",
        name: "zypper-yes",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "zypper").iter() {
        if c.operands(
            &[
                "install",
                "in",
                "remove",
                "rm",
                "source-install",
                "si",
                "patch",
            ],
            &[],
        )
        .is_some()
            && !c.has_any_flag(&["y", "n", "non-interactive", "no-confirm"])
        {
            out.push(
                Finding::new(
                    &META,
                    "Non-interactive switch missing from `zypper` command: `zypper install -y`",
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
        let t = "zypper";
        assert_eq!(
            flagged(
                &format!("FROM a:1\nRUN {t} install a && {t} install -y b\n"),
                "DL3034"
            ),
            vec![format!("{t} install a")]
        );
        assert_eq!(
            fixed(&format!("FROM a:1\nRUN {t} install a\n"), "DL3034"),
            format!("FROM a:1\nRUN {t} install -y a\n")
        );
    }
}
