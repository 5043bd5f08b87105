#!/usr/bin/env python3
"""Keeps, of the Kubernetes OpenAPI (swagger 2.0) document, the definitions of the core kinds Anvil
emits and every definition they reference: a JSON Schema document (draft 4) with the same
"#/definitions/..." references, unchanged.

usage: git -C kubernetes-client-python show v31.0.0:kubernetes/swagger.json.unprocessed \
         | extract-core-schemas.py > test/upstream/kubernetes-v1.31/core-v1.json
"""
import hashlib
import json
import sys

KINDS = ["io.k8s.api.core.v1.ConfigMap", "io.k8s.api.core.v1.Node"]

text = sys.stdin.read()
definitions = json.loads(text)["definitions"]
keep, todo = {}, list(KINDS)
while todo:
    name = todo.pop()
    if name in keep:
        continue
    keep[name] = definitions[name]
    stack = [keep[name]]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/definitions/"):
                todo.append(ref[len("#/definitions/"):])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
out = {
    "$comment": "Kubernetes release-1.31 api/openapi-spec/swagger.json, as kubernetes-client/python v31.0.0 "
                "(commit bc8c6913f95fba5575f56dd60f01f3e4090cd9b4) keeps it in kubernetes/swagger.json.unprocessed "
                f"(sha256 {hashlib.sha256(text.encode()).hexdigest()}): the definitions of {', '.join(KINDS)} "
                "and all they reference, unchanged.",
    "definitions": dict(sorted(keep.items())),
}
json.dump(out, sys.stdout, indent=1, sort_keys=False)
sys.stdout.write("\n")
