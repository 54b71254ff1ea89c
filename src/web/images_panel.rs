//! The Images tab: the page's image store as `docker images` prints it, and
//! Docker's image commands on it (tag, rmi, history, inspect, prune, system
//! df), each shown with the command line it stands for and Docker's output.
//! The core decides and formats (`build::images`); this face only reads the
//! browser's clock for CREATED.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::backend::Backend;
use super::build::BUILD_TAG;
use super::protocol::{Answer, Call, Docker, Listing};
use crate::build::images::familiar;

#[derive(Properties)]
pub struct ImagesPanelProps {
    pub backend: Rc<Backend>,
    /// The store's generation when the page last rendered: a build or a
    /// pull changes it.
    pub generation: u64,
    /// Whether the tab is shown: listing reads every layer's size, which
    /// a build need not wait for while the tab is hidden.
    pub active: bool,
}

impl PartialEq for ImagesPanelProps {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
            && self.active == other.active
            && Rc::ptr_eq(&self.backend, &other.backend)
    }
}

/// Unix seconds from the browser's clock: the core reads none.
fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// A command and what it printed, as a terminal would show them.
#[derive(Debug, Clone, PartialEq)]
struct Output {
    command: String,
    text: String,
    failed: bool,
}

#[function_component(ImagesPanel)]
pub fn images_panel(props: &ImagesPanelProps) -> Html {
    let backend = props.backend.clone();
    // Bumped by this panel's own commands, which change the store under it.
    let version = use_state(|| 0u64);
    let selected = use_state(|| None::<String>);
    let new_tag = use_state(|| "playground:v1".to_string());
    let force = use_state(|| false);
    let output = use_state(|| None::<Output>);
    // Commands this panel ran that have ended (see `run`).
    let done = use_mut_ref(|| 0u64);
    // The listing and the store's state it shows: one of an older state is
    // not shown while the new one is on its way.
    let listed = use_state(|| None::<((u64, u64), Result<Listing, String>)>);
    // The store's state as the worker last said (a build, a pull, a command
    // here all change it), and this panel's commands, which re-render it.
    let state = (props.backend.generation(), *version);
    {
        let (backend, listed) = (backend.clone(), listed.clone());
        use_effect_with((state, props.active), move |(state, active)| {
            let state = *state;
            if *active {
                backend.call(Call::Images { now: now() }, move |a| match a {
                    Answer::Listing(l) => listed.set(Some((state, l))),
                    Answer::Failed(e) => listed.set(Some((state, Err(e)))),
                    _ => {}
                });
            }
        });
    }
    if !props.active {
        return html! { <div class="images-panel" data-testid="images-panel"></div> };
    }
    // While a newer listing is on its way the last one stays on screen
    // (marked busy), so the buttons, and the keyboard's focus, stay put.
    let busy = !matches!(&*listed, Some((at, _)) if *at == state);
    let Listing { header, rows } = match &*listed {
        Some((_, Ok(list))) => list,
        Some((_, Err(e))) if !busy => {
            return html! { <div class="images-panel"><p class="build-error" role="alert">{format!("The store could not be read: {e}")}</p></div> };
        }
        _ => {
            return html! { <div class="images-panel" data-testid="images-panel"><p class="note">{"Reading the store…"}</p></div> };
        }
    };
    let now = now();
    let chosen = (*selected)
        .as_ref()
        .and_then(|s| rows.iter().find(|r| &r.reference == s))
        .cloned();

    // Sends a command to the store and shows it with its output; `then`
    // runs after a success.
    let run = {
        let (backend, version, output) = (backend.clone(), version.clone(), output.clone());
        move |command: String, call: Docker, then: Option<Callback<()>>| {
            let (version, output, done) = (version.clone(), output.clone(), done.clone());
            // The last command's output goes: this one's comes.
            output.set(None);
            let changes = call.changes_store();
            backend.call(Call::Docker(call), move |answer| {
                let (text, failed) = match answer {
                    Answer::Output(Ok(t)) => (t, false),
                    Answer::Output(Err(t)) | Answer::Failed(t) => (t, true),
                    _ => return,
                };
                if !failed && let Some(then) = &then {
                    then.emit(());
                }
                output.set(Some(Output {
                    command: command.clone(),
                    text,
                    failed,
                }));
                if changes {
                    // Counted here, not read from the state this closure
                    // saw: commands may end in any order.
                    *done.borrow_mut() += 1;
                    version.set(*done.borrow());
                }
            });
        }
    };
    let prune = |all: bool| {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| {
            let command = if all {
                "docker image prune -a -f"
            } else {
                "docker image prune -f"
            };
            run(command.into(), Docker::Prune { all }, None)
        })
    };
    let df = |verbose: bool| {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| {
            let command = if verbose {
                "docker system df -v"
            } else {
                "docker system df"
            };
            run(command.into(), Docker::SystemDf { now, verbose }, None)
        })
    };

    let actions = chosen.map(|row| {
        let reference = row.reference.clone();
        let on_tag = {
            let (run, new_tag, reference) = (run.clone(), new_tag.clone(), reference.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let target = new_tag.trim().to_string();
                let command = format!("docker tag {reference} {target}");
                let call = Docker::Tag {
                    source: reference.clone(),
                    target,
                };
                run(command, call, None)
            })
        };
        // By name, or by ID: Docker treats them differently (an ID with
        // several names needs -f).
        let rmi = |reference: String| {
            let (run, force, selected) = (run.clone(), *force, selected.clone());
            Callback::from(move |_: MouseEvent| {
                let command = format!("docker rmi {}{reference}", if force { "-f " } else { "" });
                let selected = selected.clone();
                let call = Docker::Rmi {
                    reference: reference.clone(),
                    force,
                };
                run(command, call, Some(Callback::from(move |()| selected.set(None))))
            })
        };
        let on_rmi = rmi(reference.clone());
        let on_rmi_id = (!row.dangling).then(|| rmi(row.id.clone()));
        let on_history = {
            let (run, reference) = (run.clone(), reference.clone());
            Callback::from(move |_: MouseEvent| {
                let call = Docker::History {
                    reference: reference.clone(),
                    now,
                };
                run(format!("docker history {reference}"), call, None)
            })
        };
        let on_inspect = {
            let (run, reference) = (run.clone(), reference.clone());
            Callback::from(move |_: MouseEvent| {
                let call = Docker::Inspect {
                    reference: reference.clone(),
                };
                run(format!("docker image inspect {reference}"), call, None)
            })
        };
        let on_tag_input = {
            let new_tag = new_tag.clone();
            Callback::from(move |e: InputEvent| {
                new_tag.set(e.target_unchecked_into::<HtmlInputElement>().value())
            })
        };
        let on_force = {
            let force = force.clone();
            Callback::from(move |e: Event| {
                force.set(e.target_unchecked_into::<HtmlInputElement>().checked())
            })
        };
        html! {
            <section class="image-actions" aria-label={format!("Image {reference}")} data-testid="image-actions">
                <h3>{"Image "}<code>{&reference}</code></h3>
                <form class="image-tag" onsubmit={on_tag}>
                    <label>{"New name"}
                        <input data-testid="tag-input" value={(*new_tag).clone()} oninput={on_tag_input}
                            spellcheck="false" autocomplete="off" placeholder="name:tag" />
                    </label>
                    <button type="submit" class="action" data-testid="tag-button">{"docker tag"}</button>
                </form>
                <div class="image-buttons">
                    <button type="button" class="action" data-testid="history-button" onclick={on_history}>{"history"}</button>
                    <button type="button" class="action" data-testid="inspect-button" onclick={on_inspect}>{"inspect"}</button>
                    <button type="button" class="action danger" data-testid="rmi-button" onclick={on_rmi}>{format!("rmi {reference}")}</button>
                    if let Some(on_rmi_id) = on_rmi_id {
                        <button type="button" class="action danger" data-testid="rmi-id-button" onclick={on_rmi_id}>{format!("rmi {}", row.id)}</button>
                    }
                    <label class="check inline" title="Docker refuses to remove an image by ID while it has several names, unless forced">
                        <input type="checkbox" data-testid="rmi-force" checked={*force} onchange={on_force} />{" -f (force)"}
                    </label>
                </div>
                if row.dangling {
                    <p class="note">{"Dangling: no name points at this image any more. "}<code>{"docker image prune"}</code>{" removes it."}</p>
                }
            </section>
        }
    });

    html! {
        <div class="images-panel" data-testid="images-panel">
            <div class="panel-bar images-bar">
                <button type="button" class="action" data-testid="prune-button" onclick={prune(false)}
                    title="Remove dangling images: those no name points at">{"prune dangling"}</button>
                <button type="button" class="action" data-testid="prune-all-button" onclick={prune(true)}
                    title="Remove every image: no container uses one here">{"prune -a"}</button>
                <button type="button" class="action" data-testid="df-button" onclick={df(false)}>{"system df"}</button>
                <button type="button" class="action" data-testid="df-verbose-button" onclick={df(true)}>{"system df -v"}</button>
            </div>
            <p class="prompt">{"$ docker images"}<span class="note">{" — choose a row for its commands"}</span></p>
            <div class={classes!("images-table", busy.then_some("busy"))} data-testid="images-table" aria-busy={busy.to_string()}>
                <div class="term-line header">{header}</div>
                { for rows.iter().map(|r| {
                    let is_chosen = (*selected).as_deref() == Some(r.reference.as_str());
                    let on_click = {
                        let (selected, reference) = (selected.clone(), r.reference.clone());
                        Callback::from(move |_| selected.set(Some(reference.clone())))
                    };
                    html! {
                        <button type="button" class={classes!("term-line", is_chosen.then_some("chosen"), r.dangling.then_some("dangling"))}
                            aria-pressed={is_chosen.to_string()} data-testid="image-row" data-ref={r.reference.clone()}
                            onclick={on_click}>{&r.line}</button>
                    }
                }) }
                if rows.is_empty() {
                    <p class="empty">{"No images: build the Dockerfile, or pull one in the Push & pull tab."}</p>
                }
            </div>
            { actions.unwrap_or_default() }
            if let Some(o) = &*output {
                <section class="images-output" aria-live="polite">
                    <pre class={classes!("term-output", o.failed.then_some("failed"))} data-testid="images-output"><span class="prompt">{format!("$ {}\n", o.command)}</span>{&o.text}</pre>
                </section>
            }
            <p class="note images-foot">{format!("Every successful build is named {} here, as ", familiar(BUILD_TAG))}<code>{"docker build -t playground ."}</code>{" would name it; the image it replaces stays, dangling. CREATED is 1970 because the page builds with SOURCE_DATE_EPOCH=0, as reproducible builds do."}</p>
        </div>
    }
}
