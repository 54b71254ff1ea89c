//! A layer blob in one pass: tar bytes → (sha256 → diff_id) and
//! (gzip → sha256 → digest, blob). The uncompressed tar is never held whole.

use std::io::{self, Write};

use flate2::GzBuilder;

use super::{Entry, TarError, TarWriter};
use crate::oci::digest::{Digest, Hasher};
use crate::oci::image::media_types;

/// The gzip level every layer is compressed with. Gzip bytes depend on the
/// encoder and its level, so both are pinned (flate2 on zlib-rs, level 6,
/// zlib's and Go's default): the same entries give the same layer digest on
/// wasm32 and natively.
pub const GZIP_LEVEL: u32 = 6;

/// The gzip header's OS byte: 255 ("unknown"), as Go's gzip writes it.
const GZIP_OS_UNKNOWN: u8 = 255;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// `application/vnd.oci.image.layer.v1.tar`: digest == diff_id.
    None,
    /// `application/vnd.oci.image.layer.v1.tar+gzip`, pinned encoder and
    /// level, header mtime 0, no file name.
    Gzip,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// sha256 of the uncompressed tar (`rootfs.diff_ids`).
    pub diff_id: Digest,
    /// sha256 of `blob` (the manifest's layer descriptor).
    pub digest: Digest,
    /// Length of `blob`.
    pub size: u64,
    /// Length of the uncompressed tar.
    pub tar_size: u64,
    pub compression: Compression,
    pub blob: Vec<u8>,
}

impl Layer {
    pub fn media_type(&self) -> &'static str {
        match self.compression {
            Compression::None => media_types::OCI_LAYER_TAR,
            Compression::Gzip => media_types::OCI_LAYER_TAR_GZIP,
        }
    }
}

/// Writes `entries` in the order given (see [`super::sort_entries`]).
pub fn write_layer(entries: &[Entry], compression: Compression) -> Result<Layer, TarError> {
    let (mut layer, blob) = write_layer_to(entries, compression, Vec::new())?;
    layer.blob = blob;
    Ok(layer)
}

/// What [`write_layer`] gives without the blob (empty): its digests and
/// sizes, in a pass that holds neither the tar nor the compressed bytes.
pub fn measure_layer(entries: &[Entry], compression: Compression) -> Result<Layer, TarError> {
    Ok(write_layer_to(entries, compression, io::sink())?.0)
}

/// Writes the blob into `out` as it is made (a file: nothing is held); the
/// returned layer's `blob` is empty, `out` is handed back.
pub fn write_layer_to<W: Write>(
    entries: &[Entry],
    compression: Compression,
    out: W,
) -> Result<(Layer, W), TarError> {
    let out = HashingWriter {
        hasher: Hasher::new(),
        len: 0,
        inner: out,
    };
    let sink = match compression {
        Compression::None => Sink::Plain(out),
        Compression::Gzip => Sink::Gzip(Box::new(
            GzBuilder::new()
                .mtime(0)
                .operating_system(GZIP_OS_UNKNOWN)
                .write(out, flate2::Compression::new(GZIP_LEVEL)),
        )),
    };
    let mut w = TarWriter::new(Tee {
        hasher: Hasher::new(),
        size: 0,
        sink,
    });
    for e in entries {
        w.append(e)?;
    }
    let tee = w.finish()?;
    let tar_size = tee.size;
    let diff_id = tee.hasher.finish();
    let blob = match tee.sink {
        Sink::Plain(v) => v,
        Sink::Gzip(gz) => gz.finish().map_err(|e| TarError::Io(e.to_string()))?,
    };
    let digest = blob.hasher.finish();
    Ok((
        Layer {
            diff_id,
            digest,
            size: blob.len,
            tar_size,
            compression,
            blob: Vec::new(),
        },
        blob.inner,
    ))
}

struct Tee<W: Write> {
    hasher: Hasher,
    size: u64,
    sink: Sink<W>,
}

enum Sink<W: Write> {
    Plain(HashingWriter<W>),
    Gzip(Box<flate2::write::GzEncoder<HashingWriter<W>>>),
}

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = match &mut self.sink {
            Sink::Plain(v) => v.write(buf)?,
            Sink::Gzip(gz) => gz.write(buf)?,
        };
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        // A gzip flush would emit a sync block and change the bytes; the
        // encoder is finished explicitly instead.
        Ok(())
    }
}

/// Hashes and counts what passes through to `inner`.
struct HashingWriter<W: Write> {
    hasher: Hasher,
    len: u64,
    inner: W,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
