#!/usr/bin/env bash
# The embedded-default demo: a partitioned Iceberg table in ./warehouse (SQLite catalog), two
# appends, a scan with a filter, and time travel to the first snapshot.
set -euo pipefail
floe="${1:?usage: demo.sh PATH_TO_FLOE}"
root="$(cd "$(dirname "$0")/.." && pwd)"
wh="${FLOE_DEMO_WAREHOUSE:-$root/warehouse}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export FLOE_WAREHOUSE="$wh"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

# Two batches of Spark-like log events as JSON Lines.
python3 - "$work" <<'PY'
import json, random, sys, datetime as dt
random.seed(7)
levels = ["INFO"] * 8 + ["WARN", "ERROR"]
apps = [f"spark-{random.getrandbits(128):032x}" for _ in range(3)]
for batch, day in ((1, 1), (2, 2)):
    with open(f"{sys.argv[1]}/events-{batch}.jsonl", "w") as out:
        for i in range(5000):
            ts = dt.datetime(2025, 7, day, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=17 * i)
            out.write(json.dumps({
                "id": batch * 100000 + i,
                "ts": ts.isoformat(),
                "level": random.choice(levels),
                "app": random.choice(apps),
                "message": f"Finished task {i} in stage {i % 40}",
            }) + "\n")
PY

"$floe" table drop demo.events --purge >/dev/null 2>&1 || true
"$floe" namespace create demo >/dev/null 2>&1 || true
step "$floe" table create demo.events \
  --schema 'id long not null, ts timestamptz, level string, app string, message string' \
  --partition-by 'day(ts), bucket(4, app)'
step "$floe" append demo.events "$work/events-1.jsonl"
first=$("$floe" table snapshots demo.events --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["snapshot_id"])')
step "$floe" append demo.events "$work/events-2.jsonl"
step "$floe" table snapshots demo.events
step "$floe" table partitions demo.events
step "$floe" scan demo.events --select ts,level,message --where "level = 'ERROR' AND ts >= '2025-07-02T00:00:00Z'" --limit 5
step "$floe" scan demo.events --select level --format csv --snapshot "$first" --limit 3
printf '\nWarehouse: %s (open it with PyIceberg: SqlCatalog("default", uri="sqlite:///%s/catalog.db"))\n' "$wh" "$wh"
