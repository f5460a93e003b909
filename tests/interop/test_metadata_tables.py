"""Every metadata table floe lists agrees with PyIceberg's `table.inspect` (and the snapshots and
entries with DuckDB's iceberg_snapshots / iceberg_metadata) of the same table, for
a table with several snapshots, two partition specs (PyIceberg evolves the floe table), an
overwrite that leaves deleted entries, a tag and a branch; and the listings are the ones a user
expects from the rows that went in."""
import datetime as dt
import json

import pytest
from pyiceberg.transforms import BucketTransform

from metadata_tables_expect import TABLES, assert_metadata_tables_agree, floe_arrow

UTC = dt.timezone.utc
LEVELS = ["INFO", "WARN", "ERROR", "DEBUG"]


def rows(start, count):
    return [{"id": i,
             "ts": (dt.datetime(2025, 7, 1, tzinfo=UTC) + dt.timedelta(hours=7 * i)).isoformat(),
             "level": LEVELS[i % 4],
             "amount": None if i % 5 == 0 else i * 1.5}
            for i in range(start, start + count)]


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


@pytest.fixture
def evolved(floe, pyiceberg_catalog, tmp_path):
    """logs.events: two appends under day(ts), a spec adding bucket(4, id), an append under it,
    an overwrite of the DEBUG rows; a tag on the first snapshot and a branch on the second."""
    floe.run("namespace", "create", "logs")
    floe.run("table", "create", "logs.events", "--schema",
             "id long not null, ts timestamptz, level string, amount double",
             "--partition-by", "day(ts)")
    floe.run("append", "logs.events", write_jsonl(tmp_path / "a.jsonl", rows(0, 30)))
    floe.run("append", "logs.events", write_jsonl(tmp_path / "b.jsonl", rows(30, 30)))
    table = pyiceberg_catalog.load_table("logs.events")
    with table.update_spec() as update:
        update.add_field("id", BucketTransform(4), "id_bucket")
    floe.run("append", "logs.events", write_jsonl(tmp_path / "c.jsonl", rows(60, 30)))
    replacement = [dict(r, level="DEBUG", amount=0.5) for r in rows(1000, 6)]
    floe.run("overwrite", "logs.events", write_jsonl(tmp_path / "d.jsonl", replacement),
             "--where", "level = 'DEBUG'")
    table = pyiceberg_catalog.load_table("logs.events")
    first, second = table.snapshots()[0].snapshot_id, table.snapshots()[1].snapshot_id
    # Retention settings on both, so that refs has values in every column.
    table.manage_snapshots().create_tag(first, "first", max_ref_age_ms=86_400_000).create_branch(
        second, "second", max_ref_age_ms=3_600_000, max_snapshot_age_ms=60_000,
        min_snapshots_to_keep=2).commit()
    expected = [r for r in rows(0, 90) if r["level"] != "DEBUG"] + replacement
    return pyiceberg_catalog.load_table("logs.events"), expected


def test_every_metadata_table_agrees_with_pyiceberg(floe, evolved, tmp_path):
    table, _ = evolved
    assert len(table.specs()) == 2 and len(table.snapshots()) == 4
    snapshot_ids = [s.snapshot_id for s in table.snapshots()]
    counts = assert_metadata_tables_agree(floe, "logs.events", table, tmp_path, snapshot_ids)
    assert counts["snapshots"] == 4 and counts["files"] > 0


def test_listings_match_the_rows_that_went_in(floe, evolved, tmp_path):
    table, expected = evolved
    files = floe_arrow(floe, tmp_path, "logs.events", "files").to_pylist()
    assert sum(f["record_count"] for f in files) == len(expected)
    # Files of the first spec have no bucket; in files of the second, the smallest and the
    # largest id (values of rows of the file) fall in the file's bucket by PyIceberg's transform.
    bucket = BucketTransform(4).transform(table.schema().find_type("id"))
    assert {f["spec_id"] for f in files} == {0, 1}
    for f in files:
        low, high = (f["readable_metrics"]["id"][k] for k in ("lower_bound", "upper_bound"))
        if f["spec_id"] == 0:
            assert f["partition"]["id_bucket"] is None
        else:
            assert f["partition"]["id_bucket"] == bucket(low) == bucket(high)
    partitions = floe_arrow(floe, tmp_path, "logs.events", "partitions").to_pylist()
    by_day = {}
    for r in expected:
        day = dt.datetime.fromisoformat(r["ts"]).date()
        by_day[day] = by_day.get(day, 0) + 1
    got_by_day = {}
    for p in partitions:
        got_by_day[p["partition"]["ts_day"]] = got_by_day.get(p["partition"]["ts_day"], 0) + p["record_count"]
    assert got_by_day == by_day
    refs = {r["name"]: (r["type"], r["snapshot_id"])
            for r in floe_arrow(floe, tmp_path, "logs.events", "refs").to_pylist()}
    snapshots = [s.snapshot_id for s in table.snapshots()]
    assert refs == {"main": ("BRANCH", snapshots[-1]), "first": ("TAG", snapshots[0]),
                    "second": ("BRANCH", snapshots[1])}
    # The overwrite deleted the DEBUG files' entries: entries shows them with status 2.
    entries = floe_arrow(floe, tmp_path, "logs.events", "entries").to_pylist()
    deleted = [e for e in entries if e["status"] == 2]
    assert deleted and all(e["snapshot_id"] == snapshots[-1] for e in deleted)
    # Time travel: the first snapshot's files hold the first append's rows.
    first_files = floe_arrow(floe, tmp_path, "logs.events", "files", "--snapshot",
                             snapshots[0]).to_pylist()
    assert sum(f["record_count"] for f in first_files) == 30


def test_text_and_json_listings(floe, evolved):
    table, _ = evolved
    snapshots = floe.json("table", "snapshots", "logs.events")
    assert [s["snapshot_id"] for s in snapshots] == [s.snapshot_id for s in table.snapshots()]
    assert snapshots[0]["parent_id"] is None and snapshots[0]["operation"] == "append"
    assert snapshots[-1]["operation"] == "overwrite"
    assert snapshots[0]["summary"]["added-records"] == "30"
    history = floe.json("table", "history", "logs.events")
    assert all(h["is_current_ancestor"] for h in history)
    text = floe.run("table", "manifests", "logs.events").stdout
    assert text.splitlines()[0].split()[:3] == ["content", "path", "length"]
    assert text.rstrip().endswith(f"({len(table.inspect.manifests())} rows)")
    # Every table prints, in text and JSON.
    for name in TABLES:
        assert floe.run("table", name, "logs.events").returncode == 0
        assert isinstance(floe.json("table", name, "logs.events"), list)


def test_snapshot_errors(floe, evolved):
    proc = floe.run("table", "files", "logs.events", "--snapshot", "12345", check=False)
    assert proc.returncode == 1 and "12345" in proc.stderr
    proc = floe.run("table", "history", "logs.events", "--snapshot", "1", check=False)
    assert proc.returncode == 2
    proc = floe.run("table", "files", "logs.events", "--format", "arrow", check=False)
    assert proc.returncode == 2 and "--output" in proc.stderr


def test_history_after_a_rollback_and_a_fork(floe, evolved, pyiceberg_catalog, tmp_path):
    """PyIceberg rolls main back to the second snapshot and floe appends on it: the third and
    fourth snapshots stay in the log but are no longer ancestors of the current one."""
    table, _ = evolved
    snapshots = [s.snapshot_id for s in table.snapshots()]
    table.manage_snapshots().rollback_to_snapshot(snapshots[1]).commit()
    floe.run("append", "logs.events", write_jsonl(tmp_path / "e.jsonl", rows(2000, 5)))
    table = pyiceberg_catalog.load_table("logs.events")
    history = floe_arrow(floe, tmp_path, "logs.events", "history").to_pylist()
    current = table.current_snapshot().snapshot_id
    ancestors = {snapshots[0], snapshots[1], current}
    assert [h["is_current_ancestor"] for h in history] == [
        h["snapshot_id"] in ancestors for h in history]
    assert not all(h["is_current_ancestor"] for h in history)
    assert_metadata_tables_agree(floe, "logs.events", table, tmp_path, [current])


def test_an_unpartitioned_table_agrees_too(floe, pyiceberg_catalog, tmp_path):
    """No partition columns in partitions, an empty partition struct in files and entries."""
    floe.run("namespace", "create", "plain")
    floe.run("table", "create", "plain.t", "--schema", "id long not null, level string")
    floe.run("append", "plain.t", write_jsonl(tmp_path / "a.jsonl",
                                              [{"id": i, "level": LEVELS[i % 4]} for i in range(9)]))
    floe.run("append", "plain.t", write_jsonl(tmp_path / "b.jsonl", [{"id": 9, "level": None}]))
    table = pyiceberg_catalog.load_table("plain.t")
    assert_metadata_tables_agree(floe, "plain.t", table, tmp_path,
                                 [s.snapshot_id for s in table.snapshots()])
    partitions = floe_arrow(floe, tmp_path, "plain.t", "partitions")
    assert "partition" not in partitions.schema.names
    assert partitions.to_pylist()[0]["record_count"] == 10


def test_duckdb_sees_the_same_snapshots_and_entries(floe, evolved, duck, tmp_path):
    """DuckDB's iceberg_snapshots and iceberg_metadata of the same metadata file."""
    table, _ = evolved
    location = table.metadata_location
    snapshots = floe_arrow(floe, tmp_path, "logs.events", "snapshots").to_pylist()
    got = duck.execute(f"SELECT snapshot_id, timestamp_ms, manifest_list "
                       f"FROM iceberg_snapshots('{location}')").fetchall()
    # DuckDB's times are naive UTC.
    assert sorted((s, t.replace(tzinfo=UTC), m) for s, t, m in got) == sorted(
        (s["snapshot_id"], s["committed_at"], s["manifest_list"]) for s in snapshots)
    entries = floe_arrow(floe, tmp_path, "logs.events", "entries").to_pylist()
    status = {0: "EXISTING", 1: "ADDED", 2: "DELETED"}
    duck_entries = duck.execute(f"SELECT status, file_path, file_format, record_count "
                                f"FROM iceberg_metadata('{location}')").fetchall()
    assert sorted(duck_entries) == sorted(
        (status[e["status"]], e["data_file"]["file_path"], e["data_file"]["file_format"],
         e["data_file"]["record_count"]) for e in entries)


def test_a_commit_to_a_branch(floe, evolved, pyiceberg_catalog, tmp_path):
    """floe appends to the branch on the second snapshot: main's history does not list the new
    snapshot, refs moves the branch, and the branch head's files are the second snapshot's
    plus the new one."""
    table, _ = evolved
    floe.run("append", "logs.events", write_jsonl(tmp_path / "f.jsonl", rows(3000, 5)),
             "--branch", "second")
    table = pyiceberg_catalog.load_table("logs.events")
    head = table.metadata.refs["second"].snapshot_id
    assert head not in {s.snapshot_id for s in table.snapshots()[:4]}
    history = floe_arrow(floe, tmp_path, "logs.events", "history").to_pylist()
    assert head not in {h["snapshot_id"] for h in history}
    refs = {r["name"]: r["snapshot_id"]
            for r in floe_arrow(floe, tmp_path, "logs.events", "refs").to_pylist()}
    assert refs["second"] == head
    files = floe_arrow(floe, tmp_path, "logs.events", "files", "--snapshot", head).to_pylist()
    assert sum(f["record_count"] for f in files) == 65
    # --ref names the same snapshot; the tag reads the first snapshot's files.
    assert floe_arrow(floe, tmp_path, "logs.events", "files", "--ref", "second").to_pylist() == files
    tagged = floe_arrow(floe, tmp_path, "logs.events", "partitions", "--ref", "first")
    assert tagged.to_pylist() == floe_arrow(floe, tmp_path, "logs.events", "partitions",
                                            "--snapshot", table.snapshots()[0].snapshot_id).to_pylist()
    proc = floe.run("table", "files", "logs.events", "--ref", "nope", check=False)
    assert proc.returncode == 1 and "nope" in proc.stderr
    assert_metadata_tables_agree(floe, "logs.events", table, tmp_path, [head])
