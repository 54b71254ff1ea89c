use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// For a comment directly above an `ARG` or a `FROM … AS name`, checks that it
    /// starts with the argument's or stage's name: `# VERSION the release to
    /// build`. Experimental in BuildKit, so off by default here too.
    ///
    /// ## Why is this bad?
    /// Such comments are read as the description of a build argument or target by
    /// tools (`docker buildx build --call=outline`, `--call=targets`). A comment
    /// that does not start with the name is not picked up as one.
    ///
    /// ## Example
    /// ```dockerfile
    /// # the Go release to build with
    /// ARG GO_VERSION=1.23
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # GO_VERSION the Go release to build with
    /// ARG GO_VERSION=1.23
    /// ```
    ///
    /// If the comment is not meant as a description, separate it with an empty
    /// comment line (`#`).
    InvalidDefinitionDescription {
        code: "InvalidDefinitionDescription",
        name: "invalid-definition-description",
        level: Warning,
        origin: Buildkit,
        enabled_by_default: false,
    }
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let stages = cx.dockerfile.stages.iter();
    let args = cx
        .dockerfile
        .meta_args
        .iter()
        .chain(stages.clone().flat_map(|s| &s.instructions));
    let mut defs: Vec<(&str, usize, Vec<String>)> = Vec::new();
    for ins in args {
        if let Instr::Arg { args } = &ins.instr {
            defs.push((
                "ARG",
                ins.node,
                args.iter().map(|a| a.name.clone()).collect(),
            ));
        }
    }
    for s in stages {
        if let Some(name) = &s.name {
            defs.push(("FROM", s.node, vec![name.clone()]));
        }
    }
    defs.sort_by_key(|d| d.1);
    for (kind, node, keys) in defs {
        let Some(node) = cx.ast.children.get(node) else {
            continue;
        };
        let Some(last) = node.comments.last() else {
            continue;
        };
        let first = last.value.split(' ').next().unwrap_or("");
        if keys.iter().any(|k| k == first) {
            continue;
        }
        let example = if keys.len() == 1 {
            keys[0].as_str()
        } else {
            "<arg_key>"
        };
        out.push(Finding::new(
            &META,
            format!("Comment for {kind} should follow the format: `# {example} <description>`"),
            last.span,
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::dockerfile::analyze;
    use crate::lint::{Config, Environment, lint_with};

    fn run(src: &str) -> Vec<String> {
        let cfg =
            Config::from_yaml("override:\n  warning: [InvalidDefinitionDescription]\n").unwrap();
        let a = analyze(src);
        lint_with(src, &a, &cfg, &Environment::default())
            .into_iter()
            .filter(|f| f.code == "InvalidDefinitionDescription")
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn checks_description_comments_when_enabled() {
        let good = "# foo this is the foo\nARG foo=bar\n\n# base this is the base image\nFROM scratch AS base\n# baz this is the baz\nARG foo=baz bar=qux baz=quux\n#\nARG bit=bat\n";
        assert!(run(good).is_empty(), "{:?}", run(good));
        let bad = "# bar this is the bar\nARG foo=bar\n# BasE this is the BasE image\nFROM scratch AS base\n# definitely a bad comment\nARG foo=baz bar=qux\n";
        assert_eq!(
            run(bad),
            [
                "Comment for ARG should follow the format: `# foo <description>`",
                "Comment for FROM should follow the format: `# base <description>`",
                "Comment for ARG should follow the format: `# <arg_key> <description>`"
            ]
        );
        // Off by default, as BuildKit's experimental checks are.
        let a = analyze(bad);
        assert!(
            crate::lint::lint(bad, &a)
                .iter()
                .all(|f| f.code != "InvalidDefinitionDescription")
        );
    }
}
