//! Every rule, one per file. A rule that hadolint and BuildKit both have is
//! implemented once, under its hadolint code, and its page names the BuildKit
//! check it also stands for (see docs/lint.md).

use super::Rule;

mod consistent_instruction_casing;
mod copy_ignored_file;
mod dl3000;
mod dl3002;
mod dl3006;
mod dl3007;
mod dl3011;
mod dl3012;
mod dl3020;
mod dl3021;
mod dl3022;
mod dl3023;
mod dl3024;
mod dl3025;
mod dl3045;
mod dl3066;
mod dl3067;
mod dl4000;
mod dl4003;
mod dl4004;
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
    &dl3000::Dl3000,
    &dl3002::Dl3002,
    &dl3006::Dl3006,
    &dl3007::Dl3007,
    &dl3011::Dl3011,
    &dl3012::Dl3012,
    &dl3020::Dl3020,
    &dl3021::Dl3021,
    &dl3022::Dl3022,
    &dl3023::Dl3023,
    &dl3024::Dl3024,
    &dl3025::Dl3025,
    &dl3045::Dl3045,
    &dl3066::Dl3066,
    &dl3067::Dl3067,
    &dl4000::Dl4000,
    &dl4003::Dl4003,
    &dl4004::Dl4004,
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
    pub use crate::dockerfile::Span;
    pub use crate::dockerfile::instructions::{Instr, Instruction};
    pub(crate) use crate::lint::declare_rule;
    pub use crate::lint::{Applicability, Context, Edit, Finding};
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
