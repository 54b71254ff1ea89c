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

/// The interpreter stops runaway recursion with its own limit, before the
/// wasm stack (1 MiB) runs out: functions, command substitutions, eval,
/// and nested subshells as deep as the parser accepts.
#[wasm_bindgen_test]
fn interpreter_recursion_stops_at_the_limit_in_wasm() {
    use layerlab::shell::interp::{Context, run};
    use layerlab::vfs::Fs;
    let nested = format!(
        "{}echo x{}",
        "( ".repeat(MAX_DEPTH - 2),
        " )".repeat(MAX_DEPTH - 2)
    );
    let substs = format!(
        "echo {}x{}",
        "$(echo ".repeat(MAX_DEPTH - 2),
        ")".repeat(MAX_DEPTH - 2)
    );
    for src in [
        "f() { f; }; f",
        "f() { echo $(f); }; f",
        "f() { eval f; }; f",
        "f() { x=$(f) g; }; f",
        nested.as_str(),
        substs.as_str(),
    ] {
        let script = parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        let mut fs = Fs::new();
        let mut ctx = Context::new(&mut fs);
        let outcome = run(&script, src, &mut ctx);
        let error = outcome.error.unwrap_or_default();
        assert!(error.contains("the recursion limit"), "{src}: {error}");
    }
}
