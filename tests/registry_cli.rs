//! `layerlab login/logout/push/pull` as a user runs them: the real binary
//! against a real docker-registry on loopback (tests/common/registry.rs),
//! with skopeo as the independent reader of what landed in the registry,
//! and a hostile in-test server for what no honest registry sends.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::registry::*;
use common::tool;
use layerlab::oci::digest::Digest;

/// One command's outcome.
struct Out {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl std::fmt::Display for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A data dir (the image store) and a config home (credentials), both
/// fresh temp dirs so that no test sees another's images or logins.
struct Lab {
    root: PathBuf,
    data: PathBuf,
    config: PathBuf,
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

impl Lab {
    fn new(tag: &str) -> Lab {
        let root = unique_temp_dir(&format!("regcli-{tag}"));
        Lab {
            data: root.join("data"),
            config: root.join("config"),
            root,
        }
    }

    /// An empty store that shares this lab's credentials.
    fn empty_store(&self, tag: &str) -> Lab {
        let root = unique_temp_dir(&format!("regcli-{tag}"));
        Lab {
            data: root.join("data"),
            config: self.config.clone(),
            root,
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_layerlab"));
        c.args(args)
            .env("LAYERLAB_DATA_DIR", &self.data)
            .env("XDG_CONFIG_HOME", &self.config)
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(Stdio::null());
        c
    }

    fn run_input(&self, args: &[&str], input: &str) -> Out {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        collect(child.wait_with_output().unwrap())
    }

    fn run(&self, args: &[&str]) -> Out {
        collect(self.cmd(args).output().unwrap())
    }

    fn ok(&self, args: &[&str]) -> Out {
        let out = self.run(args);
        assert_eq!(out.code, Some(0), "layerlab {args:?}:\n{out}");
        out
    }

    /// Runs a command that must fail as the CLI fails: exit 1, a message.
    fn fails(&self, args: &[&str]) -> Out {
        let out = self.run(args);
        assert_eq!(out.code, Some(1), "layerlab {args:?} should fail:\n{out}");
        assert!(!out.stderr.trim().is_empty(), "no message:\n{out}");
        out
    }

    fn build(&self, name: &str, ctx: &Path) {
        self.ok(&["build", "-q", "-t", name, ctx.to_str().unwrap()]);
    }

    fn id(&self, name: &str) -> String {
        let out = self.ok(&["images", "-q", "--no-trunc", name]);
        assert_eq!(out.stdout.lines().count(), 1, "{out}");
        out.stdout.trim().to_string()
    }

    /// The store's index.json entries as (name, manifest digest).
    fn index(&self) -> Vec<(String, String)> {
        let Ok(bytes) = std::fs::read(self.data.join("index.json")) else {
            return Vec::new();
        };
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let mut out: Vec<(String, String)> = v["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["annotations"]["org.opencontainers.image.ref.name"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    m["digest"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        out.sort();
        out
    }

    /// The manifest digest the store holds for a full name.
    fn manifest_digest(&self, full: &str) -> String {
        self.index()
            .into_iter()
            .find(|(n, _)| n == full)
            .unwrap_or_else(|| panic!("{full} is not in {:?}", self.index()))
            .1
    }

    fn blob(&self, digest: &str) -> Vec<u8> {
        let hex = digest.strip_prefix("sha256:").unwrap();
        std::fs::read(self.data.join("blobs/sha256").join(hex)).unwrap()
    }

    fn manifest(&self, full: &str) -> serde_json::Value {
        serde_json::from_slice(&self.blob(&self.manifest_digest(full))).unwrap()
    }

    /// What a failed push or pull must leave alone: the names, the blob
    /// files, and what `images` shows. An absent store and an empty layout
    /// are the same store (a pull lays one out before it talks to anyone).
    fn snapshot(&self) -> String {
        let mut blobs: Vec<String> = std::fs::read_dir(self.data.join("blobs/sha256"))
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        blobs.sort();
        let images = self.ok(&["images", "--no-trunc", "--digests"]).stdout;
        format!("{:?}\n{blobs:?}\n{images}", self.index())
    }
}

fn collect(o: std::process::Output) -> Out {
    Out {
        code: o.status.code(),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

/// A build context under the lab's root.
fn context(lab: &Lab, name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let d = lab.root.join(name);
    for (p, data) in files {
        let p = d.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    d
}

const DOCKERFILE: &[u8] = b"FROM alpine:3.20\nCOPY a.txt /a.txt\nRUN echo hi > /b\n";
const A_TXT: &[u8] = b"pushed by layerlab\n";

/// The small three-layer image (alpine's layer, the COPY, the RUN).
fn demo_context(lab: &Lab) -> PathBuf {
    context(lab, "ctx", &[("Dockerfile", DOCKERFILE), ("a.txt", A_TXT)])
}

/// Bytes gzip cannot shrink, so that a layer is as large as the file.
fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut v = Vec::with_capacity(len + 8);
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len);
    v
}

fn big_context(lab: &Lab, len: usize, seed: u64) -> PathBuf {
    context(
        lab,
        "bigctx",
        &[
            ("Dockerfile", b"FROM alpine:3.20\nCOPY big.bin /big.bin\n"),
            ("big.bin", &random_bytes(len, seed)),
        ],
    )
}

fn skopeo(args: &[&str]) -> Vec<u8> {
    let out = Command::new("skopeo").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "skopeo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// What skopeo reads from the registry: (manifest digest, the raw
/// manifest, the config's digest).
fn skopeo_view(image: &str) -> (String, serde_json::Value, String) {
    let r = format!("docker://{image}");
    let info: serde_json::Value =
        serde_json::from_slice(&skopeo(&["inspect", "--tls-verify=false", &r])).unwrap();
    let raw = skopeo(&["inspect", "--tls-verify=false", "--raw", &r]);
    let raw_digest = Digest::of(&raw).to_string();
    assert_eq!(info["Digest"].as_str().unwrap(), raw_digest);
    let config = skopeo(&["inspect", "--tls-verify=false", "--config", "--raw", &r]);
    (
        raw_digest,
        serde_json::from_slice(&raw).unwrap(),
        Digest::of(&config).to_string(),
    )
}

fn layer_digests(manifest: &serde_json::Value) -> Vec<String> {
    manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["digest"].as_str().unwrap().to_string())
        .collect()
}

/// The `<tag>: digest: sha256:… size: N` line's digest.
fn pushed_digest(out: &Out, tag: &str) -> String {
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with(&format!("{tag}: digest: sha256:")))
        .unwrap_or_else(|| panic!("no digest line:\n{out}"));
    line.split(' ').nth(2).unwrap().to_string()
}

/// The per-layer lines of a push: (id, status).
fn layer_lines(out: &Out) -> Vec<(String, String)> {
    out.stdout
        .lines()
        .filter_map(|l| l.split_once(": "))
        .filter(|(id, _)| id.len() == 12 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|(id, s)| (id.to_string(), s.to_string()))
        .collect()
}

/// Checks a push's output: the repository line, every layer prepared then
/// ending in `last`, and the digest line; answers the digest.
fn assert_push(out: &Out, addr: &str, repo: &str, tag: &str, layers: usize, last: &str) -> String {
    assert!(
        out.stdout
            .starts_with(&format!("The push refers to repository [{addr}/{repo}]\n")),
        "{out}"
    );
    let lines = layer_lines(out);
    let prepared: Vec<&String> = lines
        .iter()
        .filter(|(_, s)| s == "Preparing")
        .map(|(id, _)| id)
        .collect();
    assert_eq!(prepared.len(), layers, "{out}");
    for id in prepared {
        let ends: Vec<&String> = lines
            .iter()
            .filter(|(i, s)| i == id && s != "Preparing")
            .map(|(_, s)| s)
            .collect();
        assert_eq!(ends, [last], "layer {id}:\n{out}");
    }
    let digest = pushed_digest(out, tag);
    let last = out.stdout.lines().last().unwrap();
    assert!(
        last.starts_with(&format!("{tag}: digest: {digest} size: ")),
        "the digest line should end the output:\n{out}"
    );
    digest
}

/// Whether an upload session of `repo` has received bytes: a session
/// alone only shows that its POST arrived, not that data is in flight.
fn upload_receiving(reg: &Registry, repo: &str) -> bool {
    let dir = reg
        .storage()
        .join("docker/registry/v2/repositories")
        .join(repo)
        .join("_uploads");
    std::fs::read_dir(dir).is_ok_and(|d| {
        d.filter_map(Result::ok)
            .any(|e| std::fs::metadata(e.path().join("data")).is_ok_and(|m| m.len() > 0))
    })
}

/// A blob's data file in the registry's storage.
fn registry_blob(reg: &Registry, digest: &str) -> PathBuf {
    let hex = digest.strip_prefix("sha256:").unwrap();
    let p = reg
        .storage()
        .join("docker/registry/v2/blobs/sha256")
        .join(&hex[..2])
        .join(hex)
        .join("data");
    assert!(p.is_file(), "{} is not in the registry", p.display());
    p
}

/// A file's content in a gzipped layer tar, found by its path.
fn file_in_layer(gz: &[u8], path: &str) -> Option<Vec<u8>> {
    let mut tar = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut tar)
        .unwrap();
    let mut at = 0;
    while at + 512 <= tar.len() {
        let h = &tar[at..at + 512];
        if h.iter().all(|&b| b == 0) {
            return None;
        }
        let field = |r: std::ops::Range<usize>| {
            let f = &h[r];
            let end = f.iter().position(|&b| b == 0).unwrap_or(f.len());
            String::from_utf8_lossy(&f[..end]).into_owned()
        };
        let size = usize::from_str_radix(field(124..136).trim(), 8).unwrap_or(0);
        let prefix = field(345..500);
        let name = if prefix.is_empty() {
            field(0..100)
        } else {
            format!("{prefix}/{}", field(0..100))
        };
        if name.trim_start_matches("./") == path {
            return Some(tar[at + 512..at + 512 + size].to_vec());
        }
        at += 512 + size.div_ceil(512) * 512;
    }
    None
}

// ------------------------------------------------------------------ tests

#[test]
fn push_uploads_then_finds_then_mounts_and_skopeo_reads_it() {
    let Some(reg) = Registry::start(Auth::None) else {
        return;
    };
    if !tool("skopeo") {
        return;
    }
    let addr = reg.addr();
    let lab = Lab::new("push");
    let name = format!("{addr}/demo/app:v1");
    lab.build(&name, &demo_context(&lab));

    let out = lab.ok(&["push", &name]);
    let digest = assert_push(&out, addr, "demo/app", "v1", 3, "Pushed");
    let local = lab.manifest(&name);
    assert_eq!(lab.manifest_digest(&name), digest);
    assert!(
        out.stdout
            .ends_with(&format!(" size: {}\n", lab.blob(&digest).len())),
        "{out}"
    );

    let (remote_digest, remote, config_digest) = skopeo_view(&name);
    assert_eq!(remote_digest, digest);
    assert_eq!(layer_digests(&remote), layer_digests(&local));
    assert_eq!(remote["config"]["digest"], local["config"]["digest"]);
    assert_eq!(config_digest, lab.id(&name));
    let copy = lab.root.join("skopeo-copy");
    skopeo(&[
        "copy",
        "--src-tls-verify=false",
        &format!("docker://{name}"),
        &format!("oci:{}:x", copy.display()),
    ]);

    // Again: the registry has everything, the manifest is the same.
    let out = lab.ok(&["push", &name]);
    assert_eq!(
        assert_push(&out, addr, "demo/app", "v1", 3, "Layer already exists"),
        digest
    );

    // Another repository of the same registry: each blob is linked, none
    // sent again.
    let other = format!("{addr}/other/app:v1");
    lab.ok(&["tag", &name, &other]);
    let out = lab.ok(&["push", &other]);
    assert_eq!(
        assert_push(&out, addr, "other/app", "v1", 3, "Mounted from demo/app"),
        digest
    );
    assert_eq!(skopeo_view(&other).0, digest);
}

#[test]
fn pull_into_an_empty_store_by_tag_and_by_digest() {
    let Some(reg) = Registry::start(Auth::None) else {
        return;
    };
    let addr = reg.addr();
    let lab = Lab::new("pull-src");
    let name = format!("{addr}/demo/app:v1");
    lab.build(&name, &demo_context(&lab));
    let digest = pushed_digest(&lab.ok(&["push", &name]), "v1");
    let id = lab.id(&name);
    let layers = layer_digests(&lab.manifest(&name));

    let fresh = lab.empty_store("pull-dst");
    let out = fresh.ok(&["pull", &name]);
    assert!(
        out.stdout.starts_with("v1: Pulling from demo/app\n"),
        "{out}"
    );
    for l in &layers {
        let id = &l["sha256:".len().."sha256:".len() + 12];
        for status in ["Pulling fs layer", "Download complete", "Pull complete"] {
            assert!(
                out.stdout.contains(&format!("{id}: {status}\n")),
                "{id}: {status}\n{out}"
            );
        }
    }
    assert!(
        out.stdout.ends_with(&format!(
            "Digest: {digest}\nStatus: Downloaded newer image for {name}\n{name}\n"
        )),
        "{out}"
    );
    assert_eq!(fresh.id(&name), id);
    assert_eq!(fresh.manifest_digest(&name), digest);
    let inspect: serde_json::Value =
        serde_json::from_str(&fresh.ok(&["image", "inspect", &name]).stdout).unwrap();
    assert_eq!(inspect[0]["Id"], id.as_str());

    let out = fresh.ok(&["pull", &name]);
    assert!(
        out.stdout.ends_with(&format!(
            "Digest: {digest}\nStatus: Image is up to date for {name}\n{name}\n"
        )),
        "{out}"
    );
    assert!(!out.stdout.contains("Pull complete"), "{out}");

    // By digest, into a store that has nothing.
    let by_digest = format!("{addr}/demo/app@{digest}");
    let third = lab.empty_store("pull-digest");
    let out = third.ok(&["pull", &by_digest]);
    assert!(
        out.stdout.ends_with(&format!(
            "Digest: {digest}\nStatus: Downloaded newer image for {by_digest}\n{by_digest}\n"
        )),
        "{out}"
    );
    assert!(
        third.index().iter().any(|(_, d)| *d == digest),
        "{:?}",
        third.index()
    );
    // Docker says a digest it already has is up to date, as for a tag.
    let out = third.ok(&["pull", &by_digest]);
    assert!(
        out.stdout.contains("Status: Image is up to date for "),
        "{out}"
    );

    // The pulled layers are a usable base: a RUN reads what the COPY put
    // in and the RUN before it wrote.
    let ctx = context(
        &fresh,
        "derived",
        &[(
            "Dockerfile",
            format!("FROM {name}\nRUN cat /a.txt /b > /c\n").as_bytes(),
        )],
    );
    fresh.build("derived", &ctx);
    let top = layer_digests(&fresh.manifest("docker.io/library/derived:latest"))
        .pop()
        .unwrap();
    let c = file_in_layer(&fresh.blob(&top), "c").expect("/c in the RUN's layer");
    assert_eq!(c, [A_TXT, b"hi\n"].concat());
}

#[test]
fn htpasswd_login_push_logout_and_wrong_passwords() {
    let Some(reg) = Registry::start(Auth::Htpasswd) else {
        return;
    };
    let addr = reg.addr();
    let lab = Lab::new("htpasswd");
    let name = format!("{addr}/demo/app:v1");
    lab.build(&name, &demo_context(&lab));
    let config = lab.config.join("layerlab/config.json");
    let mut outputs = Vec::new();

    // A wrong password: refused, and nothing is written.
    let out = lab.run_input(
        &["login", addr, "-u", USER, "--password-stdin"],
        "not-the-password\n",
    );
    assert_eq!(out.code, Some(1), "{out}");
    assert!(
        out.stderr.contains(addr) && out.stderr.contains("check the user name and password"),
        "{out}"
    );
    assert!(!config.exists());
    outputs.push(out);

    let before = lab.snapshot();
    let out = lab.fails(&["push", &name]);
    assert!(
        out.stderr
            .contains(&format!("log in first (layerlab login {addr})")),
        "{out}"
    );
    assert_eq!(lab.snapshot(), before);
    outputs.push(out);

    let out = lab.run_input(
        &["login", addr, "-u", USER, "--password-stdin"],
        &format!("{PASS}\n"),
    );
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.stdout, "Login Succeeded\n");
    outputs.push(out);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let written = std::fs::read(&config).unwrap();
    let text = String::from_utf8(written.clone()).unwrap();
    assert!(!text.contains(PASS), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["auths"][addr]["auth"],
        STANDARD.encode(format!("{USER}:{PASS}")).as_str(),
        "{text}"
    );

    // A wrong password now leaves the stored login as it was.
    let out = lab.run_input(&["login", addr, "-u", USER, "--password-stdin"], "wrong\n");
    assert_eq!(out.code, Some(1), "{out}");
    assert_eq!(std::fs::read(&config).unwrap(), written);
    outputs.push(out);

    let out = lab.ok(&["push", &name]);
    assert_push(&out, addr, "demo/app", "v1", 3, "Pushed");
    outputs.push(out);

    let out = lab.ok(&["logout", addr]);
    assert_eq!(
        out.stdout,
        format!("Removing login credentials for {addr}\n")
    );
    outputs.push(out);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&config).unwrap()).unwrap();
    assert!(v["auths"].get(addr).is_none(), "{v}");

    let before = lab.snapshot();
    let out = lab.fails(&["push", &name]);
    assert!(out.stderr.contains("log in first"), "{out}");
    assert_eq!(lab.snapshot(), before);
    outputs.push(out);

    // Credentials gone stale (the password changed since the login).
    let stale = serde_json::json!({
        "auths": {addr: {"auth": STANDARD.encode(format!("{USER}:stale-pass"))}}
    });
    std::fs::write(&config, stale.to_string()).unwrap();
    let out = lab.fails(&["push", &name]);
    assert!(
        out.stderr
            .contains(&format!("refused the credentials of {USER}")),
        "{out}"
    );
    assert_eq!(lab.snapshot(), before);
    outputs.push(out);

    for out in &outputs {
        assert!(
            !out.stdout.contains(PASS) && !out.stderr.contains(PASS),
            "the password is shown:\n{out}"
        );
    }
}

#[test]
fn token_auth_push_mount_scopes_and_anonymous_pull() {
    let Some(reg) = Registry::start(Auth::Token) else {
        return;
    };
    let addr = reg.addr();
    let lab = Lab::new("token");
    let name = format!("{addr}/demo/app:v1");
    lab.build(&name, &demo_context(&lab));

    let out = lab.run_input(&["login", addr, "-u", USER, "--password-stdin"], "wrong\n");
    assert_eq!(out.code, Some(1), "{out}");
    assert!(out.stderr.contains("token service"), "{out}");
    let out = lab.run_input(
        &["login", addr, "-u", USER, "--password-stdin"],
        &format!("{PASS}\n"),
    );
    assert_eq!(out.stdout, "Login Succeeded\n", "{out}");

    let digest = assert_push(
        &lab.ok(&["push", &name]),
        addr,
        "demo/app",
        "v1",
        3,
        "Pushed",
    );
    let requests = reg.token_requests();
    assert!(
        requests
            .iter()
            .any(|r| r.split(' ').any(|s| s == "repository:demo/app:pull,push")),
        "{requests:?}"
    );

    let other = format!("{addr}/other/app:v1");
    lab.ok(&["tag", &name, &other]);
    let seen = reg.token_requests().len();
    let out = lab.ok(&["push", &other]);
    assert_push(&out, addr, "other/app", "v1", 3, "Mounted from demo/app");
    // A mount reads the source repository: its token must carry pull on
    // demo/app beside push on the target.
    let mount_requests = &reg.token_requests()[seen..];
    assert!(
        mount_requests.iter().any(|r| {
            let scopes: Vec<&str> = r.split(' ').collect();
            scopes.contains(&"repository:demo/app:pull")
                && scopes.contains(&"repository:other/app:pull,push")
        }),
        "{mount_requests:?}"
    );

    lab.ok(&["logout", addr]);
    let before = lab.snapshot();
    let out = lab.fails(&["push", &format!("{addr}/third/app:v1")]);
    assert!(
        out.stderr.contains("An image does not exist locally"),
        "{out}"
    );
    lab.ok(&["tag", &name, &format!("{addr}/third/app:v1")]);
    let before_push = lab.snapshot();
    assert_ne!(before, before_push);
    let out = lab.fails(&["push", &format!("{addr}/third/app:v1")]);
    assert!(out.stderr.contains("log in first"), "{out}");
    assert_eq!(lab.snapshot(), before_push);

    // The issuer grants pull to anyone.
    let anon = lab.empty_store("token-anon");
    let out = anon.ok(&["pull", &name]);
    assert!(
        out.stdout
            .contains(&format!("Status: Downloaded newer image for {name}\n")),
        "{out}"
    );
    assert_eq!(anon.manifest_digest(&name), digest);
    assert_eq!(anon.id(&name), lab.id(&name));
}

#[test]
fn a_large_layer_goes_up_in_chunks_and_comes_back_whole() {
    let Some(reg) = Registry::start(Auth::None) else {
        return;
    };
    if !tool("skopeo") {
        return;
    }
    let addr = reg.addr();
    let lab = Lab::new("large");
    let name = format!("{addr}/demo/big:v1");
    lab.build(&name, &big_context(&lab, 80 << 20, 0x9e37_79b9_7f4a_7c15));
    let local = lab.manifest(&name);
    let big = &local["layers"][1];
    // Above the one-PUT limit, so the PATCH path is what is tested.
    assert!(big["size"].as_u64().unwrap() > 32 << 20, "{local}");

    let digest = assert_push(
        &lab.ok(&["push", &name]),
        addr,
        "demo/big",
        "v1",
        2,
        "Pushed",
    );
    let (remote_digest, remote, _) = skopeo_view(&name);
    assert_eq!(remote_digest, digest);
    assert_eq!(layer_digests(&remote), layer_digests(&local));
    let big_digest = big["digest"].as_str().unwrap();
    let stored = std::fs::read(registry_blob(&reg, big_digest)).unwrap();
    assert_eq!(Digest::of(&stored).to_string(), big_digest);

    let fresh = lab.empty_store("large-pull");
    fresh.ok(&["pull", "-q", &name]);
    assert_eq!(fresh.manifest_digest(&name), digest);
    assert_eq!(fresh.id(&name), lab.id(&name));
    assert_eq!(Digest::of(&fresh.blob(big_digest)).to_string(), big_digest);
}

#[test]
fn a_registry_stopped_mid_upload_fails_the_push_and_a_retry_succeeds() {
    let Some(mut reg) = Registry::start(Auth::None) else {
        return;
    };
    if !tool("skopeo") {
        return;
    }
    let addr = reg.addr().to_string();
    let lab = Lab::new("stopped");
    let name = format!("{addr}/demo/big:v1");
    lab.build(&name, &big_context(&lab, 150 << 20, 0x2545_f491_4f6c_dd1d));
    let before = lab.snapshot();

    let child = lab
        .cmd(&["push", &name])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The big layer goes first (Docker pushes the top layer first): the
    // first upload session seen is its.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !upload_receiving(&reg, "demo/big") {
        assert!(Instant::now() < deadline, "no upload began\n{}", reg.logs());
        std::thread::sleep(Duration::from_millis(5));
    }
    reg.stop();
    let out = collect(child.wait_with_output().unwrap());
    assert_eq!(out.code, Some(1), "{out}");
    // The chunk in flight is what broke, and the message says where.
    assert!(
        out.stderr.starts_with(&format!(
            "PATCH {addr}: http://{addr}/v2/demo/big/blobs/uploads/"
        )),
        "{out}"
    );
    assert!(!out.stdout.contains("digest: sha256:"), "{out}");
    assert_eq!(lab.snapshot(), before);

    reg.restart();
    let digest = assert_push(
        &lab.ok(&["push", &name]),
        &addr,
        "demo/big",
        "v1",
        2,
        "Pushed",
    );
    assert_eq!(digest, lab.manifest_digest(&name));
    let (remote_digest, remote, _) = skopeo_view(&name);
    assert_eq!(remote_digest, digest);
    assert_eq!(layer_digests(&remote), layer_digests(&lab.manifest(&name)));
}

#[test]
fn a_pull_of_a_missing_or_tampered_blob_fails_and_stores_nothing() {
    let Some(reg) = Registry::start(Auth::None) else {
        return;
    };
    let addr = reg.addr();
    let lab = Lab::new("blobs");
    let ctx = demo_context(&lab);
    let missing = format!("{addr}/demo/missing:v1");
    let tampered = format!("{addr}/demo/tampered:v1");
    lab.build(&missing, &ctx);
    lab.ok(&["push", &missing]);
    // A different top layer, so that the blob deleted above is not one
    // this image needs.
    std::fs::write(
        ctx.join("Dockerfile"),
        b"FROM alpine:3.20\nCOPY a.txt /a.txt\nRUN echo tampered > /b\n",
    )
    .unwrap();
    lab.build(&tampered, &ctx);
    lab.ok(&["push", &tampered]);

    let gone = layer_digests(&lab.manifest(&missing)).pop().unwrap();
    std::fs::remove_file(registry_blob(&reg, &gone)).unwrap();
    let fresh = lab.empty_store("blobs-pull");
    let before = fresh.snapshot();
    let out = fresh.fails(&["pull", &missing]);
    assert!(
        out.stderr.starts_with(&format!(
            "GET blob {} on {addr}: BLOB_UNKNOWN",
            &gone["sha256:".len().."sha256:".len() + 12]
        )),
        "the message should name blob {gone} and the registry's answer:\n{out}"
    );
    assert_eq!(fresh.snapshot(), before);

    let changed = layer_digests(&lab.manifest(&tampered)).pop().unwrap();
    let path = registry_blob(&reg, &changed);
    let len = std::fs::metadata(&path).unwrap().len() as usize;
    std::fs::write(&path, random_bytes(len, 7)).unwrap();
    let out = fresh.fails(&["pull", &tampered]);
    assert!(out.stderr.contains(&changed), "{out}");
    assert!(
        out.stderr.contains("hashing to") || out.stderr.contains("hashes to"),
        "{out}"
    );
    assert!(out.stderr.contains("nothing was stored"), "{out}");
    assert_eq!(fresh.snapshot(), before);
}

/// A server that breaks the protocol on purpose: a manifest over the
/// 4 MiB distribution allows, and two manifests that redirect to each
/// other.
struct Hostile {
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    addr: String,
}

impl Hostile {
    fn start() -> Hostile {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let addr = format!("127.0.0.1:{}", server.server_addr().to_ip().unwrap().port());
        let thread = {
            let server = server.clone();
            std::thread::spawn(move || {
                for req in server.incoming_requests() {
                    let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k, v).unwrap();
                    let json = header("Content-Type", "application/vnd.oci.image.manifest.v1+json");
                    let res = match req.url() {
                        "/v2/" => tiny_http::Response::from_data(b"{}".to_vec()),
                        "/v2/big/app/manifests/v1" => {
                            // Valid JSON all the way, so only the size is wrong.
                            let mut body = b"{\"schemaVersion\":2,\"pad\":\"".to_vec();
                            body.resize(5 << 20, b'x');
                            body.extend_from_slice(b"\"}");
                            tiny_http::Response::from_data(body).with_header(json)
                        }
                        "/v2/loop/app/manifests/v1" => tiny_http::Response::from_data(Vec::new())
                            .with_status_code(302)
                            .with_header(header("Location", "/v2/loop/app/manifests/v1-again")),
                        "/v2/loop/app/manifests/v1-again" => {
                            tiny_http::Response::from_data(Vec::new())
                                .with_status_code(302)
                                .with_header(header("Location", "/v2/loop/app/manifests/v1"))
                        }
                        _ => tiny_http::Response::from_data(Vec::new()).with_status_code(404),
                    };
                    let _ = req.respond(res);
                }
            })
        };
        Hostile {
            server,
            thread: Some(thread),
            addr,
        }
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn an_oversized_manifest_and_a_redirect_loop_are_refused() {
    let hostile = Hostile::start();
    let lab = Lab::new("hostile");
    // Not empty, so that "unchanged" covers an image already there.
    lab.build("kept:v1", &demo_context(&lab));
    let before = lab.snapshot();

    let out = lab.fails(&["pull", &format!("{}/big/app:v1", hostile.addr)]);
    assert!(
        out.stderr.contains("larger than") && out.stderr.contains(&(4u64 << 20).to_string()),
        "{out}"
    );
    assert_eq!(lab.snapshot(), before);

    let out = lab.fails(&["pull", &format!("{}/loop/app:v1", hostile.addr)]);
    assert!(out.stderr.contains("redirects"), "{out}");
    assert!(
        out.stderr.contains("/v2/loop/app/manifests/v1-again"),
        "{out}"
    );
    assert_eq!(lab.snapshot(), before);
}
