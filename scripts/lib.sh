# Shared by the scripts: where the tools are, and how Trunk is kept offline.
export PATH="$HOME/.cargo/bin:$PATH"
# Trunk must never download a tool: fail at once instead of retrying for 30 s.
# This also passes --offline to cargo, so dependencies are fetched first.
export TRUNK_OFFLINE=true
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fetch_crates() { cargo fetch --locked; }
