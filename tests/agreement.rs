#![cfg(not(target_arch = "wasm32"))]
//! Agreement with hadolint 2.15.1 over ../shared/corpus, per DL rule.
//!
//! hadolint's findings are committed in tests/hadolint/corpus-findings.tsv
//! (scripts/hadolint-agreement.sh regenerates them with the real binary).
//! A finding is (file, line of the instruction, code); layerlab's findings are
//! mapped to the same key. Every disagreement must be explained in
//! tests/hadolint/explained.tsv, each rule must reach 95% precision and recall
//! once explained disagreements are set aside, and the figures in
//! docs/hadolint-agreement.md must be the ones this test computes
//! (LAYERLAB_BLESS=1 rewrites them).

use layerlab::dockerfile::analyze;
use layerlab::lint;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

type Key = (String, usize); // (file, line)

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn corpus() -> PathBuf {
    root().join("../shared/corpus")
}

fn tsv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path:?}: {e}"))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// The hadolint code a finding counts as: its own, or the DL code it also stands for.
fn dl_code(code: &str) -> Option<&'static str> {
    let meta = lint::rule(code)?.meta();
    if meta.code.starts_with("DL") {
        return Some(meta.code);
    }
    meta.also.iter().copied().find(|a| a.starts_with("DL"))
}

fn layerlab_findings(files: &[String]) -> BTreeMap<&'static str, BTreeSet<Key>> {
    let mut out: BTreeMap<&'static str, BTreeSet<Key>> = BTreeMap::new();
    for file in files {
        let bytes = std::fs::read(corpus().join(file)).unwrap();
        let src = String::from_utf8_lossy(&bytes);
        let analysis = analyze(&src);
        for f in lint::lint(&src, &analysis) {
            let Some(code) = dl_code(f.code) else {
                continue;
            };
            // hadolint reports the line the instruction starts on.
            let line = analysis
                .ast
                .children
                .iter()
                .find(|n| {
                    n.span.start <= f.span.start && f.span.start < n.span.end.max(n.span.start + 1)
                })
                .map(|n| n.start_line)
                .unwrap_or_else(|| src[..f.span.start].matches('\n').count() + 1);
            out.entry(code).or_default().insert((file.clone(), line));
        }
    }
    out
}

struct Row {
    code: String,
    hadolint: usize,
    layerlab: usize,
    both: usize,
    explained: usize,
    precision: f64,
    recall: f64,
    raw_precision: f64,
    raw_recall: f64,
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

#[test]
fn layerlab_agrees_with_hadolint_on_the_corpus() {
    let mut hadolint: BTreeMap<String, BTreeSet<Key>> = BTreeMap::new();
    let mut files = BTreeSet::new();
    for row in tsv(&root().join("tests/hadolint/corpus-findings.tsv")) {
        let line: usize = row[1].parse().unwrap();
        hadolint
            .entry(row[2].clone())
            .or_default()
            .insert((row[0].clone(), line));
    }
    for repo in std::fs::read_dir(corpus()).unwrap() {
        let repo = repo.unwrap().path();
        if !repo.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&repo).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "Dockerfile") {
                files.insert(f.strip_prefix(corpus()).unwrap().display().to_string());
            }
        }
    }
    let files: Vec<String> = files.into_iter().collect();
    let ours = layerlab_findings(&files);

    // (code, side, file, line) → why. Side: "hadolint" (only hadolint reports it)
    // or "layerlab" (only layerlab does).
    let mut explained: BTreeMap<(String, String, Key), String> = BTreeMap::new();
    for row in tsv(&root().join("tests/hadolint/explained.tsv")) {
        let key = (
            row[0].clone(),
            row[1].clone(),
            (row[2].clone(), row[3].parse().unwrap()),
        );
        explained.insert(key, row[4].clone());
    }

    let codes: BTreeSet<String> = hadolint
        .keys()
        .cloned()
        .chain(ours.keys().map(|c| c.to_string()))
        .filter(|c| c != "DL1000")
        .collect();
    let empty = BTreeSet::new();
    let mut rows = Vec::new();
    let mut unexplained = Vec::new();
    let mut used = BTreeSet::new();
    let mut disagreements = String::new();
    for code in &codes {
        let h = hadolint.get(code).unwrap_or(&empty);
        let l = ours.get(code.as_str()).unwrap_or(&empty);
        let both = h.intersection(l).count();
        let mut explained_here = 0;
        let mut adjusted_h = h.len();
        let mut adjusted_l = l.len();
        for (side, only) in [("hadolint", h.difference(l)), ("layerlab", l.difference(h))] {
            for key in only {
                let k = (code.clone(), side.to_string(), key.clone());
                match explained.get(&k) {
                    Some(why) => {
                        used.insert(k.clone());
                        explained_here += 1;
                        // An explained miss or extra is a hadolint error or a
                        // deliberate difference: it does not count against us.
                        if side == "hadolint" {
                            adjusted_h -= 1;
                        } else {
                            adjusted_l -= 1;
                        }
                        let _ = writeln!(
                            disagreements,
                            "| {code} | {side} only | {}:{} | {why} |",
                            key.0, key.1
                        );
                    }
                    None => unexplained.push(format!("{code}\t{side}\t{}\t{}", key.0, key.1)),
                }
            }
        }
        let ratio = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
        rows.push(Row {
            code: code.clone(),
            hadolint: h.len(),
            layerlab: l.len(),
            both,
            explained: explained_here,
            precision: ratio(both, adjusted_l),
            recall: ratio(both, adjusted_h),
            raw_precision: ratio(both, l.len()),
            raw_recall: ratio(both, h.len()),
        });
    }

    let mut table = String::from(
        "| Rule | hadolint | layerlab | both | explained | precision | recall | raw precision | raw recall |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in &rows {
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            r.code,
            r.hadolint,
            r.layerlab,
            r.both,
            r.explained,
            pct(r.precision),
            pct(r.recall),
            pct(r.raw_precision),
            pct(r.raw_recall)
        );
    }
    let generated = format!(
        "<!-- generated by tests/agreement.rs: begin -->\n{table}\n### Every disagreement\n\n| Rule | Side | Where | Why |\n|---|---|---|---|\n{disagreements}<!-- generated by tests/agreement.rs: end -->\n"
    );
    let doc_path = root().join("docs/hadolint-agreement.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    let (head, rest) = doc
        .split_once("<!-- generated by tests/agreement.rs: begin -->\n")
        .expect("docs/hadolint-agreement.md lacks the generated section");
    let tail = rest
        .split_once("<!-- generated by tests/agreement.rs: end -->\n")
        .map(|(_, t)| t)
        .unwrap_or("");
    let fresh = format!("{head}{generated}{tail}");
    if std::env::var_os("LAYERLAB_BLESS").is_some() {
        std::fs::write(&doc_path, &fresh).unwrap();
        eprintln!("{table}");
    }

    assert!(
        unexplained.is_empty(),
        "{} disagreements with hadolint are not explained in tests/hadolint/explained.tsv:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    let stale: Vec<_> = explained.keys().filter(|k| !used.contains(*k)).collect();
    assert!(
        stale.is_empty(),
        "explanations for disagreements that are gone: {stale:?}"
    );
    for r in &rows {
        assert!(
            r.precision >= 0.95 && r.recall >= 0.95,
            "{}: precision {} recall {}",
            r.code,
            pct(r.precision),
            pct(r.recall)
        );
    }
    assert_eq!(
        doc, fresh,
        "docs/hadolint-agreement.md is out of date: run LAYERLAB_BLESS=1 cargo test --test agreement"
    );
}
