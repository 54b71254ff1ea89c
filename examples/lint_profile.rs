//! Where lint time goes over the corpus: analysis, RUN script parsing, each rule.
//! `cargo run --release --example lint_profile`
use layerlab::dockerfile::analyze;
use layerlab::lint::{self, Config, Environment, with_context};
use std::time::Instant;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files = Vec::new();
    for repo in std::fs::read_dir(root).unwrap() {
        let repo = repo.unwrap().path();
        if repo.is_dir() {
            for f in std::fs::read_dir(repo).unwrap() {
                files.push(
                    String::from_utf8_lossy(&std::fs::read(f.unwrap().path()).unwrap())
                        .into_owned(),
                );
            }
        }
    }
    let analyses: Vec<_> = files.iter().map(|f| analyze(f)).collect();
    let (cfg, env) = (Config::default(), Environment::default());
    let t = Instant::now();
    for (f, a) in files.iter().zip(&analyses) {
        with_context(f, a, &cfg, &env, |cx| std::hint::black_box(cx.runs().len()));
    }
    println!(
        "run scripts and their commands: {:.2} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut times: Vec<(f64, &str)> = Vec::new();
    let mut per_rule = vec![0f64; lint::rules::ALL.len()];
    for (f, a) in files.iter().zip(&analyses) {
        with_context(f, a, &cfg, &env, |cx| {
            for (i, rule) in lint::rules::ALL.iter().enumerate() {
                let t = Instant::now();
                let mut out = Vec::new();
                rule.check(cx, &mut out);
                per_rule[i] += t.elapsed().as_secs_f64() * 1e3;
            }
        });
    }
    for (i, rule) in lint::rules::ALL.iter().enumerate() {
        times.push((per_rule[i], rule.meta().code));
    }
    let t = Instant::now();
    for (f, a) in files.iter().zip(&analyses) {
        std::hint::black_box(lint::lint(f, a));
    }
    println!(
        "lint (all rules, pragmas): {:.2} ms; rules in total {:.2} ms",
        t.elapsed().as_secs_f64() * 1e3,
        per_rule.iter().sum::<f64>()
    );
    times.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, code) in times.iter().take(12) {
        println!("{code}: {ms:.2} ms");
    }
}
