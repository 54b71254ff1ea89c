//! Helpers shared by integration tests that include them with `mod common;`.
#![allow(dead_code)]

pub mod registry;

/// Whether a peer tool (skopeo, umoci) is installed; under CI it must be,
/// since scripts/setup.sh --test installs it.
pub fn tool(name: &str) -> bool {
    let found = std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{name} is not installed (scripts/setup.sh --test installs it)"
        );
        eprintln!("skipping: {name} is not installed (scripts/setup.sh --test installs it)");
    }
    found
}
