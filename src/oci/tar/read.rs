//! The bounded tar reader: gzip or plain, ustar/GNU/PAX, whiteouts mapped
//! back to entries, paths normalised and kept inside the root. Every input is
//! untrusted, so sizes are checked before anything is allocated for them.

use std::io::Read;

use flate2::read::MultiGzDecoder;

use super::{
    Entry, EntryKind, OPAQUE, TarError, WHITEOUT_META_PREFIX, WHITEOUT_PREFIX, split_parent,
};

const BLOCK: usize = 512;
/// Go's reader refuses PAX and GNU long-name data larger than this.
const MAX_META_DATA: u64 = 1 << 20;

/// Bounds on what one archive may make the reader hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Entries returned (whiteouts and directories count).
    pub max_entries: usize,
    /// Bytes of tar stream after decompression, headers and padding
    /// included: this bounds memory and stops a gzip bomb.
    pub max_expanded_bytes: u64,
    /// Bytes in one path or hard link target, before normalisation.
    pub max_path_len: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_entries: 100_000,
            max_expanded_bytes: 1 << 30,
            max_path_len: 4096,
        }
    }
}

/// Reads a layer or a build-context archive (gzip is detected by its magic
/// bytes `1f 8b`). Leading `/` and `./` are normalised away and `.`/`..`
/// components resolved lexically; a path or hard link target that would
/// leave the root is an error. The root entry itself (`./`) is dropped, and
/// aufs metadata (`.wh..wh.*` other than the opaque marker) is skipped.
pub fn read_layer(bytes: &[u8], limits: &Limits) -> Result<Vec<Entry>, TarError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        Reader::new(MultiGzDecoder::new(bytes), limits).read_all()
    } else {
        Reader::new(bytes, limits).read_all()
    }
}

struct Reader<'l, R: Read> {
    src: R,
    limits: &'l Limits,
    consumed: u64,
    index: usize,
    /// The name of the entry being read, for errors.
    name: String,
    out: Vec<Entry>,
}

/// What PAX and GNU headers say about the next entry.
#[derive(Default)]
struct Pending {
    path: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
    size: Option<u64>,
    uid: Option<u64>,
    gid: Option<u64>,
    mtime: Option<i64>,
}

impl<'l, R: Read> Reader<'l, R> {
    fn new(src: R, limits: &'l Limits) -> Self {
        Reader {
            src,
            limits,
            consumed: 0,
            index: 0,
            name: String::new(),
            out: Vec::new(),
        }
    }

    fn read_all(mut self) -> Result<Vec<Entry>, TarError> {
        let mut pending = Pending::default();
        loop {
            self.name.clear();
            let mut block = [0u8; BLOCK];
            if !self.read_block(&mut block)? {
                // Go's reader also accepts an archive that ends without its
                // zero blocks, as long as it ends between entries.
                if pending.path.is_some() || pending.link.is_some() || pending.size.is_some() {
                    return Err(self.truncated());
                }
                break;
            }
            if block.iter().all(|&b| b == 0) {
                break;
            }
            self.name = header_name(&block);
            self.check_checksum(&block)?;
            let typeflag = block[156];
            let size = match typeflag {
                b'x' | b'g' | b'L' | b'K' => self.number(&block[124..136], "size")?,
                _ => match pending.size {
                    Some(s) => s,
                    None => self.number(&block[124..136], "size")?,
                },
            };
            match typeflag {
                b'x' | b'g' => {
                    let data = self.read_meta(size)?;
                    if typeflag == b'x' {
                        self.apply_pax(&data, &mut pending)?;
                    }
                    continue;
                }
                b'L' | b'K' => {
                    if size > self.limits.max_path_len as u64 + 1 {
                        return Err(TarError::PathTooLong {
                            index: self.index,
                            len: size as usize,
                            limit: self.limits.max_path_len,
                        });
                    }
                    let mut data = self.read_meta(size)?;
                    if let Some(end) = data.iter().position(|&b| b == 0) {
                        data.truncate(end);
                    }
                    if typeflag == b'L' {
                        pending.path = Some(data);
                    } else {
                        pending.link = Some(data);
                    }
                    continue;
                }
                _ => {}
            }
            let pending = std::mem::take(&mut pending);
            self.entry(&block, typeflag, size, pending)?;
        }
        Ok(self.out)
    }

    fn entry(
        &mut self,
        block: &[u8; BLOCK],
        typeflag: u8,
        size: u64,
        p: Pending,
    ) -> Result<(), TarError> {
        let raw_name = match p.path {
            Some(n) => n,
            None => ustar_name(block),
        };
        self.name = String::from_utf8_lossy(&raw_name).into_owned();
        let raw_link = p.link.unwrap_or_else(|| cstr(&block[157..257]).to_vec());
        for len in [raw_name.len(), raw_link.len()] {
            if len > self.limits.max_path_len {
                return Err(TarError::PathTooLong {
                    index: self.index,
                    len,
                    limit: self.limits.max_path_len,
                });
            }
        }
        let name = self.utf8(raw_name, "name")?;
        let link = self.utf8(raw_link, "link target")?;
        let mode = self.number(&block[100..108], "mode")? as u32 & 0o7777;
        let uid = self.id(p.uid, &block[108..116], "uid")?;
        let gid = self.id(p.gid, &block[116..124], "gid")?;
        let mtime = match p.mtime {
            Some(m) => m,
            None => self.number(&block[136..148], "mtime")? as i64,
        };

        let kind = match typeflag {
            // V7 and old GNU tars mark directories with a trailing slash on a
            // regular-file type.
            b'0' | 0 | b'7' if typeflag == 0 && name.ends_with('/') => EntryKind::Dir,
            b'0' | 0 | b'7' => EntryKind::File(self.read_content(size)?.into()),
            b'5' => EntryKind::Dir,
            b'2' => {
                if link.is_empty() {
                    return Err(self.bad("a symlink with an empty target"));
                }
                EntryKind::Symlink(link)
            }
            b'1' => match normalize(&link) {
                Ok(Some(t)) => EntryKind::Hardlink(t),
                Ok(None) => return Err(self.bad("a hard link to the root directory")),
                Err(()) => {
                    return Err(TarError::LinkEscape {
                        index: self.index,
                        name: self.name.clone(),
                        target: link,
                    });
                }
            },
            other => {
                return Err(TarError::Unsupported {
                    index: self.index,
                    name: self.name.clone(),
                    kind: type_name(other),
                });
            }
        };
        // Links and directories carry no data whatever their size field
        // says; Go's reader reads none for them either.

        let path = match normalize(&name) {
            Ok(Some(p)) => p,
            Ok(None) => return Ok(()), // the root entry
            Err(()) => {
                return Err(TarError::Escape {
                    index: self.index,
                    name: self.name.clone(),
                });
            }
        };
        let (dir, base) = split_parent(&path);
        let (path, kind, mode) = if base == OPAQUE {
            (dir.to_string(), EntryKind::Opaque, mode)
        } else if base.starts_with(WHITEOUT_META_PREFIX) {
            return Ok(());
        } else if let Some(deleted) = base.strip_prefix(WHITEOUT_PREFIX) {
            if deleted.is_empty() || deleted == "." || deleted == ".." {
                return Err(self.bad("a whiteout that names no file"));
            }
            let path = if dir.is_empty() {
                deleted.to_string()
            } else {
                format!("{dir}/{deleted}")
            };
            (path, EntryKind::Whiteout, 0)
        } else {
            (path, kind, mode)
        };

        if self.out.len() >= self.limits.max_entries {
            return Err(TarError::TooManyEntries {
                index: self.index,
                name: self.name.clone(),
                limit: self.limits.max_entries,
            });
        }
        self.out.push(Entry {
            path,
            kind,
            mode,
            uid,
            gid,
            mtime,
        });
        self.index += 1;
        Ok(())
    }

    fn apply_pax(&self, data: &[u8], p: &mut Pending) -> Result<(), TarError> {
        let mut rest = data;
        while !rest.is_empty() {
            let sp = rest
                .iter()
                .position(|&b| b == b' ')
                .ok_or_else(|| self.bad("bad PAX record"))?;
            let len: usize = std::str::from_utf8(&rest[..sp])
                .ok()
                .and_then(|s| s.parse().ok())
                .filter(|&n: &usize| n > sp + 1 && n <= rest.len())
                .ok_or_else(|| self.bad("bad PAX record length"))?;
            let rec = &rest[sp + 1..len];
            rest = &rest[len..];
            let rec = rec
                .strip_suffix(b"\n")
                .ok_or_else(|| self.bad("PAX record without newline"))?;
            let eq = rec
                .iter()
                .position(|&b| b == b'=')
                .ok_or_else(|| self.bad("PAX record without '='"))?;
            let (key, value) = (&rec[..eq], &rec[eq + 1..]);
            let num = |what: &str| -> Result<u64, TarError> {
                std::str::from_utf8(value)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| self.bad(&format!("bad PAX {what}")))
            };
            match key {
                b"path" => p.path = Some(value.to_vec()),
                b"linkpath" => p.link = Some(value.to_vec()),
                b"size" => p.size = Some(num("size")?),
                b"uid" => p.uid = Some(num("uid")?),
                b"gid" => p.gid = Some(num("gid")?),
                b"mtime" => {
                    p.mtime = Some(pax_time(value).ok_or_else(|| self.bad("bad PAX mtime"))?)
                }
                k if k.starts_with(b"GNU.sparse.") => {
                    return Err(TarError::Unsupported {
                        index: self.index,
                        name: self.name.clone(),
                        kind: "sparse file".into(),
                    });
                }
                // atime, ctime, uname, gname, xattrs: layerlab's entries have
                // no place for them.
                _ => {}
            }
        }
        Ok(())
    }

    /// Reads one block; false at a clean end of input.
    fn read_block(&mut self, block: &mut [u8; BLOCK]) -> Result<bool, TarError> {
        let n = self.fill(block)?;
        if n == 0 {
            return Ok(false);
        }
        self.charge(BLOCK as u64)?;
        if n < BLOCK {
            return Err(self.truncated());
        }
        Ok(true)
    }

    fn read_meta(&mut self, size: u64) -> Result<Vec<u8>, TarError> {
        if size > MAX_META_DATA {
            return Err(self.bad("PAX or GNU long-name data over 1 MiB"));
        }
        self.read_content(size)
    }

    /// Reads `size` bytes and the padding after them. The budget is charged
    /// first and memory grows only with bytes actually read, so neither a
    /// huge claimed size nor a bomb gets allocated.
    fn read_content(&mut self, size: u64) -> Result<Vec<u8>, TarError> {
        let padded = size.div_ceil(BLOCK as u64) * BLOCK as u64;
        self.charge(padded)?;
        let mut data = Vec::with_capacity(size.min(1 << 20) as usize);
        let got = (&mut self.src)
            .take(size)
            .read_to_end(&mut data)
            .map_err(|e| self.io_error(e))?;
        if (got as u64) < size {
            return Err(self.truncated());
        }
        self.discard(padded - size)?;
        Ok(data)
    }

    fn discard(&mut self, n: u64) -> Result<(), TarError> {
        let got = std::io::copy(&mut (&mut self.src).take(n), &mut std::io::sink())
            .map_err(|e| self.io_error(e))?;
        if got < n {
            return Err(self.truncated());
        }
        Ok(())
    }

    fn charge(&mut self, n: u64) -> Result<(), TarError> {
        self.consumed = self.consumed.saturating_add(n);
        if self.consumed > self.limits.max_expanded_bytes {
            return Err(TarError::TooLarge {
                index: self.index,
                name: self.name.clone(),
                limit: self.limits.max_expanded_bytes,
            });
        }
        Ok(())
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, TarError> {
        let mut n = 0;
        while n < buf.len() {
            match self.src.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_error(e)),
            }
        }
        Ok(n)
    }

    fn check_checksum(&self, b: &[u8; BLOCK]) -> Result<(), TarError> {
        let stored = parse_octal(&b[148..156]);
        // Historic writers summed signed bytes; accept either sum, as Go and
        // GNU tar do.
        let (mut unsigned, mut signed) = (0i64, 0i64);
        for (i, &c) in b.iter().enumerate() {
            let c = if (148..156).contains(&i) { b' ' } else { c };
            unsigned += i64::from(c);
            signed += i64::from(c as i8);
        }
        match stored {
            Some(s) if s as i64 == unsigned || s as i64 == signed => Ok(()),
            _ => Err(TarError::BadChecksum {
                index: self.index,
                name: self.name.clone(),
            }),
        }
    }

    fn number(&self, field: &[u8], what: &str) -> Result<u64, TarError> {
        if field[0] & 0x80 != 0 {
            // GNU base-256: a positive big-endian number after the marker.
            if field[0] == 0xff {
                return Err(self.bad(&format!("negative {what}")));
            }
            let mut v: u64 = u64::from(field[0] & 0x7f);
            for &c in &field[1..] {
                v = v
                    .checked_mul(256)
                    .and_then(|v| v.checked_add(u64::from(c)))
                    .ok_or_else(|| self.bad(&format!("{what} out of range")))?;
            }
            return Ok(v);
        }
        parse_octal(field).ok_or_else(|| self.bad(&format!("bad {what} field")))
    }

    fn id(&self, pax: Option<u64>, field: &[u8], what: &str) -> Result<u32, TarError> {
        let v = match pax {
            Some(v) => v,
            None => self.number(field, what)?,
        };
        u32::try_from(v).map_err(|_| self.bad(&format!("{what} {v} out of range")))
    }

    fn utf8(&self, raw: Vec<u8>, what: &str) -> Result<String, TarError> {
        String::from_utf8(raw).map_err(|_| self.bad(&format!("the {what} is not UTF-8")))
    }

    fn bad(&self, reason: &str) -> TarError {
        TarError::BadHeader {
            index: self.index,
            name: self.name.clone(),
            reason: reason.into(),
        }
    }

    fn truncated(&self) -> TarError {
        TarError::Truncated {
            index: self.index,
            name: self.name.clone(),
        }
    }

    fn io_error(&self, e: std::io::Error) -> TarError {
        // Reading from a slice cannot fail, so an error is the decoder's.
        TarError::Gzip(format!("{e} (in entry #{} {:?})", self.index, self.name))
    }
}

/// The name as the header block spells it, for error messages before PAX
/// and GNU names are applied.
fn header_name(b: &[u8; BLOCK]) -> String {
    String::from_utf8_lossy(&ustar_name(b)).into_owned()
}

fn ustar_name(b: &[u8; BLOCK]) -> Vec<u8> {
    let name = cstr(&b[0..100]);
    // Only POSIX ustar has a prefix field; GNU keeps other data there.
    if &b[257..263] == b"ustar\0" {
        let prefix = cstr(&b[345..500]);
        if !prefix.is_empty() {
            let mut full = prefix.to_vec();
            full.push(b'/');
            full.extend_from_slice(name);
            return full;
        }
    }
    name.to_vec()
}

fn cstr(field: &[u8]) -> &[u8] {
    match field.iter().position(|&b| b == 0) {
        Some(i) => &field[..i],
        None => field,
    }
}

fn parse_octal(field: &[u8]) -> Option<u64> {
    let s = cstr(field);
    let s = std::str::from_utf8(s).ok()?.trim_matches(' ');
    if s.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(s, 8).ok()
}

/// PAX times are decimal seconds with an optional fraction; layerlab keeps
/// whole seconds, rounding towards negative infinity like Go's `time.Unix`.
pub(super) fn pax_time(v: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(v).ok()?;
    let (secs, frac) = match s.split_once('.') {
        Some((a, b)) => (a, b),
        None => (s, ""),
    };
    if !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = secs.parse().ok()?;
    let has_fraction = frac.bytes().any(|c| c != b'0');
    Some(if whole < 0 || secs.starts_with('-') {
        whole - i64::from(has_fraction)
    } else {
        whole
    })
}

/// Lexically resolves `path` inside the root: `None` for the root itself,
/// `Err` when `..` climbs above it.
pub(super) fn normalize(path: &str) -> Result<Option<String>, ()> {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or(())?;
            }
            c => parts.push(c),
        }
    }
    Ok(if parts.is_empty() {
        None
    } else {
        Some(parts.join("/"))
    })
}

fn type_name(t: u8) -> String {
    match t {
        b'3' => "character device".into(),
        b'4' => "block device".into(),
        b'6' => "FIFO".into(),
        b'S' => "sparse file".into(),
        t if t.is_ascii_graphic() => format!("type '{}'", t as char),
        t => format!("type {t:#04x}"),
    }
}
