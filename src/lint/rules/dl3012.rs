use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a stage with more than one `HEALTHCHECK`. Also part of BuildKit's check
    /// *MultipleInstructionsDisallowed*.
    ///
    /// ## Why is this bad?
    /// Only the last `HEALTHCHECK` of a stage takes effect; the others only mislead.
    ///
    /// ## Example
    /// ```dockerfile
    /// HEALTHCHECK CMD curl -f http://localhost/
    /// HEALTHCHECK CMD wget -qO- http://localhost/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// HEALTHCHECK CMD wget -qO- http://localhost/
    /// ```
    Dl3012 {
        code: "DL3012",
        name: "multiple-healthcheck",
        level: Error,
        origin: Hadolint,
        also: ["MultipleInstructionsDisallowed"],
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let message = "Multiple HEALTHCHECK instructions found. Only the last one takes effect";
    super::all_but_last(
        cx,
        out,
        &META,
        |i| matches!(i, Instr::Healthcheck(_)),
        message,
    );
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_all_but_the_last() {
        let src = "FROM a:1\nHEALTHCHECK CMD a\nHEALTHCHECK NONE\n";
        assert_eq!(flagged(src, "DL3012"), vec!["HEALTHCHECK"]);
    }
}
