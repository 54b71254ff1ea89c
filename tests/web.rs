//! The web face's own logic, in headless Chromium: diagnostics become the
//! UTF-16 offsets CodeMirror counts, with 1-based line and column.
#![cfg(target_arch = "wasm32")]

use layerlab::dockerfile::analyze;
use layerlab::web::problems::problems;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn diagnostics_use_utf16_offsets() {
    // "😀" is 4 bytes in UTF-8 and 2 code units in UTF-16.
    let src = "# 😀 emoji first\nFROM alpine\nCOPY --form=x a b\n";
    let a = analyze(src);
    let p = problems(src, &a.diagnostics);
    assert_eq!(p.len(), 1);
    let flag_utf16 = src[..src.find("--form").unwrap()].encode_utf16().count();
    assert_eq!(p[0].from, flag_utf16);
    assert_eq!(p[0].to, flag_utf16 + "--form=x".len());
    assert_eq!((p[0].line, p[0].col), (3, 6));
    assert_eq!(p[0].severity, "error");
}
