# Helpers of the benchmarks that run on the local cluster. Sourced after hack/lib/common.sh and
# hack/cluster/lib.sh.
# shellcheck shell=bash

# The quickstart's migration and databases, which the benchmarks migrate.
NS=example-app
NAME=example-app-migration
SOURCE=postgresql-clean-29349
DESTINATION=postgresql-circular-11223

# psql_on SERVER SQL: runs SQL in the quickstart's database on SERVER, unaligned, tuples only.
psql_on() {
  kubectl -n "$NS" exec "$1-0" -c postgresql -- psql -U app -d app -qtAX -c "$2"
}

# phase_log NS NAME: "<phase> <seconds since midnight, ms precision>" for each phase change of
# the migration, from the operator's log (its Events carry whole seconds only, and several phases
# now pass within one second).
phase_log() {
  # The leading replica's log: with two replicas, `logs deployment/…` may pick the other one.
  local leader
  leader=$(kubectl -n pgmigration-system get lease pg-migration-operator -o jsonpath='{.spec.holderIdentity}')
  kubectl -n pgmigration-system logs "pod/$leader" --tail=-1 |
    awk -v who="$1/$2" '$4 == who && $5 ~ /^phase=/ {
      split($1, t, ":"); sub(/^phase=/, "", $5); sub(/:$/, "", $5)
      printf "%s %.3f\n", $5, t[1] * 3600 + t[2] * 60 + t[3] }'
}

# took PHASE_LOG FROM TO: seconds, to a tenth, from the migration entering FROM to entering TO.
# The last time it did: a benchmark re-creates the same migration for every run.
took() {
  awk -v from="$2" -v to="$3" '$1 == from { a = $2 } $1 == to { b = $2 }
    END { d = b - a; if (d < 0) d += 86400; printf "%.1f", d }' <<<"$1"
}

# start_and_complete NS NAME: sets spec.start and waits until the migration is Completed; on
# any other end prints its message and fails.
start_and_complete() {
  kubectl -n "$1" patch pgm "$2" --type merge -p '{"spec":{"start":true}}' >/dev/null
  kubectl -n "$1" wait pgm "$2" --for=jsonpath='{.status.phase}'=Completed --timeout=3600s >/dev/null \
    || { kubectl -n "$1" get pgm "$2" -o jsonpath='{.status.message}'; echo; exit 1; }
}
