use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `CMD` and `ENTRYPOINT` written in shell form. Also BuildKit's check
    /// *JSONArgsRecommended* (which BuildKit skips when the stage sets a `SHELL`).
    ///
    /// ## Why is this bad?
    /// In shell form the command runs as `/bin/sh -c "…"`: the shell is PID 1, so
    /// `docker stop` sends SIGTERM to the shell, not to your program, which is killed
    /// ten seconds later without a chance to shut down cleanly.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD node server.js
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Offered only when the command is a plain list of words (no quotes, variables,
    /// globs, redirections or operators), so the program and its arguments stay the
    /// same; what changes is that no shell runs it, which is the point of the rule.
    Dl3025 {
        code: "DL3025",
        name: "json-args-recommended",
        level: Warning,
        origin: Hadolint,
        also: ["JSONArgsRecommended"],
    }
}

/// The command as JSON when it is only words the shell would pass through unchanged.
fn as_json(script: &str) -> Option<String> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    let words: Vec<&str> = script.split_ascii_whitespace().collect();
    if words.is_empty() || !words.iter().all(|w| w.chars().all(plain)) {
        return None;
    }
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    Some(format!("[{}]", quoted.join(", ")))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        for ins in &stage.instructions {
            let (Instr::Cmd(cmd) | Instr::Entrypoint(cmd)) = &ins.instr else {
                continue;
            };
            if !cmd.prepend_shell || cmd.args.is_empty() {
                continue;
            }
            let script = &cmd.args[0];
            let mut f = Finding::new(
                &META,
                "Use arguments JSON notation for CMD and ENTRYPOINT arguments",
                script.span,
            );
            if let Some(json) = as_json(&script.value) {
                f = f.with_replacement(
                    "Use JSON (exec) form",
                    Applicability::Safe,
                    script.span,
                    json,
                );
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_shell_form_and_fixes_word_lists() {
        let src = "FROM a:1\nCMD node server.js --port=80\nENTRYPOINT [\"x\"]\nCMD echo $HOME\n";
        assert_eq!(
            flagged(src, "DL3025"),
            vec!["node server.js --port=80", "echo $HOME"]
        );
        let only_simple = "FROM a:1\nCMD node server.js --port=80\n";
        assert_eq!(
            fixed(only_simple, "DL3025"),
            "FROM a:1\nCMD [\"node\", \"server.js\", \"--port=80\"]\n"
        );
    }
}
