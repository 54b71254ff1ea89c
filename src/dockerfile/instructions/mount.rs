//! `RUN --mount=…` and `RUN --device=…`: BuildKit's CSV syntax, keys per mount
//! type, defaults and validation messages (`commands_runmount.go`,
//! `commands_rundevice.go`).
//!
//! Mounts are checked in BuildKit's two passes: when the Dockerfile is parsed
//! only the CSV syntax and the `from` rule (`check_mount_syntax`); everything
//! else after each value is expanded, while dispatching (`parse_mount`, called
//! from the expansion pass). Devices are checked at parse time.

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

impl MountType {
    pub fn name(self) -> &'static str {
        match self {
            MountType::Bind => "bind",
            MountType::Cache => "cache",
            MountType::Tmpfs => "tmpfs",
            MountType::Secret => "secret",
            MountType::Ssh => "ssh",
        }
    }
}

/// One `RUN --mount=…` after expansion and BuildKit's full validation. Empty
/// values are unset, as BuildKit compares them with "".
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
    /// tmpfs size in bytes.
    pub size: Option<i64>,
    pub span: Span,
}

/// One `RUN --device=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub name: String,
    pub required: bool,
    pub span: Span,
}

const MOUNT_KEYS: &[&str] = &[
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

fn fields(value: &str, what: &str, span: Span) -> PResult<Vec<String>> {
    split_csv(value).map_err(|e| (format!("failed to parse csv {what}: {e}"), span))
}

/// BuildKit's parse-time pass: CSV syntax, and `from` may not be expanded.
pub fn check_mount_syntax(value: &str, span: Span) -> PResult<()> {
    for field in fields(value, "mounts", span)? {
        if let Some((k, v)) = field.split_once('=')
            && k.eq_ignore_ascii_case("from")
            && v.find('$').is_some_and(|i| i + 1 < v.len())
        {
            return Err((
                "'from' doesn't support variable expansion, define alias stage instead".into(),
                span,
            ));
        }
    }
    Ok(())
}

/// BuildKit's dispatch-time pass: every `key=value` value goes through `expand`
/// first, then every rule applies, in the order the fields are written.
pub fn parse_mount(
    value: &str,
    span: Span,
    mut expand: impl FnMut(&str) -> Result<String, String>,
) -> PResult<Mount> {
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
    let err = |msg: String| (msg, span);
    let unless_empty = |v: String| (!v.is_empty()).then_some(v);
    for field in fields(value, "mounts", span)? {
        let Some((k, raw)) = field.split_once('=') else {
            let key = field.to_lowercase();
            match key.as_str() {
                "ro" | "readonly" => ro_set = Some(true),
                "rw" | "readwrite" => ro_set = Some(false),
                "required" if matches!(m.mount_type, MountType::Secret | MountType::Ssh) => {
                    m.required = true
                }
                "required" => {
                    return Err(err(format!(
                        "unexpected key '{key}' for mount type '{}'",
                        m.mount_type.name()
                    )));
                }
                _ => {
                    return Err(err(format!(
                        "invalid field '{field}' must be a key=value pair"
                    )));
                }
            }
            continue;
        };
        let key = k.to_lowercase();
        let v = expand(raw).map_err(err)?;
        match key.as_str() {
            "type" => {
                m.mount_type = match v.to_lowercase().as_str() {
                    "bind" => MountType::Bind,
                    "cache" => MountType::Cache,
                    "tmpfs" => MountType::Tmpfs,
                    "secret" => MountType::Secret,
                    "ssh" => MountType::Ssh,
                    _ => {
                        let msg = format!("unsupported mount type {}", go_quote(&v));
                        let names = ["bind", "cache", "tmpfs", "secret", "ssh"];
                        return Err(err(with_suggestion(msg, &v, &names, false)));
                    }
                }
            }
            "from" => m.from = unless_empty(v),
            "source" | "src" => m.source = unless_empty(v),
            "target" | "dst" | "destination" => m.target = unless_empty(v),
            "readonly" | "ro" => {
                ro_set = Some(
                    parse_bool(&v).ok_or_else(|| err(format!("invalid value for {key}: {v}")))?,
                )
            }
            "readwrite" | "rw" => {
                ro_set = Some(
                    !parse_bool(&v).ok_or_else(|| err(format!("invalid value for {key}: {v}")))?,
                )
            }
            "required" if matches!(m.mount_type, MountType::Secret | MountType::Ssh) => {
                m.required = parse_bool(&v)
                    .ok_or_else(|| err(format!("invalid value for required: {v}")))?;
            }
            "size" if m.mount_type == MountType::Tmpfs => {
                m.size = Some(
                    ram_in_bytes(&v).ok_or_else(|| err(format!("invalid value for size: {v}")))?,
                );
            }
            "required" | "size" => {
                return Err(err(format!(
                    "unexpected key '{key}' for mount type '{}'",
                    m.mount_type.name()
                )));
            }
            "id" => m.id = unless_empty(v),
            "sharing" => {
                let s = v.to_lowercase();
                if !matches!(s.as_str(), "shared" | "private" | "locked") {
                    let msg = format!("unsupported sharing value {}", go_quote(&v));
                    return Err(err(with_suggestion(
                        msg,
                        &v,
                        &["shared", "private", "locked"],
                        false,
                    )));
                }
                m.sharing = Some(s);
            }
            "mode" => {
                m.mode = Some(
                    go_parse_uint(&v, 8)
                        .ok_or_else(|| err(format!("invalid value {v} for mode")))?,
                )
            }
            "uid" => {
                m.uid = Some(
                    go_parse_uint(&v, 10)
                        .ok_or_else(|| err(format!("invalid value {v} for uid")))?,
                )
            }
            "gid" => {
                m.gid = Some(
                    go_parse_uint(&v, 10)
                        .ok_or_else(|| err(format!("invalid value {v} for gid")))?,
                )
            }
            "env" => m.env = Some(v),
            _ => {
                let msg = format!("unexpected key '{key}' in '{field}'");
                return Err(err(with_suggestion(msg, &key, MOUNT_KEYS, false)));
            }
        }
    }
    let t = m.mount_type.name();
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
                return Err(err(format!(
                    "{name} not allowed for {} type mounts",
                    go_quote(t)
                )));
            }
        }
    }
    m.read_only = ro_set.unwrap_or(matches!(
        m.mount_type,
        MountType::Bind | MountType::Secret | MountType::Ssh
    ));
    if m.mount_type == MountType::Secret {
        if m.from.is_some() {
            return Err(err("secret mount should not have a from".into()));
        }
        if m.sharing.is_some() {
            return Err(err("secret mount should not define sharing".into()));
        }
        if m.source.is_none() && m.target.is_none() && m.id.is_none() {
            return Err(err(
                "invalid secret mount. one of source, target required".into()
            ));
        }
        if m.source.is_some() && m.id.is_some() {
            return Err(err("both source and id can't be set".into()));
        }
    }
    if m.sharing.is_some() && m.mount_type != MountType::Cache {
        return Err(err(format!("invalid cache sharing set for {t} mount")));
    }
    Ok(m)
}

/// BuildKit's `ParseDevice`, run when the Dockerfile is parsed (values are not expanded).
pub fn parse_device(value: &str, span: Span) -> PResult<Device> {
    let err = |msg: String| (msg, span);
    let mut name: Option<String> = None;
    let mut required = false;
    for field in fields(value, "devices", span)? {
        let Some((k, v)) = field.split_once('=') else {
            if field.eq_ignore_ascii_case("required") {
                required = true;
            } else if name.is_none() {
                name = Some(field);
            } else {
                return Err(err(format!(
                    "invalid field '{field}' must be a key=value pair"
                )));
            }
            continue;
        };
        match k.to_lowercase().as_str() {
            "name" => {
                if let Some(n) = &name {
                    return Err(err(format!("device name already set to {n}")));
                }
                name = Some(v.to_owned());
            }
            "required" => {
                required =
                    parse_bool(v).ok_or_else(|| err(format!("invalid value for required: {v}")))?;
            }
            key => {
                // A CDI name such as vendor.com/gpu=all is itself a key=value field.
                if name.is_none() {
                    name = Some(field.clone());
                } else {
                    let msg = format!("unexpected key '{key}' in '{field}'");
                    return Err(err(with_suggestion(msg, key, &["name", "required"], false)));
                }
            }
        }
    }
    Ok(Device {
        name: name.unwrap_or_default(),
        required,
        span,
    })
}

/// Go's `strconv.ParseBool`.
fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseUint(v, base, 32)`: digits only, no sign.
fn go_parse_uint(v: &str, radix: u32) -> Option<u32> {
    if v.is_empty() || !v.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u32::from_str_radix(v, radix).ok()
}

/// docker/go-units `RAMInBytes`: a number (decimals allowed), optional space,
/// an optional binary unit k/m/g/t/p (1024-based), optional `i` and `b`.
fn ram_in_bytes(s: &str) -> Option<i64> {
    let num_len = s
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let (num, rest) = s.split_at(num_len);
    if num.is_empty() || num.starts_with('.') || num.ends_with('.') || num.contains("..") {
        return None;
    }
    let mut rest = rest.strip_prefix(' ').unwrap_or(rest).chars().peekable();
    let mut mult: f64 = 1.0;
    if let Some(c) = rest.peek().copied() {
        let exp = match c.to_ascii_lowercase() {
            'k' => Some(1),
            'm' => Some(2),
            'g' => Some(3),
            't' => Some(4),
            'p' => Some(5),
            _ => None,
        };
        if let Some(e) = exp {
            mult = 1024f64.powi(e);
            rest.next();
        }
    }
    let tail: String = rest.collect::<String>().to_ascii_lowercase();
    if !matches!(tail.as_str(), "" | "b" | "i" | "ib") {
        return None;
    }
    // Several dots (1.2.3) pass the go-units regex but not ParseFloat.
    let value: f64 = num.parse().ok()?;
    Some((value * mult) as i64)
}

/// One CSV record, RFC 4180 style, with Go's encoding/csv error texts: fields
/// separated by commas, optionally double-quoted with `""` for a quote inside.
fn split_csv(s: &str) -> Result<Vec<String>, String> {
    if s.is_empty() {
        return Err("EOF".into());
    }
    let at = |i: usize, what: &str| format!("parse error on line 1, column {}: {what}", i + 1);
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut it = s.char_indices().peekable();
    let mut at_start = true;
    let mut in_quotes = false;
    while let Some((i, c)) = it.next() {
        if in_quotes {
            if c == '"' {
                if it.peek().map(|p| p.1) == Some('"') {
                    it.next();
                    cur.push('"');
                } else {
                    in_quotes = false;
                    if let Some(&(j, n)) = it.peek()
                        && n != ','
                    {
                        return Err(at(j, "extraneous or missing \" in quoted-field"));
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
            '"' => return Err(at(i, "bare \" in non-quoted-field")),
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
        return Err(at(s.len(), "extraneous or missing \" in quoted-field"));
    }
    fields.push(cur);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mount(v: &str) -> Result<Mount, String> {
        let env = |s: &str| Ok(s.replace("${UID}", "1000").replace("$T", "cache"));
        parse_mount(v, Span::default(), env).map_err(|e| e.0)
    }

    #[test]
    fn values_are_checked_after_expansion() {
        let m = mount("type=$T,target=/c,uid=${UID}").unwrap();
        assert_eq!((m.mount_type, m.uid), (MountType::Cache, Some(1000)));
        assert!(check_mount_syntax("type=$T,uid=${UID}", Span::default()).is_ok());
        assert_eq!(
            check_mount_syntax("from=$STAGE", Span::default())
                .unwrap_err()
                .0,
            "'from' doesn't support variable expansion, define alias stage instead"
        );
    }

    #[test]
    fn buildkit_rules() {
        assert_eq!(
            mount("type=secret,id=").unwrap_err(),
            "invalid secret mount. one of source, target required"
        );
        assert!(mount("type=secret,id=x,source=").is_ok());
        assert_eq!(
            mount("type=tmpfs,size=abc").unwrap_err(),
            "invalid value for size: abc"
        );
        assert_eq!(mount("type=tmpfs,size=64m").unwrap().size, Some(64 << 20));
        assert_eq!(
            mount("type=cache,uid=+1").unwrap_err(),
            "invalid value +1 for uid"
        );
        assert_eq!(
            mount("REQUIRED").unwrap_err(),
            "unexpected key 'required' for mount type 'bind'"
        );
        assert_eq!(mount("").unwrap_err(), "failed to parse csv mounts: EOF");
        assert_eq!(mount("type=cache,mode=0700").unwrap().mode, Some(0o700));
    }

    #[test]
    fn devices() {
        let d = |v: &str| parse_device(v, Span::default()).map_err(|e| e.0);
        assert_eq!(d("vendor.com/gpu=all").unwrap().name, "vendor.com/gpu=all");
        assert!(d("name=x,required").unwrap().required);
        assert_eq!(
            d("a,b").unwrap_err(),
            "invalid field 'b' must be a key=value pair"
        );
        assert_eq!(
            d("name=a,name=b").unwrap_err(),
            "device name already set to a"
        );
        assert_eq!(
            d("a,requird=1").unwrap_err(),
            "unexpected key 'requird' in 'requird=1' (did you mean required?)"
        );
    }
}
