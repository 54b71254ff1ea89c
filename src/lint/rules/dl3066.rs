use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `USER` with a user name rather than a numeric user id (the part before
    /// any `:group`).
    ///
    /// ## Why is this bad?
    /// A name is looked up in the image's `/etc/passwd` when the container starts.
    /// Tools that run outside the container — Kubernetes' `runAsNonRoot` check, a
    /// volume's file ownership on the host, security scanners — see only the
    /// number, and cannot prove that a name is not root.
    ///
    /// Like hadolint, a user given by a variable is flagged unless it expands to a
    /// number.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN adduser -D -u 10001 app
    /// USER app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN adduser -D -u 10001 app
    /// USER 10001
    /// ```
    Dl3066 {
        code: "DL3066",
        name: "numeric-user-id",
        level: Info,
        origin: Hadolint,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let Instr::User { user } = &ins.instr else {
            continue;
        };
        let value = user.expanded.as_deref().unwrap_or(&user.raw);
        let name = value.split(':').next().unwrap_or("");
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_digit()) {
            out.push(Finding::new(
                &META,
                "Non-numeric user-id may not be resolvable by host system",
                user.span,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_user_names_not_numbers() {
        let src = "FROM a:1\nUSER app\nUSER 1000\nUSER 1000:app\nUSER app:1000\nUSER $U\nARG N=10\nUSER $N\n";
        assert_eq!(flagged(src, "DL3066"), vec!["app", "app:1000", "$U"]);
    }
}
