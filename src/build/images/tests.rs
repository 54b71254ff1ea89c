//! Docker's image commands on images the engine built into a memory store.
//! Expected text is written out in full: the widths are Go tabwriter's, the
//! sizes go-units', the strings docker/cli's.

use super::*;
use crate::build::store::MemoryStore;
use crate::build::{Request, build};
use crate::vfs::{Fs, Meta};

/// 2026-11-22T00:00:00Z
const NOW: i64 = 1_795_305_600;

fn ctx(files: &[(&str, &str)]) -> Fs {
    let mut fs = Fs::new();
    for (p, d) in files {
        fs.write_file(&format!("/{p}"), d.as_bytes(), Meta::new(0o644))
            .unwrap();
    }
    fs
}

/// Builds and names an image; returns its ID.
fn make(store: &mut MemoryStore, dockerfile: &str, ctx: &Fs, name: Option<&str>) -> Digest {
    let built = build(&Request::new(dockerfile, ctx), store, &mut ())
        .unwrap_or_else(|(e, _)| panic!("{e}"));
    if let Some(n) = name {
        store
            .tag(
                &parse_tag(n).unwrap(),
                &built.image.manifest_digest,
                built.image.manifest.len() as u64,
            )
            .unwrap();
    }
    built.image.id()
}

/// A 5-byte file in a one-file layer: a 512-byte header, one data block
/// and the two zero blocks that end a tar: 2048 bytes.
const APP: &str = "FROM scratch\nCOPY a.txt /\nENV X=1\nWORKDIR /\nCMD [\"/a.txt\"]\n";

#[test]
fn images_table_newest_first_with_dangling() {
    let mut s = MemoryStore::new();
    let c = ctx(&[("a.txt", "hello"), ("b.txt", "bye")]);
    let old = make(&mut s, APP, &c, Some("app"));
    tag(&mut s, "app", "registry.example:5000/team/app:v1").unwrap();
    // Same name, new content: the old image keeps its other name.
    let mut c2 = c.clone();
    c2.write_file("/a.txt", &b"hello, world"[..], Meta::new(0o644))
        .unwrap();
    let new = make(
        &mut s,
        &APP.replace("FROM scratch", "FROM scratch\nLABEL v=2"),
        &c2,
        Some("app"),
    );
    // And one nobody names.
    let dangling = make(&mut s, "FROM scratch\nCOPY b.txt /b\n", &c, None);
    let images = list(&s).unwrap();
    assert_eq!(images.len(), 3);
    // Every image was made at SOURCE_DATE_EPOCH 0: ties go by ID.
    let mut ids = [old, new, dangling];
    ids.sort();
    assert_eq!(images.iter().map(|i| i.id).collect::<Vec<_>>(), ids);
    let row = |id: &Digest| images.iter().find(|i| i.id == *id).unwrap();
    assert_eq!(row(&old).size(), 5);
    assert_eq!(row(&new).size(), 12);
    let text = format_images(&images, None, NOW, ImagesOptions::default());
    let mut expected = String::from(
        "REPOSITORY                       TAG       IMAGE ID       CREATED        SIZE\n",
    );
    for id in ids {
        let (repo, tag) = if id == old {
            ("registry.example:5000/team/app", "v1")
        } else if id == new {
            ("app", "latest")
        } else {
            ("<none>", "<none>")
        };
        let size = if id == new {
            "12B"
        } else if id == old {
            "5B"
        } else {
            "3B"
        };
        expected.push_str(&format!(
            "{repo:<33}{tag:<10}{}   56 years ago   {size}\n",
            id.short()
        ));
    }
    assert_eq!(text, expected);

    let q = format_images(
        &images,
        None,
        NOW,
        ImagesOptions {
            quiet: true,
            ..Default::default()
        },
    );
    assert_eq!(q.lines().count(), 3);
    let filtered = format_images(&images, Some("app"), NOW, ImagesOptions::default());
    assert_eq!(
        filtered,
        format!(
            "REPOSITORY   TAG       IMAGE ID       CREATED        SIZE\napp          latest    {}   56 years ago   12B\n",
            new.short()
        )
    );
    let digests = format_images(
        &images,
        Some("app:latest"),
        NOW,
        ImagesOptions {
            digests: true,
            no_trunc: true,
            ..Default::default()
        },
    );
    assert_eq!(
        digests,
        format!(
            "REPOSITORY   TAG       DIGEST    IMAGE ID                                                                  CREATED        SIZE\napp          latest    <none>    {new}   56 years ago   12B\n"
        )
    );
    let json = format_images(
        &images,
        Some("app"),
        NOW,
        ImagesOptions {
            json: true,
            ..Default::default()
        },
    );
    assert_eq!(
        json,
        format!(
            r#"{{"Containers":"N/A","CreatedAt":"1970-01-01 00:00:00 +0000 UTC","CreatedSince":"56 years ago","Digest":"\u003cnone\u003e","ID":"{}","Repository":"app","SharedSize":"N/A","Size":"12B","Tag":"latest","UniqueSize":"N/A","VirtualSize":"12B"}}"#,
            new.short()
        ) + "\n"
    );
}

#[test]
fn references_by_name_id_and_prefix() {
    let mut s = MemoryStore::new();
    let c = ctx(&[("a.txt", "hello")]);
    let id = make(&mut s, APP, &c, Some("app:1"));
    let images = list(&s).unwrap();
    for r in [
        "app:1".to_string(),
        "docker.io/library/app:1".into(),
        id.to_string(),
        id.hex(),
        id.hex()[..1].into(),
        format!("sha256:{}", &id.hex()[..5]),
    ] {
        assert_eq!(find(&images, &r).unwrap().id, id, "{r}");
    }
    assert_eq!(
        find(&images, "app").unwrap_err().to_string(),
        "No such image: app:latest"
    );
    assert_eq!(
        find(&images, "docker.io/library/nope:2")
            .unwrap_err()
            .to_string(),
        "No such image: nope:2"
    );
    assert_eq!(
        tag(&mut s, "app:1", "Bad").unwrap_err().to_string(),
        "Error parsing reference: \"Bad\" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase"
    );
    assert_eq!(
        tag(&mut s, "app:1", &format!("app@{id}"))
            .unwrap_err()
            .to_string(),
        "refusing to create a tag with a digest reference"
    );
    assert_eq!(
        tag(&mut s, "nope", "x").unwrap_err().to_string(),
        "No such image: nope:latest"
    );
}

#[test]
fn history_rows_like_docker() {
    let mut s = MemoryStore::new();
    let c = ctx(&[("a.txt", "hello")]);
    // RUN needs a /bin/sh in the image (FROM scratch has none): the COPY puts one there.
    let df = "FROM scratch\nCOPY a.txt /bin/sh\nENV X=1\nWORKDIR /app\nRUN echo \"a very long command that docker history cuts at 45\"\n";
    let id = make(&mut s, df, &c, Some("app"));
    let images = list(&s).unwrap();
    let img = find(&images, "app").unwrap();
    let text = format_history(img, NOW, HistoryOptions::default());
    // Epoch-0 dates are before 2000: blank with -H. WORKDIR makes a layer
    // (one directory: 1536 bytes); RUN an empty one (1024 bytes).
    assert_eq!(
        text,
        format!(
            "IMAGE          CREATED   CREATED BY                                      SIZE      COMMENT\n\
             {}             RUN /bin/sh -c echo \"a very long command tha…   0B        buildkit.dockerfile.v0\n\
             <missing>                WORKDIR /app                                    0B        buildkit.dockerfile.v0\n\
             <missing>                ENV X=1                                         0B        buildkit.dockerfile.v0\n\
             <missing>                COPY a.txt /bin/sh # buildkit                   5B        buildkit.dockerfile.v0\n",
            id.short()
        )
    );
    let raw = format_history(
        img,
        NOW,
        HistoryOptions {
            human: false,
            no_trunc: true,
            ..Default::default()
        },
    );
    let first = raw.lines().nth(1).unwrap();
    assert_eq!(
        first,
        format!(
            "{id}   1970-01-01T00:00:00Z   RUN /bin/sh -c echo \"a very long command that docker history cuts at 45\" # buildkit   0         buildkit.dockerfile.v0"
        )
    );
    assert!(raw.starts_with("IMAGE "), "{raw}");
    assert!(raw.lines().next().unwrap().contains("   CREATED AT   "));
    let q = format_history(
        img,
        NOW,
        HistoryOptions {
            quiet: true,
            ..Default::default()
        },
    );
    assert_eq!(
        q,
        format!("{}\n<missing>\n<missing>\n<missing>\n", id.short())
    );
    let json = format_history(
        img,
        NOW,
        HistoryOptions {
            json: true,
            ..Default::default()
        },
    );
    assert_eq!(
        json.lines().nth(2).unwrap(),
        r#"{"Comment":"buildkit.dockerfile.v0","CreatedAt":"1970-01-01T00:00:00Z","CreatedBy":"ENV X=1","CreatedSince":"","ID":"\u003cmissing\u003e","Size":"0B"}"#
    );
}

#[test]
fn inspect_keys_in_dockers_order() {
    let mut s = MemoryStore::new();
    let c = ctx(&[("a.txt", "hello")]);
    let id = make(&mut s, APP, &c, Some("app"));
    let images = list(&s).unwrap();
    let img = find(&images, "app").unwrap();
    let diff = img.layers[0].diff_id;
    assert_eq!(
        inspect_json(&[img]),
        format!(
            r#"[
    {{
        "Id": "{id}",
        "RepoTags": [
            "app:latest"
        ],
        "RepoDigests": [],
        "Comment": "buildkit.dockerfile.v0",
        "Created": "1970-01-01T00:00:00Z",
        "Config": {{
            "Env": [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "X=1"
            ],
            "Cmd": [
                "/a.txt"
            ],
            "WorkingDir": "/",
            "ArgsEscaped": true
        }},
        "Architecture": "amd64",
        "Os": "linux",
        "Size": 5,
        "RootFS": {{
            "Type": "layers",
            "Layers": [
                "{diff}"
            ]
        }},
        "Metadata": {{
            "LastTagTime": "0001-01-01T00:00:00Z"
        }}
    }}
]
"#
        )
    );
    assert_eq!(inspect_json(&[]), "[]\n");
}

#[test]
fn rmi_untags_then_deletes_and_conflicts_on_ids() {
    let mut s = MemoryStore::new();
    let c = ctx(&[("a.txt", "hello")]);
    let id = make(&mut s, APP, &c, Some("app"));
    tag(&mut s, "app", "app:2").unwrap();
    let err = remove(&mut s, &id.hex()[..4], false).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
            id.short()
        )
    );
    let r = remove(&mut s, "app:2", false).unwrap();
    assert_eq!(r.records, [DeleteRecord::Untagged("app:2".into())]);
    // One name left: an ID now untags it and deletes the image; the build
    // cache still holds the layer, so no layer line and nothing reclaimed.
    let r = remove(&mut s, &id.short(), false).unwrap();
    assert_eq!(
        r.records
            .iter()
            .map(DeleteRecord::rmi_line)
            .collect::<Vec<_>>(),
        ["Untagged: app:latest".to_string(), format!("Deleted: {id}")]
    );
    assert_eq!(r.reclaimed, 0);
    assert!(list(&s).unwrap().is_empty());
    // Config and manifest went; the cached layer stayed.
    assert_eq!(s.blobs().len(), 1);
    assert_eq!(
        remove(&mut s, "app", false).unwrap_err().to_string(),
        "No such image: app:latest"
    );
}

#[test]
fn rmi_force_and_layers_nothing_else_holds() {
    let mut s = MemoryStore::new();
    let c = ctx(&[("a.txt", "hello")]);
    let id = make(&mut s, APP, &c, Some("app"));
    tag(&mut s, "app", "other/app:2").unwrap();
    s.cache_clear().unwrap();
    let diff = list(&s).unwrap()[0].layers[0].diff_id;
    let r = remove(&mut s, &id.to_string(), true).unwrap();
    let images = r
        .records
        .iter()
        .map(DeleteRecord::rmi_line)
        .collect::<Vec<_>>();
    assert_eq!(images.len(), 4, "{images:?}");
    assert_eq!(images[0], "Untagged: app:latest");
    assert_eq!(images[1], "Untagged: other/app:2");
    assert_eq!(images[2], format!("Deleted: {id}"));
    // The single layer's chain ID is its diff_id.
    assert_eq!(images[3], format!("Deleted: {diff}"));
    assert_eq!(r.reclaimed, 5);
    assert!(s.blobs().is_empty(), "every blob collected");
}

#[test]
fn prune_dangling_then_all() {
    let mut s = MemoryStore::new();
    let c = ctx(&[("a.txt", "hello")]);
    let first = make(&mut s, APP, &c, Some("app"));
    let mut c2 = c.clone();
    c2.write_file("/a.txt", &b"changed"[..], Meta::new(0o644))
        .unwrap();
    let second = make(&mut s, APP, &c2, Some("app"));
    assert_ne!(first, second);
    let r = prune(&mut s, false).unwrap();
    // The build cache keeps both layers: like Docker with BuildKit, pruning
    // an image whose layers the cache holds frees nothing.
    assert_eq!(
        prune_report(&r),
        format!("Deleted Images:\ndeleted: {first}\n\nTotal reclaimed space: 0B\n")
    );
    assert_eq!(
        prune_report(&prune(&mut s, false).unwrap()),
        "Total reclaimed space: 0B\n"
    );
    s.cache_clear().unwrap();
    let r = prune(&mut s, true).unwrap();
    assert_eq!(r.records.len(), 3, "{:?}", r.records);
    assert_eq!(r.records[0], DeleteRecord::Untagged("app:latest".into()));
    assert_eq!(r.records[1], DeleteRecord::Deleted(second.to_string()));
    assert_eq!(r.reclaimed, 7);
    assert!(prune_report(&r).ends_with("\n\nTotal reclaimed space: 7B\n"));
    assert!(s.blobs().is_empty());
}

#[test]
fn system_df_counts_shared_layers_once() {
    let mut s = MemoryStore::new();
    let c = ctx(&[("a.txt", "hello"), ("b.txt", "bye")]);
    let base = "FROM scratch\nCOPY a.txt /\n";
    let one = make(&mut s, base, &c, Some("one"));
    let two = make(&mut s, &format!("{base}COPY b.txt /\n"), &c, Some("two"));
    let images = list(&s).unwrap();
    let cache = cache_items(&s, &images, &|_| CacheUse::default()).unwrap();
    assert_eq!(cache.len(), 2);
    assert!(cache.iter().all(|c| c.shared));
    // Layers: a.txt (2048, in both images) and b.txt (2048): 4096, not 6144.
    let text = system_df(&images, &cache, NOW, false);
    assert_eq!(
        text,
        "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n\
         Images          2         0         8B        8B (100%)\n\
         Containers      0         0         0B        0B\n\
         Local Volumes   0         0         0B        0B\n\
         Build Cache     2         0         0B        0B\n"
    );
    let v = system_df(&images, &cache, NOW, true);
    let row = |name: &str| v.lines().find(|l| l.starts_with(name)).unwrap().to_string();
    assert_eq!(
        row("one "),
        format!(
            "one          latest    {}   56 years ago   5B        5B            0B            0",
            one.short()
        )
    );
    assert_eq!(
        row("two "),
        format!(
            "two          latest    {}   56 years ago   8B        5B            3B            0",
            two.short()
        )
    );
    assert!(v.starts_with("Images space usage:\n\nREPOSITORY   TAG       IMAGE ID       CREATED        SIZE      SHARED SIZE   UNIQUE SIZE   CONTAINERS\n"), "{v}");
    assert!(v.contains("\nContainers space usage:\n\nCONTAINER ID   IMAGE     COMMAND   LOCAL VOLUMES   SIZE      CREATED   STATUS    NAMES\n\nLocal Volumes space usage:\n\nVOLUME NAME   LINKS     SIZE\n\nBuild cache usage: 0B\n\nCACHE ID       CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n"), "{v}");
    // Both records hold layers the images have: shared, so not counted again.
    let mut ids: Vec<String> = cache.iter().map(|c| truncate_id(&c.id)).collect();
    ids.sort();
    assert!(v.ends_with(&format!(
        "{}   regular      3B                              0         true\n{}   regular      5B                              0         true\n",
        ids[0], ids[1]
    )), "{v}");
}

#[test]
fn go_indent_matches_json_indent() {
    assert_eq!(
        go_indent(br#"{"a":[],"b":{},"c":[1,{"d":"x,\"y:"}]}"#, "  "),
        "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    {\n      \"d\": \"x,\\\"y:\"\n    }\n  ]\n}"
    );
}
