//! Any bytes: the parser, the typed layer and the expander must not panic,
//! every span must lie inside the source on character boundaries, and the
//! BuildKit dump must be producible.
#![no_main]

use layerlab::dockerfile::{Span, analyze};
use libfuzzer_sys::fuzz_target;

fn check(src: &str, s: Span, what: &str) {
    assert!(s.start <= s.end && s.end <= src.len(), "{what} span {s:?} outside 0..{}", src.len());
    assert!(src.is_char_boundary(s.start) && src.is_char_boundary(s.end), "{what} span {s:?} splits a character");
}

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let a = analyze(&src);
    for d in &a.diagnostics {
        check(&src, d.span, "diagnostic");
    }
    for n in &a.ast.children {
        check(&src, n.span, "node");
        check(&src, n.keyword.span, "keyword");
        for w in n.flags.iter().chain(&n.args) {
            check(&src, w.span, "word");
        }
        for h in &n.heredocs {
            check(&src, h.span, "heredoc");
            check(&src, h.body_span, "heredoc body");
        }
    }
    let _ = a.ast.dump();
});
