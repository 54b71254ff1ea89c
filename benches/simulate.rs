//! Simulation coverage and speed over the real-world corpus
//! (../shared/corpus): every RUN instruction of every Dockerfile, run
//! natively by the shell interpreter on a base image from the offline
//! catalog. `cargo bench --bench simulate` prints files/s and RUNs/s (median
//! of a few passes), how many command invocations were simulated and how
//! many were reported as not simulated, the 20 most common unsimulated
//! commands, the programs a script called that the image does not have, the
//! RUNs that could not be simulated at all, and the 10 most common failure
//! messages (failures point at simulation bugs, or at what the base image
//! lacks).
//!
//! How (the most honest coverage number, not the most faithful build): the
//! interpreter is driven directly, one RUN after another, on a filesystem
//! that carries over between the RUNs of a stage, instead of building the
//! Dockerfile with the engine. A real build stops at the first failing step
//! (and at the first COPY of a context file the corpus does not have), which
//! would leave most RUNs unrun; here every RUN runs, each one as
//! `build::run` does it: the stage's SHELL (its `-o` options set first,
//! `["sh", "-c", …]` exec form as a script, other exec forms as one
//! command, a lone heredoc as the script, a `#!` naming a non-POSIX
//! interpreter or a non-POSIX SHELL not simulated at all), ENV then the ARGs
//! ENV does not set as the environment, WORKDIR as the directory, USER as
//! the user, and `assume_installed` once an earlier RUN of the stage left
//! commands not run. A failed RUN keeps what it changed and the next RUN
//! goes on from there.
//!
//! Base images: a stage's FROM naming an earlier stage starts from that
//! stage's end state; otherwise the image is looked up in the catalog
//! (`catalog::lookup`), by its tag, then as the repository's `alpine` tag
//! for an alpine variant, else its `slim` tag for a slim one, then
//! `latest`; an image the catalog
//! does not have is replaced by family: a name containing `alpine` by
//! alpine, `busybox` by busybox, anything else by debian:bookworm when the
//! catalog has it, else alpine. `scratch` stays empty (its RUNs fail, as
//! they would). The mapping is printed.
//!
//! COPY and ADD have no build context to copy from: they are synthesised.
//! Heredoc sources are written as given; an ADD URL gets what `curl` makes
//! up for it (`cmd::curl::download`); an ADD of a local tarball becomes the
//! destination directory (its unpacked content is unknown); another source
//! whose name has a dot becomes an empty file (`package.json` a name and
//! version, other `*.json` `{}`, `go.mod` a module line, so that package
//! managers can read them); a source without a dot, `.` or a glob becomes a
//! directory; owners and modes are not applied. Scripts that read
//! what a COPY brought can therefore fail where a real build would not; so
//! can those that read a `RUN --mount` bind of the context (not synthesised).
//!
//! A panic anywhere is caught per RUN (`catch_unwind`), counted and listed
//! with its location, and the RUN's filesystem is rolled back.

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use criterion::Criterion;
    use layerlab::build::catalog;
    use layerlab::dockerfile::instructions::{self, CommandLine, Instr, SourcesAndDest};
    use layerlab::dockerfile::{Heredoc, LineIndex, Span, parse};
    use layerlab::shell::interp::{self, Context};
    use layerlab::vfs::{self, Fs, Meta};
    use std::cell::RefCell;
    use std::collections::{BTreeMap, HashMap};
    use std::hint::black_box;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::path::Path;
    use std::time::Instant;

    const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    const EPOCH: i64 = 1_700_000_000;
    const POSIX_SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

    fn is_posix(path: &str) -> bool {
        POSIX_SHELLS.contains(&path.rsplit('/').next().unwrap_or(path))
    }

    /// Every corpus Dockerfile: `repo/file.Dockerfile` and its text.
    fn corpus() -> Vec<(String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let mut files = Vec::new();
        for repo in std::fs::read_dir(&root).expect("../shared/corpus is missing") {
            let repo = repo.unwrap().path();
            if !repo.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(&repo).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|e| e == "Dockerfile") {
                    let name = f.strip_prefix(&root).unwrap().display().to_string();
                    let src = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
                    files.push((name, src));
                }
            }
        }
        files.sort();
        files
    }

    /// A base image: its tree and config.
    #[derive(Clone)]
    struct Base {
        /// What it was mapped to, for the report (`alpine:3.20`).
        shown: String,
        fs: Fs,
        /// The image's SHELL (empty: `/bin/sh -c`).
        shell: Vec<String>,
        env: Vec<String>,
        workdir: String,
        user: String,
    }

    /// Catalog lookups, kept so that a pass does not rebuild the trees.
    #[derive(Default)]
    struct Images {
        found: HashMap<(String, String), Option<Base>>,
    }

    impl Images {
        fn catalog(&mut self, repo: &str, tag: &str) -> Option<Base> {
            self.found
                .entry((repo.to_string(), tag.to_string()))
                .or_insert_with(|| {
                    catalog::lookup(repo, tag).map(|c| Base {
                        shown: format!("{}:{tag}", repo.trim_start_matches("docker.io/library/")),
                        fs: c.fs(),
                        shell: c.config.shell.clone(),
                        env: c.config.env,
                        workdir: c.config.working_dir,
                        user: c.config.user,
                    })
                })
                .clone()
        }

        /// The catalog image for `base`, or the family stand-in.
        fn resolve(&mut self, base: &str) -> Base {
            let lower = base.to_ascii_lowercase();
            if lower == "scratch" {
                return Base {
                    shown: "scratch".into(),
                    fs: Fs::new(),
                    shell: Vec::new(),
                    env: Vec::new(),
                    workdir: String::new(),
                    user: String::new(),
                };
            }
            if !base.contains('$')
                && let Ok(r) = layerlab::build::engine::normalize(base)
            {
                // The tag, else the repository's variant of the same
                // family (`node:18-alpine` → `node:alpine`, `python:3.9-slim`
                // → `python:slim`), else its latest (not for an alpine tag).
                let tag = r.tag.clone().unwrap_or_else(|| "latest".into());
                let mut tags = vec![tag.as_str()];
                if tag.contains("alpine") {
                    tags.push("alpine");
                } else {
                    if tag.contains("slim") {
                        tags.push("slim");
                    }
                    tags.push("latest");
                }
                for t in tags {
                    if let Some(b) = self.catalog(&r.name(), t) {
                        return b;
                    }
                }
            }
            let family = if lower.contains("alpine") {
                self.catalog("docker.io/library/alpine", "3.20")
            } else if lower.contains("busybox") {
                self.catalog("docker.io/library/busybox", "latest")
            } else {
                self.catalog("docker.io/library/debian", "bookworm")
            };
            let mut b = family
                .or_else(|| self.catalog("docker.io/library/alpine", "3.20"))
                .expect("alpine is in the catalog");
            b.shown.push_str(" (stand-in)");
            b
        }
    }

    /// A stage as the RUNs see it.
    #[derive(Clone)]
    struct Stage {
        fs: Fs,
        /// `KEY=value`, in order.
        env: Vec<String>,
        args: BTreeMap<String, String>,
        workdir: String,
        user: String,
        shell: Vec<String>,
        unsimulated: bool,
    }

    impl Stage {
        fn get_env(&self, k: &str) -> Option<&str> {
            self.env
                .iter()
                .find_map(|kv| kv.strip_prefix(k)?.strip_prefix('='))
        }

        fn set_env(&mut self, k: &str, v: &str) {
            let kv = format!("{k}={v}");
            match self
                .env
                .iter_mut()
                .find(|e| e.strip_prefix(k).is_some_and(|r| r.starts_with('=')))
            {
                Some(e) => *e = kv,
                None => self.env.push(kv),
            }
        }
    }

    /// What the passes count.
    #[derive(Default)]
    struct Tally {
        /// The file being simulated, for panics.
        file: String,
        /// A timing pass: print nothing.
        quiet: bool,
        files: usize,
        stages: usize,
        runs: usize,
        runs_ok: usize,
        runs_partial: usize,
        runs_failed: usize,
        runs_stopped: usize,
        runs_unsupported: usize,
        runs_syntax: usize,
        panics: Vec<String>,
        simulated: u64,
        unsimulated: u64,
        not_found: u64,
        unsimulated_names: HashMap<String, u64>,
        not_found_names: HashMap<String, u64>,
        failures: HashMap<String, u64>,
        /// The first RUN (`file:line`) each failure message came from.
        failure_at: HashMap<String, String>,
        unsupported: HashMap<String, u64>,
        bases: HashMap<String, u64>,
    }

    fn bump(m: &mut HashMap<String, u64>, k: &str) {
        *m.entry(k.to_string()).or_default() += 1;
    }

    fn fail(t: &mut Tally, line: usize, msg: &str) {
        bump(&mut t.failures, msg);
        if !t.failure_at.contains_key(msg) {
            let at = format!("{}:{line}", t.file);
            t.failure_at.insert(msg.to_string(), at);
        }
    }

    fn top(m: &HashMap<String, u64>, n: usize) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = m.iter().map(|(k, c)| (k.as_str(), *c)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }

    thread_local! {
        static PANIC_AT: RefCell<String> = const { RefCell::new(String::new()) };
    }

    /// What a RUN executes (as build/run.rs plans it).
    enum Plan {
        Script {
            script: String,
            options: Vec<String>,
        },
        Argv(Vec<String>),
        Unsupported(String),
    }

    fn plan(cl: &CommandLine, shell: &[String]) -> Plan {
        let words: Vec<String> = cl.args.iter().map(|w| w.value.clone()).collect();
        if !cl.prepend_shell {
            if let [sh, flag, script, ..] = words.as_slice()
                && is_posix(sh)
                && flag == "-c"
            {
                return Plan::Script {
                    script: script.clone(),
                    options: Vec::new(),
                };
            }
            return Plan::Argv(words);
        }
        let text = words.join(" ");
        let Some(prog) = shell.first() else {
            return Plan::Unsupported("empty SHELL".into());
        };
        let mut script = text.clone();
        if !cl.files.is_empty() {
            let t = text.trim();
            let marker = t.trim_start_matches("<<").trim_start_matches('-');
            let single = cl.files.len() == 1
                && t.starts_with("<<")
                && marker.trim_matches(['"', '\'']) == cl.files[0].name;
            if single {
                let body = cl.files[0].content.clone();
                if let Some(first) = body.strip_prefix("#!") {
                    let line = first.lines().next().unwrap_or("").trim();
                    let mut parts = line.split_whitespace();
                    let path = parts.next().unwrap_or("");
                    let p = if path.ends_with("/env") {
                        parts.next().unwrap_or("")
                    } else {
                        path
                    };
                    if !is_posix(p) {
                        let name = p.rsplit('/').next().unwrap_or(p);
                        return Plan::Unsupported(format!("heredoc run by #!{name}"));
                    }
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
            let name = prog.rsplit(['/', '\\']).next().unwrap_or(prog);
            return Plan::Unsupported(format!("SHELL {}", name.to_ascii_lowercase()));
        }
        let options = layerlab::build::shell_options(shell);
        Plan::Script { script, options }
    }

    fn home_of(fs: &Fs, uid: u32) -> Option<String> {
        let d = fs.read_file("/etc/passwd").ok()?;
        String::from_utf8_lossy(&d).lines().find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.get(2)?.parse::<u32>().ok()? == uid).then(|| f.get(5).unwrap_or(&"/").to_string())
        })
    }

    /// `sh: 12: foo: not found` → `sh: N: foo: not found`, so that messages group.
    fn normalize_message(line: &str) -> String {
        let mut parts: Vec<&str> = line.splitn(3, ": ").collect();
        if parts.len() == 3 && parts[1].chars().all(|c| c.is_ascii_digit()) {
            parts[1] = "N";
        }
        let s = parts.join(": ");
        if s.len() > 110 {
            let mut end = 107;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}...", &s[..end])
        } else {
            s
        }
    }

    /// Runs one RUN on `st`, counting into `t`.
    fn run_one(st: &mut Stage, cl: &CommandLine, line: usize, t: &mut Tally) {
        t.runs += 1;
        let plan = plan(cl, &st.shell);
        if let Plan::Unsupported(why) = &plan {
            t.runs_unsupported += 1;
            bump(&mut t.unsupported, why);
            return;
        }
        let prog = match &plan {
            Plan::Script { .. } => st.shell.first().cloned().unwrap_or_default(),
            Plan::Argv(argv) => argv.first().cloned().unwrap_or_default(),
            Plan::Unsupported(_) => unreachable!(),
        };
        if prog.starts_with('/') && st.fs.stat(&prog).is_err() {
            t.runs_failed += 1;
            fail(
                t,
                line,
                &format!("exec: {prog}: no such file (the base image)"),
            );
            return;
        }
        let (uid, gid) = if st.user.is_empty() {
            (0, 0)
        } else {
            match layerlab::build::copy::parse_chown(&st.user, &st.fs) {
                Ok(ids) => ids,
                Err(_) => {
                    t.runs_failed += 1;
                    fail(t, line, "unable to find user (USER not in /etc/passwd)");
                    return;
                }
            }
        };
        let parsed = match &plan {
            Plan::Script { script, .. } => match layerlab::shell::parse(script) {
                Ok(s) => Some(s),
                Err(e) => {
                    t.runs_syntax += 1;
                    fail(t, line, &format!("Syntax error: {}", e.message));
                    return;
                }
            },
            _ => None,
        };
        let before = st.fs.clone();
        let mut env = st.env.clone();
        for (k, v) in &st.args {
            if st.get_env(k).is_none() {
                env.push(format!("{k}={v}"));
            }
        }
        let (workdir, assume) = (st.workdir.clone(), st.unsimulated);
        let fs = &mut st.fs;
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut ctx = Context::new(fs);
            ctx.uid = uid;
            ctx.gid = gid;
            ctx.mtime = EPOCH;
            ctx.assume_installed = assume;
            ctx.cwd = if workdir.is_empty() {
                "/".into()
            } else {
                workdir
            };
            for kv in &env {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                ctx.export(k, Some(v.to_string()));
            }
            if ctx.get_var("HOME").is_none() {
                let home = home_of(ctx.fs, uid).unwrap_or_else(|| "/root".into());
                ctx.export("HOME", Some(home));
            }
            let span = Span { start: 0, end: 0 };
            let outcome = match (&plan, &parsed) {
                (Plan::Script { script, options }, Some(parsed)) => {
                    ctx.args = vec![prog.clone()];
                    if !options.is_empty() {
                        let mut set = vec!["set".to_string()];
                        set.extend(options.iter().cloned());
                        let _ = interp::run_argv(&set, &mut ctx, span);
                    }
                    interp::run(parsed, script, &mut ctx)
                }
                (Plan::Argv(argv), _) => interp::run_argv(argv, &mut ctx, span),
                _ => unreachable!(),
            };
            let unsim: Vec<String> = ctx.unsimulated.iter().map(|u| u.name.clone()).collect();
            let stderr = String::from_utf8_lossy(&ctx.stderr).into_owned();
            let stdout = String::from_utf8_lossy(&ctx.stdout).into_owned();
            (outcome, ctx.simulated_commands, unsim, stderr, stdout)
        }));
        let (outcome, simulated, unsim, stderr, stdout) = match result {
            Ok(r) => r,
            Err(payload) => {
                st.fs = before;
                let msg = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(no message)".into());
                let at = PANIC_AT.with(|p| p.borrow().clone());
                t.panics.push(format!("{}:{line}: {msg} (at {at})", t.file));
                return;
            }
        };
        t.simulated += simulated;
        t.unsimulated += unsim.len() as u64;
        for n in &unsim {
            bump(&mut t.unsimulated_names, n);
        }
        for l in stderr.lines() {
            if let Some(head) = l.strip_suffix(": not found") {
                t.not_found += 1;
                let name = head.rsplit(": ").next().unwrap_or(head);
                bump(&mut t.not_found_names, name);
            }
        }
        if !unsim.is_empty() {
            st.unsimulated = true;
        }
        if let Some(e) = outcome.error {
            t.runs_stopped += 1;
            let first = e.lines().next().unwrap_or("");
            let first = first.split(':').next().unwrap_or(first);
            fail(t, line, &format!("stopped: {first}"));
        } else if outcome.status != 0 {
            t.runs_failed += 1;
            // The last error, not the trace of `set -x`.
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty() && !l.starts_with('+'));
            // Nothing on stderr: what the script printed last says why
            // (`echo "No build tags found"; exit 1`).
            let last_out = stdout.lines().rev().find(|l| !l.trim().is_empty());
            let msg = match (last, last_out) {
                (Some(l), _) => normalize_message(l),
                (None, Some(l)) => format!("(stdout) {}", normalize_message(l)),
                (None, None) => format!("exit code {} (no output)", outcome.status),
            };
            if let Ok(want) = std::env::var("SIMULATE_SHOW")
                && msg.contains(&want)
                && !t.quiet
            {
                println!("--- {}:{line}: {msg}\n{stderr}", t.file);
            }
            fail(t, line, &msg);
        } else if unsim.is_empty() {
            t.runs_ok += 1;
        } else {
            t.runs_partial += 1;
        }
    }

    /// What a synthesised COPY/ADD source holds.
    fn placeholder(name: &str) -> &'static [u8] {
        match name {
            "package.json" => b"{\"name\": \"app\", \"version\": \"1.0.0\"}\n",
            "go.mod" => b"module example.com/app\n\ngo 1.22\n",
            n if n.ends_with(".json") => b"{}\n",
            _ => b"",
        }
    }

    fn synthesize_copy(st: &mut Stage, files: &SourcesAndDest, add: bool) {
        let base = if st.workdir.is_empty() {
            "/"
        } else {
            &st.workdir
        };
        let dest_raw = files.dest.value();
        let dest = vfs::join_at(base, dest_raw);
        let many = files.sources.len() + files.contents.len() > 1 || dest_raw.ends_with('/');
        let dir = Meta {
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime: EPOCH,
        };
        let file = Meta { mode: 0o644, ..dir };
        let parent = |p: &str| p.rsplit_once('/').map(|(a, _)| a.to_string());
        let write = |fs: &mut Fs, path: &str, data: &[u8]| {
            if let Some(p) = parent(path).filter(|p| !p.is_empty()) {
                let _ = fs.mkdir_all(&p, dir);
            }
            let _ = fs.write_file(path, data.to_vec(), file);
        };
        let h: &[Heredoc] = &files.contents;
        for doc in h {
            let path = if many {
                vfs::join_at(&dest, &doc.name)
            } else {
                dest.clone()
            };
            write(&mut st.fs, &path, doc.content.as_bytes());
        }
        for s in &files.sources {
            let src = s.value();
            let url = src.starts_with("http://") || src.starts_with("https://");
            let name = src.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            let glob = name.contains(['*', '?', '[']);
            if name.is_empty() || name == "." || name == ".." || glob {
                let _ = st.fs.mkdir_all(&dest, dir);
                continue;
            }
            let target = if many {
                vfs::join_at(&dest, name)
            } else {
                dest.clone()
            };
            const ARCHIVES: [&str; 7] = [
                ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2",
            ];
            if add && url {
                // What curl would have made up for the URL.
                let data = interp::cmd::curl::download(src, EPOCH);
                write(&mut st.fs, &target, &data);
            } else if add && ARCHIVES.iter().any(|e| name.ends_with(e)) {
                // A local archive is unpacked into the destination.
                let _ = st.fs.mkdir_all(&dest, dir);
            } else if url || (name.contains('.') && !src.ends_with('/')) {
                write(&mut st.fs, &target, placeholder(name));
            } else {
                let _ = st.fs.mkdir_all(&target, dir);
            }
        }
    }

    /// Every RUN of one Dockerfile, stage by stage.
    fn simulate_file(name: &str, src: &str, images: &mut Images, t: &mut Tally) {
        t.files += 1;
        t.file = name.to_string();
        let lines = LineIndex::new(src);
        // As the engine does: expand once to learn the bases, then again
        // with their ENV (`ENV PATH=/opt/bin:$PATH` keeps the image's PATH).
        let ast = parse(src);
        let mut df = instructions::parse_dockerfile(&ast);
        let mut first = df.clone();
        instructions::expand_dockerfile(&mut first, &Default::default(), ast.escape_token);
        let mut bases: BTreeMap<usize, Base> = BTreeMap::new();
        for (i, stage) in first.stages.iter().enumerate() {
            let lower = stage.base.value().to_ascii_lowercase();
            let earlier = first.stages[..i]
                .iter()
                .any(|s| s.name.as_deref() == Some(lower.as_str()))
                || lower.parse::<usize>().is_ok_and(|j| j < i);
            if !earlier {
                bases.insert(i, images.resolve(stage.base.value()));
            }
        }
        let envs: BTreeMap<usize, BTreeMap<String, String>> = bases
            .iter()
            .map(|(i, b)| {
                let env = b
                    .env
                    .iter()
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                (*i, env)
            })
            .collect();
        instructions::expand_dockerfile_with(
            &mut df,
            &Default::default(),
            ast.escape_token,
            &|i| envs.get(&i).cloned().unwrap_or_default(),
        );
        let mut meta_args = BTreeMap::new();
        for ins in &df.meta_args {
            if let Instr::Arg { args } = &ins.instr {
                for arg in args {
                    let v = arg.default.as_ref().map(|d| d.value().to_string());
                    meta_args.insert(arg.name.clone(), v.unwrap_or_default());
                }
            }
        }
        let mut done: Vec<(Option<String>, Stage)> = Vec::new();
        for (i, stage) in df.stages.iter().enumerate() {
            t.stages += 1;
            let lower = first.stages[i].base.value().to_ascii_lowercase();
            let earlier = done
                .iter()
                .rev()
                .find(|(n, _)| n.as_deref() == Some(lower.as_str()))
                .or_else(|| lower.parse::<usize>().ok().and_then(|j| done.get(j)))
                .map(|(_, s)| s.clone());
            let mut st = match (earlier, bases.remove(&i)) {
                (Some(mut s), _) => {
                    s.args.clear();
                    s
                }
                (None, img) => {
                    let img = img.unwrap_or_else(|| images.resolve(stage.base.value()));
                    bump(&mut t.bases, &img.shown);
                    Stage {
                        fs: img.fs,
                        env: img.env,
                        args: BTreeMap::new(),
                        workdir: img.workdir,
                        user: img.user,
                        shell: if img.shell.is_empty() {
                            vec!["/bin/sh".into(), "-c".into()]
                        } else {
                            img.shell
                        },
                        unsimulated: false,
                    }
                }
            };
            if st.get_env("PATH").is_none() {
                st.env.push(format!("PATH={DEFAULT_PATH}"));
            }
            for ins in &stage.instructions {
                match &ins.instr {
                    Instr::Env { pairs } => {
                        for p in pairs {
                            st.set_env(p.key.value(), p.value.value());
                        }
                    }
                    Instr::Arg { args } => {
                        for arg in args {
                            let v = arg
                                .default
                                .as_ref()
                                .map(|d| d.value().to_string())
                                .or_else(|| meta_args.get(&arg.name).cloned())
                                .unwrap_or_default();
                            st.args.insert(arg.name.clone(), v);
                        }
                    }
                    Instr::User { user } => st.user = user.value().to_string(),
                    Instr::Shell { args } => {
                        st.shell = args.iter().map(|w| w.value.clone()).collect();
                    }
                    Instr::Workdir { path } => {
                        let base = if st.workdir.is_empty() {
                            "/"
                        } else {
                            &st.workdir
                        };
                        st.workdir = vfs::join_at(base, path.value());
                        let meta = Meta {
                            mode: 0o755,
                            uid: 0,
                            gid: 0,
                            mtime: EPOCH,
                        };
                        let _ = st.fs.mkdir_all(&st.workdir, meta);
                    }
                    Instr::Copy(c) => synthesize_copy(&mut st, &c.files, false),
                    Instr::Add(c) => synthesize_copy(&mut st, &c.files, true),
                    Instr::Run(run) => {
                        let line = lines.line_col(ins.span.start).line;
                        run_one(&mut st, &run.command, line, t)
                    }
                    _ => {}
                }
            }
            done.push((stage.name.clone(), st));
        }
    }

    fn pass(files: &[(String, String)], images: &mut Images, quiet: bool) -> Tally {
        let mut t = Tally {
            quiet,
            ..Tally::default()
        };
        for (name, src) in files {
            simulate_file(name, src, images, &mut t);
        }
        t
    }

    fn pct(a: u64, b: u64) -> f64 {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    }

    fn table(title: &str, rows: &[(&str, u64)], total: u64) {
        println!("\n{title}");
        println!("  {:>4}  {:<60} {:>7} {:>7}", "#", "", "count", "share");
        for (i, (k, c)) in rows.iter().enumerate() {
            println!(
                "  {:>4}  {:<60} {:>7} {:>6.1}%",
                i + 1,
                k,
                c,
                pct(*c, total)
            );
        }
    }

    pub fn run() {
        std::panic::set_hook(Box::new(|info| {
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            PANIC_AT.with(|p| *p.borrow_mut() = at);
        }));
        // Panics must unwind to be counted (the release profile aborts;
        // cargo builds benches with unwinding): check once.
        assert!(
            catch_unwind(|| panic!("self-check")).is_err(),
            "panics must unwind"
        );
        let files = corpus();
        let mut images = Images::default();
        // The first pass counts (and loads the catalog images it needs).
        let t = pass(&files, &mut images, false);

        // `SIMULATE_SHOW=text`: print the failed RUNs whose message has
        // `text` (and their stderr), without criterion's measurement.
        let show = std::env::var_os("SIMULATE_SHOW").is_some();
        let mut c = Criterion::default().configure_from_args().sample_size(10);
        if !show {
            c.bench_function("simulate corpus RUNs", |b| {
                b.iter(|| black_box(pass(black_box(&files), &mut images, true)))
            });
        }

        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let start = Instant::now();
                black_box(pass(&files, &mut images, true));
                start.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let (best, median) = (times[0], times[times.len() / 2]);

        let commands = t.simulated + t.unsimulated;
        println!(
            "\nsimulate: {} files, {} stages, {} RUNs: all in {:.0} ms (median of {} passes; best {:.0} ms): {:.0} files/s, {:.0} RUNs/s",
            t.files,
            t.stages,
            t.runs,
            median * 1e3,
            times.len(),
            best * 1e3,
            t.files as f64 / median,
            t.runs as f64 / median
        );
        println!(
            "command invocations: {commands} ran or reported: {} simulated ({:.1}%), {} not simulated ({:.1}%); besides, {} not found in the image ({:.1}% simulated counting those)",
            t.simulated,
            pct(t.simulated, commands),
            t.unsimulated,
            pct(t.unsimulated, commands),
            t.not_found,
            pct(t.simulated, commands + t.not_found)
        );
        let r = t.runs as u64;
        println!(
            "RUNs: {} fully simulated ({:.1}%), {} partially (some command not run) ({:.1}%), {} failed ({:.1}%), {} stopped by a limit, {} not simulatable at all ({:.1}%), {} syntax errors, {} panics",
            t.runs_ok,
            pct(t.runs_ok as u64, r),
            t.runs_partial,
            pct(t.runs_partial as u64, r),
            t.runs_failed,
            pct(t.runs_failed as u64, r),
            t.runs_stopped,
            t.runs_unsupported,
            pct(t.runs_unsupported as u64, r),
            t.runs_syntax,
            t.panics.len()
        );
        let bases: Vec<String> = top(&t.bases, usize::MAX)
            .iter()
            .map(|(k, c)| format!("{k} {c}"))
            .collect();
        println!("base images used (stages): {}", bases.join(", "));
        table(
            "top 20 commands not simulated (share of not-simulated invocations)",
            &top(&t.unsimulated_names, 20),
            t.unsimulated,
        );
        table(
            "top 10 programs not found in the base image",
            &top(&t.not_found_names, 10),
            t.not_found,
        );
        table(
            "RUNs not simulated at all",
            &top(&t.unsupported, 10),
            t.runs_unsupported as u64,
        );
        let failed = (t.runs_failed + t.runs_stopped + t.runs_syntax) as u64;
        let failures = top(&t.failures, 10);
        table(
            "top 10 failure messages (last stderr line of the failed RUN, `set -x` trace skipped; else its last stdout line)",
            &failures,
            failed,
        );
        println!("  first seen at:");
        for (i, (k, _)) in failures.iter().enumerate() {
            println!("  {:>4}  {}", i + 1, t.failure_at[*k]);
        }
        if !t.panics.is_empty() {
            println!("\npanics ({}):", t.panics.len());
            for p in &t.panics {
                println!("  {p}");
            }
        }
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    bench::run();
}
