//! `layerlab relay` in front of a real registry (token auth, so the realm
//! rewrite is exercised): what it forwards, what it refuses, and the CORS
//! headers a page needs. The page's push through it is in
//! tests/e2e/registry.test.mjs.
#![cfg(not(target_arch = "wasm32"))]
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use common::registry::*;

const ORIGIN: &str = "http://127.0.0.1:8080";

struct Relay {
    child: Child,
    base: String,
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn relay(registry: &str) -> Relay {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(["relay", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--allow-origin", ORIGIN, "--registry", registry])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the relay never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
    Relay { child, base }
}

#[test]
fn the_relay_answers_preflights_forwards_registry_paths_and_refuses_the_rest() {
    let Some(reg) = Registry::start(Auth::Token) else {
        return;
    };
    let r = relay(reg.addr());
    let origin = [("Origin", ORIGIN)];

    // The registry itself refuses a preflight with 401 (auth is on); the
    // relay answers it for the allowed origin.
    let (status, ..) = http(
        "OPTIONS",
        &reg.url("/v2/demo/app/blobs/uploads/"),
        &[
            ("Origin", ORIGIN),
            ("Access-Control-Request-Method", "POST"),
        ],
    );
    assert_eq!(status, 401);
    let url = format!("{}/{}/v2/demo/app/blobs/uploads/", r.base, reg.addr());
    let (status, h, _) = http(
        "OPTIONS",
        &url,
        &[
            ("Origin", ORIGIN),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization,content-type",
            ),
        ],
    );
    assert_eq!(status, 204);
    assert_eq!(header(&h, "access-control-allow-origin"), Some(ORIGIN));
    let allowed = header(&h, "access-control-allow-headers").unwrap();
    assert!(allowed.contains("Authorization") && allowed.contains("Content-Range"));

    // Forwarded: the challenge comes back with its realm pointing at the
    // relay, and the headers a page must read are exposed.
    let (status, h, _) = http("GET", &format!("{}/{}/v2/", r.base, reg.addr()), &origin);
    assert_eq!(status, 401);
    assert_eq!(header(&h, "access-control-allow-origin"), Some(ORIGIN));
    let expose = header(&h, "access-control-expose-headers").unwrap();
    for name in ["Location", "Docker-Content-Digest", "WWW-Authenticate"] {
        assert!(expose.contains(name), "{expose}");
    }
    let challenge = header(&h, "www-authenticate").unwrap().to_string();
    let realm = reg.token_realm().unwrap();
    let relayed_realm = format!("{}/{}", r.base, realm.trim_start_matches("http://"));
    assert!(
        challenge.contains(&format!("realm=\"{relayed_realm}\"")),
        "{challenge}"
    );

    // The token endpoint, learned from that challenge, is reachable through
    // the relay with the page's own credentials.
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASS}"))
    );
    let token_url =
        format!("{relayed_realm}?service={SERVICE}&scope=repository%3Ademo%2Fapp%3Apull%2Cpush");
    let (status, _, body) = http(
        "GET",
        &token_url,
        &[("Origin", ORIGIN), ("Authorization", &basic)],
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let token: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
    let (status, ..) = http(
        "GET",
        &format!("{}/{}/v2/", r.base, reg.addr()),
        &[("Origin", ORIGIN), ("Authorization", &bearer)],
    );
    assert_eq!(status, 200);
    assert!(
        reg.token_requests()
            .iter()
            .any(|s| s.contains("repository:demo/app:pull,push"))
    );

    // Refused: another origin, no origin, a host not named, a path outside
    // the registry API.
    for (url, headers) in [
        (
            format!("{}/{}/v2/", r.base, reg.addr()),
            vec![("Origin", "http://evil.example")],
        ),
        (format!("{}/{}/v2/", r.base, reg.addr()), vec![]),
        (format!("{}/example.com/v2/", r.base), origin.to_vec()),
        (
            format!("{}/{}/debug/vars", r.base, reg.addr()),
            origin.to_vec(),
        ),
    ] {
        let (status, _, body) = http("GET", &url, &headers);
        assert_eq!(status, 403, "{url}: {}", String::from_utf8_lossy(&body));
        assert!(String::from_utf8_lossy(&body).starts_with("layerlab relay: "));
    }
}

#[test]
fn the_relay_will_not_listen_beyond_loopback_unless_told() {
    let out = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(["relay", "--listen", "0.0.0.0:0", "--registry", "ghcr.io"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-remote"));
}
