# The copy's first step: the schema without indexes and constraints (pg_dump's pre-data section),
# restored in one transaction together with the copy's bookkeeping schema and its mark
# that this step is done. So a failure leaves nothing behind, and a pod that finds the mark knows
# the schema is complete. SOURCE_URL and DESTINATION_URL come from Secrets; nothing here prints
# them. The PGMO_ statements come from CopyContract.Bookkeeping.
set -euo pipefail
pg_dump --section=pre-data --no-owner --no-privileges --dbname="$SOURCE_URL" \
  | psql --dbname="$DESTINATION_URL" -qX -v ON_ERROR_STOP=1 --single-transaction -f - \
      -c "$PGMO_CREATE_STEPS" >/dev/null
echo "schema (pre-data) restored"
