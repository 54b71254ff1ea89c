//! The examples the page offers, compiled in from playground/ so that each
//! one is the same files the native lesson tests build.

use crate::share::{File, Playground};

/// One file of an example's context: its path, bytes and mode.
type ExampleFile = (&'static str, &'static [u8], u32);

pub struct Example {
    /// The directory under playground/.
    pub key: &'static str,
    pub title: &'static str,
    pub dockerfile: &'static str,
    pub files: &'static [ExampleFile],
}

macro_rules! file {
    ($dir:literal, $name:literal) => {
        file!($dir, $name, 0o644)
    };
    ($dir:literal, $name:literal, $mode:literal) => {
        (
            $name,
            include_bytes!(concat!("../../playground/", $dir, "/", $name)).as_slice(),
            $mode,
        )
    };
}

macro_rules! dockerfile {
    ($dir:literal) => {
        include_str!(concat!("../../playground/", $dir, "/Dockerfile"))
    };
}

/// The first is the page's default.
pub const EXAMPLES: &[Example] = &[
    Example {
        key: "node-service",
        title: "Node.js service (multi-stage)",
        dockerfile: dockerfile!("node-service"),
        files: &[
            file!("node-service", ".dockerignore"),
            file!("node-service", "README.md"),
            file!("node-service", "package-lock.json"),
            file!("node-service", "package.json"),
            file!("node-service", "server.js"),
        ],
    },
    Example {
        key: "multi-stage",
        title: "Go: builder stage, small runtime stage",
        dockerfile: dockerfile!("multi-stage"),
        files: &[
            file!("multi-stage", "go.mod"),
            file!("multi-stage", "main.go"),
        ],
    },
    Example {
        key: "scratch-static",
        title: "FROM scratch: one static binary",
        dockerfile: dockerfile!("scratch-static"),
        files: &[file!("scratch-static", "hello", 0o755)],
    },
    Example {
        key: "cache-order",
        title: "Cache order: dependencies before the code",
        dockerfile: dockerfile!("cache-order"),
        files: &[
            file!("cache-order", "index.js"),
            file!("cache-order", "package.json"),
        ],
    },
    Example {
        key: "node-tini",
        title: "Node.js 6 with tini",
        dockerfile: dockerfile!("node-tini"),
        files: &[
            file!("node-tini", ".dockerignore"),
            file!("node-tini", "index.js"),
            file!("node-tini", "package.json"),
        ],
    },
    Example {
        key: "apt-layers",
        title: "apt-get: split vs joined cleanup",
        dockerfile: dockerfile!("apt-layers"),
        files: &[],
    },
    Example {
        key: "ubuntu-nginx",
        title: "nginx on Ubuntu",
        dockerfile: dockerfile!("ubuntu-nginx"),
        files: &[file!("ubuntu-nginx", "index.html")],
    },
    Example {
        key: "nginx-debian",
        title: "nginx on Debian, one RUN",
        dockerfile: dockerfile!("nginx-debian"),
        files: &[file!("nginx-debian", "index.html")],
    },
];

impl Example {
    pub fn by_key(key: &str) -> Option<&'static Example> {
        EXAMPLES.iter().find(|e| e.key == key)
    }

    pub fn default_example() -> &'static Example {
        &EXAMPLES[0]
    }

    /// The example `p` is, unedited (whatever tab or layer it shows).
    pub fn matching(p: &Playground) -> Option<&'static Example> {
        if !p.build_args.is_empty() || p.target.is_some() {
            return None;
        }
        let mut files: Vec<_> = p.files.iter().collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        EXAMPLES.iter().find(|e| {
            let mut own: Vec<_> = e.files.iter().collect();
            own.sort_by_key(|(path, _, _)| *path);
            e.dockerfile == p.dockerfile
                && own.len() == files.len()
                && own.iter().zip(&files).all(|((path, content, mode), f)| {
                    *path == f.path && *content == f.content.as_slice() && *mode == f.mode
                })
        })
    }

    pub fn playground(&self) -> Playground {
        Playground {
            dockerfile: self.dockerfile.to_string(),
            files: self
                .files
                .iter()
                .map(|(path, content, mode)| File {
                    path: path.to_string(),
                    content: content.to_vec(),
                    mode: *mode,
                })
                .collect(),
            ..Playground::default()
        }
    }
}
