//! RUN: the command of the instruction run by the shell interpreter on the
//! stage's filesystem, as BuildKit would run it: shell form under the
//! stage's SHELL (`/bin/sh -c` by default), exec form directly, a heredoc
//! as the script (its `#!` line naming the shell), the stage's ENV and the
//! build args in scope as the environment, WORKDIR as the working directory
//! and USER as the user.
//!
//! What the interpreter does not simulate is not run, and the step says so
//! ("partially simulated: not run: apt-get (line 2)"); a script that fails
//! fails the build with BuildKit's message. What ran on made-up data (a
//! download without network) is said too ("simulated download: https://…").

use super::copy;
use crate::dockerfile::instructions::CommandLine;
use crate::shell::interp::{self, Context};
use crate::vfs::Fs;

/// Everything a RUN needs, owned so the step can run it later.
pub(super) struct RunInput {
    pub command: CommandLine,
    pub shell: Vec<String>,
    /// ENV then the build args ENV does not set, as `KEY=value`.
    pub env: Vec<String>,
    pub cwd: String,
    pub user: String,
    pub epoch: i64,
    /// An earlier RUN of the stage left commands not run (packages that
    /// would be installed are missing).
    pub assume_installed: bool,
    /// The instruction as written, and the Dockerfile line it starts on,
    /// to say where a command that was not run is.
    pub source: String,
    pub first_line: usize,
}

/// The notice that starts every partially simulated step.
pub(super) const PARTIAL: &str = "partially simulated: not run: ";

const POSIX_SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

fn is_posix(path: &str) -> bool {
    POSIX_SHELLS.contains(&path.rsplit('/').next().unwrap_or(path))
}

/// What the RUN executes.
enum Plan {
    /// A script for a POSIX shell, with the shell's argv (for messages) and its options.
    Script {
        argv: Vec<String>,
        script: String,
        options: Vec<String>,
    },
    /// Exec form naming a program directly.
    Argv(Vec<String>),
    /// Cannot be simulated at all (PowerShell, a Python heredoc…): why.
    Unsupported(String),
}

fn plan(input: &RunInput) -> Plan {
    let cl = &input.command;
    let words: Vec<String> = cl.args.iter().map(|w| w.value.clone()).collect();
    if !cl.prepend_shell {
        // `["sh", "-c", "…"]` is a shell running a script.
        if let [sh, flag, script, ..] = words.as_slice()
            && is_posix(sh)
            && flag == "-c"
        {
            return Plan::Script {
                argv: words.clone(),
                script: script.clone(),
                options: Vec::new(),
            };
        }
        return Plan::Argv(words);
    }
    let text = words.join(" ");
    let shell = &input.shell;
    let Some(prog) = shell.first() else {
        return Plan::Unsupported("the SHELL is empty".into());
    };
    let mut script = text.clone();
    let mut argv_shell = shell.clone();
    if !cl.files.is_empty() {
        let single = cl.files.len() == 1 && {
            let t = text.trim();
            let name = &cl.files[0].name;
            let marker = t.trim_start_matches("<<").trim_start_matches('-');
            t.starts_with("<<") && marker.trim_matches(['"', '\'']) == name
        };
        if single {
            let body = cl.files[0].content.clone();
            if let Some(first) = body.strip_prefix("#!") {
                let line = first.lines().next().unwrap_or("").trim();
                let mut parts = line.split_whitespace();
                let interp_path = parts.next().unwrap_or("");
                // `#!/usr/bin/env bash` names the shell in its argument.
                let prog = if interp_path.ends_with("/env") {
                    parts.next().unwrap_or("")
                } else {
                    interp_path
                };
                if !is_posix(prog) {
                    return Plan::Unsupported(format!(
                        "the heredoc runs with {line}, which layerlab does not simulate"
                    ));
                }
                argv_shell = vec![prog.to_string()];
            }
            script = body;
        } else {
            for f in &cl.files {
                script.push('\n');
                script.push_str(&f.content);
                if !f.content.ends_with('\n') && !f.content.is_empty() {
                    script.push('\n');
                }
                script.push_str(&f.name);
            }
            script.push('\n');
        }
    }
    if !is_posix(prog) {
        let list: Vec<String> = shell
            .iter()
            .map(|s| crate::dockerfile::ast::go_quote(s))
            .collect();
        return Plan::Unsupported(format!(
            "SHELL [{}] is not a POSIX shell; layerlab simulates only sh-like shells",
            list.join(", ")
        ));
    }
    let options = shell_options(shell);
    let mut argv = argv_shell;
    argv.push(text);
    Plan::Script {
        argv,
        script,
        options,
    }
}

/// Runs the RUN on `fs`; the notices, or BuildKit's failure message.
/// What the script printed (stdout and stderr as written) goes to `output`.
pub(super) fn run(
    fs: &mut Fs,
    input: &RunInput,
    output: &mut String,
) -> Result<Vec<String>, String> {
    let mut notices = Vec::new();
    let plan = plan(input);
    let (argv, display) = match &plan {
        Plan::Unsupported(why) => {
            return Ok(vec![format!(
                "not simulated: {why}; the command did not run, so this layer is empty"
            )]);
        }
        Plan::Script { argv, .. } | Plan::Argv(argv) => (argv.clone(), argv.join(" ")),
    };
    let Some(prog) = argv.first() else {
        return Err("process \"\" did not complete successfully: no command".into());
    };
    let failed =
        |detail: String| format!("process \"{display}\" did not complete successfully: {detail}");
    // The program must be in the image (FROM scratch has no /bin/sh).
    if prog.starts_with('/') && fs.stat(prog).is_err() {
        return Err(failed(format!(
            "exec: \"{prog}\": stat {prog}: no such file or directory"
        )));
    }
    let (uid, gid) = if input.user.is_empty() {
        (0, 0)
    } else {
        match copy::parse_chown(&input.user, fs) {
            Ok(ids) => ids,
            // BuildKit's words when USER names nobody in /etc/passwd.
            Err(_) => {
                return Err(format!(
                    "unable to find user {}: no matching entries in passwd file",
                    input.user
                ));
            }
        }
    };
    let mut ctx = Context::new(fs);
    ctx.uid = uid;
    ctx.gid = gid;
    ctx.mtime = input.epoch;
    ctx.assume_installed = input.assume_installed;
    ctx.cwd = if input.cwd.is_empty() {
        "/".into()
    } else {
        input.cwd.clone()
    };
    for kv in &input.env {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        ctx.export(k, Some(v.to_string()));
    }
    if ctx.get_var("HOME").is_none() {
        let home = home_of(ctx.fs, uid).unwrap_or_else(|| "/root".into());
        ctx.export("HOME", Some(home));
    }
    let outcome = match &plan {
        Plan::Script {
            argv,
            script,
            options,
        } => {
            ctx.args = vec![argv[0].clone()];
            let parsed = match crate::shell::parse(script) {
                Ok(s) => s,
                Err(e) => {
                    let line = script[..e.span.start.min(script.len())]
                        .matches('\n')
                        .count()
                        + 1;
                    return Err(format!(
                        "{}\n{}: {line}: Syntax error: {}",
                        failed("exit code: 2".into()),
                        argv[0],
                        e.message
                    ));
                }
            };
            if !options.is_empty() {
                let mut set = vec!["set".to_string()];
                set.extend(options.iter().cloned());
                let span = crate::dockerfile::span::Span { start: 0, end: 0 };
                let _ = interp::run_argv(&set, &mut ctx, span);
            }
            interp::run(&parsed, script, &mut ctx)
        }
        Plan::Argv(argv) => {
            let span = crate::dockerfile::span::Span { start: 0, end: 0 };
            interp::run_argv(argv, &mut ctx, span)
        }
        Plan::Unsupported(_) => unreachable!("returned above"),
    };
    let names: Vec<String> = ctx.unsimulated.iter().map(|u| u.name.clone()).collect();
    if !names.is_empty() {
        notices.push(partial_notice(&names, &input.source, input.first_line));
    }
    // "simulated download: https://… (N bytes, no network)", once each.
    for s in &ctx.simulated {
        if !notices.contains(&s.message) {
            notices.push(s.message.clone());
        }
    }
    if ctx.truncated {
        notices.push("the output was cut short at the output limit".into());
    }
    let stderr = String::from_utf8_lossy(&ctx.stderr).into_owned();
    *output = String::from_utf8_lossy(&ctx.log).into_owned();
    if let Some(e) = outcome.error {
        return Err(e);
    }
    if outcome.status != 0 {
        let mut msg = failed(format!("exit code: {}", outcome.status));
        let lines: Vec<&str> = stderr.lines().collect();
        let tail = &lines[lines.len().saturating_sub(10)..];
        if !tail.is_empty() {
            msg.push('\n');
            msg.push_str(&tail.join("\n"));
        }
        // What was made up may be why: a downloaded archive holds only
        // generated files, not those the script expects.
        for s in &ctx.simulated {
            msg.push_str(&format!(
                "\nnote: made-up content may be the cause: {}",
                s.message
            ));
        }
        return Err(msg);
    }
    Ok(notices)
}

/// "partially simulated: not run: apt-get (line 2), npm (line 3)", the
/// lines found by looking for each name, in order, in the instruction.
fn partial_notice(names: &[String], source: &str, first_line: usize) -> String {
    format!("{PARTIAL}{}", located(names, source, first_line))
}

/// "apt-get (line 2), npm (line 3)": each name with the line it is first
/// found on, in order, in the instruction.
fn located(names: &[String], source: &str, first_line: usize) -> String {
    let mut cursor = 0;
    let items: Vec<String> = names
        .iter()
        .map(
            |n| match source.get(cursor..).and_then(|s| s.find(n.as_str())) {
                Some(pos) => {
                    let at = cursor + pos;
                    cursor = at + n.len();
                    let line = first_line + source[..at].matches('\n').count();
                    format!("{n} (line {line})")
                }
                None => n.clone(),
            },
        )
        .collect();
    items.join(", ")
}

/// For a cached RUN: the commands of its script that layerlab does not
/// simulate, found without running it, so a cache hit says it too.
pub(super) fn cached_notices(input: &RunInput) -> Vec<String> {
    let script = match plan(input) {
        Plan::Unsupported(why) => {
            return vec![format!(
                "not simulated: {why}; the command did not run, so this layer is empty"
            )];
        }
        Plan::Script { script, .. } => script,
        Plan::Argv(argv) => {
            let name = argv.first().cloned().unwrap_or_default();
            let base = name.rsplit('/').next().unwrap_or(&name).to_string();
            if interp::cmd::lookup(&base).is_some() {
                return Vec::new();
            }
            return vec![partial_notice(&[base], &input.source, input.first_line)];
        }
    };
    let Ok(parsed) = crate::shell::parse(&script) else {
        return Vec::new();
    };
    let mut functions = Vec::new();
    parsed.walk(&mut |n| {
        if let crate::shell::Node::Command(crate::shell::Command::Function(f)) = n {
            functions.push(f.name.value.clone());
        }
    });
    let all: Vec<(String, Vec<Option<String>>)> = parsed
        .simple_commands()
        .iter()
        .filter_map(|c| {
            let n = c.name()?;
            let n = n.rsplit('/').next().unwrap_or(&n).to_string();
            let args: Vec<Option<String>> = c
                .args()
                .iter()
                .map(|w| w.literal().map(|l| l.into_owned()))
                .collect();
            (!functions.contains(&n)).then_some((n, args))
        })
        .collect();
    let names: Vec<String> = all
        .iter()
        .filter(|(n, args)| !interp::cmd::simulates(n, args))
        .map(|(n, _)| n.clone())
        .collect();
    let mut notices = Vec::new();
    if !names.is_empty() {
        notices.push(partial_notice(&names, &input.source, input.first_line));
    }
    // Downloads were made up when the step ran; the URLs are not known
    // without running it again, the commands are.
    let made_up = |which: &[&str]| -> Vec<String> {
        all.iter()
            .filter(|(n, args)| which.contains(&n.as_str()) && interp::cmd::simulates(n, args))
            .map(|(n, _)| n.clone())
            .collect()
    };
    let downloads = made_up(&["curl", "wget", "git"]);
    if !downloads.is_empty() {
        notices.push(format!(
            "{DOWNLOAD}{} (no network)",
            located(&downloads, &input.source, input.first_line)
        ));
    }
    let keys = made_up(&["gpg", "gpg2", "apt-key"]);
    if !keys.is_empty() {
        notices.push(format!(
            "simulated keys: {} (no network: keys are made up, signatures not checked)",
            located(&keys, &input.source, input.first_line)
        ));
    }
    notices
}

/// The `set` options a SHELL gives the script, those before `-c`:
/// `["/bin/bash", "-o", "pipefail", "-ec"]` → `-o pipefail -e`.
pub fn shell_options(shell: &[String]) -> Vec<String> {
    let mut options = Vec::new();
    let mut i = 1;
    while i < shell.len() {
        let a = &shell[i];
        if a == "-o" || a == "+o" {
            if let Some(o) = shell.get(i + 1) {
                options.push(a.clone());
                options.push(o.clone());
            }
            i += 2;
            continue;
        }
        if a.starts_with('-') && a != "-c" && !a.starts_with("--") {
            options.push(a.trim_end_matches('c').to_string());
        }
        i += 1;
    }
    options
}

/// The notice of every download curl or wget made up.
pub(super) const DOWNLOAD: &str = "simulated download: ";

fn home_of(fs: &Fs, uid: u32) -> Option<String> {
    let d = fs.read_file("/etc/passwd").ok()?;
    String::from_utf8_lossy(&d).lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.get(2)?.parse::<u32>().ok()? == uid).then(|| f.get(5).unwrap_or(&"/").to_string())
    })
}
