//! Parses a shell script from stdin and prints its tree as JSON, or the error.
use std::io::Read;

fn main() {
    let mut src = String::new();
    std::io::stdin().read_to_string(&mut src).expect("stdin");
    match layerlab::shell::parse(&src) {
        Ok(s) => println!("{}", serde_json::to_string_pretty(&s).expect("json")),
        Err(e) => {
            println!("error {}..{}: {}", e.span.start, e.span.end, e.message);
            std::process::exit(1);
        }
    }
}
