//! The Yew playground (wasm32 only): a thin face over the core. State lives in
//! one reducer (`state`); components render it; the CodeMirror editor is driven
//! through the small JS glue in www/editor.js (`editor`).
//!
//! Two wasm modules: the page (`start`: the UI, parsing and lint) and the
//! build worker (`worker::start`, a web worker), which keeps the page's image
//! store in one `build::Session` and builds, runs the image commands, pushes
//! and pulls. The page reaches it through `backend`, in the messages of
//! `protocol`, so the page's module holds none of the build engine and a
//! build never blocks typing.

mod app;
mod backend;
pub mod build;
mod build_options;
mod build_panel;
pub mod compare;
mod context;
mod editor;
pub mod examples;
mod file_editor;
mod files_panel;
mod help;
mod images_panel;
mod layers;
mod links;
mod net;
pub mod problems;
pub mod protocol;
mod registry_panel;
mod rules;
mod share_panel;
mod stages;
mod state;
mod theme;
pub mod worker;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `performance.now()`, in a page and in a worker alike.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The browser's monotonic clock in milliseconds: the core reads none.
pub(crate) fn clock_millis() -> f64 {
    performance_now()
}

/// Mounts the playground on the page's body.
pub fn start() {
    if let Some(boot) = gloo::utils::document().get_element_by_id("boot") {
        boot.remove();
    }
    yew::Renderer::<app::App>::new().render();
}
