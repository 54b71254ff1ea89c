//! The command-line face, run as a user runs it.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn layerlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(args)
        .output()
        .unwrap()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/buildkit/frontend/dockerfile/parser")
}

fn tmp(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("layerlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

#[test]
fn parse_dump_prints_buildkit_format_byte_for_byte() {
    let mut n = 0;
    for e in std::fs::read_dir(fixtures().join("testfiles")).unwrap() {
        let dir = e.unwrap().path();
        let out = layerlab(&["parse", "--dump", dir.join("Dockerfile").to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{dir:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected = std::fs::read(dir.join("result")).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&expected),
            "{dir:?}"
        );
        n += 1;
    }
    assert_eq!(n, 33);
}

#[test]
fn parse_fails_like_buildkit_on_negative_fixtures() {
    let f = fixtures().join("testfiles-negative/env_no_value/Dockerfile");
    let out = layerlab(&["parse", "--dump", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.ends_with(":3:5: ENV must have two arguments\n"),
        "{err}"
    );
}

#[test]
fn parse_json_has_spans() {
    let f = tmp("json.Dockerfile", b"FROM alpine\nCOPY --chown=1 a b\n");
    let out = layerlab(&["parse", "--json", f.to_str().unwrap()]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let flag = &v["children"][1]["flags"][0];
    assert_eq!(flag["value"], "--chown=1");
    assert_eq!(flag["span"]["start"], 17);
    assert_eq!(flag["span"]["end"], 26);
}

#[test]
fn lint_reports_every_error_with_location_and_exit_1() {
    let f = tmp(
        "bad.Dockerfile",
        b"FROM alpine:3.20\nCOPY --form=x a b\nENV X\nRUN ok\n",
    );
    let out = layerlab(&["lint", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let name = f.display().to_string();
    assert_eq!(
        stdout,
        format!(
            "{name}:2:6: error: unknown flag: --form (did you mean from?)\n  |\n2 | COPY --form=x a b\n  |      ^^^^^^^^\n{name}:3:5: error: ENV must have two arguments\n  |\n3 | ENV X\n  |     ^\n"
        )
    );
    let good = tmp("good.Dockerfile", b"FROM alpine:3.20\nRUN ok\n");
    let out = layerlab(&["lint", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn lint_reports_rule_findings_with_codes() {
    let f = tmp("rules.Dockerfile", b"FROM alpine\nMAINTAINER me\n");
    let out = layerlab(&["lint", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let name = f.display().to_string();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "{name}:1:6: DL3006 warning: Always tag the version of an image explicitly\n  |\n1 | FROM alpine\n  |      ^^^^^^\n{name}:2:1: DL4000 error: MAINTAINER is deprecated\n  |\n2 | MAINTAINER me\n  | ^^^^^^^^^^\n"
        )
    );
}

#[test]
fn lint_flags_like_hadolint() {
    let f = tmp("flags.Dockerfile", b"FROM alpine\nENV A b\n");
    let path = f.to_str().unwrap();
    // Both findings are warnings: at the default threshold (info) they fail the run.
    assert_eq!(layerlab(&["lint", path]).status.code(), Some(1));
    assert_eq!(
        layerlab(&["lint", "-t", "error", path]).status.code(),
        Some(0)
    );
    assert_eq!(
        layerlab(&["lint", "--no-fail", path]).status.code(),
        Some(0)
    );
    let out = layerlab(&[
        "lint",
        "--ignore",
        "dl3006",
        "--ignore",
        "LegacyKeyValueFormat",
        path,
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());

    let out = layerlab(&["lint", "-f", "json", path]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["code"], "DL3006");
    assert_eq!(
        (rows[0]["line"].as_u64(), rows[0]["column"].as_u64()),
        (Some(1), Some(6))
    );
    assert_eq!(rows[0]["level"], "warning");
    assert_eq!(rows[1]["code"], "LegacyKeyValueFormat");
    assert_eq!(rows[1]["fix"]["edits"][0]["replacement"], "A=b");
    assert_eq!(rows[1]["span"]["start"], 16);

    let bad = tmp("flags-bad.Dockerfile", b"FROM a:1\nENV X\n");
    let out = layerlab(&["lint", "-f", "json", "-t", "none", bad.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "syntax errors fail at any threshold"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["code"], "DL1000");
}

#[test]
fn rules_and_rule_pages() {
    let out = layerlab(&["rules"]);
    assert!(out.status.success());
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(
        list.lines()
            .any(|l| l.starts_with("DL3006") && l.contains("warning")),
        "{list}"
    );
    let out = layerlab(&["rule", "dl4000"]);
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.starts_with("# DL4000 (maintainer-deprecated)"),
        "{page}"
    );
    assert!(
        page.contains("## Why is this bad?")
            && page.contains("https://github.com/hadolint/hadolint/wiki/DL4000")
    );
    assert_eq!(layerlab(&["rule", "DL9999"]).status.code(), Some(2));
}

#[test]
fn oversized_input_is_refused_clearly() {
    let big = vec![b'#'; layerlab::dockerfile::parser::MAX_SOURCE_BYTES + 1];
    let f = tmp("big.Dockerfile", &big);
    let out = layerlab(&["lint", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("larger than 2097152 bytes"), "{err}");
}

#[test]
fn lint_takes_many_files_and_reports_unreadable_ones_without_hiding_others() {
    let bad = tmp("many-bad.Dockerfile", b"FROM a\nENV X\n");
    let out = layerlab(&["lint", "/nonexistent/Dockerfile", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ENV must have two arguments"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open /nonexistent/Dockerfile"));
}

#[test]
fn missing_file_is_a_clear_error() {
    let out = layerlab(&["lint", "/nonexistent/Dockerfile"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open /nonexistent/Dockerfile"));
}

/// Runs in `dir` with no config file from the user's home in the way.
fn layerlab_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("XDG_CONFIG_HOME")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.unwrap_or_default()).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn tmp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("layerlab-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn lint_reads_hadolint_yaml_from_the_working_directory_and_dash_c() {
    let dir = tmp_dir("config");
    std::fs::write(dir.join("Dockerfile"), "FROM alpine\nCMD run it\n").unwrap();
    let out = layerlab_in(&dir, &["lint", "-f", "json", "Dockerfile"], None);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["code"], "DL3006");
    assert_eq!(v[1]["code"], "DL3025");
    assert_eq!(v[1]["level"], "warning");

    std::fs::write(
        dir.join(".hadolint.yaml"),
        "ignored: [DL3006]\noverride:\n  error: [DL3025]\nfailure-threshold: error\n",
    )
    .unwrap();
    let out = layerlab_in(&dir, &["lint", "-f", "json", "Dockerfile"], None);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(
        (&v[0]["code"], &v[0]["level"]),
        (&"DL3025".into(), &"error".into())
    );
    assert_eq!(out.status.code(), Some(1));
    // A flag adds to the file: now nothing is left, and the run passes.
    let out = layerlab_in(
        &dir,
        &["lint", "--ignore", "JSONArgsRecommended", "Dockerfile"],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    std::fs::write(
        dir.join("bad.yaml"),
        "ignored: [DL3006]\nfailure-treshold: error\n",
    )
    .unwrap();
    let out = layerlab_in(&dir, &["lint", "-c", "bad.yaml", "Dockerfile"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.yaml:2:") && err.contains("failure-treshold"),
        "{err}"
    );
}

#[test]
fn lint_output_formats() {
    let dir = tmp_dir("formats");
    std::fs::write(dir.join("Dockerfile"), "FROM alpine\nMAINTAINER a <b@c>\n").unwrap();
    let run = |f: &str| {
        let out = layerlab_in(&dir, &["lint", "-f", f, "Dockerfile"], None);
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        run("gnu"),
        "layerlab:Dockerfile:1.6-1.12: DL3006 warning: Always tag the version of an image explicitly\nlayerlab:Dockerfile:2.1-2.11: DL4000 error: MAINTAINER is deprecated\n"
    );
    let xml = run("checkstyle");
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("<file name=\"Dockerfile\">"), "{xml}");
    assert!(
        xml.contains("<error line=\"2\" column=\"1\" severity=\"error\" message=\"MAINTAINER is deprecated\" source=\"DL4000\"/>"),
        "{xml}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = &sarif["runs"][0]["results"];
    assert_eq!(results[1]["ruleId"], "DL4000");
    assert_eq!(results[1]["level"], "error");
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    assert!(
        results[1]["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
            .as_str()
            .unwrap()
            .starts_with("LABEL org.opencontainers.image.authors")
    );
    let gitlab: serde_json::Value = serde_json::from_str(&run("gitlab_codeclimate")).unwrap();
    assert_eq!(gitlab[0]["check_name"], "DL3006");
    assert_eq!(gitlab[0]["location"]["path"], "Dockerfile");
    assert_eq!(gitlab[0]["fingerprint"].as_str().unwrap().len(), 16);
    assert_ne!(gitlab[0]["fingerprint"], gitlab[1]["fingerprint"]);
}

#[test]
fn lint_fix_rewrites_in_place_and_diff_only_shows() {
    let dir = tmp_dir("fix");
    let original = "FROM alpine:3.20\nENV A b\nCMD run it\n";
    std::fs::write(dir.join("Dockerfile"), original).unwrap();
    let out = layerlab_in(&dir, &["lint", "--diff", "Dockerfile"], None);
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.starts_with("--- Dockerfile\n+++ Dockerfile\n@@ -1,3 +1,3 @@\n")
            && [
                "-ENV A b\n",
                "-CMD run it\n",
                "+ENV A=b\n",
                "+CMD [\"run\", \"it\"]\n"
            ]
            .iter()
            .all(|l| diff.contains(l)),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("Dockerfile")).unwrap(),
        original
    );

    let out = layerlab_in(&dir, &["lint", "--fix", "Dockerfile"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("Dockerfile")).unwrap(),
        "FROM alpine:3.20\nENV A=b\nCMD [\"run\", \"it\"]\n"
    );

    // Standard input: the fixed file on stdout, what is left on stderr.
    let out = layerlab_in(
        &dir,
        &[
            "lint",
            "--fix",
            "--file-path-in-report",
            "in.Dockerfile",
            "-",
        ],
        Some(b"FROM alpine\nENV A b\n"),
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "FROM alpine\nENV A=b\n"
    );
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("in.Dockerfile:1:6: DL3006"));
}

#[test]
fn lint_reads_hadolint_environment_variables_and_writes_output_files() {
    let dir = tmp_dir("env");
    std::fs::write(dir.join("Dockerfile"), "FROM alpine\nCMD run it\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(["lint", "-o", "report.json", "Dockerfile"])
        .current_dir(&dir)
        .env("HOME", &dir)
        .env("HADOLINT_IGNORE", "DL3006, JSONArgsRecommended")
        .env("HADOLINT_FORMAT", "json")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(dir.join("report.json")).unwrap(),
        "[]\n"
    );
    // A config file wins over the environment for a setting both give.
    std::fs::write(dir.join(".hadolint.yaml"), "format: gnu\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(["lint", "Dockerfile"])
        .current_dir(&dir)
        .env("HOME", &dir)
        .env("HADOLINT_FORMAT", "json")
        .env("HADOLINT_NOFAIL", "yes")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("layerlab:Dockerfile:1.6-1.12: DL3006")
    );
}
