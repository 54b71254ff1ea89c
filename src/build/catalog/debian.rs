//! debian (bookworm, bookworm-slim, stretch-slim) and ubuntu (22.04, 24.04),
//! and the buildpack-deps layers the language images stand on.
//!
//! The packages are real: each layer installs the set apt resolves for what
//! the official Dockerfile asks (debian.txt, made by
//! scripts/gen_images_deb.py), with their records from the package catalog,
//! unpacked as dpkg does (files, `info/*.list`, `status`). Debian's own
//! images are the minbase set; `-slim` leaves out what its dpkg excludes
//! (/usr/share/doc, man pages, locales: modelled as the 36% of each
//! package's Installed-Size that the real slim images save). Ubuntu's images
//! are minimised the same way; their package set and versions are
//! bookworm's (the catalog has no Ubuntu archive), under Ubuntu's
//! os-release, sources and users.

use super::{Builder, PATH, Tree};
use crate::packages::{self, Deb};
use crate::shell::interp::cmd::dpkg;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The package names each layer adds, by layer name, with the layer below.
fn sets() -> &'static BTreeMap<&'static str, (&'static str, Vec<&'static str>)> {
    static T: OnceLock<BTreeMap<&'static str, (&'static str, Vec<&'static str>)>> = OnceLock::new();
    T.get_or_init(|| {
        let mut out = BTreeMap::new();
        let mut cur: Option<(&str, &str, Vec<&str>)> = None;
        for line in include_str!("debian.txt").lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            if let Some(h) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                if let Some((n, p, v)) = cur.take() {
                    out.insert(n, (p, v));
                }
                let (n, p) = h.split_once(' ').unwrap_or((h, "-"));
                cur = Some((n, p, Vec::new()));
            } else if let Some((_, _, v)) = cur.as_mut() {
                v.push(line.trim());
            }
        }
        if let Some((n, p, v)) = cur {
            out.insert(n, (p, v));
        }
        out
    })
}

/// The packages of the layer named `set` in debian.txt.
pub(super) fn set(name: &str) -> Vec<&'static Deb> {
    let debs = packages::debs();
    sets()
        .get(name)
        .map(|(_, names)| names.iter().filter_map(|n| debs.get(n)).collect())
        .unwrap_or_default()
}

/// How a Debian-family base is laid out.
#[derive(Clone, Copy)]
pub(super) struct Flavour {
    /// `debian` or `ubuntu`.
    pub id: &'static str,
    pub version_id: &'static str,
    pub codename: &'static str,
    pub pretty: &'static str,
    /// /etc/debian_version.
    pub debian_version: &'static str,
    /// Without docs, man pages and locales.
    pub slim: bool,
    /// Scales every package's size (an older release was smaller).
    pub scale: f64,
    pub created: i64,
}

pub(super) const BOOKWORM: Flavour = Flavour {
    id: "debian",
    version_id: "12",
    codename: "bookworm",
    pretty: "Debian GNU/Linux 12 (bookworm)",
    debian_version: "12.8",
    slim: false,
    scale: 1.0,
    // 2024-12-02T00:00:00Z, the images of Debian 12.8.
    created: 1_733_097_600,
};

pub(super) const BOOKWORM_SLIM: Flavour = Flavour {
    slim: true,
    ..BOOKWORM
};

/// debian:bookworm.
pub(super) fn bookworm() -> Builder {
    base(&BOOKWORM)
}

/// debian:bookworm-slim.
pub(super) fn bookworm_slim() -> Builder {
    base(&BOOKWORM_SLIM)
}

/// debian:stretch-slim (Debian 9, the last image of 2022).
pub(super) fn stretch_slim() -> Builder {
    base(&Flavour {
        version_id: "9",
        codename: "stretch",
        pretty: "Debian GNU/Linux 9 (stretch)",
        debian_version: "9.13",
        slim: true,
        scale: 0.74,
        // 2022-06-23T00:00:00Z
        created: 1_655_942_400,
        ..BOOKWORM
    })
}

/// debian:jessie, under nginx:1.11.9.
pub(super) const JESSIE: Flavour = Flavour {
    version_id: "8",
    codename: "jessie",
    pretty: "Debian GNU/Linux 8 (jessie)",
    debian_version: "8.7",
    slim: false,
    scale: 1.05,
    // 2017-01-17T00:00:00Z
    created: 1_484_611_200,
    ..BOOKWORM
};

pub(super) fn ubuntu_24_04() -> Builder {
    base(&Flavour {
        id: "ubuntu",
        version_id: "24.04",
        codename: "noble",
        pretty: "Ubuntu 24.04.1 LTS",
        debian_version: "trixie/sid",
        slim: true,
        scale: 1.04,
        // 2024-10-11T00:00:00Z
        created: 1_728_604_800,
    })
}

pub(super) fn ubuntu_22_04() -> Builder {
    base(&Flavour {
        id: "ubuntu",
        version_id: "22.04",
        codename: "jammy",
        pretty: "Ubuntu 22.04.5 LTS",
        debian_version: "bookworm/sid",
        slim: true,
        scale: 1.04,
        // 2024-10-11T00:00:00Z
        created: 1_728_604_800,
    })
}

/// A Debian-family base image: one layer, `CMD ["bash"]`.
pub(super) fn base(f: &Flavour) -> Builder {
    let mut b = Builder::new(f.created);
    skeleton(&mut b.t, f);
    install(&mut b.t, &set("base"), f);
    let created_by = if f.id == "ubuntu" {
        format!(
            "ADD file:ubuntu-{}-oci-amd64-root.tar.gz in / ",
            f.version_id
        )
    } else {
        format!(
            "# debian.sh --arch 'amd64' out/ '{}' '@{}'",
            f.codename, f.created
        )
    };
    b.layer(
        &format!(
            "{}:{}{}",
            f.id,
            f.codename,
            if f.slim { "-slim" } else { "" }
        ),
        &created_by,
    );
    b.config.env = vec![format!("PATH={PATH}")];
    b.cmd(&["bash"]);
    b
}

/// A layer of packages as a Dockerfile installs them (`apt-get update &&
/// apt-get install -y --no-install-recommends … && rm -rf
/// /var/lib/apt/lists/*`): the packages, their database entries, nothing
/// left in the lists or the archives.
pub(super) fn apt_layer(b: &mut Builder, set_name: &str, f: &Flavour) {
    install(&mut b.t, &set(set_name), f);
}

/// The directories, links and configuration of the base system.
fn skeleton(t: &mut Tree, f: &Flavour) {
    for (d, m) in [
        ("/boot", 0o755),
        ("/dev", 0o755),
        ("/etc", 0o755),
        ("/home", 0o755),
        ("/media", 0o755),
        ("/mnt", 0o755),
        ("/opt", 0o755),
        ("/proc", 0o555),
        ("/root", 0o700),
        ("/run", 0o755),
        ("/run/lock", 0o1777),
        ("/srv", 0o755),
        ("/sys", 0o555),
        ("/tmp", 0o1777),
        ("/usr", 0o755),
        ("/usr/bin", 0o755),
        ("/usr/games", 0o755),
        ("/usr/include", 0o755),
        ("/usr/lib", 0o755),
        ("/usr/lib64", 0o755),
        ("/usr/libexec", 0o755),
        ("/usr/local", 0o755),
        ("/usr/local/bin", 0o755),
        ("/usr/local/etc", 0o755),
        ("/usr/local/games", 0o755),
        ("/usr/local/include", 0o755),
        ("/usr/local/lib", 0o755),
        ("/usr/local/man", 0o755),
        ("/usr/local/sbin", 0o755),
        ("/usr/local/share", 0o755),
        ("/usr/local/src", 0o755),
        ("/usr/sbin", 0o755),
        ("/usr/share", 0o755),
        ("/usr/src", 0o755),
        ("/var", 0o755),
        ("/var/backups", 0o755),
        ("/var/cache", 0o755),
        ("/var/cache/apt", 0o755),
        ("/var/cache/apt/archives", 0o755),
        ("/var/cache/apt/archives/partial", 0o700),
        ("/var/cache/debconf", 0o755),
        ("/var/lib", 0o755),
        ("/var/lib/apt", 0o755),
        ("/var/lib/apt/lists", 0o755),
        ("/var/lib/apt/lists/partial", 0o700),
        ("/var/lib/dpkg", 0o755),
        ("/var/lib/dpkg/alternatives", 0o755),
        ("/var/lib/dpkg/info", 0o755),
        ("/var/lib/dpkg/updates", 0o755),
        ("/var/lib/misc", 0o755),
        ("/var/local", 0o2775),
        ("/var/log", 0o755),
        ("/var/mail", 0o2775),
        ("/var/opt", 0o755),
        ("/var/spool", 0o755),
        ("/var/tmp", 0o1777),
    ] {
        t.dir(d, m);
    }
    t.symlink("usr/bin", "/bin");
    t.symlink("usr/lib", "/lib");
    t.symlink("usr/lib64", "/lib64");
    t.symlink("usr/sbin", "/sbin");
    t.symlink("/run", "/var/run");
    t.symlink("/run/lock", "/var/lock");
    let os_release = if f.id == "ubuntu" {
        format!(
            "PRETTY_NAME=\"{}\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"{}\"\nVERSION=\"{} ({})\"\nVERSION_CODENAME={}\nID=ubuntu\nID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\nBUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\nUBUNTU_CODENAME={}\n",
            f.pretty,
            f.version_id,
            f.pretty.trim_start_matches("Ubuntu "),
            f.codename,
            f.codename,
            f.codename
        )
    } else {
        format!(
            "PRETTY_NAME=\"{}\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"{}\"\nVERSION=\"{} ({})\"\nVERSION_CODENAME={}\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n",
            f.pretty, f.version_id, f.version_id, f.codename, f.codename
        )
    };
    t.text("/usr/lib/os-release", 0o644, &os_release);
    t.symlink("../usr/lib/os-release", "/etc/os-release");
    t.text(
        "/etc/debian_version",
        0o644,
        &format!("{}\n", f.debian_version),
    );
    t.text("/etc/hostname", 0o644, "");
    t.text(
        "/etc/shells",
        0o644,
        "# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/rbash\n/usr/bin/rbash\n/bin/dash\n/usr/bin/dash\n",
    );
    let mut passwd = String::from(
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\ngames:x:5:60:games:/usr/games:/usr/sbin/nologin\nman:x:6:12:man:/var/cache/man:/usr/sbin/nologin\nlp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\nmail:x:8:8:mail:/var/mail:/usr/sbin/nologin\nnews:x:9:9:news:/var/spool/news:/usr/sbin/nologin\nuucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin\nproxy:x:13:13:proxy:/bin:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nbackup:x:34:34:backup:/var/backups:/usr/sbin/nologin\nlist:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin\nirc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    );
    let mut group = String::from(
        "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nlp:x:7:\nmail:x:8:\nnews:x:9:\nuucp:x:10:\nman:x:12:\nproxy:x:13:\nkmem:x:15:\ndialout:x:20:\nfax:x:21:\nvoice:x:22:\ncdrom:x:24:\nfloppy:x:25:\ntape:x:26:\nsudo:x:27:\naudio:x:29:\ndip:x:30:\nwww-data:x:33:\nbackup:x:34:\noperator:x:37:\nlist:x:38:\nirc:x:39:\nsrc:x:40:\nshadow:x:42:\nutmp:x:43:\nvideo:x:44:\nsasl:x:45:\nplugdev:x:46:\nstaff:x:50:\ngames:x:60:\nusers:x:100:\nnogroup:x:65534:\n",
    );
    if f.id == "ubuntu" && f.version_id == "24.04" {
        // Ubuntu 24.04's image has a user for uid 1000.
        passwd.push_str("ubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash\n");
        group.push_str("ubuntu:x:1000:\n");
        t.dir("/home/ubuntu", 0o750);
        t.fs.update_meta("/home/ubuntu", false, |m| {
            m.uid = 1000;
            m.gid = 1000;
        })
        .expect("just made");
    }
    t.text("/etc/passwd", 0o644, &passwd);
    t.text("/etc/group", 0o644, &group);
    let shadow: String = passwd
        .lines()
        .map(|l| {
            format!(
                "{}:*:20057:0:99999:7:::\n",
                l.split(':').next().unwrap_or("")
            )
        })
        .collect();
    t.text("/etc/shadow", 0o640, &shadow);
    let gshadow: String = group
        .lines()
        .map(|l| format!("{}:*::\n", l.split(':').next().unwrap_or("")))
        .collect();
    t.text("/etc/gshadow", 0o640, &gshadow);
    for p in ["/etc/shadow", "/etc/gshadow"] {
        t.fs.update_meta(p, false, |m| m.gid = 42)
            .expect("just made");
    }
    t.text(
        "/etc/bash.bashrc",
        0o644,
        "# System-wide .bashrc file for interactive bash(1) shells.\n[ -z \"$PS1\" ] && return\nshopt -s checkwinsize\nPS1='${debian_chroot:+($debian_chroot)}\\u@\\h:\\w\\$ '\n",
    );
    t.text(
        "/etc/profile",
        0o644,
        "# /etc/profile: system-wide .profile file for the Bourne shell (sh(1))\nif [ \"$(id -u)\" -eq 0 ]; then\n  PATH=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\nelse\n  PATH=\"/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games\"\nfi\nexport PATH\n",
    );
    t.text(
        "/root/.bashrc",
        0o644,
        "# ~/.bashrc: executed by bash(1) for non-login shells.\n# export LS_OPTIONS='--color=auto'\n# alias ls='ls $LS_OPTIONS'\n",
    );
    t.text(
        "/root/.profile",
        0o644,
        "# ~/.profile: executed by Bourne-compatible login shells.\nif [ \"$BASH\" ]; then\n  if [ -f ~/.bashrc ]; then\n    . ~/.bashrc\n  fi\nfi\nmesg n 2> /dev/null || true\n",
    );
    t.text("/etc/host.conf", 0o644, "multi on\n");
    t.text("/etc/issue", 0o644, &format!("{} \\n \\l\n\n", f.pretty));
    t.text(
        "/etc/nsswitch.conf",
        0o644,
        "passwd:         files\ngroup:          files\nshadow:         files\nhosts:          files dns\nnetworks:       files\nprotocols:      db files\nservices:       db files\n",
    );
    let (sources_path, sources) = if f.id == "ubuntu" {
        (
            "/etc/apt/sources.list.d/ubuntu.sources",
            format!(
                "Types: deb\nURIs: http://archive.ubuntu.com/ubuntu/\nSuites: {0} {0}-updates {0}-backports\nComponents: main universe restricted multiverse\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n\nTypes: deb\nURIs: http://security.ubuntu.com/ubuntu/\nSuites: {0}-security\nComponents: main universe restricted multiverse\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n",
                f.codename
            ),
        )
    } else {
        (
            "/etc/apt/sources.list.d/debian.sources",
            format!(
                "Types: deb\n# http://snapshot.debian.org/archive/debian/20241202T000000Z\nURIs: http://deb.debian.org/debian\nSuites: {0} {0}-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: {0}-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n",
                f.codename
            ),
        )
    };
    t.dir("/etc/apt", 0o755);
    t.dir("/etc/apt/sources.list.d", 0o755);
    t.dir("/etc/apt/apt.conf.d", 0o755);
    t.dir("/etc/apt/preferences.d", 0o755);
    t.dir("/etc/apt/trusted.gpg.d", 0o755);
    t.dir("/etc/apt/keyrings", 0o755);
    t.text(sources_path, 0o644, &sources);
    // What debuerreotype adds for containers.
    t.text(
        "/etc/apt/apt.conf.d/docker-clean",
        0o644,
        "DPkg::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };\nAPT::Update::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };\nDir::Cache::pkgcache \"\";\nDir::Cache::srcpkgcache \"\";\n",
    );
    t.text(
        "/etc/apt/apt.conf.d/docker-autoremove-suggests",
        0o644,
        "Apt::AutoRemove::SuggestsImportant \"false\";\n",
    );
    t.text(
        "/etc/apt/apt.conf.d/docker-gzip-indexes",
        0o644,
        "Acquire::GzipIndexes \"true\";\n",
    );
    t.text(
        "/etc/apt/apt.conf.d/docker-no-languages",
        0o644,
        "Acquire::Languages \"none\";\n",
    );
    t.dir("/etc/dpkg", 0o755);
    t.dir("/etc/dpkg/dpkg.cfg.d", 0o755);
    t.text(
        "/etc/dpkg/dpkg.cfg.d/docker-apt-speedup",
        0o644,
        "# For most Docker users, package installs happen during \"docker build\", which\n# doesn't survive power loss and gets restarted clean afterwards anyhow, so\n# this minor tweak gives us a nice speedup (much nicer on spinning disks,\n# obviously).\n\nforce-unsafe-io\n",
    );
    if f.slim {
        t.text(
            "/etc/dpkg/dpkg.cfg.d/docker",
            0o644,
            "# This is the \"slim\" variant of the Debian base image.\n# Many files which are normally unnecessary in containers are excluded,\n# and this configuration file keeps them that way.\n\npath-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/info/*\npath-exclude /usr/share/linda/*\npath-exclude /usr/share/lintian/overrides/*\npath-exclude /usr/share/locale/*\npath-exclude /usr/share/man/*\n",
        );
    }
    t.text("/var/lib/dpkg/arch", 0o644, "amd64\n");
    t.text("/var/lib/dpkg/diversions", 0o644, "");
    t.text("/var/lib/dpkg/statoverride", 0o644, "");
    t.text("/var/lib/dpkg/available", 0o644, "");
    t.text("/var/lib/dpkg/lock", 0o640, "");
    t.text("/var/lib/apt/lists/lock", 0o640, "");
    t.text("/var/cache/apt/archives/lock", 0o640, "");
    t.text("/var/log/dpkg.log", 0o644, "");
    t.text("/var/log/alternatives.log", 0o644, "");
}

/// The share of a package's size that docs, man pages and locales take
/// (what the slim images save).
const DOCS_SHARE: f64 = 0.36;

/// Installs `debs` into the tree: their files, then the dpkg database.
fn install(t: &mut Tree, debs: &[&Deb], f: &Flavour) {
    let mut db = dpkg::read(&t.fs);
    for d in debs {
        let kb = d.installed_kb as f64 * f.scale;
        let mut core = (*d).clone();
        core.installed_kb = (kb * (1.0 - DOCS_SHARE)).round() as u64;
        packages::unpack_deb(&mut t.fs, &core, t.mtime).expect("catalog paths are valid");
        if !f.slim {
            docs(t, d, (kb * DOCS_SHARE * 1024.0) as u64);
        }
        db.retain(|s| s.name() != d.name);
        db.push(dpkg::stanza_of(d));
    }
    dpkg::write(&mut t.fs, db, t.mtime).expect("catalog paths are valid");
}

/// A package's documentation, man pages and translations, `bytes` in all.
fn docs(t: &mut Tree, d: &Deb, bytes: u64) {
    let mut files = Vec::new();
    for p in &d.programs {
        let prog = p.rsplit('/').next().unwrap_or(p);
        files.push(format!("/usr/share/man/man1/{prog}.1.gz"));
    }
    files.push(format!("/usr/share/doc/{}/NEWS.Debian.gz", d.name));
    if bytes > 64 * 1024 {
        for lang in ["de", "es", "fr", "ja", "pt_BR", "ru", "zh_CN"] {
            files.push(format!(
                "/usr/share/locale/{lang}/LC_MESSAGES/{}.mo",
                d.name
            ));
        }
    }
    let each = bytes / files.len() as u64;
    for path in files {
        let dir = &path[..path.rfind('/').unwrap_or(0)];
        t.fs.mkdir_all(dir, t.meta(0o755))
            .expect("catalog paths are valid");
        let data = crate::vfs::generated(&format!("deb:{}:{path}", d.name), each);
        t.file(&path, 0o644, data);
    }
}
