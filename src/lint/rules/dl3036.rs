use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs with `zypper` but does not clean its cache (zypper clean) in the same `RUN`.
    ///
    /// ## Why is this bad?
    /// The package manager's cache of downloaded packages and metadata stays in the layer and makes the image bigger; cleaning it in a later `RUN` does not shrink the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper install -y httpd-2.4.62
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN zypper install -y httpd-2.4.62 && zypper clean
    /// ```
    Dl3036 {
        code: "DL3036",
        name: "zypper-clean",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        let cmds = cx.cmds_of(run);
        let tool = |c: &Cmd| c.is("zypper");
        let cleaned = cmds.iter().any(|c| {
            tool(c)
                && c.subcommand()
                    .is_some_and(|a| a.value == "clean" || a.value == "cc")
        });
        if cleaned {
            continue;
        }
        if let Some(c) = cmds
            .iter()
            .find(|c| tool(c) && c.subcommand().is_some_and(|a| a.value != "clean"))
        {
            out.push(Finding::new(
                &META,
                "`zypper clean` missing after zypper use.",
                c.span(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_installs_without_clean() {
        let t = "zypper";
        let src = format!("FROM a:1\nRUN {t} install -y a\nRUN {t} install -y b && zypper clean\n");
        assert_eq!(flagged(&src, "DL3036"), vec![format!("{t} install -y a")]);
    }
}
