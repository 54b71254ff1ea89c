//! One entry point: the playground in the browser, the command line natively.

#[cfg(target_arch = "wasm32")]
fn main() {
    layerlab::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    layerlab::cli::main()
}
