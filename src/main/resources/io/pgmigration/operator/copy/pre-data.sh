# The copy's first step, in the destination's postgres image: the schema without indexes and
# constraints (pg_dump's pre-data section) in one transaction, so a failure leaves nothing behind.
# SOURCE_URL and DESTINATION_URL come from Secrets; nothing here prints them.
set -euo pipefail
pg_dump --section=pre-data --format=custom --no-owner --no-privileges --dbname="$SOURCE_URL" \
  | pg_restore --exit-on-error --single-transaction --no-owner --no-privileges \
      --dbname="$DESTINATION_URL"
echo "schema (pre-data) restored"
