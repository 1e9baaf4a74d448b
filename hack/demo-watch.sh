#!/usr/bin/env bash
# The end of `make demo`: runs the quickstart migration the way a user would. It waits for Ready,
# starts the migration with `kubectl patch` (Heroku's "Start a migration"), follows it with
# `kubectl get pgm -w` until it ends, shows what `kubectl describe` says, and then shows the app
# writing to the destination.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"
NS=example-app
NAME=example-app-migration

phase() { kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.phase}' 2>/dev/null; }
rows() { # rows the app wrote into the database of StatefulSet $1
  kubectl -n "$NS" exec "$1-0" -c postgresql -- psql -U app -d app -qtAX \
    -c "SELECT count(*) FROM app_writes" 2>/dev/null || echo "?"
}

# Waits until the phase is one of $@ (or the migration ended), for at most 5 minutes.
wait_for() {
  local deadline=$((SECONDS + 300)) current
  while [ $SECONDS -lt $deadline ]; do
    current=$(phase)
    for want in "$@" Completed SourceDestroyed Failed PrepareFailed Expired Cancelled; do
      [ "$current" = "$want" ] && return 0
    done
    sleep 1
  done
  return 1
}

log "following the migration: kubectl -n $NS get pgm -w"
kubectl -n "$NS" get pgm -w &
watcher=$!
trap 'kill $watcher 2>/dev/null || true' EXIT

wait_for Ready || true
if [ "$(phase)" = Ready ]; then
  sleep 3
  echo
  log "the checks passed; starting: kubectl -n $NS patch pgm $NAME --type merge -p '{\"spec\":{\"start\":true}}'"
  kubectl -n "$NS" patch pgm "$NAME" --type merge -p '{"spec":{"start":true}}' >/dev/null
  sleep 2
  wait_for Completed || true
fi
sleep 2
kill $watcher 2>/dev/null || true
wait $watcher 2>/dev/null || true

echo
log "kubectl -n $NS describe pgm $NAME"
kubectl -n "$NS" describe pgm "$NAME" | sed -n '/^Status:/,$p'
echo
echo "The migration is $(phase): $(kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.message}')"

if [ "$(phase)" = Completed ]; then
  echo
  log "the app now writes to the destination (rows in app_writes):"
  for i in 1 2 3; do
    echo "  source $(rows postgresql-clean-29349) (read-only now)   destination $(rows postgresql-circular-11223)"
    sleep 5
  done
  echo "  the app's Secret holds: $(kubectl -n "$NS" get secret example-app-config \
    -o go-template='{{range $k, $v := .data}}{{$k}} {{end}}')"
fi
cat <<MSG

Try it yourself:
  export KUBECONFIG=$KUBECONFIG_ADMIN PATH=$KUBE_BIN:\$PATH
  kubectl -n $NS get pods,pgm,events
  kubectl explain pgm.spec
Run the quickstart again with: make quickstart && hack/demo-watch.sh
Stop the cluster with: make cluster-down
MSG
