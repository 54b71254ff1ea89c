use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `yarn install` without `yarn cache clean` in the same `RUN`, in the final stage or a stage another builds on.
    ///
    /// ## Why is this bad?
    /// Yarn keeps a copy of every package it downloads in its global cache; in an image that copy is never used and stays in the layer next to `node_modules`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// ```
    Dl3060 {
        code: "DL3060",
        name: "yarn-cache-clean",
        level: Info,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for run in runs(cx).filter(|r| stage_is_kept(cx, r.stage)) {
        let cmds = cx.cmds_of(run);
        let cleaned = cmds.iter().any(|c| {
            c.is("yarn") && c.subcommand().is_some_and(|a| a.value == "cache") && c.has_arg("clean")
        });
        if cleaned {
            continue;
        }
        if let Some(c) = cmds
            .iter()
            .find(|c| c.is("yarn") && c.subcommand().is_some_and(|a| a.value == "install"))
        {
            out.push(Finding::new(
                &META,
                "`yarn cache clean` missing after `yarn install` was run.",
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
    fn flags_yarn_install_without_cache_clean() {
        assert_eq!(
            flagged(
                "FROM a:1\nRUN yarn install\nRUN yarn install && yarn cache clean\n",
                "DL3060"
            ),
            vec!["yarn install"]
        );
    }
}
