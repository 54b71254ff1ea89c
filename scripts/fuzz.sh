#!/usr/bin/env bash
# Fuzzes the parser with cargo-fuzz (libFuzzer) for ${1:-600} seconds.
# Not part of the test command. cargo-fuzz wants nightly flags; the stable
# toolchain accepts them with RUSTC_BOOTSTRAP=1, and no sanitizer is used
# (ASan needs a nightly std). Crashes land in fuzz/artifacts/parse/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
mkdir -p fuzz/corpus/parse
# Seed with the real-world corpus and BuildKit's fixtures.
find ../shared/corpus ../shared/conformance -name '*Dockerfile' -type f | while read -r f; do
  cp "$f" "fuzz/corpus/parse/$(sha1sum "$f" | cut -c1-16)"
done
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none parse fuzz/corpus/parse -- \
  -max_total_time="${1:-600}" -max_len=8192 -timeout=5
