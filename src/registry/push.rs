//! `docker push`: every blob the registry lacks goes up (or is mounted from
//! another repository of the same registry), then the manifest's exact
//! bytes under the tag.

use std::collections::BTreeMap;

use super::auth::repository_scope;
use super::client::{Client, Mount};
use super::error::{ErrorKind, RegistryError};
use super::http::Transport;
use super::reference::Reference;
use super::{Event, Status};
use crate::build::store::Store;
use crate::oci::digest::Digest;
use crate::oci::image::{ImageConfig, Manifest, media_types};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub digest: Digest,
    pub size: u64,
    pub tag: String,
    pub uploaded: usize,
    pub existed: usize,
    pub mounted: usize,
}

/// Pushes the image whose manifest is `manifest` to `target` (a tag, not a
/// digest). A blob the repository lacks is first mounted from another
/// repository of the same registry that an image in the store is named in
/// and holds it (Docker remembers where blobs came from; the store's names
/// are layerlab's memory of that).
pub async fn push<T: Transport>(
    client: &mut Client<T>,
    store: &dyn Store,
    manifest: &Digest,
    target: &Reference,
    on: &mut dyn FnMut(Event),
) -> Result<Pushed, RegistryError> {
    let repo = target.path.clone();
    let tag = target.tag.clone().unwrap_or_else(|| "latest".into());
    let mbytes = read(store, manifest, "manifest")?;
    let m = Manifest::from_json(&mbytes)
        .map_err(|e| RegistryError::new(ErrorKind::Store, format!("manifest {manifest}: {e}")))?;
    let cbytes = read(store, &m.config.digest, "config")?;
    let config = ImageConfig::from_json(&cbytes).map_err(|e| {
        RegistryError::new(ErrorKind::Store, format!("config {}: {e}", m.config.digest))
    })?;
    let sources = mount_sources(store, target);
    let mut scopes = vec![repository_scope(&repo, "pull,push")];
    let mut repos: Vec<&String> = sources.values().flatten().collect();
    repos.sort();
    repos.dedup();
    scopes.extend(repos.iter().map(|r| repository_scope(r, "pull")));
    client.set_scopes(scopes);

    on(Event::Line(format!(
        "The push refers to repository [{}/{}]",
        target.domain, repo
    )));
    // Docker names a pushed layer by its diff_id and lists the top first.
    let ids: Vec<String> = m
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| config.rootfs.diff_ids.get(i).unwrap_or(&l.digest).short())
        .collect();
    for id in ids.iter().rev() {
        on(Event::Layer {
            id: id.clone(),
            status: Status::Preparing,
        });
    }
    let mut out = Pushed {
        digest: *manifest,
        size: mbytes.len() as u64,
        tag: tag.clone(),
        uploaded: 0,
        existed: 0,
        mounted: 0,
    };
    let mut done: Vec<Digest> = Vec::new();
    let blobs = m
        .layers
        .iter()
        .zip(ids.iter().map(Some))
        .rev()
        .chain(std::iter::once((&m.config, None)));
    for (desc, id) in blobs {
        // An image may hold the same layer twice; it goes up once.
        if done.contains(&desc.digest) {
            if let Some(id) = id {
                on(Event::Layer {
                    id: id.clone(),
                    status: Status::Exists,
                });
            }
            continue;
        }
        done.push(desc.digest);
        let from = sources.get(&desc.digest).map_or(&[][..], Vec::as_slice);
        let status = push_blob(client, store, &repo, &desc.digest, from, id, on).await?;
        match status {
            Status::Exists => out.existed += 1,
            Status::MountedFrom(_) => out.mounted += 1,
            _ => out.uploaded += 1,
        }
        if let Some(id) = id {
            on(Event::Layer {
                id: id.clone(),
                status,
            });
        }
    }
    let media_type = if m.media_type.is_empty() {
        media_types::OCI_MANIFEST.to_string()
    } else {
        m.media_type.clone()
    };
    let digest = client
        .put_manifest(&repo, &tag, &media_type, mbytes.clone())
        .await?;
    out.digest = digest;
    on(Event::Line(format!(
        "{tag}: digest: {digest} size: {}",
        mbytes.len()
    )));
    Ok(out)
}

async fn push_blob<T: Transport>(
    client: &mut Client<T>,
    store: &dyn Store,
    repo: &str,
    digest: &Digest,
    mount_from: &[String],
    id: Option<&String>,
    on: &mut dyn FnMut(Event),
) -> Result<Status, RegistryError> {
    if client.blob_exists(repo, digest).await?.is_some() {
        return Ok(Status::Exists);
    }
    let mut session = None;
    // The first repository known to hold it; a refused mount opens an
    // upload session, which the upload then uses.
    if let Some(from) = mount_from.first() {
        match client.mount(repo, digest, from).await? {
            Mount::Mounted => return Ok(Status::MountedFrom(from.clone())),
            Mount::Session(location) => session = Some(location),
        }
    }
    let bytes = read(store, digest, "blob")?;
    let total = bytes.len() as u64;
    if let Some(id) = id {
        on(Event::Layer {
            id: id.clone(),
            status: Status::Pushing,
        });
        on(Event::Progress {
            id: id.clone(),
            done: 0,
            total,
        });
    }
    let mut progress = |done: u64| {
        if let Some(id) = id {
            on(Event::Progress {
                id: id.clone(),
                done,
                total,
            });
        }
    };
    client
        .upload(repo, digest, bytes, session, &mut progress)
        .await?;
    Ok(Status::Pushed)
}

/// For each blob, the other repositories of the target's registry that an
/// image holding it is named in.
fn mount_sources(store: &dyn Store, target: &Reference) -> BTreeMap<Digest, Vec<String>> {
    let mut out: BTreeMap<Digest, Vec<String>> = BTreeMap::new();
    for image in store.images() {
        let repos: Vec<String> = image
            .tags
            .iter()
            .filter_map(|t| Reference::parse(t).ok())
            .filter(|r| r.domain == target.domain && r.path != target.path)
            .map(|r| r.path)
            .collect();
        if repos.is_empty() {
            continue;
        }
        let Ok(Some(bytes)) = store.blob(&image.manifest) else {
            continue;
        };
        let Ok(m) = Manifest::from_json(&bytes) else {
            continue;
        };
        for d in m.layers.iter().chain([&m.config]) {
            let list = out.entry(d.digest).or_default();
            for r in &repos {
                if !list.contains(r) {
                    list.push(r.clone());
                }
            }
        }
    }
    out
}

fn read(
    store: &dyn Store,
    digest: &Digest,
    what: &str,
) -> Result<std::sync::Arc<[u8]>, RegistryError> {
    store
        .blob(digest)
        .map_err(|e| RegistryError::new(ErrorKind::Store, e.to_string()))?
        .ok_or_else(|| {
            RegistryError::new(
                ErrorKind::Store,
                format!("{what} {digest} is missing from the local image store"),
            )
        })
}
