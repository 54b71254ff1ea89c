//! The Share box: the playground's link (copied when the browser lets the
//! page copy), a state file for playgrounds too big for a chat, and opening
//! a state file.

use std::rc::Rc;

use super::links;
use super::state::{Action, Playground};
use crate::share;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShareBoxProps {
    /// What was shared, as it was when Share was pressed.
    pub shared: Rc<share::Playground>,
    pub dispatch: UseReducerDispatcher<Playground>,
    pub on_close: Callback<()>,
}

#[derive(Clone, PartialEq)]
enum Copied {
    Trying,
    Yes,
    /// The browser refused: the link is selected in the field instead.
    No,
}

#[function_component(ShareBox)]
pub fn share_box(props: &ShareBoxProps) -> Html {
    let link = use_memo(props.shared.clone(), |p| links::link_of(p));
    let copied = use_state(|| Copied::Trying);
    let field = use_node_ref();
    {
        let (link, copied, field) = (link.clone(), copied.clone(), field.clone());
        let dispatch = props.dispatch.clone();
        use_effect_with(props.shared.clone(), move |_| {
            copied.set(Copied::Trying);
            if let Some(l) = (*link).clone() {
                links::show_link(&l);
                dispatch.dispatch(Action::Shared);
                wasm_bindgen_futures::spawn_local(async move {
                    match links::copy(&l).await {
                        Ok(()) => copied.set(Copied::Yes),
                        Err(_) => {
                            if let Some(input) = field.cast::<HtmlInputElement>() {
                                input.select();
                            }
                            copied.set(Copied::No)
                        }
                    }
                });
            }
        });
    }
    let download = {
        let (shared, dispatch) = (props.shared.clone(), props.dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            let text = share::to_file_json(&shared);
            if let Err(e) = links::download("layerlab-state.json", &text, "application/json") {
                dispatch.dispatch(Action::Notice(Some(format!(
                    "the state file could not be made: {e:?}"
                ))));
            }
        })
    };
    let open_file = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                open_state_file(input, dispatch.clone());
            }
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        {
            input.select();
        }
    });
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <section class="share-box" role="dialog" aria-label="Share" data-testid="share-box">
            { match &*link {
                Some(l) => html! {
                    <>
                        <label class="share-link">
                            <span>{"Link"}</span>
                            <input ref={field} type="text" readonly=true value={l.clone()} data-testid="share-link"
                                onfocus={select_all} />
                        </label>
                        <p class="share-status" role="status" data-testid="share-status">
                            { match *copied {
                                Copied::Trying => "Copying…".to_string(),
                                Copied::Yes => format!("Copied: {} characters. The link holds the whole playground; opening it builds nothing by itself.", l.chars().count()),
                                Copied::No => "Copy the selected link (Ctrl+C): this browser did not let the page copy it.".to_string(),
                            } }
                        </p>
                        if share::too_long(l) {
                            <p class="share-warning" data-testid="share-too-long">
                                {format!("{} characters: too long for most chat apps (more than {}). Send the state file instead.",
                                    l.chars().count(), share::CHAT_LIMIT)}
                            </p>
                        }
                    </>
                },
                None => html! {
                    <p class="share-warning" data-testid="share-too-long">
                        {"This playground is too big for a link: download the state file and send that."}
                    </p>
                },
            } }
            <div class="share-actions">
                <button type="button" class="small" data-testid="download-state" onclick={download}>{"Download state"}</button>
                <label class="small upload">
                    {"Open state file"}
                    <input type="file" accept=".json,application/json" data-testid="open-state" onchange={open_file} />
                </label>
                <span class="spacer"></span>
                <button type="button" class="small" data-testid="share-close" onclick={close}>{"Close"}</button>
            </div>
        </section>
    }
}

/// Reads a state file the user picked and opens it (never builds it).
fn open_state_file(input: HtmlInputElement, dispatch: UseReducerDispatcher<Playground>) {
    let Some(file) = input.files().and_then(|l| l.get(0)) else {
        return;
    };
    input.set_value("");
    if file.size() > share::MAX_STATE_FILE as f64 {
        dispatch.dispatch(Action::Notice(Some(format!(
            "{} is not opened: a state file may have at most {} MiB",
            file.name(),
            share::MAX_STATE_FILE >> 20
        ))));
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let opened = links::read_bytes(&file)
            .await
            .map_err(|e| format!("{e:?}"))
            .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string()))
            .and_then(|text| share::from_file_json(&text).map_err(|e| e.to_string()));
        match opened {
            Ok(p) => dispatch.dispatch(Action::Load {
                playground: Box::new(p),
                from_history: false,
            }),
            Err(e) => dispatch.dispatch(Action::Notice(Some(format!(
                "{} could not be opened: {e}",
                file.name()
            )))),
        }
    });
}
