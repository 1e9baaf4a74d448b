#!/usr/bin/env bash
# The end of `make demo`: follows the quickstart migration the way a user would, with
# `kubectl get pgm -w`, until it ends or waits on the user (or on a phase this version does not
# implement yet), then shows what `kubectl describe` says.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"
NS=example-app
NAME=example-app-migration

phase() { kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.phase}' 2>/dev/null; }

log "following the migration: kubectl -n $NS get pgm -w"
kubectl -n "$NS" get pgm -w &
watcher=$!
trap 'kill $watcher 2>/dev/null || true' EXIT

last="" stable=0
while :; do
  current=$(phase)
  case "$current" in
    Completed | SourceDestroyed | Failed | PrepareFailed | Expired | Cancelled) break ;;
  esac
  if [ -n "$current" ] && [ "$current" = "$last" ]; then
    stable=$((stable + 1))
    # Waiting for the user (start, promote) or for a later version of the operator.
    [ "$stable" -ge 10 ] && break
  else
    stable=0
  fi
  last=$current
  sleep 1
done
kill $watcher 2>/dev/null || true
wait $watcher 2>/dev/null || true

echo
log "kubectl -n $NS describe pgm $NAME"
kubectl -n "$NS" describe pgm "$NAME" | sed -n '/^Status:/,$p'
echo
echo "The migration is $(phase): $(kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.message}')"
cat <<MSG

Try it yourself:
  export KUBECONFIG=$KUBECONFIG_ADMIN PATH=$KUBE_BIN:\$PATH
  kubectl -n $NS get pods,pgm
  kubectl explain pgm.spec
Stop the cluster with: make cluster-down
MSG
