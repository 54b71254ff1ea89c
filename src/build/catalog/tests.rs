use super::*;
use crate::vfs::Kind;

fn image(name: &str) -> CatalogImage {
    let (repo, tag) = name.split_once(':').unwrap();
    lookup(&format!("docker.io/library/{repo}"), tag)
        .unwrap_or_else(|| panic!("{name} is in the catalog"))
}

/// The real images' sizes as `docker images` shows them (decimal MB).
const REAL_SIZES: &[(&str, f64)] = &[
    ("alpine:3.21", 7.83),
    ("alpine:3.20", 7.8),
    ("alpine:3.19", 7.38),
    ("busybox:1.36", 4.26),
    ("debian:bookworm", 117.0),
    ("debian:bookworm-slim", 74.8),
    ("debian:stretch-slim", 55.3),
    ("ubuntu:24.04", 78.1),
    ("ubuntu:22.04", 77.9),
    ("node:22", 1120.0),
    ("node:20", 1100.0),
    ("node:22-alpine", 157.0),
    ("node:20-alpine", 133.0),
    ("node:6-alpine", 55.7),
    ("python:3.12", 1020.0),
    ("python:3.12-slim", 124.0),
    ("python:3.12-alpine", 57.6),
    ("nginx:1.27", 192.0),
    ("nginx:1.27-alpine", 47.9),
    ("nginx:1.11.9", 182.0),
    ("golang:1.23", 823.0),
];

#[test]
fn every_image_is_within_15_percent_of_the_real_size() {
    let mut report = String::new();
    let mut bad = Vec::new();
    for (name, real) in REAL_SIZES {
        let img = image(name);
        let size = img.fs().total_size() as f64 / 1e6;
        report.push_str(&format!(
            "{name}: {size:.1} MB (real {real} MB, {} layers)\n",
            img.layers.len()
        ));
        if (size - real).abs() / real > 0.15 {
            bad.push(*name);
        }
    }
    assert!(bad.is_empty(), "off by more than 15%: {bad:?}\n{report}");
}

#[test]
fn every_tag_resolves_and_the_list_names_them() {
    for e in IMAGES {
        for t in e.tags {
            assert!(lookup(&format!("docker.io/library/{}", e.repository), t).is_some());
        }
    }
    let s = available_summary();
    assert!(
        s.starts_with("scratch, alpine (3.21, 3.20, 3.19), busybox (1.36)"),
        "{s}"
    );
    assert!(
        s.contains("node (22, 20, 22-alpine, 20-alpine, 6-alpine)"),
        "{s}"
    );
    assert!(lookup("docker.io/library/alpine", "2.7").is_none());
    assert!(lookup("docker.io/library/rust", "latest").is_none());
}

#[test]
fn images_are_deterministic_and_real_looking() {
    let a = image("alpine:3.20");
    let b = image("alpine:3.20.3");
    assert_eq!(
        crate::vfs::diff(&a.fs(), &b.fs()).len(),
        0,
        "two builds of the tree are equal"
    );
    let fs = a.fs();
    assert_eq!(fs.read_link("/bin/sh").unwrap(), "/bin/busybox");
    assert_eq!(fs.stat("/tmp").unwrap().meta.mode, 0o1777);
    let bb = image("busybox:latest").fs();
    let sh = bb.lstat("/bin/sh").unwrap();
    assert_eq!(sh.kind, Kind::File);
    assert_eq!(
        sh.ino,
        bb.lstat("/bin/[").unwrap().ino,
        "applets are hardlinks"
    );
}

#[test]
fn debian_images_have_their_package_database_and_system_files() {
    let d = image("debian:bookworm");
    assert_eq!(d.layers.len(), 1);
    let fs = d.fs();
    let os = String::from_utf8(fs.read_file("/etc/os-release").unwrap().to_vec()).unwrap();
    assert!(os.contains("VERSION_CODENAME=bookworm"), "{os}");
    assert_eq!(fs.read_link("/bin").unwrap(), "usr/bin");
    assert!(fs.stat("/usr/bin/apt-get").is_ok());
    assert!(fs.stat("/bin/sh").is_ok());
    let status = String::from_utf8(fs.read_file("/var/lib/dpkg/status").unwrap().to_vec()).unwrap();
    assert_eq!(status.matches("Package: ").count(), 88);
    assert!(status.contains("Package: apt\nStatus: install ok installed"));
    assert!(fs.read_file("/var/lib/dpkg/info/coreutils.list").is_ok());
    assert!(
        fs.read_dir("/var/lib/apt/lists")
            .unwrap()
            .iter()
            .all(|(n, _)| n == "partial" || n == "lock")
    );
    // slim drops docs; the full image has them.
    assert!(fs.stat("/usr/share/man/man1/bash.1.gz").is_ok());
    let slim = image("debian:bookworm-slim").fs();
    assert!(slim.stat("/usr/share/man/man1/bash.1.gz").is_err());
    assert!(slim.read_file("/etc/dpkg/dpkg.cfg.d/docker").is_ok());
    let u = image("ubuntu:latest").fs();
    let os = String::from_utf8(u.read_file("/etc/os-release").unwrap().to_vec()).unwrap();
    assert!(
        os.contains("ID=ubuntu") && os.contains("VERSION_ID=\"24.04\""),
        "{os}"
    );
    assert!(
        String::from_utf8_lossy(&u.read_file("/etc/passwd").unwrap())
            .contains("ubuntu:x:1000:1000")
    );
}

#[test]
fn language_images_have_their_layers_configs_and_programs() {
    let n = image("node:20");
    assert_eq!(
        n.layers.len(),
        8,
        "debian, curl, scm, buildpack, user, node, yarn, entrypoint"
    );
    assert_eq!(n.config.entrypoint, ["docker-entrypoint.sh"]);
    assert_eq!(n.config.cmd, ["node"]);
    assert!(n.config.env.contains(&"NODE_VERSION=20.18.1".to_string()));
    assert!(n.config.env.contains(&"YARN_VERSION=1.22.22".to_string()));
    let fs = n.fs();
    for p in [
        "/usr/local/bin/node",
        "/usr/local/bin/npm",
        "/usr/bin/git",
        "/usr/bin/make",
        "/usr/bin/gcc",
    ] {
        assert!(fs.stat(p).is_ok(), "{p}");
    }
    assert_eq!(
        n.history.iter().filter(|h| !h.empty_layer).count(),
        n.layers.len()
    );
    let shared = image("python:3.12");
    assert_eq!(
        shared.layers[..4].iter().map(|l| &l.id).collect::<Vec<_>>(),
        n.layers[..4].iter().map(|l| &l.id).collect::<Vec<_>>(),
        "buildpack-deps layers are shared"
    );
    assert_eq!(shared.config.cmd, ["python3"]);
    assert_eq!(
        shared.config.env[0],
        "PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    );
    assert!(shared.fs().stat("/usr/local/bin/pip").is_ok());
    let ng = image("nginx:latest");
    assert_eq!(ng.config.entrypoint, ["/docker-entrypoint.sh"]);
    assert_eq!(ng.config.cmd, ["nginx", "-g", "daemon off;"]);
    assert_eq!(ng.config.exposed_ports, ["80/tcp"]);
    assert_eq!(ng.config.stop_signal, "SIGQUIT");
    assert_eq!(
        ng.fs().read_link("/var/log/nginx/access.log").unwrap(),
        "/dev/stdout"
    );
    let old = image("nginx:1.11.9");
    assert_eq!(old.config.exposed_ports, ["443/tcp", "80/tcp"]);
    assert_eq!(old.config.stop_signal, "");
    let go = image("golang:1.23");
    assert_eq!(go.config.working_dir, "/go");
    assert!(go.config.env.contains(&"GOPATH=/go".to_string()));
    assert!(go.fs().stat("/usr/local/go/bin/go").is_ok());
    let n6 = image("node:6-alpine");
    assert!(n6.config.entrypoint.is_empty());
    assert!(
        String::from_utf8_lossy(&n6.fs().read_file("/etc/alpine-release").unwrap())
            .starts_with("3.8")
    );
}

#[test]
fn layer_names_are_unique_per_tree() {
    // Two images sharing a layer name must have the same tree there.
    let mut seen: BTreeMap<String, Fs> = BTreeMap::new();
    for e in IMAGES {
        let img = lookup(&format!("docker.io/library/{}", e.repository), e.tags[0]).unwrap();
        for l in img.layers {
            if let Some(fs) = seen.get(&l.id) {
                assert!(
                    crate::vfs::diff(fs, &l.fs).is_empty(),
                    "layer {} differs between images",
                    l.id
                );
            } else {
                seen.insert(l.id.clone(), l.fs);
            }
        }
    }
}

/// Recomputes every catalog layer's digests (streaming, the blobs never
/// held) and checks them against digests.txt: the memo must be what the
/// trees give. `LAYERLAB_WRITE_DIGESTS=1` rewrites the file instead.
#[test]
fn memoised_digests_are_what_the_trees_give() {
    let layers = all_layers();
    // Two threads: the machine has two cores and this is most of the work.
    let half = layers.len().div_ceil(2);
    let measured: Vec<String> = std::thread::scope(|s| {
        let parts: Vec<_> = layers
            .chunks(half)
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|(id, image)| {
                            let (img, k) = {
                                let (repo, tag) = image.split_once(':').unwrap();
                                let img =
                                    lookup(&format!("docker.io/library/{repo}"), tag).unwrap();
                                let k = img.layers.iter().position(|l| &l.id == id).unwrap();
                                (img, k)
                            };
                            let changes = img.changes(k);
                            // An empty layer would be Docker's empty blob, not this tar.
                            assert!(!changes.is_empty(), "catalog layer {id} is empty");
                            let entries = crate::build::layer::entries(&changes, k == 0);
                            let l = crate::oci::tar::measure_layer(
                                &entries,
                                crate::oci::tar::Compression::Gzip,
                            )
                            .unwrap();
                            let content: u64 = entries
                                .iter()
                                .map(|e| match &e.kind {
                                    crate::oci::tar::EntryKind::File(d) => d.len() as u64,
                                    crate::oci::tar::EntryKind::Symlink(t) => t.len() as u64,
                                    _ => 0,
                                })
                                .sum();
                            format!(
                                "{id} {image} {} {} {} {} {content}",
                                l.diff_id, l.digest, l.size, l.tar_size
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap()).collect()
    });
    let text = format!(
        "# Memoised digests of the catalog's layers: name, the image that has it, diff_id, digest,\n# gzip size, tar size, content size (files and link targets). Checked and rewritten by `LAYERLAB_WRITE_DIGESTS=1 cargo test --lib memoised_digests`.\n{}\n",
        measured.join("\n")
    );
    if std::env::var_os("LAYERLAB_WRITE_DIGESTS").is_some() {
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/src/build/catalog/digests.txt"),
            &text,
        )
        .unwrap();
        return;
    }
    assert_eq!(
        include_str!("digests.txt"),
        text,
        "digests.txt is stale: run LAYERLAB_WRITE_DIGESTS=1 cargo test --lib memoised_digests"
    );
}
