#!/usr/bin/env bash
# The page's figures (not part of the test command): bytes transferred
# (gzip), navigation → first lint, keystroke → findings p50/p95 on the
# largest corpus Dockerfile, and the build time of each example — in
# headless Debian Chromium against the release build. See
# tests/e2e/bench-page.mjs for how each is measured.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
scripts/setup.sh --test
step "page build (trunk, release)"
trunk build --release
cargo build --locked --release --bin layerlab
step "measuring"
node tests/e2e/bench-page.mjs
