use super::*;

fn ctx(files: &[(&str, &str, u32)]) -> Fs {
    let mut fs = Fs::new();
    for (path, data, mode) in files {
        if let Some(dir) = path.strip_suffix('/') {
            fs.mkdir_all(dir, Meta::new(*mode)).unwrap();
            continue;
        }
        let parent = &path[..path.rfind('/').unwrap_or(0)];
        fs.mkdir_all(&format!("/{parent}"), Meta::new(0o755))
            .unwrap();
        fs.write_file(&format!("/{path}"), data.as_bytes(), Meta::new(*mode))
            .unwrap();
    }
    fs
}

fn copy(
    src: &Fs,
    dst: &mut Fs,
    sources: &[&str],
    dest: &str,
    opts: &Options,
) -> Result<(), CopyError> {
    // One copy per source, as the engine (and BuildKit) does it.
    for s in sources {
        let sel = select(src, "", s, true, opts.parents)?;
        copy_into(dst, dest, &sel, opts, None, None)?;
    }
    Ok(())
}

fn tree(fs: &Fs) -> Vec<String> {
    fs.walk("/")
        .unwrap()
        .into_iter()
        .map(|(p, n)| format!("{p} {:o} {}:{}", n.meta().mode, n.meta().uid, n.meta().gid))
        .collect()
}

fn opts() -> Options {
    Options {
        instruction: "COPY",
        ..Default::default()
    }
}

#[test]
fn directory_sources_copy_their_contents() {
    let src = ctx(&[
        ("app/index.js", "js", 0o644),
        ("app/lib/x.js", "x", 0o600),
        ("README", "r", 0o644),
    ]);
    let mut dst = Fs::new();
    copy(&src, &mut dst, &["app"], "/srv", &opts()).unwrap();
    assert_eq!(
        tree(&dst),
        [
            "/srv 755 0:0",
            "/srv/index.js 644 0:0",
            "/srv/lib 755 0:0",
            "/srv/lib/x.js 600 0:0"
        ]
    );
    let mut dst = Fs::new();
    copy(&src, &mut dst, &["."], "/app/", &opts()).unwrap();
    assert!(dst.exists("/app/README") && dst.exists("/app/app/lib/x.js"));
}

#[test]
fn file_destinations_follow_the_trailing_slash() {
    let src = ctx(&[("a.txt", "a", 0o644), ("b.txt", "b", 0o644)]);
    let mut dst = Fs::new();
    copy(&src, &mut dst, &["a.txt"], "/x/renamed", &opts()).unwrap();
    copy(&src, &mut dst, &["a.txt"], "/y/", &opts()).unwrap();
    assert_eq!(&*dst.read_file("/x/renamed").unwrap(), b"a");
    assert_eq!(&*dst.read_file("/y/a.txt").unwrap(), b"a");
    // Into an existing directory even without the slash.
    copy(&src, &mut dst, &["b.txt"], "/y", &opts()).unwrap();
    assert_eq!(&*dst.read_file("/y/b.txt").unwrap(), b"b");
    // BuildKit: several sources onto a file path, the last one wins.
    copy(&src, &mut dst, &["a.txt", "b.txt"], "/z", &opts()).unwrap();
    assert_eq!(&*dst.read_file("/z").unwrap(), b"b");
    // Several wildcard matches make the destination a directory.
    copy(&src, &mut dst, &["*.txt"], "/w", &opts()).unwrap();
    assert!(dst.exists("/w/a.txt") && dst.exists("/w/b.txt"));
}

#[test]
fn missing_and_escaping_sources_are_errors() {
    let src = ctx(&[("a.txt", "a", 0o644)]);
    let mut dst = Fs::new();
    assert_eq!(
        copy(&src, &mut dst, &["nope.txt"], "/", &opts())
            .unwrap_err()
            .to_string(),
        "failed to compute cache key: \"/nope.txt\": not found"
    );
    assert_eq!(
        copy(&src, &mut dst, &["../secret"], "/", &opts())
            .unwrap_err()
            .to_string(),
        "forbidden path outside the build context: ../secret ()"
    );
    assert!(matches!(
        copy(&src, &mut dst, &["*.md"], "/", &opts()),
        Err(CopyError::NotFound(_))
    ));
    // `sub/../a.txt` stays inside and is fine.
    let src = ctx(&[("a.txt", "a", 0o644), ("sub/", "", 0o755)]);
    copy(&src, &mut dst, &["sub/../a.txt"], "/", &opts()).unwrap();
}

#[test]
fn chown_resolves_names_in_the_destination() {
    let src = ctx(&[("a", "a", 0o644)]);
    let mut dst = ctx(&[
        (
            "etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n",
            0o644,
        ),
        ("etc/group", "root:x:0:\nnode:x:1000:\nstaff:x:50:\n", 0o644),
    ]);
    assert_eq!(parse_chown("node", &dst).unwrap(), (1000, 1000));
    assert_eq!(parse_chown("node:staff", &dst).unwrap(), (1000, 50));
    assert_eq!(parse_chown("42", &dst).unwrap(), (42, 42));
    assert_eq!(parse_chown("42:7", &dst).unwrap(), (42, 7));
    assert_eq!(
        parse_chown("nobody", &dst).unwrap_err().to_string(),
        "unable to convert uid/gid chown string to host mapping: can't find uid for user nobody: no such user: nobody"
    );
    let sel = select(&src, "", "a", true, false).unwrap();
    copy_into(
        &mut dst,
        "/home/node/",
        &sel,
        &opts(),
        Some((1000, 1000)),
        Some(0o600),
    )
    .unwrap();
    let st = dst.stat("/home/node/a").unwrap();
    assert_eq!(
        (st.meta.mode, st.meta.uid, st.meta.gid),
        (0o600, 1000, 1000)
    );
    assert_eq!(parse_chmod("755").unwrap(), 0o755);
    assert!(parse_chmod("u+x").is_err());
}

#[test]
fn exclude_and_parents() {
    let src = ctx(&[
        ("src/a.js", "a", 0o644),
        ("src/a.test.js", "t", 0o644),
        ("src/deep/b.js", "b", 0o644),
    ]);
    let mut dst = Fs::new();
    let o = Options {
        exclude: vec!["*.test.js".into()],
        ..opts()
    };
    copy(&src, &mut dst, &["src"], "/app", &o).unwrap();
    assert!(
        dst.exists("/app/a.js") && !dst.exists("/app/a.test.js") && dst.exists("/app/deep/b.js")
    );
    let mut dst = Fs::new();
    let o = Options {
        parents: true,
        ..opts()
    };
    copy(&src, &mut dst, &["src/deep/b.js"], "/out/", &o).unwrap();
    assert!(dst.exists("/out/src/deep/b.js"), "{:?}", tree(&dst));
    let mut dst = Fs::new();
    copy(&src, &mut dst, &["./src/./deep/b.js"], "/out/", &o).unwrap();
    assert!(dst.exists("/out/deep/b.js"), "{:?}", tree(&dst));
}

#[test]
fn checksum_ignores_mtime_but_not_mode_or_content() {
    let base = ctx(&[("a", "a", 0o644), ("d/b", "b", 0o644)]);
    let sum = |fs: &Fs| {
        checksum(
            &select(fs, "", ".", true, false).unwrap(),
            &Dockerignore::default(),
        )
        .0
    };
    let mut touched = base.clone();
    touched
        .update_meta("/a", true, |m| m.mtime = 12345)
        .unwrap();
    assert_eq!(sum(&base), sum(&touched));
    let mut chmodded = base.clone();
    chmodded
        .update_meta("/a", true, |m| m.mode = 0o755)
        .unwrap();
    assert_ne!(sum(&base), sum(&chmodded));
    let mut edited = base.clone();
    edited.set_contents("/d/b", &b"B"[..]).unwrap();
    assert_ne!(sum(&base), sum(&edited));
    let (_, files) = checksum(
        &select(&base, "", ".", true, false).unwrap(),
        &Dockerignore::default(),
    );
    assert!(files.contains_key("d/b"));
}

#[test]
fn go_match_is_filepath_match() {
    for (p, n, want) in [
        ("*.js", "a.js", true),
        ("*.js", "a.ts", false),
        ("a?c", "abc", true),
        ("[a-c]x", "bx", true),
        ("[^a-c]x", "bx", false),
        ("\\*", "*", true),
        ("*", "", true),
        ("a*b*c", "aXbYc", true),
        ("a*b*c", "aXbY", false),
    ] {
        assert_eq!(go_match(p, n).unwrap(), want, "{p} {n}");
    }
    assert!(go_match("[", "a").is_err());
}

#[test]
fn hardlinks_in_the_source_stay_linked() {
    let mut src = ctx(&[("bin/busybox", "bb", 0o755)]);
    src.hardlink("/bin/busybox", "/bin/sh").unwrap();
    let mut dst = Fs::new();
    copy(&src, &mut dst, &["bin"], "/usr/bin", &opts()).unwrap();
    let a = dst.stat("/usr/bin/busybox").unwrap();
    let b = dst.stat("/usr/bin/sh").unwrap();
    assert_eq!(a.ino, b.ino);
    assert_ne!(a.ino, 0);
}
