//! The registry harness of tests/common/registry.rs against the real thing:
//! skopeo pushes and inspects through each auth mode, and what the registry
//! answers to CORS requests and preflights is pinned down, since the web
//! page talks to registries from a browser.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::registry::{
    Auth, PASS, Registry, Response, USER, header, header_joined, http, unique_temp_dir,
};
use layerlab::oci::image::{ImageConfig, RootFs, rfc3339_utc};
use layerlab::oci::layout::ImageLayout;
use layerlab::oci::tar::{Compression, Entry, write_layer};

const ORIGIN: &str = "http://localhost:8080";

/// A one-layer image in an OCI layout under tag `v1`; removed on drop.
struct Layout(PathBuf);

impl Layout {
    fn new() -> Layout {
        let layer = write_layer(
            &[
                Entry::dir("etc", 0o755),
                Entry::file("etc/harness.txt", &b"pushed by the harness\n"[..], 0o644),
            ],
            Compression::Gzip,
        )
        .unwrap();
        let config = ImageConfig {
            created: rfc3339_utc(0),
            architecture: "amd64".into(),
            os: "linux".into(),
            rootfs: RootFs {
                kind: "layers".into(),
                diff_ids: vec![layer.diff_id],
            },
            ..Default::default()
        };
        let mut layout = ImageLayout::new();
        let manifest = layout.add_image(&config, &[layer]);
        layout.tag(Some("v1"), manifest);
        let root = unique_temp_dir("harness-layout");
        for f in layout.files() {
            let p = root.join(&f.path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, &f.bytes).unwrap();
        }
        Layout(root)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Layout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn skopeo(args: &[&str]) -> Output {
    Command::new("skopeo")
        .arg("--insecure-policy")
        .args(args)
        .output()
        .expect("run skopeo")
}

fn push(reg: &Registry, layout: &Layout, creds: Option<&str>) -> Output {
    let src = format!("oci:{}:v1", layout.path().display());
    let dest = format!("docker://{}/harness/app:v1", reg.addr());
    let mut args = vec!["copy", "--dest-tls-verify=false"];
    if let Some(c) = creds {
        args.extend(["--dest-creds", c]);
    }
    args.extend([src.as_str(), dest.as_str()]);
    skopeo(&args)
}

fn inspect(reg: &Registry, creds: Option<&str>) -> Output {
    let image = format!("docker://{}/harness/app:v1", reg.addr());
    let mut args = vec!["inspect", "--tls-verify=false"];
    if let Some(c) = creds {
        args.extend(["--creds", c]);
    }
    args.push(&image);
    skopeo(&args)
}

fn assert_ok(what: &str, out: &Output, reg: &Registry) {
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout: {}\nstderr: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        reg.logs()
    );
}

fn assert_fails(what: &str, out: &Output) {
    assert!(
        !out.status.success(),
        "{what} should have failed:\nstdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn creds() -> String {
    format!("{USER}:{PASS}")
}

fn wrong_creds() -> String {
    format!("{USER}:not-{PASS}")
}

/// The inspected image is ours: its one layer and its platform.
fn assert_inspected(out: &Output) {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["Architecture"], "amd64", "{v}");
    assert_eq!(v["Layers"].as_array().map(Vec::len), Some(1), "{v}");
}

/// A browser's preflight for a blob upload's PUT with credentials.
fn preflight(reg: &Registry) -> Response {
    let r = http(
        "OPTIONS",
        &reg.url("/v2/harness/app/blobs/uploads/"),
        &[
            ("Origin", ORIGIN),
            ("Access-Control-Request-Method", "PUT"),
            (
                "Access-Control-Request-Headers",
                "authorization,content-type",
            ),
        ],
    );
    eprintln!(
        "{:?} preflight: {} {:?} {}",
        reg.auth(),
        r.0,
        r.1,
        String::from_utf8_lossy(&r.2)
    );
    r
}

/// The configured CORS headers, which distribution adds to every answer
/// that goes through its app (200s and 401s alike), one header line per
/// list item.
fn assert_cors(headers: &[(String, String)]) {
    let joined = |name| header_joined(headers, name);
    assert_eq!(
        joined("Access-Control-Allow-Origin").as_deref(),
        Some("*"),
        "{headers:?}"
    );
    assert_eq!(
        joined("Access-Control-Allow-Methods").as_deref(),
        Some("HEAD, GET, OPTIONS, DELETE, POST, PUT, PATCH"),
        "{headers:?}"
    );
    assert_eq!(
        joined("Access-Control-Allow-Headers").as_deref(),
        Some("Authorization, Accept, Content-Type, Content-Range, Content-Length"),
        "{headers:?}"
    );
    assert_eq!(
        joined("Access-Control-Expose-Headers").as_deref(),
        Some(
            "Location, Docker-Content-Digest, WWW-Authenticate, Range, Docker-Upload-UUID, \
             Docker-Distribution-API-Version, OCI-Chunk-Min-Length, Content-Length"
        ),
        "{headers:?}"
    );
    assert_eq!(
        headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("Access-Control-Allow-Methods"))
            .count(),
        7,
        "one line per method: {headers:?}"
    );
}

fn have_skopeo() -> bool {
    let ok = Command::new("skopeo").arg("--version").output().is_ok();
    if !ok {
        assert!(
            std::env::var("CI")
                .map(|v| v.is_empty() || v == "false")
                .unwrap_or(true),
            "skopeo is not installed but CI is set: scripts/setup.sh --test installs it"
        );
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipping: skopeo is not installed (scripts/setup.sh --test installs it)"
        );
    }
    ok
}

#[test]
fn no_auth_push_inspect_cors_and_restart() {
    let Some(mut reg) = Registry::start(Auth::None) else {
        return;
    };
    if !have_skopeo() {
        return;
    }
    assert!(reg.addr().starts_with("127.0.0.1:"));
    assert!(reg.token_requests().is_empty());

    let (status, headers, body) = http("GET", &reg.url("/v2/"), &[("Origin", ORIGIN)]);
    assert_eq!(
        status,
        200,
        "{headers:?} {}",
        String::from_utf8_lossy(&body)
    );
    assert_eq!(body, b"{}");
    assert_eq!(
        header(&headers, "Docker-Distribution-API-Version"),
        Some("registry/2.0")
    );
    assert_cors(&headers);

    // Without auth a preflight passes: distribution answers OPTIONS itself
    // with an empty 200, its Allow header and the configured CORS headers.
    let (status, headers, body) = preflight(&reg);
    assert_eq!(status, 200, "{headers:?}");
    assert!(body.is_empty());
    assert_cors(&headers);
    assert_eq!(
        header(&headers, "Allow"),
        Some("DELETE, GET, HEAD, PATCH, POST, PUT")
    );
    // Every route answers OPTIONS so, each with its own Allow; the base
    // route serves any method, OPTIONS included, with its `{}`.
    let zeros = format!("/v2/harness/app/blobs/sha256:{}", "0".repeat(64));
    for (path, allow, body) in [
        ("/v2/", None, &b"{}"[..]),
        (
            "/v2/harness/app/manifests/v1",
            Some("DELETE, GET, HEAD, PUT"),
            b"",
        ),
        (&zeros, Some("DELETE, GET, HEAD"), b""),
        ("/v2/harness/app/tags/list", Some("GET"), b""),
        ("/v2/_catalog", Some("GET"), b""),
    ] {
        let (status, headers, got) = http(
            "OPTIONS",
            &reg.url(path),
            &[("Origin", ORIGIN), ("Access-Control-Request-Method", "GET")],
        );
        assert_eq!(status, 200, "{path}: {headers:?}");
        assert_eq!(header(&headers, "Allow"), allow, "{path}: {headers:?}");
        assert_eq!(got, body, "{path}");
        assert_cors(&headers);
    }

    let layout = Layout::new();
    assert_ok("skopeo copy", &push(&reg, &layout, None), &reg);
    let out = inspect(&reg, None);
    assert_ok("skopeo inspect", &out, &reg);
    assert_inspected(&out);
    assert!(
        reg.storage()
            .join("docker/registry/v2/repositories/harness/app")
            .is_dir(),
        "no repository under {}",
        reg.storage().display()
    );

    // The manifest by tag, as a browser would fetch it.
    let (status, headers, _) = http(
        "GET",
        &reg.url("/v2/harness/app/manifests/v1"),
        &[
            ("Origin", ORIGIN),
            ("Accept", "application/vnd.oci.image.manifest.v1+json"),
        ],
    );
    assert_eq!(status, 200, "{headers:?}");
    assert!(header(&headers, "Docker-Content-Digest").is_some_and(|d| d.starts_with("sha256:")));
    assert_cors(&headers);

    let addr = reg.addr().to_string();
    reg.stop();
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "still listening after stop()"
    );
    reg.restart();
    assert_eq!(reg.addr(), addr);
    let out = inspect(&reg, None);
    assert_ok("skopeo inspect after restart", &out, &reg);
    assert_inspected(&out);
}

#[test]
fn htpasswd_push_needs_the_password() {
    let Some(reg) = Registry::start(Auth::Htpasswd) else {
        return;
    };
    if !have_skopeo() {
        return;
    }
    let (status, headers, _) = http("GET", &reg.url("/v2/"), &[("Origin", ORIGIN)]);
    assert_eq!(status, 401, "{headers:?}");
    assert_eq!(
        header(&headers, "WWW-Authenticate"),
        Some("Basic realm=\"layerlab-test\"")
    );
    assert_cors(&headers);

    // The credentials work on the raw API too.
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, creds())
    );
    let (status, _, _) = http("GET", &reg.url("/v2/"), &[("Authorization", &basic)]);
    assert_eq!(status, 200);

    // A browser never sends credentials on a preflight, and htpasswd mode
    // does not exempt OPTIONS: the preflight fails.
    let (status, headers, _) = preflight(&reg);
    assert_eq!(status, 401, "{headers:?}");
    assert_cors(&headers);

    let layout = Layout::new();
    assert_fails("push without creds", &push(&reg, &layout, None));
    assert_fails(
        "push with a wrong password",
        &push(&reg, &layout, Some(&wrong_creds())),
    );
    assert_ok(
        "push with creds",
        &push(&reg, &layout, Some(&creds())),
        &reg,
    );
    assert_fails("inspect without creds", &inspect(&reg, None));
    let out = inspect(&reg, Some(&creds()));
    assert_ok("inspect with creds", &out, &reg);
    assert_inspected(&out);
    assert!(reg.token_requests().is_empty());

    // Drop kills the registry and removes its directory.
    let storage = reg.storage().to_path_buf();
    let addr = reg.addr().to_string();
    drop(reg);
    assert!(!storage.exists(), "{} left behind", storage.display());
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "still listening after drop"
    );
}

#[test]
fn token_push_gets_a_jwt_the_registry_accepts() {
    let Some(reg) = Registry::start(Auth::Token) else {
        return;
    };
    if !have_skopeo() {
        return;
    }
    let realm = reg.token_realm().unwrap();
    let (status, headers, _) = http("GET", &reg.url("/v2/"), &[("Origin", ORIGIN)]);
    assert_eq!(status, 401, "{headers:?}");
    assert_eq!(
        header(&headers, "WWW-Authenticate"),
        Some(format!("Bearer realm=\"{realm}\",service=\"layerlab-test-registry\"").as_str())
    );
    assert_cors(&headers);

    let (status, headers, _) = preflight(&reg);
    assert_eq!(status, 401, "{headers:?}");
    assert_cors(&headers);

    // The issuer by hand: wrong credentials are refused, anonymous gets pull.
    let (status, _, body) = http(
        "GET",
        &format!(
            "{realm}?service=layerlab-test-registry&scope=repository%3Aharness%2Fapp%3Apull%2Cpush"
        ),
        &[("Authorization", "Basic dGVzdGVyOndyb25n")],
    );
    assert_eq!(status, 401, "{}", String::from_utf8_lossy(&body));
    let (status, _, body) = http(
        "GET",
        &format!(
            "{realm}?service=layerlab-test-registry&scope=repository%3Aharness%2Fapp%3Apull%2Cpush"
        ),
        &[],
    );
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["expires_in"], 300);
    assert_eq!(v["token"], v["access_token"]);
    let jwt = v["token"].as_str().unwrap();
    let claims = jwt.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims).unwrap(),
    )
    .unwrap();
    assert_eq!(
        claims["access"],
        serde_json::json!([{"type": "repository", "name": "harness/app", "actions": ["pull"]}])
    );
    assert_eq!(claims["aud"], "layerlab-test-registry");
    assert_eq!(
        reg.token_requests(),
        vec!["repository:harness/app:pull,push"; 2]
    );

    let layout = Layout::new();
    let before = reg.token_requests().len();
    assert_fails(
        "push with a wrong password",
        &push(&reg, &layout, Some(&wrong_creds())),
    );
    assert!(
        reg.token_requests().len() > before,
        "skopeo never asked the issuer"
    );
    assert_fails("anonymous push (pull only)", &push(&reg, &layout, None));
    assert_ok(
        "push with creds",
        &push(&reg, &layout, Some(&creds())),
        &reg,
    );
    let asked = reg.token_requests();
    assert!(
        asked
            .iter()
            .any(|s| s == "repository:harness/app:pull,push"),
        "{asked:?}"
    );
    let out = inspect(&reg, Some(&creds()));
    assert_ok("inspect with creds", &out, &reg);
    assert_inspected(&out);
    // Anonymous pull is granted.
    let out = inspect(&reg, None);
    assert_ok("anonymous inspect", &out, &reg);
    // skopeo asks again for each blob and manifest; one of its requests
    // names the same scope twice.
    eprintln!("token requests: {:?}", reg.token_requests());

    let token_addr = realm
        .trim_start_matches("http://")
        .trim_end_matches("/token")
        .to_string();
    drop(reg);
    assert!(
        std::net::TcpStream::connect(&token_addr).is_err(),
        "token issuer still listening after drop"
    );
}
