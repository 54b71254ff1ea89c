use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `pip install` without `--no-cache-dir`, unless `PIP_NO_CACHE_DIR` is set with `ENV` in the stage or a cache mount holds pip's cache.
    ///
    /// ## Why is this bad?
    /// pip keeps every downloaded wheel in `~/.cache/pip`. In an image that cache is never used again but stays in the layer, often as big as the packages themselves.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install flask==3.0.3
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask==3.0.3
    /// ```
    Dl3042 {
        code: "DL3042",
        name: "pip-no-cache-dir",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        let stage = &cx.dockerfile.stages[run.stage];
        let env_off = stage.instructions.iter().take_while(|i| i.span.start < run.ins.span.start).any(|i| {
            matches!(&i.instr, Instr::Env { pairs } if pairs.iter().any(|p| p.key.value() == "PIP_NO_CACHE_DIR"))
        });
        let cached = matches!(&run.ins.instr, Instr::Run(r) if r.mounts.iter().any(|m| m.raw.raw.contains(".cache/pip")));
        if env_off || cached {
            continue;
        }
        for c in cx.cmds_of(run) {
            if super::pip_install(c).is_some() && !c.has_flag("no-cache-dir") {
                let at = c
                    .args
                    .iter()
                    .find(|a| a.value == "install")
                    .map(|a| c.arg_span(a).end)
                    .unwrap_or(c.span().end);
                out.push(
                    Finding::new(&META, "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`", c.span())
                        .with_fix(
                            "Add --no-cache-dir",
                            Applicability::Safe,
                            vec![Edit { span: Span::new(at, at), replacement: " --no-cache-dir".into() }],
                        ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_and_fixes_pip_cache() {
        let src = "FROM a:1\nRUN pip install a==1 && python3 -m pip install --no-cache-dir b==1\nENV PIP_NO_CACHE_DIR=1\nRUN pip install c==1\n";
        assert_eq!(flagged(src, "DL3042"), vec!["pip install a==1"]);
        assert_eq!(
            fixed("FROM a:1\nRUN python -m pip install a==1\n", "DL3042"),
            "FROM a:1\nRUN python -m pip install --no-cache-dir a==1\n"
        );
    }
}
