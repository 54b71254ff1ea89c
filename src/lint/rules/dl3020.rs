use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ADD` of local files and folders that are not archives.
    ///
    /// ## Why is this bad?
    /// `ADD` also downloads URLs and unpacks local tar archives. For plain files it
    /// does what `COPY` does, but a reader has to wonder which of its powers is used.
    /// `COPY` says exactly what happens.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD requirements.txt /app/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY requirements.txt /app/
    /// ```
    ///
    /// ## Fix safety
    /// For sources that are neither URLs nor archives `ADD` and `COPY` produce the
    /// same layer: safe.
    Dl3020 {
        code: "DL3020",
        name: "use-copy-instead-of-add",
        level: Error,
        origin: Hadolint,
    }
}

const ARCHIVES: &[&str] = &[
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tbz2",
    ".tb2",
    ".tar.xz",
    ".txz",
    ".tar.lz",
    ".tlz",
    ".tar.lzma",
    ".tar.Z",
    ".taz",
    ".tar.zst",
    ".tzst",
    ".gz",
    ".bz2",
    ".xz",
    ".lz",
    ".lzma",
    ".zst",
    ".Z",
];

fn is_url(s: &str) -> bool {
    ["http://", "https://", "git@", "git://"]
        .iter()
        .any(|p| s.starts_with(p))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        for ins in &stage.instructions {
            let Instr::Add(add) = &ins.instr else {
                continue;
            };
            let plain = add.files.sources.iter().all(|s| {
                let v = s.raw.trim_matches('"');
                !is_url(v) && !v.contains('$') && !ARCHIVES.iter().any(|a| v.ends_with(a))
            });
            // Heredoc sources, checksums and git options only make sense for ADD.
            let add_only =
                add.checksum.is_some() || add.keep_git_dir.is_some() || add.unpack.is_some();
            if plain && !add_only && !add.files.sources.is_empty() {
                out.push(
                    Finding::new(
                        &META,
                        "Use COPY instead of ADD for files and folders",
                        ins.keyword.span,
                    )
                    .with_replacement(
                        "Replace ADD with COPY",
                        Applicability::Safe,
                        ins.keyword.span,
                        super::same_case(&ins.keyword.value, "COPY"),
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
    fn flags_plain_files() {
        let src = "FROM a:1\nADD a.txt /x/\nADD x.tar.gz /\nADD https://e.com/f /f\nadd b /b\n";
        assert_eq!(flagged(src, "DL3020"), vec!["ADD", "add"]);
        assert_eq!(
            fixed(src, "DL3020"),
            "FROM a:1\nCOPY a.txt /x/\nADD x.tar.gz /\nADD https://e.com/f /f\ncopy b /b\n"
        );
    }
}
