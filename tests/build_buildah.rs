//! Whole builds against real buildah 1.28 (`bud --layers --timestamp 0`) on
//! the same context directory: the layers COPY and ADD make have the same
//! diff_ids, and the cache hits and misses on the same steps after the same
//! edits. Where buildah differs from BuildKit (it makes no WORKDIR layer),
//! only what is comparable is compared.

#![cfg(not(target_arch = "wasm32"))]

mod oci;

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;

use layerlab::build::store::MemoryStore;
use layerlab::build::{Outcome, Request, build};
use layerlab::oci::image::ImageConfig;
use layerlab::vfs::{Fs, Meta};
use oci::{Buildah, have};

/// Loads a directory as a build context: modes from disk, owner root (as
/// BuildKit's context transfer sends it), symlinks as symlinks, hardlinks as
/// one inode.
fn load_context(dir: &Path) -> Fs {
    let mut fs = Fs::new();
    let mut inodes: BTreeMap<(u64, u64), String> = BTreeMap::new();
    fn walk(dir: &Path, rel: &str, fs: &mut Fs, inodes: &mut BTreeMap<(u64, u64), String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().into_string().unwrap();
            let path = format!("{rel}/{name}");
            let md = std::fs::symlink_metadata(e.path()).unwrap();
            let meta = Meta::new(md.permissions().mode() & 0o7777);
            if md.file_type().is_symlink() {
                let target = std::fs::read_link(e.path()).unwrap();
                fs.symlink(target.to_str().unwrap(), &path, Meta::new(0o777))
                    .unwrap();
            } else if md.is_dir() {
                fs.mkdir(&path, meta).unwrap();
                walk(&e.path(), &path, fs, inodes);
            } else if let Some(first) = inodes.get(&(md.dev(), md.ino())) {
                fs.hardlink(first, &path).unwrap();
            } else {
                fs.write_file(&path, std::fs::read(e.path()).unwrap(), meta)
                    .unwrap();
                if md.nlink() > 1 {
                    inodes.insert((md.dev(), md.ino()), path);
                }
            }
        }
    }
    walk(dir, "", &mut fs, &mut inodes);
    fs
}

fn write(dir: &Path, path: &str, data: &str, mode: u32) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, data).unwrap();
    std::fs::set_permissions(&p, PermissionsExt::from_mode(mode)).unwrap();
}

fn make_context(dir: &Path) {
    write(dir, "app/main.py", "print('hi')\n", 0o644);
    write(
        dir,
        "app/run.sh",
        "#!/bin/sh\nexec python3 main.py\n",
        0o755,
    );
    write(dir, "app/lib/util.py", "def f(): pass\n", 0o640);
    write(dir, "docs/README.md", "# docs\n", 0o644);
    write(dir, "docs/ünïcødé guide.txt", "ünï\n", 0o644);
    write(
        dir,
        &format!("docs/{}", "n".repeat(120)),
        "long name\n",
        0o644,
    );
    write(dir, "app.conf", "k=v\n", 0o600);
    write(dir, "big.bin", &"0123456789abcdef".repeat(8_000), 0o644);
    symlink("main.py", dir.join("app/current")).unwrap();
    std::fs::hard_link(dir.join("app/main.py"), dir.join("app/main-copy.py")).unwrap();
}

/// The diff_ids of buildah's image `tag`.
fn diff_ids(b: &Buildah, tag: &str) -> Vec<String> {
    let (_, config, _) = b.push(tag);
    ImageConfig::from_json(&config)
        .unwrap()
        .rootfs
        .diff_ids
        .iter()
        .map(|d| d.to_string())
        .collect()
}

/// For each `STEP k/n: INSTR` of buildah's output, whether it used the cache.
fn buildah_hits(output: &str) -> Vec<(String, bool)> {
    let mut steps: Vec<(String, bool)> = Vec::new();
    for line in output.lines() {
        if let Some(rest) = line.strip_prefix("STEP ") {
            let instr = rest.split_once(": ").map_or(rest, |(_, i)| i);
            steps.push((instr.to_string(), false));
        } else if line.starts_with("--> Using cache")
            && let Some(last) = steps.last_mut()
        {
            last.1 = true;
        }
    }
    steps
}

const LAYERS: &str = "FROM scratch
COPY app /app
WORKDIR /app
COPY docs ./docs/
ENV GREETING=hello
COPY --chown=1000:1000 app.conf /etc/
ADD big.bin /data/
LABEL org.example=1
COPY . /all/
";

#[test]
fn copy_and_add_layers_have_buildahs_diff_ids() {
    if !have("buildah", "--version") {
        return;
    }
    let b = Buildah::new("build-buildah-layers");
    let ctx = b.root.join("context");
    std::fs::create_dir(&ctx).unwrap();
    make_context(&ctx);
    b.bud(LAYERS, &ctx, "layers");
    let theirs = diff_ids(&b, "layers");

    let fs = load_context(&ctx);
    let built = build(&Request::new(LAYERS, &fs), &mut MemoryStore::new(), &mut ())
        .unwrap_or_else(|(e, _)| panic!("{e}"));
    // buildah makes no WORKDIR layer (BuildKit does): compare the rest.
    let ours: Vec<String> = built
        .steps
        .iter()
        .filter(|s| !s.text.starts_with("WORKDIR"))
        .filter_map(|s| s.layer.as_ref().map(|l| l.diff_id.clone()))
        .collect();
    let names: Vec<&str> = built
        .steps
        .iter()
        .filter(|s| !s.text.starts_with("WORKDIR"))
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(ours.len(), theirs.len(), "{names:?}");
    for ((ours, theirs), step) in ours.iter().zip(&theirs).zip(&names) {
        assert_eq!(ours, theirs, "{step}");
    }
}

/// A change to the context, and which of the three COPY steps stay cached after it.
type Edit = (&'static str, [bool; 3], Box<dyn Fn(&Path)>);

const CACHE: &str = "FROM scratch
COPY app /app
COPY docs /docs
COPY app.conf /etc/app.conf
";

#[test]
fn cache_decisions_match_buildahs_layers_cache() {
    if !have("buildah", "--version") {
        return;
    }
    let b = Buildah::new("build-buildah-cache");
    let ctx = b.root.join("context");
    std::fs::create_dir(&ctx).unwrap();
    make_context(&ctx);
    let mut store = MemoryStore::new();
    let ours_hits = |store: &mut MemoryStore| -> Vec<(String, bool)> {
        let fs = load_context(&ctx);
        let built =
            build(&Request::new(CACHE, &fs), store, &mut ()).unwrap_or_else(|(e, _)| panic!("{e}"));
        built
            .steps
            .iter()
            .map(|s| (s.text.clone(), s.outcome == Outcome::Cached))
            .collect()
    };
    let copies = |hits: Vec<(String, bool)>| -> Vec<(String, bool)> {
        hits.into_iter()
            .filter(|(i, _)| i.starts_with("COPY"))
            .collect()
    };
    b.bud(CACHE, &ctx, "c0");
    ours_hits(&mut store);

    let edits: [Edit; 4] = [
        ("no change", [true; 3], Box::new(|_: &Path| {})),
        (
            "touch (mtime only)",
            [true; 3],
            Box::new(|c: &Path| {
                let f = std::fs::File::options()
                    .append(true)
                    .open(c.join("docs/README.md"))
                    .unwrap();
                f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(3600))
                    .unwrap();
            }),
        ),
        (
            "content change in docs/",
            [true, false, false],
            Box::new(|c: &Path| write(c, "docs/README.md", "# docs, edited\n", 0o644)),
        ),
        (
            "chmod app.conf",
            [true, true, false],
            Box::new(|c: &Path| {
                std::fs::set_permissions(c.join("app.conf"), PermissionsExt::from_mode(0o644))
                    .unwrap()
            }),
        ),
    ];
    for (i, (what, expected, edit)) in edits.iter().enumerate() {
        edit(&ctx);
        let theirs = copies(buildah_hits(&b.bud(CACHE, &ctx, &format!("c{}", i + 1))));
        let ours = copies(ours_hits(&mut store));
        let theirs_flags: Vec<bool> = theirs.iter().map(|(_, h)| *h).collect();
        let ours_flags: Vec<bool> = ours.iter().map(|(_, h)| *h).collect();
        assert_eq!(
            ours_flags, theirs_flags,
            "after {what}: ours {ours:?}, buildah {theirs:?}"
        );
        assert_eq!(ours_flags, expected, "after {what}");
    }
}
