use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags a `WORKDIR` whose path is relative.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the previous one, which may come from
    /// the base image: what directory you end up in depends on something the
    /// Dockerfile does not show.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR /usr/src
    /// WORKDIR app
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// WORKDIR /usr/src/app
    /// ```
    ///
    /// ## Fix safety
    /// When an earlier `WORKDIR` of the same stage is absolute, the fix writes the
    /// absolute path that Docker would resolve to, which is the same directory: safe.
    /// Otherwise the directory depends on the base image and there is no fix.
    Dl3000 {
        code: "DL3000",
        name: "absolute-workdir",
        level: Error,
        origin: Hadolint,
        also: ["WorkdirRelativePath"],
    }
}

/// Absolute on Unix or Windows, or given by a variable (not known when linting).
pub(super) fn is_absolute_or_unknown(path: &str) -> bool {
    let p = path.trim_matches(|c| c == '"' || c == '\'');
    let b = p.as_bytes();
    p.starts_with('/')
        || p.starts_with('$')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
        || p.starts_with('\\')
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    for stage in &cx.dockerfile.stages {
        let mut current: Option<String> = None;
        for ins in &stage.instructions {
            let Instr::Workdir { path } = &ins.instr else {
                continue;
            };
            let raw = path.raw.as_str();
            if is_absolute_or_unknown(raw) {
                current = (!raw.contains('$') && raw.starts_with('/')).then(|| raw.to_string());
                continue;
            }
            let mut f = Finding::new(&META, "Use absolute WORKDIR", path.span);
            if let Some(base) = &current {
                let joined = format!("{}/{}", base.trim_end_matches('/'), raw);
                f = f.with_replacement(
                    format!("Use the absolute path {joined}"),
                    Applicability::Safe,
                    path.span,
                    joined.clone(),
                );
                current = Some(joined);
            } else {
                current = None;
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::{fixed, flagged};

    #[test]
    fn flags_relative_and_fixes_when_known() {
        let src = "FROM a:1\nWORKDIR /usr/src\nWORKDIR app\nWORKDIR $X\nWORKDIR C:\\\\x\n";
        assert_eq!(flagged(src, "DL3000"), vec!["app"]);
        assert_eq!(
            fixed(src, "DL3000"),
            "FROM a:1\nWORKDIR /usr/src\nWORKDIR /usr/src/app\nWORKDIR $X\nWORKDIR C:\\\\x\n"
        );
        let unknown = "FROM a:1\nWORKDIR app\n";
        assert_eq!(flagged(unknown, "DL3000"), vec!["app"]);
    }
}
