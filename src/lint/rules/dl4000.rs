use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags the `MAINTAINER` instruction. Also BuildKit's check *MaintainerDeprecated*.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` is deprecated: it sets the image's legacy `author` field, which
    /// tools no longer show. A label is the supported way to say who maintains an image.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces the instruction with a `LABEL org.opencontainers.image.authors`;
    /// it changes the image's metadata (the `author` field is no longer set), so it is
    /// marked unsafe.
    Dl4000 {
        code: "DL4000",
        name: "maintainer-deprecated",
        level: Error,
        origin: Hadolint,
        also: ["MaintainerDeprecated"],
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        for ins in &stage.instructions {
            let Instr::Maintainer { name } = &ins.instr else {
                continue;
            };
            let value = name.value.replace('\\', "\\\\").replace('"', "\\\"");
            let label = format!("LABEL org.opencontainers.image.authors=\"{value}\"");
            out.push(
                Finding::new(&META, "MAINTAINER is deprecated", ins.keyword.span).with_fix(
                    "Replace with LABEL org.opencontainers.image.authors",
                    Applicability::Unsafe,
                    vec![Edit {
                        span: Span::new(ins.keyword.span.start, name.span.end),
                        replacement: label,
                    }],
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_and_fixes() {
        let src = "FROM a:1\nMAINTAINER Jane \"J\" Doe\n";
        assert_eq!(flagged(src, "DL4000"), vec!["MAINTAINER"]);
        assert_eq!(
            fixed(src, "DL4000"),
            "FROM a:1\nLABEL org.opencontainers.image.authors=\"Jane \\\"J\\\" Doe\"\n"
        );
        assert!(flagged("FROM a:1\nLABEL maintainer=x\n", "DL4000").is_empty());
    }
}
