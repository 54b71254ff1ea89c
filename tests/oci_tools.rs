//! layerlab's images read by the real tools: an image layout written from
//! `oci::layout` is inspected and copied by skopeo, unpacked by umoci, its
//! JSON validated against the OCI image-spec schemas (Debian's
//! golang-github-opencontainers-image-spec-dev) with python3-jsonschema,
//! and its layers extracted by GNU tar; GNU tar's own archives (GNU long
//! names, PAX, gzip, `./` prefixes) are read back by `oci::tar`.
#![cfg(not(target_arch = "wasm32"))]

mod oci;

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

use layerlab::oci::digest::Digest;
use layerlab::oci::image::{Config, Empty, History, ImageConfig, RootFs, media_types, rfc3339_utc};
use layerlab::oci::layout::{ImageLayout, blob_path};
use layerlab::oci::tar::{
    Compression, Entry, EntryKind, Layer, Limits, SortOrder, read_layer, sort_entries, write_layer,
};
use oci::{TempDir, gunzip, have, read_layout, run};

const SCHEMAS: &str = "/usr/share/gocode/src/github.com/opencontainers/image-spec/schema";

fn long_name() -> String {
    "n".repeat(130)
}

fn base_layer() -> Vec<Entry> {
    let mut v = vec![
        Entry::dir("etc", 0o755),
        Entry::file("etc/app.conf", &b"port=80\n"[..], 0o644),
        Entry::dir("etc/conf.d", 0o755),
        Entry::file("etc/conf.d/old.conf", &b"old\n"[..], 0o644),
        Entry::dir("usr", 0o755),
        Entry::dir("usr/bin", 0o755),
        Entry::file("usr/bin/tool", &b"#!/bin/sh\necho tool\n"[..], 0o755),
        Entry::hardlink("usr/bin/tool2", "usr/bin/tool", 0o755),
        Entry::symlink("usr/bin/t", "tool"),
        Entry::dir("srv", 0o750),
        Entry::file(&format!("srv/{}", long_name()), &b"long\n"[..], 0o644),
        Entry::file("srv/ünïcødé", "ü\n".as_bytes(), 0o640),
        Entry::file("srv/gone.txt", &b"bye\n"[..], 0o644),
        Entry::file(
            "data.bin",
            (0..5000u32).map(|i| i as u8).collect::<Vec<u8>>(),
            0o600,
        ),
    ];
    sort_entries(&mut v, SortOrder::Walk);
    v
}

fn top_layer() -> Vec<Entry> {
    let mut v = vec![
        Entry::dir("srv", 0o750),
        Entry::whiteout("srv/gone.txt"),
        Entry::dir("etc/conf.d", 0o755),
        Entry::opaque("etc/conf.d", 0o755),
        Entry::file("etc/conf.d/new.conf", &b"new\n"[..], 0o644),
        Entry::file("etc/app.conf", &b"port=8080\n"[..], 0o644),
    ];
    sort_entries(&mut v, SortOrder::Changes);
    v
}

struct Image {
    dir: TempDir,
    layers: Vec<Layer>,
    config: ImageConfig,
    manifest: layerlab::oci::image::Descriptor,
}

/// A two-layer image written to an OCI layout on disk under tag `v1`.
fn write_image() -> Image {
    let layers = vec![
        write_layer(&base_layer(), Compression::Gzip).unwrap(),
        write_layer(&top_layer(), Compression::Gzip).unwrap(),
    ];
    let created = rfc3339_utc(0);
    let config = ImageConfig {
        created: created.clone(),
        architecture: "amd64".into(),
        os: "linux".into(),
        config: Config {
            env: vec!["PATH=/usr/bin".into()],
            cmd: vec!["/usr/bin/tool".into()],
            exposed_ports: [("80/tcp".to_string(), Empty {})].into(),
            labels: BTreeMap::from([("html".to_string(), "<b>&amp;</b>".to_string())]),
            working_dir: "/srv".into(),
            ..Default::default()
        },
        rootfs: RootFs {
            kind: "layers".into(),
            diff_ids: layers.iter().map(|l| l.diff_id).collect(),
        },
        history: vec![
            History {
                created: created.clone(),
                created_by: "COPY . / # buildkit".into(),
                comment: "buildkit.dockerfile.v0".into(),
                ..Default::default()
            },
            History {
                created: created.clone(),
                created_by: "CMD [\"/usr/bin/tool\"]".into(),
                empty_layer: true,
                ..Default::default()
            },
            History {
                created,
                created_by: "COPY conf / # buildkit".into(),
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let mut layout = ImageLayout::new();
    let manifest = layout.add_image(&config, &layers);
    layout.tag(Some("v1"), manifest.clone());
    let dir = TempDir::new("oci-tools");
    let root = dir.join("layout");
    for f in layout.files() {
        let p = root.join(&f.path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &f.bytes).unwrap();
    }
    Image {
        dir,
        layers,
        config,
        manifest,
    }
}

#[test]
fn skopeo_inspects_and_copies_our_layout() {
    if !have("skopeo", "--version") {
        return;
    }
    let img = write_image();
    let src = format!("oci:{}:v1", img.dir.join("layout").display());
    let out = run(Command::new("skopeo").args(["inspect", &src]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["Digest"], img.manifest.digest.to_string());
    assert_eq!(v["Architecture"], "amd64");
    assert_eq!(v["Os"], "linux");
    assert_eq!(v["Labels"]["html"], "<b>&amp;</b>");
    let layers: Vec<String> = img.layers.iter().map(|l| l.digest.to_string()).collect();
    assert_eq!(v["Layers"], serde_json::json!(layers));

    let raw = run(Command::new("skopeo").args(["inspect", "--raw", &src]));
    let ours = std::fs::read(img.dir.join("layout").join(blob_path(&img.manifest.digest))).unwrap();
    assert_eq!(raw.as_bytes(), ours.as_slice());
    let raw_config = run(Command::new("skopeo").args(["inspect", "--config", "--raw", &src]));
    assert_eq!(raw_config.as_bytes(), img.config.to_json_bytes().as_slice());

    let dst = img.dir.join("copy");
    run(Command::new("skopeo")
        .args(["copy", &src])
        .arg(format!("oci:{}:v2", dst.display())));
    let (manifest, config, blobs) = read_layout(&dst, "v2");
    assert_eq!(
        config,
        img.config.to_json_bytes(),
        "skopeo keeps the config bytes"
    );
    let diff_ids: Vec<Digest> = blobs.iter().map(|b| Digest::of(&gunzip(b))).collect();
    assert_eq!(diff_ids, img.config.rootfs.diff_ids);
    let m = layerlab::oci::image::Manifest::from_json(&manifest).unwrap();
    assert_eq!(m.config.media_type, media_types::OCI_CONFIG);
    // The copy's layers read back to the entries we wrote.
    assert_eq!(
        read_layer(&blobs[0], &Limits::default()).unwrap(),
        base_layer()
    );
    assert_eq!(
        read_layer(&blobs[1], &Limits::default()).unwrap(),
        top_layer()
    );
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
}

#[test]
fn umoci_unpacks_our_layout() {
    if !have("umoci", "--version") {
        return;
    }
    let img = write_image();
    let bundle = img.dir.join("bundle");
    run(Command::new("umoci")
        .args(["unpack", "--rootless", "--image"])
        .arg(format!("{}:v1", img.dir.join("layout").display()))
        .arg(&bundle));
    let root = bundle.join("rootfs");
    let read = |p: &str| std::fs::read(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    assert_eq!(
        read("etc/app.conf"),
        b"port=8080\n",
        "the top layer's version wins"
    );
    assert_eq!(read("etc/conf.d/new.conf"), b"new\n");
    assert!(
        !root.join("etc/conf.d/old.conf").exists(),
        "the opaque marker hides the lower directory"
    );
    assert!(!root.join("srv/gone.txt").exists(), "the whiteout deletes");
    assert!(!root.join("srv/.wh.gone.txt").exists());
    assert!(!root.join("etc/conf.d/.wh..wh..opq").exists());
    assert_eq!(read(&format!("srv/{}", long_name())), b"long\n");
    assert_eq!(read("srv/ünïcødé"), "ü\n".as_bytes());
    assert_eq!(
        read("data.bin"),
        (0..5000u32).map(|i| i as u8).collect::<Vec<u8>>()
    );
    assert_eq!(
        std::fs::read_link(root.join("usr/bin/t")).unwrap(),
        Path::new("tool")
    );
    let ino = |p: &str| std::fs::metadata(root.join(p)).unwrap().ino();
    assert_eq!(ino("usr/bin/tool2"), ino("usr/bin/tool"), "hard link");
    assert_eq!(mode(&root.join("usr/bin/tool")), 0o755);
    assert_eq!(mode(&root.join("srv")), 0o750);
    assert_eq!(mode(&root.join("srv/ünïcødé")), 0o640);
    assert_eq!(mode(&root.join("data.bin")), 0o600);
    assert_eq!(mode(&root.join("etc/app.conf")), 0o644);
    let cfg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("config.json")).unwrap()).unwrap();
    assert_eq!(cfg["process"]["args"], serde_json::json!(["/usr/bin/tool"]));
    assert_eq!(cfg["process"]["cwd"], "/srv");
}

#[test]
fn json_validates_against_the_oci_schemas() {
    let python = "/usr/bin/python3";
    if !have(python, "--version") {
        return;
    }
    let ci = std::env::var("CI")
        .map(|v| !v.is_empty() && v != "false")
        .unwrap_or(false);
    if !Path::new(SCHEMAS).is_dir() {
        assert!(
            !ci,
            "{SCHEMAS} missing but CI is set: scripts/setup.sh --test installs it"
        );
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "SKIPPED: no OCI schemas at {SCHEMAS}");
        return;
    }
    let img = write_image();
    let layout = img.dir.join("layout");
    let manifest = layout.join(blob_path(&img.manifest.digest));
    let config = layout.join(blob_path(&img.config.id()));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oci/validate_schemas.py");
    let out = Command::new(python)
        .arg(&script)
        .arg(SCHEMAS)
        .arg(format!("manifest={}", manifest.display()))
        .arg(format!("config={}", config.display()))
        .arg(format!("index={}", layout.join("index.json").display()))
        .arg(format!("layout={}", layout.join("oci-layout").display()))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "schema validation failed:\n{text}");
    assert_eq!(
        text.lines().filter(|l| l.ends_with(": valid")).count(),
        4,
        "{text}"
    );

    // The validator does reject: a manifest whose layer size is a string.
    let bad = img.dir.join("bad-manifest.json");
    let m = String::from_utf8(std::fs::read(&manifest).unwrap()).unwrap();
    let size = format!("\"size\":{}", img.layers[0].size);
    assert!(m.contains(&size));
    std::fs::write(
        &bad,
        m.replacen(&size, &format!("\"size\":\"{}\"", img.layers[0].size), 1),
    )
    .unwrap();
    let out = Command::new(python)
        .arg(&script)
        .arg(SCHEMAS)
        .arg(format!("manifest={}", bad.display()))
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn gnu_tar_extracts_our_layers() {
    if !have("tar", "--version") {
        return;
    }
    let dir = TempDir::new("oci-gnutar-x");
    let layer = write_layer(&base_layer(), Compression::None).unwrap();
    let tar = dir.join("layer.tar");
    std::fs::write(&tar, &layer.blob).unwrap();
    let listing = run(Command::new("tar").args(["-tf"]).arg(&tar));
    let names: Vec<&str> = listing.lines().collect();
    let expected: Vec<String> = base_layer().iter().map(Entry::tar_name).collect();
    assert_eq!(names, expected);
    let out = dir.join("x");
    std::fs::create_dir(&out).unwrap();
    run(Command::new("tar")
        .args(["-xpf"])
        .arg(&tar)
        .arg("-C")
        .arg(&out));
    assert_eq!(
        std::fs::read(out.join("usr/bin/tool")).unwrap(),
        b"#!/bin/sh\necho tool\n"
    );
    assert_eq!(mode(&out.join("usr/bin/tool")), 0o755);
    assert_eq!(
        std::fs::read(out.join(format!("srv/{}", long_name()))).unwrap(),
        b"long\n"
    );
    assert_eq!(
        std::fs::read_link(out.join("usr/bin/t")).unwrap(),
        Path::new("tool")
    );
    let ino = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
    assert_eq!(ino("usr/bin/tool2"), ino("usr/bin/tool"));
}

#[test]
fn reads_gnu_tar_archives() {
    if !have("tar", "--version") {
        return;
    }
    let dir = TempDir::new("oci-gnutar-c");
    let src = dir.join("src");
    let long_dir = "d".repeat(120);
    std::fs::create_dir_all(src.join(&long_dir)).unwrap();
    std::fs::write(src.join(format!("{long_dir}/{}", "f".repeat(150))), b"deep").unwrap();
    std::fs::write(src.join("ünï"), b"u").unwrap();
    std::os::unix::fs::symlink("x".repeat(140), src.join("ln")).unwrap();
    // GNU long names (././@LongLink), PAX records, and gzip.
    for (fmt, gz) in [("gnu", false), ("pax", false), ("gnu", true)] {
        let tar = dir.join(&format!("{fmt}-{gz}.tar"));
        let mut cmd = Command::new("tar");
        cmd.arg(format!("--format={fmt}"))
            .args([
                "--sort=name",
                "--owner=0",
                "--group=0",
                "--numeric-owner",
                "--mtime=@0",
            ])
            .arg(if gz { "-czf" } else { "-cf" })
            .arg(&tar)
            .arg("-C")
            .arg(&src)
            .arg(".");
        run(&mut cmd);
        let bytes = std::fs::read(&tar).unwrap();
        assert_eq!(bytes.starts_with(&[0x1f, 0x8b]), gz);
        let entries =
            read_layer(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{fmt}: {e}"));
        let got: BTreeMap<&str, &EntryKind> =
            entries.iter().map(|e| (e.path.as_str(), &e.kind)).collect();
        let deep = format!("{long_dir}/{}", "f".repeat(150));
        assert_eq!(
            got.len(),
            4,
            "{fmt}: root entry dropped, ./ prefixes gone: {:?}",
            got.keys()
        );
        assert_eq!(got[long_dir.as_str()], &EntryKind::Dir, "{fmt}");
        assert_eq!(
            got[deep.as_str()],
            &EntryKind::File(b"deep"[..].into()),
            "{fmt}"
        );
        assert_eq!(got["ünï"], &EntryKind::File(b"u"[..].into()), "{fmt}");
        assert_eq!(got["ln"], &EntryKind::Symlink("x".repeat(140)), "{fmt}");
    }
}
