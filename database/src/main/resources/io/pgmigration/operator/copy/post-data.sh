# The copy's last step, after the data: indexes, constraints, triggers, rules and materialized
# view contents (pg_dump's post-data section), JOBS at a time. Indexes and constraints that the
# data copy already built, table by table while the rest was still copying, are listed in
# the bookkeeping schema and left out here. Then that schema is dropped. PGMO_SOURCE and
# PGMO_DESTINATION have no password (libpq reads it from PGPASSFILE); the PGMO_ statements come
# from CopyContract.Bookkeeping.
set -euo pipefail
work=${WORK_DIR:-/work}
# Taken while the schema restored and the rows copied (post-data-dump.sh), unless that failed.
if [ ! -s "$work/post-data.dump" ]; then
  # shellcheck disable=SC2086 # the options are words
  pg_dump --section=post-data --format=custom ${PGMO_DUMP_OPTIONS:-} \
    --dbname="$PGMO_SOURCE" --file="$work/post-data.dump"
fi
pg_restore --list "$work/post-data.dump" > "$work/post-data.list"
psql --dbname="$PGMO_DESTINATION" -qtAX -v ON_ERROR_STOP=1 -c \
  "$PGMO_BUILT_LIST" > "$work/built" 2>/dev/null || : > "$work/built"
# A list line is "<id>; <class> <oid> <TYPE> <schema> <tag…> <owner>"; an index's key is
# "INDEX <schema> <name>", a constraint's "CONSTRAINT <schema> <table> <name>".
awk 'FILENAME == ARGV[1] { built[$0] = 1; next }
     { line = $0; sub(/^[0-9]+; [0-9]+ [0-9]+ /, "", line); split(line, f, " ")
       if (!((f[1] " " f[2] " " f[3]) in built) && !((f[1] " " f[2] " " f[3] " " f[4]) in built)) print }' \
  "$work/built" "$work/post-data.list" > "$work/post-data.keep"
# shellcheck disable=SC2086 # the options are words
pg_restore --exit-on-error ${PGMO_DUMP_OPTIONS:-} --jobs="${JOBS:-2}" \
  --use-list="$work/post-data.keep" --dbname="$PGMO_DESTINATION" "$work/post-data.dump"
psql --dbname="$PGMO_DESTINATION" -qX -v ON_ERROR_STOP=1 -c "$PGMO_DROP_BOOKKEEPING"
echo "indexes and constraints (post-data) restored; $(wc -l < "$work/built") built during the copy"
