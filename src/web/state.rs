//! The playground's state and the only place it changes.

use super::backend::Backend;
use super::build::{Attempt, Failure, ImageView, LogStep};
use super::context::{self, ContextView};
use super::examples::Example;
use super::links;
use super::problems::{Problem, problems};
use super::protocol::Call;
use crate::dockerfile::analyze;
use crate::share::{self, File};
use std::rc::Rc;
use yew::Reducible;

/// The right pane's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Problems,
    Build,
    Layers,
    Images,
    Registry,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Problems,
        Tab::Build,
        Tab::Layers,
        Tab::Images,
        Tab::Registry,
    ];

    /// For element ids and test ids.
    pub fn key(self) -> &'static str {
        match self {
            Tab::Problems => "problems",
            Tab::Build => "build",
            Tab::Layers => "layers",
            Tab::Images => "images",
            Tab::Registry => "registry",
        }
    }

    pub fn from_key(key: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::Problems => "Problems",
            Tab::Build => "Build",
            Tab::Layers => "Layers",
            Tab::Images => "Images",
            Tab::Registry => "Push & pull",
        }
    }
}

/// Builds as the page shows them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Builds {
    /// Asked for and not finished: the page shows "building…".
    pub running: bool,
    /// The steps of the running build that have ended, as they end.
    pub live: Rc<Vec<LogStep>>,
    /// Attempts so far: numbers them.
    pub count: u32,
    /// The playground's `loads` when the running build was asked for: an
    /// example or a link may replace the playground while it runs.
    pub of_load: u32,
    /// The latest build, successful or not: its log.
    pub last: Option<Rc<Attempt>>,
    /// The image of the latest successful build, kept when a later one fails.
    pub image: Option<Rc<ImageView>>,
    /// The image of the successful build before that one, to compare with.
    pub previous: Option<Rc<ImageView>>,
}

#[derive(Debug, Clone)]
pub struct Playground {
    pub source: Rc<str>,
    pub problems: Rc<Vec<Problem>>,
    /// The Dockerfile's named stages, for the target select.
    pub stages: Rc<Vec<String>>,
    /// The build context, in the order the user made it.
    pub files: Rc<Vec<File>>,
    pub context: Rc<ContextView>,
    /// As typed (one `KEY=VALUE` a line) and as read.
    pub build_args_text: Rc<str>,
    pub build_args: Rc<Vec<(String, String)>>,
    pub build_args_error: Option<String>,
    pub target: Option<String>,
    /// The context file open in place of the Dockerfile.
    pub open: Option<String>,
    /// The layer chosen in the Layers tab, by index.
    pub layer: Option<usize>,
    /// A link's chosen layer, for the first image built after it opened
    /// (a link never builds by itself).
    pub pending_layer: Option<usize>,
    pub tab: Tab,
    pub builds: Builds,
    /// The build worker, which keeps the store and cache every build of
    /// this page shares.
    pub backend: Rc<Backend>,
    /// Counts replacements of the whole playground (an example, a link): the
    /// editor takes the new text only then, never while the user types.
    pub loads: u32,
    /// Counts changes to what a link carries, for saving them.
    pub changes: u32,
    /// The example the playground is, until it is edited.
    pub example: Option<&'static str>,
    /// What went wrong with the last upload, rename or link.
    pub notice: Option<Rc<str>>,
    /// The address bar's `#s=` fragment holds this playground.
    pub linked: bool,
}

impl PartialEq for Playground {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
            && self.problems == other.problems
            && Rc::ptr_eq(&self.files, &other.files)
            && self.build_args_text == other.build_args_text
            && self.target == other.target
            && self.open == other.open
            && self.layer == other.layer
            && self.tab == other.tab
            && self.builds == other.builds
            && Rc::ptr_eq(&self.backend, &other.backend)
            && self.loads == other.loads
            && self.changes == other.changes
            && self.notice == other.notice
            && self.linked == other.linked
    }
}

impl Playground {
    /// The default example, or `p` when there is one.
    pub fn new(p: Option<share::Playground>, notice: Option<String>) -> Self {
        let p = p.unwrap_or_else(|| Example::default_example().playground());
        let mut out = Playground {
            source: "".into(),
            problems: Rc::default(),
            stages: Rc::default(),
            files: Rc::default(),
            context: Rc::new(ContextView::of(&[])),
            build_args_text: "".into(),
            build_args: Rc::default(),
            build_args_error: None,
            target: None,
            open: None,
            layer: None,
            pending_layer: None,
            tab: Tab::Problems,
            builds: Builds::default(),
            backend: Backend::new(),
            loads: 0,
            changes: 0,
            example: None,
            notice: notice.map(Into::into),
            linked: false,
        };
        out.replace(p);
        out
    }

    /// Takes everything a link carries from `p`.
    fn replace(&mut self, p: share::Playground) {
        let (source, problems, stages) = checked(&p.dockerfile);
        self.example = Example::matching(&p).map(|e| e.key);
        self.source = source;
        self.problems = problems;
        self.stages = stages;
        self.context = Rc::new(ContextView::of(&p.files));
        self.files = Rc::new(p.files);
        self.build_args_text = p
            .build_args
            .iter()
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect::<String>()
            .into();
        self.build_args = Rc::new(p.build_args);
        self.build_args_error = None;
        self.target = p.target;
        self.tab = p
            .view
            .as_deref()
            .and_then(Tab::from_key)
            .unwrap_or(Tab::Problems);
        self.open = None;
        self.layer = None;
        self.pending_layer = p.layer.map(|l| l as usize);
        self.loads += 1;
        self.changes += 1;
    }

    /// What a link carries.
    pub fn to_share(&self) -> share::Playground {
        share::Playground {
            dockerfile: self.source.to_string(),
            files: self.files.to_vec(),
            build_args: self.build_args.to_vec(),
            target: self.target.clone(),
            view: Some(self.tab.key().to_string()).filter(|_| self.tab != Tab::Problems),
            layer: self.layer.and_then(|l| u32::try_from(l).ok()),
        }
    }

    /// The build of what the playground holds now, for the worker.
    pub fn build_call(&self) -> Call {
        Call::Build {
            dockerfile: self.source.to_string(),
            files: self.files.to_vec(),
            build_args: self.build_args.to_vec(),
            target: self.target.clone(),
            refuse: self
                .build_args_error
                .as_ref()
                .map(|e| format!("build arguments: {e}")),
        }
    }

    /// Shows a finished build: its log, and its image if it made one. The
    /// page numbers the attempts (a new worker would start again at 1).
    fn finish_build(&self, mut attempt: Attempt, image: Option<ImageView>) -> Rc<Self> {
        let mut next = self.clone();
        let number = self.builds.count + 1;
        attempt.number = number;
        let image = image.map(|mut i| {
            i.number = number;
            i
        });
        // Of the playground on screen, not one an example or a link has
        // since replaced (whose layer choice waits for its own build).
        let current = self.builds.of_load == self.loads;
        // A failure is read in the log, whichever tab asked.
        if attempt.failure.is_some() && current {
            next.tab = Tab::Build;
        }
        // A place in a Dockerfile no longer on screen leads nowhere.
        if let (false, Some(f)) = (current, attempt.failure.as_mut()) {
            f.at = None;
        }
        // A new image has other layers: none is chosen, unless a link
        // chose one for it.
        if let Some(i) = &image {
            next.layer = match current {
                true => next.pending_layer.take().filter(|l| *l < i.layers.len()),
                false => None,
            };
        }
        let previous = match &image {
            Some(_) => self.builds.image.clone(),
            None => self.builds.previous.clone(),
        };
        next.builds = Builds {
            running: false,
            live: Rc::default(),
            count: number,
            of_load: self.builds.of_load,
            last: Some(Rc::new(attempt)),
            image: image.map(Rc::new).or_else(|| self.builds.image.clone()),
            previous,
        };
        Rc::new(next)
    }

    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == "error")
            .count()
    }

    /// A change to the context: the files, their view, and what is saved.
    fn with_files(&self, files: Vec<File>) -> Playground {
        Playground {
            context: Rc::new(ContextView::of(&files)),
            files: Rc::new(files),
            changes: self.changes + 1,
            example: None,
            notice: None,
            linked: false,
            ..self.clone()
        }
    }

    fn with_notice(&self, notice: String) -> Playground {
        Playground {
            notice: Some(notice.into()),
            ..self.clone()
        }
    }
}

fn checked(source: &str) -> (Rc<str>, Rc<Vec<Problem>>, Rc<Vec<String>>) {
    let analysis = analyze(source);
    let findings = crate::lint::lint(source, &analysis);
    let stages = analysis
        .dockerfile
        .stages
        .iter()
        .filter_map(|s| s.name.clone())
        .collect();
    (
        source.into(),
        Rc::new(problems(source, &analysis, &findings)),
        Rc::new(stages),
    )
}

/// `KEY=VALUE` lines (blank lines and `#` comments skipped), later keys
/// winning as with repeated `--build-arg`; checked as a link checks them.
pub fn parse_build_args(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut args: Vec<(String, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!("line {}: {line:?} needs =VALUE", i + 1));
        };
        let k = k.trim();
        if k.is_empty() || k.contains(char::is_whitespace) {
            return Err(format!(
                "line {}: {k:?} is not a build argument name",
                i + 1
            ));
        }
        args.retain(|(old, _)| old != k);
        args.push((k.to_string(), v.to_string()));
    }
    let p = share::Playground {
        build_args: args,
        ..Default::default()
    };
    share::validate(&p).map_err(|e| e.to_string())?;
    Ok(p.build_args)
}

/// `untitled.txt`, or `untitled-2.txt`… when taken.
fn fresh_name(files: &[File]) -> String {
    (1..)
        .map(|n| match n {
            1 => "untitled.txt".to_string(),
            n => format!("untitled-{n}.txt"),
        })
        .find(|name| files.iter().all(|f| f.path != *name))
        .unwrap_or_default()
}

pub enum Action {
    /// The editor's text changed.
    Edited(String),
    ShowTab(Tab),
    /// Shows "building…" and sends the build to the worker (`App` does,
    /// when `running` turns true).
    BuildRequested,
    /// A step of the running build has ended.
    BuildStep(LogStep),
    /// The running build has ended.
    Built {
        attempt: Box<Attempt>,
        image: Option<Box<ImageView>>,
    },
    /// The worker could not build at all.
    BuildFailed(String),
    /// Replaces the whole playground: an example, a link, a state file.
    Load {
        playground: Box<share::Playground>,
        /// Back or Forward brought it: the history already has it.
        from_history: bool,
    },
    /// The address bar now holds this playground's link.
    Shared,
    /// Opens a context file in place of the Dockerfile (`None`: the Dockerfile).
    Open(Option<String>),
    NewFile,
    EditFile {
        path: String,
        text: String,
    },
    RenameFile {
        from: String,
        to: String,
    },
    SetExecutable {
        path: String,
        executable: bool,
    },
    DeleteFile(String),
    /// Files read from disk. `replace`: a folder, which is the whole
    /// context (and its Dockerfile, if it has one at the top).
    AddFiles {
        files: Vec<File>,
        dockerfile: Option<String>,
        replace: bool,
    },
    SetBuildArgs(String),
    SetTarget(Option<String>),
    ChooseLayer(usize),
    Notice(Option<String>),
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Edited(text) if *text == *self.source => self,
            Action::Edited(text) => {
                let (source, problems, stages) = checked(&text);
                Rc::new(Playground {
                    source,
                    problems,
                    stages,
                    changes: self.changes + 1,
                    example: None,
                    linked: false,
                    ..(*self).clone()
                })
            }
            Action::ShowTab(tab) if tab == self.tab => self,
            Action::ShowTab(tab) => Rc::new(Playground {
                tab,
                ..(*self).clone()
            }),
            Action::BuildRequested if self.builds.running => self,
            Action::BuildRequested => {
                let mut next = (*self).clone();
                next.builds.running = true;
                next.builds.live = Rc::default();
                next.builds.of_load = self.loads;
                // The log is where a build shows; the Layers tab updates in place.
                if next.tab == Tab::Problems {
                    next.tab = Tab::Build;
                }
                Rc::new(next)
            }
            Action::BuildStep(_) if !self.builds.running => self,
            Action::BuildStep(step) => {
                let mut next = (*self).clone();
                let mut live = self.builds.live.to_vec();
                live.push(step);
                next.builds.live = Rc::new(live);
                Rc::new(next)
            }
            Action::Built { .. } | Action::BuildFailed(_) if !self.builds.running => self,
            Action::Built { attempt, image } => self.finish_build(*attempt, image.map(|i| *i)),
            Action::BuildFailed(message) => {
                let attempt = Attempt {
                    number: 0,
                    steps: self.builds.live.to_vec(),
                    failure: Some(Failure { message, at: None }),
                    millis: 0.0,
                };
                // The worker is gone, and with it the store those images
                // were in: nothing to push or compare with any more.
                let mut next = self.finish_build(attempt, None);
                let builds = &mut Rc::make_mut(&mut next).builds;
                builds.image = None;
                builds.previous = None;
                next
            }
            Action::Load {
                playground,
                from_history,
            } => {
                // The history is written here, where both the playground
                // being left and the new one are at hand.
                if !from_history {
                    links::remember(&self.to_share(), &playground);
                }
                let mut next = (*self).clone();
                next.replace(*playground);
                next.notice = None;
                next.linked = true;
                Rc::new(next)
            }
            Action::Shared => Rc::new(Playground {
                linked: true,
                ..(*self).clone()
            }),
            Action::Open(path) => Rc::new(Playground {
                open: path,
                ..(*self).clone()
            }),
            Action::NewFile => {
                let mut files = self.files.to_vec();
                if files.len() >= context::MAX_FILES {
                    return Rc::new(self.with_notice(format!(
                        "the context has {} files, the most it may have",
                        files.len()
                    )));
                }
                let path = fresh_name(&files);
                files.push(File::new(path.clone(), Vec::new()));
                Rc::new(Playground {
                    open: Some(path),
                    ..self.with_files(files)
                })
            }
            Action::EditFile { path, text } => {
                let mut files = self.files.to_vec();
                let Some(f) = files.iter_mut().find(|f| f.path == path) else {
                    return self;
                };
                if f.content == text.as_bytes() {
                    return self;
                }
                f.content = text.into_bytes();
                if let Err(e) =
                    context::check_sizes(files.iter().map(|f| (f.path.as_str(), f.content.len())))
                {
                    return Rc::new(self.with_notice(e));
                }
                Rc::new(self.with_files(files))
            }
            Action::RenameFile { from, to } => {
                let to = to.trim().trim_start_matches("./").to_string();
                if to == from {
                    return self;
                }
                let mut files = self.files.to_vec();
                let Some(f) = files.iter_mut().find(|f| f.path == from) else {
                    return self;
                };
                f.path = to.clone();
                if let Err(e) = context::check(&files) {
                    return Rc::new(self.with_notice(format!("cannot rename {from}: {e}")));
                }
                Rc::new(Playground {
                    open: Some(to),
                    ..self.with_files(files)
                })
            }
            Action::SetExecutable { path, executable } => {
                let mut files = self.files.to_vec();
                let Some(f) = files.iter_mut().find(|f| f.path == path) else {
                    return self;
                };
                f.mode = if executable { 0o755 } else { 0o644 };
                Rc::new(self.with_files(files))
            }
            Action::DeleteFile(path) => {
                let files: Vec<File> = self
                    .files
                    .iter()
                    .filter(|f| f.path != path)
                    .cloned()
                    .collect();
                let open = self.open.clone().filter(|o| *o != path);
                Rc::new(Playground {
                    open,
                    ..self.with_files(files)
                })
            }
            Action::AddFiles {
                files: added,
                dockerfile,
                replace,
            } => {
                let mut files = if replace {
                    Vec::new()
                } else {
                    self.files.to_vec()
                };
                for f in added {
                    match files.iter_mut().find(|old| old.path == f.path) {
                        Some(old) => *old = f,
                        None => files.push(f),
                    }
                }
                if let Err(e) = context::check(&files) {
                    return Rc::new(self.with_notice(format!("nothing was added: {e}")));
                }
                let mut next = self.with_files(files);
                if let Some(text) = dockerfile {
                    let (source, problems, stages) = checked(&text);
                    next.source = source;
                    next.problems = problems;
                    next.stages = stages;
                    next.loads += 1;
                    next.open = None;
                }
                Rc::new(next)
            }
            Action::SetBuildArgs(text) => {
                let mut next = (*self).clone();
                match parse_build_args(&text) {
                    Ok(args) => {
                        next.build_args = Rc::new(args);
                        next.build_args_error = None;
                    }
                    Err(e) => next.build_args_error = Some(e),
                }
                next.build_args_text = text.into();
                next.changes += 1;
                next.example = None;
                next.linked = false;
                Rc::new(next)
            }
            Action::SetTarget(target) => Rc::new(Playground {
                target,
                changes: self.changes + 1,
                example: None,
                linked: false,
                ..(*self).clone()
            }),
            Action::ChooseLayer(layer) => Rc::new(Playground {
                layer: Some(layer),
                ..(*self).clone()
            }),
            Action::Notice(notice) => Rc::new(Playground {
                notice: notice.map(Into::into),
                ..(*self).clone()
            }),
        }
    }
}
