# The Streaming method's destination after its initial copy, while the app still runs on the
# source: VACUUM ANALYZE sets every copied row's hint bits and the visibility map, and gives the
# planner its statistics. Without it the first reads after the copy write every page again, and
# the switch-over's verification, inside the app's downtime, would pay for them; the app's first
# queries on the destination would run without statistics.
set -euo pipefail
vacuumdb --analyze --jobs="${JOBS:-2}" --dbname="$PGMO_DESTINATION"
echo "destination vacuumed and analyzed"
