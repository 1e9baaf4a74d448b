#!/usr/bin/env python3
"""Writes the operator's OLM bundle from the install YAML deploy/ renders.

The Operator SDK's generator (quarkus-operator-sdk-bundle-generator) is not served where this
project is built, so the bundle is generated here from the same objects `kubectl kustomize deploy/`
gives: the ClusterServiceVersion carries the operator's Deployment and its ClusterRole's rules,
owns the CRD, and shows the quickstart's migration as its example; the ConfigMap of the copy-image
allow-list and the PodDisruptionBudget go along. A bundle cannot carry the ValidatingAdmissionPolicy
(not a kind OLM installs): apply deploy/base/admission.yaml next to it (README.md).

usage: bundle.py INSTALL_YAML EXAMPLE_YAML VERSION OUT_DIR
"""
import json
import os
import sys

import yaml

PACKAGE = "pg-migration-operator"
REPOSITORY = "https://github.com/pg-migration-operator/pg-migration-operator"
DESCRIPTION = """Moves an application's PostgreSQL database to a new server the way Heroku's
`data:pg:migrate` does: a `PostgresMigration` prepares with checks (nothing is touched until they
pass), puts the app in maintenance, copies (Snapshot, or Streaming with logical replication while
the app runs), verifies, promotes the destination by rewriting the app's `DATABASE_URL` Secret and
brings the app back; any failure rolls back to the source.

Drive it with `kubectl pg-migrate` (the interactive plugin) or declare migrations in Git.
Apply the admission policy of deploy/base/admission.yaml too: it admits a migration only when its
author could do by hand what it asks the operator to do."""


def by_kind(objects, kind):
    return [o for o in objects if o.get("kind") == kind]


def one(objects, kind):
    found = by_kind(objects, kind)
    if len(found) != 1:
        sys.exit(f"expected one {kind} in the install YAML, found {len(found)}")
    return found[0]


def write(path, obj):
    with open(path, "w") as f:
        yaml.safe_dump(obj, f, sort_keys=False)


def main(install, example, version, out):
    objects = [o for o in yaml.safe_load_all(open(install)) if o]
    crd = one(objects, "CustomResourceDefinition")
    deployment = one(objects, "Deployment")
    role = next(o for o in by_kind(objects, "ClusterRole") if o["metadata"]["name"] == PACKAGE)
    migration = yaml.safe_load(open(example))
    migration.get("metadata", {}).pop("namespace", None)
    image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    semver = version.lstrip("v")
    served = next(v for v in crd["spec"]["versions"] if v.get("storage"))
    csv = {
        "apiVersion": "operators.coreos.com/v1alpha1",
        "kind": "ClusterServiceVersion",
        "metadata": {
            "name": f"{PACKAGE}.v{semver}",
            "annotations": {
                "alm-examples": json.dumps([migration], indent=2),
                "capabilities": "Basic Install",
                "categories": "Database",
                "containerImage": image,
                "description": "Move an app's PostgreSQL database to a new server, like Heroku's data:pg:migrate",
                "repository": REPOSITORY,
                "support": PACKAGE,
                "operators.operatorframework.io/builder": "hack/olm/bundle.py",
            },
        },
        "spec": {
            "displayName": "PostgreSQL Migration Operator",
            "description": DESCRIPTION,
            "version": semver,
            "maturity": "alpha",
            "minKubeVersion": "1.30.0",
            "provider": {"name": PACKAGE, "url": REPOSITORY},
            "maintainers": [{"name": PACKAGE, "email": "maintainers@pg-migration-operator.dev"}],
            "links": [{"name": "Documentation", "url": REPOSITORY}],
            "keywords": ["postgresql", "migration", "database", "heroku"],
            # The operator watches every namespace, or those of an environment variable (the
            # chart's watchNamespaces); OLM's OperatorGroup targets are not read.
            "installModes": [
                {"type": "OwnNamespace", "supported": False},
                {"type": "SingleNamespace", "supported": False},
                {"type": "MultiNamespace", "supported": False},
                {"type": "AllNamespaces", "supported": True},
            ],
            "customresourcedefinitions": {
                "owned": [
                    {
                        "name": crd["metadata"]["name"],
                        "version": served["name"],
                        "kind": crd["spec"]["names"]["kind"],
                        "displayName": "PostgreSQL Migration",
                        "description": "Moves an app's PostgreSQL database to a new server: "
                        "prepare, maintenance, copy, verify, promote.",
                    }
                ]
            },
            "install": {
                "strategy": "deployment",
                "spec": {
                    "clusterPermissions": [
                        {"serviceAccountName": PACKAGE, "rules": role["rules"]}
                    ],
                    "deployments": [
                        {
                            "name": deployment["metadata"]["name"],
                            "label": deployment["metadata"].get("labels", {}),
                            "spec": deployment["spec"],
                        }
                    ],
                },
            },
        },
    }
    manifests = os.path.join(out, "manifests")
    metadata = os.path.join(out, "metadata")
    os.makedirs(manifests, exist_ok=True)
    os.makedirs(metadata, exist_ok=True)
    write(os.path.join(manifests, f"{PACKAGE}.clusterserviceversion.yaml"), csv)
    write(os.path.join(manifests, f"{crd['metadata']['name']}.crd.yaml"), crd)
    for kind, suffix in (("ConfigMap", "v1_configmap"), ("PodDisruptionBudget", "policy_v1_poddisruptionbudget")):
        for o in by_kind(objects, kind):
            o["metadata"].pop("namespace", None)
            write(os.path.join(manifests, f"{o['metadata']['name']}_{suffix}.yaml"), o)
    write(
        os.path.join(metadata, "annotations.yaml"),
        {
            "annotations": {
                "operators.operatorframework.io.bundle.mediatype.v1": "registry+v1",
                "operators.operatorframework.io.bundle.manifests.v1": "manifests/",
                "operators.operatorframework.io.bundle.metadata.v1": "metadata/",
                "operators.operatorframework.io.bundle.package.v1": PACKAGE,
                "operators.operatorframework.io.bundle.channels.v1": "candidate",
                "operators.operatorframework.io.bundle.channel.default.v1": "candidate",
            }
        },
    )


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
