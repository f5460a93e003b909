"""Format v3 tables floe creates, appends to and upgrades are valid v3: their row lineage is
what the spec says (snapshot first-row-id and added-rows, the table's next-row-id, manifest
first_row_id), and Spark 4 (Iceberg 1.10) and PyIceberg read them — Spark with each row's
_row_id. Spark then commits to them, and floe reads and commits to a table Spark made v3.
DuckDB 1.4.4's iceberg extension reads them too."""
import collections
import json

import fastavro
import pytest

from servers.spark import as_multiset, spark_catalog, spark_multiset

COLUMNS = ["id", "name", "amount"]
SCHEMA = "id long not null, name string, amount double"


def rows(start, count):
    return [{"id": i, "name": None if i % 5 == 0 else f"n{i}", "amount": i / 4}
            for i in range(start, start + count)]


def append(floe, table, tmp_path, batch, tag):
    path = tmp_path / f"{tag}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in batch))
    floe.run("append", table, path)


def metadata_json(pyiceberg_catalog, table):
    """The table's current metadata file, as JSON (read directly, not through a model)."""
    location = pyiceberg_catalog.load_table(table).metadata_location
    with open(location.removeprefix("file://").removeprefix("file:")) as f:
        return json.load(f)


def manifest_list_first_row_ids(snapshot):
    path = snapshot["manifest-list"].removeprefix("file://").removeprefix("file:")
    with open(path, "rb") as f:
        reader = fastavro.reader(f)
        header = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in reader.metadata.items()}
        return header, [(r["content"], r["added_rows_count"], r["existing_rows_count"],
                         r["first_row_id"]) for r in reader]


def floe_multiset(floe, table):
    return collections.Counter(tuple(r[c] for c in COLUMNS) for r in floe.scan_rows(table))


def pyiceberg_multiset(pyiceberg_catalog, table):
    data = pyiceberg_catalog.load_table(table).scan().to_arrow().to_pylist()
    return as_multiset(data, COLUMNS)


def spark_row_ids(spark, ident):
    spark.sql(f"REFRESH TABLE {ident}")
    got = spark.sql(f"SELECT id, _row_id, _last_updated_sequence_number FROM {ident}").collect()
    return {r["id"]: (r["_row_id"], r["_last_updated_sequence_number"]) for r in got}


@pytest.fixture
def v3_table(floe, tmp_path):
    floe.run("namespace", "create", "v3")
    floe.run("table", "create", "v3.t", "--schema", SCHEMA, "--format-version", "3")
    append(floe, "v3.t", tmp_path, rows(0, 30), "a")
    append(floe, "v3.t", tmp_path, rows(30, 20), "b")
    return rows(0, 50)


def test_floe_v3_table_has_the_spec_row_lineage(floe, v3_table, pyiceberg_catalog):
    md = metadata_json(pyiceberg_catalog, "v3.t")
    assert md["format-version"] == 3
    assert "format-version" not in md["properties"]
    first, second = md["snapshots"]
    # Each snapshot's ids start at the table's next-row-id, which then moves by added-rows.
    assert (first["first-row-id"], first["added-rows"]) == (0, 30)
    assert (second["first-row-id"], second["added-rows"]) == (30, 20)
    assert md["next-row-id"] == 50
    header, manifests = manifest_list_first_row_ids(second)
    assert header["format-version"] == "3" and header["first-row-id"] == "30"
    # The new manifest gets the snapshot's first-row-id, the carried one keeps its own.
    assert sorted(m[3] for m in manifests) == [0, 30]
    expected = as_multiset(v3_table, COLUMNS)
    assert pyiceberg_multiset(pyiceberg_catalog, "v3.t") == expected
    assert floe_multiset(floe, "v3.t") == collections.Counter(
        tuple(r[c] for c in COLUMNS) for r in v3_table)


def test_duckdb_reads_floe_v3(floe, v3_table, pyiceberg_catalog, duck):
    location = pyiceberg_catalog.load_table("v3.t").metadata_location
    got = duck.execute(f"SELECT id, name, amount FROM iceberg_scan('{location}')").fetchall()
    assert collections.Counter(got) == collections.Counter(
        tuple(r[c] for c in COLUMNS) for r in v3_table)


def test_spark_reads_floe_v3_with_row_ids_and_commits_to_it(floe, warehouse, v3_table, spark,
                                                            pyiceberg_catalog):
    cat = spark_catalog(spark, warehouse)
    ident = f"{cat}.v3.t"
    assert spark_multiset(spark, ident, COLUMNS) == as_multiset(v3_table, COLUMNS)
    ids = spark_row_ids(spark, ident)
    # Every row has its own id: the first append's rows 0..29, the second's 30..49.
    assert sorted(row_id for row_id, _ in ids.values()) == list(range(50))
    assert all(ids[i][0] < 30 and ids[i][1] == 1 for i in range(30))
    assert all(ids[i][0] >= 30 and ids[i][1] == 2 for i in range(30, 50))

    spark.sql(f"INSERT INTO {ident} VALUES (100, 'spark', 1.5), (101, NULL, 2.5)")
    expected = v3_table + [{"id": 100, "name": "spark", "amount": 1.5},
                           {"id": 101, "name": None, "amount": 2.5}]
    assert floe_multiset(floe, "v3.t") == collections.Counter(
        tuple(r[c] for c in COLUMNS) for r in expected)
    assert metadata_json(pyiceberg_catalog, "v3.t")["next-row-id"] == 52
    assert spark_row_ids(spark, ident)[101][0] in (50, 51)


def test_upgrade_v2_to_v3_then_append(floe, warehouse, tmp_path, spark, pyiceberg_catalog):
    floe.run("namespace", "create", "up")
    floe.run("table", "create", "up.t", "--schema", SCHEMA)
    append(floe, "up.t", tmp_path, rows(0, 30), "a")
    assert metadata_json(pyiceberg_catalog, "up.t")["format-version"] == 2
    floe.run("table", "alter", "up.t", "upgrade-format-version", "--format-version", "3")
    md = metadata_json(pyiceberg_catalog, "up.t")
    assert (md["format-version"], md["next-row-id"]) == (3, 0)
    assert "first-row-id" not in md["snapshots"][0]  # written before row lineage

    refused = floe.run("table", "alter", "up.t", "upgrade-format-version", "--format-version",
                       "2", check=False)
    assert refused.returncode != 0 and "cannot be lowered" in refused.stderr

    append(floe, "up.t", tmp_path, rows(30, 20), "b")
    md = metadata_json(pyiceberg_catalog, "up.t")
    last = md["snapshots"][-1]
    # The v2 manifest gets ids too when the v3 snapshot carries it: room for all 50 rows.
    assert (last["first-row-id"], last["added-rows"], md["next-row-id"]) == (0, 50, 50)
    _, manifests = manifest_list_first_row_ids(last)
    assert sorted((m[1] + m[2], m[3]) for m in manifests) in ([(20, 0), (30, 20)],
                                                               [(20, 30), (30, 0)])

    expected = rows(0, 50)
    assert pyiceberg_multiset(pyiceberg_catalog, "up.t") == as_multiset(expected, COLUMNS)
    cat = spark_catalog(spark, warehouse)
    assert spark_multiset(spark, f"{cat}.up.t", COLUMNS) == as_multiset(expected, COLUMNS)
    ids = spark_row_ids(spark, f"{cat}.up.t")
    assert sorted(row_id for row_id, _ in ids.values()) == list(range(50))


def test_floe_reads_and_appends_to_a_table_spark_made_v3(floe, warehouse, tmp_path, spark,
                                                         pyiceberg_catalog):
    cat = spark_catalog(spark, warehouse)
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {cat}.sv")
    spark.sql(f"CREATE TABLE {cat}.sv.t (id bigint NOT NULL, name string, amount double) "
              f"USING iceberg TBLPROPERTIES ('format-version' = '3')")
    spark.sql(f"INSERT INTO {cat}.sv.t VALUES (1, 'a', 0.5), (2, NULL, 1.0), (3, 'c', 1.5)")
    before = metadata_json(pyiceberg_catalog, "sv.t")
    assert before["format-version"] == 3 and before["next-row-id"] == 3
    spark_rows = [{"id": 1, "name": "a", "amount": 0.5}, {"id": 2, "name": None, "amount": 1.0},
                  {"id": 3, "name": "c", "amount": 1.5}]
    assert floe_multiset(floe, "sv.t") == collections.Counter(
        tuple(r[c] for c in COLUMNS) for r in spark_rows)

    append(floe, "sv.t", tmp_path, rows(10, 4), "f")
    md = metadata_json(pyiceberg_catalog, "sv.t")
    assert (md["snapshots"][-1]["first-row-id"], md["snapshots"][-1]["added-rows"]) == (3, 4)
    assert md["next-row-id"] == 7
    expected = spark_rows + rows(10, 4)
    assert spark_multiset(spark, f"{cat}.sv.t", COLUMNS) == as_multiset(expected, COLUMNS)
    ids = spark_row_ids(spark, f"{cat}.sv.t")
    assert sorted(row_id for row_id, _ in ids.values()) == list(range(7))
