//! Parses the corpus's RUN scripts N times (for profiling):
//! `cargo run --profile bench --example shell_parse_corpus 200`.
#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/shell_corpus.rs"]
#[allow(dead_code, unused_imports)]
mod shell_corpus;

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    run();
}

#[cfg(not(target_arch = "wasm32"))]
fn run() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    let scripts: Vec<String> = shell_corpus::corpus_runs()
        .into_iter()
        .map(|r| r.script)
        .collect();
    let (mut best, mut total) = (f64::MAX, 0.0);
    for _ in 0..n {
        let t = std::time::Instant::now();
        for s in &scripts {
            let _ = std::hint::black_box(layerlab::shell::parse(s));
        }
        let ms = t.elapsed().as_secs_f64() * 1e3;
        best = best.min(ms);
        total += ms;
    }
    println!(
        "{} scripts: {:.2} ms per pass on average, best {best:.2} ms",
        scripts.len(),
        total / n as f64
    );
}
