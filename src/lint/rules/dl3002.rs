use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a final image whose last `USER` is root.
    ///
    /// ## Why is this bad?
    /// A process running as root inside the container is root on the host's kernel;
    /// a container escape then starts with full privileges. Switch to root for what
    /// needs it, then back to an unprivileged user.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER root
    /// RUN apt-get update
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// USER root
    /// RUN apt-get update
    /// USER app
    /// ```
    Dl3002 {
        code: "DL3002",
        name: "last-user-not-root",
        level: Warning,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(last) = cx.dockerfile.stages.last() else {
        return;
    };
    let user = last.instructions.iter().rev().find_map(|i| match &i.instr {
        Instr::User { user } => Some(user),
        _ => None,
    });
    if let Some(user) = user {
        let name = user.raw.split(':').next().unwrap_or("");
        if name == "root" || name == "0" {
            out.push(Finding::new(
                &META,
                "Last USER should not be root",
                user.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_root_as_last_user_of_the_final_stage() {
        assert_eq!(flagged("FROM a:1\nUSER root\n", "DL3002"), vec!["root"]);
        assert_eq!(flagged("FROM a:1\nUSER 0:0\n", "DL3002"), vec!["0:0"]);
        assert!(flagged("FROM a:1\nUSER root\nUSER app\n", "DL3002").is_empty());
        assert!(flagged("FROM a:1\nUSER root\nFROM b:1\n", "DL3002").is_empty());
    }
}
