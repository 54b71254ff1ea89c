#![cfg(not(target_arch = "wasm32"))]
//! Every real-world Dockerfile in ../shared/corpus parses. The files that
//! BuildKit itself would reject are listed, with the reason, in
//! tests/corpus-rejected.txt; the test fails if that list and layerlab's
//! verdicts disagree in either direction.

use layerlab::dockerfile::{LineIndex, Severity, analyze};
use std::collections::BTreeMap;
use std::path::Path;

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

#[test]
fn corpus_parses_and_rejections_are_the_known_ones() {
    let files = corpus_files();
    assert_eq!(files.len(), 691, "the corpus changed size");
    let mut rejected = BTreeMap::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let src = String::from_utf8_lossy(&bytes);
        let a = analyze(&src);
        assert!(
            !a.ast.children.is_empty() || a.ast.first_error().is_some(),
            "{f:?}"
        );
        if let Some(e) = a.diagnostics.iter().find(|d| d.severity == Severity::Error) {
            let at = LineIndex::new(&src).line_col(e.span.start);
            let name = f
                .strip_prefix(f.parent().unwrap().parent().unwrap())
                .unwrap();
            rejected.insert(
                name.display().to_string(),
                format!("{}:{}: {}", at.line, at.col, e.message),
            );
        }
    }
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-rejected.txt");
    let got: String = rejected
        .iter()
        .map(|(k, v)| format!("{k}\t{v}\n"))
        .collect();
    if std::env::var_os("LAYERLAB_BLESS").is_some() {
        std::fs::write(&expected_path, &got).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let expected: String = expected
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        got, expected,
        "rejections differ from tests/corpus-rejected.txt (LAYERLAB_BLESS=1 rewrites it)"
    );
}
