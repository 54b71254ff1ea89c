//! The Images tab: the page's image store as `docker images` prints it, and
//! Docker's image commands on it (tag, rmi, history, inspect, prune, system
//! df), each shown with the command line it stands for and Docker's output.
//! The core decides and formats (`build::images`); this face only reads the
//! browser's clock for CREATED.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::build::Session;
use crate::build::images::{self, HistoryOptions, ImagesOptions, familiar, truncate_id};

#[derive(Properties)]
pub struct ImagesPanelProps {
    pub session: Rc<Session>,
    /// The session's generation when the page last rendered: a build or a
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
            && Rc::ptr_eq(&self.session, &other.session)
    }
}

/// Unix seconds from the browser's clock: the core reads none.
fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// One row of the table and the reference Docker's commands take for it: its
/// name, or its short ID when it has none.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    reference: String,
    /// The short ID, for `docker rmi <id>`.
    id: String,
    line: String,
    dangling: bool,
}

/// The table's lines, each with the row it prints.
fn rows(list: &[images::ImageView], now: i64) -> (String, Vec<Row>) {
    let text = images::format_images(list, None, now, ImagesOptions::default());
    let mut lines = text.lines().map(str::to_string);
    let header = lines.next().unwrap_or_default();
    let rows = images::image_rows(list, None)
        .into_iter()
        .zip(lines)
        .map(|(r, line)| {
            let id = truncate_id(&r.image.id.to_string());
            let dangling = r.image.is_dangling();
            Row {
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
    (header, rows)
}

/// A command and what it printed, as a terminal would show them.
#[derive(Debug, Clone, PartialEq)]
struct Output {
    command: String,
    text: String,
    failed: bool,
}

fn daemon_error(e: &images::ImagesError) -> String {
    match e {
        images::ImagesError::InvalidReference(..) => format!("{e}\n"),
        _ => format!("Error response from daemon: {e}\n"),
    }
}

#[function_component(ImagesPanel)]
pub fn images_panel(props: &ImagesPanelProps) -> Html {
    let session = props.session.clone();
    // Bumped by this panel's own commands, which change the store under it.
    let version = use_state(|| 0u64);
    let selected = use_state(|| None::<String>);
    let new_tag = use_state(|| "playground:v1".to_string());
    let force = use_state(|| false);
    let output = use_state(|| None::<Output>);
    let listed = {
        let session = session.clone();
        use_memo(
            (session.generation(), *version, props.active),
            move |(_, _, active)| {
                if *active {
                    session.images()
                } else {
                    Ok(Vec::new())
                }
            },
        )
    };
    if !props.active {
        return html! { <div class="images-panel" data-testid="images-panel"></div> };
    }
    let list = match &*listed {
        Ok(list) => list,
        Err(e) => {
            return html! { <div class="images-panel"><p class="build-error" role="alert">{format!("The store could not be read: {e}")}</p></div> };
        }
    };
    let now = now();
    let (header, rows) = rows(list, now);
    let chosen = (*selected)
        .as_ref()
        .and_then(|s| rows.iter().find(|r| &r.reference == s))
        .cloned();

    // Runs a command on the store and shows it with its output.
    let run = {
        let (version, output) = (version.clone(), output.clone());
        move |command: String, result: Result<String, String>| {
            let (text, failed) = match result {
                Ok(t) => (t, false),
                Err(t) => (t, true),
            };
            output.set(Some(Output {
                command,
                text,
                failed,
            }));
            version.set(*version + 1);
        }
    };
    let prune = |all: bool| {
        let (session, run) = (session.clone(), run.clone());
        Callback::from(move |_: MouseEvent| {
            let command = if all {
                "docker image prune -a -f"
            } else {
                "docker image prune -f"
            };
            run(
                command.into(),
                session.prune(all).map_err(|e| daemon_error(&e)),
            )
        })
    };
    let df = |verbose: bool| {
        let (session, run) = (session.clone(), run.clone());
        Callback::from(move |_: MouseEvent| {
            let command = if verbose {
                "docker system df -v"
            } else {
                "docker system df"
            };
            run(
                command.into(),
                session
                    .system_df(now, verbose)
                    .map_err(|e| daemon_error(&e)),
            )
        })
    };

    let actions = chosen.map(|row| {
        let reference = row.reference.clone();
        let on_tag = {
            let (session, run, new_tag, reference) =
                (session.clone(), run.clone(), new_tag.clone(), reference.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let target = new_tag.trim().to_string();
                let command = format!("docker tag {reference} {target}");
                run(
                    command,
                    session
                        .tag(&reference, &target)
                        .map(|()| String::new())
                        .map_err(|e| daemon_error(&e)),
                )
            })
        };
        // By name, or by ID: Docker treats them differently (an ID with
        // several names needs -f).
        let rmi = |reference: String| {
            let (session, run, force, selected) =
                (session.clone(), run.clone(), *force, selected.clone());
            Callback::from(move |_: MouseEvent| {
                let command = format!("docker rmi {}{reference}", if force { "-f " } else { "" });
                let result = session.remove(&reference, force);
                if result.is_ok() {
                    selected.set(None);
                }
                run(
                    command,
                    result
                        .map(|r| r.records.iter().map(|rec| rec.rmi_line() + "\n").collect())
                        .map_err(|e| daemon_error(&e)),
                )
            })
        };
        let on_rmi = rmi(reference.clone());
        let on_rmi_id = (!row.dangling).then(|| rmi(row.id.clone()));
        let on_history = {
            let (session, run, reference) = (session.clone(), run.clone(), reference.clone());
            Callback::from(move |_: MouseEvent| {
                let text = session.images().and_then(|list| {
                    images::find(&list, &reference)
                        .map(|img| images::format_history(img, now, HistoryOptions::default()))
                        .map_err(|e| daemon_error(&e))
                });
                run(format!("docker history {reference}"), text)
            })
        };
        let on_inspect = {
            let (session, run, reference) = (session.clone(), run.clone(), reference.clone());
            Callback::from(move |_: MouseEvent| {
                let text = session.images().and_then(|list| {
                    images::find(&list, &reference)
                        .map(|img| images::inspect_json(&[img]))
                        .map_err(|_| format!("Error: No such image: {reference}\n"))
                });
                run(format!("docker image inspect {reference}"), text)
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
            <div class="images-table" data-testid="images-table">
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
            <p class="note images-foot">{format!("Every successful build is named {} here, as ", familiar(super::build::BUILD_TAG))}<code>{"docker build -t playground ."}</code>{" would name it; the image it replaces stays, dangling. CREATED is 1970 because the page builds with SOURCE_DATE_EPOCH=0, as reproducible builds do."}</p>
        </div>
    }
}
