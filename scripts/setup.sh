#!/usr/bin/env bash
# Installs everything layerlab needs to build, serve and test, on a fresh Debian
# machine that reaches only crates.io, PyPI, Debian and the npm registry.
# Idempotent: every step checks first and skips what is already there at the
# right version. Nothing here downloads a prebuilt binary from elsewhere, and
# Trunk is never allowed to try (see Trunk.toml and scripts/env.sh).
#
#   scripts/setup.sh            toolchain for building and serving the page
#   scripts/setup.sh --test     also the browser test tools (chromium, chromedriver)
#                               and the OCI peers the tests run against (buildah, skopeo, umoci,
#                               docker-registry)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

TRUNK_VERSION=0.22.1
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
skip() { printf '    %s\n' "$*"; }

# The wasm-bindgen CLI must be exactly the version Cargo.lock resolves, or
# Trunk and wasm-bindgen-test-runner refuse it (and Trunk would try a download).
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
[ -n "$WASM_BINDGEN_VERSION" ] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$PATH"

step "rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  skip "present"
else
  rustup target add wasm32-unknown-unknown
fi

for comp in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$comp"; then
    rustup component add "$comp"
  fi
done

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    skip "present: $*"
    return
  fi
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

step "trunk $TRUNK_VERSION"
if command -v trunk >/dev/null && trunk --version | grep -q "trunk $TRUNK_VERSION"; then
  skip "present"
else
  # Trunk 0.22.1 declares rust-version 1.96.1 but builds and works on 1.95.
  # Its release profile is fat LTO with one codegen unit (~19 min on 2 cores);
  # these overrides bring the install to ~11 min at no cost to what it does.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --locked trunk --version "$TRUNK_VERSION" --ignore-rust-version
fi

step "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
if command -v wasm-bindgen >/dev/null && [ "$(wasm-bindgen --version)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ] \
   && command -v wasm-bindgen-test-runner >/dev/null; then
  skip "present"
else
  # Not --locked: one of its locked dependency versions is not on the registry.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

step "editor bundle packages (www/package-lock.json)"
if [ -f www/node_modules/.package-lock.json ] && cmp -s www/package-lock.json www/node_modules/.layerlab-lock; then
  skip "present"
else
  (cd www && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.layerlab-lock)
fi

if [ "$want_test" -eq 1 ]; then
  step "chromium + chromium-driver (Debian)"
  apt_install chromium chromium-driver

  # tests/oci_*.rs, tests/build_buildah.rs and tests/images_cli.rs compare layerlab's layers and
  # JSON with what these write and accept; the image-spec package ships the
  # OCI JSON schemas, python3-jsonschema validates against them.
  step "OCI peers: buildah, skopeo, umoci, image-spec schemas (Debian)"
  apt_install buildah skopeo umoci golang-github-opencontainers-image-spec-dev python3-jsonschema

  # tests/common/registry.rs runs a real registry for the push/pull tests:
  # htpasswd writes its Basic-auth users, openssl its token issuer's key.
  step "registry: docker-registry, htpasswd, openssl (Debian)"
  apt_install docker-registry apache2-utils openssl
fi

step "set-up done"
