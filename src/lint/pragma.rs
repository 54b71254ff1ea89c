//! In-file configuration: hadolint's pragmas and BuildKit's `check` directive.
//!
//! - `# hadolint ignore=DL3006,DL3008` in the comments directly above an
//!   instruction: those rules are not reported for it.
//! - `# hadolint global ignore=DL3006` anywhere: not reported in the file.
//! - `# check=skip=StageNameCasing,FromAsCasing;error=true;experimental=…` as a parser
//!   directive: BuildKit's checks skipped (`skip=all` for all of them), and
//!   with `error=true` the remaining BuildKit checks are errors. The same
//!   comment directly above an instruction skips checks for that instruction.

use super::{Finding, Level, Origin};
use crate::dockerfile::{Ast, Node, Span};

#[derive(Debug, Default)]
pub struct Pragmas {
    global_ignore: Vec<String>,
    skip_all_checks: bool,
    /// BuildKit checks that are off by default, turned on (`experimental=`).
    experimental: Vec<String>,
    skip_checks: Vec<String>,
    checks_are_errors: bool,
    /// (instruction span, codes ignored for it)
    local: Vec<(Span, Vec<String>)>,
}

fn codes(list: &str) -> Vec<String> {
    list.split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect()
}

/// `ignore=A,B` after `hadolint` (and optionally `global`).
fn hadolint_ignore(comment: &str) -> Option<(bool, Vec<String>)> {
    let rest = comment.strip_prefix("hadolint")?.trim_start();
    let (global, rest) = match rest.strip_prefix("global") {
        Some(r) => (true, r.trim_start()),
        None => (false, rest),
    };
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?;
    Some((global, codes(list.split_whitespace().next().unwrap_or(""))))
}

/// `check=skip=A,B;error=true;experimental=C` (BuildKit's directive syntax).
#[derive(Default)]
struct CheckDirective {
    skip: Vec<String>,
    error: bool,
    experimental: Vec<String>,
}

fn check_directive(value: &str) -> CheckDirective {
    let mut d = CheckDirective::default();
    // BuildKit cuts the value at the first space.
    let value = value.split_whitespace().next().unwrap_or("");
    for part in value.split(';') {
        match part.split_once('=') {
            Some(("skip", v)) => d.skip.extend(codes(v)),
            Some(("error", v)) => d.error = v.eq_ignore_ascii_case("true"),
            Some(("experimental", v)) => d.experimental.extend(codes(v)),
            _ => {}
        }
    }
    d
}

impl Pragmas {
    pub fn read(ast: &Ast) -> Pragmas {
        let mut p = Pragmas::default();
        if let Some(d) = ast.directive("check") {
            let d = check_directive(&d.value);
            p.skip_all_checks = d.skip.iter().any(|s| s == "all");
            p.skip_checks = d.skip;
            p.checks_are_errors = d.error;
            p.experimental = d.experimental;
        }
        for node in &ast.children {
            p.read_node(node);
        }
        p
    }

    fn read_node(&mut self, node: &Node) {
        let mut local = Vec::new();
        for c in &node.comments {
            if let Some((global, codes)) = hadolint_ignore(&c.value) {
                if global {
                    self.global_ignore.extend(codes);
                } else {
                    local.extend(codes);
                }
            } else if let Some(v) = c.value.strip_prefix("check=") {
                local.extend(check_directive(v).skip);
            }
        }
        if !local.is_empty() {
            self.local.push((node.span, local));
        }
    }

    /// Whether `# check=experimental=…` turns on this off-by-default check.
    pub fn enables(&self, meta: &super::Meta) -> bool {
        meta.is_check()
            && !meta.enabled_by_default
            && self.experimental.iter().any(|c| c == "all" || meta.is(c))
    }

    /// Forgets the ignore and skip comments (`disable-ignore-pragma`); BuildKit's
    /// `error=true` still holds.
    pub fn drop_ignores(&mut self) {
        self.global_ignore.clear();
        self.skip_all_checks = false;
        self.skip_checks.clear();
        self.local.clear();
    }

    /// Drops what the pragmas silence and applies `error=true`.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter(|f| {
                let Some(meta) = super::rule(f.code).map(|r| r.meta()) else {
                    return true;
                };
                let is_check = meta.is_check();
                let names = |c: &String| meta.is(c) || (is_check && c == "all");
                !(self.global_ignore.iter().any(|c| meta.is(c))
                    || (is_check && (self.skip_all_checks || self.skip_checks.iter().any(names)))
                    || self.local.iter().any(|(span, codes)| {
                        span.start <= f.span.start
                            && f.span.start <= span.end
                            && codes.iter().any(names)
                    }))
            })
            .map(|mut f| {
                if self.checks_are_errors
                    && super::rule(f.code).is_some_and(|r| r.meta().is_check())
                {
                    f.level = Level::Error;
                }
                f
            })
            .collect()
    }
}

/// The shell named by the last `# hadolint shell=…` comment, if any: the
/// shell RUN scripts are written for (shell rules skip non-POSIX ones).
pub fn shell_pragma(ast: &Ast) -> Option<String> {
    ast.children
        .iter()
        .flat_map(|n| &n.comments)
        .filter_map(|c| {
            let rest = c.value.strip_prefix("hadolint")?.trim_start();
            let v = rest.strip_prefix("shell")?.trim_start().strip_prefix('=')?;
            v.split_whitespace().next().map(str::to_string)
        })
        .next_back()
}

/// The comment that silences `code` for the instruction at `line_start`.
pub fn ignore_comment(code: &str) -> String {
    match super::rule(code).map(|r| r.meta().origin) {
        Some(Origin::Buildkit) => format!("# check=skip={code}"),
        _ => format!("# hadolint ignore={code}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn hadolint_pragmas() {
        let src = "FROM a\n# hadolint ignore=DL3006\nFROM b\nFROM c\n";
        assert_eq!(flagged(src, "DL3006"), vec!["a", "c"]);
        let global = "FROM a\n# hadolint global ignore=DL3006,DL3007\nFROM b:latest\n";
        assert!(flagged(global, "DL3006").is_empty() && flagged(global, "DL3007").is_empty());
    }

    #[test]
    fn buildkit_check_directive_and_comment() {
        let src = "# check=skip=StageNameCasing\nFROM a:1 AS Build\nFROM b:1 as x\n";
        assert!(flagged(src, "StageNameCasing").is_empty());
        assert_eq!(flagged(src, "FromAsCasing"), vec!["as"]);
        let all = "# check=skip=all\nFROM a:1 AS Build\n";
        assert!(flagged(all, "StageNameCasing").is_empty());
        let local = "FROM a:1 AS One\n# check=skip=StageNameCasing\nFROM b:1 AS Two\n";
        assert_eq!(flagged(local, "StageNameCasing"), vec!["One"]);
        let experimental =
            "# check=experimental=InvalidDefinitionDescription\n# the base\nFROM a:1 AS base\n";
        assert_eq!(
            flagged(experimental, "InvalidDefinitionDescription"),
            vec!["the base"]
        );
        let errors = "# check=error=true\nFROM a:1 AS Build\n";
        let a = crate::dockerfile::analyze(errors);
        let f = crate::lint::lint(errors, &a);
        assert_eq!(f[0].level, crate::lint::Level::Error);
    }
}
