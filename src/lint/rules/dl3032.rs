use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs with `yum` but does not clean its cache (yum clean all) in the same `RUN`.
    ///
    /// ## Why is this bad?
    /// The package manager's cache of downloaded packages and metadata stays in the layer and makes the image bigger; cleaning it in a later `RUN` does not shrink the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.62
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN yum install -y httpd-2.4.62 && yum clean all
    /// ```
    Dl3032 {
        code: "DL3032",
        name: "yum-clean",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        let cmds = cx.cmds_of(run);
        let tool = |c: &Cmd| c.is("yum");
        let cleaned = cmds.iter().any(|c| {
            tool(c) && c.subcommand().is_some_and(|a| a.value == "clean") && c.has_arg("all")
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
                "`yum clean all` missing after yum command.",
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
        let t = "yum";
        let src =
            format!("FROM a:1\nRUN {t} install -y a\nRUN {t} install -y b && yum clean all\n");
        assert_eq!(flagged(&src, "DL3032"), vec![format!("{t} install -y a")]);
    }
}
