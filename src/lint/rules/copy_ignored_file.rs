use super::prelude::*;
use crate::build::dockerignore::{Dockerignore, clean};

declare_rule! {
    /// ## What it does
    /// Flags a `COPY` or `ADD` source from the build context that the context's
    /// `.dockerignore` (or `<Dockerfile>.dockerignore`) excludes.
    ///
    /// ## Why is this bad?
    /// The excluded file is never sent to the builder, so the instruction fails
    /// with "not found" — or, for a directory, silently copies less than it seems
    /// to. Either the ignore pattern or the instruction is wrong.
    ///
    /// As in BuildKit: sources are matched as written after variable expansion
    /// (wildcards literally), `COPY --from`, URLs and heredocs are not checked, and
    /// a `.dockerignore` with any `!` exception turns the check off.
    ///
    /// ## Example
    /// ```dockerfile
    /// # .dockerignore: build/
    /// COPY build/app /usr/local/bin/app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # .dockerignore: build/*
    /// # !build/app
    /// COPY build/app /usr/local/bin/app
    /// ```
    ///
    /// ## What layerlab can know
    /// The CLI reads the `.dockerignore` of the context (`--context`, by default
    /// the Dockerfile's directory); without one the check has nothing to do.
    CopyIgnoredFile {
        code: "CopyIgnoredFile",
        name: "copy-ignored-file",
        level: Warning,
        origin: Buildkit,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(text) = cx.env.dockerignore.as_deref() else {
        return;
    };
    let Ok(ignore) = Dockerignore::parse(text) else {
        return;
    };
    if ignore.is_empty() || ignore.has_exclusions() {
        return;
    }
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let (verb, sources) = match &ins.instr {
            Instr::Copy(c) if c.from.is_none() => ("Copy", &c.files.sources),
            Instr::Add(a) => ("Add", &a.files.sources),
            _ => continue,
        };
        for src in sources {
            let value = src.value();
            if verb == "Add" && is_remote(value) {
                continue;
            }
            let path = clean(value);
            let hit = if path == "." || path == "/" {
                ignore.ignores_everything()
            } else {
                ignore.matches(&path)
            };
            if hit {
                out.push(Finding::new(
                    &META,
                    format!("Attempting to {verb} file {path:?} that is excluded by .dockerignore"),
                    src.span,
                ));
            }
        }
    }
}

fn is_remote(s: &str) -> bool {
    s.starts_with("http://")
        || s.starts_with("https://")
        || s.starts_with("git@")
        || s.contains(".git#")
}

#[cfg(test)]
mod tests {
    use crate::dockerfile::analyze;
    use crate::lint::{Config, Environment, lint_with};

    fn flagged(dockerignore: &str, src: &str) -> Vec<String> {
        let env = Environment {
            dockerignore: Some(dockerignore.into()),
            ..Environment::default()
        };
        let a = analyze(src);
        lint_with(src, &a, &Config::default(), &env)
            .into_iter()
            .filter(|f| f.code == "CopyIgnoredFile")
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn flags_ignored_sources_like_buildkit() {
        assert_eq!(
            flagged(
                "\nDockerfile\n",
                "FROM scratch\nCOPY Dockerfile .\nADD Dockerfile /windy\n"
            ),
            [
                "Attempting to Copy file \"Dockerfile\" that is excluded by .dockerignore",
                "Attempting to Add file \"Dockerfile\" that is excluded by .dockerignore"
            ]
        );
        let stages = "FROM scratch AS base\nCOPY Dockerfile /foobar\nFROM base\nCOPY --from=base /foobar /Dockerfile\n";
        assert!(flagged("foobar", stages).is_empty());
        assert_eq!(flagged("*", "FROM scratch\nCOPY . .\n").len(), 1);
        assert!(flagged(".*", "FROM scratch\nCOPY . .\n").is_empty());
        assert!(flagged("**\n!Dockerfile\n", "FROM scratch\nCOPY . .\n").is_empty());
        assert_eq!(
            flagged("build", "FROM scratch\nCOPY ./build/app /app\n").len(),
            1
        );
        assert_eq!(flagged("*.txt", "FROM scratch\nCOPY *.txt .\n").len(), 1);
        assert!(flagged("a", "FROM scratch\nADD https://example.com/a /a\n").is_empty());
    }
}
