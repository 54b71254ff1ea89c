use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` with a pipe (`a | b`) when the stage's `SHELL` does not set `-o pipefail` and the script does not `set -o pipefail` first.
    ///
    /// ## Why is this bad?
    /// A pipeline's status is its last command's: in `curl -fsSL $URL | tar -xz` a failed download is ignored as long as `tar` succeeds, and the build goes on with a broken image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/app.tgz | tar -xz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/app.tgz | tar -xz
    /// ```
    ///
    /// ## Fix safety
    /// The fix starts the script with `set -o pipefail && `, which bash, dash (0.5.11 and later) and BusyBox ash understand. It is marked unsafe: a pipe whose first command used to fail quietly now fails the build, which is the point, but review it.
    Dl4006 {
        code: "DL4006",
        name: "pipefail",
        level: Warning,
        origin: Hadolint,
    }
}

/// `SHELL [..., "-o", "pipefail", ...]` (also `-eo pipefail`).
fn sets_pipefail(args: &[String]) -> bool {
    args.windows(2).any(|w| {
        w[0].starts_with('-') && !w[0].starts_with("--") && w[0].contains('o') && w[1] == "pipefail"
    })
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut pipefail: Vec<bool> = Vec::new();
    for (si, stage) in cx.dockerfile.stages.iter().enumerate() {
        let base = stage.base.value().to_lowercase();
        let mut on = cx.dockerfile.stages[..si]
            .iter()
            .position(|s| s.name.as_deref() == Some(base.as_str()))
            .is_some_and(|p| pipefail[p]);
        for ins in &stage.instructions {
            if let Instr::Shell { args } = &ins.instr {
                let args: Vec<String> = args.iter().map(|a| a.value.clone()).collect();
                on = sets_pipefail(&args);
                continue;
            }
            if on || !matches!(ins.instr, Instr::Run(_)) {
                continue;
            }
            let Some(run) = cx.runs().iter().find(|r| std::ptr::eq(r.ins, ins)) else {
                continue;
            };
            let Some(script) = run.script() else { continue };
            let set_first = cx.cmds_of(run).iter().any(|c| {
                c.is("set")
                    && c.args.windows(2).any(|w| {
                        w[0].value.starts_with('-')
                            && w[0].value.contains('o')
                            && w[1].value == "pipefail"
                    })
            });
            if set_first {
                continue;
            }
            if let Some(p) = script
                .pipelines()
                .into_iter()
                .find(|p| p.commands.len() > 1)
            {
                let mut f = Finding::new(
                    &META,
                    "Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, or disable this check",
                    run.span(p.span),
                );
                if run.text.len() == run.ins.span.len() || !run.text.starts_with("<<") {
                    let at = run.span(Span::new(0, 0)).start;
                    f = f.with_fix(
                        "Start the script with set -o pipefail",
                        Applicability::Unsafe,
                        vec![Edit {
                            span: Span::new(at, at),
                            replacement: "set -o pipefail && ".into(),
                        }],
                    );
                }
                out.push(f);
            }
        }
        pipefail.push(on);
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_pipes_without_pipefail() {
        let src = "FROM a:1\nRUN a | b\nRUN set -o pipefail && c | d\nRUN e || f\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN g | h\nFROM b:1\nRUN x | y\n";
        assert_eq!(flagged(src, "DL4006"), vec!["a | b", "x | y"]);
        assert_eq!(
            fixed("FROM a:1\nRUN a | b\n", "DL4006"),
            "FROM a:1\nRUN set -o pipefail && a | b\n"
        );
    }
}
