//! The requests the protocol makes and the responses it reads, as plain
//! values: the two faces (the page's `fetch`, the CLI's native client) carry
//! them, and everything about what to send and what an answer means stays
//! here, where it is the same on both targets.

use std::ops::Range;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Safe to send again after a failure whose outcome is unknown.
    pub fn idempotent(self) -> bool {
        matches!(
            self,
            Method::Get | Method::Head | Method::Put | Method::Delete
        )
    }
}

/// A request body: a range of a shared buffer, so that a chunk of a
/// hundred-megabyte layer is sent without being copied.
#[derive(Debug, Clone)]
pub struct Body {
    pub bytes: Arc<[u8]>,
    pub range: Range<usize>,
}

impl Body {
    pub fn whole(bytes: Arc<[u8]>) -> Body {
        let range = 0..bytes.len();
        Body { bytes, range }
    }
    pub fn as_slice(&self) -> &[u8] {
        &self.bytes[self.range.clone()]
    }
    pub fn len(&self) -> usize {
        self.range.len()
    }
    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Body>,
    /// The most response body bytes the caller will take: a transport stops
    /// reading beyond it and answers [`TransportError::TooLarge`].
    pub limit: u64,
}

impl Request {
    pub fn new(method: Method, url: impl Into<String>) -> Request {
        Request {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: None,
            limit: 1 << 20,
        }
    }
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Request {
        self.headers.push((name.to_string(), value.into()));
        self
    }
    pub fn body(mut self, body: Body) -> Request {
        self.body = Some(body);
        self
    }
    pub fn limit(mut self, limit: u64) -> Request {
        self.limit = limit;
        self
    }
    /// Whether a header was set (names compare without case).
    pub fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }
    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }
}

#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: u16,
    /// Names as received; look them up with [`Response::header`].
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// Every value of a header sent more than once (`WWW-Authenticate`).
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// No answer: refused, reset, DNS, TLS.
    Connect,
    /// The page's browser refused the exchange (CORS); the message says
    /// which check failed and what fixes it.
    Cors,
    /// The body went past [`Request::limit`].
    TooLarge,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    pub kind: TransportErrorKind,
    pub message: String,
}

impl TransportError {
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> TransportError {
        TransportError {
            kind,
            message: message.into(),
        }
    }
}

/// What a face provides: sending one request (never following redirects:
/// the protocol follows them, so that credentials never leave the registry's
/// host), waiting, and the time.
#[allow(async_fn_in_trait)] // single-threaded on both faces: no Send bound wanted
pub trait Transport {
    async fn send(&self, request: Request) -> Result<Response, TransportError>;
    async fn sleep(&self, millis: u64);
    /// Milliseconds since some fixed point, for token expiry.
    fn now_millis(&self) -> u64;
}

/// `scheme://host` of a URL (`None` for a relative one).
pub fn origin(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&url[..url.len() - rest.len() + end])
}

/// Resolves a `Location` header against the URL that sent it: registries
/// send absolute URLs, path-absolute ones, or (rarely) relative ones.
pub fn resolve(base: &str, location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        return location.to_string();
    }
    let origin = origin(base).unwrap_or("");
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let path_end = base.find(['?', '#']).unwrap_or(base.len());
    let dir = base[..path_end].rfind('/').map_or(base, |i| &base[..=i]);
    format!("{dir}{location}")
}

/// Appends `name=value` to a URL's query, percent-encoding the value.
pub fn with_query(url: &str, name: &str, value: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{name}={}", encode_query(value))
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_like_a_browser() {
        let base = "http://127.0.0.1:5000/v2/app/blobs/uploads/";
        assert_eq!(
            resolve(
                base,
                "http://127.0.0.1:5000/v2/app/blobs/uploads/u1?_state=x"
            ),
            "http://127.0.0.1:5000/v2/app/blobs/uploads/u1?_state=x"
        );
        assert_eq!(
            resolve(base, "/v2/app/blobs/uploads/u2"),
            "http://127.0.0.1:5000/v2/app/blobs/uploads/u2"
        );
        assert_eq!(
            resolve(base, "u3"),
            "http://127.0.0.1:5000/v2/app/blobs/uploads/u3"
        );
        assert_eq!(origin("https://ghcr.io/v2/"), Some("https://ghcr.io"));
        assert_eq!(origin("/v2/"), None);
    }

    #[test]
    fn queries_are_appended_and_encoded() {
        assert_eq!(
            with_query("http://r/u?_state=a", "digest", "sha256:ab"),
            "http://r/u?_state=a&digest=sha256%3Aab"
        );
        assert_eq!(
            with_query("http://r/t", "scope", "repository:a/b:pull,push"),
            "http://r/t?scope=repository%3Aa%2Fb%3Apull%2Cpush"
        );
    }
}
