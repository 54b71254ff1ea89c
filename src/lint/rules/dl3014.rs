use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` without `-y` (or `--yes`, `--assume-yes`, `-qq`).
    ///
    /// ## Why is this bad?
    /// A build has no terminal to answer apt’s “Do you want to continue?”; without `-y` the prompt reads end-of-file and apt aborts, so the step fails as soon as a package pulls in a dependency.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    Dl3014 {
        code: "DL3014",
        name: "apt-get-yes",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "apt-get").iter() {
        if c.operands(&["install"], &["-o", "-t", "--target-release", "-c"])
            .is_none()
        {
            continue;
        }
        let quiet2 = c
            .args
            .iter()
            .any(|a| a.value == "-qq" || a.value == "-q=2" || a.value == "--quiet=2");
        if !quiet2 && !c.has_any_flag(&["y", "yes", "assume-yes"]) {
            out.push(
                Finding::new(
                    &META,
                    "Use the `-y` switch to avoid manual input `apt-get -y install <package>`",
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
        assert_eq!(
            flagged(
                "FROM a:1\nRUN apt-get install curl && apt-get -qq install x && apt-get install --yes y\n",
                "DL3014"
            ),
            vec!["apt-get install curl"]
        );
        assert_eq!(
            fixed("FROM a:1\nRUN apt-get install curl\n", "DL3014"),
            "FROM a:1\nRUN apt-get install -y curl\n"
        );
    }
}
