#!/usr/bin/env python3
"""Generates src/build/catalog/debian.txt: the Debian packages in each layer of
the offline Debian-based images (debian, buildpack-deps, and the language
images built on them).

Development-time only, on a Debian 12 machine with fresh apt lists. Each
layer's packages are the dependency closure of what its official
Dockerfile installs (`--no-install-recommends`) on top of the layers below,
resolved the way apt does when nothing else decides (an installed
alternative or provider first, else the first one). The records (versions, sizes, dependencies) are in
src/packages/deb.txt; scripts/gen_packages_deb.py includes every package
named here. Run this first, then gen_packages_deb.py.
"""
import os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
LISTS = "/var/lib/apt/lists"
OUT = os.path.join(HERE, "..", "src", "build", "catalog", "debian.txt")

# debian:bookworm is debuerreotype's minbase: the Priority: required set, apt
# and what they need (the list `dpkg -l` shows in the official image).
BASE = """adduser apt base-files base-passwd bash bsdutils coreutils dash debconf
debian-archive-keyring debianutils diffutils dpkg e2fsprogs findutils gcc-12-base gpgv
grep gzip hostname init-system-helpers libacl1 libapt-pkg6.0 libattr1 libaudit-common
libaudit1 libblkid1 libbz2-1.0 libc-bin libc6 libcap-ng0 libcap2 libcom-err2 libcrypt1
libdb5.3 libdebconfclient0 libext2fs2 libffi8 libgcc-s1 libgcrypt20 libgmp10 libgnutls30
libgpg-error0 libhogweed6 libidn2-0 liblz4-1 liblzma5 libmd0 libmount1 libnettle8
libp11-kit0 libpam-modules libpam-modules-bin libpam-runtime libpam0g libpcre2-8-0
libseccomp2 libselinux1 libsemanage-common libsemanage2 libsepol2 libsmartcols1 libss2
libstdc++6 libsystemd0 libtasn1-6 libtinfo6 libudev1 libunistring2 libuuid1 libxxhash0
libzstd1 login logsave mawk mount ncurses-base ncurses-bin passwd perl-base sed
sysvinit-utils tar tzdata usr-is-merged util-linux util-linux-extra zlib1g""".split()

# (layer, the layer below, what its Dockerfile installs), from the official
# Dockerfiles of buildpack-deps:bookworm{-curl,-scm,}, python, golang, nginx.
LAYERS = [
    ("curl", "base", "ca-certificates curl gnupg dirmngr netbase sq wget"),
    ("scm", "curl", "git mercurial openssh-client subversion procps"),
    ("buildpack", "scm", """autoconf automake bzip2 default-libmysqlclient-dev dpkg-dev file
        g++ gcc imagemagick libbz2-dev libc6-dev libcurl4-openssl-dev libdb-dev libevent-dev
        libffi-dev libgdbm-dev libglib2.0-dev libgmp-dev libjpeg-dev libkrb5-dev liblzma-dev
        libmagickcore-dev libmagickwand-dev libmaxminddb-dev libncurses5-dev libncursesw5-dev
        libpng-dev libpq-dev libreadline-dev libsqlite3-dev libssl-dev libtool libwebp-dev
        libxml2-dev libxslt1-dev libyaml-dev make patch unzip xz-utils zlib1g-dev"""),
    ("python", "buildpack", "libbluetooth-dev tk-dev uuid-dev"),
    ("python-slim", "base", "ca-certificates netbase tzdata"),
    ("golang", "scm", "g++ gcc libc6-dev make pkg-config"),
    ("nginx", "base", "nginx gettext-base curl ca-certificates"),
]


def records():
    """Candidate records from the Packages indexes (main, then -updates and
    -security overriding), as gen_packages_deb.py reads them."""
    recs = {}
    for f in sorted(os.listdir(LISTS)):
        if not (f.startswith("deb.debian.org_debian") and f.endswith("binary-amd64_Packages.lz4")):
            continue
        text = subprocess.run(["lz4cat", os.path.join(LISTS, f)], capture_output=True, text=True).stdout
        for stanza in text.split("\n\n"):
            d = {}
            for line in stanza.splitlines():
                if line and not line.startswith(" ") and ":" in line:
                    k, v = line.split(":", 1)
                    d[k] = v.strip()
            if "Package" in d:
                recs[d["Package"]] = d
    return recs


def closure(recs, have, wanted):
    """What installing `wanted` on top of `have` adds: Pre-Depends and
    Depends, an alternative or a virtual package satisfied by what is
    already there when it can be, else by its first real candidate (apt's
    choice when nothing else decides). Versions are not compared: the lists
    of one day are not always consistent with themselves."""
    provides = {}
    for n, d in recs.items():
        for p in d.get("Provides", "").split(","):
            p = p.strip().split(" ")[0]
            if p:
                provides.setdefault(p, []).append(n)
    added = []
    chosen = set(have)

    def pick(group):
        alts = [a.strip().split(" ")[0].split(":")[0] for a in group.split("|")]
        for a in alts:
            if a in chosen or any(p in chosen for p in provides.get(a, [])):
                return None
        for a in alts:
            if a in recs:
                return a
            if a in provides:
                return provides[a][0]
        return None

    stack = list(reversed(wanted))
    while stack:
        n = stack.pop()
        if n in chosen:
            continue
        if n not in recs:
            sys.exit(f"{n}: not in the lists")
        chosen.add(n)
        added.append(n)
        d = recs[n]
        for field in ("Pre-Depends", "Depends"):
            for group in d.get(field, "").split(","):
                if group.strip():
                    p = pick(group)
                    if p:
                        stack.append(p)
    return sorted(added)


def main():
    recs = records()
    sets = {"base": sorted(BASE)}
    below = {"base": set()}
    for name, parent, wanted in LAYERS:
        have = below[parent] | set(sets[parent])
        sets[name] = [p for p in closure(recs, have, wanted.split()) if p not in have]
        below[name] = have
    with open(OUT, "w") as out:
        out.write("# The Debian packages each layer of the offline Debian-based images adds.\n")
        out.write("# Generated by scripts/gen_images_deb.py from apt's own resolution; do not edit.\n")
        out.write("# [layer below] then the package names, records in src/packages/deb.txt.\n")
        out.write("[base -]\n" + "\n".join(sets["base"]) + "\n")
        for name, parent, _ in LAYERS:
            out.write(f"[{name} {parent}]\n" + "\n".join(sets[name]) + "\n")
    for k, v in sets.items():
        print(k, len(v), file=sys.stderr)


main()
