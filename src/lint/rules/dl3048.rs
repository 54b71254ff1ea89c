use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `LABEL` key that is not a valid label key: lower-case letters, digits, `.`, `-`, `_` and `/`, starting with a letter and ending with a letter or digit, no `..` or `--`, and not in the namespaces Docker reserves (`com.docker.`, `io.docker.`, `org.dockerproject.`).
    ///
    /// ## Why is this bad?
    /// Tools that read labels expect reverse-DNS style keys; keys in Docker's own namespaces may collide with labels Docker sets.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL Version=1.0 com.docker.created=today
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// LABEL org.opencontainers.image.version=1.0
    /// ```
    Dl3048 {
        code: "DL3048",
        name: "label-key",
        level: Style,
        origin: Hadolint,
    }
}

fn valid(k: &str) -> bool {
    let b = k.as_bytes();
    let reserved = ["com.docker.", "io.docker.", "org.dockerproject."]
        .iter()
        .any(|p| k.starts_with(p));
    !reserved
        && b.first().is_some_and(|c| c.is_ascii_lowercase())
        && b.last()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._/-".contains(c))
        && !k.contains("..")
        && !k.contains("--")
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for ins in cx.dockerfile.stages.iter().flat_map(|s| &s.instructions) {
        let Instr::Label { pairs } = &ins.instr else {
            continue;
        };
        for p in pairs.iter().filter(|p| !valid(p.key.value())) {
            out.push(Finding::new(&META, "Invalid label key.", p.key.span));
        }
    }
}

#[cfg(test)]
mod tests {
    #[allow(unused_imports)]
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_invalid_keys() {
        let src = "FROM a:1\nLABEL A_b=1 com.docker.x=1 a..b=1 a=1 a-b.c=1 a.1=1 1a=1 a.b-=1\n";
        assert_eq!(
            flagged(src, "DL3048"),
            vec!["A_b", "com.docker.x", "a..b", "1a", "a.b-"]
        );
    }
}
