//! Deterministic file contents for what a simulated build cannot have for
//! real: binaries of base images and packages, downloads. The bytes depend
//! only on a seed string and a length, so every build, on every target, makes
//! the same layers.

use super::Data;

/// A small deterministic generator (xorshift64*), seeded per file.
pub struct Filler(u64);

impl Filler {
    pub fn new(seed: &str) -> Filler {
        // FNV-1a of the seed, never zero.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        Filler(h | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// `size` bytes like an ELF binary: a header, then alternating runs of
    /// noise and zeros.
    pub fn binary(seed: &str, size: usize) -> Data {
        let mut f = Filler::new(seed);
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(b"\x7fELF\x02\x01\x01\0");
        while out.len() < size {
            let run = 256 + (f.next_u64() % 1024) as usize;
            if f.next_u64().is_multiple_of(2) {
                while out.len() < size && run > 0 {
                    let v = f.next_u64().to_le_bytes();
                    let take = (size - out.len()).min(8);
                    out.extend_from_slice(&v[..take]);
                    if out.len() % run < 8 {
                        break;
                    }
                }
            } else {
                let take = (size - out.len()).min(run);
                out.resize(out.len() + take, 0);
            }
        }
        out.truncate(size);
        out.into()
    }
}

/// `len` bytes of binary-like content (an ELF header, then runs of noise and
/// zeros, so it compresses about as well as machine code), the same for the
/// same seed everywhere.
pub fn generated(seed: &str, len: u64) -> Data {
    Filler::binary(seed, len as usize)
}
