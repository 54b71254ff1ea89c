use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a package in `apk add` without a version (`curl` instead of `curl=8.9.1-r1`). The names given to `--virtual`/`-t` and local `.apk` files are not packages.
    ///
    /// ## Why is this bad?
    /// Without a version each build installs the repository's current package; rebuilding the same Dockerfile later gives a different image, or fails when the package changes.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.9.1-r1
    /// ```
    Dl3018 {
        code: "DL3018",
        name: "apk-pin",
        level: Warning,
        origin: Hadolint,
    }
}

const VALUE_FLAGS: &[&str] = &[
    "-t",
    "--virtual",
    "-X",
    "--repository",
    "--repositories-file",
    "-p",
    "--root",
    "--keys-dir",
    "--arch",
    "--cache-dir",
];

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "apk").iter() {
        let Some(pkgs) = c.operands(&["add"], VALUE_FLAGS) else {
            continue;
        };
        for p in pkgs {
            let v = &p.value;
            if !v.contains(['=', '~', '>', '<', '/']) && !v.ends_with(".apk") {
                out.push(Finding::new(
                    &META,
                    "Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`",
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
    fn flags_unpinned_apk_packages() {
        let src = "FROM a:1\nRUN apk add --no-cache --virtual .deps gcc=1 curl musl~1.2 -X http://r make ./x.apk\n";
        assert_eq!(flagged(src, "DL3018"), vec!["curl", "make"]);
    }
}
