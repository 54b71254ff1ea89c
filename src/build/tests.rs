//! Whole builds on the in-memory store: layers, cache decisions and their
//! reasons, stages, errors.

use super::*;
use crate::build::cache::MissReason;
use crate::build::store::MemoryStore;
use crate::vfs::{Fs, Meta};

fn context(files: &[(&str, &str)]) -> Fs {
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

fn run(store: &mut MemoryStore, dockerfile: &str, ctx: &Fs) -> Built {
    let req = Request::new(dockerfile, ctx);
    match build(&req, store, &mut ()) {
        Ok(b) => b,
        Err((e, _)) => panic!("build failed: {e} at {:?}", e.span),
    }
}

fn outcomes(b: &Built) -> Vec<String> {
    b.steps
        .iter()
        .map(|s| {
            let o = match &s.outcome {
                Outcome::Cached => "CACHED".to_string(),
                Outcome::Built(r) => format!("built: {}", r.describe(&s.text)),
                Outcome::Failed(m) => format!("failed: {m}"),
            };
            format!("{} {} => {o}", s.label, s.text)
        })
        .collect()
}

fn config(store: &MemoryStore, b: &Built) -> crate::oci::image::ImageConfig {
    let bytes = store.blob(&b.image.config_digest).unwrap().unwrap();
    crate::oci::image::ImageConfig::from_json(&bytes).unwrap()
}

const APP: &str = "FROM scratch\nCOPY app /app\nCOPY README.md /\n";

#[test]
fn copy_layers_are_real_and_cached_on_rebuild() {
    let ctx = context(&[
        ("app/index.js", "console.log(1)\n"),
        ("app/lib/util.js", "x"),
        ("README.md", "hi"),
    ]);
    let mut store = MemoryStore::new();
    let first = run(&mut store, APP, &ctx);
    assert_eq!(first.image.layers.len(), 2);
    assert_eq!(
        outcomes(&first),
        [
            "[1/2] COPY app /app => built: not in the cache (first build of this step)",
            "[2/2] COPY README.md / => built: parent step #1 was rebuilt",
        ]
    );
    // The layer's diff_id is the sha256 of its uncompressed tar.
    let l = &first.image.layers[0];
    let blob = store
        .blob(&crate::oci::digest::Digest::parse(&l.digest).unwrap())
        .unwrap()
        .unwrap();
    let entries = crate::oci::tar::read_layer(&blob, &crate::oci::tar::Limits::default()).unwrap();
    let names: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(names, ["app", "app/index.js", "app/lib", "app/lib/util.js"]);
    let tar = crate::oci::tar::write_tar(&entries).unwrap();
    assert_eq!(crate::oci::digest::Digest::of(&tar).to_string(), l.diff_id);
    // Same input, same image.
    let again = run(&mut store, APP, &ctx);
    assert!(again.steps.iter().all(|s| s.outcome == Outcome::Cached));
    assert_eq!(again.image.id(), first.image.id());
    // A fresh store gives the same bytes: nothing depends on the store's past.
    let fresh = run(&mut MemoryStore::new(), APP, &ctx);
    assert_eq!(fresh.image.manifest_digest, first.image.manifest_digest);
}

#[test]
fn cache_follows_content_and_mode_not_mtime() {
    let ctx = context(&[("app/index.js", "v1"), ("README.md", "hi")]);
    let mut store = MemoryStore::new();
    let first = run(&mut store, APP, &ctx);

    let mut touched = ctx.clone();
    touched
        .update_meta("/app/index.js", true, |m| m.mtime = 1_700_000_000)
        .unwrap();
    let b = run(&mut store, APP, &touched);
    assert!(
        b.steps.iter().all(|s| s.outcome == Outcome::Cached),
        "{:?}",
        outcomes(&b)
    );
    assert_eq!(b.image.id(), first.image.id());

    let mut edited = ctx.clone();
    edited.set_contents("/app/index.js", &b"v2"[..]).unwrap();
    let b = run(&mut store, APP, &edited);
    assert_eq!(
        outcomes(&b),
        [
            "[1/2] COPY app /app => built: COPY source app/index.js changed",
            "[2/2] COPY README.md / => built: parent step #1 was rebuilt",
        ]
    );

    let mut chmodded = ctx.clone();
    chmodded
        .update_meta("/README.md", true, |m| m.mode = 0o600)
        .unwrap();
    let b = run(&mut store, APP, &chmodded);
    assert_eq!(
        outcomes(&b),
        [
            "[1/2] COPY app /app => CACHED",
            "[2/2] COPY README.md / => built: COPY source README.md changed",
        ]
    );
}

#[test]
fn instruction_changes_and_no_cache_are_explained() {
    let ctx = context(&[("a", "a"), ("b", "b")]);
    let mut store = MemoryStore::new();
    run(&mut store, "FROM scratch\nCOPY a /a\nCOPY b /b\n", &ctx);
    let b = run(&mut store, "FROM scratch\nCOPY a /a\nCOPY b /c\n", &ctx);
    assert_eq!(
        outcomes(&b)[1],
        "[2/2] COPY b /c => built: instruction changed (was: COPY b /b)"
    );
    let mut req = Request::new("FROM scratch\nCOPY a /a\n", &ctx);
    req.no_cache = true;
    let b = build(&req, &mut store, &mut ()).unwrap();
    assert_eq!(b.steps[0].outcome, Outcome::Built(MissReason::NoCache));
}

#[test]
fn alpine_workdir_metadata_and_history() {
    let ctx = context(&[("server.js", "require('http')")]);
    let mut store = MemoryStore::new();
    let df = "FROM alpine:3.20\nENV NODE_ENV=production\nWORKDIR /usr/src/app\nCOPY server.js .\nEXPOSE 8080\nUSER nobody\nCMD [\"node\", \"server.js\"]\n";
    let b = run(&mut store, df, &ctx);
    assert_eq!(b.image.layers.len(), 3, "alpine, WORKDIR, COPY");
    let c = config(&store, &b);
    assert_eq!(c.config.working_dir, "/usr/src/app");
    assert_eq!(c.config.cmd, ["node", "server.js"]);
    assert_eq!(c.config.user, "nobody");
    assert!(c.config.env.contains(&"NODE_ENV=production".to_string()));
    assert!(c.config.env[0].starts_with("PATH="));
    assert!(c.config.exposed_ports.contains_key("8080/tcp"));
    let rows: Vec<(String, bool)> = c
        .history
        .iter()
        .map(|h| (h.created_by.clone(), h.empty_layer))
        .collect();
    assert!(!rows[0].1, "the base layer is a real layer");
    assert!(
        rows.contains(&("WORKDIR /usr/src/app".to_string(), false)),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("ENV NODE_ENV=production".to_string(), true)),
        "{rows:?}"
    );
    // The non-empty history rows pair with the layers.
    assert_eq!(
        c.history.iter().filter(|h| !h.empty_layer).count(),
        c.rootfs.diff_ids.len()
    );
    // The base image was stored and tagged, as a pull would.
    assert!(
        store
            .images()
            .iter()
            .any(|i| i.tags == ["docker.io/library/alpine:3.20"])
    );
    // The copied file is in the working directory.
    let copy = b.steps.iter().find(|s| s.text.starts_with("COPY")).unwrap();
    let paths: Vec<&str> = copy
        .changes
        .as_ref()
        .unwrap()
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    assert!(paths.contains(&"/usr/src/app/server.js"), "{paths:?}");
}

#[test]
fn multi_stage_builds_only_what_the_target_needs() {
    let ctx = context(&[("main.go", "package main")]);
    let df = "FROM busybox AS build\nCOPY main.go /src/\nRUN echo compile\n\nFROM scratch AS unused\nCOPY main.go /nope\n\nFROM scratch\nCOPY --from=build /src/main.go /bin/app\n";
    let mut store = MemoryStore::new();
    let b = run(&mut store, df, &ctx);
    let texts: Vec<&str> = b.steps.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        texts,
        ["[build 1/3]", "[build 2/3]", "[build 3/3]", "[stage-2 1/1]"]
    );
    // `echo compile` is simulated: it ran, wrote nothing, and left nothing unsaid.
    assert!(b.steps[2].notices.is_empty(), "{:?}", b.steps[2].notices);
    assert_eq!(b.image.layers.len(), 1);
    let mut req = Request::new(df, &ctx);
    req.target = Some("unused".into());
    let b = build(&req, &mut store, &mut ()).unwrap();
    assert_eq!(b.steps.len(), 1);
    req.target = Some("nope".into());
    let (e, _) = build(&req, &mut store, &mut ()).unwrap_err();
    assert_eq!(e.message, "failed to reach build target nope in Dockerfile");
}

#[test]
fn errors_point_at_the_instruction_and_leave_names_alone() {
    let ctx = context(&[("a", "a")]);
    let mut store = MemoryStore::new();
    let df = "FROM scratch\nCOPY a /a\nCOPY missing.txt /\n";
    let (e, steps) = build(&Request::new(df, &ctx), &mut store, &mut ()).unwrap_err();
    assert_eq!(
        e.message,
        "failed to compute cache key: \"/missing.txt\": not found"
    );
    assert_eq!(
        &df[e.span.unwrap().start..e.span.unwrap().end],
        "COPY missing.txt /"
    );
    // BuildKit's log shows the failing step with its error (`#N ERROR: …`).
    assert_eq!(steps.len(), 2);
    assert_eq!(
        steps[1].outcome,
        Outcome::Failed("failed to compute cache key: \"/missing.txt\": not found".into())
    );
    assert!(steps[1].layer.is_none());
    assert!(store.images().is_empty());
    let (e, _) = build(&Request::new("FROM node:18\n", &ctx), &mut store, &mut ()).unwrap_err();
    assert!(
        e.message.contains("docker.io/library/node:18: not found"),
        "{}",
        e.message
    );
    assert_eq!(
        e.span.map(|s| &"FROM node:18\n"[s.start..s.end]),
        Some("node:18")
    );
    let (e, _) = build(
        &Request::new("FROM scratch\nCOPY ../etc/passwd /\n", &ctx),
        &mut store,
        &mut (),
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "forbidden path outside the build context: ../etc/passwd ()"
    );
}

#[test]
fn add_extracts_local_tars_and_copy_does_not() {
    let tar = crate::oci::tar::write_tar(&[
        crate::oci::tar::Entry::dir("pkg", 0o755),
        crate::oci::tar::Entry::file("pkg/a.txt", &b"A"[..], 0o644),
    ])
    .unwrap();
    let mut ctx = Fs::new();
    ctx.write_file("/bundle.tar", tar, Meta::new(0o644))
        .unwrap();
    let mut store = MemoryStore::new();
    let b = run(
        &mut store,
        "FROM scratch\nADD bundle.tar /opt/\nCOPY bundle.tar /raw/\n",
        &ctx,
    );
    let add: Vec<&str> = b.steps[0]
        .changes
        .as_ref()
        .unwrap()
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    assert_eq!(add, ["/opt", "/opt/pkg", "/opt/pkg/a.txt"]);
    let copy: Vec<&str> = b.steps[1]
        .changes
        .as_ref()
        .unwrap()
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    assert_eq!(copy, ["/raw", "/raw/bundle.tar"]);
}

#[test]
fn onbuild_triggers_run_when_used_as_a_base() {
    let ctx = context(&[("app.txt", "x")]);
    let mut store = MemoryStore::new();
    let base = run(
        &mut store,
        "FROM scratch\nONBUILD COPY app.txt /app/\n",
        &ctx,
    );
    store
        .tag(
            "docker.io/library/mybase:latest",
            &base.image.manifest_digest,
            base.image.manifest.len() as u64,
        )
        .unwrap();
    let b = run(&mut store, "FROM mybase\nENV X=1\n", &ctx);
    assert!(
        b.steps
            .iter()
            .any(|s| s.text == "ONBUILD COPY app.txt /app/"),
        "{:?}",
        outcomes(&b)
    );
    let c = config(&store, &b);
    assert!(c.config.on_build.is_empty(), "triggers are consumed");
}

#[test]
fn build_args_reach_the_cache_key() {
    let ctx = context(&[]);
    let df = "FROM busybox\nARG VERSION=1\nRUN echo $VERSION\n";
    let mut store = MemoryStore::new();
    run(&mut store, df, &ctx);
    let mut req = Request::new(df, &ctx);
    req.build_args.insert("VERSION".into(), "2".into());
    let b = build(&req, &mut store, &mut ()).unwrap();
    let run_step = b.steps.iter().find(|s| s.text.starts_with("RUN")).unwrap();
    assert_eq!(
        run_step.outcome,
        Outcome::Built(MissReason::InputsChanged {
            changes: vec!["build arg VERSION: 1 → 2".into()],
            more: 0
        })
    );
}

#[test]
fn platforms_and_depth_are_bounded() {
    let ctx = context(&[("a", "a")]);
    let mut store = MemoryStore::new();
    let df = "FROM --platform=linux/arm64 alpine:3.20\n";
    let (e, _) = build(&Request::new(df, &ctx), &mut store, &mut ()).unwrap_err();
    assert_eq!(
        e.message,
        "alpine:3.20: no match for platform linux/arm64: layerlab has this image for linux/amd64 only"
    );
    assert_eq!(
        &df[e.span.unwrap().start..e.span.unwrap().end],
        "--platform=linux/arm64"
    );
    let deep = format!("FROM scratch\n{}", "COPY a /a\n".repeat(130));
    let (e, steps) = build(&Request::new(&deep, &ctx), &mut store, &mut ()).unwrap_err();
    assert!(e.message.starts_with("max depth exceeded"), "{}", e.message);
    assert_eq!(steps.len(), 128, "127 layers, then the step that failed");
}

/// The bytes of file content a step's layer adds or changes.
fn added_bytes(step: &StepReport) -> u64 {
    step.changes
        .iter()
        .flatten()
        .filter_map(|c| c.node.as_ref())
        .map(|n| n.size())
        .sum()
}

fn change_list(step: &StepReport) -> Vec<String> {
    step.changes
        .iter()
        .flatten()
        .map(|c| format!("{:?} {}", c.kind, c.path))
        .collect()
}

fn build_err(dockerfile: &str) -> (BuildError, Vec<StepReport>) {
    let ctx = context(&[]);
    let mut store = MemoryStore::new();
    build(&Request::new(dockerfile, &ctx), &mut store, &mut ()).unwrap_err()
}

#[test]
fn run_writes_files_into_its_layer() {
    let ctx = context(&[]);
    let mut store = MemoryStore::new();
    let mut req = Request::new(
        "FROM busybox\nRUN mkdir -p /app && echo hi > /app/x\n",
        &ctx,
    );
    req.epoch = 1_700_000_000;
    let b = build(&req, &mut store, &mut ()).unwrap();
    let step = &b.steps[1];
    assert!(step.notices.is_empty(), "{:?}", step.notices);
    assert_eq!(change_list(step), ["Added /app", "Added /app/x"]);
    let x = step.changes.as_ref().unwrap()[1].node.clone().unwrap();
    let crate::vfs::Node::File(f) = x else {
        panic!("a file")
    };
    assert_eq!(&f.data[..], b"hi\n");
    // SOURCE_DATE_EPOCH: what RUN writes carries the build's time, so rebuilds are identical.
    assert_eq!((f.meta.mode, f.meta.mtime), (0o644, 1_700_000_000));
}

#[test]
fn run_rm_in_a_later_layer_is_a_whiteout() {
    let ctx = context(&[]);
    let mut store = MemoryStore::new();
    let b = run(
        &mut store,
        "FROM busybox\nRUN echo hello > /etc/motd\nRUN rm -rf /etc/motd\n",
        &ctx,
    );
    assert_eq!(
        change_list(&b.steps[2]),
        ["Modified /etc", "Deleted /etc/motd"]
    );
    let digest = crate::oci::Digest::parse(&b.image.layers[2].digest).unwrap();
    let blob = store.blob(&digest).unwrap().unwrap();
    let entries = crate::oci::tar::read_layer(&blob, &Default::default()).unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e.path == "etc/motd" && e.kind == crate::oci::tar::EntryKind::Whiteout),
        "the layer holds the whiteout: {:?}",
        entries.iter().map(|e| &e.path).collect::<Vec<_>>()
    );
}

#[test]
fn chmod_in_a_later_layer_copies_the_file() {
    let ctx = context(&[]);
    let mut store = MemoryStore::new();
    let b = run(
        &mut store,
        "FROM busybox\nRUN echo a > /f\nRUN chmod 600 /f\n",
        &ctx,
    );
    // The whole file is in the second layer again, only for its mode.
    assert_eq!(change_list(&b.steps[2]), ["Modified /f"]);
    assert_eq!(added_bytes(&b.steps[2]), 2);
    let f = b.steps[2].changes.as_ref().unwrap()[0]
        .node
        .clone()
        .unwrap();
    assert_eq!(f.meta().mode, 0o600);
}

#[test]
fn creating_and_deleting_in_one_run_saves_the_space() {
    let ctx = context(&[]);
    let make = "{ i=0; while [ $i -lt 1000 ]; do echo 0123456789012345678901234567890123456789; i=$((i+1)); done; } > /big";
    let split = format!("FROM busybox\nRUN {make}\nRUN rm /big\n");
    let joined = format!("FROM busybox\nRUN {make} && rm /big\n");
    let mut store = MemoryStore::new();
    let s = run(&mut store, &split, &ctx);
    let j = run(&mut store, &joined, &ctx);
    // Split: the 41 000 bytes ship in the first RUN's layer, hidden by a whiteout in the next.
    assert_eq!(added_bytes(&s.steps[1]), 41_000);
    assert_eq!(change_list(&s.steps[2]), ["Deleted /big"]);
    // Joined: the layer never holds them.
    assert_eq!(added_bytes(&j.steps[1]), 0);
    let size = |b: &Built| b.image.layers.iter().map(|l| l.size).sum::<u64>();
    assert!(size(&s) > size(&j), "{} vs {}", size(&s), size(&j));
}

#[test]
fn run_failure_is_buildkits_message() {
    let (e, steps) = build_err("FROM busybox\nRUN exit 3\n");
    assert_eq!(
        e.message,
        "process \"/bin/sh -c exit 3\" did not complete successfully: exit code: 3"
    );
    assert!(matches!(steps.last().unwrap().outcome, Outcome::Failed(_)));
    let (e, _) = build_err("FROM busybox\nRUN mkdir /a/b\n");
    assert_eq!(
        e.message,
        "process \"/bin/sh -c mkdir /a/b\" did not complete successfully: exit code: 1\nmkdir: cannot create directory '/a/b': No such file or directory"
    );
    let (e, _) = build_err("FROM busybox\nUSER ghost\nRUN true\n");
    assert_eq!(
        e.message,
        "unable to find user ghost: no matching entries in passwd file"
    );
    // FROM scratch has no shell to run RUN with.
    let (e, _) = build_err("FROM scratch\nRUN echo hi\n");
    assert_eq!(
        e.message,
        "process \"/bin/sh -c echo hi\" did not complete successfully: exec: \"/bin/sh\": stat /bin/sh: no such file or directory"
    );
    let (e, _) = build_err("FROM busybox\nRUN while true; do :; done\n");
    assert_eq!(
        e.message,
        "RUN stopped after 100000 steps (the step limit): while true; do :; done"
    );
}

#[test]
fn unsimulated_commands_are_named_with_their_lines() {
    let ctx = context(&[]);
    let mut store = MemoryStore::new();
    let df = "FROM alpine:3.20\nRUN apk fetch curl \\\n && mkdir /x \\\n && apk audit\n";
    let b = run(&mut store, df, &ctx);
    assert_eq!(
        b.steps[1].notices,
        ["partially simulated: not run: apk (line 2), apk (line 4)"]
    );
    // The simulated part did run.
    assert_eq!(change_list(&b.steps[1]), ["Added /x"]);
    // A cache hit says the same.
    let again = run(&mut store, df, &ctx);
    assert_eq!(again.steps[1].outcome, Outcome::Cached);
    assert_eq!(again.steps[1].notices, b.steps[1].notices);
}

#[test]
fn simulated_downloads_are_said_and_their_archives_extract() {
    let ctx = context(&[]);
    let mut store = MemoryStore::new();
    let df = "FROM alpine:3.20\nRUN mkdir -p /opt \\\n && wget -qO- https://example.com/tool-1.2.tar.gz | tar -xz -C /opt\n";
    let b = run(&mut store, df, &ctx);
    assert_eq!(b.steps[1].notices.len(), 1, "{:?}", b.steps[1].notices);
    let n = &b.steps[1].notices[0];
    assert!(
        n.starts_with("simulated download: https://example.com/tool-1.2.tar.gz (")
            && n.ends_with(" bytes, no network)"),
        "{n}"
    );
    assert!(change_list(&b.steps[1]).contains(&"Added /opt/tool-1.2/bin/tool".to_string()));
    let again = run(&mut store, df, &ctx);
    assert_eq!(again.steps[1].outcome, Outcome::Cached);
    assert_eq!(
        again.steps[1].notices,
        ["simulated download: wget (line 3) (no network)"]
    );
}

#[test]
fn a_failure_after_a_made_up_download_says_so() {
    let (e, _) = build_err(
        "FROM alpine:3.20\nRUN wget -qO- https://example.com/t-1.tgz | tar xz && mv t.bin /usr/local/bin/\n",
    );
    assert!(
        e.message.contains(
            "mv: cannot stat 't.bin': No such file or directory\nnote: made-up content may be the cause: simulated download: https://example.com/t-1.tgz ("
        ) && e.message.ends_with(" bytes, no network)"),
        "{}",
        e.message
    );
}

#[test]
fn accounts_made_in_a_run_are_users_for_user() {
    let ctx = context(&[]);
    let mut store = MemoryStore::new();
    let df = "FROM alpine:3.20\nRUN addgroup -S app && adduser -S -D -G app app && install -d -o app -g app /data\nUSER app\nRUN id && touch /data/f\n";
    let b = run(&mut store, df, &ctx);
    assert_eq!(
        b.steps[2].output,
        "uid=100(app) gid=101(app) groups=101(app)\n"
    );
    assert!(b.steps[1].notices.is_empty(), "{:?}", b.steps[1].notices);
}

#[test]
fn run_forms_shells_env_workdir_and_user() {
    let ctx = context(&[]);
    let mut store = MemoryStore::new();
    let df = concat!(
        "FROM busybox\n",
        "ARG V=1\n",
        "ENV GREETING=hello\n",
        "WORKDIR /w\n",
        "RUN echo \"$GREETING $V $(pwd)\" > out\n",
        "RUN [\"touch\", \"/w/exec\"]\n",
        "RUN <<EOF\nset -e\necho heredoc > /w/h\nEOF\n",
        "USER nobody\n",
        "RUN id -u > /tmp/uid\n",
        "SHELL [\"pwsh\", \"-c\"]\n",
        "RUN Write-Host hi\n",
    );
    let b = run(&mut store, df, &ctx);
    let file = |i: usize, path: &str| -> String {
        let c = b.steps[i]
            .changes
            .as_ref()
            .unwrap()
            .iter()
            .find(|c| c.path == path)
            .unwrap();
        let crate::vfs::Node::File(f) = c.node.clone().unwrap() else {
            panic!()
        };
        String::from_utf8_lossy(&f.data).into_owned()
    };
    assert_eq!(file(2, "/w/out"), "hello 1 /w\n");
    assert_eq!(change_list(&b.steps[3]), ["Modified /w", "Added /w/exec"]);
    assert_eq!(file(4, "/w/h"), "heredoc\n");
    assert_eq!(file(5, "/tmp/uid"), "65534\n");
    let owner = b.steps[5]
        .changes
        .as_ref()
        .unwrap()
        .iter()
        .find(|c| c.path == "/tmp/uid")
        .unwrap();
    assert_eq!(owner.node.as_ref().unwrap().meta().uid, 65534);
    assert_eq!(
        b.steps[6].notices,
        [
            "not simulated: SHELL [\"pwsh\", \"-c\"] is not a POSIX shell; layerlab simulates only sh-like shells; the command did not run, so this layer is empty"
        ]
    );
}

#[test]
fn a_missing_program_is_not_found_unless_an_unsimulated_step_may_have_installed_it() {
    let (e, _) = build_err("FROM alpine:3.20\nRUN node --version\n");
    assert_eq!(
        e.message,
        "process \"/bin/sh -c node --version\" did not complete successfully: exit code: 127\nsh: 1: node: not found"
    );
    let ctx = context(&[]);
    let mut store = MemoryStore::new();
    let b = run(
        &mut store,
        "FROM alpine:3.20\nRUN apk add --no-cache nodejs\nRUN node --version\n",
        &ctx,
    );
    assert_eq!(
        b.steps[2].notices,
        ["partially simulated: not run: node (line 3)"]
    );
}

#[test]
fn run_output_is_in_the_step_report_in_order() {
    let ctx = context(&[]);
    let mut store = MemoryStore::new();
    let b = run(
        &mut store,
        "FROM busybox\nRUN echo out; echo err >&2; echo again\n",
        &ctx,
    );
    assert_eq!(b.steps[1].output, "out\nerr\nagain\n");
    // A cached step did not run now: it printed nothing.
    let again = run(
        &mut store,
        "FROM busybox\nRUN echo out; echo err >&2; echo again\n",
        &ctx,
    );
    assert_eq!(again.steps[1].output, "");
}

#[test]
fn apk_add_installs_real_packages_into_the_layer() {
    let ctx = context(&[]);
    let mut store = MemoryStore::new();
    let df = "FROM alpine:3.20\nRUN apk add --no-cache tini curl\nRUN apk add jq\n";
    let b = run(&mut store, df, &ctx);
    assert!(b.steps[1].notices.is_empty(), "{:?}", b.steps[1].notices);
    let changes = change_list(&b.steps[1]);
    assert!(
        changes.contains(&"Added /sbin/tini".to_string()),
        "{changes:?}"
    );
    assert!(
        changes.contains(&"Modified /etc/apk/world".to_string()),
        "{changes:?}"
    );
    assert!(!changes.iter().any(|c| c.contains("/var/cache/apk/")));
    let curl = crate::packages::apks()["curl"].installed;
    assert!(added_bytes(&b.steps[1]) > curl);
    // Without --no-cache the indexes stay in the layer.
    assert!(
        change_list(&b.steps[2])
            .iter()
            .any(|c| c.starts_with("Added /var/cache/apk/APKINDEX."))
    );
}
