//! Content digests (`sha256:<hex>`) and layer chain IDs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};

/// A sha256 content digest. Only sha256 is supported: it is what every
/// builder and registry layerlab talks to produces, and a digest that names
/// another algorithm is reported as such rather than half-understood.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest([u8; 32]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    #[error("digest {0:?} has no algorithm (expected sha256:<64 hex digits>)")]
    NoAlgorithm(String),
    #[error("digest algorithm {0:?} is not supported (only sha256)")]
    UnsupportedAlgorithm(String),
    #[error("digest {0:?} must have 64 lowercase hex digits after sha256:")]
    BadHex(String),
}

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(Sha256::digest(bytes).into())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Digest {
        Digest(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The 64 hex digits, without the algorithm.
    pub fn hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(HEX[(b >> 4) as usize] as char);
            s.push(HEX[(b & 15) as usize] as char);
        }
        s
    }

    /// The first 12 hex digits, as `docker images` shows an image ID.
    pub fn short(&self) -> String {
        let mut s = self.hex();
        s.truncate(12);
        s
    }

    /// Parses `sha256:<64 lowercase hex>`. Uppercase hex is refused because
    /// the OCI spec's digest grammar for sha256 is `[a-f0-9]{64}` and a
    /// registry compares digests as strings.
    pub fn parse(s: &str) -> Result<Digest, DigestError> {
        let Some((alg, hex)) = s.split_once(':') else {
            return Err(DigestError::NoAlgorithm(s.to_string()));
        };
        if alg != "sha256" {
            return Err(DigestError::UnsupportedAlgorithm(alg.to_string()));
        }
        let hex = hex.as_bytes();
        if hex.len() != 64 {
            return Err(DigestError::BadHex(s.to_string()));
        }
        let mut out = [0u8; 32];
        for (i, pair) in hex.chunks(2).enumerate() {
            let hi = nibble(pair[0]).ok_or_else(|| DigestError::BadHex(s.to_string()))?;
            let lo = nibble(pair[1]).ok_or_else(|| DigestError::BadHex(s.to_string()))?;
            out[i] = hi << 4 | lo;
        }
        Ok(Digest(out))
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

impl FromStr for Digest {
    type Err = DigestError;
    fn from_str(s: &str) -> Result<Digest, DigestError> {
        Digest::parse(s)
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let s = String::deserialize(d)?;
        Digest::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A sha256 computed piece by piece, for streams that are never held whole.
#[derive(Clone, Default)]
pub struct Hasher(Sha256);

impl Hasher {
    pub fn new() -> Hasher {
        Hasher::default()
    }
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    pub fn finish(self) -> Digest {
        Digest(self.0.finalize().into())
    }
}

/// Layer chain IDs: ChainID(L0) = DiffID(L0), ChainID(L0..n) =
/// sha256("<ChainID(L0..n-1)> <DiffID(n)>") over the ASCII text, as the OCI
/// image spec defines them.
pub fn chain_ids(diff_ids: &[Digest]) -> Vec<Digest> {
    let mut out: Vec<Digest> = Vec::with_capacity(diff_ids.len());
    for d in diff_ids {
        let next = match out.last() {
            None => *d,
            Some(prev) => Digest::of(format!("{prev} {d}").as_bytes()),
        };
        out.push(next);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_digest() {
        // `printf '' | sha256sum`
        assert_eq!(
            Digest::of(b"").to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn parse_display_short() {
        let s = "sha256:4a1153a11a4e0eebe84c8155105ea969c9f976afcd935a1fa00b0157a62f5e70";
        let d = Digest::parse(s).unwrap();
        assert_eq!(d.to_string(), s);
        assert_eq!(d.short(), "4a1153a11a4e");
        assert_eq!(format!("{d:?}"), format!("Digest({s})"));
        assert_eq!(s.parse::<Digest>().unwrap(), d);
    }

    #[test]
    fn parse_rejections() {
        assert!(matches!(
            Digest::parse("abc"),
            Err(DigestError::NoAlgorithm(_))
        ));
        assert_eq!(
            Digest::parse("sha512:00").unwrap_err().to_string(),
            "digest algorithm \"sha512\" is not supported (only sha256)"
        );
        assert!(matches!(
            Digest::parse("sha256:abc"),
            Err(DigestError::BadHex(_))
        ));
        let upper = format!("sha256:{}", "A".repeat(64));
        assert!(matches!(Digest::parse(&upper), Err(DigestError::BadHex(_))));
        let nonhex = format!("sha256:{}", "g".repeat(64));
        assert!(matches!(
            Digest::parse(&nonhex),
            Err(DigestError::BadHex(_))
        ));
    }

    #[test]
    fn serde_as_string() {
        let d = Digest::of(b"x");
        let j = serde_json::to_string(&d).unwrap();
        assert_eq!(j, format!("\"{d}\""));
        assert_eq!(serde_json::from_str::<Digest>(&j).unwrap(), d);
        assert!(serde_json::from_str::<Digest>("\"sha256:zz\"").is_err());
    }

    #[test]
    fn hasher_matches_one_shot() {
        let mut h = Hasher::new();
        h.update(b"hello ");
        h.update(b"world");
        assert_eq!(h.finish(), Digest::of(b"hello world"));
    }

    #[test]
    fn chain_ids_against_sha256sum() {
        // The three diff_ids of the image buildah built in tests/oci_buildah.rs
        // style (FROM scratch + COPY, then two more layers). The expected
        // chain IDs were computed with coreutils:
        //   printf '%s' "sha256:4a11…5e70 sha256:2596…2cb9" | sha256sum
        // and the third from that result and the third diff_id the same way.
        let d: Vec<Digest> = [
            "sha256:4a1153a11a4e0eebe84c8155105ea969c9f976afcd935a1fa00b0157a62f5e70",
            "sha256:25962e250ffed4a84d86f36fa0b7d64c983495a83536affc1dbf2516330d2cb9",
            "sha256:356cbd2b745318bca474ad140e3d6d629099dbdbebe530ef90bca6cc6aa4d835",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        let c = chain_ids(&d);
        assert_eq!(c[0], d[0]);
        assert_eq!(c[1].to_string(), CHAIN_1);
        assert_eq!(c[2].to_string(), CHAIN_2);
        assert!(chain_ids(&[]).is_empty());
    }

    const CHAIN_1: &str = "sha256:848d7f2b09cbb65a7b529e21e45e05109e9863cf041ceab85ffaba67e8101f9c";
    const CHAIN_2: &str = "sha256:202e750c6fa769bfbc22677bbc86774427ab83287bafeafca4f128311a6b1221";
}
