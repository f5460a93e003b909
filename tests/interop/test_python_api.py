"""The `floe` Python package against real readers: what floe's Python API writes PyIceberg (and
DuckDB) read identically, what PyIceberg writes floe reads identically, Arrow data crosses
without copies, and floe's errors arrive as Python exceptions."""
import datetime as dt
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import floe

UTC = dt.timezone.utc


@pytest.fixture
def catalog(warehouse):
    return floe.load_catalog("default", warehouse=str(warehouse))


def events(n, start=0):
    ids = list(range(start, start + n))
    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "level": pa.array(["ERROR" if i % 7 == 0 else "INFO" for i in ids]),
        "ts": pa.array([dt.datetime(2024, 1, 1 + i % 5, 12, tzinfo=UTC) for i in ids],
                       pa.timestamp("us", tz="UTC")),
        "score": pa.array([i * 0.5 for i in ids], pa.float64()),
    })


SCHEMA = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("level", pa.string()),
                    pa.field("ts", pa.timestamp("us", tz="UTC")), pa.field("score", pa.float64())])


def sorted_rows(table, key="id"):
    return sorted(table.to_pylist(), key=lambda r: r[key])


def test_floe_writes_pyiceberg_and_duckdb_read_the_same(catalog, pyiceberg_catalog, duck):
    catalog.create_namespace("app")
    table = catalog.create_table("app.events", SCHEMA, partition_by="day(ts)")
    assert table.schema().field("id").metadata[b"PARQUET:field_id"] == b"1"
    first = table.append(events(500))
    second = table.append(pa.RecordBatchReader.from_batches(
        SCHEMA, events(300, start=500).cast(SCHEMA).to_batches(max_chunksize=64)))
    assert first.operation == "append" and second.parent_snapshot_id == first.snapshot_id
    assert table.append(events(0)) is None  # nothing to commit

    want = sorted_rows(events(800))
    theirs = pyiceberg_catalog.load_table("app.events")
    assert sorted_rows(theirs.scan().to_arrow()) == want
    assert [s.snapshot_id for s in theirs.snapshots()] == [first.snapshot_id,
                                                           second.snapshot_id]
    location = table.metadata_location
    rel = duck.execute(f"SELECT id, level, ts, score FROM iceberg_scan('{location}')")
    cols = [d[0] for d in rel.description]
    assert sorted((dict(zip(cols, r)) for r in rel.fetchall()), key=lambda r: r["id"]) == want
    assert sorted_rows(table.scan().to_arrow()) == want
    assert catalog.list_tables("app") == [("app", "events")]


def test_pyiceberg_writes_floe_reads_the_same(catalog, pyiceberg_catalog):
    pyiceberg_catalog.create_namespace("py")
    theirs = pyiceberg_catalog.create_table("py.t", schema=SCHEMA)
    theirs.append(events(200).cast(SCHEMA))
    theirs.append(events(100, start=200).cast(SCHEMA))
    ours = catalog.load_table("py.t")
    assert sorted_rows(ours.scan().to_arrow()) == sorted_rows(events(300))
    # Time travel to the first snapshot, a projection, a filter and a limit.
    first = theirs.snapshots()[0].snapshot_id
    assert ours.scan(snapshot_id=first).to_arrow().num_rows == 200
    got = ours.scan(row_filter="level = 'ERROR' and id < 100", selected_fields=("id",)).to_arrow()
    assert got.column_names == ["id"]
    assert sorted(got.column("id").to_pylist()) == [i for i in range(100) if i % 7 == 0]
    assert ours.scan(limit=10).to_arrow().num_rows == 10
    # The batch reader streams the same rows.
    reader = ours.scan().to_arrow_batch_reader()
    assert isinstance(reader, pa.RecordBatchReader)
    assert sum(b.num_rows for b in reader) == 300
    tasks = ours.scan().plan_files()
    assert sum(t.file.record_count for t in tasks) == 300
    assert all(t.delete_files == [] for t in tasks)


def test_scan_hands_over_the_buffers_without_a_copy(catalog):
    catalog.create_namespace("z")
    table = catalog.create_table("z.big", SCHEMA)
    table.append(events(200_000))
    scan = table.scan()
    capsule = scan._native.to_table_stream()  # the rows, read in C++
    before = pa.total_allocated_bytes()
    got = floe.table._reader(capsule).read_all()
    # floe and pyarrow share one libarrow and its memory pool: taking the rows over allocates
    # no data buffer (a few bookkeeping bytes at most), the buffers pyarrow holds are those the
    # C++ reader filled, counted once in the pool.
    assert got.num_rows == 200_000 and got.nbytes > 4_000_000
    assert pa.total_allocated_bytes() - before < got.nbytes / 100
    assert pa.total_allocated_bytes() >= got.nbytes


def test_errors_are_python_exceptions_with_floe_messages(catalog):
    with pytest.raises(floe.NoSuchTableError) as err:
        catalog.load_table("nope.missing")
    assert isinstance(err.value, KeyError) and "missing" in str(err.value)
    catalog.create_namespace("e")
    catalog.create_table("e.t", SCHEMA)
    with pytest.raises(floe.AlreadyExistsError):
        catalog.create_table("e.t", SCHEMA)
    with pytest.raises(floe.NamespaceNotEmptyError):
        catalog.drop_namespace("e")
    table = catalog.load_table("e.t")
    with pytest.raises(floe.InvalidError) as err:
        table.scan(row_filter="id = = 3")
    assert isinstance(err.value, ValueError)
    missing = "the appended data: required column 'id' is missing"
    with pytest.raises(floe.InvalidError, match=missing):
        table.append(pa.table({"nope": [1]}))
    # A stale overwrite under serializable isolation loses to the append it did not see.
    stale = catalog.load_table("e.t")
    table.append(events(10))
    with pytest.raises(floe.ValidationError):
        stale.overwrite(events(3), overwrite_filter="id < 5", isolation="serializable")


def test_overwrite_delete_and_evolution_read_alike_in_pyiceberg(catalog, pyiceberg_catalog):
    catalog.create_namespace("w")
    table = catalog.create_table("w.t", SCHEMA, properties={"format-version": "2"})
    table.append(events(100))
    table.overwrite(events(10, start=1000), overwrite_filter="id >= 50")
    kept = events(50).to_pylist() + events(10, start=1000).to_pylist()
    result = table.delete("level = 'ERROR'")
    assert result.rows_deleted == sum(r["level"] == "ERROR" for r in kept) > 0
    with table.update_schema() as update:
        update.add_column("host", pa.string(), doc="pod host")
        update.rename_column("score", "points")
    with table.update_spec() as spec:
        spec.add_field("bucket(4, id)")
    table.append(pa.table({"id": [5000], "level": ["INFO"], "host": ["h1"]}))
    assert "host" in table.schema().names and "bucket" in table.spec()

    want = [r for r in kept if r["level"] != "ERROR"]
    want = [{"id": r["id"], "level": r["level"], "ts": r["ts"], "points": r["score"],
             "host": None} for r in want]
    want.append({"id": 5000, "level": "INFO", "ts": None, "points": None, "host": "h1"})
    theirs = pyiceberg_catalog.load_table("w.t")
    assert sorted_rows(theirs.scan().to_arrow()) == sorted(want, key=lambda r: r["id"])
    assert sorted_rows(table.scan().to_arrow()) == sorted(want, key=lambda r: r["id"])
    # The metadata tables agree with PyIceberg's on the snapshots and live files.
    ours, mine = table.inspect.snapshots(), theirs.inspect.snapshots()
    assert ours.column("snapshot_id").to_pylist() == mine.column("snapshot_id").to_pylist()
    assert ours.column("operation").to_pylist() == mine.column("operation").to_pylist()
    assert sorted(table.inspect.files().column("file_path").to_pylist()) == \
        sorted(theirs.inspect.files().column("file_path").to_pylist())


def test_load_catalog_reads_pyiceberg_configuration(tmp_path, warehouse):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".pyiceberg.yaml").write_text(
        f"catalog:\n  lake:\n    type: sql\n    uri: sqlite:///{warehouse}/lake.db\n"
        f"    warehouse: file://{warehouse}\n")
    code = ("import floe; c = floe.load_catalog('lake'); c.create_namespace('n'); "
            "print(c.name, c.list_namespaces())")
    env = {**os.environ, "PYICEBERG_HOME": str(home)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout
    assert out.split() == ["lake", "[('n',)]"]
    from pyiceberg.catalog.sql import SqlCatalog
    theirs = SqlCatalog("lake", uri=f"sqlite:///{warehouse}/lake.db",
                        warehouse=f"file://{warehouse}")
    assert theirs.list_namespaces() == [("n",)]


def test_mismatched_pyarrow_is_refused_at_import(tmp_path):
    (tmp_path / "sitecustomize.py").write_text("import pyarrow\npyarrow.__version__ = '1.0.0'\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", "import floe"], env=env, capture_output=True,
                          text=True)
    assert proc.returncode == 1
    assert "ImportError: floe was built against pyarrow 26.0.1" in proc.stderr
    assert "pyarrow 1.0.0 is installed" in proc.stderr



def test_type_stubs_ship_with_the_package():
    import pathlib

    stubs = pathlib.Path(floe.__file__).parent / "_floe.pyi"
    assert "def load_catalog(" in stubs.read_text() and (stubs.parent / "py.typed").exists()
