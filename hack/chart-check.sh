#!/usr/bin/env bash
# The Helm chart and deploy/ describe the same install: with its default values the chart renders
# the objects `kubectl kustomize deploy/` does, and with watchNamespaces those of
# deploy/namespaced/ (compared as data by manifests-diff.py). The chart carries its own copy of the
# CRD (Helm installs what a chart's crds/ holds), which must be the generated one. Then helm lint.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$REPO_DIR"
helm=$HELM_BIN/helm
kubectl=$KUBE_BIN/kubectl
chart=charts/pg-migration-operator
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

diff -u crds/postgresmigrations.pgmigration.io-v1.yml "$chart/crds/postgresmigrations.pgmigration.io-v1.yml" \
  || die "$chart/crds/ differs from crds/: run 'make crds' and commit it"
status=0
while read -r kustomization values; do
  log "helm template $chart ${values:-(default values)} == kubectl kustomize $kustomization"
  # shellcheck disable=SC2086 # values are several words on purpose
  "$helm" template pg-migration-operator "$chart" --namespace pgmigration-system --include-crds $values >"$work/chart.yaml"
  "$kubectl" kustomize "$kustomization" >"$work/kustomize.yaml"
  hack/manifests-diff.py "$work/kustomize.yaml" "$work/chart.yaml" || status=1
done <<'CASES'
deploy
deploy/namespaced --set watchNamespaces={example-app}
CASES
"$helm" lint --strict "$chart"
exit $status
