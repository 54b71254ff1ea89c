//! The build engine: stages, the build context and `.dockerignore`, COPY/ADD,
//! cache keys with miss reasons, base images, and the image it all makes.

pub mod cache;
pub mod catalog;
pub mod copy;
pub mod dockerignore;
pub mod engine;
pub mod image;
pub mod images;
pub mod layer;
mod run;
pub use run::shell_options;
pub mod store;

pub use engine::{BuildError, Built, Outcome, Progress, Request, StepReport, build};

use std::sync::Arc;

use image::{Health, HistoryRow, RunConfig};
use store::{LayerRef, Store};

use crate::oci::digest::Digest;
use crate::oci::image::{
    Config, Descriptor, Empty, Healthcheck, History, ImageConfig, Manifest, RootFs, media_types,
};

/// The blobs that make an image: its config and manifest, with digests.
#[derive(Debug, Clone)]
pub struct ImageParts {
    pub config: Arc<[u8]>,
    pub config_digest: Digest,
    pub manifest: Arc<[u8]>,
    pub manifest_digest: Digest,
    pub layers: Vec<LayerRef>,
}

impl ImageParts {
    /// Docker's image ID: the config digest.
    pub fn id(&self) -> Digest {
        self.config_digest
    }
}

/// A base image found by name: in the store, or in the offline catalog.
#[derive(Debug, Clone)]
pub struct ResolvedImage {
    /// As the log shows it: `docker.io/library/alpine:3.20@sha256:…`.
    pub name: String,
    pub manifest: Digest,
    pub config: RunConfig,
    pub history: Vec<HistoryRow>,
    pub layers: Vec<LayerRef>,
    pub architecture: String,
    pub os: String,
    /// The whole tree when it is already at hand (catalog images).
    pub fs: Option<crate::vfs::Fs>,
}

fn rfc3339(epoch: i64) -> String {
    // Days from civil (Howard Hinnant's algorithm), UTC.
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Seconds since the epoch of an RFC 3339 time (`2024-09-06T12:05:36Z`,
/// fractions and offsets allowed); `None` when unreadable.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = if mo > 2 { mo - 3 } else { mo + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let mut t = days * 86_400 + h * 3600 + mi * 60 + se;
    let rest = &s[19..];
    let rest = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    if let Some(off) = rest.strip_prefix(['+', '-']) {
        let sign = if rest.starts_with('-') { -1 } else { 1 };
        let oh = off.get(0..2)?.parse::<i64>().ok()?;
        let om = off.get(3..5)?.parse::<i64>().ok()?;
        t -= sign * (oh * 3600 + om * 60);
    }
    Some(t)
}

fn to_oci_config(c: &RunConfig) -> Config {
    Config {
        user: c.user.clone(),
        exposed_ports: c
            .exposed_ports
            .iter()
            .map(|p| (p.clone(), Empty {}))
            .collect(),
        env: c.env.clone(),
        entrypoint: c.entrypoint.clone().unwrap_or_default(),
        cmd: c.cmd.clone().unwrap_or_default(),
        volumes: c.volumes.iter().map(|p| (p.clone(), Empty {})).collect(),
        working_dir: c.working_dir.clone(),
        labels: c.labels.clone(),
        stop_signal: c.stop_signal.clone(),
        args_escaped: c.args_escaped,
        healthcheck: c.healthcheck.as_ref().map(|h| Healthcheck {
            test: h.test.clone(),
            interval: h.interval,
            timeout: h.timeout,
            start_period: h.start_period,
            start_interval: h.start_interval,
            retries: h.retries,
        }),
        on_build: c.on_build.clone(),
        shell: c.shell.clone().unwrap_or_default(),
    }
}

fn from_oci_config(c: &Config) -> RunConfig {
    RunConfig {
        user: c.user.clone(),
        exposed_ports: c.exposed_ports.keys().cloned().collect(),
        env: c.env.clone(),
        entrypoint: (!c.entrypoint.is_empty()).then(|| c.entrypoint.clone()),
        cmd: (!c.cmd.is_empty()).then(|| c.cmd.clone()),
        volumes: c.volumes.keys().cloned().collect(),
        working_dir: c.working_dir.clone(),
        labels: c.labels.clone(),
        stop_signal: c.stop_signal.clone(),
        healthcheck: c.healthcheck.as_ref().map(|h| Health {
            test: h.test.clone(),
            interval: h.interval,
            timeout: h.timeout,
            start_period: h.start_period,
            start_interval: h.start_interval,
            retries: h.retries,
        }),
        shell: (!c.shell.is_empty()).then(|| c.shell.clone()),
        on_build: c.on_build.clone(),
        args_escaped: c.args_escaped,
    }
}

/// The config and manifest for a finished stage.
pub fn assemble(
    config: &RunConfig,
    history: &[HistoryRow],
    layers: &[LayerRef],
    author: &str,
    architecture: &str,
    os: &str,
    epoch: i64,
) -> ImageParts {
    let diff_ids = layers
        .iter()
        .filter_map(|l| Digest::parse(&l.diff_id).ok())
        .collect();
    let image = ImageConfig {
        created: Some(rfc3339(epoch)),
        author: author.to_string(),
        architecture: architecture.to_string(),
        variant: String::new(),
        os: os.to_string(),
        os_version: String::new(),
        os_features: Vec::new(),
        config: to_oci_config(config),
        rootfs: RootFs {
            kind: "layers".into(),
            diff_ids,
        },
        history: history
            .iter()
            .map(|h| History {
                created: Some(rfc3339(h.created)),
                created_by: h.created_by.clone(),
                author: String::new(),
                comment: h.comment.clone(),
                empty_layer: h.empty_layer,
            })
            .collect(),
    };
    let config_bytes: Arc<[u8]> = image.to_json_bytes().into();
    let config_desc = Descriptor::of(media_types::OCI_CONFIG, &config_bytes);
    let layer_descs = layers
        .iter()
        .filter_map(|l| {
            Some(Descriptor::new(
                &l.media_type,
                Digest::parse(&l.digest).ok()?,
                l.size,
            ))
        })
        .collect();
    let manifest = Manifest::new(config_desc.clone(), layer_descs);
    let manifest_bytes: Arc<[u8]> = manifest.to_json_bytes().into();
    ImageParts {
        manifest_digest: Digest::of(&manifest_bytes),
        config_digest: config_desc.digest,
        config: config_bytes,
        manifest: manifest_bytes,
        layers: layers.to_vec(),
    }
}

/// The full name a reference is stored under: `docker.io/library/alpine:3.20`.
pub fn full_name(name: &str) -> Result<String, String> {
    Ok(engine::normalize(name)?.to_string())
}

/// Reads an image of the store by manifest digest.
pub fn load_image(
    store: &dyn Store,
    manifest: &Digest,
    name: &str,
) -> Result<ResolvedImage, String> {
    let mbytes = store
        .blob(manifest)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("manifest {manifest} is missing from the store"))?;
    let m = Manifest::from_json(&mbytes).map_err(|e| e.to_string())?;
    let cbytes = store
        .blob(&m.config.digest)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("config {} is missing from the store", m.config.digest))?;
    let c = ImageConfig::from_json(&cbytes).map_err(|e| e.to_string())?;
    let layers = m
        .layers
        .iter()
        .zip(&c.rootfs.diff_ids)
        .map(|(d, diff)| LayerRef {
            digest: d.digest.to_string(),
            diff_id: diff.to_string(),
            size: d.size,
            media_type: d.media_type.clone(),
        })
        .collect();
    Ok(ResolvedImage {
        name: format!("{name}@{manifest}"),
        manifest: *manifest,
        config: from_oci_config(&c.config),
        history: c
            .history
            .iter()
            .map(|h| HistoryRow {
                created: h.created.as_deref().and_then(parse_rfc3339).unwrap_or(0),
                created_by: h.created_by.clone(),
                comment: h.comment.clone(),
                empty_layer: h.empty_layer,
            })
            .collect(),
        layers,
        architecture: c.architecture,
        os: c.os,
        fs: None,
    })
}

/// Finds an image for FROM or COPY --from: a name in the store first (as
/// Docker uses local images), then the offline catalog, which is stored and
/// tagged like a pull.
pub fn resolve_image(
    store: &mut dyn Store,
    name: &str,
    _epoch: i64,
) -> Result<ResolvedImage, String> {
    let reference = engine::normalize(name)?;
    let full = reference.to_string();
    if let Some(entry) = store.images().into_iter().find(|e| e.tags.contains(&full)) {
        return load_image(store, &entry.manifest, &full);
    }
    let tag = reference.tag.clone().unwrap_or_else(|| "latest".into());
    let Some(cat) = catalog::lookup(&reference.name(), &tag) else {
        return Err(format!(
            "{full}: not found: layerlab works offline and has no copy of this image; the offline images are {}",
            catalog::available_summary()
        ));
    };
    let mut layers = Vec::with_capacity(cat.layers.len());
    for (k, l) in cat.layers.iter().enumerate() {
        let (digest, diff_id, size) = match catalog::memo(&l.id) {
            Some(m) => {
                store
                    .put_catalog_layer(&m.digest, &l.id, m.size)
                    .map_err(|e| e.to_string())?;
                (m.digest, m.diff_id, m.size)
            }
            // Not memoised (a new catalog layer before digests.txt is
            // regenerated): made and stored like a built layer.
            None => {
                let blob = layer::write(&cat.changes(k), k == 0)?;
                store
                    .put_blob(&blob.digest, blob.bytes.clone())
                    .map_err(|e| e.to_string())?;
                (blob.digest, blob.diff_id, blob.bytes.len() as u64)
            }
        };
        layers.push(LayerRef {
            digest: digest.to_string(),
            diff_id: diff_id.to_string(),
            size,
            media_type: media_types::OCI_LAYER_TAR_GZIP.to_string(),
        });
    }
    let c = &cat.config;
    let config = RunConfig {
        env: c.env.clone(),
        cmd: (!c.cmd.is_empty()).then(|| c.cmd.clone()),
        entrypoint: (!c.entrypoint.is_empty()).then(|| c.entrypoint.clone()),
        working_dir: c.working_dir.clone(),
        user: c.user.clone(),
        exposed_ports: c.exposed_ports.iter().cloned().collect(),
        stop_signal: c.stop_signal.clone(),
        labels: c.labels.iter().cloned().collect(),
        shell: (!c.shell.is_empty()).then(|| c.shell.clone()),
        ..Default::default()
    };
    let history: Vec<HistoryRow> = cat
        .history
        .iter()
        .map(|h| HistoryRow {
            created: h.created,
            created_by: h.created_by.clone(),
            comment: if h.created_by.ends_with("# buildkit") {
                "buildkit.dockerfile.v0".into()
            } else {
                String::new()
            },
            empty_layer: h.empty_layer,
        })
        .collect();
    let parts = assemble(
        &config,
        &history,
        &layers,
        "",
        "amd64",
        "linux",
        cat.created,
    );
    store
        .put_blob(&parts.config_digest, parts.config.clone())
        .map_err(|e| e.to_string())?;
    store
        .put_blob(&parts.manifest_digest, parts.manifest.clone())
        .map_err(|e| e.to_string())?;
    store
        .tag(&full, &parts.manifest_digest, parts.manifest.len() as u64)
        .map_err(|e| e.to_string())?;
    Ok(ResolvedImage {
        name: format!("{full}@{}", parts.manifest_digest),
        manifest: parts.manifest_digest,
        config,
        history,
        layers,
        architecture: "amd64".into(),
        os: "linux".into(),
        fs: Some(cat.fs()),
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips() {
        for (t, s) in [
            (0, "1970-01-01T00:00:00Z"),
            (1_725_624_336, "2024-09-06T12:05:36Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
        ] {
            assert_eq!(rfc3339(t), s);
            assert_eq!(parse_rfc3339(s), Some(t));
        }
        assert_eq!(
            parse_rfc3339("2024-09-06T14:05:36.123+02:00"),
            Some(1_725_624_336)
        );
    }
}
