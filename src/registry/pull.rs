//! `docker pull`: the manifest (from an index, the platform's), the config
//! and the layers the store lacks, each checked against its digest (and each
//! layer's content against the config's diff_id) before anything is stored;
//! the name moves to the image last, so a failed pull changes nothing.

use std::io::Read;
use std::sync::Arc;

use super::auth::repository_scope;
use super::client::Client;
use super::error::{ErrorKind, RegistryError};
use super::http::Transport;
use super::reference::Reference;
use super::{Event, Status};
use crate::build::store::Store;
use crate::oci::digest::{Digest, Hasher};
use crate::oci::image::{ImageConfig, Index, Manifest, media_types};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pulled {
    /// The image manifest's digest (for an index, the chosen platform's).
    pub manifest: Digest,
    /// What the reference named: the index's digest for a multi-platform
    /// image, else the manifest's.
    pub digest: Digest,
    /// The name tagged, `None` for a pull by digest.
    pub name: Option<String>,
    pub downloaded: usize,
    /// Nothing new: the store had the image already.
    pub up_to_date: bool,
}

/// Pulls `reference` for `platform` (`linux/amd64`, `linux/arm64/v8`).
pub async fn pull<T: Transport>(
    client: &mut Client<T>,
    store: &mut dyn Store,
    reference: &Reference,
    platform: &str,
    on: &mut dyn FnMut(Event),
) -> Result<Pulled, RegistryError> {
    let repo = reference.path.clone();
    client.set_scopes(vec![repository_scope(&repo, "pull")]);
    let wanted = reference
        .digest
        .clone()
        .or_else(|| reference.tag.clone())
        .unwrap_or_else(|| "latest".into());
    on(Event::Line(format!("{wanted}: Pulling from {repo}")));
    let (mut media_type, mut mbytes, digest) = client.get_manifest(&repo, &wanted).await?;
    let mut manifest_digest = digest;
    if media_types::is_index(&media_type) {
        let index =
            Index::from_json(&mbytes).map_err(|e| protocol(format!("index {digest}: {e}")))?;
        let chosen = choose_platform(&index, platform)?;
        let (mt, bytes, d) = client.get_manifest(&repo, &chosen.to_string()).await?;
        if !media_types::is_manifest(&mt) {
            return Err(protocol(format!(
                "the index entry for {platform} is {mt}, not an image manifest"
            )));
        }
        (media_type, mbytes, manifest_digest) = (mt, bytes, d);
    }
    if !media_types::is_manifest(&media_type) {
        return Err(protocol(format!(
            "{wanted} is a {media_type}, not an image: layerlab pulls images"
        )));
    }
    let m = Manifest::from_json(&mbytes)
        .map_err(|e| protocol(format!("manifest {manifest_digest}: {e}")))?;
    if !media_types::is_config(&m.config.media_type) {
        return Err(protocol(format!(
            "manifest {manifest_digest} has a config of type {}: not a container image",
            m.config.media_type
        )));
    }
    let cbytes = client
        .get_blob(&repo, &m.config.digest, m.config.size)
        .await?;
    let config = ImageConfig::from_json(&cbytes)
        .map_err(|e| protocol(format!("config {}: {e}", m.config.digest)))?;
    if config.rootfs.diff_ids.len() != m.layers.len() {
        return Err(protocol(format!(
            "manifest {manifest_digest} lists {} layers but its config {} diff_ids",
            m.layers.len(),
            config.rootfs.diff_ids.len()
        )));
    }
    let had_image = store.has_blob(&manifest_digest);
    let mut fetched: Vec<(Digest, Arc<[u8]>)> = Vec::new();
    // Docker says nothing per layer of an image it already has.
    let complete = had_image && m.layers.iter().all(|l| store.has_blob(&l.digest));
    for l in m.layers.iter().filter(|_| !complete) {
        let id = l.digest.short();
        let status = if store.has_blob(&l.digest) {
            Status::AlreadyExists
        } else {
            Status::PullingFsLayer
        };
        on(Event::Layer { id, status });
    }
    for (l, diff_id) in m.layers.iter().zip(&config.rootfs.diff_ids) {
        if store.has_blob(&l.digest) || fetched.iter().any(|(d, _)| *d == l.digest) {
            continue;
        }
        let id = l.digest.short();
        on(Event::Layer {
            id: id.clone(),
            status: Status::Downloading,
        });
        let bytes = client.get_blob(&repo, &l.digest, l.size).await?;
        on(Event::Progress {
            id: id.clone(),
            done: bytes.len() as u64,
            total: l.size,
        });
        on(Event::Layer {
            id: id.clone(),
            status: Status::VerifyingChecksum,
        });
        let actual = content_digest(&l.media_type, &bytes)?;
        if actual != *diff_id {
            return Err(RegistryError::new(
                ErrorKind::DigestMismatch,
                format!(
                    "layer {}: its content hashes to {actual}, but the config says {diff_id}: refused, nothing was stored",
                    l.digest
                ),
            ));
        }
        on(Event::Layer {
            id,
            status: Status::DownloadComplete,
        });
        fetched.push((l.digest, bytes.into()));
    }
    // Everything checked: now the store changes, blobs first, name last.
    let store_err = |e: crate::build::store::StoreError| RegistryError::new(ErrorKind::Store, e.0);
    let downloaded = fetched.len();
    for (d, bytes) in fetched {
        store.put_blob(&d, bytes).map_err(store_err)?;
        on(Event::Layer {
            id: d.short(),
            status: Status::PullComplete,
        });
    }
    store
        .put_blob(&m.config.digest, cbytes.into())
        .map_err(store_err)?;
    let msize = mbytes.len() as u64;
    store
        .put_blob(&manifest_digest, mbytes.into())
        .map_err(store_err)?;
    let up_to_date;
    let name = match &reference.digest {
        Some(_) => {
            // As Docker says of a digest it already has: up to date.
            up_to_date = had_image && store.images().iter().any(|e| e.manifest == manifest_digest);
            store
                .add_image(&manifest_digest, msize)
                .map_err(store_err)?;
            None
        }
        None => {
            let name = format!(
                "{}/{repo}:{}",
                reference.domain,
                reference.tag.as_deref().unwrap_or("latest")
            );
            up_to_date = had_image
                && store
                    .images()
                    .iter()
                    .any(|e| e.manifest == manifest_digest && e.tags.contains(&name));
            store
                .tag(&name, &manifest_digest, msize)
                .map_err(store_err)?;
            Some(name)
        }
    };
    on(Event::Line(format!("Digest: {digest}")));
    Ok(Pulled {
        manifest: manifest_digest,
        digest,
        name,
        downloaded,
        up_to_date,
    })
}

/// The platform's entry of an index: os and architecture equal, and the
/// variant when one is asked for.
fn choose_platform(index: &Index, platform: &str) -> Result<Digest, RegistryError> {
    let mut parts = platform.split('/');
    let os = parts.next().unwrap_or("linux");
    let arch = parts.next().unwrap_or("amd64");
    let variant = parts.next();
    let found = index.manifests.iter().find(|d| {
        d.platform.as_ref().is_some_and(|p| {
            p.os == os && p.architecture == arch && variant.is_none_or(|v| p.variant == v)
        })
    });
    match found {
        Some(d) => Ok(d.digest),
        None => {
            let have: Vec<String> = index
                .manifests
                .iter()
                .filter_map(|d| d.platform.as_ref())
                .map(|p| {
                    let mut s = format!("{}/{}", p.os, p.architecture);
                    if !p.variant.is_empty() {
                        s = format!("{s}/{}", p.variant);
                    }
                    s
                })
                .collect();
            Err(RegistryError::new(
                ErrorKind::NotFound,
                format!(
                    "no matching manifest for {platform} in the manifest list entries (it has {})",
                    if have.is_empty() {
                        "no platforms".to_string()
                    } else {
                        have.join(", ")
                    }
                ),
            ))
        }
    }
}

/// The sha256 of a layer's uncompressed content (its diff_id).
fn content_digest(media_type: &str, blob: &[u8]) -> Result<Digest, RegistryError> {
    if media_type.ends_with("+zstd") {
        return Err(protocol(format!(
            "layers of type {media_type} are not supported yet (gzip and plain tar are)"
        )));
    }
    if media_type == media_types::OCI_LAYER_TAR {
        return Ok(Digest::of(blob));
    }
    let mut hasher = Hasher::new();
    let mut gz = flate2::read::GzDecoder::new(blob);
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = gz.read(&mut buf).map_err(|e| {
            RegistryError::new(
                ErrorKind::DigestMismatch,
                format!("a layer of type {media_type} does not decompress: {e}"),
            )
        })?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finish())
}

fn protocol(message: String) -> RegistryError {
    RegistryError::new(ErrorKind::Protocol, message)
}
