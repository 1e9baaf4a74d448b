# The copy's first step: the schema without indexes and constraints (pg_dump's pre-data section,
# with the roles the copy creates first if asked, written by CopyPod to PGMO_SCHEMA_FILE in the
# order the rehearsal tried), restored in one transaction together with the copy's bookkeeping
# schema and its mark that this step is done. So a failure leaves nothing behind, and a pod that
# finds the mark knows the schema is complete. DESTINATION_URL comes from a Secret; nothing here
# prints it. The PGMO_ statements come from CopyContract.Bookkeeping.
set -euo pipefail
psql --dbname="$DESTINATION_URL" -qX -v ON_ERROR_STOP=1 --single-transaction \
  -f "$PGMO_SCHEMA_FILE" -c "$PGMO_CREATE_STEPS" >/dev/null
echo "schema (pre-data) restored"
