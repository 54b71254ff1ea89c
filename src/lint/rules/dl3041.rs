use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a package in `dnf install` without a version (`httpd` instead of `httpd-2.4.62`). Local `.rpm` files and paths count as pinned.
    ///
    /// ## Why is this bad?
    /// Without a version each build installs whatever the repository has that day, so the same Dockerfile builds different images over time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN dnf install -y httpd
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN dnf install -y httpd-2.4.62
    /// ```
    Dl3041 {
        code: "DL3041",
        name: "dnf-pin",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "dnf").iter().chain(named(cx, "microdnf")) {
        let Some(pkgs) = c.operands(
            &["install", "in"],
            &[
                "--releasever",
                "--repo",
                "--enablerepo",
                "--disablerepo",
                "-r",
                "--repo",
            ],
        ) else {
            continue;
        };
        for p in pkgs {
            let v = p.value.as_ref();
            let pinned = v
                .char_indices()
                .any(|(i, ch)| ch == '-' && v[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
                || v.contains('/')
                || v.ends_with(".rpm");
            if !pinned {
                out.push(Finding::new(
                    &META,
                    "Specify version with `dnf install -y <package>-<version>`",
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
    fn flags_unpinned_packages() {
        let t = "dnf";
        let src = format!("FROM a:1\nRUN {t} install -y a httpd-2.4.62 /tmp/x.rpm\n");
        assert_eq!(flagged(&src, "DL3041"), vec!["a"]);
    }
}
