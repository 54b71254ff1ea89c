//! The interpreter's own semantics, each expectation checked against
//! `dash -c` / `bash -c` (and busybox sh where they differ).

use super::cmd::testing::{fs, run_in, sh};

#[test]
fn lists_and_or_not() {
    assert_eq!(
        sh("true && echo a || echo b; false && echo c || echo d").out,
        "a\nd\n"
    );
    assert_eq!(sh("! false && echo yes; ! true; echo $?").out, "yes\n1\n");
}

#[test]
fn pipelines_feed_the_next_command() {
    assert_eq!(sh("echo hello | tr a-z A-Z | cat").out, "HELLO\n");
    // The status is the last command's; variables set in a pipeline do not survive.
    assert_eq!(
        sh("false | true; echo $?; X=1 | true; echo \"[$X]\"").out,
        "0\n[]\n"
    );
}

#[test]
fn subshells_and_groups() {
    let r = sh("X=1; (X=2; cd /tmp; echo $X $PWD); echo $X; pwd; { X=3; }; echo $X");
    assert_eq!(r.out, "2 /tmp\n1\n/\n3\n");
    assert_eq!(sh("(exit 4); echo $?").out, "4\n");
}

#[test]
fn redirections() {
    let mut fs = fs();
    let r = run_in(
        &mut fs,
        "echo a > /tmp/f; echo b >> /tmp/f; cat < /tmp/f; ls_missing 2>/dev/null; echo e 1>&2; { echo o; echo x >&2; } > /tmp/g 2>&1",
    );
    assert_eq!(r.out, "a\nb\n");
    assert_eq!(r.err, "e\n");
    assert_eq!(&fs.read_file("/tmp/f").unwrap()[..], b"a\nb\n");
    assert_eq!(&fs.read_file("/tmp/g").unwrap()[..], b"o\nx\n");
    let st = fs.stat("/tmp/f").unwrap();
    assert_eq!((st.meta.mode, st.meta.mtime), (0o644, 1_700_000_000));
    let r = sh("echo x > /nope/f; echo $?");
    assert_eq!(
        r.err,
        "sh: 1: cannot create /nope/f: Directory nonexistent\n"
    );
    assert_eq!(r.out, "2\n");
    assert_eq!(sh("echo a &> /dev/null; echo b >/dev/stderr").err, "b\n");
}

#[test]
fn parameter_expansion() {
    let r = sh(concat!(
        "x=a/b/c.tar.gz; echo ${x#*/} ${x##*/} ${x%.*} ${x%%.*} ${#x}; ",
        "echo ${u:-def} ${u-d2} \"${e:-}\"; echo ${v:=set} $v; echo ${x/a/A} ${x//\\//_}; ",
        "echo ${x:2:3} ${x^^} ${y:+alt}; y=1; echo ${y:+alt}"
    ));
    assert_eq!(
        r.out,
        "b/c.tar.gz c.tar.gz a/b/c.tar a/b/c 12\ndef d2 \nset set\nA/b/c.tar.gz a_b_c.tar.gz\nb/c A/B/C.TAR.GZ\nalt\n"
    );
    let r = sh("echo ${nope:?is required}; echo after");
    assert_eq!(
        (r.status, r.err.as_str()),
        (2, "sh: 1: nope: is required\n")
    );
}

#[test]
fn command_substitution_and_arithmetic() {
    assert_eq!(
        sh("echo \"[$(echo a; echo b)]\" `echo c`").out,
        "[a\nb] c\n"
    );
    assert_eq!(
        sh("i=3; echo $((i * 2 + 1)) $(( (1<<4) | 1 ))").out,
        "7 17\n"
    );
    assert_eq!(sh("x=$(false); echo $?").out, "1\n");
    let r = sh("echo $((1/0)); echo no");
    assert_eq!((r.status, r.out.as_str()), (2, ""));
    assert_eq!(
        r.err,
        "sh: 1: arithmetic expression: division by zero: \"1/0\"\n"
    );
}

#[test]
fn field_splitting_and_globbing() {
    let mut fs = fs();
    let r = run_in(
        &mut fs,
        "touch /tmp/a.txt /tmp/b.txt /tmp/c.log; x='1  2 3'; for i in $x; do echo $i; done; echo /tmp/*.txt; echo \"/tmp/*.txt\" /none/*; IFS=:; set -- $(echo a:b); echo $#",
    );
    assert_eq!(
        r.out,
        "1\n2\n3\n/tmp/a.txt /tmp/b.txt\n/tmp/*.txt /none/*\n2\n"
    );
    assert_eq!(
        sh("set -- 'a b' c; for i in \"$@\"; do echo \"<$i>\"; done").out,
        "<a b>\n<c>\n"
    );
    assert_eq!(sh("echo ~ ~/x ~nobody").out, "/root /root/x /nonexistent\n");
}

#[test]
fn control_flow() {
    let r = sh(concat!(
        "if [ 1 = 2 ]; then echo a; elif true; then echo b; else echo c; fi; ",
        "i=0; while [ $i -lt 3 ]; do i=$((i+1)); [ $i = 2 ] && continue; echo $i; done; ",
        "until true; do echo never; done; ",
        "for a in 1 2 3; do for b in x y; do [ $b = y ] && break 2; echo $a$b; done; done; ",
        "case foo.tar.gz in *.zip) echo zip;; *.tar.*|*.tgz) echo tar;; *) echo other;; esac"
    ));
    assert_eq!(r.out, "b\n1\n3\n1x\ntar\n");
}

#[test]
fn functions_and_return() {
    let r =
        sh("f() { echo \"f:$1:$#\"; return 3; echo no; }; f a b; echo $?; g() { f \"$@\"; }; g z");
    assert_eq!(r.out, "f:a:2\n3\nf:z:1\n");
}

#[test]
fn prefix_assignments_are_scoped() {
    let r = sh("A=1 env | grep ^A=; echo \"[$A]\"; B=2; echo $B");
    assert_eq!(r.out, "A=1\n[]\n2\n");
}

#[test]
fn not_found_and_unsimulated() {
    let r = sh("foo; echo $?");
    assert_eq!(
        (r.err.as_str(), r.out.as_str()),
        ("sh: 1: foo: not found\n", "127\n")
    );
    // make is on PATH in the image but not simulated: not run, recorded, status 0.
    let r = sh("echo > /usr/bin/make && chmod 755 /usr/bin/make && make && echo next");
    assert_eq!(r.out, "next\n");
    assert_eq!(r.unsimulated, ["make"]);
    // echo, chmod and echo ran simulated; make did not.
    assert_eq!(r.simulated_commands, 3);
}

#[test]
fn step_limit_stops_endless_loops() {
    let r = sh("while true; do :; done");
    assert_eq!(
        r.outcome.error.as_deref(),
        Some("RUN stopped after 100000 steps (the step limit): while true; do :; done")
    );
}

#[test]
fn recursion_limit_stops_runaway_functions() {
    let r = sh("f() { f; }; f");
    assert_eq!(
        r.outcome.error.as_deref(),
        Some("RUN stopped: function calls nested deeper than 48 (the recursion limit)")
    );
    let r = sh("f() { echo $(f); }; f");
    assert!(r.outcome.error.unwrap().contains("the recursion limit"));
}

#[test]
fn output_limit() {
    let r = sh(
        "i=0; while [ $i -lt 20000 ]; do echo 0123456789012345678901234567890123456789012345678901234567890123456789; i=$((i+1)); done",
    );
    assert!(r.out.len() <= 1 << 20);
    let r = sh("x=$(while true; do echo 0123456789012345678901234567890123456789; done)");
    assert!(r.outcome.error.is_some());
}

#[test]
fn here_documents() {
    let mut fs = fs();
    let r = run_in(
        &mut fs,
        "N=web; cat > /tmp/conf <<EOF\nname=$N\nhome=~\nEOF\ncat <<-'X'\n\tliteral $N\n\tX\n",
    );
    assert_eq!(r.out, "literal $N\n");
    assert_eq!(
        &fs.read_file("/tmp/conf").unwrap()[..],
        b"name=web\nhome=~\n"
    );
}

#[test]
fn xtrace_shows_expanded_commands() {
    assert_eq!(sh("set -x; X=a; echo $X").err, "+ X=a\n+ echo a\n");
}

#[test]
fn a_command_not_simulated_may_install_programs_for_the_rest_of_the_script() {
    let r = sh(
        "echo > /usr/bin/python3 && chmod 755 /usr/bin/python3 && python3 -m venv /v && /v/bin/pip install x && echo ok",
    );
    assert_eq!((r.status, r.out.as_str()), (0, "ok\n"), "{}", r.err);
    assert_eq!(r.unsimulated, ["python3", "pip"]);
}
