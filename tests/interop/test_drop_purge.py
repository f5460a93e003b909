"""`floe table drop --purge` deletes exactly the files the table's metadata references: a table
nested below the purged one, the files beside a registered table and a user's own file in the
table's folder all survive. The expected file list comes from PyIceberg's view of the table
(inspect tables, snapshots, metadata log), taken before the drop."""
import json
import os
import pathlib

import pyarrow as pa

from conftest import Floe

BATCH_FILE_KEY = "floe.ingest.batch-file"


def local(location: str) -> str:
    return location.removeprefix("file://")


def files_below(folder: pathlib.Path) -> set:
    return {os.path.join(root, name) for root, _, names in os.walk(folder) for name in names}


def referenced_files(table) -> set:
    """Every file PyIceberg finds through the table's metadata: metadata files (current and log),
    manifest lists, manifests, data and delete files of every snapshot, statistics files, and the
    ingest batch records snapshot summaries name."""
    inspect = table.inspect
    files = {table.metadata_location}
    files |= set(inspect.metadata_log_entries()["file"].to_pylist())
    files |= set(inspect.snapshots()["manifest_list"].to_pylist())
    files |= set(inspect.all_manifests()["path"].to_pylist())
    files |= set(inspect.all_files()["file_path"].to_pylist())
    files |= {s.statistics_path for s in table.metadata.statistics}
    files |= {s.statistics_path for s in table.metadata.partition_statistics}
    files |= {s.summary[BATCH_FILE_KEY] for s in table.snapshots()
              if s.summary is not None and s.summary.get(BATCH_FILE_KEY)}
    return {local(f) for f in files}


def write_jsonl(path: pathlib.Path, rows) -> pathlib.Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def append(floe, table, tmp_path, rows):
    floe.run("append", table, write_jsonl(tmp_path / f"{table}-{len(rows)}-{rows[0]['id']}.jsonl",
                                          rows))


def ids(catalog, name):
    return sorted(catalog.load_table(name).scan().to_arrow()["id"].to_pylist())


def test_purging_a_table_keeps_the_table_nested_below_it(floe, pyiceberg_catalog, tmp_path):
    outer_location = tmp_path / "tables" / "outer"
    inner_location = outer_location / "inner"
    floe.run("namespace", "create", "a")
    floe.run("table", "create", "a.outer", "--schema", "id long, name string",
             "--partition-by", "bucket(4, id)", "--location", outer_location)
    floe.run("table", "create", "a.inner", "--schema", "id long", "--location", inner_location)
    append(floe, "a.outer", tmp_path, [{"id": i, "name": f"n{i}"} for i in range(20)])
    append(floe, "a.outer", tmp_path, [{"id": i, "name": f"n{i}"} for i in range(20, 30)])
    # An overwrite by another writer: outer's history now holds files no current snapshot lists.
    outer = pyiceberg_catalog.load_table("a.outer")
    outer.overwrite(pa.table({"id": pa.array([100, 101], pa.int64()),
                              "name": pa.array(["x", "y"], pa.string())}))
    append(floe, "a.inner", tmp_path, [{"id": i} for i in range(5)])
    append(floe, "a.inner", tmp_path, [{"id": i} for i in range(5, 8)])
    notes = outer_location / "notes.txt"
    notes.write_text("kept by its owner\n")

    outer = pyiceberg_catalog.load_table("a.outer")
    expected_gone = referenced_files(outer)
    inner_files = files_below(inner_location)
    assert len(outer.snapshots()) >= 3 and len(outer.metadata.metadata_log) >= 3
    assert all(os.path.exists(f) for f in expected_gone)
    assert not any(f.startswith(str(inner_location) + "/") for f in expected_gone)
    # Nothing of outer's is left unreferenced: the list covers every file outer wrote.
    assert files_below(outer_location) == expected_gone | inner_files | {str(notes)}

    floe.run("table", "drop", "a.outer", "--purge")

    assert not [f for f in expected_gone if os.path.exists(f)]
    assert files_below(outer_location) == inner_files | {str(notes)}
    assert ids(pyiceberg_catalog, "a.inner") == list(range(8))
    # Folders the purge emptied are gone; the ones still holding files stay.
    assert not (outer_location / "metadata").exists() and not (outer_location / "data").exists()
    assert [t[1] for t in pyiceberg_catalog.list_tables("a")] == ["inner"]


def test_purging_a_registered_table_deletes_only_its_files(floe, pyiceberg_catalog, tmp_path):
    # The table was written by another catalog into a shared folder that holds other files.
    shared = tmp_path / "shared"
    other_warehouse = tmp_path / "other-warehouse"
    other_warehouse.mkdir()
    other = Floe(other_warehouse)
    other.run("namespace", "create", "src")
    other.run("table", "create", "src.t", "--schema", "id long", "--location", shared)
    append(other, "src.t", tmp_path, [{"id": i} for i in range(10)])
    append(other, "src.t", tmp_path, [{"id": i} for i in range(10, 15)])
    unrelated = [shared / "data" / "00000-0-unrelated.parquet",
                 shared / "metadata" / "00009-unrelated.metadata.json",
                 shared / "exports" / "report.csv"]
    for f in unrelated:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("not the table's\n")
    metadata_location = other.json("table", "describe", "src.t")["metadata_location"]

    floe.run("namespace", "create", "a")
    floe.run("table", "register", "a.reg", metadata_location)
    expected_gone = referenced_files(pyiceberg_catalog.load_table("a.reg"))
    before = files_below(shared)
    assert expected_gone < before and all(str(f) in before for f in unrelated)

    floe.run("table", "drop", "a.reg", "--purge")

    assert files_below(shared) == {str(f) for f in unrelated}
    assert pyiceberg_catalog.list_tables("a") == []


def test_purging_keeps_a_users_file_in_the_table_folder(floe, pyiceberg_catalog, tmp_path):
    floe.run("namespace", "create", "a")
    floe.run("table", "create", "a.t", "--schema", "id long")
    append(floe, "a.t", tmp_path, [{"id": i} for i in range(4)])
    append(floe, "a.t", tmp_path, [{"id": i} for i in range(4, 6)])
    table = pyiceberg_catalog.load_table("a.t")
    location = pathlib.Path(local(table.location()))
    expected_gone = referenced_files(table)
    mine = [location / "data" / "keep-me.parquet", location / "README"]
    for f in mine:
        f.write_text("mine\n")

    floe.run("table", "drop", "a.t", "--purge")

    assert not [f for f in expected_gone if os.path.exists(f)]
    assert files_below(location) == {str(f) for f in mine}
    assert not (location / "metadata").exists()


def test_purging_an_ingested_table_deletes_its_batch_records(floe, pyiceberg_catalog, tmp_path):
    corpus = tmp_path / "corpus"
    floe.run("gen", corpus, "--seed", "5", "--apps", "2", "--records", "500", "--bad-rate", "0.05")
    floe.run("ingest", corpus, "--table", "logs.spark")
    data = pyiceberg_catalog.load_table("logs.spark")
    location = pathlib.Path(local(data.location()))
    batch_files = {local(s.summary[BATCH_FILE_KEY]) for s in data.snapshots()
                   if s.summary.get(BATCH_FILE_KEY)}
    assert batch_files and all(os.path.exists(f) for f in batch_files)
    expected_gone = referenced_files(data)
    assert files_below(location) == expected_gone
    rejects_before = len(pyiceberg_catalog.load_table("logs.spark_rejects").scan().to_arrow())

    floe.run("table", "drop", "logs.spark", "--purge")

    assert not [f for f in expected_gone if os.path.exists(f)]
    assert files_below(location) == set()
    # The ingest's other tables are not the purged table's business.
    assert len(pyiceberg_catalog.load_table("logs.spark_rejects").scan().to_arrow()) == rejects_before
    assert pyiceberg_catalog.load_table("logs.spark_processing_metadata").scan().to_arrow().num_rows > 0


def test_a_table_whose_files_cannot_all_be_listed_is_not_dropped(floe, pyiceberg_catalog, tmp_path):
    floe.run("namespace", "create", "a")
    floe.run("table", "create", "a.t", "--schema", "id long")
    append(floe, "a.t", tmp_path, [{"id": 1}])
    table = pyiceberg_catalog.load_table("a.t")
    manifest = local(table.inspect.all_manifests()["path"].to_pylist()[0])
    os.remove(manifest)

    proc = floe.run("table", "drop", "a.t", "--purge", check=False)

    assert proc.returncode == 1
    assert manifest in proc.stderr and "a.t" in proc.stderr
    assert [t[1] for t in pyiceberg_catalog.list_tables("a")] == ["t"]
    assert os.path.exists(local(table.metadata_location))
