#!/usr/bin/env python3
"""Validates OCI JSON documents against the image-spec JSON schemas that
Debian's golang-github-opencontainers-image-spec-dev ships.

usage: validate_schemas.py SCHEMA_DIR KIND=FILE...   (KIND: manifest, config,
index, layout). Prints one line per document; exits 1 if any is invalid.
The schemas are draft-04 with relative $refs resolved against nested ids, so
every reference is served from SCHEMA_DIR by its file name."""
import json
import os
import sys

import jsonschema

schema_dir = sys.argv[1]
files = {
    "manifest": "image-manifest-schema.json",
    "config": "config-schema.json",
    "index": "image-index-schema.json",
    "layout": "image-layout-schema.json",
}


def load(name):
    with open(os.path.join(schema_dir, name)) as f:
        return json.load(f)


def by_uri(uri):
    name = uri.rsplit("/", 1)[-1].split("#")[0]
    if not name.endswith(".json"):
        name = {"config": files["config"], "manifest": files["manifest"],
                "index": files["index"], "layout": files["layout"],
                "descriptor": "content-descriptor.json"}.get(name, name)
    return load(name)


def validator_for(schema):
    checker = jsonschema.FormatChecker()
    try:
        # jsonschema >= 4.18
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4
    except ImportError:
        # Debian 12's python3-jsonschema 4.10
        resolver = jsonschema.RefResolver.from_schema(
            schema, handlers={"https": by_uri, "http": by_uri})
        return jsonschema.Draft4Validator(schema, resolver=resolver, format_checker=checker)
    registry = Registry(retrieve=lambda uri: Resource.from_contents(
        by_uri(uri), default_specification=DRAFT4))
    return jsonschema.Draft4Validator(schema, registry=registry, format_checker=checker)


failed = False
for arg in sys.argv[2:]:
    kind, path = arg.split("=", 1)
    schema = load(files[kind])
    validator = validator_for(schema)
    with open(path) as f:
        doc = json.load(f)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        failed = True
        for e in errors:
            print(f"{kind} {path}: INVALID at {list(e.path)}: {e.message}")
    else:
        print(f"{kind} {path}: valid")
sys.exit(1 if failed else 0)
