use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `cd` in a `RUN`.
    ///
    /// ## Why is this bad?
    /// A `cd` lasts only until the end of its `RUN`; the next instruction starts again in the `WORKDIR`. Scripts that `cd` are harder to read and easy to get wrong when steps are split or reordered. `WORKDIR` states the directory once, for every later instruction.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /usr/src/app && make
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// WORKDIR /usr/src/app
    /// RUN make
    /// ```
    Dl3003 {
        code: "DL3003",
        name: "use-workdir",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "cd").iter() {
        out.push(Finding::new(
            &META,
            "Use WORKDIR to switch to a directory",
            c.span(),
        ));
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_cd_anywhere_in_the_script() {
        assert_eq!(
            flagged(
                "FROM a:1\nRUN cd /x && make\nRUN (cd /y; ls) && echo cd\n",
                "DL3003"
            ),
            vec!["cd /x", "cd /y"]
        );
    }
}
