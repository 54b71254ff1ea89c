use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a package in `pip install` (also `pip3`, `python -m pip`) without a version specifier. Requirement and constraint files, local paths, wheels and VCS URLs with `@ref` count as pinned.
    ///
    /// ## Why is this bad?
    /// An unpinned package installs the newest release on the day of the build, so rebuilding the same Dockerfile can pull in an incompatible version, or a compromised one.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    Dl3013 {
        code: "DL3013",
        name: "pip-pin",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in cx.cmds_where(|n| n.starts_with("pip") || n.starts_with("python")) {
        let Some((pkgs, constrained)) = super::pip_install(c) else {
            continue;
        };
        if constrained {
            continue;
        }
        for p in pkgs {
            let v = &p.value;
            let pinned = v.contains(['=', '>', '<', '~', '@'])
                || v.starts_with(['.', '/', '~'])
                || v.ends_with(".whl")
                || v.ends_with(".tar.gz")
                || v.ends_with(".zip");
            if !pinned {
                out.push(Finding::new(
                    &META,
                    "Pin versions in pip. Instead of `pip install <package>` use `pip install <package>==<version>` or `pip install --requirement <requirements file>`",
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
    fn flags_unpinned_pip_packages() {
        let src = "FROM a:1\nRUN pip install flask==1 'a>=2' ./pkg x.whl git+https://h/r.git@v1 -r req.txt requests && python3 -m pip install -U pip\nRUN pip install -c c.txt flask\n";
        assert_eq!(flagged(src, "DL3013"), vec!["requests", "pip"]);
    }
}
