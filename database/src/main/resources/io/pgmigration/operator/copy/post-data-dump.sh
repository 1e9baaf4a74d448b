# pg_dump's post-data section of the source, taken while the schema restores and the rows copy, so
# that the post-data step (post-data.sh) finds it ready. Written under another name and renamed
# when complete: the post-data step takes the dump itself when it finds none.
set -euo pipefail
work=${WORK_DIR:-/work}
# shellcheck disable=SC2086 # the options are words
pg_dump --section=post-data --format=custom ${PGMO_DUMP_OPTIONS:-} \
  --dbname="$PGMO_SOURCE" --file="$work/post-data.dump.part"
mv "$work/post-data.dump.part" "$work/post-data.dump"
