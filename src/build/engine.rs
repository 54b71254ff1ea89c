//! The build: stages in dependency order, every instruction applied to the
//! stage's filesystem and config, a layer per filesystem step, Docker's cache
//! with a reason for every miss, and the image at the end.
//!
//! Filesystems are materialised lazily: a step that hits the cache needs only
//! its record, so a fully cached build reads no layer and hashes nothing but
//! the COPY sources its keys need. The first miss rebuilds the filesystem from
//! the base and the cached layers before it.

use std::collections::BTreeMap;

use super::cache::{self, MissReason};
use super::copy::{self, CopyError, Options as CopyOptions};
use super::dockerignore::Dockerignore;
use super::image::{Health, HistoryRow, RunConfig};
use super::layer;
use super::store::{CacheRecord, LayerRef, Store, StoreError};
use crate::dockerfile::instructions::{
    self, BuildArgs, CommandLine, Instr, Instruction, Stage, automatic_args,
};
use crate::dockerfile::{Span, parse};
use crate::oci::digest::Digest;
use crate::registry::reference::Reference;
use crate::vfs::{self, Fs, Meta};

/// What to build.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub dockerfile: &'a str,
    /// The build context, `.dockerignore` already applied.
    pub context: &'a Fs,
    pub build_args: BuildArgs,
    pub target: Option<String>,
    pub no_cache: bool,
    /// SOURCE_DATE_EPOCH: every timestamp the build writes.
    pub epoch: i64,
    pub platform: String,
}

impl<'a> Request<'a> {
    pub fn new(dockerfile: &'a str, context: &'a Fs) -> Request<'a> {
        Request {
            dockerfile,
            context,
            build_args: BuildArgs::new(),
            target: None,
            no_cache: false,
            epoch: 0,
            platform: instructions::DEFAULT_PLATFORM.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Cached,
    Built(MissReason),
    Failed(String),
}

/// One `#N` of the build log.
#[derive(Debug, Clone)]
pub struct StepReport {
    pub id: usize,
    /// `[builder 2/4]`, `[2/3]`.
    pub label: String,
    /// The instruction as the log shows it (`COPY app /app`).
    pub text: String,
    pub span: Span,
    pub stage: usize,
    pub outcome: Outcome,
    /// Things the learner must know: what was not simulated, and why.
    pub notices: Vec<String>,
    pub layer: Option<LayerRef>,
    /// What the step changed, when it ran now.
    pub changes: Option<Vec<vfs::Change>>,
    /// What a RUN printed (standard output and error, interleaved), when it ran now.
    pub output: String,
}

/// A build failure, with where in the Dockerfile it happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BuildError {
    pub message: String,
    pub span: Option<Span>,
}

impl BuildError {
    fn at(message: impl Into<String>, span: Span) -> BuildError {
        BuildError {
            message: message.into(),
            span: Some(span),
        }
    }
}

impl From<StoreError> for BuildError {
    fn from(e: StoreError) -> Self {
        BuildError {
            message: e.to_string(),
            span: None,
        }
    }
}

/// What a successful build made.
#[derive(Debug, Clone)]
pub struct Built {
    pub image: super::ImageParts,
    pub steps: Vec<StepReport>,
}

/// Called as the build goes: a step starting (`outcome` not yet known is
/// reported once, done) so faces can stream the log.
pub trait Progress {
    fn step(&mut self, _step: &StepReport) {}
}

impl Progress for () {}

impl<F: FnMut(&StepReport)> Progress for F {
    fn step(&mut self, step: &StepReport) {
        self(step)
    }
}

/// Where a stage's filesystem comes from before its own layers.
#[derive(Debug, Clone)]
struct StageState {
    name: Option<String>,
    /// The cache chain: the key of the last step.
    key: String,
    /// The filesystem after the last step, if anyone needed it yet.
    fs: Option<Fs>,
    /// A known filesystem and how many of `layers` it already includes.
    fs_base: Option<(Fs, usize)>,
    layers: Vec<LayerRef>,
    config: RunConfig,
    history: Vec<HistoryRow>,
    /// ARGs declared in this stage, with their values.
    args: BTreeMap<String, String>,
    /// The step id whose miss invalidated the rest of this chain.
    rebuilt_at: Option<usize>,
    /// A RUN of this stage left commands not run: programs they would have
    /// installed are missing, so a missing command is "not simulated", not "not found".
    unsimulated: bool,
    /// Whether this stage set CMD (an ENTRYPOINT then keeps it).
    cmd_set: bool,
    /// MAINTAINER, the image's `author`.
    author: String,
    base_name: String,
    architecture: String,
    os: String,
}

impl StageState {
    fn of_image(img: super::ResolvedImage) -> StageState {
        StageState {
            name: None,
            key: cache::key(&[b"FROM", img.manifest.to_string().as_bytes()]),
            fs: None,
            fs_base: img.fs.map(|fs| (fs, img.layers.len())),
            layers: img.layers,
            config: img.config,
            history: img.history,
            args: BTreeMap::new(),
            rebuilt_at: None,
            unsimulated: false,
            cmd_set: false,
            author: String::new(),
            base_name: img.name,
            architecture: img.architecture,
            os: img.os,
        }
    }
}

struct Engine<'r, 's> {
    req: &'r Request<'r>,
    store: &'s mut dyn Store,
    steps: Vec<StepReport>,
    progress: &'s mut dyn Progress,
    /// The ONBUILD trigger being run, whose text is not in the Dockerfile.
    trigger: Option<String>,
    /// The notices of the RUN being keyed, should it hit the cache.
    pending_run: Option<Vec<String>>,
    /// What the RUN being run printed, for its report.
    run_output: std::rc::Rc<std::cell::RefCell<String>>,
}

/// Builds the image `req` describes, storing blobs and cache records in
/// `store`. Names are not touched: the caller tags the result.
pub fn build(
    req: &Request,
    store: &mut dyn Store,
    progress: &mut dyn Progress,
) -> Result<Built, (BuildError, Vec<StepReport>)> {
    let mut engine = Engine {
        req,
        store,
        steps: Vec::new(),
        progress,
        trigger: None,
        pending_run: None,
        run_output: Default::default(),
    };
    match engine.run() {
        Ok(image) => Ok(Built {
            image,
            steps: engine.steps,
        }),
        Err(e) => Err((e, engine.steps)),
    }
}

/// The base of a stage, resolved.
enum Base {
    Scratch,
    Stage(usize),
    Image(Box<super::ResolvedImage>),
}

impl<'r, 's> Engine<'r, 's> {
    fn run(&mut self) -> Result<super::ImageParts, BuildError> {
        let ast = parse(self.req.dockerfile);
        if let Some(e) = ast.first_error() {
            return Err(BuildError::at(e.message.clone(), e.span));
        }
        let mut df = instructions::parse_dockerfile(&ast);
        if let Some(d) = df
            .diagnostics
            .iter()
            .find(|d| d.severity == crate::dockerfile::Severity::Error)
        {
            return Err(BuildError::at(d.message.clone(), d.span));
        }
        if df.stages.is_empty() {
            return Err(BuildError {
                message: "the Dockerfile has no FROM: nothing to build".into(),
                span: None,
            });
        }
        // Expand once to learn the bases, resolve them, then again with their ENV.
        let mut first = df.clone();
        instructions::expand_dockerfile(&mut first, &self.req.build_args, ast.escape_token);
        let target = self.target_index(&first)?;
        let needed = needed_stages(&first, target);
        let mut bases: BTreeMap<usize, Base> = BTreeMap::new();
        for &i in &needed {
            let stage = &first.stages[i];
            bases.insert(i, self.resolve_base(&first, i, stage)?);
        }
        let envs: BTreeMap<usize, BTreeMap<String, String>> = bases
            .iter()
            .map(|(i, b)| {
                let env = match b {
                    Base::Image(img) => img.config.env_map(),
                    _ => BTreeMap::new(),
                };
                (*i, env)
            })
            .collect();
        instructions::expand_dockerfile_with(
            &mut df,
            &self.req.build_args,
            ast.escape_token,
            &|i| envs.get(&i).cloned().unwrap_or_default(),
        );
        if let Some(d) = df
            .diagnostics
            .iter()
            .find(|d| d.severity == crate::dockerfile::Severity::Error)
        {
            return Err(BuildError::at(d.message.clone(), d.span));
        }
        let meta_args = global_args(&df, &self.req.build_args);
        let mut states: BTreeMap<usize, StageState> = BTreeMap::new();
        for &i in &needed {
            let base = bases.remove(&i).expect("resolved above");
            let state = self.build_stage(&df, i, base, &states, &meta_args)?;
            states.insert(i, state);
        }
        let last = states.remove(&target).expect("the target was built");
        self.finish(last)
    }

    fn target_index(&self, df: &instructions::Dockerfile) -> Result<usize, BuildError> {
        match &self.req.target {
            None => Ok(df.stages.len() - 1),
            Some(t) => df
                .stages
                .iter()
                .position(|s| s.name.as_deref() == Some(t.to_lowercase().as_str()))
                .ok_or_else(|| BuildError {
                    message: format!("failed to reach build target {t} in Dockerfile"),
                    span: None,
                }),
        }
    }

    fn resolve_base(
        &mut self,
        df: &instructions::Dockerfile,
        index: usize,
        stage: &Stage,
    ) -> Result<Base, BuildError> {
        let name = stage.base.value();
        if name.eq_ignore_ascii_case("scratch") {
            return Ok(Base::Scratch);
        }
        if let Some(j) = df.stages[..index]
            .iter()
            .position(|s| s.name.as_deref() == Some(name.to_lowercase().as_str()))
        {
            return Ok(Base::Stage(j));
        }
        let img = super::resolve_image(self.store, name, self.req.epoch)
            .map_err(|m| BuildError::at(m, stage.base.span))?;
        let wanted = stage
            .platform
            .as_ref()
            .map_or(self.req.platform.as_str(), |p| p.value());
        let have = format!("{}/{}", img.os, img.architecture);
        if !wanted.starts_with(&have) {
            let span = stage.platform.as_ref().map_or(stage.base.span, |p| p.span);
            return Err(BuildError::at(
                format!(
                    "{name}: no match for platform {wanted}: layerlab has this image for {have} only"
                ),
                span,
            ));
        }
        Ok(Base::Image(Box::new(img)))
    }

    fn push_step(&mut self, step: StepReport) -> usize {
        self.progress.step(&step);
        self.steps.push(step);
        self.steps.len() - 1
    }

    #[allow(clippy::too_many_lines)]
    fn build_stage(
        &mut self,
        df: &instructions::Dockerfile,
        index: usize,
        base: Base,
        states: &BTreeMap<usize, StageState>,
        meta_args: &BTreeMap<String, String>,
    ) -> Result<StageState, BuildError> {
        let stage = &df.stages[index];
        let from_image = matches!(base, Base::Image(_));
        let mut state = match base {
            Base::Scratch => StageState {
                name: stage.name.clone(),
                key: cache::key(&[b"FROM scratch", self.req.platform.as_bytes()]),
                fs: Some(Fs::new()),
                fs_base: None,
                layers: Vec::new(),
                config: RunConfig {
                    env: vec![DEFAULT_PATH.into()],
                    working_dir: "/".into(),
                    ..Default::default()
                },
                history: Vec::new(),
                args: BTreeMap::new(),
                rebuilt_at: None,
                unsimulated: false,
                cmd_set: false,
                author: String::new(),
                base_name: "scratch".into(),
                architecture: arch_of(&self.req.platform),
                os: "linux".into(),
            },
            Base::Stage(j) => {
                let mut s = states.get(&j).expect("stages build in order").clone();
                s.name = stage.name.clone();
                s.cmd_set = false;
                s
            }
            Base::Image(img) => {
                let mut s = StageState::of_image(*img);
                s.name = stage.name.clone();
                s
            }
        };
        // BuildKit makes sure PATH is always set.
        if state.config.get_env("PATH").is_none() {
            state.config.env.push(DEFAULT_PATH.into());
        }
        let onbuild = std::mem::take(&mut state.config.on_build);
        let mut triggers = Vec::new();
        if !onbuild.is_empty() {
            let ast = parse(&onbuild.join("\n"));
            for node in &ast.children {
                let mut ins = instructions::parse_instruction(node, 0)
                    .map_err(|e| BuildError::at(format!("ONBUILD trigger: {}", e.0), stage.span))?;
                // Errors in a trigger point at the FROM that ran it.
                let text = onbuild_text(node);
                ins.span = stage.span;
                triggers.push((ins, text));
            }
        }
        // `[name k/n]`: FROM counts when it is an image, then every RUN,
        // COPY, ADD and WORKDIR (ONBUILD triggers included); the number is
        // padded to the width of n.
        let total = usize::from(from_image)
            + triggers
                .iter()
                .map(|(i, _)| i)
                .chain(&stage.instructions)
                .filter(|i| is_fs_step(&i.instr))
                .count();
        let label_name = match (&stage.name, df.stages.len()) {
            (Some(n), _) => format!("{n} "),
            (None, 1) => String::new(),
            (None, _) => format!("stage-{index} "),
        };
        let width = total.to_string().len();
        let label = |k: usize| format!("[{label_name}{k:>width$}/{total}]");
        if from_image {
            let text = state.base_name.clone();
            self.push_step(StepReport {
                id: self.steps.len() + 1,
                label: label(1),
                text: format!("FROM {text}"),
                span: stage.span,
                stage: index,
                outcome: Outcome::Cached,
                notices: Vec::new(),
                layer: None,
                changes: None,
                output: String::new(),
            });
        }
        let mut k = usize::from(from_image);
        for (ins, text) in &triggers {
            k += usize::from(is_fs_step(&ins.instr));
            self.trigger = Some(text.clone());
            let r = self.apply(&mut state, ins, index, &label(k), df, states, meta_args);
            self.trigger = None;
            r?;
        }
        for ins in &stage.instructions {
            if is_fs_step(&ins.instr) {
                k += 1;
            }
            self.apply(&mut state, ins, index, &label(k), df, states, meta_args)?;
        }
        Ok(state)
    }

    /// The filesystem of `state`, built from its base and layers if needed.
    fn materialize(&mut self, state: &mut StageState) -> Result<Fs, BuildError> {
        if let Some(fs) = &state.fs {
            return Ok(fs.clone());
        }
        let (mut fs, from) = state.fs_base.clone().unwrap_or_else(|| {
            // A catalog image's layers come from its trees, not its blobs.
            let digests: Vec<Digest> = state
                .layers
                .iter()
                .map_while(|l| Digest::parse(&l.digest).ok())
                .collect();
            super::catalog::tree_after(&digests).unwrap_or_else(|| (Fs::new(), 0))
        });
        for l in &state.layers[from..] {
            let digest = Digest::parse(&l.digest).map_err(|e| BuildError {
                message: format!("cached layer {}: {e}", l.digest),
                span: None,
            })?;
            let blob = self.store.blob(&digest)?.ok_or_else(|| BuildError {
                message: format!("layer {} is missing from the image store", l.digest),
                span: None,
            })?;
            layer::apply(&mut fs, &blob).map_err(|m| BuildError {
                message: format!("layer {}: {m}", l.digest),
                span: None,
            })?;
        }
        state.fs = Some(fs.clone());
        state.fs_base = Some((fs.clone(), state.layers.len()));
        Ok(fs)
    }

    fn history(&self, state: &mut StageState, created_by: String, empty: bool) {
        state.history.push(HistoryRow {
            created: self.req.epoch,
            created_by,
            comment: "buildkit.dockerfile.v0".into(),
            empty_layer: empty,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn apply(
        &mut self,
        state: &mut StageState,
        ins: &Instruction,
        stage_index: usize,
        label: &str,
        df: &instructions::Dockerfile,
        states: &BTreeMap<usize, StageState>,
        meta_args: &BTreeMap<String, String>,
    ) -> Result<(), BuildError> {
        let c = &mut state.config;
        // Metadata instructions change the config and leave an empty history row.
        let row = match &ins.instr {
            Instr::Env { pairs } => {
                let mut row = String::from("ENV");
                for p in pairs {
                    c.set_env(p.key.value(), p.value.value());
                    row.push_str(&format!(" {}={}", p.key.value(), p.value.value()));
                }
                Some(row)
            }
            Instr::Label { pairs } => {
                let mut row = String::from("LABEL");
                for p in pairs {
                    c.labels
                        .insert(p.key.value().to_string(), p.value.value().to_string());
                    row.push_str(&format!(" {}={}", p.key.value(), p.value.value()));
                }
                Some(row)
            }
            Instr::Maintainer { name } => {
                state.author = name.value.clone();
                Some(format!("MAINTAINER {}", name.value))
            }
            Instr::Expose { ports } => {
                let mut added = std::collections::BTreeSet::new();
                for p in ports {
                    for port in expand_ports(p.value()).map_err(|m| BuildError::at(m, p.span))? {
                        added.insert(port.clone());
                        c.exposed_ports.insert(port);
                    }
                }
                // Go's `%v` of the port map: keys sorted.
                let shown: Vec<String> = added.iter().map(|p| format!("{p}:{{}}")).collect();
                Some(format!("EXPOSE map[{}]", shown.join(" ")))
            }
            Instr::Volume { paths } => {
                for p in paths {
                    if p.value().trim().is_empty() {
                        return Err(BuildError::at(
                            "VOLUME specified can not be an empty string",
                            p.span,
                        ));
                    }
                    c.volumes.insert(p.value().to_string());
                }
                let shown: Vec<&str> = paths.iter().map(|p| p.value()).collect();
                Some(format!("VOLUME [{}]", shown.join(" ")))
            }
            Instr::User { user } => {
                c.user = user.value().to_string();
                Some(format!("USER {}", user.value()))
            }
            Instr::Stopsignal { signal } => {
                c.stop_signal = signal.value().to_string();
                Some(format!("STOPSIGNAL {}", signal.value()))
            }
            Instr::Shell { args } => {
                let v: Vec<String> = args.iter().map(|w| w.value.clone()).collect();
                let row = format!("SHELL [{}]", v.join(" "));
                c.shell = Some(v);
                Some(row)
            }
            Instr::Cmd(cl) => {
                let v = command_of(cl, c);
                let row = format!("CMD [{}]", go_quote_list(&v));
                c.cmd = Some(v);
                c.args_escaped = true;
                state.cmd_set = true;
                Some(row)
            }
            Instr::Entrypoint(cl) => {
                let v = command_of(cl, c);
                let row = format!("ENTRYPOINT [{}]", go_quote_list(&v));
                c.entrypoint = Some(v);
                // An ENTRYPOINT clears an inherited CMD, not one this stage set.
                if !state.cmd_set {
                    c.cmd = None;
                }
                Some(row)
            }
            Instr::Healthcheck(h) => {
                if h.test.first().map(String::as_str) == Some("NONE") {
                    c.healthcheck = Some(Health {
                        test: vec!["NONE".into()],
                        ..Default::default()
                    });
                } else {
                    c.healthcheck = Some(Health {
                        test: h.test.clone(),
                        interval: h.interval_ns,
                        timeout: h.timeout_ns,
                        start_period: h.start_period_ns,
                        start_interval: h.start_interval_ns,
                        retries: h.retries,
                    });
                }
                // Go's `%q` of the config pointer, as released BuildKit writes it.
                Some(format!(
                    "HEALTHCHECK &{{[{}] {:?} {:?} {:?} {:?} '\\x{:02x}'}}",
                    go_quote_list(&h.test),
                    go_duration(h.interval_ns),
                    go_duration(h.timeout_ns),
                    go_duration(h.start_period_ns),
                    go_duration(h.start_interval_ns),
                    h.retries
                ))
            }
            Instr::Onbuild { expression, .. } => {
                // Recorded for images built on this one; no history row.
                c.on_build.push(expression.clone());
                None
            }
            Instr::Arg { args } => {
                let mut row = String::from("ARG");
                for a in args {
                    let value = self
                        .req
                        .build_args
                        .get(&a.name)
                        .cloned()
                        .or_else(|| a.default.as_ref().map(|d| d.value().to_string()))
                        .or_else(|| meta_args.get(&a.name).cloned())
                        .or_else(|| {
                            automatic_args(&self.req.platform, &self.req.platform)
                                .into_iter()
                                .find(|(k, _)| *k == a.name)
                                .map(|(_, v)| v)
                        });
                    row.push(' ');
                    row.push_str(&a.name);
                    if let Some(v) = &value {
                        row.push_str(&format!("={v}"));
                    }
                    state.args.insert(a.name.clone(), value.unwrap_or_default());
                }
                Some(row)
            }
            _ => None,
        };
        if let Some(row) = row {
            self.history(state, row, true);
            return Ok(());
        }
        match &ins.instr {
            Instr::Workdir { path } => {
                let base = if state.config.working_dir.is_empty() {
                    "/"
                } else {
                    &state.config.working_dir
                };
                let dir = vfs::join_at(base, path.value());
                state.config.working_dir = dir.clone();
                if dir == "/" {
                    self.history(state, "WORKDIR /".into(), true);
                    return Ok(());
                }
                let user = state.config.user.clone();
                let step = Step {
                    text: format!("WORKDIR {}", path.value()),
                    history: format!("WORKDIR {dir}"),
                    inputs: BTreeMap::from([("user".to_string(), user.clone())]),
                    independent: false,
                    // BuildKit does not mark WORKDIR's mkdir with --no-cache.
                    honours_no_cache: false,
                };
                let epoch = self.req.epoch;
                self.keyed_step(state, ins, stage_index, label, step, move |fs| {
                    let mut notices = Vec::new();
                    let (uid, gid) = owner_of(&user, fs, &mut notices);
                    fs.mkdir_all(
                        &dir,
                        Meta {
                            mode: 0o755,
                            uid,
                            gid,
                            mtime: epoch,
                        },
                    )
                    .map_err(|e| e.to_string())?;
                    Ok(notices)
                })
            }
            Instr::Run(run) => {
                let args = self.visible_args(state);
                let mut inputs: BTreeMap<String, String> = state
                    .config
                    .env
                    .iter()
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (format!("env:{k}"), v.to_string()))
                    .collect();
                for (k, v) in &args {
                    inputs.insert(format!("arg:{k}"), v.clone());
                }
                inputs.insert("user".into(), state.config.user.clone());
                inputs.insert("workdir".into(), state.config.working_dir.clone());
                let step = Step {
                    text: self.source_text(ins),
                    history: format!(
                        "{} # buildkit",
                        run_text(&run.command, &state.config, &args)
                    ),
                    inputs,
                    independent: false,
                    honours_no_cache: true,
                };
                // Docker sets the build args in scope as environment variables; ENV wins.
                let mut env = state.config.env.clone();
                for (k, v) in &args {
                    if state.config.get_env(k).is_none() {
                        env.push(format!("{k}={v}"));
                    }
                }
                let source = self.source_of(ins);
                let first_line = self.req.dockerfile
                    [..ins.span.start.min(self.req.dockerfile.len())]
                    .matches('\n')
                    .count()
                    + 1;
                let input = super::run::RunInput {
                    command: run.command.clone(),
                    shell: state.config.shell_or_default(),
                    env,
                    cwd: state.config.working_dir.clone(),
                    user: state.config.user.clone(),
                    epoch: self.req.epoch,
                    assume_installed: state.unsimulated,
                    source,
                    first_line,
                };
                self.pending_run = Some(super::run::cached_notices(&input));
                let output = self.run_output.clone();
                let r = self.keyed_step(state, ins, stage_index, label, step, move |fs| {
                    super::run::run(fs, &input, &mut output.borrow_mut())
                });
                if let Some(last) = self.steps.last()
                    && last.span == ins.span
                    && last
                        .notices
                        .iter()
                        .any(|n| n.starts_with(super::run::PARTIAL))
                {
                    state.unsimulated = true;
                }
                r
            }
            Instr::Copy(cp) => {
                let from = cp.from.as_ref().and_then(|f| f.value.clone());
                let spec = CopySpec {
                    name: "COPY",
                    files: &cp.files,
                    from,
                    chown: cp.chown.as_ref().map(|t| t.value().to_string()),
                    chmod: cp.chmod.as_ref().map(|t| t.value().to_string()),
                    link: cp.link,
                    parents: cp.parents,
                    exclude: &cp.exclude,
                    unpack: false,
                    checksum: None,
                };
                let r = self.copy_step(state, ins, stage_index, label, spec, df, states);
                self.report_failure(r, ins, stage_index, label)
            }
            Instr::Add(add) => {
                let spec = CopySpec {
                    name: "ADD",
                    files: &add.files,
                    from: None,
                    chown: add.chown.as_ref().map(|t| t.value().to_string()),
                    chmod: add.chmod.as_ref().map(|t| t.value().to_string()),
                    link: add.link,
                    parents: false,
                    exclude: &add.exclude,
                    unpack: add.unpack != Some(false),
                    checksum: add.checksum.as_ref().map(|t| t.value().to_string()),
                };
                let r = self.copy_step(state, ins, stage_index, label, spec, df, states);
                self.report_failure(r, ins, stage_index, label)
            }
            _ => Ok(()),
        }
    }

    /// A step that failed before it could be keyed (a COPY source that is
    /// not there) still gets its `#N … ERROR` entry, as in BuildKit's log.
    fn report_failure(
        &mut self,
        r: Result<(), BuildError>,
        ins: &Instruction,
        stage_index: usize,
        label: &str,
    ) -> Result<(), BuildError> {
        let Err(e) = r else { return r };
        let reported = self
            .steps
            .last()
            .is_some_and(|s| s.span == ins.span && matches!(s.outcome, Outcome::Failed(_)));
        if !reported {
            self.push_step(StepReport {
                id: self.steps.len() + 1,
                label: label.to_string(),
                text: self.source_text(ins),
                span: ins.span,
                stage: stage_index,
                outcome: Outcome::Failed(e.message.clone()),
                notices: Vec::new(),
                layer: None,
                changes: None,
                output: String::new(),
            });
        }
        Err(e)
    }

    /// The stage's ARGs as RUN sees them: an ENV of the same name wins.
    fn visible_args(&self, state: &StageState) -> BTreeMap<String, String> {
        state
            .args
            .iter()
            .map(|(k, v)| {
                let v = state
                    .config
                    .get_env(k)
                    .map_or_else(|| v.clone(), str::to_string);
                (k.clone(), v)
            })
            .collect()
    }

    /// The instruction as written (the trigger for ONBUILD).
    fn source_of(&self, ins: &Instruction) -> String {
        if let Some(trigger) = &self.trigger {
            return trigger.clone();
        }
        self.req
            .dockerfile
            .get(ins.span.start..ins.span.end)
            .unwrap_or("")
            .to_string()
    }

    /// The instruction as the log shows it: as written, on one line.
    fn source_text(&self, ins: &Instruction) -> String {
        if let Some(trigger) = &self.trigger {
            return format!("ONBUILD {trigger}");
        }
        let src = &self.req.dockerfile[ins.span.start..ins.span.end];
        let first = src.lines().next().unwrap_or("");
        let joined: String = src
            .split('\n')
            .map(|l| l.trim_end_matches('\r'))
            .map(|l| l.strip_suffix('\\').unwrap_or(l).trim())
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join(" ");
        if first.contains("<<") {
            return first.trim().to_string();
        }
        joined
    }

    /// A step that may change files: key it, look it up, run it on a miss.
    /// Every such step makes a layer, an empty one when nothing changed.
    fn keyed_step(
        &mut self,
        state: &mut StageState,
        ins: &Instruction,
        stage_index: usize,
        label: &str,
        step: Step,
        run: impl FnOnce(&mut Fs) -> Result<Vec<String>, String>,
    ) -> Result<(), BuildError> {
        let pending_run = self.pending_run.take();
        let parent = if step.independent {
            String::from("link")
        } else {
            state.key.clone()
        };
        let key = cache::step_key(&parent, &step.history, &step.inputs);
        let id = self.steps.len() + 1;
        let ignore_cache = self.req.no_cache && step.honours_no_cache;
        let cached = if ignore_cache {
            None
        } else {
            self.store.cache_get(&key).filter(|r| {
                r.layer
                    .as_ref()
                    .is_none_or(|l| Digest::parse(&l.digest).is_ok_and(|d| self.store.has_blob(&d)))
            })
        };
        let mut report = StepReport {
            id,
            label: label.to_string(),
            text: step.text.clone(),
            span: ins.span,
            stage: stage_index,
            outcome: Outcome::Cached,
            notices: Vec::new(),
            layer: None,
            changes: None,
            output: String::new(),
        };
        if let Some(rec) = cached {
            // A hit: the record is all we need; the filesystem stays lazy.
            state.key = key;
            if let Some(l) = &rec.layer {
                state.layers.push(l.clone());
                state.fs = None;
            }
            report.layer = rec.layer.clone();
            // What a cached RUN did not run, found from its script.
            if let Some(notices) = pending_run {
                report.notices = notices;
            }
            self.history(state, step.history, rec.layer.is_none());
            self.push_step(report);
            return Ok(());
        }
        let reason = if ignore_cache {
            MissReason::NoCache
        } else {
            cache::explain(
                &*self.store,
                &parent,
                &step.text,
                &step.inputs,
                state.rebuilt_at,
                step.independent,
            )
        };
        let before = self.materialize(state)?;
        // A --link step is made on an empty tree: its layer holds only what
        // it adds, so it does not depend on (or change with) the layers below.
        let mut after = if step.independent {
            Fs::new()
        } else {
            before.clone()
        };
        let ran = run(&mut after);
        report.output = self.run_output.take();
        let notices = match ran {
            Ok(n) => n,
            Err(message) => {
                report.outcome = Outcome::Failed(message.clone());
                self.push_step(report);
                return Err(BuildError::at(message, ins.span));
            }
        };
        let lower = if step.independent {
            Fs::new()
        } else {
            before.clone()
        };
        let changes = vfs::diff(&lower, &after);
        let blob = layer::write(&changes, state.layers.is_empty() || step.independent)
            .map_err(|m| BuildError::at(m, ins.span))?;
        self.store.put_blob(&blob.digest, blob.bytes.clone())?;
        let layer_ref = LayerRef {
            digest: blob.digest.to_string(),
            diff_id: blob.diff_id.to_string(),
            size: blob.bytes.len() as u64,
            media_type: crate::oci::image::media_types::OCI_LAYER_TAR_GZIP.to_string(),
        };
        let result = if step.independent {
            let mut fs = before;
            layer::apply(&mut fs, &blob.bytes).map_err(|m| BuildError::at(m, ins.span))?;
            fs
        } else {
            after
        };
        if state.layers.len() >= MAX_LAYERS {
            return Err(BuildError::at(
                format!("max depth exceeded: an image can have at most {MAX_LAYERS} layers"),
                ins.span,
            ));
        }
        state.layers.push(layer_ref.clone());
        self.store.cache_put(CacheRecord {
            key: key.clone(),
            parent,
            seq: 0,
            instruction: step.text.clone(),
            inputs: step.inputs,
            layer: Some(layer_ref.clone()),
        })?;
        state.key = key;
        state.fs = Some(result.clone());
        state.fs_base = Some((result, state.layers.len()));
        if !step.independent {
            state.rebuilt_at.get_or_insert(id);
        }
        self.history(state, step.history, false);
        report.outcome = Outcome::Built(reason);
        report.notices = notices;
        report.layer = Some(layer_ref);
        report.changes = Some(changes);
        self.push_step(report);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn copy_step(
        &mut self,
        state: &mut StageState,
        ins: &Instruction,
        stage_index: usize,
        label: &str,
        spec: CopySpec,
        df: &instructions::Dockerfile,
        states: &BTreeMap<usize, StageState>,
    ) -> Result<(), BuildError> {
        let span = ins.span;
        let err = |m: String| BuildError::at(m, span);
        let name = spec.name;
        // Where sources come from: the context, an earlier stage, or an image.
        let (src_fs, from_context, from_key) = match &spec.from {
            None => (self.req.context.clone(), true, String::new()),
            Some(f) => {
                let lower = f.to_lowercase();
                let idx = df
                    .stages
                    .iter()
                    .position(|s| s.name.as_deref() == Some(lower.as_str()))
                    .or_else(|| f.parse::<usize>().ok().filter(|i| *i < stage_index));
                let mut st = match idx {
                    Some(i) => states
                        .get(&i)
                        .cloned()
                        .ok_or_else(|| err(format!("stage {f} was not built")))?,
                    None => {
                        let img =
                            super::resolve_image(self.store, f, self.req.epoch).map_err(err)?;
                        StageState::of_image(img)
                    }
                };
                let key = st.key.clone();
                (self.materialize(&mut st)?, false, key)
            }
        };
        let excludes = Dockerignore::parse(&spec.exclude.join("\n")).map_err(|e| err(e.message))?;
        let mut notices = Vec::new();
        let mut selections: Vec<(Vec<copy::Selected>, bool)> = Vec::new();
        let mut inline = Fs::new();
        let source_count = spec.files.sources.len() + spec.files.contents.len();
        for (i, s) in spec.files.sources.iter().enumerate() {
            let p = s.value();
            if name == "ADD" && is_url(p) {
                if let Some(sum) = &spec.checksum {
                    return Err(err(format!(
                        "ADD --checksum={sum}: cannot verify {p}: layerlab works offline and does not fetch URLs"
                    )));
                }
                let file_name = p
                    .rsplit('/')
                    .next()
                    .filter(|s| !s.is_empty())
                    .unwrap_or("index.html");
                notices.push(format!(
                    "ADD {p}: not fetched (layerlab works offline); {file_name} holds placeholder bytes"
                ));
                let dir = format!("/url{i}");
                let data = format!("layerlab placeholder for {p}: not downloaded (offline)\n");
                inline
                    .mkdir_all(&dir, Meta::new(0o755))
                    .and_then(|_| {
                        inline.write_file(
                            &format!("{dir}/{file_name}"),
                            data.into_bytes(),
                            Meta::new(0o600),
                        )
                    })
                    .map_err(|e| err(e.to_string()))?;
                let sel = copy::select(&inline, &dir, file_name, false, false)
                    .map_err(|e| err(e.to_string()))?;
                selections.push((sel, false));
                continue;
            }
            if spec.checksum.is_some() {
                return Err(err("checksum requires HTTP(S) or Git sources".into()));
            }
            let sel = copy::select(&src_fs, "", p, from_context, spec.parents)
                .map_err(|e| err(e.to_string()))?;
            selections.push((sel, spec.unpack));
        }
        for (i, h) in spec.files.contents.iter().enumerate() {
            let dir = format!("/heredoc{i}");
            inline
                .mkdir_all(&dir, Meta::new(0o755))
                .and_then(|_| {
                    inline.write_file(
                        &format!("{dir}/{}", h.name),
                        h.content.as_bytes(),
                        Meta::new(0o644),
                    )
                })
                .map_err(|e| err(e.to_string()))?;
            let sel = copy::select(&inline, &dir, &h.name, false, false)
                .map_err(|e| err(e.to_string()))?;
            selections.push((sel, false));
        }
        let mut inputs = BTreeMap::new();
        for (sel, _) in &selections {
            let (_, files) = copy::checksum(sel, &excludes);
            for (path, digest) in files {
                inputs.insert(format!("file:{path}"), digest);
            }
        }
        if !from_key.is_empty() {
            inputs.insert("from".into(), from_key);
        }
        let dest_raw = spec.files.dest.value().to_string();
        let workdir = if state.config.working_dir.is_empty() {
            "/".to_string()
        } else {
            state.config.working_dir.clone()
        };
        let mut dest = vfs::join_at(&workdir, &dest_raw);
        if (dest_raw.ends_with('/') || dest_raw.ends_with("/.") || dest_raw == ".")
            && !dest.ends_with('/')
        {
            dest.push('/');
        }
        if source_count > 1 && !dest.ends_with('/') {
            notices.push(format!(
                "{name} with several sources and a destination without a trailing /: BuildKit copies each to {dest} and the last one wins"
            ));
        }
        // History as BuildKit writes it: --parents, --chown and --chmod kept;
        // --from, --link and --exclude left out.
        let mut history = String::from(name);
        if spec.parents {
            history.push_str(" --parents");
        }
        if let Some(c) = &spec.chown {
            history.push_str(&format!(" --chown={c}"));
        }
        if let Some(c) = &spec.chmod {
            history.push_str(&format!(" --chmod={c}"));
        }
        for s in &spec.files.sources {
            history.push(' ');
            history.push_str(s.value());
        }
        for h in &spec.files.contents {
            history.push_str(&format!(" <<{}", h.name));
        }
        history.push_str(&format!(" {dest_raw} # buildkit"));
        // The cache key also sees what the history leaves out.
        if let Some(f) = &spec.from {
            inputs.insert("flag:from".into(), f.clone());
        }
        if spec.link {
            inputs.insert("flag:link".into(), "true".into());
        }
        for (i, e) in spec.exclude.iter().enumerate() {
            inputs.insert(format!("flag:exclude{i}"), e.clone());
        }
        let chmod_mode = match &spec.chmod {
            Some(m) => Some(copy::parse_chmod(m).map_err(|e| err(e.to_string()))?),
            None => None,
        };
        if spec.link {
            notices.push(
                "--link: this layer does not depend on the layers before it, so it stays cached when they change"
                    .into(),
            );
        }
        let opts = CopyOptions {
            chown: spec.chown.clone(),
            chmod: spec.chmod.clone(),
            exclude: spec.exclude.to_vec(),
            parents: spec.parents,
            epoch: self.req.epoch,
            instruction: name,
        };
        let step = Step {
            text: self.source_text(ins),
            history,
            inputs,
            independent: spec.link,
            honours_no_cache: true,
        };
        let epoch = self.req.epoch;
        let run = move |fs: &mut Fs| -> Result<Vec<String>, String> {
            let owner = opts.chown.as_ref().map(|c| owner_of(c, fs, &mut notices));
            for (sel, unpack) in &selections {
                let mut plain = Vec::new();
                for s in sel {
                    if *unpack
                        && let vfs::Node::File(f) = &s.node
                        && layer::is_archive(&f.data)
                    {
                        let dir = dest.trim_end_matches('/');
                        layer::extract(
                            fs,
                            &f.data,
                            if dir.is_empty() { "/" } else { dir },
                            owner,
                            epoch,
                        )
                        .map_err(|m| format!("{name} {}: {m}", s.rel))?;
                        continue;
                    }
                    plain.push(s.clone());
                }
                if !plain.is_empty() {
                    copy::copy_into(fs, &dest, &plain, &opts, owner, chmod_mode)
                        .map_err(|e: CopyError| e.to_string())?;
                }
            }
            Ok(notices)
        };
        self.keyed_step(state, ins, stage_index, label, step, run)
    }

    fn finish(&mut self, state: StageState) -> Result<super::ImageParts, BuildError> {
        let parts = super::assemble(
            &state.config,
            &state.history,
            &state.layers,
            &state.author,
            &state.architecture,
            &state.os,
            self.req.epoch,
        );
        self.store
            .put_blob(&parts.config_digest, parts.config.clone())?;
        self.store
            .put_blob(&parts.manifest_digest, parts.manifest.clone())?;
        self.store
            .add_image(&parts.manifest_digest, parts.manifest.len() as u64)?;
        Ok(parts)
    }
}

/// The source text of a parsed trigger line.
fn onbuild_text(node: &crate::dockerfile::Node) -> String {
    node.original.trim().to_string()
}

/// Docker's limit on layers in one image (overlay2's mount depth).
const MAX_LAYERS: usize = 127;

const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// A step that makes a layer: what the log shows, what history records (and
/// the cache key hashes), and what else the key depends on.
struct Step {
    text: String,
    history: String,
    inputs: BTreeMap<String, String>,
    /// `COPY --link`: keyed and layered without the steps before it.
    independent: bool,
    honours_no_cache: bool,
}

/// COPY and ADD, read from their instructions.
struct CopySpec<'a> {
    name: &'static str,
    files: &'a instructions::SourcesAndDest,
    from: Option<String>,
    chown: Option<String>,
    chmod: Option<String>,
    link: bool,
    parents: bool,
    exclude: &'a [String],
    unpack: bool,
    checksum: Option<String>,
}

/// The uid and gid of `user[:group]` in `fs`; an unknown name is 0:0, as in
/// BuildKit, with a notice saying so.
fn owner_of(spec: &str, fs: &Fs, notices: &mut Vec<String>) -> (u32, u32) {
    if spec.is_empty() {
        return (0, 0);
    }
    match copy::parse_chown(spec, fs) {
        Ok(ids) => ids,
        Err(e) => {
            notices.push(format!("{e}: BuildKit uses 0:0 (root) instead"));
            (0, 0)
        }
    }
}

/// FROM, COPY, ADD, RUN and WORKDIR are steps in BuildKit's log; the rest only change the config.
fn is_fs_step(i: &Instr) -> bool {
    matches!(
        i,
        Instr::Run(_) | Instr::Copy(_) | Instr::Add(_) | Instr::Workdir { .. }
    )
}

fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("git@")
}

fn arch_of(platform: &str) -> String {
    platform.split('/').nth(1).unwrap_or("amd64").to_string()
}

/// The values of global ARGs (before the first FROM), with build args applied.
fn global_args(df: &instructions::Dockerfile, build_args: &BuildArgs) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for ins in &df.meta_args {
        if let Instr::Arg { args } = &ins.instr {
            for a in args {
                if let Some(v) = build_args
                    .get(&a.name)
                    .cloned()
                    .or_else(|| a.default.as_ref().map(|d| d.value().to_string()))
                {
                    out.insert(a.name.clone(), v);
                }
            }
        }
    }
    out
}

/// The stages the target needs, in file order: its base chain, COPY --from
/// and RUN --mount from= sources, transitively.
fn needed_stages(df: &instructions::Dockerfile, target: usize) -> Vec<usize> {
    let index_of = |name: &str, before: usize| -> Option<usize> {
        let lower = name.to_lowercase();
        df.stages[..before]
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| name.parse::<usize>().ok().filter(|i| *i < before))
    };
    let mut need = vec![false; df.stages.len()];
    let mut todo = vec![target];
    while let Some(i) = todo.pop() {
        if need[i] {
            continue;
        }
        need[i] = true;
        let s = &df.stages[i];
        if let Some(j) = index_of(s.base.value(), i) {
            todo.push(j);
        }
        for ins in &s.instructions {
            match &ins.instr {
                Instr::Copy(c) => {
                    if let Some(j) = c
                        .from
                        .as_ref()
                        .and_then(|f| f.value.as_deref())
                        .and_then(|f| index_of(f, i))
                    {
                        todo.push(j);
                    }
                }
                Instr::Run(r) => {
                    for m in &r.mounts {
                        if let Some(j) = m
                            .mount
                            .as_ref()
                            .and_then(|m| m.from.as_deref())
                            .and_then(|f| index_of(f, i))
                        {
                            todo.push(j);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    (0..df.stages.len()).filter(|i| need[*i]).collect()
}

/// CMD/ENTRYPOINT as Docker stores them: exec form as written, shell form
/// wrapped in the stage's SHELL.
fn command_of(cl: &CommandLine, config: &RunConfig) -> Vec<String> {
    let words: Vec<String> = cl.args.iter().map(|w| w.value.clone()).collect();
    if cl.prepend_shell {
        let mut v = config.shell_or_default();
        v.push(words.join(" "));
        v
    } else {
        words
    }
}

/// How RUN appears in history: the shell and the command, prefixed with the
/// build args in scope (`|2 A=1 B=2`).
fn run_text(cl: &CommandLine, config: &RunConfig, args: &BTreeMap<String, String>) -> String {
    let cmd = command_of(cl, config);
    let mut text = String::from("RUN ");
    if !args.is_empty() {
        text.push_str(&format!("|{} ", args.len()));
        for (k, v) in args {
            text.push_str(&format!("{k}={v} "));
        }
    }
    text.push_str(&cmd.join(" "));
    text
}

/// Go's `%q` of each string, space-separated (how BuildKit prints argv).
fn go_quote_list(v: &[String]) -> String {
    v.iter()
        .map(|s| crate::dockerfile::ast::go_quote(s))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Go's `time.Duration.String()` for whole nanoseconds.
fn go_duration(ns: i64) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let secs = ns / 1_000_000_000;
    let rem = ns % 1_000_000_000;
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if rem == 0 {
        out.push_str(&format!("{s}s"));
    } else {
        let frac = format!("{rem:09}");
        out.push_str(&format!("{s}.{}s", frac.trim_end_matches('0')));
    }
    out
}

/// `EXPOSE` values as Docker's nat.ParsePortSpecs reads them: `80`,
/// `80/udp`, ranges `8000-8002`.
fn expand_ports(spec: &str) -> Result<Vec<String>, String> {
    let (ports, proto) = match spec.split_once('/') {
        Some((p, proto)) => (p, proto.to_lowercase()),
        None => (spec, "tcp".to_string()),
    };
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!("invalid proto: {proto}"));
    }
    let bad = || format!("invalid containerPort: {ports}");
    let (lo, hi) = match ports.split_once('-') {
        Some((a, b)) => (
            a.parse::<u16>().map_err(|_| bad())?,
            b.parse::<u16>().map_err(|_| bad())?,
        ),
        None => {
            let p = ports.parse::<u16>().map_err(|_| bad())?;
            (p, p)
        }
    };
    if hi < lo {
        return Err(bad());
    }
    Ok((lo..=hi).map(|p| format!("{p}/{proto}")).collect())
}

/// The normalised name of a reference for messages and the store.
pub fn normalize(name: &str) -> Result<Reference, String> {
    let mut r = Reference::parse_normalized(name).map_err(|e| format!("{name}: {e}"))?;
    if r.tag.is_none() && r.digest.is_none() {
        r.tag = Some("latest".into());
    }
    Ok(r)
}
