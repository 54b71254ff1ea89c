//! The Push & pull tab: pushes the built image to a registry with `fetch`
//! and pulls an image into the page's store (usable in FROM), showing
//! Docker's lines as they happen.
//!
//! Credentials live in this component's memory; "remember in this tab" puts
//! them in sessionStorage, nowhere else. Nothing here runs unless a button
//! is pressed: a shared link can fill no field and start no transfer.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::backend::Backend;
use super::build::{ImageView, human_size};
use super::protocol::{Answer, Call};
use crate::registry::reference::Reference;
use crate::registry::{Event, Status};

#[derive(Properties)]
pub struct RegistryPanelProps {
    pub image: Option<Rc<ImageView>>,
    pub backend: Rc<Backend>,
}

impl PartialEq for RegistryPanelProps {
    fn eq(&self, other: &Self) -> bool {
        self.image == other.image && Rc::ptr_eq(&self.backend, &other.backend)
    }
}

/// One row of the transfer log: a layer's latest state, or a whole line.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: Option<String>,
    text: String,
    /// Bytes moved and total, while a layer transfers.
    progress: Option<(u64, u64)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Transfer {
    running: bool,
    rows: Vec<Row>,
    /// The final word: `Ok` text or the error.
    outcome: Option<Result<String, String>>,
}

enum Msg {
    Start(&'static str),
    Event(Event),
    Done(Result<String, String>),
}

impl Reducible for Transfer {
    type Action = Msg;
    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        match msg {
            Msg::Start(what) => {
                next = Transfer {
                    running: true,
                    rows: vec![Row {
                        id: None,
                        text: format!("{what}…"),
                        progress: None,
                    }],
                    outcome: None,
                };
            }
            Msg::Event(Event::Line(text)) => next.rows.push(Row {
                id: None,
                text,
                progress: None,
            }),
            Msg::Event(Event::Layer { id, status }) => {
                let text = format!("{id}: {status}");
                let progress = None;
                match next.rows.iter_mut().find(|r| r.id.as_deref() == Some(&id)) {
                    Some(r) => {
                        r.text = text;
                        r.progress = progress;
                    }
                    None => next.rows.push(Row {
                        id: Some(id),
                        text,
                        progress,
                    }),
                }
            }
            Msg::Event(Event::Progress { id, done, total }) => {
                if let Some(r) = next.rows.iter_mut().find(|r| r.id.as_deref() == Some(&id)) {
                    r.progress = Some((done, total));
                }
            }
            Msg::Done(outcome) => {
                next.running = false;
                next.outcome = Some(outcome);
            }
        }
        Rc::new(next)
    }
}

fn value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn bind(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| state.set(value(&e)))
}

const REMEMBER_KEY: &str = "layerlab.registry-login";

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Shows a transfer's answers from the worker.
fn on_answer(transfer: UseReducerHandle<Transfer>) -> impl FnMut(Answer) {
    move |answer| match answer {
        Answer::Transfer(e) => transfer.dispatch(Msg::Event(e)),
        Answer::Transferred(outcome) => transfer.dispatch(Msg::Done(outcome)),
        Answer::Failed(why) => transfer.dispatch(Msg::Done(Err(why))),
        _ => {}
    }
}

#[function_component(RegistryPanel)]
pub fn registry_panel(props: &RegistryPanelProps) -> Html {
    let registry = use_state(|| "127.0.0.1:5000".to_string());
    let repository = use_state(|| "demo/app".to_string());
    let tag = use_state(|| "latest".to_string());
    let relay = use_state(String::new);
    let saved: Option<(String, String)> = use_memo((), |_| {
        let raw = session_storage()?.get_item(REMEMBER_KEY).ok()??;
        serde_json::from_str(&raw).ok()
    })
    .as_ref()
    .clone();
    let username = use_state(|| saved.as_ref().map(|s| s.0.clone()).unwrap_or_default());
    let password = use_state(|| saved.as_ref().map(|s| s.1.clone()).unwrap_or_default());
    let remember = use_state(|| saved.is_some());
    let pull_ref = use_state(|| "127.0.0.1:5000/demo/app:latest".to_string());
    let transfer = use_reducer(Transfer::default);

    let credentials = {
        let (username, password, remember) = (username.clone(), password.clone(), remember.clone());
        move || -> Option<(String, String)> {
            if let Some(s) = session_storage() {
                if *remember && !username.is_empty() {
                    let json = serde_json::to_string(&(&*username, &*password)).unwrap_or_default();
                    let _ = s.set_item(REMEMBER_KEY, &json);
                } else {
                    let _ = s.remove_item(REMEMBER_KEY);
                }
            }
            (!username.is_empty()).then(|| ((*username).clone(), (*password).clone()))
        }
    };

    let on_push = {
        let (registry, repository, tag, relay) = (
            registry.clone(),
            repository.clone(),
            tag.clone(),
            relay.clone(),
        );
        let (transfer, backend, image) =
            (transfer.clone(), props.backend.clone(), props.image.clone());
        let credentials = credentials.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(image) = image.clone() else { return };
            if transfer.running {
                return;
            }
            let name = format!("{}/{}:{}", registry.trim(), repository.trim(), tag.trim());
            if let Err(e) = Reference::parse_normalized(&name) {
                transfer.dispatch(Msg::Done(Err(format!("{name}: {e}"))));
                return;
            }
            let call = Call::Push {
                name,
                manifest: image.manifest.to_string(),
                relay: (*relay).clone(),
                credentials: credentials(),
            };
            transfer.dispatch(Msg::Start("Pushing"));
            backend.call(call, on_answer(transfer.clone()));
        })
    };

    let on_pull = {
        let (pull_ref, relay) = (pull_ref.clone(), relay.clone());
        let (transfer, backend) = (transfer.clone(), props.backend.clone());
        let credentials = credentials.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if transfer.running {
                return;
            }
            if let Err(e) = Reference::parse_normalized(pull_ref.trim()) {
                transfer.dispatch(Msg::Done(Err(format!("{}: {e}", pull_ref.trim()))));
                return;
            }
            let call = Call::Pull {
                reference: (*pull_ref).clone(),
                relay: (*relay).clone(),
                credentials: credentials(),
            };
            transfer.dispatch(Msg::Start("Pulling"));
            backend.call(call, on_answer(transfer.clone()));
        })
    };

    let busy = transfer.running;
    let toggle_remember = {
        let remember = remember.clone();
        Callback::from(move |_: web_sys::Event| remember.set(!*remember))
    };
    html! {
        <div class="registry-panel" data-testid="registry-panel">
            <form class="reg-form" onsubmit={on_push} aria-label="Push the built image">
                <h3>{"Push the built image"}</h3>
                if let Some(img) = &props.image {
                    <p class="note">{format!("Build #{}: {} in {} layers, manifest {}", img.number, human_size(img.size()), img.layers.len(), img.manifest.short())}</p>
                } else {
                    <p class="note">{"Build first: the push sends the image of the latest successful build."}</p>
                }
                <div class="reg-grid">
                    <label>{"Registry"}<input data-testid="push-registry" value={(*registry).clone()} oninput={bind(&registry)} spellcheck="false" autocomplete="off" /></label>
                    <label>{"Repository"}<input data-testid="push-repository" value={(*repository).clone()} oninput={bind(&repository)} spellcheck="false" autocomplete="off" /></label>
                    <label>{"Tag"}<input data-testid="push-tag" value={(*tag).clone()} oninput={bind(&tag)} spellcheck="false" autocomplete="off" /></label>
                    <label>{"User"}<input data-testid="reg-user" value={(*username).clone()} oninput={bind(&username)} autocomplete="username" /></label>
                    <label>{"Password or token"}<input data-testid="reg-password" type="password" value={(*password).clone()} oninput={bind(&password)} autocomplete="current-password" /></label>
                    <label class="wide">{"Relay (optional)"}<input data-testid="reg-relay" value={(*relay).clone()} oninput={bind(&relay)} placeholder="http://127.0.0.1:7070 — see `layerlab relay`" spellcheck="false" autocomplete="off" /></label>
                </div>
                <label class="check"><input type="checkbox" data-testid="reg-remember" checked={*remember} onchange={toggle_remember} />{" Remember the login in this tab (sessionStorage; otherwise memory only)"}</label>
                <button type="submit" class="action" data-testid="push-button" disabled={busy || props.image.is_none()}>{"Push"}</button>
            </form>
            <form class="reg-form" onsubmit={on_pull} aria-label="Pull an image">
                <h3>{"Pull an image"}</h3>
                <div class="reg-grid">
                    <label class="wide">{"Image"}<input data-testid="pull-ref" value={(*pull_ref).clone()} oninput={bind(&pull_ref)} spellcheck="false" autocomplete="off" /></label>
                </div>
                <button type="submit" class="action" data-testid="pull-button" disabled={busy}>{"Pull"}</button>
                <p class="note">{"A pulled image joins the page's store: FROM can use it. Most public registries send no CORS headers; run "}<code>{"layerlab relay --registry HOST"}</code>{" and put its address in the relay field."}</p>
            </form>
            <div role="status" aria-live="polite" class="transfer" data-testid="transfer">
                if !transfer.rows.is_empty() {
                    <ol class="transfer-log" data-testid="transfer-log">
                        { for transfer.rows.iter().map(|r| html! {
                            <li data-testid="transfer-row">
                                {&r.text}
                                if let Some((done, total)) = r.progress.filter(|_| !r.text.ends_with(&Status::Pushed.to_string())) {
                                    <span class="progress">{format!(" {} / {}", human_size(done), human_size(total))}</span>
                                }
                            </li>
                        }) }
                    </ol>
                }
                { match &transfer.outcome {
                    Some(Ok(m)) => html! { <p class="transfer-ok" data-testid="transfer-ok">{m}</p> },
                    Some(Err(m)) => html! { <p class="transfer-error" role="alert" data-testid="transfer-error">{m}</p> },
                    None => html! {},
                } }
            </div>
        </div>
    }
}
