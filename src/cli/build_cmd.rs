//! `layerlab build`: the context from disk, the engine, and BuildKit's plain
//! progress log as it goes.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};

use super::store::{DiskStore, data_dir};
use crate::build::cache::MissReason;
use crate::build::dockerignore::Dockerignore;
use crate::build::images::{self, units::progress_bytes};
use crate::build::store::Store;
use crate::build::{Outcome, Progress, Request, StepReport};
use crate::dockerfile::instructions::{self, BuildArgs, Instr};
use crate::vfs::{Fs, Meta};

/// The most files and bytes a build context may hold: layerlab keeps the
/// whole context in memory.
const MAX_CONTEXT_FILES: usize = 100_000;
const MAX_CONTEXT_BYTES: u64 = 512 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
    Auto,
    Plain,
    Tty,
}

#[derive(Args)]
pub struct BuildArgsCli {
    /// Name and optionally a tag (`name:tag`); may be given several times.
    #[arg(short = 't', long = "tag", value_name = "NAME[:TAG]")]
    tags: Vec<String>,
    /// The Dockerfile (default: CONTEXT/Dockerfile; "-" reads standard input).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    file: Option<PathBuf>,
    /// A build-time variable (`KEY=VALUE`, or `KEY` to take it from the environment).
    #[arg(long = "build-arg", value_name = "KEY=VALUE")]
    build_args: Vec<String>,
    /// The stage to build.
    #[arg(long)]
    target: Option<String>,
    /// Do not use the cache for RUN, COPY and ADD.
    #[arg(long)]
    no_cache: bool,
    /// Progress output (the log is BuildKit's plain format in every mode).
    #[arg(long, value_enum, default_value = "auto")]
    progress: ProgressMode,
    /// Print only the image ID.
    #[arg(short, long)]
    quiet: bool,
    /// The build context directory.
    context: PathBuf,
}

pub fn build_cmd(args: BuildArgsCli) -> Result<ExitCode> {
    let _ = args.progress;
    let tags = args
        .tags
        .iter()
        .map(|t| {
            images::parse_tag(t)
                .map_err(|e| anyhow::anyhow!("invalid argument {t:?} for \"-t, --tag\" flag: {e}"))
        })
        .collect::<Result<Vec<_>>>()?;
    let (df_path, df_name) = match &args.file {
        Some(p) if p.as_os_str() == "-" => (None, "Dockerfile".to_string()),
        Some(p) => (
            Some(p.clone()),
            p.file_name()
                .map_or("Dockerfile".into(), |n| n.to_string_lossy().into_owned()),
        ),
        None => (
            Some(args.context.join("Dockerfile")),
            "Dockerfile".to_string(),
        ),
    };
    if !args.context.is_dir() {
        bail!(
            "unable to prepare context: path {:?} not found",
            args.context.display().to_string()
        );
    }
    let dockerfile = match &df_path {
        Some(p) => super::read_source(p)?,
        None => super::read_source(Path::new("-"))?,
    };
    let (ignore_text, ignore) = read_dockerignore(df_path.as_deref(), &args.context)?;
    let epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.is_empty() => v
            .parse::<i64>()
            .with_context(|| format!("invalid SOURCE_DATE_EPOCH: {v:?}"))?,
        _ => 0,
    };
    let mut build_args = BuildArgs::new();
    for a in &args.build_args {
        match a.split_once('=') {
            Some((k, v)) => {
                build_args.insert(k.to_string(), v.to_string());
            }
            None => {
                // Docker takes a bare name from the environment, and skips it if unset.
                if let Ok(v) = std::env::var(a) {
                    build_args.insert(a.clone(), v);
                }
            }
        }
    }

    let started = Instant::now();
    let context = load_context(&args.context, &ignore)?;
    let mut store = DiskStore::open(&data_dir()?, true)?;
    let mut log = Log::new(args.quiet);
    log.vertex(&format!("[internal] load build definition from {df_name}"));
    log.status(&format!(
        "transferring dockerfile: {} done",
        progress_bytes(dockerfile.len() as u64)
    ));
    log.done(started);
    let plan = Plan::of(&dockerfile, &build_args);
    for base in &plan.bases {
        let t = Instant::now();
        log.vertex(&format!("[internal] load metadata for {base}"));
        log.done(t);
    }
    let t = Instant::now();
    log.vertex("[internal] load .dockerignore");
    log.status(&format!(
        "transferring context: {} done",
        progress_bytes(ignore_text.len() as u64)
    ));
    log.done(t);

    let mut req = Request::new(&dockerfile, &context.fs);
    req.build_args = build_args;
    req.target = args.target.clone();
    req.no_cache = args.no_cache;
    req.epoch = epoch;
    let mut printer = StepPrinter {
        log: &mut log,
        last: Instant::now(),
        ids: BTreeMap::new(),
        context_shown: !plan.uses_context,
        context_bytes: context.bytes,
    };
    let result = crate::build::build(&req, &mut store, &mut printer);
    match result {
        Ok(built) => {
            store.record_cache_use()?;
            let t = Instant::now();
            log.vertex("exporting to image");
            log.status("exporting layers done");
            log.status(&format!("writing image {} done", built.image.id()));
            for name in &tags {
                store.tag(
                    name,
                    &built.image.manifest_digest,
                    built.image.manifest.len() as u64,
                )?;
                log.status(&format!("naming to {name} done"));
            }
            log.done(t);
            if args.quiet {
                println!("{}", built.image.id());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err((e, steps)) => {
            let mut err = std::io::stderr().lock();
            writeln!(err)?;
            if let Some(failed) = steps
                .iter()
                .rev()
                .find(|s| matches!(s.outcome, Outcome::Failed(_)))
            {
                writeln!(err, "------\n > {} {}:\n------", failed.label, failed.text)?;
            }
            if let Some(span) = e.span {
                write!(
                    err,
                    "{}",
                    source_snippet(&df_name, &dockerfile, span.start, span.end)
                )?;
            }
            writeln!(err, "ERROR: failed to solve: {}", e.message)?;
            Ok(ExitCode::from(1))
        }
    }
}

/// What the log needs to know before the build starts: the base images
/// (for `load metadata`) and whether any step reads the context.
struct Plan {
    bases: Vec<String>,
    uses_context: bool,
}

impl Plan {
    fn of(dockerfile: &str, args: &BuildArgs) -> Plan {
        let ast = crate::dockerfile::parse(dockerfile);
        let mut df = instructions::parse_dockerfile(&ast);
        instructions::expand_dockerfile(&mut df, args, ast.escape_token);
        let names: Vec<String> = df.stages.iter().filter_map(|s| s.name.clone()).collect();
        let mut bases = Vec::new();
        let mut uses_context = false;
        for s in &df.stages {
            let b = s.base.value();
            if !b.eq_ignore_ascii_case("scratch")
                && !names.contains(&b.to_lowercase())
                && let Ok(full) = crate::build::full_name(b)
                && !bases.contains(&full)
            {
                bases.push(full);
            }
            for i in &s.instructions {
                match &i.instr {
                    Instr::Copy(c) if c.from.is_none() => uses_context = true,
                    Instr::Add(_) => uses_context = true,
                    _ => {}
                }
            }
        }
        Plan {
            bases,
            uses_context,
        }
    }
}

/// BuildKit's plain printer: `#N` per vertex in order of appearance, a
/// blank line between vertices.
struct Log {
    quiet: bool,
    n: usize,
    out: std::io::Stderr,
}

impl Log {
    fn new(quiet: bool) -> Log {
        Log {
            quiet,
            n: 0,
            out: std::io::stderr(),
        }
    }

    fn line(&mut self, text: &str) {
        if !self.quiet {
            let _ = writeln!(self.out.lock(), "{text}");
        }
    }

    fn vertex(&mut self, name: &str) -> usize {
        if self.n > 0 {
            self.line("");
        }
        self.n += 1;
        self.line(&format!("#{} {name}", self.n));
        self.n
    }

    fn status(&mut self, text: &str) {
        self.line(&format!("#{} {text}", self.n));
    }

    fn done(&mut self, since: Instant) {
        self.line(&format!(
            "#{} DONE {:.1}s",
            self.n,
            since.elapsed().as_secs_f64()
        ));
    }
}

struct StepPrinter<'l> {
    log: &'l mut Log,
    last: Instant,
    /// The engine's step numbers → the log's vertex numbers.
    ids: BTreeMap<usize, usize>,
    context_shown: bool,
    context_bytes: u64,
}

impl Progress for StepPrinter<'_> {
    fn step(&mut self, s: &StepReport) {
        let is_from = s.text.starts_with("FROM ");
        if !is_from && !self.context_shown {
            self.context_shown = true;
            self.log.vertex("[internal] load build context");
            self.log.status(&format!(
                "transferring context: {} done",
                progress_bytes(self.context_bytes)
            ));
            self.log.line(&format!("#{} DONE 0.0s", self.log.n));
        }
        let n = self.log.vertex(&format!("{} {}", s.label, s.text));
        self.ids.insert(s.id, n);
        if is_from {
            self.log.status(&format!("resolve {} done", &s.text[5..]));
        }
        match &s.outcome {
            Outcome::Cached => {
                for note in &s.notices {
                    self.log.status(&format!("note: {note}"));
                }
                self.log.status("CACHED");
            }
            Outcome::Built(reason) => {
                let reason = match reason {
                    // The engine counts steps its own way; the log's numbers are vertices.
                    MissReason::ParentRebuilt { step } => MissReason::ParentRebuilt {
                        step: self.ids.get(step).copied().unwrap_or(*step),
                    },
                    r => r.clone(),
                };
                self.log
                    .status(&format!("cache miss: {}", reason.describe(&s.text)));
                for line in s.output.lines() {
                    self.log.status(line);
                }
                for note in &s.notices {
                    self.log.status(&format!("note: {note}"));
                }
                self.log.done(self.last);
            }
            Outcome::Failed(m) => {
                for line in s.output.lines() {
                    self.log.status(line);
                }
                for note in &s.notices {
                    self.log.status(&format!("note: {note}"));
                }
                self.log.status(&format!("ERROR: {m}"));
            }
        }
        self.last = Instant::now();
    }
}

/// BuildKit's source excerpt for an error (`errdefs.Source.Print`): the
/// lines of the range marked `>>>`, with context lines around it (four for
/// a single line, two otherwise), numbered ` %3d | `.
pub fn source_snippet(name: &str, src: &str, start: usize, end: usize) -> String {
    let line_of = |off: usize| src[..off.min(src.len())].matches('\n').count() + 1;
    let first = line_of(start);
    let last = line_of(end.max(start + 1) - 1).max(first);
    let lines: Vec<&str> = src.split('\n').collect();
    let (mut from, mut to) = (first, last.min(lines.len()));
    let pad = if from == to { 4 } else { 2 };
    let mut p = 0;
    while p < pad {
        if from > 1 {
            from -= 1;
            p += 1;
        }
        if to < lines.len() {
            to += 1;
            p += 1;
        }
        if from == 1 && to == lines.len() {
            break;
        }
    }
    let mut out = format!("{name}:{first}\n--------------------\n");
    for i in from..=to {
        let mark = if (first..=last).contains(&i) {
            ">>>"
        } else {
            "   "
        };
        out.push_str(&format!(
            " {i:>3} | {mark} {}\n",
            lines[i - 1].trim_end_matches('\r')
        ));
    }
    out.push_str("--------------------\n");
    out
}

/// The `.dockerignore` a build uses, its text and its patterns. BuildKit
/// reads `<Dockerfile>.dockerignore` next to the Dockerfile first, then
/// `.dockerignore` in the context.
pub(super) fn read_dockerignore(
    dockerfile: Option<&Path>,
    context: &Path,
) -> Result<(String, Dockerignore)> {
    let text = dockerfile
        .map(|p| PathBuf::from(format!("{}.dockerignore", p.display())))
        .and_then(|p| std::fs::read_to_string(p).ok())
        .or_else(|| std::fs::read_to_string(context.join(".dockerignore")).ok())
        .unwrap_or_default();
    let ignore = Dockerignore::parse(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((text, ignore))
}

pub(super) struct BuildContext {
    pub(super) fs: Fs,
    bytes: u64,
}

/// Reads the context directory into a filesystem: `.dockerignore` applied
/// (a directory it ignores is still walked when a `!` pattern may bring
/// something back), modes and mtimes from disk, owners 0:0 as BuildKit
/// sends them, symlinks as symlinks; other file types are skipped.
pub(super) fn load_context(root: &Path, ignore: &Dockerignore) -> Result<BuildContext> {
    let mut fs = Fs::new();
    let mut bytes = 0u64;
    let mut files = 0usize;
    // Directories seen but not yet added (ignored themselves), by path.
    let mut pending_dirs: BTreeMap<String, Meta> = BTreeMap::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel_dir)) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot read the build context at {}", dir.display()))?
            .collect::<std::io::Result<_>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries.into_iter().rev() {
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = if rel_dir.is_empty() {
                name.clone()
            } else {
                format!("{rel_dir}/{name}")
            };
            let md = std::fs::symlink_metadata(e.path())?;
            let meta = Meta {
                mode: md.permissions().mode() & 0o7777,
                uid: 0,
                gid: 0,
                mtime: md.mtime(),
            };
            let ignored = ignore.matches(&rel);
            let ft = md.file_type();
            if ft.is_dir() {
                if ignored {
                    if ignore.has_exclusions() {
                        pending_dirs.insert(rel.clone(), meta);
                        stack.push((e.path(), rel));
                    }
                    continue;
                }
                add_parents(&mut fs, &rel, &mut pending_dirs)?;
                fs.mkdir(&format!("/{rel}"), meta)
                    .map_err(|e| anyhow::anyhow!("build context: {e}"))?;
                stack.push((e.path(), rel));
                continue;
            }
            if ignored {
                continue;
            }
            files += 1;
            if files > MAX_CONTEXT_FILES {
                bail!(
                    "the build context {} has more than {MAX_CONTEXT_FILES} files after .dockerignore: layerlab keeps the context in memory; ignore what the build does not need",
                    root.display()
                );
            }
            add_parents(&mut fs, &rel, &mut pending_dirs)?;
            let path = format!("/{rel}");
            if ft.is_symlink() {
                let target = std::fs::read_link(e.path())?;
                fs.symlink(&target.to_string_lossy(), &path, meta)
                    .map_err(|e| anyhow::anyhow!("build context: {e}"))?;
            } else if ft.is_file() {
                bytes += md.len();
                if bytes > MAX_CONTEXT_BYTES {
                    bail!(
                        "the build context {} is larger than {} MiB after .dockerignore: layerlab keeps the context in memory; ignore what the build does not need",
                        root.display(),
                        MAX_CONTEXT_BYTES >> 20
                    );
                }
                let mut data = Vec::with_capacity(md.len() as usize);
                std::fs::File::open(e.path())
                    .with_context(|| format!("cannot read {}", e.path().display()))?
                    .read_to_end(&mut data)?;
                fs.write_file(&path, data, meta)
                    .map_err(|e| anyhow::anyhow!("build context: {e}"))?;
            }
        }
    }
    Ok(BuildContext { fs, bytes })
}

/// Adds the ignored directories above `rel` that something inside brought back.
fn add_parents(fs: &mut Fs, rel: &str, pending: &mut BTreeMap<String, Meta>) -> Result<()> {
    let mut at = 0;
    while let Some(i) = rel[at..].find('/') {
        let parent = &rel[..at + i];
        if let Some(meta) = pending.remove(parent) {
            fs.mkdir(&format!("/{parent}"), meta)
                .map_err(|e| anyhow::anyhow!("build context: {e}"))?;
        }
        at += i + 1;
    }
    Ok(())
}
