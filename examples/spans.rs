//! Prints every diagnostic of a file with its byte span (for debugging spans).
fn main() {
    let path = std::env::args().nth(1).expect("usage: spans FILE");
    let src = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    for d in layerlab::dockerfile::analyze(&src).diagnostics {
        let ok = src.is_char_boundary(d.span.start) && src.is_char_boundary(d.span.end);
        println!(
            "{:?} {} {}",
            d.span,
            if ok { "ok" } else { "SPLITS" },
            d.message
        );
    }
}
