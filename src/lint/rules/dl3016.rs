use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a package in `npm install` without a version (`express` instead of `express@4.19.2`). Local paths, tarballs and git URLs with a `#ref` count as pinned; `npm install` and `npm ci` without packages use the lock file and are fine.
    ///
    /// ## Why is this bad?
    /// An unpinned package resolves to the newest release at build time: the image changes whenever the package does, and a bad release breaks builds that did not change.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm install -g typescript
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN npm install -g typescript@5.6.3
    /// ```
    Dl3016 {
        code: "DL3016",
        name: "npm-pin",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "npm").iter() {
        let Some(pkgs) = c.operands(
            &["install", "add"],
            &["--registry", "--prefix", "--tag", "-C"],
        ) else {
            continue;
        };
        for p in pkgs {
            let v = &p.value;
            let versioned = v.trim_start_matches('@').contains('@');
            let local =
                v.starts_with(['.', '/', '~']) || v.ends_with(".tgz") || v.ends_with(".tar.gz");
            let git = v.contains("://") || v.starts_with("git") || v.starts_with("github:");
            if !(versioned || local || (git && v.contains('#'))) {
                out.push(Finding::new(
                    &META,
                    "Pin versions in npm. Instead of `npm install <package>` use `npm install <package>@<version>`",
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
    fn flags_unpinned_npm_packages() {
        let src = "FROM a:1\nRUN npm install express express@4 @s/p @s/q@1 ./x x.tgz git+https://g/x.git git+https://g/y.git#v1 && npm install && npm ci\n";
        assert_eq!(
            flagged(src, "DL3016"),
            vec!["express", "@s/p", "git+https://g/x.git"]
        );
    }
}
