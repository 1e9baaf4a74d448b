# The Streaming method's first step: the whole schema (pg_dump --schema-only: tables, indexes,
# constraints, functions, triggers, views) in one transaction, before the subscription copies the
# rows into it. Primary keys must be there first: the destination applies each replicated UPDATE
# and DELETE by looking its row up through them. Sequence values and materialized view contents
# are not schema; they are brought over at the switch-over. Subscriptions of the source are left
# out: one restored on the destination would start replicating from somewhere else.
set -euo pipefail
pg_dump --schema-only --no-owner --no-privileges --no-subscriptions --dbname="$SOURCE_URL" \
  | psql --dbname="$DESTINATION_URL" -qX -v ON_ERROR_STOP=1 --single-transaction -f - >/dev/null
echo "schema restored"
