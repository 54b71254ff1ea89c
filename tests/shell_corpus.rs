#![cfg(not(target_arch = "wasm32"))]
//! Every shell-form RUN script of the real-world corpus (../shared/corpus)
//! parses with `layerlab::shell`, except the ones listed with their error in
//! tests/shell-corpus-rejected.txt, which `bash -n` rejects too (the ignored
//! test `agrees_with_bash_n` checks our verdict against bash's on every
//! script). Words keep exact spans: the source text of a static word, with
//! line continuations and quotes removed, is its literal value.

use layerlab::dockerfile::instructions::Instr;
use layerlab::dockerfile::{LineIndex, analyze};
use layerlab::shell::{self, Node};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A RUN script and where it comes from (`repo/file.Dockerfile:line`).
pub struct Run {
    pub name: String,
    pub script: String,
}

fn corpus_files() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files = Vec::new();
    for repo in std::fs::read_dir(&root).expect("../shared/corpus is missing") {
        let repo = repo.unwrap().path();
        if repo.is_dir() {
            for f in std::fs::read_dir(&repo).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|e| e == "Dockerfile") {
                    files.push(f);
                }
            }
        }
    }
    files.sort();
    files
}

fn is_windows_base(base: &str) -> bool {
    let b = base.to_ascii_lowercase();
    b.contains("mcr.microsoft.com/windows") || b.contains("servercore") || b.contains("nanoserver")
}

/// `<<EOF`, `<<-EOF`, `<<'EOF'`, `<<"EOF"` and nothing else.
fn is_lone_heredoc(cmd: &str) -> bool {
    let Some(rest) = cmd.trim().strip_prefix("<<") else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let name = rest.trim_matches(|c| c == '\'' || c == '"');
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The shell-form RUN scripts of POSIX-shell stages, as BuildKit hands them to
/// the shell: a lone here-document is the script itself; otherwise the bodies
/// and their delimiters follow the command line.
pub fn corpus_runs() -> Vec<Run> {
    let mut runs = Vec::new();
    for f in corpus_files() {
        let src = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        let a = analyze(&src);
        let lines = LineIndex::new(&src);
        let file = f
            .strip_prefix(f.parent().unwrap().parent().unwrap())
            .unwrap()
            .display()
            .to_string();
        let mut windows_stages: HashMap<String, bool> = HashMap::new();
        for stage in &a.dockerfile.stages {
            let base = stage.base.value().to_ascii_lowercase();
            let mut windows = windows_stages
                .get(&base)
                .copied()
                .unwrap_or_else(|| is_windows_base(&base));
            for ins in &stage.instructions {
                match &ins.instr {
                    Instr::Shell { args } => {
                        let sh = args
                            .first()
                            .map(|w| w.value.to_ascii_lowercase())
                            .unwrap_or_default();
                        windows = ["powershell", "pwsh", "cmd"].iter().any(|w| sh.contains(w));
                    }
                    Instr::Run(run) if run.command.prepend_shell && !windows => {
                        let Some(cmd) = run.command.args.first() else {
                            continue;
                        };
                        let files = &run.command.files;
                        let script = if files.is_empty() {
                            cmd.value.clone()
                        } else if is_lone_heredoc(&cmd.value) {
                            files[0].content.clone()
                        } else {
                            let mut s = cmd.value.clone();
                            for h in files {
                                s.push('\n');
                                s.push_str(&h.content);
                                s.push_str(&h.name);
                            }
                            s
                        };
                        let line = lines.line_col(ins.span.start).line;
                        runs.push(Run {
                            name: format!("{file}:{line}"),
                            script,
                        });
                    }
                    _ => {}
                }
            }
            if let Some(name) = &stage.name {
                windows_stages.insert(name.clone(), windows);
            }
        }
    }
    runs
}

/// The text of a word after removing line continuations and quotes.
fn unquote(raw: &str) -> String {
    let raw = raw.replace("\\\n", "");
    let mut out = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '\'' => out.extend(chars.by_ref().take_while(|&c| c != '\'')),
            '"' => {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('$' | '`' | '"' | '\\')) => {
                            out.extend(chars.next())
                        }
                        c => out.push(c),
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn expected_rejections() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/shell-corpus-rejected.txt");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split_once('\t'))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn corpus_run_scripts_parse_with_exact_word_spans() {
    let runs = corpus_runs();
    assert!(runs.len() > 1800, "only {} RUN scripts", runs.len());
    let (mut commands, mut words, mut nested, mut pipes) = (0, 0, 0, 0);
    let mut rejected = BTreeMap::new();
    for run in &runs {
        let src = &run.script;
        let script = match shell::parse(src) {
            Ok(s) => s,
            Err(e) => {
                rejected.insert(run.name.clone(), e.message);
                continue;
            }
        };
        script.walk(&mut |n| match n {
            Node::SimpleCommand(c) => {
                commands += 1;
                for w in &c.words {
                    words += 1;
                    let (s, e) = (w.span.start, w.span.end);
                    assert!(
                        s < e
                            && e <= src.len()
                            && src.is_char_boundary(s)
                            && src.is_char_boundary(e),
                        "{}: {:?}",
                        run.name,
                        w.span
                    );
                    let raw = &src[s..e];
                    let plain = !raw.contains("$'") && !raw.contains("$\"");
                    if let (Some(lit), true) = (w.literal(), plain) {
                        assert_eq!(unquote(raw), lit, "{}: word {raw:?}", run.name);
                    }
                }
            }
            Node::Pipeline(p) if p.commands.len() > 1 => pipes += 1,
            Node::Script(_) => nested += 1,
            _ => {}
        });
    }
    eprintln!(
        "shell corpus: {} scripts, {} parsed, {} rejected; {commands} simple commands, {words} command words, {} substitutions, {pipes} pipelines of 2+",
        runs.len(),
        runs.len() - rejected.len(),
        rejected.len(),
        nested - (runs.len() - rejected.len())
    );
    assert_eq!(
        rejected,
        expected_rejections(),
        "parse failures differ from tests/shell-corpus-rejected.txt"
    );
}

/// Whether `bash -n` (bash 5, extglob on, script on stdin) accepts `script`,
/// and what it said.
fn bash_n(script: &str) -> (bool, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("bash")
        .args(["-O", "extglob", "-n"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(script.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    (out.status.success(), said)
}

/// Our accept/reject verdict equals `bash -n`'s on every corpus script.
/// Needs bash, so it is ignored by default:
/// `cargo test --test shell_corpus -- --ignored`.
#[test]
#[ignore]
fn agrees_with_bash_n() {
    let runs = corpus_runs();
    let mut disagree = Vec::new();
    for run in &runs {
        let ours = shell::parse(&run.script);
        let (bash_ok, said) = bash_n(&run.script);
        if ours.is_ok() != bash_ok {
            let ours = ours.err().map(|e| e.message);
            disagree.push(format!("{}: ours {ours:?}, bash {said}", run.name));
        }
    }
    eprintln!(
        "bash -n: {} scripts, {} disagreements",
        runs.len(),
        disagree.len()
    );
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}

/// Tricky snippets, valid and not, get the same verdict as from `bash -n`,
/// except where bash leaves parsing to run time: backtick bodies, and `$((`
/// that is not arithmetic (running those fails with a syntax error); and
/// `[[ ]]`, which bash 5.2 lets through silently.
#[test]
#[ignore]
fn agrees_with_bash_n_on_tricky_snippets() {
    const BASH_DEFERS: &[&str] = &["echo `b)`", "x=`a; fi`", "echo $((a)+(b))", "[[ ]]"];
    let snippets = [
        "echo if then fi",
        "a; b & c && d || e | f |& g",
        "! a | b",
        "! ! a",
        "{ echo }; }",
        "for x in a do; do c; done",
        "for x in\ndo c; done",
        "for x\ndo c\ndone",
        "for x; do c; done",
        "case x in esac",
        "case x in a) ;; b) c;; esac",
        "case x in (a) b;; esac",
        "case $x in *) a;;& b) c;& esac",
        "case x in a) b\nesac",
        "case x in a|b) ;; esac",
        "[[ $x =~ (a b) ]]",
        "[[ $x =~ ^(a|b)$ ]]",
        "[[ a < b ]]",
        "[[ ( a ) ]]",
        "[[ ]]",
        "[[ a &&\n b ]]",
        "[[ -n $a && ( $b || ! $c ) ]]",
        "[[ a =~ b ]] && [[ c == d* ]]",
        "((a) | b)",
        "echo $((a) )",
        "echo $((a)+(b))",
        "echo $(( 1 + $(echo 2) ))",
        "for ((;;)); do a; done",
        "for ((i=0;i<1;i++)) do a; done",
        "f() { a; }",
        "f() { :; } >log",
        "function f { a; }",
        "function f () { a; }",
        "function f (a)",
        "my-fn.x() if a; then b; fi",
        "f() echo",
        "echo (a)",
        "echo a (b)",
        "a=(1 2) b",
        "a=(1\n# c\n2)",
        "export a=(1 2)",
        "declare -a a=(1 2)",
        "local -A m=([k]=v)",
        "a[1 + 2]=3",
        "x=1 if",
        "ls !(*.txt)",
        "ls @(a|b)",
        "echo a!(b)c",
        "echo *(a) ?(b) +(c) @(d) !(e)",
        "echo x*(a|b)",
        "!(true)",
        "echo $'\\x41'",
        "echo $\"x\"",
        "cat <<EOF\nEOF",
        "cat <<-EOF\n\tx\n\tEOF",
        "cat <<EOF\nno end",
        "x=$(cat <<A)\nbody\nA",
        "cat <<A <<B\na\nA\nb\nB",
        "cat <<'A'\n$(\nA",
        "cat <<A\n$(\nA",
        "echo `b)`",
        "x=`a; fi`",
        "echo $(b))",
        "a >",
        "a > ;",
        "cat <<",
        "a |",
        "a &&",
        "a & b &",
        "a &;",
        "a;;",
        "if a; then b; fi fi",
        "if a; then b; else fi",
        "if a; then b; elif c; then d; else e; fi",
        "if a; then :; fi >log",
        "{ }",
        "( )",
        "echo ${}",
        "echo ${a!b}",
        "echo ${ x}",
        "echo ${a:-{b}c}",
        "echo \"${a:-it's}\"",
        "echo ${a/b/c/d}",
        "echo ${#a[@]} ${!a[@]} ${!p*} ${a@Q} ${a[@]:1:2} ${a,,}",
        "echo ${x:-$(echo \"}\")}",
        "echo \"${x:-\"a b\"}\"",
        "echo \"$(echo \")\")\"",
        "echo $(case x in a) b;; esac)",
        "echo $(#c\n)",
        "a=$(\n  b\n)",
        "a &\\\n& b",
        "echo \"a\nb\"",
        "echo \\\na",
        "echo $\n",
        "echo \\$x $_ $10",
        "time a | b",
        "time -p { a; } 2>&1",
        "! time a",
        "time",
        "select x in a; do b; done",
        "a 2>&1 >&- <&- {fd}>x",
        "echo >(a) <(b)",
        "echo a<(b)",
        "cat < (a)",
        "echo a b #c )",
        "echo a;#b",
        "a=b=c d",
        "\"a\"=b",
        "a+=x",
        "a[1]+=x",
        "a[\"x y\"]=1",
        "a[$i]=1",
        "echo ${a[$i + 1]}",
        "echo $[1+2]",
        "until a; do b; done",
        "while a; do b; done < f > g",
        "{ a; } 2>&1 | b",
        "echo {a,b} ~/x",
        "a=~/b:~/c",
        ";",
        ";;",
        ")",
        "fi",
        "}",
        "`",
        "'",
        "\"",
        "$(",
        "${",
        "$((",
        "a=(",
    ];
    let mut disagree = Vec::new();
    for s in snippets {
        let ours = shell::parse(s);
        let (bash_ok, said) = bash_n(s);
        if ours.is_ok() != bash_ok && !BASH_DEFERS.contains(&s) {
            let ours = ours.err().map(|e| e.message);
            disagree.push(format!("{s:?}: ours {ours:?}, bash {bash_ok} {said}"));
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}

/// Every corpus script that parses also runs through the interpreter on an
/// alpine tree without a panic, within the limits; a run may fail (the
/// scripts expect packages layerlab does not install), but it always ends.
#[test]
fn corpus_scripts_run_in_the_interpreter_without_panics() {
    use layerlab::shell::interp::{Context, run};
    let base = layerlab::build::catalog::lookup("docker.io/library/alpine", "3.20")
        .expect("alpine is in the catalog")
        .fs();
    let (mut ran, mut unsimulated, mut stopped) = (0, 0, 0);
    // Twice: as is, and assuming missing programs were installed by an
    // earlier unsimulated step, so that scripts run further.
    let runs = corpus_runs();
    for (r, assume) in runs
        .iter()
        .map(|r| (r, false))
        .chain(runs.iter().map(|r| (r, true)))
    {
        let Ok(script) = shell::parse(&r.script) else {
            continue;
        };
        let mut fs = base.clone();
        let mut ctx = Context::new(&mut fs);
        ctx.assume_installed = assume;
        ctx.export(
            "PATH",
            Some("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()),
        );
        let outcome = run(&script, &r.script, &mut ctx);
        ran += 1;
        unsimulated += ctx.unsimulated.len();
        stopped += usize::from(outcome.error.is_some());
        assert!(ctx.stdout.len() <= ctx.limits.max_output, "{}", r.name);
    }
    assert!(ran > 1000, "only {ran} scripts ran");
    // Package managers and downloads are not simulated yet: they are reported,
    // not run (many scripts stop earlier, at a program alpine does not have).
    assert!(
        unsimulated > 100,
        "{unsimulated} unsimulated commands in {ran} scripts"
    );
    eprintln!("{ran} scripts, {unsimulated} commands not simulated, {stopped} stopped by a limit");
}
