//! The dpkg database (/var/lib/dpkg/status and info/*.list) as dpkg writes
//! it, shared by `apt-get`/`apt` and `dpkg`/`dpkg-query`, and those two
//! commands' read-only side: `dpkg -l|-s|-L|--print-architecture`,
//! `dpkg-query -W [-f FORMAT]|-s|-l|-L`. `dpkg -i` is not simulated (a
//! .deb made outside the catalog cannot be read): it is recorded as such.

use super::super::{Io, R, Shell};
use crate::vfs::Fs;

pub const STATUS: &str = "/var/lib/dpkg/status";

/// One stanza of the status file: its fields in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stanza(pub Vec<(String, String)>);

impl Stanza {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    pub fn name(&self) -> &str {
        self.get("Package").unwrap_or("")
    }

    pub fn installed(&self) -> bool {
        self.get("Status")
            .is_some_and(|s| s.ends_with(" installed"))
    }

    /// The names in `Depends` and `Pre-Depends` (first alternatives).
    pub fn depends(&self) -> Vec<String> {
        ["Pre-Depends", "Depends"]
            .iter()
            .filter_map(|k| self.get(k))
            .flat_map(|v| v.split(','))
            .filter_map(|d| {
                let d = d.split('|').next()?.trim();
                let d = d.split([' ', '(', ':']).next()?;
                (!d.is_empty()).then(|| d.to_string())
            })
            .collect()
    }

    fn render(&self, out: &mut String) {
        for (k, v) in &self.0 {
            out.push_str(k);
            out.push(':');
            if !v.starts_with('\n') {
                out.push(' ');
            }
            out.push_str(v);
            out.push('\n');
        }
        out.push('\n');
    }
}

/// The stanzas of a status file (continuation lines kept in the value).
pub fn parse(text: &str) -> Vec<Stanza> {
    let mut out = Vec::new();
    let mut cur = Stanza::default();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !cur.0.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = cur.0.last_mut() {
                v.push('\n');
                v.push_str(line);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            cur.0.push((k.to_string(), v.trim_start().to_string()));
        }
    }
    if !cur.0.is_empty() {
        out.push(cur);
    }
    out
}

pub fn read(fs: &Fs) -> Vec<Stanza> {
    fs.read_file(STATUS)
        .map(|d| parse(&String::from_utf8_lossy(&d)))
        .unwrap_or_default()
}

/// Writes the database sorted by package name, as dpkg does.
pub fn write(fs: &mut Fs, mut db: Vec<Stanza>, mtime: i64) -> Result<(), crate::vfs::Error> {
    db.sort_by(|a, b| a.name().cmp(b.name()));
    let mut text = String::new();
    for s in &db {
        s.render(&mut text);
    }
    crate::packages::write_text(fs, STATUS, &text, mtime)
}

/// The stanza dpkg writes for a catalog package it installed.
pub fn stanza_of(d: &crate::packages::Deb) -> Stanza {
    let mut f = vec![
        ("Package", d.name.to_string()),
        ("Status", "install ok installed".to_string()),
        ("Priority", d.priority.to_string()),
        ("Section", d.section.to_string()),
        ("Installed-Size", d.installed_kb.to_string()),
        ("Architecture", d.arch.to_string()),
    ];
    if !d.multi_arch.is_empty() {
        f.push(("Multi-Arch", d.multi_arch.to_string()));
    }
    f.push(("Version", d.version.to_string()));
    if !d.depends.is_empty() {
        f.push(("Depends", d.depends.join(", ")));
    }
    if !d.recommends.is_empty() {
        f.push(("Recommends", d.recommends.join(", ")));
    }
    f.push(("Description", d.description.to_string()));
    Stanza(f.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn find<'a>(db: &'a [Stanza], name: &str) -> Option<&'a Stanza> {
    let name = name.split(':').next().unwrap_or(name);
    db.iter().find(|s| s.name() == name && s.installed())
}

/// Whether `dpkg ACTION` is simulated (see [`super::simulates`]).
pub fn simulates(action: Option<&str>) -> bool {
    matches!(
        action,
        None | Some(
            "--print-architecture" | "-l" | "--list" | "-s" | "--status" | "-L" | "--listfiles"
        )
    )
}

pub fn dpkg(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    match args.first().copied() {
        Some("--print-architecture") => {
            sh.out(io, "amd64\n")?;
            Ok(0)
        }
        Some("-l" | "--list") => list(sh, io, "dpkg", &args[1..]),
        Some("-s" | "--status") => status(sh, io, "dpkg", &args[1..]),
        Some("-L" | "--listfiles") => listfiles(sh, io, "dpkg", &args[1..]),
        Some(
            "-i" | "--install" | "--unpack" | "--configure" | "-r" | "--remove" | "-P" | "--purge",
        ) => sh.not_simulated("dpkg"),
        None => {
            sh.err(
                io,
                "dpkg: error: need an action option\n\nType dpkg --help for help about installing and deinstalling packages [*];\nUse 'apt' or 'aptitude' for user-friendly package management;\nType dpkg -Dhelp for a list of dpkg debug flag values;\nType dpkg --force-help for a list of forcing options;\nType dpkg-deb --help for help about manipulating *.deb files;\n\nOptions marked [*] produce a lot of output - pipe it through 'less' or 'more' !\n",
            )?;
            Ok(2)
        }
        Some(_) => sh.not_simulated("dpkg"),
    }
}

pub fn dpkg_query(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    let mut format = None;
    let mut rest = Vec::new();
    let mut action = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "-f" || a == "--showformat" {
            format = args.get(i + 1).map(|s| s.to_string());
            i += 1;
        } else if let Some(f) = a.strip_prefix("--showformat=") {
            format = Some(f.to_string());
        } else if a.starts_with('-') && action.is_none() {
            action = Some(a);
        } else {
            rest.push(a);
        }
        i += 1;
    }
    match action {
        Some("-W" | "--show") => show(sh, io, format.as_deref(), &rest),
        Some("-l" | "--list") => list(sh, io, "dpkg-query", &rest),
        Some("-s" | "--status") => status(sh, io, "dpkg-query", &rest),
        Some("-L" | "--listfiles") => listfiles(sh, io, "dpkg-query", &rest),
        _ => {
            sh.err(io, "dpkg-query: error: need an action option\n\nUse --help for help about querying packages.\n")?;
            Ok(2)
        }
    }
}

fn show(sh: &mut Shell, io: &Io, format: Option<&str>, names: &[&str]) -> R {
    let db = read(sh.ctx.fs);
    let fmt = format.unwrap_or("${Package}\t${Version}\n");
    let render = |s: &Stanza| -> String {
        let mut out = String::new();
        let mut rest = fmt;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let Some(j) = rest[i..].find('}') else {
                break;
            };
            let field = &rest[i + 2..i + j];
            let field = field.split(';').next().unwrap_or(field);
            let v = match field {
                "binary:Package" => s.name().to_string(),
                "db:Status-Abbrev" => "ii ".to_string(),
                "db:Status-Status" => "installed".to_string(),
                f => s.get(f).unwrap_or("").to_string(),
            };
            out.push_str(&v);
            rest = &rest[i + j + 1..];
        }
        out.push_str(rest);
        out.replace("\\n", "\n").replace("\\t", "\t")
    };
    let mut status = 0;
    if names.is_empty() {
        let text: String = db.iter().filter(|s| s.installed()).map(render).collect();
        sh.out(io, text)?;
        return Ok(0);
    }
    for n in names {
        let hits: Vec<&Stanza> = db
            .iter()
            .filter(|s| s.installed() && super::super::pattern::matches(n, s.name()))
            .collect();
        if hits.is_empty() {
            sh.err(io, format!("dpkg-query: no packages found matching {n}\n"))?;
            status = 1;
        }
        for s in hits {
            let t = render(s);
            sh.out(io, t)?;
        }
    }
    Ok(status)
}

fn list(sh: &mut Shell, io: &Io, _tool: &str, names: &[&str]) -> R {
    let db = read(sh.ctx.fs);
    let mut out = String::from(
        "Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n||/ Name           Version      Architecture Description\n+++-==============-============-============-=================================\n",
    );
    let mut status = 0;
    let mut any = false;
    for s in db.iter().filter(|s| s.installed()) {
        if !names.is_empty()
            && !names
                .iter()
                .any(|n| super::super::pattern::matches(n, s.name()))
        {
            continue;
        }
        any = true;
        let desc = s
            .get("Description")
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("");
        out.push_str(&format!(
            "ii  {:<14} {:<12} {:<12} {desc}\n",
            s.name(),
            s.get("Version").unwrap_or(""),
            s.get("Architecture").unwrap_or("")
        ));
    }
    if any {
        sh.out(io, out)?;
    }
    for n in names {
        if !db
            .iter()
            .any(|s| s.installed() && super::super::pattern::matches(n, s.name()))
        {
            sh.err(io, format!("dpkg-query: no packages found matching {n}\n"))?;
            status = 1;
        }
    }
    Ok(status)
}

fn status(sh: &mut Shell, io: &Io, tool: &str, names: &[&str]) -> R {
    if names.is_empty() {
        sh.err(io, format!("{tool}: error: --status needs at least one package name argument\n\nUse --help for help about querying packages.\n"))?;
        return Ok(2);
    }
    let db = read(sh.ctx.fs);
    let mut st = 0;
    for n in names {
        match find(&db, n) {
            Some(s) => {
                let mut t = String::new();
                s.render(&mut t);
                sh.out(io, t)?;
            }
            None => {
                sh.err(io, format!("dpkg-query: package '{n}' is not installed and no information is available\nUse dpkg --info (= dpkg-deb --info) to examine archive files.\n"))?;
                st = 1;
            }
        }
    }
    Ok(st)
}

fn listfiles(sh: &mut Shell, io: &Io, _tool: &str, names: &[&str]) -> R {
    let mut st = 0;
    for n in names {
        let path = format!("/var/lib/dpkg/info/{n}.list");
        match sh.ctx.fs.read_file(&path) {
            Ok(d) => {
                let d = d.to_vec();
                sh.out(io, d)?;
            }
            Err(_) => {
                sh.err(io, format!("dpkg-query: package '{n}' is not installed\nUse dpkg --contents (= dpkg-deb --contents) to list archive files contents.\n"))?;
                st = 1;
            }
        }
    }
    Ok(st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trip() {
        let text = "Package: base-files\nStatus: install ok installed\nVersion: 12.4+deb12u8\nDescription: Debian base system miscellaneous files\n This package contains the basic filesystem hierarchy.\n\nPackage: bash\nStatus: install ok installed\nPre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)\nDepends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1)\nVersion: 5.2.15-2+b7\n\n";
        let db = parse(text);
        assert_eq!(db.len(), 2);
        assert_eq!(
            db[1].depends(),
            ["libc6", "libtinfo6", "base-files", "debianutils"]
        );
        let mut out = String::new();
        for s in &db {
            s.render(&mut out);
        }
        assert_eq!(out, text);
    }
}

/// `dpkg-architecture -q VAR` (`--query`), or every variable: amd64's.
pub fn dpkg_architecture(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    const VARS: &[(&str, &str)] = &[
        ("DEB_BUILD_ARCH", "amd64"),
        ("DEB_BUILD_ARCH_BITS", "64"),
        ("DEB_BUILD_ARCH_CPU", "amd64"),
        ("DEB_BUILD_ARCH_ENDIAN", "little"),
        ("DEB_BUILD_ARCH_OS", "linux"),
        ("DEB_BUILD_GNU_CPU", "x86_64"),
        ("DEB_BUILD_GNU_SYSTEM", "linux-gnu"),
        ("DEB_BUILD_GNU_TYPE", "x86_64-linux-gnu"),
        ("DEB_BUILD_MULTIARCH", "x86_64-linux-gnu"),
        ("DEB_HOST_ARCH", "amd64"),
        ("DEB_HOST_ARCH_BITS", "64"),
        ("DEB_HOST_ARCH_CPU", "amd64"),
        ("DEB_HOST_ARCH_ENDIAN", "little"),
        ("DEB_HOST_ARCH_OS", "linux"),
        ("DEB_HOST_GNU_CPU", "x86_64"),
        ("DEB_HOST_GNU_SYSTEM", "linux-gnu"),
        ("DEB_HOST_GNU_TYPE", "x86_64-linux-gnu"),
        ("DEB_HOST_MULTIARCH", "x86_64-linux-gnu"),
        ("DEB_TARGET_ARCH", "amd64"),
        ("DEB_TARGET_GNU_TYPE", "x86_64-linux-gnu"),
        ("DEB_TARGET_MULTIARCH", "x86_64-linux-gnu"),
    ];
    let mut query = None;
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        if a == "-q" || a == "--query" {
            query = argv.get(i + 1).cloned();
            i += 1;
        } else if let Some(v) = a.strip_prefix("-q").filter(|v| !v.is_empty()) {
            query = Some(v.to_string());
        } else if let Some(v) = a.strip_prefix("--query=") {
            query = Some(v.to_string());
        } else if a == "-l" || a == "--list" {
        } else {
            return sh.not_simulated("dpkg-architecture");
        }
        i += 1;
    }
    match query {
        Some(q) => match VARS.iter().find(|(k, _)| *k == q) {
            Some((_, v)) => sh.out(io, format!("{v}\n"))?,
            None => {
                sh.err(
                    io,
                    format!("dpkg-architecture: error: unknown variable {q}\n"),
                )?;
                return Ok(255);
            }
        },
        None => {
            let text: String = VARS.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
            sh.out(io, text)?;
        }
    }
    Ok(0)
}

/// `dpkg-divert [--local] [--rename] [--divert TO] --add|--remove FILE`:
/// the diversion recorded in /var/lib/dpkg/diversions and, with
/// `--rename`, the file moved aside.
pub fn dpkg_divert(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut divert = None;
    let mut rename = false;
    let mut remove = false;
    let mut file = None;
    let mut i = 1;
    while i < argv.len() {
        match argv[i].as_str() {
            "--divert" => {
                divert = argv.get(i + 1).cloned();
                i += 1;
            }
            "--rename" => rename = true,
            "--remove" => remove = true,
            "--add" | "--local" | "--quiet" | "--no-rename" => {}
            "--package" => i += 1,
            a if a.starts_with('-') => return sh.not_simulated("dpkg-divert"),
            a => file = Some(a.to_string()),
        }
        i += 1;
    }
    let Some(file) = file else {
        sh.err(io, "dpkg-divert: error: --add needs a single argument\n")?;
        return Ok(2);
    };
    let to = divert.unwrap_or_else(|| format!("{file}.distrib"));
    const DB: &str = "/var/lib/dpkg/diversions";
    let mut lines: Vec<String> = sh
        .ctx
        .fs
        .read_file(DB)
        .map(|d| {
            String::from_utf8_lossy(&d)
                .lines()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let (from_abs, to_abs) = (sh.ctx.abs(&file), sh.ctx.abs(&to));
    if remove {
        if let Some(k) = lines.chunks(3).position(|c| c.first() == Some(&file)) {
            lines.drain(k * 3..(k * 3 + 3).min(lines.len()));
            if rename && sh.ctx.fs.lstat(&to_abs).is_ok() {
                let _ = sh.ctx.fs.rename(&to_abs, &from_abs);
            }
            sh.out(
                io,
                format!("Removing 'local diversion of {file} to {to}'\n"),
            )?;
        } else {
            sh.out(
                io,
                format!("No diversion 'any diversion of {file}', none removed.\n"),
            )?;
        }
    } else {
        lines.extend([file.clone(), to.clone(), ":".into()]);
        if rename
            && sh.ctx.fs.lstat(&from_abs).is_ok()
            && let Err(e) = sh.ctx.fs.rename(&from_abs, &to_abs)
        {
            {
                sh.err(
                    io,
                    format!(
                        "dpkg-divert: error: rename involves overwriting '{to}': {}\n",
                        super::why(&e)
                    ),
                )?;
                return Ok(2);
            }
        }
        sh.out(io, format!("Adding 'local diversion of {file} to {to}'\n"))?;
    }
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let mtime = sh.ctx.mtime;
    if let Err(e) = crate::packages::write_text(sh.ctx.fs, DB, &text, mtime) {
        sh.err(
            io,
            format!("dpkg-divert: error: {DB}: {}\n", super::why(&e)),
        )?;
        return Ok(2);
    }
    Ok(0)
}

#[cfg(test)]
mod divert_tests {
    use super::super::testing::{fs_with, run_in};

    #[test]
    fn architecture_and_diversions() {
        let mut fs = fs_with(&["/usr/bin/dpkg-architecture", "/usr/bin/dpkg-divert"]);
        let r = run_in(
            &mut fs,
            "dpkg-architecture --query DEB_BUILD_GNU_TYPE; dpkg-architecture -qDEB_HOST_MULTIARCH; dpkg-architecture -q NOPE; echo $?; echo hi > /usr/bin/x; dpkg-divert --add --rename --divert /usr/bin/x.real /usr/bin/x; cat /usr/bin/x.real; test -e /usr/bin/x || echo moved; cat /var/lib/dpkg/diversions",
        );
        assert_eq!(
            r.out,
            "x86_64-linux-gnu\nx86_64-linux-gnu\n255\nAdding 'local diversion of /usr/bin/x to /usr/bin/x.real'\nhi\nmoved\n/usr/bin/x\n/usr/bin/x.real\n:\n",
            "{}",
            r.err
        );
        assert!(r.unsimulated.is_empty());
    }
}
