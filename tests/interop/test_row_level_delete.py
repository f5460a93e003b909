"""floe delete: copy-on-write and merge-on-read deletes, metadata-only deletes of whole
partitions, and concurrent appends under both isolation levels. PyIceberg and DuckDB must read
exactly the rows an independent Python expectation keeps."""
import json
import os
import pathlib
import subprocess
import time

import pytest

REGIONS = ["eu", "us", "ap"]


def make_rows(start, n):
    return [{"id": i, "region": REGIONS[i % 3], "score": (i * 7) % 20,
             "note": None if i % 5 == 0 else f"n{i}"} for i in range(start, start + n)]


def write_jsonl(path: pathlib.Path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def create(floe, tmp_path, name, partitioned, mode, batches=3, per_batch=40, extra=()):
    ns = name.split(".")[0]
    floe.run("namespace", "create", ns, check=False)
    args = ["table", "create", name, "--schema",
            "id long not null, region string, score int, note string",
            "--property", f"write.delete.mode={mode}", *extra]
    if partitioned:
        args += ["--partition-by", "identity(region)"]
    floe.run(*args)
    rows = []
    for b in range(batches):
        batch = make_rows(b * per_batch, per_batch)
        floe.run("append", name, write_jsonl(tmp_path / f"{name}-{b}.jsonl", batch))
        rows += batch
    return rows


def key(r):
    return (r["id"], r["region"], r["score"], r["note"])


def pyiceberg_rows(catalog, name):
    return sorted(key(r) for r in catalog.load_table(name).scan().to_arrow().to_pylist())


def duckdb_rows(duck, catalog, name):
    location = catalog.load_table(name).metadata_location
    got = duck.execute(
        f"SELECT id, region, score, note FROM iceberg_scan('{location}')").fetchall()
    return sorted(tuple(r) for r in got)


def check_readers(floe, catalog, duck, name, expected):
    want = sorted(key(r) for r in expected)
    assert pyiceberg_rows(catalog, name) == want
    assert duckdb_rows(duck, catalog, name) == want
    assert sorted(key(r) for r in floe.scan_rows(name)) == want


def current_summary(catalog, name):
    return catalog.load_table(name).current_snapshot().summary


@pytest.mark.parametrize("partitioned", [True, False], ids=["partitioned", "unpartitioned"])
def test_copy_on_write_delete_rewrites_files(floe, tmp_path, pyiceberg_catalog, duck, partitioned):
    rows = create(floe, tmp_path, "cow.t", partitioned, "copy-on-write")
    out = floe.json("delete", "cow.t", "--where", "score > 12 and id < 100")
    expected = [r for r in rows if not (r["score"] > 12 and r["id"] < 100)]
    assert out["rows_deleted"] == len(rows) - len(expected)
    assert out["mode"] == "copy-on-write"
    assert out["data_files_rewritten"] > 0 and out["delete_files_added"] == 0
    summary = current_summary(pyiceberg_catalog, "cow.t")
    assert summary.operation.value == "overwrite"
    assert summary["total-delete-files"] == "0"
    assert int(summary["total-records"]) == len(expected)
    check_readers(floe, pyiceberg_catalog, duck, "cow.t", expected)


@pytest.mark.parametrize("partitioned", [True, False], ids=["partitioned", "unpartitioned"])
def test_merge_on_read_delete_writes_position_deletes(floe, tmp_path, pyiceberg_catalog, duck,
                                                      partitioned):
    rows = create(floe, tmp_path, "mor.t", partitioned, "merge-on-read")
    out = floe.json("delete", "mor.t", "--where", "score > 12")
    expected = [r for r in rows if not r["score"] > 12]
    assert out["rows_deleted"] == len(rows) - len(expected)
    assert out["mode"] == "merge-on-read"
    assert out["data_files_rewritten"] == 0 and out["delete_files_added"] > 0
    summary = current_summary(pyiceberg_catalog, "mor.t")
    assert summary.operation.value == "delete"
    assert int(summary["added-position-deletes"]) == len(rows) - len(expected)
    assert summary["total-position-deletes"] == summary["added-position-deletes"]
    assert int(summary["added-position-delete-files"]) == out["delete_files_added"]
    # One position delete file per partition of the data files it deletes from.
    assert out["delete_files_added"] == (3 if partitioned else 1)
    check_readers(floe, pyiceberg_catalog, duck, "mor.t", expected)

    # A second delete on top of the first: existing deletes stay applied.
    out = floe.json("delete", "mor.t", "--where", "note is null")
    expected2 = [r for r in expected if r["note"] is not None]
    assert out["rows_deleted"] == len(expected) - len(expected2)
    check_readers(floe, pyiceberg_catalog, duck, "mor.t", expected2)
    total = int(current_summary(pyiceberg_catalog, "mor.t")["total-position-deletes"])
    assert total == len(rows) - len(expected2)

    # Copy-on-write over merge-on-read deletes: rewritten files keep the earlier deletes.
    floe.run("table", "properties", "mor.t", "--set", "write.delete.mode=copy-on-write")
    out = floe.json("delete", "mor.t", "--where", "id >= 60 and id < 70")
    expected3 = [r for r in expected2 if not (60 <= r["id"] < 70)]
    assert out["rows_deleted"] == len(expected2) - len(expected3)
    check_readers(floe, pyiceberg_catalog, duck, "mor.t", expected3)


@pytest.mark.parametrize("mode", ["copy-on-write", "merge-on-read"])
def test_deleting_whole_partitions_is_metadata_only(floe, tmp_path, warehouse, pyiceberg_catalog,
                                                    duck, mode):
    rows = create(floe, tmp_path, "meta.t", True, mode)
    parquet_before = sorted(warehouse.rglob("*.parquet"))
    out = floe.json("delete", "meta.t", "--where", "region = 'eu' or region = 'ap'")
    expected = [r for r in rows if r["region"] == "us"]
    assert out["rows_deleted"] == len(rows) - len(expected)
    assert out["data_files_removed"] == 6  # 3 appends x 2 partitions
    assert out["data_files_rewritten"] == 0 and out["delete_files_added"] == 0
    assert sorted(warehouse.rglob("*.parquet")) == parquet_before, "no data file written"
    summary = current_summary(pyiceberg_catalog, "meta.t")
    assert summary.operation.value == "delete"
    assert summary["deleted-data-files"] == "6"
    check_readers(floe, pyiceberg_catalog, duck, "meta.t", expected)


@pytest.mark.parametrize("mode", ["copy-on-write", "merge-on-read"])
def test_delete_proven_by_column_metrics_reads_no_data_file(floe, tmp_path, warehouse, spark,
                                                           pyiceberg_catalog, duck, mode):
    """Unpartitioned appends of disjoint id ranges: a delete covering one append's range drops
    its file on its column bounds alone — the file is removed from storage first, so reading it
    would fail — and writes nothing; a file the filter covers in part is still handled by the
    mode. Spark, PyIceberg, DuckDB and floe read what the expectation keeps."""
    from servers.spark import as_multiset, spark_catalog, spark_multiset

    floe.run("namespace", "create", "strict", check=False)
    floe.run("table", "create", "strict.t", "--schema",
             "id long not null, region string, score int, note string",
             "--property", f"write.delete.mode={mode}")
    rows, files = [], []
    for b in range(3):
        before = set(warehouse.rglob("*.parquet"))
        batch = make_rows(b * 40, 40)
        floe.run("append", "strict.t", write_jsonl(tmp_path / f"strict-{b}.jsonl", batch))
        files.append(set(warehouse.rglob("*.parquet")) - before)
        rows += batch
    assert [len(f) for f in files] == [1, 1, 1]
    (middle,) = files[1]
    middle.unlink()

    out = floe.json("delete", "strict.t", "--where", "id >= 40 and id < 80")
    expected = [r for r in rows if not 40 <= r["id"] < 80]
    assert out["rows_deleted"] == 40
    assert out["data_files_removed"] == 1
    assert out["data_files_rewritten"] == 0 and out["delete_files_added"] == 0
    summary = current_summary(pyiceberg_catalog, "strict.t")
    assert summary.operation.value == "delete"
    assert summary["deleted-data-files"] == "1"
    check_readers(floe, pyiceberg_catalog, duck, "strict.t", expected)

    # Rows 0..39 and 80..119 are whole files; ids 30..89 cover only part of each.
    parquet_before = set(warehouse.rglob("*.parquet"))
    out = floe.json("delete", "strict.t", "--where", "id >= 30 and id < 90")
    expected = [r for r in expected if not 30 <= r["id"] < 90]
    assert out["rows_deleted"] == 20 and out["data_files_removed"] == 0
    assert set(warehouse.rglob("*.parquet")) != parquet_before
    check_readers(floe, pyiceberg_catalog, duck, "strict.t", expected)
    columns = ["id", "region", "score", "note"]
    cat = spark_catalog(spark, warehouse)
    assert spark_multiset(spark, f"{cat}.strict.t", columns) == as_multiset(expected, columns)


def test_no_matching_row_commits_nothing(floe, tmp_path, pyiceberg_catalog):
    create(floe, tmp_path, "none.t", True, "merge-on-read", batches=1)
    before = len(pyiceberg_catalog.load_table("none.t").snapshots())
    out = floe.json("delete", "none.t", "--where", "id > 100000")
    assert out["rows_deleted"] == 0 and out["snapshot_id"] is None
    assert len(pyiceberg_catalog.load_table("none.t").snapshots()) == before


def test_bad_input_is_refused_and_loses_nothing(floe, tmp_path, pyiceberg_catalog):
    rows = create(floe, tmp_path, "bad.t", False, "copy-on-write", batches=1)
    for where, words in [("nope = 1", "nope"), ("id >", "")]:
        proc = floe.run("delete", "bad.t", "--where", where, check=False)
        assert proc.returncode != 0
        assert words in proc.stderr
    floe.run("table", "properties", "bad.t", "--set", "write.delete.mode=sometimes")
    proc = floe.run("delete", "bad.t", "--where", "id = 1", check=False)
    assert proc.returncode != 0 and "write.delete.mode" in proc.stderr
    assert len(pyiceberg_catalog.load_table("bad.t").scan().to_arrow()) == len(rows)


def _delete_racing_an_append(floe, tmp_path, name, where, append_rows):
    """Starts `floe delete`, holds it after planning, lands an append, then lets it commit."""
    go = tmp_path / "go"
    env = {**os.environ, "FLOE_PAUSEPOINT": f"before-delete-commit:{go}"}
    cmd = [floe.bin, "delete", name, "--where", where, "--json", "--warehouse", str(floe.warehouse)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    waiting = pathlib.Path(str(go) + ".waiting")
    deadline = time.time() + 120
    while not waiting.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline, "floe delete never reached its commit"
        time.sleep(0.05)
    floe.run("append", name, write_jsonl(tmp_path / "racing.jsonl", append_rows))
    go.write_text("")
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


@pytest.mark.parametrize("mode", ["copy-on-write", "merge-on-read"])
def test_concurrent_append_into_the_deleted_partition(floe, tmp_path, pyiceberg_catalog, duck, mode):
    # serializable (the default): the append could hold rows the delete should have seen.
    rows = create(floe, tmp_path, "iso.s", True, mode, batches=2)
    racing = [{"id": 1000 + i, "region": "eu", "score": 19, "note": "late"} for i in range(5)]
    code, out, err = _delete_racing_an_append(floe, tmp_path, "iso.s", "region = 'eu' and score > 10",
                                              racing)
    assert code != 0, out
    assert "validation" in err.lower() or "serializable" in err, err
    assert "serializable" in err
    check_readers(floe, pyiceberg_catalog, duck, "iso.s", rows + racing)

    # snapshot isolation: the append commits, the delete too, and the new rows stay.
    rows = create(floe, tmp_path, "iso.n", True, mode, batches=2,
                  extra=["--property", "write.delete.isolation-level=snapshot"])
    code, out, err = _delete_racing_an_append(floe, tmp_path, "iso.n", "region = 'eu' and score > 10",
                                              racing)
    assert code == 0, err
    expected = [r for r in rows if not (r["region"] == "eu" and r["score"] > 10)] + racing
    check_readers(floe, pyiceberg_catalog, duck, "iso.n", expected)


def test_concurrent_append_elsewhere_is_fine_under_serializable(floe, tmp_path, pyiceberg_catalog,
                                                                duck):
    rows = create(floe, tmp_path, "iso.e", True, "merge-on-read", batches=2)
    racing = [{"id": 2000 + i, "region": "us", "score": 19, "note": "late"} for i in range(5)]
    code, out, err = _delete_racing_an_append(floe, tmp_path, "iso.e", "region = 'eu'", racing)
    assert code == 0, err
    expected = [r for r in rows if r["region"] != "eu"] + racing
    check_readers(floe, pyiceberg_catalog, duck, "iso.e", expected)


@pytest.mark.parametrize("mode", ["copy-on-write", "merge-on-read"])
def test_spark_reads_floe_deletes_like_pyiceberg(floe, tmp_path, warehouse, spark,
                                                 pyiceberg_catalog, mode):
    from servers.spark import as_multiset, spark_catalog, spark_multiset

    rows = create(floe, tmp_path, "sp.t", True, mode, batches=2)
    floe.run("delete", "sp.t", "--where", "score > 12 or region = 'ap'")
    expected = [r for r in rows if not (r["score"] > 12 or r["region"] == "ap")]
    columns = ["id", "region", "score", "note"]
    cat = spark_catalog(spark, warehouse)
    assert spark_multiset(spark, f"{cat}.sp.t", columns) == as_multiset(expected, columns)
    got = pyiceberg_catalog.load_table("sp.t").scan().to_arrow().to_pylist()
    assert as_multiset(got, columns) == as_multiset(expected, columns)


@pytest.mark.parametrize("partitioned", [True, False], ids=["partitioned", "unpartitioned"])
def test_merge_on_read_on_v3_writes_deletion_vectors(floe, tmp_path, warehouse, spark, duck,
                                                     pyiceberg_catalog, partitioned):
    """Format v3 takes deletion vectors, never position delete files: one vector per data file,
    and a later delete of the same file replaces its vector with one holding both."""
    from servers.spark import as_multiset, spark_catalog, spark_multiset

    rows = create(floe, tmp_path, "dv.t", partitioned, "merge-on-read",
                  extra=["--format-version", "3"])
    columns = ["id", "region", "score", "note"]
    cat = spark_catalog(spark, warehouse)

    def delete_files():
        spark.sql(f"REFRESH TABLE {cat}.dv.t")
        return spark.sql(f"SELECT file_format, referenced_data_file, record_count "
                         f"FROM {cat}.dv.t.delete_files").collect()

    def check(expected):
        assert sorted(key(r) for r in floe.scan_rows("dv.t")) == sorted(key(r) for r in expected)
        assert spark_multiset(spark, f"{cat}.dv.t", columns) == as_multiset(expected, columns)
        assert duckdb_rows(duck, pyiceberg_catalog, "dv.t") == sorted(key(r) for r in expected)

    out = floe.json("delete", "dv.t", "--where", "score > 12")
    expected = [r for r in rows if not r["score"] > 12]
    assert out["rows_deleted"] == len(rows) - len(expected)
    files = delete_files()
    assert files and {f["file_format"] for f in files} == {"PUFFIN"}
    referenced = [f["referenced_data_file"] for f in files]
    assert len(referenced) == len(set(referenced))  # one vector per data file
    assert sum(f["record_count"] for f in files) == len(rows) - len(expected)
    summary = current_summary(pyiceberg_catalog, "dv.t")
    assert int(summary["added-dvs"]) == len(files)
    check(expected)

    # The same data files again: their vectors are replaced, never doubled.
    out = floe.json("delete", "dv.t", "--where", "note is null")
    expected2 = [r for r in expected if r["note"] is not None]
    assert out["rows_deleted"] == len(expected) - len(expected2)
    files = delete_files()
    referenced = [f["referenced_data_file"] for f in files]
    assert len(referenced) == len(set(referenced))
    assert sum(f["record_count"] for f in files) == len(rows) - len(expected2)
    check(expected2)

    # An update merge-on-read: vectors for the old rows, new data files for the new ones.
    floe.run("update", "dv.t", "--set", "score = score + 100", "--where", "id < 30",
             "--mode", "merge-on-read")
    expected3 = [dict(r, score=r["score"] + 100) if r["id"] < 30 else r for r in expected2]
    files = delete_files()
    assert {f["file_format"] for f in files} == {"PUFFIN"}
    assert len({f["referenced_data_file"] for f in files}) == len(files)
    check(expected3)
