//! What the page and its build worker say to each other.
//!
//! The worker (`worker`) owns the image store and does everything that
//! touches it: builds, Docker's image commands, push and pull. The page
//! (`backend`) sends it a [`Call`] and gets back [`Answer`]s: zero or more
//! progress answers, then one final answer. Both travel as JSON text in
//! `postMessage`, each wrapped with the call's number.

use serde::{Deserialize, Serialize};

use super::build::{Attempt, ImageView, LogStep};
use crate::registry::Event;
use crate::share::File;

/// A call and the number its answers carry.
#[derive(Debug, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub id: u32,
    pub body: T,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Call {
    /// Builds `dockerfile` against `files`, tagging the image
    /// `playground:latest`; `refuse` fails the attempt before it starts.
    Build {
        dockerfile: String,
        files: Vec<File>,
        build_args: Vec<(String, String)>,
        target: Option<String>,
        refuse: Option<String>,
    },
    /// `docker images`, as the Images tab lists it (answered with `Listing`).
    Images { now: i64 },
    /// One of Docker's other image commands on the store (answered with
    /// `Output`).
    Docker(Docker),
    /// `docker push NAME` of the image whose manifest digest is `manifest`.
    Push {
        name: String,
        manifest: String,
        relay: String,
        credentials: Option<(String, String)>,
    },
    /// A rule's page as HTML (answered with `Output`).
    RulePage { code: String },
    /// `docker pull REFERENCE` into the store.
    Pull {
        reference: String,
        relay: String,
        credentials: Option<(String, String)>,
    },
}

/// The image commands of the Images tab. `now` is Unix seconds from the
/// page's clock (for CREATED): the core reads none.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Docker {
    Tag { source: String, target: String },
    Rmi { reference: String, force: bool },
    Prune { all: bool },
    SystemDf { now: i64, verbose: bool },
    History { reference: String, now: i64 },
    Inspect { reference: String },
}

impl Docker {
    /// Whether the command may change the store's images.
    pub fn changes_store(&self) -> bool {
        matches!(
            self,
            Docker::Tag { .. } | Docker::Rmi { .. } | Docker::Prune { .. }
        )
    }
}

/// `docker images` as the Images tab shows it: the header and a row per
/// line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    pub header: String,
    pub rows: Vec<ImageRow>,
}

/// One line of `docker images` and the reference Docker's commands take for
/// it: its name, or its short ID when it has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageRow {
    pub reference: String,
    /// The short ID, for `docker rmi <id>`.
    pub id: String,
    pub line: String,
    pub dangling: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Answer {
    /// The worker is listening (sent once, unasked, with id 0).
    Ready,
    /// A step of a running build has ended (progress).
    Step(LogStep),
    /// A build has ended.
    Built {
        attempt: Attempt,
        image: Option<ImageView>,
    },
    /// `docker images`.
    Listing(Result<Listing, String>),
    /// What another image command printed, or its error.
    Output(Result<String, String>),
    /// A line or a layer's state of a push or pull (progress).
    Transfer(Event),
    /// A push or pull has ended: its summary, or its error.
    Transferred(Result<String, String>),
    /// The worker could not do the call at all (it failed, or the message
    /// could not be read).
    Failed(String),
}

impl Answer {
    /// Whether more answers to the same call follow.
    pub fn is_progress(&self) -> bool {
        matches!(self, Answer::Step(_) | Answer::Transfer(_))
    }
}
