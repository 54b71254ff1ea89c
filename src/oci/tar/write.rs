//! The tar writer. Every choice below reproduces Go's `archive/tar` writer
//! as buildah drives it; the comments name the Go behaviour being matched.

use std::io::Write;

use super::{Entry, EntryKind, TarError, WHITEOUT_PREFIX, split_parent};

const BLOCK: usize = 512;
const NAME_LEN: usize = 100;
const PREFIX_LEN: usize = 155;
/// Go refuses PAX headers larger than this.
const MAX_PAX_DATA: usize = 1 << 20;

const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const S_IFLNK: u32 = 0o120000;

/// Writes entries to `out` one at a time, never holding more than one header
/// and the current file's content.
pub struct TarWriter<W: Write> {
    out: W,
    index: usize,
    written: u64,
}

impl<W: Write> TarWriter<W> {
    pub fn new(out: W) -> TarWriter<W> {
        TarWriter {
            out,
            index: 0,
            written: 0,
        }
    }

    /// Bytes of tar written so far.
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    pub fn append(&mut self, entry: &Entry) -> Result<(), TarError> {
        let index = self.index;
        let invalid = |reason: &str| TarError::InvalidEntry {
            index,
            name: entry.path.clone(),
            reason: reason.to_string(),
        };
        validate(entry).map_err(invalid)?;
        let h = HeaderFields::of(entry);
        let pax = h.pax_records();
        if pax.is_empty() {
            let block = h.ustar_block();
            self.put(&block)?;
        } else {
            let data = pax_data(&pax);
            if data.len() > MAX_PAX_DATA {
                return Err(invalid("the path is too long for a tar header"));
            }
            let block = pax_block(&h.name, data.len() as u64);
            self.put(&block)?;
            self.put(data.as_bytes())?;
            self.pad(data.len() as u64)?;
            let block = h.pax_main_block();
            self.put(&block)?;
        }
        if let EntryKind::File(content) = &entry.kind {
            let mut result = Ok(());
            content.chunks(|c| {
                if result.is_ok() {
                    result = self.put(c);
                }
            });
            result?;
            self.pad(content.size())?;
        }
        self.index += 1;
        Ok(())
    }

    /// Writes the end of the archive (two zero blocks, no padding to a
    /// record size, as Go does) and returns the sink.
    pub fn finish(mut self) -> Result<W, TarError> {
        self.put(&[0u8; 2 * BLOCK])?;
        self.out.flush().map_err(|e| TarError::Io(e.to_string()))?;
        Ok(self.out)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), TarError> {
        self.out
            .write_all(bytes)
            .map_err(|e| TarError::Io(e.to_string()))?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    fn pad(&mut self, len: u64) -> Result<(), TarError> {
        let rem = (len % BLOCK as u64) as usize;
        if rem != 0 {
            self.put(&[0u8; BLOCK][..BLOCK - rem])?;
        }
        Ok(())
    }
}

/// The whole tar in memory (for tests and small archives; layers go through
/// [`super::write_layer`], which streams).
pub fn write_tar(entries: &[Entry]) -> Result<Vec<u8>, TarError> {
    let mut w = TarWriter::new(Vec::new());
    for e in entries {
        w.append(e)?;
    }
    w.finish()
}

fn validate(e: &Entry) -> Result<(), &'static str> {
    let marker = matches!(e.kind, EntryKind::Opaque | EntryKind::Whiteout);
    check_path(&e.path, matches!(e.kind, EntryKind::Opaque))?;
    // Every reader would take such a name for a deletion.
    if !marker && split_parent(&e.path).1.starts_with(WHITEOUT_PREFIX) {
        return Err("names starting with .wh. are reserved for whiteouts");
    }
    if e.mode > 0o7777 {
        return Err("mode has bits beyond 0o7777 (file-type bits are added by the writer)");
    }
    match &e.kind {
        EntryKind::Symlink(t) if t.is_empty() => Err("empty symlink target"),
        EntryKind::Symlink(t) if t.contains('\0') => Err("NUL in symlink target"),
        EntryKind::Hardlink(t) => check_path(t, false).map_err(|_| {
            "hard link target must be a relative path inside the layer (no '.', '..', empty components, leading or trailing '/')"
        }),
        _ => Ok(()),
    }
}

fn check_path(p: &str, root_ok: bool) -> Result<(), &'static str> {
    if p.is_empty() {
        return if root_ok { Ok(()) } else { Err("empty path") };
    }
    if p.contains('\0') {
        return Err("NUL in path");
    }
    if p.split('/').any(|c| c.is_empty() || c == "." || c == "..") {
        return Err(
            "path must be relative to the layer root (no '.', '..', empty components, leading or trailing '/')",
        );
    }
    Ok(())
}

/// The values Go's `tar.Header` would carry for this entry.
struct HeaderFields {
    name: String,
    link: String,
    mode: u32,
    uid: u64,
    gid: u64,
    size: u64,
    mtime: i64,
    typeflag: u8,
}

impl HeaderFields {
    fn of(e: &Entry) -> HeaderFields {
        let perm = e.mode & 0o7777;
        let (typeflag, mode, link, size) = match &e.kind {
            EntryKind::File(c) => (b'0', S_IFREG | perm, String::new(), c.len() as u64),
            EntryKind::Dir => (b'5', S_IFDIR | perm, String::new(), 0),
            EntryKind::Symlink(t) => (b'2', S_IFLNK | perm, t.clone(), 0),
            // Go's FileInfoHeader keeps the regular-file mode on the second
            // path of an inode; only the type flag and size change.
            EntryKind::Hardlink(t) => (b'1', S_IFREG | perm, t.clone(), 0),
            EntryKind::Whiteout => (b'0', 0, String::new(), 0),
            EntryKind::Opaque => (b'0', perm & 0o777, String::new(), 0),
        };
        let (uid, gid) = match e.kind {
            EntryKind::Whiteout => (0, 0),
            _ => (u64::from(e.uid), u64::from(e.gid)),
        };
        HeaderFields {
            name: e.tar_name(),
            link,
            mode,
            uid,
            gid,
            size,
            mtime: e.mtime,
            typeflag,
        }
    }

    /// Go's `Header.allowedFormats`: the PAX records this header needs, or
    /// none when USTAR can encode it. A long ASCII name that USTAR can split
    /// still gets a `path` record, used only if something else forces PAX.
    fn pax_records(&self) -> Vec<(&'static str, String)> {
        let mut recs = Vec::new();
        let mut ustar_ok = true;
        if !is_ascii(&self.name) || self.name.len() > NAME_LEN {
            ustar_ok &= split_ustar(&self.name).is_some();
            recs.push(("path", self.name.clone()));
        }
        if !is_ascii(&self.link) || self.link.len() > NAME_LEN {
            ustar_ok = false;
            recs.push(("linkpath", self.link.clone()));
        }
        for (key, v, width) in [
            ("uid", self.uid, 8),
            ("gid", self.gid, 8),
            ("size", self.size, 12),
        ] {
            if !fits_octal(width, v as i64) {
                ustar_ok = false;
                recs.push((key, v.to_string()));
            }
        }
        if !fits_octal(12, self.mtime) {
            ustar_ok = false;
            recs.push(("mtime", self.mtime.to_string()));
        }
        if ustar_ok {
            return Vec::new();
        }
        recs.sort_by_key(|r| r.0);
        recs
    }

    fn common(&self, name: &str, link: &str) -> [u8; BLOCK] {
        let mut b = [0u8; BLOCK];
        format_string(&mut b[0..100], name);
        format_octal(&mut b[100..108], i64::from(self.mode));
        format_octal(&mut b[108..116], self.uid as i64);
        format_octal(&mut b[116..124], self.gid as i64);
        format_octal(&mut b[124..136], self.size as i64);
        format_octal(&mut b[136..148], self.mtime);
        b[156] = self.typeflag;
        format_string(&mut b[157..257], link);
        // uname and gname stay empty; devmajor/devminor are formatted.
        format_octal(&mut b[329..337], 0);
        format_octal(&mut b[337..345], 0);
        b
    }

    fn ustar_block(&self) -> [u8; BLOCK] {
        let (prefix, name) = split_ustar(&self.name).unwrap_or(("", self.name.as_str()));
        let mut b = self.common(name, &self.link);
        format_string(&mut b[345..500], prefix);
        finish_block(&mut b);
        b
    }

    /// The header after a PAX `x` header: Go strips non-ASCII characters
    /// from its strings, truncates them, writes 0 for numbers that do not
    /// fit, and never uses the prefix field.
    fn pax_main_block(&self) -> [u8; BLOCK] {
        let mut b = self.common(&to_ascii(&self.name), &to_ascii(&self.link));
        finish_block(&mut b);
        b
    }
}

/// Go's `writeRawFile` header for the PAX records: named
/// `<dir>/PaxHeaders.0/<base>` (ASCII only, at most 100 bytes, trailing `/`
/// trimmed), numbers 0, device fields left NUL.
fn pax_block(real_name: &str, size: u64) -> [u8; BLOCK] {
    let (dir, file) = match real_name.rfind('/') {
        Some(i) => (&real_name[..i], &real_name[i + 1..]),
        None => ("", real_name),
    };
    let mut name = String::new();
    for part in [dir, "PaxHeaders.0", file] {
        if !part.is_empty() {
            if !name.is_empty() {
                name.push('/');
            }
            name.push_str(part);
        }
    }
    let mut name = to_ascii(&name);
    name.truncate(NAME_LEN);
    let name = name.trim_end_matches('/');
    let mut b = [0u8; BLOCK];
    format_string(&mut b[0..100], name);
    format_octal(&mut b[100..108], 0);
    format_octal(&mut b[108..116], 0);
    format_octal(&mut b[116..124], 0);
    format_octal(&mut b[124..136], size as i64);
    format_octal(&mut b[136..148], 0);
    b[156] = b'x';
    finish_block(&mut b);
    b
}

/// Records `"<len> <key>=<value>\n"`, where `<len>` counts itself.
pub(super) fn pax_data(records: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (k, v) in records {
        let body = k.len() + v.len() + 3;
        let mut size = body + body.to_string().len();
        if size.to_string().len() + body != size {
            size = body + size.to_string().len();
        }
        out.push_str(&format!("{size} {k}={v}\n"));
    }
    out
}

/// Go's `splitUSTARPath`.
pub(super) fn split_ustar(name: &str) -> Option<(&str, &str)> {
    let mut length = name.len();
    if length <= NAME_LEN || !is_ascii(name) {
        return None;
    }
    if length > PREFIX_LEN + 1 {
        length = PREFIX_LEN + 1;
    } else if name.as_bytes()[length - 1] == b'/' {
        length -= 1;
    }
    let i = name[..length].rfind('/')?;
    let (prefix, suffix) = (&name[..i], &name[i + 1..]);
    if i == 0 || suffix.len() > NAME_LEN || suffix.is_empty() || prefix.len() > PREFIX_LEN {
        return None;
    }
    Some((prefix, suffix))
}

fn is_ascii(s: &str) -> bool {
    s.bytes().all(|b| b < 0x80 && b != 0)
}

fn to_ascii(s: &str) -> String {
    s.chars()
        .filter(|&c| (c as u32) < 0x80 && c != '\0')
        .collect()
}

fn fits_octal(width: usize, x: i64) -> bool {
    let bits = (width - 1) * 3;
    x >= 0 && (bits >= 63 || x < 1i64 << bits)
}

/// Go's `formatter.formatString`: copy, NUL-terminate when there is room,
/// and when a truncated string leaves a `/` in the last byte, end the field
/// before the trailing slashes (old readers would take it for a directory).
fn format_string(field: &mut [u8], s: &str) {
    let s = s.as_bytes();
    let n = s.len().min(field.len());
    field[..n].copy_from_slice(&s[..n]);
    if s.len() < field.len() {
        field[s.len()] = 0;
    }
    let last = field.len() - 1;
    if s.len() > field.len() && field[last] == b'/' {
        let kept = s[..last]
            .iter()
            .rposition(|&c| c != b'/')
            .map_or(0, |i| i + 1);
        field[kept] = 0;
    }
}

/// Go's `formatter.formatOctal`: zero-padded to the width less one, then
/// NUL; a value that does not fit is written as 0 (PAX carries it).
fn format_octal(field: &mut [u8], x: i64) {
    let x = if fits_octal(field.len(), x) { x } else { 0 };
    let s = format!("{:0width$o}", x, width = field.len() - 1);
    format_string(field, &s);
}

/// USTAR magic and version, then the checksum as Go writes it: six octal
/// digits, NUL, space, computed with the checksum field as spaces.
fn finish_block(b: &mut [u8; BLOCK]) {
    b[257..263].copy_from_slice(b"ustar\0");
    b[263..265].copy_from_slice(b"00");
    b[148..156].copy_from_slice(b"        ");
    let sum: u32 = b.iter().map(|&c| u32::from(c)).sum();
    format_octal(&mut b[148..155], i64::from(sum));
    b[155] = b' ';
}
