//! Profiling aid: parses the corpus RUN scripts repeatedly; counts allocations.
#[path = "../tests/shell_corpus.rs"]
#[allow(dead_code, unused_imports)]
mod shell_corpus;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);
static TRACE: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        BYTES.fetch_add(l.size(), Relaxed);
        if l.size() > 4096 && TRACE.load(Relaxed) > 0 {
            TRACE.fetch_sub(1, Relaxed);
            eprintln!(
                "big alloc {} {}",
                l.size(),
                std::backtrace::Backtrace::force_capture()
            );
        }
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}
#[cfg_attr(feature = "count-allocs", global_allocator)]
#[allow(dead_code)]
static A: Counting = Counting;

fn main() {
    let scripts: Vec<String> = shell_corpus::corpus_runs()
        .into_iter()
        .map(|r| r.script)
        .collect();
    let n: usize = std::env::args().nth(1).map_or(300, |a| a.parse().unwrap());
    TRACE.store(0, Relaxed);
    let before = (ALLOCS.load(Relaxed), BYTES.load(Relaxed));
    let mut best = f64::MAX;
    let mut best_drop = f64::MAX;
    let mut total = 0.0;
    for _ in 0..n {
        let t = std::time::Instant::now();
        let mut drop_time = std::time::Duration::ZERO;
        for s in &scripts {
            let tree = std::hint::black_box(layerlab::shell::parse(s));
            let d = std::time::Instant::now();
            drop(tree);
            drop_time += d.elapsed();
        }
        let e = t.elapsed().as_secs_f64() * 1e3;
        best_drop = best_drop.min(drop_time.as_secs_f64() * 1e3);
        best = best.min(e);
        total += e;
    }
    let per = total / n as f64;
    let allocs = (ALLOCS.load(Relaxed) - before.0) / n;
    let bytes = (BYTES.load(Relaxed) - before.1) / n;
    println!(
        "{per:.2} ms per pass (best {best:.2} ms, of which dropping {best_drop:.2} ms), {allocs} allocations, {bytes} bytes"
    );
}
