//! `sha256sum`, `sha512sum`, `sha224sum`, `sha384sum` `[-b|-t] [FILE…]`
//! and `-c|--check [--quiet|--status|-w|--strict] [FILE…]`, as GNU
//! coreutils, with real digests (the sha2 crate). Checking a file that is
//! a simulated download (see `curl`) cannot be real: a mismatch there is
//! reported as `FILE: OK (simulated download, checksum not checked)` and
//! recorded as simulated, never as a pass of the real file. `md5sum` and
//! `sha1sum` work the same way (RustCrypto's md-5 and sha1, siblings of
//! the sha2 crate the layers are hashed with).

use super::super::{Io, R, Shell};
use sha2::Digest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algo {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Algo {
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Algo::Md5 => md5::Md5::digest(data).to_vec(),
            Algo::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Algo::Sha224 => sha2::Sha224::digest(data).to_vec(),
            Algo::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Algo::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Algo::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Algo::Md5 => "MD5",
            Algo::Sha1 => "SHA1",
            Algo::Sha224 => "SHA224",
            Algo::Sha256 => "SHA256",
            Algo::Sha384 => "SHA384",
            Algo::Sha512 => "SHA512",
        }
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let algo = match argv[0].rsplit('/').next().unwrap_or("") {
        "md5sum" => Algo::Md5,
        "sha1sum" => Algo::Sha1,
        "sha224sum" => Algo::Sha224,
        "sha384sum" => Algo::Sha384,
        "sha512sum" => Algo::Sha512,
        _ => Algo::Sha256,
    };
    main(sh, io, argv, algo)
}

fn main(sh: &mut Shell, io: &Io, argv: &[String], algo: Algo) -> R {
    let name = argv[0]
        .rsplit('/')
        .next()
        .unwrap_or("sha256sum")
        .to_string();
    let args = super::parse_args(argv);
    let check = args.has('c') || args.has_long("check");
    let binary = args.has('b') || args.has_long("binary");
    let files = if args.operands.is_empty() {
        vec!["-".to_string()]
    } else {
        args.operands.clone()
    };
    if !check {
        let mut status = 0;
        for f in &files {
            let (data, st) = super::read_inputs(sh, io, &name, std::slice::from_ref(f))?;
            if st != 0 {
                status = 1;
                continue;
            }
            let sum = hex(&algo.digest(&data.concat()));
            let star = if binary { "*" } else { " " };
            sh.out(io, format!("{sum} {star}{f}\n"))?;
        }
        return Ok(status);
    }
    let quiet = args.has_long("quiet");
    let silent = args.has_long("status");
    let warn = args.has('w') || args.has_long("warn");
    let strict = args.has_long("strict");
    let hex_len = algo.digest(b"").len() * 2;
    let (mut bad_format, mut failed, mut unread) = (0, 0, 0);
    let mut status = 0;
    for list in &files {
        let (data, st) = super::read_inputs(sh, io, &name, std::slice::from_ref(list))?;
        if st != 0 {
            status = 1;
            continue;
        }
        let shown = if list == "-" { "standard input" } else { list };
        let text = String::from_utf8_lossy(&data.concat()).into_owned();
        let mut good_lines = 0;
        for (n, line) in text.lines().enumerate() {
            let parsed = line.split_once(' ').and_then(|(h, rest)| {
                let f = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('*'))?;
                (h.len() == hex_len && h.bytes().all(|b| b.is_ascii_hexdigit()) && !f.is_empty())
                    .then(|| (h.to_ascii_lowercase(), f.to_string()))
            });
            let Some((want, file)) = parsed else {
                if line.starts_with('#') {
                    continue;
                }
                bad_format += 1;
                if warn {
                    sh.err(
                        io,
                        format!(
                            "{name}: {shown}: {}: improperly formatted {} checksum line\n",
                            n + 1,
                            algo.label()
                        ),
                    )?;
                }
                continue;
            };
            good_lines += 1;
            let content = if file == "-" {
                Ok(io.take_input().to_vec())
            } else {
                sh.ctx.fs.read_file(&sh.ctx.abs(&file)).map(|d| d.to_vec())
            };
            let content = match content {
                Ok(c) => c,
                Err(e) => {
                    unread += 1;
                    sh.err(io, format!("{name}: {file}: {}\n", super::why(&e)))?;
                    if !silent {
                        sh.out(io, format!("{file}: FAILED open or read\n"))?;
                    }
                    continue;
                }
            };
            if hex(&algo.digest(&content)) == want {
                if !quiet && !silent {
                    sh.out(io, format!("{file}: OK\n"))?;
                }
            } else if sh.is_download(&content) {
                if !silent {
                    sh.out(
                        io,
                        format!("{file}: OK (simulated download, checksum not checked)\n"),
                    )?;
                }
                sh.simulated(
                    &name,
                    format!(
                        "simulated checksum: {file} is a simulated download; its {} was not checked",
                        algo.label()
                    ),
                );
            } else {
                failed += 1;
                if !silent {
                    sh.out(io, format!("{file}: FAILED\n"))?;
                }
            }
        }
        if good_lines == 0
            && bad_format == 0
            && sh
                .ctx
                .simulated
                .iter()
                .any(|s| s.message.starts_with("simulated download"))
        {
            // Nothing to check, after a made-up download: the list was most
            // likely cut from a downloaded checksum file (`grep NAME SHASUMS |
            // sha256sum -c`) whose real lines are unknown.
            sh.simulated(
                &name,
                format!("simulated checksum: {shown} had no checksum lines (cut from a simulated download?); nothing was checked"),
            );
            continue;
        }
        if good_lines == 0 {
            sh.err(
                io,
                format!(
                    "{name}: {shown}: no properly formatted {} checksum lines found\n",
                    algo.label()
                ),
            )?;
            status = 1;
        }
    }
    let plural = |n: i32, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    if !silent {
        if bad_format > 0 && status == 0 {
            let l = plural(bad_format, "line is", "lines are");
            sh.err(io, format!("{name}: WARNING: {l} improperly formatted\n"))?;
        }
        if unread > 0 {
            let l = plural(unread, "listed file", "listed files");
            sh.err(io, format!("{name}: WARNING: {l} could not be read\n"))?;
        }
        if failed > 0 {
            let l = plural(failed, "computed checksum did", "computed checksums did");
            sh.err(io, format!("{name}: WARNING: {l} NOT match\n"))?;
        }
    }
    if failed > 0 || unread > 0 || (strict && bad_format > 0) {
        status = 1;
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sh;

    const ABC256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn real_digests() {
        let r = sh(
            "printf abc > /tmp/a; sha256sum /tmp/a; printf abc | sha256sum; sha512sum /tmp/a | cut -c1-16; sha256sum /nope; echo $?",
        );
        assert_eq!(
            r.out,
            format!("{ABC256}  /tmp/a\n{ABC256}  -\nddaf35a193617aba\n1\n")
        );
        assert_eq!(r.err, "sha256sum: /nope: No such file or directory\n");
    }

    #[test]
    fn check_is_real_on_real_files() {
        let r = sh(&format!(
            "printf abc > /tmp/a; echo \"{ABC256}  /tmp/a\" | sha256sum -c -; echo $?; echo \"{ABC256}  /tmp/b\" > /tmp/s; echo x > /tmp/b; sha256sum -c /tmp/s; echo $?; echo junk | sha256sum -c; echo $?"
        ));
        assert_eq!(r.out, "/tmp/a: OK\n0\n/tmp/b: FAILED\n1\n1\n");
        assert_eq!(
            r.err,
            "sha256sum: WARNING: 1 computed checksum did NOT match\nsha256sum: standard input: no properly formatted SHA256 checksum lines found\n"
        );
        assert!(r.simulated.is_empty());
    }

    #[test]
    fn check_of_a_download_is_simulated() {
        let r = sh(&format!(
            "cd /tmp && curl -fsSLO https://e.com/tool.tgz && echo \"{ABC256} *tool.tgz\" | sha256sum -c - && echo ok"
        ));
        assert_eq!(
            r.out,
            "tool.tgz: OK (simulated download, checksum not checked)\nok\n"
        );
        assert_eq!(
            r.simulated[1],
            "simulated checksum: tool.tgz is a simulated download; its SHA256 was not checked"
        );
        let r = sh(
            "curl -sSLO https://e.com/SHASUMS256.txt.asc && grep ' node.tar.gz$' SHASUMS256.txt.asc | sha256sum -c - && echo passed",
        );
        assert_eq!(r.out, "passed\n");
        assert_eq!(
            r.simulated[1],
            "simulated checksum: standard input had no checksum lines (cut from a simulated download?); nothing was checked"
        );
        // md5sum and sha1sum are real too (RFC 1321's and FIPS 180's "abc").
        let r = sh(
            "printf abc | md5sum; printf abc > /tmp/a; sha1sum /tmp/a; echo \"900150983cd24fb0d6963f7d28e17f72  /tmp/a\" | md5sum -c; echo $?",
        );
        assert_eq!(
            r.out,
            "900150983cd24fb0d6963f7d28e17f72  -\na9993e364706816aba3e25717850c26c9cd0d89d  /tmp/a\n/tmp/a: OK\n0\n"
        );
        assert!(r.unsimulated.is_empty());
    }
}
