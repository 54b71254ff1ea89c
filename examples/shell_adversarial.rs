//! Times the shell parser on adversarial inputs of about 1 MB each.
use std::time::Instant;

fn main() {
    let n: usize = std::env::var("SIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1 << 20);
    let cases: Vec<(&str, String)> = vec![
        ("(", "(".repeat(n)),
        ("( ", "( ".repeat(n / 2)),
        ("$(", "$(".repeat(n / 2)),
        ("$((", "$((".repeat(n / 3)),
        ("$((x) ", "$((x) ".repeat(n / 6)),
        ("((", "((".repeat(n / 2)),
        ("`", "`".repeat(n)),
        ("\"", "\"".repeat(n)),
        ("\"$(", "\"$(".repeat(n / 3)),
        ("${", "${".repeat(n / 2)),
        ("${x:-", "${x:-".repeat(n / 5)),
        ("{ ", "{ ".repeat(n / 2)),
        ("a=(", "a=(".repeat(n / 3)),
        ("[[ ", "[[ ".repeat(n / 3)),
        ("@(", "@(".repeat(n / 2)),
        ("if ", "if ".repeat(n / 3)),
        ("case ", "case x in ".repeat(n / 10)),
        ("<<a ", format!("cat {}\n", "<<a ".repeat(n / 4))),
        ("<<a lines", format!("cat <<a\n{}", "b\n".repeat(n / 2))),
        ("\\\\\\n", "\\\n".repeat(n / 2)),
        ("words", "a ".repeat(n / 2)),
        ("a && ", "a && ".repeat(n / 5)),
        ("digits", "1".repeat(n)),
        ("a[", format!("a{}", "[".repeat(n))),
        ("$(( (", format!("$(( {}", "(".repeat(n))),
        ("`\\`", "`\\`".repeat(n / 3)),
        ("$[", "$[".repeat(n / 2)),
        ("for ((", "for ((".repeat(n / 6)),
    ];
    let only = std::env::args().nth(1);
    for (name, src) in cases
        .iter()
        .filter(|c| only.as_deref().is_none_or(|o| o == c.0))
    {
        let t = Instant::now();
        let mut r = layerlab::shell::parse(src);
        for _ in 1..if only.is_some() { 20 } else { 1 } {
            r = layerlab::shell::parse(src);
        }
        println!(
            "{name:12} {:>8} bytes {:>8.2} ms  {}",
            src.len(),
            t.elapsed().as_secs_f64() * 1e3,
            r.err().map_or("ok".to_owned(), |e| e.message)
        );
    }
}
