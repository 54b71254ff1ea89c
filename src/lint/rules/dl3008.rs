use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a package in `apt-get install` without a version (`curl` instead of `curl=7.88.1-10+deb12u5`). Local `.deb` files and release pins (`pkg/bookworm-backports`) count as pinned.
    ///
    /// ## Why is this bad?
    /// Without a version each build installs whatever the mirror has that day: two builds of the same Dockerfile produce different images, and an upstream change can break the build long after the Dockerfile was written.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    Dl3008 {
        code: "DL3008",
        name: "apt-get-pin",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "apt-get").iter() {
        let Some(pkgs) = c.operands(
            &["install"],
            &["-o", "-t", "--target-release", "-c", "--config-file"],
        ) else {
            continue;
        };
        for p in pkgs {
            if !p.value.contains(['=', '/']) && !p.value.ends_with(".deb") {
                out.push(Finding::new(
                    &META,
                    "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`",
                    c.arg_span(p),
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
    fn flags_each_unpinned_package() {
        let src = "FROM a:1\nRUN apt-get install -y -t bookworm-backports curl wget=1.0 ./x.deb vim/bookworm $PKGS\n";
        assert_eq!(flagged(src, "DL3008"), vec!["curl", "$PKGS"]);
    }
}
