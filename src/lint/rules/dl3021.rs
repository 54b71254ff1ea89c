use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` of several sources whose destination does not end with `/`.
    ///
    /// ## Why is this bad?
    /// With more than one source the destination must be a directory; Docker fails
    /// the build when it is not written as one.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## Fix safety
    /// Adding the `/` is what makes the instruction valid: safe.
    Dl3021 {
        code: "DL3021",
        name: "copy-multiple-to-directory",
        level: Error,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        for ins in &stage.instructions {
            let Instr::Copy(copy) = &ins.instr else {
                continue;
            };
            let files = &copy.files;
            let count = files.sources.len() + files.contents.len();
            let dest = files.dest.raw.trim_matches('"');
            if count > 1 && !dest.ends_with('/') && !dest.contains('$') {
                // In JSON form the span includes the closing quote.
                let at = files.dest.span.end - usize::from(cx.text(files.dest.span).ends_with('"'));
                out.push(
                    Finding::new(
                        &META,
                        "COPY with more than 2 arguments requires the last argument to end with /",
                        files.dest.span,
                    )
                    .with_replacement(
                        "Add a trailing /",
                        Applicability::Safe,
                        Span::empty(at),
                        "/",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_and_fixes() {
        let src = "FROM a:1\nCOPY a b /app\nCOPY a /b\nCOPY [\"a\", \"b\", \"/c\"]\n";
        assert_eq!(flagged(src, "DL3021"), vec!["/app", "\"/c\""]);
        assert_eq!(
            fixed(src, "DL3021"),
            "FROM a:1\nCOPY a b /app/\nCOPY a /b\nCOPY [\"a\", \"b\", \"/c/\"]\n"
        );
    }
}
