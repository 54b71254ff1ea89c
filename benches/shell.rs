//! Shell parsing speed over every shell-form RUN script of the real-world
//! corpus (the same extraction as tests/shell_corpus.rs). Besides
//! criterion's figures it prints the median and best time for the whole set.

#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/shell_corpus.rs"]
#[allow(dead_code, unused_imports)]
mod shell_corpus;

#[cfg(not(target_arch = "wasm32"))]
mod bench {
    use super::shell_corpus::corpus_runs;
    use criterion::{Criterion, Throughput};
    use layerlab::shell::parse;
    use std::hint::black_box;
    use std::time::Instant;

    pub fn run() {
        let scripts: Vec<String> = corpus_runs().into_iter().map(|r| r.script).collect();
        let bytes: usize = scripts.iter().map(String::len).sum();
        let mut c = Criterion::default().configure_from_args();
        let mut g = c.benchmark_group("shell");
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function("parse corpus RUN scripts", |b| {
            b.iter(|| {
                for s in &scripts {
                    let _ = black_box(parse(black_box(s)));
                }
            })
        });
        g.finish();

        // Passes over the whole set; the median is robust to a busy machine.
        let mut passes: Vec<f64> = (0..50)
            .map(|_| {
                let t = Instant::now();
                for s in &scripts {
                    let _ = black_box(parse(s));
                }
                t.elapsed().as_secs_f64()
            })
            .collect();
        passes.sort_by(f64::total_cmp);
        let (best, median) = (passes[0], passes[passes.len() / 2]);
        println!(
            "shell parse: {} scripts, {:.2} MB: all in {:.2} ms (median pass; best {:.2} ms), {:.1} MB/s",
            scripts.len(),
            bytes as f64 / 1e6,
            median * 1e3,
            best * 1e3,
            bytes as f64 / 1e6 / median
        );
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    bench::run();
}
