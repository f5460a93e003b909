"""Table maintenance end to end: tables floe expires, rewrites the manifests of, compacts and
sweeps for orphan files read in PyIceberg and DuckDB exactly as the rows written predict, no
file a remaining snapshot needs is ever deleted, and ingest stays exactly-once across expiry."""
import json
import os
import pathlib
import threading
import time

import pytest

from spark_tables import data_multiset, expected

SCHEMA = "id long not null, part long not null, v string"


def write_jsonl(path, rows):
    with open(path, "w") as out:
        for r in rows:
            out.write(json.dumps(r) + "\n")
    return path


def rows_for(start, count, part):
    return [{"id": i, "part": part, "v": f"v{i}"} for i in range(start, start + count)]


def key(rows):
    return sorted((r["id"], r["part"], r["v"]) for r in rows)


def pyiceberg_rows(catalog, name):
    return key(catalog.load_table(name).scan().to_arrow().to_pylist())


def duckdb_rows(catalog, duck, name):
    location = catalog.load_table(name).metadata_location
    rel = duck.execute(f"SELECT id, part, v FROM iceberg_scan('{location}')")
    return sorted(tuple(r) for r in rel.fetchall())


def plain(location):
    """A file: URI or path as a local path."""
    return location.removeprefix("file://").removeprefix("file:")


def files_under(path):
    return {str(p) for p in pathlib.Path(path).rglob("*") if p.is_file()}


def referenced_by_pyiceberg(catalog, name):
    """Every data file, manifest and manifest list of every snapshot, as PyIceberg reads them."""
    table = catalog.load_table(name)
    out = set()
    for snapshot in table.snapshots():
        out.add(snapshot.manifest_list)
        for manifest in snapshot.manifests(table.io):
            out.add(manifest.manifest_path)
            for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=False):
                out.add(entry.data_file.file_path)
    return {plain(p) for p in out}


@pytest.fixture
def table(floe, tmp_path):
    """db.t partitioned by part: five appends of small files, then an overwrite of part 1."""
    floe.run("namespace", "create", "db")
    floe.run("table", "create", "db.t", "--schema", SCHEMA, "--partition-by", "part")
    live = []
    for n in range(5):
        batch = rows_for(n * 10, 5, 0) + rows_for(n * 10 + 5, 5, 1)
        floe.run("append", "db.t", write_jsonl(tmp_path / f"b{n}.jsonl", batch))
        live += batch
    replacement = rows_for(1000, 3, 1)
    floe.run("overwrite", "db.t", write_jsonl(tmp_path / "o.jsonl", replacement),
             "--where", "part = 1")
    return [r for r in live if r["part"] != 1] + replacement


def now_ms():
    return int(time.time() * 1000)


def test_expire_snapshots_keeps_what_remaining_snapshots_reach(floe, table, warehouse,
                                                                pyiceberg_catalog, duck):
    location = plain(pyiceberg_catalog.load_table("db.t").location())
    before = files_under(location)
    dry = floe.json("table", "expire-snapshots", "db.t", "--older-than", now_ms() + 1000,
                    "--retain-last", "2", "--dry-run")
    assert len(dry["expired_snapshot_ids"]) == 4
    assert files_under(location) == before, "a dry run deletes nothing"

    done = floe.json("table", "expire-snapshots", "db.t", "--older-than", now_ms() + 1000,
                     "--retain-last", "2")
    assert done["expired_snapshot_ids"] == dry["expired_snapshot_ids"]
    assert done["deleted_files"] == dry["deleted_files"]
    deleted = {f for files in done["deleted_files"].values() for f in files}
    after = files_under(location)
    assert deleted and not ({plain(f) for f in deleted} & after)
    assert before - after == {plain(f) for f in deleted}
    # The two snapshots left (the last append and the overwrite) still have all their files.
    assert len(pyiceberg_catalog.load_table("db.t").snapshots()) == 2
    assert referenced_by_pyiceberg(pyiceberg_catalog, "db.t") <= after
    want = key(table)
    assert pyiceberg_rows(pyiceberg_catalog, "db.t") == want
    assert duckdb_rows(pyiceberg_catalog, duck, "db.t") == want
    # Nothing more to expire.
    again = floe.json("table", "expire-snapshots", "db.t", "--older-than", now_ms() + 1000,
                      "--retain-last", "2")
    assert again["expired_snapshot_ids"] == []


def test_rewrite_manifests_and_compact_read_the_same_everywhere(floe, table, pyiceberg_catalog,
                                                                duck):
    want = key(table)
    t = pyiceberg_catalog.load_table("db.t")
    assert len(t.current_snapshot().manifests(t.io)) > 2
    out = floe.json("table", "rewrite-manifests", "db.t")
    assert out["manifests_replaced"] > 2
    t = pyiceberg_catalog.load_table("db.t")
    assert t.current_snapshot().summary.operation.value == "replace"
    assert len(t.current_snapshot().manifests(t.io)) == out["manifests_created"] + out["manifests_kept"]
    assert pyiceberg_rows(pyiceberg_catalog, "db.t") == want
    assert duckdb_rows(pyiceberg_catalog, duck, "db.t") == want

    files_before = len(t.inspect.files())
    out = floe.json("table", "compact", "db.t", "--min-input-files", "2")
    # Partition 0's five small files are rewritten; partition 1 holds a single file, left alone.
    assert out["snapshot_id"] is not None and out["groups"] == 1
    assert out["rewritten_data_files"] == 5 and out["added_data_files"] == 1
    assert out["rows_written"] == len([r for r in table if r["part"] == 0])
    t = pyiceberg_catalog.load_table("db.t")
    assert t.current_snapshot().summary.operation.value == "replace"
    files = t.inspect.files().to_pylist()
    assert len(files) < files_before
    assert len(files) == files_before - out["rewritten_data_files"] + out["added_data_files"]
    assert {f["partition"]["part"] for f in files} == {0, 1}
    assert sum(f["record_count"] for f in files) == len(want)
    assert pyiceberg_rows(pyiceberg_catalog, "db.t") == want
    assert duckdb_rows(pyiceberg_catalog, duck, "db.t") == want
    assert key(floe.scan_rows("db.t")) == want

    # Expire everything before the compaction: the small files go, the rows stay.
    floe.json("table", "expire-snapshots", "db.t", "--older-than", now_ms() + 1000,
              "--retain-last", "1")
    assert pyiceberg_rows(pyiceberg_catalog, "db.t") == want
    assert duckdb_rows(pyiceberg_catalog, duck, "db.t") == want


def test_remove_orphan_files_deletes_only_unreferenced_old_files(floe, table, pyiceberg_catalog,
                                                                 duck):
    t = pyiceberg_catalog.load_table("db.t")
    location = pathlib.Path(plain(t.location()))
    old = time.time() - 5 * 24 * 3600
    strays = [location / "data" / "part=0" / "00000-9-dead.parquet",
              location / "metadata" / "dead-m0.avro", location / "junk" / "x.txt"]
    for s in strays:
        s.parent.mkdir(parents=True, exist_ok=True)
        s.write_bytes(b"stray")
        os.utime(s, (old, old))
    young = location / "data" / "in-flight.parquet"
    young.write_bytes(b"being written")
    referenced = files_under(location) - {str(s) for s in strays} - {str(young)}

    dry = floe.json("table", "remove-orphan-files", "db.t", "--dry-run")
    assert sorted(plain(p) for p in dry["orphan_files"]) == sorted(map(str, strays))
    assert all(s.exists() for s in strays)
    done = floe.json("table", "remove-orphan-files", "db.t")
    assert sorted(done["orphan_files"]) == sorted(dry["orphan_files"])
    assert files_under(location) == referenced | {str(young)}
    # A cut-off in the future takes the young stray too, and never a referenced file.
    floe.json("table", "remove-orphan-files", "db.t", "--older-than", now_ms() + 60_000)
    assert files_under(location) == referenced
    assert referenced_by_pyiceberg(pyiceberg_catalog, "db.t") <= referenced
    want = key(table)
    assert pyiceberg_rows(pyiceberg_catalog, "db.t") == want
    assert duckdb_rows(pyiceberg_catalog, duck, "db.t") == want
    bad = floe.run("table", "remove-orphan-files", "db.t", "--location", str(location.parent),
                   check=False)
    assert bad.returncode != 0 and "not below table" in bad.stderr


def test_ingest_stays_exactly_once_across_expiry(floe, tmp_path, pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    floe.run("gen", corpus, "--seed", "5", "--apps", "4", "--records", "1500")
    floe.run("ingest", corpus, "--table", "logs.spark", "--commit-every", "1")
    tables = ["logs.spark", "logs.spark_rejects", "logs.spark_processing_metadata"]
    assert len(pyiceberg_catalog.load_table("logs.spark").snapshots()) == 4
    data_location = pathlib.Path(
        plain(pyiceberg_catalog.load_table("logs.spark").location()))
    records = sorted((data_location / "metadata" / "floe-ingest").glob("floe-*.json"))
    assert len(records) == 4
    for name in tables:
        out = floe.json("table", "expire-snapshots", name, "--older-than", now_ms() + 1000,
                        "--retain-last", "1")
        # (the rejects table has none when the corpus has no bad lines)
        assert len(pyiceberg_catalog.load_table(name).snapshots()) <= 1
        if name == "logs.spark":
            assert len(out["expired_snapshot_ids"]) == 3
            assert len(out["deleted_files"]["other_files"]) == 3  # their batch records
    assert len(list((data_location / "metadata" / "floe-ingest").glob("floe-*.json"))) == 1
    props = pyiceberg_catalog.load_table("logs.spark").properties
    assert pathlib.Path(plain(props["floe.ingest.ledger-checkpoint"])).exists()

    rows, _ = expected(corpus)
    assert data_multiset(pyiceberg_catalog) == rows
    before = {t: len(pyiceberg_catalog.load_table(t).snapshots()) for t in tables}
    again = json.loads(floe.run("ingest", corpus, "--table", "logs.spark", "--json").stdout)
    assert again["folders"] == [] and again["commits"] == 0
    assert {t: len(pyiceberg_catalog.load_table(t).snapshots()) for t in tables} == before
    assert data_multiset(pyiceberg_catalog) == rows

    # A file that grew: only its new line is read.
    grown = next(p for app in sorted(corpus.glob("spark-*")) if app.is_dir()
                 for p in sorted(app.rglob("*.json"))
                 if p.read_bytes().endswith(b"\n") and b'"timestamp"' in p.read_bytes())
    sample = next(l for l in grown.read_bytes().splitlines()
                  if l.startswith(b"{") and b'"timestamp"' in l)
    record = json.loads(sample)
    record["message"] = "a line written after expiry"
    with open(grown, "ab") as out:
        out.write(json.dumps(record).encode() + b"\n")
    third = json.loads(floe.run("ingest", corpus, "--table", "logs.spark", "--json").stdout)
    assert third["total_records_processed"] == 1, json.dumps(third)[:3000]
    rows, _ = expected(corpus)
    assert data_multiset(pyiceberg_catalog) == rows


def test_spark_reads_compacted_rewritten_and_expired_tables(floe, table, warehouse, spark,
                                                            pyiceberg_catalog):
    # floe commits before Spark opens this warehouse's catalog file (Spark's JdbcCatalog keeps
    # a read transaction open on it while the session lives).
    from servers.spark import as_multiset, spark_catalog, spark_multiset

    columns = ["id", "part", "v"]
    want = as_multiset(table, columns)
    floe.json("table", "compact", "db.t", "--min-input-files", "2")
    floe.json("table", "rewrite-manifests", "db.t")
    floe.json("table", "expire-snapshots", "db.t", "--older-than", now_ms() + 1000,
              "--retain-last", "1")
    assert len(pyiceberg_catalog.load_table("db.t").snapshots()) == 1
    cat = spark_catalog(spark, warehouse)
    assert spark_multiset(spark, f"{cat}.db.t", columns) == want
    # Spark's own view of the history agrees: one snapshot, a replace, and two data files.
    history = spark.sql(f"SELECT operation FROM {cat}.db.t.snapshots").collect()
    assert [r.operation for r in history] == ["replace"]
    files = spark.sql(f"SELECT content, record_count FROM {cat}.db.t.files").collect()
    assert [f.content for f in files] == [0, 0]
    assert sum(f.record_count for f in files) == len(table)


def test_compaction_while_appends_keep_coming_loses_nothing(floe, table, tmp_path,
                                                            pyiceberg_catalog, duck):
    """Appends by other processes land while compactions commit: every appended row is read
    back once, and each compaction either committed or failed cleanly."""
    appended = []
    errors = []

    def keep_appending():
        for n in range(8):
            rows = rows_for(5000 + n * 10, 10, n % 2)
            try:
                floe.run("append", "db.t", write_jsonl(tmp_path / f"c{n}.jsonl", rows))
                appended.extend(rows)
            except AssertionError as e:  # reported below, not swallowed
                errors.append(str(e))

    writer = threading.Thread(target=keep_appending)
    writer.start()
    compactions = 0
    while writer.is_alive() or compactions < 2:
        out = floe.run("table", "compact", "db.t", "--min-input-files", "2", "--json",
                       check=False)
        assert out.returncode == 0, out.stderr
        compactions += 1
    writer.join()
    assert errors == []
    want = key(table + appended)
    assert pyiceberg_rows(pyiceberg_catalog, "db.t") == want
    assert duckdb_rows(pyiceberg_catalog, duck, "db.t") == want
    ops = [s.summary.operation.value for s in pyiceberg_catalog.load_table("db.t").snapshots()]
    assert ops.count("replace") >= 1 and ops.count("append") == 5 + 8
