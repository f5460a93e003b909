#!/usr/bin/env bash
# The main job on the embedded default: a generated corpus of Spark application log folders
# (Fluent Bit JSON Lines, some gzip/zstd, some bad lines) is ingested into ./warehouse, then
# verified; a second run finds nothing new and commits nothing.
set -euo pipefail
floe="${1:?usage: demo.sh PATH_TO_FLOE}"
root="$(cd "$(dirname "$0")/.." && pwd)"
wh="${FLOE_DEMO_WAREHOUSE:-$root/warehouse}"
logs="$root/build/demo-logs"
export FLOE_WAREHOUSE="$wh"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

rm -rf "$logs"
"$floe" table drop spark.logs --purge >/dev/null 2>&1 || true
"$floe" table drop spark.logs_rejects --purge >/dev/null 2>&1 || true
"$floe" table drop spark.logs_processing_metadata --purge >/dev/null 2>&1 || true

step "$floe" gen "$logs" --seed 42 --apps 6 --records 5000 --bad-rate 0.01 \
  --gzip-share 0.3 --zstd-share 0.1 --decoys 2
step "$floe" ingest "$logs" --table spark.logs
step "$floe" report spark.logs --samples 3
step "$floe" status spark.logs
step "$floe" scan spark.logs_rejects --select folder,file,line,reason --limit 5
echo
echo "A second run: every file is already in the table, so nothing is read or committed."
step "$floe" ingest "$logs" --table spark.logs
step "$floe" scan spark.logs --select timestamp,log_level,message \
  --where "log_level = 'ERROR'" --limit 3
printf '\nWarehouse: %s\nOpen it with PyIceberg: SqlCatalog("default", uri="sqlite:///%s/catalog.db", warehouse="file://%s")\n' "$wh" "$wh" "$wh"
