//! The build's options, as `docker build --target … --build-arg …` takes
//! them: the stage to build and the build arguments.

use std::rc::Rc;

use super::state::{Action, Playground};
use wasm_bindgen::JsCast;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BuildOptionsProps {
    /// The Dockerfile's named stages.
    pub stages: Rc<Vec<String>>,
    pub target: Option<String>,
    pub args_text: Rc<str>,
    pub args_error: Option<String>,
    pub dispatch: UseReducerDispatcher<Playground>,
}

#[function_component(BuildOptions)]
pub fn build_options(props: &BuildOptionsProps) -> Html {
    let on_target = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            {
                let v = s.value();
                dispatch.dispatch(Action::SetTarget((!v.is_empty()).then_some(v)));
            }
        })
    };
    let on_args = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            {
                dispatch.dispatch(Action::SetBuildArgs(t.value()));
            }
        })
    };
    // A target from a link the Dockerfile no longer names stays chosen: the
    // build then says it is missing, rather than building another stage.
    let missing = props
        .target
        .as_ref()
        .filter(|t| !props.stages.iter().any(|s| s == *t));
    html! {
        <section class="build-options" aria-label="Build options" data-testid="build-options">
            <label class="option">
                <span>{"Target stage"}</span>
                <select data-testid="target" onchange={on_target}>
                    <option value="" selected={props.target.is_none()}>{"the last stage"}</option>
                    { for props.stages.iter().map(|s| html! {
                        <option value={s.clone()} selected={props.target.as_ref() == Some(s)}>{s}</option>
                    }) }
                    if let Some(t) = missing {
                        <option value={t.clone()} selected=true>{format!("{t} (not in the Dockerfile)")}</option>
                    }
                </select>
            </label>
            <label class="option args">
                <span>{"Build arguments"}</span>
                <textarea rows="2" spellcheck="false" placeholder="KEY=VALUE, one a line" data-testid="build-args"
                    value={props.args_text.to_string()} oninput={on_args} />
            </label>
            if let Some(e) = &props.args_error {
                <p class="files-error" role="alert" data-testid="build-args-error">{e}</p>
            }
        </section>
    }
}
