use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that directly follows another `RUN` with the same flags when both are a single command (comments in between do not count).
    ///
    /// ## Why is this bad?
    /// Each `RUN` is a layer and a cache step. Two one-command steps in a row usually belong together: joined with `&&` they make one layer, and files the first creates and the second deletes never reach the image. Steps that already chain commands are left alone: splitting them was a choice.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update \\
    ///  && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    Dl3059 {
        code: "DL3059",
        name: "consolidate-runs",
        level: Info,
        origin: Hadolint,
    }
}

/// A RUN that is one command: exec form, or a script of one simple command.
fn single(cx: &Context, ins: &Instruction) -> bool {
    let Instr::Run(r) = &ins.instr else {
        return false;
    };
    if !r.command.prepend_shell {
        return true;
    }
    let Some(run) = cx.runs().iter().find(|s| std::ptr::eq(s.ins, ins)) else {
        return false;
    };
    match run.script() {
        // Nested commands count too: `CAROOT=$(pwd) mkcert …` is two.
        Some(script) => script.simple_commands().len() == 1,
        // Not a POSIX shell (PowerShell, cmd): one line without separators.
        None => run.parsed.is_none() && !run.text.contains(['&', ';', '|', '\n']),
    }
}

fn flags(ins: &Instruction) -> Vec<&str> {
    match &ins.instr {
        Instr::Run(r) => r.mounts.iter().map(|m| m.raw.raw.as_str()).collect(),
        _ => Vec::new(),
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        for pair in stage.instructions.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            if matches!(a.instr, Instr::Run(_))
                && matches!(b.instr, Instr::Run(_))
                && flags(a) == flags(b)
                && single(cx, a)
                && single(cx, b)
            {
                out.push(Finding::new(
                    &META,
                    "Multiple consecutive `RUN` instructions. Consider consolidation.",
                    b.keyword.span,
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
    fn flags_runs_that_could_be_one() {
        let src = "FROM a:1\nRUN a\n# note\nRUN b\nRUN c && d\nRUN e\nRUN --mount=type=cache,target=/x f\n";
        assert_eq!(flagged(src, "DL3059"), vec!["RUN"]);
        let src = "FROM a:1\nRUN a\nRUN b\nRUN c\n";
        assert_eq!(flagged(src, "DL3059").len(), 2);
    }
}
