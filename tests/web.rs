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
    let src = "# 😀 emoji first\nFROM alpine:3.20\nCOPY --form=x a b\n";
    let a = analyze(src);
    let p = problems(src, &a, &layerlab::lint::lint(src, &a));
    assert_eq!(p.len(), 1);
    let flag_utf16 = src[..src.find("--form").unwrap()].encode_utf16().count();
    assert_eq!(p[0].from, flag_utf16);
    assert_eq!(p[0].to, flag_utf16 + "--form=x".len());
    assert_eq!((p[0].line, p[0].col), (3, 6));
    assert_eq!(p[0].severity, "error");
}

#[wasm_bindgen_test]
fn rule_findings_carry_code_link_and_fix_in_utf16() {
    let src = "# é\nFROM a:1\nENV A b\n";
    let a = analyze(src);
    let p = problems(src, &a, &layerlab::lint::lint(src, &a));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].source, "LegacyKeyValueFormat");
    // The rule page is the page's own, offline.
    assert_eq!(p[0].url.as_deref(), Some("#rule/LegacyKeyValueFormat"));
    let fix = p[0].fix.as_ref().unwrap();
    let start = src[..src.find("A b").unwrap()].encode_utf16().count();
    assert_eq!((fix.changes[0].from, fix.changes[0].to), (start, start + 3));
    assert_eq!(fix.changes[0].insert, "A=b");
}
