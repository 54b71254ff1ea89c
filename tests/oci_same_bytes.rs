//! The same entries give the same layer bytes, digests and image ID on both
//! targets: this file runs natively (`cargo test`) and in headless Chromium
//! (`cargo test --target wasm32-unknown-unknown`) against one set of
//! constants, computed natively when this test was written. Agreement with
//! buildah's bytes is tested in src/oci/tar/tests.rs and tests/oci_buildah.rs;
//! here the gzip digest also pins flate2 on zlib-rs at level 6 across targets.

use layerlab::oci::image::{ImageConfig, RootFs};
use layerlab::oci::tar::{Compression, Entry, Limits, read_layer, write_layer};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::*;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

fn entries() -> Vec<Entry> {
    vec![
        Entry::dir("a", 0o755),
        Entry::file("a/b", &b"hello\n"[..], 0o644),
        Entry::file(&"L".repeat(120), &b"l\n"[..], 0o644),
        Entry::symlink("link", "a/b"),
        Entry::dir("ünï", 0o755),
        Entry::file(
            "z.bin",
            (0..100_000u32)
                .map(|i| (i % 251) as u8)
                .collect::<Vec<u8>>(),
            0o600,
        )
        .with_owner(3_000_000, 1000),
    ]
}

const DIFF_ID: &str = "sha256:d630e41d677c2edae4d08e45ef5868e6f6ac9d769b256af1e57fa6fcdb12def3";
const GZIP_DIGEST: &str = "sha256:a0c158103270e9b297477d70264eb82a5addbd9320b1ae294349a6cc280c9333";
const IMAGE_ID: &str = "sha256:17062875da165f1b32845fced03981cc3a4caaf4c93333b89cb112e14012738f";

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn same_layer_and_image_bytes_on_every_target() {
    let plain = write_layer(&entries(), Compression::None).unwrap();
    let gz = write_layer(&entries(), Compression::Gzip).unwrap();
    assert_eq!(plain.diff_id.to_string(), DIFF_ID);
    assert_eq!(gz.diff_id, plain.diff_id);
    assert_eq!(gz.digest.to_string(), GZIP_DIGEST);
    assert_eq!(read_layer(&gz.blob, &Limits::default()).unwrap(), entries());
    let config = ImageConfig {
        architecture: "amd64".into(),
        os: "linux".into(),
        rootfs: RootFs {
            kind: "layers".into(),
            diff_ids: vec![gz.diff_id],
        },
        ..Default::default()
    };
    assert_eq!(config.id().to_string(), IMAGE_ID);
}
