//! `go` (1.23): `mod download`, `build [-o OUT] [-ldflags …]`,
//! `install PKG@VERSION`, `version`, `env VAR`. `go run`, `go test`,
//! `go generate`, `go vet` run the project's code: not simulated.
//!
//! What changes is what the go command changes: the module cache
//! (`$GOPATH/pkg/mod/cache/download/<module>/@v/<version>.{zip,mod,info}` and
//! the extracted `<module>@<version>/`), the build cache ($GOCACHE, by
//! default ~/.cache/go-build: the lesson of `RUN --mount=type=cache`), and
//! the binary. There is no module index: the modules are go.mod's
//! `require`s with their sizes made up (deterministic, 40–400 kB zipped);
//! a binary is 1.8 MB plus 250 kB a module (a third less with
//! `-ldflags "-s -w"`).

use super::super::{Io, R, Shell};
use crate::packages::{self, Content, PkgFile};
use crate::vfs::Filler;

/// Whether `go OP` is simulated (see [`super::simulates`]).
pub fn simulates(op: Option<&str>) -> bool {
    matches!(
        op,
        None | Some("mod" | "build" | "install" | "version" | "env")
    )
}

fn gopath(sh: &Shell) -> String {
    sh.ctx
        .get_var("GOPATH")
        .filter(|v| !v.is_empty())
        .map(|v| v.split(':').next().unwrap_or(v).to_string())
        .unwrap_or_else(|| format!("{}/go", sh.ctx.get_var("HOME").unwrap_or("/root")))
}

fn gocache(sh: &Shell) -> String {
    sh.ctx
        .get_var("GOCACHE")
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "{}/.cache/go-build",
                sh.ctx.get_var("HOME").unwrap_or("/root")
            )
        })
}

/// The module path with capitals escaped as the module cache writes them.
fn escape(path: &str) -> String {
    let mut out = String::new();
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// go.mod's requirements: module path and version.
type Requires = Vec<(String, String)>;

/// go.mod from the working directory or a parent: its module path and
/// requirements.
fn go_mod(sh: &Shell) -> Option<(String, Requires)> {
    let mut dir = sh.ctx.cwd.clone();
    loop {
        let path = format!("{}/go.mod", dir.trim_end_matches('/'));
        if let Ok(d) = sh.ctx.fs.read_file(&path) {
            let text = String::from_utf8_lossy(&d).into_owned();
            let mut module = String::new();
            let mut reqs = Vec::new();
            let mut block = false;
            for line in text.lines() {
                let line = line.split("//").next().unwrap_or("").trim();
                if let Some(m) = line.strip_prefix("module ") {
                    module = m.trim().trim_matches('"').to_string();
                } else if line == "require (" {
                    block = true;
                } else if block && line == ")" {
                    block = false;
                } else {
                    let spec = if block {
                        Some(line)
                    } else {
                        line.strip_prefix("require ")
                    };
                    if let Some(spec) = spec {
                        let mut w = spec.split_whitespace();
                        if let (Some(p), Some(v)) = (w.next(), w.next()) {
                            reqs.push((p.to_string(), v.to_string()));
                        }
                    }
                }
            }
            return Some((module, reqs));
        }
        if dir == "/" || dir.is_empty() {
            return None;
        }
        dir = match dir.rsplit_once('/') {
            Some(("", _)) => "/".to_string(),
            Some((p, _)) => p.to_string(),
            None => return None,
        };
    }
}

/// Puts a module in the module cache (download and extracted).
fn download(sh: &mut Shell, path: &str, version: &str) {
    let gp = gopath(sh);
    let esc = escape(path);
    let mut f = Filler::new(&format!("gomod:{path}@{version}"));
    let zip = 40_000 + f.next_u64() % 360_000;
    let dl = format!("{gp}/pkg/mod/cache/download/{esc}/@v");
    let files = [
        PkgFile {
            path: format!("{dl}/{version}.zip"),
            mode: 0o444,
            content: Content::Generated(zip),
        },
        PkgFile {
            path: format!("{dl}/{version}.mod"),
            mode: 0o444,
            content: Content::Text(format!("module {path}\n\ngo 1.21\n")),
        },
        PkgFile {
            path: format!("{dl}/{version}.info"),
            mode: 0o444,
            content: Content::Text(format!(
                "{{\"Version\":\"{version}\",\"Time\":\"2024-01-01T00:00:00Z\"}}\n"
            )),
        },
        PkgFile {
            path: format!("{dl}/{version}.ziphash"),
            mode: 0o444,
            content: Content::Text("h1:=\n".into()),
        },
        PkgFile {
            path: format!("{gp}/pkg/mod/{esc}@{version}/go.mod"),
            mode: 0o444,
            content: Content::Text(format!("module {path}\n")),
        },
        PkgFile {
            path: format!(
                "{gp}/pkg/mod/{esc}@{version}/{}.go",
                path.rsplit('/').next().unwrap_or("mod")
            ),
            mode: 0o444,
            content: Content::Generated(zip * 3),
        },
    ];
    let mtime = sh.ctx.mtime;
    let _ = packages::write_files(sh.ctx.fs, &files, "gomod", mtime);
}

fn no_mod(sh: &mut Shell, io: &Io) -> R {
    sh.err(io, "go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n")?;
    Ok(1)
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let args = &argv[1..];
    match args.first().map(String::as_str) {
        Some("version") => {
            let v = sh
                .ctx
                .fs
                .read_file("/usr/local/go/VERSION")
                .ok()
                .and_then(|d| {
                    String::from_utf8_lossy(&d)
                        .lines()
                        .next()
                        .map(str::to_string)
                })
                .unwrap_or_else(|| "go1.23.4".into());
            sh.out(io, format!("go version {v} linux/amd64\n"))?;
            Ok(0)
        }
        Some("env") => {
            let mut text = String::new();
            for k in &args[1..] {
                let v = match k.as_str() {
                    "GOPATH" => gopath(sh),
                    "GOCACHE" => gocache(sh),
                    "GOMODCACHE" => format!("{}/pkg/mod", gopath(sh)),
                    "GOOS" => "linux".into(),
                    "GOARCH" => "amd64".into(),
                    "GOROOT" => "/usr/local/go".into(),
                    k => sh.ctx.get_var(k).unwrap_or("").to_string(),
                };
                text.push_str(&v);
                text.push('\n');
            }
            sh.out(io, text)?;
            Ok(0)
        }
        Some("mod") => match args.get(1).map(String::as_str) {
            Some("download") => {
                let Some((_, reqs)) = go_mod(sh) else {
                    return no_mod(sh, io);
                };
                for (p, v) in reqs {
                    download(sh, &p, &v);
                }
                Ok(0)
            }
            _ => sh.not_simulated("go"),
        },
        Some("build") => build(sh, io, &args[1..]),
        Some("install") => {
            let Some(spec) = args[1..].iter().find(|a| !a.starts_with('-')) else {
                return sh.not_simulated("go");
            };
            let Some((path, version)) = spec.split_once('@') else {
                return sh.not_simulated("go");
            };
            let version = if version == "latest" {
                "v1.0.0"
            } else {
                version
            };
            download(sh, path, version);
            let name = path
                .rsplit('/')
                .find(|e| !(e.starts_with('v') && e[1..].bytes().all(|b| b.is_ascii_digit())))
                .unwrap_or(path);
            let gobin = sh
                .ctx
                .get_var("GOBIN")
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| format!("{}/bin", gopath(sh)));
            let mut f = Filler::new(&format!("goinstall:{path}@{version}"));
            let size = 4_000_000 + f.next_u64() % 8_000_000;
            let mtime = sh.ctx.mtime;
            let bin = PkgFile {
                path: format!("{gobin}/{name}"),
                mode: 0o755,
                content: Content::Generated(size),
            };
            let _ = packages::write_one(sh.ctx.fs, &bin, &format!("go:{path}@{version}"), mtime);
            write_build_cache(sh, path, size);
            Ok(0)
        }
        _ => sh.not_simulated("go"),
    }
}

fn write_build_cache(sh: &mut Shell, key: &str, size: u64) {
    let dir = gocache(sh);
    let mut f = Filler::new(&format!("gocache:{key}"));
    let mtime = sh.ctx.mtime;
    let mut files = vec![
        PkgFile { path: format!("{dir}/README"), mode: 0o644, content: Content::Text("This directory holds cached build artifacts from the Go build system.\nRun \"go clean -cache\" if the directory is getting too large.\nRun \"go clean -fuzzcache\" to delete the fuzz cache.\nSee golang.org to learn more about Go.\n".into()) },
        PkgFile { path: format!("{dir}/trim.txt"), mode: 0o644, content: Content::Text("1700000000\n".into()) },
    ];
    // Objects of about one and a half times the binary, in 256 subdirectories.
    for i in 0..12 {
        let h = format!("{:016x}{:016x}", f.next_u64(), f.next_u64());
        files.push(PkgFile {
            path: format!("{dir}/{}/{h}-d", &h[..2]),
            mode: 0o644,
            content: Content::Generated(size / 8),
        });
        let _ = i;
    }
    let _ = packages::write_files(sh.ctx.fs, &files, "gocache", mtime);
}

fn build(sh: &mut Shell, io: &Io, args: &[String]) -> R {
    let mut out = None;
    let mut strip = false;
    let mut pkgs = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-o" => {
                out = args.get(i + 1).cloned();
                i += 1;
            }
            "-ldflags" | "-tags" | "-gcflags" | "-mod" | "-trimpath=true" | "-buildvcs" | "-p" => {
                if a == "-ldflags"
                    && args
                        .get(i + 1)
                        .is_some_and(|f| f.contains("-s") && f.contains("-w"))
                {
                    strip = true;
                }
                if a != "-trimpath=true" {
                    i += 1;
                }
            }
            _ if a.starts_with("-ldflags=") => strip = a.contains("-s") && a.contains("-w"),
            _ if a.starts_with('-') => {}
            _ => pkgs.push(a.to_string()),
        }
        i += 1;
    }
    let Some((module, reqs)) = go_mod(sh) else {
        if pkgs.iter().all(|p| p.ends_with(".go")) && !pkgs.is_empty() {
            return sh.not_simulated("go");
        }
        return no_mod(sh, io);
    };
    for (p, v) in &reqs {
        let gp = gopath(sh);
        if !sh.ctx.fs.exists(&format!("{gp}/pkg/mod/{}@{v}", escape(p))) {
            download(sh, p, v);
        }
    }
    let main_name = pkgs
        .first()
        .filter(|p| *p != "." && *p != "./...")
        .map(|p| {
            p.trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(p)
                .to_string()
        })
        .unwrap_or_else(|| module.rsplit('/').next().unwrap_or("main").to_string());
    let name = main_name.trim_end_matches(".go").to_string();
    let target = match out {
        Some(o) => {
            let abs = sh.ctx.abs(&o);
            if o.ends_with('/')
                || sh
                    .ctx
                    .fs
                    .stat(&abs)
                    .is_ok_and(|s| s.kind == crate::vfs::Kind::Dir)
            {
                format!("{}/{name}", abs.trim_end_matches('/'))
            } else {
                abs
            }
        }
        None => sh.ctx.abs(&name),
    };
    let mut size = 1_800_000 + 250_000 * reqs.len() as u64;
    if strip {
        size = size * 2 / 3;
    }
    let mtime = sh.ctx.mtime;
    let bin = PkgFile {
        path: target.clone(),
        mode: 0o755,
        content: Content::Generated(size),
    };
    if let Err(e) = packages::write_one(sh.ctx.fs, &bin, &format!("go:{module}"), mtime) {
        sh.err(io, format!("go: open {target}: {}\n", super::why(&e)))?;
        return Ok(1);
    }
    write_build_cache(sh, &module, size);
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::run_in;
    use crate::vfs::Meta;

    #[test]
    fn build_downloads_modules_and_fills_the_caches() {
        let mut fs = super::super::testing::fs();
        fs.mkdir_all("/usr/local/go/bin", Meta::new(0o755)).unwrap();
        fs.mkdir_all("/src", Meta::new(0o755)).unwrap();
        fs.write_file("/usr/local/go/bin/go", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        let path = "PATH=/usr/local/go/bin:$PATH GOPATH=/go";
        let r = run_in(
            &mut fs,
            &format!("cd /src && {path} go build -o /out/app ."),
        );
        assert_eq!(r.status, 1);
        assert!(r.err.starts_with("go: go.mod file not found"));
        let r = run_in(
            &mut fs,
            &format!(
                "cd /src && printf 'module example.com/app\\n\\ngo 1.23\\n\\nrequire (\\n\\tgithub.com/BurntSushi/toml v1.4.0\\n)\\n' > go.mod && {path} go mod download && mkdir /out && {path} go build -ldflags '-s -w' -o /out/ . && {path} go test ./..."
            ),
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert!(fs.exists("/go/pkg/mod/cache/download/github.com/!burnt!sushi/toml/@v/v1.4.0.zip"));
        assert!(fs.exists("/go/pkg/mod/github.com/!burnt!sushi/toml@v1.4.0/go.mod"));
        assert_eq!(
            fs.stat("/out/app").unwrap().size,
            (1_800_000 + 250_000) * 2 / 3
        );
        assert!(fs.exists("/root/.cache/go-build/README"));
        assert_eq!(r.unsimulated, ["go"]);
        let r = run_in(&mut fs, "cd /src && go version");
        assert_eq!(r.status, 127, "not on this PATH");
    }
}
