//! `apk` (apk-tools 2.14) on Alpine trees: `add`, `del`, `update`,
//! `upgrade`, `info`, `cache clean`, with apk's output and exit statuses.
//!
//! What changes is what real apk changes: the packages' files,
//! /lib/apk/db/installed (P:/V:/A:/S:/I:/T:/D: and F:/R: lines),
//! /etc/apk/world; and the indexes: without `--no-cache`, `apk update` and
//! an `apk add` that finds no index fetch `APKINDEX.<hash>.tar.gz` for each
//! repository of /etc/apk/repositories into /var/cache/apk (about 2 MB for
//! main and community); with `--no-cache` they are read in memory only and
//! /var/cache/apk stays empty. No packages are kept (Docker's images have
//! no /etc/apk/cache).
//!
//! Packages come from [`crate::packages::apks`] (3.20, estimated sizes)
//! whatever the release; a dependency outside the catalog is taken as
//! satisfied. `--virtual NAME` (`-t`) adds a package NAME depending on the
//! others, which `apk del NAME` removes with whatever only it needed.

use super::super::{Flow, Io, R, Shell};
use crate::packages::{self, Apk};
use std::collections::{BTreeMap, BTreeSet};

const INSTALLED: &str = "/lib/apk/db/installed";
const WORLD: &str = "/etc/apk/world";
const CACHE: &str = "/var/cache/apk";

#[derive(Default)]
struct Opts {
    no_cache: bool,
    update: bool,
    quiet: bool,
    /// `--print-arch`: print the architecture and do nothing else.
    print_arch: bool,
    virtual_: Option<String>,
    op: Option<String>,
    names: Vec<String>,
}

fn parse(argv: &[String]) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        match a {
            "--no-cache" => o.no_cache = true,
            "-U" | "--update-cache" => o.update = true,
            "-q" | "--quiet" => o.quiet = true,
            "--print-arch" => o.print_arch = true,
            "-t" | "--virtual" => {
                i += 1;
                match argv.get(i) {
                    Some(v) => o.virtual_ = Some(v.clone()),
                    None => return Err(format!("apk: option requires an argument -- '{a}'")),
                }
            }
            "-X"
            | "--repository"
            | "--root"
            | "-p"
            | "--arch"
            | "--keys-dir"
            | "--repositories-file"
            | "--cache-dir" => i += 1,
            _ if a.starts_with("--virtual=") => {
                o.virtual_ = Some(a["--virtual=".len()..].to_string())
            }
            _ if a.starts_with("--") => {}
            _ if a.starts_with('-') && a.len() > 1 => {
                for c in a[1..].chars() {
                    match c {
                        'U' => o.update = true,
                        'q' => o.quiet = true,
                        _ => {}
                    }
                }
            }
            _ if o.op.is_none() => o.op = Some(a.to_string()),
            _ => o.names.push(a.to_string()),
        }
        i += 1;
    }
    Ok(o)
}

/// A block of the installed database.
#[derive(Debug, Clone, Default)]
struct Entry {
    lines: Vec<(char, String)>,
}

impl Entry {
    fn get(&self, k: char) -> &str {
        self.lines
            .iter()
            .find(|(c, _)| *c == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    fn name(&self) -> &str {
        self.get('P')
    }
    fn depends(&self) -> Vec<String> {
        self.get('D')
            .split_whitespace()
            .filter(|d| !d.contains(':') && !d.starts_with('!'))
            .map(|d| {
                d.split(['=', '>', '<', '~'])
                    .next()
                    .unwrap_or(d)
                    .to_string()
            })
            .collect()
    }
    /// The files it owns (F: directory, R: file in it).
    fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut dir = String::new();
        for (c, v) in &self.lines {
            match c {
                'F' => dir = v.clone(),
                'R' => out.push(format!("/{dir}/{v}")),
                _ => {}
            }
        }
        out
    }
}

fn read_db(sh: &Shell) -> Vec<Entry> {
    let text = sh
        .ctx
        .fs
        .read_file(INSTALLED)
        .map(|d| String::from_utf8_lossy(&d).into_owned())
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut cur = Entry::default();
    for l in text.lines() {
        if l.is_empty() {
            if !cur.lines.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let mut c = l.chars();
        if let (Some(k), Some(':')) = (c.next(), c.next()) {
            cur.lines.push((k, l[2..].to_string()));
        }
    }
    if !cur.lines.is_empty() {
        out.push(cur);
    }
    out
}

fn write_db(sh: &mut Shell, db: &[Entry]) {
    let mut text = String::new();
    for e in db {
        for (k, v) in &e.lines {
            text.push_str(&format!("{k}:{v}\n"));
        }
        text.push('\n');
    }
    let mtime = sh.ctx.mtime;
    let _ = packages::write_text(sh.ctx.fs, INSTALLED, &text, mtime);
}

fn read_world(sh: &Shell) -> Vec<String> {
    sh.ctx
        .fs
        .read_file(WORLD)
        .map(|d| {
            String::from_utf8_lossy(&d)
                .split_whitespace()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn write_world(sh: &mut Shell, world: &BTreeSet<String>) {
    let mut text: String = world.iter().map(|w| format!("{w}\n")).collect();
    if text.is_empty() {
        text.push('\n');
    }
    let mtime = sh.ctx.mtime;
    let _ = packages::write_text(sh.ctx.fs, WORLD, &text, mtime);
}

fn repositories(sh: &Shell) -> Vec<String> {
    let repos: Vec<String> = sh
        .ctx
        .fs
        .read_file("/etc/apk/repositories")
        .map(|d| {
            String::from_utf8_lossy(&d)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    repos
}

/// The cache file of a repository's index: APKINDEX.<8 hex>.tar.gz.
fn index_file(repo: &str) -> String {
    let mut f = crate::vfs::Filler::new(&format!("{repo}/x86_64/APKINDEX.tar.gz"));
    format!("APKINDEX.{:08x}.tar.gz", f.next_u64() as u32)
}

/// The index's size: main and community of 3.20 (estimates), others small.
fn index_size(repo: &str) -> u64 {
    if repo.ends_with("/main") {
        490_000
    } else if repo.ends_with("/community") {
        1_530_000
    } else {
        60_000
    }
}

/// Fetches the indexes; without --no-cache they land in /var/cache/apk.
fn fetch(sh: &mut Shell, io: &Io, o: &Opts, force: bool) -> Result<(), Flow> {
    let repos = repositories(sh);
    let have = |sh: &Shell, r: &str| sh.ctx.fs.exists(&format!("{CACHE}/{}", index_file(r)));
    for r in &repos {
        if !force && !o.no_cache && have(sh, r) {
            continue;
        }
        if !o.quiet {
            sh.out(io, format!("fetch {r}/x86_64/APKINDEX.tar.gz\n"))?;
        }
        if !o.no_cache {
            let size = index_size(r);
            let f = packages::PkgFile {
                path: format!("{CACHE}/{}", index_file(r)),
                mode: 0o644,
                content: packages::Content::Generated(size),
            };
            let mtime = sh.ctx.mtime;
            let _ = packages::write_one(sh.ctx.fs, &f, "apkindex", mtime);
        }
    }
    Ok(())
}

/// A virtual package's version: the time as apk writes it (YYYYMMDD.HHMMSS).
fn stamp(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}{m:02}{d:02}.{:02}{:02}{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn ok_line(sh: &mut Shell, io: &Io, o: &Opts) -> Result<(), Flow> {
    let db = read_db(sh);
    let total: u64 = db
        .iter()
        .map(|e| e.get('I').parse::<u64>().unwrap_or(0))
        .sum();
    if !o.quiet {
        sh.out(
            io,
            format!(
                "OK: {} MiB in {} packages\n",
                total.div_ceil(1 << 20),
                db.len()
            ),
        )?;
    }
    Ok(())
}

/// The subcommands simulated (see [`super::simulates`]).
pub fn simulates(op: Option<&str>) -> bool {
    matches!(
        op,
        None | Some("add" | "del" | "update" | "upgrade" | "info" | "cache")
    )
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let o = match parse(argv) {
        Ok(o) => o,
        Err(m) => {
            sh.err(io, format!("{m}\n"))?;
            return Ok(1);
        }
    };
    if o.print_arch {
        // apk reads /etc/apk/arch; the catalog's images are amd64.
        let arch = match sh.ctx.fs.read_file("/etc/apk/arch") {
            Ok(d) => String::from_utf8_lossy(&d).trim().to_string(),
            Err(_) => "x86_64".to_string(),
        };
        sh.out(io, format!("{arch}\n"))?;
        return Ok(0);
    }
    let writes = matches!(o.op.as_deref(), Some("add" | "del" | "update" | "upgrade"));
    if writes && sh.ctx.uid != 0 {
        sh.err(io, "ERROR: Unable to lock database: Permission denied\nERROR: Failed to open apk database: Permission denied\n")?;
        return Ok(99);
    }
    match o.op.as_deref() {
        Some("add") => add(sh, io, &o),
        Some("del") => del(sh, io, &o),
        Some("update") => {
            fetch(sh, io, &o, true)?;
            if !o.quiet {
                let mut text = String::new();
                for r in repositories(sh) {
                    text.push_str(&format!("v3.20.3-0-g0000000 [{r}]\n"));
                }
                text.push_str("OK: 24168 distinct packages available\n");
                sh.out(io, text)?;
            }
            Ok(0)
        }
        Some("upgrade") => {
            if o.update {
                fetch(sh, io, &o, true)?;
            }
            ok_line(sh, io, &o)?;
            Ok(0)
        }
        Some("info") => info(sh, io, &o),
        Some("cache") => {
            if let Ok(entries) = sh.ctx.fs.read_dir(CACHE) {
                for (n, _) in entries {
                    let _ = sh.ctx.fs.remove_all(&format!("{CACHE}/{n}"));
                }
            }
            Ok(0)
        }
        None => {
            sh.out(io, "apk-tools 2.14.4, compiled for x86_64.\n\nusage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n")?;
            Ok(1)
        }
        Some(_) => sh.not_simulated("apk"),
        // Keep in step with `simulates`.
    }
}

fn add(sh: &mut Shell, io: &Io, o: &Opts) -> R {
    if o.names.is_empty() && o.virtual_.is_none() {
        return Ok(0);
    }
    fetch(sh, io, o, o.update)?;
    let catalog = packages::apks();
    let mut db = read_db(sh);
    let installed: BTreeMap<String, String> = db
        .iter()
        .map(|e| (e.name().to_string(), e.get('V').to_string()))
        .collect();
    let mut errors = Vec::new();
    let mut wanted: Vec<(String, Option<&'static Apk>)> = Vec::new();
    for n in &o.names {
        let name = n
            .split(['=', '>', '<', '~'])
            .next()
            .unwrap_or(n)
            .to_string();
        if let Some(a) = catalog.get(name.as_str()) {
            wanted.push((n.clone(), Some(a)));
        } else if installed.contains_key(&name) {
            wanted.push((n.clone(), None));
        } else {
            errors.push(name);
        }
    }
    if !errors.is_empty() {
        let by = match &o.virtual_ {
            Some(v) => format!("{v}-{}", stamp(sh.ctx.mtime)),
            None => "world".to_string(),
        };
        let mut text = String::from("ERROR: unable to select packages:\n");
        for e in &errors {
            text.push_str(&format!(
                "  {e} (no such package):\n    required by: {by}[{e}]\n"
            ));
        }
        sh.err(io, text)?;
        return Ok(1);
    }
    let mut order: Vec<&'static Apk> = Vec::new();
    let mut seen = BTreeSet::new();
    fn visit(
        a: &'static Apk,
        installed: &BTreeMap<String, String>,
        seen: &mut BTreeSet<&'static str>,
        order: &mut Vec<&'static Apk>,
    ) {
        if installed.contains_key(a.name) || !seen.insert(a.name) {
            return;
        }
        for d in &a.depends {
            if let Some(x) = packages::apks().get(d) {
                visit(x, installed, seen, order);
            }
        }
        order.push(a);
    }
    for (_, a) in &wanted {
        if let Some(a) = a {
            visit(a, &installed, &mut seen, &mut order);
        }
    }
    let virt = o
        .virtual_
        .as_ref()
        .map(|v| (v.clone(), stamp(sh.ctx.mtime)));
    let total = order.len() + usize::from(virt.is_some());
    let mut text = String::new();
    let mtime = sh.ctx.mtime;
    for (i, a) in order.iter().enumerate() {
        if !o.quiet {
            text.push_str(&format!(
                "({}/{total}) Installing {} ({})\n",
                i + 1,
                a.name,
                a.version
            ));
        }
        let files = packages::apk_files(a);
        if let Err(e) = packages::write_files(
            sh.ctx.fs,
            &files,
            &format!("apk:{}:{}", a.name, a.version),
            mtime,
        ) {
            sh.out(io, text)?;
            sh.err(
                io,
                format!("ERROR: {}-{}: {}\n", a.name, a.version, super::why(&e)),
            )?;
            return Ok(1);
        }
        let mut lines = vec![
            ('C', format!("Q1{}=", checksum(a.name, a.version))),
            ('P', a.name.to_string()),
            ('V', a.version.to_string()),
            ('A', "x86_64".to_string()),
            ('S', (a.installed * 2 / 5).to_string()),
            ('I', a.installed.to_string()),
            ('T', a.description.to_string()),
            ('U', "https://alpinelinux.org".to_string()),
            ('L', "custom".to_string()),
            (
                'o',
                a.name
                    .trim_end_matches("-dev")
                    .trim_end_matches("-libs")
                    .to_string(),
            ),
            ('t', "1725624000".to_string()),
        ];
        if !a.depends.is_empty() {
            lines.push(('D', a.depends.join(" ")));
        }
        let mut dirs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in &files {
            let (d, n) = f.path.rsplit_once('/').unwrap_or(("", &f.path));
            dirs.entry(d.trim_start_matches('/').to_string())
                .or_default()
                .push(n.to_string());
        }
        for (d, names) in dirs {
            lines.push(('F', d));
            for n in names {
                lines.push(('R', n));
            }
        }
        db.push(Entry { lines });
    }
    let mut world: BTreeSet<String> = read_world(sh).into_iter().collect();
    match virt {
        Some((v, ver)) => {
            if !o.quiet {
                text.push_str(&format!("({total}/{total}) Installing {v} ({ver})\n"));
            }
            db.retain(|e| e.name() != v);
            let deps: Vec<String> = wanted.iter().map(|(n, _)| n.clone()).collect();
            db.push(Entry {
                lines: vec![
                    ('P', v.clone()),
                    ('V', ver),
                    ('A', "noarch".to_string()),
                    ('S', "0".to_string()),
                    ('I', "0".to_string()),
                    ('T', "virtual meta package".to_string()),
                    ('D', deps.join(" ")),
                ],
            });
            world.insert(v);
        }
        None => {
            for (n, _) in &wanted {
                let base = n.split(['=', '>', '<', '~']).next().unwrap_or(n);
                world.retain(|w| w.split(['=', '>', '<', '~']).next() != Some(base));
                world.insert(n.clone());
            }
        }
    }
    if !o.quiet
        && order
            .iter()
            .any(|a| a.programs.iter().any(|p| p.contains("bin/")))
    {
        if installed.contains_key("busybox") {
            text.push_str(&format!(
                "Executing busybox-{}.trigger\n",
                installed["busybox"]
            ));
        }
        if let Some(c) = order.iter().find(|a| a.name == "ca-certificates") {
            text.push_str(&format!(
                "Executing ca-certificates-{}.trigger\n",
                c.version
            ));
        }
    }
    sh.out(io, text)?;
    write_db(sh, &db);
    write_world(sh, &world);
    ok_line(sh, io, o)?;
    Ok(0)
}

/// A stable stand-in for apk's checksum.
fn checksum(name: &str, version: &str) -> String {
    let mut f = crate::vfs::Filler::new(&format!("apk:{name}:{version}"));
    let mut s = String::new();
    for _ in 0..3 {
        s.push_str(&format!("{:09x}", f.next_u64() & 0xf_ffff_ffff));
    }
    s
}

fn del(sh: &mut Shell, io: &Io, o: &Opts) -> R {
    let mut world: BTreeSet<String> = read_world(sh).into_iter().collect();
    let mut db = read_db(sh);
    let base = |w: &str| {
        w.split(['=', '>', '<', '~'])
            .next()
            .unwrap_or(w)
            .to_string()
    };
    for n in &o.names {
        let b = base(n);
        if !world.iter().any(|w| base(w) == b) && !db.iter().any(|e| e.name() == b) {
            sh.err(io, format!("WARNING: No such package: {b}\n"))?;
        }
        world.retain(|w| base(w) != b);
    }
    // What the world still needs; only packages apk added here (the
    // catalog's and virtual ones) are candidates for removal.
    let by_name: BTreeMap<String, Entry> = db
        .iter()
        .map(|e| (e.name().to_string(), e.clone()))
        .collect();
    let mut needed = BTreeSet::new();
    let mut stack: Vec<String> = world.iter().map(|w| base(w)).collect();
    while let Some(n) = stack.pop() {
        if !needed.insert(n.clone()) {
            continue;
        }
        if let Some(e) = by_name.get(&n) {
            stack.extend(e.depends());
        }
        if let Some(a) = packages::apks().get(n.as_str()) {
            stack.extend(a.depends.iter().map(|d| d.to_string()));
        }
    }
    let gone: Vec<Entry> = db
        .iter()
        .filter(|e| {
            !needed.contains(e.name())
                && (packages::apks().contains_key(e.name()) || e.get('A') == "noarch")
        })
        .cloned()
        .collect();
    let mut text = String::new();
    for (i, e) in gone.iter().enumerate() {
        if !o.quiet {
            text.push_str(&format!(
                "({}/{}) Purging {} ({})\n",
                i + 1,
                gone.len(),
                e.name(),
                e.get('V')
            ));
        }
        for f in e.files() {
            let _ = sh.ctx.fs.remove(&f);
        }
    }
    sh.out(io, text)?;
    db.retain(|e| !gone.iter().any(|g| g.name() == e.name()));
    write_db(sh, &db);
    write_world(sh, &world);
    ok_line(sh, io, o)?;
    Ok(0)
}

fn info(sh: &mut Shell, io: &Io, o: &Opts) -> R {
    let db = read_db(sh);
    if o.names.is_empty() {
        let text: String = db.iter().map(|e| format!("{}\n", e.name())).collect();
        sh.out(io, text)?;
        return Ok(0);
    }
    let mut status = 0;
    for n in &o.names {
        match db.iter().find(|e| e.name() == n) {
            Some(e) => {
                let t = format!(
                    "{}-{} description:\n{}\n\n{}-{} webpage:\n{}\n\n{}-{} installed size:\n{} KiB\n\n",
                    n,
                    e.get('V'),
                    e.get('T'),
                    n,
                    e.get('V'),
                    e.get('U'),
                    n,
                    e.get('V'),
                    e.get('I').parse::<u64>().unwrap_or(0) / 1024
                );
                sh.out(io, t)?;
            }
            None => status = 1,
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{Ran, run_in};
    use crate::vfs::{Fs, Meta};

    /// An alpine-like tree: os-release, apk's database and world, `apk` on PATH.
    fn alpine() -> Fs {
        let mut fs = super::super::testing::fs();
        fs.remove("/usr/bin/apt-get").unwrap();
        for d in ["/etc/apk", "/lib/apk/db", "/var/cache/apk", "/sbin"] {
            fs.mkdir_all(d, Meta::new(0o755)).unwrap();
        }
        let text = |fs: &mut Fs, p: &str, t: &str| {
            fs.write_file(p, t.as_bytes(), Meta::new(0o644)).unwrap();
        };
        text(
            &mut fs,
            "/etc/os-release",
            "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n",
        );
        text(
            &mut fs,
            "/etc/apk/world",
            "alpine-baselayout\napk-tools\nbusybox\nmusl\n",
        );
        text(
            &mut fs,
            "/etc/apk/repositories",
            "https://dl-cdn.alpinelinux.org/alpine/v3.20/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n",
        );
        text(
            &mut fs,
            "/lib/apk/db/installed",
            "C:Q1abc=\nP:musl\nV:1.2.5-r0\nA:x86_64\nS:411323\nI:662528\nT:the musl c library (libc) implementation\n\nC:Q1def=\nP:busybox\nV:1.36.1-r29\nA:x86_64\nS:512000\nI:946176\nT:Size optimized toolbox of many common UNIX utilities\n\n",
        );
        fs.write_file("/sbin/apk", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        fs
    }

    fn run(fs: &mut Fs, s: &str) -> Ran {
        run_in(fs, s)
    }

    #[test]
    fn print_arch() {
        // The golang images ask `arch="$(apk --print-arch)"` before anything.
        let mut fs = alpine();
        let r = run(&mut fs, "apk --print-arch; echo \"[$(apk --print-arch)]\"");
        assert_eq!((r.status, r.out.as_str()), (0, "x86_64\n[x86_64]\n"));
        fs.write_file("/etc/apk/arch", &b"aarch64\n"[..], Meta::new(0o644))
            .unwrap();
        assert_eq!(run(&mut fs, "apk --print-arch").out, "aarch64\n");
    }

    #[test]
    fn no_cache_leaves_the_cache_empty() {
        let mut fs = alpine();
        let r = run(&mut fs, "apk add --no-cache tini");
        assert_eq!(r.status, 0, "{}", r.err);
        assert_eq!(
            r.out,
            "fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz\nfetch https://dl-cdn.alpinelinux.org/alpine/v3.20/community/x86_64/APKINDEX.tar.gz\n(1/1) Installing tini (0.19.0-r3)\nExecuting busybox-1.36.1-r29.trigger\nOK: 2 MiB in 3 packages\n"
        );
        assert!(fs.read_dir("/var/cache/apk").unwrap().is_empty());
        assert!(fs.exists("/sbin/tini"));
        let world = String::from_utf8_lossy(&fs.read_file("/etc/apk/world").unwrap()).into_owned();
        assert!(world.contains("tini\n"));
        let db =
            String::from_utf8_lossy(&fs.read_file("/lib/apk/db/installed").unwrap()).into_owned();
        assert!(
            db.contains("P:tini\nV:0.19.0-r3\n") && db.contains("F:sbin\nR:tini\n"),
            "{db}"
        );
    }

    #[test]
    fn add_without_no_cache_keeps_the_index() {
        let mut fs = alpine();
        let r = run(&mut fs, "apk add curl && apk add -q bash");
        assert_eq!(r.status, 0, "{}", r.err);
        assert_eq!(r.out.matches("fetch ").count(), 2, "{}", r.out);
        assert_eq!(fs.read_dir("/var/cache/apk").unwrap().len(), 2);
        assert!(r.out.contains("Installing libcurl (8.12.1-r0)"));
        assert!(fs.exists("/usr/bin/curl") && fs.exists("/bin/bash"));
    }

    #[test]
    fn virtual_packages_and_del() {
        let mut fs = alpine();
        let r = run(
            &mut fs,
            "apk add --no-cache --virtual .build-deps gcc make && apk del .build-deps",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(
            r.out.contains("Installing .build-deps (20231114.221320)"),
            "{}",
            r.out
        );
        assert!(r.out.contains("Purging gcc ("));
        assert!(!fs.exists("/usr/bin/gcc"));
        let world = String::from_utf8_lossy(&fs.read_file("/etc/apk/world").unwrap()).into_owned();
        assert_eq!(world, "alpine-baselayout\napk-tools\nbusybox\nmusl\n");
    }

    #[test]
    fn unknown_packages_fail_and_change_nothing() {
        let mut fs = alpine();
        let r = run(&mut fs, "apk add --no-cache foo");
        assert_eq!(r.status, 1);
        assert_eq!(
            r.err,
            "ERROR: unable to select packages:\n  foo (no such package):\n    required by: world[foo]\n"
        );
        let r = run(&mut fs, "apt-get install -y curl");
        assert_eq!(r.status, 127);
    }
}
