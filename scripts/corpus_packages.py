#!/usr/bin/env python3
"""Counts the packages installed by apt-get/apt, apk add, pip and npm -g in
the Dockerfile corpus; prints `ecosystem count name` lines, most used first."""
import collections, glob, re, sys

corpus = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/corpus"
counts = {k: collections.Counter() for k in ("apt", "apk", "pip", "npm")}
CMDS = [
    ("apt", re.compile(r"\bapt(?:-get)?\s+(?:[-\w=]+\s+)*install\b(.*)")),
    ("apk", re.compile(r"\bapk\s+(?:[-\w=]+\s+)*add\b(.*)")),
    ("pip", re.compile(r"\bpip3?\s+install\b(.*)")),
    ("npm", re.compile(r"\bnpm\s+(?:install|i)\s+(?:.*\s)?(?:-g|--global)\b(.*)")),
]
NAME = re.compile(r"^[a-z0-9][a-z0-9+._-]*$", re.I)
for path in glob.glob(f"{corpus}/**/*.Dockerfile", recursive=True):
    text = open(path, errors="replace").read().replace("\\\n", " ")
    for line in text.splitlines():
        for part in re.split(r"&&|;|\|\|", line):
            for eco, rx in CMDS:
                m = rx.search(part)
                if not m:
                    continue
                skip = False
                for w in m.group(1).split():
                    if skip:
                        skip = False
                        continue
                    if w in ("--virtual", "-t", "-r", "--repository", "-X"):
                        skip = True
                        continue
                    if w.startswith("-") or "$" in w or "/" in w:
                        continue
                    w = re.split(r"[=<>~@]", w.strip("'\""))[0] if eco != "npm" else w.split("@")[0] if not w.startswith("@") else "@" + w[1:].split("@")[0]
                    if w and NAME.match(w.lstrip("@")):
                        counts[eco][w.lower()] += 1
for eco, c in counts.items():
    for name, n in c.most_common():
        print(eco, n, name)
