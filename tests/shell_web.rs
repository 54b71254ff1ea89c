//! The shell parser in headless Chromium: spans come out the same as
//! natively, and nesting past the limit is an error, not a stack overflow
//! that would leave the wasm instance unusable.
#![cfg(target_arch = "wasm32")]

use layerlab::shell::{MAX_DEPTH, parse};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn spans_are_byte_offsets() {
    let src = "é=1 echo \"$(a «b»)\" | c";
    let s = parse(src).unwrap();
    let words: Vec<_> = s
        .simple_commands()
        .iter()
        .flat_map(|c| &c.words)
        .map(|w| w.text(src))
        .collect();
    assert_eq!(words, ["é=1", "echo", "\"$(a «b»)\"", "a", "«b»", "c"]);
}

#[wasm_bindgen_test]
fn deep_nesting_is_an_error_and_the_instance_survives() {
    let n = 10_000;
    for (open, close) in [
        ("$(", ")"),
        ("\"$(", ")\""),
        ("{ ", "; }"),
        ("( ", " )"),
        ("${x:-", "}"),
        ("if a; then ", "; fi"),
        ("f() { ", "; }"),
        ("cat <(", ")"),
        ("[[ $(", ") ]]"),
        ("case a in a) ", ";; esac"),
    ] {
        let src = format!("{}x{}", open.repeat(n), close.repeat(n));
        let e = parse(&src).unwrap_err();
        assert!(
            e.message.contains("nesting too deep"),
            "{open}: {}",
            e.message
        );
    }
    // Just under the limit parses.
    let levels = MAX_DEPTH / 2 - 1;
    let src = format!("{}x{}", "echo $(".repeat(levels), ")".repeat(levels));
    assert!(parse(&src).is_ok());
    assert!(parse("echo still fine").is_ok());
}
