use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `apt-get install` without `--no-install-recommends` (or `-o APT::Install-Recommends=false`).
    ///
    /// ## Why is this bad?
    /// By default apt also installs every package the requested ones merely recommend: documentation, optional tools and libraries the image never uses, often doubling the layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds `--no-install-recommends` after `install`. It is marked safe: the requested packages are still installed; only recommended extras are not. If the image relied on one of them, add it to the list.
    Dl3015 {
        code: "DL3015",
        name: "apt-get-no-recommends",
        level: Info,
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
        let off = c.has_flag("no-install-recommends")
            || c.args.iter().any(|a| {
                a.value.contains("APT::Install-Recommends=false")
                    || a.value.contains("APT::Install-Recommends=0")
            });
        if !off {
            out.push(
                Finding::new(
                    &META,
                    "Avoid additional packages by specifying `--no-install-recommends`",
                    c.span(),
                )
                .with_fix(
                    "Add --no-install-recommends",
                    Applicability::Safe,
                    vec![c.insert_after_subcommand("--no-install-recommends")],
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
    fn flags_and_fixes_recommends() {
        assert_eq!(
            flagged(
                "FROM a:1\nRUN apt-get install -y a && apt-get install -y -o APT::Install-Recommends=false b\n",
                "DL3015"
            ),
            vec!["apt-get install -y a"]
        );
        assert_eq!(
            fixed("FROM a:1\nRUN apt-get -y install \\\n  curl\n", "DL3015"),
            "FROM a:1\nRUN apt-get -y install --no-install-recommends \\\n  curl\n"
        );
    }
}
