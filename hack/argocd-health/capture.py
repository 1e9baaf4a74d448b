#!/usr/bin/env python3
"""Saves real PostgresMigrations from a cluster as Argo CD health testdata, one per phase.

Watches every PostgresMigration (kubectl get -w) and writes the first object seen in each phase
to DIR/<phase>.yaml, plus the first one with no status yet (no-status.yaml) and the first whose
spec the operator has not observed yet (generation-not-observed.yaml). Existing files are kept, so
a run only fills what is missing; delete a file to take it again. Stops after --seconds, or when
every file exists. Run it while `make e2e` runs to see every phase.

usage: capture.py [--seconds N] DIR    (KUBECTL names kubectl and its flags; default "kubectl")
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time

import yaml

PHASES = ["Pending", "Preparing", "PrepareFailed", "Ready", "Expired", "Cancelled",
          "MaintenanceOn", "Migrating", "Verifying", "Migrated", "Promoting", "Completed",
          "Failed", "SourceDestroyed"]
EXTRA = ["no-status", "generation-not-observed"]


def clean(obj):
    """The object as a user reads it, without what the API server keeps for itself."""
    meta = obj["metadata"]
    for key in ("managedFields", "uid", "resourceVersion", "selfLink"):
        meta.pop(key, None)
    annotations = meta.get("annotations") or {}
    annotations.pop("kubectl.kubernetes.io/last-applied-configuration", None)
    if not annotations:
        meta.pop("annotations", None)
    return obj


def case(obj):
    status = obj.get("status") or {}
    if not status.get("phase"):
        return "no-status"
    if status.get("observedGeneration", 0) < obj["metadata"].get("generation", 0):
        return "generation-not-observed"
    return status["phase"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=1800)
    parser.add_argument("dir")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    wanted = {name for name in PHASES + EXTRA
              if not os.path.exists(os.path.join(args.dir, name + ".yaml"))}
    kubectl = shlex.split(os.environ.get("KUBECTL", "kubectl"))
    deadline = time.time() + args.seconds
    decoder = json.JSONDecoder()
    while wanted and time.time() < deadline:
        watch = subprocess.Popen(kubectl + ["get", "postgresmigrations.pgmigration.io", "-A", "-w",
                                            "-o", "json"], stdout=subprocess.PIPE, text=True)
        buffer = ""
        for line in watch.stdout:
            buffer += line
            try:
                obj, end = decoder.raw_decode(buffer.lstrip())
            except json.JSONDecodeError:
                continue
            buffer = buffer.lstrip()[end:]
            if obj.get("kind") == "List":
                items = obj["items"]
            else:
                items = [obj]
            for item in items:
                name = case(item)
                if name in wanted:
                    with open(os.path.join(args.dir, name + ".yaml"), "w") as f:
                        yaml.safe_dump(clean(item), f, sort_keys=False)
                    wanted.discard(name)
                    print(f"saved {name}.yaml from {item['metadata']['namespace']}/"
                          f"{item['metadata']['name']}; still wanted: {sorted(wanted)}", flush=True)
            if not wanted or time.time() >= deadline:
                break
        watch.kill()
    print(f"not seen: {sorted(wanted)}" if wanted else "every case saved")
    return 1 if wanted else 0


if __name__ == "__main__":
    sys.exit(main())
