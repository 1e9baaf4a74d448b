#!/usr/bin/env bash
# The Streaming method's downtime under a continuous write load, on the local cluster
# (`make bench-streaming`; needs `make cluster-up install-local`):
#
#   1. the quickstart, its source grown by `pgbench -i -s SCALE` (default 100, about 1.5 GB);
#   2. a fourth workload of the app: pgbench itself, CLIENTS connections of TPC-B transactions
#      through the app's DATABASE_URL, with the app's label, so maintenance stops it and promotion
#      brings it back on the destination;
#   3. a Streaming migration (VERIFICATION=RowCounts by default, or Checksums): the initial copy
#      while pgbench writes, the first round of the verification while Ready, LOAD seconds of
#      streaming while Ready, then start, then Completed.
#
# Prints the migration's downtime (maintenance on -> off, from its status), how long each phase of
# it took (from the operator's log), the initial copy's time and pgbench's rate, and checks that every
# pgbench_history row the source committed is on the destination. One Markdown row for
# docs/performance.md.
set -euo pipefail
source "$(dirname "$0")/../hack/lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"
source "$(dirname "$0")/lib.sh"
SCALE=${SCALE:-100}
CLIENTS=${CLIENTS:-2}
LOAD=${LOAD:-30}
VERIFICATION=${VERIFICATION:-RowCounts}

"$HACK_DIR/quickstart.sh" >/dev/null
kubectl -n "$NS" delete pgm "$NAME" --wait=true >/dev/null
log "pgbench -i -s $SCALE on the source"
start=$SECONDS
kubectl -n "$NS" exec "$SOURCE-0" -c postgresql -- pgbench -i -q -s "$SCALE" -U app app >/dev/null 2>&1
# pgbench_history has no key: its inserts replicate, but the ReplicaIdentity check asks for one.
psql_on "$SOURCE" "ALTER TABLE pgbench_history REPLICA IDENTITY FULL" >/dev/null
psql_on "$SOURCE" "VACUUM ANALYZE" >/dev/null
size=$(psql_on "$SOURCE" "SELECT pg_size_pretty(pg_database_size('app'))")
log "source holds $size (made in $((SECONDS - start))s); starting pgbench as a workload of the app"

kubectl -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: pgbench
  labels: {app.kubernetes.io/name: pgbench, app.kubernetes.io/part-of: example-app}
spec:
  replicas: 1
  selector: {matchLabels: {app.kubernetes.io/name: pgbench}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: pgbench, app.kubernetes.io/part-of: example-app}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 999, seccompProfile: {type: RuntimeDefault}}
      terminationGracePeriodSeconds: 5
      containers:
      - name: pgbench
        image: localhost/pgmo/postgres:15
        imagePullPolicy: Never
        # TPC-B through DATABASE_URL; -P prints the rate every 5 s. pgbench as PID 1 would ignore
        # the stop signal (SIGINT, this image's); bash passes it on, so the app stops at once, as
        # an app should.
        command: [bash, -c, 'pgbench -n -c $CLIENTS -T 86400 -P 5 "\$DATABASE_URL" & trap "kill -TERM \$!" TERM INT; wait; wait']
        env:
        - name: DATABASE_URL
          valueFrom: {secretKeyRef: {name: example-app-config, key: DATABASE_URL}}
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
EOF
kubectl -n "$NS" rollout status deployment/pgbench --timeout=120s >/dev/null

log "applying a Streaming migration (verification $VERIFICATION)"
sed -e 's/method: Snapshot/method: Streaming/' -e "s/verification: Checksums/verification: $VERIFICATION/" \
  "$REPO_DIR/examples/quickstart/migration.yaml" | kubectl -n "$NS" apply -f - >/dev/null
start=$SECONDS
kubectl -n "$NS" wait pgm "$NAME" --for=jsonpath='{.status.phase}'=Ready --timeout=3600s >/dev/null \
  || { kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.message}'; echo; exit 1; }
initial=$((SECONDS - start))
log "Ready after ${initial}s of initial copy; waiting for the first round of the verification while Ready"
kubectl -n "$NS" wait pgm "$NAME" --for=jsonpath='{.status.onlineVerification.state}'=Verified --timeout=3600s >/dev/null \
  || { kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.onlineVerification}'; echo; exit 1; }
round=$(kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.onlineVerification.verifiedSeconds}s ({.status.onlineVerification.verifiedChunks} chunks)')
log "verified while Ready in $round; streaming for ${LOAD}s under the load"
sleep "$LOAD"
lag=$(kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.progress.lagBytes} bytes, {.status.progress.lagSeconds}s')
tps=$(kubectl -n "$NS" logs deployment/pgbench --tail=3 | sed -n 's/.* \([0-9.]*\) tps.*/\1/p' | tail -1)

# The quickstart's CronJob starts a Job of five writes a second apart every minute, and maintenance
# lets a running Job end (up to drainTimeout): start when none runs and the next is 20 s or more
# away, so that the figure is the switch-over's, not where in the minute it fell.
until second=$((10#$(date +%S))) && [ "$second" -ge 15 ] && [ "$second" -le 40 ] &&
  [ -z "$(kubectl -n "$NS" get pods -l app.kubernetes.io/name=nightly-report -o name \
    --field-selector=status.phase!=Succeeded,status.phase!=Failed)" ]; do
  sleep 1
done
log "starting the migration (lag $lag, pgbench at $tps tps)"
start_and_complete "$NS" "$NAME"

downtime=$(kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.downtime.seconds}')
changed=$(kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.onlineVerification.switchover.roundAgeSeconds}s old, then {.status.onlineVerification.switchover.rows} changed rows')
phases=$(phase_log "$NS" "$NAME")

# Every row pgbench committed on the source (frozen since the fence) is on the destination; the
# destination has more, written after the promotion.
read -r src_rows src_last < <(psql_on "$SOURCE" "SELECT count(*), max(mtime) FROM pgbench_history" | tr '|' ' ')
dst_rows=$(psql_on "$DESTINATION" "SELECT count(*) FROM pgbench_history WHERE mtime <= '$src_last'")
[ "$src_rows" = "$dst_rows" ] || die "the source committed $src_rows pgbench_history rows, the destination has $dst_rows of them"
slots=$(psql_on "$SOURCE" "SELECT count(*) FROM pg_replication_slots")
[ "$slots" = 0 ] || die "$slots replication slot(s) left on the source"
log "all $src_rows pgbench_history rows of the source are on the destination; no slot is left"

echo
echo "| $size | $VERIFICATION | ${initial}s | $round | $tps | $lag | $changed | ${downtime}s ($(took "$phases" MaintenanceOn Completed)s) | $(took "$phases" MaintenanceOn Migrating)s | $(took "$phases" Migrating Verifying)s | $(took "$phases" Verifying Migrated)s | $(took "$phases" Promoting Completed)s |"
