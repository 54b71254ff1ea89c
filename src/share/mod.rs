//! Playground links: a whole playground (Dockerfile, context files, build
//! options, the open view) carried in a URL fragment, so no server stores
//! anything; and state files for playgrounds too big for a link.
//!
//! A link's payload is `<version>.<base64url, no padding, of raw deflate
//! (best compression) of JSON>`. Version 1's JSON has one-letter keys and
//! leaves defaults out:
//!
//! ```text
//! {"d": dockerfile, "f": [{"p": path, "t": UTF-8 text | "b": base64, "m": mode}],
//!  "a": [[name, value]], "s": target stage, "v": view, "l": layer}
//! ```
//!
//! JSON rather than a binary form: deflate takes away most of what JSON
//! spends on punctuation, the payload stays readable by anyone who inflates
//! it, and serde_json is already in the core. The decoder refuses unknown
//! keys, so a newer field never opens as a silently different state: a
//! change to the JSON is a new version, and version 1 keeps decoding.
//!
//! A link is someone else's input: every size is capped before the work it
//! would cost, and every path is checked before anything is built from it.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};

use crate::dockerfile::parser::MAX_SOURCE_BYTES;

#[cfg(test)]
mod tests;

/// The format version `encode` writes.
pub const VERSION: u32 = 1;
/// Links longer than this are too long for most chat apps (the page offers a
/// state file instead).
pub const CHAT_LIMIT: usize = 2000;
/// The longest payload `decode` reads, in bytes of text.
pub const MAX_PAYLOAD: usize = 256 * 1024;
/// The most bytes a payload may inflate to: inflating stops there.
pub const MAX_INFLATED: usize = 2 * 1024 * 1024;
/// The longest state file `from_file_json` reads.
pub const MAX_STATE_FILE: usize = 16 * 1024 * 1024;
pub const MAX_FILES: usize = 500;
pub const MAX_BUILD_ARGS: usize = 500;
/// In bytes, for a whole path and for one of its components (Linux's limits
/// are 4096 and 255; a context path this long is a mistake or an attack).
pub const MAX_PATH: usize = 1024;
pub const MAX_COMPONENT: usize = 255;
/// Names of a stage, a view, a build argument.
pub const MAX_NAME: usize = 256;

/// The mode a file has unless it says otherwise.
pub const DEFAULT_MODE: u32 = 0o644;

/// What a link carries.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Playground {
    pub dockerfile: String,
    pub files: Vec<File>,
    pub build_args: Vec<(String, String)>,
    pub target: Option<String>,
    /// The open tab, by the page's key (`problems`, `build`, `layers`).
    pub view: Option<String>,
    /// The chosen layer, by index.
    pub layer: Option<u32>,
}

/// One file of the build context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    /// Relative, `/`-separated, clean (see `check_path`).
    pub path: String,
    pub content: Vec<u8>,
    /// Permission bits only (at most 0o777): 0o644, or 0o755 for executables.
    pub mode: u32,
}

impl File {
    pub fn new(path: impl Into<String>, content: impl Into<Vec<u8>>) -> File {
        File {
            path: path.into(),
            content: content.into(),
            mode: DEFAULT_MODE,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error("not a layerlab link: no `#s=` fragment and no `<version>.` payload")]
    NotALink,
    #[error(
        "this link is format version {0}, which this layerlab cannot read (it reads version {VERSION}); it was probably made by a newer layerlab"
    )]
    UnknownVersion(String),
    #[error("the link's payload is {len} bytes; at most {MAX_PAYLOAD} are read")]
    PayloadTooLong { len: usize },
    #[error("the link is damaged (was it cut short?): {0}")]
    Corrupt(String),
    #[error("the link's playground inflates to more than {MAX_INFLATED} bytes")]
    Inflated,
    #[error("the state file is {len} bytes; at most {MAX_STATE_FILE} are read")]
    StateTooLong { len: usize },
    #[error("not a layerlab state file: {0}")]
    NotAState(String),
    #[error(
        "this state file is format version {0}, which this layerlab cannot read (it reads version {VERSION})"
    )]
    UnknownStateVersion(String),
    #[error("the playground has {count} files; at most {MAX_FILES} are allowed")]
    TooManyFiles { count: usize },
    #[error("the playground has {count} build arguments; at most {MAX_BUILD_ARGS} are allowed")]
    TooManyBuildArgs { count: usize },
    #[error("the Dockerfile is {len} bytes; at most {MAX_SOURCE_BYTES} are allowed")]
    DockerfileTooLong { len: usize },
    #[error("file path {path:?}: {reason}")]
    BadPath { path: String, reason: &'static str },
    #[error("file {path:?} appears twice")]
    DuplicatePath { path: String },
    #[error("file {path:?} is also a directory of {other:?}")]
    FileIsDirectory { path: String, other: String },
    #[error("file {path:?}: mode {mode:#o} is not permission bits (at most 0o777)")]
    BadMode { path: String, mode: u32 },
    #[error("{what} {value:?}: {reason}")]
    BadName {
        what: &'static str,
        value: String,
        reason: &'static str,
    },
}

/// miniz's best (its levels go to 10). Links are raw deflate, so any
/// deflate encoder's output opens; miniz_oxide rather than flate2's zlib-rs
/// (which layers need, for gzip bytes identical to the CLI's) keeps the
/// page's own module small: it makes and opens links before the build
/// worker has loaded.
const DEFLATE_LEVEL: u8 = 9;

/// The fragment payload for `p`: the same string for the same playground on
/// every platform.
pub fn encode(p: &Playground) -> String {
    let json = serde_json::to_vec(&LinkV1::from(p)).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, DEFLATE_LEVEL);
    format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Reads a payload `encode` wrote (this version or an earlier one).
pub fn decode(payload: &str) -> Result<Playground, ShareError> {
    let payload = payload.trim();
    if payload.len() > MAX_PAYLOAD {
        return Err(ShareError::PayloadTooLong { len: payload.len() });
    }
    let (version, body) = payload.split_once('.').ok_or(ShareError::NotALink)?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ShareError::NotALink);
    }
    if version != "1" {
        return Err(ShareError::UnknownVersion(shorten(version)));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|e| ShareError::Corrupt(format!("base64: {e}")))?;
    let json =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED).map_err(|e| {
            match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::Inflated,
                _ => ShareError::Corrupt(format!("deflate: {e}")),
            }
        })?;
    let link: LinkV1 =
        serde_json::from_slice(&json).map_err(|e| ShareError::Corrupt(format!("JSON: {e}")))?;
    let p = link.into_playground()?;
    validate(&p)?;
    Ok(p)
}

/// `base` with the playground in its fragment.
pub fn link(base: &str, p: &Playground) -> String {
    let base = base.split_once('#').map_or(base, |(b, _)| b);
    format!("{base}#s={}", encode(p))
}

/// Reads a whole link, its `#s=…` fragment, or the bare payload.
pub fn from_link(link_or_fragment: &str) -> Result<Playground, ShareError> {
    let text = link_or_fragment.trim();
    let fragment = match text.split_once('#') {
        Some((_, f)) => f,
        None => text,
    };
    let payload = fragment
        .split('&')
        .find_map(|param| param.strip_prefix("s="))
        .unwrap_or(fragment);
    decode(payload)
}

/// Too long for most chat apps, which cut or refuse long messages.
pub fn too_long(link: &str) -> bool {
    link.chars().count() > CHAT_LIMIT
}

/// The state file for `p`: a JSON document (`{"layerlab": 1, …}`) with file
/// contents as text when they are UTF-8, else base64.
pub fn to_file_json(p: &Playground) -> String {
    let mut text = serde_json::to_string_pretty(&StateV1::from(p)).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a state file `to_file_json` wrote.
pub fn from_file_json(text: &str) -> Result<Playground, ShareError> {
    if text.len() > MAX_STATE_FILE {
        return Err(ShareError::StateTooLong { len: text.len() });
    }
    // The version first, alone, so that a newer file says so rather than
    // failing on the first field this layerlab does not know.
    let head: StateHead =
        serde_json::from_str(text).map_err(|e| ShareError::NotAState(e.to_string()))?;
    match head.layerlab {
        None => return Err(ShareError::NotAState("no \"layerlab\" version".into())),
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(1) => {}
        Some(v) => return Err(ShareError::UnknownStateVersion(shorten(&v.to_string()))),
    }
    let state: StateV1 =
        serde_json::from_str(text).map_err(|e| ShareError::NotAState(e.to_string()))?;
    let p = state.into_playground()?;
    validate(&p)?;
    Ok(p)
}

/// Everything `decode` checks beyond the encoding: counts, sizes, names and
/// paths that are safe to write under a directory.
pub fn validate(p: &Playground) -> Result<(), ShareError> {
    if p.dockerfile.len() > MAX_SOURCE_BYTES {
        return Err(ShareError::DockerfileTooLong {
            len: p.dockerfile.len(),
        });
    }
    if p.files.len() > MAX_FILES {
        return Err(ShareError::TooManyFiles {
            count: p.files.len(),
        });
    }
    if p.build_args.len() > MAX_BUILD_ARGS {
        return Err(ShareError::TooManyBuildArgs {
            count: p.build_args.len(),
        });
    }
    for (name, value) in &p.build_args {
        check_name("build argument", name)?;
        if name.contains('=') {
            return Err(bad_name("build argument", name, "contains `=`"));
        }
        // Tabs and newlines are text; other controls in a value from
        // someone else's link could rewrite the terminal that prints it.
        if value
            .chars()
            .any(|c| c.is_control() && c != '\t' && c != '\n')
        {
            return Err(bad_name(
                "build argument",
                name,
                "its value contains a control character",
            ));
        }
    }
    if let Some(t) = &p.target {
        check_name("target", t)?;
    }
    if let Some(v) = &p.view {
        check_name("view", v)?;
    }
    let mut paths: Vec<&str> = Vec::with_capacity(p.files.len());
    for f in &p.files {
        check_path(&f.path)?;
        if f.mode > 0o777 {
            return Err(ShareError::BadMode {
                path: f.path.clone(),
                mode: f.mode,
            });
        }
        paths.push(&f.path);
    }
    paths.sort_unstable();
    for w in paths.windows(2) {
        if w[0] == w[1] {
            return Err(ShareError::DuplicatePath {
                path: w[0].to_string(),
            });
        }
    }
    // A file whose path is another's directory could not be written.
    let set: std::collections::BTreeSet<&str> = paths.iter().copied().collect();
    for path in &paths {
        let mut at = 0;
        while let Some(i) = path[at..].find('/') {
            let dir = &path[..at + i];
            if set.contains(dir) {
                return Err(ShareError::FileIsDirectory {
                    path: dir.to_string(),
                    other: path.to_string(),
                });
            }
            at += i + 1;
        }
    }
    Ok(())
}

/// A path that names a file inside a directory and nowhere else, the same
/// way on every system: relative, `/`-separated, no empty, `.` or `..`
/// components, no backslashes (a separator on Windows), no NUL and no
/// control characters (which would also reach a terminal when printed).
pub fn check_path(path: &str) -> Result<(), ShareError> {
    let bad = |reason| {
        Err(ShareError::BadPath {
            path: shorten(path),
            reason,
        })
    };
    if path.is_empty() {
        return bad("empty");
    }
    if path.len() > MAX_PATH {
        return bad("longer than 1024 bytes");
    }
    if path.starts_with('/') {
        return bad("absolute (it must be relative to the context)");
    }
    if path.contains('\0') {
        return bad("contains NUL");
    }
    if path.contains('\\') {
        return bad("contains a backslash");
    }
    if path.chars().any(char::is_control) {
        return bad("contains a control character");
    }
    for component in path.split('/') {
        match component {
            "" => return bad("has an empty component"),
            "." => return bad("has a `.` component"),
            ".." => return bad("has a `..` component (it would leave the context)"),
            c if c.len() > MAX_COMPONENT => return bad("has a component longer than 255 bytes"),
            _ => {}
        }
    }
    Ok(())
}

fn check_name(what: &'static str, value: &str) -> Result<(), ShareError> {
    if value.is_empty() {
        return Err(bad_name(what, value, "empty"));
    }
    if value.len() > MAX_NAME {
        return Err(bad_name(what, value, "longer than 256 bytes"));
    }
    if value.chars().any(char::is_control) {
        return Err(bad_name(what, value, "contains a control character"));
    }
    Ok(())
}

fn bad_name(what: &'static str, value: &str, reason: &'static str) -> ShareError {
    ShareError::BadName {
        what,
        value: shorten(value),
        reason,
    }
}

/// Someone else's text, cut short enough for an error message.
fn shorten(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A file's content in JSON: text when it is UTF-8, else base64.
fn content_of(bytes: &[u8]) -> (Option<String>, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (Some(text.to_string()), None),
        Err(_) => (None, Some(STANDARD.encode(bytes))),
    }
}

fn bytes_of(path: &str, text: Option<String>, b64: Option<String>) -> Result<Vec<u8>, ShareError> {
    match (text, b64) {
        (Some(t), None) => Ok(t.into_bytes()),
        (None, Some(b)) => STANDARD
            .decode(b)
            .map_err(|e| ShareError::Corrupt(format!("file {:?}: base64: {e}", shorten(path)))),
        _ => Err(ShareError::Corrupt(format!(
            "file {:?}: needs exactly one of text and base64 content",
            shorten(path)
        ))),
    }
}

fn is_default_mode(mode: &u32) -> bool {
    *mode == DEFAULT_MODE
}

fn default_mode() -> u32 {
    DEFAULT_MODE
}

/// Version 1 of the link's JSON. Changing it breaks old links: add a
/// version instead.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkV1 {
    #[serde(rename = "d", default, skip_serializing_if = "String::is_empty")]
    dockerfile: String,
    #[serde(rename = "f", default, skip_serializing_if = "Vec::is_empty")]
    files: Vec<LinkFileV1>,
    #[serde(rename = "a", default, skip_serializing_if = "Vec::is_empty")]
    build_args: Vec<(String, String)>,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    #[serde(rename = "v", default, skip_serializing_if = "Option::is_none")]
    view: Option<String>,
    #[serde(rename = "l", default, skip_serializing_if = "Option::is_none")]
    layer: Option<u32>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkFileV1 {
    #[serde(rename = "p")]
    path: String,
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(rename = "b", default, skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
    #[serde(
        rename = "m",
        default = "default_mode",
        skip_serializing_if = "is_default_mode"
    )]
    mode: u32,
}

impl From<&Playground> for LinkV1 {
    fn from(p: &Playground) -> LinkV1 {
        LinkV1 {
            dockerfile: p.dockerfile.clone(),
            files: p
                .files
                .iter()
                .map(|f| {
                    let (text, base64) = content_of(&f.content);
                    LinkFileV1 {
                        path: f.path.clone(),
                        text,
                        base64,
                        mode: f.mode,
                    }
                })
                .collect(),
            build_args: p.build_args.clone(),
            target: p.target.clone(),
            view: p.view.clone(),
            layer: p.layer,
        }
    }
}

impl LinkV1 {
    fn into_playground(self) -> Result<Playground, ShareError> {
        if self.files.len() > MAX_FILES {
            return Err(ShareError::TooManyFiles {
                count: self.files.len(),
            });
        }
        let files = self
            .files
            .into_iter()
            .map(|f| {
                Ok(File {
                    content: bytes_of(&f.path, f.text, f.base64)?,
                    path: f.path,
                    mode: f.mode,
                })
            })
            .collect::<Result<_, ShareError>>()?;
        Ok(Playground {
            dockerfile: self.dockerfile,
            files,
            build_args: self.build_args,
            target: self.target,
            view: self.view,
            layer: self.layer,
        })
    }
}

#[derive(Deserialize)]
struct StateHead {
    layerlab: Option<serde_json::Value>,
}

/// Version 1 of the state file: long keys, since a person may read it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateV1 {
    layerlab: u32,
    #[serde(default)]
    dockerfile: String,
    #[serde(default)]
    files: Vec<StateFileV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    build_args: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    view: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    layer: Option<u32>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFileV1 {
    path: String,
    /// Octal, as `chmod` takes it.
    mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
}

impl From<&Playground> for StateV1 {
    fn from(p: &Playground) -> StateV1 {
        StateV1 {
            layerlab: VERSION,
            dockerfile: p.dockerfile.clone(),
            files: p
                .files
                .iter()
                .map(|f| {
                    let (text, base64) = content_of(&f.content);
                    StateFileV1 {
                        path: f.path.clone(),
                        mode: format!("{:04o}", f.mode),
                        text,
                        base64,
                    }
                })
                .collect(),
            build_args: p.build_args.clone(),
            target: p.target.clone(),
            view: p.view.clone(),
            layer: p.layer,
        }
    }
}

impl StateV1 {
    fn into_playground(self) -> Result<Playground, ShareError> {
        if self.files.len() > MAX_FILES {
            return Err(ShareError::TooManyFiles {
                count: self.files.len(),
            });
        }
        let files = self
            .files
            .into_iter()
            .map(|f| {
                let mode = Some(&f.mode)
                    .filter(|m| (1..=6).contains(&m.len()) && m.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|m| u32::from_str_radix(m, 8).ok())
                    .ok_or_else(|| {
                        ShareError::NotAState(format!(
                            "file {:?}: mode {:?} is not octal",
                            shorten(&f.path),
                            shorten(&f.mode)
                        ))
                    })?;
                Ok(File {
                    content: bytes_of(&f.path, f.text, f.base64)?,
                    path: f.path,
                    mode,
                })
            })
            .collect::<Result<_, ShareError>>()?;
        Ok(Playground {
            dockerfile: self.dockerfile,
            files,
            build_args: self.build_args,
            target: self.target,
            view: self.view,
            layer: self.layer,
        })
    }
}
