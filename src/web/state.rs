//! The playground's state and the only place it changes.

use super::build::{Attempt, ImageView, Session};
use super::problems::{Problem, problems};
use crate::dockerfile::analyze;
use std::rc::Rc;
use yew::Reducible;

/// The page's first Dockerfile: it builds offline against the example
/// context (`context.rs`) from the catalog's alpine, and shows a few findings.
pub const EXAMPLE: &str = r#"# syntax=docker/dockerfile:1
# A small Node.js service. Problems appear as you type; Build (Ctrl+Enter)
# makes a real OCI image from the files listed in the Build tab.
FROM alpine:3.20 AS deps
RUN apk add --no-cache nodejs npm
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev

FROM alpine:3.20
RUN apk add nodejs
WORKDIR /app
COPY --from=deps /app ./
COPY . .
ENV NODE_ENV=production PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD ["wget", "-qO-", "http://localhost:3000/health"]
# alpine's "nobody", by id (DL3066)
USER 65534
CMD ["node", "server.js"]
"#;

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
    /// The latest build, successful or not: its log.
    pub last: Option<Rc<Attempt>>,
    /// The image of the latest successful build, kept when a later one fails.
    pub image: Option<Rc<ImageView>>,
}

#[derive(Debug, Clone)]
pub struct Playground {
    pub source: Rc<str>,
    pub problems: Rc<Vec<Problem>>,
    pub tab: Tab,
    pub builds: Builds,
    /// The store and cache every build of this page shares.
    pub session: Rc<Session>,
}

impl PartialEq for Playground {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
            && self.problems == other.problems
            && self.tab == other.tab
            && self.builds == other.builds
            && Rc::ptr_eq(&self.session, &other.session)
    }
}

impl Playground {
    pub fn new(source: &str) -> Self {
        let (source, problems) = checked(source);
        Playground {
            source,
            problems,
            tab: Tab::Problems,
            builds: Builds::default(),
            session: Rc::new(Session::new()),
        }
    }

    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == "error")
            .count()
    }
}

fn checked(source: &str) -> (Rc<str>, Rc<Vec<Problem>>) {
    let analysis = analyze(source);
    let findings = crate::lint::lint(source, &analysis);
    (
        source.into(),
        Rc::new(problems(source, &analysis, &findings)),
    )
}

pub enum Action {
    /// The editor's text changed.
    Edited(String),
    ShowTab(Tab),
    /// Shows "building…"; the build itself waits for `RunBuild`, which the
    /// page sends once the browser has had a chance to paint that.
    BuildRequested,
    /// Builds the current text (synchronously, in the UI thread for now).
    RunBuild,
}

impl Reducible for Playground {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Edited(text) if *text == *self.source => self,
            Action::Edited(text) => {
                let (source, problems) = checked(&text);
                Rc::new(Playground {
                    source,
                    problems,
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
                // The log is where a build shows; the Layers tab updates in place.
                if next.tab == Tab::Problems {
                    next.tab = Tab::Build;
                }
                Rc::new(next)
            }
            Action::RunBuild if !self.builds.running => self,
            Action::RunBuild => {
                let (attempt, image) = self.session.run(&self.source);
                let mut next = (*self).clone();
                // A failure is read in the log, whichever tab asked.
                if attempt.failure.is_some() {
                    next.tab = Tab::Build;
                }
                next.builds = Builds {
                    running: false,
                    last: Some(Rc::new(attempt)),
                    image: image.map(Rc::new).or_else(|| self.builds.image.clone()),
                };
                Rc::new(next)
            }
        }
    }
}
