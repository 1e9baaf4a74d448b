#!/usr/bin/env bash
# The end of `make demo`: runs the quickstart migration the way a user would, with the kubectl
# plugin (`kubectl pg-migrate`, built into target/cli). It watches the preparation until Ready,
# shows Heroku's migration table, starts the migration, follows it to the end, shows what
# `kubectl describe` says, and then shows the app writing to the destination: with `make demo`, a
# CloudNativePG Cluster the migration created, its follower key pointing at the -ro Service.
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
cnpg_rows() { # rows the app wrote, on the CloudNativePG instance of role $2 (primary|replica) of Cluster $1
  local pod
  pod=$(kubectl -n "$NS" get pods -l "cnpg.io/cluster=$1,cnpg.io/instanceRole=$2" \
    -o jsonpath='{.items[0].metadata.name}' 2>/dev/null) || true
  [ -n "$pod" ] || { echo "?"; return; }
  kubectl -n "$NS" exec "$pod" -c postgres -- psql -d app -qtAX \
    -c "SELECT count(*) FROM app_writes" 2>/dev/null || echo "?"
}
url_host() { # the host of the URI in key $1 of the app's Secret (never the password)
  kubectl -n "$NS" get secret example-app-config -o "jsonpath={.data.$1}" | base64 -d |
    sed -E 's|^[a-z]+://[^@]*@([^:/]+).*|\1|'
}
CLUSTER=$(kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.spec.destination.cloudNativePG.cluster}' 2>/dev/null || true)

export PATH=$REPO_DIR/target/cli:$PATH
log "waiting for the preparation checks: kubectl pg-migrate watch $NAME -n $NS"
kubectl pg-migrate watch "$NAME" -n "$NS" || true
if [ "$(phase)" = Ready ]; then
  echo
  log "kubectl pg-migrate status -n $NS"
  kubectl pg-migrate status -n "$NS"
  sleep 2
  echo
  log "starting (Heroku's \"Start a migration\"): kubectl pg-migrate start $NAME -n $NS"
  kubectl pg-migrate start "$NAME" -n "$NS"
  echo
  log "following it: kubectl pg-migrate watch $NAME -n $NS"
  kubectl pg-migrate watch "$NAME" -n "$NS" || true
fi

echo
log "kubectl -n $NS describe pgm $NAME"
kubectl -n "$NS" describe pgm "$NAME" | sed -n '/^Status:/,$p'
echo
echo "The migration is $(phase): $(kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.message}')"

if [ "$(phase)" = Completed ] && [ -n "$CLUSTER" ]; then
  echo
  log "the app now writes to the CloudNativePG Cluster $CLUSTER (rows in app_writes):"
  for i in 1 2 3; do
    echo "  source $(rows postgresql-clean-29349) (read-only now)   leader $(cnpg_rows "$CLUSTER" primary)   follower $(cnpg_rows "$CLUSTER" replica)"
    sleep 5
  done
  echo "  the app's Secret: DATABASE_URL -> $(url_host DATABASE_URL)," \
    "DATABASE_FOLLOWER_URL -> $(url_host DATABASE_FOLLOWER_URL)" \
    "(keys: $(kubectl -n "$NS" get secret example-app-config -o go-template='{{range $k, $v := .data}}{{$k}} {{end}}'))"
  echo
  log "kubectl -n $NS get clusters.postgresql.cnpg.io"
  kubectl -n "$NS" get clusters.postgresql.cnpg.io
elif [ "$(phase)" = Completed ]; then
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
  export KUBECONFIG=$KUBECONFIG_ADMIN PATH=$KUBE_BIN:$REPO_DIR/target/cli:\$PATH
  kubectl pg-migrate -n $NS              # the interactive menu, as heroku data:pg:migrate
  kubectl -n $NS get pods,pgm,events
  kubectl explain pgm.spec
  kubectl explain pgm.spec.destination.cloudNativePG
Run the quickstart again with: make quickstart-cloudnativepg && hack/demo-watch.sh
(or the migration to a hand-made database: make quickstart && hack/demo-watch.sh)
Stop the cluster with: make cluster-down
MSG
