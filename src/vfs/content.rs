//! File contents. Most are bytes in memory; the rest — binaries of base
//! images and packages, package lists, downloads — are *generated*: a seed
//! and a length stand for deterministic bytes that are made when they are
//! streamed (into a layer tar, a digest) and never kept whole unless a
//! command reads them. Every build, on every target, makes the same layers.

use std::fmt;
use std::io::{self, Write};
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// A file's contents, shared between snapshots and layers without copying.
/// Derefs to the bytes (materialising generated contents once); [`len`]
/// (Data::len), [`chunks`](Data::chunks) and [`write_to`](Data::write_to)
/// never materialise.
#[derive(Clone)]
pub struct Data(Arc<Repr>);

enum Repr {
    Bytes(Box<[u8]>),
    Generated {
        seed: u64,
        len: u64,
        bytes: OnceLock<Box<[u8]>>,
    },
}

/// Bytes per generated block: the unit of noise-or-zeros, and of streaming.
const BLOCK: usize = 4096;

/// The share of generated blocks that are noise (per mille); the rest are
/// zeros. 360‰ makes gzip shrink a layer of generated files to about 36%,
/// the ratio of real images' layers (node:20: 1.1 GB → 390 MB).
const NOISE_PER_MILLE: u64 = 360;

/// `len` bytes of binary-like content for `seed`: the same everywhere, made
/// only when read.
pub fn generated(seed: &str, len: u64) -> Data {
    Data(Arc::new(Repr::Generated {
        seed: fnv1a(seed),
        len,
        bytes: OnceLock::new(),
    }))
}

fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

/// SplitMix64: a good 64-bit mix, used to seed each block.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Fills `out` with block `index` of the generated stream for `seed`
/// (`out` is at most [`BLOCK`] bytes: the last block may be short).
fn fill_block(seed: u64, index: u64, out: &mut [u8]) {
    let mut state = mix(seed ^ mix(index));
    if index > 0 && state % 1000 >= NOISE_PER_MILLE {
        out.fill(0);
        return;
    }
    for chunk in out.chunks_mut(8) {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let v = state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
        chunk.copy_from_slice(&v[..chunk.len()]);
    }
    if index == 0 {
        // An ELF header's first bytes, as the binaries these stand for have.
        let head = b"\x7fELF\x02\x01\x01\0";
        let n = head.len().min(out.len());
        out[..n].copy_from_slice(&head[..n]);
    }
}

impl Data {
    /// Bytes of content, without materialising generated contents.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        match &*self.0 {
            Repr::Bytes(b) => b.len(),
            Repr::Generated { len, .. } => *len as usize,
        }
    }

    pub fn size(&self) -> u64 {
        match &*self.0 {
            Repr::Bytes(b) => b.len() as u64,
            Repr::Generated { len, .. } => *len,
        }
    }

    /// Generated rather than held (it may still have been materialised).
    pub fn is_generated(&self) -> bool {
        matches!(&*self.0, Repr::Generated { .. })
    }

    pub fn ptr_eq(a: &Data, b: &Data) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// Calls `f` with the contents in order, a block at a time for generated
    /// contents (nothing is kept).
    pub fn chunks(&self, mut f: impl FnMut(&[u8])) {
        match &*self.0 {
            Repr::Bytes(b) => f(b),
            Repr::Generated { bytes, .. } if bytes.get().is_some() => f(&self[..]),
            Repr::Generated { seed, len, .. } => {
                let mut buf = [0u8; BLOCK * 16];
                let mut index = 0u64;
                let mut left = *len;
                while left > 0 {
                    let take = left.min(buf.len() as u64) as usize;
                    for (k, block) in buf[..take].chunks_mut(BLOCK).enumerate() {
                        fill_block(*seed, index + k as u64, block);
                    }
                    f(&buf[..take]);
                    index += take.div_ceil(BLOCK) as u64;
                    left -= take as u64;
                }
            }
        }
    }

    /// Streams the contents into `w`.
    pub fn write_to(&self, w: &mut dyn Write) -> io::Result<()> {
        let mut result = Ok(());
        self.chunks(|c| {
            if result.is_ok() {
                result = w.write_all(c);
            }
        });
        result
    }
}

impl Deref for Data {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &*self.0 {
            Repr::Bytes(b) => b,
            Repr::Generated { seed, len, bytes } => bytes.get_or_init(|| {
                let mut out = vec![0u8; *len as usize];
                for (index, block) in out.chunks_mut(BLOCK).enumerate() {
                    fill_block(*seed, index as u64, block);
                }
                out.into_boxed_slice()
            }),
        }
    }
}

impl PartialEq for Data {
    fn eq(&self, other: &Data) -> bool {
        if Data::ptr_eq(self, other) {
            return true;
        }
        match (&*self.0, &*other.0) {
            (
                Repr::Generated {
                    seed: a, len: x, ..
                },
                Repr::Generated {
                    seed: b, len: y, ..
                },
            ) if a == b && x == y => true,
            _ => self.len() == other.len() && self[..] == other[..],
        }
    }
}

impl Eq for Data {}

impl fmt::Debug for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Repr::Bytes(b) if b.len() <= 32 => write!(f, "{:?}", String::from_utf8_lossy(b)),
            Repr::Bytes(b) => write!(f, "<{} bytes>", b.len()),
            Repr::Generated { len, .. } => write!(f, "<{len} generated bytes>"),
        }
    }
}

impl Default for Data {
    fn default() -> Data {
        Data::from(Vec::new())
    }
}

impl From<Vec<u8>> for Data {
    fn from(v: Vec<u8>) -> Data {
        Data(Arc::new(Repr::Bytes(v.into_boxed_slice())))
    }
}

impl From<Box<[u8]>> for Data {
    fn from(v: Box<[u8]>) -> Data {
        Data(Arc::new(Repr::Bytes(v)))
    }
}

impl From<&[u8]> for Data {
    fn from(v: &[u8]) -> Data {
        Data::from(v.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Data {
    fn from(v: &[u8; N]) -> Data {
        Data::from(v.to_vec())
    }
}

impl From<&str> for Data {
    fn from(v: &str) -> Data {
        Data::from(v.as_bytes())
    }
}

impl From<String> for Data {
    fn from(v: String) -> Data {
        Data::from(v.into_bytes())
    }
}

impl From<Arc<[u8]>> for Data {
    fn from(v: Arc<[u8]>) -> Data {
        Data::from(&v[..])
    }
}

impl From<&Data> for Data {
    fn from(v: &Data) -> Data {
        v.clone()
    }
}

/// A small deterministic generator (xorshift64*) for text the catalog makes
/// (certificates, keys, checksums), seeded by a string.
pub struct Filler(u64);

impl Filler {
    pub fn new(seed: &str) -> Filler {
        Filler(fnv1a(seed) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_streams_what_it_materialises() {
        for len in [0u64, 1, 7, 4096, 4097, 70_000, 200_003] {
            let d = generated("/usr/bin/node", len);
            let mut streamed = Vec::new();
            d.write_to(&mut streamed).unwrap();
            assert_eq!(d.len() as u64, len);
            assert_eq!(streamed.len() as u64, len);
            assert_eq!(&streamed[..], &d[..], "len {len}");
        }
        assert_eq!(generated("a", 10), generated("a", 10));
        assert_ne!(generated("a", 10_000)[..], generated("b", 10_000)[..]);
        assert!(generated("x", 100).starts_with(b"\x7fELF"));
        assert_eq!(Data::from("hi"), Data::from(&b"hi"[..]));
    }

    #[test]
    fn generated_compresses_like_machine_code() {
        use std::io::Write as _;
        let d = generated("/usr/lib/libfoo.so", 4 << 20);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        d.write_to(&mut gz).unwrap();
        gz.flush().unwrap();
        let ratio = gz.finish().unwrap().len() as f64 / d.len() as f64;
        assert!((0.30..0.42).contains(&ratio), "ratio {ratio}");
    }
}
