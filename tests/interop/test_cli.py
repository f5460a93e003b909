"""The CLI's catalog commands, exit codes and option placement."""
import json


def test_usage_errors_exit_2(floe):
    assert floe.run("frobnicate", check=False).returncode == 2
    assert floe.run("scan", check=False).returncode == 2
    floe.run("namespace", "create", "u")
    bad_schema = floe.run("table", "create", "u.t", "--schema", "id lonk", check=False)
    assert bad_schema.returncode == 2 and "lonk" in bad_schema.stderr


def test_failures_exit_1_with_one_line_naming_the_table(floe):
    proc = floe.run("scan", "nope.missing", check=False)
    assert proc.returncode == 1
    assert "nope" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_global_options_before_or_after_the_subcommand(floe):
    import subprocess
    before = subprocess.run([floe.bin, "--warehouse", str(floe.warehouse), "namespace", "create", "g"],
                            capture_output=True, text=True)
    assert before.returncode == 0, before.stderr
    assert "g" in floe.json("namespace", "list")


def test_namespace_and_table_lifecycle(floe, pyiceberg_catalog, tmp_path):
    floe.run("namespace", "create", "life", "--property", "owner=ops")
    assert floe.json("namespace", "list") == ["life"]
    assert floe.json("namespace", "properties", "life")["owner"] == "ops"
    floe.run("table", "create", "life.a", "--schema", "id long, ts timestamptz",
             "--partition-by", "hour(ts)", "--property", "write.parquet.compression-codec=snappy")
    assert floe.json("table", "list", "life") == ["life.a"]
    desc = floe.json("table", "describe", "life.a")
    assert desc["properties"]["write.parquet.compression-codec"] == "snappy"
    assert desc["partition_spec"][0]["transform"] == "hour"
    # PyIceberg sees the same table, spec and properties.
    table = pyiceberg_catalog.load_table("life.a")
    assert str(table.spec().fields[0].transform) == "hour"
    floe.run("table", "rename", "life.a", "life.b")
    assert floe.json("table", "list", "life") == ["life.b"]
    dropped_ns = floe.run("namespace", "drop", "life", check=False)
    assert dropped_ns.returncode == 1
    location = desc["location"]
    # Register the table again under another name from its metadata file.
    floe.run("table", "drop", "life.b")
    assert floe.json("table", "list", "life") == []
    floe.run("table", "register", "life.c", desc["metadata_location"])
    assert floe.json("table", "list", "life") == ["life.c"]
    floe.run("table", "drop", "life.c", "--purge")
    import pathlib
    assert not pathlib.Path(location.removeprefix("file://")).exists()
    floe.run("namespace", "drop", "life")
    assert floe.json("namespace", "list") == []


def test_floe_opens_tables_pyiceberg_creates(floe, pyiceberg_catalog):
    import pyarrow as pa
    pyiceberg_catalog.create_namespace("pyns")
    table = pyiceberg_catalog.create_table("pyns.t", schema=pa.schema([pa.field("x", pa.int32())]))
    table.append(pa.table({"x": pa.array([1, 2, 3], pa.int32())}))
    assert floe.json("table", "list", "pyns") == ["pyns.t"]
    assert sorted(r["x"] for r in floe.scan_rows("pyns.t")) == [1, 2, 3]


def test_alter_that_changes_nothing_commits_nothing(floe):
    floe.run("namespace", "create", "al")
    floe.run("table", "create", "al.t", "--schema", "id long not null, note string")
    before = floe.json("table", "describe", "al.t")["metadata_location"]
    same = floe.json("table", "alter", "al.t", "update-column", "note", "--optional")
    assert same["changed"] is False and same["metadata_location"] == before
    assert "changed nothing" in floe.run("table", "alter", "al.t", "update-column", "note",
                                         "--optional").stdout
    changed = floe.json("table", "alter", "al.t", "update-column", "note", "--doc", "free text")
    assert changed["changed"] is True and changed["metadata_location"] != before
    assert floe.json("table", "describe", "al.t")["metadata_location"] == changed["metadata_location"]
