//! The build context the page builds with. For now it is a fixed example that
//! fits the example Dockerfile (a Node.js service with no dependencies, so
//! `npm ci` needs nothing from the network); editing it comes with a later
//! issue.

use crate::build::dockerignore::Dockerignore;
use crate::vfs::{Fs, Meta};

const DOCKERIGNORE: &str = "\
# Keep the context small and the cache stable.
node_modules
npm-debug.log
.git
*.md
";

const PACKAGE_JSON: &str = r#"{
  "name": "hello-layers",
  "version": "1.0.0",
  "private": true,
  "description": "A tiny HTTP service to build in the layerlab playground",
  "main": "server.js",
  "scripts": {
    "start": "node server.js"
  },
  "engines": {
    "node": ">=20"
  },
  "license": "MIT"
}
"#;

const PACKAGE_LOCK: &str = r#"{
  "name": "hello-layers",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "hello-layers",
      "version": "1.0.0",
      "license": "MIT",
      "engines": {
        "node": ">=20"
      }
    }
  }
}
"#;

const SERVER_JS: &str = r#"// A tiny HTTP service: a greeting, and /health for the HEALTHCHECK.
const http = require("node:http");

const port = Number(process.env.PORT ?? 3000);

const server = http.createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok\n");
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ hello: "layers", pid: process.pid }) + "\n");
});

server.listen(port, () => console.log(`listening on :${port}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
"#;

const README: &str = "\
# hello-layers

Run it with `npm start`. The .dockerignore keeps this file out of the image.
";

const FILES: &[(&str, &str)] = &[
    (".dockerignore", DOCKERIGNORE),
    ("README.md", README),
    ("package-lock.json", PACKAGE_LOCK),
    ("package.json", PACKAGE_JSON),
    ("server.js", SERVER_JS),
];

/// One file of the context, as the Build tab lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextFile {
    pub path: &'static str,
    pub size: u64,
    /// Left out by `.dockerignore`: the build never sees it.
    pub ignored: bool,
}

/// The context: the files as listed, and the tree the build reads (with
/// `.dockerignore` applied, as `build::Request` expects).
#[derive(Debug, Clone)]
pub struct BuildContext {
    pub files: Vec<ContextFile>,
    pub fs: Fs,
}

impl BuildContext {
    pub fn example() -> BuildContext {
        // The example's .dockerignore is a constant that parses; an empty
        // ignore list is the safe reading if it ever stopped doing so.
        let ignore = Dockerignore::parse(DOCKERIGNORE).unwrap_or_default();
        let mut fs = Fs::new();
        let mut files = Vec::new();
        for (path, text) in FILES {
            let ignored = ignore.matches(path);
            files.push(ContextFile {
                path,
                size: text.len() as u64,
                ignored,
            });
            if ignored {
                continue;
            }
            let abs = format!("/{path}");
            if let Some(i) = abs.rfind('/').filter(|i| *i > 0) {
                let _ = fs.mkdir_all(&abs[..i], Meta::new(0o755));
            }
            // Writing a handful of small files into a fresh tree cannot fail;
            // a file that did would only be missing from the context.
            let _ = fs.write_file(&abs, text.as_bytes(), Meta::new(0o644));
        }
        BuildContext { files, fs }
    }
}
