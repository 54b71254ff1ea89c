#[path = "../tests/shell_corpus.rs"]
#[allow(dead_code, unused_imports)]
mod shell_corpus;
fn main() {
    let scripts: Vec<String> = shell_corpus::corpus_runs()
        .into_iter()
        .map(|r| r.script)
        .collect();
    let n: usize = std::env::args().nth(1).map_or(300, |a| a.parse().unwrap());
    let (mut parse, mut drop) = (0.0, 0.0);
    for _ in 0..n {
        let t = std::time::Instant::now();
        let trees: Vec<_> = scripts.iter().map(|s| layerlab::shell::parse(s)).collect();
        parse += t.elapsed().as_secs_f64();
        let t = std::time::Instant::now();
        std::hint::black_box(trees);
        drop += t.elapsed().as_secs_f64();
    }
    println!(
        "parse {:.2} ms, drop {:.2} ms per pass",
        parse * 1e3 / n as f64,
        drop * 1e3 / n as f64
    );
}
