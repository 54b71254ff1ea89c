//! A real Docker registry (Debian's `docker-registry`, distribution 2.8) on
//! loopback for the push/pull tests: no auth, htpasswd Basic auth, or Bearer
//! tokens from an issuer that runs in the test process.
//!
//! The token issuer grants an authenticated `tester` every action asked for;
//! an anonymous request (no `Authorization`) gets `pull` on repositories
//! only, so anonymous pulls work and anonymous pushes are refused by the
//! registry; wrong credentials get a 401 JSON error.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

pub const USER: &str = "tester";
pub const PASS: &str = "s3cret-pass";
pub const REALM: &str = "layerlab-test";
pub const SERVICE: &str = "layerlab-test-registry";
pub const ISSUER: &str = "layerlab-test-issuer";
pub const BINARY: &str = "docker-registry";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    None,
    Htpasswd,
    Token,
}

pub struct Registry {
    dir: PathBuf,
    storage: PathBuf,
    addr: String,
    auth: Auth,
    child: Option<Child>,
    token: Option<TokenServer>,
}

impl Registry {
    /// Starts a registry on 127.0.0.1 at a free port with its own temp
    /// storage dir, and waits until `GET /v2/` answers. `None` (after
    /// saying so) when a needed program is missing outside CI; under CI a
    /// missing program fails the test, because scripts/setup.sh --test
    /// installs them.
    pub fn start(auth: Auth) -> Option<Registry> {
        let mut needed = vec![BINARY];
        match auth {
            Auth::None => {}
            Auth::Htpasswd => needed.push("htpasswd"),
            Auth::Token => needed.push("openssl"),
        }
        for tool in needed {
            if !installed(tool) {
                assert!(
                    !under_ci(),
                    "{tool} is not installed but CI is set: scripts/setup.sh --test installs it"
                );
                // Straight to the stream: the harness captures eprintln! of
                // passing tests, and a skip must be seen.
                let _ = writeln!(
                    std::io::stderr(),
                    "skipping: {tool} is not installed (scripts/setup.sh --test installs it)"
                );
                return None;
            }
        }

        let dir = unique_temp_dir("registry");
        let storage = dir.join("storage");
        std::fs::create_dir_all(&storage).unwrap();
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");

        // Built first so that its Drop cleans up after a failure below.
        let mut registry = Registry {
            dir,
            storage: storage.clone(),
            addr,
            auth,
            child: None,
            token: None,
        };
        let auth_yaml = match auth {
            Auth::None => String::new(),
            Auth::Htpasswd => {
                let out = Command::new("htpasswd")
                    .args(["-Bbn", USER, PASS])
                    .output()
                    .expect("run htpasswd");
                assert!(
                    out.status.success(),
                    "htpasswd failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let file = registry.dir.join("htpasswd");
                std::fs::write(&file, &out.stdout).unwrap();
                format!(
                    "auth:\n  htpasswd:\n    realm: {REALM}\n    path: {}\n",
                    yaml_str(&file)
                )
            }
            Auth::Token => {
                let token = TokenServer::start(&registry.dir.join("token"));
                let yaml = format!(
                    "auth:\n  token:\n    realm: http://127.0.0.1:{}/token\n    service: {SERVICE}\n    \
                     issuer: {ISSUER}\n    rootcertbundle: {}\n",
                    token.port,
                    yaml_str(&token.cert)
                );
                registry.token = Some(token);
                yaml
            }
        };

        let config = format!(
            "version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {storage}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: {addr}
  headers:
    X-Content-Type-Options: [nosniff]
    Access-Control-Allow-Origin: ['*']
    Access-Control-Allow-Methods: [HEAD, GET, OPTIONS, DELETE, POST, PUT, PATCH]
    Access-Control-Allow-Headers: [Authorization, Accept, Content-Type, Content-Range, Content-Length]
    Access-Control-Expose-Headers: [Location, Docker-Content-Digest, WWW-Authenticate, Range, Docker-Upload-UUID, Docker-Distribution-API-Version, OCI-Chunk-Min-Length, Content-Length]
{auth_yaml}",
            storage = yaml_str(&storage),
            addr = registry.addr,
        );
        std::fs::write(registry.config_path(), config).unwrap();
        registry.restart();
        Some(registry)
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    pub fn auth(&self) -> Auth {
        self.auth
    }

    /// The filesystem driver's root directory (`docker/registry/v2/...`
    /// below it), so tests can tamper with blobs.
    pub fn storage(&self) -> &Path {
        &self.storage
    }

    /// The token issuer's `/token` URL (None unless `Auth::Token`).
    pub fn token_realm(&self) -> Option<String> {
        self.token
            .as_ref()
            .map(|t| format!("http://127.0.0.1:{}/token", t.port))
    }

    /// Kills the registry; its storage and port are kept for restart().
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the registry again (same port, storage and config) and waits
    /// until it answers.
    pub fn restart(&mut self) {
        self.stop();
        // Appending: a test that fails after a restart shows both runs.
        let log = |name: &str| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.dir.join(name))
                .unwrap()
        };
        let child = Command::new(BINARY)
            .arg("serve")
            .arg(self.config_path())
            .stdin(Stdio::null())
            .stdout(log("registry.stdout.log"))
            .stderr(log("registry.stderr.log"))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {BINARY}: {e}"));
        self.child = Some(child);
        self.wait_ready();
    }

    /// Each token request's scopes, in order: the `scope` query values of
    /// one request joined by " " (empty when it asked for none). Empty
    /// unless `Auth::Token`.
    pub fn token_requests(&self) -> Vec<String> {
        match &self.token {
            Some(t) => t.requests.lock().unwrap().clone(),
            None => Vec::new(),
        }
    }

    /// The registry's stdout and stderr so far (all runs), for a failing
    /// test to print.
    pub fn logs(&self) -> String {
        let read = |name: &str| std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
        format!(
            "--- registry stdout ---\n{}--- registry stderr ---\n{}",
            read("registry.stdout.log"),
            read("registry.stderr.log")
        )
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn config_path(&self) -> PathBuf {
        self.dir.join("config.yml")
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let url = self.url("/v2/");
        loop {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                self.child = None;
                panic!(
                    "{BINARY} exited ({status}) before answering\n{}",
                    self.logs()
                );
            }
            // Any answer will do: with auth on, /v2/ is a 401.
            if try_http("GET", &url, &[], &[]).is_ok() {
                return;
            }
            if Instant::now() > deadline {
                panic!("{BINARY} did not answer {url} in 30 s\n{}", self.logs());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop();
        self.token = None;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn installed(tool: &str) -> bool {
    // Only whether it spawns: htpasswd has no --version and exits 1 on it.
    Command::new(tool)
        .arg(if tool == "openssl" {
            "version"
        } else {
            "--version"
        })
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn under_ci() -> bool {
    std::env::var("CI")
        .map(|v| !v.is_empty() && v != "false")
        .unwrap_or(false)
}

fn yaml_str(p: &Path) -> String {
    // JSON strings are YAML flow scalars, quoting whatever the temp dir holds.
    serde_json::to_string(p.to_str().expect("UTF-8 temp path")).unwrap()
}

/// A fresh directory under the system temp dir; unique across processes
/// (pid), tests of one process (counter) and reused pids (nanos).
pub fn unique_temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let p = std::env::temp_dir().join(format!("layerlab-{tag}-{}-{n}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&p).unwrap();
    p
}

/// A port nothing listens on right now. The registry binds it a moment
/// later; another process taking it in between is possible but unlikely.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

// ---------------------------------------------------------------- HTTP

/// (status, headers in the order sent, body).
pub type Response = (u16, Vec<(String, String)>, Vec<u8>);

/// A raw HTTP/1.1 request with `Connection: close` over a TcpStream:
/// (status, headers as sent, body with chunked encoding undone). Panics
/// when the server cannot be reached.
pub fn http(method: &str, url: &str, headers: &[(&str, &str)]) -> Response {
    http_body(method, url, headers, &[])
}

/// [`http`] with a request body (sent with its Content-Length).
pub fn http_body(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    try_http(method, url, headers, body).unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

/// Every value of header `name` (case-insensitive) joined with ", ", as a
/// browser's fetch combines repeated header lines: distribution sends each
/// item of a configured `http.headers` list as a line of its own.
pub fn header_joined(headers: &[(String, String)], name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// The first value of header `name` (case-insensitive).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn try_http(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let invalid = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidData, m);
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| invalid(format!("not an http:// URL: {url}")))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    let has_length = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-length"));
    if !has_length && (!body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH")) {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;

    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| invalid(format!("no end of headers in {raw:?}")))?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid(format!("bad status line {status_line:?}")))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if header(&headers, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body).ok_or_else(|| invalid("bad chunked body".into()))?;
    }
    Ok((status, headers, body))
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n")?;
        let size_field = std::str::from_utf8(&b[..eol]).ok()?;
        let size = usize::from_str_radix(size_field.split(';').next()?.trim(), 16).ok()?;
        b = &b[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

// ---------------------------------------------------------- token issuer

struct TokenServer {
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    requests: Arc<Mutex<Vec<String>>>,
    port: u16,
    cert: PathBuf,
}

impl TokenServer {
    fn start(dir: &Path) -> TokenServer {
        use p256::pkcs8::DecodePrivateKey;
        std::fs::create_dir_all(dir).unwrap();
        let key = dir.join("key.pem");
        let cert = dir.join("cert.pem");
        let out = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-subj",
                &format!("/CN={ISSUER}"),
                "-days",
                "2",
                "-keyout",
            ])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .expect("run openssl");
        assert!(
            out.status.success(),
            "openssl req failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let key_pem = std::fs::read_to_string(&key).unwrap();
        let signing = p256::ecdsa::SigningKey::from_pkcs8_pem(&key_pem)
            .unwrap_or_else(|e| panic!("openssl's key does not parse: {e}"));
        // A PEM body is the standard base64 of the DER, which is what x5c
        // holds: no need to decode and re-encode.
        let cert_pem = std::fs::read_to_string(&cert).unwrap();
        let cert_b64: String = cert_pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();

        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let server = server.clone();
            let requests = requests.clone();
            std::thread::spawn(move || {
                let issuer = Issuer {
                    key: signing,
                    x5c: cert_b64,
                };
                // Ends when Drop unblocks the server.
                for req in server.incoming_requests() {
                    let (status, body) = issuer.answer(&req, &requests);
                    let resp = tiny_http::Response::from_string(body)
                        .with_status_code(status)
                        .with_header(
                            tiny_http::Header::from_bytes("Content-Type", "application/json")
                                .unwrap(),
                        );
                    let _ = req.respond(resp);
                }
            })
        };
        TokenServer {
            server,
            thread: Some(thread),
            requests,
            port,
            cert,
        }
    }
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Issuer {
    key: p256::ecdsa::SigningKey,
    x5c: String,
}

impl Issuer {
    fn answer(&self, req: &tiny_http::Request, requests: &Mutex<Vec<String>>) -> (u16, String) {
        let (path, query) = req.url().split_once('?').unwrap_or((req.url(), ""));
        if path != "/token" {
            return (404, error_json("NOT_FOUND", "only /token is served"));
        }
        let params: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        let scopes: Vec<&str> = params
            .iter()
            .filter(|(k, _)| k == "scope")
            .map(|(_, v)| v.as_str())
            .collect();
        requests.lock().unwrap().push(scopes.join(" "));
        let service = params
            .iter()
            .find(|(k, _)| k == "service")
            .map(|(_, v)| v.as_str())
            .unwrap_or(SERVICE);

        let authorization = req
            .headers()
            .iter()
            .find(|h| h.field.equiv("Authorization"))
            .map(|h| h.value.as_str().to_string());
        let subject = match authorization {
            None => None,
            Some(a) => {
                let creds = a
                    .strip_prefix("Basic ")
                    .and_then(|b| STANDARD.decode(b.trim()).ok())
                    .and_then(|b| String::from_utf8(b).ok());
                if creds.as_deref() != Some(&format!("{USER}:{PASS}")) {
                    return (
                        401,
                        error_json("UNAUTHORIZED", "wrong user name or password"),
                    );
                }
                Some(USER)
            }
        };

        let mut access = Vec::new();
        for scope in scopes.iter().flat_map(|s| s.split(' ')) {
            // type:name:actions, where only the name may hold colons
            // (`registry:catalog:*` has none, an image name with a port
            // could).
            let Some((kind, rest)) = scope.split_once(':') else {
                continue;
            };
            let Some((name, actions)) = rest.rsplit_once(':') else {
                continue;
            };
            let actions: Vec<&str> = actions
                .split(',')
                .filter(|a| subject.is_some() || (kind == "repository" && *a == "pull"))
                .collect();
            access.push(serde_json::json!({"type": kind, "name": name, "actions": actions}));
        }

        let now = now_secs();
        static JTI: AtomicUsize = AtomicUsize::new(0);
        let header = serde_json::json!({"typ": "JWT", "alg": "ES256", "x5c": [self.x5c]});
        let claims = serde_json::json!({
            "iss": ISSUER,
            "sub": subject.unwrap_or(""),
            "aud": service,
            "exp": now + 300,
            // Earlier than now: the registry's clock is this one, but a
            // token minted in the same second must already be valid.
            "nbf": now - 10,
            "iat": now,
            "jti": format!("{}-{}-{now}", std::process::id(), JTI.fetch_add(1, Ordering::Relaxed)),
            "access": access,
        });
        let jwt = self.sign(&header, &claims);
        let body = serde_json::json!({
            "token": jwt,
            "access_token": jwt,
            "expires_in": 300,
            "issued_at": layerlab::oci::image::rfc3339_utc(now).unwrap(),
        });
        (200, body.to_string())
    }

    fn sign(&self, header: &serde_json::Value, claims: &serde_json::Value) -> String {
        use p256::ecdsa::signature::Signer;
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        // JWS wants r||s (64 bytes), not the DER that openssl would give.
        let sig: p256::ecdsa::Signature = self.key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
    }
}

fn error_json(code: &str, message: &str) -> String {
    serde_json::json!({"errors": [{"code": code, "message": message}]}).to_string()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
