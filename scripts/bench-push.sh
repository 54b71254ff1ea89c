#!/usr/bin/env bash
# Push throughput, side by side in one run (not part of the test command):
# the same image, already in layerlab's store, pushed to the same local
# registry (Debian's docker-registry, distribution 2.8, no auth, loopback)
# by `layerlab push` and by `skopeo copy oci:<layerlab's store> docker://…`
# (skopeo reads layerlab's OCI layout directly, so both send the very same
# blobs). Before every timed run the registry restarts on empty storage, so
# every blob is uploaded and nothing can be mounted or skipped.
#
# The image: node:20 from the offline catalog (~370 MB of gzip in 5 layers)
# plus a COPY of 64 MB of incompressible bytes. Prints each tool's mean time
# and throughput, and the ratio layerlab / skopeo (target ≥ 0.8).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
command -v docker-registry >/dev/null || { apt-get update -qq && apt-get install -y -qq docker-registry; }
command -v skopeo >/dev/null || { apt-get update -qq && apt-get install -y -qq skopeo; }

cargo build --locked --release --bin layerlab
bin=$PWD/target/release/layerlab
work=$PWD/target/bench-push
rm -rf "$work"
mkdir -p "$work/ctx"
export LAYERLAB_DATA_DIR=$work/store XDG_CONFIG_HOME=$work/config
# skopeo remembers where blobs went (a blob-info cache) and would mount
# rather than upload; a private HOME per run keeps that out.
export HOME=$work/home
mkdir -p "$HOME"

step "building the image"
python3 -c "import os,sys; open(sys.argv[1],'wb').write(os.urandom(64<<20))" "$work/ctx/blob.bin"
printf 'FROM node:20\nCOPY blob.bin /data/blob.bin\n' > "$work/ctx/Dockerfile"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
name=127.0.0.1:$port/bench/app:v1
"$bin" build -q -t "$name" "$work/ctx"
bytes=$(python3 - "$LAYERLAB_DATA_DIR" "$name" <<'PY'
import json, sys, os
root, name = sys.argv[1], sys.argv[2]
idx = json.load(open(os.path.join(root, "index.json")))
d = next(m for m in idx["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == name)
blob = lambda dg: os.path.join(root, "blobs", *dg.split(":"))
m = json.load(open(blob(d["digest"])))
print(sum(l["size"] for l in m["layers"]) + m["config"]["size"])
PY
)
echo "image: $name, $((bytes / 1048576)) MiB of blobs"

cat > "$work/registry.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
EOF
cat > "$work/restart.sh" <<EOF
#!/usr/bin/env bash
# Empty storage, fresh process, ready before the timer starts.
[ -f "$work/registry.pid" ] && kill \$(cat "$work/registry.pid") 2>/dev/null && sleep 0.3 || true
rm -rf "$work/registry" "$HOME/.local/share/containers"
docker-registry serve "$work/registry.yml" >>"$work/registry.log" 2>&1 &
echo \$! > "$work/registry.pid"
for i in \$(seq 100); do curl -sf http://127.0.0.1:$port/v2/ >/dev/null && exit 0; sleep 0.05; done
exit 1
EOF
chmod +x "$work/restart.sh"
trap '[ -f "$work/registry.pid" ] && kill $(cat "$work/registry.pid") 2>/dev/null || true' EXIT

step "pushing: layerlab vs skopeo copy (registry emptied before every run)"
hyperfine --warmup 1 --runs 5 --prepare "$work/restart.sh" \
  --export-json "$work/push.json" \
  -n layerlab "$bin push -q $name" \
  -n skopeo "skopeo copy --quiet --insecure-policy --dest-tls-verify=false oci:$LAYERLAB_DATA_DIR:$name docker://$name"

python3 - "$work/push.json" "$bytes" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
size = int(sys.argv[2])
for n in ("layerlab", "skopeo"):
    r = res[n]
    print(f"{n:9} mean {r['mean']:.3f} s ± {r['stddev']:.3f}  →  {size / r['mean'] / 1e6:.0f} MB/s")
ratio = res["skopeo"]["mean"] / res["layerlab"]["mean"]
print(f"throughput ratio layerlab / skopeo = {ratio:.2f} (target ≥ 0.8)")
PY
