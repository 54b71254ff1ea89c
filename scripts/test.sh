#!/usr/bin/env bash
# Sets up what is missing and runs every check: formatting, clippy on both
# targets, native tests, the same conformance suite as wasm in headless
# Chromium, the release page build, and the browser end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
scripts/setup.sh --test
fetch_crates

step "format"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --locked --all-targets -- -D warnings
step "clippy (wasm32)"
cargo clippy --locked --all-targets --target wasm32-unknown-unknown -- -D warnings

step "tests (native)"
cargo test --locked

step "tests (wasm32, headless Chromium)"
CHROMEDRIVER=/usr/bin/chromedriver cargo test --locked --target wasm32-unknown-unknown --tests

step "page build (trunk, release)"
trunk build --release

step "browser end-to-end (Playwright + Debian Chromium)"
node --test tests/e2e/
