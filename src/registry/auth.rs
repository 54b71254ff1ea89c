//! Registry authentication: the `WWW-Authenticate` challenges a registry
//! answers with, Basic credentials, and Bearer tokens from the realm the
//! challenge names (Docker's token protocol).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

/// A user name and a password or token. Never printed: `Debug` hides the
/// secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("secret", &"<hidden>")
            .finish()
    }
}

impl Credentials {
    pub fn new(username: impl Into<String>, secret: impl Into<String>) -> Credentials {
        Credentials {
            username: username.into(),
            secret: secret.into(),
        }
    }
    /// `Basic base64(user:secret)`.
    pub fn basic_header(&self) -> String {
        format!("Basic {}", self.encoded())
    }
    /// `base64(user:secret)`, as Docker's config.json keeps it in `auth`.
    pub fn encoded(&self) -> String {
        STANDARD.encode(format!("{}:{}", self.username, self.secret))
    }
    /// Reads config.json's `auth` value.
    pub fn decode(auth: &str) -> Option<Credentials> {
        let raw = STANDARD.decode(auth.trim()).ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (u, p) = text.split_once(':')?;
        Some(Credentials::new(u, p))
    }
}

/// One challenge from a `WWW-Authenticate` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    Basic {
        realm: String,
    },
    Bearer {
        realm: String,
        service: Option<String>,
        scope: Option<String>,
    },
}

/// Parses `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`
/// (RFC 7235 auth-params; quoted strings may hold commas and escapes).
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let header = header.trim();
    let (scheme, rest) = header
        .split_once(char::is_whitespace)
        .unwrap_or((header, ""));
    let params = parse_params(rest);
    let get = |k: &str| {
        params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.clone())
    };
    if scheme.eq_ignore_ascii_case("basic") {
        Some(Challenge::Basic {
            realm: get("realm").unwrap_or_default(),
        })
    } else if scheme.eq_ignore_ascii_case("bearer") {
        Some(Challenge::Bearer {
            realm: get("realm")?,
            service: get("service"),
            scope: get("scope"),
        })
    } else {
        None
    }
}

fn parse_params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' || c.is_whitespace() {
                break;
            }
            name.push(c);
            chars.next();
        }
        if name.is_empty() {
            break;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek() != Some(&'=') {
            continue;
        }
        chars.next();
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                value.push(c);
                chars.next();
            }
            value = value.trim().to_string();
        }
        out.push((name, value));
    }
    out
}

/// `repository:<name>:<actions>`.
pub fn repository_scope(repo: &str, actions: &str) -> String {
    format!("repository:{repo}:{actions}")
}

/// A token endpoint's answer (`token` or its OAuth alias `access_token`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub value: String,
    /// Seconds the token lives; Docker's default when the answer omits it.
    pub expires_in: u64,
}

pub fn parse_token(body: &[u8]) -> Result<Token, String> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(default)]
        token: String,
        #[serde(default)]
        access_token: String,
        #[serde(default)]
        expires_in: Option<u64>,
    }
    let a: Answer = serde_json::from_slice(body)
        .map_err(|e| format!("the token endpoint's answer is not JSON: {e}"))?;
    let value = if a.token.is_empty() {
        a.access_token
    } else {
        a.token
    };
    if value.is_empty() {
        return Err("the token endpoint answered without a token".into());
    }
    // The token specification's minimum and default is 60 s.
    Ok(Token {
        value,
        expires_in: a.expires_in.unwrap_or(60).max(60),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_parse_like_distribution_sends_them() {
        assert_eq!(
            parse_challenge(
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#
            ),
            Some(Challenge::Bearer {
                realm: "https://auth.docker.io/token".into(),
                service: Some("registry.docker.io".into()),
                scope: Some("repository:library/alpine:pull".into()),
            })
        );
        assert_eq!(
            parse_challenge(r#"Basic realm="layerlab test""#),
            Some(Challenge::Basic {
                realm: "layerlab test".into()
            })
        );
        // A scope with a comma inside quotes, unquoted values, spaces.
        assert_eq!(
            parse_challenge(
                r#"bearer realm=http://t/token , scope="repository:a:pull,push", service="s\"x""#
            ),
            Some(Challenge::Bearer {
                realm: "http://t/token".into(),
                service: Some("s\"x".into()),
                scope: Some("repository:a:pull,push".into()),
            })
        );
        assert_eq!(parse_challenge("Negotiate abc"), None);
        assert_eq!(parse_challenge("Bearer service=\"x\""), None);
    }

    #[test]
    fn tokens_take_either_name_and_docker_s_minimum_life() {
        let t = parse_token(br#"{"token":"abc","expires_in":300}"#).unwrap();
        assert_eq!((t.value.as_str(), t.expires_in), ("abc", 300));
        let t = parse_token(br#"{"access_token":"xyz"}"#).unwrap();
        assert_eq!((t.value.as_str(), t.expires_in), ("xyz", 60));
        assert!(parse_token(b"{}").is_err());
        assert!(parse_token(b"<html>").is_err());
    }

    #[test]
    fn credentials_round_trip_and_never_print_the_secret() {
        let c = Credentials::new("tester", "s3cret:with:colons");
        assert_eq!(Credentials::decode(&c.encoded()), Some(c.clone()));
        assert!(!format!("{c:?}").contains("s3cret"));
        assert_eq!(
            Credentials::new("a", "b").basic_header(),
            "Basic YTpi" // base64("a:b")
        );
    }
}
