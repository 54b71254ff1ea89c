use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags the `apt` command.
    ///
    /// ## Why is this bad?
    /// `apt` is the interactive front end: its output format and behaviour are not a stable interface, and it warns so itself when used in scripts. `apt-get` and `apt-cache` are made for scripts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces `apt` with `apt-get` for the sub-commands both have. It is marked unsafe: the two differ in small defaults (progress output, some configuration), so review the result.
    Dl3027 {
        code: "DL3027",
        name: "no-apt",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "apt").iter() {
        let mut f = Finding::new(
            &META,
            "Do not use apt as it is meant to be a end-user tool, use apt-get or apt-cache instead",
            c.name_span(),
        );
        let sub = c.subcommand().map(|a| a.value.as_ref());
        if matches!(
            sub,
            Some(
                "install"
                    | "update"
                    | "upgrade"
                    | "remove"
                    | "purge"
                    | "autoremove"
                    | "dist-upgrade"
                    | "clean"
            )
        ) {
            f = f.with_replacement(
                "Use apt-get",
                Applicability::Unsafe,
                c.name_span(),
                "apt-get",
            );
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_apt_and_offers_apt_get() {
        assert_eq!(
            flagged(
                "FROM a:1\nRUN apt update && apt-get install -y x\n",
                "DL3027"
            ),
            vec!["apt"]
        );
        assert_eq!(
            fixed("FROM a:1\nRUN apt install -y x\n", "DL3027"),
            "FROM a:1\nRUN apt-get install -y x\n"
        );
    }
}
