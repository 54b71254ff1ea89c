//! Helpers shared by the tests that run real OCI tools (buildah, skopeo,
//! umoci, GNU tar, the image-spec JSON schemas).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// True when `tool` runs. When it does not, the test may skip only outside
/// CI: under `CI` (set by .ci/run's environment) a missing tool fails,
/// because scripts/setup.sh --test installs it.
pub fn have(tool: &str, version_arg: &str) -> bool {
    let ok = Command::new(tool)
        .arg(version_arg)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        let ci = std::env::var("CI")
            .map(|v| !v.is_empty() && v != "false")
            .unwrap_or(false);
        assert!(
            !ci,
            "{tool} is not installed but CI is set: scripts/setup.sh --test installs it"
        );
        // Straight to the stream: the harness captures eprintln! of passing
        // tests, and a skip must be seen.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {tool} is not installed (scripts/setup.sh --test installs it)"
        );
    }
    ok
}

/// Runs a command, failing the test with its output when it fails.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("layerlab-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
    pub fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Where the first differing byte is, for a readable failure.
pub fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    a.iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .or((a.len() != b.len()).then(|| a.len().min(b.len())))
}

/// Reads an OCI layout's tagged manifest: (manifest bytes, config bytes,
/// layer blobs).
pub fn read_layout(dir: &Path, tag: &str) -> (Vec<u8>, Vec<u8>, Vec<Vec<u8>>) {
    use layerlab::oci::image::Manifest;
    use layerlab::oci::layout::{blob_path, parse_index_json};
    let index = std::fs::read(dir.join("index.json")).unwrap();
    let refs = parse_index_json(&index).unwrap();
    let (_, desc) = refs
        .iter()
        .find(|(r, _)| r.as_deref() == Some(tag))
        .unwrap_or_else(|| panic!("no tag {tag} in {}", String::from_utf8_lossy(&index)));
    let blob = |d| std::fs::read(dir.join(blob_path(d))).unwrap();
    let manifest_bytes = blob(&desc.digest);
    let manifest = Manifest::from_json(&manifest_bytes).unwrap();
    let config = blob(&manifest.config.digest);
    let layers = manifest.layers.iter().map(|l| blob(&l.digest)).collect();
    (manifest_bytes, config, layers)
}

/// The uncompressed tar of a layer blob (gzip or plain).
pub fn gunzip(blob: &[u8]) -> Vec<u8> {
    if blob.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(blob), &mut out).unwrap();
        out
    } else {
        blob.to_vec()
    }
}

/// buildah 1.28 as the tests run it here (as root, no user namespaces):
/// its own storage under a temp dir, the vfs driver, chroot isolation, and
/// `--timestamp 0` so its layers are reproducible.
pub struct Buildah {
    pub root: TempDir,
}

impl Buildah {
    pub fn new(tag: &str) -> Buildah {
        Buildah {
            root: TempDir::new(tag),
        }
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new("buildah");
        c.arg("--root")
            .arg(self.root.join("storage"))
            .arg("--runroot")
            .arg(self.root.join("run"))
            .args(["--storage-driver", "vfs"]);
        c
    }

    /// `buildah bud --layers` of `dockerfile` on `context`; returns its output.
    pub fn bud(&self, dockerfile: &str, context: &Path, tag: &str) -> String {
        let df = self.root.join(&format!("{tag}.Dockerfile"));
        std::fs::write(&df, dockerfile).unwrap();
        run(self
            .cmd()
            .args([
                "bud",
                "--layers",
                "--timestamp",
                "0",
                "--isolation",
                "chroot",
                "-f",
            ])
            .arg(&df)
            .args(["-t", tag])
            .arg(context))
    }

    /// Pushes `tag` to an OCI layout and returns its (manifest, config, layers) bytes.
    pub fn push(&self, tag: &str) -> (Vec<u8>, Vec<u8>, Vec<Vec<u8>>) {
        let dir = self.root.join(&format!("layout-{tag}"));
        run(self
            .cmd()
            .args(["push", "--disable-compression", tag])
            .arg(format!("oci:{}:{tag}", dir.display())));
        read_layout(&dir, tag)
    }
}
