use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `sudo` in a `RUN`.
    ///
    /// ## Why is this bad?
    /// Build steps already run as the current `USER`; `sudo` adds a setuid binary to the image, may prompt for a password or need a TTY, and hides which user really runs the command. Switch users with `USER`, or use `gosu`/`su-exec` in an entrypoint when a process must drop privileges.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// USER root
    /// RUN apt-get update
    /// USER app
    /// ```
    Dl3004 {
        code: "DL3004",
        name: "no-sudo",
        level: Error,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in named(cx, "sudo").iter() {
        out.push(Finding::new(
            &META,
            "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root",
            c.name_span(),
        ));
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_sudo() {
        assert_eq!(
            flagged("FROM a:1\nRUN sudo apt-get update && echo sudo\n", "DL3004"),
            vec!["sudo"]
        );
    }
}
