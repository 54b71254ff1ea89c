//! The commands the interpreter runs itself: the shell's builtins and the
//! simulated coreutils/busybox set, one module each. Messages and exit
//! statuses are GNU coreutils' (and dash's for builtins).

use super::{Flow, Io, R, Shell};
use crate::vfs;

pub mod adduser;
pub mod apk;
pub mod apt;
pub mod basename;
pub mod builtins;
pub mod cat;
pub mod chmod;
pub mod chown;
pub mod cp;
pub mod curl;
pub mod cut;
pub mod date;
pub mod dirname;
pub mod dpkg;
pub mod echo;
pub mod env;
pub mod find;
pub mod gem;
pub mod git;
pub mod go;
pub mod gosu;
pub mod gpg;
pub mod grep;
pub mod gzip;
pub mod head;
pub mod id;
pub mod install;
pub mod ln;
pub mod locale;
pub mod ls;
pub mod mkdir;
pub mod mktemp;
pub mod mv;
pub mod npm;
pub mod nproc;
pub mod pip;
pub mod printf;
pub mod readlink;
pub mod rm;
pub mod sed;
pub mod seq;
pub mod sh;
pub mod sha256sum;
pub mod sleep;
pub mod sort;
pub mod stat;
pub mod tail;
pub mod tar;
pub mod tee;
pub mod test;
pub mod touch;
pub mod tr;
pub mod uname;
pub mod uniq;
pub mod users;
pub mod wc;
pub mod wget;
pub mod which;
pub mod xargs;
pub mod yarn;

/// A command: the shell, its descriptors, its argv (name first).
pub type Cmd = fn(&mut Shell, &Io, &[String]) -> R;

/// The command named `name`, if layerlab simulates it.
pub fn lookup(name: &str) -> Option<Cmd> {
    Some(match name {
        ":" | "true" => builtins::true_,
        "false" => builtins::false_,
        "exit" => builtins::exit,
        "return" => builtins::return_,
        "break" => builtins::break_,
        "continue" => builtins::continue_,
        "export" | "readonly" => builtins::export,
        "local" | "declare" | "typeset" => builtins::local,
        "unset" => builtins::unset,
        "set" => builtins::set,
        "shift" => builtins::shift,
        "eval" => builtins::eval,
        "." | "source" => builtins::source,
        "cd" => builtins::cd,
        "pwd" => builtins::pwd,
        "trap" | "wait" | "ulimit" | "hash" => builtins::true_,
        "umask" => builtins::umask,
        "read" => builtins::read,
        "exec" => builtins::exec,
        "echo" => echo::run,
        "printf" => printf::run,
        "test" | "[" => test::run,
        "cat" => cat::run,
        "mkdir" => mkdir::run,
        "rmdir" => rm::rmdir,
        "touch" => touch::run,
        "rm" => rm::run,
        "cp" => cp::run,
        "mv" => mv::run,
        "ln" => ln::run,
        "ls" => ls::run,
        "chmod" => chmod::run,
        "chown" => chown::run,
        "chgrp" => chown::chgrp,
        "env" => env::run,
        "printenv" => env::printenv,
        "which" => which::which,
        "command" => which::command,
        "type" => which::type_,
        "sleep" => sleep::run,
        "id" => id::run,
        "whoami" => id::whoami,
        "basename" => basename::run,
        "dirname" => dirname::run,
        "head" => head::run,
        "tail" => tail::run,
        "wc" => wc::run,
        "tee" => tee::run,
        "sort" => sort::run,
        "uniq" => uniq::run,
        "tr" => tr::run,
        "cut" => cut::run,
        "grep" => grep::run,
        "egrep" => grep::egrep,
        "sed" => sed::run,
        "sh" | "bash" | "ash" | "dash" => sh::run,
        "readlink" => readlink::run,
        // Package managers (only where the image has them: `is_program`).
        "apk" => apk::run,
        "apt" => apt::apt,
        "apt-get" => apt::apt_get,
        "apt-mark" => apt::apt_mark,
        "dpkg" => dpkg::dpkg,
        "dpkg-query" => dpkg::dpkg_query,
        "dpkg-architecture" => dpkg::dpkg_architecture,
        "dpkg-divert" => dpkg::dpkg_divert,
        "go" => go::run,
        "npm" => npm::run,
        "pip" | "pip3" => pip::pip,
        "python" | "python3" => pip::python,
        "yarn" => yarn::run,
        "realpath" => readlink::realpath,
        "adduser" => adduser::adduser,
        "addgroup" => adduser::addgroup,
        "curl" => curl::run,
        "deluser" => adduser::deluser,
        "delgroup" => adduser::delgroup,
        "groupadd" => users::groupadd,
        "groupdel" => users::groupdel,
        "install" => install::run,
        "useradd" => users::useradd,
        "userdel" => users::userdel,
        "usermod" => users::usermod,
        "find" => find::run,
        "mktemp" => mktemp::run,
        "nproc" => nproc::run,
        "seq" => seq::run,
        "stat" => stat::run,
        "uname" => uname::run,
        "xargs" => xargs::run,
        "date" => date::run,
        "gzip" => gzip::run,
        "gunzip" => gzip::gunzip,
        "md5sum" | "sha1sum" | "sha224sum" | "sha256sum" | "sha384sum" | "sha512sum" => {
            sha256sum::run
        }
        "gem" => gem::run,
        "git" => git::run,
        "gosu" | "su-exec" => gosu::run,
        "locale-gen" => locale::locale_gen,
        "locale" => locale::locale,
        "gpg" | "gpg2" => gpg::gpg,
        "gpgconf" => gpg::gpgconf,
        "apt-key" => gpg::apt_key,
        "tar" => tar::run,
        "wget" => wget::run,
        "xz" | "unxz" | "xzcat" | "bzip2" | "bunzip2" | "bzcat" | "lzma" | "unlzma" => gzip::other,
        "zcat" => gzip::zcat,
        _ => return None,
    })
}

/// Simulated commands that are programs of the image rather than of the
/// shell or coreutils: they run only when found on `PATH` (else the
/// shell's `not found`, or not simulated after an unsimulated install).
pub fn is_program(name: &str) -> bool {
    matches!(
        name,
        "apk"
            | "apt"
            | "apt-get"
            | "apt-key"
            | "apt-mark"
            | "gem"
            | "git"
            | "gosu"
            | "locale"
            | "locale-gen"
            | "gpg"
            | "gpg2"
            | "gpgconf"
            | "dpkg"
            | "dpkg-query"
            | "dpkg-architecture"
            | "dpkg-divert"
            | "go"
            | "npm"
            | "pip"
            | "pip3"
            | "su-exec"
            | "python"
            | "python3"
            | "yarn"
    )
}

/// Whether a simulated command given these (literal) arguments runs in
/// full, for a cache hit that must say what a run would have recorded as
/// not simulated without running it (`apk fetch`, `npm run build`).
/// `None` for an argument that is not a literal: taken as simulated.
pub fn simulates(name: &str, args: &[Option<String>]) -> bool {
    let first = args
        .iter()
        .flatten()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    match name {
        "apk" => apk::simulates(first),
        "apt" | "apt-get" => apt::simulates(first),
        "dpkg" => dpkg::simulates(args.first().cloned().flatten().as_deref()),
        "go" => go::simulates(first),
        "npm" => npm::simulates(first),
        "pip" | "pip3" => pip::simulates(first),
        "yarn" => yarn::simulates(first),
        "gpg" | "gpg2" => args.iter().flatten().any(|a| {
            matches!(
                a.split('=').next().unwrap_or(""),
                "--recv-keys"
                    | "--recv-key"
                    | "--receive-keys"
                    | "--verify"
                    | "--import"
                    | "--dearmor"
                    | "--enarmor"
                    | "--export"
            )
        }),
        "gpgconf" => args.iter().flatten().any(|a| a.starts_with("--kill")),
        "git" => matches!(
            first,
            Some(
                "clone"
                    | "checkout"
                    | "fetch"
                    | "pull"
                    | "reset"
                    | "submodule"
                    | "switch"
                    | "rev-parse"
                    | "describe"
                    | "config"
                    | "init"
            )
        ),
        "apt-key" => matches!(first, Some("add" | "adv")),
        "gem" => matches!(first, Some("install" | "i" | "list")),
        "apt-mark" => matches!(
            first,
            Some("auto" | "manual" | "showauto" | "showmanual" | "showhold")
        ),
        "python" | "python3" => {
            matches!(args, [Some(m), Some(p), ..] if m == "-m" && p == "pip")
        }
        _ => lookup(name).is_some(),
    }
}

/// strerror's text for a filesystem error.
pub fn why(e: &vfs::Error) -> String {
    match e {
        vfs::Error::NotFound(_) => "No such file or directory".into(),
        vfs::Error::NotADirectory(_) => "Not a directory".into(),
        vfs::Error::IsADirectory(_) => "Is a directory".into(),
        vfs::Error::Exists(_) => "File exists".into(),
        vfs::Error::NotEmpty(_) => "Directory not empty".into(),
        vfs::Error::Loop(_) => "Too many levels of symbolic links".into(),
        vfs::Error::Invalid(_) => "Invalid argument".into(),
        vfs::Error::Limit(_, m) => m.clone(),
    }
}

/// Splits argv into short flags (each letter once per cluster) and
/// operands; `--` ends the flags. Long flags are kept as written.
pub struct Args {
    pub flags: Vec<char>,
    pub long: Vec<String>,
    pub operands: Vec<String>,
}

impl Args {
    pub fn has(&self, c: char) -> bool {
        self.flags.contains(&c)
    }

    pub fn has_long(&self, l: &str) -> bool {
        self.long.iter().any(|x| x == l)
    }
}

/// The destination of `cp`/`mv SRC… DEST`: its absolute path and whether it
/// is a directory; `None` after GNU's error when several sources would go to
/// something that is not a directory.
pub fn destination(
    sh: &mut Shell,
    io: &Io,
    name: &str,
    sources: usize,
    dest: &str,
) -> Result<Option<(String, bool)>, Flow> {
    let dest_abs = sh.ctx.abs(dest);
    let is_dir = sh
        .ctx
        .fs
        .stat(&dest_abs)
        .is_ok_and(|s| s.kind == vfs::Kind::Dir);
    if sources > 1 && !is_dir {
        sh.err(io, format!("{name}: target '{dest}': Not a directory\n"))?;
        return Ok(None);
    }
    Ok(Some((dest_abs, is_dir)))
}

pub fn parse_args(argv: &[String]) -> Args {
    let mut a = Args {
        flags: Vec::new(),
        long: Vec::new(),
        operands: Vec::new(),
    };
    let mut rest = false;
    for s in argv.iter().skip(1) {
        if rest || s == "-" || !s.starts_with('-') {
            a.operands.push(s.clone());
        } else if s == "--" {
            rest = true;
        } else if let Some(l) = s.strip_prefix("--") {
            a.long.push(l.to_string());
        } else {
            a.flags.extend(s[1..].chars());
        }
    }
    a
}

/// The bytes of `files` one after the other, or stdin when there are none
/// (or for `-`). Missing files are reported as `name: file: No such file…`
/// and make the status 1.
pub fn read_inputs(
    sh: &mut Shell,
    io: &Io,
    name: &str,
    files: &[String],
) -> Result<(Vec<Vec<u8>>, i32), Flow> {
    let mut out = Vec::new();
    let mut status = 0;
    if files.is_empty() {
        out.push(io.take_input().to_vec());
    }
    for f in files {
        if f == "-" {
            out.push(io.take_input().to_vec());
            continue;
        }
        match sh.ctx.fs.read_file(&sh.ctx.abs(f)) {
            Ok(d) => out.push(d.to_vec()),
            Err(e) => {
                let why = if sh
                    .ctx
                    .fs
                    .stat(&sh.ctx.abs(f))
                    .is_ok_and(|s| s.kind == vfs::Kind::Dir)
                {
                    "Is a directory".to_string()
                } else {
                    why(&e)
                };
                sh.err(io, format!("{name}: {f}: {why}\n"))?;
                status = 1;
            }
        }
    }
    Ok((out, status))
}

/// Lines of `data`, each with its newline (the last may have none).
pub fn lines(data: &[u8]) -> Vec<&[u8]> {
    data.split_inclusive(|b| *b == b'\n').collect()
}

/// A line without its newline.
pub fn chomp(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\n").unwrap_or(line)
}

/// Writes `data` to `path` as a command does (creating it with the umask
/// and the user as owner, or replacing the contents of what is there).
pub fn write_file(sh: &mut Shell, path: &str, data: Vec<u8>) -> Result<(), vfs::Error> {
    let _ = sh.count_written(data.len() as u64);
    let abs = sh.ctx.abs(path);
    let mtime = sh.ctx.mtime;
    if sh.ctx.fs.stat(&abs).is_ok() {
        sh.ctx.fs.set_contents(&abs, data)?;
        sh.ctx.fs.update_meta(&abs, true, |m| m.mtime = mtime)
    } else {
        let meta = sh.ctx.new_meta(0o666);
        sh.ctx.fs.write_file(&abs, data, meta)
    }
}

/// Test helpers: run a script on a filesystem and look at what it did.
#[cfg(test)]
pub mod testing {
    use crate::shell::interp::{Context, Outcome, run};
    use crate::vfs::{Fs, Meta};

    pub struct Ran {
        pub status: i32,
        pub out: String,
        pub err: String,
        pub outcome: Outcome,
        pub unsimulated: Vec<String>,
        /// The notices of [`crate::shell::interp::Context::simulated`].
        pub simulated: Vec<String>,
        /// [`crate::shell::interp::Context::simulated_commands`].
        pub simulated_commands: u64,
    }

    /// A small tree: /bin /etc (passwd, group) /tmp /root, a `sh` and `apt-get` on PATH.
    pub fn fs() -> Fs {
        let mut fs = Fs::new();
        for d in ["/bin", "/etc", "/tmp", "/root", "/usr", "/usr/bin", "/home"] {
            fs.mkdir_all(d, Meta::new(0o755)).unwrap();
        }
        fs.write_file(
            "/etc/passwd",
            &b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n"[..],
            Meta::new(0o644),
        )
        .unwrap();
        fs.write_file(
            "/etc/group",
            &b"root:x:0:\nnogroup:x:65534:\napp:x:1000:\n"[..],
            Meta::new(0o644),
        )
        .unwrap();
        fs.write_file("/bin/sh", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        fs.write_file("/usr/bin/apt-get", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        // A program that is not simulated.
        fs.write_file("/usr/bin/make", &b"\x7fELF"[..], Meta::new(0o755))
            .unwrap();
        fs
    }

    /// [`fs`] with these programs installed (so that the simulated
    /// commands that run only where the image has them run).
    pub fn fs_with(programs: &[&str]) -> Fs {
        let mut fs = fs();
        for p in programs {
            fs.mkdir_all(&p[..p.rfind('/').unwrap_or(0)], Meta::new(0o755))
                .unwrap();
            fs.write_file(p, &b"\x7fELF"[..], Meta::new(0o755)).unwrap();
        }
        fs
    }

    pub fn run_in(fs: &mut Fs, src: &str) -> Ran {
        let script = crate::shell::parse(src).expect("the test script parses");
        let mut ctx = Context::new(fs);
        ctx.mtime = 1_700_000_000;
        ctx.export(
            "PATH",
            Some("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()),
        );
        ctx.export("HOME", Some("/root".into()));
        let outcome = run(&script, src, &mut ctx);
        Ran {
            status: outcome.status,
            out: String::from_utf8_lossy(&ctx.stdout).into_owned(),
            err: String::from_utf8_lossy(&ctx.stderr).into_owned(),
            unsimulated: ctx.unsimulated.iter().map(|u| u.name.clone()).collect(),
            simulated: ctx.simulated.iter().map(|u| u.message.clone()).collect(),
            simulated_commands: ctx.simulated_commands,
            outcome,
        }
    }

    pub fn sh(src: &str) -> Ran {
        run_in(&mut fs(), src)
    }
}
