# The Streaming method's first step: the whole schema (pg_dump --schema-only: tables, indexes,
# constraints, functions, triggers, views) in one transaction, before the subscription copies the
# rows into it. Primary keys must be there first: the destination applies each replicated UPDATE
# and DELETE by looking its row up through them. Sequence values and materialized view contents
# are not schema; they are brought over at the switch-over. Subscriptions of the source are left
# out: one restored on the destination would start replicating from somewhere else. CopyPod
# writes the schema to PGMO_SCHEMA_FILE, after the roles the copy creates first if asked.
set -euo pipefail
psql --dbname="$PGMO_DESTINATION" -qX -v ON_ERROR_STOP=1 --single-transaction \
  -f "$PGMO_SCHEMA_FILE" >/dev/null
echo "schema restored"
