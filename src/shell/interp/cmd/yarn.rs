//! `yarn` (classic, 1.22): `install` (also bare `yarn`;
//! `--frozen-lockfile`, `--production`), `add [-D]`, `global add`,
//! `cache clean`, `--version`. Other commands (`yarn build`, `yarn run`…)
//! run the project's code and are not simulated.
//!
//! It installs like [`super::npm`] (flat node_modules from the same
//! catalog) and writes what yarn writes: yarn.lock (v1 format),
//! node_modules/.yarn-integrity, and its cache of unpacked packages and
//! tarballs in /usr/local/share/.cache/yarn/v6 for root (as in the node
//! images), ~/.cache/yarn otherwise, or $YARN_CACHE_FOLDER.

use super::super::{Io, R, Shell};
use super::npm::{Cache, Item, closure, write_items};
use crate::packages;
use serde_json::{Map, Value, json};

/// Whether `yarn OP` is simulated (see [`super::simulates`]).
pub fn simulates(op: Option<&str>) -> bool {
    matches!(op, None | Some("install" | "add" | "global" | "cache"))
}

fn cache_dir(sh: &Shell) -> String {
    if let Some(c) = sh.ctx.get_var("YARN_CACHE_FOLDER") {
        return c.to_string();
    }
    if sh.ctx.uid == 0 {
        "/usr/local/share/.cache/yarn".to_string()
    } else {
        format!("{}/.cache/yarn", sh.ctx.get_var("HOME").unwrap_or("/root"))
    }
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = &argv[1..];
    if args.first().is_some_and(|a| a == "-v" || a == "--version") {
        sh.out(io, "1.22.22\n")?;
        return Ok(0);
    }
    let words: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    match words.first().copied() {
        None | Some("install") => install(sh, io, args, &[], false),
        Some("add") => install(sh, io, args, &words[1..], false),
        Some("global") if words.get(1) == Some(&"add") => install(sh, io, args, &words[2..], true),
        Some("cache") if words.get(1) == Some(&"clean") => {
            let dir = cache_dir(sh);
            let _ = sh.ctx.fs.remove_all(&format!("{dir}/v6"));
            sh.out(
                io,
                "yarn cache v1.22.22\nsuccess Cleared cache.\nDone in 0.05s.\n",
            )?;
            Ok(0)
        }
        _ => sh.not_simulated("yarn"),
    }
}

fn install(sh: &mut Shell, io: &Io, args: &[String], names: &[&str], global: bool) -> R {
    let has = |f: &str| args.iter().any(|a| a == f);
    let what = if names.is_empty() { "install" } else { "add" };
    let mut log = format!(
        "yarn {}{what} v1.22.22\n",
        if global { "global " } else { "" }
    );
    let root = if global {
        "/usr/local/share/.config/yarn/global".to_string()
    } else {
        sh.ctx.cwd.trim_end_matches('/').to_string()
    };
    let pj_path = format!("{root}/package.json");
    let lock_path = format!("{root}/yarn.lock");
    let mut pj: Value = match sh.ctx.fs.read_file(&pj_path) {
        Ok(d) => match serde_json::from_slice(&d) {
            Ok(v) => v,
            Err(e) => {
                sh.out(io, log)?;
                sh.err(
                    io,
                    format!("error {pj_path}: Unexpected token in JSON: {e}\n"),
                )?;
                return Ok(1);
            }
        },
        Err(_) => json!({}),
    };
    let has_lock = sh.ctx.fs.exists(&lock_path);
    if !has_lock {
        log.push_str("info No lockfile found.\n");
        if has("--frozen-lockfile") || has("--immutable") {
            sh.out(io, log)?;
            sh.err(io, "error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.\ninfo Visit https://yarnpkg.com/en/docs/cli/install for documentation about this command.\n")?;
            return Ok(1);
        }
    }
    log.push_str("[1/4] Resolving packages...\n");
    let mut roots: Vec<(String, bool)> = Vec::new();
    let dev_add = has("-D") || has("--dev");
    for n in names {
        let name = match n.strip_prefix('@') {
            Some(r) => format!("@{}", r.split('@').next().unwrap_or(r)),
            None => n.split('@').next().unwrap_or(n).to_string(),
        };
        if !packages::npms().contains_key(name.as_str()) {
            sh.out(io, log)?;
            sh.err(io, format!("error An unexpected error occurred: \"https://registry.yarnpkg.com/{name}: Not found\".\n"))?;
            return Ok(1);
        }
        let field = if dev_add {
            "devDependencies"
        } else {
            "dependencies"
        };
        if !pj[field].is_object() {
            pj[field] = Value::Object(Map::new());
        }
        pj[field][&name] = json!(format!("^{}", packages::npms()[name.as_str()].version));
    }
    for (field, dev) in [("dependencies", false), ("devDependencies", true)] {
        if let Some(d) = pj[field].as_object() {
            for k in d.keys() {
                roots.push((k.clone(), dev));
            }
        }
    }
    for (n, _) in &roots {
        if !packages::npms().contains_key(n.as_str()) {
            sh.out(io, log)?;
            sh.err(io, format!("error An unexpected error occurred: \"https://registry.yarnpkg.com/{n}: Not found\".\n"))?;
            return Ok(1);
        }
    }
    let prod =
        has("--production") || has("--prod") || sh.ctx.get_var("NODE_ENV") == Some("production");
    let mut items: Vec<Item> = closure(&roots);
    if prod {
        items.retain(|i| !i.dev);
    }
    log.push_str("[2/4] Fetching packages...\n[3/4] Linking dependencies...\n[4/4] Building fresh packages...\n");
    let cache = cache_dir(sh);
    let nm = format!("{root}/node_modules");
    let Some(_) = write_items(sh, io, &items, &nm, global, &Cache::Yarn(cache))? else {
        return Ok(1);
    };
    let mtime = sh.ctx.mtime;
    if !names.is_empty() || global {
        let text = serde_json::to_string_pretty(&pj).unwrap_or_default() + "\n";
        let _ = packages::write_text(sh.ctx.fs, &pj_path, &text, mtime);
    }
    // yarn.lock: one entry per package, its dependencies' ranges.
    let mut lock = String::from(
        "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n",
    );
    for it in &items {
        let range = it
            .rec
            .map(|r| format!("^{}", r.version))
            .unwrap_or_else(|| "*".into());
        lock.push_str(&format!(
            "\n\"{}@{range}\":\n  version \"{}\"\n  resolved \"https://registry.yarnpkg.com/{}/-/{}-{}.tgz\"\n",
            it.name,
            it.version,
            it.name,
            it.name.rsplit('/').next().unwrap_or(&it.name),
            it.version
        ));
        if let Some(r) = it.rec.filter(|r| !r.dependencies.is_empty()) {
            lock.push_str("  dependencies:\n");
            for (d, v) in &r.dependencies {
                lock.push_str(&format!("    {d} \"{v}\"\n"));
            }
        }
    }
    if !has_lock || !names.is_empty() {
        let _ = packages::write_text(sh.ctx.fs, &lock_path, &lock, mtime);
        log.push_str("success Saved lockfile.\n");
    }
    if !items.is_empty() {
        let _ = packages::write_text(
            sh.ctx.fs,
            &format!("{nm}/.yarn-integrity"),
            "{\n  \"systemParams\": \"linux-x64-127\",\n  \"modulesFolders\": [\n    \"node_modules\"\n  ],\n  \"flags\": [],\n  \"linkedModules\": [],\n  \"topLevelPatterns\": [],\n  \"lockfileEntries\": {},\n  \"files\": [],\n  \"artifacts\": {}\n}",
            mtime,
        );
    }
    if !names.is_empty() {
        log.push_str(&format!(
            "success Saved {} new dependencies.\n",
            names.len()
        ));
    }
    log.push_str("Done in 2.41s.\n");
    if !has("--silent") && !has("-s") {
        sh.out(io, log)?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::run_in;
    use crate::vfs::Meta;

    #[test]
    fn install_lockfile_cache_and_clean() {
        let mut fs = super::super::testing::fs();
        fs.mkdir_all("/usr/local/bin", Meta::new(0o755)).unwrap();
        fs.mkdir_all("/app", Meta::new(0o755)).unwrap();
        fs.write_file("/usr/local/bin/yarn", &b"#!/bin/sh\n"[..], Meta::new(0o755))
            .unwrap();
        let r = run_in(&mut fs, "cd /app && yarn install --frozen-lockfile");
        assert_eq!(r.status, 1);
        let r = run_in(
            &mut fs,
            "cd /app && echo '{\"dependencies\":{\"express\":\"^5\"}}' > package.json && yarn install --production",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(r.out.starts_with(
            "yarn install v1.22.22\ninfo No lockfile found.\n[1/4] Resolving packages...\n"
        ));
        assert!(fs.exists("/app/node_modules/express/package.json"));
        assert!(fs.exists("/app/node_modules/.yarn-integrity"));
        let lock = String::from_utf8_lossy(&fs.read_file("/app/yarn.lock").unwrap()).into_owned();
        assert!(lock.contains("\"express@^"), "{lock}");
        assert!(fs.exists("/usr/local/share/.cache/yarn/v6"));
        let r = run_in(&mut fs, "yarn cache clean && yarn build");
        assert_eq!(r.status, 0);
        assert!(!fs.exists("/usr/local/share/.cache/yarn/v6"));
        assert_eq!(r.unsimulated, ["yarn"]);
    }
}
