//! Any bytes: the parser, the typed layer, the expander and the lint rules
//! must not panic, every span anywhere in their output (fix edits included)
//! must lie inside the source on character boundaries, applying the fixes must
//! work, and the BuildKit dump must be producible.
#![no_main]

use layerlab::dockerfile::analyze;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Visits every `{"start": n, "end": m}` object in the serialized output.
fn check_spans(src: &str, v: &Value) {
    match v {
        Value::Object(m) => {
            if let (Some(Value::Number(s)), Some(Value::Number(e)), 2) = (m.get("start"), m.get("end"), m.len()) {
                let (s, e) = (s.as_u64().unwrap() as usize, e.as_u64().unwrap() as usize);
                assert!(s <= e && e <= src.len(), "span {s}..{e} outside 0..{}", src.len());
                assert!(src.is_char_boundary(s) && src.is_char_boundary(e), "span {s}..{e} splits a character");
            }
            m.values().for_each(|x| check_spans(src, x));
        }
        Value::Array(a) => a.iter().for_each(|x| check_spans(src, x)),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let a = analyze(&src);
    check_spans(&src, &serde_json::to_value(&a.ast).unwrap());
    check_spans(&src, &serde_json::to_value(&a.dockerfile).unwrap());
    check_spans(&src, &serde_json::to_value(&a.diagnostics).unwrap());
    let findings = layerlab::lint::lint(&src, &a);
    check_spans(&src, &serde_json::to_value(&findings).unwrap());
    let _ = layerlab::lint::apply_fixes(&src, &findings, true);
    let _ = a.ast.dump();
});
