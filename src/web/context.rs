//! The build context as the page holds it: the playground's files, what
//! `.dockerignore` makes of them, and the tree a build reads.

use crate::build::dockerignore::Dockerignore;
use crate::share::{self, File};
use crate::vfs::{Fs, Meta};

/// The most files a context may have (a link carries as many).
pub const MAX_FILES: usize = share::MAX_FILES;
/// The whole context in memory, and what an upload may add up to.
pub const MAX_TOTAL_BYTES: usize = 8 << 20;
/// One file; a link inflates to at most 2 MiB anyway.
pub const MAX_FILE_BYTES: usize = 4 << 20;
/// Bigger files are listed but not put in a textarea, which would crawl.
pub const MAX_EDITABLE_BYTES: usize = 256 << 10;

/// One file of the context as the file list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextFile {
    pub path: String,
    pub size: u64,
    /// Left out by `.dockerignore`: the build never sees it.
    pub ignored: bool,
}

/// What `.dockerignore` makes of the files: each one marked, and the
/// pattern error that would fail a build.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextView {
    pub files: Vec<ContextFile>,
    pub ignore_error: Option<String>,
}

impl ContextView {
    pub fn of(files: &[File]) -> ContextView {
        let (ignore, ignore_error) = dockerignore(files);
        let mut listed: Vec<ContextFile> = files
            .iter()
            .map(|f| ContextFile {
                path: f.path.clone(),
                size: f.content.len() as u64,
                ignored: ignore.matches(&f.path),
            })
            .collect();
        listed.sort_by(|a, b| a.path.cmp(&b.path));
        ContextView {
            files: listed,
            ignore_error,
        }
    }

    pub fn sent(&self) -> usize {
        self.files.iter().filter(|f| !f.ignored).count()
    }
}

/// The context's `.dockerignore`, or none; a pattern error is reported and
/// nothing is ignored (the build refuses to run, as Docker's does).
fn dockerignore(files: &[File]) -> (Dockerignore, Option<String>) {
    let Some(f) = files.iter().find(|f| f.path == ".dockerignore") else {
        return (Dockerignore::default(), None);
    };
    match Dockerignore::parse(&String::from_utf8_lossy(&f.content)) {
        Ok(i) => (i, None),
        Err(e) => (Dockerignore::default(), Some(e.to_string())),
    }
}

/// The tree a build reads: the files `.dockerignore` keeps, with their
/// modes, owned by root as BuildKit sends them, and the Dockerfile itself at
/// the root, as `docker build .` sends it (so `COPY . .` copies it, as the
/// CLI's build of the same directory does) unless `.dockerignore` leaves it
/// out.
pub fn context_fs(dockerfile: &str, files: &[File]) -> Result<Fs, String> {
    let (ignore, error) = dockerignore(files);
    if let Some(e) = error {
        return Err(e);
    }
    let mut fs = Fs::new();
    if !ignore.matches("Dockerfile") && !files.iter().any(|f| f.path == "Dockerfile") {
        fs.write_file(
            "/Dockerfile",
            dockerfile.as_bytes().to_vec(),
            Meta::new(0o644),
        )
        .map_err(|e| format!("Dockerfile: {e}"))?;
    }
    for f in files.iter().filter(|f| !ignore.matches(&f.path)) {
        let abs = format!("/{}", f.path);
        if let Some(i) = abs.rfind('/').filter(|i| *i > 0) {
            fs.mkdir_all(&abs[..i], Meta::new(0o755))
                .map_err(|e| format!("context file {}: {e}", f.path))?;
        }
        fs.write_file(&abs, f.content.clone(), Meta::new(f.mode & 0o777))
            .map_err(|e| format!("context file {}: {e}", f.path))?;
    }
    Ok(fs)
}

/// Whether `files` may be the context: the link format's checks (paths,
/// duplicates, a file that is another's directory) and the page's size caps.
pub fn check(files: &[File]) -> Result<(), String> {
    let p = share::Playground {
        files: files.to_vec(),
        ..Default::default()
    };
    share::validate(&p).map_err(|e| e.to_string())?;
    check_sizes(files.iter().map(|f| (f.path.as_str(), f.content.len())))
}

/// The size caps alone, before any bytes are read (an upload knows sizes
/// first).
pub fn check_sizes<'a>(files: impl Iterator<Item = (&'a str, usize)>) -> Result<(), String> {
    let mut total = 0usize;
    for (path, size) in files {
        if size > MAX_FILE_BYTES {
            return Err(format!(
                "{path} is {} MiB; a context file may have at most {} MiB",
                size >> 20,
                MAX_FILE_BYTES >> 20
            ));
        }
        total += size;
    }
    if total > MAX_TOTAL_BYTES {
        return Err(format!(
            "the context would hold {:.1} MiB; at most {} MiB fit in the page",
            total as f64 / (1 << 20) as f64,
            MAX_TOTAL_BYTES >> 20
        ));
    }
    Ok(())
}
