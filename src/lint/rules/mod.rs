//! Every rule, one per file. A rule that hadolint and BuildKit both have is
//! implemented once, under its hadolint code, and its page names the BuildKit
//! check it also stands for (see docs/lint.md).

use super::Rule;

mod consistent_instruction_casing;
mod copy_ignored_file;
mod dl1001;
mod dl3000;
mod dl3001;
mod dl3002;
mod dl3003;
mod dl3004;
mod dl3006;
mod dl3007;
mod dl3008;
mod dl3009;
mod dl3010;
mod dl3011;
mod dl3012;
mod dl3013;
mod dl3014;
mod dl3015;
mod dl3016;
mod dl3018;
mod dl3019;
mod dl3020;
mod dl3021;
mod dl3022;
mod dl3023;
mod dl3024;
mod dl3025;
mod dl3026;
mod dl3027;
mod dl3028;
mod dl3029;
mod dl3030;
mod dl3032;
mod dl3033;
mod dl3034;
mod dl3035;
mod dl3036;
mod dl3037;
mod dl3038;
mod dl3040;
mod dl3041;
mod dl3042;
mod dl3043;
mod dl3044;
mod dl3045;
mod dl3046;
mod dl3047;
mod dl3048;
mod dl3049;
mod dl3050;
mod dl3051;
mod dl3052;
mod dl3053;
mod dl3054;
mod dl3055;
mod dl3056;
mod dl3057;
mod dl3058;
mod dl3059;
mod dl3060;
mod dl3061;
mod dl3062;
mod dl3066;
mod dl3067;
mod dl4000;
mod dl4001;
mod dl4003;
mod dl4004;
mod dl4005;
mod dl4006;
mod expose_invalid_format;
mod expose_proto_casing;
mod from_as_casing;
mod from_platform_flag_const_disallowed;
mod invalid_base_image_platform;
mod invalid_default_arg_in_from;
mod invalid_definition_description;
mod legacy_key_value_format;
mod no_empty_continuation;
mod redundant_target_platform;
mod reserved_stage_name;
mod secrets_used_in_arg_or_env;
mod stage_name_casing;
mod undefined_arg_in_from;
mod undefined_var;

/// All rules, in the order `layerlab rules` lists them.
pub static ALL: &[&dyn Rule] = &[
    &dl1001::Dl1001,
    &dl3000::Dl3000,
    &dl3001::Dl3001,
    &dl3002::Dl3002,
    &dl3003::Dl3003,
    &dl3004::Dl3004,
    &dl3006::Dl3006,
    &dl3007::Dl3007,
    &dl3008::Dl3008,
    &dl3009::Dl3009,
    &dl3010::Dl3010,
    &dl3011::Dl3011,
    &dl3012::Dl3012,
    &dl3013::Dl3013,
    &dl3014::Dl3014,
    &dl3015::Dl3015,
    &dl3016::Dl3016,
    &dl3018::Dl3018,
    &dl3019::Dl3019,
    &dl3020::Dl3020,
    &dl3021::Dl3021,
    &dl3022::Dl3022,
    &dl3023::Dl3023,
    &dl3024::Dl3024,
    &dl3025::Dl3025,
    &dl3026::Dl3026,
    &dl3027::Dl3027,
    &dl3028::Dl3028,
    &dl3029::Dl3029,
    &dl3030::Dl3030,
    &dl3032::Dl3032,
    &dl3033::Dl3033,
    &dl3034::Dl3034,
    &dl3035::Dl3035,
    &dl3036::Dl3036,
    &dl3037::Dl3037,
    &dl3038::Dl3038,
    &dl3040::Dl3040,
    &dl3041::Dl3041,
    &dl3042::Dl3042,
    &dl3043::Dl3043,
    &dl3044::Dl3044,
    &dl3045::Dl3045,
    &dl3046::Dl3046,
    &dl3047::Dl3047,
    &dl3048::Dl3048,
    &dl3049::Dl3049,
    &dl3050::Dl3050,
    &dl3051::Dl3051,
    &dl3052::Dl3052,
    &dl3053::Dl3053,
    &dl3054::Dl3054,
    &dl3055::Dl3055,
    &dl3056::Dl3056,
    &dl3057::Dl3057,
    &dl3058::Dl3058,
    &dl3059::Dl3059,
    &dl3060::Dl3060,
    &dl3061::Dl3061,
    &dl3062::Dl3062,
    &dl3066::Dl3066,
    &dl3067::Dl3067,
    &dl4000::Dl4000,
    &dl4001::Dl4001,
    &dl4003::Dl4003,
    &dl4004::Dl4004,
    &dl4005::Dl4005,
    &dl4006::Dl4006,
    &consistent_instruction_casing::ConsistentInstructionCasing,
    &copy_ignored_file::CopyIgnoredFile,
    &expose_invalid_format::ExposeInvalidFormat,
    &expose_proto_casing::ExposeProtoCasing,
    &from_as_casing::FromAsCasing,
    &from_platform_flag_const_disallowed::FromPlatformFlagConstDisallowed,
    &invalid_base_image_platform::InvalidBaseImagePlatform,
    &invalid_default_arg_in_from::InvalidDefaultArgInFrom,
    &invalid_definition_description::InvalidDefinitionDescription,
    &legacy_key_value_format::LegacyKeyValueFormat,
    &no_empty_continuation::NoEmptyContinuation,
    &redundant_target_platform::RedundantTargetPlatform,
    &reserved_stage_name::ReservedStageName,
    &secrets_used_in_arg_or_env::SecretsUsedInArgOrEnv,
    &stage_name_casing::StageNameCasing,
    &undefined_arg_in_from::UndefinedArgInFrom,
    &undefined_var::UndefinedVar,
];

/// Shared imports for rule files.
mod prelude {
    pub(crate) use super::{named, runs, stage_is_kept};
    pub use crate::dockerfile::Span;
    #[allow(unused_imports)]
    pub use crate::dockerfile::instructions::{Instr, Instruction};
    pub(crate) use crate::lint::declare_rule;
    pub use crate::lint::shell::Cmd;
    pub use crate::lint::{Applicability, Context, Edit, Finding};
}

/// Every parsed RUN script.
pub(crate) fn runs<'a>(
    cx: &'a super::Context,
) -> impl Iterator<Item = &'a super::shell::RunScript<'a>> {
    cx.runs().iter().filter(|r| r.script().is_some())
}

/// The commands called `name` in every parsed RUN, in order.
pub(crate) fn named<'a>(cx: &super::Context<'a>, name: &str) -> &'a [&'a super::shell::Cmd<'a>] {
    cx.cmds_named(name)
}

/// pip's options that take a value (their value is not a package).
const PIP_VALUE_FLAGS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--trusted-host",
    "--src",
    "--upgrade-strategy",
    "--progress-bar",
    "--cache-dir",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--cert",
    "--client-cert",
    "--global-option",
    "--no-binary",
    "--only-binary",
    "-C",
    "--config-settings",
];

/// `pip install …` (also `pip3`, `pip3.12`, `python3 -m pip install`): its
/// package operands, and whether a constraints file (`-c`) pins them.
pub(crate) fn pip_install<'c, 'a>(
    c: &'c super::shell::Cmd<'a>,
) -> Option<(Vec<&'c super::shell::Arg<'a>>, bool)> {
    let name = c.name.as_ref();
    let args = if name
        .strip_prefix("pip")
        .is_some_and(|v| v.chars().all(|ch| ch.is_ascii_digit() || ch == '.'))
    {
        &c.args[..]
    } else if name.starts_with("python")
        && c.args.len() > 2
        && c.args[0].value == "-m"
        && c.args[1].value == "pip"
    {
        &c.args[2..]
    } else {
        return None;
    };
    let mut out = Vec::new();
    let mut sub = false;
    let mut constrained = false;
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if a.is_flag() {
            constrained |= a.value == "-c" || a.value.starts_with("--constraint");
            skip = PIP_VALUE_FLAGS.contains(&a.value.as_ref());
            continue;
        }
        if !sub {
            if a.value != "install" {
                return None;
            }
            sub = true;
            continue;
        }
        out.push(a);
    }
    sub.then_some((out, constrained))
}

/// Whether stage `i` ends up in an image: the last stage, or one a later stage
/// builds on (hadolint's DL3009 and DL3060 look only at those).
pub(crate) fn stage_is_kept(cx: &super::Context, i: usize) -> bool {
    let stages = &cx.dockerfile.stages;
    i + 1 == stages.len()
        || stages[i].name.as_deref().is_some_and(|n| {
            stages[i + 1..]
                .iter()
                .any(|s| s.base.value().eq_ignore_ascii_case(n))
        })
}

/// Reports every instruction matching `is` in a stage but the last, which is the
/// one that takes effect (CMD, ENTRYPOINT, HEALTHCHECK).
pub(super) fn all_but_last(
    cx: &super::Context,
    out: &mut Vec<super::Finding>,
    meta: &'static super::Meta,
    is: fn(&prelude::Instr) -> bool,
    message: &str,
) {
    for stage in &cx.dockerfile.stages {
        let all: Vec<&prelude::Instruction> =
            stage.instructions.iter().filter(|i| is(&i.instr)).collect();
        for ins in all.iter().take(all.len().saturating_sub(1)) {
            out.push(super::Finding::new(meta, message, ins.keyword.span));
        }
    }
}

/// Every port of every EXPOSE, once as written (a word that expanded to several
/// ports appears once).
pub(super) fn exposed_ports<'a>(
    cx: &'a super::Context,
) -> Vec<&'a crate::dockerfile::instructions::Text> {
    let mut ports: Vec<_> = cx
        .dockerfile
        .stages
        .iter()
        .flat_map(|s| &s.instructions)
        .filter_map(|i| match &i.instr {
            prelude::Instr::Expose { ports } => Some(ports),
            _ => None,
        })
        .flatten()
        .collect();
    ports.dedup_by_key(|p| p.span);
    ports
}

/// `word` in the casing of `like`: all lower when `like` is all lower, else upper.
pub(super) fn same_case(like: &str, word: &str) -> String {
    if like.chars().any(|c| c.is_ascii_uppercase()) {
        word.to_ascii_uppercase()
    } else {
        word.to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_and_names_are_unique_and_pages_have_every_section() {
        let mut seen = HashSet::new();
        for r in ALL {
            let m = r.meta();
            assert!(seen.insert(m.code), "duplicate code {}", m.code);
            assert!(seen.insert(m.name), "duplicate name {}", m.name);
            let page = m.page();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(page.contains(section), "{} page lacks {section}", m.code);
            }
        }
    }
}
