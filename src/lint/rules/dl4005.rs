use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ln` that replaces `/bin/sh`.
    ///
    /// ## Why is this bad?
    /// Relinking `/bin/sh` changes the shell for every later `RUN` in a way that is invisible in the Dockerfile and also changes the image for everything that calls `sh`. `SHELL` changes the shell for the build, in the open.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-c"]
    /// ```
    Dl4005 {
        code: "DL4005",
        name: "use-shell-instruction",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "ln").iter() {
        if c.args_no_flags()
            .last()
            .is_some_and(|a| a.value == "/bin/sh")
        {
            out.push(Finding::new(
                &META,
                "Use SHELL to change the default shell",
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
    fn flags_relinking_bin_sh() {
        assert_eq!(
            flagged(
                "FROM a:1\nRUN ln -sf /bin/bash /bin/sh && ln -s /a /b\n",
                "DL4005"
            ),
            vec!["ln -sf /bin/bash /bin/sh"]
        );
    }
}
