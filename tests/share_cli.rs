//! `layerlab share`, run as a user runs it: a context to a link, the link
//! back to a directory.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use layerlab::share::{self, File, Playground};

fn layerlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(args)
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("layerlab-share-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(root: &Path, rel: &str, content: &[u8], mode: u32) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Every file under `root`: its contents and permission bits.
fn tree(root: &Path) -> BTreeMap<String, (Vec<u8>, u32)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let md = e.metadata().unwrap();
            if md.is_dir() {
                stack.push(e.path());
            } else {
                let rel = e
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let mode = md.permissions().mode() & 0o777;
                out.insert(rel, (std::fs::read(e.path()).unwrap(), mode));
            }
        }
    }
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_shared_context_opens_as_the_same_files() {
    let ctx = scratch("ctx");
    write(
        &ctx,
        "Dockerfile",
        b"FROM alpine:3.20\nCOPY . /app\n",
        0o644,
    );
    // Ignoring itself keeps it out of a build, not out of the link: the page
    // needs it to apply the rest.
    write(
        &ctx,
        ".dockerignore",
        b"node_modules\n*.md\n.dockerignore\n",
        0o644,
    );
    write(&ctx, "run.sh", b"#!/bin/sh\necho hi\n", 0o755);
    write(&ctx, "src/main.c", b"int main(void) { return 0; }\n", 0o644);
    write(&ctx, "bin/blob", &[0, 1, 2, 0xff, 0xfe], 0o644);
    write(&ctx, "README.md", b"not in the context\n", 0o644);
    write(&ctx, "node_modules/x/index.js", b"ignored\n", 0o644);

    let out = layerlab(&[
        "share",
        "--build-arg",
        "VERSION=1.2 beta",
        "--target",
        "final",
        "--base",
        "https://example.com/play/",
        ctx.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let link = text(&out.stdout).trim().to_string();
    assert!(link.starts_with("https://example.com/play/#s=1."), "{link}");
    assert!(
        !text(&out.stderr).contains("too long"),
        "{}",
        text(&out.stderr)
    );

    let dest = scratch("dest").join("opened");
    let out = layerlab(&["share", "--open", &link, dest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "layerlab build --build-arg 'VERSION=1.2 beta' --target final {}",
            dest.display()
        )),
        "{stdout}"
    );

    let mut expected = tree(&ctx);
    expected.remove("README.md");
    expected.remove("node_modules/x/index.js");
    assert_eq!(tree(&dest), expected);

    // Opening again without --force changes nothing and says why.
    write(&dest, "run.sh", b"edited\n", 0o644);
    let out = layerlab(&["share", "--open", &link, dest.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(dest.join("run.sh")).unwrap(), b"edited\n");
    let out = layerlab(&["share", "--open", &link, "--force", dest.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(tree(&dest), expected);
}

#[test]
fn the_state_file_opens_like_the_link() {
    let ctx = scratch("state-ctx");
    write(&ctx, "Dockerfile", b"FROM scratch\nCOPY a /\n", 0o644);
    write(&ctx, "a", b"a\n", 0o600);
    let state = ctx.join("..").join("state-ctx.json");
    let out = layerlab(&[
        "share",
        "--output",
        state.to_str().unwrap(),
        ctx.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let dest = scratch("state-dest");
    let out = layerlab(&[
        "share",
        "--open",
        state.to_str().unwrap(),
        dest.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(tree(&dest), tree(&ctx));
}

#[test]
fn a_hostile_link_writes_nothing() {
    let hostile = Playground {
        dockerfile: "FROM scratch\n".into(),
        files: vec![
            File::new("ok.txt", "fine"),
            File::new("../escaped", "gotcha"),
        ],
        ..Playground::default()
    };
    let link = share::link("http://127.0.0.1:8080/", &hostile);
    let root = scratch("hostile");
    let dest = root.join("dest");
    let out = layerlab(&["share", "--open", &link, dest.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("..") && stderr.contains("escaped"),
        "{stderr}"
    );
    assert!(!root.join("escaped").exists());
    assert!(!dest.exists(), "nothing is written from a refused link");

    // A symlink already in the directory is not followed out of it.
    let outside = scratch("outside");
    std::fs::create_dir_all(&dest).unwrap();
    std::os::unix::fs::symlink(&outside, dest.join("sub")).unwrap();
    let sneaky = Playground {
        files: vec![File::new("sub/x", "gotcha")],
        ..Playground::default()
    };
    let link = share::link("http://h/", &sneaky);
    let out = layerlab(&["share", "--open", &link, "--force", dest.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(!outside.join("x").exists());
}

#[test]
fn a_long_link_is_printed_with_a_warning() {
    let ctx = scratch("long");
    write(&ctx, "Dockerfile", b"FROM scratch\nCOPY . /\n", 0o644);
    // Incompressible text: a deterministic stream of hex digits.
    let mut x: u64 = 1;
    let noise: String = (0..4000)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            char::from_digit(((x >> 60) & 0xf) as u32, 16).unwrap()
        })
        .collect();
    write(&ctx, "noise.txt", noise.as_bytes(), 0o644);
    let out = layerlab(&["share", ctx.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let link = text(&out.stdout).trim().to_string();
    assert!(share::too_long(&link), "{}", link.len());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{} characters: too long for most chat apps",
            link.len()
        )) && stderr.contains("--output state.json"),
        "{stderr}"
    );
}
