use super::prelude::*;
use crate::dockerfile::instructions::suggest;

declare_rule! {
    /// ## What it does
    /// Flags a variable used in `ENV`, `LABEL`, `ADD`, `COPY`, `WORKDIR`, `USER`,
    /// `STOPSIGNAL`, `VOLUME`, a `RUN --mount` value or an `ARG` default before
    /// any `ARG` or `ENV` in the stage defines it. `$PATH` is always defined, and
    /// a declared `ARG` counts even without a value.
    ///
    /// ## Why is this bad?
    /// BuildKit expands an undefined variable to nothing, silently: `COPY
    /// $SRC_DIR /app` copies the whole context, `WORKDIR /opt/$APP_NAME` is `/opt/`.
    /// A typo in a variable name is found only when the image misbehaves.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG DIR_ASSETS=assets/
    /// COPY $DIR_ASSET /srv/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY $DIR_ASSETS /srv/
    /// ```
    ///
    /// ## What layerlab can know
    /// Variables may also come from the base image's `ENV` (`$GOPATH` in
    /// `golang`). That is known for `scratch`, for stages built on earlier stages
    /// of this Dockerfile, and for images whose config the image catalog has; for
    /// those the check reports as BuildKit does. For other base images it cannot
    /// tell an undefined variable from one the image defines, and says nothing.
    UndefinedVar {
        code: "UndefinedVar",
        name: "undefined-var",
        level: Warning,
        origin: Buildkit,
    }
}

/// Never reported (BuildKit's internal build args).
const IGNORED: &[&str] = &["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// What a stage knows when it starts: defined names in BuildKit's suggestion
/// order, declared ARG names, and whether the base image's ENV is known.
#[derive(Clone, Default)]
struct Scope {
    defined: Vec<String>,
    declared: Vec<String>,
    base_known: bool,
}

fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut scopes: Vec<Scope> = Vec::new();
    for stage in &cx.dockerfile.stages {
        let base = stage.base.value().to_lowercase();
        let parent = cx.dockerfile.stages[..scopes.len()]
            .iter()
            .position(|s| s.name.as_deref() == Some(base.as_str()));
        let mut scope = match parent {
            Some(i) => scopes[i].clone(),
            None => {
                let image = cx.env.images.get(stage.base.value());
                let mut defined: Vec<String> = image
                    .map(|i| {
                        i.env
                            .iter()
                            .map(|kv| kv.split('=').next().unwrap_or("").to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                if !defined.iter().any(|k| k == "PATH") {
                    defined.push("PATH".into());
                }
                Scope {
                    defined,
                    declared: Vec::new(),
                    base_known: base == "scratch" || image.is_some(),
                }
            }
        };
        for ins in &stage.instructions {
            let checked = !matches!(
                ins.instr,
                Instr::Expose { .. }
                    | Instr::Cmd(_)
                    | Instr::Entrypoint(_)
                    | Instr::Shell { .. }
                    | Instr::Healthcheck(_)
                    | Instr::Maintainer { .. }
                    | Instr::Onbuild { .. }
            );
            let mut seen: Vec<(&str, Span)> = Vec::new();
            for (name, span) in &ins.undefined_vars {
                if !checked
                    || seen.contains(&(name.as_str(), *span))
                    || IGNORED.contains(&name.as_str())
                    || scope.declared.iter().any(|d| d == name)
                    || scope.defined.iter().any(|d| d == name)
                {
                    continue;
                }
                seen.push((name, *span));
                let options: Vec<&str> = scope.defined.iter().map(String::as_str).collect();
                if !scope.base_known {
                    continue;
                }
                let hint = suggest(name, &options, false);
                let mut message = format!("Usage of undefined variable '${name}'");
                if let Some(h) = &hint {
                    message.push_str(&format!(" (did you mean ${h}?)"));
                }
                out.push(Finding::new(
                    &META,
                    message,
                    reference_span(cx, *span, name),
                ));
            }
            match &ins.instr {
                Instr::Env { pairs } => scope
                    .defined
                    .extend(pairs.iter().map(|p| p.key.value().to_string())),
                Instr::Arg { args } => {
                    for a in args {
                        scope.declared.push(a.name.clone());
                        let global = cx.dockerfile.meta_args.iter().any(|m| {
                            matches!(&m.instr, Instr::Arg { args } if args.iter().any(|g| g.name == a.name && g.default.is_some()))
                        });
                        if a.default.is_some() || global {
                            scope.defined.push(a.name.clone());
                        }
                    }
                }
                _ => {}
            }
        }
        scopes.push(scope);
    }
}

/// The `$NAME` or `${NAME…}` inside `span`, or `span` when it cannot be found.
pub(super) fn reference_span(cx: &Context, span: Span, name: &str) -> Span {
    let text = cx.text(span);
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut from = 0;
    while let Some(i) = text[from..].find('$').map(|i| i + from) {
        let rest = &text[i + 1..];
        if let Some(inner) = rest.strip_prefix('{') {
            if inner.starts_with(name)
                && !inner.as_bytes().get(name.len()).copied().is_some_and(ident)
            {
                let end = inner.find('}').map_or(text.len(), |j| i + 2 + j + 1);
                return Span::new(span.start + i, span.start + end);
            }
        } else if rest.starts_with(name)
            && !bytes.get(i + 1 + name.len()).copied().is_some_and(ident)
        {
            return Span::new(span.start + i, span.start + i + 1 + name.len());
        }
        from = i + 1;
    }
    span
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::flagged;

    #[test]
    fn reports_like_buildkit_where_the_base_is_known() {
        assert_eq!(
            flagged(
                "FROM scratch\nARG foo\nCOPY Dockerfile${foo} .\n",
                "UndefinedVar"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            flagged(
                "FROM scratch AS base\nARG foo=Dockerfile\n\nFROM base\nCOPY $foo .\n",
                "UndefinedVar"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            flagged(
                "FROM scratch\nCOPY $foo .\nARG foo=bar\nRUN echo $foo\n",
                "UndefinedVar"
            ),
            vec!["$foo"]
        );
        assert_eq!(
            flagged(
                "FROM scratch\nENV PATH=$PATH:/x A=${B:-1}\n",
                "UndefinedVar"
            ),
            vec!["${B:-1}"]
        );
        // EXPOSE and CMD are not checked.
        assert!(flagged("FROM scratch\nEXPOSE $P\nCMD $X\n", "UndefinedVar").is_empty());
    }

    #[test]
    fn suggests_names_and_stays_quiet_on_unknown_images() {
        assert!(flagged("FROM golang:1.23\nWORKDIR $GOPATH/src\n", "UndefinedVar").is_empty());
        let src = "FROM scratch\nARG DIR_BINARIES=binaries/\nARG DIR_ASSETS=assets/\nCOPY $DIR_ASSET .\nENV PATH=$PAHT:/tmp/bin\n";
        assert_eq!(flagged(src, "UndefinedVar"), vec!["$DIR_ASSET", "$PAHT"]);
        let a = crate::dockerfile::analyze(src);
        let f = crate::lint::lint(src, &a);
        let msgs: Vec<_> = f
            .iter()
            .filter(|f| f.code == "UndefinedVar")
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(
            msgs,
            [
                "Usage of undefined variable '$DIR_ASSET' (did you mean $DIR_ASSETS?)",
                "Usage of undefined variable '$PAHT' (did you mean $PATH?)"
            ]
        );
    }
}
