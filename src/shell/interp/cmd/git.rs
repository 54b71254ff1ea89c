//! `git`, where the image has it, as Dockerfiles use it: there is no
//! network, so `git clone` makes the repository up (like `curl`'s
//! downloads) — a work tree of generated files and a `.git` directory of
//! the usual shape — and records a "simulated clone" notice; `git
//! checkout`, `fetch` and `submodule update` on such a clone change nothing
//! and say so by succeeding quietly, as they would on an up-to-date tree;
//! `git config` writes the config file; `git rev-parse HEAD` and
//! `describe` print the made-up commit. Anything else (`log`, `apply`,
//! `am`, …) is not simulated and recorded as such.

use super::super::{Io, R, Shell};
use crate::vfs;

/// The made-up commit of a repository URL (40 hex digits).
fn commit(url: &str) -> String {
    let mut f = vfs::Filler::new(&format!("git-commit:{url}"));
    format!(
        "{:016x}{:016x}{:08x}",
        f.next_u64(),
        f.next_u64(),
        f.next_u64() as u32
    )
}

/// `https://github.com/user/repo.git` → `repo`.
fn humanish(url: &str) -> String {
    let last = url
        .trim_end_matches('/')
        .rsplit(['/', ':'])
        .next()
        .unwrap_or("repo");
    let name = last.strip_suffix(".git").unwrap_or(last);
    if name.is_empty() {
        "repo".into()
    } else {
        name.to_string()
    }
}

fn write(sh: &mut Shell, path: &str, data: vfs::Data, mode: u32) -> Result<(), vfs::Error> {
    if let Some((dir, _)) = path.rsplit_once('/')
        && !dir.is_empty()
    {
        sh.ctx.fs.mkdir_all(dir, sh.ctx.new_meta(0o777))?;
    }
    let meta = sh.ctx.new_meta(mode);
    let _ = sh.ctx.fs.remove(path);
    sh.ctx.fs.write_file(path, data, meta)
}

/// Lays out a made-up clone of `url` at `dir`.
fn clone_into(
    sh: &mut Shell,
    url: &str,
    dir: &str,
    branch: Option<&str>,
) -> Result<(), vfs::Error> {
    let head = commit(url);
    let branch = branch.unwrap_or("main");
    let seed = format!("git:{url}");
    let files: [(&str, u64); 6] = [
        ("README.md", 2_400),
        ("LICENSE", 1_070),
        ("Makefile", 1_800),
        ("src/main.c", 24_000),
        ("src/util.c", 9_000),
        ("docs/usage.md", 5_500),
    ];
    for (f, n) in files {
        write(
            sh,
            &format!("{dir}/{f}"),
            vfs::generated(&format!("{seed}:{f}"), n),
            0o644,
        )?;
    }
    let git = format!("{dir}/.git");
    write(
        sh,
        &format!("{git}/HEAD"),
        format!("ref: refs/heads/{branch}\n").into(),
        0o644,
    )?;
    write(
        sh,
        &format!("{git}/config"),
        format!("[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n[remote \"origin\"]\n\turl = {url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch \"{branch}\"]\n\tremote = origin\n\tmerge = refs/heads/{branch}\n").into(),
        0o644,
    )?;
    write(
        sh,
        &format!("{git}/refs/heads/{branch}"),
        format!("{head}\n").into(),
        0o644,
    )?;
    write(
        sh,
        &format!("{git}/packed-refs"),
        format!(
            "# pack-refs with: peeled fully-peeled sorted \n{head} refs/remotes/origin/{branch}\n"
        )
        .into(),
        0o644,
    )?;
    write(
        sh,
        &format!("{git}/description"),
        "Unnamed repository; edit this file 'description' to name the repository.\n".into(),
        0o644,
    )?;
    write(
        sh,
        &format!("{git}/index"),
        vfs::generated(&format!("{seed}:index"), 1_100),
        0o644,
    )?;
    let pack = format!("{git}/objects/pack/pack-{head}");
    write(
        sh,
        &format!("{pack}.pack"),
        vfs::generated(&format!("{seed}:pack"), 38_000),
        0o444,
    )?;
    write(
        sh,
        &format!("{pack}.idx"),
        vfs::generated(&format!("{seed}:idx"), 1_800),
        0o444,
    )?;
    Ok(())
}

/// The options of `git clone` that take a value.
const CLONE_VALUES: &[&str] = &[
    "-b",
    "--branch",
    "--depth",
    "-o",
    "--origin",
    "--reference",
    "-c",
    "--config",
    "--filter",
    "-j",
    "--jobs",
    "--separate-git-dir",
    "--shallow-since",
    "--template",
];

pub fn run(sh: &mut Shell, io: &Io, argv: &[String]) -> R {
    // Global options before the subcommand: -C DIR, -c k=v.
    let mut i = 1;
    let mut cwd: Option<String> = None;
    while i < argv.len() && argv[i].starts_with('-') {
        match argv[i].as_str() {
            "-C" => {
                cwd = argv.get(i + 1).cloned();
                i += 2;
            }
            "-c" => i += 2,
            "--version" => {
                sh.out(io, "git version 2.39.5\n")?;
                return Ok(0);
            }
            _ => i += 1,
        }
    }
    let Some(sub) = argv.get(i).map(String::as_str) else {
        sh.err(
            io,
            "usage: git [-v | --version] [-h | --help] [-C <path>] [-c <name>=<value>]\n",
        )?;
        return Ok(1);
    };
    let rest = &argv[i + 1..];
    let at = |sh: &Shell, p: &str| match &cwd {
        Some(c) => sh.ctx.abs(&crate::vfs::join_at(&sh.ctx.abs(c), p)),
        None => sh.ctx.abs(p),
    };
    match sub {
        "clone" => {
            let mut operands = Vec::new();
            let mut branch = None;
            let mut j = 0;
            while j < rest.len() {
                let a = rest[j].as_str();
                if CLONE_VALUES.contains(&a) {
                    if a == "-b" || a == "--branch" {
                        branch = rest.get(j + 1).cloned();
                    }
                    j += 2;
                    continue;
                }
                if let Some(b) = a.strip_prefix("--branch=") {
                    branch = Some(b.to_string());
                } else if !a.starts_with('-') {
                    operands.push(a.to_string());
                }
                j += 1;
            }
            let Some(url) = operands.first().cloned() else {
                sh.err(io, "fatal: You must specify a repository to clone.\n")?;
                return Ok(129);
            };
            let dir = operands.get(1).cloned().unwrap_or_else(|| humanish(&url));
            let abs = at(sh, &dir);
            if sh
                .ctx
                .fs
                .read_dir(&abs)
                .is_ok_and(|entries| !entries.is_empty())
            {
                sh.err(io, format!("fatal: destination path '{dir}' already exists and is not an empty directory.\n"))?;
                return Ok(128);
            }
            sh.err(io, format!("Cloning into '{dir}'...\n"))?;
            if let Err(e) = clone_into(sh, &url, &abs, branch.as_deref()) {
                sh.err(
                    io,
                    format!(
                        "fatal: could not create work tree dir '{dir}': {}\n",
                        super::why(&e)
                    ),
                )?;
                return Ok(128);
            }
            sh.simulated(
                "git",
                format!("simulated clone: {url} (no network: the repository is made up)"),
            );
            Ok(0)
        }
        "checkout" | "fetch" | "pull" | "reset" | "submodule" | "switch" => {
            let git_dir = at(sh, ".git");
            if !sh.ctx.fs.exists(&git_dir) && !sh.ctx.fs.exists(&at(sh, "HEAD")) {
                // Not in a made-up clone: what it would do is unknown.
                return sh.not_simulated("git");
            }
            Ok(0)
        }
        "rev-parse" | "describe" => {
            let head = sh
                .ctx
                .fs
                .read_file(&at(sh, ".git/config"))
                .ok()
                .and_then(|c| {
                    String::from_utf8_lossy(&c)
                        .lines()
                        .find_map(|l| l.trim().strip_prefix("url = ").map(str::to_string))
                });
            match head {
                Some(url) => {
                    let c = commit(&url);
                    let short = rest.iter().any(|a| a.starts_with("--short")) || sub == "describe";
                    sh.out(io, format!("{}\n", if short { &c[..7] } else { &c }))?;
                    Ok(0)
                }
                None => {
                    sh.err(
                        io,
                        "fatal: not a git repository (or any of the parent directories): .git\n",
                    )?;
                    Ok(128)
                }
            }
        }
        "config" => {
            let global = rest.iter().any(|a| a == "--global" || a == "--system");
            let kv: Vec<&String> = rest.iter().filter(|a| !a.starts_with('-')).collect();
            let [key, value] = kv[..] else {
                return sh.not_simulated("git");
            };
            let Some((section, name)) = key.rsplit_once('.') else {
                sh.err(
                    io,
                    format!("error: key does not contain a section: {key}\n"),
                )?;
                return Ok(2);
            };
            let file = if global {
                format!("{}/.gitconfig", sh.ctx.get_var("HOME").unwrap_or("/root"))
            } else {
                at(sh, ".git/config")
            };
            let mut text = sh
                .ctx
                .fs
                .read_file(&file)
                .map(|d| String::from_utf8_lossy(&d).into_owned())
                .unwrap_or_default();
            text.push_str(&format!("[{section}]\n\t{name} = {value}\n"));
            if let Err(e) = super::write_file(sh, &file, text.into_bytes()) {
                sh.err(
                    io,
                    format!(
                        "error: could not lock config file {file}: {}\n",
                        super::why(&e)
                    ),
                )?;
                return Ok(255);
            }
            Ok(0)
        }
        "init" => {
            let dir = rest
                .iter()
                .find(|a| !a.starts_with('-'))
                .cloned()
                .unwrap_or_else(|| ".".into());
            let abs = at(sh, &dir);
            let head = format!("{abs}/.git/HEAD");
            if let Err(e) = write(sh, &head, "ref: refs/heads/master\n".into(), 0o644) {
                sh.err(
                    io,
                    format!("fatal: cannot mkdir {dir}: {}\n", super::why(&e)),
                )?;
                return Ok(128);
            }
            sh.out(
                io,
                format!("Initialized empty Git repository in {abs}/.git/\n"),
            )?;
            Ok(0)
        }
        _ => sh.not_simulated("git"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fs, fs_with, run_in};

    fn with_git() -> crate::vfs::Fs {
        fs_with(&["/usr/bin/git"])
    }

    #[test]
    fn clone_makes_up_the_repository_and_says_so() {
        let mut fs = with_git();
        let r = run_in(
            &mut fs,
            "cd /tmp && git clone --depth 1 -b v1.2 https://github.com/acme/tool.git && cd tool && ls && git checkout v1.2 && git rev-parse --short HEAD | wc -c && cat .git/HEAD; cd /tmp; git clone https://github.com/acme/tool.git; echo $?",
        );
        assert_eq!(
            r.out, "LICENSE\nMakefile\nREADME.md\ndocs\nsrc\n8\nref: refs/heads/v1.2\n128\n",
            "{}",
            r.err
        );
        assert!(r.err.starts_with("Cloning into 'tool'...\n"), "{}", r.err);
        assert!(
            r.err
                .contains("fatal: destination path 'tool' already exists")
        );
        assert_eq!(r.simulated.len(), 1);
        assert!(r.simulated[0].starts_with("simulated clone: https://github.com/acme/tool.git"));
        assert!(r.unsimulated.is_empty());
    }

    #[test]
    fn config_and_what_is_not_simulated() {
        let mut fs = with_git();
        let r = run_in(
            &mut fs,
            "git config --global user.email ci@example.com && cat /root/.gitconfig; git log; git --version",
        );
        assert_eq!(
            r.out,
            "[user]\n\temail = ci@example.com\ngit version 2.39.5\n"
        );
        assert_eq!(r.unsimulated, ["git"]);
    }

    #[test]
    fn without_git_in_the_image_it_is_not_found() {
        let mut f = fs();
        let r = run_in(&mut f, "git clone https://x/y.git; echo $?");
        assert!(r.out.ends_with("127\n"), "{} {}", r.out, r.err);
    }
}
