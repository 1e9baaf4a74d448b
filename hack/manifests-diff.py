#!/usr/bin/env python3
"""Compares two streams of Kubernetes manifests as sets of objects.

Each file holds YAML documents; objects are matched by apiVersion, kind, namespace and name, and
compared as data (key order, quoting and comments do not count). Prints each missing, extra or
different object, with a diff of the different ones, and exits 1 when there is any.

usage: manifests-diff.py EXPECTED ACTUAL
"""
import difflib
import sys

import yaml

# Kinds that live outside namespaces. kustomize's `namespace:` also stamps the kinds it does not know
# to be cluster-scoped (ValidatingAdmissionPolicy and its binding among them), and the API server
# drops that namespace; so a namespace on these does not count.
CLUSTER_SCOPED = {
    "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
}


def objects(path):
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    found = {}
    for d in docs:
        meta = d.get("metadata", {})
        if d.get("kind") in CLUSTER_SCOPED:
            meta.pop("namespace", None)
        key = (d.get("apiVersion"), d.get("kind"), meta.get("namespace", ""), meta.get("name"))
        if key in found:
            sys.exit(f"{path}: {'/'.join(map(str, key))} appears twice")
        found[key] = d
    return found


def main(expected_path, actual_path):
    expected, actual = objects(expected_path), objects(actual_path)
    problems = 0
    for key in sorted(set(expected) | set(actual), key=str):
        name = "{} {} {}/{}".format(*key)
        if key not in actual:
            print(f"missing from {actual_path}: {name}")
        elif key not in expected:
            print(f"not in {expected_path}: {name}")
        elif expected[key] != actual[key]:
            print(f"differs: {name}")
            a = yaml.safe_dump(expected[key], sort_keys=True).splitlines()
            b = yaml.safe_dump(actual[key], sort_keys=True).splitlines()
            print("\n".join(difflib.unified_diff(a, b, expected_path, actual_path, lineterm="")))
        else:
            continue
        problems += 1
    print(f"{len(expected)} object(s) expected, {len(actual)} rendered, {problems} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
