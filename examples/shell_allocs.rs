#[path = "../tests/shell_corpus.rs"]
#[allow(dead_code, unused_imports)]
mod shell_corpus;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
struct Counting;
static ON: AtomicBool = AtomicBool::new(false);
static SIZES: [AtomicUsize; 2048] = [const { AtomicUsize::new(0) }; 2048];
static REALLOCS: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if ON.load(Relaxed) {
            SIZES[l.size().min(2047)].fetch_add(1, Relaxed);
        }
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        if ON.load(Relaxed) {
            REALLOCS.fetch_add(1, Relaxed);
        }
        unsafe { System.realloc(p, l, n) }
    }
}
#[global_allocator]
static A: Counting = Counting;
fn main() {
    let scripts: Vec<String> = shell_corpus::corpus_runs()
        .into_iter()
        .map(|r| r.script)
        .collect();
    ON.store(true, Relaxed);
    for s in &scripts {
        let _ = std::hint::black_box(layerlab::shell::parse(s));
    }
    ON.store(false, Relaxed);
    let mut v: Vec<(usize, usize)> = SIZES
        .iter()
        .enumerate()
        .map(|(i, c)| (c.load(Relaxed), i))
        .filter(|x| x.0 > 0)
        .collect();
    v.sort();
    v.reverse();
    let total: usize = v.iter().map(|x| x.0).sum();
    println!("allocs {total}, reallocs {}", REALLOCS.load(Relaxed));
    for (c, s) in v.iter().take(20) {
        println!("{s:5} bytes: {c}");
    }
}
