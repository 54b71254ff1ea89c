//! `RUN --mount=…`: BuildKit's CSV syntax, keys per mount type, defaults and
//! validation messages (`commands_runmount.go`).

use super::PResult;
use super::flags::with_suggestion;
use crate::dockerfile::ast::go_quote;
use crate::dockerfile::span::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MountType {
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
}

/// One `RUN --mount=…`, as far as BuildKit checks it before expansion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mount {
    pub mount_type: MountType,
    pub from: Option<String>,
    pub source: Option<String>,
    pub target: Option<String>,
    pub read_only: bool,
    pub id: Option<String>,
    pub sharing: Option<String>,
    pub required: bool,
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub env: Option<String>,
    pub size: Option<String>,
    pub span: Span,
}

/// Parses one `--mount` value as BuildKit does before expansion, and then the
/// checks it applies after (on the unexpanded values, which is what an editor
/// can know). Fields are CSV: quotes protect commas.
pub fn parse_mount(value: &str, span: Span) -> PResult<Mount> {
    let fields =
        split_csv(value).map_err(|e| (format!("failed to parse csv mounts: {e}"), span))?;
    let mut m = Mount {
        mount_type: MountType::Bind,
        from: None,
        source: None,
        target: None,
        read_only: false,
        id: None,
        sharing: None,
        required: false,
        mode: None,
        uid: None,
        gid: None,
        env: None,
        size: None,
        span,
    };
    let mut ro_set: Option<bool> = None;
    let type_name = |t: MountType| match t {
        MountType::Bind => "bind",
        MountType::Cache => "cache",
        MountType::Tmpfs => "tmpfs",
        MountType::Secret => "secret",
        MountType::Ssh => "ssh",
    };
    let parse_bool = |k: &str, v: &str| -> PResult<bool> {
        match v {
            "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
            "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
            _ => Err((format!("invalid value for {k}: {v}"), span)),
        }
    };
    for field in &fields {
        let Some((k, v)) = field.split_once('=') else {
            match field.to_lowercase().as_str() {
                "ro" | "readonly" => ro_set = Some(true),
                "rw" | "readwrite" => ro_set = Some(false),
                "required" => {
                    if matches!(m.mount_type, MountType::Secret | MountType::Ssh) {
                        m.required = true;
                    } else {
                        return Err((
                            format!(
                                "unexpected key '{field}' for mount type '{}'",
                                type_name(m.mount_type)
                            ),
                            span,
                        ));
                    }
                }
                _ => {
                    return Err((
                        format!("invalid field '{field}' must be a key=value pair"),
                        span,
                    ));
                }
            }
            continue;
        };
        let key = k.to_lowercase();
        match key.as_str() {
            "type" => {
                m.mount_type = match v.to_lowercase().as_str() {
                    "bind" => MountType::Bind,
                    "cache" => MountType::Cache,
                    "tmpfs" => MountType::Tmpfs,
                    "secret" => MountType::Secret,
                    "ssh" => MountType::Ssh,
                    _ => {
                        return Err((
                            with_suggestion(
                                format!("unsupported mount type {}", go_quote(v)),
                                v,
                                &["bind", "cache", "tmpfs", "secret", "ssh"],
                                false,
                            ),
                            span,
                        ));
                    }
                }
            }
            "from" => {
                if v.find('$').is_some_and(|i| i + 1 < v.len()) {
                    return Err((
                        "'from' doesn't support variable expansion, define alias stage instead"
                            .into(),
                        span,
                    ));
                }
                m.from = Some(v.to_owned());
            }
            "source" | "src" => m.source = Some(v.to_owned()),
            "target" | "dst" | "destination" => m.target = Some(v.to_owned()),
            "readonly" | "ro" => ro_set = Some(parse_bool(&key, v)?),
            "readwrite" | "rw" => ro_set = Some(!parse_bool(&key, v)?),
            "required" => {
                if matches!(m.mount_type, MountType::Secret | MountType::Ssh) {
                    m.required = parse_bool("required", v)?;
                } else {
                    return Err((
                        format!(
                            "unexpected key 'required' for mount type '{}'",
                            type_name(m.mount_type)
                        ),
                        span,
                    ));
                }
            }
            "size" => {
                if m.mount_type == MountType::Tmpfs {
                    m.size = Some(v.to_owned());
                } else {
                    return Err((
                        format!(
                            "unexpected key 'size' for mount type '{}'",
                            type_name(m.mount_type)
                        ),
                        span,
                    ));
                }
            }
            "id" => m.id = Some(v.to_owned()),
            "sharing" => {
                let s = v.to_lowercase();
                if !matches!(s.as_str(), "shared" | "private" | "locked") {
                    return Err((
                        with_suggestion(
                            format!("unsupported sharing value {}", go_quote(v)),
                            v,
                            &["shared", "private", "locked"],
                            false,
                        ),
                        span,
                    ));
                }
                m.sharing = Some(s);
            }
            "mode" => {
                m.mode = Some(
                    u32::from_str_radix(v, 8)
                        .map_err(|_| (format!("invalid value {v} for mode"), span))?,
                )
            }
            "uid" => {
                m.uid = Some(
                    v.parse()
                        .map_err(|_| (format!("invalid value {v} for uid"), span))?,
                )
            }
            "gid" => {
                m.gid = Some(
                    v.parse()
                        .map_err(|_| (format!("invalid value {v} for gid"), span))?,
                )
            }
            "env" => m.env = Some(v.to_owned()),
            _ => {
                let keys = [
                    "type",
                    "from",
                    "source",
                    "target",
                    "readonly",
                    "id",
                    "sharing",
                    "required",
                    "size",
                    "mode",
                    "uid",
                    "gid",
                    "src",
                    "dst",
                    "destination",
                    "ro",
                    "rw",
                    "readwrite",
                    "env",
                ];
                return Err((
                    with_suggestion(
                        format!("unexpected key '{key}' in '{field}'"),
                        &key,
                        &keys,
                        false,
                    ),
                    span,
                ));
            }
        }
    }
    let t = type_name(m.mount_type);
    if !matches!(
        m.mount_type,
        MountType::Secret | MountType::Ssh | MountType::Cache
    ) {
        for (name, set) in [
            ("mode", m.mode.is_some()),
            ("uid", m.uid.is_some()),
            ("gid", m.gid.is_some()),
        ] {
            if set {
                return Err((
                    format!("{name} not allowed for {} type mounts", go_quote(t)),
                    span,
                ));
            }
        }
    }
    m.read_only = ro_set.unwrap_or(matches!(
        m.mount_type,
        MountType::Bind | MountType::Secret | MountType::Ssh
    ));
    if m.mount_type == MountType::Secret {
        if m.from.is_some() {
            return Err(("secret mount should not have a from".into(), span));
        }
        if m.sharing.is_some() {
            return Err(("secret mount should not define sharing".into(), span));
        }
        if m.source.is_none() && m.target.is_none() && m.id.is_none() {
            return Err((
                "invalid secret mount. one of source, target required".into(),
                span,
            ));
        }
        if m.source.is_some() && m.id.is_some() {
            return Err(("both source and id can't be set".into(), span));
        }
    }
    if m.sharing.is_some() && m.mount_type != MountType::Cache {
        return Err((format!("invalid cache sharing set for {t} mount"), span));
    }
    Ok(m)
}

/// One CSV record, RFC 4180 style: fields separated by commas, optionally
/// double-quoted with `""` for a quote inside.
fn split_csv(s: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    let mut at_start = true;
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    in_quotes = false;
                    if !matches!(chars.peek(), None | Some(',')) {
                        return Err("extraneous or missing \" in quoted-field".into());
                    }
                }
            } else {
                cur.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                in_quotes = true;
                at_start = false;
            }
            '"' => return Err("bare \" in non-quoted-field".into()),
            ',' => {
                fields.push(std::mem::take(&mut cur));
                at_start = true;
            }
            c => {
                cur.push(c);
                at_start = false;
            }
        }
    }
    if in_quotes {
        return Err("extraneous or missing \" in quoted-field".into());
    }
    fields.push(cur);
    Ok(fields)
}
