//! The Yew playground (wasm32 only): a thin face over the core. State lives in
//! one reducer (`state`); components render it; the CodeMirror editor is driven
//! through the small JS glue in www/editor.js (`editor`); builds run through
//! one session that keeps the page's image store (`build`).

mod app;
pub mod build;
mod build_options;
mod build_panel;
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
mod registry_panel;
mod rules;
mod share_panel;
mod stages;
mod state;
mod theme;

/// Mounts the playground on the page's body.
pub fn start() {
    if let Some(boot) = gloo::utils::document().get_element_by_id("boot") {
        boot.remove();
    }
    yew::Renderer::<app::App>::new().render();
}
