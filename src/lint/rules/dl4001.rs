use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that uses `wget` or `curl` in a stage that uses the other one too (reported from the point where both have been used).
    ///
    /// ## Why is this bad?
    /// Two download tools do one job: the image carries both, with their libraries, and readers must know both sets of flags. Pick one.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget -q https://example.com/a.tgz
    /// RUN curl -fsSL https://example.com/b.tgz -o b.tgz
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN curl -fsSLO https://example.com/a.tgz
    /// RUN curl -fsSL https://example.com/b.tgz -o b.tgz
    /// ```
    Dl4001 {
        code: "DL4001",
        name: "wget-or-curl",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut seen: Vec<(usize, bool, bool)> = Vec::new();
    for run in runs(cx) {
        let cmds = cx.cmds_of(run);
        let wget = cmds.iter().find(|c| c.is("wget"));
        let curl = cmds.iter().find(|c| c.is("curl"));
        let entry = match seen.iter_mut().find(|(s, _, _)| *s == run.stage) {
            Some(e) => e,
            None => {
                seen.push((run.stage, false, false));
                seen.last_mut().expect("just pushed")
            }
        };
        entry.1 |= wget.is_some();
        entry.2 |= curl.is_some();
        if entry.1
            && entry.2
            && let Some(c) = wget.or(curl)
        {
            out.push(Finding::new(
                &META,
                "Either use Wget or Curl but not both",
                c.span(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_once_both_are_used() {
        let src = "FROM a:1\nRUN wget -q x\nRUN curl y\nRUN curl z\nFROM b:1\nRUN curl w\n";
        assert_eq!(flagged(src, "DL4001"), vec!["curl y", "curl z"]);
    }
}
