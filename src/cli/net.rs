//! The CLI's transport for the registry protocol: ureq, blocking, one
//! request at a time; redirects are the protocol's to follow.

use std::io;
use std::time::{Duration, Instant};

use crate::registry::http::{
    Method, Request, Response, Transport, TransportError, TransportErrorKind,
};

pub struct Native {
    agent: ureq::Agent,
    start: Instant,
}

impl Native {
    pub fn new() -> Native {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_recv_response(Some(Duration::from_secs(300)))
            .user_agent(concat!("layerlab/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Native {
            agent,
            start: Instant::now(),
        }
    }
}

impl Transport for Native {
    async fn send(&self, req: Request) -> Result<Response, TransportError> {
        let mut b = ureq::http::Request::builder()
            .method(req.method.as_str())
            .uri(&req.url);
        for (n, v) in &req.headers {
            b = b.header(n, v);
        }
        let built = |e: ureq::http::Error| {
            TransportError::new(TransportErrorKind::Other, format!("{}: {e}", req.url))
        };
        let result = match (&req.body, req.method) {
            (Some(body), _) => self.agent.run(b.body(body.as_slice()).map_err(built)?),
            (None, Method::Put | Method::Post | Method::Patch) => {
                self.agent.run(b.body(&[][..]).map_err(built)?)
            }
            (None, _) => self.agent.run(b.body(()).map_err(built)?),
        };
        let mut res = result.map_err(|e| failure(&req.url, e))?;
        let status = res.status().as_u16();
        let headers = res
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = if req.method == Method::Head {
            Vec::new()
        } else {
            res.body_mut()
                .with_config()
                .limit(req.limit)
                .read_to_vec()
                .map_err(|e| match e {
                    ureq::Error::BodyExceedsLimit(n) => TransportError::new(
                        TransportErrorKind::TooLarge,
                        format!(
                            "{}: the answer is larger than the {n} bytes allowed",
                            req.url
                        ),
                    ),
                    e => failure(&req.url, e),
                })?
        };
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    async fn sleep(&self, millis: u64) {
        std::thread::sleep(Duration::from_millis(millis));
    }

    fn now_millis(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

fn failure(url: &str, e: ureq::Error) -> TransportError {
    let kind = match &e {
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                io::ErrorKind::ConnectionRefused
                    | io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
                    | io::ErrorKind::BrokenPipe
                    | io::ErrorKind::UnexpectedEof
                    | io::ErrorKind::TimedOut
            ) =>
        {
            TransportErrorKind::Connect
        }
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed | ureq::Error::Timeout(_) => {
            TransportErrorKind::Connect
        }
        _ => TransportErrorKind::Other,
    };
    TransportError::new(kind, format!("{url}: {e}"))
}
