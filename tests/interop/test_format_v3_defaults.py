"""Format v3 column defaults and the v3 types against real readers.

Defaults (spec "Default values"): a column added with a default reads as its initial-default
in rows written before it, and writers fill in its write-default when they leave it out. Spark 4
with Iceberg 1.10 refuses DEFAULT in DDL ("setting default values in Spark is currently
unsupported"), so the peer that adds a column with a default here is Iceberg's Java
UpdateSchema, called through Spark's JVM (PyIceberg 0.12 cannot commit to v3 tables); Spark and
PyIceberg read the defaults, and so does DuckDB 1.4.4's iceberg extension.

timestamp_ns / timestamptz_ns: PyIceberg reads floe's exactly. The other direction has no peer
here: PyIceberg 0.12 writes no v3 metadata at all, Spark 4 has no nanosecond timestamp type and
Iceberg 1.10's Spark reader refuses such columns, and DuckDB 1.4.4 does not know the types; the
last two limits are asserted so that a reader that learns them shows up.
A variant column (Spark 4 writes them in v3 tables) is refused by floe naming the column."""
import collections
import json
import struct

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from servers.spark import as_multiset, spark_catalog, spark_multiset


def append_rows(floe, table, tmp_path, batch, tag):
    path = tmp_path / f"{tag}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in batch))
    floe.run("append", table, path)


def metadata_json(pyiceberg_catalog, table):
    location = pyiceberg_catalog.load_table(table).metadata_location
    with open(location.removeprefix("file://").removeprefix("file:")) as f:
        return json.load(f)


def current_fields(md):
    schema = next(s for s in md["schemas"] if s["schema-id"] == md["current-schema-id"])
    return {f["name"]: f for f in schema["fields"]}


def multiset(rows, columns):
    return collections.Counter(tuple(r[c] for c in columns) for r in rows)


def pyiceberg_rows(pyiceberg_catalog, table, columns):
    data = pyiceberg_catalog.load_table(table).scan().to_arrow()
    return multiset(data.select(columns).to_pylist(), columns)


# (a) Java Iceberg adds a column with a default to a table Spark wrote; floe reads and appends.
def test_floe_reads_and_keeps_defaults_a_peer_added(floe, warehouse, tmp_path, spark,
                                                    pyiceberg_catalog):
    cat = spark_catalog(spark, warehouse)
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {cat}.pd")
    spark.sql(f"CREATE TABLE {cat}.pd.t (id bigint NOT NULL, name string) USING iceberg "
              f"TBLPROPERTIES ('format-version' = '3')")
    spark.sql(f"INSERT INTO {cat}.pd.t VALUES (1, 'a'), (2, NULL)")
    with pytest.raises(Exception, match="default values in Spark is currently unsupported"):
        spark.sql(f"ALTER TABLE {cat}.pd.t ADD COLUMN level int DEFAULT 5")

    # Java's UpdateSchema.addColumn(name, type, doc, default), through the Spark session.
    jvm = spark._jvm
    types = jvm.org.apache.iceberg.types
    lit = jvm.org.apache.iceberg.expressions.Expressions.lit
    catalog = spark._jsparkSession.sessionState().catalogManager().catalog(cat).icebergCatalog()
    table = catalog.loadTable(jvm.org.apache.iceberg.catalog.TableIdentifier.parse("pd.t"))
    (table.updateSchema()
     .addColumn("level", getattr(types, "Types$IntegerType").get(), None, lit(5))
     .addColumn("tag", getattr(types, "Types$StringType").get(), None, lit("none"))
     .commit())
    fields = current_fields(metadata_json(pyiceberg_catalog, "pd.t"))
    assert (fields["level"]["initial-default"], fields["level"]["write-default"]) == (5, 5)

    columns = ["id", "name", "level", "tag"]
    old = [{"id": 1, "name": "a", "level": 5, "tag": "none"},
           {"id": 2, "name": None, "level": 5, "tag": "none"}]
    assert multiset(floe.scan_rows("pd.t"), columns) == multiset(old, columns)
    assert pyiceberg_rows(pyiceberg_catalog, "pd.t", columns) == multiset(old, columns)
    assert spark_multiset(spark, f"{cat}.pd.t", columns) == as_multiset(old, columns)

    # floe's rows without the columns take the write-defaults; given values stay.
    append_rows(floe, "pd.t", tmp_path, [{"id": 3}, {"id": 4, "level": 9, "tag": None}], "f")
    fields = current_fields(metadata_json(pyiceberg_catalog, "pd.t"))
    assert (fields["level"]["initial-default"], fields["level"]["write-default"]) == (5, 5)
    assert (fields["tag"]["initial-default"], fields["tag"]["write-default"]) == ("none", "none")
    expected = old + [{"id": 3, "name": None, "level": 5, "tag": "none"},
                      {"id": 4, "name": None, "level": 9, "tag": None}]
    assert multiset(floe.scan_rows("pd.t"), columns) == multiset(expected, columns)
    assert pyiceberg_rows(pyiceberg_catalog, "pd.t", columns) == multiset(expected, columns)
    assert spark_multiset(spark, f"{cat}.pd.t", columns) == as_multiset(expected, columns)


# (b) floe adds a column with a default; the readers see it in older rows.
def test_readers_see_the_defaults_floe_adds(floe, warehouse, tmp_path, spark, pyiceberg_catalog,
                                            duck):
    floe.run("namespace", "create", "fd")
    floe.run("table", "create", "fd.t", "--schema", "id long not null, name string",
             "--format-version", "3")
    append_rows(floe, "fd.t", tmp_path, [{"id": 1, "name": "a"}, {"id": 2}], "a")
    floe.run("table", "alter", "fd.t", "add-column", "level", "int", "--default", "5")
    floe.run("table", "alter", "fd.t", "add-column", "day", "date", "--required",
             "--default", "2024-03-01")
    fields = current_fields(metadata_json(pyiceberg_catalog, "fd.t"))
    assert (fields["level"]["initial-default"], fields["level"]["write-default"]) == (5, 5)
    assert fields["day"]["required"] and fields["day"]["initial-default"] == "2024-03-01"

    columns = ["id", "name", "level"]
    old = [{"id": 1, "name": "a", "level": 5}, {"id": 2, "name": None, "level": 5}]
    assert multiset(floe.scan_rows("fd.t"), columns) == multiset(old, columns)
    assert pyiceberg_rows(pyiceberg_catalog, "fd.t", columns) == multiset(old, columns)
    cat = spark_catalog(spark, warehouse)
    assert spark_multiset(spark, f"{cat}.fd.t", columns) == as_multiset(old, columns)
    spark_days = {r["id"]: r["day"] for r in spark.table(f"{cat}.fd.t").collect()}
    assert {k: v.isoformat() for k, v in spark_days.items()} == {1: "2024-03-01", 2: "2024-03-01"}

    location = pyiceberg_catalog.load_table("fd.t").metadata_location
    got = duck.execute(f"SELECT id, level, day FROM iceberg_scan('{location}')").fetchall()
    assert sorted((i, level, day.isoformat()) for i, level, day in got) == [
        (1, 5, "2024-03-01"), (2, 5, "2024-03-01")]

    # set-default changes what writers fill in, not what older rows read.
    floe.run("table", "alter", "fd.t", "set-default", "level", "9")
    fields = current_fields(metadata_json(pyiceberg_catalog, "fd.t"))
    assert (fields["level"]["initial-default"], fields["level"]["write-default"]) == (5, 9)
    append_rows(floe, "fd.t", tmp_path, [{"id": 3, "name": "c"}], "b")
    expected = old + [{"id": 3, "name": "c", "level": 9}]
    assert multiset(floe.scan_rows("fd.t"), columns) == multiset(expected, columns)
    assert pyiceberg_rows(pyiceberg_catalog, "fd.t", columns) == multiset(expected, columns)
    assert spark_multiset(spark, f"{cat}.fd.t", columns) == as_multiset(expected, columns)


def test_defaults_and_v3_types_are_refused_below_v3(floe):
    floe.run("namespace", "create", "v2")
    floe.run("table", "create", "v2.t", "--schema", "id long")
    refused = floe.run("table", "alter", "v2.t", "add-column", "level", "int", "--default", "5",
                       check=False)
    assert refused.returncode != 0
    assert "column level has a default value, which needs format version 3" in refused.stderr
    refused = floe.run("table", "alter", "v2.t", "add-column", "at", "timestamp_ns", check=False)
    assert refused.returncode != 0
    assert "column at has type timestamp_ns, which needs format version 3" in refused.stderr
    refused = floe.run("table", "create", "v2.u", "--schema", "id long, at timestamptz_ns",
                       check=False)
    assert refused.returncode != 0 and "needs format version 3" in refused.stderr


NS_ROWS = [
    {"id": 1, "ts": "2017-11-16T22:31:08.123456789", "tz": "2017-11-16T22:31:08.000000001Z"},
    {"id": 2, "ts": "1969-12-31T23:59:59.999999999", "tz": None},
    {"id": 3, "ts": None, "tz": "2024-03-01T00:00:00+01:00"},
]
NS_VALUES = {1: (1510871468123456789, 1510871468000000001), 2: (-1, None),
             3: (None, 1709247600000000000)}


def ns_values(arrow_table):
    """id → (ts, tz) as integer nanoseconds, whatever Python type the reader would give."""
    ids = arrow_table.column("id").to_pylist()
    ts = arrow_table.column("ts").cast(pa.int64()).to_pylist()
    tz = arrow_table.column("tz").cast(pa.int64()).to_pylist()
    return {i: (a, b) for i, a, b in zip(ids, ts, tz)}


# (c) Nanosecond timestamps, floe to the readers and back.
def test_nanosecond_timestamps_read_alike(floe, warehouse, tmp_path, spark, pyiceberg_catalog,
                                          duck):
    floe.run("namespace", "create", "ns")
    floe.run("table", "create", "ns.t", "--schema",
             "id long not null, ts timestamp_ns, tz timestamptz_ns", "--partition-by", "day(tz)",
             "--format-version", "3")
    append_rows(floe, "ns.t", tmp_path, NS_ROWS, "a")
    fields = current_fields(metadata_json(pyiceberg_catalog, "ns.t"))
    assert (fields["ts"]["type"], fields["tz"]["type"]) == ("timestamp_ns", "timestamptz_ns")

    scanned = {r["id"]: (r["ts"], r["tz"]) for r in floe.scan_rows("ns.t")}
    assert scanned[1] == ("2017-11-16T22:31:08.123456789", "2017-11-16T22:31:08.000000001+00:00")

    table = pyiceberg_catalog.load_table("ns.t")
    arrow_table = table.scan().to_arrow()
    assert arrow_table.schema.field("ts").type == pa.timestamp("ns")
    assert arrow_table.schema.field("tz").type == pa.timestamp("ns", tz="UTC")
    assert ns_values(arrow_table) == NS_VALUES
    # The day partition values PyIceberg reads from floe's manifests: days since 1970 of tz.
    days = {}
    for task in table.scan().plan_files():
        path = task.file.file_path.removeprefix("file://").removeprefix("file:")
        ids = pc.unique(pq.read_table(path, columns=["id"]).column("id"))
        for i in ids.to_pylist():
            days[i] = task.file.partition[0]
    assert days == {1: 17486, 2: None, 3: 19782}
    # Column bounds are the spec's binary single values: 8-byte little-endian nanoseconds.
    bounds = [(struct.unpack("<q", t.file.lower_bounds[2])[0],
               struct.unpack("<q", t.file.upper_bounds[2])[0])
              for t in table.scan().plan_files() if 2 in t.file.lower_bounds]
    assert sorted(bounds) == [(-1, -1), (1510871468123456789, 1510871468123456789)]
    # floe binds a filter to the ns column and prunes by those bounds.
    hit = floe.run("scan", "ns.t", "--where", "ts > '2017-11-16T22:31:08.123456788'", "--stats",
                   "--format", "jsonl")
    assert [json.loads(line)["id"] for line in hit.stdout.splitlines()] == [1]
    assert "data files in the rest: 3 total, 2 skipped" in hit.stderr

    location = table.metadata_location
    # DuckDB 1.4.4's iceberg extension does not know the v3 nanosecond types yet.
    with pytest.raises(Exception, match="Unrecognized primitive type: timestamp_ns"):
        duck.execute(f"SELECT id, ts, tz FROM iceberg_scan('{location}')").fetchall()

    cat = spark_catalog(spark, warehouse)
    with pytest.raises(Exception, match="(?i)timestamp_ns|nano"):
        spark.table(f"{cat}.ns.t").collect()


# (d) A variant column from Spark is refused, naming the column.
def test_variant_table_from_spark_is_refused_naming_the_column(floe, warehouse, spark):
    cat = spark_catalog(spark, warehouse)
    spark.sql(f"CREATE NAMESPACE IF NOT EXISTS {cat}.vt")
    spark.sql(f"CREATE TABLE {cat}.vt.t (id bigint, payload variant) USING iceberg "
              f"TBLPROPERTIES ('format-version' = '3')")
    spark.sql(f"INSERT INTO {cat}.vt.t SELECT 1, parse_json('{{\"a\": 1}}')")
    refused = floe.run("scan", "vt.t", check=False)
    assert refused.returncode != 0
    assert "column payload has type variant, which floe does not read yet" in refused.stderr
