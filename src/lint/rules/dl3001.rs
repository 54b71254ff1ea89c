use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags commands that make no sense in an image build: `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`.
    ///
    /// ## Why is this bad?
    /// A build step runs once, without a terminal or an init system. Interactive tools wait for input that never comes, `service` and `shutdown` act on a system that is not running, and `ps`, `top` or `free` describe the build container, not the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN service nginx start
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    Dl3001 {
        code: "DL3001",
        name: "irrelevant-command",
        level: Info,
        origin: Hadolint,
    }
}

const IRRELEVANT: &[&str] = &[
    "ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill", "mount", "ifconfig",
];

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for name in IRRELEVANT {
        for c in named(cx, name) {
            out.push(Finding::new(
                &META,
                "For some bash commands it makes no sense running them in a Docker container like `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`",
                c.name_span(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_interactive_and_system_commands() {
        assert_eq!(
            flagged("FROM a:1\nRUN ps aux && echo vim && (top -b)\n", "DL3001"),
            vec!["ps", "top"]
        );
    }
}
