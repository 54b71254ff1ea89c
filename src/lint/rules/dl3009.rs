use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `apt-get update` in the image's final stage (or a stage another builds on) when the same `RUN` does not remove `/var/lib/apt/lists` afterwards (`rm -rf /var/lib/apt/lists/*` or `apt-get dist-clean`), and no cache mount holds the lists.
    ///
    /// ## Why is this bad?
    /// The package lists are tens of megabytes that the running container never needs. Left in the layer, they make every image that uses it bigger; removing them in a later `RUN` does not help, because the layer that added them is still part of the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update \\
    ///  && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \\
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    Dl3009 {
        code: "DL3009",
        name: "apt-get-lists",
        level: Info,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for run in runs(cx).filter(|r| stage_is_kept(cx, r.stage)) {
        let cmds = cx.cmds_of(run);
        let cleans = cmds.iter().any(|c| {
            (c.is("rm")
                && c.args_no_flags()
                    .any(|a| a.value.starts_with("/var/lib/apt/lists")))
                || (c.is("apt-get") && c.subcommand().is_some_and(|a| a.value == "dist-clean"))
        });
        let cached = matches!(&run.ins.instr, Instr::Run(r) if r.mounts.iter().any(|m| m.raw.raw.contains("/var/lib/apt")));
        if cleans || cached {
            continue;
        }
        if let Some(update) = cmds
            .iter()
            .find(|c| c.is("apt-get") && c.subcommand().is_some_and(|a| a.value == "update"))
        {
            out.push(Finding::new(
                &META,
                "Delete the apt-get lists after installing something",
                update.span(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_updates_that_leave_the_lists_behind() {
        let src = "FROM a:1 AS x\nRUN apt-get update\nFROM b:1\nRUN apt-get update && apt-get install -y c\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update\n";
        assert_eq!(flagged(src, "DL3009"), vec!["apt-get update"]);
    }
}
