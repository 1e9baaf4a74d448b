#!/usr/bin/env bash
# The operator with many migrations, on the local cluster (needs `make cluster-up install-local`):
#
#   bench/operator-scale.sh [N]      (N, default 1000, or the environment's N)
#
# Restarts the operator (so its peak memory counts from a fresh process), then applies N
# PostgresMigrations in one namespace, in thirds: cancelled at once (they end Cancelled), with
# Secrets that do not exist (they wait in Preparing, looked at again every 10 s for 10 minutes,
# as a migration applied before its databases does), and with a malformed URI (PrepareFailed).
# Reports the leading operator's RSS (its peak, and once settled), the time until every migration
# has a status next to the time the apply itself took, and the reconciles per second while the
# waiting ones are retried. Deletes them all at the end and reports how long that took.
set -euo pipefail
source "$(dirname "$0")/../hack/lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"
N=${1:-${N:-1000}}
SETTLE=${SETTLE:-60}
SNS=pgmo-scale
OPNS=pgmigration-system
DEPLOYMENT=pg-migration-operator

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# pid_of POD: the operator's JVM of that pod, on this node (its environment names the pod).
pid_of() {
  local pid
  for pid in $(pgrep -f quarkus-run.jar); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "HOSTNAME=$1"; then
      echo "$pid"
      return
    fi
  done
  return 1
}

# kib PID FIELD: VmRSS (now) or VmHWM (peak) of the process, in MiB.
mib() { awk -v f="$2:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

leader() { kubectl -n "$OPNS" get lease "$DEPLOYMENT" -o jsonpath='{.spec.holderIdentity}'; }

# reconciles POD: reconciliations started so far, from the pod's /q/metrics.
reconciles() {
  kubectl get --raw "/api/v1/namespaces/$OPNS/pods/$1:8080/proxy/q/metrics" |
    awk '/^reconciliations_started_total/ { s += $2 } END { printf "%d", s }'
}

with_status() {
  kubectl -n "$SNS" get pgm -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' | grep -c . || true
}

log "a fresh namespace $SNS and fresh operator processes"
kubectl delete namespace "$SNS" --ignore-not-found --wait=true >/dev/null
kubectl create namespace "$SNS" >/dev/null
kubectl -n "$SNS" create secret generic scale-malformed --from-literal=DATABASE_URL=not-a-uri >/dev/null
kubectl -n "$OPNS" rollout restart "deployment/$DEPLOYMENT" >/dev/null
kubectl -n "$OPNS" rollout status "deployment/$DEPLOYMENT" --timeout=300s >/dev/null
# The new leader: a pod of the new ReplicaSet (the old ones hold the Lease until they are gone).
pid=
for _ in $(seq 90); do
  pod=$(leader)
  if [ -n "$pod" ] && [ "$(kubectl -n "$OPNS" get pod "$pod" -o jsonpath='{.metadata.deletionTimestamp}' 2>/dev/null || echo gone)" = "" ]; then
    pid=$(pid_of "$pod") && break
  fi
  sleep 2
done
[ -n "$pid" ] || die "no leading operator JVM on this node"
sleep 20
base=$(mib "$pid" VmRSS)
log "leader $pod (pid $pid): ${base} MiB RSS with no migration"

manifests=$(mktemp)
trap 'rm -f "$manifests"' EXIT
for i in $(seq 1 "$N"); do
  case $((i % 3)) in
    0) secret=scale-malformed extra="cancel: true" ;;
    1) secret="scale-missing-$i" extra="" ;;
    2) secret=scale-malformed extra="" ;;
  esac
  cat >>"$manifests" <<EOF
---
apiVersion: pgmigration.io/v1alpha1
kind: PostgresMigration
metadata: {name: scale-$i}
spec:
  source: {connectionSecret: {name: $secret, key: DATABASE_URL}}
  destination: {connectionSecret: {name: $secret-destination, key: DATABASE_URL}}
  app:
    databaseUrlSecret: {name: $secret-app, key: DATABASE_URL}
  $extra
EOF
done

before=$(reconciles "$pod")
log "applying $N migrations"
t0=$(now)
kubectl -n "$SNS" apply --server-side -f "$manifests" >/dev/null
applied=$(since "$t0")
peak_seen=0
while :; do
  rss=$(mib "$pid" VmRSS)
  ((rss > peak_seen)) && peak_seen=$rss
  n=$(with_status)
  [ "$n" -ge "$N" ] && break
  sleep 1
done
statused=$(since "$t0")
log "applied in ${applied}s; every migration had a status after ${statused}s"
sleep "$SETTLE"
after=$(reconciles "$pod")
window=$(since "$t0")
rate=$(awk -v a="$before" -v b="$after" -v w="$window" 'BEGIN { printf "%.1f", (b - a) / w }')
settled=$(mib "$pid" VmRSS)
peak=$(mib "$pid" VmHWM)
phases=$(kubectl -n "$SNS" get pgm -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')
log "phases: $phases"
log "leader RSS: ${peak} MiB peak, ${settled} MiB settled ${SETTLE}s later (${base} MiB with none); $rate reconciles/s"

log "deleting them"
t1=$(now)
kubectl delete namespace "$SNS" --wait=true --timeout=600s >/dev/null
deleted=$(since "$t1")
log "deleted in ${deleted}s"

echo
echo "| $N | ${applied} s | ${statused} s | ${peak} MiB | ${settled} MiB | ${base} MiB | $rate | ${deleted} s |"
