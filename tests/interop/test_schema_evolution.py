"""Schema evolution both ways: a table evolved by `floe table alter` reads identically in
PyIceberg and DuckDB, with rows written before and after every step; a table evolved by
PyIceberg's update_schema reads identically in floe, which keeps appending to it."""
import copy
import json
from decimal import Decimal

import pyarrow as pa
import pytest
from pyiceberg.schema import Schema
from pyiceberg.types import (DecimalType, DoubleType, FloatType, IntegerType, LongType,
                             NestedField, StringType, StructType)

from servers.spark import as_multiset, spark_catalog, spark_multiset

BASE_SCHEMA = ("id long not null, name string, n int, score float, price decimal(9, 2), "
               "loc struct<lat: double, lon: double>")


def by_id(rows):
    return sorted(rows, key=lambda r: r["id"])


def duck_rows(duck, metadata_location):
    rel = duck.execute(f"SELECT * FROM iceberg_scan('{metadata_location}')")
    cols = [d[0] for d in rel.description]
    return cols, by_id(dict(zip(cols, r)) for r in rel.fetchall())


def as_floe_json(value):
    """floe's JSON Lines write decimals as their exact text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: as_floe_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_floe_json(v) for v in value]
    return value


def append_jsonl(floe, tmp_path, table, rows, name):
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(json.dumps(as_floe_json(r)) + "\n" for r in rows))
    floe.run("append", table, path)


class Expectation:
    """The table's rows as every reader should return them, kept in Python alongside each
    step: renames rename keys, drops drop them, adds add nulls, widening keeps the values."""

    def __init__(self, columns):
        self.columns = list(columns)  # top-level column order
        self.rows = []

    def append(self, rows):
        for row in rows:
            self.rows.append({c: copy.deepcopy(row.get(c)) for c in self.columns})

    def add(self, name, position=None):
        self.columns.insert(len(self.columns) if position is None else position, name)
        for row in self.rows:
            row[name] = None

    def add_nested(self, parent, name):
        for row in self.rows:
            if row[parent] is not None:
                row[parent][name] = None

    def rename(self, old, new):
        self.columns[self.columns.index(old)] = new
        for row in self.rows:
            row[new] = row.pop(old)

    def rename_nested(self, parent, old, new):
        for row in self.rows:
            if row[parent] is not None:
                row[parent] = {(new if k == old else k): v for k, v in row[parent].items()}

    def drop(self, name):
        self.columns.remove(name)
        for row in self.rows:
            del row[name]

    def move(self, name, position):
        self.columns.remove(name)
        self.columns.insert(position, name)

    def ordered(self):
        return by_id({c: row[c] for c in self.columns} for row in self.rows)


def check_readers(floe, pyiceberg_catalog, duck, table_name, expected):
    table = pyiceberg_catalog.load_table(table_name)
    arrow = table.scan().to_arrow()
    assert arrow.column_names == expected.columns
    assert by_id(arrow.to_pylist()) == expected.ordered()
    cols, rows = duck_rows(duck, table.metadata_location)
    assert cols == expected.columns
    assert rows == expected.ordered()
    assert by_id(floe.scan_rows(table_name)) == [as_floe_json(r) for r in expected.ordered()]
    return table


def test_floe_evolved_table_reads_identically_in_pyiceberg_and_duckdb(
        floe, pyiceberg_catalog, duck, tmp_path):
    evolve_with_floe(floe, pyiceberg_catalog, tmp_path,
                     lambda expected: check_readers(floe, pyiceberg_catalog, duck, "ev.t", expected))


def test_spark_reads_the_floe_evolved_table_at_every_step(floe, pyiceberg_catalog, tmp_path,
                                                          warehouse, spark):
    cat = spark_catalog(spark, warehouse)

    def check(expected):
        got = spark_multiset(spark, f"{cat}.ev.t", expected.columns)
        assert spark.table(f"{cat}.ev.t").columns == expected.columns
        assert got == as_multiset(expected.rows, expected.columns)
        return pyiceberg_catalog.load_table("ev.t")

    evolve_with_floe(floe, pyiceberg_catalog, tmp_path, check)


def evolve_with_floe(floe, pyiceberg_catalog, tmp_path, check):
    """ev.t evolved by `floe table alter` step by step, with rows appended after each step and
    `check(expected)` (returning the PyIceberg table) run on them."""
    floe.run("namespace", "create", "ev")
    floe.run("table", "create", "ev.t", "--schema", BASE_SCHEMA)
    # The same evolution done by PyIceberg on a twin table: its schema is the expected one.
    twin = pyiceberg_catalog.create_table(
        "ev.twin", schema=pyiceberg_catalog.load_table("ev.t").schema())
    expected = Expectation(["id", "name", "n", "score", "price", "loc"])

    def step(rows, name):
        append_jsonl(floe, tmp_path, "ev.t", rows, name)
        expected.append(rows)
        table = check(expected)
        assert str(table.schema()) == str(twin.refresh().schema())
        assert table.schema().as_struct() == twin.schema().as_struct()
        assert table.schema().identifier_field_ids == twin.schema().identifier_field_ids
        return table

    step([{"id": 1, "name": "a", "n": 10, "score": 1.5, "price": Decimal("1.25"),
           "loc": {"lat": 1.0, "lon": 2.0}}], "r1")

    # Add a nested column, and a whole struct at a position.
    floe.run("table", "alter", "ev.t", "add-column", "loc.alt", "double", "--doc", "metres")
    floe.run("table", "alter", "ev.t", "add-column", "extra",
             "struct<p: int, q: list<string>>", "--after", "id")
    with twin.update_schema() as u:
        u.add_column(("loc", "alt"), DoubleType(), doc="metres")
    with twin.update_schema() as u:
        from pyiceberg.types import ListType
        u.add_column("extra", StructType(NestedField(1, "p", IntegerType()),
                                         NestedField(2, "q", ListType(3, StringType(),
                                                                     element_required=False))))
        u.move_after("extra", "id")
    expected.add_nested("loc", "alt")
    expected.add("extra", 1)
    step([{"id": 2, "extra": {"p": 7, "q": ["x", "y"]}, "name": "b", "n": 20, "score": 2.5,
           "price": Decimal("2.50"), "loc": {"lat": 3.0, "lon": 4.0, "alt": 100.0}}], "r2")

    # Rename a top-level and a nested column.
    floe.run("table", "alter", "ev.t", "rename-column", "name", "full_name")
    floe.run("table", "alter", "ev.t", "rename-column", "loc.lat", "latitude")
    with twin.update_schema() as u:
        u.rename_column("name", "full_name")
    with twin.update_schema() as u:
        u.rename_column("loc.lat", "latitude")
    expected.rename("name", "full_name")
    expected.rename_nested("loc", "lat", "latitude")
    step([{"id": 3, "extra": None, "full_name": "c", "n": 30, "score": 3.5,
           "price": Decimal("3.75"), "loc": {"latitude": 5.0, "lon": 6.0, "alt": None}}], "r3")

    # Drop a column.
    floe.run("table", "alter", "ev.t", "drop-column", "score")
    with twin.update_schema() as u:
        u.delete_column("score")
    expected.drop("score")
    step([{"id": 4, "extra": {"p": None, "q": []}, "full_name": "d", "n": 40,
           "price": Decimal("4.00"), "loc": None}], "r4")

    # Widen: int to long, decimal(9, 2) to decimal(18, 2); old values read converted.
    floe.run("table", "alter", "ev.t", "update-column", "n", "--type", "long")
    floe.run("table", "alter", "ev.t", "update-column", "price", "--type", "decimal(18, 2)")
    with twin.update_schema() as u:
        u.update_column("n", LongType())
    with twin.update_schema() as u:
        u.update_column("price", DecimalType(18, 2))
    table = step([{"id": 5, "extra": None, "full_name": "e", "n": 5_000_000_000,
                   "price": Decimal("1234567890123.45"), "loc": None}], "r5")
    assert str(table.schema().find_field("price").field_type) == "decimal(18, 2)"

    # Move, document, and make the key an identifier field.
    floe.run("table", "alter", "ev.t", "move-column", "n", "--first")
    floe.run("table", "alter", "ev.t", "update-column", "full_name", "--doc", "display name")
    floe.run("table", "alter", "ev.t", "set-identifier-fields", "id")
    with twin.update_schema() as u:
        u.move_first("n")
    with twin.update_schema() as u:
        u.update_column("full_name", doc="display name")
    with twin.update_schema() as u:
        u.set_identifier_fields("id")
    expected.move("n", 0)
    table = step([{"n": 6, "id": 6, "extra": {"p": 1, "q": None}, "full_name": "f",
                   "price": None, "loc": {"latitude": 7.0, "lon": 8.0, "alt": 9.0}}], "r6")
    assert table.schema().find_field("full_name").doc == "display name"
    assert table.schema().find_field("loc.alt").doc == "metres"
    assert [table.schema().find_column_name(i) for i in table.schema().identifier_field_ids] == ["id"]
    described = floe.json("table", "describe", "ev.t")["schema"]
    assert described["identifier-field-ids"] == [table.schema().find_field("id").field_id]
    text = floe.run("table", "describe", "ev.t").stdout
    assert "identifier fields: id" in text and "display name" in text and "loc.alt" in text


def test_floe_refuses_changes_that_break_the_rules(floe, tmp_path):
    floe.run("namespace", "create", "ev")
    floe.run("table", "create", "ev.t", "--schema", "id long not null, n long, ts timestamp",
             "--partition-by", "day(ts)")
    # Required columns are fine while the table is empty.
    floe.run("table", "alter", "ev.t", "add-column", "k", "int", "--required")
    append_jsonl(floe, tmp_path, "ev.t", [{"id": 1, "n": 1, "ts": None, "k": 1}], "r1")
    floe.run("table", "alter", "ev.t", "set-identifier-fields", "id")

    def refused(*args, why):
        proc = floe.run("table", "alter", "ev.t", *args, check=False)
        assert proc.returncode == 1, proc
        assert why in proc.stderr, proc.stderr

    refused("add-column", "r", "int", "--required", why="the table has rows")
    refused("drop-column", "id", why="it is an identifier field")
    refused("drop-column", "ts", why="partition field 'ts_day' of the current partition spec")
    refused("update-column", "n", "--type", "int", why="types may only widen")
    refused("rename-column", "n", "id", why="'id' already exists")
    refused("move-column", "nope", "--first", why="not found")
    refused("set-identifier-fields", "n", why="it is optional")
    # Malformed input is a usage error.
    assert floe.run("table", "alter", "ev.t", "add-column", "x", "nope", check=False).returncode == 2
    assert floe.run("table", "alter", "ev.t", "move-column", "n", check=False).returncode == 2
    assert [r["id"] for r in floe.scan_rows("ev.t")] == [1]


def test_pyiceberg_evolved_table_reads_in_floe_and_floe_keeps_appending(
        floe, pyiceberg_catalog, duck, tmp_path):
    pyiceberg_catalog.create_namespace("py")
    schema = Schema(
        NestedField(1, "id", LongType(), required=True),
        NestedField(2, "name", StringType()),
        NestedField(3, "n", IntegerType()),
        NestedField(4, "f", FloatType()),
        NestedField(5, "loc", StructType(NestedField(6, "lat", DoubleType()),
                                         NestedField(7, "lon", DoubleType()))),
    )
    table = pyiceberg_catalog.create_table("py.t", schema=schema)

    def arrow_rows(rows):
        return pa.Table.from_pylist(rows, schema=table.schema().as_arrow())

    table.append(arrow_rows([{"id": 1, "name": "a", "n": 1, "f": 0.5,
                              "loc": {"lat": 1.0, "lon": 2.0}}]))
    with table.update_schema() as u:
        u.add_column("tag", StringType(), doc="a tag")
        u.add_column(("loc", "alt"), DoubleType())
        u.rename_column("name", "full_name")
        u.rename_column("loc.lon", "longitude")
        u.delete_column("f")
        u.update_column("n", LongType())
        u.move_first("tag")
        u.move_before("loc.alt", "loc.lat")
    table = pyiceberg_catalog.load_table("py.t")
    table.append(arrow_rows([{"tag": "t2", "id": 2, "full_name": "b", "n": 3_000_000_000,
                              "loc": {"alt": 5.0, "lat": 3.0, "longitude": 4.0}}]))

    expected = [
        {"tag": None, "id": 1, "full_name": "a", "n": 1,
         "loc": {"alt": None, "lat": 1.0, "longitude": 2.0}},
        {"tag": "t2", "id": 2, "full_name": "b", "n": 3_000_000_000,
         "loc": {"alt": 5.0, "lat": 3.0, "longitude": 4.0}},
    ]
    rows = floe.scan_rows("py.t")
    assert [list(r) for r in rows] == [list(expected[0])] * 2  # column order after the moves
    assert by_id(rows) == expected
    assert by_id(floe.scan_rows("py.t", "--where", "n > 2000000000")) == expected[1:]
    described = floe.json("table", "describe", "py.t")["schema"]
    assert [f["name"] for f in described["fields"]] == ["tag", "id", "full_name", "n", "loc"]
    assert described["fields"][0]["doc"] == "a tag"

    # floe appends rows with the new columns; every reader sees them.
    row3 = {"tag": "t3", "id": 3, "full_name": "c", "n": 6_000_000_000,
            "loc": {"alt": 9.0, "lat": 7.0, "longitude": 8.0}}
    append_jsonl(floe, tmp_path, "py.t", [row3], "r3")
    parquet = tmp_path / "r4.parquet"
    import pyarrow.parquet as pq
    row4 = {"tag": None, "id": 4, "full_name": "d", "n": 4, "loc": None}
    pq.write_table(arrow_rows([row4]), parquet)
    floe.run("append", "py.t", parquet)
    expected += [row3, row4]
    table = pyiceberg_catalog.load_table("py.t")
    assert by_id(table.scan().to_arrow().to_pylist()) == expected
    assert by_id(floe.scan_rows("py.t")) == expected
    cols, rows = duck_rows(duck, table.metadata_location)
    assert cols == ["tag", "id", "full_name", "n", "loc"]
    assert rows == expected

    # And PyIceberg evolves the table floe wrote to, once more.
    with table.update_schema() as u:
        u.delete_column("tag")
    assert by_id(floe.scan_rows("py.t")) == [{k: v for k, v in r.items() if k != "tag"}
                                             for r in expected]


def test_concurrent_schema_changes_are_replanned_and_all_land(floe, pyiceberg_catalog):
    import subprocess

    floe.run("namespace", "create", "ev")
    floe.run("table", "create", "ev.t", "--schema", "id long not null",
             "--property", "commit.retry.num-retries=20",
             "--property", "commit.retry.min-wait-ms=5", "--property", "commit.retry.max-wait-ms=50")
    procs = [subprocess.Popen([floe.bin, "table", "alter", "ev.t", "add-column", f"c{i}",
                               "struct<x: int, y: string>", "--warehouse", str(floe.warehouse)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    schema = pyiceberg_catalog.load_table("ev.t").schema()
    added = [f for f in schema.fields if f.name != "id"]
    assert sorted(f.name for f in added) == ["c0", "c1", "c2", "c3"]
    # Each re-planned attempt numbered its column after the ones that landed before it.
    ids = sorted(i for f in added for i in (f.field_id, f.field_type.fields[0].field_id,
                                            f.field_type.fields[1].field_id))
    assert ids == list(range(2, 14))
    assert pyiceberg_catalog.load_table("ev.t").metadata.last_column_id == 13
