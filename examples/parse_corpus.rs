//! Parses the whole corpus N times (for profiling): `cargo run --release --example parse_corpus 50`.
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
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
    let t = std::time::Instant::now();
    let mut nodes = 0;
    for _ in 0..n {
        for f in &files {
            nodes += layerlab::dockerfile::parse(f).children.len();
        }
    }
    println!(
        "{} nodes, {:.2} ms per corpus pass",
        nodes / n,
        t.elapsed().as_secs_f64() * 1e3 / n as f64
    );
}
