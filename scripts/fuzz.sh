#!/usr/bin/env bash
# Fuzzes a target with cargo-fuzz (libFuzzer) for ${1:-600} seconds: `parse`
# (the Dockerfile parser, lint and fixes; the default) or `shell` (the shell
# parser): scripts/fuzz.sh 300 shell.
# Not part of the test command. cargo-fuzz wants nightly flags; the stable
# toolchain accepts them with RUSTC_BOOTSTRAP=1, and no sanitizer is used
# (ASan needs a nightly std). Crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
target="${2:-parse}"
mkdir -p "fuzz/corpus/$target"
if [ "$target" = shell ]; then
  # Seed with the corpus's RUN scripts: the instruction line and its
  # continuation lines, without the keyword.
  find ../shared/corpus -name '*Dockerfile' -type f -exec awk '
    /^[ \t]*RUN[ \t]/ {
      s = $0
      while (s ~ /\\$/ && (getline l) > 0) s = s "\n" l
      sub(/^[ \t]*RUN[ \t]+/, "", s)
      printf "%s%c", s, 0
    }' {} + |
    while IFS= read -r -d '' s; do
      printf '%s' "$s" > "fuzz/corpus/shell/$(printf '%s' "$s" | sha1sum | cut -c1-16)"
    done
else
  # Seed with the real-world corpus and BuildKit's fixtures.
  find ../shared/corpus ../shared/conformance -name '*Dockerfile' -type f | while read -r f; do
    cp "$f" "fuzz/corpus/$target/$(sha1sum "$f" | cut -c1-16)"
  done
fi
RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" "fuzz/corpus/$target" -- \
  -max_total_time="${1:-600}" -max_len=8192 -timeout=5
