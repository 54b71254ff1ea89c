use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a stage with more than one `CMD`. Also part of BuildKit's check
    /// *MultipleInstructionsDisallowed*.
    ///
    /// ## Why is this bad?
    /// Only the last `CMD` of a stage takes effect; the earlier ones do nothing
    /// but mislead the reader.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["a"]
    /// CMD ["b"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["b"]
    /// ```
    Dl4003 {
        code: "DL4003",
        name: "multiple-cmd",
        level: Warning,
        origin: Hadolint,
        also: ["MultipleInstructionsDisallowed"],
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let message = "Multiple CMD instructions found. Only the last one takes effect";
    super::all_but_last(cx, out, &META, |i| matches!(i, Instr::Cmd(_)), message);
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_all_but_the_last_per_stage() {
        let src = "FROM a:1\nCMD [\"1\"]\nCMD [\"2\"]\nFROM b:1\nCMD [\"3\"]\n";
        assert_eq!(flagged(src, "DL4003"), vec!["CMD"]);
        let found = crate::lint::lint(src, &crate::dockerfile::analyze(src));
        assert_eq!(
            found
                .iter()
                .find(|f| f.code == "DL4003")
                .unwrap()
                .span
                .start,
            9
        );
    }
}
