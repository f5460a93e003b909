"""Partition evolution and sort orders: floe evolves a table's spec between appends and every
reader sees every row; scans prune the files of each spec by that spec; a sort order floe sets
is the table's order for PyIceberg and every later data file is sorted by it; a table PyIceberg
evolved is read and appended to by floe."""
import collections
import datetime as dt
import json
import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.table.sorting import NullOrder, SortDirection
from pyiceberg.transforms import BucketTransform, DayTransform, IdentityTransform
from pyiceberg.types import LongType, NestedField, StringType, TimestamptzType

from scan_plan_expect import floe_scan_with_stats
from servers.spark import as_multiset, spark_catalog, spark_multiset

SCHEMA = "id long not null, ts timestamptz, level string"
LEVELS = ["INFO", "WARN", "ERROR"]
UTC = dt.timezone.utc
START = dt.datetime(2025, 7, 1, tzinfo=UTC)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)


def make_rows(start, count, first_day, seed):
    """Rows `start`..`start+count` over three days from `first_day` (0 = 2025-07-01), in a
    shuffled order, every 13th ts null."""
    rnd = random.Random(seed)
    rows = []
    for i in range(start, start + count):
        ts = None if i % 13 == 0 else START + dt.timedelta(days=first_day + i % 3,
                                                           seconds=rnd.randint(0, 86399))
        rows.append({"id": i, "ts": ts, "level": rnd.choice(LEVELS)})
    rnd.shuffle(rows)
    return rows


def write_jsonl(path, rows):
    with open(path, "w") as out:
        for r in rows:
            out.write(json.dumps({**r, "ts": r["ts"].isoformat() if r["ts"] else None}) + "\n")
    return path


def normalize(row):
    ts = row["ts"]
    if isinstance(ts, str):
        ts = dt.datetime.fromisoformat(ts)
    return {"id": row["id"], "ts": ts.astimezone(UTC) if ts is not None else None,
            "level": row["level"]}


def by_id(rows):
    return sorted((normalize(r) for r in rows), key=lambda r: r["id"])


def spec_fields(spec):
    return [(f.source_id, f.field_id, f.name, str(f.transform)) for f in spec.fields]


def duck_rows(duck, table):
    rel = duck.execute(f"SELECT * FROM iceberg_scan('{table.metadata_location}')")
    cols = [d[0] for d in rel.description]
    return [dict(zip(cols, r)) for r in rel.fetchall()]


def live_files(table):
    """(spec id, partition record, path, sort order id) of every live data file."""
    out = []
    for manifest in table.current_snapshot().manifests(table.io):
        for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=True):
            f = entry.data_file
            out.append((f.spec_id, f.partition, f.file_path, f.sort_order_id))
    return out


def path_of(location):
    return location[len("file://"):] if location.startswith("file://") else location


@pytest.fixture
def evolved(floe, tmp_path):
    """ev.t: appended under day(ts), then day(ts) + bucket(4, id), then bucket(4, id) only."""
    floe.run("namespace", "create", "ev")
    floe.run("table", "create", "ev.t", "--schema", SCHEMA, "--partition-by", "day(ts)")
    batches = [make_rows(0, 240, 0, 1), make_rows(240, 240, 3, 2), make_rows(480, 240, 6, 3)]
    floe.run("append", "ev.t", write_jsonl(tmp_path / "a.jsonl", batches[0]))
    floe.run("table", "alter", "ev.t", "add-partition-field", "bucket(4, id)")
    floe.run("append", "ev.t", write_jsonl(tmp_path / "b.jsonl", batches[1]))
    floe.run("table", "alter", "ev.t", "drop-partition-field", "ts_day")
    floe.run("append", "ev.t", write_jsonl(tmp_path / "c.jsonl", batches[2]))
    return batches


def test_specs_and_field_ids_are_those_pyiceberg_makes(floe, evolved, pyiceberg_catalog):
    table = pyiceberg_catalog.load_table("ev.t")
    # PyIceberg doing the same evolution on its own table.
    pyiceberg_catalog.create_namespace("py")
    schema = Schema(NestedField(1, "id", LongType(), required=True),
                    NestedField(2, "ts", TimestamptzType()), NestedField(3, "level", StringType()))
    ref = pyiceberg_catalog.create_table(
        "py.ref", schema, partition_spec=PartitionSpec(PartitionField(2, 1000, DayTransform(),
                                                                      "ts_day")))
    with ref.update_spec() as update:
        update.add_field("id", BucketTransform(4))
    with ref.update_spec() as update:
        update.remove_field("ts_day")
    ref = pyiceberg_catalog.load_table("py.ref")
    assert {i: spec_fields(s) for i, s in table.specs().items()} == {
        i: spec_fields(s) for i, s in ref.specs().items()}
    assert table.spec().spec_id == ref.spec().spec_id == 2
    assert table.metadata.last_partition_id == ref.metadata.last_partition_id == 1001

    desc = floe.json("table", "describe", "ev.t")
    assert desc["default_spec_id"] == 2
    assert [s["spec-id"] for s in desc["partition_specs"]] == [0, 1, 2]
    assert desc["partition_spec"] == [{"name": "id_bucket_4", "transform": "bucket[4]",
                                       "source-id": 1, "field-id": 1001}]


def test_every_reader_reads_every_row_and_each_file_keeps_its_spec(floe, evolved,
                                                                    pyiceberg_catalog, duck):
    expected = by_id([r for b in evolved for r in b])
    table = pyiceberg_catalog.load_table("ev.t")
    assert by_id(table.scan().to_arrow().to_pylist()) == expected
    assert by_id(floe.scan_rows("ev.t")) == expected
    assert by_id(duck_rows(duck, table)) == expected

    # Each file was written with the spec that was the default then, and its partition values
    # are the transforms (computed by PyIceberg) of the rows it holds.
    day = DayTransform().transform(TimestamptzType())
    bucket = BucketTransform(4).transform(LongType())
    spec_of_id = {}
    for spec_id, partition, path, _ in live_files(table):
        rows = pq.read_table(path_of(path)).to_pylist()
        for r in rows:
            spec_of_id[r["id"]] = spec_id
            micros = None if r["ts"] is None else (r["ts"] - EPOCH) // dt.timedelta(microseconds=1)
            want = {0: [day(micros)], 1: [day(micros), bucket(r["id"])], 2: [bucket(r["id"])]}
            assert [partition[i] for i in range(len(partition))] == want[spec_id]
    assert spec_of_id == {i: i // 240 for i in range(720)}


@pytest.mark.parametrize("floe_filter,py_filter,keep", [
    ("ts >= '2025-07-05T00:00:00Z'", "ts >= '2025-07-05T00:00:00+00:00'",
     lambda r: r["ts"] is not None and r["ts"] >= dt.datetime(2025, 7, 5, tzinfo=UTC)),
    ("id = 250", "id == 250", lambda r: r["id"] == 250),
    ("id IN (17, 300, 650)", "id in (17, 300, 650)", lambda r: r["id"] in (17, 300, 650)),
    ("ts < '2025-07-02T00:00:00Z' OR id = 500",
     "ts < '2025-07-02T00:00:00+00:00' or id == 500",
     lambda r: r["id"] == 500 or (r["ts"] is not None
                                  and r["ts"] < dt.datetime(2025, 7, 2, tzinfo=UTC))),
])
def test_scans_prune_the_files_of_each_spec_as_pyiceberg_plans_them(
        floe, evolved, pyiceberg_catalog, floe_filter, py_filter, keep):
    table = pyiceberg_catalog.load_table("ev.t")
    got, stats = floe_scan_with_stats(floe, "ev.t", "--where", floe_filter)
    assert by_id(got) == by_id(r for b in evolved for r in b if keep(r))
    planned = list(table.scan(row_filter=py_filter).plan_files())
    assert stats["files_total"] - stats["files_skipped"] == len(planned)
    assert stats["manifests_total"] == 3
    kept_paths = {t.file.file_path for t in planned}
    # The filter prunes files written under at least two of the three specs.
    pruned_specs = {spec_id for spec_id, _, path, _ in live_files(table) if path not in kept_paths}
    assert len(pruned_specs) >= 2


def test_a_sort_order_set_by_floe_is_the_tables_and_files_follow_it(floe, tmp_path,
                                                                     pyiceberg_catalog):
    floe.run("namespace", "create", "so")
    floe.run("table", "create", "so.t", "--schema", SCHEMA, "--partition-by", "bucket(2, id)")
    floe.run("append", "so.t", write_jsonl(tmp_path / "before.jsonl", make_rows(0, 100, 0, 4)))
    floe.run("table", "alter", "so.t", "set-sort-order", "ts desc nulls last, id")

    table = pyiceberg_catalog.load_table("so.t")
    order = table.sort_order()
    assert order.order_id == 1
    assert [(f.source_id, str(f.transform), f.direction, f.null_order) for f in order.fields] == [
        (2, "identity", SortDirection.DESC, NullOrder.NULLS_LAST),
        (1, "identity", SortDirection.ASC, NullOrder.NULLS_FIRST)]
    assert floe.json("table", "describe", "so.t")["sort_order_text"] == \
        "ts desc nulls last, id asc nulls first"

    batches = [make_rows(100, 300, 0, 5), make_rows(400, 300, 2, 6)]
    for n, rows in enumerate(batches):
        floe.run("append", "so.t", write_jsonl(tmp_path / f"after{n}.jsonl", rows))
    table = pyiceberg_catalog.load_table("so.t")

    def sort_key(r):  # ts descending with nulls last, then id ascending
        ts = r["ts"]
        return (ts is None, -ts.timestamp() if ts is not None else 0, r["id"])

    sorted_files = 0
    for _, _, path, sort_order_id in live_files(table):
        rows = pq.read_table(path_of(path)).to_pylist()
        if min(r["id"] for r in rows) < 100:
            assert sort_order_id is None  # written before the order was set
            continue
        assert sort_order_id == 1
        assert rows == sorted(rows, key=sort_key)
        sorted_files += 1
    assert sorted_files == 2 * 2  # two appends, two buckets
    all_rows = [r for b in [make_rows(0, 100, 0, 4)] + batches for r in b]
    assert by_id(table.scan().to_arrow().to_pylist()) == by_id(all_rows)

    # A transform in the order, then no order at all.
    floe.run("table", "alter", "so.t", "set-sort-order", "bucket(4, id) desc")
    order = pyiceberg_catalog.load_table("so.t").sort_order()
    assert [(str(f.transform), f.direction, f.null_order) for f in order.fields] == [
        ("bucket[4]", SortDirection.DESC, NullOrder.NULLS_LAST)]
    assert order.order_id == 2
    floe.run("table", "alter", "so.t", "set-sort-order", "")
    table = pyiceberg_catalog.load_table("so.t")
    assert table.sort_order().is_unsorted and table.sort_order().order_id == 0
    floe.run("append", "so.t", write_jsonl(tmp_path / "unsorted.jsonl", make_rows(700, 10, 0, 7)))
    table = pyiceberg_catalog.load_table("so.t")
    assert {sid for _, _, path, sid in live_files(table)
            if min(r["id"] for r in pq.read_table(path_of(path)).to_pylist()) >= 700} == {None}


def test_alter_refusals_name_the_problem(floe, evolved):
    proc = floe.run("table", "alter", "ev.t", "add-partition-field", "bucket(4, id)", check=False)
    assert proc.returncode != 0
    assert "already partitioned by bucket(4, id) (field 'id_bucket_4')" in proc.stderr
    proc = floe.run("table", "alter", "ev.t", "drop-partition-field", "ts_day", check=False)
    assert proc.returncode != 0 and "no partition field 'ts_day'" in proc.stderr
    proc = floe.run("table", "alter", "ev.t", "set-sort-order", "nope desc", check=False)
    assert proc.returncode != 0 and "no column 'nope'" in proc.stderr


def test_floe_reads_and_appends_to_a_table_pyiceberg_evolved(floe, tmp_path, pyiceberg_catalog,
                                                              duck):
    pyiceberg_catalog.create_namespace("py")
    schema = Schema(NestedField(1, "id", LongType(), required=True),
                    NestedField(2, "ts", TimestamptzType()), NestedField(3, "level", StringType()))
    table = pyiceberg_catalog.create_table(
        "py.ev", schema, partition_spec=PartitionSpec(PartitionField(2, 1000, DayTransform(),
                                                                     "ts_day")))
    arrow_schema = pa.schema([pa.field("id", pa.int64(), nullable=False),
                              pa.field("ts", pa.timestamp("us", tz="UTC")),
                              pa.field("level", pa.string())])
    first, second, third = make_rows(0, 150, 0, 8), make_rows(150, 150, 3, 9), make_rows(
        300, 150, 6, 10)
    table.append(pa.Table.from_pylist(first, schema=arrow_schema))
    with table.update_spec() as update:
        update.add_identity("level")
    with table.update_spec() as update:
        update.remove_field("ts_day")
    table = pyiceberg_catalog.load_table("py.ev")
    table.append(pa.Table.from_pylist(second, schema=arrow_schema))

    assert by_id(floe.scan_rows("py.ev")) == by_id(first + second)
    _, stats = floe_scan_with_stats(floe, "py.ev", "--where", "level = 'WARN'")
    assert stats["files_total"] - stats["files_skipped"] == len(list(
        table.scan(row_filter="level == 'WARN'").plan_files()))

    floe.run("append", "py.ev", write_jsonl(tmp_path / "floe.jsonl", third))
    table = pyiceberg_catalog.load_table("py.ev")
    assert by_id(table.scan().to_arrow().to_pylist()) == by_id(first + second + third)
    assert by_id(duck_rows(duck, table)) == by_id(first + second + third)
    default = table.spec()
    assert spec_fields(default) == [(3, 1001, "level", "identity")]
    for spec_id, partition, path, _ in live_files(table):
        rows = pq.read_table(path_of(path)).to_pylist()
        if min(r["id"] for r in rows) >= 300:  # floe's files: the default spec, by level
            assert spec_id == default.spec_id
            assert {r["level"] for r in rows} == {partition[0]}


def test_named_and_renamed_fields_are_what_pyiceberg_reads(floe, evolved, pyiceberg_catalog,
                                                            tmp_path):
    floe.run("table", "alter", "ev.t", "add-partition-field", "truncate(2, level)",
             "--name", "lvl")
    floe.run("table", "alter", "ev.t", "rename-partition-field", "id_bucket_4", "by_id")
    floe.run("append", "ev.t", write_jsonl(tmp_path / "d.jsonl", make_rows(720, 60, 0, 11)))
    table = pyiceberg_catalog.load_table("ev.t")
    assert spec_fields(table.spec()) == [(1, 1001, "by_id", "bucket[4]"),
                                         (3, 1002, "lvl", "truncate[2]")]
    assert table.spec().spec_id == 4
    rows = table.scan(row_filter="id >= 720").to_arrow().to_pylist()
    assert by_id(rows) == by_id(make_rows(720, 60, 0, 11))
    for spec_id, partition, path, _ in live_files(table):
        if spec_id == 4:
            levels = {r["level"][:2] for r in pq.read_table(path_of(path)).to_pylist()}
            assert levels == {partition[1]}


def test_evolving_back_to_an_earlier_spec_makes_it_the_default_again(floe, evolved,
                                                                      pyiceberg_catalog, tmp_path):
    floe.run("table", "alter", "ev.t", "add-partition-field", "day(ts)")
    table = pyiceberg_catalog.load_table("ev.t")
    assert table.spec().spec_id == 3
    assert spec_fields(table.spec()) == [(1, 1001, "id_bucket_4", "bucket[4]"),
                                         (2, 1000, "ts_day", "day")]  # id 1000 recycled
    floe.run("table", "alter", "ev.t", "drop-partition-field", "ts_day")
    table = pyiceberg_catalog.load_table("ev.t")
    assert table.spec().spec_id == 2 and len(table.specs()) == 4
    floe.run("append", "ev.t", write_jsonl(tmp_path / "e.jsonl", make_rows(800, 30, 0, 12)))
    table = pyiceberg_catalog.load_table("ev.t")
    assert {spec_id for spec_id, _, path, _ in live_files(table)
            if min(r["id"] for r in pq.read_table(path_of(path)).to_pylist()) >= 800} == {2}


def test_spark_reads_every_spec_and_prunes_by_each(floe, evolved, warehouse, spark,
                                                    pyiceberg_catalog):
    cat = spark_catalog(spark, warehouse)
    rows = [r for b in evolved for r in b]
    columns = ["id", "ts", "level"]
    assert spark_multiset(spark, f"{cat}.ev.t", columns) == as_multiset(rows, columns)
    # A filter on the day and one on the id, across the three specs' files.
    day3 = [r for r in rows if r["ts"] is not None
            and START + dt.timedelta(days=3) <= r["ts"] < START + dt.timedelta(days=4)]
    assert spark_multiset(spark, f"{cat}.ev.t", columns,
                          where="ts >= TIMESTAMP '2025-07-04 00:00:00' AND "
                                "ts < TIMESTAMP '2025-07-05 00:00:00'") == as_multiset(day3, columns)
    assert spark_multiset(spark, f"{cat}.ev.t", columns, where="id = 500") == as_multiset(
        [r for r in rows if r["id"] == 500], columns)
    # Spark's files metadata table sees each file's spec as PyIceberg does.
    spark_specs = collections.Counter(
        r["spec_id"] for r in spark.sql(f"SELECT spec_id FROM {cat}.ev.t.files").collect())
    table = pyiceberg_catalog.load_table("ev.t")
    assert spark_specs == collections.Counter(spec for spec, _, _, _ in live_files(table))
