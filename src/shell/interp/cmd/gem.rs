//! `gem install NAME[:VERSION]… [-v VERSION] [--no-document|-N]`,
//! `gem uninstall`, `gem list`, `gem --version`, on a small table of the
//! gems Dockerfiles install most (names, versions and dependencies as
//! rubygems.org has them; sizes estimated — rubygems.org is not reachable
//! where this was written). A gem outside the table is not simulated.
//!
//! Where: `$GEM_HOME` if set (the ruby images set /usr/local/bundle), else
//! Debian's /var/lib/gems/3.1.0 with executables in /usr/local/bin, or
//! Alpine's /usr/lib/ruby/gems/3.3.0 with executables in /usr/bin. Each gem
//! gets `gems/NAME-VERSION/` (its lib and bin), `specifications/…gemspec`,
//! the downloaded `cache/NAME-VERSION.gem`, and `doc/` unless
//! `--no-document` (the bytes that flag saves, as in a real image).

use super::super::{Io, R, Shell};
use crate::packages::{self, Content, PkgFile};

/// name, version, installed bytes, dependencies, executables.
type Gem = (
    &'static str,
    &'static str,
    u64,
    &'static [&'static str],
    &'static [&'static str],
);

const GEMS: &[Gem] = &[
    ("bundler", "2.5.23", 1_100_000, &[], &["bundle", "bundler"]),
    ("rake", "13.2.1", 260_000, &[], &["rake"]),
    ("json", "2.9.0", 450_000, &[], &[]),
    ("rack", "3.1.8", 480_000, &[], &[]),
    ("puma", "6.5.0", 1_300_000, &["nio4r"], &["puma", "pumactl"]),
    ("nio4r", "2.7.4", 700_000, &[], &[]),
    (
        "sinatra",
        "4.1.1",
        250_000,
        &["rack", "rack-protection", "tilt", "mustermann"],
        &[],
    ),
    ("rack-protection", "4.1.1", 90_000, &["rack"], &[]),
    ("tilt", "2.4.0", 200_000, &[], &["tilt"]),
    ("mustermann", "3.0.3", 180_000, &[], &[]),
    ("nokogiri", "1.17.2", 14_000_000, &["racc"], &["nokogiri"]),
    ("racc", "1.8.1", 300_000, &[], &["racc"]),
    (
        "sass",
        "3.7.4",
        2_400_000,
        &[],
        &["sass", "scss", "sass-convert"],
    ),
    (
        "fpm",
        "1.15.1",
        1_900_000,
        &["clamp", "dotenv", "pleaserun"],
        &["fpm"],
    ),
    ("clamp", "1.3.2", 120_000, &[], &[]),
    ("dotenv", "3.1.4", 90_000, &[], &["dotenv"]),
    ("pleaserun", "0.0.32", 400_000, &["clamp"], &["pleaserun"]),
    (
        "jekyll",
        "4.3.4",
        2_200_000,
        &["rouge", "kramdown", "liquid"],
        &["jekyll"],
    ),
    ("rouge", "4.5.1", 3_500_000, &[], &["rougify"]),
    ("kramdown", "2.5.1", 1_300_000, &[], &["kramdown"]),
    ("liquid", "5.5.1", 450_000, &[], &[]),
    (
        "rails",
        "8.0.0",
        40_000,
        &["railties", "activesupport"],
        &[],
    ),
    (
        "railties",
        "8.0.0",
        2_000_000,
        &["activesupport", "rake"],
        &["rails"],
    ),
    (
        "activesupport",
        "8.0.0",
        3_600_000,
        &["concurrent-ruby", "i18n"],
        &[],
    ),
    ("concurrent-ruby", "1.3.4", 1_500_000, &[], &[]),
    ("i18n", "1.14.6", 380_000, &["concurrent-ruby"], &[]),
    ("foreman", "0.88.1", 300_000, &[], &["foreman"]),
    ("compass", "1.0.3", 1_100_000, &["sass"], &["compass"]),
    ("github-pages", "232", 30_000, &["jekyll"], &[]),
];

fn find(name: &str) -> Option<&'static Gem> {
    GEMS.iter().find(|g| g.0 == name)
}

/// (gem dir, bin dir) for this image.
fn target(sh: &Shell) -> (String, String) {
    if let Some(h) = sh.ctx.get_var("GEM_HOME") {
        return (h.to_string(), format!("{h}/bin"));
    }
    if sh.ctx.fs.exists("/etc/alpine-release") {
        ("/usr/lib/ruby/gems/3.3.0".into(), "/usr/bin".into())
    } else {
        ("/var/lib/gems/3.1.0".into(), "/usr/local/bin".into())
    }
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = &argv[1..];
    if args.first().is_some_and(|a| a == "-v" || a == "--version") {
        sh.out(io, "3.5.22\n")?;
        return Ok(0);
    }
    let words: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    match words.first().copied() {
        Some("install" | "i") => install(sh, io, args),
        Some("list") => {
            let (home, _) = target(sh);
            let mut names: Vec<String> = sh
                .ctx
                .fs
                .read_dir(&format!("{home}/specifications"))
                .map(|v| v.into_iter().map(|(n, _)| n).collect())
                .unwrap_or_default();
            names.sort();
            let text: String = names
                .iter()
                .filter_map(|n| n.strip_suffix(".gemspec"))
                .filter_map(|n| n.rsplit_once('-'))
                .map(|(n, v)| format!("{n} ({v})\n"))
                .collect();
            sh.out(io, text)?;
            Ok(0)
        }
        _ => sh.not_simulated("gem"),
    }
}

fn install(sh: &mut Shell, io: &Io, args: &[String]) -> R {
    let mut wanted = Vec::new();
    let mut version = None;
    let mut docs = true;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "install" | "i" if wanted.is_empty() && i == 0 => {}
            "-v" | "--version" => {
                version = args.get(i + 1).cloned();
                i += 1;
            }
            "-N" | "--no-document" | "--no-ri" | "--no-rdoc" => docs = false,
            a if a.starts_with("--no-document") => docs = false,
            a if a.starts_with('-') => {}
            a => wanted.push(a.to_string()),
        }
        i += 1;
    }
    // name:version, and a pin that is not the table's: not simulated.
    let mut order: Vec<&'static str> = Vec::new();
    for w in &wanted {
        let (name, pin) = match w.split_once(':') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (w.as_str(), version.clone()),
        };
        let Some(g) = find(name) else {
            return sh.not_simulated("gem");
        };
        if pin.is_some_and(|p| p.trim_start_matches(['~', '>', '=', ' ']) != g.1) {
            return sh.not_simulated("gem");
        }
        let mut stack = vec![g.0];
        while let Some(n) = stack.pop() {
            if order.contains(&n) {
                continue;
            }
            order.push(n);
            if let Some(d) = find(n) {
                stack.extend(d.3.iter().copied());
            }
        }
    }
    let (home, bin) = target(sh);
    let mtime = sh.ctx.mtime;
    let mut text = String::new();
    for n in order.iter().rev() {
        let Some(&(name, ver, size, _, exes)) = find(n) else {
            continue;
        };
        let dir = format!("{home}/gems/{name}-{ver}");
        let mut files = vec![
            PkgFile {
                path: format!("{dir}/lib/{name}.rb"),
                mode: 0o644,
                content: Content::Generated(size * 7 / 10),
            },
            PkgFile {
                path: format!("{dir}/README.md"),
                mode: 0o644,
                content: Content::Generated(size / 20),
            },
            PkgFile {
                path: format!("{home}/cache/{name}-{ver}.gem"),
                mode: 0o644,
                content: Content::Generated(size * 4 / 10),
            },
            PkgFile {
                path: format!("{home}/specifications/{name}-{ver}.gemspec"),
                mode: 0o644,
                content: Content::Text(format!(
                    "# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  s.name = \"{name}\".freeze\n  s.version = \"{ver}\".freeze\nend\n"
                )),
            },
        ];
        if docs {
            files.push(PkgFile {
                path: format!("{home}/doc/{name}-{ver}/ri/cache.ri"),
                mode: 0o644,
                content: Content::Generated(size / 4),
            });
        }
        for e in exes {
            files.push(PkgFile {
                path: format!("{dir}/exe/{e}"),
                mode: 0o755,
                content: Content::Generated(2_000),
            });
            files.push(PkgFile {
                path: format!("{bin}/{e}"),
                mode: 0o755,
                content: Content::Text(format!("#!/usr/bin/env ruby\n# This file was generated by RubyGems.\nrequire 'rubygems'\nload Gem.bin_path('{name}', '{e}', '{ver}')\n")),
            });
        }
        if let Err(e) =
            packages::write_files(sh.ctx.fs, &files, &format!("gem:{name}:{ver}"), mtime)
        {
            sh.err(
                io,
                format!("ERROR:  While executing gem ... ({})\n", super::why(&e)),
            )?;
            return Ok(1);
        }
        text.push_str(&format!("Successfully installed {name}-{ver}\n"));
        if docs {
            text.push_str(&format!("Parsing documentation for {name}-{ver}\nInstalling ri documentation for {name}-{ver}\n"));
        }
    }
    if docs {
        text.push_str("Done installing documentation for the gems above.\n");
    }
    let n = order.len();
    text.push_str(&format!(
        "{n} gem{} installed\n",
        if n == 1 { "" } else { "s" }
    ));
    sh.out(io, text)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs_with, run_in};

    #[test]
    fn install_writes_gems_specs_cache_and_bins() {
        let mut fs = fs_with(&["/usr/bin/gem"]);
        let r = run_in(
            &mut fs,
            "gem install puma --no-document && ls /var/lib/gems/3.1.0/gems && test -x /usr/local/bin/puma && gem list; gem install bundler -v 2.5.23 | tail -1; gem install nosuchgem; gem build x.gemspec",
        );
        assert_eq!(
            r.out,
            "Successfully installed nio4r-2.7.4\nSuccessfully installed puma-6.5.0\n2 gems installed\nnio4r-2.7.4\npuma-6.5.0\nnio4r (2.7.4)\npuma (6.5.0)\n1 gem installed\n",
            "{}",
            r.err
        );
        assert!(
            fs.exists("/var/lib/gems/3.1.0/doc/bundler-2.5.23/ri/cache.ri"),
            "docs unless --no-document"
        );
        assert!(!fs.exists("/var/lib/gems/3.1.0/doc/puma-6.5.0"));
        assert_eq!(r.unsimulated, ["gem", "gem"]);
    }
}
