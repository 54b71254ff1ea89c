use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a gem in `gem install` without a version (`rails` instead of `rails:7.2.1` or `-v 7.2.1`).
    ///
    /// ## Why is this bad?
    /// An unpinned gem installs the newest release at build time, so the image changes whenever the gem does.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN gem install bundler
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN gem install bundler:2.5.18
    /// ```
    Dl3028 {
        code: "DL3028",
        name: "gem-pin",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "gem").iter() {
        let Some(gems) = c.operands(
            &["install", "i"],
            &[
                "-v",
                "--version",
                "-i",
                "--install-dir",
                "-n",
                "--bindir",
                "-s",
                "--source",
                "-P",
                "--trust-policy",
                "--platform",
            ],
        ) else {
            continue;
        };
        if c.has_any_flag(&["v", "version"]) {
            continue;
        }
        for g in gems {
            if !g.value.contains(':') && !g.value.ends_with(".gem") {
                out.push(Finding::new(
                    &META,
                    "Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`",
                    c.arg_span(g),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_unpinned_gems() {
        assert_eq!(
            flagged(
                "FROM a:1\nRUN gem install rails bundler:2 && gem install x -v 1\n",
                "DL3028"
            ),
            vec!["rails"]
        );
    }
}
