use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `wget` without `--progress` and without `-q`/`--quiet` or `-nv`/`--no-verbose`.
    ///
    /// ## Why is this bad?
    /// Without a terminal wget prints a progress line for every few kilobytes: a large download fills the build log with thousands of lines, which slows CI logs and hides the output that matters.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget https://example.com/big.tar.gz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN wget --progress=dot:giga https://example.com/big.tar.gz
    /// ```
    Dl3047 {
        code: "DL3047",
        name: "wget-progress",
        level: Info,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "wget").iter() {
        if !c.has_any_flag(&["progress", "q", "quiet", "nv", "no-verbose"]) {
            let at = c.name_span().end;
            out.push(
                Finding::new(
                    &META,
                    "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).",
                    c.span(),
                )
                .with_fix(
                    "Add --progress=dot:giga",
                    Applicability::Safe,
                    vec![Edit { span: Span::new(at, at), replacement: " --progress=dot:giga".into() }],
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
    fn flags_and_fixes_noisy_wget() {
        assert_eq!(
            flagged(
                "FROM a:1\nRUN wget x && wget -qO- y && wget -nv z && wget --progress=bar w\n",
                "DL3047"
            ),
            vec!["wget x"]
        );
        assert_eq!(
            fixed("FROM a:1\nRUN wget x\n", "DL3047"),
            "FROM a:1\nRUN wget --progress=dot:giga x\n"
        );
    }
}
