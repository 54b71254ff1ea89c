#!/usr/bin/env bash
# Sets up what is missing, builds the playground and serves it on
# http://127.0.0.1:${PORT:-8080}/ (rebuilding when a source changes).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
scripts/setup.sh
fetch_crates
step "serving the playground on http://127.0.0.1:${PORT:-8080}/"
exec trunk serve --release --address 127.0.0.1 --port "${PORT:-8080}"
