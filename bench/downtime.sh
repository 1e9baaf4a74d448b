#!/usr/bin/env bash
# Measures the app's downtime (maintenance on -> off) of a Snapshot migration on the local cluster,
# for the quickstart as it is and with its source grown by a filler table:
#   bench/downtime.sh            the quickstart (about 12 MB)
#   bench/downtime.sh 600        the quickstart plus about 600 MB of rows
# Needs `make cluster-up install-local`. Prints the status' downtime and how long each phase took
# (from the operator's log), as a Markdown table row for docs/downtime.md.
set -euo pipefail
source "$(dirname "$0")/../hack/lib/common.sh"
source "$HACK_DIR/cluster/lib.sh"
source "$(dirname "$0")/lib.sh"
EXTRA_MB=${1:-0}

"$HACK_DIR/quickstart.sh" >/dev/null
kubectl -n "$NS" wait pgm "$NAME" --for=jsonpath='{.status.phase}'=Ready --timeout=300s >/dev/null
if [ "$EXTRA_MB" -gt 0 ]; then
  log "adding about $EXTRA_MB MB to the source"
  # About 1 KB per row across two columns, in batches so the server's memory limit holds.
  psql_on "$SOURCE" "CREATE TABLE filler (id bigint PRIMARY KEY, note text, body text)"
  rows_per_batch=100000
  batches=$(( (EXTRA_MB * 1000 + rows_per_batch - 1) / rows_per_batch ))
  for b in $(seq 0 $((batches - 1))); do
    psql_on "$SOURCE" "INSERT INTO filler SELECT g, md5(g::text), repeat(md5((g * 7)::text), 30)
      FROM generate_series($((b * rows_per_batch + 1)), $(((b + 1) * rows_per_batch))) g" >/dev/null
  done
  psql_on "$SOURCE" "ANALYZE"
  # The checks ran on the smaller database: let them run again against this one.
  kubectl -n "$NS" patch pgm "$NAME" --type merge -p '{"spec":{"readyWindow":"23h"}}' >/dev/null
  sleep 3
  kubectl -n "$NS" wait pgm "$NAME" --for=jsonpath='{.status.phase}'=Ready --timeout=300s >/dev/null
fi
size=$(psql_on "$SOURCE" "SELECT pg_size_pretty(pg_database_size(current_database()))")
log "source holds $size; starting the migration"
start_and_complete "$NS" "$NAME"

downtime=$(kubectl -n "$NS" get pgm "$NAME" -o jsonpath='{.status.downtime.seconds}')
phases=$(phase_log "$NS" "$NAME")
echo "| $size | ${downtime}s ($(took "$phases" MaintenanceOn Completed)s) | $(took "$phases" MaintenanceOn Migrating)s | $(took "$phases" Migrating Verifying)s | $(took "$phases" Verifying Migrated)s | $(took "$phases" Promoting Completed)s |"
