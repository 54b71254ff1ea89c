//! The package catalog the simulated package managers install from:
//! Debian bookworm (`deb.txt`), Alpine 3.20 (`apk.txt`), the npm registry
//! (`npm.txt`) and PyPI (`pypi.txt`). Each table is generated at
//! development time by a script under `scripts/` (`gen_packages_*.py`, the
//! only code that touches the network) and included with `include_str!`;
//! a table is parsed once, the first time it is used. What each record
//! holds and where it came from is in docs/packages.md.
//!
//! The files a package installs are never stored: [`deb_files`],
//! [`apk_files`] and friends make them from the record (real locations,
//! deterministic [`vfs::generated`] contents, a total size close to the
//! recorded installed size). Generated contents (package files, indexes,
//! caches) do not count against the RUN's write limit: the catalog bounds
//! them, `apt-get install build-essential` alone is over 300 MB, and
//! [`vfs::generated`] is becoming lazy (not held in memory).

use crate::vfs::{self, Fs, Meta};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A Debian package of bookworm amd64.
#[derive(Debug, Clone)]
pub struct Deb {
    pub name: &'static str,
    pub version: &'static str,
    pub section: &'static str,
    pub priority: &'static str,
    /// `Installed-Size`, in KiB.
    pub installed_kb: u64,
    /// The size of the .deb, in bytes.
    pub size: u64,
    pub arch: &'static str,
    pub multi_arch: &'static str,
    /// Pre-Depends and Depends, alternatives resolved to one name.
    pub depends: Vec<&'static str>,
    pub recommends: Vec<&'static str>,
    /// Programs on PATH, relative to `/` (`usr/bin/curl`).
    pub programs: Vec<&'static str>,
    /// The first line of the description (cut short).
    pub description: &'static str,
}

/// An Alpine 3.20 x86_64 package.
#[derive(Debug, Clone)]
pub struct Apk {
    pub name: &'static str,
    pub version: &'static str,
    /// Installed size in bytes (estimated, see the script).
    pub installed: u64,
    pub depends: Vec<&'static str>,
    pub programs: Vec<&'static str>,
    pub description: &'static str,
}

/// An npm package at its latest version.
#[derive(Debug, Clone)]
pub struct Npm {
    pub name: &'static str,
    pub version: &'static str,
    /// The .tgz's size (what the cache keeps).
    pub tarball: u64,
    pub unpacked: u64,
    /// `dependencies`: name and range.
    pub dependencies: Vec<(&'static str, &'static str)>,
    /// `bin`: command and path in the package.
    pub bin: Vec<(&'static str, &'static str)>,
}

/// A PyPI project's wheel for CPython 3.12 on manylinux x86_64.
#[derive(Debug, Clone)]
pub struct Wheel {
    pub name: &'static str,
    pub version: &'static str,
    pub wheel: u64,
    pub installed: u64,
    /// Normalised names of the requirements without extras or markers.
    pub requires: Vec<&'static str>,
    pub scripts: Vec<&'static str>,
    pub top_level: Vec<&'static str>,
}

fn list(s: &'static str, sep: char) -> Vec<&'static str> {
    s.split(sep).filter(|x| !x.is_empty()).collect()
}

fn rows(text: &'static str, fields: usize) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(move |l| {
            let mut f: Vec<&str> = l.splitn(fields, '|').collect();
            f.resize(fields, "");
            f
        })
}

fn num(s: &str) -> u64 {
    s.parse().unwrap_or(0)
}

/// Debian's virtual packages that have a single provider, which apt
/// installs in their place: `libc-dev` → `libc6-dev`.
pub fn deb_virtual(name: &str) -> Option<&'static str> {
    static T: OnceLock<BTreeMap<&'static str, &'static str>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("deb-virtual.txt"), 2)
            .map(|f| (f[0], f[1]))
            .collect()
    })
    .get(name)
    .copied()
}

/// Debian bookworm's packages by name.
pub fn debs() -> &'static BTreeMap<&'static str, Deb> {
    static T: OnceLock<BTreeMap<&'static str, Deb>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("deb.txt"), 12)
            .map(|f| {
                let d = Deb {
                    name: f[0],
                    version: f[1],
                    section: f[2],
                    priority: match f[3] {
                        "r" => "required",
                        "i" => "important",
                        "s" => "standard",
                        "e" => "extra",
                        _ => "optional",
                    },
                    installed_kb: num(f[4]),
                    size: num(f[5]),
                    arch: if f[6].is_empty() { "amd64" } else { f[6] },
                    multi_arch: match f[7] {
                        "f" => "foreign",
                        "s" => "same",
                        "a" => "allowed",
                        _ => "",
                    },
                    depends: list(f[8], ','),
                    recommends: list(f[9], ','),
                    programs: list(f[10], ','),
                    description: f[11],
                };
                (d.name, d)
            })
            .collect()
    })
}

/// Alpine 3.20's packages by name.
pub fn apks() -> &'static BTreeMap<&'static str, Apk> {
    static T: OnceLock<BTreeMap<&'static str, Apk>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("apk.txt"), 6)
            .map(|f| {
                let a = Apk {
                    name: f[0],
                    version: f[1],
                    installed: num(f[2]),
                    depends: list(f[3], ','),
                    programs: list(f[4], ','),
                    description: f[5],
                };
                (a.name, a)
            })
            .collect()
    })
}

/// npm packages by name.
pub fn npms() -> &'static BTreeMap<&'static str, Npm> {
    static T: OnceLock<BTreeMap<&'static str, Npm>> = OnceLock::new();
    T.get_or_init(|| {
        let pairs = |s: &'static str, sep: char| -> Vec<(&'static str, &'static str)> {
            list(s, ';')
                .into_iter()
                .filter_map(|p| {
                    // `@scope/name@range`: the separator is the last one.
                    let i = p.rfind(sep).filter(|i| *i > 0)?;
                    Some((&p[..i], &p[i + 1..]))
                })
                .collect()
        };
        rows(include_str!("npm.txt"), 6)
            .map(|f| {
                let n = Npm {
                    name: f[0],
                    version: f[1],
                    tarball: num(f[2]),
                    unpacked: num(f[3]),
                    dependencies: pairs(f[4], '@'),
                    bin: pairs(f[5], '='),
                };
                (n.name, n)
            })
            .collect()
    })
}

/// PEP 503's normalised name: lower case, runs of `-_.` as one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::new();
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// PyPI wheels by normalised name.
pub fn wheels() -> &'static BTreeMap<String, Wheel> {
    static T: OnceLock<BTreeMap<String, Wheel>> = OnceLock::new();
    T.get_or_init(|| {
        rows(include_str!("pypi.txt"), 7)
            .map(|f| {
                let w = Wheel {
                    name: f[0],
                    version: f[1],
                    wheel: num(f[2]),
                    installed: num(f[3]),
                    requires: list(f[4], ','),
                    scripts: list(f[5], ','),
                    top_level: list(f[6], ','),
                };
                (normalize(w.name), w)
            })
            .collect()
    })
}

/// What one installed file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(String),
    /// [`vfs::generated`] bytes of this length, seeded by the path.
    Generated(u64),
}

/// A file a package installs: absolute path, mode, contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkgFile {
    pub path: String,
    pub mode: u32,
    pub content: Content,
}

impl PkgFile {
    pub fn size(&self) -> u64 {
        match &self.content {
            Content::Text(t) => t.len() as u64,
            Content::Generated(n) => *n,
        }
    }
}

fn text(path: String, t: String) -> PkgFile {
    PkgFile {
        path,
        mode: 0o644,
        content: Content::Text(t),
    }
}

fn bin(path: String, mode: u32, n: u64) -> PkgFile {
    PkgFile {
        path,
        mode,
        content: Content::Generated(n),
    }
}

/// `libssl3` → (`libssl`, `3`); `libcurl4-openssl-dev` → (`libcurl`, ``).
fn lib_stem(name: &str) -> (String, String) {
    let base = name
        .trim_end_matches("-dev")
        .split('-')
        .next()
        .unwrap_or(name);
    let stem = base.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let so = &base[stem.len()..];
    let stem = stem.trim_end_matches(['-', '+']);
    (stem.to_string(), so.trim_start_matches('.').to_string())
}

/// Splits `total` bytes over the files that get a share: programs first
/// (most of it), the rest in a data file.
fn spread(total: u64, programs: usize, has_data: bool) -> (u64, u64) {
    match (programs, has_data) {
        (0, _) => (0, total),
        (n, true) => (total * 6 / 10 / n as u64, total - total * 6 / 10),
        (n, false) => (total / n as u64, 0),
    }
}

/// The files of a Debian package: its programs, libraries or data under
/// the real locations, and `/usr/share/doc/<pkg>/copyright` and
/// changelog.Debian.gz; in total about `Installed-Size`.
pub fn deb_files(d: &Deb) -> Vec<PkgFile> {
    let mut out = layout(d.name);
    let laid_out: u64 = out.iter().map(PkgFile::size).sum();
    let total = (d.installed_kb * 1024).saturating_sub(laid_out);
    let doc = format!("/usr/share/doc/{}", d.name);
    let copyright = format!(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: {}\n\nFiles: *\nLicense: see the upstream project\n",
        d.name
    );
    let small = (copyright.len() as u64 + 2048).min(total);
    out.push(text(format!("{doc}/copyright"), copyright));
    out.push(bin(
        format!("{doc}/changelog.Debian.gz"),
        0o644,
        small.clamp(64, 2048),
    ));
    let rest = total.saturating_sub(small);
    let (each, rest) = spread(rest, d.programs.len(), true);
    for p in &d.programs {
        out.push(bin(format!("/{p}"), 0o755, each));
    }
    let data = if d.name.starts_with("lib") && d.name.ends_with("-dev") {
        let (stem, _) = lib_stem(d.name);
        let h = (rest / 4).min(256 * 1024);
        out.push(bin(format!("/usr/include/{stem}/{stem}-defs.h"), 0o644, h));
        Some(bin(
            format!("/usr/lib/x86_64-linux-gnu/{stem}.a"),
            0o644,
            rest - h,
        ))
    } else if d.name.starts_with("lib") && d.section.starts_with("lib") {
        let (stem, so) = lib_stem(d.name);
        let so = if so.is_empty() { "0".to_string() } else { so };
        Some(bin(
            format!("/usr/lib/x86_64-linux-gnu/{stem}.so.{so}.0.0"),
            0o644,
            rest,
        ))
    } else if d.arch == "all" {
        Some(bin(
            format!("/usr/share/{}/{}.dat", d.name, d.name),
            0o644,
            rest,
        ))
    } else {
        Some(bin(
            format!("/usr/lib/{}/{}.so", d.name, d.name),
            0o644,
            rest,
        ))
    };
    out.extend(data);
    // Debian's Python refuses pip outside a venv (PEP 668).
    if let Some(v) = d
        .name
        .strip_prefix("libpython3.")
        .and_then(|v| v.strip_suffix("-stdlib"))
    {
        out.push(text(
            format!("/usr/lib/python3.{v}/EXTERNALLY-MANAGED"),
            "[externally-managed]\nError=To install Python packages system-wide, try apt install\n python3-xyz, where xyz is the package you are trying to\n install.\n".to_string(),
        ));
    }
    out
}

/// What a few packages lay out beyond programs and data, where Dockerfiles
/// reach for it (nginx's logs and config, the default site).
fn layout(name: &str) -> Vec<PkgFile> {
    match name {
        "nginx-common" => vec![
            text(
                "/etc/nginx/nginx.conf".into(),
                "user www-data;\nworker_processes auto;\npid /run/nginx.pid;\ninclude /etc/nginx/modules-enabled/*.conf;\n\nevents {\n\tworker_connections 768;\n}\n\nhttp {\n\tsendfile on;\n\ttcp_nopush on;\n\ttypes_hash_max_size 2048;\n\tinclude /etc/nginx/mime.types;\n\tdefault_type application/octet-stream;\n\taccess_log /var/log/nginx/access.log;\n\terror_log /var/log/nginx/error.log;\n\tgzip on;\n\tinclude /etc/nginx/conf.d/*.conf;\n\tinclude /etc/nginx/sites-enabled/*;\n}\n".into(),
            ),
            text(
                "/etc/nginx/sites-available/default".into(),
                "server {\n\tlisten 80 default_server;\n\tlisten [::]:80 default_server;\n\troot /var/www/html;\n\tindex index.html index.htm index.nginx-debian.html;\n\tserver_name _;\n\tlocation / {\n\t\ttry_files $uri $uri/ =404;\n\t}\n}\n".into(),
            ),
            text(
                "/var/www/html/index.nginx-debian.html".into(),
                "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n</body>\n</html>\n".into(),
            ),
            text("/var/log/nginx/access.log".into(), String::new()),
            text("/var/log/nginx/error.log".into(), String::new()),
        ],
        // /usr/bin/gem is the ruby package's (a link to gem3.1 in Debian).
        "ruby" => vec![PkgFile {
            path: "/usr/bin/gem".into(),
            mode: 0o755,
            content: Content::Text("#!/usr/bin/ruby3.1\nrequire 'rubygems/gem_runner'\nGem::GemRunner.new.run ARGV.clone\n".into()),
        }],
        _ => Vec::new(),
    }
}

/// The files of an Alpine package: programs and a library or data file
/// under the real locations; in total about its installed size.
pub fn apk_files(a: &Apk) -> Vec<PkgFile> {
    let mut out = Vec::new();
    let total = a.installed;
    let data = if a.name.ends_with("-dev") {
        let stem = a.name.trim_end_matches("-dev");
        bin(format!("/usr/include/{stem}/{stem}.h"), 0o644, total)
    } else if a.name.ends_with("-libs") || a.name.starts_with("lib") {
        let (stem, so) = lib_stem(a.name.trim_end_matches("-libs"));
        let so = if so.is_empty() { "1".to_string() } else { so };
        let stem = if stem.starts_with("lib") {
            stem
        } else {
            format!("lib{stem}")
        };
        bin(format!("/usr/lib/{stem}.so.{so}"), 0o755, total)
    } else {
        bin(
            format!("/usr/share/{}/{}.dat", a.name, a.name),
            0o644,
            total,
        )
    };
    let (each, left) = spread(total, a.programs.len(), total > 64 * 1024);
    for p in &a.programs {
        out.push(bin(format!("/{p}"), 0o755, each));
    }
    if a.name == "python3" {
        out.push(text(
            "/usr/lib/python3.12/EXTERNALLY-MANAGED".to_string(),
            "[externally-managed]\nError=To install Python packages system-wide, try apk add py3-xyz\n".to_string(),
        ));
    }
    if a.programs.is_empty() || left > 0 {
        let mut data = data;
        if !a.programs.is_empty() {
            data.content = Content::Generated(left);
        }
        out.push(data);
    }
    out
}

/// Writes `files` (seeded with `seed_prefix` and each path), making the
/// directories they need; returns the paths written.
pub fn write_files(
    fs: &mut Fs,
    files: &[PkgFile],
    seed_prefix: &str,
    mtime: i64,
) -> Result<(), vfs::Error> {
    for f in files {
        write_one(fs, f, seed_prefix, mtime)?;
    }
    Ok(())
}

/// Writes one file, making its parent directories (0755, root).
pub fn write_one(
    fs: &mut Fs,
    f: &PkgFile,
    seed_prefix: &str,
    mtime: i64,
) -> Result<(), vfs::Error> {
    let meta = |mode| Meta {
        mode,
        uid: 0,
        gid: 0,
        mtime,
    };
    if let Some((dir, _)) = f.path.rsplit_once('/')
        && !dir.is_empty()
    {
        fs.mkdir_all(dir, meta(0o755))?;
    }
    let data: vfs::Data = match &f.content {
        Content::Text(t) => t.as_bytes().into(),
        Content::Generated(n) => vfs::generated(&format!("{seed_prefix}:{}", f.path), *n),
    };
    if fs.lstat(&f.path).is_ok() {
        let _ = fs.remove(&f.path);
    }
    fs.write_file(&f.path, data, meta(f.mode))
}

/// Writes a Debian package's files as dpkg unpacks them and its info/<pkg>.list and .md5sums.
pub fn unpack_deb(fs: &mut Fs, d: &Deb, mtime: i64) -> Result<(), crate::vfs::Error> {
    let files = deb_files(d);
    write_files(fs, &files, &format!("deb:{}:{}", d.name, d.version), mtime)?;
    let mut dirs = std::collections::BTreeSet::new();
    for f in &files {
        for p in parents(&f.path) {
            dirs.insert(p);
        }
    }
    let mut list = String::from("/.\n");
    for p in dirs {
        list.push_str(&p);
        list.push('\n');
    }
    let mut sums = String::new();
    for (i, f) in files.iter().enumerate() {
        list.push_str(&f.path);
        list.push('\n');
        let mut g = crate::vfs::Filler::new(&format!("md5:{}:{}:{i}", d.name, f.path));
        sums.push_str(&format!(
            "{:016x}{:016x}  {}\n",
            g.next_u64(),
            g.next_u64(),
            f.path.trim_start_matches('/')
        ));
    }
    write_text(
        fs,
        &format!("/var/lib/dpkg/info/{}.list", d.name),
        &list,
        mtime,
    )?;
    write_text(
        fs,
        &format!("/var/lib/dpkg/info/{}.md5sums", d.name),
        &sums,
        mtime,
    )
}

/// Writes a text file (making its directories).
pub fn write_text(fs: &mut Fs, path: &str, text: &str, mtime: i64) -> Result<(), vfs::Error> {
    write_one(
        fs,
        &PkgFile {
            path: path.to_string(),
            mode: 0o644,
            content: Content::Text(text.to_string()),
        },
        "",
        mtime,
    )
}

/// The directories above `path` (`/usr/bin/x` → `/usr`, `/usr/bin`).
pub fn parents(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    for p in &parts[..parts.len().saturating_sub(1)] {
        cur.push('/');
        cur.push_str(p);
        out.push(cur.clone());
    }
    out
}

/// apt's SizeToStr (C locale): `615 kB`, `40.5 MB`, `9876 B`.
pub fn apt_size(bytes: u64) -> String {
    let mut v = bytes as f64;
    for (i, unit) in ["B", "kB", "MB", "GB", "TB"].iter().enumerate() {
        if v < 100.0 && i != 0 {
            return format!("{v:.1} {unit}");
        }
        if v < 10000.0 {
            return format!("{v:.0} {unit}");
        }
        v /= 1000.0;
    }
    format!("{v:.0} PB")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_with_real_records() {
        let nginx = &debs()["nginx"];
        assert!(nginx.version.starts_with("1.22.1-9"));
        assert!(nginx.depends.contains(&"nginx-common"));
        assert_eq!(nginx.programs, ["usr/sbin/nginx"]);
        assert!(debs()["git"].recommends.contains(&"less"));
        assert!(debs().len() > 300, "{}", debs().len());
        assert!(apks()["curl"].depends.contains(&"libcurl"));
        assert!(
            npms()["express"]
                .dependencies
                .iter()
                .any(|(n, _)| *n == "body-parser")
        );
        assert!(wheels().contains_key("requests"));
        for d in debs().values() {
            let total: u64 = deb_files(d).iter().map(PkgFile::size).sum();
            let want = d.installed_kb * 1024;
            assert!(
                total <= want.max(4096) + 512 && total + 8192 >= want,
                "{} {total} {want}",
                d.name
            );
        }
    }

    #[test]
    fn sizes_as_apt_prints_them() {
        assert_eq!(apt_size(9876), "9876 B");
        assert_eq!(apt_size(615_000), "615 kB");
        assert_eq!(apt_size(40_512_000), "40.5 MB");
        assert_eq!(apt_size(148_000_000), "148 MB");
        assert_eq!(normalize("PyYAML"), "pyyaml");
        assert_eq!(normalize("zope.interface"), "zope-interface");
    }
}
