use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=stage / /`: copying another stage's whole filesystem over
    /// this one.
    ///
    /// ## Why is this bad?
    /// It copies everything — the other stage's shell, package database, caches
    /// and `/etc` — over the current stage, as one layer as big as that stage. The
    /// files it replaces are still in the layers below, so the image pays for both.
    /// Copy only what the stage built.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=build / /
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    Dl3067 {
        code: "DL3067",
        name: "copy-entire-filesystem",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let Instr::Copy(copy) = &ins.instr else {
            continue;
        };
        if copy.from.is_none() || copy.files.dest.raw != "/" {
            continue;
        }
        if let Some(root) = copy.files.sources.iter().find(|s| s.raw == "/") {
            out.push(Finding::new(
                &META,
                "Do not copy an entire filesystem from another stage",
                root.span.cover(copy.files.dest.span),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_root_to_root_copies_from_stages() {
        let src = "FROM a:1 AS x\nFROM b:1\nCOPY --from=x / /\nCOPY --from=x / /x\nCOPY --from=x /usr /\nCOPY / /\n";
        assert_eq!(flagged(src, "DL3067"), vec!["/ /"]);
    }
}
