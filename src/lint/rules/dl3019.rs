use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `apk add` without `--no-cache`.
    ///
    /// ## Why is this bad?
    /// Without it apk keeps its package index in `/var/cache/apk` inside the layer. `--no-cache` fetches a fresh index for this command and leaves nothing behind, which also makes `apk update` and a later `rm -rf /var/cache/apk/*` unnecessary.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk update && apk add curl=8.9.1-r1
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.9.1-r1
    /// ```
    Dl3019 {
        code: "DL3019",
        name: "apk-no-cache",
        level: Info,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        let cached = matches!(&run.ins.instr, Instr::Run(r) if r.mounts.iter().any(|m| m.raw.raw.contains("/var/cache/apk") || m.raw.raw.contains("/etc/apk/cache")));
        if cached {
            continue;
        }
        for c in cx.cmds_of(run).iter().filter(|c| c.is("apk")) {
            if c.operands(&["add"], &["-t", "--virtual", "-X", "--repository"])
                .is_some()
                && !c.has_flag("no-cache")
            {
                out.push(
                    Finding::new(
                        &META,
                        "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages",
                        c.span(),
                    )
                    .with_fix("Add --no-cache", Applicability::Safe, vec![c.insert_after_subcommand("--no-cache")]),
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
    fn flags_and_fixes_apk_without_no_cache() {
        assert_eq!(
            flagged(
                "FROM a:1\nRUN apk --no-cache add a && apk add --update b\n",
                "DL3019"
            ),
            vec!["apk add --update b"]
        );
        assert_eq!(
            fixed("FROM a:1\nRUN apk add b\n", "DL3019"),
            "FROM a:1\nRUN apk add --no-cache b\n"
        );
    }
}
