use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `tar -x` of an archive that an earlier `COPY` in the stage brought in.
    ///
    /// ## Why is this bad?
    /// `COPY` then `tar -x` stores the archive in one layer and its contents in another: the image carries both. `ADD` of a local archive unpacks it in a single layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ADD app.tar.gz /opt/
    /// ```
    Dl3010 {
        code: "DL3010",
        name: "use-add-for-archives",
        level: Info,
        origin: Hadolint,
    }
}

const ARCHIVES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
];

fn basename(p: &str) -> &str {
    p.trim_end_matches('/').rsplit('/').next().unwrap_or(p)
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        let stage = &cx.dockerfile.stages[run.stage];
        let copied: Vec<&str> = stage
            .instructions
            .iter()
            .take_while(|i| i.span.start < run.ins.span.start)
            .filter_map(|i| match &i.instr {
                Instr::Copy(c) if c.from.is_none() => Some(&c.files.sources),
                _ => None,
            })
            .flatten()
            .map(|s| basename(s.value()))
            .collect();
        for c in cx.cmds_of(run).iter().filter(|c| c.is("tar")) {
            let extracts = c.args.iter().enumerate().any(|(i, a)| {
                a.value == "--extract"
                    || (a.value.starts_with('-')
                        && !a.value.starts_with("--")
                        && a.value.contains('x'))
                    || (i == 0 && !a.value.starts_with('-') && a.value.contains('x'))
            });
            let archive = c
                .args
                .iter()
                .find(|a| ARCHIVES.iter().any(|e| a.value.ends_with(e)));
            if let (true, Some(a)) = (extracts, archive)
                && copied.contains(&basename(&a.value))
            {
                out.push(Finding::new(
                    &META,
                    "Use ADD for extracting archives into an image",
                    c.span(),
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
    fn flags_extracting_a_copied_archive() {
        let src = "FROM a:1\nCOPY x.tar.gz /x.tar.gz\nRUN tar -xzf /x.tar.gz\nRUN tar -xf /other.tar\nRUN tar -czf /x.tar.gz /d\n";
        assert_eq!(flagged(src, "DL3010"), vec!["tar -xzf /x.tar.gz"]);
    }
}
