//! Cache keys and the reason for every miss.
//!
//! A step's key is its parent's key, the instruction, and what else it
//! depends on (COPY/ADD: every selected file's content, type, mode and owner
//! but not its mtime; RUN: the environment, build args, user and working
//! directory). On a miss the engine asks [`explain`] why, by comparing with
//! what the cache holds for the same parent: the instruction changed, some
//! inputs changed (named), the parent was rebuilt, or nothing was ever built
//! there.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::copy::hex;
use super::store::Store;

/// sha256 over length-prefixed parts, as hex.
pub fn key(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex(&h.finalize())
}

pub fn step_key(parent: &str, instruction: &str, inputs: &BTreeMap<String, String>) -> String {
    let mut parts: Vec<&[u8]> = vec![parent.as_bytes(), instruction.as_bytes()];
    for (k, v) in inputs {
        parts.push(k.as_bytes());
        parts.push(v.as_bytes());
    }
    key(&parts)
}

/// Why a step was built instead of taken from the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MissReason {
    /// `--no-cache`.
    NoCache,
    /// Nothing was ever built after this parent.
    FirstBuild,
    /// An earlier step of this stage was rebuilt, so every later key changed.
    ParentRebuilt { step: usize },
    /// The instruction text differs from what was built here before.
    InstructionChanged { before: String },
    /// Same instruction, different inputs.
    InputsChanged {
        /// Human-readable items: `app/index.js changed`, `build arg V: 1 → 2`.
        changes: Vec<String>,
        /// How many more were not listed.
        more: usize,
    },
}

impl MissReason {
    /// The sentence the log shows after a built step.
    pub fn describe(&self, instruction: &str) -> String {
        let verb = instruction.split(' ').next().unwrap_or("");
        match self {
            MissReason::NoCache => "--no-cache".into(),
            MissReason::FirstBuild => "not in the cache (first build of this step)".into(),
            MissReason::ParentRebuilt { step } => format!("parent step #{step} was rebuilt"),
            MissReason::InstructionChanged { before } => {
                format!("instruction changed (was: {before})")
            }
            MissReason::InputsChanged { changes, more } => {
                let mut s = changes
                    .iter()
                    .map(|c| {
                        if c.starts_with("build arg")
                            || c.starts_with("ENV")
                            || c.starts_with("source")
                        {
                            c.clone()
                        } else {
                            format!("{verb} source {c}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                if *more > 0 {
                    s.push_str(&format!(" (and {more} more)"));
                }
                s
            }
        }
    }
}

/// Explains a miss of the step keyed from `parent` with `instruction` and `inputs`.
pub fn explain(
    store: &dyn Store,
    parent: &str,
    instruction: &str,
    inputs: &BTreeMap<String, String>,
    rebuilt_at: Option<usize>,
    independent: bool,
) -> MissReason {
    if let (Some(step), false) = (rebuilt_at, independent) {
        return MissReason::ParentRebuilt { step };
    }
    let mut siblings = store.cache_children(parent);
    siblings.sort_by_key(|r| std::cmp::Reverse(r.seq));
    if let Some(same) = siblings.iter().find(|r| r.instruction == instruction) {
        let changes = diff_inputs(&same.inputs, inputs);
        const SHOWN: usize = 5;
        let more = changes.len().saturating_sub(SHOWN);
        return MissReason::InputsChanged {
            changes: changes.into_iter().take(SHOWN).collect(),
            more,
        };
    }
    // The newest sibling of the same kind of instruction is the one it replaced.
    let verb = instruction.split(' ').next().unwrap_or("");
    match siblings
        .iter()
        .find(|r| r.instruction.split(' ').next() == Some(verb))
        .or(siblings.first())
    {
        Some(r) => MissReason::InstructionChanged {
            before: r.instruction.clone(),
        },
        None => MissReason::FirstBuild,
    }
}

fn diff_inputs(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    let show = |k: &str| -> (String, &'static str) {
        if let Some(p) = k.strip_prefix("file:") {
            (p.to_string(), "file")
        } else if let Some(a) = k.strip_prefix("arg:") {
            (a.to_string(), "arg")
        } else if let Some(e) = k.strip_prefix("env:") {
            (e.to_string(), "env")
        } else {
            (k.to_string(), "other")
        }
    };
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let (name, kind) = show(k);
        let (b, a) = (before.get(k), after.get(k));
        if b == a {
            continue;
        }
        out.push(match (kind, b, a) {
            ("file", None, Some(_)) => format!("{name} added"),
            ("file", Some(_), None) => format!("{name} removed"),
            ("file", _, _) => format!("{name} changed"),
            ("arg", b, a) => format!(
                "build arg {name}: {} → {}",
                b.map_or("(unset)", String::as_str),
                a.map_or("(unset)", String::as_str)
            ),
            ("env", b, a) => format!(
                "ENV {name}: {} → {}",
                b.map_or("(unset)", String::as_str),
                a.map_or("(unset)", String::as_str)
            ),
            (_, b, a) => format!(
                "source {name}: {} → {}",
                b.map_or("(unset)", String::as_str),
                a.map_or("(unset)", String::as_str)
            ),
        });
    }
    out
}
