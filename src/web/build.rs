//! Builds from the page. One [`Session`] holds the page's image store for its
//! whole life, so the cache hits and misses exactly as the CLI's does; a build
//! is timed with the browser's clock (the core reads none) and turned into
//! what the Build and Layers tabs show.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::rc::Rc;

use flate2::read::MultiGzDecoder;
use serde::{Deserialize, Serialize};

use super::context;
use crate::build::images::efficiency::{self, Efficiency, LayerEntry};
use crate::build::images::{self, ImagesError};
use crate::build::store::{LayerRef, MemoryStore, Store};
use crate::build::{self, Outcome, Request, StepReport};
use crate::dockerfile::instructions::{self, BuildArgs};
use crate::dockerfile::{LineIndex, Span};
use crate::oci::digest::Digest;
use crate::oci::image::{ImageConfig, Manifest};
use crate::oci::tar::{self, EntryKind};
use crate::registry::pull::Pulled;
use crate::share::File;
use crate::vfs::{self, ChangeKind, Node};

/// How a step of the log ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StepState {
    Cached,
    Done,
    Failed(String),
}

/// One `#N` of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogStep {
    pub id: usize,
    /// `[deps 2/5]`
    pub label: String,
    pub text: String,
    pub state: StepState,
    /// Why the step was built instead of taken from the cache.
    pub reason: Option<String>,
    /// What was not simulated, and other things the learner must know.
    pub notices: Vec<String>,
    /// What a RUN printed, line by line.
    pub output: Vec<String>,
    /// From the browser's clock, as BuildKit's `DONE 0.1s`.
    pub seconds: f64,
}

/// A place in the Dockerfile, for the editor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Jump {
    /// In UTF-16 code units, as CodeMirror counts.
    pub offset: usize,
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub message: String,
    pub at: Option<Jump>,
}

/// One build as the log shows it, whether it succeeded or not.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attempt {
    /// 1 for the page's first build: identifies the attempt.
    pub number: u32,
    pub steps: Vec<LogStep>,
    pub failure: Option<Failure>,
    pub millis: f64,
}

impl PartialEq for Attempt {
    fn eq(&self, other: &Self) -> bool {
        self.number == other.number
    }
}

impl Attempt {
    pub fn cached(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| s.state == StepState::Cached)
            .count()
    }
}

/// Where a layer of the image came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LayerOrigin {
    /// The base image's, as pulled (or taken from the offline catalog).
    Base,
    /// A step of this build that hit the cache.
    Cached,
    /// A step of this build that ran.
    Built,
}

/// One path a layer adds, modifies or deletes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileChange {
    /// Absolute: `/app/server.js`.
    pub path: String,
    pub kind: ChangeKind,
    pub is_dir: bool,
    /// Bytes of a regular file.
    pub size: Option<u64>,
    /// A symlink's target, or the path a hard link shares its file with.
    pub link: Option<String>,
    /// An opaque directory: what lower layers had in it is hidden.
    pub opaque: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerView {
    /// From the image config's history.
    pub created_by: String,
    pub digest: String,
    pub diff_id: String,
    /// Bytes of the stored (gzip) blob.
    pub size: u64,
    /// Docker's size of the layer (its files' bytes), when the blob was read.
    pub tar_size: Option<u64>,
    pub origin: LayerOrigin,
    /// The `#N` of the step that made it.
    pub step: Option<usize>,
    /// What the layer changes, or why that could not be read.
    pub changes: Result<Rc<Vec<FileChange>>, String>,
}

/// The image a successful build made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImageView {
    /// The attempt that made it.
    pub number: u32,
    /// The config digest, Docker's image ID.
    pub id: Digest,
    pub manifest: Digest,
    pub layers: Vec<LayerView>,
    pub cached: usize,
    pub steps: usize,
    pub millis: f64,
    /// dive's score and wasted paths, when every layer could be read.
    pub efficiency: Result<Rc<Efficiency>, String>,
}

impl PartialEq for ImageView {
    fn eq(&self, other: &Self) -> bool {
        self.number == other.number
    }
}

impl ImageView {
    /// The blobs' bytes: what a push sends.
    pub fn size(&self) -> u64 {
        self.layers.iter().map(|l| l.size).sum()
    }

    /// The layers' tars, if every one was read.
    pub fn tar_size(&self) -> Option<u64> {
        self.layers.iter().map(|l| l.tar_size).sum()
    }
}

/// A layer's entries as read back from its blob (only what the page shows).
#[derive(Debug)]
struct LayerContents {
    tar_size: u64,
    entries: Vec<EntrySummary>,
}

#[derive(Debug)]
struct EntrySummary {
    /// Absolute, like the paths of `vfs::Change`.
    path: String,
    kind: EntryShape,
    size: u64,
}

/// A tar entry's kind without its bytes: the memo keeps only what is shown.
#[derive(Debug)]
enum EntryShape {
    File,
    Dir,
    Symlink(String),
    Hardlink(String),
    Whiteout,
    Opaque,
}

/// The page's build state that outlives a build: the store (and with it the
/// cache) and the layers already read back.
pub struct Session {
    store: RefCell<MemoryStore>,
    /// Keyed by blob digest: a layer's bytes never change, so it is read once
    /// per page (the base image's large layer especially).
    contents: RefCell<BTreeMap<String, Rc<Result<LayerContents, String>>>>,
    builds: Cell<u32>,
    /// Bumped by every change to the store's images, so views of it know
    /// when to read it again.
    generation: Cell<u64>,
}

/// The name every successful build of the page moves to its image, as
/// `docker build -t playground .` would: the image it leaves is dangling.
pub const BUILD_TAG: &str = "docker.io/library/playground:latest";

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("builds", &self.builds.get())
            .finish_non_exhaustive()
    }
}

use super::clock_millis as now;

impl Session {
    pub fn new() -> Session {
        Session {
            store: RefCell::new(MemoryStore::new()),
            contents: RefCell::new(BTreeMap::new()),
            builds: Cell::new(0),
            generation: Cell::new(0),
        }
    }

    /// Changes whenever the store's images may have.
    pub fn generation(&self) -> u64 {
        self.generation.get()
    }

    fn changed(&self) {
        self.generation.set(self.generation.get() + 1);
    }

    /// `docker images`' view of the store, newest first.
    pub fn images(&self) -> Result<Vec<images::ImageView>, String> {
        images::list(&*self.store.borrow()).map_err(|e| e.to_string())
    }

    /// `docker tag SOURCE TARGET`.
    pub fn tag(&self, source: &str, target: &str) -> Result<(), ImagesError> {
        let r = images::tag(&mut *self.store.borrow_mut(), source, target);
        self.changed();
        r
    }

    /// `docker rmi [-f] IMAGE`.
    pub fn remove(&self, reference: &str, force: bool) -> Result<images::Removal, ImagesError> {
        let r = images::remove(&mut *self.store.borrow_mut(), reference, force);
        self.changed();
        r
    }

    /// `docker image prune [-a] -f`: the report Docker prints.
    pub fn prune(&self, all: bool) -> Result<String, ImagesError> {
        let r = images::prune(&mut *self.store.borrow_mut(), all);
        self.changed();
        r.map(|removal| images::prune_report(&removal))
    }

    /// `docker system df [-v]`. The page keeps no cache-use times.
    pub fn system_df(&self, now: i64, verbose: bool) -> Result<String, ImagesError> {
        let store = self.store.borrow();
        let list = images::list(&*store)?;
        let cache = images::cache_items(&*store, &list, &|_| images::CacheUse::default())?;
        Ok(images::system_df(&list, &cache, now, verbose))
    }

    /// A copy of the store (blobs are shared, not copied) for work that
    /// awaits: a push reads it while builds go on.
    pub fn store_snapshot(&self) -> MemoryStore {
        self.store.borrow().clone()
    }

    /// Takes a pulled image from the store a pull worked on: its blobs, then
    /// its name.
    pub fn absorb(&self, from: &MemoryStore, pulled: &Pulled) -> Result<(), String> {
        let read = |d: &Digest| {
            from.blob(d)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("{d} is missing from the pull"))
        };
        let mbytes = read(&pulled.manifest)?;
        let m = Manifest::from_json(&mbytes).map_err(|e| e.to_string())?;
        let mut store = self.store.borrow_mut();
        for d in m.layers.iter().chain([&m.config]).map(|l| l.digest) {
            if !store.has_blob(&d) {
                store.put_blob(&d, read(&d)?).map_err(|e| e.to_string())?;
            }
        }
        let size = mbytes.len() as u64;
        store
            .put_blob(&pulled.manifest, mbytes)
            .map_err(|e| e.to_string())?;
        let added = match &pulled.name {
            Some(n) => store.tag(n, &pulled.manifest, size),
            None => store.add_image(&pulled.manifest, size),
        };
        self.changed();
        added.map_err(|e| e.to_string())
    }

    /// A build that could not start: why, as the log's error.
    pub fn refuse(&self, message: String) -> Attempt {
        let number = self.builds.get() + 1;
        self.builds.set(number);
        Attempt {
            number,
            steps: Vec::new(),
            failure: Some(Failure { message, at: None }),
            millis: 0.0,
        }
    }

    /// Builds `dockerfile` against the context `files` with the options:
    /// the attempt for the log, and the image when the build succeeded.
    pub fn run(
        &self,
        dockerfile: &str,
        files: &[File],
        build_args: &[(String, String)],
        target: Option<String>,
    ) -> (Attempt, Option<ImageView>) {
        self.run_streaming(dockerfile, files, build_args, target, &mut |_| {})
    }

    /// [`Session::run`], telling `on_step` each step of the log as it ends.
    pub fn run_streaming(
        &self,
        dockerfile: &str,
        files: &[File],
        build_args: &[(String, String)],
        target: Option<String>,
        on_step: &mut dyn FnMut(&LogStep),
    ) -> (Attempt, Option<ImageView>) {
        let fs = match context::context_fs(dockerfile, files) {
            Ok(fs) => fs,
            Err(message) => return (self.refuse(message), None),
        };
        let number = self.builds.get() + 1;
        self.builds.set(number);
        let mut req = Request::new(dockerfile, &fs);
        req.build_args = build_args.iter().cloned().collect();
        req.target = target.clone();
        // The engine reports each step once, as it ends: the log is what
        // was streamed, each step timed from the end of the one before.
        let mut log: Vec<LogStep> = Vec::new();
        let start = now();
        let result = {
            let mut store = self.store.borrow_mut();
            let mut last = start;
            let mut progress = |s: &StepReport| {
                let at = now();
                let step = log_step(s, (at - last) / 1000.0);
                last = at;
                on_step(&step);
                log.push(step);
            };
            build::build(&req, &mut *store, &mut progress)
        };
        let millis = now() - start;
        let (steps, failure, image) = match result {
            Ok(built) => {
                let named = self.store.borrow_mut().tag(
                    BUILD_TAG,
                    &built.image.manifest_digest,
                    built.image.manifest.len() as u64,
                );
                self.changed();
                match named {
                    Ok(()) => (built.steps, None, Some(built.image)),
                    Err(e) => {
                        let failure = Failure {
                            message: format!("naming to {BUILD_TAG}: {e}"),
                            at: None,
                        };
                        (built.steps, Some(failure), None)
                    }
                }
            }
            Err((e, steps)) => {
                let failure = Failure {
                    message: e.message,
                    at: e.span.map(|s| jump(dockerfile, s)),
                };
                (steps, Some(failure), None)
            }
        };
        let attempt = Attempt {
            number,
            steps: log,
            failure,
            millis,
        };
        let image = image
            .map(|parts| self.image_view(dockerfile, target.as_deref(), &attempt, &steps, &parts));
        (attempt, image)
    }

    fn image_view(
        &self,
        dockerfile: &str,
        target: Option<&str>,
        attempt: &Attempt,
        steps: &[StepReport],
        parts: &build::ImageParts,
    ) -> ImageView {
        let created_by: Vec<String> = ImageConfig::from_json(&parts.config)
            .map(|c| {
                c.history
                    .into_iter()
                    .filter(|h| !h.empty_layer)
                    .map(|h| h.created_by)
                    .collect()
            })
            .unwrap_or_default();
        let made_by = layer_steps(dockerfile, target, steps, &parts.layers);
        // Which paths exist below each layer, to tell an added path from a
        // modified one in a layer read back from its tar (as dive does).
        let mut present = BTreeSet::new();
        let mut read: Vec<Rc<Result<LayerContents, String>>> = Vec::new();
        let layers = parts
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let contents = self.contents_of(l);
                read.push(contents.clone());
                let step = made_by[i];
                let from_tar = match &*contents {
                    Ok(c) => Ok(Rc::new(classify(&c.entries, &mut present))),
                    Err(e) => Err(e.clone()),
                };
                let changes = match step.and_then(|s| s.changes.as_ref()) {
                    Some(changes) => Ok(Rc::new(changes.iter().map(file_change).collect())),
                    None => from_tar,
                };
                LayerView {
                    created_by: created_by.get(i).cloned().unwrap_or_default(),
                    digest: l.digest.clone(),
                    diff_id: l.diff_id.clone(),
                    size: l.size,
                    tar_size: (*contents).as_ref().ok().map(|c| c.tar_size),
                    origin: match step.map(|s| &s.outcome) {
                        None => LayerOrigin::Base,
                        Some(Outcome::Cached) => LayerOrigin::Cached,
                        Some(_) => LayerOrigin::Built,
                    },
                    step: step.map(|s| s.id),
                    changes,
                }
            })
            .collect();
        let efficiency = read
            .iter()
            .map(|c| match &**c {
                Ok(c) => Ok(c.entries.iter().map(layer_entry).collect::<Vec<_>>()),
                Err(e) => Err(e.clone()),
            })
            .collect::<Result<Vec<_>, String>>()
            .map(|layers| Rc::new(efficiency::efficiency(&layers)));
        ImageView {
            number: attempt.number,
            efficiency,
            id: parts.id(),
            manifest: parts.manifest_digest,
            layers,
            cached: attempt.cached(),
            steps: attempt.steps.len(),
            millis: attempt.millis,
        }
    }

    fn contents_of(&self, layer: &LayerRef) -> Rc<Result<LayerContents, String>> {
        if let Some(c) = self.contents.borrow().get(&layer.digest) {
            return c.clone();
        }
        let read = Rc::new(read_contents(&*self.store.borrow(), layer));
        self.contents
            .borrow_mut()
            .insert(layer.digest.clone(), read.clone());
        read
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

fn jump(src: &str, span: Span) -> Jump {
    let idx = LineIndex::new(src);
    let at = idx.line_col(span.start);
    Jump {
        offset: idx.utf16_offset(span.start),
        line: at.line,
        col: at.col,
    }
}

fn log_step(s: &StepReport, seconds: f64) -> LogStep {
    let (state, reason) = match &s.outcome {
        Outcome::Cached => (StepState::Cached, None),
        Outcome::Built(r) => (StepState::Done, Some(r.describe(&s.text))),
        Outcome::Failed(m) => (StepState::Failed(m.clone()), None),
    };
    LogStep {
        id: s.id,
        label: s.label.clone(),
        text: s.text.clone(),
        state,
        reason,
        notices: s.notices.clone(),
        output: s.output.lines().map(str::to_string).collect(),
        seconds,
    }
}

/// For each layer of the image, the step of this build that made it (`None`
/// for the base image's layers).
///
/// The image's layers end with those of the target stage's steps (the last
/// stage's unless a target is named), after
/// those of the stages it is built `FROM`; other stages' steps (say, one only
/// used by `COPY --from`) are not in it. The chain of stages is read from the
/// Dockerfile the way the engine reads it, and checked against the digests.
fn layer_steps<'s>(
    dockerfile: &str,
    target: Option<&str>,
    steps: &'s [StepReport],
    layers: &[LayerRef],
) -> Vec<Option<&'s StepReport>> {
    let mut out = vec![None; layers.len()];
    let ast = crate::dockerfile::parse(dockerfile);
    let mut df = instructions::parse_dockerfile(&ast);
    instructions::expand_dockerfile(&mut df, &BuildArgs::new(), ast.escape_token);
    let found = match target {
        Some(t) => df
            .stages
            .iter()
            .position(|s| s.name.as_deref() == Some(t.to_lowercase().as_str())),
        None => df.stages.len().checked_sub(1),
    };
    let Some(mut i) = found else {
        return out;
    };
    let mut chain = BTreeSet::from([i]);
    loop {
        let base = df.stages[i].base.value().to_lowercase();
        match df.stages[..i]
            .iter()
            .position(|s| s.name.as_deref() == Some(base.as_str()))
        {
            Some(j) => {
                chain.insert(j);
                i = j;
            }
            None => break,
        }
    }
    let made: Vec<&StepReport> = steps
        .iter()
        .filter(|s| chain.contains(&s.stage) && s.layer.is_some())
        .collect();
    let Some(first) = layers.len().checked_sub(made.len()) else {
        return out;
    };
    let agree = made
        .iter()
        .zip(&layers[first..])
        .all(|(s, l)| s.layer.as_ref().is_some_and(|m| m.digest == l.digest));
    if agree {
        for (k, s) in made.into_iter().enumerate() {
            out[first + k] = Some(s);
        }
    }
    out
}

/// Reads a layer's blob back from the store: its tar's size and entries.
fn read_contents(store: &dyn Store, layer: &LayerRef) -> Result<LayerContents, String> {
    let digest = Digest::parse(&layer.digest).map_err(|e| e.to_string())?;
    // A catalog layer's entries come from its tree: its blob (hundreds of
    // megabytes for node's) is never made for a view.
    let entries = match build::catalog::layer_id_of(&digest).and_then(build::catalog::layer_entries)
    {
        Some(entries) => entries,
        None => read_blob(store, layer, &digest)?,
    };
    // Docker's layer size: the bytes of the files, not of the tar around them
    // (the CLI's `docker history` and `images` count the same way).
    let size = entries
        .iter()
        .map(|e| match &e.kind {
            EntryKind::File(data) => data.len() as u64,
            EntryKind::Symlink(target) => target.len() as u64,
            _ => 0,
        })
        .sum();
    Ok(LayerContents {
        tar_size: size,
        entries: entries
            .into_iter()
            .map(|e| EntrySummary {
                path: format!("/{}", e.path),
                size: match &e.kind {
                    EntryKind::File(data) => data.len() as u64,
                    _ => 0,
                },
                kind: match e.kind {
                    EntryKind::File(_) => EntryShape::File,
                    EntryKind::Dir => EntryShape::Dir,
                    EntryKind::Symlink(t) => EntryShape::Symlink(t),
                    EntryKind::Hardlink(t) => EntryShape::Hardlink(t),
                    EntryKind::Whiteout => EntryShape::Whiteout,
                    EntryKind::Opaque => EntryShape::Opaque,
                },
            })
            .collect(),
    })
}

/// A layer's entries, read from its blob in the store.
fn read_blob(
    store: &dyn Store,
    layer: &LayerRef,
    digest: &Digest,
) -> Result<Vec<tar::Entry>, String> {
    let blob = store
        .blob(digest)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("layer {} is not in the store", layer.digest))?;
    let limits = build::layer::limits();
    let tar_bytes = if blob.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        MultiGzDecoder::new(&blob[..])
            .take(limits.max_expanded_bytes + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("layer {}: {e}", layer.digest))?;
        if out.len() as u64 > limits.max_expanded_bytes {
            return Err(format!("layer {} expands beyond the limit", layer.digest));
        }
        out
    } else {
        blob.to_vec()
    };
    tar::read_layer(&tar_bytes, &limits).map_err(|e| e.to_string())
}

/// Marks each entry of a layer as added, modified or deleted relative to the
/// paths the layers below left (`present`), and updates `present`.
fn classify(entries: &[EntrySummary], present: &mut BTreeSet<String>) -> Vec<FileChange> {
    let below = |present: &BTreeSet<String>, dir: &str| -> Vec<String> {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        present
            .range(prefix.clone()..)
            .take_while(|p| p.starts_with(&prefix))
            .cloned()
            .collect()
    };
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let mut change = FileChange {
            path: e.path.clone(),
            kind: ChangeKind::Added,
            is_dir: matches!(e.kind, EntryShape::Dir | EntryShape::Opaque),
            size: None,
            link: None,
            opaque: false,
        };
        match &e.kind {
            EntryShape::Whiteout => {
                for p in below(present, &e.path) {
                    present.remove(&p);
                }
                present.remove(&e.path);
                change.kind = ChangeKind::Deleted;
            }
            EntryShape::Opaque => {
                for p in below(present, &e.path) {
                    present.remove(&p);
                }
                change.kind = ChangeKind::Modified;
                change.opaque = true;
            }
            kind => {
                if !present.insert(e.path.clone()) {
                    change.kind = ChangeKind::Modified;
                }
                match kind {
                    EntryShape::File => change.size = Some(e.size),
                    EntryShape::Symlink(t) => change.link = Some(t.clone()),
                    EntryShape::Hardlink(t) => change.link = Some(format!("/{t}")),
                    _ => {}
                }
            }
        }
        out.push(change);
    }
    out
}

/// An entry as dive sizes it: a file by its bytes, anything else by 0.
fn layer_entry(e: &EntrySummary) -> LayerEntry {
    LayerEntry {
        path: e.path.clone(),
        kind: match e.kind {
            EntryShape::File => efficiency::EntryKind::File(e.size),
            EntryShape::Dir => efficiency::EntryKind::Dir,
            EntryShape::Symlink(_) | EntryShape::Hardlink(_) => efficiency::EntryKind::Other,
            EntryShape::Whiteout => efficiency::EntryKind::Whiteout,
            EntryShape::Opaque => efficiency::EntryKind::Opaque,
        },
    }
}

fn file_change(c: &vfs::Change) -> FileChange {
    let node = c.node.as_ref().or(c.before.as_ref());
    FileChange {
        path: c.path.clone(),
        kind: c.kind,
        is_dir: matches!(node, Some(Node::Dir(_))),
        size: match &c.node {
            Some(n @ Node::File(_)) => Some(n.size()),
            _ => None,
        },
        link: match &c.node {
            Some(Node::Symlink(l)) => Some(l.target.clone()),
            _ => None,
        },
        opaque: false,
    }
}

/// Sizes as people read them: decimal units, three significant digits
/// (`3.62 MB`), as Docker prints them.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    let digits = if v >= 100.0 || unit == 0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    let mut s = format!("{v:.digits$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    format!("{s} {}", UNITS[unit])
}
