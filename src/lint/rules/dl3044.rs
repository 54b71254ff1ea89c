use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags an `ENV` value that uses a variable defined earlier in the same `ENV` instruction (and not before it).
    ///
    /// ## Why is this bad?
    /// All pairs of one `ENV` are expanded with the environment from before the instruction: in `ENV A=1 B=$A`, `B` does not see the new `A` and becomes empty. Split the instruction.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DIR=/opt/app BIN=$DIR/bin
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ENV DIR=/opt/app
    /// ENV BIN=$DIR/bin
    /// ```
    Dl3044 {
        code: "DL3044",
        name: "env-self-reference",
        level: Error,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let Instr::Env { pairs } = &ins.instr else {
            continue;
        };
        for (i, p) in pairs.iter().enumerate() {
            for (name, span) in &ins.undefined_vars {
                if *span == p.value.span && pairs[..i].iter().any(|q| q.key.value() == name) {
                    out.push(Finding::new(
                        &META,
                        "Do not refer to an environment variable within the same `ENV` statement where it is defined.",
                        super::undefined_var::reference_span(cx, *span, name),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_references_to_the_same_env() {
        let src = "FROM a:1\nENV A=1 B=$A C=${A}\nENV A=2 D=$A\nENV E=$E:1\n";
        assert_eq!(flagged(src, "DL3044"), vec!["$A", "${A}"]);
    }
}
