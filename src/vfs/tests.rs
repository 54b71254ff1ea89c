use super::*;

fn file(data: &str) -> (Data, Meta) {
    (Data::from(data.as_bytes()), Meta::new(0o644))
}

fn fs_with(paths: &[&str]) -> Fs {
    let mut fs = Fs::new();
    for p in paths {
        if let Some(dir) = p.strip_suffix('/') {
            fs.mkdir_all(dir, Meta::new(0o755)).unwrap();
        } else {
            let parent = &p[..p.rfind('/').unwrap()];
            fs.mkdir_all(parent, Meta::new(0o755)).unwrap();
            let (d, m) = file(p);
            fs.write_file(p, d, m).unwrap();
        }
    }
    fs
}

fn summary(changes: &[Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            let k = match c.kind {
                ChangeKind::Added => "A",
                ChangeKind::Modified => "M",
                ChangeKind::Deleted => "D",
            };
            format!("{k} {}", c.path)
        })
        .collect()
}

#[test]
fn files_dirs_and_reads() {
    let fs = fs_with(&["/etc/passwd", "/usr/bin/", "/app/src/main.rs"]);
    assert_eq!(&*fs.read_file("/etc/passwd").unwrap(), b"/etc/passwd");
    assert_eq!(fs.stat("/usr/bin").unwrap().kind, Kind::Dir);
    let names: Vec<String> = fs
        .read_dir("/")
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["app", "etc", "usr"]);
    assert_eq!(
        fs.read_file("/nope"),
        Err(Error::NotFound("/nope".to_string()))
    );
    assert_eq!(
        fs.read_file("/etc/passwd/x"),
        Err(Error::NotADirectory("/etc/passwd/x".to_string()))
    );
}

#[test]
fn walk_order_compares_components() {
    // Go's filepath.Walk order: `a`, `a/b`, `a-c` (not byte order of whole paths).
    let fs = fs_with(&["/a/b", "/a-c", "/a.d/e"]);
    let paths: Vec<String> = fs.walk("/").unwrap().into_iter().map(|(p, _)| p).collect();
    assert_eq!(paths, ["/a", "/a/b", "/a-c", "/a.d", "/a.d/e"]);
}

#[test]
fn symlinks_resolve_but_never_leave_the_root() {
    let mut fs = fs_with(&["/etc/hosts", "/usr/lib/x"]);
    fs.symlink("../../../../etc", "/usr/lib/up", Meta::new(0o777))
        .unwrap();
    fs.symlink("/usr/lib", "/lib", Meta::new(0o777)).unwrap();
    assert_eq!(&*fs.read_file("/usr/lib/up/hosts").unwrap(), b"/etc/hosts");
    assert_eq!(fs.realpath("/lib/x").unwrap(), "/usr/lib/x");
    // `..` after a symlink is the parent of its target, as in the kernel.
    assert_eq!(fs.realpath("/../../lib/../lib/x").unwrap(), "/usr/lib/x");
    assert!(matches!(
        fs.realpath("/lib/../etc"),
        Err(Error::NotFound(_))
    ));
    assert_eq!(fs.read_link("/lib").unwrap(), "/usr/lib");
    assert_eq!(fs.lstat("/lib").unwrap().kind, Kind::Symlink);
    assert_eq!(fs.stat("/lib").unwrap().kind, Kind::Dir);
    fs.symlink("/loop2", "/loop1", Meta::new(0o777)).unwrap();
    fs.symlink("/loop1", "/loop2", Meta::new(0o777)).unwrap();
    assert_eq!(
        fs.read_file("/loop1"),
        Err(Error::Loop("/loop1".to_string()))
    );
    // Writing through a dangling absolute link lands inside the root.
    fs.symlink("/var/log/out", "/out", Meta::new(0o777))
        .unwrap();
    fs.mkdir_all("/var/log", Meta::new(0o755)).unwrap();
    let (d, m) = file("x");
    fs.write_file("/out", d, m).unwrap();
    assert_eq!(&*fs.read_file("/var/log/out").unwrap(), b"x");
}

#[test]
fn snapshots_are_independent() {
    let mut fs = fs_with(&["/a/one"]);
    let before = fs.clone();
    let (d, m) = file("two");
    fs.write_file("/a/two", d, m).unwrap();
    fs.remove("/a/one").unwrap();
    assert!(before.exists("/a/one"));
    assert!(!before.exists("/a/two"));
    assert!(fs.exists("/a/two"));
    assert!(!fs.same_as(&before));
    assert!(before.clone().same_as(&before));
}

#[test]
fn diff_lists_adds_modifications_deletions_with_parents() {
    let lower = fs_with(&["/app/keep", "/app/old", "/etc/conf", "/var/cache/a/b"]);
    let mut upper = lower.clone();
    let (d, m) = file("new");
    upper.write_file("/app/new", d, m).unwrap();
    upper.remove("/app/old").unwrap();
    upper
        .set_contents("/etc/conf", Data::from(&b"changed"[..]))
        .unwrap();
    upper.remove_all("/var/cache").unwrap();
    assert_eq!(
        summary(&diff(&lower, &upper)),
        [
            "M /app",
            "A /app/new",
            "D /app/old",
            "M /etc",
            "M /etc/conf",
            "M /var",
            "D /var/cache",
        ]
    );
    // Same content written again is no change.
    let mut same = lower.clone();
    let (d, m) = file("/etc/conf");
    same.write_file("/etc/conf", d, m).unwrap();
    assert!(diff(&lower, &same).is_empty());
}

#[test]
fn diff_sees_metadata_and_type_changes() {
    let lower = fs_with(&["/bin/sh", "/data/x", "/f"]);
    let mut upper = lower.clone();
    upper
        .update_meta("/bin/sh", true, |m| m.mode = 0o755)
        .unwrap();
    upper
        .update_meta("/bin/sh", true, |m| m.mtime = 99)
        .unwrap();
    upper.remove_all("/data").unwrap();
    let (d, m) = file("now a file");
    upper.write_file("/data", d, m).unwrap();
    upper.remove("/f").unwrap();
    upper.mkdir("/f", Meta::new(0o700)).unwrap();
    let (d, m) = file("inner");
    upper.write_file("/f/inner", d, m).unwrap();
    assert_eq!(
        summary(&diff(&lower, &upper)),
        ["M /bin", "M /bin/sh", "M /data", "M /f", "A /f/inner"]
    );
}

#[test]
fn hardlinks_share_content_and_metadata() {
    let mut fs = fs_with(&["/usr/bin/python3.11"]);
    fs.hardlink("/usr/bin/python3.11", "/usr/bin/python3")
        .unwrap();
    let a = fs.stat("/usr/bin/python3").unwrap();
    let b = fs.stat("/usr/bin/python3.11").unwrap();
    assert_eq!(a.ino, b.ino);
    assert_ne!(a.ino, 0);
    fs.update_meta("/usr/bin/python3", true, |m| m.mode = 0o755)
        .unwrap();
    assert_eq!(fs.stat("/usr/bin/python3.11").unwrap().meta.mode, 0o755);
    fs.set_contents("/usr/bin/python3.11", Data::from(&b"v2"[..]))
        .unwrap();
    assert_eq!(&*fs.read_file("/usr/bin/python3").unwrap(), b"v2");
    fs.rename("/usr/bin", "/usr/local-bin").unwrap();
    fs.set_contents("/usr/local-bin/python3", Data::from(&b"v3"[..]))
        .unwrap();
    assert_eq!(&*fs.read_file("/usr/local-bin/python3.11").unwrap(), b"v3");
    fs.remove("/usr/local-bin/python3").unwrap();
    assert_eq!(fs.link_groups().count(), 0);
}

#[test]
fn rename_and_remove_follow_posix_rules() {
    let mut fs = fs_with(&["/a/x", "/b/y", "/c/"]);
    assert_eq!(fs.remove("/a"), Err(Error::NotEmpty("/a".to_string())));
    assert_eq!(
        fs.rename("/a", "/a/z"),
        Err(Error::Invalid("/a/z".to_string()))
    );
    assert_eq!(
        fs.rename("/a", "/b"),
        Err(Error::NotEmpty("/b".to_string()))
    );
    fs.rename("/a", "/c").unwrap();
    assert!(fs.exists("/c/x"));
    assert!(!fs.exists("/a"));
    fs.rename("/c/x", "/b/y").unwrap();
    assert_eq!(&*fs.read_file("/b/y").unwrap(), b"/a/x");
    fs.remove("/c").unwrap();
    assert_eq!(fs.remove("/"), Err(Error::Invalid("/".to_string())));
}

#[test]
fn mkdir_all_keeps_existing_and_follows_links() {
    let mut fs = fs_with(&["/usr/lib/"]);
    fs.symlink("usr/lib", "/lib", Meta::new(0o777)).unwrap();
    fs.mkdir_all("/lib/x/y", Meta::new(0o700)).unwrap();
    assert_eq!(fs.stat("/usr/lib/x/y").unwrap().meta.mode, 0o700);
    assert_eq!(fs.stat("/usr/lib").unwrap().meta.mode, 0o755);
    let (d, m) = file("f");
    fs.write_file("/f", d, m).unwrap();
    assert_eq!(
        fs.mkdir_all("/f/g", Meta::new(0o755)),
        Err(Error::NotADirectory("/f".to_string()))
    );
}

#[test]
fn bounds_are_errors_not_panics() {
    let mut fs = Fs::with_limits(Limits {
        max_path_len: 64,
        max_depth: 4,
        max_file_size: 8,
    });
    assert!(matches!(
        fs.mkdir_all("/a/b/c/d/e/f", Meta::new(0o755)),
        Err(Error::Limit(..))
    ));
    assert!(matches!(
        fs.read_file(&"/x".repeat(100)),
        Err(Error::Limit(..))
    ));
    assert!(matches!(
        fs.write_file("/big", Data::from(&[0u8; 9][..]), Meta::new(0o644)),
        Err(Error::Limit(..))
    ));
}

#[test]
fn clean_and_join() {
    assert_eq!(clean("a/../../b/"), "/b");
    assert_eq!(clean("/"), "/");
    assert_eq!(join_at("/app", "src/../lib"), "/app/lib");
    assert_eq!(join_at("/app", "/etc"), "/etc");
}
