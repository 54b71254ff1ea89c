//! The language images: node, python, nginx, golang, on the bases of
//! debian.rs and alpine.rs, with the layers, history and config their
//! official Dockerfiles give them. What a layer builds from source (node in
//! /usr/local, CPython, the Go tree) is laid out where the real one is, with
//! the real entry points (`node`, `npm`, `python3`, `pip`, `go`) and sizes
//! close to the real ones; package layers come from the package catalog.

use super::alpine;
use super::debian::{self, BOOKWORM, BOOKWORM_SLIM, Flavour};
use super::{Builder, PATH, Tree};

/// Files of generated content: `(path, size)` under the tree.
fn payload(t: &mut Tree, seed: &str, files: &[(&str, u64)]) {
    for (path, size) in files {
        let dir = &path[..path.rfind('/').unwrap_or(0)];
        if !dir.is_empty() {
            t.fs.mkdir_all(dir, t.meta(0o755))
                .expect("catalog paths are valid");
        }
        let mode = if path.contains("/bin/") { 0o755 } else { 0o644 };
        t.file(
            path,
            mode,
            crate::vfs::generated(&format!("{seed}:{path}"), *size),
        );
    }
}

/// `n` files sharing `bytes` under `dir`, named `stem-<i>.ext`.
fn spread(t: &mut Tree, seed: &str, dir: &str, stem: &str, ext: &str, n: u64, bytes: u64) {
    t.fs.mkdir_all(dir, t.meta(0o755))
        .expect("catalog paths are valid");
    for i in 0..n {
        let path = if ext.is_empty() {
            format!("{dir}/{stem}{i}")
        } else {
            format!("{dir}/{stem}{i}.{ext}")
        };
        t.file(
            &path,
            0o644,
            crate::vfs::generated(&format!("{seed}:{path}"), bytes / n),
        );
    }
}

/// buildpack-deps:bookworm: debian:bookworm and three layers of packages
/// (curl, scm, then the build tools and -dev libraries).
fn buildpack(levels: usize) -> Builder {
    let mut b = debian::bookworm();
    let steps = [
        (
            "buildpack-deps:bookworm-curl",
            "curl",
            "RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tca-certificates \t\tcurl \t\tgnupg \t\tnetbase \t\tsq \t\twget \t; \trm -rf /var/lib/apt/lists/* # buildkit",
        ),
        (
            "buildpack-deps:bookworm-scm",
            "scm",
            "RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tgit \t\tmercurial \t\topenssh-client \t\tsubversion \t\tprocps \t; \trm -rf /var/lib/apt/lists/* # buildkit",
        ),
        (
            "buildpack-deps:bookworm",
            "buildpack",
            "RUN /bin/sh -c set -ex; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tautoconf \t\tautomake \t\tbzip2 \t\tdefault-libmysqlclient-dev \t\tdpkg-dev \t\tfile \t\tg++ \t\tgcc \t\timagemagick \t\tlibbz2-dev \t\tlibc6-dev \t\tlibcurl4-openssl-dev \t\tlibdb-dev \t\tlibevent-dev \t\tlibffi-dev \t\tlibgdbm-dev \t\tlibglib2.0-dev \t\tlibgmp-dev \t\tlibjpeg-dev \t\tlibkrb5-dev \t\tliblzma-dev \t\tlibmagickcore-dev \t\tlibmagickwand-dev \t\tlibmaxminddb-dev \t\tlibncurses5-dev \t\tlibncursesw5-dev \t\tlibpng-dev \t\tlibpq-dev \t\tlibreadline-dev \t\tlibsqlite3-dev \t\tlibssl-dev \t\tlibtool \t\tlibwebp-dev \t\tlibxml2-dev \t\tlibxslt-dev \t\tlibyaml-dev \t\tmake \t\tpatch \t\tunzip \t\txz-utils \t\tzlib1g-dev \t; \trm -rf /var/lib/apt/lists/* # buildkit",
        ),
    ];
    // 2024-12-03T00:00:00Z
    b.at(1_733_184_000);
    for (id, set, created_by) in &steps[..levels] {
        debian::apt_layer(&mut b, set, &BOOKWORM);
        b.layer(id, created_by);
    }
    b
}

/// The Debian node images (node:20, node:22) on buildpack-deps:bookworm.
fn node_debian(version: &str, binary: u64, created: i64) -> Builder {
    let mut b = buildpack(3);
    b.name = format!("node:{version}");
    b.at(created);
    add_user(&mut b.t, "node", 1000, "/home/node", "/bin/bash");
    b.layer(
        &format!("node:{version}/user"),
        "RUN /bin/sh -c groupadd --gid 1000 node   && useradd --uid 1000 --gid node --shell /bin/bash --create-home node # buildkit",
    );
    b.env("NODE_VERSION", version);
    node_tree(&mut b.t, version, binary);
    b.layer(
        &format!("node:{version}/node"),
        "RUN /bin/sh -c ARCH= && dpkgArch=\"$(dpkg --print-architecture)\"   && case \"${dpkgArch##*-}\" in     amd64) ARCH='x64';;     *) echo \"unsupported architecture\"; exit 1 ;;   esac   && curl -fsSLO --compressed \"https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-$ARCH.tar.xz\"   && tar -xJf \"node-v$NODE_VERSION-linux-$ARCH.tar.xz\" -C /usr/local --strip-components=1 --no-same-owner   && rm \"node-v$NODE_VERSION-linux-$ARCH.tar.xz\"   && ln -s /usr/local/bin/node /usr/local/bin/nodejs   && node --version   && npm --version # buildkit",
    );
    yarn(&mut b, "1.22.22");
    entrypoint_script(&mut b);
    b.cmd(&["node"]);
    b
}

pub(super) fn node_22() -> Builder {
    // 2024-12-03T19:05:43Z
    node_debian("22.12.0", 125_000_000, 1_733_252_743)
}

pub(super) fn node_20() -> Builder {
    // 2024-11-20T22:16:57Z
    node_debian("20.18.1", 104_000_000, 1_732_141_017)
}

/// The Alpine node images.
fn node_alpine(
    mut b: Builder,
    version: &str,
    binary: u64,
    yarn_version: &str,
    created: i64,
    script: bool,
) -> Builder {
    b.name = format!("node:{version}-alpine");
    b.at(created);
    b.env("NODE_VERSION", version);
    add_user(&mut b.t, "node", 1000, "/home/node", "/bin/sh");
    payload(
        &mut b.t,
        "libstdc++",
        &[
            ("/usr/lib/libstdc++.so.6.0.33", 2_600_000),
            ("/usr/lib/libgcc_s.so.1", 150_000),
        ],
    );
    node_tree(&mut b.t, version, binary);
    b.layer(
        &format!("node:{version}-alpine/node"),
        "RUN /bin/sh -c addgroup -g 1000 node     && adduser -u 1000 -G node -s /bin/sh -D node     && apk add --no-cache         libstdc++     && apk add --no-cache --virtual .build-deps         curl     && ARCH= OPENSSL_ARCH='linux*' && alpineArch=\"$(apk --print-arch)\"       && curl -fsSLO --compressed \"https://unofficial-builds.nodejs.org/download/release/v$NODE_VERSION/node-v$NODE_VERSION-linux-$ARCH-musl.tar.xz\"       && tar -xJf \"node-v$NODE_VERSION-linux-$ARCH-musl.tar.xz\" -C /usr/local --strip-components=1 --no-same-owner       && ln -s /usr/local/bin/node /usr/local/bin/nodejs   && apk del .build-deps   && node --version   && npm --version # buildkit",
    );
    yarn(&mut b, yarn_version);
    if script {
        entrypoint_script(&mut b);
    }
    b.cmd(&["node"]);
    b
}

pub(super) fn node_22_alpine() -> Builder {
    node_alpine(
        alpine::alpine_3_21(),
        "22.12.0",
        121_000_000,
        "1.22.22",
        1_733_252_743,
        true,
    )
}

pub(super) fn node_20_alpine() -> Builder {
    node_alpine(
        alpine::alpine_3_20(),
        "20.18.1",
        97_000_000,
        "1.22.22",
        1_732_141_017,
        true,
    )
}

pub(super) fn node_6_alpine() -> Builder {
    // node:6-alpine was on Alpine 3.8; its last build: 2019-04-10T23:43:26Z.
    node_alpine(
        alpine::alpine_3_8(),
        "6.17.1",
        24_000_000,
        "1.15.2",
        1_554_939_806,
        false,
    )
}

/// node's install under /usr/local: the binary, npm and corepack, headers.
fn node_tree(t: &mut Tree, version: &str, binary: u64) {
    payload(
        t,
        &format!("node-{version}"),
        &[
            ("/usr/local/bin/node", binary),
            ("/usr/local/include/node/node.h", 60_000),
            ("/usr/local/include/node/v8.h", 40_000),
            ("/usr/local/include/node/uv.h", 70_000),
            ("/usr/local/share/man/man1/node.1", 40_000),
            ("/usr/local/share/doc/node/gdbinit", 10_000),
            ("/usr/local/share/doc/node/lldb_commands.py", 2_000),
        ],
    );
    spread(
        t,
        &format!("node-{version}"),
        "/usr/local/include/node/openssl",
        "openssl",
        "h",
        40,
        3_000_000,
    );
    spread(
        t,
        &format!("node-{version}"),
        "/usr/local/include/node/v8-internal",
        "v8",
        "h",
        40,
        2_000_000,
    );
    let npm = if version.starts_with("6.") {
        "3.10.10"
    } else {
        "10.9.0"
    };
    t.fs.mkdir_all("/usr/local/lib/node_modules/npm/bin", t.meta(0o755))
        .expect("catalog paths are valid");
    t.text(
        "/usr/local/lib/node_modules/npm/package.json",
        0o644,
        &format!("{{\n  \"name\": \"npm\",\n  \"version\": \"{npm}\",\n  \"bin\": {{\n    \"npm\": \"bin/npm-cli.js\",\n    \"npx\": \"bin/npx-cli.js\"\n  }}\n}}\n"),
    );
    t.text(
        "/usr/local/lib/node_modules/npm/bin/npm-cli.js",
        0o755,
        "#!/usr/bin/env node\nrequire('../lib/cli.js')(process)\n",
    );
    t.text(
        "/usr/local/lib/node_modules/npm/bin/npx-cli.js",
        0o755,
        "#!/usr/bin/env node\nrequire('../lib/cli.js')(process)\n",
    );
    spread(
        t,
        &format!("npm-{npm}"),
        "/usr/local/lib/node_modules/npm/lib",
        "cmd",
        "js",
        120,
        3_500_000,
    );
    spread(
        t,
        &format!("npm-{npm}"),
        "/usr/local/lib/node_modules/npm/node_modules",
        "dep",
        "js",
        200,
        8_500_000,
    );
    spread(
        t,
        &format!("npm-{npm}"),
        "/usr/local/lib/node_modules/npm/docs",
        "doc",
        "md",
        60,
        1_500_000,
    );
    t.symlink(
        "../lib/node_modules/npm/bin/npm-cli.js",
        "/usr/local/bin/npm",
    );
    t.symlink(
        "../lib/node_modules/npm/bin/npx-cli.js",
        "/usr/local/bin/npx",
    );
    if !version.starts_with("6.") {
        spread(
            t,
            "corepack",
            "/usr/local/lib/node_modules/corepack/dist",
            "corepack",
            "js",
            20,
            2_000_000,
        );
        t.symlink(
            "../lib/node_modules/corepack/dist/corepack.js",
            "/usr/local/bin/corepack",
        );
    }
    t.symlink("/usr/local/bin/node", "/usr/local/bin/nodejs");
}

/// The yarn layer node's images add.
fn yarn(b: &mut Builder, version: &str) {
    b.env("YARN_VERSION", version);
    let dir = format!("/opt/yarn-v{version}");
    payload(
        &mut b.t,
        &format!("yarn-{version}"),
        &[
            (&format!("{dir}/lib/cli.js"), 5_300_000),
            (&format!("{dir}/package.json"), 1_200),
            (&format!("{dir}/LICENSE"), 1_300),
        ],
    );
    b.t.fs
        .mkdir_all(&format!("{dir}/bin"), b.t.meta(0o755))
        .expect("catalog paths are valid");
    b.t.text(
        &format!("{dir}/bin/yarn"),
        0o755,
        "#!/bin/sh\nexec node \"$(dirname \"$0\")/../lib/cli.js\" \"$@\"\n",
    );
    b.t.symlink(&format!("{dir}/bin/yarn"), "/usr/local/bin/yarn");
    b.t.symlink(&format!("{dir}/bin/yarn"), "/usr/local/bin/yarnpkg");
    b.own_layer(
        "yarn",
        "RUN /bin/sh -c set -ex   && for key in 6A010C5166006599AA17F08146C2130DFD2497F5 ; do gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys \"$key\" ; done   && curl -fsSLO --compressed \"https://yarnpkg.com/downloads/$YARN_VERSION/yarn-v$YARN_VERSION.tar.gz\"   && mkdir -p /opt   && tar -xzf yarn-v$YARN_VERSION.tar.gz -C /opt/   && ln -s /opt/yarn-v$YARN_VERSION/bin/yarn /usr/local/bin/yarn   && ln -s /opt/yarn-v$YARN_VERSION/bin/yarnpkg /usr/local/bin/yarnpkg   && rm yarn-v$YARN_VERSION.tar.gz   && yarn --version # buildkit",
    );
}

/// node's docker-entrypoint.sh, as a layer with its ENTRYPOINT.
fn entrypoint_script(b: &mut Builder) {
    b.t.text(
        "/usr/local/bin/docker-entrypoint.sh",
        0o755,
        "#!/bin/sh\nset -e\n\n# Run command with node if the first argument contains a \"-\" or is not a system command. The last\n# part inside the \"{}\" is a workaround for the following bug in ash/dash:\n# https://bugs.debian.org/cgi-bin/bugreport.cgi?bug=874264\nif [ \"${1#-}\" != \"${1}\" ] || [ -z \"$(command -v \"${1}\")\" ] || { [ -f \"${1}\" ] && ! [ -x \"${1}\" ]; }; then\n  set -- node \"$@\"\nfi\n\nexec \"$@\"\n",
    );
    b.own_layer(
        "docker-entrypoint.sh",
        "COPY docker-entrypoint.sh /usr/local/bin/ # buildkit",
    );
    b.entrypoint(&["docker-entrypoint.sh"]);
}

/// A user and its group with the same id, and its home.
fn add_user(t: &mut Tree, name: &str, id: u32, home: &str, shell: &str) {
    for (file, line) in [
        (
            "/etc/passwd",
            format!("{name}:x:{id}:{id}::{home}:{shell}\n"),
        ),
        ("/etc/group", format!("{name}:x:{id}:\n")),
        ("/etc/shadow", format!("{name}:!:20060:0:99999:7:::\n")),
    ] {
        let mut text =
            t.fs.read_file(file)
                .map(|d| String::from_utf8_lossy(&d).into_owned())
                .unwrap_or_default();
        text.push_str(&line);
        let meta = t.fs.stat(file).map(|s| s.meta).unwrap_or(t.meta(0o644));
        t.fs.write_file(file, text.as_bytes(), meta)
            .expect("catalog paths are valid");
    }
    if !home.starts_with("/nonexistent") && !home.starts_with("/var/") {
        t.dir(home, 0o755);
        t.fs.update_meta(home, false, |m| {
            m.uid = id;
            m.gid = id;
        })
        .expect("just made");
    }
}

/// CPython under /usr/local, as python's images build it.
fn cpython(t: &mut Tree, scale: f64) {
    let seed = "cpython-3.12.8";
    let s = |n: u64| (n as f64 * scale) as u64;
    payload(
        t,
        seed,
        &[
            ("/usr/local/bin/python3.12", 17_000),
            ("/usr/local/bin/python3.12-config", 3_100),
            ("/usr/local/lib/libpython3.12.so.1.0", s(27_000_000)),
            ("/usr/local/include/python3.12/Python.h", 4_000),
        ],
    );
    t.symlink("libpython3.12.so.1.0", "/usr/local/lib/libpython3.12.so");
    for (dir, n, bytes) in [
        ("/usr/local/lib/python3.12", 200, s(14_000_000)),
        ("/usr/local/lib/python3.12/lib-dynload", 70, s(9_000_000)),
        ("/usr/local/lib/python3.12/encodings", 120, s(1_600_000)),
        ("/usr/local/lib/python3.12/__pycache__", 200, s(8_000_000)),
        ("/usr/local/lib/python3.12/test", 60, s(2_000_000)),
        ("/usr/local/include/python3.12/cpython", 60, 800_000),
    ] {
        spread(
            t,
            seed,
            dir,
            "m",
            if dir.ends_with("dynload") { "so" } else { "py" },
            n,
            bytes,
        );
    }
    // pip, as ensurepip leaves it (setuptools and wheel are not in 3.12).
    spread(
        t,
        seed,
        "/usr/local/lib/python3.12/site-packages/pip",
        "pip",
        "py",
        80,
        s(12_000_000),
    );
    t.fs.mkdir_all(
        "/usr/local/lib/python3.12/site-packages/pip-24.3.1.dist-info",
        t.meta(0o755),
    )
    .expect("catalog paths are valid");
    t.text(
        "/usr/local/lib/python3.12/site-packages/pip-24.3.1.dist-info/METADATA",
        0o644,
        "Metadata-Version: 2.1\nName: pip\nVersion: 24.3.1\nSummary: The PyPA recommended tool for installing Python packages.\n",
    );
    t.text(
        "/usr/local/lib/python3.12/site-packages/pip-24.3.1.dist-info/INSTALLER",
        0o644,
        "pip\n",
    );
    t.text("/usr/local/bin/pip3.12", 0o755, "#!/usr/local/bin/python3.12\nimport sys\nfrom pip._internal.cli.main import main\nsys.exit(main())\n");
    t.text("/usr/local/bin/pip3", 0o755, "#!/usr/local/bin/python3.12\nimport sys\nfrom pip._internal.cli.main import main\nsys.exit(main())\n");
    t.text(
        "/usr/local/bin/idle3.12",
        0o755,
        "#!/usr/local/bin/python3.12\nfrom idlelib.pyshell import main\nmain()\n",
    );
    t.text(
        "/usr/local/bin/pydoc3.12",
        0o755,
        "#!/usr/local/bin/python3.12\nimport pydoc\npydoc.cli()\n",
    );
    t.symlink("python3.12", "/usr/local/bin/python3");
    t.symlink("python3.12-config", "/usr/local/bin/python3-config");
    t.symlink("idle3.12", "/usr/local/bin/idle3");
    t.symlink("pydoc3.12", "/usr/local/bin/pydoc3");
}

/// The python images' layers above their base.
fn python(
    mut b: Builder,
    variant: &str,
    packages: Option<(&str, &Flavour)>,
    scale: f64,
) -> Builder {
    // 2024-12-03T23:22:00Z
    b.at(1_733_268_120);
    b.env("PATH", &format!("/usr/local/bin:{PATH}"));
    b.env("LANG", "C.UTF-8");
    match packages {
        Some((set, f)) => {
            debian::apt_layer(&mut b, set, f);
            let created_by = if set == "python" {
                "RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tlibbluetooth-dev \t\ttk-dev \t\tuuid-dev \t; \trm -rf /var/lib/apt/lists/* # buildkit"
            } else {
                "RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tca-certificates \t\tnetbase \t\ttzdata \t; \trm -rf /var/lib/apt/lists/* # buildkit"
            };
            b.layer(&format!("python:3.12{variant}/deps"), created_by);
        }
        None => {
            payload(
                &mut b.t,
                "alpine-tzdata",
                &[
                    ("/usr/share/zoneinfo/tzdata.zi", 110_000),
                    ("/usr/share/zoneinfo/zone1970.tab", 18_000),
                ],
            );
            spread(
                &mut b.t,
                "alpine-tzdata",
                "/usr/share/zoneinfo/Etc",
                "GMT",
                "",
                30,
                1_300_000,
            );
            b.layer(
                "python:3.12-alpine/deps",
                "RUN /bin/sh -c set -eux; \tapk add --no-cache \t\tca-certificates \t\ttzdata \t; # buildkit",
            );
        }
    }
    b.env("GPG_KEY", "7169605F62C751356D054A26A821E680E5FA6305");
    b.env("PYTHON_VERSION", "3.12.8");
    b.env(
        "PYTHON_SHA256",
        "c909157bb25ec114e5869124cc2a9c4a4d4c1e957ca4ff553f1edc692101154e",
    );
    cpython(&mut b.t, scale);
    b.layer(
        &format!("python:3.12{variant}/cpython"),
        "RUN /bin/sh -c set -eux; \t\twget -O python.tar.xz \"https://www.python.org/ftp/python/${PYTHON_VERSION%%[a-z]*}/Python-$PYTHON_VERSION.tar.xz\"; \techo \"$PYTHON_SHA256 *python.tar.xz\" | sha256sum -c -; \tmkdir -p /usr/src/python; \ttar --extract --directory /usr/src/python --strip-components=1 --file python.tar.xz; \trm python.tar.xz; \t\tcd /usr/src/python; \t./configure \t\t--enable-loadable-sqlite-extensions \t\t--enable-optimizations \t\t--enable-option-checking=fatal \t\t--enable-shared \t\t--with-lto \t\t--with-ensurepip \t; \tmake -j \"$(nproc)\"; \tmake install; \t\tcd /; \trm -rf /usr/src/python; \t\tpython3 --version; \tpip3 --version # buildkit",
    );
    for (src, dst) in [
        ("idle3", "idle"),
        ("pip3", "pip"),
        ("pydoc3", "pydoc"),
        ("python3", "python"),
        ("python3-config", "python-config"),
    ] {
        b.t.symlink(src, &format!("/usr/local/bin/{dst}"));
    }
    b.layer(
        &format!("python:3.12{variant}/links"),
        "RUN /bin/sh -c set -eux; \tfor src in idle3 pip3 pydoc3 python3 python3-config; do \t\tdst=\"$(echo \"$src\" | tr -d 3)\"; \t\t[ -s \"/usr/local/bin/$src\" ]; \t\t[ ! -e \"/usr/local/bin/$dst\" ]; \t\tln -svT \"$src\" \"/usr/local/bin/$dst\"; \tdone # buildkit",
    );
    b.cmd(&["python3"]);
    b
}

pub(super) fn python_3_12() -> Builder {
    python(buildpack(3), "", Some(("python", &BOOKWORM)), 1.0)
}

pub(super) fn python_3_12_slim() -> Builder {
    python(
        debian::bookworm_slim(),
        "-slim",
        Some(("python-slim", &BOOKWORM_SLIM)),
        0.62,
    )
}

pub(super) fn python_3_12_alpine() -> Builder {
    python(alpine::alpine_3_21(), "-alpine", None, 0.55)
}

/// nginx's scripts in /docker-entrypoint.d and the entry point, as layers.
fn nginx_scripts(b: &mut Builder) {
    b.t.text(
        "/docker-entrypoint.sh",
        0o755,
        "#!/bin/sh\n# vim:sw=4:ts=4:et\n\nset -e\n\nentrypoint_log() {\n    if [ -z \"${NGINX_ENTRYPOINT_QUIET_LOGS:-}\" ]; then\n        echo \"$@\"\n    fi\n}\n\nif [ \"$1\" = \"nginx\" ] || [ \"$1\" = \"nginx-debug\" ]; then\n    if /usr/bin/find \"/docker-entrypoint.d/\" -mindepth 1 -maxdepth 1 -type f -print -quit 2>/dev/null | read v; then\n        entrypoint_log \"$0: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\"\n    fi\nfi\n\nexec \"$@\"\n",
    );
    b.own_layer(
        "docker-entrypoint.sh",
        "COPY docker-entrypoint.sh / # buildkit",
    );
    for (name, size) in [
        ("10-listen-on-ipv6-by-default.sh", 2_125),
        ("15-local-resolvers.envsh", 389),
        ("20-envsubst-on-templates.sh", 3_018),
        ("30-tune-worker-processes.sh", 4_620),
    ] {
        let path = format!("/docker-entrypoint.d/{name}");
        b.t.fs
            .mkdir_all("/docker-entrypoint.d", b.t.meta(0o755))
            .expect("catalog paths are valid");
        let mut text = String::from("#!/bin/sh\n# vim:sw=2:ts=2:sts=2:et\n\nset -eu\n");
        while text.len() < size {
            text.push_str("# (configuration step of the official image)\n");
        }
        text.truncate(size - 1);
        text.push('\n');
        b.t.text(&path, 0o755, &text);
        b.own_layer(
            name,
            &format!("COPY {name} /docker-entrypoint.d # buildkit"),
        );
    }
    b.entrypoint(&["/docker-entrypoint.sh"]);
}

/// The files nginx's packages lay out beyond the binary: config, html, logs.
/// `ln -sf /dev/stdout /var/log/nginx/access.log` and the error log.
fn log_links(t: &mut Tree) {
    for (target, log) in [
        ("/dev/stdout", "/var/log/nginx/access.log"),
        ("/dev/stderr", "/var/log/nginx/error.log"),
    ] {
        let _ = t.fs.remove(log);
        t.symlink(target, log);
    }
}

/// The maintainer label the nginx images start with.
fn nginx_label(b: &mut Builder) {
    b.meta("LABEL maintainer=NGINX Docker Maintainers <docker-maint@nginx.com>");
    b.config.labels.push((
        "maintainer".into(),
        "NGINX Docker Maintainers <docker-maint@nginx.com>".into(),
    ));
}

/// What the nginx images end with: port 80, SIGQUIT, `nginx -g 'daemon off;'`.
fn nginx_tail(b: &mut Builder) {
    b.config.exposed_ports = vec!["80/tcp".into()];
    b.meta("EXPOSE map[80/tcp:{}]");
    b.config.stop_signal = "SIGQUIT".into();
    b.meta("STOPSIGNAL SIGQUIT");
    b.cmd(&["nginx", "-g", "daemon off;"]);
}

/// nginx's files; `links`: the logs' links to the container's output in
/// the same layer.
fn nginx_files(t: &mut Tree, modules_bytes: u64, links: bool) {
    for d in [
        "/etc/nginx",
        "/etc/nginx/conf.d",
        "/usr/share/nginx/html",
        "/var/cache/nginx",
        "/var/log/nginx",
        "/usr/lib/nginx/modules",
    ] {
        t.fs.mkdir_all(d, t.meta(0o755))
            .expect("catalog paths are valid");
    }
    t.text(
        "/etc/nginx/nginx.conf",
        0o644,
        "\nuser  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /var/run/nginx.pid;\n\n\nevents {\n    worker_connections  1024;\n}\n\n\nhttp {\n    include       /etc/nginx/mime.types;\n    default_type  application/octet-stream;\n\n    log_format  main  '$remote_addr - $remote_user [$time_local] \"$request\" '\n                      '$status $body_bytes_sent \"$http_referer\" '\n                      '\"$http_user_agent\" \"$http_x_forwarded_for\"';\n\n    access_log  /var/log/nginx/access.log  main;\n\n    sendfile        on;\n    #tcp_nopush     on;\n\n    keepalive_timeout  65;\n\n    #gzip  on;\n\n    include /etc/nginx/conf.d/*.conf;\n}\n",
    );
    t.text(
        "/etc/nginx/conf.d/default.conf",
        0o644,
        "server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n\n    error_page   500 502 503 504  /50x.html;\n    location = /50x.html {\n        root   /usr/share/nginx/html;\n    }\n}\n",
    );
    t.text(
        "/usr/share/nginx/html/index.html",
        0o644,
        "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n",
    );
    t.text(
        "/usr/share/nginx/html/50x.html",
        0o644,
        "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n<p>Sorry, the page you are looking for is currently unavailable.<br/>\nPlease try again later.</p>\n</body>\n</html>\n",
    );
    if links {
        log_links(t);
    }
    payload(
        t,
        "nginx-modules",
        &[
            ("/usr/sbin/nginx", 1_500_000),
            ("/usr/sbin/nginx-debug", 1_600_000),
        ],
    );
    spread(
        t,
        "nginx-modules",
        "/usr/lib/nginx/modules",
        "ngx_module_",
        "so",
        12,
        modules_bytes,
    );
}

pub(super) fn nginx() -> Builder {
    let mut b = debian::bookworm_slim();
    b.name = "nginx:1.27.3".into();
    // 2024-11-26T18:42:40Z
    b.at(1_732_646_560);
    nginx_label(&mut b);
    b.env("NGINX_VERSION", "1.27.3");
    b.env("NJS_VERSION", "0.8.7");
    b.env("NJS_RELEASE", "1~bookworm");
    b.env("PKG_RELEASE", "1~bookworm");
    b.env("DYNPKG_RELEASE", "1~bookworm");
    add_user(&mut b.t, "nginx", 101, "/nonexistent", "/bin/false");
    debian::apt_layer(&mut b, "nginx", &BOOKWORM_SLIM);
    nginx_files(&mut b.t, 96_000_000, true);
    b.layer(
        "nginx:1.27.3/install",
        "RUN /bin/sh -c set -x     && groupadd --system --gid 101 nginx     && useradd --system --gid nginx --no-create-home --home /nonexistent --comment \"nginx user\" --shell /bin/false --uid 101 nginx     && apt-get update     && apt-get install --no-install-recommends --no-install-suggests -y gnupg1 ca-certificates     && apt-get install --no-install-recommends --no-install-suggests -y $nginxPackages gettext-base curl     && apt-get remove --purge --auto-remove -y && rm -rf /var/lib/apt/lists/* /etc/apt/sources.list.d/nginx.list     && ln -sf /dev/stdout /var/log/nginx/access.log     && ln -sf /dev/stderr /var/log/nginx/error.log     && mkdir /docker-entrypoint.d # buildkit",
    );
    nginx_scripts(&mut b);
    nginx_tail(&mut b);
    b
}

pub(super) fn nginx_alpine() -> Builder {
    let mut b = alpine::alpine_3_20();
    b.name = "nginx:1.27.3-alpine".into();
    b.at(1_732_646_560);
    nginx_label(&mut b);
    b.env("NGINX_VERSION", "1.27.3");
    b.env("PKG_RELEASE", "1");
    b.env("DYNPKG_RELEASE", "1");
    b.env("NJS_VERSION", "0.8.7");
    b.env("NJS_RELEASE", "1");
    add_user(&mut b.t, "nginx", 101, "/var/cache/nginx", "/sbin/nologin");
    nginx_files(&mut b.t, 6_500_000, true);
    b.layer(
        "nginx:1.27.3-alpine/install",
        "RUN /bin/sh -c set -x     && addgroup -g 101 -S nginx     && adduser -S -D -H -u 101 -h /var/cache/nginx -s /sbin/nologin -G nginx -g nginx nginx     && apkArch=\"$(cat /etc/apk/arch)\"     && apk add -X \"https://nginx.org/packages/mainline/alpine/v$(egrep -o '^[0-9]+\\.[0-9]+' /etc/alpine-release)/main\" --no-cache $nginxPackages     && apk add --no-cache tzdata     && ln -sf /dev/stdout /var/log/nginx/access.log     && ln -sf /dev/stderr /var/log/nginx/error.log     && mkdir /docker-entrypoint.d # buildkit",
    );
    payload(
        &mut b.t,
        "nginx-alpine-njs",
        &[("/usr/lib/nginx/modules/ngx_http_js_module.so", 30_000_000)],
    );
    b.layer(
        "nginx:1.27.3-alpine/njs",
        "RUN /bin/sh -c set -x     && apkArch=\"$(cat /etc/apk/arch)\"     && apk add -X \"https://nginx.org/packages/mainline/alpine/v$(egrep -o '^[0-9]+\\.[0-9]+' /etc/alpine-release)/main\" --no-cache nginx-module-xslt=${NGINX_VERSION}-r${DYNPKG_RELEASE} nginx-module-geoip=${NGINX_VERSION}-r${DYNPKG_RELEASE} nginx-module-image-filter=${NGINX_VERSION}-r${DYNPKG_RELEASE} nginx-module-njs=${NGINX_VERSION}.${NJS_VERSION}-r${NJS_RELEASE} # buildkit",
    );
    nginx_scripts(&mut b);
    nginx_tail(&mut b);
    b
}

/// nginx:1.11.9 (January 2017) on debian:jessie: the Docker 1.13 era image,
/// ports 80 and 443, no STOPSIGNAL yet, history without `# buildkit`.
pub(super) fn nginx_1_11_9() -> Builder {
    let mut b = debian::base(&debian::JESSIE);
    // 2017-01-26T03:07:36Z
    b.at(1_485_400_056);
    b.meta("MAINTAINER NGINX Docker Maintainers \"docker-maint@nginx.com\"");
    b.env("NGINX_VERSION", "1.11.9-1~jessie");
    add_user(&mut b.t, "nginx", 104, "/nonexistent", "/bin/false");
    debian::apt_layer(&mut b, "nginx", &debian::JESSIE);
    nginx_files(&mut b.t, 25_000_000, false);
    b.layer(
        "nginx:1.11.9/install",
        "/bin/sh -c apt-key adv --keyserver hkp://pgp.mit.edu:80 --recv-keys 573BFD6B3D8FBC641079A6ABABF5BD827BD9BF62 \t&& echo \"deb http://nginx.org/packages/mainline/debian/ jessie nginx\" >> /etc/apt/sources.list \t&& apt-get update \t&& apt-get install --no-install-recommends --no-install-suggests -y \t\t\t\t\t\tca-certificates \t\t\t\t\t\tnginx=${NGINX_VERSION} \t\t\t\t\t\tnginx-module-xslt \t\t\t\t\t\tnginx-module-geoip \t\t\t\t\t\tnginx-module-image-filter \t\t\t\t\t\tnginx-module-perl \t\t\t\t\t\tnginx-module-njs \t\t\t\t\t\tgettext-base \t&& rm -rf /var/lib/apt/lists/*",
    );
    log_links(&mut b.t);
    b.layer(
        "nginx:1.11.9/logs",
        "/bin/sh -c ln -sf /dev/stdout /var/log/nginx/access.log \t&& ln -sf /dev/stderr /var/log/nginx/error.log",
    );
    b.config.exposed_ports = vec!["443/tcp".into(), "80/tcp".into()];
    b.meta("/bin/sh -c #(nop)  EXPOSE 443/tcp 80/tcp");
    b.cmd(&["nginx", "-g", "daemon off;"]);
    b
}

pub(super) fn golang() -> Builder {
    let mut b = buildpack(2);
    // 2024-12-03T20:01:02Z
    b.at(1_733_256_062);
    debian::apt_layer(&mut b, "golang", &BOOKWORM);
    b.layer(
        "golang:1.23/deps",
        "RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\tg++ \t\tgcc \t\tlibc6-dev \t\tmake \t\tpkg-config \t; \trm -rf /var/lib/apt/lists/* # buildkit",
    );
    b.env("GOLANG_VERSION", "1.23.4");
    b.env("GOTOOLCHAIN", "local");
    b.env("GOPATH", "/go");
    b.env("PATH", &format!("/go/bin:/usr/local/go/bin:{PATH}"));
    payload(
        &mut b.t,
        "go1.23.4",
        &[
            ("/usr/local/go/bin/go", 14_000_000),
            ("/usr/local/go/bin/gofmt", 3_100_000),
            ("/usr/local/go/VERSION", 0),
        ],
    );
    b.t.text(
        "/usr/local/go/VERSION",
        0o644,
        "go1.23.4\ntime 2024-11-27T17:52:47Z\n",
    );
    for (dir, n, bytes) in [
        ("/usr/local/go/pkg/tool/linux_amd64", 20, 60_000_000),
        ("/usr/local/go/src", 400, 95_000_000),
        ("/usr/local/go/src/cmd", 300, 50_000_000),
        ("/usr/local/go/lib/time", 1, 400_000),
        ("/usr/local/go/misc", 20, 1_000_000),
        ("/usr/local/go/test", 200, 10_000_000),
    ] {
        spread(
            &mut b.t,
            "go1.23.4",
            dir,
            "f",
            if dir.contains("tool") { "" } else { "go" },
            n,
            bytes,
        );
    }
    b.layer("golang:1.23/go", "COPY /target/ / # buildkit");
    for d in ["/go", "/go/src", "/go/bin"] {
        b.t.dir(d, 0o1777);
    }
    b.layer(
        "golang:1.23/gopath",
        "RUN /bin/sh -c mkdir -p \"$GOPATH/src\" \"$GOPATH/bin\" && chmod -R 1777 \"$GOPATH\" # buildkit",
    );
    b.config.working_dir = "/go".into();
    b.meta("WORKDIR /go");
    b.cmd(&["bash"]);
    b
}
