//! The page's transport for the registry protocol: the browser's `fetch`.
//!
//! A browser hides why a cross-origin request failed (every CORS refusal is
//! the same "Failed to fetch"), so after a failure the transport asks the
//! registry two questions a browser does answer, and says which check failed
//! and what fixes it.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, RequestMode};

use crate::registry::http::{
    Method, Request, Response, Transport, TransportError, TransportErrorKind, origin,
};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`: the page's or, where pushes run, the worker's.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> js_sys::Promise;
}

/// The origin of the page (or of the worker, which is the page's).
fn page_origin() -> String {
    Reflect::get(&js_sys::global(), &JsValue::from_str("location"))
        .and_then(|l| Reflect::get(&l, &JsValue::from_str("origin")))
        .ok()
        .and_then(|o| o.as_string())
        .unwrap_or_default()
}

pub struct Fetch;

impl Transport for Fetch {
    async fn send(&self, req: Request) -> Result<Response, TransportError> {
        match fetch(&req).await {
            Ok(res) => Ok(res),
            Err(FetchFailure::TooLarge(message)) => {
                Err(TransportError::new(TransportErrorKind::TooLarge, message))
            }
            Err(FetchFailure::Refused(detail)) => {
                let why = diagnose(&req).await;
                Err(TransportError::new(
                    TransportErrorKind::Cors,
                    format!("{why} (the browser said: {detail})"),
                ))
            }
        }
    }

    async fn sleep(&self, millis: u64) {
        gloo::timers::future::TimeoutFuture::new(u32::try_from(millis).unwrap_or(u32::MAX)).await;
    }

    fn now_millis(&self) -> u64 {
        super::clock_millis() as u64
    }
}

enum FetchFailure {
    /// fetch rejected: network, CORS, mixed content: the browser won't say.
    Refused(String),
    TooLarge(String),
}

async fn fetch(req: &Request) -> Result<Response, FetchFailure> {
    let init = RequestInit::new();
    init.set_method(req.method.as_str());
    init.set_mode(RequestMode::Cors);
    let headers = Headers::new().map_err(|e| FetchFailure::Refused(js_text(&e)))?;
    for (n, v) in &req.headers {
        headers
            .append(n, v)
            .map_err(|e| FetchFailure::Refused(js_text(&e)))?;
    }
    init.set_headers(&headers);
    if let Some(body) = &req.body {
        init.set_body(&Uint8Array::from(body.as_slice()));
    } else if matches!(req.method, Method::Put | Method::Post | Method::Patch) {
        init.set_body(&Uint8Array::new_with_length(0));
    }
    let res: web_sys::Response = JsFuture::from(global_fetch(&req.url, &init))
        .await
        .map_err(|e| FetchFailure::Refused(js_text(&e)))?
        .unchecked_into();
    let mut out_headers = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(&res.headers()) {
        for entry in iter.flatten() {
            let pair: js_sys::Array = entry.unchecked_into();
            if let (Some(n), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                out_headers.push((n, v));
            }
        }
    }
    let declared = out_headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<u64>().ok());
    let too_large = || {
        FetchFailure::TooLarge(format!(
            "{}: the answer is larger than the {} bytes allowed",
            req.url, req.limit
        ))
    };
    // A HEAD's Content-Length is the size of what a GET would send.
    if req.method != Method::Head && declared.is_some_and(|n| n > req.limit) {
        return Err(too_large());
    }
    let body = if req.method == Method::Head {
        Vec::new()
    } else {
        let buf = JsFuture::from(
            res.array_buffer()
                .map_err(|e| FetchFailure::Refused(js_text(&e)))?,
        )
        .await
        .map_err(|e| FetchFailure::Refused(js_text(&e)))?;
        let bytes = Uint8Array::new(&buf);
        if u64::from(bytes.length()) > req.limit {
            return Err(too_large());
        }
        bytes.to_vec()
    };
    Ok(Response {
        status: res.status(),
        headers: out_headers,
        body,
    })
}

/// Why a request to a registry failed in this browser: a simple GET (which
/// needs no preflight) with CORS, then one without.
async fn diagnose(req: &Request) -> String {
    let Some(base) = origin(&req.url) else {
        return format!("{} could not be fetched", req.url);
    };
    let page = page_origin();
    if page.starts_with("https://") && base.starts_with("http://") {
        return format!(
            "{base} is plain HTTP and this page is HTTPS: the browser blocks mixed content. Open the page from http://127.0.0.1 (scripts/serve.sh) or give the registry TLS"
        );
    }
    let probe = format!("{base}/v2/");
    let host = base.split("://").nth(1).unwrap_or(base);
    let relay = format!(
        "run `layerlab relay --registry {host}` and put its address (http://127.0.0.1:7070) in the relay field"
    );
    if simple_get(&probe, RequestMode::Cors).await {
        return format!(
            "{host} sends CORS headers, but refused the browser's preflight (OPTIONS) for this {} request: distribution answers it with 401 when authentication is on. Fix: {relay}, or answer OPTIONS in a proxy in front of the registry",
            req.method.as_str()
        );
    }
    if simple_get(&probe, RequestMode::NoCors).await {
        return format!(
            "{host} answers, but sends no CORS headers (Access-Control-Allow-Origin: {page}), so the browser hides its answers from this page; Docker Hub, GHCR and Quay send none. Fix: {relay}, or add Access-Control-Allow-Origin, -Allow-Headers (Authorization, Content-Type, Content-Range, Accept) and -Expose-Headers (Location, Docker-Content-Digest, WWW-Authenticate, Range, Docker-Upload-UUID) to the registry's http.headers"
        );
    }
    format!(
        "{host} could not be reached from this page (not running, refused, a name that does not resolve, or a TLS certificate the browser does not trust)"
    )
}

async fn simple_get(url: &str, mode: RequestMode) -> bool {
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_mode(mode);
    let promise = global_fetch(url, &init);
    JsFuture::from(promise).await.is_ok()
}

fn js_text(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        return s;
    }
    Reflect::get(v, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
