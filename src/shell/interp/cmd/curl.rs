//! `curl [-fsSLkO] [-o FILE] URL…`. There is no network in a simulated
//! build: a URL gets deterministic made-up content (see [`download`]), and
//! every download is recorded in [`Context::simulated`] ("simulated
//! download: URL (N bytes)") so the build says so. `file://` URLs read the
//! filesystem for real. No progress meter is written. Options that only
//! matter on a network (`--retry`, `-H`, `--proto`, `-k`…) are accepted and
//! have no effect; uploads (`-T`, `-d`, `-F`) are not simulated.
//!
//! [`Context::simulated`]: super::super::Context::simulated

use super::super::{Io, R, Shell};
use crate::oci::tar::{Entry, write_tar};
use crate::vfs::{self, Filler};

/// What a simulated download of `url` contains. By the name's extension:
/// `.tar.gz`/`.tgz`/`.tar.xz`/`.txz`/`.tar.bz2` a real gzip'd tar (whatever
/// the extension says, so `tar x` of it works) holding one directory named
/// after the archive's stem with a README and a generated `bin/` program;
/// `.sha256`/`.sha512` the checksum line of the URL without the suffix;
/// `.asc`/`.sig` an armored signature; `.sh`/`.py`… a script; anything else
/// generated binary bytes, of a size that depends on the URL.
pub fn download(url: &str, mtime: i64) -> Vec<u8> {
    let clean = url.split(['?', '#']).next().unwrap_or(url);
    let name = remote_name(clean).unwrap_or_else(|| "index.html".into());
    let mut f = Filler::new(url);
    let between = |f: &mut Filler, lo: u64, hi: u64| lo + f.next_u64() % (hi - lo);
    const ARCHIVES: [&str; 7] = [
        ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar",
    ];
    for ext in ARCHIVES {
        if let Some(stem) = name.strip_suffix(ext) {
            return archive(url, stem, between(&mut f, 24 << 10, 96 << 10), mtime);
        }
    }
    // `…/download?suffix=tar.gz`, `…/latest?format=tgz`: the query says.
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    if ["tar.gz", "tgz", "tar.xz", "tar.bz2"]
        .iter()
        .any(|e| query.contains(e))
    {
        return archive(url, &name, between(&mut f, 24 << 10, 96 << 10), mtime);
    }
    for (ext, sha512) in [(".sha256", false), (".sha256sum", false), (".sha512", true)] {
        if let Some(of) = clean.strip_suffix(ext) {
            let data = download(of, mtime);
            let base = remote_name(of).unwrap_or_default();
            let hash = if sha512 {
                super::sha256sum::hex(&super::sha256sum::Algo::Sha512.digest(&data))
            } else {
                super::sha256sum::hex(&super::sha256sum::Algo::Sha256.digest(&data))
            };
            return format!("{hash}  {base}\n").into_bytes();
        }
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "asc" | "sig" | "gpg" => {
            let body = super::sha256sum::hex(&super::sha256sum::Algo::Sha512.digest(url.as_bytes()));
            format!("-----BEGIN PGP SIGNATURE-----\n\n{}\n{}\n-----END PGP SIGNATURE-----\n", &body[..64], &body[64..])
                .into_bytes()
        }
        "sh" | "bash" | "py" | "pl" | "rb" | "ps1" => {
            format!("#!/bin/sh\n# layerlab: simulated download of {url}\n# (no network: the real script is unknown)\nexit 0\n").into_bytes()
        }
        "txt" | "json" | "html" | "xml" | "yaml" | "yml" | "md" | "conf" | "pem" | "crt"
        | "key" | "list" | "repo" => {
            format!("# layerlab: simulated download of {url}\n").into_bytes()
        }
        "deb" | "rpm" | "apk" => vfs::generated(url, between(&mut f, 64 << 10, 192 << 10)).to_vec(),
        "zip" | "whl" | "jar" | "war" | "gem" | "nupkg" => {
            let mut d = vfs::generated(url, between(&mut f, 48 << 10, 160 << 10)).to_vec();
            d[..4].copy_from_slice(b"PK\x03\x04");
            d
        }
        _ if name == "index.html" => format!("# layerlab: simulated download of {url}\n").into_bytes(),
        _ => vfs::generated(url, between(&mut f, 256 << 10, 768 << 10)).to_vec(),
    }
}

/// The name `-O` saves `url` as: its last path component.
pub fn remote_name(url: &str) -> Option<String> {
    let clean = url.split(['?', '#']).next().unwrap_or(url);
    let path = clean.split_once("://").map(|(_, p)| p).unwrap_or(clean);
    let path = path.split_once('/').map(|(_, p)| p)?;
    let name = path.rsplit('/').next().unwrap_or("");
    (!name.is_empty()).then(|| name.to_string())
}

fn archive(url: &str, stem: &str, size: u64, mtime: i64) -> Vec<u8> {
    let dir: String = stem
        .chars()
        .filter(|c| !c.is_control() && *c != '/')
        .collect();
    let dir = if dir.is_empty() || dir == "." || dir == ".." {
        "archive".to_string()
    } else {
        dir
    };
    let prog = dir
        .split(['-', '_', '.'])
        .next()
        .filter(|p| !p.is_empty())
        .unwrap_or("program")
        .to_string();
    let readme = format!(
        "{dir}\n\nlayerlab: simulated download of {url}\n(no network: the real contents are unknown)\n"
    );
    let entries = [
        Entry::dir(&dir, 0o755),
        Entry::file(&format!("{dir}/README"), readme.into_bytes(), 0o644),
        Entry::dir(&format!("{dir}/bin"), 0o755),
        Entry::file(
            &format!("{dir}/bin/{prog}"),
            vfs::generated(url, size).to_vec(),
            0o755,
        ),
    ]
    .map(|e| e.with_mtime(mtime));
    let tar = write_tar(&entries).unwrap_or_default();
    super::gzip::compress(&tar, 6, None, 0)
}

/// Fetches `url` for `name` (curl or wget): a `file://` URL from the
/// filesystem, anything else made up and recorded as simulated. `Err` with
/// strerror's text when a `file://` path cannot be read.
pub fn fetch(sh: &mut Shell, name: &str, url: &str) -> Result<Vec<u8>, String> {
    if let Some(path) = url.strip_prefix("file://") {
        return sh
            .ctx
            .fs
            .read_file(path)
            .map(|d| d.to_vec())
            .map_err(|e| super::why(&e));
    }
    let data = download(url, sh.ctx.mtime);
    sh.mark_download(&data);
    sh.simulated(
        name,
        format!(
            "simulated download: {url} ({} bytes, no network)",
            data.len()
        ),
    );
    Ok(data)
}

/// Options of curl that take a value.
const WITH_VALUE: &[&str] = &[
    "o", "H", "A", "x", "u", "d", "X", "w", "e", "m", "C", "T", "b", "c", "r", "F", "K", "E", "Y",
    "y", "z", "U", "Q", "P",
];

enum Out {
    File(String),
    Remote,
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut urls: Vec<String> = Vec::new();
    let mut outs: Vec<Out> = Vec::new();
    let (mut fail, mut create_dirs, mut silent, mut show_error) = (false, false, false, false);
    let mut out_dir: Option<String> = None;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if let Some(l) = a.strip_prefix("--") {
            let (key, inline) = match l.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (l, None),
            };
            let value = |i: &mut usize| {
                inline.clone().or_else(|| {
                    let v = argv.get(*i).cloned();
                    *i += 1;
                    v
                })
            };
            match key {
                "output" => outs.push(Out::File(value(&mut i).unwrap_or_default())),
                "remote-name" => outs.push(Out::Remote),
                "remote-name-all" => {}
                "url" => urls.extend(value(&mut i)),
                "fail" | "fail-with-body" => fail = true,
                "silent" => silent = true,
                "show-error" => show_error = true,
                "create-dirs" => create_dirs = true,
                "output-dir" => out_dir = value(&mut i),
                "data" | "data-binary" | "data-raw" | "form" | "upload-file" | "json" => {
                    sh.unsimulated("curl");
                    return Ok(0);
                }
                "header" | "user-agent" | "retry" | "retry-delay" | "retry-max-time"
                | "connect-timeout" | "max-time" | "proto" | "proto-redir" | "request"
                | "write-out" | "cacert" | "capath" | "cert" | "key" | "referer" | "range"
                | "limit-rate" | "resolve" | "user" | "proxy" | "tlsv1.2-max" | "ciphers"
                | "max-redirs" | "continue-at" | "cookie" | "cookie-jar" | "config"
                | "dns-servers" | "interface" | "netrc-file" | "oauth2-bearer" | "pinnedpubkey"
                    if inline.is_none() =>
                {
                    i += 1;
                }
                _ => {}
            }
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            let letters: Vec<char> = a[1..].chars().collect();
            for (k, c) in letters.iter().enumerate() {
                if WITH_VALUE.contains(&c.to_string().as_str()) {
                    let rest: String = letters[k + 1..].iter().collect();
                    let v = if rest.is_empty() {
                        let v = argv.get(i).cloned().unwrap_or_default();
                        i += 1;
                        v
                    } else {
                        rest
                    };
                    match c {
                        'o' => outs.push(Out::File(v)),
                        'd' | 'F' | 'T' => {
                            sh.unsimulated("curl");
                            return Ok(0);
                        }
                        _ => {}
                    }
                    break;
                }
                match c {
                    'O' => outs.push(Out::Remote),
                    'f' => fail = true,
                    's' => silent = true,
                    'S' => show_error = true,
                    _ => {}
                }
            }
            continue;
        }
        urls.push(a.clone());
    }
    let _ = (fail, silent);
    if urls.is_empty() {
        sh.err(
            io,
            "curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
        )?;
        return Ok(2);
    }
    let mut status = 0;
    let mut outs = outs.into_iter();
    for url in urls {
        let target = match outs.next() {
            None => None,
            Some(Out::File(f)) if f == "-" => None,
            Some(Out::File(f)) => Some(f),
            Some(Out::Remote) => match remote_name(&url) {
                Some(n) => Some(n),
                None => {
                    if !silent || show_error {
                        sh.err(io, "curl: (23) Remote filename has no length\n")?;
                    }
                    status = 23;
                    continue;
                }
            },
        };
        let target = match (target, &out_dir) {
            (Some(t), Some(d)) if !t.starts_with('/') => Some(format!("{d}/{t}")),
            (t, _) => t,
        };
        let data = match fetch(sh, "curl", &url) {
            Ok(d) => d,
            Err(_) => {
                if !silent || show_error {
                    sh.err(
                        io,
                        format!(
                            "curl: (37) Couldn't open file {}\n",
                            &url["file://".len()..]
                        ),
                    )?;
                }
                status = 37;
                continue;
            }
        };
        match target {
            None => sh.out(io, data)?,
            Some(t) => {
                let abs = sh.ctx.abs(&t);
                if create_dirs && let Some((dir, _)) = abs.rsplit_once('/') {
                    let meta = sh.ctx.new_meta(0o777);
                    let _ = sh
                        .ctx
                        .fs
                        .mkdir_all(if dir.is_empty() { "/" } else { dir }, meta);
                }
                if let Err(e) = super::write_file(sh, &t, data) {
                    if !silent {
                        sh.err(
                            io,
                            format!("Warning: Failed to open the file {t}: {}\n", super::why(&e)),
                        )?;
                    }
                    if !silent || show_error {
                        sh.err(io, "curl: (23) Failure writing output to destination\n")?;
                    }
                    status = 23;
                }
            }
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in, sh};

    #[test]
    fn downloads_are_deterministic_and_recorded() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "cd /tmp && curl -fsSLO https://example.com/dl/gosu-amd64 && curl -sSL -o /tmp/x https://example.com/dl/gosu-amd64?v=1 && ls /tmp",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert_eq!(r.out, "gosu-amd64\nx\n");
        let a = fs.read_file("/tmp/gosu-amd64").unwrap();
        assert_eq!(&a[..4], b"\x7fELF");
        assert!(a.len() >= 256 << 10 && a.len() < 768 << 10);
        assert_eq!(fs.stat("/tmp/gosu-amd64").unwrap().meta.mode, 0o644);
        assert_eq!(
            r.simulated[0],
            format!(
                "simulated download: https://example.com/dl/gosu-amd64 ({} bytes, no network)",
                a.len()
            )
        );
        assert_eq!(r.simulated.len(), 2);
        assert_eq!(
            super::download("https://example.com/dl/gosu-amd64", 0),
            a.to_vec()
        );
    }

    #[test]
    fn an_archive_pipes_into_tar() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "mkdir -p /usr/local && curl -fsSL https://nodejs.org/dist/v20.1.0/node-v20.1.0-linux-x64.tar.xz | tar -xJ -C /usr/local --strip-components=1 --no-same-owner && ls /usr/local /usr/local/bin",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert_eq!(r.out, "/usr/local:\nREADME\nbin\n\n/usr/local/bin:\nnode\n");
        assert!(r.unsimulated.is_empty());
    }

    #[test]
    fn a_query_can_name_the_archive_type() {
        let r = sh(
            "mkdir /g && curl -sSL 'https://dl.example.com/geoip_download?edition_id=Country&suffix=tar.gz' | tar -xzf - --strip-components 1 -C /g && ls /g",
        );
        assert_eq!(r.out, "README\nbin\n", "{}", r.err);
    }

    #[test]
    fn a_piped_script_is_not_run_and_errors_are_curls() {
        let r = sh("curl -fsSL https://get.example.com/install.sh | sh; echo $?");
        assert_eq!(r.out, "0\n");
        assert_eq!(r.unsimulated, ["sh"]);
        let r = sh(
            "curl; echo $?; curl -sS -o /nodir/x https://e.com/a; echo $?; curl -O https://e.com/; echo $?",
        );
        assert_eq!(r.out, "2\n23\n23\n");
        assert_eq!(
            r.err,
            "curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\ncurl: (23) Failure writing output to destination\ncurl: (23) Remote filename has no length\n"
        );
        assert_eq!(sh("echo hi > /tmp/f; curl -s file:///tmp/f").out, "hi\n");
    }
}
