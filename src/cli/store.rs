//! The CLI's image store: an OCI image layout on disk, so skopeo, umoci and
//! crane read what layerlab builds.
//!
//! ```text
//! $LAYERLAB_DATA_DIR  (else $XDG_DATA_HOME/layerlab, else ~/.local/share/layerlab)
//!   oci-layout                 {"imageLayoutVersion":"1.0.0"}
//!   index.json                 one descriptor per name, one per unnamed image
//!   blobs/sha256/<hex>         layers, configs, manifests
//!   layerlab-cache/<key>.json  build cache records (layerlab's own format)
//!   layerlab.lock              held by the process that changes the store
//! ```
//!
//! Names: the `org.opencontainers.image.ref.name` annotation holds the full,
//! normalised name (`docker.io/library/app:latest`), not just the tag as
//! most layouts do, because one store holds many repositories and a tag
//! alone (`latest`) would be ambiguous. The OCI ref-name grammar allows `/`,
//! `.` and `:`, so `skopeo inspect oci:$DIR:docker.io/library/app:latest`
//! and `umoci unpack --image $DIR:docker.io/library/app:latest` find it
//! (both split `DIR:NAME` at the first colon).
//!
//! Every file is written to a temporary name in its own directory, synced,
//! and renamed into place, blobs before the index that names them, so a
//! crash leaves either the old or the new file and never an index naming a
//! missing blob. Blobs are checked against their digest when read. Only the
//! holder of the lock file changes the index or deletes blobs; readers need
//! no lock because every replacement is a rename.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::build::images::CacheUse;
use crate::build::store::{CacheRecord, ImageEntry, Store, StoreError};
use crate::oci::digest::Digest;
use crate::oci::image::{Descriptor, media_types};
use crate::oci::layout::{self, OCI_LAYOUT_FILE};

const CACHE_DIR: &str = "layerlab-cache";
const LOCK_FILE: &str = "layerlab.lock";
/// How long a command waits for another layerlab process to finish.
const LOCK_WAIT: Duration = Duration::from_secs(60);

/// The data directory: `$LAYERLAB_DATA_DIR`, else `$XDG_DATA_HOME/layerlab`,
/// else `~/.local/share/layerlab`.
pub fn data_dir() -> Result<PathBuf> {
    let set = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(d) = set("LAYERLAB_DATA_DIR") {
        return Ok(PathBuf::from(d));
    }
    if let Some(d) = set("XDG_DATA_HOME") {
        return Ok(PathBuf::from(d).join("layerlab"));
    }
    match set("HOME") {
        Some(h) => Ok(PathBuf::from(h).join(".local/share/layerlab")),
        None => bail!("cannot find a data directory: set LAYERLAB_DATA_DIR, XDG_DATA_HOME or HOME"),
    }
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A cache record as stored: the record and when it was made and used.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredRecord {
    record: CacheRecord,
    created: i64,
    last_used: i64,
    usage_count: u64,
}

#[derive(Debug, Clone)]
struct ImageRec {
    size: u64,
    media_type: String,
    tags: Vec<String>,
}

pub struct DiskStore {
    root: PathBuf,
    images: BTreeMap<Digest, ImageRec>,
    /// Index entries that are not image manifests (an index someone copied
    /// in): kept as found.
    foreign: Vec<(Option<String>, Descriptor)>,
    cache: BTreeMap<String, StoredRecord>,
    /// Cache keys hit during this run, to record their use.
    hits: RefCell<BTreeSet<String>>,
    lock: Option<PathBuf>,
}

impl Drop for DiskStore {
    fn drop(&mut self) {
        if let Some(l) = &self.lock {
            let _ = fs::remove_file(l);
        }
    }
}

impl DiskStore {
    /// Opens (creating) the store at `root`; `write` takes the lock, which
    /// every command that changes the store needs.
    pub fn open(root: &Path, write: bool) -> Result<DiskStore> {
        fs::create_dir_all(root.join("blobs/sha256"))
            .with_context(|| format!("cannot create the image store at {}", root.display()))?;
        fs::create_dir_all(root.join(CACHE_DIR))?;
        let lock = if write {
            Some(acquire_lock(root)?)
        } else {
            None
        };
        let mut store = DiskStore {
            root: root.to_path_buf(),
            images: BTreeMap::new(),
            foreign: Vec::new(),
            cache: BTreeMap::new(),
            hits: RefCell::new(BTreeSet::new()),
            lock,
        };
        if write {
            store.remove_temporaries();
        }
        match fs::read(root.join("oci-layout")) {
            Ok(b) => layout::parse_oci_layout(&b)
                .with_context(|| format!("{}/oci-layout", root.display()))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if write {
                    write_atomic(&root.join("oci-layout"), OCI_LAYOUT_FILE)?;
                }
            }
            Err(e) => return Err(e).context(format!("{}/oci-layout", root.display())),
        }
        match fs::read(root.join("index.json")) {
            Ok(b) => {
                let entries = layout::parse_index_json(&b)
                    .with_context(|| format!("{}/index.json", root.display()))?;
                for (name, d) in entries {
                    if d.media_type.is_empty() || media_types::is_manifest(&d.media_type) {
                        let rec = store.images.entry(d.digest).or_insert(ImageRec {
                            size: d.size,
                            media_type: if d.media_type.is_empty() {
                                media_types::OCI_MANIFEST.into()
                            } else {
                                d.media_type.clone()
                            },
                            tags: Vec::new(),
                        });
                        if let Some(n) = name
                            && !rec.tags.contains(&n)
                        {
                            rec.tags.push(n);
                            rec.tags.sort();
                        }
                    } else {
                        store.foreign.push((name, d));
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if write {
                    store.write_index()?;
                }
            }
            Err(e) => return Err(e).context(format!("{}/index.json", root.display())),
        }
        for e in fs::read_dir(root.join(CACHE_DIR))? {
            let path = e?.path();
            if path.extension().is_some_and(|x| x == "json")
                // A record that does not read is a cache miss, nothing worse.
                && let Ok(bytes) = fs::read(&path)
                && let Ok(r) = serde_json::from_slice::<StoredRecord>(&bytes)
            {
                store.cache.insert(r.record.key.clone(), r);
            }
        }
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn blob_path(&self, d: &Digest) -> PathBuf {
        self.root.join(layout::blob_path(d))
    }

    fn record_path(&self, key: &str) -> PathBuf {
        self.root.join(CACHE_DIR).join(format!("{key}.json"))
    }

    /// Leftovers of a process that died mid-write; only the lock holder
    /// may remove them, as only it writes.
    fn remove_temporaries(&self) {
        for dir in [
            self.root.clone(),
            self.root.join("blobs/sha256"),
            self.root.join(CACHE_DIR),
        ] {
            if let Ok(rd) = fs::read_dir(&dir) {
                for e in rd.flatten() {
                    if e.file_name().to_string_lossy().starts_with(".tmp-") {
                        let _ = fs::remove_file(e.path());
                    }
                }
            }
        }
    }

    fn write_index(&self) -> Result<(), StoreError> {
        let mut entries: Vec<(Option<String>, Descriptor)> = Vec::new();
        let mut untagged = Vec::new();
        for (d, rec) in &self.images {
            let desc = Descriptor::new(&rec.media_type, *d, rec.size);
            if rec.tags.is_empty() {
                untagged.push((None, desc));
            } else {
                for t in &rec.tags {
                    entries.push((Some(t.clone()), desc.clone()));
                }
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.extend(untagged);
        entries.extend(self.foreign.iter().cloned());
        write_atomic(&self.root.join("index.json"), &layout::index_json(&entries))
            .map_err(|e| StoreError(format!("cannot write index.json: {e:#}")))
    }

    fn ensure_image(&mut self, manifest: &Digest, size: u64) {
        if self.images.contains_key(manifest) {
            return;
        }
        // The index must say what kind of manifest it points at.
        let media_type = self
            .blob(manifest)
            .ok()
            .flatten()
            .and_then(|b| {
                #[derive(Deserialize)]
                struct Kind {
                    #[serde(rename = "mediaType", default)]
                    media_type: String,
                }
                serde_json::from_slice::<Kind>(&b).ok()
            })
            .map(|k| k.media_type)
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| media_types::OCI_MANIFEST.into());
        self.images.insert(
            *manifest,
            ImageRec {
                size,
                media_type,
                tags: Vec::new(),
            },
        );
    }

    /// When a cache record was made and used.
    pub fn cache_use(&self, key: &str) -> CacheUse {
        self.cache
            .get(key)
            .map_or_else(CacheUse::default, |r| CacheUse {
                created: Some(r.created),
                last_used: Some(r.last_used),
                count: r.usage_count,
            })
    }

    /// Records the cache hits of this run (BuildKit's "last used" and usage
    /// count).
    pub fn record_cache_use(&mut self) -> Result<()> {
        let hits = std::mem::take(&mut *self.hits.borrow_mut());
        let t = now();
        for key in hits {
            if let Some(r) = self.cache.get_mut(&key) {
                r.last_used = t;
                r.usage_count += 1;
                let bytes = serde_json::to_vec(&*r)?;
                write_atomic(&self.record_path(&key), &bytes)?;
            }
        }
        Ok(())
    }
}

impl Store for DiskStore {
    fn blob(&self, digest: &Digest) -> Result<Option<Arc<[u8]>>, StoreError> {
        let path = self.blob_path(digest);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError(format!("{}: {e}", path.display()))),
        };
        let actual = Digest::of(&bytes);
        if actual != *digest {
            return Err(StoreError(format!(
                "blob {digest} is corrupt: its content hashes to {actual} ({})",
                path.display()
            )));
        }
        Ok(Some(bytes.into()))
    }

    fn has_blob(&self, digest: &Digest) -> bool {
        self.blob_path(digest).is_file()
    }

    fn put_blob(&mut self, digest: &Digest, bytes: Arc<[u8]>) -> Result<(), StoreError> {
        let actual = Digest::of(&bytes);
        if actual != *digest {
            return Err(StoreError(format!(
                "refusing to store {actual} under the name {digest}"
            )));
        }
        if self.has_blob(digest) {
            return Ok(());
        }
        write_atomic(&self.blob_path(digest), &bytes)
            .map_err(|e| StoreError(format!("cannot write blob {digest}: {e:#}")))
    }

    /// A catalog layer's blob is written as it is made (node:20's are
    /// ~350 MB of gzip), never held whole, and checked against its memo.
    fn put_catalog_layer(
        &mut self,
        digest: &Digest,
        id: &str,
        _size: u64,
    ) -> Result<(), StoreError> {
        if self.has_blob(digest) {
            return Ok(());
        }
        let entries = crate::build::catalog::layer_entries(id)
            .ok_or_else(|| StoreError(format!("no catalog layer named {id}")))?;
        let path = self.blob_path(digest);
        let dir = path.parent().unwrap_or(Path::new("."));
        let tmp = dir.join(format!(
            ".tmp-{}-{}-{}",
            digest.hex(),
            std::process::id(),
            TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| -> std::result::Result<(), String> {
            let f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
                .map_err(|e| e.to_string())?;
            let (layer, w) = crate::oci::tar::write_layer_to(
                &entries,
                crate::oci::tar::Compression::Gzip,
                io::BufWriter::new(f),
            )
            .map_err(|e| e.to_string())?;
            let f = w.into_inner().map_err(|e| e.to_string())?;
            f.sync_all().map_err(|e| e.to_string())?;
            if layer.digest != *digest {
                return Err(format!(
                    "catalog layer {id} made {} instead of its memoised {digest}",
                    layer.digest
                ));
            }
            fs::rename(&tmp, &path).map_err(|e| e.to_string())
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result.map_err(|e| StoreError(format!("cannot write blob {digest}: {e}")))
    }

    fn delete_blob(&mut self, digest: &Digest) -> Result<(), StoreError> {
        match fs::remove_file(self.blob_path(digest)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError(format!("cannot delete blob {digest}: {e}"))),
        }
    }

    fn blobs(&self) -> Vec<(Digest, u64)> {
        let Ok(rd) = fs::read_dir(self.root.join("blobs/sha256")) else {
            return Vec::new();
        };
        let mut out: Vec<(Digest, u64)> = rd
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let d = Digest::parse(&format!("sha256:{name}")).ok()?;
                Some((d, e.metadata().ok()?.len()))
            })
            .collect();
        out.sort();
        out
    }

    fn images(&self) -> Vec<ImageEntry> {
        self.images
            .iter()
            .map(|(d, r)| ImageEntry {
                manifest: *d,
                manifest_size: r.size,
                tags: r.tags.clone(),
            })
            .collect()
    }

    fn tag(&mut self, name: &str, manifest: &Digest, manifest_size: u64) -> Result<(), StoreError> {
        for r in self.images.values_mut() {
            r.tags.retain(|t| t != name);
        }
        self.ensure_image(manifest, manifest_size);
        let rec = self.images.get_mut(manifest).expect("ensured above");
        rec.tags.push(name.to_string());
        rec.tags.sort();
        self.write_index()
    }

    fn untag(&mut self, name: &str) -> Result<(), StoreError> {
        for r in self.images.values_mut() {
            r.tags.retain(|t| t != name);
        }
        self.write_index()
    }

    fn add_image(&mut self, manifest: &Digest, manifest_size: u64) -> Result<(), StoreError> {
        if self.images.contains_key(manifest) {
            return Ok(());
        }
        self.ensure_image(manifest, manifest_size);
        self.write_index()
    }

    fn remove_image(&mut self, manifest: &Digest) -> Result<(), StoreError> {
        self.images.remove(manifest);
        self.write_index()
    }

    fn cache_get(&self, key: &str) -> Option<CacheRecord> {
        let r = self.cache.get(key)?;
        self.hits.borrow_mut().insert(key.to_string());
        Some(r.record.clone())
    }

    fn cache_children(&self, parent: &str) -> Vec<CacheRecord> {
        self.cache
            .values()
            .filter(|r| r.record.parent == parent)
            .map(|r| r.record.clone())
            .collect()
    }

    fn cache_put(&mut self, mut record: CacheRecord) -> Result<(), StoreError> {
        record.seq = self.cache.values().map(|r| r.record.seq).max().unwrap_or(0) + 1;
        let t = now();
        let stored = StoredRecord {
            record,
            created: t,
            last_used: t,
            usage_count: 1,
        };
        let bytes = serde_json::to_vec(&stored).map_err(|e| StoreError(e.to_string()))?;
        let key = stored.record.key.clone();
        write_atomic(&self.record_path(&key), &bytes)
            .map_err(|e| StoreError(format!("cannot write cache record: {e:#}")))?;
        self.hits.borrow_mut().remove(&key);
        self.cache.insert(key, stored);
        Ok(())
    }

    fn cache_clear(&mut self) -> Result<usize, StoreError> {
        let n = self.cache.len();
        for key in std::mem::take(&mut self.cache).into_keys() {
            let _ = fs::remove_file(self.record_path(&key));
        }
        Ok(n)
    }

    fn cache_records(&self) -> Vec<CacheRecord> {
        self.cache.values().map(|r| r.record.clone()).collect()
    }
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` so that readers see the old file or the whole
/// new one: a temporary file in the same directory, synced, renamed over,
/// and the directory synced so the rename survives a crash.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(
        ".tmp-{name}-{}-{}",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| -> io::Result<()> {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// Takes `layerlab.lock` (created exclusively, holding our PID), waiting for
/// another process to let go; a lock whose process is gone is taken over.
fn acquire_lock(root: &Path) -> Result<PathBuf> {
    let path = root.join(LOCK_FILE);
    let start = Instant::now();
    loop {
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                writeln!(f, "{}", std::process::id())?;
                return Ok(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                let pid = holder.trim().parse::<u32>().ok();
                let alive = pid.is_none_or(|p| Path::new(&format!("/proc/{p}")).exists());
                if !alive {
                    // Its holder died without cleaning up.
                    let _ = fs::remove_file(&path);
                    continue;
                }
                if start.elapsed() > LOCK_WAIT {
                    bail!(
                        "the image store {} is in use by another layerlab process (pid {}); if none is running, remove {}",
                        root.display(),
                        holder.trim(),
                        path.display()
                    );
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => {
                return Err(e).with_context(|| format!("cannot create {}", path.display()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("layerlab-store-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn blobs_round_trip_and_corruption_is_caught() {
        let dir = tmpdir("blobs");
        let mut s = DiskStore::open(&dir, true).unwrap();
        let bytes: Arc<[u8]> = Arc::from(&b"hello"[..]);
        let d = Digest::of(&bytes);
        s.put_blob(&d, bytes.clone()).unwrap();
        assert_eq!(s.blob(&d).unwrap().unwrap(), bytes);
        assert_eq!(s.blobs(), vec![(d, 5)]);
        let wrong = Digest::of(b"other");
        assert!(s.put_blob(&wrong, bytes.clone()).is_err());
        fs::write(dir.join(layout::blob_path(&d)), b"hellO").unwrap();
        let e = s.blob(&d).unwrap_err().to_string();
        assert!(e.contains("is corrupt"), "{e}");
        // No temporary file is left behind.
        let names: Vec<String> = fs::read_dir(dir.join("blobs/sha256"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, [d.hex()]);
        drop(s);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn index_keeps_full_names_and_survives_reopen() {
        let dir = tmpdir("index");
        let mut s = DiskStore::open(&dir, true).unwrap();
        let m: Arc<[u8]> = Arc::from(
            &br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}"#[..],
        );
        let d = Digest::of(&m);
        s.put_blob(&d, m.clone()).unwrap();
        s.tag("docker.io/library/app:latest", &d, m.len() as u64)
            .unwrap();
        s.tag("docker.io/library/app:2", &d, m.len() as u64)
            .unwrap();
        assert!(fs::read(dir.join(LOCK_FILE)).is_ok());
        drop(s);
        assert!(
            !dir.join(LOCK_FILE).exists(),
            "the lock goes with the store"
        );
        let index = fs::read_to_string(dir.join("index.json")).unwrap();
        assert_eq!(
            index,
            format!(
                r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{d}","size":{n},"annotations":{{"org.opencontainers.image.ref.name":"docker.io/library/app:2"}}}},{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{d}","size":{n},"annotations":{{"org.opencontainers.image.ref.name":"docker.io/library/app:latest"}}}}]}}"#,
                n = m.len()
            )
        );
        assert_eq!(
            fs::read(dir.join("oci-layout")).unwrap(),
            OCI_LAYOUT_FILE.to_vec()
        );
        let s = DiskStore::open(&dir, false).unwrap();
        assert_eq!(
            s.images()[0].tags,
            ["docker.io/library/app:2", "docker.io/library/app:latest"]
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_lock_left_by_a_dead_process_is_taken_over() {
        let dir = tmpdir("lock");
        fs::create_dir_all(&dir).unwrap();
        // No process has this PID: it is above Linux's largest pid_max.
        fs::write(dir.join(LOCK_FILE), "999999999\n").unwrap();
        let s = DiskStore::open(&dir, true).unwrap();
        assert_eq!(
            fs::read_to_string(dir.join(LOCK_FILE)).unwrap().trim(),
            std::process::id().to_string()
        );
        drop(s);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn cache_records_persist_with_their_use() {
        let dir = tmpdir("cache");
        let mut s = DiskStore::open(&dir, true).unwrap();
        let rec = CacheRecord {
            key: "k1".into(),
            parent: "p".into(),
            seq: 0,
            instruction: "COPY a /".into(),
            inputs: BTreeMap::new(),
            layer: None,
        };
        s.cache_put(rec.clone()).unwrap();
        s.cache_put(CacheRecord {
            key: "k2".into(),
            ..rec
        })
        .unwrap();
        drop(s);
        let mut s = DiskStore::open(&dir, true).unwrap();
        assert_eq!(s.cache_get("k2").unwrap().seq, 2);
        assert_eq!(s.cache_children("p").len(), 2);
        s.record_cache_use().unwrap();
        assert_eq!(s.cache_use("k2").count, 2);
        assert_eq!(s.cache_use("k1").count, 1);
        drop(s);
        let s = DiskStore::open(&dir, false).unwrap();
        assert_eq!(s.cache_use("k2").count, 2);
        let _ = fs::remove_dir_all(&dir);
    }
}
