//! The Yew playground (wasm32 only): a thin face over the core. State lives in
//! one reducer (`state`); components render it; the CodeMirror editor is driven
//! through the small JS glue in www/editor.js (`editor`); builds run through
//! one session that keeps the page's image store (`build`).

mod app;
pub mod build;
mod build_panel;
mod context;
mod editor;
mod images_panel;
mod layers;
mod net;
pub mod problems;
mod registry_panel;
mod rules;
mod stages;
mod state;

/// Mounts the playground on the page's body.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
