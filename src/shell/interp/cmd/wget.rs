//! `wget [-q] [-O FILE|-O -] [-P DIR] URL…` (GNU wget and BusyBox's):
//! like `curl`, the content is made up (no network) and each download is
//! recorded as simulated. Without `-O` the file is named after the URL, and
//! an existing name gets `.1`, `.2`… as GNU wget does. No progress output
//! is written; options that only matter on a network are accepted.

use super::super::{Io, R, Shell};

/// Short options that take a value.
const WITH_VALUE: &[char] = &[
    'O', 'P', 'T', 't', 'U', 'o', 'a', 'e', 'w', 'Y', 'i', 'B', 'l', 'A', 'R', 'D', 'X', 'I',
];

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let mut urls = Vec::new();
    let mut doc: Option<String> = None;
    let mut prefix: Option<String> = None;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        if let Some(l) = a.strip_prefix("--") {
            let (key, inline) = match l.split_once('=') {
                Some((k, v)) => (k, Some(v.to_string())),
                None => (l, None),
            };
            let takes = matches!(
                key,
                "output-document"
                    | "directory-prefix"
                    | "timeout"
                    | "tries"
                    | "user-agent"
                    | "header"
                    | "progress"
                    | "output-file"
                    | "append-output"
                    | "ca-certificate"
                    | "post-data"
                    | "post-file"
                    | "method"
                    | "body-data"
                    | "user"
                    | "password"
                    | "wait"
                    | "waitretry"
                    | "read-timeout"
                    | "connect-timeout"
                    | "dns-timeout"
                    | "limit-rate"
                    | "execute"
                    | "input-file"
                    | "secure-protocol"
                    | "referer"
                    | "http-user"
                    | "http-password"
                    | "certificate"
                    | "private-key"
            );
            let value = if takes && inline.is_none() {
                i += 1;
                argv.get(i - 1).cloned()
            } else {
                inline
            };
            match key {
                "output-document" => doc = value,
                "directory-prefix" => prefix = value,
                "post-data" | "post-file" | "body-data" | "input-file" | "recursive" | "mirror" => {
                    sh.unsimulated("wget");
                    return Ok(0);
                }
                _ => {}
            }
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            let letters: Vec<char> = a[1..].chars().collect();
            for (k, c) in letters.iter().enumerate() {
                if WITH_VALUE.contains(c) {
                    let rest: String = letters[k + 1..].iter().collect();
                    let v = if rest.is_empty() {
                        i += 1;
                        argv.get(i - 1).cloned().unwrap_or_default()
                    } else {
                        rest
                    };
                    match c {
                        'O' => doc = Some(v),
                        'P' => prefix = Some(v),
                        'i' => {
                            sh.unsimulated("wget");
                            return Ok(0);
                        }
                        _ => {}
                    }
                    break;
                }
                if *c == 'r' {
                    sh.unsimulated("wget");
                    return Ok(0);
                }
            }
            continue;
        }
        urls.push(a.clone());
    }
    if urls.is_empty() {
        sh.err(
            io,
            "wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n",
        )?;
        return Ok(1);
    }
    let mut status = 0;
    let mut document = Vec::new();
    for url in &urls {
        let data = match super::curl::fetch(sh, "wget", url) {
            Ok(d) => d,
            Err(why) => {
                let path = &url["file://".len()..];
                sh.err(io, format!("{path}: {why}\n"))?;
                status = 1;
                continue;
            }
        };
        if doc.is_some() {
            // -O: every download goes into the one document.
            document.extend_from_slice(&data);
            continue;
        }
        let name = super::curl::remote_name(url).unwrap_or_else(|| "index.html".into());
        let dir = prefix.clone().unwrap_or_else(|| ".".into());
        let mut target = format!("{}/{name}", dir.trim_end_matches('/'));
        let mut n = 1;
        while sh.ctx.fs.lstat(&sh.ctx.abs(&target)).is_ok() {
            target = format!("{}/{name}.{n}", dir.trim_end_matches('/'));
            n += 1;
        }
        if prefix.is_some() {
            let meta = sh.ctx.new_meta(0o777);
            let abs = sh.ctx.abs(&dir);
            let _ = sh.ctx.fs.mkdir_all(&abs, meta);
        }
        let shown = target.strip_prefix("./").unwrap_or(&target).to_string();
        if let Err(e) = super::write_file(sh, &target, data) {
            sh.err(io, format!("{shown}: {}\n", super::why(&e)))?;
            status = 3;
        }
    }
    if let Some(d) = doc {
        if d == "-" {
            sh.out(io, document)?;
        } else if let Err(e) = super::write_file(sh, &d, document) {
            sh.err(io, format!("{d}: {}\n", super::why(&e)))?;
            status = 3;
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, run_in, sh};

    #[test]
    fn names_prefixes_and_documents() {
        let mut fs = fs();
        let r = run_in(
            &mut fs,
            "cd /tmp && wget -q https://e.com/a/tool.deb && wget https://e.com/a/tool.deb && wget -qP /opt/dl https://e.com/b.zip && wget -qO /tmp/doc https://e.com/c && ls /tmp /opt/dl && wget -qO- https://e.com/x/setup.sh | head -1",
        );
        assert_eq!(r.status, 0, "{}", r.err);
        assert_eq!(
            r.out,
            "/tmp:\ndoc\ntool.deb\ntool.deb.1\n\n/opt/dl:\nb.zip\n#!/bin/sh\n"
        );
        assert_eq!(&fs.read_file("/opt/dl/b.zip").unwrap()[..4], b"PK\x03\x04");
        assert_eq!(r.simulated.len(), 5);
        assert_eq!(
            fs.read_file("/tmp/tool.deb").unwrap(),
            fs.read_file("/tmp/tool.deb.1").unwrap()
        );
    }

    #[test]
    fn missing_url_and_scripts() {
        let r = sh("wget -q; echo $?");
        assert_eq!(r.out, "1\n");
        assert_eq!(
            r.err,
            "wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n"
        );
        let r = sh("wget -qO- https://e.com/install | bash -s -- --yes; echo $?");
        assert_eq!(
            (r.out.as_str(), r.unsimulated),
            ("0\n", vec!["bash".to_string()])
        );
    }
}
