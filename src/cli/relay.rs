//! `layerlab relay`: lets the page reach registries that a browser cannot
//! (no CORS headers, as Docker Hub, GHCR and Quay; or a preflight refused
//! with 401, as distribution with auth on).
//!
//! The page sends `http://127.0.0.1:PORT/<host>/v2/…`; the relay answers the
//! preflight itself and forwards the request to `https://<host>/v2/…`, adding
//! CORS headers for the page's origin to the answer. It forwards only
//! registry API paths (`/v2/…`) of the hosts the user named, plus the token
//! endpoints those registries announce in their challenges; only for the
//! allowed origins; and listens on loopback unless told otherwise. It adds
//! no credentials of its own: the page's `Authorization` passes through.

use std::collections::BTreeSet;
use std::io::Read;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::registry::auth::{Challenge, parse_challenge};
use crate::registry::http::{origin, resolve};

#[derive(Args)]
pub struct RelayArgs {
    /// Where to listen. A non-loopback address exposes the relay to the
    /// network and needs --allow-remote.
    #[arg(long, default_value = "127.0.0.1:7070")]
    listen: SocketAddr,
    /// The page's origin (repeatable); default: the page as scripts/serve.sh
    /// serves it.
    #[arg(long = "allow-origin")]
    origins: Vec<String>,
    /// A registry the page may reach through the relay (repeatable), e.g.
    /// docker.io, ghcr.io, 127.0.0.1:5000.
    #[arg(long = "registry", required = true)]
    registries: Vec<String>,
    /// Speak HTTP to these registries (loopback ones always are).
    #[arg(long)]
    insecure: bool,
    #[arg(long)]
    allow_remote: bool,
}

/// The largest request body the relay takes (an upload chunk or a
/// monolithic blob; the page's client sends at most 32 MiB at once).
const MAX_BODY: u64 = 256 << 20;

/// Headers the page may send and read, as the page's client needs them.
const ALLOW_HEADERS: &str = "Authorization, Accept, Content-Type, Content-Range, Content-Length";
const EXPOSE_HEADERS: &str = "Location, Docker-Content-Digest, WWW-Authenticate, Range, Docker-Upload-UUID, Docker-Distribution-API-Version, OCI-Chunk-Min-Length, Content-Length, Retry-After, Link";
/// Answer headers passed through from the registry.
const PASS_HEADERS: [&str; 10] = [
    "content-type",
    "docker-content-digest",
    "docker-upload-uuid",
    "docker-distribution-api-version",
    "range",
    "oci-chunk-min-length",
    "retry-after",
    "link",
    "location",
    "www-authenticate",
];

struct Relay {
    origins: Vec<String>,
    /// Registry hosts as the page names them in paths (docker.io → its API host).
    registries: BTreeSet<String>,
    insecure: bool,
    /// Token endpoints (`https://auth.docker.io/token`) the registries named.
    realms: Mutex<BTreeSet<String>>,
    base: String,
    agent: ureq::Agent,
}

pub fn relay_cmd(a: RelayArgs) -> Result<ExitCode> {
    if !a.listen.ip().is_loopback() && !a.allow_remote {
        bail!(
            "{} is not a loopback address: the relay would forward anyone's requests; pass --allow-remote if that is meant",
            a.listen
        );
    }
    let origins = if a.origins.is_empty() {
        vec![
            "http://127.0.0.1:8080".to_string(),
            "http://localhost:8080".to_string(),
        ]
    } else {
        a.origins
            .iter()
            .map(|o| o.trim_end_matches('/').to_string())
            .collect()
    };
    let registries: BTreeSet<String> = a
        .registries
        .iter()
        .map(|r| api_host(r.trim_end_matches('/')))
        .collect();
    let server = Server::http(a.listen)
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", a.listen))?;
    let addr = server
        .server_addr()
        .to_ip()
        .context("the relay listens on an IP address")?;
    let relay = Arc::new(Relay {
        base: format!("http://{addr}"),
        origins,
        registries,
        insecure: a.insecure,
        realms: Mutex::new(BTreeSet::new()),
        agent: ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(Duration::from_secs(15)))
            .build()
            .into(),
    });
    println!(
        "layerlab relay on http://{addr} for {}: in the page's push and pull panels, use http://{addr}/<registry> ({})",
        relay.origins.join(", "),
        relay
            .registries
            .iter()
            .map(|r| format!("http://{addr}/{r}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for request in server.incoming_requests() {
        let relay = relay.clone();
        std::thread::spawn(move || relay.handle(request));
    }
    Ok(ExitCode::SUCCESS)
}

/// Docker Hub's API host; every other name as given.
fn api_host(name: &str) -> String {
    match name {
        "docker.io" | "index.docker.io" => "registry-1.docker.io".into(),
        n => n.to_string(),
    }
}

fn is_loopback_host(host: &str) -> bool {
    let h = host.rsplit_once(':').map_or(host, |(h, _)| h);
    h == "localhost" || h.starts_with("127.") || h == "[::1]"
}

fn with_cors(
    mut r: Response<Box<dyn Read + Send>>,
    origin: &str,
) -> Response<Box<dyn Read + Send>> {
    for (n, v) in [
        ("Access-Control-Allow-Origin", origin),
        ("Vary", "Origin"),
        ("Access-Control-Expose-Headers", EXPOSE_HEADERS),
    ] {
        if let Some(h) = header(n, v) {
            r.add_header(h);
        }
    }
    r
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

impl Relay {
    fn handle(&self, mut request: Request) {
        let origin = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("origin"))
            .map(|h| h.value.as_str().to_string());
        let Some(origin) = origin.filter(|o| self.origins.contains(o)) else {
            let _ = request.respond(
                Response::from_string(format!(
                    "layerlab relay: only pages from {} may use this relay",
                    self.origins.join(", ")
                ))
                .with_status_code(403),
            );
            return;
        };
        let cors = |r: Response<Box<dyn Read + Send>>| with_cors(r, &origin);
        if *request.method() == Method::Options {
            let mut r = Response::empty(204);
            for (n, v) in [
                (
                    "Access-Control-Allow-Methods",
                    "GET, HEAD, POST, PUT, PATCH, DELETE",
                ),
                ("Access-Control-Allow-Headers", ALLOW_HEADERS),
                ("Access-Control-Max-Age", "600"),
                ("Access-Control-Allow-Private-Network", "true"),
            ] {
                if let Some(h) = header(n, v) {
                    r.add_header(h);
                }
            }
            let _ = request.respond(cors(r.boxed()));
            return;
        }
        let target = match self.target(request.url()) {
            Ok(t) => t,
            Err(m) => {
                let _ = request.respond(cors(
                    Response::from_string(format!("layerlab relay: {m}"))
                        .with_status_code(403)
                        .boxed(),
                ));
                return;
            }
        };
        let mut body = Vec::new();
        if let Err(e) = request
            .as_reader()
            .take(MAX_BODY + 1)
            .read_to_end(&mut body)
        {
            let _ = request.respond(cors(
                Response::from_string(format!("layerlab relay: reading the request: {e}"))
                    .with_status_code(400)
                    .boxed(),
            ));
            return;
        }
        if body.len() as u64 > MAX_BODY {
            let _ = request.respond(cors(
                Response::from_string(format!(
                    "layerlab relay: request bodies are limited to {MAX_BODY} bytes"
                ))
                .with_status_code(413)
                .boxed(),
            ));
            return;
        }
        let method = request.method().as_str().to_string();
        let forwarded: Vec<(String, String)> = request
            .headers()
            .iter()
            .filter(|h| {
                ["authorization", "accept", "content-type", "content-range"]
                    .iter()
                    .any(|n| h.field.equiv(n))
            })
            .map(|h| (h.field.as_str().to_string(), h.value.as_str().to_string()))
            .collect();
        match self.forward(&method, &target, &forwarded, body) {
            Ok(r) => {
                let _ = request.respond(cors(r));
            }
            Err(m) => {
                let _ = request.respond(cors(
                    Response::from_string(format!("layerlab relay: {target}: {m}"))
                        .with_status_code(502)
                        .boxed(),
                ));
            }
        }
    }

    /// The upstream URL of a relay path `/<host>/<rest>`, if allowed.
    fn target(&self, path: &str) -> Result<String, String> {
        let rest = path.strip_prefix('/').unwrap_or(path);
        let (host, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let tail_path = tail.split(['?', '#']).next().unwrap_or("");
        if self.registries.contains(host) {
            if tail_path == "v2" || tail_path.starts_with("v2/") {
                let scheme = if self.insecure || is_loopback_host(host) {
                    "http"
                } else {
                    "https"
                };
                return Ok(format!("{scheme}://{host}/{tail}"));
            }
            return Err(format!(
                "only registry API paths (/{host}/v2/…) are forwarded, not /{host}/{tail_path}"
            ));
        }
        let realms = self.realms.lock().expect("realms lock");
        for scheme in ["https", "http"] {
            let url = format!("{scheme}://{host}/{tail_path}");
            if realms.contains(&url) {
                return Ok(format!("{scheme}://{host}/{tail}"));
            }
        }
        Err(format!(
            "{host} is not a registry this relay was started for (--registry {})",
            self.registries
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(" --registry ")
        ))
    }

    /// The relay URL of an upstream URL, when the relay serves it.
    fn relayed(&self, url: &str) -> Option<String> {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))?;
        Some(format!("{}/{rest}", self.base))
    }

    fn forward(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Result<Response<Box<dyn Read + Send>>, String> {
        let upstream_host = origin(url).unwrap_or("").to_string();
        let mut url = url.to_string();
        let mut hops = 0;
        let res = loop {
            let mut b = ureq::http::Request::builder().method(method).uri(&url);
            let same_host = origin(&url) == Some(upstream_host.as_str());
            for (n, v) in headers {
                // Credentials stay with the registry's own host.
                if n.eq_ignore_ascii_case("authorization") && !same_host {
                    continue;
                }
                b = b.header(n, v);
            }
            let req = b.body(body.clone()).map_err(|e| e.to_string())?;
            let res = self.agent.run(req).map_err(|e| e.to_string())?;
            let status = res.status().as_u16();
            // Blob downloads redirect to storage (a CDN) that sends no CORS
            // headers either: the relay follows them for the page.
            if matches!(status, 301 | 302 | 303 | 307 | 308)
                && matches!(method, "GET" | "HEAD")
                && hops < 5
                && let Some(loc) = res.headers().get("location").and_then(|v| v.to_str().ok())
            {
                hops += 1;
                url = resolve(&url, loc);
                continue;
            }
            break res;
        };
        let status = res.status().as_u16();
        let mut out_headers = Vec::new();
        for (name, value) in res.headers() {
            let n = name.as_str();
            if !PASS_HEADERS.contains(&n) {
                continue;
            }
            let Ok(v) = value.to_str() else { continue };
            let v = match n {
                "location" => {
                    let abs = resolve(&url, v);
                    self.relayed(&abs).unwrap_or(abs)
                }
                "www-authenticate" => self.rewrite_challenge(v),
                _ => v.to_string(),
            };
            if let Some(h) = header(n, &v) {
                out_headers.push(h);
            }
        }
        let length = res
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let body: Box<dyn Read + Send> = Box::new(res.into_body().into_reader());
        Ok(Response::new(
            tiny_http::StatusCode(status),
            out_headers,
            body,
            length,
            None,
        ))
    }

    /// Points a Bearer challenge's realm at the relay, and remembers the
    /// realm as a host the relay may forward to.
    fn rewrite_challenge(&self, value: &str) -> String {
        let Some(Challenge::Bearer { realm, .. }) = parse_challenge(value) else {
            return value.to_string();
        };
        let Some(relayed) = self.relayed(&realm) else {
            return value.to_string();
        };
        let bare = realm.split(['?', '#']).next().unwrap_or(&realm).to_string();
        self.realms.lock().expect("realms lock").insert(bare);
        value.replacen(&realm, &relayed, 1)
    }
}
