//! The build worker: a dedicated web worker (its own wasm, `src/bin/
//! layerlab-worker.rs`) that owns the page's image store and does all the
//! work on it, so a build never holds up the page's typing and lint.
//!
//! It answers the page's [`Call`]s in order: a build streams its log a step
//! at a time; a push or pull runs on a snapshot of the store while builds go
//! on, and streams Docker's lines. Nothing here starts by itself.

use std::rc::Rc;

use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::build::Session;
use super::net::Fetch;
use super::protocol::{Answer, Call, Docker, Envelope, ImageRow, Listing};
use crate::build::images::{self, HistoryOptions, ImagesOptions, truncate_id};
use crate::oci::digest::Digest;
use crate::registry::auth::Credentials;
use crate::registry::client::{Client, Endpoint};
use crate::registry::reference::Reference;
use crate::registry::{pull, push};

type Post = Rc<dyn Fn(u32, Answer)>;

/// Listens for the page's calls. The worker's entry point.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let post: Post = {
        let scope = scope.clone();
        Rc::new(move |id, body| {
            let text = serde_json::to_string(&Envelope { id, body }).unwrap_or_else(|e| {
                let failed = Envelope {
                    id,
                    body: Answer::Failed(format!("the answer could not be written: {e}")),
                };
                serde_json::to_string(&failed).unwrap_or_default()
            });
            let _ = scope.post_message(&JsValue::from_str(&text));
        })
    };
    let session = Rc::new(Session::new());
    let on_message = {
        let post = post.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let text = e.data().as_string().unwrap_or_default();
            match serde_json::from_str::<Envelope<Call>>(&text) {
                Ok(call) => answer(&session, call.id, call.body, &post),
                Err(e) => {
                    #[derive(Deserialize)]
                    struct Id {
                        id: u32,
                    }
                    let id = serde_json::from_str::<Id>(&text).map_or(0, |i| i.id);
                    post(
                        id,
                        Answer::Failed(format!("the worker could not read the call: {e}")),
                    );
                }
            }
        })
    };
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: so does its listener.
    on_message.forget();
    post(0, Answer::Ready);
}

fn answer(session: &Rc<Session>, id: u32, call: Call, post: &Post) {
    match call {
        Call::Build {
            dockerfile,
            files,
            build_args,
            target,
            refuse,
        } => {
            let (attempt, image) = match refuse {
                Some(why) => (session.refuse(why), None),
                None => session.run_streaming(&dockerfile, &files, &build_args, target, &mut |s| {
                    post(id, Answer::Step(s.clone()))
                }),
            };
            post(id, Answer::Built { attempt, image });
        }
        Call::Images { now } => {
            post(
                id,
                Answer::Listing(session.images().map(|l| listing(&l, now))),
            );
        }
        Call::Docker(command) => post(id, Answer::Output(docker(session, command))),
        Call::RulePage { code } => post(
            id,
            Answer::Output(super::rules::page_html(&code).ok_or_else(|| format!("no rule {code}"))),
        ),
        Call::Push {
            name,
            manifest,
            relay,
            credentials,
        } => {
            let post = post.clone();
            // The push reads a snapshot, so builds can run meanwhile.
            let store = session.store_snapshot();
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    let target =
                        Reference::parse_normalized(&name).map_err(|e| format!("{name}: {e}"))?;
                    let manifest = Digest::parse(&manifest).map_err(|e| e.to_string())?;
                    let mut client = client(&target.domain, &relay, credentials);
                    let p = push::push(&mut client, &store, &manifest, &target, &mut |e| {
                        post(id, Answer::Transfer(e))
                    })
                    .await
                    .map_err(|e| e.message)?;
                    Ok(format!(
                        "Pushed {target}: {} uploaded, {} already there, {} mounted; manifest {}",
                        p.uploaded, p.existed, p.mounted, p.digest
                    ))
                }
                .await;
                post(id, Answer::Transferred(result));
            });
        }
        Call::Pull {
            reference,
            relay,
            credentials,
        } => {
            let (post, session) = (post.clone(), session.clone());
            let mut store = session.store_snapshot();
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    let mut r = Reference::parse_normalized(reference.trim())
                        .map_err(|e| format!("{}: {e}", reference.trim()))?;
                    if r.tag.is_none() && r.digest.is_none() {
                        r.tag = Some("latest".into());
                    }
                    let mut client = client(&r.domain, &relay, credentials);
                    // A page keeps what it pulls in memory: bounded.
                    client.max_blob = 512 << 20;
                    let p = pull::pull(&mut client, &mut store, &r, "linux/amd64", &mut |e| {
                        post(id, Answer::Transfer(e))
                    })
                    .await
                    .map_err(|e| e.message)?;
                    session.absorb(&store, &p)?;
                    Ok(match &p.name {
                        Some(n) if p.up_to_date => format!("Status: Image is up to date for {n}"),
                        Some(n) => {
                            format!("Status: Downloaded newer image for {n} — use it in FROM {n}")
                        }
                        None => format!("Pulled {}", p.digest),
                    })
                }
                .await;
                post(id, Answer::Transferred(result));
            });
        }
    }
}

/// A client for the registry of `domain`, through the relay when one is
/// given.
fn client(domain: &str, relay: &str, credentials: Option<(String, String)>) -> Client<Fetch> {
    let credentials = credentials.map(|(user, secret)| Credentials::new(user, secret));
    Client::new(Fetch, endpoint(domain, relay), credentials)
}

/// The registry's API as this page reaches it: through the relay when one
/// is given (`http://127.0.0.1:7070/<host>`), else directly, HTTP for
/// loopback and HTTPS for the rest.
fn endpoint(domain: &str, relay: &str) -> Endpoint {
    let relay = relay.trim().trim_end_matches('/');
    let host = domain.rsplit_once(':').map_or(domain, |(h, _)| h);
    let loopback = host == "localhost" || host.starts_with("127.") || host == "[::1]";
    let direct = Endpoint::for_domain(domain, loopback);
    if relay.is_empty() {
        return direct;
    }
    let api_host = direct
        .base
        .split("://")
        .nth(1)
        .unwrap_or(domain)
        .to_string();
    Endpoint {
        base: format!("{relay}/{api_host}"),
        name: format!("{domain} (through the relay at {relay})"),
    }
}

/// The table's lines, each with the row it prints.
fn listing(list: &[images::ImageView], now: i64) -> Listing {
    let text = images::format_images(list, None, now, ImagesOptions::default());
    let mut lines = text.lines().map(str::to_string);
    let header = lines.next().unwrap_or_default();
    let rows = images::image_rows(list, None)
        .into_iter()
        .zip(lines)
        .map(|(r, line)| {
            let id = truncate_id(&r.image.id.to_string());
            let dangling = r.image.is_dangling();
            ImageRow {
                reference: if dangling {
                    id.clone()
                } else {
                    format!("{}:{}", r.repo, r.tag)
                },
                id,
                line,
                dangling,
            }
        })
        .collect();
    Listing { header, rows }
}

fn daemon_error(e: &images::ImagesError) -> String {
    match e {
        images::ImagesError::InvalidReference(..) => format!("{e}\n"),
        _ => format!("Error response from daemon: {e}\n"),
    }
}

/// What an image command prints, as Docker prints it.
fn docker(session: &Session, command: Docker) -> Result<String, String> {
    match command {
        Docker::Tag { source, target } => session
            .tag(&source, &target)
            .map(|()| String::new())
            .map_err(|e| daemon_error(&e)),
        Docker::Rmi { reference, force } => session
            .remove(&reference, force)
            .map(|r| r.records.iter().map(|rec| rec.rmi_line() + "\n").collect())
            .map_err(|e| daemon_error(&e)),
        Docker::Prune { all } => session.prune(all).map_err(|e| daemon_error(&e)),
        Docker::SystemDf { now, verbose } => session
            .system_df(now, verbose)
            .map_err(|e| daemon_error(&e)),
        Docker::History { reference, now } => session.images().and_then(|list| {
            images::find(&list, &reference)
                .map(|img| images::format_history(img, now, HistoryOptions::default()))
                .map_err(|e| daemon_error(&e))
        }),
        Docker::Inspect { reference } => session.images().and_then(|list| {
            images::find(&list, &reference)
                .map(|img| images::inspect_json(&[img]))
                .map_err(|_| format!("Error: No such image: {reference}\n"))
        }),
    }
}
