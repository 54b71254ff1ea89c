//! A context file, open in place of the Dockerfile: its name (renaming),
//! its executable bit, its text in a plain textarea, and Delete.

use std::rc::Rc;

use super::build::human_size;
use super::context::MAX_EDITABLE_BYTES;
use super::state::{Action, Playground};
use crate::share::File;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FileEditorProps {
    pub file: Rc<File>,
    pub ignored: bool,
    pub dispatch: UseReducerDispatcher<Playground>,
}

#[function_component(FileEditor)]
pub fn file_editor(props: &FileEditorProps) -> Html {
    let f = &props.file;
    let dispatch = props.dispatch.clone();
    let path = f.path.clone();
    let rename = {
        let (dispatch, from) = (dispatch.clone(), path.clone());
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                let to = input.value();
                // The old name until the reducer takes the new one: a refused
                // name must not stay in the field looking accepted.
                input.set_value(&from);
                dispatch.dispatch(Action::RenameFile {
                    from: from.clone(),
                    to,
                });
            }
        })
    };
    let executable = {
        let (dispatch, path) = (dispatch.clone(), path.clone());
        Callback::from(move |e: Event| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                dispatch.dispatch(Action::SetExecutable {
                    path: path.clone(),
                    executable: input.checked(),
                });
            }
        })
    };
    let delete = {
        let (dispatch, path) = (dispatch.clone(), path.clone());
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::DeleteFile(path.clone())))
    };
    let edit = {
        let (dispatch, path) = (dispatch.clone(), path.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            {
                dispatch.dispatch(Action::EditFile {
                    path: path.clone(),
                    text: t.value(),
                });
            }
        })
    };
    let run = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                dispatch.dispatch(Action::BuildRequested);
            }
        })
    };
    let text = (f.content.len() <= MAX_EDITABLE_BYTES)
        .then(|| std::str::from_utf8(&f.content).ok())
        .flatten();
    html! {
        <section class="file-editor" aria-label={format!("Context file {}", f.path)} data-testid="file-editor">
            <div class="file-bar">
                <input class="file-name" type="text" value={f.path.clone()} aria-label="File name (Enter renames)"
                    spellcheck="false" autocomplete="off" data-testid="file-name" onchange={rename} />
                <label class="check-inline" title="Mode 0755 instead of 0644">
                    <input type="checkbox" checked={f.mode & 0o111 != 0} data-testid="file-executable" onchange={executable} />
                    {"executable"}
                </label>
                <span class="size">{human_size(f.content.len() as u64)}</span>
                <button type="button" class="small danger" data-testid="delete-file" onclick={delete}>{"Delete"}</button>
            </div>
            if props.ignored {
                <p class="file-note">{"Ignored by .dockerignore: the build does not see this file."}</p>
            }
            { match text {
                Some(text) => html! {
                    <textarea class="file-text" spellcheck="false" aria-label={format!("Contents of {}", f.path)}
                        data-testid="file-content" value={text.to_string()} oninput={edit} onkeydown={run} />
                },
                None => html! {
                    <p class="file-note" data-testid="file-binary">
                        {if f.content.len() > MAX_EDITABLE_BYTES {
                            "Too large to edit here; it is part of the context as it is."
                        } else {
                            "Not UTF-8 text (a binary file): it is part of the context as it is."
                        }}
                    </p>
                },
            } }
        </section>
    }
}
