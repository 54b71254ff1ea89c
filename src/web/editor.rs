//! The CodeMirror editor, created through www/editor.js (global `LayerlabEditor`).
//! Every import is `catch`: a JS exception must surface as an error, never as a
//! trap that kills the app.

use super::problems::Problem;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = LayerlabEditor, js_name = create, catch)]
    fn create_js(
        parent: &HtmlElement,
        doc: &str,
        on_change: &Closure<dyn FnMut(String)>,
        on_run: &Closure<dyn FnMut()>,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = LayerlabEditor, js_name = showDiagnostics, catch)]
    fn show_diagnostics_js(view: &JsValue, diagnostics: JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(js_namespace = LayerlabEditor, js_name = setText, catch)]
    fn set_text_js(view: &JsValue, text: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(js_namespace = LayerlabEditor, js_name = focusAt, catch)]
    fn focus_at_js(view: &JsValue, offset: usize) -> Result<(), JsValue>;
}

/// A live editor and the callbacks it holds (dropping them would break it).
pub struct Editor {
    view: JsValue,
    _on_change: Closure<dyn FnMut(String)>,
    _on_run: Closure<dyn FnMut()>,
}

impl Editor {
    pub fn create(
        parent: &HtmlElement,
        doc: &str,
        on_change: impl FnMut(String) + 'static,
        on_run: impl FnMut() + 'static,
    ) -> Result<Editor, JsValue> {
        let on_change = Closure::<dyn FnMut(String)>::new(on_change);
        let on_run = Closure::<dyn FnMut()>::new(on_run);
        let view = create_js(parent, doc, &on_change, &on_run)?;
        Ok(Editor {
            view,
            _on_change: on_change,
            _on_run: on_run,
        })
    }

    pub fn show(&self, problems: &[Problem]) {
        match serde_wasm_bindgen::to_value(problems) {
            Ok(v) => {
                if let Err(e) = show_diagnostics_js(&self.view, v) {
                    web_sys::console::error_2(&"layerlab: showing diagnostics failed".into(), &e);
                }
            }
            Err(e) => web_sys::console::error_1(&format!("layerlab: {e}").into()),
        }
    }

    pub fn focus_at(&self, utf16_offset: usize) {
        if let Err(e) = focus_at_js(&self.view, utf16_offset) {
            web_sys::console::error_2(&"layerlab: focus failed".into(), &e);
        }
    }

    pub fn set_text(&self, text: &str) {
        if let Err(e) = set_text_js(&self.view, text) {
            web_sys::console::error_2(&"layerlab: replacing the text failed".into(), &e);
        }
    }
}

/// Performance entries for the page benchmark (scripts/bench-page.sh) and
/// the browser's devtools, called once the findings for a text are on
/// screen: `layerlab:first-lint` the first time, and `layerlab:lint` from the
/// editor's `layerlab:edit` mark (set on each change) to now.
pub fn mark_lint_shown() {
    let Some(p) = web_sys::window().and_then(|w| w.performance()) else {
        return;
    };
    if p.get_entries_by_name("layerlab:first-lint").length() == 0 {
        let _ = p.mark("layerlab:first-lint");
    }
    if p.get_entries_by_name("layerlab:edit").length() > 0 {
        let _ = p.measure_with_start_mark("layerlab:lint", "layerlab:edit");
        p.clear_marks_with_mark_name("layerlab:edit");
    }
}
