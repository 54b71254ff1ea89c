//! Image references as Docker reads them (distribution's reference grammar):
//! `[domain[:port]/]path[:tag][@digest]`, normalized the way `docker pull` does
//! (`alpine` is `docker.io/library/alpine`).

use std::fmt;

/// A parsed, normalized reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// `docker.io`, `ghcr.io`, `localhost:5000`.
    pub domain: String,
    /// `library/alpine`, `org/app`.
    pub path: String,
    pub tag: Option<String>,
    /// `sha256:…`.
    pub digest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("invalid reference format")]
    Invalid,
    #[error("invalid reference format: repository name ({0}) must be lowercase")]
    Uppercase(String),
    #[error("repository name must not be more than 255 characters")]
    TooLong,
    #[error("invalid repository name ({0}), cannot specify 64-byte hexadecimal strings")]
    HexId(String),
}

pub const DEFAULT_DOMAIN: &str = "docker.io";

impl Reference {
    /// `ParseNormalizedNamed`: Docker Hub is the default registry and
    /// `library/` the default namespace.
    pub fn parse_normalized(s: &str) -> Result<Reference, ReferenceError> {
        if s.len() == 64
            && s.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(ReferenceError::HexId(s.to_string()));
        }
        let (domain, remainder) = split_domain(s);
        let name_end = remainder.find([':', '@']).unwrap_or(remainder.len());
        if remainder[..name_end]
            .bytes()
            .any(|b| b.is_ascii_uppercase())
        {
            return Err(ReferenceError::Uppercase(remainder.to_string()));
        }
        let full = format!("{domain}/{remainder}");
        let r = Reference::parse(&full)?;
        Ok(r)
    }

    /// A fully qualified reference (`domain/path[:tag][@digest]`), not normalized.
    pub fn parse(s: &str) -> Result<Reference, ReferenceError> {
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) if is_digest(d) => (r, Some(d.to_string())),
            Some(_) => return Err(ReferenceError::Invalid),
            None => (s, None),
        };
        // A tag follows the last ':' that comes after the last '/'.
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[slash..].rfind(':') {
            Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
            None => (rest, None),
        };
        if let Some(t) = tag
            && !is_tag(t)
        {
            return Err(ReferenceError::Invalid);
        }
        if name.len() > 255 {
            return Err(ReferenceError::TooLong);
        }
        let (domain, path) = name.split_once('/').ok_or(ReferenceError::Invalid)?;
        if !is_domain(domain) || !path.split('/').all(is_path_component) {
            return Err(ReferenceError::Invalid);
        }
        Ok(Reference {
            domain: domain.to_string(),
            path: path.to_string(),
            tag: tag.map(str::to_string),
            digest,
        })
    }

    /// The repository, `domain/path`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.domain, self.path)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

/// The first component is a domain when it has a '.' or ':' or is `localhost`,
/// or has an uppercase letter (which a path component cannot).
fn split_domain(s: &str) -> (&str, String) {
    match s.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            (first, rest.to_string())
        }
        Some(_) => (DEFAULT_DOMAIN, s.to_string()),
        None => (DEFAULT_DOMAIN, format!("library/{s}")),
    }
}

fn is_alnum_lower(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn is_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    if b.is_empty() || !is_alnum_lower(b[0]) || !is_alnum_lower(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if is_alnum_lower(b[i]) {
            i += 1;
            continue;
        }
        let sep_start = i;
        while i < b.len() && !is_alnum_lower(b[i]) {
            i += 1;
        }
        let sep = &c[sep_start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// `host[:port]` where host is dot-separated labels or a bracketed IPv6 address.
fn is_domain(d: &str) -> bool {
    let (host, port) = if let Some(rest) = d.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return false;
        };
        if v6.is_empty()
            || !v6
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return false;
        }
        match after {
            "" => return true,
            p => match p.strip_prefix(':') {
                Some(port) => return !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()),
                None => return false,
            },
        }
    } else {
        match d.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (d, None),
        }
    };
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter().all(|x| x.is_ascii_alphanumeric() || *x == b'-')
    };
    host.split('.').all(label_ok)
        && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `[\w][\w.-]{0,127}`
fn is_tag(t: &str) -> bool {
    let w = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let b = t.as_bytes();
    !b.is_empty() && b.len() <= 128 && w(b[0]) && b.iter().all(|&x| w(x) || x == b'.' || x == b'-')
}

/// `algorithm:hex` with a hex part of at least 32 digits.
fn is_digest(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else {
        return false;
    };
    let alg_ok = alg.split(['+', '.', '-', '_']).all(|c| {
        let b = c.as_bytes();
        !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(|x| x.is_ascii_alphanumeric())
    });
    alg_ok && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Reference::parse_normalized(s)
            .map(|r| r.to_string())
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn normalizes_like_docker() {
        assert_eq!(norm("alpine"), "docker.io/library/alpine");
        assert_eq!(norm("alpine:3.20"), "docker.io/library/alpine:3.20");
        assert_eq!(norm("org/app:v1"), "docker.io/org/app:v1");
        assert_eq!(norm("ghcr.io/o/a:1"), "ghcr.io/o/a:1");
        assert_eq!(norm("localhost:5000/a"), "localhost:5000/a");
        assert_eq!(norm("localhost/a"), "localhost/a");
        assert_eq!(norm("[::1]:5000/a:t"), "[::1]:5000/a:t");
        let d = "sha256:".to_string() + &"a".repeat(64);
        assert_eq!(
            norm(&format!("busybox@{d}")),
            format!("docker.io/library/busybox@{d}")
        );
        assert_eq!(norm("scratch"), "docker.io/library/scratch");
        assert_eq!(norm("a__b/c--d.e_f"), "docker.io/a__b/c--d.e_f");
    }

    #[test]
    fn rejects_what_docker_rejects() {
        for bad in [
            "",
            "busybox:",
            "Busybox",
            "a/B",
            "a//b",
            "a/-b",
            "a:b:c",
            "busybox@sha256:abc",
            ":x",
            "a/b/",
            "a..b/c",
        ] {
            assert!(
                Reference::parse_normalized(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
        assert!(matches!(
            Reference::parse_normalized(&"a".repeat(64)),
            Err(ReferenceError::HexId(_))
        ));
        assert!(Reference::parse_normalized(&format!("a:{}", "t".repeat(129))).is_err());
        assert!(Reference::parse_normalized(&format!("x/{}", "a".repeat(260))).is_err());
    }
}
