//! The playground's build worker (a web worker; see `web::worker`). Trunk
//! builds it beside the page's module (`index.html`).

#[cfg(target_arch = "wasm32")]
fn main() {
    layerlab::web::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    eprintln!("layerlab-worker is the playground's web worker: it runs only in a browser");
    std::process::ExitCode::from(2)
}
