"""A partitioned table floe writes (several appends, an overwrite) reads the same in floe,
PyIceberg and DuckDB, and PyIceberg prunes it by partition."""
import datetime as dt
import decimal
import json
import random

import pytest
from pyiceberg.transforms import BucketTransform
from pyiceberg.types import LongType

from metadata_tables_expect import assert_metadata_tables_agree
from scan_plan_expect import column_bounds, expected_plan, floe_scan_with_stats, partition_values
from servers.spark import as_multiset, spark_catalog, spark_multiset

SCHEMA = ("id long not null, ts timestamptz, level string, app string, amount double, "
          "day date, price decimal(10, 2)")
LEVELS = ["INFO", "WARN", "ERROR", "DEBUG"]
UTC = dt.timezone.utc


def make_rows(start, count, seed):
    rnd = random.Random(seed)
    rows = []
    for i in range(start, start + count):
        ts = dt.datetime(2025, 7, 1, tzinfo=UTC) + dt.timedelta(minutes=37 * i + rnd.randint(0, 30))
        rows.append({
            "id": i,
            "ts": ts,
            "level": rnd.choice(LEVELS),
            "app": None if i % 11 == 0 else f"app-{rnd.randint(0, 5)}",
            "amount": None if i % 7 == 0 else round(rnd.uniform(-100, 100), 3),
            "day": ts.date(),
            "price": decimal.Decimal(rnd.randint(0, 99999)) / 100,
        })
    return rows


def write_jsonl(path, rows):
    with open(path, "w") as out:
        for r in rows:
            out.write(json.dumps({
                **r,
                "ts": r["ts"].isoformat(),
                "day": r["day"].isoformat(),
                "price": str(r["price"]),
            }) + "\n")
    return path


def normalize(row):
    """One comparable form for rows from every reader."""
    out = dict(row)
    ts = out["ts"]
    if isinstance(ts, str):
        ts = dt.datetime.fromisoformat(ts)
    out["ts"] = ts.astimezone(UTC) if ts is not None else None
    if isinstance(out["day"], str):
        out["day"] = dt.date.fromisoformat(out["day"])
    if out["price"] is not None:
        out["price"] = decimal.Decimal(str(out["price"])).quantize(decimal.Decimal("0.01"))
    return out


def by_id(rows):
    return sorted((normalize(r) for r in rows), key=lambda r: r["id"])


@pytest.fixture
def events(floe, tmp_path):
    floe.run("namespace", "create", "logs")
    floe.run("table", "create", "logs.events", "--schema", SCHEMA,
             "--partition-by", "day(ts), bucket(4, id)")
    batches = [make_rows(0, 300, 1), make_rows(300, 200, 2), make_rows(500, 250, 3)]
    for n, batch in enumerate(batches):
        floe.run("append", "logs.events", write_jsonl(tmp_path / f"b{n}.jsonl", batch))
    return batches


def test_appends_read_identically_in_floe_pyiceberg_and_duckdb(floe, events, pyiceberg_catalog, duck):
    expected = by_id([r for batch in events for r in batch])
    table = pyiceberg_catalog.load_table("logs.events")
    assert len(table.snapshots()) == 3
    assert by_id(table.scan().to_arrow().to_pylist()) == expected
    assert by_id(floe.scan_rows("logs.events")) == expected
    rel = duck.execute(f"SELECT * FROM iceberg_scan('{table.metadata_location}')")
    cols = [d[0] for d in rel.description]
    assert by_id(dict(zip(cols, r)) for r in rel.fetchall()) == expected


def test_snapshot_summaries_count_what_was_added(floe, events, pyiceberg_catalog):
    table = pyiceberg_catalog.load_table("logs.events")
    summaries = [s.summary for s in table.snapshots()]
    assert [s.operation.value for s in summaries] == ["append"] * 3
    assert [int(s["added-records"]) for s in summaries] == [300, 200, 250]
    assert [int(s["total-records"]) for s in summaries] == [300, 500, 750]
    files = table.inspect.files().to_pylist()
    assert sum(f["record_count"] for f in files) == 750
    assert int(summaries[-1]["total-data-files"]) == len(files)


def test_pyiceberg_prunes_floe_partitions_and_metrics(floe, events, pyiceberg_catalog):
    table = pyiceberg_catalog.load_table("logs.events")
    all_files = list(table.scan().plan_files())
    one_day = list(table.scan(row_filter="ts >= '2025-07-03T00:00:00+00:00' and "
                                         "ts < '2025-07-04T00:00:00+00:00'").plan_files())
    assert 0 < len(one_day) < len(all_files)
    one_id = list(table.scan(row_filter="id == 42").plan_files())
    assert 0 < len(one_id) < len(one_day) or len(one_id) == 1
    # Every file kept really holds the row.
    rows = table.scan(row_filter="id == 42").to_arrow().to_pylist()
    assert [r["id"] for r in rows] == [42]


def test_floe_scan_prunes_manifests_and_files(floe, events, pyiceberg_catalog):
    """`floe scan --stats` skips exactly the manifests and files that the partition summaries,
    partition values and column bounds (read through PyIceberg) rule out, and returns the
    rows plain Python selects."""
    table = pyiceberg_catalog.load_table("logs.events")
    day_field, bucket_field = (f.name for f in table.spec().fields)
    rows = [r for b in events for r in b]

    day = (dt.date(2025, 7, 3) - dt.date(1970, 1, 1)).days
    got, stats = floe_scan_with_stats(
        floe, "logs.events", "--where", "ts >= '2025-07-03T00:00:00Z' AND ts < '2025-07-04T00:00:00Z'")
    want = expected_plan(table,
                         lambda s: s[day_field][0] <= day <= s[day_field][1],
                         lambda f: partition_values(table, f)[day_field] == day)
    assert stats == want
    assert want["manifests_skipped"] == 2 and want["files_skipped"] > 0  # 3 appends, 1 holds the day
    assert sorted(r["id"] for r in got) == sorted(
        r["id"] for r in rows if dt.datetime(2025, 7, 3, tzinfo=UTC) <= r["ts"]
        < dt.datetime(2025, 7, 4, tzinfo=UTC))
    assert want["files_total"] - want["files_skipped"] == len(list(table.scan(
        row_filter="ts >= '2025-07-03T00:00:00+00:00' and ts < '2025-07-04T00:00:00+00:00'"
    ).plan_files()))

    # One id: its bucket's files, and of those only the one whose id bounds hold it.
    bucket = BucketTransform(4).transform(LongType())(42)
    got, stats = floe_scan_with_stats(floe, "logs.events", "--where", "id = 42")
    want = expected_plan(
        table,
        lambda s: s[bucket_field][0] <= bucket <= s[bucket_field][1],
        lambda f: (partition_values(table, f)[bucket_field] == bucket
                   and column_bounds(table, f, "id")[0] <= 42 <= column_bounds(table, f, "id")[1]))
    assert stats == want
    assert want["files_total"] - want["files_skipped"] == 1
    assert [r["id"] for r in got] == [42]

    # A filter nothing can prune reads everything; one no row matches skips every manifest.
    _, stats = floe_scan_with_stats(floe, "logs.events", "--where", "id >= 0")
    assert stats["manifests_skipped"] == 0 and stats["files_skipped"] == 0
    assert stats["files_total"] == len(table.inspect.files())
    got, stats = floe_scan_with_stats(floe, "logs.events", "--where", "ts < '2025-06-01T00:00:00Z'")
    assert got == [] and stats == {"manifests_total": 3, "manifests_skipped": 3, "files_total": 0,
                                   "files_skipped": 0}


def test_floe_filters_projects_and_limits(floe, events):
    expected = [r for b in events for r in b if r["level"] == "ERROR" and r["amount"] is not None
                and r["amount"] > 10]
    got = floe.scan_rows("logs.events", "--where", "level = 'ERROR' AND amount > 10",
                         "--select", "id,level,amount")
    assert sorted(r["id"] for r in got) == sorted(r["id"] for r in expected)
    assert all(set(r) == {"id", "level", "amount"} for r in got)
    assert len(floe.scan_rows("logs.events", "--limit", "17")) == 17
    nulls = floe.scan_rows("logs.events", "--where", "app IS NULL", "--select", "id")
    assert sorted(r["id"] for r in nulls) == [r["id"] for b in events for r in b if r["app"] is None]


def test_time_travel_by_snapshot_and_time(floe, events, pyiceberg_catalog):
    snapshots = floe.json("table", "snapshots", "logs.events")
    assert len(snapshots) == 3
    first = snapshots[0]
    assert by_id(floe.scan_rows("logs.events", "--snapshot", first["snapshot_id"])) == by_id(events[0])
    millis = [round(dt.datetime.fromisoformat(s["committed_at"]).timestamp() * 1000)
              for s in snapshots]
    as_of = floe.scan_rows("logs.events", "--as-of", str(millis[1]))
    assert by_id(as_of) == by_id(events[0] + events[1])
    # Just before the second snapshot the first is current.
    before = floe.scan_rows("logs.events", "--as-of", str(millis[1] - 1))
    assert by_id(before) == by_id(events[0]) or millis[1] == millis[0]
    main = floe.scan_rows("logs.events", "--ref", "main")
    assert by_id(main) == by_id(events[0] + events[1] + events[2])
    # A tag and a branch PyIceberg sets read as their snapshots, the same rows PyIceberg reads.
    table = pyiceberg_catalog.load_table("logs.events")
    table.manage_snapshots().create_tag(first["snapshot_id"], "first").create_branch(
        snapshots[1]["snapshot_id"], "second").commit()
    tagged = floe.scan_rows("logs.events", "--ref", "first")
    assert by_id(tagged) == by_id(events[0])
    assert by_id(tagged) == by_id(table.scan(snapshot_id=first["snapshot_id"]).to_arrow().to_pylist())
    assert by_id(floe.scan_rows("logs.events", "--ref", "second")) == by_id(events[0] + events[1])
    proc = floe.run("scan", "logs.events", "--ref", "nope", check=False)
    assert proc.returncode == 1 and "nope" in proc.stderr


def test_metadata_tables_agree_with_pyiceberg(floe, events, pyiceberg_catalog, tmp_path):
    table = pyiceberg_catalog.load_table("logs.events")
    counts = assert_metadata_tables_agree(floe, "logs.events", table, tmp_path)
    assert counts == {"files": len(table.inspect.files()), "manifests": 3, "snapshots": 3}
    assert counts["files"] > 12
    assert sum(p["record_count"] for p in floe.json("table", "partitions", "logs.events")) == 750


def test_overwrite_by_filter_reads_identically(floe, events, tmp_path, pyiceberg_catalog, duck):
    # Replace every DEBUG row with a smaller set of new rows; partially matching files are
    # rewritten, fully matching ones dropped.
    replacement = [dict(r, level="DEBUG", amount=1.0) for r in make_rows(10_000, 40, 9)]
    floe.run("overwrite", "logs.events", write_jsonl(tmp_path / "new.jsonl", replacement),
             "--where", "level = 'DEBUG'")
    expected = by_id([r for b in events for r in b if r["level"] != "DEBUG"] + replacement)
    table = pyiceberg_catalog.load_table("logs.events")
    assert table.current_snapshot().summary.operation.value == "overwrite"
    assert by_id(table.scan().to_arrow().to_pylist()) == expected
    assert by_id(floe.scan_rows("logs.events")) == expected
    rel = duck.execute(f"SELECT * FROM iceberg_scan('{table.metadata_location}')")
    cols = [d[0] for d in rel.description]
    assert by_id(dict(zip(cols, r)) for r in rel.fetchall()) == expected
    summary = table.current_snapshot().summary
    assert int(summary["total-records"]) == len(expected)
    # The snapshot before the overwrite is still readable.
    before = floe.json("table", "snapshots", "logs.events")[-2]["snapshot_id"]
    assert len(floe.scan_rows("logs.events", "--snapshot", before, "--select", "id")) == 750


def test_spark_reads_the_partitioned_table_and_its_metadata(floe, events, warehouse, spark,
                                                            pyiceberg_catalog):
    cat = spark_catalog(spark, warehouse)
    rows = [r for batch in events for r in batch]
    columns = list(rows[0])
    assert spark_multiset(spark, f"{cat}.logs.events", columns) == as_multiset(rows, columns)
    assert spark_multiset(spark, f"{cat}.logs.events", columns, where="id = 42") == as_multiset(
        [r for r in rows if r["id"] == 42], columns)
    table = pyiceberg_catalog.load_table("logs.events")
    snapshots = spark.sql(f"SELECT snapshot_id, operation, summary FROM {cat}.logs.events.snapshots "
                          "ORDER BY committed_at").collect()
    assert [(s["snapshot_id"], s["operation"], s["summary"]["added-records"]) for s in snapshots] \
        == [(s.snapshot_id, s.summary.operation.value, s.summary["added-records"])
            for s in table.snapshots()]
    files = spark.sql(f"SELECT file_path, record_count FROM {cat}.logs.events.files").collect()
    assert sorted((f["file_path"], f["record_count"]) for f in files) == sorted(
        (f["file_path"], f["record_count"]) for f in table.inspect.files().to_pylist())
