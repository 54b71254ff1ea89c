//! `apt-get` and `apt` on Debian/Ubuntu trees: `update`, `install`,
//! `remove`/`purge`, `autoremove`, `clean`/`autoclean`,
//! `upgrade`/`dist-upgrade`/`full-upgrade`, with apt 2.6's output (no
//! terminal: no progress bars, no "Done") and exit statuses (100 for
//! errors, 1 for the prompt a build cannot answer).
//!
//! What they change is what real apt changes, so the layers weigh what
//! they would: `update` writes the release's indexes to /var/lib/apt/lists
//! (about 20 MB for bookworm as Docker's images store them, lz4 with
//! /etc/apt/apt.conf.d/docker-gzip-indexes; 50 MB without); `install`
//! writes the packages' files, /var/lib/dpkg/status and info/*.list and
//! *.md5sums, /var/lib/apt/extended_states, and the .debs in
//! /var/cache/apt/archives unless /etc/apt/apt.conf.d/docker-clean is
//! there (Docker's images have it: it deletes them after dpkg runs).
//!
//! Packages come from [`crate::packages::debs`] (bookworm): other releases
//! (ubuntu jammy/noble, debian stretch) are given bookworm's packages, and
//! their index names. A dependency outside the catalog is taken as
//! satisfied. See docs/packages.md.

use super::super::{Flow, Io, R, Shell};
use super::dpkg::{self, Stanza};
use crate::packages::{self, Deb, apt_size};
use std::collections::{BTreeMap, BTreeSet};

const LISTS: &str = "/var/lib/apt/lists";
const ARCHIVES: &str = "/var/cache/apt/archives";
const EXTENDED: &str = "/var/lib/apt/extended_states";

/// The release the image is: (id, codename) from /etc/os-release.
pub fn release(sh: &Shell) -> (String, String) {
    let text = sh
        .ctx
        .fs
        .read_file("/etc/os-release")
        .map(|d| String::from_utf8_lossy(&d).into_owned())
        .unwrap_or_default();
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .map(|v| v.trim_matches('"').to_string())
    };
    let id = field("ID").unwrap_or_else(|| "debian".into());
    let codename = field("VERSION_CODENAME").unwrap_or_else(|| {
        if id == "ubuntu" {
            "noble".into()
        } else {
            "bookworm".into()
        }
    });
    (id, codename)
}

/// One index file `apt-get update` writes: its name under lists/, the size
/// kept, the size fetched, and the `Get:` line's source.
struct Index {
    file: String,
    size: u64,
    fetched: u64,
    what: String,
}

/// The indexes of the release's default sources. Sizes are bookworm's
/// (measured on 2026-12-03); Ubuntu's are estimates from its archive.
fn indexes(id: &str, codename: &str, lz4: bool) -> Vec<Index> {
    let ext = if lz4 { ".lz4" } else { "" };
    let mut out = Vec::new();
    let mut add =
        |host: &str, path: &str, suite: &str, comp: Option<&str>, sizes: (u64, u64, u64)| {
            let base = format!("{}_{}_dists_{suite}", host, path.replace('/', "_"));
            let url = format!("http://{host}/{path}");
            out.push(Index {
                file: format!("{base}_InRelease"),
                size: sizes.0,
                fetched: sizes.0,
                what: format!("{url} {suite} InRelease"),
            });
            if let Some(comp) = comp {
                for c in comp.split(',') {
                    let (kept, plain) = (sizes.1, sizes.2);
                    out.push(Index {
                        file: format!("{base}_{c}_binary-amd64_Packages{ext}"),
                        size: if lz4 { kept } else { plain },
                        fetched: plain / 5,
                        what: format!("{url} {suite}/{c} amd64 Packages"),
                    });
                }
            }
        };
    if id == "ubuntu" {
        let a = "archive.ubuntu.com";
        add(
            a,
            "ubuntu",
            codename,
            Some("main,restricted,universe,multiverse"),
            (256_000, 4_800_000, 12_000_000),
        );
        add(
            a,
            "ubuntu",
            &format!("{codename}-updates"),
            Some("main,universe"),
            (126_000, 2_100_000, 5_300_000),
        );
        add(
            a,
            "ubuntu",
            &format!("{codename}-backports"),
            Some("universe"),
            (126_000, 30_000, 80_000),
        );
        add(
            "security.ubuntu.com",
            "ubuntu",
            &format!("{codename}-security"),
            Some("main,universe"),
            (126_000, 1_400_000, 3_600_000),
        );
    } else {
        let d = "deb.debian.org";
        add(
            d,
            "debian",
            codename,
            Some("main"),
            (151_075, 18_840_233, 50_060_337),
        );
        add(
            d,
            "debian",
            &format!("{codename}-updates"),
            Some("main"),
            (55_403, 11_648, 32_757),
        );
        add(
            d,
            "debian-security",
            &format!("{codename}-security"),
            Some("main"),
            (34_770, 779_572, 2_576_677),
        );
    }
    out
}

/// Options common to the subcommands.
#[derive(Default)]
struct Opts {
    yes: bool,
    quiet: u8,
    recommends: bool,
    purge: bool,
    fix: bool,
    simulate: bool,
    autoremove: bool,
    op: Option<String>,
    names: Vec<String>,
}

fn parse(argv: &[String]) -> Opts {
    let mut o = Opts {
        recommends: true,
        ..Opts::default()
    };
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        match a {
            "-y" | "--yes" | "--assume-yes" | "--force-yes" => o.yes = true,
            "-q" | "--quiet" => o.quiet = o.quiet.max(1),
            "-qq" | "-q=2" | "--quiet=2" => o.quiet = 2,
            "--no-install-recommends" => o.recommends = false,
            "--install-recommends" => o.recommends = true,
            "--purge" => o.purge = true,
            "-f" | "--fix-broken" => o.fix = true,
            "-s" | "--simulate" | "--dry-run" | "--just-print" | "--no-act" => o.simulate = true,
            "--auto-remove" | "--autoremove" => o.autoremove = true,
            "-o" | "-t" | "-c" | "--target-release" | "--option" => i += 1,
            _ if a.starts_with("--") => {}
            _ if a.starts_with('-') && a.len() > 1 => {
                for c in a[1..].chars() {
                    match c {
                        'y' => o.yes = true,
                        'q' => o.quiet = o.quiet.saturating_add(1),
                        'f' => o.fix = true,
                        's' => o.simulate = true,
                        _ => {}
                    }
                }
            }
            _ if o.op.is_none() => o.op = Some(a.to_string()),
            _ => o.names.push(a.to_string()),
        }
        i += 1;
    }
    o
}

/// Whether `apt-get`/`apt OP` is simulated (see [`super::simulates`]).
pub fn simulates(op: Option<&str>) -> bool {
    !matches!(
        op,
        Some(
            "list"
                | "search"
                | "show"
                | "edit-sources"
                | "policy"
                | "source"
                | "build-dep"
                | "download"
                | "changelog"
                | "satisfy"
        )
    )
}

pub fn apt_get(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    run(sh, io, argv, "apt-get")
}

pub fn apt(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let o = parse(argv);
    if matches!(
        o.op.as_deref(),
        Some("list" | "search" | "show" | "edit-sources" | "policy")
    ) {
        return sh.not_simulated("apt");
    }
    sh.err(
        io,
        "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n",
    )?;
    run(sh, io, argv, "apt")
}

/// Standard output unless `-qq`.
fn say(sh: &mut Shell, io: &Io, o: &Opts, s: impl AsRef<str>) -> Result<(), Flow> {
    if o.quiet < 2 {
        sh.out(io, s.as_ref())?;
    }
    Ok(())
}

fn run(sh: &mut Shell, io: &Io, argv: &[String], tool: &str) -> R {
    let o = parse(argv);
    if sh.ctx.uid != 0 && o.op.as_deref().is_some_and(|op| op != "moo") {
        sh.err(io, "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n")?;
        return Ok(100);
    }
    match o.op.as_deref() {
        None => {
            sh.out(
                io,
                format!("apt 2.6.1 (amd64)\nUsage: {tool} [options] command\n"),
            )?;
            Ok(1)
        }
        Some("update") => update(sh, io, &o),
        Some("install" | "reinstall") => install(sh, io, &o),
        Some("remove" | "purge" | "autoremove" | "autopurge") => remove(sh, io, &o),
        Some("clean" | "autoclean" | "auto-clean") => {
            clean(sh);
            Ok(0)
        }
        Some("distclean" | "dist-clean") => {
            // apt 2.7+ (trixie, noble): the lists go too.
            clean(sh);
            if let Ok(entries) = sh.ctx.fs.read_dir(LISTS) {
                for (name, node) in entries {
                    if name != "lock" && node.kind() == crate::vfs::Kind::File {
                        let _ = sh.ctx.fs.remove(&format!("{LISTS}/{name}"));
                    }
                }
            }
            Ok(0)
        }
        Some("upgrade" | "dist-upgrade" | "full-upgrade") => {
            if !has_lists(sh) {
                say(
                    sh,
                    io,
                    &o,
                    "Reading package lists...\nBuilding dependency tree...\nReading state information...\nCalculating upgrade...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n",
                )?;
                return Ok(0);
            }
            say(
                sh,
                io,
                &o,
                "Reading package lists...\nBuilding dependency tree...\nReading state information...\nCalculating upgrade...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n",
            )?;
            Ok(0)
        }
        Some("check") => {
            say(
                sh,
                io,
                &o,
                "Reading package lists...\nBuilding dependency tree...\nReading state information...\n",
            )?;
            Ok(0)
        }
        Some(
            "source" | "build-dep" | "download" | "changelog" | "satisfy" | "list" | "show"
            | "search" | "policy",
        ) => sh.not_simulated(tool),
        Some(op) => {
            sh.err(io, format!("E: Invalid operation {op}\n"))?;
            Ok(100)
        }
    }
}

fn has_lists(sh: &Shell) -> bool {
    sh.ctx
        .fs
        .read_dir(LISTS)
        .is_ok_and(|e| e.iter().any(|(n, _)| n.contains("_Packages")))
}

fn update(sh: &mut Shell, io: &Io, o: &Opts) -> R {
    let (id, codename) = release(sh);
    let lz4 = sh.ctx.fs.exists("/etc/apt/apt.conf.d/docker-gzip-indexes");
    let mtime = sh.ctx.mtime;
    let mut fetched = 0;
    let mut log = String::new();
    for (i, ix) in indexes(&id, &codename, lz4).iter().enumerate() {
        let path = format!("{LISTS}/{}", ix.file);
        let file = packages::PkgFile {
            path,
            mode: 0o644,
            content: packages::Content::Generated(ix.size),
        };
        if let Err(e) = packages::write_one(sh.ctx.fs, &file, "apt-lists", mtime) {
            sh.err(
                io,
                format!("E: Could not open file {}: {}\n", file.path, super::why(&e)),
            )?;
            return Ok(100);
        }
        fetched += ix.fetched;
        log.push_str(&format!(
            "Get:{} {} [{}]\n",
            i + 1,
            ix.what,
            apt_size(ix.fetched)
        ));
    }
    for (d, mode) in [(LISTS, 0o755), (&format!("{LISTS}/partial") as &str, 0o700)] {
        if !sh.ctx.fs.exists(d) {
            let meta = crate::vfs::Meta {
                mode,
                uid: 0,
                gid: 0,
                mtime,
            };
            let _ = sh.ctx.fs.mkdir_all(d, meta);
        }
    }
    if !sh.ctx.fs.exists(&format!("{LISTS}/lock")) {
        let _ = packages::write_text(sh.ctx.fs, &format!("{LISTS}/lock"), "", mtime);
    }
    log.push_str(&format!(
        "Fetched {} in 2s ({}/s)\nReading package lists...\n",
        apt_size(fetched),
        apt_size(fetched / 2)
    ));
    say(sh, io, o, log)?;
    Ok(0)
}

fn clean(sh: &mut Shell) {
    for dir in [ARCHIVES, &format!("{ARCHIVES}/partial") as &str] {
        let Ok(entries) = sh.ctx.fs.read_dir(dir) else {
            continue;
        };
        for (name, node) in entries {
            if name != "lock" && node.kind() == crate::vfs::Kind::File {
                let _ = sh.ctx.fs.remove(&format!("{dir}/{name}"));
            }
        }
    }
    for f in ["pkgcache.bin", "srcpkgcache.bin"] {
        let _ = sh.ctx.fs.remove(&format!("/var/cache/apt/{f}"));
    }
}

/// `name`, `name=version`, `name:amd64`.
fn split_name(n: &str) -> (String, Option<String>) {
    let (name, ver) = match n.split_once('=') {
        Some((a, b)) => (a, Some(b.to_string())),
        None => (n, None),
    };
    let name = name.split(':').next().unwrap_or(name);
    (name.to_string(), ver)
}

/// A package list as apt prints it: two spaces in, wrapped at 80 columns.
fn columns(names: &[&str]) -> String {
    let mut out = String::new();
    let mut line = String::from(" ");
    for n in names {
        if line.len() + 1 + n.len() > 79 && line.len() > 1 {
            out.push_str(&line);
            out.push('\n');
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(n);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The .deb's file name (an epoch's `:` as `%3a`).
fn deb_name(d: &Deb) -> String {
    format!(
        "{}_{}_{}.deb",
        d.name,
        d.version.replace(':', "%3a"),
        d.arch
    )
}

fn install(sh: &mut Shell, io: &Io, o: &Opts) -> R {
    say(
        sh,
        io,
        o,
        "Reading package lists...\nBuilding dependency tree...\nReading state information...\n",
    )?;
    let lists = has_lists(sh);
    let catalog = packages::debs();
    let mut db = dpkg::read(sh.ctx.fs);
    let installed: BTreeMap<String, String> = db
        .iter()
        .filter(|s| s.installed())
        .map(|s| {
            (
                s.name().to_string(),
                s.get("Version").unwrap_or("").to_string(),
            )
        })
        .collect();
    let mut wanted: Vec<&'static Deb> = Vec::new();
    let mut errors = String::new();
    let mut notes = String::new();
    for n in &o.names {
        let (name, ver) = split_name(n);
        if let Some(v) = installed.get(&name)
            && ver.as_ref().is_none_or(|w| w == v)
        {
            notes.push_str(&format!("{name} is already the newest version ({v}).\n"));
            continue;
        }
        let virtual_of = packages::deb_virtual(&name).filter(|_| lists);
        let Some(d) = catalog
            .get(name.as_str())
            .or_else(|| catalog.get(virtual_of?))
            .filter(|_| lists)
        else {
            errors.push_str(&format!("E: Unable to locate package {name}\n"));
            continue;
        };
        if d.name != name {
            notes.push_str(&format!(
                "Note, selecting '{}' instead of '{name}'\n",
                d.name
            ));
        }
        if let Some(v) = ver
            && v != d.version
        {
            errors.push_str(&format!("E: Version '{v}' for '{name}' was not found\n"));
            continue;
        }
        if !wanted.iter().any(|w| w.name == d.name) {
            wanted.push(d);
        }
    }
    if !errors.is_empty() {
        sh.err(io, errors)?;
        return Ok(100);
    }
    say(sh, io, o, &notes)?;
    // The closure, dependencies first (the order dpkg configures in).
    let mut order: Vec<&'static Deb> = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut suggested: BTreeSet<&str> = BTreeSet::new();
    fn visit(
        d: &'static Deb,
        recommends: bool,
        installed: &BTreeMap<String, String>,
        seen: &mut BTreeSet<&'static str>,
        order: &mut Vec<&'static Deb>,
        skipped: &mut BTreeSet<&'static str>,
    ) {
        if !seen.insert(d.name) {
            return;
        }
        let catalog = packages::debs();
        for dep in &d.depends {
            if let Some(x) = catalog.get(dep)
                && !installed.contains_key(*dep)
            {
                visit(x, recommends, installed, seen, order, skipped);
            }
        }
        for r in &d.recommends {
            if let Some(x) = catalog.get(r)
                && !installed.contains_key(*r)
            {
                if recommends {
                    visit(x, recommends, installed, seen, order, skipped);
                } else {
                    skipped.insert(x.name);
                }
            }
        }
        order.push(d);
    }
    for d in &wanted {
        visit(
            d,
            o.recommends,
            &installed,
            &mut seen,
            &mut order,
            &mut suggested,
        );
    }
    let names: BTreeSet<&str> = order.iter().map(|d| d.name).collect();
    let extra: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !wanted.iter().any(|w| w.name == *n))
        .collect();
    let recommended: Vec<&str> = suggested
        .iter()
        .copied()
        .filter(|n| !names.contains(n))
        .collect();
    let mut text = String::new();
    if !extra.is_empty() {
        text.push_str("The following additional packages will be installed:\n");
        text.push_str(&columns(&extra));
    }
    if !recommended.is_empty() {
        text.push_str("Recommended packages:\n");
        text.push_str(&columns(&recommended));
    }
    if !names.is_empty() {
        text.push_str("The following NEW packages will be installed:\n");
        text.push_str(&columns(&names.iter().copied().collect::<Vec<_>>()));
    }
    text.push_str(&format!(
        "0 upgraded, {} newly installed, 0 to remove and 0 not upgraded.\n",
        names.len()
    ));
    if order.is_empty() {
        say(sh, io, o, text)?;
        return Ok(0);
    }
    let download: u64 = order.iter().map(|d| d.size).sum();
    let disk: u64 = order.iter().map(|d| d.installed_kb * 1024).sum();
    text.push_str(&format!(
        "Need to get {} of archives.\nAfter this operation, {} of additional disk space will be used.\n",
        apt_size(download),
        apt_size(disk)
    ));
    if !extra.is_empty() && !o.yes && !o.simulate {
        text.push_str("Do you want to continue? [Y/n] Abort.\n");
        say(sh, io, o, text)?;
        return Ok(1);
    }
    if o.simulate {
        for d in &order {
            text.push_str(&format!(
                "Inst {} ({} Debian:12/stable [{}])\n",
                d.name, d.version, d.arch
            ));
        }
        say(sh, io, o, text)?;
        return Ok(0);
    }
    let (id, codename) = release(sh);
    let mirror = if id == "ubuntu" {
        "http://archive.ubuntu.com/ubuntu"
    } else {
        "http://deb.debian.org/debian"
    };
    let mut sorted = order.clone();
    sorted.sort_by_key(|d| d.name);
    for (i, d) in sorted.iter().enumerate() {
        text.push_str(&format!(
            "Get:{} {mirror} {codename}/main amd64 {} {} {} [{}]\n",
            i + 1,
            d.name,
            d.arch,
            d.version,
            apt_size(d.size)
        ));
    }
    say(sh, io, o, text)?;
    if !installed.contains_key("apt-utils") {
        sh.err(
            io,
            "debconf: delaying package configuration, since apt-utils is not installed\n",
        )?;
    }
    let mut log = format!(
        "Fetched {} in 1s ({}/s)\n",
        apt_size(download),
        apt_size(download)
    );
    let count = files_in_db(sh);
    let mtime = sh.ctx.mtime;
    let keep_debs = !sh.ctx.fs.exists("/etc/apt/apt.conf.d/docker-clean");
    let many = order.len() > 1;
    for (i, d) in order.iter().enumerate() {
        if i == 0 {
            log.push_str(&format!(
                "Selecting previously unselected package {}.\n(Reading database ... {count} files and directories currently installed.)\n",
                d.name
            ));
        } else {
            log.push_str(&format!(
                "Selecting previously unselected package {}.\n",
                d.name
            ));
        }
        let deb = deb_name(d);
        let shown = if many {
            format!("{i:02}-{deb}")
        } else {
            deb.clone()
        };
        log.push_str(&format!(
            "Preparing to unpack .../{shown} ...\nUnpacking {} ({}) ...\n",
            d.name, d.version
        ));
        if let Err(e) = unpack(sh, d, mtime) {
            sh.out(io, log)?;
            sh.err(io, format!("dpkg: error processing archive /var/cache/apt/archives/{deb} (--unpack):\n {}\nE: Sub-process /usr/bin/dpkg returned an error code (1)\n", super::why(&e)))?;
            return Ok(100);
        }
        if keep_debs {
            let f = packages::PkgFile {
                path: format!("{ARCHIVES}/{deb}"),
                mode: 0o644,
                content: packages::Content::Generated(d.size),
            };
            let _ = packages::write_one(sh.ctx.fs, &f, "deb-archive", mtime);
        }
        db.retain(|s| s.name() != d.name);
        db.push(dpkg::stanza_of(d));
    }
    for d in &order {
        log.push_str(&format!("Setting up {} ({}) ...\n", d.name, d.version));
    }
    if let Some(v) = installed.get("libc-bin")
        && order.iter().any(|d| d.section == "libs")
    {
        log.push_str(&format!("Processing triggers for libc-bin ({v}) ...\n"));
    }
    say(sh, io, o, log)?;
    let _ = dpkg::write(sh.ctx.fs, db, mtime);
    // apt remembers what it installed only as a dependency.
    let mut ext = read_extended(sh);
    for n in &extra {
        ext.insert(n.to_string());
    }
    for w in &wanted {
        ext.remove(w.name);
    }
    write_extended(sh, &ext);
    Ok(0)
}

/// The number `(Reading database ... N files …)` shows.
fn files_in_db(sh: &Shell) -> usize {
    let Ok(entries) = sh.ctx.fs.read_dir("/var/lib/dpkg/info") else {
        return 0;
    };
    let mut n = 0;
    for (name, _) in entries {
        if name.ends_with(".list")
            && let Ok(d) = sh.ctx.fs.read_file(&format!("/var/lib/dpkg/info/{name}"))
        {
            n += d.iter().filter(|b| **b == b'\n').count();
        }
    }
    n
}

/// Writes a package's files and its info/<pkg>.list and .md5sums.
fn unpack(sh: &mut Shell, d: &Deb, mtime: i64) -> Result<(), crate::vfs::Error> {
    packages::unpack_deb(sh.ctx.fs, d, mtime)
}

/// `apt-mark auto|manual|showauto|showmanual|hold|unhold|showhold [PKG…]`
/// on /var/lib/apt/extended_states (a package is manual unless marked
/// auto). A name may be a regular expression, as apt takes it (`'.*'`).
pub fn apt_mark(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args: Vec<&str> = argv[1..]
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let Some((&op, names)) = args.split_first() else {
        sh.err(io, "E: No command given\n")?;
        return Ok(100);
    };
    let installed: Vec<String> = dpkg::read(sh.ctx.fs)
        .iter()
        .filter(|s| s.installed())
        .map(|s| s.name().to_string())
        .collect();
    // Which installed packages `names` select (exact names, else patterns).
    let select = |names: &[&str]| -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        for n in names {
            if installed.iter().any(|i| i == n) {
                out.push(n.to_string());
                continue;
            }
            if n.contains(['*', '?', '[', '^', '$', '+']) {
                let re =
                    regex_lite::Regex::new(&format!("^(?:{n})$")).map_err(|e| e.to_string())?;
                out.extend(installed.iter().filter(|i| re.is_match(i)).cloned());
            } else {
                return Err(format!("E: Unable to locate package {n}"));
            }
        }
        Ok(out)
    };
    let mut auto = read_extended(sh);
    match op {
        "showmanual" | "showauto" => {
            let want_auto = op == "showauto";
            let mut text = String::new();
            for i in &installed {
                if auto.contains(i) == want_auto
                    && (names.is_empty() || names.contains(&i.as_str()))
                {
                    text.push_str(i);
                    text.push('\n');
                }
            }
            sh.out(io, text)?;
            Ok(0)
        }
        "auto" | "manual" => {
            let picked = match select(names) {
                Ok(p) => p,
                Err(e) => {
                    sh.err(io, format!("{e}\n"))?;
                    return Ok(100);
                }
            };
            let mut text = String::new();
            for p in picked {
                let changed = if op == "auto" {
                    auto.insert(p.clone())
                } else {
                    auto.remove(&p)
                };
                text.push_str(&if changed {
                    format!(
                        "{p} set to {}ly installed.\n",
                        if op == "auto" {
                            "automatical"
                        } else {
                            "manual"
                        }
                    )
                } else {
                    format!(
                        "{p} was already set to {}ly installed.\n",
                        if op == "auto" {
                            "automatical"
                        } else {
                            "manual"
                        }
                    )
                });
            }
            write_extended(sh, &auto);
            sh.out(io, text)?;
            Ok(0)
        }
        "showhold" => Ok(0),
        _ => sh.not_simulated("apt-mark"),
    }
}

fn read_extended(sh: &Shell) -> BTreeSet<String> {
    sh.ctx
        .fs
        .read_file(EXTENDED)
        .map(|d| {
            dpkg::parse(&String::from_utf8_lossy(&d))
                .iter()
                .filter(|s| s.get("Auto-Installed") == Some("1"))
                .map(|s| s.name().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn write_extended(sh: &mut Shell, auto: &BTreeSet<String>) {
    let mut text = String::new();
    for n in auto {
        text.push_str(&format!(
            "Package: {n}\nArchitecture: amd64\nAuto-Installed: 1\n\n"
        ));
    }
    let mtime = sh.ctx.mtime;
    let _ = packages::write_text(sh.ctx.fs, EXTENDED, &text, mtime);
}

/// Removes a package's files (from its .list, deepest first, directories
/// only when empty) and its info files.
fn unlink_package(sh: &mut Shell, name: &str) {
    let list = sh
        .ctx
        .fs
        .read_file(&format!("/var/lib/dpkg/info/{name}.list"))
        .map(|d| String::from_utf8_lossy(&d).into_owned())
        .unwrap_or_default();
    let mut paths: Vec<&str> = list.lines().filter(|p| *p != "/.").collect();
    paths.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for p in paths {
        match sh.ctx.fs.lstat(p) {
            Ok(st) if st.kind == crate::vfs::Kind::Dir => {
                let _ = sh.ctx.fs.remove(p);
            }
            Ok(_) => {
                let _ = sh.ctx.fs.remove(p);
            }
            Err(_) => {}
        }
    }
    for ext in [
        "list",
        "md5sums",
        "conffiles",
        "postinst",
        "prerm",
        "postrm",
        "preinst",
        "triggers",
        "shlibs",
    ] {
        let _ = sh
            .ctx
            .fs
            .remove(&format!("/var/lib/dpkg/info/{name}.{ext}"));
    }
}

fn remove(sh: &mut Shell, io: &Io, o: &Opts) -> R {
    say(
        sh,
        io,
        o,
        "Reading package lists...\nBuilding dependency tree...\nReading state information...\n",
    )?;
    let op = o.op.as_deref().unwrap_or("remove");
    let purge = o.purge || op == "purge" || op == "autopurge";
    let mut db = dpkg::read(sh.ctx.fs);
    let installed: BTreeMap<String, Stanza> = db
        .iter()
        .filter(|s| s.installed())
        .map(|s| (s.name().to_string(), s.clone()))
        .collect();
    let mut gone: BTreeSet<String> = BTreeSet::new();
    let mut notes = String::new();
    for n in &o.names {
        let (name, _) = split_name(n);
        if installed.contains_key(&name) {
            if installed[&name].get("Priority") == Some("required") {
                sh.err(io, format!("E: Removing essential system-critical packages is not permitted. This might break the system.\n  {name}\n"))?;
                return Ok(100);
            }
            gone.insert(name);
        } else if packages::debs().contains_key(name.as_str()) {
            notes.push_str(&format!(
                "Package '{name}' is not installed, so not removed\n"
            ));
        } else {
            sh.err(io, format!("E: Unable to locate package {name}\n"))?;
            return Ok(100);
        }
    }
    let mut auto = read_extended(sh);
    if op.starts_with("auto") || o.autoremove {
        // Automatically installed packages no longer needed by a manual one.
        let mut needed: BTreeSet<String> = BTreeSet::new();
        let mut stack: Vec<String> = installed
            .keys()
            .filter(|n| !auto.contains(*n) && !gone.contains(*n))
            .cloned()
            .collect();
        while let Some(n) = stack.pop() {
            if !needed.insert(n.clone()) {
                continue;
            }
            if let Some(s) = installed.get(&n) {
                stack.extend(s.depends());
                if let Some(r) = s.get("Recommends") {
                    stack.extend(
                        r.split(',')
                            .map(|x| x.trim().split(' ').next().unwrap_or("").to_string()),
                    );
                }
            }
        }
        for n in installed.keys() {
            if auto.contains(n) && !needed.contains(n) {
                gone.insert(n.clone());
            }
        }
    }
    say(sh, io, o, notes)?;
    let mut text = String::new();
    if !gone.is_empty() {
        text.push_str("The following packages will be REMOVED:\n");
        let shown: Vec<String> = gone
            .iter()
            .map(|n| if purge { format!("{n}*") } else { n.clone() })
            .collect();
        text.push_str(&columns(
            &shown.iter().map(String::as_str).collect::<Vec<_>>(),
        ));
    }
    text.push_str(&format!(
        "0 upgraded, 0 newly installed, {} to remove and 0 not upgraded.\n",
        gone.len()
    ));
    if gone.is_empty() {
        say(sh, io, o, text)?;
        return Ok(0);
    }
    let freed: u64 = gone
        .iter()
        .filter_map(|n| installed[n].get("Installed-Size"))
        .filter_map(|s| s.parse::<u64>().ok())
        .sum::<u64>()
        * 1024;
    text.push_str(&format!(
        "After this operation, {} disk space will be freed.\n",
        apt_size(freed)
    ));
    let requested: BTreeSet<String> = o.names.iter().map(|n| split_name(n).0).collect();
    if gone.iter().any(|n| !requested.contains(n)) && !o.yes {
        text.push_str("Do you want to continue? [Y/n] Abort.\n");
        say(sh, io, o, text)?;
        return Ok(1);
    }
    let count = files_in_db(sh);
    text.push_str(&format!(
        "(Reading database ... {count} files and directories currently installed.)\n"
    ));
    for n in &gone {
        let v = installed[n].get("Version").unwrap_or("");
        text.push_str(&format!("Removing {n} ({v}) ...\n"));
        unlink_package(sh, n);
        auto.remove(n);
    }
    say(sh, io, o, text)?;
    db.retain(|s| !gone.contains(s.name()));
    let mtime = sh.ctx.mtime;
    let _ = dpkg::write(sh.ctx.fs, db, mtime);
    write_extended(sh, &auto);
    Ok(0)
}

#[cfg(test)]
pub mod tests {
    use super::super::testing::{Ran, run_in};
    use crate::vfs::{Fs, Meta};

    /// A debian:bookworm-like tree until the catalog has the real image:
    /// os-release, a dpkg status with a few base packages, apt's
    /// directories and Docker's apt configuration, `apt-get` on PATH.
    pub fn debian() -> Fs {
        let mut fs = super::super::testing::fs();
        for d in [
            "/etc/apt/apt.conf.d",
            "/etc/apt/sources.list.d",
            "/var/lib/dpkg/info",
            "/var/lib/apt/lists/partial",
            "/var/cache/apt/archives/partial",
            "/usr/lib/x86_64-linux-gnu",
        ] {
            fs.mkdir_all(d, Meta::new(0o755)).unwrap();
        }
        let text = |fs: &mut Fs, p: &str, t: &str| {
            fs.write_file(p, t.as_bytes(), Meta::new(0o644)).unwrap();
        };
        text(
            &mut fs,
            "/etc/os-release",
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n",
        );
        text(
            &mut fs,
            "/etc/apt/sources.list.d/debian.sources",
            "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n",
        );
        text(
            &mut fs,
            "/etc/apt/apt.conf.d/docker-clean",
            "DPkg::Post-Invoke { \"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true\"; };\n",
        );
        text(
            &mut fs,
            "/etc/apt/apt.conf.d/docker-gzip-indexes",
            "Acquire::GzipIndexes \"true\";\n",
        );
        text(
            &mut fs,
            "/var/lib/dpkg/status",
            "Package: base-files\nStatus: install ok installed\nPriority: required\nSection: admin\nInstalled-Size: 341\nArchitecture: amd64\nVersion: 12.4+deb12u8\nDescription: Debian base system miscellaneous files\n\nPackage: dpkg\nStatus: install ok installed\nPriority: required\nSection: admin\nInstalled-Size: 6568\nArchitecture: amd64\nVersion: 1.21.22\nDescription: Debian package management system\n\nPackage: libc6\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 12986\nArchitecture: amd64\nMulti-Arch: same\nVersion: 2.36-9+deb12u9\nDescription: GNU C Library: Shared libraries\n\nPackage: libc-bin\nStatus: install ok installed\nPriority: required\nSection: libs\nInstalled-Size: 2605\nArchitecture: amd64\nVersion: 2.36-9+deb12u9\nDescription: GNU C Library: Binaries\n\nPackage: zlib1g\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 168\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\nDescription: compression library - runtime\n\n",
        );
        text(
            &mut fs,
            "/var/lib/dpkg/info/base-files.list",
            "/.\n/etc\n/etc/os-release\n",
        );
        fs.write_file("/usr/bin/dpkg", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        fs.write_file("/usr/bin/dpkg-query", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        fs.write_file("/usr/bin/apt", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        fs
    }

    fn du(fs: &Fs, dir: &str) -> u64 {
        fs.walk(dir)
            .map(|v| v.iter().map(|(_, n)| n.size()).sum())
            .unwrap_or(0)
    }

    fn run(fs: &mut Fs, s: &str) -> Ran {
        run_in(fs, s)
    }

    #[test]
    fn apt_mark_saves_and_restores_what_was_manual() {
        let mut fs = debian();
        fs.write_file("/usr/bin/apt-mark", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        // docker-library's pattern: build deps are purged, what was manual stays.
        let r = run(
            &mut fs,
            "apt-get update >/dev/null && saved=\"$(apt-mark showmanual)\" && apt-get install -y --no-install-recommends curl >/dev/null && apt-mark showmanual | grep -cx curl && apt-mark showauto | grep -cx libcurl4 && apt-mark auto '.*' > /dev/null && apt-mark manual $saved >/dev/null && apt-mark showmanual | grep -cx curl; apt-mark manual nosuch; echo $?",
        );
        assert_eq!(r.out, "1\n1\n0\n100\n", "{}", r.err);
        assert!(
            r.err.contains("E: Unable to locate package nosuch"),
            "{}",
            r.err
        );
        assert!(r.unsimulated.is_empty(), "{:?}", r.unsimulated);
        let r = run(
            &mut fs,
            "apt-mark showauto | grep -cx curl; apt-mark hold curl",
        );
        assert_eq!(r.out, "1\n");
        assert_eq!(r.unsimulated, ["apt-mark"]);
    }

    #[test]
    fn a_virtual_package_with_one_provider_installs_the_provider() {
        let mut fs = debian();
        let r = run(
            &mut fs,
            "apt-get update >/dev/null && apt-get install -y libz-dev && dpkg -s zlib1g-dev | head -2",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(
            r.out
                .contains("Note, selecting 'zlib1g-dev' instead of 'libz-dev'\n"),
            "{}",
            r.out
        );
        assert!(
            r.out
                .ends_with("Package: zlib1g-dev\nStatus: install ok installed\n"),
            "{}",
            r.out
        );
    }

    #[test]
    fn install_needs_the_lists() {
        let mut fs = debian();
        let r = run(&mut fs, "apt-get install -y nginx");
        assert_eq!(r.status, 100);
        assert_eq!(r.err, "E: Unable to locate package nginx\n");
        assert!(r.out.starts_with("Reading package lists...\n"));
        assert!(r.unsimulated.is_empty());
    }

    #[test]
    fn update_leaves_tens_of_megabytes_unless_removed_in_the_same_layer() {
        let mut fs = debian();
        let r = run(&mut fs, "apt-get update");
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(
            r.out
                .contains("Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]"),
            "{}",
            r.out
        );
        let lists = du(&fs, "/var/lib/apt/lists");
        assert!(lists > 15_000_000, "{lists}");
        assert!(fs.exists(
            "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4"
        ));

        let mut fs = debian();
        let r = run(
            &mut fs,
            "apt-get update && apt-get install -y --no-install-recommends nginx && rm -rf /var/lib/apt/lists/*",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(fs.read_dir("/var/lib/apt/lists").unwrap().is_empty());
        assert!(r.out.contains("Setting up nginx (1.22.1-9"), "{}", r.out);
        assert!(
            r.out
                .contains("The following NEW packages will be installed:\n")
        );
        assert!(fs.exists("/usr/sbin/nginx"));
        let status =
            String::from_utf8_lossy(&fs.read_file("/var/lib/dpkg/status").unwrap()).into_owned();
        assert!(
            status.contains("Package: nginx\nStatus: install ok installed\n"),
            "{status}"
        );
        assert!(status.contains("Package: nginx-common\n"));
        // docker-clean: no .debs left.
        assert_eq!(fs.read_dir("/var/cache/apt/archives").unwrap().len(), 1);
        let nginx = &crate::packages::debs()["nginx"];
        let list = String::from_utf8_lossy(&fs.read_file("/var/lib/dpkg/info/nginx.list").unwrap())
            .into_owned();
        let size: u64 = list
            .lines()
            .filter_map(|p| fs.stat(p).ok())
            .filter(|s| s.kind == crate::vfs::Kind::File)
            .map(|s| s.size)
            .sum();
        assert!(
            size <= nginx.installed_kb * 1024 && size * 10 > nginx.installed_kb * 1024 * 9,
            "{size}"
        );
    }

    #[test]
    fn prompts_abort_without_yes_and_errors() {
        let mut fs = debian();
        let r = run(&mut fs, "apt-get update -qq && apt-get install curl");
        assert_eq!(r.status, 1);
        assert!(
            r.out.ends_with("Do you want to continue? [Y/n] Abort.\n"),
            "{}",
            r.out
        );
        assert!(
            r.out
                .contains("The following additional packages will be installed:\n")
        );
        assert!(!fs.exists("/usr/bin/curl"));
        let r = run(&mut fs, "apt-get install -y nope-nope curl");
        assert_eq!(
            (r.status, r.err.as_str()),
            (100, "E: Unable to locate package nope-nope\n")
        );
        let r = run(&mut fs, "apt-get install -y curl=1.0");
        assert_eq!(r.err, "E: Version '1.0' for 'curl' was not found\n");
        let r = run(&mut fs, "apt-get frobnicate");
        assert_eq!(
            (r.status, r.err.as_str()),
            (100, "E: Invalid operation frobnicate\n")
        );
        let r = run(&mut fs, "apt-get -qq install -y zlib1g");
        assert_eq!((r.status, r.out.as_str()), (0, ""));
    }

    #[test]
    fn recommends_remove_autoremove_and_clean() {
        let mut fs = debian();
        fs.remove("/etc/apt/apt.conf.d/docker-clean").unwrap();
        let r = run(
            &mut fs,
            "apt-get update >/dev/null && apt-get install -y --no-install-recommends git",
        );
        assert!(r.out.contains("Recommended packages:\n"), "{}", r.out);
        assert!(!fs.exists("/usr/bin/less"));
        assert!(fs.exists("/usr/bin/git"));
        assert!(
            fs.read_dir("/var/cache/apt/archives")
                .unwrap()
                .iter()
                .any(|(n, _)| n.starts_with("git_1%3a2.39"))
        );
        let r = run(&mut fs, "apt-get clean && ls /var/cache/apt/archives");
        assert_eq!(r.out, "partial\n");
        let r = run(&mut fs, "apt-get purge -y git && apt-get autoremove -y");
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(!fs.exists("/usr/bin/git"));
        assert!(!fs.exists("/usr/share/doc/git-man"), "{}", r.out);
        let r = run(
            &mut fs,
            "dpkg -s git; dpkg-query -W zlib1g; dpkg --print-architecture",
        );
        assert_eq!(r.out, "zlib1g\t1:1.2.13.dfsg-1\namd64\n");
        assert!(
            r.err
                .starts_with("dpkg-query: package 'git' is not installed")
        );
    }

    #[test]
    fn big_installs_are_not_stopped_by_the_write_limit() {
        let mut fs = debian();
        let r = run(
            &mut fs,
            "apt-get update -q >/dev/null && apt-get install -y -qq build-essential",
        );
        assert_eq!((r.status, r.outcome.error), (0, None), "{}", r.err);
        assert!(fs.exists("/usr/bin/make") && fs.exists("/usr/bin/g++-12"));
    }

    #[test]
    fn missing_apt_is_not_found() {
        let mut fs = super::super::testing::fs();
        fs.remove("/usr/bin/apt-get").unwrap();
        let r = run(&mut fs, "apt-get update");
        assert_eq!(r.status, 127);
        assert_eq!(r.err, "sh: 1: apt-get: not found\n");
    }
}
