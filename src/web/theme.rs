//! The theme choice in the header: System, Light or Dark. index.html's
//! inline script owns the state (it must apply it before the first paint and
//! follow the OS while "System" is chosen); this only asks it.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

fn theme_api(method: &str) -> Option<(JsValue, Function)> {
    let api = Reflect::get(&gloo::utils::window(), &"layerlabTheme".into()).ok()?;
    let f = Reflect::get(&api, &method.into()).ok()?.dyn_into().ok()?;
    Some((api, f))
}

fn current() -> String {
    theme_api("get")
        .and_then(|(api, get)| get.call0(&api).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "system".into())
}

#[function_component(ThemeSelect)]
pub fn theme_select() -> Html {
    let choice = use_state(current);
    let onchange = {
        let choice = choice.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some((api, set)) = theme_api("set") {
                let _ = set.call1(&api, &JsValue::from_str(&value));
            }
            choice.set(value);
        })
    };
    html! {
        <select class="theme-select" aria-label="Theme" data-testid="theme" {onchange}>
            { for [("system", "System theme"), ("light", "Light"), ("dark", "Dark")].into_iter().map(|(v, label)| html! {
                <option value={v} selected={*choice == v}>{label}</option>
            }) }
        </select>
    }
}
