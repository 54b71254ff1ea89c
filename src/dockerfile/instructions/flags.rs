//! BuildKit's `BFlags`: the flags an instruction accepts, their kinds, and
//! the exact errors for unknown, repeated and malformed flags, with BuildKit's
//! did-you-mean suggestions.

use super::{Flag, PResult, Text};
use crate::dockerfile::ast::Word;

/// Flag kinds, as BuildKit's BFlags has them.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Bool,
    String,
    Strings,
}

/// The flags an instruction accepts, parsed. BuildKit's `BFlags.Parse`.
pub(super) struct Flags<'a> {
    found: Vec<(&'static str, &'a Word, Option<&'a str>)>,
}

impl<'a> Flags<'a> {
    pub(super) fn parse(words: &'a [Word], defs: &[(&'static str, Kind)]) -> PResult<Flags<'a>> {
        let mut found: Vec<(&'static str, &'a Word, Option<&'a str>)> = Vec::new();
        for w in words {
            let arg = w.value.as_str();
            if arg == "--" {
                break;
            }
            let Some(body) = arg.strip_prefix("--") else {
                return Err((format!("arg should start with -- : {arg}"), w.span));
            };
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let flag_name = &arg[..2 + name.len()];
            let Some(&(def, kind)) = defs.iter().find(|(n, _)| *n == name) else {
                let names: Vec<&str> = defs.iter().map(|(n, _)| *n).collect();
                return Err((
                    with_suggestion(format!("unknown flag: {flag_name}"), name, &names, false),
                    w.span,
                ));
            };
            if kind != Kind::Strings && found.iter().any(|(n, _, _)| *n == def) {
                return Err((format!("duplicate flag specified: {flag_name}"), w.span));
            }
            match kind {
                Kind::Bool => match value {
                    Some("") => {
                        return Err((format!("missing a value on flag: {flag_name}"), w.span));
                    }
                    None => {}
                    Some(v) if matches!(v.to_lowercase().as_str(), "true" | "false") => {}
                    Some(v) => {
                        return Err((
                            format!("expecting boolean value for flag {flag_name}, not: {v}"),
                            w.span,
                        ));
                    }
                },
                Kind::String | Kind::Strings => {
                    if value.is_none() {
                        return Err((format!("missing a value on flag: {flag_name}"), w.span));
                    }
                }
            }
            found.push((def, w, value));
        }
        Ok(Flags { found })
    }

    pub(super) fn string(&self, name: &str) -> Option<(&'a Word, &'a str)> {
        self.found
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, w, v)| (*w, v.unwrap_or_default()))
    }

    pub(super) fn text(&self, name: &str) -> Option<Text> {
        self.string(name).map(|(w, v)| Text {
            raw: v.to_owned(),
            span: w.span,
            expanded: None,
        })
    }

    pub(super) fn flag(&self, name: &str) -> Option<Flag> {
        self.string(name).map(|(w, v)| Flag {
            name: name.to_owned(),
            value: Some(v.to_owned()),
            span: w.span,
        })
    }

    pub(super) fn strings(&self, name: &str) -> Vec<(&'a Word, &'a str)> {
        self.found
            .iter()
            .filter(|(n, _, _)| *n == name)
            .map(|(_, w, v)| (*w, v.unwrap_or_default()))
            .collect()
    }

    pub(super) fn bool(&self, name: &str) -> Option<bool> {
        self.found
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, _, v)| v.is_none_or(|v| v.eq_ignore_ascii_case("true")))
    }
}

/// BuildKit's `suggest.WrapError`: ` (did you mean X?)` for the closest option
/// within Levenshtein distance 2, nothing when the value is itself an option.
pub(super) fn with_suggestion(
    msg: String,
    value: &str,
    options: &[&str],
    case_insensitive: bool,
) -> String {
    match suggest(value, options, case_insensitive) {
        Some(o) => format!("{msg} (did you mean {o}?)"),
        None => msg,
    }
}

/// BuildKit's `suggest.Search`: the first option within Levenshtein distance 2
/// of `value` (the closest; ties go to the earlier option), none when `value` is
/// itself an option.
pub fn suggest(value: &str, options: &[&str], case_insensitive: bool) -> Option<String> {
    let norm = |s: &str| {
        if case_insensitive {
            s.to_lowercase()
        } else {
            s.to_owned()
        }
    };
    let v = norm(value);
    if options.iter().any(|o| norm(o) == v) {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for o in options {
        let d = levenshtein(&v, &norm(o));
        if d < 3 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, o));
        }
    }
    let (_, o) = best?;
    Some(if !case_insensitive {
        o.to_string()
    } else if value.chars().all(|c| !c.is_lowercase()) {
        o.to_uppercase()
    } else {
        o.to_lowercase()
    })
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
