//! BuildKit's own parser and lexer fixtures (../shared/conformance/buildkit,
//! Apache-2.0), run against layerlab's parser. The fixtures are embedded at
//! compile time so the same suite runs natively and in headless Chromium
//! (wasm-bindgen-test); natively, a test also checks that the embedded list is
//! every fixture on disk, so a new fixture cannot be silently skipped.

use layerlab::dockerfile::expand::Lex;
use layerlab::dockerfile::parse;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

macro_rules! parser_fixture {
    ($kind:literal, $name:literal) => {
        (
            $name,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/conformance/buildkit/frontend/dockerfile/parser/",
                $kind,
                "/",
                $name,
                "/Dockerfile"
            )),
        )
    };
}

macro_rules! parser_result {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/conformance/buildkit/frontend/dockerfile/parser/testfiles/",
            $name,
            "/result"
        ))
    };
}

const POSITIVE: &[(&str, &str, &str)] = &[
    {
        let (n, d) = parser_fixture!("testfiles", "ADD-COPY-with-JSON");
        (n, d, parser_result!("ADD-COPY-with-JSON"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "args");
        (n, d, parser_result!("args"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "brimstone-consuldock");
        (n, d, parser_result!("brimstone-consuldock"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "brimstone-docker-consul");
        (n, d, parser_result!("brimstone-docker-consul"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "continue-at-eof");
        (n, d, parser_result!("continue-at-eof"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "continueIndent");
        (n, d, parser_result!("continueIndent"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "cpuguy83-nagios");
        (n, d, parser_result!("cpuguy83-nagios"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "docker");
        (n, d, parser_result!("docker"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "env");
        (n, d, parser_result!("env"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "escape");
        (n, d, parser_result!("escape"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "escape-after-comment");
        (n, d, parser_result!("escape-after-comment"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "escape-nonewline");
        (n, d, parser_result!("escape-nonewline"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "escape-with-syntax");
        (n, d, parser_result!("escape-with-syntax"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "escapes");
        (n, d, parser_result!("escapes"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "flags");
        (n, d, parser_result!("flags"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "health");
        (n, d, parser_result!("health"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "influxdb");
        (n, d, parser_result!("influxdb"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "jeztah-invalid-json-json-inside-string");
        (
            n,
            d,
            parser_result!("jeztah-invalid-json-json-inside-string"),
        )
    },
    {
        let (n, d) = parser_fixture!("testfiles", "jeztah-invalid-json-json-inside-string-double");
        (
            n,
            d,
            parser_result!("jeztah-invalid-json-json-inside-string-double"),
        )
    },
    {
        let (n, d) = parser_fixture!("testfiles", "jeztah-invalid-json-single-quotes");
        (n, d, parser_result!("jeztah-invalid-json-single-quotes"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "jeztah-invalid-json-unterminated-bracket");
        (
            n,
            d,
            parser_result!("jeztah-invalid-json-unterminated-bracket"),
        )
    },
    {
        let (n, d) = parser_fixture!("testfiles", "jeztah-invalid-json-unterminated-string");
        (
            n,
            d,
            parser_result!("jeztah-invalid-json-unterminated-string"),
        )
    },
    {
        let (n, d) = parser_fixture!("testfiles", "json");
        (n, d, parser_result!("json"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "kartar-entrypoint-oddities");
        (n, d, parser_result!("kartar-entrypoint-oddities"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "lk4d4-the-edge-case-generator");
        (n, d, parser_result!("lk4d4-the-edge-case-generator"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "mail");
        (n, d, parser_result!("mail"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "multiple-volumes");
        (n, d, parser_result!("multiple-volumes"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "mumble");
        (n, d, parser_result!("mumble"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "nginx");
        (n, d, parser_result!("nginx"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "tf2");
        (n, d, parser_result!("tf2"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "trailing-backslash");
        (n, d, parser_result!("trailing-backslash"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "weechat");
        (n, d, parser_result!("weechat"))
    },
    {
        let (n, d) = parser_fixture!("testfiles", "znc");
        (n, d, parser_result!("znc"))
    },
];

const NEGATIVE: &[(&str, &str)] = &[
    parser_fixture!("testfiles-negative", "empty_dockerfile"),
    parser_fixture!("testfiles-negative", "env_no_value"),
    parser_fixture!("testfiles-negative", "only_comments"),
    parser_fixture!("testfiles-negative", "shykes-nested-json"),
];
const LINE_FIXTURE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/conformance/buildkit/frontend/dockerfile/parser/testfile-line/Dockerfile"
));
const ENV_VAR_TEST: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/conformance/buildkit/frontend/dockerfile/shell/envVarTest"
));
const WORDS_TEST: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/conformance/buildkit/frontend/dockerfile/shell/wordsTest"
));

/// BuildKit's TestParseCases: `result` is `AST.Dump()` plus a newline.
#[test]
fn positive_fixtures_dump_exactly() {
    let mut failures = Vec::new();
    for (name, dockerfile, result) in POSITIVE {
        let ast = parse(dockerfile);
        if let Some(e) = ast.first_error() {
            failures.push(format!("{name}: unexpected error {e:?}"));
            continue;
        }
        let got = ast.dump() + "\n";
        if got != *result {
            failures.push(format!("{name}:\n--- expected\n{result}--- got\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(POSITIVE.len(), 33);
}

/// BuildKit's TestParseNegative, with the message each one fails with.
#[test]
fn negative_fixtures_fail() {
    let expected = [
        ("empty_dockerfile", "file with no instructions"),
        ("env_no_value", "ENV must have two arguments"),
        ("only_comments", "file with no instructions"),
        (
            "shykes-nested-json",
            "when using JSON array syntax, arrays must be comprised of strings only",
        ),
    ];
    assert_eq!(NEGATIVE.len(), expected.len());
    for ((name, dockerfile), (ename, emsg)) in NEGATIVE.iter().zip(expected) {
        assert_eq!(*name, ename);
        let ast = parse(dockerfile);
        let err = ast
            .first_error()
            .unwrap_or_else(|| panic!("{name} parsed without error"));
        assert_eq!(err.message, emsg, "{name}");
    }
}

/// BuildKit's TestParseIncludesLineNumbers and its empty-continuation warning.
#[test]
fn line_numbers() {
    let ast = parse(LINE_FIXTURE);
    assert!(ast.first_error().is_none());
    let lines: Vec<(usize, usize)> = ast
        .children
        .iter()
        .map(|n| (n.start_line, n.end_line))
        .collect();
    assert_eq!(lines, vec![(5, 5), (11, 12), (17, 31)]);
    let warnings: Vec<_> = ast.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("Empty continuation line found in: RUN apt-get update"));
}

/// BuildKit's TestShellParser4EnvVars, platforms A (all) and U (unix).
#[test]
fn env_var_table() {
    let env: Vec<String> = ["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let lex = Lex::new('\\');
    let mut rows = 0;
    let mut failures = Vec::new();
    for (n, line) in ENV_VAR_TEST.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.trim().split('|').collect();
        assert_eq!(cols.len(), 3, "line {}", n + 1);
        let (platform, source, expected) = (cols[0].trim(), cols[1].trim(), cols[2].trim());
        if platform != "A" && platform != "U" {
            continue;
        }
        rows += 1;
        match (lex.process_word(source, env.as_slice()), expected) {
            (Err(_), "error") => {}
            (Ok(got), exp) if got == exp => {}
            (got, exp) => failures.push(format!(
                "line {}: {source:?} expected {exp:?}, got {got:?}",
                n + 1
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(rows > 200, "only {rows} rows read");
}

/// BuildKit's TestShellParser4Words.
#[test]
fn words_table() {
    let lex = Lex::new('\\');
    let mut env: Vec<String> = Vec::new();
    let mut rows = 0;
    let mut failures = Vec::new();
    for (n, line) in WORDS_TEST.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(e) = line.strip_prefix("ENV ") {
            env.push(e.trim_start_matches(' ').to_string());
            continue;
        }
        let cols: Vec<&str> = line.split('|').collect();
        assert_eq!(cols.len(), 2, "line {}", n + 1);
        let source = cols[0].trim();
        let expected: Vec<&str> = cols[1].trim_start_matches(' ').split(',').collect();
        rows += 1;
        let got = lex
            .process_words(source, env.as_slice())
            .unwrap_or_else(|_| vec!["error".to_string()]);
        if got != expected {
            failures.push(format!(
                "line {}: {source:?} expected {expected:?}, got {got:?}",
                n + 1
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(rows >= 20, "only {rows} rows read");
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn embedded_list_is_every_fixture() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/conformance/buildkit/frontend/dockerfile/parser/"
    );
    let list = |sub: &str| {
        let mut v: Vec<String> = std::fs::read_dir(format!("{dir}{sub}"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    let pos: Vec<String> = POSITIVE.iter().map(|p| p.0.to_string()).collect();
    let neg: Vec<String> = NEGATIVE.iter().map(|p| p.0.to_string()).collect();
    assert_eq!(list("testfiles"), pos);
    assert_eq!(list("testfiles-negative"), neg);
}

/// FNV-1a, 64 bit: a dependency-free fingerprint of output bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Same input, same bytes, on both targets: the full JSON (every span, the
/// typed stages after expansion, every diagnostic) of every fixture hashes to
/// the same value natively and in wasm32. When the output format changes on
/// purpose, update the constant from the native run's message.
#[test]
fn output_is_identical_on_every_target() {
    let mut all = Vec::new();
    let inputs = POSITIVE
        .iter()
        .map(|p| p.1)
        .chain(NEGATIVE.iter().map(|n| n.1))
        .chain([LINE_FIXTURE]);
    for src in inputs {
        let a = layerlab::dockerfile::analyze(src);
        all.extend(serde_json::to_vec(&a.ast).unwrap());
        all.extend(serde_json::to_vec(&a.dockerfile).unwrap());
        all.extend(serde_json::to_vec(&a.diagnostics).unwrap());
    }
    let got = fnv1a(&all);
    assert_eq!(
        got,
        0x373c_2890_7246_86d9,
        "fingerprint of all output: {got:#018x} over {} bytes",
        all.len()
    );
}
