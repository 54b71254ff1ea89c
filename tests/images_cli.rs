//! The image store and Docker's image commands, run as a user runs them:
//! the real binary on a temporary data directory, and skopeo and umoci
//! reading what it wrote (skipped with a message when they are not
//! installed, a failure under CI=true).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::tool;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use layerlab::build::images::units::{human_size, image_size};

static N: AtomicUsize = AtomicUsize::new(0);

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "layerlab-images-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Lab {
    data: PathBuf,
}

impl Drop for Lab {
    fn drop(&mut self) {
        // Each store holds a copy of the base image: do not let them pile up.
        if let Some(dir) = self.data.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Lab {
    fn new(name: &str) -> Lab {
        Lab {
            data: scratch(name).join("data"),
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_layerlab"));
        c.args(args)
            .env("LAYERLAB_DATA_DIR", &self.data)
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// Runs and insists on success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "layerlab {args:?} failed ({:?}):\n{}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `build -t NAME CONTEXT`: the log (stderr).
    fn build(&self, name: &str, ctx: &Path) -> String {
        let out = self.run(&["build", "-t", name, ctx.to_str().unwrap()]);
        let log = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "build failed:\n{log}");
        log
    }

    fn id(&self, name: &str) -> String {
        let out = self.ok(&["images", "-q", "--no-trunc", name]);
        assert_eq!(out.lines().count(), 1, "{out}");
        out.trim().to_string()
    }

    fn inspect(&self, name: &str) -> serde_json::Value {
        let v: serde_json::Value =
            serde_json::from_str(&self.ok(&["image", "inspect", name])).unwrap();
        v[0].clone()
    }
}

const DOCKERFILE: &str = "FROM busybox:1.36.1\nCOPY app /app\nCOPY README.md /\nCMD [\"sh\"]\n";

fn context(files: &[(&str, &str)]) -> PathBuf {
    let d = scratch("ctx");
    for (p, data) in files {
        let p = d.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    d
}

fn app_context() -> PathBuf {
    context(&[
        ("Dockerfile", DOCKERFILE),
        ("app/index.js", "console.log(1)\n"),
        ("README.md", "hi\n"),
        ("debug.log", "secret\n"),
        (".dockerignore", "*.log\n"),
    ])
}

/// The `#N …` lines of one vertex, by its name.
fn vertex<'a>(log: &'a str, name: &str) -> Vec<&'a str> {
    let head = log
        .lines()
        .find(|l| l.split_once(' ').is_some_and(|(_, rest)| rest == name))
        .unwrap_or_else(|| panic!("no vertex {name:?} in\n{log}"));
    let n = head.split(' ').next().unwrap();
    log.lines()
        .filter(|l| l.split(' ').next() == Some(n))
        .collect()
}

#[test]
fn build_log_cache_hits_misses_and_touch() {
    let lab = Lab::new("cache");
    let ctx = app_context();
    let log = lab.build("app", &ctx);
    assert!(
        log.starts_with(&format!(
            "#1 [internal] load build definition from Dockerfile\n\
             #1 transferring dockerfile: {}B done\n",
            DOCKERFILE.len()
        )),
        "{log}"
    );
    assert_eq!(
        vertex(
            &log,
            "[internal] load metadata for docker.io/library/busybox:1.36.1"
        )
        .len(),
        2
    );
    assert!(
        log.contains("\n\n#3 [internal] load .dockerignore\n#3 transferring context: 6B done\n"),
        "{log}"
    );
    // Dockerfile, app/index.js (15 B), README.md (3 B), .dockerignore (6 B):
    // debug.log is ignored.
    assert!(
        log.contains(&format!(
            "#5 [internal] load build context\n#5 transferring context: {}B done\n",
            DOCKERFILE.len() + 15 + 3 + 6
        )),
        "{log}"
    );
    let copy = vertex(&log, "[2/3] COPY app /app");
    assert_eq!(copy[0], "#6 [2/3] COPY app /app");
    assert_eq!(
        copy[1],
        "#6 cache miss: not in the cache (first build of this step)"
    );
    assert!(
        copy[2].starts_with("#6 DONE ") && copy[2].ends_with('s'),
        "{copy:?}"
    );
    assert_eq!(
        vertex(&log, "[3/3] COPY README.md /")[1],
        "#7 cache miss: parent step #6 was rebuilt"
    );
    let id = lab.id("app");
    let export = vertex(&log, "exporting to image");
    assert_eq!(
        &export[..4],
        [
            "#8 exporting to image",
            "#8 exporting layers done",
            &format!("#8 writing image {id} done"),
            "#8 naming to docker.io/library/app:latest done",
        ]
    );

    // Again: every step from the cache, the same image.
    let log = lab.build("app", &ctx);
    assert_eq!(vertex(&log, "[2/3] COPY app /app")[1], "#6 CACHED");
    assert_eq!(vertex(&log, "[3/3] COPY README.md /")[1], "#7 CACHED");
    assert!(!log.contains("cache miss"), "{log}");
    assert_eq!(lab.id("app"), id);

    // A changed file: a miss that says which, and a new image.
    std::fs::write(ctx.join("app/index.js"), "console.log(2)\n").unwrap();
    let log = lab.build("app", &ctx);
    assert_eq!(
        vertex(&log, "[2/3] COPY app /app")[1],
        "#6 cache miss: COPY source app/index.js changed"
    );
    let changed = lab.id("app");
    assert_ne!(changed, id);

    // A new mtime alone changes nothing.
    let f = std::fs::File::options()
        .write(true)
        .open(ctx.join("README.md"))
        .unwrap();
    f.set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
        .unwrap();
    drop(f);
    let out = lab.run(&["build", "-q", ctx.to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), changed);
    assert!(out.stderr.is_empty(), "-q prints only the ID");
}

#[test]
fn build_error_shows_the_dockerfile_line() {
    let lab = Lab::new("error");
    let ctx = context(&[(
        "Dockerfile",
        "FROM busybox:1.36.1\nCOPY missing.txt /\nCMD [\"sh\"]\n",
    )]);
    let out = lab.run(&["build", ctx.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let log = String::from_utf8(out.stderr).unwrap();
    let msg = "failed to compute cache key: \"/missing.txt\": not found";
    assert!(
        log.ends_with(&format!(
            "#6 [2/2] COPY missing.txt /\n\
             #6 ERROR: {msg}\n\
             \n\
             ------\n \
             > [2/2] COPY missing.txt /:\n\
             ------\n\
             Dockerfile:2\n\
             --------------------\n   \
             1 |     FROM busybox:1.36.1\n   \
             2 | >>> COPY missing.txt /\n   \
             3 |     CMD [\"sh\"]\n   \
             4 |     \n\
             --------------------\n\
             ERROR: failed to solve: {msg}\n"
        )),
        "{log}"
    );
    // Nothing was named.
    assert_eq!(lab.ok(&["images", "-q", "app"]), "");
}

#[test]
fn tag_rmi_conflicts_and_force() {
    let lab = Lab::new("rmi");
    let ctx = app_context();
    lab.build("app", &ctx);
    let id = lab.id("app");
    let short = &id["sha256:".len()..][..12];
    assert_eq!(lab.ok(&["tag", "app", "app:v2"]), "");
    assert_eq!(lab.ok(&["tag", short, "example.com/team/app:1"]), "");
    assert_eq!(
        lab.inspect("app")["RepoTags"],
        serde_json::json!(["app:latest", "app:v2", "example.com/team/app:1"])
    );
    let out = lab.run(&["tag", "app", "Bad"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error parsing reference: \"Bad\" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase\n"
    );
    let out = lab.run(&["tag", "nope", "x"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error response from daemon: No such image: nope:latest\n"
    );
    // By ID with several names: refused unless forced.
    let out = lab.run(&["rmi", &short[..4]]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "Error response from daemon: conflict: unable to delete {short} (must be forced) - image is referenced in multiple repositories\n"
        )
    );
    // By name: only that name goes.
    assert_eq!(lab.ok(&["rmi", "app:v2"]), "Untagged: app:v2\n");
    assert_eq!(lab.id("app"), id);
    let out = lab.run(&["rmi", "app:v2"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error response from daemon: No such image: app:v2\n"
    );
    // Forced by ID: every name, then the image (its layers stay in the cache).
    assert_eq!(
        lab.ok(&["rmi", "-f", &id]),
        format!("Untagged: app:latest\nUntagged: example.com/team/app:1\nDeleted: {id}\n")
    );
    assert_eq!(
        lab.ok(&["images", "-q"]).lines().count(),
        1,
        "busybox stays"
    );
    // -f makes a missing image no failure.
    let out = lab.run(&["rmi", "-f", "app"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error response from daemon: No such image: app:latest\n"
    );
}

#[test]
fn history_and_inspect() {
    let lab = Lab::new("history");
    let ctx = app_context();
    lab.build("app", &ctx);
    let id = lab.id("app");
    let short = &id["sha256:".len()..][..12];
    let busybox = lab.inspect("busybox:1.36.1");
    let base_size = busybox["Size"].as_u64().unwrap();
    let h = lab.ok(&["history", "app"]);
    let lines: Vec<&str> = h.lines().collect();
    // Column widths as Go's tabwriter makes them: the widest cell + 3, at
    // least 10. The widest CREATED BY is busybox's own history line.
    let busybox_by = "BusyBox 1.36.1 (glibc), Debian 12";
    let row = |id: &str, created: &str, by: &str, size: &str, comment: &str| {
        format!(
            "{id:<15}{created:<14}{by:<w$}{size:<10}{comment}",
            w = busybox_by.len() + 3
        )
    };
    assert_eq!(
        lines[0],
        row("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT")
    );
    // Epoch-0 dates are before 2000: blank; CMD is an empty layer: 0B.
    let bk = "buildkit.dockerfile.v0";
    assert_eq!(lines[1], row(short, "", "CMD [\"sh\"]", "0B", bk));
    // Docker counts a layer's file bytes, not its tar: README.md is "hi\n".
    assert_eq!(
        lines[2],
        row("<missing>", "", "COPY README.md / # buildkit", "3B", bk)
    );
    assert_eq!(
        lines[3],
        row("<missing>", "", "COPY app /app # buildkit", "15B", bk)
    );
    assert_eq!(
        lines[4],
        row("<missing>", "2 years ago", "CMD [\"sh\"]", "0B", "")
    );
    assert_eq!(
        lines[5],
        row(
            "<missing>",
            "2 years ago",
            busybox_by,
            &image_size(base_size),
            ""
        )
    );
    assert_eq!(lines.len(), 6);
    let raw = lab.ok(&["history", "-H=false", "--no-trunc", "app"]);
    assert!(raw.starts_with("IMAGE  "));
    let top = raw.lines().nth(1).unwrap();
    assert!(
        top.starts_with(&format!("{id}   1970-01-01T00:00:00Z   CMD [\"sh\"]  ")),
        "{raw}"
    );
    assert!(
        top.ends_with("   0         buildkit.dockerfile.v0"),
        "{raw}"
    );
    assert_eq!(
        lab.ok(&["history", "-q", "app"]),
        format!("{short}\n<missing>\n<missing>\n<missing>\n<missing>\n")
    );
    let json = lab.ok(&["history", "--format", "json", "app"]);
    let first: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(
        first,
        serde_json::json!({"Comment":"buildkit.dockerfile.v0","CreatedAt":"1970-01-01T00:00:00Z","CreatedBy":"CMD [\"sh\"]","CreatedSince":"","ID":short,"Size":"0B"})
    );

    let v = lab.inspect("app");
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    let mut expected = vec![
        "Id",
        "RepoTags",
        "RepoDigests",
        "Comment",
        "Created",
        "Config",
        "Architecture",
        "Os",
        "Size",
        "RootFS",
        "Metadata",
    ];
    expected.sort();
    assert_eq!(keys, expected, "the order is checked on the text below");
    assert_eq!(v["Id"], id);
    assert_eq!(v["RepoTags"], serde_json::json!(["app:latest"]));
    assert_eq!(v["Comment"], "buildkit.dockerfile.v0");
    assert_eq!(v["Created"], "1970-01-01T00:00:00Z");
    assert_eq!(v["Config"]["Cmd"], serde_json::json!(["sh"]));
    assert_eq!(v["RootFS"]["Layers"].as_array().unwrap().len(), 3);
    let size = v["Size"].as_u64().unwrap();
    // The file bytes: README.md (3) and app/index.js (15).
    assert_eq!(size, base_size + 3 + 15);
    let text = lab.ok(&["inspect", "app"]);
    let order: Vec<usize> = [
        "\"Id\"",
        "\"RepoTags\"",
        "\"RepoDigests\"",
        "\"Comment\"",
        "\"Created\"",
        "\"Config\"",
        "\"Architecture\"",
        "\"Os\"",
        "\"Size\"",
        "\"RootFS\"",
        "\"Metadata\"",
    ]
    .iter()
    .map(|k| {
        text.find(&format!("\n        {k}: "))
            .unwrap_or_else(|| panic!("{k} in {text}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert_eq!(
        lab.ok(&["images", "app"]),
        format!(
            "REPOSITORY   TAG       IMAGE ID       CREATED        SIZE\napp          latest    {short}   {}   {}\n",
            created_since_1970(&lab),
            image_size(size)
        )
    );
    let out = lab.run(&["image", "inspect", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "[]\n");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: No such image: nope\n"
    );
}

/// What `docker images` says of an epoch-0 image today.
fn created_since_1970(lab: &Lab) -> String {
    let out = lab.ok(&["images", "--format", "json", "app"]);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let s = v["CreatedSince"].as_str().unwrap().to_string();
    assert!(s.ends_with(" years ago"), "{s}");
    s
}

#[test]
fn prune_dangling_and_reclaimed_space() {
    let lab = Lab::new("prune");
    let ctx = app_context();
    lab.build("app", &ctx);
    let old = lab.id("app");
    std::fs::write(ctx.join("app/index.js"), "console.log(2)\n").unwrap();
    lab.build("app", &ctx);
    // The re-tag left the old image without a name.
    let rows = lab.ok(&["images"]);
    assert!(
        rows.contains(&format!("<none>       <none>    {}", &old[7..19])),
        "{rows}"
    );
    // Declined: nothing happens.
    let mut c = lab.cmd(&["image", "prune"]);
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"n\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] "
    );
    assert_eq!(lab.ok(&["images", "-q"]).lines().count(), 3);
    // The build cache still holds the old layers, so, as with BuildKit,
    // pruning the image frees none of them.
    assert_eq!(
        lab.ok(&["image", "prune", "-f"]),
        format!("Deleted Images:\ndeleted: {old}\n\nTotal reclaimed space: 0B\n")
    );
    assert_eq!(
        lab.ok(&["image", "prune", "-f"]),
        "Total reclaimed space: 0B\n"
    );

    // An image loaded from elsewhere has no cache records: replacing it and
    // pruning frees its own layers, counted uncompressed.
    let other = Lab::new("prune-other");
    let ctx2 = context(&[
        ("Dockerfile", "FROM busybox:1.36.1\nCOPY big.txt /\n"),
        ("big.txt", &"x".repeat(10_000)),
    ]);
    other.build("app", &ctx2);
    let archive = scratch("prune-tar").join("app.tar");
    other.ok(&["save", "-o", archive.to_str().unwrap(), "app"]);
    let replaced = lab.id("app");
    assert_eq!(
        lab.ok(&["load", "-i", archive.to_str().unwrap()]),
        format!(
            "The image app:latest already exists, renaming the old one with ID {replaced} to empty string\nLoaded image: app:latest\n"
        )
    );
    let loaded = lab.id("app");
    lab.build("app", &ctx);
    // big.txt holds 10,000 bytes: what the layer frees.
    let out = lab.ok(&["image", "prune", "-f"]);
    let chain = other.inspect("app")["RootFS"]["Layers"].clone();
    assert_eq!(chain.as_array().unwrap().len(), 2);
    assert!(
        out.starts_with(&format!(
            "Deleted Images:\ndeleted: {loaded}\ndeleted: sha256:"
        )),
        "{out}"
    );
    assert!(
        out.ends_with(&format!(
            "\n\nTotal reclaimed space: {}\n",
            human_size(10_000)
        )),
        "{out}"
    );
}

#[test]
fn system_df_counts_shared_layers_once() {
    let lab = Lab::new("df");
    let one = context(&[
        ("Dockerfile", "FROM busybox:1.36.1\nCOPY a.txt /\n"),
        ("a.txt", "a"),
    ]);
    let two = context(&[
        ("Dockerfile", "FROM busybox:1.36.1\nCOPY b.txt /\n"),
        ("b.txt", "bb"),
    ]);
    lab.build("one", &one);
    lab.build("two", &two);
    let base = lab.inspect("busybox:1.36.1")["Size"].as_u64().unwrap();
    let s1 = lab.inspect("one")["Size"].as_u64().unwrap();
    let s2 = lab.inspect("two")["Size"].as_u64().unwrap();
    assert_eq!((s1 - base, s2 - base), (1, 2), "a.txt and b.txt");
    let total = base + (s1 - base) + (s2 - base);
    let df = lab.ok(&["system", "df"]);
    let images_row = format!(
        "Images          3         0         {:<10}{} (100%)",
        human_size(total),
        human_size(total)
    );
    assert_eq!(
        df,
        format!(
            "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n\
             {images_row}\n\
             Containers      0         0         0B        0B\n\
             Local Volumes   0         0         0B        0B\n\
             Build Cache     2         0         0B        0B\n"
        )
    );
    let v = lab.ok(&["system", "df", "-v"]);
    assert!(v.starts_with("Images space usage:\n\nREPOSITORY   TAG       IMAGE ID       CREATED        SIZE      SHARED SIZE   UNIQUE SIZE   CONTAINERS\n"), "{v}");
    let row = v.lines().find(|l| l.starts_with("one ")).unwrap();
    assert!(
        row.ends_with(&format!(
            "{:<10}{:<14}{:<14}0",
            image_size(s1),
            human_size(base),
            human_size(1)
        )),
        "{row}"
    );
    // Both records hold layers the images have: shared, not counted again.
    assert!(
        v.contains("\nBuild cache usage: 0B\n\nCACHE ID       CACHE TYPE   SIZE      CREATED "),
        "{v}"
    );
    let cache_rows: Vec<&str> = v
        .lines()
        .filter(|l| l.contains("   regular      1B    ") || l.contains("   regular      2B    "))
        .collect();
    assert_eq!(cache_rows.len(), 2, "{v}");
    // LAST USED is "N seconds ago": its width (and so the padding after it)
    // depends on how long the run took, so compare the words.
    assert!(
        cache_rows.iter().all(|r| {
            let words: Vec<&str> = r.split_whitespace().collect();
            words.ends_with(&["ago", "1", "true"])
        }),
        "{v}"
    );
}

#[test]
fn save_then_load_into_a_fresh_store_keeps_the_id() {
    let lab = Lab::new("save");
    let ctx = app_context();
    lab.build("app", &ctx);
    let id = lab.id("app");
    let archive = scratch("save-tar").join("app.tar");
    assert_eq!(
        lab.ok(&["save", "-o", archive.to_str().unwrap(), "app"]),
        ""
    );
    let fresh = Lab::new("load");
    assert_eq!(
        fresh.ok(&["load", "-i", archive.to_str().unwrap()]),
        "Loaded image: app:latest\n"
    );
    assert_eq!(fresh.id("app"), id);
    assert_eq!(fresh.inspect("app")["Size"], lab.inspect("app")["Size"]);

    // A blob whose bytes do not match its name is refused.
    let mut bytes = std::fs::read(&archive).unwrap();
    let config_hex = &id[7..];
    let at = bytes
        .windows(config_hex.len())
        .position(|w| w == config_hex.as_bytes())
        .unwrap();
    // The config blob's first content byte sits one 512-byte block after its header.
    let header = at - at % 512;
    bytes[header + 512] ^= 1;
    let bad = archive.with_file_name("bad.tar");
    std::fs::write(&bad, bytes).unwrap();
    let out = Lab::new("load-bad").run(&["load", "-i", bad.to_str().unwrap()]);
    assert_ne!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("blob {id} in the archive is corrupt")),
        "{err}"
    );

    // A path that leaves the archive is refused.
    let escape = archive.with_file_name("escape.tar");
    std::fs::write(&escape, ustar_with_one_file("../evil", b"x")).unwrap();
    let out = Lab::new("load-escape").run(&["load", "-i", escape.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("evil"), "{err}");
}

/// A tar with one regular file, its header written by hand so that any
/// name, even one a writer would refuse, can be tested.
fn ustar_with_one_file(name: &str, data: &[u8]) -> Vec<u8> {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..108].copy_from_slice(b"0000644\0");
    h[108..116].copy_from_slice(b"0000000\0");
    h[116..124].copy_from_slice(b"0000000\0");
    h[124..136].copy_from_slice(format!("{:011o}\0", data.len()).as_bytes());
    h[136..148].copy_from_slice(b"00000000000\0");
    h[148..156].copy_from_slice(b"        ");
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut out = h.to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512 + 1024, 0);
    out
}

fn run_tool(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn skopeo_reads_the_store_and_the_saved_archive() {
    if !tool("skopeo") {
        return;
    }
    let lab = Lab::new("skopeo");
    let ctx = app_context();
    lab.build("app", &ctx);
    let id = lab.id("app");
    let store = format!("oci:{}:docker.io/library/app:latest", lab.data.display());
    let v: serde_json::Value =
        serde_json::from_str(&run_tool(Command::new("skopeo").args(["inspect", &store]))).unwrap();
    assert_eq!(v["Created"], "1970-01-01T00:00:00Z");
    assert_eq!(v["Layers"].as_array().unwrap().len(), 3);
    let config: serde_json::Value = serde_json::from_str(&run_tool(
        Command::new("skopeo").args(["inspect", "--config", &store]),
    ))
    .unwrap();
    assert_eq!(config["config"]["Cmd"], serde_json::json!(["sh"]));

    // skopeo copies out of the store into an archive; layerlab loads it back
    // with the same image ID.
    let dir = scratch("skopeo-out");
    let out_archive = dir.join("copied.tar");
    run_tool(Command::new("skopeo").args([
        "copy",
        &store,
        &format!("oci-archive:{}:app:copied", out_archive.display()),
    ]));
    let fresh = Lab::new("skopeo-load");
    assert_eq!(
        fresh.ok(&["load", "-i", out_archive.to_str().unwrap()]),
        "Loaded image: app:copied\n"
    );
    assert_eq!(fresh.id("app:copied"), id);

    // layerlab save → skopeo reads the archive.
    let saved = dir.join("saved.tar");
    lab.ok(&["save", "-o", saved.to_str().unwrap(), "app"]);
    let copy = dir.join("layout");
    run_tool(Command::new("skopeo").args([
        "copy",
        &format!("oci-archive:{}", saved.display()),
        &format!("oci:{}:x", copy.display()),
    ]));
    let v: serde_json::Value = serde_json::from_str(&run_tool(Command::new("skopeo").args([
        "inspect",
        "--config",
        &format!("oci:{}:x", copy.display()),
    ])))
    .unwrap();
    assert_eq!(v["rootfs"]["diff_ids"].as_array().unwrap().len(), 3);
}

#[test]
fn umoci_unpacks_the_built_image() {
    if !tool("umoci") {
        return;
    }
    let lab = Lab::new("umoci");
    let ctx = app_context();
    lab.build("app", &ctx);
    let bundle = scratch("umoci").join("bundle");
    run_tool(Command::new("umoci").args([
        "unpack",
        "--rootless",
        "--image",
        &format!("{}:docker.io/library/app:latest", lab.data.display()),
        bundle.to_str().unwrap(),
    ]));
    let rootfs = bundle.join("rootfs");
    assert_eq!(
        std::fs::read_to_string(rootfs.join("app/index.js")).unwrap(),
        "console.log(1)\n"
    );
    assert_eq!(
        std::fs::read_to_string(rootfs.join("README.md")).unwrap(),
        "hi\n"
    );
    assert!(rootfs.join("bin/sh").exists(), "the base image's files");
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bundle.join("config.json")).unwrap())
            .unwrap();
    assert_eq!(config["process"]["args"], serde_json::json!(["sh"]));
}

#[test]
fn concurrent_builds_keep_both_names() {
    // Each process reads the index, adds its name and writes it back; the
    // lock makes the second wait for the first instead of overwriting it.
    let lab = Lab::new("concurrent");
    let ctx = app_context();
    let ctx = ctx.to_str().unwrap();
    let children: Vec<_> = ["a", "b", "c"]
        .iter()
        .map(|t| {
            lab.cmd(&["build", "-q", "-t", t, ctx])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let id = lab.id("a");
    assert_eq!(lab.id("b"), id);
    assert_eq!(lab.id("c"), id);
    assert!(!lab.data.join("layerlab.lock").exists());
}

/// A seed from playground/ as a user builds it: `FROM ubuntu`, apt-get in
/// two RUNs; the images list shows the base and the image, history shows
/// the update layer with its lists and the install layer, and the build log
/// names what the steps did.
#[test]
fn the_ubuntu_seed_builds_in_the_cli() {
    let lab = Lab::new("seed");
    let ctx = Path::new(env!("CARGO_MANIFEST_DIR")).join("playground/ubuntu-nginx");
    let log = lab.build("web", &ctx);
    assert!(
        log.contains("FROM docker.io/library/ubuntu:latest@sha256:"),
        "{log}"
    );
    assert!(log.contains("Setting up nginx (1.22.1"), "{log}");
    assert!(!log.contains("partially simulated"), "{log}");
    let images = lab.ok(&["images"]);
    assert!(
        images
            .lines()
            .any(|l| l.starts_with("ubuntu ") && l.contains("latest")),
        "{images}"
    );
    assert!(images.lines().any(|l| l.starts_with("web ")), "{images}");
    let h = lab.ok(&["history", "--no-trunc", "--format", "json", "web"]);
    let rows: Vec<serde_json::Value> = h
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let size_of = |by: &str| {
        rows.iter()
            .find(|r| r["CreatedBy"].as_str().unwrap().contains(by))
            .map(|r| r["Size"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("{by} in {h}"))
    };
    // The lists are megabytes; the base is Ubuntu's ~80MB.
    assert!(size_of("apt-get update").ends_with("MB"), "{h}");
    assert!(size_of("apt-get install nginx -y").ends_with("MB"), "{h}");
    assert!(size_of("ADD file:ubuntu-24.04").ends_with("MB"), "{h}");
    let cfg = lab.inspect("web");
    assert_eq!(
        cfg["Config"]["Cmd"],
        serde_json::json!(["nginx", "-g", "daemon off;"])
    );
    assert_eq!(cfg["RootFS"]["Layers"].as_array().unwrap().len(), 4);
}
