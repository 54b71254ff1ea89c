use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `zypper dist-upgrade` (`zypper dup`).
    ///
    /// ## Why is this bad?
    /// A distribution upgrade inside a build changes the base image's release underneath it: the image is no longer what its `FROM` says, and the result depends on the day of the build. Use a newer base image instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN zypper dist-upgrade -y
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// ```
    Dl3035 {
        code: "DL3035",
        name: "zypper-dist-upgrade",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "zypper").iter() {
        if c.subcommand()
            .is_some_and(|a| a.value == "dist-upgrade" || a.value == "dup")
        {
            out.push(Finding::new(
                &META,
                "Do not use `zypper dist-upgrade`.",
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
    fn flags_dist_upgrade() {
        assert_eq!(
            flagged("FROM a:1\nRUN zypper -n dup && zypper up\n", "DL3035"),
            vec!["zypper -n dup"]
        );
    }
}
