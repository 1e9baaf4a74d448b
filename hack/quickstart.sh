#!/usr/bin/env bash
# (Re)creates examples/quickstart/ on the local cluster: a fresh namespace, fresh volumes, the
# databases and the app, then waits until every pod runs.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"
NS=example-app

if kubectl get namespace "$NS" >/dev/null 2>&1; then
  log "deleting the previous quickstart"
  kubectl delete namespace "$NS" --wait=true --timeout=180s >/dev/null
fi
"$HACK_DIR/cluster/volumes.sh" recycle

log "applying examples/quickstart/"
kubectl apply -k "$HACK_DIR/overlays/quickstart"
for w in statefulset/postgresql-clean-29349 statefulset/postgresql-circular-11223 deployment/web deployment/worker; do
  kubectl -n "$NS" rollout status "$w" --timeout=180s
done
