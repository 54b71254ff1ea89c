//! Parsing and linting speed over the whole real-world corpus
//! (../shared/corpus): the BuildKit-faithful parse alone, the full analysis
//! (parse + typed instructions + expansion), and analysis plus every lint rule —
//! what the editor runs on every keystroke — for the whole corpus and for its
//! largest file. Besides
//! criterion's figures it prints throughput and per-file p50/p99, measured
//! over repeated passes.

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use criterion::{Criterion, Throughput};
    use layerlab::dockerfile::{analyze, parse};
    use layerlab::lint::lint;
    use std::hint::black_box;
    use std::path::Path;
    use std::time::Instant;

    fn corpus() -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let mut files = Vec::new();
        for repo in std::fs::read_dir(root).expect("../shared/corpus") {
            let repo = repo.unwrap().path();
            if !repo.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(repo).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|e| e == "Dockerfile") {
                    files.push(String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned());
                }
            }
        }
        files
    }

    fn percentiles(files: &[String], f: impl Fn(&str)) -> (f64, f64) {
        const PASSES: usize = 30;
        let mut per_file: Vec<Vec<f64>> = vec![Vec::with_capacity(PASSES); files.len()];
        for _ in 0..PASSES {
            for (i, src) in files.iter().enumerate() {
                let t = Instant::now();
                f(src);
                per_file[i].push(t.elapsed().as_secs_f64());
            }
        }
        // Each file's time is its median over the passes; then p50/p99 over files.
        let mut med: Vec<f64> = per_file
            .into_iter()
            .map(|mut v| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            })
            .collect();
        med.sort_by(f64::total_cmp);
        let at = |q: f64| med[((med.len() - 1) as f64 * q).round() as usize];
        (at(0.50), at(0.99))
    }

    pub fn run() {
        let files = corpus();
        let bytes: usize = files.iter().map(String::len).sum();
        let mut c = Criterion::default().configure_from_args();
        let mut g = c.benchmark_group("corpus");
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function("parse", |b| {
            b.iter(|| {
                for f in &files {
                    black_box(parse(black_box(f)));
                }
            })
        });
        g.bench_function("analyze", |b| {
            b.iter(|| {
                for f in &files {
                    black_box(analyze(black_box(f)));
                }
            })
        });
        g.bench_function("lint", |b| {
            b.iter(|| {
                for f in &files {
                    let a = analyze(black_box(f));
                    black_box(lint(f, &a));
                }
            })
        });
        g.finish();

        // The largest file (BuildKit's own Dockerfile, 20 KB, 60 RUNs).
        let largest = files.iter().max_by_key(|f| f.len()).expect("corpus");
        let mut g = c.benchmark_group("largest-file");
        g.throughput(Throughput::Bytes(largest.len() as u64));
        g.bench_function("lint", |b| {
            b.iter(|| {
                let a = analyze(black_box(largest));
                black_box(lint(largest, &a))
            })
        });
        g.finish();

        for (name, f) in [
            ("parse", (|s: &str| drop(black_box(parse(s)))) as fn(&str)),
            ("analyze", |s: &str| drop(black_box(analyze(s)))),
            ("analyze + lint", |s: &str| {
                let a = analyze(s);
                drop(black_box(lint(s, &a)))
            }),
        ] {
            let t = Instant::now();
            for _ in 0..20 {
                for s in &files {
                    f(s);
                }
            }
            let whole = t.elapsed().as_secs_f64() / 20.0;
            let (p50, p99) = percentiles(&files, f);
            println!(
                "{name}: {} files, {:.2} MB: whole corpus {:.2} ms, {:.1} MB/s, per file p50 {:.1} µs, p99 {:.1} µs",
                files.len(),
                bytes as f64 / 1e6,
                whole * 1e3,
                bytes as f64 / 1e6 / whole,
                p50 * 1e6,
                p99 * 1e6
            );
        }
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    bench::run();
}
