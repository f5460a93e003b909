"""floe reads the row-level changes Spark makes in merge-on-read mode: position delete files
(format v2) and deletion vectors (format v3) from DELETE, UPDATE and MERGE INTO. After every
statement `floe scan` returns exactly what Spark returns, and both what the Python model of
the rows says (spark_row_level.py)."""
import collections

import pytest

from spark_row_level import COLUMNS, SparkRowLevelTable, make_rows, merge_source

POSITION_DELETES, EQUALITY_DELETES = 1, 2


def floe_multiset(floe, table, *args):
    return collections.Counter(tuple(r[c] for c in COLUMNS) for r in floe.scan_rows(table, *args))


def assert_readers_agree(floe, t, pyiceberg_catalog=None):
    expected = t.model.multiset(COLUMNS)
    assert t.spark_multiset() == expected
    assert floe_multiset(floe, t.name) == expected
    if pyiceberg_catalog is not None:
        rows = pyiceberg_catalog.load_table(t.name).scan().to_arrow().to_pylist()
        assert collections.Counter(tuple(r[c] for c in COLUMNS) for r in rows) == expected
    # A filter: the deleted rows stay deleted, the updated ones read in their new version.
    where = {r["id"]: r for r in t.model.rows.values() if r["category"] == "games"}
    assert floe_multiset(floe, t.name, "--where", "category = 'games'") == collections.Counter(
        tuple(r[c] for c in COLUMNS) for r in where.values())


@pytest.fixture
def spark_table(spark, warehouse, request):
    version, partitioned = request.param
    t = SparkRowLevelTable(spark, warehouse, f"rl.v{version}", format_version=version,
                           partitioned=partitioned)
    t.append(make_rows(0, 300, 1))
    t.append(make_rows(300, 300, 2))
    return t


@pytest.mark.parametrize("spark_table", [(2, True), (2, False)], indirect=True,
                         ids=["partitioned", "unpartitioned"])
def test_floe_reads_spark_position_deletes(floe, spark_table, pyiceberg_catalog):
    t = spark_table
    t.delete_where_id_mod(10, 3)
    files = t.delete_files()
    assert files and {(c, f) for c, f, _ in files} == {(POSITION_DELETES, "PARQUET")}
    assert_readers_agree(floe, t, pyiceberg_catalog)

    t.update_where_id_mod(7, 0)
    assert_readers_agree(floe, t, pyiceberg_catalog)

    t.merge(merge_source(range(0, 600, 9), range(1000, 1020), seed=3))
    assert_readers_agree(floe, t, pyiceberg_catalog)
    assert len(t.delete_files()) > len(files)

    # A second delete over rows already deleted once, and an append after all of it.
    t.delete_where_id_mod(4, 1)
    t.append(make_rows(2000, 50, 4))
    assert_readers_agree(floe, t, pyiceberg_catalog)


@pytest.mark.parametrize("spark_table", [(3, True), (3, False)], indirect=True,
                         ids=["partitioned", "unpartitioned"])
def test_floe_reads_spark_deletion_vectors(floe, spark_table):
    """Format v3: Spark writes deletion vectors (Puffin blobs), one per data file, replacing
    the file's earlier vector at every later statement."""
    t = spark_table
    t.delete_where_id_mod(10, 3)
    files = t.delete_files()
    assert files and {(c, f) for c, f, _ in files} == {(POSITION_DELETES, "PUFFIN")}
    assert_readers_agree(floe, t)

    t.update_where_id_mod(7, 0)
    assert_readers_agree(floe, t)

    t.merge(merge_source(range(0, 600, 9), range(1000, 1020), seed=3))
    assert_readers_agree(floe, t)

    t.delete_where_id_mod(4, 1)
    t.append(make_rows(2000, 50, 4))
    assert_readers_agree(floe, t)


@pytest.mark.parametrize("spark_table", [(2, True), (2, False), (3, True)], indirect=True,
                         ids=["v2-partitioned", "v2-unpartitioned", "v3-deletion-vectors"])
def test_floe_compacts_spark_deletes_away(floe, spark_table, pyiceberg_catalog, duck):
    """Spark's merge-on-read DELETE and UPDATE leave delete files (or deletion vectors);
    `floe table compact` applies them and removes every one, counting them, and Spark, floe,
    PyIceberg (v2) and DuckDB read the same rows as before."""
    t = spark_table
    t.delete_where_id_mod(10, 3)
    t.update_where_id_mod(7, 0)
    live = t.delete_files()
    assert live and {c for c, _, _ in live} == {POSITION_DELETES}
    assert_readers_agree(floe, t, pyiceberg_catalog if "v2" in t.name else None)

    out = floe.json("table", "compact", t.name, "--min-input-files", "1")
    assert out["removed_delete_files"] == len(live)
    if "v3" in t.name:
        assert out["removed_dvs"] == len(live) and out["removed_position_delete_files"] == 0
    else:
        assert out["removed_position_delete_files"] == len(live) and out["removed_dvs"] == 0
    assert out["removed_equality_delete_files"] == 0
    assert t.delete_files() == []
    t.spark.sql(f"REFRESH TABLE {t.ident}")
    summary = t.spark.sql(f"SELECT summary FROM {t.ident}.snapshots "
                          f"ORDER BY committed_at DESC LIMIT 1").collect()[0]["summary"]
    assert summary["removed-delete-files"] == str(len(live))
    assert summary["total-delete-files"] == "0"
    assert_readers_agree(floe, t, pyiceberg_catalog if "v2" in t.name else None)
    location = floe.json("table", "describe", t.name)["metadata_location"]
    got = duck.execute(f"SELECT id, category, amount, note FROM iceberg_scan('{location}')")
    assert collections.Counter(tuple(r) for r in got.fetchall()) == t.model.multiset(COLUMNS)
