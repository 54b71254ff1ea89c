//! Base images layerlab has offline: `scratch`, and small but real-looking
//! `busybox` and `alpine` trees with the configs the official images carry.
//!
//! Binaries cannot run in a browser, so their bytes are deterministic filler
//! of the real sizes (half noise, half zeros, so they compress about as well
//! as real machine code): what matters for layers is paths, modes, owners,
//! links and sizes, and those follow the real images. The RUN simulator
//! reads /etc/os-release, /etc/apk/world and /lib/apk/db/installed from here.

use crate::vfs::{Filler, Fs, Meta};

/// The configuration a base image brings (Docker's container config, the parts builds use).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaseConfig {
    pub env: Vec<String>,
    pub cmd: Vec<String>,
    pub entrypoint: Vec<String>,
    pub working_dir: String,
    pub user: String,
}

/// One image of the catalog: its names, one layer (its whole tree) and its config.
#[derive(Debug, Clone)]
pub struct CatalogImage {
    /// Repository as Docker normalises it (`docker.io/library/alpine`).
    pub repository: &'static str,
    /// Every tag it answers to; the first is the one it is stored under.
    pub tags: &'static [&'static str],
    pub fs: Fs,
    pub config: BaseConfig,
    /// `created_by` of its history, as the official image's Dockerfile left it.
    pub created_by: &'static str,
    /// Its `created` time (seconds since the epoch), as the official image has it.
    pub created: i64,
}

const PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The offline images for a message: `scratch, alpine (3.20.3, 3.20, 3,
/// latest), busybox (…)`.
pub fn available_summary() -> String {
    let mut v = vec!["scratch".to_string()];
    for (repo, tags) in [("alpine", ALPINE_TAGS), ("busybox", BUSYBOX_TAGS)] {
        v.push(format!("{repo} ({})", tags.join(", ")));
    }
    v.join(", ")
}

const BUSYBOX_TAGS: &[&str] = &["1.36.1", "1.36", "1", "latest"];
const ALPINE_TAGS: &[&str] = &["3.20.3", "3.20", "3", "latest"];

/// Finds an image by normalised repository and tag.
pub fn lookup(repository: &str, tag: &str) -> Option<CatalogImage> {
    match repository {
        "docker.io/library/busybox" if BUSYBOX_TAGS.contains(&tag) => Some(busybox()),
        "docker.io/library/alpine" if ALPINE_TAGS.contains(&tag) => Some(alpine()),
        _ => None,
    }
}

struct Tree {
    fs: Fs,
    mtime: i64,
}

impl Tree {
    fn new(mtime: i64) -> Tree {
        let mut fs = Fs::new();
        fs.set_root_meta(Meta {
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime,
        });
        Tree { fs, mtime }
    }

    fn meta(&self, mode: u32) -> Meta {
        Meta {
            mode,
            uid: 0,
            gid: 0,
            mtime: self.mtime,
        }
    }

    fn dir(&mut self, path: &str, mode: u32) {
        let m = self.meta(0o755);
        let parent = &path[..path.rfind('/').unwrap_or(0)];
        if !parent.is_empty() {
            self.fs
                .mkdir_all(parent, m)
                .expect("catalog paths are valid");
        }
        self.fs
            .mkdir(path, self.meta(mode))
            .expect("catalog paths are valid");
    }

    fn file(&mut self, path: &str, mode: u32, data: impl Into<crate::vfs::Data>) {
        let m = self.meta(mode);
        self.fs
            .write_file(path, data, m)
            .expect("catalog paths are valid");
    }

    fn text(&mut self, path: &str, mode: u32, text: &str) {
        self.file(path, mode, text.as_bytes());
    }

    fn binary(&mut self, path: &str, size: usize) {
        self.file(path, 0o755, crate::vfs::generated(path, size as u64));
    }

    fn symlink(&mut self, target: &str, path: &str) {
        let m = self.meta(0o777);
        self.fs
            .symlink(target, path, m)
            .expect("catalog paths are valid");
    }
}

/// Applets both images link to busybox (a subset of the real ~400).
const APPLETS: &[&str] = &[
    "[",
    "[[",
    "addgroup",
    "adduser",
    "ash",
    "awk",
    "base64",
    "basename",
    "cat",
    "chgrp",
    "chmod",
    "chown",
    "cp",
    "cut",
    "date",
    "dd",
    "delgroup",
    "deluser",
    "df",
    "diff",
    "dirname",
    "du",
    "echo",
    "egrep",
    "env",
    "expr",
    "false",
    "fgrep",
    "find",
    "free",
    "grep",
    "gunzip",
    "gzip",
    "head",
    "hostname",
    "id",
    "install",
    "kill",
    "less",
    "ln",
    "ls",
    "md5sum",
    "mkdir",
    "mktemp",
    "more",
    "mount",
    "mv",
    "nc",
    "nslookup",
    "ping",
    "printf",
    "ps",
    "pwd",
    "readlink",
    "realpath",
    "rm",
    "rmdir",
    "sed",
    "seq",
    "sh",
    "sha1sum",
    "sha256sum",
    "sleep",
    "sort",
    "stat",
    "su",
    "tail",
    "tar",
    "tee",
    "test",
    "top",
    "touch",
    "tr",
    "true",
    "umount",
    "uname",
    "uniq",
    "unzip",
    "uptime",
    "vi",
    "wc",
    "wget",
    "which",
    "whoami",
    "xargs",
    "yes",
    "zcat",
];

/// busybox:1.36.1 (glibc): one statically linked binary in /bin, every applet a hardlink to it.
fn busybox() -> CatalogImage {
    // 2024-09-26T21:31:42Z, the official image's build date.
    let created = 1_727_386_302;
    let mut t = Tree::new(created);
    for (d, m) in [
        ("/bin", 0o755),
        ("/dev", 0o755),
        ("/etc", 0o755),
        ("/etc/network", 0o755),
        ("/home", 0o755),
        ("/lib", 0o755),
        ("/lib64", 0o755),
        ("/root", 0o700),
        ("/tmp", 0o1777),
        ("/usr", 0o755),
        ("/usr/sbin", 0o755),
        ("/var", 0o755),
        ("/var/spool", 0o755),
        ("/var/spool/mail", 0o755),
        ("/var/www", 0o755),
    ] {
        t.dir(d, m);
    }
    t.binary("/bin/[", 1_130_224);
    for a in APPLETS.iter().filter(|a| **a != "[") {
        t.fs.hardlink("/bin/[", &format!("/bin/{a}"))
            .expect("catalog paths are valid");
    }
    t.text(
        "/etc/passwd",
        0o644,
        "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n",
    );
    t.text(
        "/etc/group",
        0o644,
        "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nlp:x:7:\nmail:x:8:\nkmem:x:9:\nwheel:x:10:root\ncdrom:x:11:\ndialout:x:18:\nfloppy:x:19:\nvideo:x:28:\naudio:x:29:\ntape:x:32:\nwww-data:x:33:\noperator:x:37:\nutmp:x:43:\nplugdev:x:46:\nstaff:x:50:\nlock:x:54:\nnetdev:x:82:\nusers:x:100:\nnogroup:x:65534:\n",
    );
    t.text(
        "/etc/shadow",
        0o600,
        "root:*:10933:0:99999:7:::\ndaemon:*:10933:0:99999:7:::\nbin:*:10933:0:99999:7:::\nsys:*:10933:0:99999:7:::\nsync:*:10933:0:99999:7:::\nmail:*:10933:0:99999:7:::\nwww-data:*:10933:0:99999:7:::\noperator:*:10933:0:99999:7:::\nnobody:*:10933:0:99999:7:::\n",
    );
    t.text("/etc/localtime", 0o644, "TZif2\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0UTC\0\nUTC0\n");
    CatalogImage {
        repository: "docker.io/library/busybox",
        tags: BUSYBOX_TAGS,
        fs: t.fs,
        config: BaseConfig {
            env: vec![PATH.to_string()],
            cmd: vec!["sh".to_string()],
            ..Default::default()
        },
        created_by: "BusyBox 1.36.1 (glibc), Debian 12",
        created,
    }
}

/// The packages of alpine:3.20.3's base: name, version, installed size,
/// description, and the files each owns (beyond those listed in the tree).
const ALPINE_PACKAGES: &[(&str, &str, u64, &str)] = &[
    (
        "alpine-baselayout",
        "3.6.5-r0",
        12288,
        "Alpine base dir structure and init scripts",
    ),
    (
        "alpine-baselayout-data",
        "3.6.5-r0",
        86016,
        "Alpine base dir structure and init scripts",
    ),
    (
        "alpine-keys",
        "2.4-r1",
        159744,
        "Public keys for Alpine Linux packages",
    ),
    (
        "apk-tools",
        "2.14.4-r1",
        253952,
        "Alpine Package Keeper - package manager for alpine",
    ),
    (
        "busybox",
        "1.36.1-r29",
        946176,
        "Size optimized toolbox of many common UNIX utilities",
    ),
    ("busybox-binsh", "1.36.1-r29", 0, "busybox ash /bin/sh"),
    (
        "ca-certificates-bundle",
        "20240705-r0",
        233472,
        "Pre generated bundle of Mozilla certificates",
    ),
    (
        "libcrypto3",
        "3.3.2-r0",
        4464640,
        "Crypto library from openssl",
    ),
    ("libssl3", "3.3.2-r0", 770048, "SSL shared libraries"),
    (
        "musl",
        "1.2.5-r0",
        647168,
        "the musl c library (libc) implementation",
    ),
    (
        "musl-utils",
        "1.2.5-r0",
        118784,
        "the musl c library (libc) implementation",
    ),
    ("scanelf", "1.3.7-r2", 90112, "Scan ELF binaries for stuff"),
    (
        "ssl_client",
        "1.36.1-r29",
        28672,
        "EXternal ssl_client for busybox wget",
    ),
    (
        "zlib",
        "1.3.1-r1",
        102400,
        "A compression/decompression Library",
    ),
];

/// alpine:3.20.3: musl, busybox with symlinked applets, apk and its database.
fn alpine() -> CatalogImage {
    // 2024-09-06T12:05:36Z, the official image's build date.
    let created = 1_725_624_336;
    let mut t = Tree::new(created);
    for (d, m) in [
        ("/bin", 0o755),
        ("/dev", 0o755),
        ("/etc", 0o755),
        ("/etc/apk", 0o755),
        ("/etc/apk/keys", 0o755),
        ("/etc/apk/protected_paths.d", 0o755),
        ("/etc/crontabs", 0o755),
        ("/etc/logrotate.d", 0o755),
        ("/etc/modprobe.d", 0o755),
        ("/etc/modules-load.d", 0o755),
        ("/etc/network", 0o755),
        ("/etc/network/if-up.d", 0o755),
        ("/etc/opt", 0o755),
        ("/etc/periodic", 0o755),
        ("/etc/profile.d", 0o755),
        ("/etc/secfixes.d", 0o755),
        ("/etc/ssl", 0o755),
        ("/etc/ssl/certs", 0o755),
        ("/etc/ssl/misc", 0o755),
        ("/etc/sysctl.d", 0o755),
        ("/home", 0o755),
        ("/lib", 0o755),
        ("/lib/apk", 0o755),
        ("/lib/apk/db", 0o755),
        ("/lib/apk/exec", 0o755),
        ("/lib/firmware", 0o755),
        ("/lib/modules-load.d", 0o755),
        ("/lib/sysctl.d", 0o755),
        ("/media", 0o755),
        ("/media/cdrom", 0o755),
        ("/media/floppy", 0o755),
        ("/media/usb", 0o755),
        ("/mnt", 0o755),
        ("/opt", 0o755),
        ("/proc", 0o555),
        ("/root", 0o700),
        ("/run", 0o755),
        ("/sbin", 0o755),
        ("/srv", 0o755),
        ("/sys", 0o555),
        ("/tmp", 0o1777),
        ("/usr", 0o755),
        ("/usr/bin", 0o755),
        ("/usr/lib", 0o755),
        ("/usr/lib/engines-3", 0o755),
        ("/usr/lib/ossl-modules", 0o755),
        ("/usr/local", 0o755),
        ("/usr/local/bin", 0o755),
        ("/usr/local/lib", 0o755),
        ("/usr/local/share", 0o755),
        ("/usr/sbin", 0o755),
        ("/usr/share", 0o755),
        ("/usr/share/apk", 0o755),
        ("/usr/share/man", 0o755),
        ("/usr/share/misc", 0o755),
        ("/usr/share/udhcpc", 0o755),
        ("/var", 0o755),
        ("/var/cache", 0o755),
        ("/var/cache/apk", 0o755),
        ("/var/cache/misc", 0o755),
        ("/var/empty", 0o555),
        ("/var/lib", 0o755),
        ("/var/lib/misc", 0o755),
        ("/var/local", 0o755),
        ("/var/lock", 0o755),
        ("/var/lock/subsys", 0o755),
        ("/var/log", 0o755),
        ("/var/mail", 0o755),
        ("/var/opt", 0o755),
        ("/var/spool", 0o755),
        ("/var/spool/cron", 0o755),
        ("/var/tmp", 0o1777),
    ] {
        t.dir(d, m);
    }
    t.binary("/bin/busybox", 808_712);
    for a in APPLETS {
        if *a == "[[" || *a == "[" {
            t.symlink("/bin/busybox", &format!("/usr/bin/{a}"));
        } else {
            t.symlink("/bin/busybox", &format!("/bin/{a}"));
        }
    }
    t.binary("/lib/ld-musl-x86_64.so.1", 654_520);
    t.symlink("ld-musl-x86_64.so.1", "/lib/libc.musl-x86_64.so.1");
    t.binary("/lib/libz.so.1.3.1", 100_232);
    t.symlink("libz.so.1.3.1", "/lib/libz.so.1");
    t.binary("/lib/libapk.so.2.14.0", 214_960);
    t.binary("/sbin/apk", 67_960);
    t.binary("/sbin/ldconfig", 393);
    t.binary("/usr/bin/scanelf", 79_640);
    t.binary("/usr/bin/ssl_client", 14_232);
    t.binary("/usr/bin/getconf", 43_488);
    t.binary("/usr/bin/getent", 47_584);
    t.binary("/usr/bin/iconv", 22_984);
    t.binary("/usr/bin/ldd", 16_768);
    t.binary("/usr/lib/libcrypto.so.3", 4_223_200);
    t.binary("/usr/lib/libssl.so.3", 658_984);
    t.binary("/usr/lib/ossl-modules/legacy.so", 104_400);
    t.binary("/usr/lib/engines-3/afalg.so", 22_536);
    t.binary("/usr/lib/engines-3/loader_attic.so", 67_680);
    t.binary("/usr/lib/engines-3/padlock.so", 17_920);
    t.symlink("../../lib/libz.so.1", "/usr/lib/libz.so.1");
    let mut f = Filler::new("ca-certificates");
    let mut pem = String::new();
    while pem.len() < 222_000 {
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        for _ in 0..20 {
            let line: String = (0..64)
                .map(|_| {
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                        [(f.next_u64() % 64) as usize] as char
                })
                .collect();
            pem.push_str(&line);
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    t.text("/etc/ssl/certs/ca-certificates.crt", 0o644, &pem);
    t.symlink("certs/ca-certificates.crt", "/etc/ssl/cert.pem");
    t.text("/etc/ssl/openssl.cnf", 0o644, "# OpenSSL configuration (abridged)\nopenssl_conf = openssl_init\n[openssl_init]\nproviders = provider_sect\n[provider_sect]\ndefault = default_sect\n[default_sect]\nactivate = 1\n");
    t.text("/etc/alpine-release", 0o644, "3.20.3\n");
    t.text(
        "/etc/os-release",
        0o644,
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n",
    );
    t.text("/etc/hostname", 0o644, "localhost\n");
    t.text(
        "/etc/hosts",
        0o644,
        "127.0.0.1\tlocalhost localhost.localdomain\n::1\t\tlocalhost localhost.localdomain\n",
    );
    t.text(
        "/etc/issue",
        0o644,
        "Welcome to Alpine Linux 3.20\nKernel \\r on an \\m (\\l)\n\n",
    );
    t.text("/etc/motd", 0o644, "Welcome to Alpine!\n\nThe Alpine Wiki contains a large amount of how-to guides and general\ninformation about administrating Alpine systems.\nSee <https://wiki.alpinelinux.org/>.\n\nYou can setup the system with the command: setup-alpine\n\nYou may change this message by editing /etc/motd.\n\n");
    t.text("/etc/profile", 0o644, "export PATH=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\nexport PAGER=less\numask 022\nfor script in /etc/profile.d/*.sh ; do\n\tif [ -r \"$script\" ] ; then\n\t\t. \"$script\"\n\tfi\ndone\nunset script\n");
    t.text(
        "/etc/shells",
        0o644,
        "# valid login shells\n/bin/sh\n/bin/ash\n",
    );
    t.text("/etc/securetty", 0o644, "console\ntty1\ntty2\n");
    t.text("/etc/fstab", 0o644, "/dev/cdrom\t/media/cdrom\tiso9660\tnoauto,ro 0 0\n/dev/usbdisk\t/media/usb\tvfat\tnoauto,ro 0 0\n");
    t.text(
        "/etc/inittab",
        0o644,
        "::sysinit:/sbin/openrc sysinit\n::wait:/sbin/openrc default\n",
    );
    t.text("/etc/nsswitch.conf", 0o644, "hosts: files dns\n");
    t.text(
        "/etc/services",
        0o644,
        "ftp\t\t21/tcp\nssh\t\t22/tcp\nhttp\t\t80/tcp\nhttps\t\t443/tcp\n",
    );
    t.text(
        "/etc/protocols",
        0o644,
        "ip\t0\tIP\nicmp\t1\tICMP\ntcp\t6\tTCP\nudp\t17\tUDP\n",
    );
    t.text(
        "/etc/passwd",
        0o644,
        "root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\nlp:x:4:7:lp:/var/spool/lpd:/sbin/nologin\nsync:x:5:0:sync:/sbin:/bin/sync\nshutdown:x:6:0:shutdown:/sbin:/sbin/shutdown\nhalt:x:7:0:halt:/sbin:/sbin/halt\nmail:x:8:12:mail:/var/mail:/sbin/nologin\nnews:x:9:13:news:/usr/lib/news:/sbin/nologin\nuucp:x:10:14:uucp:/var/spool/uucppublic:/sbin/nologin\ncron:x:16:16:cron:/var/spool/cron:/sbin/nologin\nftp:x:21:21::/var/lib/ftp:/sbin/nologin\nsshd:x:22:22:sshd:/dev/null:/sbin/nologin\ngames:x:35:35:games:/usr/games:/sbin/nologin\nntp:x:123:123:NTP:/var/empty:/sbin/nologin\nguest:x:405:100:guest:/dev/null:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n",
    );
    t.text(
        "/etc/group",
        0o644,
        "root:x:0:root\nbin:x:1:root,bin,daemon\ndaemon:x:2:root,bin,daemon\nsys:x:3:root,bin\nadm:x:4:root,daemon\ntty:x:5:\ndisk:x:6:root\nlp:x:7:lp\nkmem:x:9:\nwheel:x:10:root\nfloppy:x:11:root\nmail:x:12:mail\nnews:x:13:news\nuucp:x:14:uucp\ncron:x:16:cron\naudio:x:18:\ncdrom:x:19:\ndialout:x:20:root\nftp:x:21:\nsshd:x:22:\ninput:x:23:\ntape:x:26:root\nvideo:x:27:root\nnetdev:x:28:\nkvm:x:34:kvm\ngames:x:35:\nshadow:x:42:\nwww-data:x:82:\nusers:x:100:games\nntp:x:123:\nabuild:x:300:\nutmp:x:406:\nping:x:999:\nnogroup:x:65533:\nnobody:x:65534:\n",
    );
    t.text(
        "/etc/shadow",
        0o640,
        "root:*::0:::::\nbin:!::0:::::\ndaemon:!::0:::::\nnobody:!::0:::::\n",
    );
    t.fs.update_meta("/etc/shadow", false, |m| m.gid = 42)
        .expect("just made");
    t.text(
        "/etc/apk/repositories",
        0o644,
        "https://dl-cdn.alpinelinux.org/alpine/v3.20/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n",
    );
    t.text("/etc/apk/arch", 0o644, "x86_64\n");
    let world: String = [
        "alpine-baselayout",
        "alpine-keys",
        "apk-tools",
        "busybox",
        "busybox-binsh",
        "ca-certificates-bundle",
        "libc-utils",
        "libcrypto3",
        "libssl3",
        "musl",
        "musl-utils",
        "scanelf",
        "ssl_client",
        "zlib",
    ]
    .iter()
    .map(|p| format!("{p}\n"))
    .collect();
    t.text("/etc/apk/world", 0o644, &world);
    for key in [
        "alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub",
        "alpine-devel@lists.alpinelinux.org-5261cecb.rsa.pub",
        "alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub",
    ] {
        let mut f = Filler::new(key);
        let body: String = (0..6)
            .map(|_| {
                let line: String = (0..64)
                    .map(|_| {
                        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                            [(f.next_u64() % 64) as usize] as char
                    })
                    .collect();
                line + "\n"
            })
            .collect();
        t.text(
            &format!("/etc/apk/keys/{key}"),
            0o644,
            &format!("-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----\n"),
        );
    }
    let mut installed = String::new();
    for (name, version, size, desc) in ALPINE_PACKAGES {
        installed.push_str(&format!(
            "C:Q1{}=\nP:{name}\nV:{version}\nA:x86_64\nS:{}\nI:{size}\nT:{desc}\nU:https://alpinelinux.org\nL:GPL-2.0-only\no:{}\nm:Natanael Copa <ncopa@alpinelinux.org>\nt:1725624000\n\n",
            checksum_tag(name),
            size / 2,
            name.split('-').next().unwrap_or(name),
        ));
    }
    t.text("/lib/apk/db/installed", 0o644, &installed);
    t.text("/lib/apk/db/lock", 0o600, "");
    t.text("/lib/apk/db/scripts.tar", 0o644, "");
    t.text(
        "/lib/apk/db/triggers",
        0o644,
        "busybox /bin /usr/bin /sbin /usr/sbin /lib/modules/*\n",
    );
    t.text(
        "/usr/share/udhcpc/default.script",
        0o755,
        "#!/bin/sh\n# udhcpc script\nexit 0\n",
    );
    CatalogImage {
        repository: "docker.io/library/alpine",
        tags: ALPINE_TAGS,
        fs: t.fs,
        config: BaseConfig {
            env: vec![PATH.to_string()],
            cmd: vec!["/bin/sh".to_string()],
            ..Default::default()
        },
        created_by: "ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit",
        created,
    }
}

/// A stable stand-in for apk's `Q1…` checksum, derived from the name.
fn checksum_tag(name: &str) -> String {
    let mut f = Filler::new(name);
    (0..26)
        .map(|_| {
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                [(f.next_u64() % 64) as usize] as char
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::Kind;

    #[test]
    fn images_are_deterministic_and_real_looking() {
        let a = lookup("docker.io/library/alpine", "3.20").unwrap();
        let b = lookup("docker.io/library/alpine", "latest").unwrap();
        assert_eq!(
            crate::vfs::diff(&a.fs, &b.fs).len(),
            0,
            "two builds of the tree are equal"
        );
        assert_eq!(a.fs.read_link("/bin/sh").unwrap(), "/bin/busybox");
        assert_eq!(a.fs.stat("/tmp").unwrap().meta.mode, 0o1777);
        let size = a.fs.total_size();
        assert!(
            (7_000_000..9_000_000).contains(&size),
            "alpine is {size} bytes"
        );
        let bb = lookup("docker.io/library/busybox", "1.36").unwrap();
        let sh = bb.fs.lstat("/bin/sh").unwrap();
        assert_eq!(sh.kind, Kind::File);
        assert_eq!(
            sh.ino,
            bb.fs.lstat("/bin/[").unwrap().ino,
            "applets are hardlinks"
        );
        assert!(lookup("docker.io/library/alpine", "3.19").is_none());
        assert!(lookup("docker.io/library/node", "latest").is_none());
    }
}
