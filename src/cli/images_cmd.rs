//! Docker's image commands over the on-disk store: the core decides and
//! formats (`build::images`), this face reads the clock, prompts, and prints
//! errors the way the docker CLI does.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};

use super::store::{DiskStore, data_dir, now, write_atomic};
use crate::build::images::{self, HistoryOptions, ImagesError, ImagesOptions, familiar};
use crate::build::store::Store;
use crate::oci::digest::Digest;
use crate::oci::image::{Descriptor, Index, Manifest, media_types};
use crate::oci::layout::{self, OCI_LAYOUT_FILE, REF_NAME};
use crate::oci::tar::{self, Entry, EntryKind, Limits};

/// The annotation containerd and `docker save` keep the full name in.
const CONTAINERD_NAME: &str = "io.containerd.image.name";

#[derive(Args)]
pub struct ImagesArgs {
    /// Show all images (there are no intermediate images: the same list).
    #[arg(short, long)]
    all: bool,
    /// Only show image IDs.
    #[arg(short, long)]
    quiet: bool,
    /// Show digests.
    #[arg(long)]
    digests: bool,
    /// Don't truncate output.
    #[arg(long)]
    no_trunc: bool,
    /// `table` (default) or `json`.
    #[arg(long, default_value = "table")]
    format: String,
    /// Only this repository (and tag).
    #[arg(value_name = "REPOSITORY[:TAG]")]
    repository: Option<String>,
}

#[derive(Args)]
pub struct TagArgs {
    #[arg(value_name = "SOURCE_IMAGE[:TAG]")]
    source: String,
    #[arg(value_name = "TARGET_IMAGE[:TAG]")]
    target: String,
}

#[derive(Args)]
pub struct RmiArgs {
    /// Remove the image even when it has several names.
    #[arg(short, long)]
    force: bool,
    #[arg(required = true, value_name = "IMAGE")]
    images: Vec<String>,
}

#[derive(Args)]
pub struct PruneArgs {
    /// Remove all unused images, not just dangling ones.
    #[arg(short, long)]
    all: bool,
    /// Do not prompt for confirmation.
    #[arg(short, long)]
    force: bool,
}

#[derive(Args)]
pub struct HistoryArgs {
    /// Print sizes and dates in human readable format (`-H=false` for raw).
    #[arg(short = 'H', long, default_value_t = true, require_equals = true,
          num_args = 0..=1, default_missing_value = "true",
          action = clap::ArgAction::Set)]
    human: bool,
    /// Don't truncate output.
    #[arg(long)]
    no_trunc: bool,
    /// Only show image IDs.
    #[arg(short, long)]
    quiet: bool,
    /// `table` (default) or `json`.
    #[arg(long, default_value = "table")]
    format: String,
    image: String,
}

#[derive(Args)]
pub struct InspectArgs {
    #[arg(required = true, value_name = "IMAGE")]
    images: Vec<String>,
}

#[derive(Args)]
pub struct SaveArgs {
    /// Write to a file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[arg(required = true, value_name = "IMAGE")]
    images: Vec<String>,
}

#[derive(Args)]
pub struct LoadArgs {
    /// Read from a tar archive file instead of standard input.
    #[arg(short, long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Suppress the load output.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Subcommand)]
pub enum ImageCmd {
    /// List images.
    #[command(visible_alias = "list")]
    Ls(ImagesArgs),
    /// Remove one or more images.
    #[command(visible_alias = "remove")]
    Rm(RmiArgs),
    /// Remove unused images.
    Prune(PruneArgs),
    /// Display detailed information on one or more images.
    Inspect(InspectArgs),
    /// Show the history of an image.
    History(HistoryArgs),
    /// Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE.
    Tag(TagArgs),
    /// Save one or more images to a tar archive (an OCI image layout).
    Save(SaveArgs),
    /// Load images from a tar archive (an OCI image layout).
    Load(LoadArgs),
}

#[derive(Subcommand)]
pub enum SystemCmd {
    /// Show layerlab's disk usage, as `docker system df`.
    Df {
        /// Show detailed information on space usage.
        #[arg(short, long)]
        verbose: bool,
    },
}

pub fn image_cmd(cmd: ImageCmd) -> Result<ExitCode> {
    match cmd {
        ImageCmd::Ls(a) => images_cmd(a),
        ImageCmd::Rm(a) => rmi_cmd(a),
        ImageCmd::Prune(a) => prune_cmd(a),
        ImageCmd::Inspect(a) => inspect_cmd(a),
        ImageCmd::History(a) => history_cmd(a),
        ImageCmd::Tag(a) => tag_cmd(a),
        ImageCmd::Save(a) => save_cmd(a),
        ImageCmd::Load(a) => load_cmd(a),
    }
}

fn open_read() -> Result<DiskStore> {
    DiskStore::open(&data_dir()?, false)
}

fn open_write() -> Result<DiskStore> {
    DiskStore::open(&data_dir()?, true)
}

/// The docker CLI's report of an error the daemon answered with: exit 1.
fn daemon_error(e: &ImagesError) -> ExitCode {
    match e {
        ImagesError::InvalidReference(..) => eprintln!("{e}"),
        _ => eprintln!("Error response from daemon: {e}"),
    }
    ExitCode::from(1)
}

fn format_is_json(format: &str) -> Result<bool> {
    match format {
        "" | "table" => Ok(false),
        "json" | "{{json .}}" => Ok(true),
        other => bail!("unsupported --format {other:?}: layerlab knows \"table\" and \"json\""),
    }
}

pub fn images_cmd(a: ImagesArgs) -> Result<ExitCode> {
    let _ = a.all;
    let json = format_is_json(&a.format)?;
    let store = open_read()?;
    let images = images::list(&store)?;
    let text = images::format_images(
        &images,
        a.repository.as_deref(),
        now(),
        ImagesOptions {
            quiet: a.quiet,
            digests: a.digests,
            no_trunc: a.no_trunc,
            json,
        },
    );
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn tag_cmd(a: TagArgs) -> Result<ExitCode> {
    let mut store = open_write()?;
    match images::tag(&mut store, &a.source, &a.target) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => Ok(daemon_error(&e)),
    }
}

pub fn rmi_cmd(a: RmiArgs) -> Result<ExitCode> {
    let mut store = open_write()?;
    let mut out = std::io::stdout().lock();
    let mut failed = false;
    for r in &a.images {
        match images::remove(&mut store, r, a.force) {
            Ok(removal) => {
                for rec in removal.records {
                    writeln!(out, "{}", rec.rmi_line())?;
                }
            }
            // With -f a missing image is only reported.
            Err(e @ ImagesError::NoSuchImage(_)) if a.force => {
                eprintln!("Error response from daemon: {e}");
            }
            Err(e) => {
                eprintln!("Error response from daemon: {e}");
                failed = true;
            }
        }
    }
    Ok(super::exit_for(failed))
}

pub fn prune_cmd(a: PruneArgs) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if !a.force {
        let warning = if a.all {
            "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] "
        } else {
            "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] "
        };
        write!(out, "{warning}")?;
        out.flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y") {
            eprintln!("image prune has been cancelled");
            return Ok(ExitCode::SUCCESS);
        }
    }
    let mut store = open_write()?;
    let removal = images::prune(&mut store, a.all)?;
    out.write_all(images::prune_report(&removal).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn history_cmd(a: HistoryArgs) -> Result<ExitCode> {
    let json = format_is_json(&a.format)?;
    let store = open_read()?;
    let list = images::list(&store)?;
    let img = match images::find(&list, &a.image) {
        Ok(i) => i,
        Err(e) => return Ok(daemon_error(&e)),
    };
    let text = images::format_history(
        img,
        now(),
        HistoryOptions {
            no_trunc: a.no_trunc,
            human: a.human,
            quiet: a.quiet,
            json,
        },
    );
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn inspect_cmd(a: InspectArgs) -> Result<ExitCode> {
    let store = open_read()?;
    let list = images::list(&store)?;
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for r in &a.images {
        match images::find(&list, r) {
            Ok(i) => found.push(i),
            // The client's inspect names the reference as typed.
            Err(_) => errors.push(format!("Error: No such image: {r}")),
        }
    }
    std::io::stdout()
        .lock()
        .write_all(images::inspect_json(&found).as_bytes())?;
    for e in &errors {
        eprintln!("{e}");
    }
    Ok(super::exit_for(!errors.is_empty()))
}

pub fn system_df_cmd(verbose: bool) -> Result<ExitCode> {
    let store = open_read()?;
    let list = images::list(&store)?;
    let cache = images::cache_items(&store, &list, &|r| store.cache_use(&r.key))?;
    let text = images::system_df(&list, &cache, now(), verbose);
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// `save`: the images as an OCI image layout in a tar, as `docker save`
/// (Docker 25+) writes it: `index.json` names each image with the full name
/// in `io.containerd.image.name` and the tag in
/// `org.opencontainers.image.ref.name`, and `manifest.json` lets older
/// `docker load` read it too.
pub fn save_cmd(a: SaveArgs) -> Result<ExitCode> {
    if a.output.is_none() && std::io::stdout().is_terminal() {
        bail!("cowardly refusing to save to a terminal. Use the -o flag or redirect");
    }
    let store = open_read()?;
    let list = images::list(&store)?;
    let mut blobs: BTreeMap<Digest, Arc<[u8]>> = BTreeMap::new();
    let mut index: Vec<(Option<String>, Descriptor)> = Vec::new();
    let mut docker_manifest = Vec::new();
    for r in &a.images {
        let img = match images::find(&list, r) {
            Ok(i) => i,
            Err(e) => return Ok(daemon_error(&e)),
        };
        // A name saves that name; an ID saves the image without one.
        let name = crate::build::engine::normalize(r)
            .ok()
            .map(|n| n.to_string())
            .filter(|n| img.tags.contains(n));
        let mut digests = vec![img.manifest, img.id];
        digests.extend(img.layers.iter().map(|l| l.digest));
        for d in digests {
            let b = store
                .blob(&d)?
                .with_context(|| format!("blob {d} of {r} is missing from the store"))?;
            blobs.insert(d, b);
        }
        let m = Manifest::from_json(&blobs[&img.manifest])?;
        let mut desc = Descriptor::new(&m.media_type, img.manifest, img.manifest_size);
        if desc.media_type.is_empty() {
            desc.media_type = media_types::OCI_MANIFEST.into();
        }
        if let Some(n) = &name {
            desc.annotations.insert(CONTAINERD_NAME.into(), n.clone());
            let (_, tag) = images::repo_and_tag(n);
            desc.annotations.insert(REF_NAME.into(), tag);
        }
        index.push((None, desc));
        docker_manifest.push(serde_json::json!({
            "Config": layout::blob_path(&img.id),
            "RepoTags": name.iter().map(|n| familiar(n)).collect::<Vec<_>>(),
            "Layers": img.layers.iter().map(|l| layout::blob_path(&l.digest)).collect::<Vec<_>>(),
        }));
    }
    let mut entries = vec![
        Entry::dir("blobs", 0o755),
        Entry::dir("blobs/sha256", 0o755),
    ];
    for (d, b) in &blobs {
        entries.push(Entry::file(&layout::blob_path(d), b.clone(), 0o644));
    }
    entries.push(Entry::file("index.json", layout::index_json(&index), 0o644));
    entries.push(Entry::file(
        "manifest.json",
        serde_json::to_vec(&docker_manifest)?,
        0o644,
    ));
    entries.push(Entry::file("oci-layout", OCI_LAYOUT_FILE, 0o644));
    let tar = tar::write_tar(&entries)?;
    match &a.output {
        Some(p) => write_atomic(p, &tar)?,
        None => std::io::stdout().lock().write_all(&tar)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The most a `load` archive may expand to (it is held in memory).
const MAX_LOAD_BYTES: u64 = 4 << 30;

/// `load`: an OCI image layout in a tar (what `save`, `docker save` and
/// `skopeo copy … oci-archive:` write), gzip or plain. Every blob is checked
/// against its digest before anything is stored, paths that leave the
/// archive are refused, and names come from `io.containerd.image.name` or
/// the ref-name annotation.
pub fn load_cmd(a: LoadArgs) -> Result<ExitCode> {
    let mut raw = Vec::new();
    match &a.input {
        Some(p) => std::fs::File::open(p)
            .with_context(|| format!("open {}", p.display()))?
            .take(MAX_LOAD_BYTES + 1)
            .read_to_end(&mut raw)?,
        None => {
            if std::io::stdin().is_terminal() {
                bail!("requested load from stdin, but stdin is empty");
            }
            std::io::stdin()
                .lock()
                .take(MAX_LOAD_BYTES + 1)
                .read_to_end(&mut raw)?
        }
    };
    if raw.len() as u64 > MAX_LOAD_BYTES {
        bail!("the archive is larger than {} GiB", MAX_LOAD_BYTES >> 30);
    }
    let limits = Limits {
        max_entries: 100_000,
        max_expanded_bytes: MAX_LOAD_BYTES,
        max_path_len: 4096,
    };
    let entries = tar::read_layer(&raw, &limits).context("reading the archive")?;
    let mut files: BTreeMap<String, Arc<[u8]>> = BTreeMap::new();
    for e in entries {
        match e.kind {
            EntryKind::File(data) => {
                files.insert(e.path, Arc::from(&data[..]));
            }
            EntryKind::Dir => {}
            _ => bail!(
                "the archive has {:?}, which is not a regular file or directory: not an image layout",
                e.path
            ),
        }
    }
    if let Some(l) = files.get("oci-layout") {
        layout::parse_oci_layout(l)?;
    }
    let Some(index) = files.get("index.json") else {
        bail!("the archive has no index.json: not an OCI image layout");
    };
    // Every blob the archive carries must be what its name says.
    let mut blobs: BTreeMap<Digest, Arc<[u8]>> = BTreeMap::new();
    for (path, data) in &files {
        if let Some(hex) = path.strip_prefix("blobs/sha256/") {
            let d = Digest::parse(&format!("sha256:{hex}"))
                .with_context(|| format!("the archive has a blob named {path:?}"))?;
            let actual = Digest::of(data);
            if actual != d {
                bail!("blob {d} in the archive is corrupt: its content hashes to {actual}");
            }
            blobs.insert(d, data.clone());
        }
    }
    let blob = |d: &Digest| -> Result<Arc<[u8]>> {
        blobs
            .get(d)
            .cloned()
            .with_context(|| format!("the archive lacks blob {d}"))
    };
    // The image manifests, with their names; nested indexes are followed once.
    let mut manifests: Vec<(Descriptor, Option<String>)> = Vec::new();
    for (name, d) in layout::parse_index_json(index)? {
        let full = d
            .annotations
            .get(CONTAINERD_NAME)
            .cloned()
            .or(name)
            .and_then(|n| images::parse_tag(&n).ok());
        if media_types::is_index(&d.media_type) {
            for m in Index::from_json(&blob(&d.digest)?)?.manifests {
                let attestation = m.annotations.contains_key("vnd.docker.reference.type");
                if media_types::is_manifest(&m.media_type) && !attestation {
                    manifests.push((m, full.clone()));
                }
            }
        } else {
            manifests.push((d, full));
        }
    }
    if manifests.is_empty() {
        bail!("the archive's index.json lists no image");
    }
    let mut store = open_write()?;
    let mut out = std::io::stdout().lock();
    for (d, name) in manifests {
        let mbytes = blob(&d.digest)?;
        let m = Manifest::from_json(&mbytes)?;
        let mut needed = vec![m.config.digest];
        needed.extend(m.layers.iter().map(|l| l.digest));
        for n in &needed {
            store.put_blob(n, blob(n)?)?;
        }
        store.put_blob(&d.digest, mbytes.clone())?;
        store.add_image(&d.digest, mbytes.len() as u64)?;
        match name {
            Some(full) => {
                if let Some(old) = store
                    .images()
                    .into_iter()
                    .find(|e| e.tags.contains(&full) && e.manifest != d.digest)
                {
                    let old_id = images::list(&store)?
                        .into_iter()
                        .find(|i| i.manifest == old.manifest)
                        .map(|i| i.id.to_string())
                        .unwrap_or_default();
                    if !a.quiet {
                        writeln!(
                            out,
                            "The image {} already exists, renaming the old one with ID {old_id} to empty string",
                            familiar(&full)
                        )?;
                    }
                }
                store.tag(&full, &d.digest, mbytes.len() as u64)?;
                if !a.quiet {
                    writeln!(out, "Loaded image: {}", familiar(&full))?;
                }
            }
            None => {
                if !a.quiet {
                    writeln!(out, "Loaded image ID: {}", m.config.digest)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
