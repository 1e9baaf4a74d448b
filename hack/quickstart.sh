#!/usr/bin/env bash
# (Re)creates examples/quickstart/ on the local cluster: a fresh namespace, fresh volumes, the
# databases and the app, then waits until every pod runs.
#   hack/quickstart.sh                  examples/quickstart/: the migration to a hand-made database
#   hack/quickstart.sh cloudnativepg    examples/quickstart-cloudnativepg/: the migration creates its
#                                       destination, a CloudNativePG Cluster with one follower
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"
NS=example-app
VARIANT=${1:-}
case "$VARIANT" in
  "") OVERLAY=quickstart WORKLOADS=(statefulset/postgresql-clean-29349 statefulset/postgresql-circular-11223) ;;
  cloudnativepg) OVERLAY=quickstart-cloudnativepg WORKLOADS=(statefulset/postgresql-clean-29349) ;;
  *) die "usage: $0 [cloudnativepg]" ;;
esac

if kubectl get namespace "$NS" >/dev/null 2>&1; then
  log "deleting the previous quickstart"
  kubectl delete namespace "$NS" --wait=true --timeout=180s >/dev/null
fi
"$HACK_DIR/cluster/volumes.sh" recycle

log "applying examples/$OVERLAY/"
kubectl apply -k "$HACK_DIR/overlays/$OVERLAY"
for w in "${WORKLOADS[@]}" deployment/web deployment/worker; do
  kubectl -n "$NS" rollout status "$w" --timeout=180s
done
