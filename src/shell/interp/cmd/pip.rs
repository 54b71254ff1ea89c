//! `pip`/`pip3` and `python`/`python3 -m pip`: `install` (names,
//! `name==version`, `-r requirements.txt`, `--no-cache-dir`, `--upgrade`,
//! `--user`, `--break-system-packages`), `uninstall -y`, `freeze`, `list`,
//! `--version`, with pip 24's output and exit statuses.
//!
//! Where: the site-packages of the image's Python (the highest
//! /usr/local/lib/python3.X of the official python images; else
//! /usr/local/lib/python3.X/dist-packages next to a Debian /usr/lib/python3.X,
//! or /usr/lib/python3.X/site-packages on Alpine), `~/.local/…` with
//! `--user`. A system Python marked EXTERNALLY-MANAGED (Debian 12, Alpine
//! 3.19+) refuses as pip does (PEP 668) unless `--break-system-packages`
//! or `PIP_BREAK_SYSTEM_PACKAGES=1`.
//!
//! What a project installs: `<top-level>/…` and
//! `<name>-<version>.dist-info/` (METADATA, WHEEL, INSTALLER, RECORD,
//! top_level.txt), console scripts next to python; the wheels go to
//! ~/.cache/pip/http-v2 unless `--no-cache-dir` (or `PIP_NO_CACHE_DIR`).
//! Records come from [`crate::packages::wheels`]; a pinned version other
//! than the recorded one is installed with the recorded sizes. Local
//! paths, VCS URLs and `-e` are not simulated.

use super::super::{Flow, Io, R, Shell};
use crate::packages::{self, Content, PkgFile, Wheel, normalize};
use std::collections::BTreeSet;

/// Where pip installs: site-packages, the scripts directory, python's path.
struct Target {
    site: String,
    bin: String,
    python: String,
    /// The Python's X.Y.
    version: String,
    managed: bool,
}

fn python_dirs(sh: &Shell, base: &str) -> Vec<String> {
    let mut v: Vec<String> = sh
        .ctx
        .fs
        .read_dir(base)
        .map(|e| {
            e.into_iter()
                .map(|(n, _)| n)
                .filter(|n| {
                    n.strip_prefix("python3.")
                        .is_some_and(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort_by_key(|n| n[8..].parse::<u32>().unwrap_or(0));
    v
}

fn target(sh: &Shell, user: bool) -> Target {
    let local = python_dirs(sh, "/usr/local/lib");
    let system = python_dirs(sh, "/usr/lib");
    let alpine = sh.ctx.fs.exists("/etc/alpine-release");
    let (dir, site, bin, python, managed) = if let Some(d) = local.iter().rev().find(|d| {
        sh.ctx
            .fs
            .exists(&format!("/usr/local/lib/{d}/site-packages"))
    }) {
        (
            d.clone(),
            format!("/usr/local/lib/{d}/site-packages"),
            "/usr/local/bin".to_string(),
            "/usr/local/bin/python3".to_string(),
            false,
        )
    } else if let Some(d) = system.last() {
        let managed = sh
            .ctx
            .fs
            .exists(&format!("/usr/lib/{d}/EXTERNALLY-MANAGED"));
        let site = if alpine {
            format!("/usr/lib/{d}/site-packages")
        } else {
            format!("/usr/local/lib/{d}/dist-packages")
        };
        (
            d.clone(),
            site,
            "/usr/local/bin".to_string(),
            "/usr/bin/python3".to_string(),
            managed,
        )
    } else {
        (
            "python3.12".to_string(),
            "/usr/local/lib/python3.12/site-packages".to_string(),
            "/usr/local/bin".to_string(),
            "/usr/local/bin/python3".to_string(),
            false,
        )
    };
    let version = dir.trim_start_matches("python").to_string();
    if user {
        let home = sh.ctx.get_var("HOME").unwrap_or("/root").to_string();
        return Target {
            site: format!("{home}/.local/lib/{dir}/site-packages"),
            bin: format!("{home}/.local/bin"),
            python,
            version,
            managed,
        };
    }
    Target {
        site,
        bin,
        python,
        version,
        managed,
    }
}

pub fn pip(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    run(sh, io, &argv[1..])
}

/// `python3 -m pip …`; anything else python runs is not simulated.
pub fn python(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    match argv.get(1..3) {
        Some([m, p]) if m == "-m" && p == "pip" => run(sh, io, &argv[3..]),
        _ if argv.get(1).is_some_and(|a| a == "--version" || a == "-V") => {
            let t = target(sh, false);
            let v = match t.version.as_str() {
                "3.11" => "3.11.2",
                "3.12" => "3.12.8",
                "3.13" => "3.13.1",
                v => v,
            };
            sh.out(io, format!("Python {v}\n"))?;
            Ok(0)
        }
        _ => sh.not_simulated(&argv[0]),
    }
}

/// Whether `pip OP` is simulated (see [`super::simulates`]).
pub fn simulates(op: Option<&str>) -> bool {
    matches!(
        op,
        None | Some("install" | "uninstall" | "freeze" | "list" | "cache")
    )
}

fn run(sh: &mut Shell, io: &Io, args: &[String]) -> R {
    let op = args.iter().find(|a| !a.starts_with('-')).cloned();
    if args.first().is_some_and(|a| a == "--version" || a == "-V") {
        let t = target(sh, false);
        let v = installed_version(sh, &t.site, "pip").unwrap_or_else(|| "24.0".into());
        sh.out(
            io,
            format!("pip {v} from {}/pip (python {})\n", t.site, t.version),
        )?;
        return Ok(0);
    }
    match op.as_deref() {
        Some("install") => install(sh, io, args),
        Some("uninstall") => uninstall(sh, io, args),
        Some("freeze") | Some("list") => {
            let t = target(sh, false);
            let mut items = dist_infos(sh, &t.site);
            if op.as_deref() == Some("freeze") {
                items.retain(|(n, _)| !matches!(n.as_str(), "pip" | "setuptools" | "wheel"));
                let text: String = items.iter().map(|(n, v)| format!("{n}=={v}\n")).collect();
                sh.out(io, text)?;
            } else {
                let w = items.iter().map(|(n, _)| n.len()).max().unwrap_or(7).max(7);
                let vw = items.iter().map(|(_, v)| v.len()).max().unwrap_or(7).max(7);
                let mut text = format!(
                    "{:<w$} Version\n{} {}\n",
                    "Package",
                    "-".repeat(w),
                    "-".repeat(vw)
                );
                for (n, v) in items {
                    text.push_str(&format!("{n:<w$} {v}\n"));
                }
                sh.out(io, text)?;
            }
            Ok(0)
        }
        Some("cache") => {
            if args.iter().any(|a| a == "purge") {
                let home = sh.ctx.get_var("HOME").unwrap_or("/root").to_string();
                let _ = sh.ctx.fs.remove_all(&format!("{home}/.cache/pip"));
                sh.out(io, "Files removed: 0\n")?;
            }
            Ok(0)
        }
        None => {
            sh.out(io, "\nUsage:   \n  pip <command> [options]\n")?;
            Ok(0)
        }
        Some(c)
            if !simulates(Some(c))
                && matches!(
                    c,
                    "download"
                        | "wheel"
                        | "show"
                        | "check"
                        | "config"
                        | "index"
                        | "inspect"
                        | "hash"
                        | "debug"
                        | "search"
                ) =>
        {
            sh.not_simulated("pip")
        }
        Some(c) => {
            sh.err(io, format!("ERROR: unknown command \"{c}\"\n"))?;
            Ok(1)
        }
    }
}

/// `(name, version)` of each `*.dist-info` in `site`, by name.
fn dist_infos(sh: &Shell, site: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = sh
        .ctx
        .fs
        .read_dir(site)
        .map(|e| {
            e.into_iter()
                .filter_map(|(n, _)| {
                    let stem = n.strip_suffix(".dist-info")?;
                    let (name, ver) = stem.rsplit_once('-')?;
                    Some((name.replace('_', "-"), ver.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort_by_key(|(n, _)| n.to_lowercase());
    v
}

fn installed_version(sh: &Shell, site: &str, name: &str) -> Option<String> {
    let n = normalize(name);
    dist_infos(sh, site)
        .into_iter()
        .find(|(x, _)| normalize(x) == n)
        .map(|(_, v)| v)
}

/// Requirements: name and pinned version.
type Reqs = Vec<(String, Option<String>)>;

/// The requirements named by the arguments and `-r` files: (name, pin).
fn requirements(sh: &mut Shell, io: &Io, args: &[String]) -> Result<Result<Reqs, i32>, Flow> {
    let mut out = Vec::new();
    let mut i = 0;
    let push = |spec: &str, out: &mut Reqs| -> Option<()> {
        let spec = spec.split(';').next()?.trim();
        if spec.is_empty() {
            return Some(());
        }
        let end = spec
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(spec.len());
        let name = &spec[..end];
        if name.is_empty()
            || spec.contains("://")
            || spec.starts_with('.')
            || spec.ends_with(".whl")
            || spec.ends_with(".tar.gz")
        {
            return None;
        }
        let rest = spec[end..].trim();
        let rest = match rest.strip_prefix('[') {
            Some(r) => r.split_once(']').map(|(_, r)| r.trim()).unwrap_or(""),
            None => rest,
        };
        let pin = rest.strip_prefix("==").map(|v| v.trim().to_string());
        out.push((name.to_string(), pin));
        Some(())
    };
    let mut skip_op = true;
    while i < args.len() {
        let a = args[i].as_str();
        if skip_op && a == "install" {
            skip_op = false;
        } else if a == "-r" || a == "--requirement" || a == "-c" || a == "--constraint" {
            i += 1;
            let Some(f) = args.get(i) else {
                sh.err(io, format!("\nUsage:   \n  pip install [options] <requirement specifier> [package-index-options] ...\n\n{a} option requires 1 argument\n"))?;
                return Ok(Err(2));
            };
            if a == "-c" || a == "--constraint" {
                i += 1;
                continue;
            }
            let path = sh.ctx.abs(f);
            let text = match sh.ctx.fs.read_file(&path) {
                Ok(d) => String::from_utf8_lossy(&d).into_owned(),
                Err(_) => {
                    sh.err(io, format!("ERROR: Could not open requirements file: [Errno 2] No such file or directory: '{f}'\n"))?;
                    return Ok(Err(1));
                }
            };
            for line in text.lines() {
                let line = line.split(" #").next().unwrap_or("").trim();
                if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
                    continue;
                }
                if push(line, &mut out).is_none() {
                    return Ok(Err(-1));
                }
            }
        } else if a == "-e" || a == "--editable" {
            return Ok(Err(-1));
        } else if matches!(
            a,
            "-i" | "--index-url"
                | "--extra-index-url"
                | "-f"
                | "--find-links"
                | "--target"
                | "-t"
                | "--prefix"
                | "--root"
                | "--trusted-host"
                | "--platform"
                | "--python-version"
                | "--only-binary"
                | "--no-binary"
                | "--progress-bar"
                | "--cache-dir"
                | "--timeout"
                | "--retries"
        ) {
            i += 1;
        } else if a.starts_with('-') {
        } else if push(a, &mut out).is_none() {
            return Ok(Err(-1));
        }
        i += 1;
    }
    Ok(Ok(out))
}

fn install(sh: &mut Shell, io: &Io, args: &[String]) -> R {
    let has = |f: &str| args.iter().any(|a| a == f);
    let env_on = |sh: &Shell, k: &str| {
        sh.ctx
            .get_var(k)
            .is_some_and(|v| !v.is_empty() && !matches!(v, "0" | "false" | "off" | "no"))
    };
    let user = has("--user");
    let no_cache = has("--no-cache-dir") || env_on(sh, "PIP_NO_CACHE_DIR");
    let upgrade = has("-U") || has("--upgrade");
    let quiet = args
        .iter()
        .any(|a| a == "-q" || a == "--quiet" || a == "-qq");
    let breaks = has("--break-system-packages") || env_on(sh, "PIP_BREAK_SYSTEM_PACKAGES");
    let reqs = match requirements(sh, io, args)? {
        Ok(r) => r,
        Err(-1) => return sh.not_simulated("pip"),
        Err(s) => return Ok(s),
    };
    if args
        .iter()
        .any(|a| a == "--target" || a == "-t" || a == "--prefix" || a == "--root")
    {
        return sh.not_simulated("pip");
    }
    let t = target(sh, user);
    if t.managed && !breaks && sh.ctx.get_var("VIRTUAL_ENV").is_none() {
        sh.err(io, "error: externally-managed-environment\n\n× This environment is externally managed\n╰─> To install Python packages system-wide, try apt install\n    python3-xyz, where xyz is the package you are trying to\n    install.\n\nnote: If you believe this is a mistake, please contact your Python installation or OS distribution provider. You can override this, at the risk of breaking your Python installation or OS, by passing --break-system-packages.\nhint: See PEP 668 for the detailed specification.\n")?;
        return Ok(1);
    }
    if reqs.is_empty() {
        sh.err(
            io,
            "ERROR: You must give at least one requirement to install (see \"pip help install\")\n",
        )?;
        return Ok(1);
    }
    let catalog = packages::wheels();
    let site = t.site.clone();
    let mut r = Resolver {
        seen: BTreeSet::new(),
        order: Vec::new(),
        text: String::new(),
        installed: dist_infos(sh, &site),
        site,
    };
    for (name, pin) in &reqs {
        let Some(w) = catalog.get(&normalize(name)) else {
            let spec = match pin {
                Some(p) => format!("{name}=={p}"),
                None => name.clone(),
            };
            sh.out(io, r.text)?;
            sh.err(io, format!("ERROR: Could not find a version that satisfies the requirement {spec} (from versions: none)\nERROR: No matching distribution found for {spec}\n"))?;
            return Ok(1);
        };
        let version = pin.clone().unwrap_or_else(|| w.version.to_string());
        r.visit(w, version, None, upgrade);
    }
    let mut text = std::mem::take(&mut r.text);
    let installed = |n: &str| r.installed_version(n);
    let order = r.order.clone();
    let mtime = sh.ctx.mtime;
    let home = sh.ctx.get_var("HOME").unwrap_or("/root").to_string();
    if !order.is_empty() {
        let names: Vec<&str> = order.iter().map(|(w, _)| w.name).collect();
        text.push_str(&format!(
            "Installing collected packages: {}\n",
            names.join(", ")
        ));
    }
    for (w, version) in &order {
        if let Some(old) = installed(w.name) {
            remove_dist(sh, &t, w.name, &old);
            text.push_str(&format!("  Attempting uninstall: {}\n    Found existing installation: {} {old}\n    Uninstalling {}-{old}:\n      Successfully uninstalled {}-{old}\n", w.name, w.name, w.name, w.name));
        }
        let files = wheel_files(w, version, &t);
        if let Err(e) = packages::write_files(
            sh.ctx.fs,
            &files,
            &format!("pypi:{}:{version}", w.name),
            mtime,
        ) {
            sh.out(io, text)?;
            sh.err(
                io,
                format!(
                    "ERROR: Could not install packages due to an OSError: [Errno 2] {}\n",
                    super::why(&e)
                ),
            )?;
            return Ok(1);
        }
        if !no_cache {
            let mut f = crate::vfs::Filler::new(&format!("pip-cache:{}", wheel_file(w, version)));
            let h = format!("{:016x}{:016x}", f.next_u64(), f.next_u64());
            let path = format!(
                "{home}/.cache/pip/http-v2/{}/{}/{}/{}/{}/{}",
                &h[0..1],
                &h[1..2],
                &h[2..3],
                &h[3..4],
                &h[4..5],
                &h[5..]
            );
            let _ = packages::write_one(
                sh.ctx.fs,
                &PkgFile {
                    path: format!("{path}.body"),
                    mode: 0o600,
                    content: Content::Generated(w.wheel),
                },
                "pip-cache",
                mtime,
            );
            let _ = packages::write_one(
                sh.ctx.fs,
                &PkgFile {
                    path,
                    mode: 0o600,
                    content: Content::Text(format!("cc=4,{}\n", wheel_file(w, version))),
                },
                "pip-cache",
                mtime,
            );
        }
    }
    if !order.is_empty() {
        let done: Vec<String> = order
            .iter()
            .map(|(w, v)| format!("{}-{v}", w.name))
            .collect();
        text.push_str(&format!("Successfully installed {}\n", done.join(" ")));
    }
    if !quiet {
        sh.out(io, text)?;
    }
    if sh.ctx.uid == 0
        && !user
        && !order.is_empty()
        && sh.ctx.get_var("PIP_ROOT_USER_ACTION") != Some("ignore")
        && !has("--root-user-action=ignore")
    {
        sh.err(io, "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager, possibly rendering your system unusable. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing and want to suppress this warning.\n")?;
    }
    Ok(0)
}

/// The resolution: what to install, requirements first, and pip's lines.
struct Resolver {
    seen: BTreeSet<String>,
    order: Vec<(&'static Wheel, String)>,
    text: String,
    installed: Vec<(String, String)>,
    site: String,
}

impl Resolver {
    fn installed_version(&self, n: &str) -> Option<String> {
        let n = normalize(n);
        self.installed
            .iter()
            .find(|(x, _)| normalize(x) == n)
            .map(|(_, v)| v.clone())
    }

    fn visit(&mut self, w: &'static Wheel, version: String, from: Option<&str>, upgrade: bool) {
        let key = normalize(w.name);
        if !self.seen.insert(key.clone()) {
            return;
        }
        if let Some(v) = self.installed_version(w.name)
            && (!upgrade || v == version)
        {
            self.text.push_str(&format!(
                "Requirement already satisfied: {key} in {} ({v})\n",
                self.site
            ));
            return;
        }
        match from {
            Some(f) => self
                .text
                .push_str(&format!("Collecting {} (from {f})\n", w.name)),
            None => self.text.push_str(&format!("Collecting {}\n", w.name)),
        }
        let file = wheel_file(w, &version);
        self.text
            .push_str(&format!("  Downloading {file} ({})\n", pip_size(w.wheel)));
        for r in &w.requires {
            if let Some(x) = packages::wheels().get(*r) {
                self.visit(x, x.version.to_string(), Some(w.name), false);
            }
        }
        self.order.push((w, version));
    }
}

/// pip's sizes: `64 kB`, `16.5 MB`.
fn pip_size(n: u64) -> String {
    if n < 1_000_000 {
        format!("{} kB", n.div_ceil(1000))
    } else {
        format!("{:.1} MB", n as f64 / 1e6)
    }
}

/// The dist-info's name: the normalised name with `_` (PEP 427).
fn dist_name(w: &Wheel) -> String {
    normalize(w.name).replace('-', "_")
}

fn wheel_file(w: &Wheel, version: &str) -> String {
    let tag = if w.top_level.iter().any(|t| t.ends_with(".libs")) || w.installed > w.wheel * 3 {
        "cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64"
    } else {
        "py3-none-any"
    };
    format!("{}-{version}-{tag}.whl", dist_name(w))
}

/// What a wheel installs: its top-level packages (about the recorded
/// installed size), the dist-info, console scripts.
fn wheel_files(w: &Wheel, version: &str, t: &Target) -> Vec<PkgFile> {
    let mut out = Vec::new();
    let info = format!("{}/{}-{version}.dist-info", t.site, dist_name(w));
    let mut meta = format!(
        "Metadata-Version: 2.1\nName: {}\nVersion: {version}\n",
        w.name
    );
    for r in &w.requires {
        meta.push_str(&format!("Requires-Dist: {r}\n"));
    }
    let tops: Vec<&str> = if w.top_level.is_empty() {
        vec![w.name]
    } else {
        w.top_level.clone()
    };
    let body = w.installed.saturating_sub(meta.len() as u64 + 2048);
    let each = body / tops.len() as u64;
    for top in &tops {
        let top = top.replace('-', "_");
        if top.ends_with(".py") || top.ends_with(".pth") {
            out.push(PkgFile {
                path: format!("{}/{top}", t.site),
                mode: 0o644,
                content: Content::Generated(each),
            });
        } else {
            out.push(PkgFile {
                path: format!("{}/{top}/__init__.py", t.site),
                mode: 0o644,
                content: Content::Text(format!("# {} {version}\n", w.name)),
            });
            out.push(PkgFile {
                path: format!("{}/{top}/_core.so", t.site),
                mode: 0o644,
                content: Content::Generated(each),
            });
        }
    }
    for s in &w.scripts {
        let module = tops
            .first()
            .map(|t| t.trim_end_matches(".py"))
            .unwrap_or(w.name);
        out.push(PkgFile {
            path: format!("{}/{s}", t.bin),
            mode: 0o755,
            content: Content::Text(format!("#!{}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom {module} import main\nif __name__ == \"__main__\":\n    sys.argv[0] = re.sub(r\"(-script\\.pyw|\\.exe)?$\", \"\", sys.argv[0])\n    sys.exit(main())\n", t.python)),
        });
    }
    let mut record = String::new();
    for f in &out {
        let rel = f
            .path
            .strip_prefix(&format!("{}/", t.site))
            .map(str::to_string)
            .unwrap_or_else(|| format!("../../../bin/{}", f.path.rsplit('/').next().unwrap_or("")));
        record.push_str(&format!("{rel},,{}\n", f.size()));
    }
    let info_rel = format!("{}-{version}.dist-info", dist_name(w));
    for f in ["METADATA", "WHEEL", "INSTALLER", "top_level.txt"] {
        record.push_str(&format!("{info_rel}/{f},,\n"));
    }
    record.push_str(&format!("{info_rel}/RECORD,,\n"));
    out.push(PkgFile {
        path: format!("{info}/METADATA"),
        mode: 0o644,
        content: Content::Text(meta),
    });
    out.push(PkgFile { path: format!("{info}/WHEEL"), mode: 0o644, content: Content::Text("Wheel-Version: 1.0\nGenerator: bdist_wheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n".into()) });
    out.push(PkgFile {
        path: format!("{info}/INSTALLER"),
        mode: 0o644,
        content: Content::Text("pip\n".into()),
    });
    out.push(PkgFile {
        path: format!("{info}/top_level.txt"),
        mode: 0o644,
        content: Content::Text(
            tops.iter()
                .map(|t| format!("{}\n", t.trim_end_matches(".py")))
                .collect(),
        ),
    });
    out.push(PkgFile {
        path: format!("{info}/RECORD"),
        mode: 0o644,
        content: Content::Text(record),
    });
    out
}

/// Removes what a dist-info's RECORD lists, and the dist-info.
fn remove_dist(sh: &mut Shell, t: &Target, name: &str, version: &str) {
    let info = format!(
        "{}/{}-{version}.dist-info",
        t.site,
        normalize(name).replace('-', "_")
    );
    let record = sh
        .ctx
        .fs
        .read_file(&format!("{info}/RECORD"))
        .map(|d| String::from_utf8_lossy(&d).into_owned())
        .unwrap_or_default();
    let mut dirs = BTreeSet::new();
    for line in record.lines() {
        let rel = line.split(',').next().unwrap_or("");
        if rel.is_empty() {
            continue;
        }
        let path = crate::vfs::clean(&format!("{}/{rel}", t.site));
        let _ = sh.ctx.fs.remove(&path);
        if let Some((d, _)) = path.rsplit_once('/')
            && d.starts_with(&t.site)
            && d != t.site
        {
            dirs.insert(d.to_string());
        }
    }
    for d in dirs.iter().rev() {
        let _ = sh.ctx.fs.remove_all(d);
    }
    let _ = sh.ctx.fs.remove_all(&info);
}

fn uninstall(sh: &mut Shell, io: &Io, args: &[String]) -> R {
    let yes = args.iter().any(|a| a == "-y" || a == "--yes");
    let names: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') && *a != "uninstall")
        .collect();
    if names.is_empty() {
        sh.err(io, "ERROR: You must give at least one requirement to uninstall (see \"pip help uninstall\")\n")?;
        return Ok(1);
    }
    let t = target(sh, false);
    for n in names {
        let Some(v) = installed_version(sh, &t.site, n) else {
            sh.err(
                io,
                format!("WARNING: Skipping {n} as it is not installed.\n"),
            )?;
            continue;
        };
        sh.out(
            io,
            format!("Found existing installation: {n} {v}\nUninstalling {n}-{v}:\n"),
        )?;
        if !yes {
            sh.out(io, "Proceed (Y/n)? ")?;
            sh.err(io, "ERROR: Exception:\nEOFError: EOF when reading a line\n")?;
            return Ok(2);
        }
        remove_dist(sh, &t, n, &v);
        sh.out(io, format!("  Successfully uninstalled {n}-{v}\n"))?;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::run_in;
    use crate::vfs::{Fs, Meta};

    /// A python:3.12-like tree.
    fn python() -> Fs {
        let mut fs = super::super::testing::fs();
        for d in [
            "/usr/local/bin",
            "/usr/local/lib/python3.12/site-packages/pip-24.2.dist-info",
        ] {
            fs.mkdir_all(d, Meta::new(0o755)).unwrap();
        }
        for p in ["/usr/local/bin/python3", "/usr/local/bin/pip"] {
            fs.write_file(p, &b"\x7fELF"[..], Meta::new(0o755)).unwrap();
        }
        fs
    }

    fn du(fs: &Fs, dir: &str) -> u64 {
        fs.walk(dir)
            .map(|v| v.iter().map(|(_, n)| n.size()).sum())
            .unwrap_or(0)
    }

    #[test]
    fn install_closure_cache_and_uninstall() {
        let mut fs = python();
        let r = run_in(&mut fs, "pip install requests");
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(
            r.out
                .starts_with("Collecting requests\n  Downloading requests-"),
            "{}",
            r.out
        );
        assert!(r.out.contains("Collecting idna (from requests)"));
        assert!(r.out.contains("Successfully installed "));
        assert!(r.err.starts_with("WARNING: Running pip as the 'root' user"));
        let site = "/usr/local/lib/python3.12/site-packages";
        let req = &crate::packages::wheels()["requests"];
        let info = format!("{site}/requests-{}.dist-info", req.version);
        assert_eq!(
            &fs.read_file(&format!("{info}/INSTALLER")).unwrap()[..],
            b"pip\n"
        );
        assert!(fs.exists(&format!("{site}/urllib3/__init__.py")));
        let size = du(&fs, &format!("{site}/requests"));
        assert!(
            size <= req.installed && size * 10 > req.installed * 8,
            "{size}"
        );
        assert!(du(&fs, "/root/.cache/pip") > req.wheel);
        let r = run_in(
            &mut fs,
            "pip freeze | grep -i ^requests; pip uninstall -y requests && ls /usr/local/lib/python3.12/site-packages | grep -c ^requests",
        );
        assert_eq!(
            r.out.lines().next().unwrap(),
            format!("requests=={}", req.version)
        );
        assert!(r.out.ends_with("0\n"), "{}", r.out);
    }

    #[test]
    fn no_cache_requirements_pins_and_errors() {
        let mut fs = python();
        let r = run_in(
            &mut fs,
            "printf 'flask==3.0.0\\n# c\\nsix\\n' > /tmp/r.txt && python3 -m pip install --no-cache-dir -r /tmp/r.txt",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(fs.exists("/usr/local/lib/python3.12/site-packages/flask-3.0.0.dist-info/RECORD"));
        assert!(fs.exists("/usr/local/bin/flask"));
        assert!(!fs.exists("/root/.cache/pip"));
        let r = run_in(&mut fs, "pip install no-such-thing-here");
        assert_eq!(r.status, 1);
        assert_eq!(
            r.err,
            "ERROR: Could not find a version that satisfies the requirement no-such-thing-here (from versions: none)\nERROR: No matching distribution found for no-such-thing-here\n"
        );
        let r = run_in(&mut fs, "pip install -r /nope.txt");
        assert_eq!(r.status, 1);
        let r = run_in(&mut fs, "pip install -e . && pip install ./dist/x.whl");
        assert_eq!(r.unsimulated, ["pip", "pip"]);
    }

    #[test]
    fn externally_managed_and_missing_pip() {
        let mut fs = super::super::testing::fs();
        fs.mkdir_all("/usr/lib/python3.11", Meta::new(0o755))
            .unwrap();
        fs.write_file(
            "/usr/lib/python3.11/EXTERNALLY-MANAGED",
            &b"[externally-managed]\n"[..],
            Meta::new(0o644),
        )
        .unwrap();
        let r = run_in(&mut fs, "pip install requests");
        assert_eq!(r.status, 127, "no pip on PATH: {}", r.err);
        fs.write_file("/usr/bin/pip", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        let r = run_in(&mut fs, "pip install requests");
        assert_eq!(r.status, 1);
        assert!(r.err.starts_with("error: externally-managed-environment\n"));
        let r = run_in(&mut fs, "pip install --break-system-packages six");
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(fs.exists("/usr/local/lib/python3.11/dist-packages/six.py"));
    }
}
