use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a package in `go install` (or the older `go get`) without an `@version`.
    ///
    /// ## Why is this bad?
    /// `go install pkg` without a version builds whatever the module's default branch has at build time (or fails outside a module): the image changes whenever upstream does.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN go install golang.org/x/tools/gopls@v0.16.2
    /// ```
    Dl3062 {
        code: "DL3062",
        name: "go-install-pin",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "go").iter() {
        let Some(pkgs) = c.operands(
            &["install", "get"],
            &[
                "-o", "-tags", "-ldflags", "-gcflags", "-mod", "-modfile", "-p",
            ],
        ) else {
            continue;
        };
        for p in pkgs {
            if !p.value.contains('@') && !p.value.starts_with('.') && !p.value.starts_with('/') {
                out.push(Finding::new(
                    &META,
                    "Pin versions in go install. Instead of `go install <package>` use `go install <package>@<version>`",
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
    fn flags_unversioned_go_install() {
        assert_eq!(
            flagged(
                "FROM a:1\nRUN go install -ldflags=-s x/y/z x/y@v1 ./...\n",
                "DL3062"
            ),
            vec!["x/y/z"]
        );
    }
}
