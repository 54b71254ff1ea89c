//! layerlab's layer tars against real buildah 1.28 (Debian 12's package):
//! buildah builds from a context made here, pushes to an OCI layout, and the
//! layer must be byte for byte what `oci::tar` writes for the same entries.
//!
//! What works on this machine kind (as root, no user namespaces needed):
//! `buildah --root R --runroot RR --storage-driver vfs bud --layers
//! --timestamp 0 --isolation chroot` for `FROM scratch` builds (no RUN, so
//! no runtime), and `buildah from` / `mount` / `commit --timestamp 0` to make
//! a layer with deletions: COPY alone never deletes, and RUN would need a
//! shell inside a scratch image, so the files are removed through the mount.
#![cfg(not(target_arch = "wasm32"))]

mod oci;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use layerlab::oci::digest::Digest;
use layerlab::oci::image::{ImageConfig, Manifest, media_types};
use layerlab::oci::tar::{Entry, Limits, SortOrder, read_layer, sort_entries, write_tar};
use oci::{Buildah, first_difference, gunzip, have, run};

enum Spec {
    File(String, Vec<u8>, u32),
    Dir(String, u32),
    Symlink(String, &'static str),
    Hardlink(String, &'static str),
}

/// The build context, in no particular order: `sort_entries` must find
/// buildah's.
fn context() -> Vec<Spec> {
    use Spec::*;
    let long = "L".repeat(120);
    let deep = format!("deep/{}/{}", "d".repeat(90), "e".repeat(90));
    vec![
        File("app/main.py".into(), b"print('hi')\n".to_vec(), 0o644),
        Symlink("link".into(), "app/main.py"),
        File("app-data".into(), b"x".to_vec(), 0o644),
        Dir("app".into(), 0o755),
        File(
            "app/run.sh".into(),
            b"#!/bin/sh\necho run\n".to_vec(),
            0o755,
        ),
        File("app.conf".into(), b"k=v\n".to_vec(), 0o644),
        Dir("docs".into(), 0o750),
        File(
            "docs/ünïcødé.txt".into(),
            "ünï\n".as_bytes().to_vec(),
            0o644,
        ),
        File(format!("docs/{long}"), b"long\n".to_vec(), 0o644),
        Dir("deep".into(), 0o755),
        Dir(format!("deep/{}", "d".repeat(90)), 0o755),
        Dir(deep.clone(), 0o755),
        File(format!("{deep}/f.txt"), b"deep\n".to_vec(), 0o644),
        Symlink("abs-link".into(), "/etc/passwd"),
        Hardlink("hard".into(), "app/main.py"),
        File("empty".into(), Vec::new(), 0o600),
        File(
            "big.bin".into(),
            (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect(),
            0o644,
        ),
    ]
}

fn make_context(dir: &Path) {
    let specs = context();
    for s in &specs {
        if let Spec::Dir(p, _) = s {
            std::fs::create_dir_all(dir.join(p)).unwrap();
        }
    }
    for s in &specs {
        match s {
            Spec::File(p, c, m) => {
                std::fs::write(dir.join(p), c).unwrap();
                std::fs::set_permissions(dir.join(p), PermissionsExt::from_mode(*m)).unwrap();
            }
            Spec::Symlink(p, t) => symlink(t, dir.join(p)).unwrap(),
            Spec::Hardlink(p, t) => std::fs::hard_link(dir.join(t), dir.join(p)).unwrap(),
            Spec::Dir(..) => {}
        }
    }
    // Directories last: a 0750 mode must not be masked by file creation.
    for s in &specs {
        if let Spec::Dir(p, m) = s {
            std::fs::set_permissions(dir.join(p), PermissionsExt::from_mode(*m)).unwrap();
        }
    }
}

fn entries(owner: (u32, u32)) -> Vec<Entry> {
    let mut v: Vec<Entry> = context()
        .into_iter()
        .map(|s| match s {
            Spec::File(p, c, m) => Entry::file(&p, c, m),
            Spec::Dir(p, m) => Entry::dir(&p, m),
            Spec::Symlink(p, t) => Entry::symlink(&p, t),
            Spec::Hardlink(p, t) => Entry::hardlink(&p, t, 0o644),
        })
        .map(|e| e.with_owner(owner.0, owner.1))
        .collect();
    sort_entries(&mut v, SortOrder::Walk);
    v
}

/// buildah's pushed image, typed.
fn push(b: &Buildah, tag: &str) -> (Manifest, ImageConfig, Vec<Vec<u8>>) {
    let (m, c, layers) = b.push(tag);
    let m = Manifest::from_json(&m).unwrap();
    for l in &m.layers {
        assert!(media_types::is_layer(&l.media_type), "{}", l.media_type);
    }
    (m, ImageConfig::from_json(&c).unwrap(), layers)
}

fn assert_same_tar(what: &str, ours: &[u8], theirs: &[u8]) {
    if let Some(at) = first_difference(ours, theirs) {
        let block = at / 512 * 512;
        panic!(
            "{what}: layerlab's tar differs from buildah's at byte {at} (block at {block}):\n ours:   {:?}\n theirs: {:?}",
            String::from_utf8_lossy(&ours[block..(block + 512).min(ours.len())]),
            String::from_utf8_lossy(&theirs[block..(block + 512).min(theirs.len())]),
        );
    }
}

#[test]
fn copy_layers_match_buildah_byte_for_byte() {
    if !have("buildah", "--version") {
        return;
    }
    let b = Buildah::new("buildah-copy");
    let ctx = b.root.join("context");
    std::fs::create_dir(&ctx).unwrap();
    make_context(&ctx);

    for (tag, chown, owner) in [
        ("plain", "", (0, 0)),
        ("chown", "--chown=1000:1000 ", (1000, 1000)),
        // Ids beyond seven octal digits go to PAX records.
        ("bigids", "--chown=3000000:3000001 ", (3_000_000, 3_000_001)),
    ] {
        b.bud(&format!("FROM scratch\nCOPY {chown}. /\n"), &ctx, tag);
        let (manifest, config, layers) = push(&b, tag);
        assert_eq!(layers.len(), 1, "{tag}");
        let theirs = gunzip(&layers[0]);
        let ours = write_tar(&entries(owner)).unwrap();
        assert_same_tar(tag, &ours, &theirs);
        assert_eq!(config.rootfs.diff_ids, vec![Digest::of(&ours)], "{tag}");
        assert_eq!(manifest.layers[0].digest, Digest::of(&layers[0]), "{tag}");
        // And the reader gives the entries back from buildah's bytes.
        let mut back = read_layer(&layers[0], &Limits::default()).unwrap();
        sort_entries(&mut back, SortOrder::Walk);
        assert_eq!(back, entries(owner), "{tag}");
    }
}

#[test]
fn deletion_layer_matches_buildah_byte_for_byte() {
    if !have("buildah", "--version") {
        return;
    }
    let b = Buildah::new("buildah-delete");
    let ctx = b.root.join("context");
    std::fs::create_dir(&ctx).unwrap();
    make_context(&ctx);
    b.bud("FROM scratch\nCOPY . /\n", &ctx, "base");

    let container = run(b.cmd().args(["from", "base"])).trim().to_string();
    let mnt = run(b.cmd().args(["mount", &container])).trim().to_string();
    let mnt = Path::new(&mnt);
    std::fs::remove_file(mnt.join("app/run.sh")).unwrap();
    std::fs::remove_dir_all(mnt.join("deep")).unwrap();
    std::fs::remove_file(mnt.join("link")).unwrap();
    std::fs::write(mnt.join("app/new.txt"), "new\n").unwrap();
    std::fs::set_permissions(mnt.join("app/new.txt"), PermissionsExt::from_mode(0o644)).unwrap();
    run(b
        .cmd()
        .args(["commit", "--timestamp", "0", &container, "deleted"]));

    let (_, config, layers) = push(&b, "deleted");
    assert_eq!(layers.len(), 2);
    let theirs = gunzip(&layers[1]);
    // A layer on a parent lists changes in whole-path order; a removed
    // directory is one whiteout, its contents are not listed.
    let mut ours = vec![
        Entry::whiteout("link"),
        Entry::whiteout("deep"),
        Entry::file("app/new.txt", &b"new\n"[..], 0o644),
        Entry::whiteout("app/run.sh"),
        Entry::dir("app", 0o755),
    ];
    sort_entries(&mut ours, SortOrder::Changes);
    let ours_tar = write_tar(&ours).unwrap();
    assert_same_tar("deleted", &ours_tar, &theirs);
    assert_eq!(config.rootfs.diff_ids[1], Digest::of(&ours_tar));
    assert_eq!(read_layer(&theirs, &Limits::default()).unwrap(), ours);
}
