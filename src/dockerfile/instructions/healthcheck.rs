//! HEALTHCHECK: NONE or CMD, and Go's duration syntax for its flags.

use super::flags::{Flags, Kind};
use super::{Healthcheck, Instr, PResult, args_span};
use crate::dockerfile::ast::{Node, go_quote};

pub(super) fn healthcheck(node: &Node) -> PResult<Instr> {
    if node.args.is_empty() {
        return Err((
            "HEALTHCHECK requires at least one argument".into(),
            node.keyword.span,
        ));
    }
    let typ = node.args[0].value.to_uppercase();
    if typ == "NONE" {
        if node.args.len() > 1 {
            return Err((
                "HEALTHCHECK NONE takes no arguments".into(),
                args_span(node),
            ));
        }
        return Ok(Instr::Healthcheck(Healthcheck {
            test: vec!["NONE".into()],
            interval_ns: 0,
            timeout_ns: 0,
            start_period_ns: 0,
            start_interval_ns: 0,
            retries: 0,
        }));
    }
    let flags = Flags::parse(
        &node.flags,
        &[
            ("interval", Kind::String),
            ("timeout", Kind::String),
            ("start-period", Kind::String),
            ("start-interval", Kind::String),
            ("retries", Kind::String),
        ],
    )?;
    let test = match typ.as_str() {
        "CMD" => {
            let cmd = &node.args[1..];
            if cmd.is_empty() {
                return Err((
                    "Missing command after HEALTHCHECK CMD".into(),
                    node.args[0].span,
                ));
            }
            if node.json {
                std::iter::once("CMD".to_string())
                    .chain(cmd.iter().map(|w| w.value.clone()))
                    .collect()
            } else {
                let script = cmd
                    .iter()
                    .map(|w| w.value.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                vec!["CMD-SHELL".to_string(), script]
            }
        }
        _ => {
            return Err((
                format!("Unknown type {} in HEALTHCHECK (try CMD)", go_quote(&typ)),
                node.args[0].span,
            ));
        }
    };
    let duration = |name: &str| -> PResult<i64> {
        let Some((w, v)) = flags.string(name) else {
            return Ok(0);
        };
        if v.is_empty() {
            return Ok(0);
        }
        let d = parse_go_duration(v).map_err(|e| (e, w.span))?;
        if d != 0 && d < 1_000_000 {
            return Err((
                format!("Interval {} cannot be less than 1ms", go_quote(name)),
                w.span,
            ));
        }
        Ok(d)
    };
    let interval_ns = duration("interval")?;
    let timeout_ns = duration("timeout")?;
    let start_period_ns = duration("start-period")?;
    let start_interval_ns = duration("start-interval")?;
    let retries = match flags.string("retries") {
        None | Some((_, "")) => 0,
        Some((w, v)) => {
            let n: i64 = match v.parse::<i32>() {
                Ok(n) => n.into(),
                Err(e) => {
                    let why = if matches!(
                        e.kind(),
                        std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
                    ) {
                        "value out of range"
                    } else {
                        "invalid syntax"
                    };
                    return Err((
                        format!("strconv.ParseInt: parsing {}: {why}", go_quote(v)),
                        w.span,
                    ));
                }
            };
            if n < 0 {
                return Err((format!("--retries cannot be negative ({n})"), w.span));
            }
            n
        }
    };
    Ok(Instr::Healthcheck(Healthcheck {
        test,
        interval_ns,
        timeout_ns,
        start_period_ns,
        start_interval_ns,
        retries,
    }))
}

/// Go's `time.ParseDuration`, in nanoseconds, with Go's error messages.
pub fn parse_go_duration(s: &str) -> Result<i64, String> {
    let err = || format!("time: invalid duration {}", go_quote(s));
    let mut rest = s;
    let mut neg = false;
    if let Some(r) = rest.strip_prefix('-') {
        neg = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(err());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(err());
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .bytes()
            .take_while(|b| !b.is_ascii_digit() && *b != b'.')
            .count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {}", go_quote(s)));
        }
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit),
                    go_quote(s)
                ));
            }
        };
        total += num.parse::<f64>().map_err(|_| err())? * scale;
        if total > i64::MAX as f64 {
            return Err(err());
        }
    }
    let ns = total as i64;
    Ok(if neg { -ns } else { ns })
}
