//! One registry, spoken to over a [`Transport`]: authentication (Basic, or
//! Bearer tokens per scope with their expiry), redirects (credentials never
//! follow them to another host), bounded retries of what may be repeated,
//! `429 Retry-After`, and the distribution API's blob and manifest calls.

use std::sync::Arc;

use super::auth::{Challenge, Credentials, parse_challenge, parse_token};
use super::error::{ErrorKind, RegistryError, describe};
use super::http::{
    Body, Method, Request, Response, Transport, TransportErrorKind, origin, resolve, with_query,
};
use crate::oci::digest::Digest;
use crate::oci::image::media_types;

/// The manifest types a pull accepts, all four: distribution answers 404 to
/// a GET for an OCI manifest whose `Accept` names only Docker's types.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json";

/// Distribution refuses manifests over 4 MiB; so does the client.
pub const MANIFEST_LIMIT: u64 = 4 << 20;
/// Blobs up to this size go up in one PUT; larger ones in PATCH chunks.
pub const MONOLITHIC_LIMIT: usize = 32 << 20;
pub const CHUNK: usize = 16 << 20;
/// What a blob GET reads at least, so that an error's body fits.
const ERROR_BODY_LIMIT: u64 = 64 << 10;
/// Small blobs try the single `POST ?digest=` first.
const SINGLE_POST_LIMIT: usize = 64 << 10;

/// Where a registry's API is: `https://ghcr.io`, `http://127.0.0.1:5000`,
/// or a relay's address for it. `name` is how messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub base: String,
    pub name: String,
}

impl Endpoint {
    /// The API of a reference's domain as Docker reaches it: Docker Hub's
    /// API is registry-1.docker.io; HTTPS unless `insecure`.
    pub fn for_domain(domain: &str, insecure: bool) -> Endpoint {
        let host = if domain == "docker.io" || domain == "index.docker.io" {
            "registry-1.docker.io"
        } else {
            domain
        };
        let scheme = if insecure { "http" } else { "https" };
        Endpoint {
            base: format!("{scheme}://{host}"),
            name: domain.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Scheme {
    /// No challenge seen yet: requests go out without credentials.
    Unknown,
    Basic,
    Bearer {
        realm: String,
        service: Option<String>,
    },
}

#[derive(Debug, Clone)]
struct CachedToken {
    scopes: String,
    value: String,
    expires_at: u64,
}

/// The outcome of a cross-repository mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mount {
    Mounted,
    /// The registry did not mount and opened an upload session instead.
    Session(String),
}

pub struct Client<T: Transport> {
    transport: T,
    endpoint: Endpoint,
    credentials: Option<Credentials>,
    scheme: Scheme,
    tokens: Vec<CachedToken>,
    /// The scopes every token of this session asks for (a push asks for
    /// push on its repository and pull on the ones it mounts from).
    scopes: Vec<String>,
    pub max_attempts: u32,
    pub max_redirects: u32,
    /// The largest blob a pull takes.
    pub max_blob: u64,
    /// Body bytes sent and received, for progress and benchmarks.
    pub sent: u64,
    pub received: u64,
}

impl<T: Transport> Client<T> {
    pub fn new(transport: T, endpoint: Endpoint, credentials: Option<Credentials>) -> Client<T> {
        Client {
            transport,
            endpoint,
            credentials,
            scheme: Scheme::Unknown,
            tokens: Vec::new(),
            scopes: Vec::new(),
            max_attempts: 4,
            max_redirects: 5,
            max_blob: 8 << 30,
            sent: 0,
            received: 0,
        }
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Sets the scopes tokens are asked for from now on.
    pub fn set_scopes(&mut self, scopes: Vec<String>) {
        if scopes != self.scopes {
            self.scopes = scopes;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v2/{path}", self.endpoint.base)
    }

    /// `GET /v2/`: reachable, speaks the API, and the credentials work.
    pub async fn ping(&mut self) -> Result<(), RegistryError> {
        let res = self
            .exec(Request::new(Method::Get, self.url("")).limit(64 << 10))
            .await?;
        if res.is_success() {
            Ok(())
        } else {
            Err(self.fail("GET /v2/", &res))
        }
    }

    /// The blob's size when the repository has it.
    pub async fn blob_exists(
        &mut self,
        repo: &str,
        digest: &Digest,
    ) -> Result<Option<u64>, RegistryError> {
        let res = self
            .exec(Request::new(
                Method::Head,
                self.url(&format!("{repo}/blobs/{digest}")),
            ))
            .await?;
        match res.status {
            200 => Ok(Some(
                res.header("content-length")
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0),
            )),
            404 => Ok(None),
            _ => Err(self.fail(&format!("HEAD blob {}", digest.short()), &res)),
        }
    }

    /// Asks the registry to link a blob from another of its repositories.
    pub async fn mount(
        &mut self,
        repo: &str,
        digest: &Digest,
        from: &str,
    ) -> Result<Mount, RegistryError> {
        let url = with_query(
            &with_query(
                &self.url(&format!("{repo}/blobs/uploads/")),
                "mount",
                &digest.to_string(),
            ),
            "from",
            from,
        );
        let res = self.exec(Request::new(Method::Post, url)).await?;
        match res.status {
            201 => Ok(Mount::Mounted),
            202 => Ok(Mount::Session(self.location(&res, "POST mount")?)),
            _ => Err(self.fail(&format!("mount {} from {from}", digest.short()), &res)),
        }
    }

    /// Uploads a blob: in one PUT, or in PATCH chunks when it is large or
    /// the registry asks for a minimum chunk (`OCI-Chunk-Min-Length`).
    /// `session` is an upload a refused mount already opened.
    pub async fn upload(
        &mut self,
        repo: &str,
        digest: &Digest,
        bytes: Arc<[u8]>,
        session: Option<String>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(), RegistryError> {
        let start_url = self.url(&format!("{repo}/blobs/uploads/"));
        let (mut location, min_chunk) = match session {
            Some(l) => (l, 0),
            None if bytes.len() <= SINGLE_POST_LIMIT => {
                // A single POST with the digest and the body: 201 is done;
                // a 202 (distribution 2.8) opened a session for a PUT.
                let url = with_query(&start_url, "digest", &digest.to_string());
                let req = Request::new(Method::Post, url)
                    .header("Content-Type", "application/octet-stream")
                    .body(Body::whole(bytes.clone()));
                let res = self.exec(req).await?;
                match res.status {
                    201 => {
                        self.sent += bytes.len() as u64;
                        progress(bytes.len() as u64);
                        return self.check_digest(&res, digest);
                    }
                    202 => (self.location(&res, "POST upload")?, min_chunk_of(&res)),
                    _ => return Err(self.fail("POST upload", &res)),
                }
            }
            None => {
                let res = self.exec(Request::new(Method::Post, start_url)).await?;
                if res.status != 202 {
                    return Err(self.fail("POST upload", &res));
                }
                (self.location(&res, "POST upload")?, min_chunk_of(&res))
            }
        };
        let len = bytes.len();
        if len <= MONOLITHIC_LIMIT && min_chunk == 0 {
            let url = with_query(&location, "digest", &digest.to_string());
            let req = Request::new(Method::Put, url)
                .header("Content-Type", "application/octet-stream")
                .body(Body::whole(bytes));
            let res = self.exec(req).await?;
            if res.status != 201 {
                return Err(self.fail(&format!("PUT blob {}", digest.short()), &res));
            }
            self.sent += len as u64;
            progress(len as u64);
            return self.check_digest(&res, digest);
        }
        let chunk = CHUNK.max(min_chunk);
        let mut at = 0;
        while at < len {
            let end = (at + chunk).min(len);
            let req = Request::new(Method::Patch, location.clone())
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", format!("{at}-{}", end - 1))
                .body(Body {
                    bytes: bytes.clone(),
                    range: at..end,
                });
            let res = self.exec(req).await?;
            if res.status != 202 {
                return Err(self.fail(&format!("PATCH blob {}", digest.short()), &res));
            }
            location = self.location(&res, "PATCH upload")?;
            self.sent += (end - at) as u64;
            at = end;
            progress(at as u64);
        }
        let url = with_query(&location, "digest", &digest.to_string());
        let res = self.exec(Request::new(Method::Put, url)).await?;
        if res.status != 201 {
            return Err(self.fail(&format!("PUT blob {}", digest.short()), &res));
        }
        self.check_digest(&res, digest)
    }

    /// PUTs a manifest's exact bytes under a tag or its digest; answers the
    /// digest the registry gives it.
    pub async fn put_manifest(
        &mut self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: Arc<[u8]>,
    ) -> Result<Digest, RegistryError> {
        let digest = Digest::of(&bytes);
        let req = Request::new(
            Method::Put,
            self.url(&format!("{repo}/manifests/{reference}")),
        )
        .header("Content-Type", media_type)
        .body(Body::whole(bytes.clone()));
        let res = self.exec(req).await?;
        if res.status != 201 {
            return Err(self.fail("PUT manifest", &res));
        }
        self.sent += bytes.len() as u64;
        self.check_digest(&res, &digest)?;
        Ok(digest)
    }

    /// GETs a manifest or index: its media type, bytes and digest, checked
    /// against the digest asked for and the one the registry states.
    pub async fn get_manifest(
        &mut self,
        repo: &str,
        reference: &str,
    ) -> Result<(String, Vec<u8>, Digest), RegistryError> {
        let req = Request::new(
            Method::Get,
            self.url(&format!("{repo}/manifests/{reference}")),
        )
        .header("Accept", MANIFEST_ACCEPT)
        .limit(MANIFEST_LIMIT);
        let res = self.exec(req).await?;
        if res.status == 404 {
            return Err(RegistryError::new(
                ErrorKind::NotFound,
                format!(
                    "manifest for {}/{repo}:{reference} not found: {}",
                    self.endpoint.name,
                    describe(res.status, &res.body)
                ),
            ));
        }
        if !res.is_success() {
            return Err(self.fail("GET manifest", &res));
        }
        self.received += res.body.len() as u64;
        let digest = Digest::of(&res.body);
        if reference.starts_with("sha256:") && reference != digest.to_string() {
            return Err(RegistryError::new(
                ErrorKind::DigestMismatch,
                format!(
                    "manifest {reference} from {}: its content hashes to {digest}",
                    self.endpoint.name
                ),
            ));
        }
        self.check_digest(&res, &digest)?;
        let media_type = sniff_media_type(&res)?;
        Ok((media_type, res.body, digest))
    }

    /// GETs a blob, following redirects to its storage, and refuses it
    /// unless it is `size` bytes that hash to `digest`.
    pub async fn get_blob(
        &mut self,
        repo: &str,
        digest: &Digest,
        size: u64,
    ) -> Result<Vec<u8>, RegistryError> {
        if size > self.max_blob {
            return Err(RegistryError::new(
                ErrorKind::TooLarge,
                format!(
                    "blob {digest} is {size} bytes, more than the {} this client takes",
                    self.max_blob
                ),
            ));
        }
        // The limit also bounds an error's body: a 404's JSON is longer
        // than a small config blob, and cut off at `size` it would be
        // reported as an oversized blob. A success is held to exactly
        // `size` bytes below.
        let req = Request::new(Method::Get, self.url(&format!("{repo}/blobs/{digest}")))
            .limit(size.max(ERROR_BODY_LIMIT));
        let res = self.exec(req).await?;
        if !res.is_success() {
            return Err(self.fail(&format!("GET blob {}", digest.short()), &res));
        }
        self.received += res.body.len() as u64;
        let actual = Digest::of(&res.body);
        if actual != *digest || res.body.len() as u64 != size {
            return Err(RegistryError::new(
                ErrorKind::DigestMismatch,
                format!(
                    "blob {digest} from {}: got {} bytes hashing to {actual}, expected {size} bytes: refused, nothing was stored",
                    self.endpoint.name,
                    res.body.len()
                ),
            ));
        }
        Ok(res.body)
    }

    /// The repository's tags, every page of them.
    pub async fn tags(&mut self, repo: &str) -> Result<Vec<String>, RegistryError> {
        #[derive(serde::Deserialize)]
        struct List {
            #[serde(default)]
            tags: Option<Vec<String>>,
        }
        let mut url = self.url(&format!("{repo}/tags/list"));
        let mut out = Vec::new();
        for _ in 0..100 {
            let res = self.exec(Request::new(Method::Get, url.clone())).await?;
            if !res.is_success() {
                return Err(self.fail("GET tags", &res));
            }
            let list: List = serde_json::from_slice(&res.body)
                .map_err(|e| RegistryError::new(ErrorKind::Protocol, format!("tags list: {e}")))?;
            out.extend(list.tags.unwrap_or_default());
            match res.header("link").and_then(next_link) {
                Some(next) => url = resolve(&url, &next),
                None => break,
            }
        }
        Ok(out)
    }

    /// Sends a request with the credentials it needs, answering one auth
    /// challenge, following redirects for reads, and retrying what may be
    /// retried.
    async fn exec(&mut self, request: Request) -> Result<Response, RegistryError> {
        let registry_origin = origin(&self.endpoint.base).map(str::to_string);
        let mut req = request;
        let mut attempt = 0u32;
        let mut challenged = false;
        let mut redirects = Vec::new();
        let mut challenge_scope: Option<String> = None;
        loop {
            let mut r = req.clone();
            let to_registry = origin(&r.url).map(str::to_string) == registry_origin;
            r.remove_header("Authorization");
            if to_registry
                && let Some(auth) = self.authorization(challenge_scope.as_deref()).await?
            {
                r = r.header("Authorization", auth);
            }
            let method = r.method;
            let res = match self.transport.send(r).await {
                Ok(res) => res,
                Err(e) => {
                    if e.kind == TransportErrorKind::Connect
                        && method.idempotent()
                        && attempt + 1 < self.max_attempts
                    {
                        attempt += 1;
                        self.transport.sleep(backoff(attempt)).await;
                        continue;
                    }
                    let kind = match e.kind {
                        TransportErrorKind::TooLarge => ErrorKind::TooLarge,
                        _ => ErrorKind::Transport,
                    };
                    return Err(RegistryError::new(
                        kind,
                        format!("{} {}: {}", method.as_str(), self.endpoint.name, e.message),
                    ));
                }
            };
            match res.status {
                301 | 302 | 303 | 307 | 308 if matches!(method, Method::Get | Method::Head) => {
                    let Some(loc) = res.header("location") else {
                        return Ok(res);
                    };
                    let next = resolve(&req.url, loc);
                    redirects.push(next.clone());
                    if redirects.len() > self.max_redirects as usize {
                        return Err(RegistryError::new(
                            ErrorKind::TooManyRedirects,
                            format!(
                                "{}: stopped after {} redirects (a redirect loop?): {}",
                                self.endpoint.name,
                                self.max_redirects,
                                redirects.join(" → ")
                            ),
                        ));
                    }
                    req.url = next;
                }
                401 if to_registry && !challenged => {
                    challenged = true;
                    let challenges: Vec<Challenge> = res
                        .headers_named("www-authenticate")
                        .filter_map(parse_challenge)
                        .collect();
                    let bearer = challenges
                        .iter()
                        .find(|c| matches!(c, Challenge::Bearer { .. }));
                    match bearer.or(challenges.first()) {
                        Some(Challenge::Bearer {
                            realm,
                            service,
                            scope,
                        }) => {
                            self.scheme = Scheme::Bearer {
                                realm: realm.clone(),
                                service: service.clone(),
                            };
                            // A token the registry no longer takes (expired
                            // early, or for other scopes) is fetched anew.
                            self.tokens.clear();
                            challenge_scope.clone_from(scope);
                        }
                        Some(Challenge::Basic { .. }) => {
                            if self.credentials.is_none() {
                                return Err(self.unauthorized(&res));
                            }
                            self.scheme = Scheme::Basic;
                        }
                        None => return Err(self.unauthorized(&res)),
                    }
                }
                401 if to_registry => return Err(self.unauthorized(&res)),
                429 | 502 | 503 | 504
                    if attempt + 1 < self.max_attempts
                        && (method.idempotent() || res.status == 429) =>
                {
                    attempt += 1;
                    let wait = res
                        .header("retry-after")
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map_or(backoff(attempt), |s| s.min(30) * 1000);
                    self.transport.sleep(wait).await;
                }
                429 => {
                    return Err(RegistryError::new(
                        ErrorKind::RateLimited,
                        format!(
                            "{}: too many requests, still refused after {} attempts: {}",
                            self.endpoint.name,
                            attempt + 1,
                            describe(res.status, &res.body)
                        ),
                    ));
                }
                _ => return Ok(res),
            }
        }
    }

    /// The `Authorization` value for the registry, fetching a token when the
    /// registry wants Bearer and none is fresh.
    async fn authorization(
        &mut self,
        challenge_scope: Option<&str>,
    ) -> Result<Option<String>, RegistryError> {
        match self.scheme.clone() {
            Scheme::Unknown => Ok(None),
            Scheme::Basic => Ok(self.credentials.as_ref().map(Credentials::basic_header)),
            Scheme::Bearer { realm, service } => {
                let mut scopes = self.scopes.clone();
                if let Some(s) = challenge_scope
                    && !scopes.iter().any(|x| x == s)
                {
                    scopes.push(s.to_string());
                }
                scopes.sort();
                let key = scopes.join(" ");
                let now = self.transport.now_millis();
                if let Some(t) = self
                    .tokens
                    .iter()
                    .find(|t| t.scopes == key && now < t.expires_at)
                {
                    return Ok(Some(format!("Bearer {}", t.value)));
                }
                let mut url = realm.clone();
                if let Some(s) = &service {
                    url = with_query(&url, "service", s);
                }
                for s in &scopes {
                    url = with_query(&url, "scope", s);
                }
                let mut req = Request::new(Method::Get, url).limit(1 << 20);
                if let Some(c) = &self.credentials {
                    req = req.header("Authorization", c.basic_header());
                }
                let res = self.transport.send(req).await.map_err(|e| {
                    RegistryError::new(
                        ErrorKind::Transport,
                        format!("token service {realm}: {}", e.message),
                    )
                })?;
                if res.status == 401 || res.status == 403 {
                    return Err(RegistryError::new(
                        ErrorKind::Unauthorized,
                        format!(
                            "{}: the token service {realm} refused {}: {}",
                            self.endpoint.name,
                            self.who(),
                            describe(res.status, &res.body)
                        ),
                    ));
                }
                if !res.is_success() {
                    return Err(RegistryError::new(
                        ErrorKind::Registry,
                        format!("token service {realm}: {}", describe(res.status, &res.body)),
                    ));
                }
                let token = parse_token(&res.body).map_err(|m| {
                    RegistryError::new(ErrorKind::Protocol, format!("token service {realm}: {m}"))
                })?;
                // Renew ten seconds early so a token never expires in flight.
                let expires_at = now + token.expires_in.saturating_sub(10) * 1000;
                self.tokens.retain(|t| t.scopes != key);
                self.tokens.push(CachedToken {
                    scopes: key,
                    value: token.value.clone(),
                    expires_at,
                });
                Ok(Some(format!("Bearer {}", token.value)))
            }
        }
    }

    fn who(&self) -> String {
        match &self.credentials {
            Some(c) => format!("the credentials of {}", c.username),
            None => "anonymous access".into(),
        }
    }

    fn unauthorized(&self, res: &Response) -> RegistryError {
        let hint = match &self.credentials {
            Some(c) => format!(
                "the registry refused the credentials of {}: check the user name and password",
                c.username
            ),
            None => format!("log in first (layerlab login {})", self.endpoint.name),
        };
        RegistryError::new(
            ErrorKind::Unauthorized,
            format!(
                "{}: {}: {hint}",
                self.endpoint.name,
                describe(res.status, &res.body)
            ),
        )
    }

    fn fail(&self, what: &str, res: &Response) -> RegistryError {
        let kind = match res.status {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Denied,
            404 => ErrorKind::NotFound,
            _ => ErrorKind::Registry,
        };
        RegistryError::new(
            kind,
            format!(
                "{what} on {}: {}",
                self.endpoint.name,
                describe(res.status, &res.body)
            ),
        )
    }

    fn location(&self, res: &Response, what: &str) -> Result<String, RegistryError> {
        res.header("location")
            .map(|l| resolve(&self.endpoint.base, l))
            .ok_or_else(|| {
                RegistryError::new(
                    ErrorKind::Protocol,
                    format!(
                        "{what} on {}: answered {} without a Location header (a browser sees this when the registry does not list Location in Access-Control-Expose-Headers)",
                        self.endpoint.name, res.status
                    ),
                )
            })
    }

    fn check_digest(&self, res: &Response, digest: &Digest) -> Result<(), RegistryError> {
        match res.header("docker-content-digest") {
            Some(d) if d.trim() != digest.to_string() => Err(RegistryError::new(
                ErrorKind::DigestMismatch,
                format!(
                    "{}: the registry says the content is {}, but it hashes to {digest}",
                    self.endpoint.name,
                    d.trim()
                ),
            )),
            _ => Ok(()),
        }
    }
}

fn min_chunk_of(res: &Response) -> usize {
    res.header("oci-chunk-min-length")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// 0.5 s, 1 s, 2 s, … capped at 8 s.
fn backoff(attempt: u32) -> u64 {
    (500u64 << attempt.saturating_sub(1).min(4)).min(8000)
}

/// The `rel="next"` target of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params.contains("rel=\"next\"").then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

/// A manifest's media type: the `Content-Type` the registry states, or the
/// `mediaType` field when the header is generic.
fn sniff_media_type(res: &Response) -> Result<String, RegistryError> {
    let header = res
        .header("content-type")
        .map(|v| v.split(';').next().unwrap_or("").trim().to_string())
        .unwrap_or_default();
    if media_types::is_manifest(&header) || media_types::is_index(&header) {
        return Ok(header);
    }
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(rename = "mediaType", default)]
        media_type: String,
        #[serde(default)]
        manifests: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_slice(&res.body).map_err(|e| {
        RegistryError::new(
            ErrorKind::Protocol,
            format!("the manifest is not JSON: {e}"),
        )
    })?;
    Ok(match (probe.media_type.as_str(), probe.manifests) {
        ("", Some(_)) => media_types::OCI_INDEX.to_string(),
        ("", None) => media_types::OCI_MANIFEST.to_string(),
        (t, _) => t.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_give_the_next_page() {
        assert_eq!(
            next_link(r#"</v2/a/tags/list?n=2&last=b>; rel="next""#),
            Some("/v2/a/tags/list?n=2&last=b".into())
        );
        assert_eq!(next_link(r#"</x>; rel="prev""#), None);
    }

    #[test]
    fn backoff_doubles_and_stops_growing() {
        let waits: Vec<u64> = (1..=7).map(backoff).collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
    }

    #[test]
    fn docker_hub_is_reached_at_its_api_host() {
        assert_eq!(
            Endpoint::for_domain("docker.io", false).base,
            "https://registry-1.docker.io"
        );
        assert_eq!(
            Endpoint::for_domain("127.0.0.1:5000", true).base,
            "http://127.0.0.1:5000"
        );
    }
}
