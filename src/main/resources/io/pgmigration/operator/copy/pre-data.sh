# The copy's first step: the schema without indexes and constraints (pg_dump's pre-data section),
# restored in one transaction together with the copy's bookkeeping schema pgmo_copy and its mark
# that this step is done. So a failure leaves nothing behind, and a pod that finds the mark knows
# the schema is complete. SOURCE_URL and DESTINATION_URL come from Secrets; nothing here prints
# them.
set -euo pipefail
pg_dump --section=pre-data --no-owner --no-privileges --dbname="$SOURCE_URL" \
  | psql --dbname="$DESTINATION_URL" -qX -v ON_ERROR_STOP=1 --single-transaction -f - \
      -c "CREATE SCHEMA pgmo_copy" \
      -c "CREATE TABLE pgmo_copy.steps (step text PRIMARY KEY)" \
      -c "INSERT INTO pgmo_copy.steps VALUES ('schema')" >/dev/null
echo "schema (pre-data) restored"
