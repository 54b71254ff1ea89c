//! The variable expansion BuildKit's dispatcher applies before each
//! instruction, with its scoping: global ARGs for FROM, then per stage the
//! ARGs it declares, build args and ENV.

use super::{Dockerfile, Instr, Text};
use crate::dockerfile::expand::{Expansion, Lex};
use crate::dockerfile::span::Span;
use crate::dockerfile::{Diagnostic, Severity};
use std::collections::BTreeMap;

/// The values that are known before a build starts: `--build-arg`s.
pub type BuildArgs = BTreeMap<String, String>;

/// Applies BuildKit's dispatcher-time expansion to every field it expands, with
/// the environment in force before each instruction: global ARGs for FROM;
/// then per stage the ARGs it declared (a global ARG only once redeclared),
/// build args, and ENV. Base images' own ENV is not known here (the build engine
/// adds it). Expansion errors become diagnostics.
pub fn expand_dockerfile(df: &mut Dockerfile, build_args: &BuildArgs, escape: char) {
    expand_dockerfile_with(df, build_args, escape, &|_| BTreeMap::new());
}

/// [`expand_dockerfile`] when the base images are known: `base_env(i)` is the
/// environment stage `i`'s base image sets (its config's `Env`), for stages
/// not built on an earlier stage.
pub fn expand_dockerfile_with(
    df: &mut Dockerfile,
    build_args: &BuildArgs,
    escape: char,
    base_env: &dyn Fn(usize) -> BTreeMap<String, String>,
) {
    let lex = Lex::new(escape);
    let mut diags = Vec::new();
    // BuildKit's automatic platform args are global defaults: FROM sees them,
    // and a stage's bare `ARG TARGETOS` takes their value.
    let mut meta: BTreeMap<String, String> = automatic_args(DEFAULT_PLATFORM, DEFAULT_PLATFORM)
        .into_iter()
        .map(|(k, v)| (k.to_string(), build_args.get(k).cloned().unwrap_or(v)))
        .collect();
    let mut meta_declared: BTreeMap<String, Option<String>> = meta
        .iter()
        .map(|(k, v)| (k.clone(), Some(v.clone())))
        .collect();
    for ins in &mut df.meta_args {
        if let Instr::Arg { args } = &mut ins.instr {
            for a in args {
                let value = match build_args.get(&a.name) {
                    Some(v) => Some(v.clone()),
                    None => a.default.as_mut().map(|d| {
                        expand_text(&lex, d, &meta, &mut diags);
                        d.value().to_owned()
                    }),
                };
                if let Some(v) = &value {
                    meta.insert(a.name.clone(), v.clone());
                }
                meta_declared.insert(a.name.clone(), value);
            }
        }
    }
    let mut stage_envs: Vec<BTreeMap<String, String>> = Vec::new();
    for si in 0..df.stages.len() {
        let (before, rest) = df.stages.split_at_mut(si);
        let stage = &mut rest[0];
        expand_text(&lex, &mut stage.base, &meta, &mut diags);
        if let Some(p) = &mut stage.platform {
            expand_text(&lex, p, &meta, &mut diags);
        }
        // A stage built on an earlier stage starts with that stage's environment.
        let base = stage.base.value().to_lowercase();
        let mut env = before
            .iter()
            .position(|s| s.name.as_deref() == Some(base.as_str()))
            .and_then(|i| stage_envs.get(i).cloned())
            .unwrap_or_else(|| base_env(si));
        for ins in &mut stage.instructions {
            let mut undefined = Vec::new();
            expand_instruction(
                &lex,
                &mut ins.instr,
                &mut env,
                &meta_declared,
                build_args,
                &mut diags,
                &mut undefined,
            );
            ins.undefined_vars = undefined;
        }
        stage_envs.push(env);
    }
    df.diagnostics.extend(diags);
}

/// The platform layerlab builds for and on unless told otherwise.
pub const DEFAULT_PLATFORM: &str = "linux/amd64";

/// BuildKit's automatic args for a target and a build platform (`os/arch[/variant]`).
pub fn automatic_args(target: &str, build: &str) -> Vec<(&'static str, String)> {
    let parts = |p: &str| {
        let mut it = p.splitn(3, '/');
        let os = it.next().unwrap_or("").to_string();
        let arch = it.next().unwrap_or("").to_string();
        let variant = it.next().unwrap_or("").to_string();
        (os, arch, variant)
    };
    let (tos, tarch, tvar) = parts(target);
    let (bos, barch, bvar) = parts(build);
    vec![
        ("TARGETPLATFORM", target.to_string()),
        ("TARGETOS", tos),
        ("TARGETARCH", tarch),
        ("TARGETVARIANT", tvar),
        ("BUILDPLATFORM", build.to_string()),
        ("BUILDOS", bos),
        ("BUILDARCH", barch),
        ("BUILDVARIANT", bvar),
    ]
}

/// Expands `t` in place with one lexer pass; on error the raw text stands and
/// the error becomes a diagnostic. Returns the expansion (for its words and
/// undefined variables).
fn expand_text(
    lex: &Lex,
    t: &mut Text,
    env: &BTreeMap<String, String>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Expansion> {
    match lex.process(&t.raw, env) {
        Ok(e) => {
            t.expanded = Some(e.result.clone());
            Some(e)
        }
        Err(e) => {
            diags.push(Diagnostic {
                severity: Severity::Error,
                message: e.to_string(),
                span: t.span,
            });
            None
        }
    }
}

fn expand_instruction(
    lex: &Lex,
    instr: &mut Instr,
    env: &mut BTreeMap<String, String>,
    meta: &BTreeMap<String, Option<String>>,
    build_args: &BuildArgs,
    diags: &mut Vec<Diagnostic>,
    undefined: &mut Vec<(String, Span)>,
) {
    let mut late = Vec::new();
    // Expands a field, records its undefined variables, returns its value.
    let mut expand = |t: &mut Text, env: &BTreeMap<String, String>| -> Option<Expansion> {
        let e = expand_text(lex, t, env, diags)?;
        undefined.extend(e.unmatched.iter().map(|n| (n.clone(), t.span)));
        Some(e)
    };
    let mut x = |t: &mut Text, env: &BTreeMap<String, String>| -> String {
        expand(t, env);
        t.value().to_owned()
    };
    match instr {
        Instr::Env { pairs } => {
            // All pairs of one ENV see the environment from before it.
            let before = env.clone();
            for p in pairs {
                let k = x(&mut p.key, &before);
                let v = x(&mut p.value, &before);
                env.insert(k, v);
            }
        }
        Instr::Label { pairs } => {
            for p in pairs {
                x(&mut p.key, env);
                x(&mut p.value, env);
            }
        }
        Instr::Arg { args } => {
            for a in args {
                let value = match build_args.get(&a.name) {
                    Some(v) => Some(v.clone()),
                    None => match &mut a.default {
                        Some(d) => Some(x(d, env)),
                        // A bare ARG redeclaring a global one takes its value.
                        None => meta.get(&a.name).cloned().flatten(),
                    },
                };
                // An ARG does not override an ENV of the same name.
                if let Some(v) = value {
                    env.entry(a.name.clone()).or_insert(v);
                }
            }
        }
        Instr::Add(add) => {
            for s in &mut add.files.sources {
                x(s, env);
            }
            x(&mut add.files.dest, env);
            for t in [&mut add.chown, &mut add.chmod, &mut add.checksum]
                .into_iter()
                .flatten()
            {
                x(t, env);
            }
        }
        Instr::Copy(copy) => {
            for s in &mut copy.files.sources {
                x(s, env);
            }
            x(&mut copy.files.dest, env);
            for t in [&mut copy.chown, &mut copy.chmod].into_iter().flatten() {
                x(t, env);
            }
            if let Some(from) = &copy.from {
                let raw = from.value.clone().unwrap_or_default();
                let empty: BTreeMap<String, String> = BTreeMap::new();
                if lex.process_word(&raw, &empty).ok().as_deref() != Some(raw.as_str()) {
                    late.push(Diagnostic::error(
                        "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround",
                        from.span,
                    ));
                }
            }
        }
        Instr::Workdir { path } => {
            x(path, env);
        }
        Instr::User { user } => {
            x(user, env);
        }
        Instr::Volume { paths } => {
            for p in paths {
                x(p, env);
                if p.value().trim().is_empty() {
                    late.push(Diagnostic::error(
                        "VOLUME specified can not be an empty string",
                        p.span,
                    ));
                }
            }
        }
        Instr::Stopsignal { signal } => {
            x(signal, env);
        }
        Instr::Expose { ports } => {
            // BuildKit splits each expanded port into words: `EXPOSE $PORTS` may be several.
            let mut split = Vec::new();
            for p in ports.iter_mut() {
                match expand(p, env) {
                    Some(e) => split.extend(e.words.into_iter().map(|w| Text {
                        raw: p.raw.clone(),
                        span: p.span,
                        expanded: Some(w),
                    })),
                    None => split.push(p.clone()),
                }
            }
            *ports = split;
        }
        Instr::Run(run) => {
            // The command is the shell's to expand; mount values are BuildKit's.
            for flag in &mut run.mounts {
                let parsed = super::mount::parse_mount(&flag.raw.raw, flag.raw.span, |v| {
                    let e = lex.process(v, &*env).map_err(|e| e.to_string())?;
                    undefined.extend(e.unmatched.into_iter().map(|n| (n, flag.raw.span)));
                    Ok(e.result)
                });
                match parsed {
                    Ok(m) => flag.mount = Some(m),
                    Err((msg, span)) => late.push(Diagnostic::error(msg, span)),
                }
            }
        }
        Instr::Cmd(_)
        | Instr::Entrypoint(_)
        | Instr::Shell { .. }
        | Instr::Maintainer { .. }
        | Instr::Onbuild { .. }
        | Instr::Healthcheck(_) => {}
    }
    diags.extend(late);
}
