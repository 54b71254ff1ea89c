//! What went wrong talking to a registry, in words a user can act on.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No credentials, or the registry refused them.
    Unauthorized,
    /// Authenticated, but not allowed (403, `DENIED`).
    Denied,
    NotFound,
    /// The network, or the browser's CORS checks, refused the exchange.
    Transport,
    /// The registry answered something the protocol does not allow.
    Protocol,
    /// Content did not hash to the digest that names it.
    DigestMismatch,
    /// More bytes than allowed (a manifest over 4 MiB, a blob over its
    /// declared size).
    TooLarge,
    TooManyRedirects,
    /// Still 429 after the retries.
    RateLimited,
    /// The registry reported an error (`errors` in its body).
    Registry,
    /// The local image store.
    Store,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RegistryError {
    pub kind: ErrorKind,
    pub message: String,
}

impl RegistryError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> RegistryError {
        RegistryError {
            kind,
            message: message.into(),
        }
    }
}

/// The first error of a distribution error body
/// (`{"errors":[{"code","message","detail"}]}`) as `CODE: message (detail)`,
/// or, for any other body, the status and the body's first line as text.
pub fn describe(status: u16, body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        errors: Vec<Item>,
    }
    #[derive(Deserialize)]
    struct Item {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
        #[serde(default)]
        detail: serde_json::Value,
    }
    if let Ok(b) = serde_json::from_slice::<Body>(body)
        && let Some(e) = b.errors.first()
    {
        let detail = match &e.detail {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) if s.is_empty() => String::new(),
            serde_json::Value::String(s) => format!(" ({})", clip(s)),
            v => format!(" ({})", clip(&v.to_string())),
        };
        let more = match b.errors.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        return format!("{}: {}{detail}{more}", e.code, e.message);
    }
    let text = String::from_utf8_lossy(body);
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    match line {
        Some(l) => format!("HTTP {status}: {}", clip(l)),
        None => format!("HTTP {status}"),
    }
}

/// At most 200 characters, and no control characters: a registry's words
/// are shown to the user as text.
fn clip(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    if s.chars().count() > 200 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_errors_read_as_code_message_detail() {
        let body = br#"{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry","detail":"sha256:abc"}]}"#;
        assert_eq!(
            describe(400, body),
            "MANIFEST_BLOB_UNKNOWN: blob unknown to registry (sha256:abc)"
        );
        let body = br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository","Name":"a","Action":"push"}]},{"code":"X","message":"y"}]}"#;
        assert_eq!(
            describe(401, body),
            r#"UNAUTHORIZED: authentication required ([{"Action":"push","Name":"a","Type":"repository"}]) and 1 more"#
        );
        assert_eq!(
            describe(502, b"\n<html>Bad gateway\x07</html>\n"),
            "HTTP 502: <html>Bad gateway </html>"
        );
        assert_eq!(describe(500, b""), "HTTP 500");
    }
}
