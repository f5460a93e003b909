"""Spark 4 (Iceberg's JdbcCatalog on floe's SQLite catalog file) reads the tables floe writes
exactly as PyIceberg does, and as the independent expectation of each table says."""
import collections
import datetime as dt
import decimal
import json

from servers.spark import as_multiset, spark_catalog, spark_multiset, spark_rows
from spark_tables import TABLE, as_key, expected, reject_raw

UTC = dt.timezone.utc


def test_spark_reads_a_floe_table_like_pyiceberg(floe, warehouse, tmp_path, spark,
                                                  pyiceberg_catalog):
    floe.run("namespace", "create", "shop")
    floe.run("table", "create", "shop.orders", "--schema",
             "id long not null, at timestamptz, local timestamp, day date, item string, "
             "qty int, price decimal(9, 2), weight double, ok boolean",
             "--partition-by", "day(at)")
    rows = [{"id": i,
             "at": dt.datetime(2025, 3, 1, tzinfo=UTC) + dt.timedelta(hours=7 * i, microseconds=i),
             "local": dt.datetime(2025, 3, 1) + dt.timedelta(minutes=13 * i),
             "day": dt.date(2025, 3, 1) + dt.timedelta(days=i % 5),
             "item": None if i % 4 == 0 else f"item-{i % 3}",
             "qty": i % 9,
             "price": decimal.Decimal(i * 37 % 10000) / 100,
             "weight": float("nan") if i == 3 else i / 8,
             "ok": i % 2 == 0} for i in range(40)]
    path = tmp_path / "orders.jsonl"
    path.write_text("".join(json.dumps({**r, "at": r["at"].isoformat(),
                                        "local": r["local"].isoformat(),
                                        "day": r["day"].isoformat(), "price": str(r["price"]),
                                        "weight": "NaN" if r["weight"] != r["weight"] else r["weight"]})
                            + "\n" for r in rows))
    floe.run("append", "shop.orders", path)

    cat = spark_catalog(spark, warehouse)
    columns = list(rows[0])
    expected = as_multiset(rows, columns)
    assert spark_multiset(spark, f"{cat}.shop.orders", columns) == expected
    pyiceberg_rows = pyiceberg_catalog.load_table("shop.orders").scan().to_arrow().to_pylist()
    assert as_multiset(pyiceberg_rows, columns) == expected


def test_spark_reads_the_ingest_tables_as_the_expectation_says(floe, warehouse, tmp_path, spark,
                                                               pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    floe.run("gen", corpus, "--seed", "5", "--apps", "3", "--records", "2000", "--bad-rate",
             "0.05", "--gzip-share", "0.3", "--zstd-share", "0.2")
    floe.run("ingest", corpus, "--table", TABLE)
    cat = spark_catalog(spark, warehouse)
    rows, rejects = expected(corpus)

    spark_data = spark_rows(spark, f"{cat}.{TABLE}")
    assert collections.Counter(as_key(r) for r in spark_data) == rows
    spark_rejects = spark_rows(spark, f"{cat}.{TABLE}_rejects")
    assert collections.Counter((r["folder"], r["file"], r["line"], r["reason"])
                               for r in spark_rejects) == rejects
    # The raw bytes of each rejected line, and the processing metadata, as PyIceberg reads them.
    assert {(r["folder"], r["file"], r["line"]): bytes(r["raw"]) for r in spark_rejects} == {
        k: bytes(raw) for k, (_, raw) in reject_raw(pyiceberg_catalog).items()}
    meta = f"{TABLE}_processing_metadata"
    py_meta = pyiceberg_catalog.load_table(meta).scan().to_arrow().to_pylist()
    assert spark_multiset(spark, f"{cat}.{meta}") == as_multiset(py_meta,
                                                                  list(py_meta[0].keys()))
