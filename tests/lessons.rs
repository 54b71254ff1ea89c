//! The lessons a learner must see come out right, on the offline images:
//! the seed Dockerfiles (playground/) build with the right layers; split vs
//! joined `apt-get update` / `rm -rf /var/lib/apt/lists/*` ship different
//! sizes (whiteouts hide, they do not shrink), and dive's score counts the
//! split lists twice as wasted; `npm install` before
//! `COPY . .` stays cached when only the source changes; `apk add
//! --no-cache` leaves no index behind; `chmod -R` / `chown -R` copy the
//! files they touch into their own layer; the multi-stage example ships the
//! binary without the toolchain, and the scratch one is a single layer.

#![cfg(not(target_arch = "wasm32"))]

use layerlab::build::engine::{Built, Outcome, Request, StepReport, build};
use layerlab::build::images::efficiency::{self, Efficiency};
use layerlab::build::store::{MemoryStore, Store};
use layerlab::oci::digest::Digest;
use layerlab::vfs::{ChangeKind, Fs, Meta, Node};
use std::path::Path;

/// A directory of playground/ (or made-up files) as a build context.
fn context_of(files: &[(&str, &str)]) -> Fs {
    let mut fs = Fs::new();
    for (path, data) in files {
        let p = format!("/{path}");
        let parent = &p[..p.rfind('/').unwrap()];
        if !parent.is_empty() {
            fs.mkdir_all(parent, Meta::new(0o755)).unwrap();
        }
        fs.write_file(&p, data.as_bytes(), Meta::new(0o644))
            .unwrap();
    }
    fs
}

fn example(name: &str) -> (String, Fs) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("playground")
        .join(name);
    let mut files = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().into_string().unwrap();
        files.push((name, std::fs::read_to_string(e.path()).unwrap()));
    }
    let dockerfile = files
        .iter()
        .find(|(n, _)| n == "Dockerfile")
        .map(|(_, d)| d.clone())
        .expect("an example has a Dockerfile");
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_str()))
        .collect();
    (dockerfile, context_of(&refs))
}

fn run(store: &mut MemoryStore, dockerfile: &str, ctx: &Fs, target: Option<&str>) -> Built {
    let mut req = Request::new(dockerfile, ctx);
    req.target = target.map(str::to_string);
    match build(&req, store, &mut ()) {
        Ok(b) => b,
        Err((e, steps)) => panic!(
            "build failed: {e}\n{}",
            steps
                .iter()
                .map(|s| format!("{} {}: {:?}\n{}", s.label, s.text, s.outcome, s.output))
                .collect::<String>()
        ),
    }
}

fn step<'a>(b: &'a Built, text: &str) -> &'a StepReport {
    b.steps
        .iter()
        .find(|s| s.text.contains(text))
        .unwrap_or_else(|| {
            panic!(
                "no step {text}: {:?}",
                b.steps.iter().map(|s| &s.text).collect::<Vec<_>>()
            )
        })
}

/// The paths a step's layer adds or changes, with their sizes, and the
/// paths it deletes (whiteouts).
fn layer(s: &StepReport) -> (Vec<(String, u64)>, Vec<String>) {
    let mut written = Vec::new();
    let mut deleted = Vec::new();
    for c in s.changes.as_deref().unwrap_or_default() {
        match (&c.kind, &c.node) {
            (ChangeKind::Deleted, _) => deleted.push(c.path.clone()),
            (_, Some(Node::File(f))) => written.push((c.path.clone(), f.data.len() as u64)),
            (_, Some(_)) => written.push((c.path.clone(), 0)),
            (_, None) => {}
        }
    }
    (written, deleted)
}

fn bytes_under(written: &[(String, u64)], prefix: &str) -> u64 {
    written
        .iter()
        .filter(|(p, _)| p.starts_with(prefix))
        .map(|(_, n)| n)
        .sum()
}

fn image_size(b: &Built) -> u64 {
    b.steps.iter().map(|s| bytes_under(&layer(s).0, "/")).sum()
}

#[test]
fn split_apt_lists_are_shipped_and_hidden_joined_ones_never_land() {
    let (df, ctx) = example("apt-layers");
    let mut store = MemoryStore::new();
    let split = run(&mut store, &df, &ctx, Some("split"));
    let update = step(&split, "RUN apt-get update");
    let (written, _) = layer(update);
    let lists = bytes_under(&written, "/var/lib/apt/lists/");
    assert!(
        lists > 8_000_000,
        "apt-get update writes the lists: {lists} bytes"
    );
    assert!(
        written
            .iter()
            .any(|(p, _)| p.ends_with("_main_binary-amd64_Packages.lz4")),
        "{written:?}"
    );
    let install = step(&split, "apt-get install -y --no-install-recommends curl");
    let (w, _) = layer(install);
    assert!(
        w.iter().any(|(p, _)| p == "/usr/bin/curl"),
        "curl is installed"
    );
    let rm = step(&split, "rm -rf /var/lib/apt/lists/*");
    let (w, deleted) = layer(rm);
    assert_eq!(bytes_under(&w, "/"), 0, "the rm layer adds no bytes: {w:?}");
    assert!(
        deleted
            .iter()
            .any(|p| p.ends_with("_main_binary-amd64_Packages.lz4")),
        "the rm layer is whiteouts of the lists: {deleted:?}"
    );
    let joined = run(&mut store, &df, &ctx, Some("joined"));
    let one = step(&joined, "apt-get update");
    let (w, deleted) = layer(one);
    assert_eq!(
        bytes_under(&w, "/var/lib/apt/lists/"),
        0,
        "no list reaches the joined layer"
    );
    // Only what the base image had there (as with Docker: `rm -rf
    // /var/lib/apt/lists/*` removes the empty partial/ and the lock too).
    assert_eq!(
        deleted,
        ["/var/lib/apt/lists/lock", "/var/lib/apt/lists/partial"]
    );
    assert!(w.iter().any(|(p, _)| p == "/usr/bin/curl"));
    // The split image ships the lists: bigger by about their size.
    let (s, j) = (image_size(&split), image_size(&joined));
    assert!(
        s > j + lists * 9 / 10,
        "split {s} vs joined {j}, lists {lists}"
    );
    // And the whiteouts are real tar entries of the rm layer's blob.
    let digest = rm.layer.as_ref().unwrap().digest.clone();
    let blob = layerlab::build::store::Store::blob(
        &store,
        &layerlab::oci::digest::Digest::parse(&digest).unwrap(),
    )
    .unwrap()
    .unwrap();
    let entries =
        layerlab::oci::tar::read_layer(&blob, &layerlab::oci::tar::Limits::default()).unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.kind == layerlab::oci::tar::EntryKind::Whiteout
                && e.path.ends_with("_Packages.lz4")),
        "{:?}",
        entries
            .iter()
            .map(|e| (&e.path, &e.kind))
            .collect::<Vec<_>>()
    );
}

#[test]
fn npm_install_before_copying_the_source_stays_cached() {
    let (df, ctx) = example("cache-order");
    let mut store = MemoryStore::new();
    let first = run(&mut store, &df, &ctx, None);
    let (w, _) = layer(step(&first, "RUN npm install"));
    assert!(
        w.iter()
            .any(|(p, _)| p == "/app/node_modules/express/package.json"),
        "npm install wrote node_modules"
    );
    // Only the source changes.
    let mut edited = ctx.clone();
    edited
        .write_file(
            "/index.js",
            &b"console.log('changed')\n"[..],
            Meta::new(0o644),
        )
        .unwrap();
    let second = run(&mut store, &df, &edited, None);
    assert_eq!(step(&second, "RUN npm install").outcome, Outcome::Cached);
    assert_eq!(step(&second, "COPY package.json").outcome, Outcome::Cached);
    match &step(&second, "COPY . .").outcome {
        Outcome::Built(r) => {
            let why = r.describe("COPY . .");
            assert!(why.contains("index.js"), "the miss names the file: {why}");
        }
        o => panic!("COPY . . must be rebuilt: {o:?}"),
    }
    // The other order: npm install runs again for a source change.
    let bad = "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD [\"node\", \"index.js\"]\n";
    run(&mut store, bad, &ctx, None);
    let again = run(&mut store, bad, &edited, None);
    match &step(&again, "RUN npm install").outcome {
        Outcome::Built(r) => {
            let why = r.describe("RUN npm install");
            assert!(why.contains("rebuilt"), "{why}");
        }
        o => panic!("npm install after COPY . . is rebuilt: {o:?}"),
    }
}

#[test]
fn apk_no_cache_leaves_no_index() {
    let ctx = context_of(&[]);
    let mut store = MemoryStore::new();
    let b = run(
        &mut store,
        "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
        &ctx,
        None,
    );
    let (w, _) = layer(step(&b, "apk add --no-cache curl"));
    assert!(w.iter().any(|(p, _)| p == "/usr/bin/curl"), "{w:?}");
    assert_eq!(bytes_under(&w, "/var/cache/apk/"), 0, "{w:?}");
    let b = run(
        &mut store,
        "FROM alpine:3.20\nRUN apk add --update curl\n",
        &ctx,
        None,
    );
    let (w, _) = layer(step(&b, "apk add --update curl"));
    assert!(
        bytes_under(&w, "/var/cache/apk/") > 500_000,
        "--update keeps the indexes: {w:?}"
    );
}

#[test]
fn chmod_and_chown_r_copy_the_files_into_their_layer() {
    let big = "x".repeat(300_000);
    let ctx = context_of(&[("app/a.bin", &big), ("app/b.bin", &big)]);
    let mut store = MemoryStore::new();
    let b = run(
        &mut store,
        "FROM alpine:3.20\nCOPY app /app\nRUN chmod -R 755 /app\nRUN chown -R nobody /app\n",
        &ctx,
        None,
    );
    let copy = bytes_under(&layer(step(&b, "COPY app /app")).0, "/app/");
    for s in ["RUN chmod -R 755 /app", "RUN chown -R nobody /app"] {
        let (w, _) = layer(step(&b, s));
        assert_eq!(
            bytes_under(&w, "/app/"),
            copy,
            "{s} copies every file it touched: {w:?}"
        );
    }
    assert_eq!(copy, 600_000);
}

#[test]
fn the_node_seed_builds_with_tini_and_a_clean_npm_cache() {
    let (df, ctx) = example("node-tini");
    let mut store = MemoryStore::new();
    let b = run(&mut store, &df, &ctx, None);
    let (w, _) = layer(step(&b, "apk add --update tini"));
    assert!(w.iter().any(|(p, _)| p == "/sbin/tini"), "{w:?}");
    assert!(w.iter().any(|(p, _)| p == "/usr/src/app"));
    let npm = step(&b, "npm install && npm cache clean --force");
    let (w, _) = layer(npm);
    assert!(
        w.iter()
            .any(|(p, _)| p == "/usr/src/app/node_modules/express/package.json")
    );
    assert_eq!(
        bytes_under(&w, "/root/.npm/_cacache"),
        0,
        "the cache is cleaned in the same layer"
    );
    assert!(npm.notices.is_empty(), "{:?}", npm.notices);
    let cfg = String::from_utf8_lossy(&b.image.config).into_owned();
    assert!(
        cfg.contains("\"Entrypoint\":[\"/sbin/tini\",\"--\"]"),
        "{cfg}"
    );
    assert!(cfg.contains("\"NODE_VERSION=6.17.1\""), "{cfg}");
    assert!(cfg.contains("\"3000/tcp\""), "{cfg}");
}

#[test]
fn the_nginx_seed_builds_from_stretch_slim_and_says_what_it_made_up() {
    let (df, ctx) = example("nginx-debian");
    let mut store = MemoryStore::new();
    let b = run(&mut store, &df, &ctx, None);
    let install = step(&b, "NGINX_GPGKEY");
    assert!(
        install.notices.iter().any(|n| n.starts_with(
            "simulated key fetch: 573BFD6B3D8FBC641079A6ABABF5BD827BD9BF62 (no network"
        )),
        "the key is made up, and said so: {:?}",
        install.notices
    );
    assert!(install.output.contains(
        "Fetching GPG key 573BFD6B3D8FBC641079A6ABABF5BD827BD9BF62 from ha.pool.sks-keyservers.net"
    ));
    // The loop stops at the first server that answers.
    assert_eq!(
        install.output.matches("Fetching GPG key").count(),
        1,
        "{}",
        install.output
    );
    // A cache hit still says what was made up.
    let again = run(&mut store, &df, &ctx, None);
    let cached = step(&again, "NGINX_GPGKEY");
    assert_eq!(cached.outcome, Outcome::Cached);
    assert!(
        cached
            .notices
            .iter()
            .any(|n| n.starts_with("simulated keys: apt-key (line ")),
        "{:?}",
        cached.notices
    );
    let (w, _) = layer(install);
    assert!(
        w.iter().any(|(p, _)| p == "/usr/sbin/nginx"),
        "nginx is installed"
    );
    assert_eq!(
        bytes_under(&w, "/var/lib/apt/lists/"),
        0,
        "the lists are removed in the same RUN"
    );
    assert!(
        !w.iter().any(|(p, _)| p.starts_with("/usr/bin/gpg")),
        "gnupg1 was purged: {w:?}"
    );
    let logs = step(&b, "ln -sf /dev/stdout");
    let links: Vec<_> = logs
        .changes
        .as_deref()
        .unwrap()
        .iter()
        .filter_map(|c| match &c.node {
            Some(Node::Symlink(s)) => Some((c.path.clone(), s.target.clone())),
            _ => None,
        })
        .collect();
    assert!(
        links.contains(&("/var/log/nginx/access.log".into(), "/dev/stdout".into())),
        "{links:?}"
    );
    assert!(
        links.contains(&("/var/log/nginx/error.log".into(), "/dev/stderr".into())),
        "{links:?}"
    );
    let cfg = String::from_utf8_lossy(&b.image.config).into_owned();
    assert!(cfg.contains("\"StopSignal\":\"SIGTERM\""), "{cfg}");
}

#[test]
fn the_ubuntu_seed_installs_nginx_over_separate_runs() {
    let (df, ctx) = example("ubuntu-nginx");
    let mut store = MemoryStore::new();
    let b = run(&mut store, &df, &ctx, None);
    let (w, _) = layer(step(&b, "RUN apt-get update"));
    assert!(bytes_under(&w, "/var/lib/apt/lists/") > 8_000_000);
    assert!(
        w.iter()
            .any(|(p, _)| p.contains("archive.ubuntu.com_ubuntu_dists_noble")),
        "Ubuntu's lists: {w:?}"
    );
    let install = step(&b, "RUN apt-get install nginx -y");
    assert!(
        install.output.contains("Setting up nginx"),
        "{}",
        install.output
    );
    let (w, _) = layer(install);
    assert!(w.iter().any(|(p, _)| p == "/usr/sbin/nginx"));
    assert!(install.notices.is_empty(), "{:?}", install.notices);
}

/// dive's score of a built image, from its layers' tars as the store holds
/// them (a catalog base layer from its tree, as the page reads it).
fn efficiency_of(store: &MemoryStore, b: &Built) -> Efficiency {
    let layers: Vec<_> = b
        .image
        .layers
        .iter()
        .map(|l| {
            let d = Digest::parse(&l.digest).unwrap();
            let entries = match layerlab::build::catalog::layer_id_of(&d)
                .and_then(layerlab::build::catalog::layer_entries)
            {
                Some(e) => e,
                None => {
                    let blob = store.blob(&d).unwrap().expect("the layer is stored");
                    layerlab::oci::tar::read_layer(&blob, &Default::default()).unwrap()
                }
            };
            efficiency::from_tar(&entries)
        })
        .collect();
    efficiency::efficiency(&layers)
}

#[test]
fn dive_counts_split_lists_twice_as_wasted_and_joined_ones_not_at_all() {
    let (df, ctx) = example("apt-layers");
    let mut store = MemoryStore::new();
    let split = run(&mut store, &df, &ctx, Some("split"));
    let e = efficiency_of(&store, &split);
    let lists: Vec<_> = e
        .paths
        .iter()
        .filter(|p| p.path.starts_with("/var/lib/apt/lists/"))
        .collect();
    let top = &e.paths[0];
    assert!(
        top.path.ends_with("_main_binary-amd64_Packages.lz4"),
        "{top:?}"
    );
    // Written by layer 2 (apt-get update), hidden by layer 4 (the rm): the
    // whiteout counts the bytes it hides, so the file counts twice.
    let sizes: Vec<(usize, bool)> = top.layers.iter().map(|l| (l.layer, l.deleted)).collect();
    assert_eq!(sizes, [(1, false), (3, true)]);
    assert_eq!(top.cumulative, 2 * top.layers[0].size);
    let (written, _) = layer(step(&split, "RUN apt-get update"));
    let lists_bytes = bytes_under(&written, "/var/lib/apt/lists/");
    assert_eq!(
        lists.iter().map(|p| p.cumulative).sum::<u64>(),
        2 * lists_bytes
    );
    assert!(e.wasted >= 2 * lists_bytes);
    assert!(e.score < 0.9, "split fails dive --ci: {}", e.score);

    let joined = run(&mut store, &df, &ctx, Some("joined"));
    let j = efficiency_of(&store, &joined);
    // Only debian's empty lock and partial/, deleted by the same RUN: 0 bytes.
    let joined_lists: Vec<_> = j
        .paths
        .iter()
        .filter(|p| p.path.starts_with("/var/lib/apt/lists/"))
        .collect();
    assert!(
        joined_lists.iter().all(|p| p.cumulative == 0),
        "{joined_lists:?}"
    );
    assert!(
        j.score > e.score && j.wasted < e.wasted,
        "{} vs {}",
        j.score,
        e.score
    );
}

#[test]
fn the_multi_stage_example_ships_the_binary_and_not_the_toolchain() {
    let (df, ctx) = example("multi-stage");
    let mut store = MemoryStore::new();
    let shipped = run(&mut store, &df, &ctx, None);
    // alpine's layer and the one COPY --from: the builder's layers stay behind.
    assert_eq!(shipped.image.layers.len(), 2);
    let (w, _) = layer(step(&shipped, "COPY --from=builder"));
    // The binary, and the directories it lands in: nothing else.
    assert!(
        w.iter()
            .all(|(p, _)| "/usr/local/bin/hello".starts_with(p.as_str())),
        "{w:?}"
    );
    assert!(w.iter().any(|(p, n)| p == "/usr/local/bin/hello" && *n > 0));
    let shipped_bytes: u64 = shipped.image.layers.iter().map(|l| l.size).sum();

    // The builder stage as the target: Go's image and the build's layers.
    let builder = run(&mut store, &df, &ctx, Some("builder"));
    let builder_bytes: u64 = builder.image.layers.iter().map(|l| l.size).sum();
    assert!(builder.image.layers.len() > 5);
    assert!(
        builder_bytes > 40 * shipped_bytes,
        "builder {builder_bytes} vs shipped {shipped_bytes}"
    );
    // The go.mod step stays cached when only the code changes.
    let mut edited = ctx.clone();
    edited
        .write_file(
            "/main.go",
            &b"package main\n\nfunc main() {}\n"[..],
            Meta::new(0o644),
        )
        .unwrap();
    let again = run(&mut store, &df, &edited, None);
    assert_eq!(step(&again, "go mod download").outcome, Outcome::Cached);
    assert_ne!(step(&again, "go build").outcome, Outcome::Cached);
}

#[test]
fn the_scratch_example_is_one_layer_holding_one_executable() {
    let (df, ctx) = example("scratch-static");
    let mut store = MemoryStore::new();
    let b = run(&mut store, &df, &ctx, None);
    assert_eq!(b.image.layers.len(), 1, "FROM scratch adds no layer");
    let (w, _) = layer(step(&b, "COPY --chmod=0755 hello /hello"));
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].0, "/hello");
    let copy = step(&b, "COPY --chmod=0755 hello /hello");
    let mode = copy
        .changes
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find_map(|c| match &c.node {
            Some(Node::File(f)) => Some(f.meta.mode),
            _ => None,
        });
    assert_eq!(mode.map(|m| m & 0o7777), Some(0o755));
    let cfg = String::from_utf8_lossy(&b.image.config).into_owned();
    assert!(cfg.contains("\"User\":\"65534:65534\""), "{cfg}");
}
