//! busybox and alpine (3.19–3.21): small, real-looking trees with the
//! configs the official images carry. The RUN simulator reads
//! /etc/os-release, /etc/apk/world and /lib/apk/db/installed from here.

use super::{Builder, PATH, Tree};
use crate::vfs::Filler;

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
pub(super) fn busybox() -> Builder {
    // 2024-09-26T21:31:42Z, the official image's build date.
    let mut b = Builder::new(1_727_386_302);
    let t = &mut b.t;
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
    // The glibc variant carries Debian's libc for its dynamic applets.
    t.dir("/lib/x86_64-linux-gnu", 0o755);
    for (lib, size) in [
        ("libc.so.6", 1_922_136),
        ("libm.so.6", 907_784),
        ("libresolv.so.2", 68_104),
        ("libnss_files.so.2", 26_984),
        ("libnss_dns.so.2", 26_984),
        ("libpthread.so.0", 21_096),
    ] {
        t.binary(&format!("/lib/x86_64-linux-gnu/{lib}"), size);
    }
    t.binary("/lib64/ld-linux-x86-64.so.2", 210_968);
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
    b.layer("busybox:1.36.1", "BusyBox 1.36.1 (glibc), Debian 12");
    b.config.env = vec![format!("PATH={PATH}")];
    b.cmd(&["sh"]);
    b
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

/// An Alpine release as its minirootfs has it.
struct Release {
    /// `3.20.3`
    version: &'static str,
    /// `3.20`
    branch: &'static str,
    /// The official image's build date.
    created: i64,
}

pub(super) fn alpine_3_21() -> Builder {
    // 2024-12-05T12:49:04Z
    alpine(&Release {
        version: "3.21.0",
        branch: "3.21",
        created: 1_733_402_944,
    })
}

pub(super) fn alpine_3_20() -> Builder {
    // 2024-09-06T12:05:36Z
    alpine(&Release {
        version: "3.20.3",
        branch: "3.20",
        created: 1_725_624_336,
    })
}

pub(super) fn alpine_3_19() -> Builder {
    // 2024-09-06T12:04:26Z
    alpine(&Release {
        version: "3.19.4",
        branch: "3.19",
        created: 1_725_624_266,
    })
}

pub(super) fn alpine_3_8() -> Builder {
    // 2019-03-07T22:19:53Z
    alpine(&Release {
        version: "3.8.4",
        branch: "3.8",
        created: 1_551_997_193,
    })
}

/// alpine: musl, busybox with symlinked applets, apk and its database.
fn alpine(r: &Release) -> Builder {
    let mut b = Builder::new(r.created);
    alpine_tree(&mut b.t, r);
    b.layer(
        &format!("alpine:{}", r.version),
        &format!(
            "ADD alpine-minirootfs-{}-x86_64.tar.gz / # buildkit",
            r.version
        ),
    );
    b.config.env = vec![format!("PATH={PATH}")];
    b.cmd(&["/bin/sh"]);
    b
}

/// Makes the Alpine tree of release `r` in `t`.
fn alpine_tree(t: &mut Tree, r: &Release) {
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
    t.text("/etc/alpine-release", 0o644, &format!("{}\n", r.version));
    t.text(
        "/etc/os-release",
        0o644,
        &format!("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID={}\nPRETTY_NAME=\"Alpine Linux v{}\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n", r.version, r.branch),
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
        &format!(
            "Welcome to Alpine Linux {}\nKernel \\r on an \\m (\\l)\n\n",
            r.branch
        ),
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
        &format!("https://dl-cdn.alpinelinux.org/alpine/v{0}/main\nhttps://dl-cdn.alpinelinux.org/alpine/v{0}/community\n", r.branch),
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
