//! Links are the same on both targets: the v1 fixture (also in
//! `src/share/tests.rs`, written by the encoder of the time) decodes to its
//! playground, and encoding that playground gives today's link, natively and
//! in headless Chromium.

use layerlab::share::{File, Playground, from_link, link};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::*;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

const V1_LINK: &str = "http://127.0.0.1:8080/#s=1.PY5LC4JAFIX_it12JTNlLWqgRYRBQRn2gFAXY445NI6DWhDhf-_23N1zzncO9wEJMJj73sriykgt2IA4vVDPvM3RIhblxoTa36_fFy2vmlRZqMGGFFjwAINlkhSniyjlWRelwKRGr0PyBLHG_iCf3jdrt2gsNX3tiFNWWJl8D-bAhuPBr5HwmtNYFTFBFtMYvemyu1W30eQ_K3JT37-r0EQ2cHwqgIPrbxfeGoM-cSCyA3BXm90RNUQIVUinUnOFxg1vxe-irFAoYE7zBA";

const V1_LINK_NOW: &str = "http://127.0.0.1:8080/#s=1.PY5PC4JAFMS_ir1uJbtlHWqhQ0RBQRn2B0I9rLnl0rouakGE371XWrc3M78Z3gtiYLDw3LXFlZFasAFxeoGeuduTRSzKjQm0d9h8L5rfNSmSQIMNF2D-CwyWSZydbyKXV53lApMSvQ5JY8Qqu0bqXpO1WzSSmn52xDnJrER-B1Ngw_Hg14h5yWmksoggi2mE3nTV3anHaPKfFakpn80qVKENHJ_y4Tj3dkt3g0GfOBDaPszX2_0JNYQIFUhfpOYKjQfeij9FXqBQwJzqDQ";

fn playground() -> Playground {
    Playground {
        dockerfile: "FROM alpine:3.20\nCOPY . /app\nRUN /app/run.sh\n".into(),
        files: vec![
            File::new(".dockerignore", "*.md\n"),
            File {
                path: "run.sh".into(),
                content: b"#!/bin/sh\necho hi\n".to_vec(),
                mode: 0o755,
            },
            File::new("data/blob.bin", vec![0u8, 159, 146, 150, 255]),
            File::new("empty", Vec::new()),
        ],
        build_args: vec![
            ("VERSION".into(), "1.2".into()),
            ("EMPTY".into(), "".into()),
        ],
        target: Some("final".into()),
        view: Some("layers".into()),
        layer: Some(2),
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn the_v1_fixture_decodes_and_encodes_the_same_on_this_target() {
    assert_eq!(from_link(V1_LINK).unwrap(), playground());
    assert_eq!(link("http://127.0.0.1:8080/", &playground()), V1_LINK_NOW);
}
