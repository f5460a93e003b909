"""Branches, tags and the current snapshot, both ways: refs floe makes read the same in
PyIceberg and DuckDB, and refs PyIceberg makes read the same in floe, which keeps writing to
them."""
import json

import pyarrow as pa
import pytest

from servers.spark import spark_catalog


def _write_jsonl(path, ids):
    path.write_text("".join(json.dumps({"id": i, "tag": f"r{i}"}) + "\n" for i in ids))
    return path


def _ids(arrow_table):
    return sorted(arrow_table.column("id").to_pylist())


def _floe_ids(floe, name, *args):
    return sorted(r["id"] for r in floe.scan_rows(name, *args))


@pytest.fixture
def refs_table(floe, tmp_path):
    """main: 1,2 then 5,6; tag v1 at the first append; branch audit from it with 3,4."""
    floe.run("namespace", "create", "wap")
    floe.run("table", "create", "wap.t", "--schema", "id long not null, tag string")
    floe.run("append", "wap.t", _write_jsonl(tmp_path / "a.jsonl", [1, 2]))
    floe.run("table", "tag", "create", "wap.t", "v1", "--max-ref-age-ms", "86400000")
    floe.run("table", "branch", "create", "wap.t", "audit", "--min-snapshots-to-keep", "2",
             "--max-snapshot-age-ms", "3600000")
    floe.run("append", "wap.t", _write_jsonl(tmp_path / "b.jsonl", [3, 4]), "--branch", "audit")
    floe.run("append", "wap.t", _write_jsonl(tmp_path / "c.jsonl", [5, 6]))
    return "wap.t"


def test_refs_floe_makes_read_the_same_in_pyiceberg_and_duckdb(floe, refs_table,
                                                               pyiceberg_catalog, duck):
    table = pyiceberg_catalog.load_table(refs_table)
    refs = table.refs()
    assert set(refs) == {"main", "v1", "audit"}
    assert str(refs["v1"].snapshot_ref_type) == "tag"
    assert refs["v1"].max_ref_age_ms == 86400000
    assert str(refs["audit"].snapshot_ref_type) == "branch"
    assert refs["audit"].min_snapshots_to_keep == 2
    assert refs["audit"].max_snapshot_age_ms == 3600000
    expected = {"main": [1, 2, 5, 6], "v1": [1, 2], "audit": [1, 2, 3, 4]}
    for ref, ids in expected.items():
        snapshot = table.snapshot_by_name(ref)
        assert _ids(table.scan(snapshot_id=snapshot.snapshot_id).to_arrow()) == ids, ref
        assert _floe_ids(floe, refs_table, "--ref", ref) == ids, ref
        rows = duck.execute(
            f"SELECT id FROM iceberg_scan('{table.metadata_location}', "
            f"snapshot_from_id => {snapshot.snapshot_id})").fetchall()
        assert sorted(r[0] for r in rows) == ids, ref
    # The branch's snapshot descends from the tagged one; main's does too.
    audit = table.snapshot_by_name("audit")
    assert audit.parent_snapshot_id == refs["v1"].snapshot_id
    assert table.current_snapshot().parent_snapshot_id == refs["v1"].snapshot_id
    assert _ids(table.scan().to_arrow()) == [1, 2, 5, 6]


def test_rollback_cherry_pick_fast_forward_and_drop_as_pyiceberg_sees_them(
        floe, refs_table, pyiceberg_catalog):
    table = pyiceberg_catalog.load_table(refs_table)
    v1 = table.refs()["v1"].snapshot_id
    head = table.current_snapshot().snapshot_id
    audit = table.refs()["audit"].snapshot_id

    floe.run("table", "rollback", refs_table, "--snapshot", v1)
    table = pyiceberg_catalog.load_table(refs_table)
    assert table.current_snapshot().snapshot_id == v1
    assert _ids(table.scan().to_arrow()) == [1, 2]
    assert table.history()[-1].snapshot_id == v1

    # The audited append's parent is main's head again: main fast-forwards to it.
    picked = floe.json("table", "cherry-pick", refs_table, "--snapshot", audit)
    assert picked["current_snapshot_id"] == audit
    table = pyiceberg_catalog.load_table(refs_table)
    assert _ids(table.scan().to_arrow()) == [1, 2, 3, 4]

    # Main's old head is no ancestor any more: rollback refuses, set-current-snapshot does it.
    refused = floe.run("table", "rollback", refs_table, "--snapshot", head, check=False)
    assert refused.returncode == 1 and "not an ancestor" in refused.stderr
    floe.run("table", "set-current-snapshot", refs_table, "--snapshot", head)
    # Now cherry-pick the audited append onto it: a new snapshot with the same files.
    picked = floe.json("table", "cherry-pick", refs_table, "--snapshot", audit)
    table = pyiceberg_catalog.load_table(refs_table)
    current = table.current_snapshot()
    assert current.snapshot_id == picked["current_snapshot_id"] != audit
    assert current.summary["source-snapshot-id"] == str(audit)
    assert current.parent_snapshot_id == head
    assert _ids(table.scan().to_arrow()) == [1, 2, 3, 4, 5, 6]

    floe.run("table", "branch", "create", refs_table, "stage", "--snapshot", v1)
    floe.run("table", "fast-forward", refs_table, "stage", "--to", "main")
    table = pyiceberg_catalog.load_table(refs_table)
    assert table.refs()["stage"].snapshot_id == current.snapshot_id
    floe.run("table", "tag", "replace", refs_table, "v1", "--snapshot", head)
    floe.run("table", "branch", "drop", refs_table, "audit")
    table = pyiceberg_catalog.load_table(refs_table)
    assert set(table.refs()) == {"main", "v1", "stage"}
    assert table.refs()["v1"].snapshot_id == head
    assert table.snapshot_by_id(audit) is not None, "snapshots stay until they expire"
    dropped = floe.run("table", "branch", "drop", refs_table, "main", check=False)
    assert dropped.returncode == 1


def test_refs_pyiceberg_makes_read_the_same_in_floe_which_keeps_writing(
        floe, pyiceberg_catalog, tmp_path):
    pyiceberg_catalog.create_namespace("py")
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("tag", pa.string())])
    table = pyiceberg_catalog.create_table("py.t", schema=schema)
    table.append(pa.table({"id": [1, 2], "tag": ["r1", "r2"]}, schema=schema))
    first = table.current_snapshot().snapshot_id
    table.manage_snapshots().create_tag(first, "v1").create_branch(first, "dev").commit()
    table.append(pa.table({"id": [3], "tag": ["r3"]}, schema=schema), branch="dev")
    table.append(pa.table({"id": [4], "tag": ["r4"]}, schema=schema))

    assert _floe_ids(floe, "py.t") == [1, 2, 4]
    assert _floe_ids(floe, "py.t", "--ref", "v1") == [1, 2]
    assert _floe_ids(floe, "py.t", "--ref", "dev") == [1, 2, 3]
    # floe keeps writing to PyIceberg's branch, and PyIceberg reads it.
    floe.run("append", "py.t", _write_jsonl(tmp_path / "d.jsonl", [7]), "--branch", "dev")
    table = pyiceberg_catalog.load_table("py.t")
    dev = table.snapshot_by_name("dev")
    assert _ids(table.scan(snapshot_id=dev.snapshot_id).to_arrow()) == [1, 2, 3, 7]
    assert _ids(table.scan().to_arrow()) == [1, 2, 4], "main untouched"
    # PyIceberg rolls main back; floe sees it and appends on top of it.
    table.manage_snapshots().rollback_to_snapshot(first).commit()
    assert _floe_ids(floe, "py.t") == [1, 2]
    floe.run("append", "py.t", _write_jsonl(tmp_path / "e.jsonl", [8]))
    table = pyiceberg_catalog.load_table("py.t")
    assert _ids(table.scan().to_arrow()) == [1, 2, 8]
    assert table.current_snapshot().parent_snapshot_id == first


def test_spark_reads_the_refs_floe_makes(floe, refs_table, warehouse, spark, pyiceberg_catalog):
    cat = spark_catalog(spark, warehouse)
    t = f"{cat}.{refs_table}"
    spark.sql(f"REFRESH TABLE {t}")
    refs = {r["name"]: (r["type"], r["snapshot_id"], r["max_reference_age_in_ms"],
                        r["min_snapshots_to_keep"], r["max_snapshot_age_in_ms"])
            for r in spark.sql(f"SELECT * FROM {t}.refs").collect()}
    table = pyiceberg_catalog.load_table(refs_table)
    assert refs == {
        name: (str(ref.snapshot_ref_type).upper(), ref.snapshot_id, ref.max_ref_age_ms,
               ref.min_snapshots_to_keep, ref.max_snapshot_age_ms)
        for name, ref in table.refs().items()}
    expected = {"main": [1, 2, 5, 6], "v1": [1, 2], "audit": [1, 2, 3, 4]}
    for ref, ids in expected.items():
        got = spark.sql(f"SELECT id FROM {t} VERSION AS OF '{ref}'").collect()
        assert sorted(r["id"] for r in got) == ids, ref
    assert sorted(r["id"] for r in spark.sql(f"SELECT id FROM {t}.branch_audit").collect()) == [
        1, 2, 3, 4]
    assert sorted(r["id"] for r in spark.sql(f"SELECT id FROM {t}").collect()) == [1, 2, 5, 6]
