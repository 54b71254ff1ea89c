#!/usr/bin/env bash
# Build speed, measured side by side in one run (not part of the test command):
#
# (a) `COPY . /app` over a generated 256 MB context (12,000 small text files
#     and four large mixed files): `layerlab build --no-cache` against GNU tar
#     --sort=name piped into gzip -6, with sha256sum over both the tar and the
#     gzip stream — the same work (tar, diff_id, compress, digest) done by the
#     standard tools. Prints the ratio layerlab / reference (target ≤ 0.8).
# (b) A rebuild after changing one file of 10,000, spread over ten
#     `COPY --link` steps (independent layers, as BuildKit recommends): the
#     time against the bytes that changed, next to a no-change rebuild and a
#     full build.
#
# The contexts are generated once, deterministically, under target/bench-ctx.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }

cargo build --locked --release --bin layerlab
bin=$PWD/target/release/layerlab
root=$PWD/target/bench-ctx
mkdir -p "$root"

step "generating contexts (once)"
python3 - "$root" <<'PY'
import os, random, sys
root = sys.argv[1]
words = ("const let function return import export from default class extends "
         "if else for while switch case break continue new this null undefined "
         "true false async await yield try catch finally throw typeof instanceof").split()

def text(rng, n):
    out, size = [], 0
    while size < n:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 12))) + ";\n"
        out.append(line)
        size += len(line)
    return "".join(out)[:n].encode()

def big(rng, n):
    # Half noise, half structured: compresses about 2:1 like real binaries.
    chunks, size = [], 0
    while size < n:
        k = rng.randint(4096, 65536)
        chunks.append(rng.randbytes(k) if rng.random() < 0.5 else bytes(range(256)) * (k // 256))
        size += k
    return b"".join(chunks)[:n]

def make(path, files, bigs):
    if os.path.exists(os.path.join(path, ".done")):
        return
    rng = random.Random(42)
    for i in range(files):
        d = os.path.join(path, f"src/m{i % 100:02d}/p{(i // 100) % 10}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"f{i:05d}.js"), "wb") as f:
            f.write(text(rng, rng.randint(1024, 14 * 1024)))
    for j, n in enumerate(bigs):
        os.makedirs(os.path.join(path, "assets"), exist_ok=True)
        with open(os.path.join(path, f"assets/blob{j}.bin"), "wb") as f:
            f.write(big(rng, n))
    open(os.path.join(path, ".done"), "w").close()
    with open(os.path.join(path, ".dockerignore"), "w") as f:
        f.write(".done\n")

make(os.path.join(root, "a"), 12_000, [40 << 20] * 4)
make(os.path.join(root, "b"), 10_000, [])
PY
printf 'FROM scratch\nCOPY . /app\n' > "$root/a/Dockerfile"
{
  echo "FROM scratch"
  for m in 0 1 2 3 4 5 6 7 8 9; do echo "COPY --link src/m${m}* /app/src/"; done
} > "$root/b/Dockerfile"
du -sh "$root/a" "$root/b"

step "(a) 256 MB COPY: layerlab build vs tar | gzip -6 + sha256sum"
export LAYERLAB_DATA_DIR=$root/store-a
rm -rf "$LAYERLAB_DATA_DIR"
ref="tar --sort=name --format=ustar --mtime=@0 --owner=0 --group=0 --numeric-owner --exclude=./Dockerfile --exclude=./.done --exclude=./.dockerignore -cf - -C $root/a . | tee >(sha256sum >/dev/null) | gzip -6 | sha256sum >/dev/null"
hyperfine --warmup 1 --runs 5 --export-json target/bench-build-a.json \
  --command-name "layerlab build (COPY 256 MB)" "$bin build --no-cache -q $root/a" \
  --command-name "tar | gzip -6 + sha256sum" "bash -c '$ref'"
python3 - <<'PY'
import json
r = {x["command"]: x["median"] for x in json.load(open("target/bench-build-a.json"))["results"]}
ours, ref = r["layerlab build (COPY 256 MB)"], r["tar | gzip -6 + sha256sum"]
print(f"layerlab {ours:.2f} s, reference {ref:.2f} s: ratio {ours/ref:.2f} (target <= 0.8)")
PY

step "(b) rebuild after changing one file of 10,000"
export LAYERLAB_DATA_DIR=$root/store-b
rm -rf "$LAYERLAB_DATA_DIR"
target=$root/b/src/m03/p0/f00003.js
cp "$target" "$root/orig.js"
"$bin" build -q "$root/b" >/dev/null
hyperfine --runs 5 --export-json target/bench-build-b.json \
  --command-name "rebuild, nothing changed" "$bin build -q $root/b" \
  --command-name "rebuild, one file changed" --prepare "head -c 512 /dev/urandom | base64 >> $target" "$bin build -q $root/b" \
  --command-name "full build (--no-cache)" "$bin build --no-cache -q $root/b"
cp "$root/orig.js" "$target"
python3 - "$root/b" <<'PY'
import json, os, sys
r = {x["command"]: x["median"] for x in json.load(open("target/bench-build-b.json"))["results"]}
total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(sys.argv[1]) for f in fs)
src = os.path.join(sys.argv[1], "src")
step = sum(os.path.getsize(os.path.join(d, f)) for m in os.listdir(src) if m.startswith("m0") for d, _, fs in os.walk(os.path.join(src, m)) for f in fs)
for k, v in r.items():
    print(f"{k}: {v*1e3:.0f} ms")
print(f"context {total/1e6:.1f} MB; the changed step copies {step/1e6:.1f} MB")
PY
