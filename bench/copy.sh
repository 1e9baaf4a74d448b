#!/usr/bin/env bash
# The copy benchmark (`make bench`): in one run on this machine, two local PostgreSQL servers, one
# dataset, and every way of copying it, timed from an empty destination database to a complete
# copy (schema, rows, indexes, constraints, sequences, large objects):
#
#   pg_dump -Fc | pg_restore            the baseline every ratio is against
#   pg_dump -Fd -j N + pg_restore -j N
#   pgcopydb clone                      Debian's pgcopydb, N table jobs and N index jobs
#   our engine                          the copy Job's pod (copy.CopyMain job: pre-data, the rows
#                                       in parallel COPY streams, a large table's indexes as soon
#                                       as its rows are in, then the rest of post-data N at a time),
#                                       with 1 stream, N streams, and as N pods of 1 stream each
#                                       (copy.workers: N), side by side on this machine
#   raw COPY                            pre-data, then N parallel binary COPY pipes (one per table,
#                                       the small tables' schema through one), no indexes, no large
#                                       objects: a lower bound for the data part of any method
#
# The dataset: pgbench at SCALE (default 100, about 1.5 GB), plus a schema of many small tables, a
# wide table whose rows live in TOAST, large objects and sequences.
#
#   bench/copy.sh                  SCALE=100 JOBS=2 SMALL_TABLES=1000
#   KEEP=1 bench/copy.sh           keep the servers and data under $BENCH_DIR afterwards
#   ONLY=engine bench/copy.sh      the baseline and the methods whose name matches
#   REPEAT=3 bench/copy.sh         each method three times; the table shows the median
#
# Prints a Markdown table (docs/performance.md keeps the results with the machine they came from).
set -euo pipefail
cd "$(dirname "$0")/.."
source hack/lib/common.sh

SCALE=${SCALE:-100}
JOBS=${JOBS:-2}
SMALL_TABLES=${SMALL_TABLES:-1000}
REPEAT=${REPEAT:-1}
BENCH_DIR=${BENCH_DIR:-/tmp/pgmo-bench}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
SRC_PORT=55431
DST_PORT=55432
SRC="postgres://postgres@127.0.0.1:$SRC_PORT/bench"
DST="postgres://postgres@127.0.0.1:$DST_PORT/bench"
export PGPASSWORD=bench
# Only warnings and errors from the servers: no NOTICE chatter between the results.
export PGOPTIONS="-c client_min_messages=warning"

command -v pgcopydb >/dev/null || {
  log "installing Debian's pgcopydb"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pgcopydb >/dev/null
}
[ -f operator/target/quarkus-app/app/pg-migration-operator-0.1.0-SNAPSHOT.jar ] || die "run 'make build' first"
ENGINE_CP="operator/target/quarkus-app/app/*:operator/target/quarkus-app/lib/main/*"

as_postgres() { runuser -u postgres -- "$@"; }

server() { # server NAME PORT: a fresh cluster, the same settings for every method
  local dir=$BENCH_DIR/$1
  as_postgres "$PG_BIN/pg_ctl" -D "$dir" stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$dir"
  install -d -o postgres -g postgres "$BENCH_DIR" "$dir"
  echo bench > "$BENCH_DIR/pwfile"
  chown postgres "$BENCH_DIR/pwfile"
  as_postgres "$PG_BIN/initdb" -D "$dir" -U postgres --pwfile="$BENCH_DIR/pwfile" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$dir" -l "$dir.log" -w -o "-p $2 -k $BENCH_DIR \
    -c listen_addresses=127.0.0.1 -c max_wal_size=8GB -c checkpoint_timeout=30min \
    -c maintenance_work_mem=256MB -c max_connections=60" start >/dev/null
}

stop_servers() {
  [ "${KEEP:-0}" = 1 ] && return
  for s in source destination; do
    as_postgres "$PG_BIN/pg_ctl" -D "$BENCH_DIR/$s" stop -m fast >/dev/null 2>&1 || true
  done
  rm -rf "$BENCH_DIR"
}
trap stop_servers EXIT

log "starting two PostgreSQL 15 servers under $BENCH_DIR"
server source $SRC_PORT
server destination $DST_PORT
psql "${SRC%/bench}/postgres" -qX -c "CREATE DATABASE bench"

log "creating the dataset: pgbench scale $SCALE, $SMALL_TABLES small tables, TOAST, large objects"
"$PG_BIN/pgbench" -q -i -s "$SCALE" "$SRC" 2>&1 | tail -1
psql "$SRC" -qX -v ON_ERROR_STOP=1 <<SQL
CREATE SCHEMA small;
DO \$\$ BEGIN
  FOR i IN 1..$SMALL_TABLES LOOP
    EXECUTE format('CREATE TABLE small.t%s (id serial PRIMARY KEY, v text, at timestamptz DEFAULT now())', i);
    EXECUTE format('INSERT INTO small.t%s (v) SELECT md5(g::text) FROM generate_series(1, 100) g', i);
  END LOOP;
END \$\$;
-- About 8 kB of barely compressible text per row: stored out of line, in TOAST.
CREATE TABLE wide (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, doc text);
INSERT INTO wide (doc) SELECT (SELECT string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 250) i)
  FROM generate_series(1, 20000) g;
CREATE TABLE scans (id int PRIMARY KEY, scan oid);
INSERT INTO scans SELECT g, lo_from_bytea(0, convert_to(repeat(md5(g::text), 30000), 'UTF8'))
  FROM generate_series(1, 100) g;
CREATE SEQUENCE invoice_numbers START 1000;
SELECT setval('invoice_numbers', 4242) \\g /dev/null
VACUUM ANALYZE;
SQL
size_bytes=$(psql "$SRC" -qtAX -c "SELECT pg_database_size('bench')")
size_mb=$((size_bytes / 1000000))
log "the source database is $size_mb MB"

fresh_destination() {
  psql "${DST%/bench}/postgres" -qX -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
  rm -rf "$BENCH_DIR/work"
  install -d -o postgres "$BENCH_DIR/work"
}

# Cheap proof that a method copied everything: row counts, a checksum of pgbench_accounts, the
# sequences and the large objects compared with the source.
FINGERPRINT="SELECT (SELECT count(*) FROM pgbench_accounts) || ' '
  || (SELECT md5(string_agg(aid || ':' || abalance, ',' ORDER BY aid)) FROM pgbench_accounts WHERE aid % 97 = 0) || ' '
  || (SELECT count(*) FROM wide) || ' ' || (SELECT sum(length(doc)) FROM wide) || ' '
  || (SELECT count(*) FROM pg_largeobject_metadata) || ' '
  || (SELECT last_value FROM invoice_numbers) || ' '
  || (SELECT count(*) FROM pg_indexes WHERE schemaname IN ('public', 'small')) || ' '
  || (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'small')"
expected=$(psql "$SRC" -qtAX -c "$FINGERPRINT")

NAMES=()
SECONDS_TAKEN=()
measure() { # measure NAME COMMAND...; ONLY=regex skips the others (the baseline always runs)
  local name=$1
  shift
  if [ ${#NAMES[@]} -gt 0 ] && [ -n "${ONLY:-}" ] && ! [[ $name =~ $ONLY ]]; then
    return
  fi
  local runs=() start end got
  for _ in $(seq "$REPEAT"); do
    fresh_destination
    log "$name"
    start=$(date +%s.%N)
    "$@" > "$BENCH_DIR/last.log" 2>&1 || { tail -20 "$BENCH_DIR/last.log"; die "$name failed"; }
    end=$(date +%s.%N)
    got=$(psql "$DST" -qtAX -c "$FINGERPRINT" 2>&1 || true)
    if [ "$name" != "raw COPY (no indexes)" ] && [ "$got" != "$expected" ]; then
      die "$name copied something else: expected '$expected', got '$got'"
    fi
    runs+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')")
  done
  NAMES+=("$name")
  # The median run: one slow or lucky run does not make the result.
  SECONDS_TAKEN+=("$(printf '%s\n' "${runs[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')")
}

dump_restore() { pg_dump -Fc "$SRC" | pg_restore --exit-on-error -d "$DST"; }
dir_parallel() {
  pg_dump -Fd -j "$JOBS" -f "$BENCH_DIR/work/dump" "$SRC"
  pg_restore --exit-on-error -j "$JOBS" -d "$DST" "$BENCH_DIR/work/dump"
}
pgcopydb_clone() {
  pgcopydb clone --source "$SRC" --target "$DST" --table-jobs "$JOBS" --index-jobs "$JOBS" \
    --dir "$BENCH_DIR/work/pgcopydb" --no-owner
}
ours() { # ours PODS STREAMS: the copy Job's pods (CopyMain job), run here side by side
  local i pids=()
  for ((i = 0; i < $1; i++)); do
    mkdir -p "$BENCH_DIR/work/pod$i"
    SOURCE_URL="postgres://postgres:bench@127.0.0.1:$SRC_PORT/bench" \
      DESTINATION_URL="postgres://postgres:bench@127.0.0.1:$DST_PORT/bench" \
      WORKERS=$2 JOBS=$JOBS WORK_DIR=$BENCH_DIR/work/pod$i JOB_COMPLETION_INDEX=$i WORKER_COUNT=$1 \
      java -cp "$ENGINE_CP" io.pgmigration.operator.copy.CopyMain job >"$BENCH_DIR/work/pod$i.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { tail -n 20 "$BENCH_DIR/work/pod$i.log" >&2; return 1; }
  done
}
raw_copy() {
  pg_dump -Fc --section=pre-data "$SRC" | pg_restore --exit-on-error --single-transaction -d "$DST"
  # The small tables through one pipe, every other table through a binary COPY pipe of its own,
  # largest first, JOBS at a time; no large objects, indexes or constraints.
  { echo small
    psql "$SRC" -qtAX -c "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
      WHERE schemaname = 'public' ORDER BY pg_relation_size(format('%I.%I', schemaname, tablename)::regclass) DESC"
  } | SRC=$SRC DST=$DST xargs -P "$JOBS" -I{} bash -o pipefail -c '
    if [ {} = small ]; then
      pg_dump --data-only --schema=small "$SRC" | psql -qX "$DST" >/dev/null
    else
      psql "$SRC" -qX -c "COPY {} TO STDOUT (FORMAT binary)" | psql "$DST" -qX -c "COPY {} FROM STDIN (FORMAT binary)" >/dev/null
    fi'
}

measure "pg_dump -Fc | pg_restore" dump_restore
measure "pg_dump -Fd -j $JOBS + pg_restore -j $JOBS" dir_parallel
measure "pgcopydb clone ($(pgcopydb --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1), $JOBS jobs)" pgcopydb_clone
measure "our engine, 1 stream" ours 1 1
measure "our engine, $JOBS streams" ours 1 "$JOBS"
measure "our engine, $JOBS pods (copy.workers) of 1 stream" ours "$JOBS" 1
measure "raw COPY (no indexes)" raw_copy

echo
echo "Source: $size_mb MB (pgbench scale $SCALE, $SMALL_TABLES small tables, TOAST, 100 large objects);"
echo "median of $REPEAT run(s) per method;"
echo "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, PostgreSQL $(psql "$SRC" -qtAX -c "SHOW server_version" | cut -d' ' -f1), both servers on this machine."
echo
echo "| method | seconds | MB/s | × pg_dump \| pg_restore |"
echo "|---|---:|---:|---:|"
base=${SECONDS_TAKEN[0]}
for i in "${!NAMES[@]}"; do
  s=${SECONDS_TAKEN[$i]}
  awk -v n="${NAMES[$i]//|/\\|}" -v s="$s" -v mb="$size_mb" -v base="$base" \
    'BEGIN {printf "| %s | %.1f | %.0f | %.2f |\n", n, s, mb / s, s / base}'
done
