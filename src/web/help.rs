//! The help panel: every keyboard shortcut of the page in one place. Opened
//! with the header's "?" button or the `?` key outside text fields; Esc or
//! the button closes it.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+Enter / ⌘+Enter", "Build (in the editor)"),
    ("Esc, then Tab", "Leave the editor"),
    (
        "F8",
        "Go to the next finding; its tooltip holds the quick fix and “ignore here”",
    ),
    ("Ctrl+Shift+M / ⌘+Shift+M", "The editor's list of findings"),
    ("Ctrl+F / ⌘+F", "Search and replace in the Dockerfile"),
    ("Ctrl+Z, Ctrl+Shift+Z", "Undo, redo"),
    (
        "← → Home End",
        "Move between the result tabs (when a tab has focus)",
    ),
    ("?", "This help (outside text fields); Esc closes it"),
];

fn typing_in(target: Option<web_sys::EventTarget>) -> bool {
    target
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|el| {
            el.is_content_editable()
                || matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        })
}

#[function_component(Help)]
pub fn help() -> Html {
    let open = use_state(|| false);
    {
        let open = open.clone();
        use_effect_with((), move |_| {
            let listener =
                gloo::events::EventListener::new(&gloo::utils::document(), "keydown", move |e| {
                    let e = e.unchecked_ref::<KeyboardEvent>();
                    if e.key() == "?" && !typing_in(e.target()) {
                        open.set(true);
                    } else if e.key() == "Escape" {
                        open.set(false);
                    }
                });
            move || drop(listener)
        });
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <>
            <button type="button" class="help-button" aria-label="Keyboard shortcuts" aria-expanded={open.to_string()}
                aria-controls="help-panel" data-testid="help-button" onclick={toggle.clone()}>{"?"}</button>
            if *open {
                <div class="help-panel" id="help-panel" role="dialog" aria-label="Keyboard shortcuts" data-testid="help-panel">
                    <div class="help-head">
                        <h2>{"Keyboard shortcuts"}</h2>
                        <button type="button" class="help-close" aria-label="Close" onclick={toggle}>{"×"}</button>
                    </div>
                    <table>
                        { for SHORTCUTS.iter().map(|(keys, what)| html! {
                            <tr><td><kbd>{*keys}</kbd></td><td>{*what}</td></tr>
                        }) }
                    </table>
                    <p class="note">{"Every control is reachable with Tab; results are announced to screen readers as they arrive."}</p>
                </div>
            }
        </>
    }
}
