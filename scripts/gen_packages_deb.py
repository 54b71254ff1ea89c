#!/usr/bin/env python3
"""Generates src/build/packages/deb.txt: Debian bookworm package records.

Development-time only (needs a Debian 12 machine whose apt lists are
fresh: `apt-get update`). Reads the Packages indexes (main, updates,
security) and Contents-amd64 from /var/lib/apt/lists, the corpus counts
from scripts/corpus_packages.py, and writes one line per package:

  name|version|section|priority|installed_kb|size_bytes|arch|multiarch|depends|recommends|programs|description

arch is empty for amd64; multiarch and priority are their first letter (f/s/a; r/i/s/o/e), to keep the
table small (it ships in the wasm).

depends/recommends: names (alternatives resolved to the first that exists,
virtual packages to their first provider), `,`-separated; programs:
PATH entries (usr/bin/x …) from Contents, at most 8.

Needs src/build/catalog/debian.txt (scripts/gen_images_deb.py) first: every
package of the offline images is included.
"""
import collections, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
LISTS = "/var/lib/apt/lists"
OUT = os.path.join(HERE, "..", "src", "packages", "deb.txt")
VIRTUAL = os.path.join(HERE, "..", "src", "packages", "deb-virtual.txt")
IMAGES = os.path.join(HERE, "..", "src", "build", "catalog", "debian.txt")
CONTENTS = "/tmp/contents_bin.txt"
SEEDS = """nginx curl ca-certificates gnupg gnupg2 dirmngr tini build-essential git
python3 python3-pip python3-venv python3-dev wget unzip zip xz-utils procps less vim nano
openssh-client jq sudo locales tzdata gosu iproute2 iputils-ping net-tools dnsutils
netcat-openbsd libpq-dev default-libmysqlclient-dev postgresql-client rsync bzip2
file make gcc g++ pkg-config libssl-dev libffi-dev zlib1g-dev supervisor cron gnupg1 re2c
lsb-release apt-transport-https software-properties-common gettext-base openssl""".split()


def packages():
    recs = {}
    order = ["deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4",
             "deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages.lz4",
             "deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4"]
    for f in order:
        text = subprocess.run(["lz4cat", os.path.join(LISTS, f)], capture_output=True, text=True).stdout
        for stanza in text.split("\n\n"):
            d, key = {}, None
            for line in stanza.splitlines():
                if line.startswith(" "):
                    continue
                if ":" in line:
                    key, v = line.split(":", 1)
                    d[key] = v.strip()
            if "Package" in d:
                recs[d["Package"]] = d
    return recs


def main():
    recs = packages()
    provides = collections.defaultdict(list)
    for n, d in sorted(recs.items()):
        for p in d.get("Provides", "").split(","):
            p = p.strip().split(" ")[0]
            if p:
                provides[p].append(n)

    def resolve(name):
        name = name.split(":")[0]
        if name in recs:
            return name
        if name in provides:
            return provides[name][0]
        return None

    def deps(d, field):
        out = []
        for group in d.get(field, "").split(","):
            group = group.strip()
            if not group:
                continue
            for alt in group.split("|"):
                r = resolve(alt.strip().split(" ")[0])
                if r:
                    out.append(r)
                    break
        return out

    counts = []
    for line in subprocess.run([sys.executable, os.path.join(HERE, "corpus_packages.py")],
                               capture_output=True, text=True).stdout.splitlines():
        eco, n, name = line.split()
        if eco == "apt" and int(n) >= 3 and resolve(name):
            counts.append(resolve(name))
    # Every package of the offline images' layers (scripts/gen_images_deb.py).
    images = [l.strip() for l in open(IMAGES) if l.strip() and l[0] not in "#["]
    roots = list(dict.fromkeys(counts + [s for s in SEEDS if resolve(s)] + images))
    roots = [resolve(r) for r in roots]
    base = {n for n, d in recs.items() if d.get("Priority") in ("required", "important")}
    want, stack = set(), list(roots)
    while stack:
        n = stack.pop()
        if n in want or (n in base and n not in roots):
            continue
        want.add(n)
        stack.extend(deps(recs[n], "Pre-Depends") + deps(recs[n], "Depends"))
    # Base packages appear too (without their closure) so that dependencies on them resolve.
    want |= base
    progs = collections.defaultdict(list)
    if not os.path.exists(CONTENTS):
        # The programs on PATH each package ships, from the archive's Contents index.
        # Architecture: all packages (dpkg-dev, ca-certificates…) are in Contents-all.
        import gzip
        with open(CONTENTS, "w") as f:
            for index in ("Contents-amd64.gz", "Contents-all.gz"):
                gz = subprocess.run(["curl", "-sf", f"http://deb.debian.org/debian/dists/bookworm/main/{index}"],
                                    capture_output=True, check=True).stdout
                for line in gzip.decompress(gz).decode("utf-8", "replace").splitlines():
                    if re.match(r"^(usr/)?s?bin/", line):
                        f.write(line + "\n")
    for line in open(CONTENTS):
        path, locs = line.rsplit(None, 1)
        for loc in locs.split(","):
            pkg = loc.rsplit("/", 1)[-1]
            if pkg in want:
                progs[pkg].append(path.strip())
    # At most eight: the simulated package managers and the one named like
    # the package first (apt → apt-get, git → usr/bin/git).
    prefer = {"apt-get", "dpkg", "dpkg-query", "pip", "pip3", "python3", "npm", "node", "yarn", "go", "sh", "bash"}
    for pkg, paths in progs.items():
        paths.sort(key=lambda p: (p.rsplit("/", 1)[-1] not in prefer, p.rsplit("/", 1)[-1] != pkg, p))
        del paths[8:]
    with open(OUT, "w") as out:
        out.write("# Debian bookworm amd64 (deb.debian.org main, -updates, -security). Generated by scripts/gen_packages_deb.py; do not edit.\n")
        for n in sorted(want):
            d = recs[n]
            rec = [r for r in deps(d, "Recommends") if r in want]
            desc = d.get("Description", "").replace("|", "/")[:30]
            fields = [n, d["Version"], d.get("Section", "misc"), d.get("Priority", "optional")[:1],
                      d.get("Installed-Size", "0"), d.get("Size", "0"),
                      "" if d.get("Architecture") == "amd64" else d.get("Architecture", ""),
                      d.get("Multi-Arch", "")[:1],
                      ",".join(dict.fromkeys(deps(d, "Pre-Depends") + deps(d, "Depends"))),
                      ",".join(dict.fromkeys(rec)), ",".join(progs.get(n, [])), desc]
            out.write("|".join(fields) + "\n")
    # Virtual packages with one provider in the archive, which apt installs
    # in their place ("Note, selecting 'libc6-dev' instead of 'libc-dev'").
    with open(VIRTUAL, "w") as out:
        out.write("# Debian bookworm virtual packages with a single provider: name|provider. Generated by scripts/gen_packages_deb.py; do not edit.\n")
        for v in sorted(provides):
            ps = sorted(set(provides[v]))
            if v not in recs and len(ps) == 1 and ps[0] in want:
                out.write(f"{v}|{ps[0]}\n")
    print(len(want), "packages,", os.path.getsize(OUT), "bytes", file=sys.stderr)


main()
