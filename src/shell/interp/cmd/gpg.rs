//! `gpg`, `gpgconf` and `apt-key`, as Dockerfiles use them to fetch and
//! check release keys. There is no network and no real key, so:
//!
//! - `gpg --recv-keys KEY…` (`--receive-keys`, any `--keyserver`) makes up
//!   the key: it writes the keyring files real gpg writes under `$GNUPGHOME`
//!   (else `~/.gnupg`, mode 0700), prints gpg's import lines and records a
//!   "simulated key fetch" notice; `--import` does the same for a key file.
//! - `gpg --verify SIG [DATA]` cannot check anything real: it says so on
//!   stderr, succeeds, and records "signature not checked" — never a "Good
//!   signature" that did not happen.
//! - `gpg --dearmor` / `--export` write a binary keyring (`-o FILE`,
//!   `--output FILE` or stdout) made from the input or the made-up keys.
//! - `gpgconf --kill …` has no agent to stop: a no-op.
//! - `apt-key add FILE|-` and `apt-key adv --recv-keys KEY` write
//!   /etc/apt/trusted.gpg with apt-key's deprecation warning.
//!
//! Anything else gpg is asked (`--sign`, `--encrypt`, `--list-keys`, …) is
//! not simulated and recorded as such.

use super::super::{Io, R, Shell};
use crate::vfs;

/// What a gpg command line asks for.
#[derive(Default)]
struct Opts {
    homedir: Option<String>,
    output: Option<String>,
    keyserver: Option<String>,
    command: Option<String>,
    operands: Vec<String>,
}

fn parse(argv: &[String]) -> Opts {
    let mut o = Opts::default();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if a.starts_with("--") => (n, Some(v.to_string())),
            _ => (a, None),
        };
        let value = |i: &mut usize| {
            inline.clone().or_else(|| {
                *i += 1;
                argv.get(*i).cloned()
            })
        };
        match name {
            "--homedir" => o.homedir = value(&mut i),
            "-o" | "--output" => o.output = value(&mut i),
            "--keyserver" => o.keyserver = value(&mut i),
            "--keyserver-options"
            | "--trust-model"
            | "--default-key"
            | "-u"
            | "--local-user"
            | "--recipient"
            | "-r"
            | "--status-fd"
            | "--passphrase"
            | "--pinentry-mode" => {
                value(&mut i);
            }
            "--recv-keys"
            | "--recv-key"
            | "--receive-keys"
            | "--verify"
            | "--import"
            | "--dearmor"
            | "--enarmor"
            | "--export"
            | "--list-keys"
            | "-k"
            | "--fingerprint"
            | "--sign"
            | "--encrypt"
            | "--decrypt"
            | "-d"
            | "--clearsign"
            | "--detach-sign"
            | "--armor-export"
            | "--list-secret-keys"
            | "--gen-key"
            | "--full-generate-key"
            | "--delete-keys"
            | "--refresh-keys"
            | "--keyid-format"
            | "--show-keys" => {
                if name == "--keyid-format" {
                    value(&mut i);
                } else {
                    o.command = Some(name.trim_start_matches('-').to_string());
                }
            }
            _ if a.starts_with('-') && a.len() > 1 => {}
            _ => o.operands.push(a.to_string()),
        }
        i += 1;
    }
    o
}

/// gpg's home: `--homedir`, `$GNUPGHOME`, else `~/.gnupg`.
fn home(sh: &Shell, o: &Opts) -> String {
    let h = o
        .homedir
        .clone()
        .or_else(|| sh.ctx.get_var("GNUPGHOME").map(str::to_string))
        .unwrap_or_else(|| format!("{}/.gnupg", sh.ctx.get_var("HOME").unwrap_or("/root")));
    sh.ctx.abs(&h)
}

/// A made-up 16-hex-digit key id for a key name (the last 16 digits of a
/// fingerprint, as gpg prints them).
fn key_id(key: &str) -> String {
    let hex: String = key
        .trim_start_matches("0x")
        .chars()
        .filter(char::is_ascii_hexdigit)
        .collect();
    if hex.len() >= 16 {
        hex[hex.len() - 16..].to_uppercase()
    } else {
        let mut f = vfs::Filler::new(&format!("gpg-key:{key}"));
        format!("{:016X}", f.next_u64())
    }
}

/// Writes the keyring files gpg keeps (made-up contents), in a home made
/// 0700 as gpg makes it.
fn write_keyring(sh: &mut Shell, dir: &str, keys: &[String]) -> Result<(), vfs::Error> {
    if sh.ctx.fs.stat(dir).is_err() {
        let meta = sh.ctx.new_meta(0o700);
        let parent = &dir[..dir.rfind('/').unwrap_or(0)];
        if !parent.is_empty() {
            sh.ctx.fs.mkdir_all(parent, sh.ctx.new_meta(0o777))?;
        }
        sh.ctx.fs.mkdir(dir, meta)?;
    }
    let seed = format!("gpg-keyring:{}", keys.join(","));
    let ring = vfs::generated(&seed, 1_400 * keys.len().max(1) as u64 + 32);
    for (name, data) in [
        ("pubring.kbx", ring),
        ("trustdb.gpg", vfs::generated("gpg-trustdb", 1_200)),
    ] {
        let path = format!("{dir}/{name}");
        let meta = sh.ctx.new_meta(0o600);
        let _ = sh.ctx.fs.remove(&path);
        sh.ctx.fs.write_file(&path, data, meta)?;
    }
    Ok(())
}

fn imported(sh: &mut Shell, io: &Io, keys: &[String]) -> Result<(), super::super::Flow> {
    let mut text = String::new();
    for k in keys {
        text.push_str(&format!(
            "gpg: key {}: public key \"(made up by layerlab) <{k}>\" imported\n",
            key_id(k)
        ));
    }
    text.push_str(&format!(
        "gpg: Total number processed: {0}\ngpg:               imported: {0}\n",
        keys.len()
    ));
    sh.err(io, text)
}

pub fn gpg(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    let o = parse(argv);
    let dir = home(sh, &o);
    match o.command.as_deref() {
        Some("recv-keys" | "recv-key" | "receive-keys") => {
            if o.operands.is_empty() {
                sh.err(
                    io,
                    "gpg: keyserver receive failed: No keyserver available\n",
                )?;
                return Ok(2);
            }
            if let Err(e) = write_keyring(sh, &dir, &o.operands) {
                sh.err(io, format!("gpg: {dir}: {}\n", super::why(&e)))?;
                return Ok(2);
            }
            imported(sh, io, &o.operands)?;
            let server = o.keyserver.as_deref().unwrap_or("the default keyserver");
            sh.simulated(
                "gpg",
                format!(
                    "simulated key fetch: {} from {server} (no network: the key is made up)",
                    o.operands.join(", ")
                ),
            );
            Ok(0)
        }
        Some("import") => {
            let (data, st) = super::read_inputs(sh, io, "gpg", &o.operands)?;
            if st != 0 {
                return Ok(2);
            }
            let name = o
                .operands
                .first()
                .cloned()
                .unwrap_or_else(|| "stdin".into());
            let keys = vec![format!(
                "{name}:{}",
                data.iter().map(Vec::len).sum::<usize>()
            )];
            if let Err(e) = write_keyring(sh, &dir, &keys) {
                sh.err(io, format!("gpg: {dir}: {}\n", super::why(&e)))?;
                return Ok(2);
            }
            imported(sh, io, &keys)?;
            sh.simulated(
                "gpg",
                format!("simulated key import: {name} (keys are not parsed)"),
            );
            Ok(0)
        }
        Some("verify") => {
            let Some(sig) = o.operands.first() else {
                sh.err(io, "gpg: verify signatures failed: Unexpected error\n")?;
                return Ok(2);
            };
            for f in &o.operands {
                let abs = sh.ctx.abs(f);
                if f != "-" && sh.ctx.fs.stat(&abs).is_err() {
                    sh.err(io, format!("gpg: can't open '{f}': No such file or directory\ngpg: verify signatures failed: No such file or directory\n"))?;
                    return Ok(2);
                }
            }
            sh.err(
                io,
                format!("gpg: assuming signed data in '{}'\ngpg: signature not checked: layerlab has no real key or download to check it against\n", o.operands.get(1).unwrap_or(sig)),
            )?;
            sh.simulated(
                "gpg",
                format!("gpg --verify {sig}: signature not checked (simulated)"),
            );
            Ok(0)
        }
        Some("dearmor" | "enarmor" | "export") => {
            let data: vfs::Data = if o.command.as_deref() == Some("export") {
                vfs::generated(&format!("gpg-export:{}", o.operands.join(",")), 1_400)
            } else {
                let (data, st) = super::read_inputs(sh, io, "gpg", &o.operands)?;
                if st != 0 {
                    return Ok(2);
                }
                let n: usize = data.iter().map(Vec::len).sum();
                let seed = format!(
                    "gpg-dearmor:{}",
                    super::sha256sum::hex(&super::sha256sum::Algo::Sha256.digest(&data.concat()))
                );
                vfs::generated(&seed, (n as u64 * 3 / 4).max(32))
            };
            match o.output.as_deref() {
                Some(out) if out != "-" => {
                    let abs = sh.ctx.abs(out);
                    if sh.ctx.fs.stat(&abs).is_ok() && !argv.iter().any(|a| a == "--yes") {
                        // gpg asks before overwriting; with --batch it refuses.
                        sh.err(io, format!("gpg: {out}: File exists\n"))?;
                        return Ok(2);
                    }
                    if let Err(e) = super::write_file(sh, out, data.to_vec()) {
                        sh.err(
                            io,
                            format!("gpg: can't create '{out}': {}\n", super::why(&e)),
                        )?;
                        return Ok(2);
                    }
                }
                _ => sh.out(io, &data[..])?,
            }
            Ok(0)
        }
        Some(_) => sh.not_simulated("gpg"),
        // No command: gpg guesses from the input (verify or decrypt).
        None => sh.not_simulated("gpg"),
    }
}

/// `gpgconf --kill gpg-agent|dirmngr|all`: nothing runs, nothing to stop.
pub fn gpgconf(sh: &mut Shell, _io: &Io, argv: &[String]) -> R {
    if argv
        .iter()
        .any(|a| a == "--kill" || a.starts_with("--kill="))
    {
        return Ok(0);
    }
    sh.not_simulated("gpgconf")
}

/// `apt-key add FILE|-`, `apt-key adv … --recv-keys KEY…`.
pub fn apt_key(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    const WARNING: &str = "Warning: apt-key is deprecated. Manage keyring files in trusted.gpg.d instead (see apt-key(8)).\n";
    let sub = argv.get(1).map(String::as_str);
    let keys: Vec<String> = match sub {
        Some("add") => {
            let file = argv.get(2).cloned().unwrap_or_else(|| "-".into());
            let (data, st) = super::read_inputs(sh, io, "apt-key", std::slice::from_ref(&file))?;
            if st != 0 {
                return Ok(2);
            }
            vec![format!(
                "{file}:{}",
                data.iter().map(Vec::len).sum::<usize>()
            )]
        }
        Some("adv") => {
            let o = parse(&argv[1..]);
            if !matches!(
                o.command.as_deref(),
                Some("recv-keys" | "recv-key" | "receive-keys")
            ) {
                return sh.not_simulated("apt-key");
            }
            o.operands
        }
        _ => return sh.not_simulated("apt-key"),
    };
    sh.err(io, WARNING)?;
    let ring = "/etc/apt/trusted.gpg";
    let data = vfs::generated(
        &format!("apt-key:{}", keys.join(",")),
        1_400 * keys.len().max(1) as u64,
    );
    if let Err(e) = super::write_file(sh, ring, data.to_vec()) {
        sh.err(io, format!("E: {ring}: {}\n", super::why(&e)))?;
        return Ok(2);
    }
    if sub == Some("add") {
        sh.out(io, "OK\n")?;
        sh.simulated(
            "apt-key",
            format!(
                "simulated key import: {} (keys are not parsed)",
                keys.join(", ")
            ),
        );
    } else {
        sh.out(io, "Executing: /tmp/apt-key-gpghome/gpg.1.sh --recv-keys\n")?;
        imported(sh, io, &keys)?;
        sh.simulated(
            "apt-key",
            format!(
                "simulated key fetch: {} (no network: the key is made up)",
                keys.join(", ")
            ),
        );
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, fs_with, run_in};

    fn with_gpg() -> crate::vfs::Fs {
        fs_with(&["/usr/bin/gpg", "/usr/bin/gpgconf", "/usr/bin/apt-key"])
    }

    #[test]
    fn recv_keys_makes_up_the_key_and_says_so() {
        let mut fs = with_gpg();
        let r = run_in(
            &mut fs,
            "export GNUPGHOME=\"$(mktemp -d)\"; gpg --batch --keyserver hkps://keys.openpgp.org --recv-keys 7169605F62C751356D054A26A821E680E5FA6305 && ls -A \"$GNUPGHOME\" && stat -c %a \"$GNUPGHOME\"; gpgconf --kill all; echo $?",
        );
        assert_eq!(r.out, "pubring.kbx\ntrustdb.gpg\n700\n0\n", "{}", r.err);
        assert!(
            r.err.contains("gpg: key A821E680E5FA6305: public key"),
            "{}",
            r.err
        );
        assert!(r.err.contains("imported: 1"), "{}", r.err);
        assert_eq!(r.simulated.len(), 1);
        assert!(r.simulated[0].contains("simulated key fetch: 7169605F62C751356D054A26A821E680E5FA6305 from hkps://keys.openpgp.org"));
        assert!(r.unsimulated.is_empty());
    }

    #[test]
    fn verify_never_claims_a_good_signature() {
        let mut fs = with_gpg();
        let r = run_in(
            &mut fs,
            "touch /a.tar.xz /a.tar.xz.asc; gpg --batch --verify /a.tar.xz.asc /a.tar.xz; echo $?; gpg --verify /missing.asc; echo $?",
        );
        assert_eq!(r.out, "0\n2\n");
        assert!(!r.err.contains("Good signature"));
        assert!(r.err.contains("signature not checked"), "{}", r.err);
        assert!(
            r.err.contains("gpg: can't open '/missing.asc'"),
            "{}",
            r.err
        );
        assert!(
            r.simulated
                .iter()
                .any(|s| s.contains("signature not checked"))
        );
    }

    #[test]
    fn dearmor_writes_a_keyring_and_refuses_to_overwrite_without_yes() {
        let mut fs = with_gpg();
        let r = run_in(
            &mut fs,
            "printf 'armored key text\\n' > /k.asc; mkdir -p /usr/share/keyrings; gpg --dearmor -o /usr/share/keyrings/x.gpg /k.asc; echo $?; gpg --dearmor -o /usr/share/keyrings/x.gpg /k.asc; echo $?; cat /k.asc | gpg --dearmor --yes --output /usr/share/keyrings/x.gpg; echo $?",
        );
        assert_eq!(r.out, "0\n2\n0\n", "{}", r.err);
        assert!(fs.stat("/usr/share/keyrings/x.gpg").unwrap().size > 0);
    }

    #[test]
    fn apt_key_and_what_is_not_simulated() {
        let mut fs = with_gpg();
        let r = run_in(
            &mut fs,
            "mkdir -p /etc/apt; apt-key adv --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys 573BFD6B3D8FBC641079A6ABABF5BD827BD9BF62 && echo ok; gpg --list-keys; gpgconf --list-dirs",
        );
        assert!(r.out.contains("ok\n"), "{}", r.err);
        assert!(
            r.err.starts_with("Warning: apt-key is deprecated."),
            "{}",
            r.err
        );
        assert!(fs.stat("/etc/apt/trusted.gpg").is_ok());
        assert_eq!(r.unsimulated, ["gpg", "gpgconf"]);
    }

    #[test]
    fn without_gpg_in_the_image_it_is_not_found() {
        let mut f = fs();
        let r = run_in(&mut f, "gpg --recv-keys ABCD; echo $?");
        assert!(r.out.ends_with("127\n"), "{} {}", r.out, r.err);
    }
}
