//! Docker's image commands over a [`Store`]: what `docker images`, `history`,
//! `image inspect`, `system df`, `rmi`, `image prune` and `tag` decide and
//! print, as pure functions. Time comes in as `now` (Unix seconds); nothing
//! here reads a clock, so the page can show the same text as the CLI.
//!
//! Where Docker's output depends on its storage backend, this follows the
//! classic (graphdriver) image store with BuildKit: an image ID is the config
//! digest, sizes are uncompressed layer sizes, and layers shared by several
//! images are counted once in `system df`.

pub mod efficiency;
pub mod units;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::store::{CacheRecord, Store, StoreError};
use crate::oci::digest::{Digest, chain_ids};
use crate::oci::image::{ImageConfig, Manifest, media_types};
use crate::registry::reference::{DEFAULT_DOMAIN, Reference};
use units::{ago, ellipsis, go_time_string, human_size, image_size, table};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImagesError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The daemon's `ErrImageDoesNotExist`.
    #[error("No such image: {0}")]
    NoSuchImage(String),
    /// `conflict: unable to delete <id12> (must be forced) - <reason>`.
    #[error("conflict: unable to delete {id} ({force}) - {reason}")]
    Conflict {
        id: String,
        force: &'static str,
        reason: String,
    },
    /// The client's reference check, before anything reaches the store.
    #[error("Error parsing reference: {0:?} is not a valid repository/tag: {1}")]
    InvalidReference(String, String),
    #[error("refusing to create a tag with a digest reference")]
    DigestTag,
    /// A blob the image needs is missing or unreadable.
    #[error("image {image}: {message}")]
    Broken { image: String, message: String },
}

/// A layer of an image with both its sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerView {
    pub digest: Digest,
    pub diff_id: Digest,
    pub chain_id: Digest,
    /// The blob as stored (gzip).
    pub blob_size: u64,
    /// What Docker calls a layer's size: the bytes of its files (see [`tar_size`]).
    pub tar_size: u64,
}

/// An image as the image commands see it.
#[derive(Debug, Clone)]
pub struct ImageView {
    /// The config digest.
    pub id: Digest,
    pub manifest: Digest,
    pub manifest_size: u64,
    /// Full names (`docker.io/library/app:latest`), sorted.
    pub tags: Vec<String>,
    pub config: ImageConfig,
    pub config_size: u64,
    /// Unix seconds of the config's `created`, if it has one.
    pub created: Option<i64>,
    pub layers: Vec<LayerView>,
}

impl ImageView {
    /// Docker's image size: the uncompressed layers.
    pub fn size(&self) -> u64 {
        self.layers.iter().map(|l| l.tar_size).sum()
    }

    pub fn is_dangling(&self) -> bool {
        self.tags.is_empty()
    }
}

/// A layer's size as Docker reports it (`docker history`, `docker images`):
/// the bytes of the files it adds or changes — regular files' contents and
/// symlink targets, each hardlinked inode once — not the tar around them. An
/// empty layer, or one that only makes directories, is `0B`.
pub fn tar_size(blob: &[u8], media_type: &str) -> Result<u64, String> {
    if media_type.ends_with("zstd") {
        return Err("zstd layers are not supported".into());
    }
    let entries = crate::oci::tar::read_layer(blob, &crate::oci::tar::Limits::default())
        .map_err(|e| e.to_string())?;
    Ok(entries
        .iter()
        .map(|e| match &e.kind {
            crate::oci::tar::EntryKind::File(data) => data.len() as u64,
            crate::oci::tar::EntryKind::Symlink(target) => target.len() as u64,
            _ => 0,
        })
        .sum())
}

/// Every image in the store, newest first (Docker's order), then by ID.
pub fn list(store: &dyn Store) -> Result<Vec<ImageView>, ImagesError> {
    let mut sizes: BTreeMap<Digest, u64> = BTreeMap::new();
    let mut out = Vec::new();
    for entry in store.images() {
        out.push(view(
            store,
            &entry.manifest,
            entry.manifest_size,
            entry.tags,
            &mut sizes,
        )?);
    }
    out.sort_by(|a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
    Ok(out)
}

fn view(
    store: &dyn Store,
    manifest: &Digest,
    manifest_size: u64,
    tags: Vec<String>,
    sizes: &mut BTreeMap<Digest, u64>,
) -> Result<ImageView, ImagesError> {
    let broken = |message: String| ImagesError::Broken {
        image: manifest.to_string(),
        message,
    };
    let read = |d: &Digest, what: &str| -> Result<std::sync::Arc<[u8]>, ImagesError> {
        store
            .blob(d)?
            .ok_or_else(|| broken(format!("{what} {d} is missing from the store")))
    };
    let m = Manifest::from_json(&read(manifest, "manifest")?).map_err(|e| broken(e.to_string()))?;
    let cbytes = read(&m.config.digest, "config")?;
    let config = ImageConfig::from_json(&cbytes).map_err(|e| broken(e.to_string()))?;
    if m.layers.len() != config.rootfs.diff_ids.len() {
        return Err(broken(format!(
            "the manifest has {} layers but the config {} diff_ids",
            m.layers.len(),
            config.rootfs.diff_ids.len()
        )));
    }
    let chains = chain_ids(&config.rootfs.diff_ids);
    let mut layers = Vec::with_capacity(m.layers.len());
    for ((d, diff_id), chain_id) in m.layers.iter().zip(&config.rootfs.diff_ids).zip(chains) {
        let tar = match sizes.get(&d.digest) {
            Some(s) => *s,
            None => {
                let s = if d.media_type == media_types::OCI_LAYER_TAR {
                    d.size
                } else if let Some(m) = crate::build::catalog::memo_of(&d.digest) {
                    // A catalog layer: known without making its bytes.
                    m.content
                } else {
                    tar_size(&read(&d.digest, "layer")?, &d.media_type)
                        .map_err(|e| broken(format!("layer {}: {e}", d.digest)))?
                };
                sizes.insert(d.digest, s);
                s
            }
        };
        layers.push(LayerView {
            digest: d.digest,
            diff_id: *diff_id,
            chain_id,
            blob_size: d.size,
            tar_size: tar,
        });
    }
    Ok(ImageView {
        id: m.config.digest,
        manifest: *manifest,
        manifest_size,
        tags,
        created: config.created.as_deref().and_then(super::parse_rfc3339),
        config_size: cbytes.len() as u64,
        config,
        layers,
    })
}

/// `docker.io/library/app:latest` → `app:latest`; `docker.io/org/app:1` →
/// `org/app:1`; other registries stay as they are (`FamiliarString`).
pub fn familiar(full: &str) -> String {
    let Some(rest) = full
        .strip_prefix(DEFAULT_DOMAIN)
        .and_then(|r| r.strip_prefix('/'))
    else {
        return full.to_string();
    };
    match rest.strip_prefix("library/") {
        Some(r) if !r.split([':', '@']).next().unwrap_or("").contains('/') => r.to_string(),
        _ => rest.to_string(),
    }
}

/// A full `name:tag` split into the familiar repository and the tag.
pub fn repo_and_tag(full: &str) -> (String, String) {
    let f = familiar(full);
    let slash = f.rfind('/').map_or(0, |i| i + 1);
    match f[slash..].rfind(':') {
        Some(i) => (f[..slash + i].to_string(), f[slash + i + 1..].to_string()),
        None => (f, "<none>".into()),
    }
}

/// `stringid.TruncateID`: the hex after the algorithm, 12 characters.
pub fn truncate_id(id: &str) -> String {
    let hex = id.split_once(':').map_or(id, |(_, h)| h);
    hex.chars().take(12).collect()
}

/// What the daemon's `GetImage` finds for a reference the user typed: a
/// name (normalised, `:latest` added), a full ID (`sha256:…` or 64 hex), or
/// a unique prefix of an ID (with or without `sha256:`).
pub fn find<'a>(images: &'a [ImageView], reference: &str) -> Result<&'a ImageView, ImagesError> {
    find_index(images, reference).map(|i| &images[i])
}

pub fn find_index(images: &[ImageView], reference: &str) -> Result<usize, ImagesError> {
    let not_found = || ImagesError::NoSuchImage(no_such_name(reference));
    if let Ok(d) = Digest::parse(reference) {
        return images.iter().position(|i| i.id == d).ok_or_else(not_found);
    }
    if let Ok(r) = super::engine::normalize(reference) {
        let full = r.to_string();
        if let Some(i) = images.iter().position(|i| i.tags.contains(&full)) {
            return Ok(i);
        }
    }
    // An ID prefix: Docker's digest set accepts any unique prefix.
    let prefix = reference.strip_prefix("sha256:").unwrap_or(reference);
    if !prefix.is_empty() && prefix.len() <= 64 && prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
        let prefix = prefix.to_ascii_lowercase();
        let mut hits = images
            .iter()
            .enumerate()
            .filter(|(_, i)| i.id.hex().starts_with(&prefix))
            .map(|(n, i)| (n, i.id));
        if let Some((n, id)) = hits.next() {
            // Several images may be one ID listed twice; only distinct IDs are ambiguous.
            if hits.all(|(_, other)| other == id) {
                return Ok(n);
            }
        }
    }
    Err(not_found())
}

/// How `No such image:` names a reference: familiar, with `:latest` when it
/// is a name without a tag.
fn no_such_name(reference: &str) -> String {
    if Digest::parse(reference).is_ok() {
        return reference.to_string();
    }
    match super::engine::normalize(reference) {
        Ok(r) => familiar(&r.to_string()),
        Err(_) => reference.to_string(),
    }
}

/// The full name a `tag` target or `-t` value is stored under, checked as
/// the docker client checks it.
pub fn parse_tag(target: &str) -> Result<String, ImagesError> {
    let r = Reference::parse_normalized(target)
        .map_err(|e| ImagesError::InvalidReference(target.to_string(), e.to_string()))?;
    if r.digest.is_some() {
        return Err(ImagesError::DigestTag);
    }
    Ok(Reference {
        tag: Some(r.tag.clone().unwrap_or_else(|| "latest".into())),
        ..r
    }
    .to_string())
}

/// `docker tag SOURCE TARGET`: prints nothing on success.
pub fn tag(store: &mut dyn Store, source: &str, target: &str) -> Result<(), ImagesError> {
    let full = parse_tag(target)?;
    let images = list(store)?;
    let img = find(&images, source)?;
    store.tag(&full, &img.manifest, img.manifest_size)?;
    Ok(())
}

// ---------------------------------------------------------------- images

#[derive(Debug, Clone, Copy, Default)]
pub struct ImagesOptions {
    pub quiet: bool,
    pub digests: bool,
    pub no_trunc: bool,
    /// `--format json`: one JSON object per line.
    pub json: bool,
}

/// One row of `docker images`: an image under one of its names, or under
/// `<none>` when it has none.
pub struct ImageRow<'a> {
    pub image: &'a ImageView,
    pub repo: String,
    pub tag: String,
}

/// The rows `format_images` prints, in its order.
pub fn image_rows<'a>(images: &'a [ImageView], filter: Option<&str>) -> Vec<ImageRow<'a>> {
    let mut rows = Vec::new();
    // `docker images app` or `app:1`: the repository, and the tag if given.
    let filter = filter.map(|f| {
        let (repo, tag) = repo_and_tag(&match Reference::parse_normalized(f) {
            Ok(r) => Reference { digest: None, ..r }.to_string(),
            Err(_) => f.to_string(),
        });
        (repo, (tag != "<none>").then_some(tag))
    });
    for image in images {
        if image.tags.is_empty() {
            if filter.is_none() {
                rows.push(ImageRow {
                    image,
                    repo: "<none>".into(),
                    tag: "<none>".into(),
                });
            }
            continue;
        }
        let mut pairs: Vec<(String, String)> = image.tags.iter().map(|t| repo_and_tag(t)).collect();
        pairs.sort();
        for (repo, tag) in pairs {
            if let Some((r, t)) = &filter
                && (r != &repo || t.as_ref().is_some_and(|t| t != &tag))
            {
                continue;
            }
            rows.push(ImageRow { image, repo, tag });
        }
    }
    rows
}

fn image_id(id: &Digest, no_trunc: bool) -> String {
    if no_trunc { id.to_string() } else { id.short() }
}

fn created_since(created: Option<i64>, now: i64) -> String {
    // Only Go's zero time is blank; epoch 0 is "56 years ago".
    created.map_or_else(String::new, |c| ago(now, c))
}

/// `docker images [--digests] [--no-trunc] [-q] [--format json] [REPO[:TAG]]`.
pub fn format_images(
    images: &[ImageView],
    filter: Option<&str>,
    now: i64,
    opts: ImagesOptions,
) -> String {
    let rows = image_rows(images, filter);
    if opts.quiet {
        return rows
            .iter()
            .map(|r| format!("{}\n", image_id(&r.image.id, opts.no_trunc)))
            .collect();
    }
    if opts.json {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Json {
            containers: &'static str,
            created_at: String,
            created_since: String,
            digest: &'static str,
            #[serde(rename = "ID")]
            id: String,
            repository: String,
            shared_size: &'static str,
            size: String,
            tag: String,
            unique_size: &'static str,
            virtual_size: String,
        }
        return rows
            .iter()
            .map(|r| {
                let size = image_size(r.image.size());
                let j = Json {
                    containers: "N/A",
                    created_at: r.image.created.map(go_time_string).unwrap_or_default(),
                    created_since: created_since(r.image.created, now),
                    digest: "<none>",
                    id: image_id(&r.image.id, opts.no_trunc),
                    repository: r.repo.clone(),
                    shared_size: "N/A",
                    size: size.clone(),
                    tag: r.tag.clone(),
                    unique_size: "N/A",
                    virtual_size: size,
                };
                let mut line =
                    String::from_utf8(crate::oci::to_go_json(&j)).expect("JSON is UTF-8");
                line.push('\n');
                line
            })
            .collect();
    }
    let mut header = vec!["REPOSITORY".to_string(), "TAG".to_string()];
    if opts.digests {
        header.push("DIGEST".into());
    }
    header.extend(["IMAGE ID", "CREATED", "SIZE"].map(String::from));
    let mut table_rows = vec![header];
    for r in rows {
        let mut row = vec![r.repo, r.tag];
        if opts.digests {
            // RepoDigests exist only after a push or pull.
            row.push("<none>".into());
        }
        let created = created_since(r.image.created, now);
        row.push(image_id(&r.image.id, opts.no_trunc));
        row.push(if created.is_empty() {
            "N/A".into()
        } else {
            created
        });
        row.push(image_size(r.image.size()));
        table_rows.push(row);
    }
    table(&table_rows)
}

// --------------------------------------------------------------- history

#[derive(Debug, Clone, Copy)]
pub struct HistoryOptions {
    pub no_trunc: bool,
    /// `-H` (default true): sizes and dates for humans.
    pub human: bool,
    pub quiet: bool,
    pub json: bool,
}

impl Default for HistoryOptions {
    fn default() -> Self {
        HistoryOptions {
            no_trunc: false,
            human: true,
            quiet: false,
            json: false,
        }
    }
}

/// The daemon's history items, newest first: the top one carries the image
/// ID, the others `<missing>` (BuildKit images have no local parents).
struct HistoryItem {
    id: String,
    created: i64,
    created_by: String,
    size: u64,
    comment: String,
}

fn history_items(img: &ImageView) -> Vec<HistoryItem> {
    let mut layers = img.layers.iter();
    let mut items: Vec<HistoryItem> = img
        .config
        .history
        .iter()
        .map(|h| HistoryItem {
            id: "<missing>".into(),
            created: h
                .created
                .as_deref()
                .and_then(super::parse_rfc3339)
                .unwrap_or(i64::MIN),
            created_by: h.created_by.clone(),
            size: if h.empty_layer {
                0
            } else {
                layers.next().map_or(0, |l| l.tar_size)
            },
            comment: h.comment.clone(),
        })
        .collect();
    items.reverse();
    if let Some(top) = items.first_mut() {
        top.id = img.id.to_string();
    }
    items
}

/// docker/cli's cut-off: dates up to 2000-01-01 are shown blank with `-H`.
const HISTORY_EPOCH: i64 = 946_684_800;

/// `docker history [--no-trunc] [-H=false] [-q] [--format json] IMAGE`.
pub fn format_history(img: &ImageView, now: i64, opts: HistoryOptions) -> String {
    let items = history_items(img);
    let id = |i: &HistoryItem| {
        if opts.no_trunc || i.id == "<missing>" {
            i.id.clone()
        } else {
            truncate_id(&i.id)
        }
    };
    let created_at = |i: &HistoryItem| go_rfc3339(i.created);
    let created_since = |i: &HistoryItem| {
        if !opts.human {
            created_at(i)
        } else if i.created <= HISTORY_EPOCH {
            String::new()
        } else {
            ago(now, i.created)
        }
    };
    let created_by = |i: &HistoryItem| {
        let s = i.created_by.replace('\t', " ");
        if opts.no_trunc { s } else { ellipsis(&s, 45) }
    };
    let size = |i: &HistoryItem| {
        if opts.human {
            image_size(i.size)
        } else {
            i.size.to_string()
        }
    };
    if opts.quiet {
        return items.iter().map(|i| format!("{}\n", id(i))).collect();
    }
    if opts.json {
        #[derive(Serialize)]
        #[serde(rename_all = "PascalCase")]
        struct Json {
            comment: String,
            created_at: String,
            created_by: String,
            created_since: String,
            #[serde(rename = "ID")]
            id: String,
            size: String,
        }
        return items
            .iter()
            .map(|i| {
                let j = Json {
                    comment: i.comment.clone(),
                    created_at: created_at(i),
                    created_by: created_by(i),
                    created_since: created_since(i),
                    id: id(i),
                    size: size(i),
                };
                let mut line =
                    String::from_utf8(crate::oci::to_go_json(&j)).expect("JSON is UTF-8");
                line.push('\n');
                line
            })
            .collect();
    }
    let created_header = if opts.human { "CREATED" } else { "CREATED AT" };
    let mut rows = vec![
        ["IMAGE", created_header, "CREATED BY", "SIZE", "COMMENT"]
            .map(String::from)
            .to_vec(),
    ];
    for i in &items {
        rows.push(vec![
            id(i),
            created_since(i),
            created_by(i),
            size(i),
            i.comment.clone(),
        ]);
    }
    table(&rows)
}

/// Go's `time.Unix(t, 0).Format(time.RFC3339)` in UTC; a missing time is
/// Go's zero time.
fn go_rfc3339(t: i64) -> String {
    if t == i64::MIN {
        return "0001-01-01T00:00:00Z".into();
    }
    crate::oci::image::rfc3339_utc(t).unwrap_or_default()
}

// --------------------------------------------------------------- inspect

/// `docker image inspect` as Engine API v1.50 answers it (moby's
/// `image.InspectResponse`): `Config` is the image's OCI runtime config,
/// `Parent`, `Comment`, `Created`, `DockerVersion`, `Author`, `Variant` and
/// `OsVersion` are left out when empty, and `GraphDriver` is left out
/// because layerlab keeps layers as OCI blobs, not in a graph driver.
/// `Metadata.LastTagTime` is Go's zero time: the store does not record when
/// a name was set.
pub fn inspect_json(images: &[&ImageView]) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct RootFs {
        #[serde(rename = "Type")]
        kind: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        layers: Vec<String>,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Metadata {
        last_tag_time: &'static str,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Inspect<'a> {
        #[serde(rename = "Id")]
        id: String,
        repo_tags: Vec<String>,
        repo_digests: Vec<String>,
        #[serde(skip_serializing_if = "str::is_empty")]
        comment: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        created: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        author: &'a str,
        config: &'a crate::oci::image::Config,
        architecture: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        variant: &'a str,
        os: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        os_version: &'a str,
        size: u64,
        #[serde(rename = "RootFS")]
        root_fs: RootFs,
        metadata: Metadata,
    }
    let values: Vec<Inspect> = images
        .iter()
        .map(|img| {
            let c = &img.config;
            Inspect {
                id: img.id.to_string(),
                repo_tags: img.tags.iter().map(|t| familiar(t)).collect(),
                repo_digests: Vec::new(),
                // The image's own comment is empty in a config; Docker shows
                // the last history entry's.
                comment: c.history.last().map_or("", |h| h.comment.as_str()),
                created: c.created.as_deref().unwrap_or(""),
                author: &c.author,
                config: &c.config,
                architecture: &c.architecture,
                variant: &c.variant,
                os: &c.os,
                os_version: &c.os_version,
                size: img.size(),
                root_fs: RootFs {
                    kind: c.rootfs.kind.clone(),
                    layers: c.rootfs.diff_ids.iter().map(Digest::to_string).collect(),
                },
                metadata: Metadata {
                    last_tag_time: "0001-01-01T00:00:00Z",
                },
            }
        })
        .collect();
    if values.is_empty() {
        return "[]\n".into();
    }
    let mut out = go_indent(&crate::oci::to_go_json(&values), "    ");
    out.push('\n');
    out
}

/// Go's `json.Indent` over compact JSON: one value per line, `indent` per
/// level, empty arrays and objects kept as `[]`/`{}`.
pub fn go_indent(compact: &[u8], indent: &str) -> String {
    let s = std::str::from_utf8(compact).expect("JSON is UTF-8");
    let mut out = String::with_capacity(s.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = s.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(indent);
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(chars.next().expect("peeked"));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

// ------------------------------------------------------------- system df

/// A build cache record as `system df -v` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheItem {
    pub id: String,
    /// The layer blob the record holds.
    pub layer: Option<Digest>,
    /// Bytes of the layer the record holds (uncompressed).
    pub size: u64,
    pub created: Option<i64>,
    pub last_used: Option<i64>,
    pub usage_count: u64,
    /// The layer is also part of an image: its bytes are counted there.
    pub shared: bool,
}

/// Usage times of a cache record, when the store keeps them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheUse {
    pub created: Option<i64>,
    pub last_used: Option<i64>,
    pub count: u64,
}

/// The build cache's records with their sizes; `uses` gives their times.
pub fn cache_items(
    store: &dyn Store,
    images: &[ImageView],
    uses: &dyn Fn(&CacheRecord) -> CacheUse,
) -> Result<Vec<CacheItem>, ImagesError> {
    let in_images: BTreeSet<Digest> = images
        .iter()
        .flat_map(|i| i.layers.iter().map(|l| l.digest))
        .collect();
    let known: BTreeMap<Digest, u64> = images
        .iter()
        .flat_map(|i| i.layers.iter().map(|l| (l.digest, l.tar_size)))
        .collect();
    let mut out = Vec::new();
    for r in store.cache_records() {
        let (layer, size, shared) = match &r.layer {
            None => (None, 0, false),
            Some(l) => {
                let d = Digest::parse(&l.digest).map_err(|e| ImagesError::Broken {
                    image: format!("cache record {}", r.key),
                    message: e.to_string(),
                })?;
                let size = match (known.get(&d), crate::build::catalog::memo_of(&d)) {
                    (Some(s), _) => *s,
                    // A catalog layer: known without making its bytes.
                    (None, Some(m)) => m.content,
                    (None, None) => match store.blob(&d)? {
                        Some(b) => tar_size(&b, &l.media_type).unwrap_or(b.len() as u64),
                        None => 0,
                    },
                };
                (Some(d), size, in_images.contains(&d))
            }
        };
        let u = uses(&r);
        out.push(CacheItem {
            id: r.key.clone(),
            layer,
            size,
            created: u.created,
            last_used: u.last_used,
            usage_count: u.count,
            shared,
        });
    }
    // buildCacheSort: least recently used first, records never used before.
    out.sort_by(|a, b| a.last_used.cmp(&b.last_used).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// Sizes that `system df` reports for images: every distinct layer chain
/// once, and per image the part it shares with others.
struct ImageUsage {
    total: u64,
    /// Per image: bytes in chains that other images use too.
    shared: Vec<u64>,
}

fn image_usage(images: &[ImageView]) -> ImageUsage {
    let mut refs: BTreeMap<Digest, (u64, u64)> = BTreeMap::new();
    for img in images {
        let chains: BTreeSet<(Digest, u64)> = img
            .layers
            .iter()
            .map(|l| (l.chain_id, l.tar_size))
            .collect();
        for (c, size) in chains {
            refs.entry(c).or_insert((size, 0)).1 += 1;
        }
    }
    let total = refs.values().map(|(s, _)| s).sum();
    let shared = images
        .iter()
        .map(|img| {
            let chains: BTreeSet<Digest> = img.layers.iter().map(|l| l.chain_id).collect();
            chains
                .iter()
                .filter_map(|c| refs.get(c).filter(|(_, n)| *n > 1).map(|(s, _)| s))
                .sum()
        })
        .collect();
    ImageUsage { total, shared }
}

/// `docker system df [-v]`. There are no containers or volumes: their rows
/// and tables are empty, as Docker prints them on a fresh machine.
pub fn system_df(images: &[ImageView], cache: &[CacheItem], now: i64, verbose: bool) -> String {
    let usage = image_usage(images);
    let cache_total: u64 = {
        // A layer held by several records is stored once.
        let mut seen = BTreeSet::new();
        cache
            .iter()
            .filter(|c| !c.shared)
            .filter(|c| c.layer.is_none_or(|l| seen.insert(l)))
            .map(|c| c.size)
            .sum()
    };
    if !verbose {
        let pct = |reclaimable: u64, total: u64| match (reclaimable * 100).checked_div(total) {
            Some(p) => format!("{} ({p}%)", human_size(reclaimable)),
            None => human_size(reclaimable),
        };
        let rows = vec![
            ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"]
                .map(String::from)
                .to_vec(),
            vec![
                "Images".into(),
                images.len().to_string(),
                "0".into(),
                human_size(usage.total),
                // No container uses an image, so all of it could go.
                pct(usage.total, usage.total),
            ],
            ["Containers", "0", "0", "0B", "0B"]
                .map(String::from)
                .to_vec(),
            ["Local Volumes", "0", "0", "0B", "0B"]
                .map(String::from)
                .to_vec(),
            vec![
                "Build Cache".into(),
                cache.len().to_string(),
                "0".into(),
                human_size(cache_total),
                human_size(cache_total),
            ],
        ];
        return table(&rows);
    }
    let mut out = String::from("Images space usage:\n\n");
    let mut rows = vec![
        [
            "REPOSITORY",
            "TAG",
            "IMAGE ID",
            "CREATED",
            "SIZE",
            "SHARED SIZE",
            "UNIQUE SIZE",
            "CONTAINERS",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (img, shared) in images.iter().zip(&usage.shared) {
        // Only the first tag.
        let (repo, tag) = match img.tags.first() {
            Some(t) => repo_and_tag(t),
            None => ("<none>".into(), "<none>".into()),
        };
        let created = created_since(img.created, now);
        rows.push(vec![
            repo,
            tag,
            img.id.short(),
            if created.is_empty() {
                "N/A".into()
            } else {
                created
            },
            image_size(img.size()),
            human_size(*shared),
            human_size(img.size() - shared),
            "0".into(),
        ]);
    }
    out.push_str(&table(&rows));
    out.push_str("\nContainers space usage:\n\n");
    out.push_str(&table(&[[
        "CONTAINER ID",
        "IMAGE",
        "COMMAND",
        "LOCAL VOLUMES",
        "SIZE",
        "CREATED",
        "STATUS",
        "NAMES",
    ]
    .map(String::from)
    .to_vec()]));
    out.push_str("\nLocal Volumes space usage:\n\n");
    out.push_str(&table(&[["VOLUME NAME", "LINKS", "SIZE"]
        .map(String::from)
        .to_vec()]));
    out.push_str(&format!(
        "\nBuild cache usage: {}\n\n",
        human_size(cache_total)
    ));
    let mut rows = vec![
        [
            "CACHE ID",
            "CACHE TYPE",
            "SIZE",
            "CREATED",
            "LAST USED",
            "USAGE",
            "SHARED",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for c in cache {
        rows.push(vec![
            truncate_id(&c.id),
            "regular".into(),
            image_size(c.size),
            c.created.map(|t| ago(now, t)).unwrap_or_default(),
            c.last_used.map(|t| ago(now, t)).unwrap_or_default(),
            c.usage_count.to_string(),
            c.shared.to_string(),
        ]);
    }
    out.push_str(&table(&rows));
    out
}

// ------------------------------------------------------------ rmi, prune

/// One line of `docker rmi` (`Untagged: …` / `Deleted: …`); `image prune`
/// prints the same records in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteRecord {
    Untagged(String),
    Deleted(String),
}

impl DeleteRecord {
    /// As `docker rmi` prints it.
    pub fn rmi_line(&self) -> String {
        match self {
            DeleteRecord::Untagged(s) => format!("Untagged: {s}"),
            DeleteRecord::Deleted(s) => format!("Deleted: {s}"),
        }
    }

    /// As `docker image prune` prints it.
    pub fn prune_line(&self) -> String {
        match self {
            DeleteRecord::Untagged(s) => format!("untagged: {s}"),
            DeleteRecord::Deleted(s) => format!("deleted: {s}"),
        }
    }
}

/// What one deletion did: its records, and the bytes of the layers it freed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removal {
    pub records: Vec<DeleteRecord>,
    pub reclaimed: u64,
}

/// `docker rmi [-f] IMAGE` for one argument, as the daemon's `ImageDelete`
/// decides it: a name is untagged, and the image deleted only when that
/// was its last name; an ID deletes the image, untagging its one name
/// first, but refuses (unless forced) when it has several names.
pub fn remove(store: &mut dyn Store, reference: &str, force: bool) -> Result<Removal, ImagesError> {
    let images = list(store)?;
    let idx = find_index(&images, reference)?;
    let img = &images[idx];
    let mut out = Removal::default();
    let by_id = is_id_reference(img, reference);
    if !by_id {
        let full = super::engine::normalize(reference)
            .map(|r| r.to_string())
            .unwrap_or_else(|_| reference.to_string());
        store.untag(&full)?;
        out.records.push(DeleteRecord::Untagged(familiar(&full)));
        if img.tags.len() > 1 {
            return Ok(out);
        }
    } else if img.tags.len() > 1 && !force {
        return Err(ImagesError::Conflict {
            id: img.id.short(),
            force: "must be forced",
            reason: "image is referenced in multiple repositories".into(),
        });
    } else {
        for t in &img.tags {
            store.untag(t)?;
            out.records.push(DeleteRecord::Untagged(familiar(t)));
        }
    }
    delete_image(store, &images, idx, &mut out)?;
    Ok(out)
}

/// Whether the user named the image by its ID rather than by a name
/// (`isImageIDPrefix`).
fn is_id_reference(img: &ImageView, reference: &str) -> bool {
    let hex = img.id.hex();
    let r = reference.strip_prefix("sha256:").unwrap_or(reference);
    if r.is_empty() || !hex.starts_with(r) {
        return false;
    }
    // A name that happens to be hex (`docker tag x abc`) is still a name.
    match super::engine::normalize(reference) {
        Ok(n) => !img.tags.contains(&n.to_string()),
        Err(_) => true,
    }
}

/// Drops the image from the store, records `Deleted: <id>` and a
/// `Deleted: <chain id>` for each of its layers that nothing else holds
/// (no other image, no build cache record), top first, then collects the
/// blobs nothing references.
fn delete_image(
    store: &mut dyn Store,
    images: &[ImageView],
    idx: usize,
    out: &mut Removal,
) -> Result<(), ImagesError> {
    let img = &images[idx];
    store.remove_image(&img.manifest)?;
    out.records.push(DeleteRecord::Deleted(img.id.to_string()));
    let others: Vec<&ImageView> = images
        .iter()
        .enumerate()
        .filter(|(i, other)| *i != idx && other.manifest != img.manifest)
        .map(|(_, o)| o)
        .collect();
    let other_chains: BTreeSet<Digest> = others
        .iter()
        .flat_map(|o| o.layers.iter().map(|l| l.chain_id))
        .collect();
    let cached: BTreeSet<String> = store
        .cache_records()
        .into_iter()
        .filter_map(|r| r.layer.map(|l| l.digest))
        .collect();
    for l in img.layers.iter().rev() {
        // The layer store releases a chain from the top and stops at the
        // first layer still in use.
        if other_chains.contains(&l.chain_id) || cached.contains(&l.digest.to_string()) {
            break;
        }
        out.records
            .push(DeleteRecord::Deleted(l.chain_id.to_string()));
        out.reclaimed += l.tar_size;
    }
    collect_garbage(store)?;
    Ok(())
}

/// Deletes every blob that no image (manifest, config, layers) and no build
/// cache record refers to. Returns how many blobs and bytes went.
pub fn collect_garbage(store: &mut dyn Store) -> Result<(usize, u64), ImagesError> {
    let mut live: BTreeSet<Digest> = BTreeSet::new();
    for entry in store.images() {
        live.insert(entry.manifest);
        let Some(bytes) = store.blob(&entry.manifest)? else {
            continue;
        };
        // An unreadable manifest keeps nothing else alive, but is itself kept.
        if let Ok(m) = Manifest::from_json(&bytes) {
            live.insert(m.config.digest);
            live.extend(m.layers.iter().map(|l| l.digest));
        }
    }
    for r in store.cache_records() {
        if let Some(l) = r.layer
            && let Ok(d) = Digest::parse(&l.digest)
        {
            live.insert(d);
        }
    }
    let mut count = 0;
    let mut bytes = 0;
    for (d, size) in store.blobs() {
        if !live.contains(&d) {
            store.delete_blob(&d)?;
            count += 1;
            bytes += size;
        }
    }
    Ok((count, bytes))
}

/// `docker image prune [-a]`: dangling images (no name), or with `-a` every
/// image (no container can use one here).
pub fn prune(store: &mut dyn Store, all: bool) -> Result<Removal, ImagesError> {
    let images = list(store)?;
    let mut out = Removal::default();
    for img in &images {
        if img.tags.is_empty() {
            let r = remove(store, &img.id.to_string(), false)?;
            out.records.extend(r.records);
            out.reclaimed += r.reclaimed;
        } else if all {
            // Each name removed in turn; the last one deletes the image.
            for t in &img.tags {
                let r = remove(store, t, false)?;
                out.records.extend(r.records);
                out.reclaimed += r.reclaimed;
            }
        }
    }
    Ok(out)
}

/// The text `docker image prune` prints after the prompt.
pub fn prune_report(r: &Removal) -> String {
    let mut s = String::new();
    if !r.records.is_empty() {
        s.push_str("Deleted Images:\n");
        for rec in &r.records {
            s.push_str(&rec.prune_line());
            s.push('\n');
        }
        s.push('\n');
    }
    s.push_str(&format!(
        "Total reclaimed space: {}\n",
        human_size(r.reclaimed)
    ));
    s
}

#[cfg(test)]
mod tests;
