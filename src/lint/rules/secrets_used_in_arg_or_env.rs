use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `ARG` and `ENV` names that look like secrets: a `_`-separated part is
    /// `apikey`, `auth`, `credential(s)`, `key`, `password`, `pword`, `passwd`,
    /// `secret` or `token`, and no part is `public`, `file` or `version`.
    ///
    /// ## Why is this bad?
    /// Build arguments and environment variables are stored in the image: anyone who
    /// can pull it can read them with `docker history` or `docker inspect`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG NPM_TOKEN
    /// RUN npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    /// ```
    SecretsUsedInArgOrEnv {
        code: "SecretsUsedInArgOrEnv",
        name: "secrets-used-in-arg-or-env",
        level: Warning,
        origin: Buildkit,
        also: ["DL3064"],
    }
}

const DENY: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];
const ALLOW: &[&str] = &["public", "file", "version"];

fn looks_secret(name: &str) -> bool {
    let lower = name.to_lowercase();
    let parts: Vec<&str> = lower.split('_').collect();
    parts.iter().any(|p| DENY.contains(p)) && !parts.iter().any(|p| ALLOW.contains(p))
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let stage_instructions = cx.dockerfile.stages.iter().flat_map(|s| &s.instructions);
    for ins in cx.dockerfile.meta_args.iter().chain(stage_instructions) {
        let names: Vec<(&str, Span, &str)> = match &ins.instr {
            Instr::Arg { args } => args
                .iter()
                .map(|a| (a.name.as_str(), a.span, "ARG"))
                .collect(),
            Instr::Env { pairs } => pairs
                .iter()
                .map(|p| (p.key.raw.as_str(), p.key.span, "ENV"))
                .collect(),
            _ => continue,
        };
        for (name, span, kw) in names {
            if looks_secret(name) {
                out.push(Finding::new(
                    &META,
                    format!(
                        "Do not use ARG or ENV instructions for sensitive data ({kw} \"{name}\")"
                    ),
                    span,
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_secret_looking_names() {
        let src = "ARG NPM_TOKEN\nFROM a:1\nENV DB_PASSWORD=x PUBLIC_KEY=y GPG_KEY=z KEYBOARD=1\nARG AUTH_FILE\n";
        assert_eq!(
            flagged(src, "SecretsUsedInArgOrEnv"),
            vec!["NPM_TOKEN", "DB_PASSWORD", "GPG_KEY"]
        );
    }
}
