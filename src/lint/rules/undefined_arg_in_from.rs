use super::prelude::*;
use crate::dockerfile::expand::Lex;

declare_rule! {
    /// ## What it does
    /// Flags a variable in `FROM` (image or `--platform`) that no `ARG` before the
    /// first `FROM` declares and that is not one of BuildKit's predefined platform
    /// arguments.
    ///
    /// ## Why is this bad?
    /// `FROM` only sees global `ARG`s. An undeclared variable expands to nothing,
    /// so `FROM node:$VERSION` becomes `FROM node:`, which fails or, worse, pulls
    /// something else.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:$VERSION
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ARG VERSION=22
    /// FROM node:$VERSION
    /// ```
    UndefinedArgInFrom {
        code: "UndefinedArgInFrom",
        name: "undefined-arg-in-from",
        level: Warning,
        origin: Buildkit,
    }
}

const PREDEFINED: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let declared: Vec<&str> = cx
        .dockerfile
        .meta_args
        .iter()
        .filter_map(|i| match &i.instr {
            Instr::Arg { args } => Some(args.iter().map(|a| a.name.as_str())),
            _ => None,
        })
        .flatten()
        .collect();
    let lex = Lex::new(cx.ast.escape_token);
    let none: &[String] = &[];
    for stage in &cx.dockerfile.stages {
        for text in std::iter::once(&stage.base).chain(stage.platform.as_ref()) {
            let Ok(e) = lex.process(&text.raw, none) else {
                continue;
            };
            for name in e.unmatched {
                if !declared.contains(&name.as_str()) && !PREDEFINED.contains(&name.as_str()) {
                    out.push(Finding::new(
                        &META,
                        format!("FROM argument '{name}' is not declared"),
                        text.span,
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn flags_undeclared_variables() {
        let src = "ARG V=1\nFROM a:$V\nFROM b:$W\nFROM --platform=$BUILDPLATFORM c:1\n";
        assert_eq!(flagged(src, "UndefinedArgInFrom"), vec!["b:$W"]);
    }
}
