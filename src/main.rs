//! One entry point: the playground in the browser, the command line natively.

#[cfg(target_arch = "wasm32")]
fn main() {
    layerlab::web::start();
}

// The CLI allocates many small strings and vectors per file (syntax trees,
// words, findings); mimalloc's thread-local free lists make that cheaper than
// glibc's malloc, which dominated the lint profile.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    layerlab::cli::main()
}
