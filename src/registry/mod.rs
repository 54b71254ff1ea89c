//! The OCI distribution side: image references, and the push/pull protocol
//! written sans-IO: it makes [`http::Request`]s and reads
//! [`http::Response`]s, and each face brings a [`http::Transport`] (the
//! page's `fetch`, the CLI's native client) to carry them.

pub mod auth;
pub mod client;
pub mod error;
pub mod http;
pub mod pull;
pub mod push;
pub mod reference;

use std::fmt;

/// What a push or pull reports as it goes, in the words of Docker's output.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Event {
    /// A whole line: `The push refers to repository [...]`, `Digest: ...`.
    Line(String),
    /// A layer's state changed; `id` is 12 hex digits.
    Layer { id: String, status: Status },
    /// Bytes of a layer moved so far.
    Progress { id: String, done: u64, total: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    Preparing,
    Pushing,
    Pushed,
    Exists,
    MountedFrom(String),
    PullingFsLayer,
    AlreadyExists,
    Downloading,
    VerifyingChecksum,
    DownloadComplete,
    PullComplete,
}

impl Status {
    /// Whether this ends the layer's part.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Status::Pushed
                | Status::Exists
                | Status::MountedFrom(_)
                | Status::AlreadyExists
                | Status::PullComplete
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Preparing => f.write_str("Preparing"),
            Status::Pushing => f.write_str("Pushing"),
            Status::Pushed => f.write_str("Pushed"),
            Status::Exists => f.write_str("Layer already exists"),
            Status::MountedFrom(r) => write!(f, "Mounted from {r}"),
            Status::PullingFsLayer => f.write_str("Pulling fs layer"),
            Status::AlreadyExists => f.write_str("Already exists"),
            Status::Downloading => f.write_str("Downloading"),
            Status::VerifyingChecksum => f.write_str("Verifying Checksum"),
            Status::DownloadComplete => f.write_str("Download complete"),
            Status::PullComplete => f.write_str("Pull complete"),
        }
    }
}
