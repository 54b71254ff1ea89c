//! Where builds keep what they make: content-addressed blobs (layers,
//! configs, manifests), named images, and the build cache's records.
//!
//! One trait, two homes: [`MemoryStore`] for the page (and tests), an OCI
//! image layout on disk for the CLI (`cli::store`). The build engine writes
//! blobs first and names images last, so a failed build leaves every name as
//! it was.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::oci::digest::Digest;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("image store: {0}")]
pub struct StoreError(pub String);

/// A layer as a cache record and an image refer to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerRef {
    /// sha256 of the blob as stored (gzip).
    pub digest: String,
    /// sha256 of the uncompressed tar.
    pub diff_id: String,
    /// Bytes of the stored blob.
    pub size: u64,
    pub media_type: String,
}

/// What one build step left behind, found again by its cache key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheRecord {
    pub key: String,
    /// The key of the step before (the chain), for explaining misses.
    pub parent: String,
    /// Order of creation, newest highest: the store's own counter, not a clock.
    pub seq: u64,
    /// The instruction as the log shows it.
    pub instruction: String,
    /// What went into the key besides the parent and the instruction:
    /// `file:<path>` → digest, `arg:<name>` → value, `env:<name>` → value.
    pub inputs: BTreeMap<String, String>,
    /// The layer the step made; `None` when it changed no file.
    pub layer: Option<LayerRef>,
}

/// An image the store names: its manifest and every tag pointing at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageEntry {
    pub manifest: Digest,
    pub manifest_size: u64,
    /// Full names (`docker.io/library/app:latest`), sorted.
    pub tags: Vec<String>,
}

pub trait Store {
    fn blob(&self, digest: &Digest) -> Result<Option<Arc<[u8]>>, StoreError>;
    fn has_blob(&self, digest: &Digest) -> bool;
    /// Stores bytes whose sha256 the caller computed as `digest`.
    fn put_blob(&mut self, digest: &Digest, bytes: Arc<[u8]>) -> Result<(), StoreError>;
    /// Records the blob of the catalog layer named `id` (whose digest and
    /// size are memoised): by default made and stored like any blob; a store
    /// may instead keep only the name and make the bytes when they are read.
    fn put_catalog_layer(
        &mut self,
        digest: &Digest,
        id: &str,
        size: u64,
    ) -> Result<(), StoreError> {
        let _ = size;
        if self.has_blob(digest) {
            return Ok(());
        }
        let bytes = super::catalog::layer_blob(id).map_err(StoreError)?;
        self.put_blob(digest, bytes)
    }
    fn delete_blob(&mut self, digest: &Digest) -> Result<(), StoreError>;
    fn blobs(&self) -> Vec<(Digest, u64)>;

    /// Every image, tagged or not.
    fn images(&self) -> Vec<ImageEntry>;
    /// Points `name` at a manifest (moving it away from any other image, which
    /// stays in the store untagged: dangling).
    fn tag(&mut self, name: &str, manifest: &Digest, manifest_size: u64) -> Result<(), StoreError>;
    /// Removes a name; the image stays.
    fn untag(&mut self, name: &str) -> Result<(), StoreError>;
    /// Adds an untagged image (or keeps it if present).
    fn add_image(&mut self, manifest: &Digest, manifest_size: u64) -> Result<(), StoreError>;
    /// Forgets an image and its names (its blobs stay until collected).
    fn remove_image(&mut self, manifest: &Digest) -> Result<(), StoreError>;

    fn cache_get(&self, key: &str) -> Option<CacheRecord>;
    fn cache_children(&self, parent: &str) -> Vec<CacheRecord>;
    /// Stores a record, giving it the next sequence number.
    fn cache_put(&mut self, record: CacheRecord) -> Result<(), StoreError>;
    fn cache_clear(&mut self) -> Result<usize, StoreError>;
    fn cache_records(&self) -> Vec<CacheRecord>;
}

/// The store of the page and the tests: everything in memory.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    blobs: BTreeMap<Digest, Arc<[u8]>>,
    /// Catalog layers held by name and size: their bytes (up to hundreds of
    /// megabytes for node's) are made only when read.
    catalog: BTreeMap<Digest, (String, u64)>,
    /// manifest → (size, tags)
    images: BTreeMap<Digest, (u64, Vec<String>)>,
    cache: BTreeMap<String, CacheRecord>,
    seq: u64,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }
}

impl Store for MemoryStore {
    fn blob(&self, digest: &Digest) -> Result<Option<Arc<[u8]>>, StoreError> {
        if let Some(b) = self.blobs.get(digest) {
            return Ok(Some(b.clone()));
        }
        match self.catalog.get(digest) {
            Some((id, _)) => super::catalog::layer_blob(id).map(Some).map_err(StoreError),
            None => Ok(None),
        }
    }

    fn has_blob(&self, digest: &Digest) -> bool {
        self.blobs.contains_key(digest) || self.catalog.contains_key(digest)
    }

    fn put_catalog_layer(
        &mut self,
        digest: &Digest,
        id: &str,
        size: u64,
    ) -> Result<(), StoreError> {
        if !self.blobs.contains_key(digest) {
            self.catalog.insert(*digest, (id.to_string(), size));
        }
        Ok(())
    }

    fn put_blob(&mut self, digest: &Digest, bytes: Arc<[u8]>) -> Result<(), StoreError> {
        self.blobs.entry(*digest).or_insert(bytes);
        Ok(())
    }

    fn delete_blob(&mut self, digest: &Digest) -> Result<(), StoreError> {
        self.blobs.remove(digest);
        self.catalog.remove(digest);
        Ok(())
    }

    fn blobs(&self) -> Vec<(Digest, u64)> {
        let mut out: Vec<(Digest, u64)> = self
            .blobs
            .iter()
            .map(|(d, b)| (*d, b.len() as u64))
            .chain(self.catalog.iter().map(|(d, (_, n))| (*d, *n)))
            .collect();
        out.sort();
        out
    }

    fn images(&self) -> Vec<ImageEntry> {
        self.images
            .iter()
            .map(|(d, (size, tags))| ImageEntry {
                manifest: *d,
                manifest_size: *size,
                tags: tags.clone(),
            })
            .collect()
    }

    fn tag(&mut self, name: &str, manifest: &Digest, manifest_size: u64) -> Result<(), StoreError> {
        for (_, tags) in self.images.values_mut() {
            tags.retain(|t| t != name);
        }
        let (_, tags) = self
            .images
            .entry(*manifest)
            .or_insert((manifest_size, Vec::new()));
        tags.push(name.to_string());
        tags.sort();
        Ok(())
    }

    fn untag(&mut self, name: &str) -> Result<(), StoreError> {
        for (_, tags) in self.images.values_mut() {
            tags.retain(|t| t != name);
        }
        Ok(())
    }

    fn add_image(&mut self, manifest: &Digest, manifest_size: u64) -> Result<(), StoreError> {
        self.images
            .entry(*manifest)
            .or_insert((manifest_size, Vec::new()));
        Ok(())
    }

    fn remove_image(&mut self, manifest: &Digest) -> Result<(), StoreError> {
        self.images.remove(manifest);
        Ok(())
    }

    fn cache_get(&self, key: &str) -> Option<CacheRecord> {
        self.cache.get(key).cloned()
    }

    fn cache_children(&self, parent: &str) -> Vec<CacheRecord> {
        self.cache
            .values()
            .filter(|r| r.parent == parent)
            .cloned()
            .collect()
    }

    fn cache_put(&mut self, mut record: CacheRecord) -> Result<(), StoreError> {
        self.seq += 1;
        record.seq = self.seq;
        self.cache.insert(record.key.clone(), record);
        Ok(())
    }

    fn cache_clear(&mut self) -> Result<usize, StoreError> {
        let n = self.cache.len();
        self.cache.clear();
        Ok(n)
    }

    fn cache_records(&self) -> Vec<CacheRecord> {
        self.cache.values().cloned().collect()
    }
}
