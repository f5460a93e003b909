"""floe commits to its SQLite catalog while a Spark session holds the same file open through
Iceberg's JdbcCatalog, and every client sees every other's commits: the file is in WAL mode, so
a reader's open transaction no longer blocks a writer (sql_catalog_store.h)."""
import json
import sqlite3
import time

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog

from servers.spark import spark_catalog


def journal_mode(warehouse):
    con = sqlite3.connect(warehouse / "catalog.db")
    try:
        return con.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        con.close()


def append_ids(floe, tmp_path, table, ids):
    path = tmp_path / f"ids-{ids[0]}.jsonl"
    path.write_text("".join(json.dumps({"id": i, "who": "floe"}) + "\n" for i in ids))
    started = time.monotonic()
    floe.run("append", table, path)
    return time.monotonic() - started


def spark_ids(spark, table):
    spark.sql(f"REFRESH TABLE {table}")
    return sorted(r["id"] for r in spark.sql(f"SELECT id FROM {table}").collect())


def spark_snapshot(spark, table):
    return spark.sql(f"SELECT snapshot_id FROM {table}.snapshots ORDER BY committed_at DESC "
                     "LIMIT 1").collect()[0]["snapshot_id"]


def test_floe_commits_while_spark_holds_the_catalog(floe, warehouse, tmp_path, spark,
                                                    pyiceberg_catalog):
    floe.run("namespace", "create", "db")
    floe.run("table", "create", "db.t", "--schema", "id long not null, who string")
    append_ids(floe, tmp_path, "db.t", [1, 2])
    assert journal_mode(warehouse) == "wal"

    cat = spark_catalog(spark, warehouse)
    t = f"{cat}.db.t"
    assert spark_ids(spark, t) == [1, 2]  # Spark's catalog is loaded and its connection open

    # floe commits at once instead of waiting out its 30 s busy timeout.
    assert append_ids(floe, tmp_path, "db.t", [3, 4]) < 20
    floe_snapshot = floe.json("table", "describe", "db.t")["current_snapshot_id"]
    assert spark_ids(spark, t) == [1, 2, 3, 4]
    assert spark_snapshot(spark, t) == floe_snapshot

    # Spark commits on the same file, then PyIceberg, then floe again: each sees the others.
    spark.sql(f"INSERT INTO {t} VALUES (5, 'spark')")
    assert sorted(r["id"] for r in floe.scan_rows("db.t")) == [1, 2, 3, 4, 5]
    table = pyiceberg_catalog.load_table("db.t")
    assert sorted(table.scan().to_arrow()["id"].to_pylist()) == [1, 2, 3, 4, 5]
    table.append(pa.table({"id": pa.array([6], pa.int64()), "who": ["pyiceberg"]},
                          schema=table.schema().as_arrow()))
    append_ids(floe, tmp_path, "db.t", [7])
    assert spark_ids(spark, t) == [1, 2, 3, 4, 5, 6, 7]
    rows = {r["id"]: r["who"] for r in floe.scan_rows("db.t")}
    assert rows == {1: "floe", 2: "floe", 3: "floe", 4: "floe", 5: "spark", 6: "pyiceberg",
                    7: "floe"}


def test_a_pyiceberg_catalog_file_is_switched_to_wal_and_stays_shared(floe, warehouse, tmp_path,
                                                                      spark):
    # PyIceberg makes the file, in SQLite's default rollback journal.
    catalog = SqlCatalog("default", uri=f"sqlite:///{warehouse}/catalog.db",
                         warehouse=f"file://{warehouse}")
    catalog.create_namespace("db")
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("who", pa.string())])
    table = catalog.create_table("db.t", schema=schema)
    table.append(pa.table({"id": [1], "who": ["pyiceberg"]}, schema=schema))
    assert journal_mode(warehouse) == "delete"

    assert [r["id"] for r in floe.scan_rows("db.t")] == [1]
    assert journal_mode(warehouse) == "wal"

    cat = spark_catalog(spark, warehouse)
    assert spark_ids(spark, f"{cat}.db.t") == [1]
    append_ids(floe, tmp_path, "db.t", [2])
    table = catalog.load_table("db.t")
    table.append(pa.table({"id": [3], "who": ["pyiceberg"]}, schema=schema))
    assert spark_ids(spark, f"{cat}.db.t") == [1, 2, 3]
    assert sorted(catalog.load_table("db.t").scan().to_arrow()["id"].to_pylist()) == [1, 2, 3]
