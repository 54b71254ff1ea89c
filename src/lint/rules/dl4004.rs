use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a stage with more than one `ENTRYPOINT`. Also part of BuildKit's check
    /// *MultipleInstructionsDisallowed*.
    ///
    /// ## Why is this bad?
    /// Only the last `ENTRYPOINT` of a stage takes effect; the earlier ones do nothing
    /// but mislead the reader.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENTRYPOINT ["a"]
    /// ENTRYPOINT ["b"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ENTRYPOINT ["b"]
    /// ```
    Dl4004 {
        code: "DL4004",
        name: "multiple-entrypoint",
        level: Error,
        origin: Hadolint,
        also: ["MultipleInstructionsDisallowed"],
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let message = "Multiple ENTRYPOINT instructions found. Only the last one takes effect";
    super::all_but_last(
        cx,
        out,
        &META,
        |i| matches!(i, Instr::Entrypoint(_)),
        message,
    );
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_all_but_the_last_per_stage() {
        let src =
            "FROM a:1\nENTRYPOINT [\"1\"]\nENTRYPOINT [\"2\"]\nFROM b:1\nENTRYPOINT [\"3\"]\n";
        assert_eq!(flagged(src, "DL4004"), vec!["ENTRYPOINT"]);
        let found = crate::lint::lint(src, &crate::dockerfile::analyze(src));
        assert_eq!(
            found
                .iter()
                .find(|f| f.code == "DL4004")
                .unwrap()
                .span
                .start,
            9
        );
    }
}
