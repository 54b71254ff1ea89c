//! `npm` (npm 10): `install`/`i`/`add` (from package.json, or names with
//! `-g`), `ci` (from package-lock.json), `cache clean --force`,
//! `config set`, `--version`; `run`, `test`, `start`, `exec` and the rest
//! are not simulated (they run the project's own code).
//!
//! What changes is what real npm changes: `node_modules/<name>/` with its
//! package.json and files of the package's real unpacked size,
//! node_modules/.bin links, node_modules/.package-lock.json, the project's
//! package-lock.json (and package.json for `npm install NAME`), the
//! tarballs in ~/.npm/_cacache (the cache a `npm cache clean --force` in
//! the same RUN empties). `-g` installs into /usr/local/lib/node_modules
//! with its commands linked from /usr/local/bin.
//!
//! The dependency tree is flat (every package hoisted, one version per
//! name: the catalog's, [`crate::packages::npms`]); a range is not
//! checked against it; a lock file's versions are used as written, with the
//! catalog's sizes (or 20 kB for a package it does not know).

use super::super::{Flow, Io, R, Shell};
use crate::packages::{self, Content, PkgFile};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Whether `npm OP` is simulated (see [`super::simulates`]).
pub fn simulates(op: Option<&str>) -> bool {
    matches!(
        op,
        None | Some("install" | "i" | "add" | "ci" | "clean-install" | "cache" | "config")
    )
}

fn npm_error(sh: &mut Shell, io: &Io, lines: &str) -> Result<(), Flow> {
    let text: String = lines.lines().map(|l| format!("npm error {l}\n")).collect();
    sh.err(io, text.replace("npm error \n", "npm error\n"))
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = &argv[1..];
    if args.first().is_some_and(|a| a == "-v" || a == "--version") {
        let v = sh
            .ctx
            .fs
            .read_file("/usr/local/lib/node_modules/npm/package.json")
            .ok()
            .and_then(|d| serde_json::from_slice::<Value>(&d).ok())
            .and_then(|v| v["version"].as_str().map(str::to_string))
            .unwrap_or_else(|| "10.8.2".into());
        sh.out(io, format!("{v}\n"))?;
        return Ok(0);
    }
    let op = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    match op {
        Some("install" | "i" | "add" | "ci" | "clean-install") => install(
            sh,
            io,
            args,
            op == Some("ci") || op == Some("clean-install"),
        ),
        Some("cache") => {
            let sub = args
                .iter()
                .filter(|a| !a.starts_with('-'))
                .nth(1)
                .map(String::as_str);
            match sub {
                Some("clean" | "clear" | "rm") => {
                    if !args.iter().any(|a| a == "--force" || a == "-f") {
                        npm_error(
                            sh,
                            io,
                            "As of npm@5, the npm cache self-heals from corruption issues\nby treating integrity mismatches as cache misses.  As a result,\ndata extracted from the cache is guaranteed to be valid.  If you\nwant to make sure everything is consistent, use `npm cache verify`\ninstead.  Deleting the cache can only make npm go slower, and is\nnot likely to correct any problems you may be encountering!\n\nOn the other hand, if you're debugging an issue with the installer,\nor race conditions that depend on the timing of writing to an empty\ncache, you can use `npm install --cache /tmp/empty-cache` to use a\ntemporary cache instead of nuking the actual one.\n\nIf you're sure you want to delete the entire cache, rerun this command\nwith --force.",
                        )?;
                        return Ok(1);
                    }
                    sh.err(
                        io,
                        "npm warn using --force Recommended protections disabled.\n",
                    )?;
                    let cache = cache_dir(sh);
                    let _ = sh.ctx.fs.remove_all(&format!("{cache}/_cacache"));
                    Ok(0)
                }
                _ => sh.not_simulated("npm"),
            }
        }
        Some("config") => {
            let rest: Vec<&String> = args
                .iter()
                .filter(|a| !a.starts_with('-'))
                .skip(1)
                .collect();
            match rest.first().map(|s| s.as_str()) {
                Some("set") => {
                    let home = sh.ctx.get_var("HOME").unwrap_or("/root").to_string();
                    let path = if args.iter().any(|a| a == "-g" || a == "--global") {
                        "/usr/local/etc/npmrc".to_string()
                    } else {
                        format!("{home}/.npmrc")
                    };
                    let mut text = sh
                        .ctx
                        .fs
                        .read_file(&path)
                        .map(|d| String::from_utf8_lossy(&d).into_owned())
                        .unwrap_or_default();
                    let mut pairs: Vec<(String, String)> = Vec::new();
                    let mut i = 1;
                    while i < rest.len() {
                        match rest[i].split_once('=') {
                            Some((k, v)) => pairs.push((k.to_string(), v.to_string())),
                            None => {
                                pairs.push((
                                    rest[i].clone(),
                                    rest.get(i + 1).map(|s| s.to_string()).unwrap_or_default(),
                                ));
                                i += 1;
                            }
                        }
                        i += 1;
                    }
                    for (k, v) in pairs {
                        let mut lines: Vec<String> = text
                            .lines()
                            .filter(|l| l.split('=').next() != Some(k.as_str()))
                            .map(str::to_string)
                            .collect();
                        lines.push(format!("{k}={v}"));
                        text = lines.join("\n") + "\n";
                    }
                    let mtime = sh.ctx.mtime;
                    let _ = packages::write_text(sh.ctx.fs, &path, &text, mtime);
                    Ok(0)
                }
                _ => sh.not_simulated("npm"),
            }
        }
        None => {
            sh.out(io, "npm <command>\n\nUsage:\n\nnpm install        install all the dependencies in your project\n")?;
            Ok(1)
        }
        Some(_) => sh.not_simulated("npm"),
    }
}

fn cache_dir(sh: &Shell) -> String {
    if let Some(c) = sh
        .ctx
        .get_var("npm_config_cache")
        .or(sh.ctx.get_var("NPM_CONFIG_CACHE"))
    {
        return c.to_string();
    }
    format!("{}/.npm", sh.ctx.get_var("HOME").unwrap_or("/root"))
}

fn read_json(sh: &Shell, path: &str) -> Option<Result<Value, String>> {
    let d = sh.ctx.fs.read_file(path).ok()?;
    Some(serde_json::from_slice(&d).map_err(|e| e.to_string()))
}

/// One package to put in node_modules: name, version, and its record.
pub(super) struct Item {
    pub name: String,
    pub version: String,
    pub rec: Option<&'static packages::Npm>,
    pub dev: bool,
}

fn install(sh: &mut Shell, io: &Io, args: &[String], ci: bool) -> R {
    let has = |f: &str| args.iter().any(|a| a == f);
    let global = has("-g") || has("--global");
    let env_prod = sh.ctx.get_var("NODE_ENV") == Some("production");
    let omit_dev = has("--production")
        || has("--omit=dev")
        || has("--only=production")
        || has("--only=prod")
        || env_prod;
    let quiet = has("--silent")
        || has("-s")
        || has("--quiet")
        || has("--loglevel=error")
        || has("--loglevel=silent");
    let names: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .skip(1)
        .cloned()
        .collect();
    if names.iter().any(|n| {
        n.starts_with('.')
            || n.starts_with('/')
            || n.contains("://")
            || n.starts_with("git")
            || n.ends_with(".tgz")
    }) {
        return sh.not_simulated("npm");
    }
    let cwd = sh.ctx.cwd.clone();
    let root = if global {
        "/usr/local/lib".to_string()
    } else {
        cwd.trim_end_matches('/').to_string()
    };
    let pj_path = format!("{root}/package.json");
    let lock_path = format!("{root}/package-lock.json");
    let mut items: Vec<Item> = Vec::new();
    let mut pj: Option<Value> = None;
    if !global {
        match read_json(sh, &pj_path) {
            Some(Ok(v)) => pj = Some(v),
            Some(Err(e)) => {
                npm_error(
                    sh,
                    io,
                    &format!(
                        "code EJSONPARSE\nJSON.parse Invalid package.json: JSONParseError: {e}\nJSON.parse Failed to parse JSON data.\nJSON.parse Note: package.json must be actual JSON, not just JavaScript."
                    ),
                )?;
                return Ok(1);
            }
            None if ci => {}
            None => {}
        }
    }
    if ci {
        let lock = read_json(sh, &lock_path)
            .or_else(|| read_json(sh, &format!("{root}/npm-shrinkwrap.json")));
        let Some(Ok(lock)) = lock else {
            npm_error(
                sh,
                io,
                "code EUSAGE\n\nThe `npm ci` command can only install with an existing package-lock.json or\nnpm-shrinkwrap.json with lockfileVersion >= 1. Run an install with npm@5 or\nlater to generate a package-lock.json file, then try again.\n\nClean install a project\n\nUsage:\nnpm ci\n\nRun \"npm help ci\" for more info",
            )?;
            return Ok(1);
        };
        let _ = sh.ctx.fs.remove_all(&format!("{root}/node_modules"));
        if let Some(pkgs) = lock["packages"].as_object() {
            for (path, v) in pkgs {
                let Some(name) = path.rsplit("node_modules/").next().filter(|_| {
                    path.starts_with("node_modules/") && !path[13..].contains("/node_modules/")
                }) else {
                    continue;
                };
                let dev = v["dev"].as_bool().unwrap_or(false);
                let version = v["version"].as_str().unwrap_or("0.0.0").to_string();
                items.push(Item {
                    name: name.to_string(),
                    rec: packages::npms().get(name),
                    version,
                    dev,
                });
            }
        } else if let Some(deps) = lock["dependencies"].as_object() {
            for (name, v) in deps {
                let version = v["version"].as_str().unwrap_or("0.0.0").to_string();
                let dev = v["dev"].as_bool().unwrap_or(false);
                items.push(Item {
                    name: name.clone(),
                    rec: packages::npms().get(name.as_str()),
                    version,
                    dev,
                });
            }
        }
    } else {
        // Roots: the names given, else package.json's dependencies.
        let mut roots: Vec<(String, bool)> = Vec::new();
        if names.is_empty() {
            if let Some(p) = &pj {
                for (field, dev) in [
                    ("dependencies", false),
                    ("devDependencies", true),
                    ("optionalDependencies", false),
                ] {
                    if let Some(d) = p[field].as_object() {
                        for k in d.keys() {
                            roots.push((k.clone(), dev));
                        }
                    }
                }
            }
        } else {
            let dev = has("-D") || has("--save-dev");
            for n in &names {
                let name = match n.strip_prefix('@') {
                    Some(r) => format!("@{}", r.split('@').next().unwrap_or(r)),
                    None => n.split('@').next().unwrap_or(n).to_string(),
                };
                roots.push((name, dev));
            }
        }
        for (n, _) in &roots {
            if !packages::npms().contains_key(n.as_str()) {
                npm_error(
                    sh,
                    io,
                    &format!(
                        "code E404\n404 Not Found - GET https://registry.npmjs.org/{} - Not found\n404\n404  '{n}@*' is not in this registry.\n404\n404 Note that you can also install from a\n404 tarball, folder, http url, or git url.",
                        n.replace('/', "%2f")
                    ),
                )?;
                return Ok(1);
            }
        }
        items = closure(&roots);
        if !names.is_empty() && !global {
            // npm install NAME saves it to package.json.
            let mut p = pj.clone().unwrap_or_else(|| json!({}));
            let field = if has("-D") || has("--save-dev") {
                "devDependencies"
            } else {
                "dependencies"
            };
            if !p[field].is_object() {
                p[field] = Value::Object(Map::new());
            }
            for (n, _) in &roots {
                if let Some(r) = packages::npms().get(n.as_str()) {
                    p[field][n] = json!(format!("^{}", r.version));
                }
            }
            pj = Some(p.clone());
            let mtime = sh.ctx.mtime;
            let text = serde_json::to_string_pretty(&p).unwrap_or_default() + "\n";
            let _ = packages::write_text(sh.ctx.fs, &pj_path, &text, mtime);
        }
    }
    if omit_dev {
        items.retain(|i| !i.dev);
    }
    let mtime = sh.ctx.mtime;
    let cache = cache_dir(sh);
    let nm = format!("{root}/node_modules");
    let Some(lock_pkgs) = write_items(sh, io, &items, &nm, global, &Cache::Npm(cache))? else {
        return Ok(1);
    };
    let name = pj
        .as_ref()
        .and_then(|p| p["name"].as_str())
        .unwrap_or_else(|| root.rsplit('/').next().unwrap_or("app"))
        .to_string();
    let hidden = json!({"name": name, "lockfileVersion": 3, "requires": true, "packages": lock_pkgs.clone()});
    if !items.is_empty() {
        let _ = packages::write_text(
            sh.ctx.fs,
            &format!("{nm}/.package-lock.json"),
            &(serde_json::to_string_pretty(&hidden).unwrap_or_default() + "\n"),
            mtime,
        );
    }
    if !global && !ci {
        let mut all = Map::new();
        let mut root_entry = json!({"name": name});
        if let Some(p) = &pj {
            for f in ["version", "dependencies", "devDependencies"] {
                if !p[f].is_null() {
                    root_entry[f] = p[f].clone();
                }
            }
        }
        all.insert(String::new(), root_entry);
        all.extend(lock_pkgs);
        let lock = json!({"name": name, "lockfileVersion": 3, "requires": true, "packages": all});
        let _ = packages::write_text(
            sh.ctx.fs,
            &lock_path,
            &(serde_json::to_string_pretty(&lock).unwrap_or_default() + "\n"),
            mtime,
        );
    }
    if !quiet {
        let n = items.len();
        let s = if n == 1 { "" } else { "s" };
        let text = if global {
            format!("\nadded {n} package{s} in 2s\n")
        } else if n == 0 {
            "\nup to date, audited 1 package in 1s\n\nfound 0 vulnerabilities\n".to_string()
        } else {
            format!(
                "\nadded {n} package{s}, and audited {} packages in 2s\n\nfound 0 vulnerabilities\n",
                n + 1
            )
        };
        sh.out(io, text)?;
    }
    Ok(0)
}

/// Every package `roots` need, once each (flat, as npm hoists); dev when
/// only dev roots need it.
pub(super) fn closure(roots: &[(String, bool)]) -> Vec<Item> {
    let mut items = Vec::new();
    let mut seen: BTreeMap<String, bool> = BTreeMap::new();
    let mut stack: Vec<(String, bool)> = roots.iter().rev().cloned().collect();
    while let Some((n, dev)) = stack.pop() {
        if let Some(d) = seen.get_mut(&n) {
            *d &= dev;
            continue;
        }
        seen.insert(n.clone(), dev);
        if let Some(r) = packages::npms().get(n.as_str()) {
            for (d, _) in &r.dependencies {
                stack.push((d.to_string(), dev));
            }
        }
    }
    for (n, dev) in seen {
        let rec = packages::npms().get(n.as_str());
        let version = rec
            .map(|r| r.version.to_string())
            .unwrap_or_else(|| "1.0.0".into());
        items.push(Item {
            name: n,
            version,
            rec,
            dev,
        });
    }
    items
}

/// Where the tarballs go: npm's content-addressed cache, or yarn's.
pub(super) enum Cache {
    Npm(String),
    Yarn(String),
}

/// Writes `items` into the `nm` node_modules (bin links in .bin, or
/// /usr/local/bin for `global`) and the cache; the lock file's `packages`,
/// or None after an error message.
pub(super) fn write_items(
    sh: &mut Shell,
    io: &Io,
    items: &[Item],
    nm: &str,
    global: bool,
    cache: &Cache,
) -> Result<Option<Map<String, Value>>, Flow> {
    let mtime = sh.ctx.mtime;
    let mut lock_pkgs = Map::new();
    for it in items {
        let dir = format!("{nm}/{}", it.name);
        let unpacked = it.rec.map_or(20_000, |r| r.unpacked);
        let tarball = it.rec.map_or(8_000, |r| r.tarball);
        let deps: Map<String, Value> = it
            .rec
            .map(|r| {
                r.dependencies
                    .iter()
                    .map(|(k, v)| (k.to_string(), json!(v)))
                    .collect()
            })
            .unwrap_or_default();
        let mut pkg = json!({"name": it.name, "version": it.version, "license": "MIT"});
        if !deps.is_empty() {
            pkg["dependencies"] = Value::Object(deps.clone());
        }
        let bins: Vec<(&str, &str)> = it.rec.map(|r| r.bin.clone()).unwrap_or_default();
        if !bins.is_empty() {
            pkg["bin"] = Value::Object(
                bins.iter()
                    .map(|(k, v)| (k.to_string(), json!(v)))
                    .collect(),
            );
        }
        let pkg_text = serde_json::to_string_pretty(&pkg).unwrap_or_default() + "\n";
        let mut files = vec![PkgFile {
            path: format!("{dir}/package.json"),
            mode: 0o644,
            content: Content::Text(pkg_text.clone()),
        }];
        let rest = unpacked.saturating_sub(pkg_text.len() as u64);
        let bin_size = if bins.is_empty() {
            0
        } else {
            (rest / 10).min(8192)
        };
        for (_, path) in &bins {
            let p = crate::vfs::clean(&format!("{dir}/{path}"));
            if !files.iter().any(|f| f.path == p) {
                files.push(PkgFile {
                    path: p,
                    mode: 0o755,
                    content: Content::Generated(bin_size),
                });
            }
        }
        let used: u64 = files.iter().map(PkgFile::size).sum();
        files.push(PkgFile {
            path: format!("{dir}/lib/index.js"),
            mode: 0o644,
            content: Content::Generated(unpacked.saturating_sub(used)),
        });
        let _ = sh.ctx.fs.remove_all(&dir);
        if let Err(e) = packages::write_files(
            sh.ctx.fs,
            &files,
            &format!("npm:{}:{}", it.name, it.version),
            mtime,
        ) {
            npm_error(
                sh,
                io,
                &format!(
                    "code ENOENT\nsyscall open\npath {dir}\nerrno -2\nenoent {}",
                    super::why(&e)
                ),
            )?;
            return Ok(None);
        }
        // Command links: node_modules/.bin, or /usr/local/bin for -g.
        for (cmd, path) in &bins {
            let (link, target) = if global {
                let rel = nm.trim_start_matches("/usr/local/");
                (
                    format!("/usr/local/bin/{cmd}"),
                    format!("../{rel}/{}/{}", it.name, path.trim_start_matches("./")),
                )
            } else {
                (
                    format!("{nm}/.bin/{cmd}"),
                    format!("../{}/{}", it.name, path.trim_start_matches("./")),
                )
            };
            if let Some((d, _)) = link.rsplit_once('/') {
                let _ = sh.ctx.fs.mkdir_all(
                    d,
                    crate::vfs::Meta {
                        mode: 0o755,
                        uid: 0,
                        gid: 0,
                        mtime,
                    },
                );
            }
            let _ = sh.ctx.fs.remove(&link);
            let _ = sh.ctx.fs.symlink(
                &target,
                &link,
                crate::vfs::Meta {
                    mode: 0o777,
                    uid: 0,
                    gid: 0,
                    mtime,
                },
            );
        }
        match cache {
            Cache::Npm(cache) => {
                // The tarball in the content-addressed cache.
                let mut f =
                    crate::vfs::Filler::new(&format!("npm-cache:{}@{}", it.name, it.version));
                let hash: String = (0..8).map(|_| format!("{:016x}", f.next_u64())).collect();
                let content = format!(
                    "{cache}/_cacache/content-v2/sha512/{}/{}/{}",
                    &hash[0..2],
                    &hash[2..4],
                    &hash[4..]
                );
                let _ = packages::write_one(
                    sh.ctx.fs,
                    &PkgFile {
                        path: content,
                        mode: 0o644,
                        content: Content::Generated(tarball),
                    },
                    "npm-cache",
                    mtime,
                );
                let index = format!(
                    "{cache}/_cacache/index-v5/{}/{}/{}",
                    &hash[64..66],
                    &hash[66..68],
                    &hash[68..]
                );
                let key = format!(
                    "make-fetch-happen:request-cache:https://registry.npmjs.org/{}/-/{}-{}.tgz",
                    it.name,
                    it.name.rsplit('/').next().unwrap_or(&it.name),
                    it.version
                );
                let _ = packages::write_text(
                    sh.ctx.fs,
                    &index,
                    &format!(
                        "{}\t{{\"key\":\"{key}\",\"integrity\":\"sha512-…\",\"size\":{tarball}}}\n",
                        &hash[..40]
                    ),
                    mtime,
                );
            }
            Cache::Yarn(dir) => {
                let mut f =
                    crate::vfs::Filler::new(&format!("yarn-cache:{}@{}", it.name, it.version));
                let entry = format!(
                    "{dir}/v6/npm-{}-{}-{:016x}{:016x}-integrity/node_modules/{}",
                    it.name.replace('/', "-"),
                    it.version,
                    f.next_u64(),
                    f.next_u64(),
                    it.name
                );
                let cached = [
                    PkgFile {
                        path: format!("{entry}/.yarn-tarball.tgz"),
                        mode: 0o644,
                        content: Content::Generated(tarball),
                    },
                    PkgFile {
                        path: format!("{entry}/lib/index.js"),
                        mode: 0o644,
                        content: Content::Generated(unpacked),
                    },
                    PkgFile {
                        path: format!("{entry}/.yarn-metadata.json"),
                        mode: 0o644,
                        content: Content::Text(format!(
                            "{{\"manifest\":{{\"name\":\"{}\",\"version\":\"{}\"}}}}\n",
                            it.name, it.version
                        )),
                    },
                ];
                let _ = packages::write_files(sh.ctx.fs, &cached, "yarn-cache", mtime);
            }
        }
        let mut entry = json!({"version": it.version, "resolved": format!("https://registry.npmjs.org/{}/-/{}-{}.tgz", it.name, it.name.rsplit('/').next().unwrap_or(&it.name), it.version), "license": "MIT"});
        if it.dev {
            entry["dev"] = json!(true);
        }
        if !deps.is_empty() {
            entry["dependencies"] = Value::Object(deps);
        }
        lock_pkgs.insert(format!("node_modules/{}", it.name), entry);
    }
    Ok(Some(lock_pkgs))
}

#[cfg(test)]
mod tests {
    use super::super::testing::run_in;
    use crate::vfs::{Fs, Meta};

    /// A node:22-like tree: node and npm on PATH.
    fn node() -> Fs {
        let mut fs = super::super::testing::fs();
        for d in [
            "/usr/local/bin",
            "/usr/local/lib/node_modules/npm/bin",
            "/app",
        ] {
            fs.mkdir_all(d, Meta::new(0o755)).unwrap();
        }
        fs.write_file("/usr/local/bin/node", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        fs.write_file(
            "/usr/local/lib/node_modules/npm/bin/npm-cli.js",
            &b"#!/usr/bin/env node\n"[..],
            Meta::new(0o755),
        )
        .unwrap();
        fs.write_file(
            "/usr/local/lib/node_modules/npm/package.json",
            &b"{\"name\":\"npm\",\"version\":\"10.9.2\"}"[..],
            Meta::new(0o644),
        )
        .unwrap();
        fs.symlink(
            "../lib/node_modules/npm/bin/npm-cli.js",
            "/usr/local/bin/npm",
            Meta::new(0o777),
        )
        .unwrap();
        fs
    }

    fn du(fs: &Fs, dir: &str) -> u64 {
        fs.walk(dir)
            .map(|v| v.iter().map(|(_, n)| n.size()).sum())
            .unwrap_or(0)
    }

    #[test]
    fn install_from_package_json_then_clean_the_cache() {
        let mut fs = node();
        let r = run_in(
            &mut fs,
            "cd /app && echo '{\"name\":\"web\",\"dependencies\":{\"express\":\"^5.0.0\"},\"devDependencies\":{\"nodemon\":\"^3\"}}' > package.json && npm install --omit=dev",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        let express = &crate::packages::npms()["express"];
        assert!(fs.exists("/app/node_modules/express/package.json"));
        assert!(fs.exists("/app/node_modules/body-parser/package.json"));
        assert!(fs.exists("/app/node_modules/ms/package.json"));
        assert!(!fs.exists("/app/node_modules/nodemon"));
        assert_eq!(du(&fs, "/app/node_modules/express"), express.unpacked);
        assert!(
            fs.exists("/app/package-lock.json")
                && fs.exists("/app/node_modules/.package-lock.json")
        );
        assert!(r.out.contains("added "), "{}", r.out);
        assert!(du(&fs, "/root/.npm/_cacache") > express.tarball);
        let r = run_in(&mut fs, "npm cache clean");
        assert_eq!(r.status, 1);
        assert!(r.err.starts_with("npm error As of npm@5"));
        let r = run_in(&mut fs, "npm cache clean --force && npm --version");
        assert_eq!((r.status, r.out.as_str()), (0, "10.9.2\n"));
        assert_eq!(du(&fs, "/root/.npm"), 0);
    }

    #[test]
    fn ci_global_and_errors() {
        let mut fs = node();
        let r = run_in(&mut fs, "cd /app && echo '{}' > package.json && npm ci");
        assert_eq!(r.status, 1);
        assert!(
            r.err
                .starts_with("npm error code EUSAGE\nnpm error\nnpm error The `npm ci` command"),
            "{}",
            r.err
        );
        let r = run_in(
            &mut fs,
            "npm install -g typescript && ls -l /usr/local/bin/tsc",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(r.out.contains("added 1 package in"));
        assert!(
            r.out
                .contains("tsc -> ../lib/node_modules/typescript/bin/tsc"),
            "{}",
            r.out
        );
        let r = run_in(&mut fs, "npm i -g no-such-package-xyz");
        assert_eq!(r.status, 1);
        assert!(r.err.starts_with("npm error code E404\n"));
        let r = run_in(
            &mut fs,
            "cd /app && npm install ms && npm ci && npm run build",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(fs.exists("/app/node_modules/ms/package.json"));
        assert_eq!(r.unsimulated, ["npm"]);
    }
}
