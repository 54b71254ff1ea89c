//! The interpreter that runs `RUN` scripts on the virtual filesystem.
//!
//! It walks the tree [`parse`](super::parse) makes, with POSIX `sh`
//! semantics (dash's messages: `sh: 1: foo: not found`), and runs a set of
//! simulated commands (the coreutils/busybox set, one module each under
//! `cmd/`) against [`vfs::Fs`].
//!
//! Package managers (`apt-get`/`apt`, `dpkg`, `apk`, `pip`, `npm`, `yarn`,
//! `go`; see docs/packages.md) are simulated too, but only where the image
//! has them ([`cmd::is_program`]: on `PATH` in the filesystem); what they are
//! asked beyond the simulation (`npm run build`) is recorded as below with
//! [`Shell::not_simulated`].
//!
//! **Never a silent success.** A command that is not simulated (`make`,
//! `cmake`, …) and that exists in the image (on `PATH` in the
//! filesystem) is *not run*: it is recorded in [`Context::unsimulated`] with
//! its span, and its exit status is taken as 0 so that the rest of the
//! script still runs (a build that stopped at the first `apt-get` would show
//! nothing). The caller must say so (the build marks the step "partially
//! simulated"). A command found nowhere is `not found` (127), unless
//! [`Context::assume_installed`] says an earlier unsimulated command may
//! have installed it; then it is recorded as unsimulated too.
//!
//! A command that is simulated but works on made-up data (`curl` and `wget`
//! write deterministic content, as there is no network; a checksum of such
//! a download cannot be checked) runs, and records what it made up in
//! [`Context::simulated`], which the build shows too. Piping a download
//! into a shell (`curl … | sh`) does not run it: it is recorded as not
//! simulated, the script's effects being unknown.
//!
//! **Pure and bounded.** No I/O, clock or threads: time is [`Context::mtime`].
//! Steps (commands and loop iterations), function and substitution nesting,
//! captured output and bytes written are bounded by [`Limits`]; hitting one
//! stops the script with an error naming the limit ([`Outcome::error`]).
//!
//! Simplifications, on purpose: pipelines run their commands one after the
//! other (each in a subshell, as dash does), the output of one becoming the
//! input of the next; background `&` runs in the foreground; `$$` is 1;
//! writes through a redirection reach the file when the redirection ends.

mod arith;
pub mod cmd;
mod expand;
mod pattern;

/// What one loop-body run means for its loop: `Ok(true)` to go on,
/// `Ok(false)` for `break`; `break N`/`continue N` with N > 1 leave this loop
/// and carry on outward as N - 1.
fn loop_iteration(run: Result<i32, Flow>, status: &mut i32) -> Result<bool, Flow> {
    match run {
        Ok(s) => {
            *status = s;
            Ok(true)
        }
        Err(Flow::Break(n)) if n > 1 => Err(Flow::Break(n - 1)),
        Err(Flow::Break(_)) => Ok(false),
        Err(Flow::Continue(n)) if n > 1 => Err(Flow::Continue(n - 1)),
        Err(Flow::Continue(_)) => Ok(true),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests;

use super::ast::*;
use crate::dockerfile::span::Span;
use crate::vfs::{self, Fs, Meta};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

/// Bounds on one run; every script is untrusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Commands executed plus loop iterations.
    pub max_steps: u64,
    /// Nesting of function calls, subshells and command substitutions.
    pub max_depth: usize,
    /// Bytes of stdout and stderr kept (and of any one captured output).
    pub max_output: usize,
    /// Bytes written to files through redirections and commands, in total.
    pub max_written: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 100_000,
            max_depth: 48,
            max_output: 1 << 20,
            max_written: 256 << 20,
        }
    }
}

/// A shell variable; exported ones are the environment of commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    pub value: String,
    pub exported: bool,
}

/// A command that was not run because layerlab does not simulate it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsimulated {
    pub name: String,
    /// The whole simple command in the script.
    pub span: Span,
    /// 1-based line of the script it is on.
    pub line: usize,
}

/// A command that ran, but on made-up data (a download without a network,
/// a checksum of such a download): the build must say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulated {
    pub name: String,
    /// The notice as the build shows it ("simulated download: https://… (N bytes)").
    pub message: String,
    /// The whole simple command in the script.
    pub span: Span,
    /// 1-based line of the script it is on.
    pub line: usize,
}

/// `set` options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    pub errexit: bool,
    pub nounset: bool,
    pub xtrace: bool,
    pub pipefail: bool,
    pub noglob: bool,
}

/// What the script runs with, and what it leaves behind.
pub struct Context<'a> {
    pub fs: &'a mut Fs,
    /// Variables in the order they were first set.
    pub vars: Vec<Var>,
    pub cwd: String,
    pub uid: u32,
    pub gid: u32,
    /// `$0` then `$1`…
    pub args: Vec<String>,
    pub limits: Limits,
    /// The mtime of everything the script writes (SOURCE_DATE_EPOCH).
    pub mtime: i64,
    pub umask: u32,
    pub options: Options,
    /// An earlier command that was not simulated may have installed
    /// programs: a command missing from the filesystem is then reported as
    /// not simulated rather than "not found".
    pub assume_installed: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Standard output and error as they were written, interleaved (what a build log shows).
    pub log: Vec<u8>,
    /// Output beyond [`Limits::max_output`] was dropped.
    pub truncated: bool,
    pub unsimulated: Vec<Unsimulated>,
    /// Commands (builtins included) that ran through their simulation and
    /// recorded nothing in [`Context::unsimulated`] for themselves: the
    /// other side of the coverage count (benches/simulate.rs).
    pub simulated_commands: u64,
    /// What ran on made-up data, in order.
    pub simulated: Vec<Simulated>,
    /// SHA-256 digests of the contents simulated downloads produced, so that
    /// a checksum of one, or running one as a script, is not taken as real.
    downloads: std::collections::BTreeSet<Vec<u8>>,
    /// The simple command running, for what commands record.
    span: Span,
    functions: BTreeMap<String, Arc<CompoundCommand>>,
    steps: u64,
    depth: usize,
    written: u64,
    status: i32,
    captures: Vec<Vec<u8>>,
    files: Vec<(String, Vec<u8>)>,
    last_subst: Option<i32>,
    /// The innermost loop running, named when the step limit stops it.
    loop_span: Option<Span>,
}

impl<'a> Context<'a> {
    /// A root shell in `/` with `$0` = `/bin/sh`, no variables.
    pub fn new(fs: &'a mut Fs) -> Context<'a> {
        Context {
            fs,
            vars: Vec::new(),
            cwd: "/".into(),
            uid: 0,
            gid: 0,
            args: vec!["/bin/sh".into()],
            limits: Limits::default(),
            mtime: 0,
            umask: 0o022,
            options: Options::default(),
            assume_installed: false,
            stdout: Vec::new(),
            stderr: Vec::new(),
            log: Vec::new(),
            truncated: false,
            unsimulated: Vec::new(),
            simulated_commands: 0,
            simulated: Vec::new(),
            downloads: Default::default(),
            span: Span { start: 0, end: 0 },
            functions: BTreeMap::new(),
            steps: 0,
            depth: 0,
            written: 0,
            status: 0,
            captures: Vec::new(),
            files: Vec::new(),
            last_subst: None,
            loop_span: None,
        }
    }

    pub fn get_var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.value.as_str())
    }

    pub fn set_var(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self.vars.iter_mut().find(|v| v.name == name) {
            Some(v) => v.value = value,
            None => self.vars.push(Var {
                name: name.to_string(),
                value,
                exported: false,
            }),
        }
    }

    /// Sets and exports (`export NAME=value`, or the environment a RUN starts with).
    pub fn export(&mut self, name: &str, value: Option<String>) {
        match self.vars.iter_mut().find(|v| v.name == name) {
            Some(v) => {
                v.exported = true;
                if let Some(value) = value {
                    v.value = value;
                }
            }
            None => self.vars.push(Var {
                name: name.to_string(),
                value: value.unwrap_or_default(),
                exported: true,
            }),
        }
    }

    pub fn unset_var(&mut self, name: &str) {
        self.vars.retain(|v| v.name != name);
    }

    /// An absolute path for `path` taken from the working directory.
    pub fn abs(&self, path: &str) -> String {
        if path.starts_with('/') {
            path.to_string()
        } else if self.cwd == "/" {
            format!("/{path}")
        } else {
            format!("{}/{path}", self.cwd)
        }
    }

    /// The metadata of a new file or directory: `mode` less the umask, owned by the user.
    pub fn new_meta(&self, mode: u32) -> Meta {
        Meta {
            mode: mode & !self.umask,
            uid: self.uid,
            gid: self.gid,
            mtime: self.mtime,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The exit status of the script.
    pub status: i32,
    /// The script was stopped by a limit; the message names it.
    pub error: Option<String>,
}

/// Runs `script` (parsed from `src`) in `ctx`.
pub fn run(script: &Script, src: &str, ctx: &mut Context) -> Outcome {
    let mut sh = Shell { ctx, src };
    let io = Io::default();
    let r = sh.run_list(&script.body, &io);
    sh.flush_all();
    match r {
        Ok(s) | Err(Flow::Exit(s)) | Err(Flow::Return(s)) => Outcome {
            status: s,
            error: None,
        },
        Err(Flow::Break(_)) | Err(Flow::Continue(_)) => Outcome {
            status: sh.ctx.status,
            error: None,
        },
        Err(Flow::Stop(m)) => Outcome {
            status: 1,
            error: Some(m),
        },
    }
}

/// Runs one command given as an argv (exec form: no shell involved).
pub fn run_argv(argv: &[String], ctx: &mut Context, span: Span) -> Outcome {
    let mut sh = Shell { ctx, src: "" };
    let io = Io::default();
    let r = sh.exec_argv(argv, &io, span);
    sh.flush_all();
    match r {
        Ok(s) | Err(Flow::Exit(s)) | Err(Flow::Return(s)) => Outcome {
            status: s,
            error: None,
        },
        Err(Flow::Break(_)) | Err(Flow::Continue(_)) => Outcome {
            status: 0,
            error: None,
        },
        Err(Flow::Stop(m)) => Outcome {
            status: 1,
            error: Some(m),
        },
    }
}

/// Control flow that unwinds: `exit`, `return`, `break`, `continue`, and a
/// limit that stops everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flow {
    Exit(i32),
    Return(i32),
    Break(u32),
    Continue(u32),
    Stop(String),
}

pub type R = Result<i32, Flow>;

/// Where an output descriptor goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sink {
    #[default]
    Stdout,
    Stderr,
    Null,
    /// A buffer of `Context::captures` (a pipe or a command substitution).
    Capture(usize),
    /// A buffer of `Context::files`, appended to its file when flushed.
    File(usize),
}

/// The descriptors of one command. Standard input is shared with its
/// read position, so that `while read l; do …; done < f` reads on.
#[derive(Debug, Clone)]
pub struct Io {
    pub stdin: Arc<[u8]>,
    pub pos: Rc<Cell<usize>>,
    pub out: Sink,
    pub err: Sink,
}

impl Default for Io {
    fn default() -> Self {
        Io {
            stdin: Arc::from(&b""[..]),
            pos: Rc::default(),
            out: Sink::Stdout,
            err: Sink::Stderr,
        }
    }
}

impl Io {
    fn set_stdin(&mut self, data: impl Into<Arc<[u8]>>) {
        self.stdin = data.into();
        self.pos = Rc::default();
    }

    /// What is left to read of standard input; reading takes all of it.
    pub fn take_input(&self) -> &[u8] {
        let p = self.pos.get().min(self.stdin.len());
        self.pos.set(self.stdin.len());
        &self.stdin[p..]
    }

    /// One line of standard input, without its newline; None at the end.
    pub fn read_line(&self) -> Option<&[u8]> {
        let p = self.pos.get();
        if p >= self.stdin.len() {
            return None;
        }
        let rest = &self.stdin[p..];
        let n = rest.iter().position(|b| *b == b'\n');
        match n {
            Some(n) => {
                self.pos.set(p + n + 1);
                Some(&rest[..n])
            }
            None => {
                self.pos.set(self.stdin.len());
                Some(rest)
            }
        }
    }
}

/// The running shell: the context and the source the tree's spans point into.
pub struct Shell<'c, 'a> {
    pub ctx: &'c mut Context<'a>,
    pub src: &'c str,
}

/// What a subshell must not leak back to its parent.
struct Saved {
    vars: Vec<Var>,
    cwd: String,
    args: Vec<String>,
    options: Options,
    umask: u32,
    functions: BTreeMap<String, Arc<CompoundCommand>>,
}

impl<'c, 'a> Shell<'c, 'a> {
    pub fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.src.len());
        self.src.as_bytes()[..end]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    }

    /// The source of `span`, on one line and cut short for messages.
    fn snippet(&self, span: Span) -> String {
        let text = self.src.get(span.start..span.end).unwrap_or("");
        let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if one.chars().count() > 80 {
            let cut: String = one.chars().take(77).collect();
            format!("{cut}…")
        } else {
            one
        }
    }

    /// Counts one step; past the limit the script stops.
    fn step(&mut self, span: Span) -> Result<(), Flow> {
        self.ctx.steps += 1;
        if self.ctx.steps > self.ctx.limits.max_steps {
            let what = self.snippet(self.ctx.loop_span.unwrap_or(span));
            return Err(Flow::Stop(format!(
                "RUN stopped after {} steps (the step limit): {what}",
                self.ctx.limits.max_steps
            )));
        }
        Ok(())
    }

    fn enter(&mut self, what: &str) -> Result<(), Flow> {
        self.ctx.depth += 1;
        if self.ctx.depth > self.ctx.limits.max_depth {
            return Err(Flow::Stop(format!(
                "RUN stopped: {what} nested deeper than {} (the recursion limit)",
                self.ctx.limits.max_depth
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.ctx.depth -= 1;
    }

    // ---- output -------------------------------------------------------

    /// Writes to a sink, within the output and write limits.
    pub fn write(&mut self, sink: Sink, bytes: &[u8]) -> Result<(), Flow> {
        if bytes.is_empty() {
            return Ok(());
        }
        let max = self.ctx.limits.max_output;
        let keep = |buf: &mut Vec<u8>, truncated: &mut bool| {
            let room = max.saturating_sub(buf.len());
            if bytes.len() > room {
                *truncated = true;
            }
            buf.extend_from_slice(&bytes[..bytes.len().min(room)]);
        };
        match sink {
            Sink::Null => {}
            Sink::Stdout => {
                keep(&mut self.ctx.stdout, &mut self.ctx.truncated);
                keep(&mut self.ctx.log, &mut self.ctx.truncated);
            }
            Sink::Stderr => {
                keep(&mut self.ctx.stderr, &mut self.ctx.truncated);
                keep(&mut self.ctx.log, &mut self.ctx.truncated);
            }
            Sink::Capture(i) => {
                let buf = &mut self.ctx.captures[i];
                if buf.len() + bytes.len() > max {
                    return Err(Flow::Stop(format!(
                        "RUN stopped: a pipe or command substitution produced more than {max} bytes (the output limit)"
                    )));
                }
                buf.extend_from_slice(bytes);
            }
            Sink::File(i) => {
                self.count_written(bytes.len() as u64)?;
                self.ctx.files[i].1.extend_from_slice(bytes);
            }
        }
        Ok(())
    }

    pub fn count_written(&mut self, n: u64) -> Result<(), Flow> {
        self.ctx.written += n;
        if self.ctx.written > self.ctx.limits.max_written {
            return Err(Flow::Stop(format!(
                "RUN stopped: wrote more than {} bytes (the write limit)",
                self.ctx.limits.max_written
            )));
        }
        Ok(())
    }

    pub fn out(&mut self, io: &Io, s: impl AsRef<[u8]>) -> Result<(), Flow> {
        self.write(io.out, s.as_ref())
    }

    pub fn err(&mut self, io: &Io, s: impl AsRef<[u8]>) -> Result<(), Flow> {
        self.write(io.err, s.as_ref())
    }

    /// An error line of the shell itself: `sh: 3: message`.
    pub fn sh_err(&mut self, io: &Io, offset: usize, msg: &str) -> Result<(), Flow> {
        let line = self.line_of(offset);
        self.err(io, format!("sh: {line}: {msg}\n"))
    }

    fn flush_file(&mut self, i: usize) {
        let (path, data) = std::mem::take(&mut self.ctx.files[i]);
        if data.is_empty() || path.is_empty() {
            return;
        }
        let old = self.ctx.fs.read_file(&path).ok();
        let mut all = old.map(|d| d.to_vec()).unwrap_or_default();
        all.extend_from_slice(&data);
        let _ = self.count_written(all.len() as u64);
        if self.ctx.fs.set_contents(&path, all.clone()).is_err() {
            let meta = self.ctx.new_meta(0o666);
            let _ = self.ctx.fs.write_file(&path, all, meta);
        }
        let mtime = self.ctx.mtime;
        let _ = self.ctx.fs.update_meta(&path, true, |m| m.mtime = mtime);
    }

    fn flush_all(&mut self) {
        for i in 0..self.ctx.files.len() {
            self.flush_file(i);
        }
        self.ctx.files.clear();
    }

    fn new_capture(&mut self) -> usize {
        self.ctx.captures.push(Vec::new());
        self.ctx.captures.len() - 1
    }

    fn take_capture(&mut self, i: usize) -> Vec<u8> {
        let v = std::mem::take(&mut self.ctx.captures[i]);
        if i + 1 == self.ctx.captures.len() {
            self.ctx.captures.pop();
        }
        v
    }

    // ---- lists --------------------------------------------------------

    pub fn run_list(&mut self, list: &List, io: &Io) -> R {
        let mut status = 0;
        for item in &list.items {
            status = self.run_and_or(&item.and_or, io, false)?;
        }
        Ok(status)
    }

    /// A list run as a condition (`if`, `while`, left of `&&`): `set -e` does not apply.
    fn run_cond(&mut self, list: &List, io: &Io) -> R {
        let mut status = 0;
        for item in &list.items {
            status = self.run_and_or(&item.and_or, io, true)?;
        }
        Ok(status)
    }

    fn run_and_or(&mut self, ao: &AndOr, io: &Io, cond: bool) -> R {
        let n = ao.rest.len();
        let mut status = self.run_pipeline(&ao.first, io, cond || n > 0)?;
        let mut last_ran = n == 0;
        let mut last_bang = ao.first.bang;
        for (i, (op, p)) in ao.rest.iter().enumerate() {
            let go = match op {
                AndOrOp::And => status == 0,
                AndOrOp::Or => status != 0,
            };
            if go {
                let is_last = i + 1 == n;
                status = self.run_pipeline(p, io, cond || !is_last)?;
                last_ran = is_last;
                last_bang = p.bang;
            }
        }
        self.ctx.status = status;
        if status != 0 && self.ctx.options.errexit && !cond && last_ran && !last_bang {
            return Err(Flow::Exit(status));
        }
        Ok(status)
    }

    fn run_pipeline(&mut self, p: &Pipeline, io: &Io, cond: bool) -> R {
        let status = if p.commands.len() == 1 {
            self.run_command(&p.commands[0], io, cond || p.bang)?
        } else {
            let mut stdin = io.stdin.clone();
            let mut statuses = Vec::new();
            for (i, c) in p.commands.iter().enumerate() {
                let last = i + 1 == p.commands.len();
                let cap = if last { None } else { Some(self.new_capture()) };
                let sub = Io {
                    stdin: stdin.clone(),
                    // The first command reads on from the pipeline's own input.
                    pos: if i == 0 {
                        io.pos.clone()
                    } else {
                        Rc::default()
                    },
                    out: cap.map_or(io.out, Sink::Capture),
                    err: if cap.is_some() && p.pipe_stderr.get(i) == Some(&true) {
                        Sink::Capture(cap.unwrap_or(0))
                    } else {
                        io.err
                    },
                };
                let s = self.subshell(|sh| sh.run_command(c, &sub, true));
                let s = match s {
                    Ok(s) => s,
                    Err(e) => {
                        if let Some(cap) = cap {
                            self.take_capture(cap);
                        }
                        return Err(e);
                    }
                };
                statuses.push(s);
                if let Some(cap) = cap {
                    stdin = Arc::from(self.take_capture(cap));
                }
            }
            let last = *statuses.last().unwrap_or(&0);
            if self.ctx.options.pipefail {
                statuses
                    .iter()
                    .rev()
                    .copied()
                    .find(|s| *s != 0)
                    .unwrap_or(0)
            } else {
                last
            }
        };
        Ok(if p.bang {
            i32::from(status == 0)
        } else {
            status
        })
    }

    /// Runs `f` with a copy of the shell state that is thrown away after;
    /// `exit` ends only the subshell.
    fn subshell(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        self.enter("subshells")?;
        let saved = Saved {
            vars: self.ctx.vars.clone(),
            cwd: self.ctx.cwd.clone(),
            args: self.ctx.args.clone(),
            options: self.ctx.options,
            umask: self.ctx.umask,
            functions: self.ctx.functions.clone(),
        };
        let r = f(self);
        self.ctx.vars = saved.vars;
        self.ctx.cwd = saved.cwd;
        self.ctx.args = saved.args;
        self.ctx.options = saved.options;
        self.ctx.umask = saved.umask;
        self.ctx.functions = saved.functions;
        self.leave();
        match r {
            Ok(s) | Err(Flow::Exit(s)) | Err(Flow::Return(s)) => Ok(s),
            Err(Flow::Break(_)) | Err(Flow::Continue(_)) => Ok(self.ctx.status),
            Err(e) => Err(e),
        }
    }

    fn run_command(&mut self, c: &Command, io: &Io, cond: bool) -> R {
        match c {
            Command::Simple(s) => self.run_simple(s, io),
            Command::Compound(cc) => self.run_compound(cc, io, cond),
            Command::Function(f) => {
                self.ctx
                    .functions
                    .insert(f.name.value.clone(), Arc::new(f.body.clone()));
                Ok(0)
            }
        }
    }

    fn run_compound(&mut self, cc: &CompoundCommand, io: &Io, cond: bool) -> R {
        let opened = self.ctx.files.len();
        let io = match self.redirect(&cc.redirects, io) {
            Ok(io) => io,
            Err(Ok(status)) => return Ok(status),
            Err(Err(flow)) => return Err(flow),
        };
        let r = self.run_compound_body(cc, &io, cond);
        for i in opened..self.ctx.files.len() {
            self.flush_file(i);
        }
        self.ctx.files.truncate(opened);
        r
    }

    fn run_compound_body(&mut self, cc: &CompoundCommand, io: &Io, cond: bool) -> R {
        let looping = matches!(
            cc.kind,
            Compound::While { .. } | Compound::For { .. } | Compound::ArithFor { .. }
        );
        if !looping {
            return self.run_compound_kind(cc, io, cond);
        }
        let outer = self.ctx.loop_span.replace(cc.span);
        let r = self.run_compound_kind(cc, io, cond);
        self.ctx.loop_span = outer;
        r
    }

    fn run_compound_kind(&mut self, cc: &CompoundCommand, io: &Io, cond: bool) -> R {
        let body = |sh: &mut Self, l: &List| {
            if cond {
                sh.run_cond(l, io)
            } else {
                sh.run_list(l, io)
            }
        };
        match &cc.kind {
            Compound::Brace { body: b } => body(self, b),
            Compound::Subshell { body: b } => self.subshell(|sh| {
                if cond {
                    sh.run_cond(b, io)
                } else {
                    sh.run_list(b, io)
                }
            }),
            Compound::If { branches, else_ } => {
                for (c, b) in branches {
                    if self.run_cond(c, io)? == 0 {
                        return body(self, b);
                    }
                }
                match else_ {
                    Some(e) => body(self, e),
                    None => Ok(0),
                }
            }
            Compound::While {
                until,
                cond: c,
                body: b,
            } => {
                let mut status = 0;
                loop {
                    self.step(cc.span)?;
                    let s = self.run_cond(c, io)?;
                    if (s == 0) == *until {
                        break;
                    }
                    if !loop_iteration(body(self, b), &mut status)? {
                        break;
                    }
                }
                Ok(status)
            }
            Compound::For {
                var,
                words,
                body: b,
            } => {
                let items = match words {
                    Some(ws) => self.expand_words(ws, io)?,
                    None => self.ctx.args.get(1..).unwrap_or_default().to_vec(),
                };
                let mut status = 0;
                for item in items {
                    self.step(cc.span)?;
                    self.ctx.set_var(&var.value, item);
                    if !loop_iteration(body(self, b), &mut status)? {
                        break;
                    }
                }
                Ok(status)
            }
            Compound::ArithFor {
                init,
                cond: c,
                step,
                body: b,
            } => {
                if !init.text.trim().is_empty() {
                    self.arith(&init.text, io, init.span.start)?;
                }
                let mut status = 0;
                loop {
                    self.step(cc.span)?;
                    if !c.text.trim().is_empty() && self.arith(&c.text, io, c.span.start)? == 0 {
                        break;
                    }
                    if !loop_iteration(body(self, b), &mut status)? {
                        break;
                    }
                    if !step.text.trim().is_empty() {
                        self.arith(&step.text, io, step.span.start)?;
                    }
                }
                Ok(status)
            }
            Compound::Case { word, arms } => {
                let value = self.expand_string(word, io)?;
                let mut i = 0;
                let mut fall = false;
                while i < arms.len() {
                    let arm = &arms[i];
                    let mut hit = fall;
                    if !hit {
                        for p in &arm.patterns {
                            let pat = self.expand_pattern(p, io)?;
                            if pattern::matches(&pat, &value) {
                                hit = true;
                                break;
                            }
                        }
                    }
                    if hit {
                        let s = body(self, &arm.body)?;
                        match arm.terminator {
                            Some(CaseTerminator::FallThrough) => {
                                fall = true;
                                i += 1;
                                if i == arms.len() {
                                    return Ok(s);
                                }
                                continue;
                            }
                            Some(CaseTerminator::Continue) => {
                                fall = false;
                                i += 1;
                                continue;
                            }
                            _ => return Ok(s),
                        }
                    }
                    i += 1;
                }
                Ok(0)
            }
            Compound::Arith { expr } => {
                let v = self.arith(&expr.text, io, expr.span.start)?;
                Ok(i32::from(v == 0))
            }
            Compound::Test { words } => {
                let mut args = Vec::new();
                for w in words {
                    args.push(self.expand_string(w, io)?);
                }
                cmd::test::double_bracket(self, io, &args)
            }
            Compound::Select { .. } => {
                self.sh_err(
                    io,
                    cc.span.start,
                    "select: not simulated (it reads a terminal)",
                )?;
                Ok(1)
            }
        }
    }

    // ---- simple commands ----------------------------------------------

    fn run_simple(&mut self, sc: &SimpleCommand, io: &Io) -> R {
        self.step(sc.span)?;
        let mut argv = Vec::new();
        self.ctx.last_subst = None;
        argv.extend(self.expand_words(&sc.words, io)?);
        // Assignments: kept when there is no command, scoped to it otherwise.
        let mut assigned = Vec::new();
        for a in &sc.assignments {
            let v = match &a.value {
                AssignValue::Scalar(w) => self.expand_assign(w, io)?,
                AssignValue::Array(ws) => self.expand_words(ws, io)?.join(" "),
            };
            let v = if a.append {
                format!("{}{v}", self.ctx.get_var(&a.name.value).unwrap_or(""))
            } else {
                v
            };
            assigned.push((a.name.value.clone(), v));
        }
        if self.ctx.options.xtrace {
            let mut line = String::from("+");
            for (k, v) in &assigned {
                line.push_str(&format!(" {k}={v}"));
            }
            for a in &argv {
                line.push(' ');
                line.push_str(a);
            }
            line.push('\n');
            self.err(io, line)?;
        }
        let opened = self.ctx.files.len();
        let io2 = match self.redirect(&sc.redirects, io) {
            Ok(io) => io,
            Err(Ok(status)) => return Ok(status),
            Err(Err(flow)) => return Err(flow),
        };
        let r = if argv.is_empty() {
            for (k, v) in assigned {
                self.ctx.set_var(&k, v);
            }
            // `x=$(false)` has the substitution's status.
            Ok(self.ctx.last_subst.take().unwrap_or(0))
        } else {
            // Prefix assignments live only as long as the command.
            let saved: Vec<(String, Option<Var>)> = assigned
                .iter()
                .map(|(k, _)| {
                    (
                        k.clone(),
                        self.ctx.vars.iter().find(|v| &v.name == k).cloned(),
                    )
                })
                .collect();
            for (k, v) in assigned {
                self.ctx.export(&k, Some(v));
            }
            let r = self.exec_argv_at(&argv, &io2, sc.span);
            for (k, old) in saved {
                match old {
                    Some(old) => {
                        if let Some(v) = self.ctx.vars.iter_mut().find(|v| v.name == k) {
                            *v = old;
                        }
                    }
                    None => self.ctx.unset_var(&k),
                }
            }
            r
        };
        for i in opened..self.ctx.files.len() {
            self.flush_file(i);
        }
        self.ctx.files.truncate(opened);
        r
    }

    fn exec_argv(&mut self, argv: &[String], io: &Io, span: Span) -> R {
        self.step(span)?;
        self.exec_argv_at(argv, io, span)
    }

    /// Runs a command by name: a function, a builtin or simulated command,
    /// or one that is not simulated.
    pub fn exec_argv_at(&mut self, argv: &[String], io: &Io, span: Span) -> R {
        let Some(name) = argv.first() else {
            return Ok(0);
        };
        if let Some(f) = self.ctx.functions.get(name).cloned() {
            self.enter("function calls")?;
            let new_args: Vec<String> = std::iter::once(self.ctx.args[0].clone())
                .chain(argv[1..].iter().cloned())
                .collect();
            let saved = std::mem::replace(&mut self.ctx.args, new_args);
            let r = self.run_compound(&f, io, false);
            self.ctx.args = saved;
            self.leave();
            return match r {
                Err(Flow::Return(s)) => Ok(s),
                r => r,
            };
        }
        let base = name.rsplit('/').next().unwrap_or(name);
        self.ctx.span = span;
        if let Some(f) = cmd::lookup(base) {
            // A path names a file: it must be there (and the program it is).
            let missing = name.contains('/') && !self.ctx.fs.exists(&self.ctx.abs(name));
            if missing && !self.ctx.assume_installed {
                self.sh_err(io, span.start, &format!("{name}: not found"))?;
                return Ok(127);
            }
            // A package manager runs only where the image has it.
            if !missing
                && (!cmd::is_program(base) || name.contains('/') || self.which(name).is_some())
            {
                let before = self.ctx.unsimulated.len();
                let r = f(self, io, argv);
                if !self
                    .ctx
                    .unsimulated
                    .iter()
                    .skip(before)
                    .any(|u| u.span == span)
                {
                    self.ctx.simulated_commands += 1;
                }
                return r;
            }
        }
        let found = if name.contains('/') {
            self.ctx
                .fs
                .stat(&self.ctx.abs(name))
                .is_ok_and(|s| s.kind == vfs::Kind::File)
        } else {
            self.which(name).is_some()
        };
        if found || self.ctx.assume_installed {
            self.unsimulated(base);
            return Ok(0);
        }
        self.sh_err(io, span.start, &format!("{name}: not found"))?;
        Ok(127)
    }

    /// Records the running command as not simulated (it did not run, or not
    /// all of what it does ran), named `name`.
    pub fn unsimulated(&mut self, name: &str) {
        let span = self.ctx.span;
        let line = self.line_of(span.start);
        self.ctx.unsimulated.push(Unsimulated {
            name: name.to_string(),
            span,
            line,
        });
    }

    /// Records the running command as not simulated (what it was asked is
    /// beyond the simulation: `npm run build`, `pip install ./local`) and
    /// takes its status as 0, as for any command that is not simulated.
    /// What it did may have installed programs (`python3 -m venv /v` makes
    /// /v/bin/pip): later commands missing from the filesystem are then
    /// not simulated rather than not found, as after an earlier RUN's.
    pub fn not_simulated(&mut self, name: &str) -> R {
        self.ctx.assume_installed = true;
        self.unsimulated(name);
        Ok(0)
    }

    /// Records that the running command `name` worked on made-up data.
    pub fn simulated(&mut self, name: &str, message: String) {
        let span = self.ctx.span;
        let line = self.line_of(span.start);
        self.ctx.simulated.push(Simulated {
            name: name.to_string(),
            message,
            span,
            line,
        });
    }

    /// Remembers `data` as the made-up content of a download.
    pub fn mark_download(&mut self, data: &[u8]) {
        use sha2::Digest;
        self.ctx
            .downloads
            .insert(sha2::Sha256::digest(data).to_vec());
    }

    /// `data` is (exactly) the made-up content of a download.
    pub fn is_download(&self, data: &[u8]) -> bool {
        use sha2::Digest;
        !self.ctx.downloads.is_empty()
            && self
                .ctx
                .downloads
                .contains(sha2::Sha256::digest(data).as_slice())
    }

    /// The path of `name` in a `PATH` directory, as `command -v` finds it.
    pub fn which(&self, name: &str) -> Option<String> {
        let path = self
            .ctx
            .get_var("PATH")
            .unwrap_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        path.split(':').find_map(|d| {
            let d = if d.is_empty() { "." } else { d };
            let p = self.ctx.abs(&format!("{}/{name}", d.trim_end_matches('/')));
            self.ctx
                .fs
                .stat(&p)
                .ok()
                .filter(|s| s.kind == vfs::Kind::File && s.meta.mode & 0o111 != 0)
                .map(|_| p)
        })
    }

    // ---- redirections -------------------------------------------------

    /// The descriptors after `redirects`. `Err(Ok(status))` when one failed
    /// (the command does not run), `Err(Err(flow))` for a limit.
    fn redirect(&mut self, redirects: &[Redirect], io: &Io) -> Result<Io, Result<i32, Flow>> {
        let mut io = io.clone();
        for r in redirects {
            let fd = match &r.fd {
                Some(RedirFd::Number(n)) => Some(*n),
                Some(RedirFd::Var(_)) => continue,
                None => None,
            };
            let word = match &r.target {
                RedirTarget::Word(w) => Some(w),
                RedirTarget::HereDoc(_) => None,
            };
            let target = match (word, r.op) {
                (Some(w), RedirOp::HereString) => {
                    let mut s = self.expand_string(w, &io).map_err(Err)?;
                    s.push('\n');
                    io.set_stdin(s.into_bytes());
                    continue;
                }
                (Some(w), _) => self.expand_string(w, &io).map_err(Err)?,
                (None, _) => String::new(),
            };
            match r.op {
                RedirOp::HereDoc => {
                    if let RedirTarget::HereDoc(h) = &r.target {
                        let body = if h.quoted || h.error.is_some() {
                            h.text.clone()
                        } else {
                            self.expand_parts_string(&h.parts, &io).map_err(Err)?
                        };
                        if fd.unwrap_or(0) == 0 {
                            io.set_stdin(body.into_bytes());
                        }
                    }
                }
                RedirOp::In | RedirOp::ReadWrite => {
                    if fd.unwrap_or(0) != 0 {
                        continue;
                    }
                    match target.as_str() {
                        "/dev/null" => io.set_stdin(&b""[..]),
                        "/dev/stdin" | "/dev/fd/0" => {}
                        _ => match self.ctx.fs.read_file(&self.ctx.abs(&target)) {
                            Ok(d) => io.set_stdin(&d[..]),
                            Err(e) => {
                                let why = cmd::why(&e);
                                let msg = format!("cannot open {target}: {why}");
                                self.sh_err(&io, r.span.start, &msg).map_err(Err)?;
                                return Err(Ok(2));
                            }
                        },
                    }
                }
                RedirOp::Out | RedirOp::Clobber | RedirOp::Append => {
                    let sink = self.open_out(&target, r.op == RedirOp::Append, &io, r.span)?;
                    match fd.unwrap_or(1) {
                        1 => io.out = sink,
                        2 => io.err = sink,
                        _ => {}
                    }
                }
                RedirOp::OutErr | RedirOp::AppendErr => {
                    let sink = self.open_out(&target, r.op == RedirOp::AppendErr, &io, r.span)?;
                    io.out = sink;
                    io.err = sink;
                }
                RedirOp::DupOut | RedirOp::DupIn => {
                    let n = fd.unwrap_or(if r.op == RedirOp::DupOut { 1 } else { 0 });
                    let src = match target.as_str() {
                        "1" => Some(io.out),
                        "2" => Some(io.err),
                        "-" => Some(Sink::Null),
                        "0" => None,
                        t if r.op == RedirOp::DupOut
                            && fd.is_none()
                            && t.parse::<u32>().is_err() =>
                        {
                            // `>&file` is `&>file` in bash.
                            let sink = self.open_out(t, false, &io, r.span)?;
                            io.out = sink;
                            io.err = sink;
                            continue;
                        }
                        _ => None,
                    };
                    if let Some(s) = src {
                        match n {
                            1 => io.out = s,
                            2 => io.err = s,
                            _ => {}
                        }
                    }
                }
                RedirOp::HereString => {}
            }
        }
        Ok(io)
    }

    /// Opens `target` for writing (truncating unless `append`).
    fn open_out(
        &mut self,
        target: &str,
        append: bool,
        io: &Io,
        span: Span,
    ) -> Result<Sink, Result<i32, Flow>> {
        match target {
            "/dev/null" => return Ok(Sink::Null),
            "/dev/stdout" | "/dev/fd/1" => return Ok(io.out),
            "/dev/stderr" | "/dev/fd/2" => return Ok(io.err),
            _ => {}
        }
        let path = self.ctx.abs(target);
        let fail = |sh: &mut Self, why: &str| -> Result<Sink, Result<i32, Flow>> {
            let msg = format!("cannot create {target}: {why}");
            sh.sh_err(io, span.start, &msg).map_err(Err)?;
            Err(Ok(2))
        };
        match self.ctx.fs.stat(&path) {
            Ok(st) if st.kind == vfs::Kind::Dir => return fail(self, "Is a directory"),
            Ok(_) => {
                if !append {
                    let _ = self.ctx.fs.set_contents(&path, Vec::new());
                    let mtime = self.ctx.mtime;
                    let _ = self.ctx.fs.update_meta(&path, true, |m| m.mtime = mtime);
                }
            }
            Err(_) => {
                let meta = self.ctx.new_meta(0o666);
                if let Err(e) = self.ctx.fs.write_file(&path, Vec::new(), meta) {
                    let why = match e {
                        vfs::Error::NotFound(_) => "Directory nonexistent".to_string(),
                        e => cmd::why(&e),
                    };
                    return fail(self, &why);
                }
            }
        }
        self.ctx.files.push((path, Vec::new()));
        Ok(Sink::File(self.ctx.files.len() - 1))
    }
}
