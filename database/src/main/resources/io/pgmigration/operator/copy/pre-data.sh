# The copy's first step: the schema without indexes and constraints (pg_dump's pre-data section,
# with the roles the copy creates first if asked, written by CopyPod to PGMO_SCHEMA_FILE in the
# order the rehearsal tried), restored in one transaction together with the copy's bookkeeping
# schema and its mark that this step is done. So a failure leaves nothing behind, and a pod that
# finds the mark knows the schema is complete. PGMO_DESTINATION has no password: libpq reads it
# from PGPASSFILE, so no command line shows it (CopyPod sets both). The other PGMO_ statements come
# from CopyContract.Bookkeeping.
set -euo pipefail
psql --dbname="$PGMO_DESTINATION" -qX -v ON_ERROR_STOP=1 --single-transaction \
  -f "$PGMO_SCHEMA_FILE" -c "$PGMO_CREATE_STEPS" >/dev/null
echo "schema (pre-data) restored"
