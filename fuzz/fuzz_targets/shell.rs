//! Any text: the shell parser must not panic, and every span in its tree (or
//! its error) must lie inside the source on character boundaries, with each
//! word's parts inside the word.
#![no_main]

use layerlab::shell::{Node, parse};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Visits every `{"start": n, "end": m}` object in the serialized tree.
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
    let Ok(src) = std::str::from_utf8(data) else { return };
    match parse(src) {
        Ok(script) => {
            check_spans(src, &serde_json::to_value(&script).unwrap());
            script.walk(&mut |n| {
                if let Node::Word(w) = n {
                    for p in &w.parts {
                        assert!(w.span.start <= p.span.start && p.span.end <= w.span.end, "part outside its word");
                    }
                    let _ = (w.literal(), w.is_quoted(), w.has_expansion(), w.text(src));
                }
            });
            let _ = (script.simple_commands(), script.pipelines());
        }
        Err(e) => check_spans(src, &serde_json::to_value(&e).unwrap()),
    }
});
