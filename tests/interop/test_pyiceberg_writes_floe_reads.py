"""A table PyIceberg writes (partitioned, evolved by rename and add, two snapshots) scans the
same in floe, and floe time-travels to its first snapshot."""
import datetime as dt

import pyarrow as pa
import pytest
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import DayTransform, IdentityTransform
from pyiceberg.types import LongType, NestedField, StringType, TimestamptzType, DoubleType

from metadata_tables_expect import assert_metadata_tables_agree
from scan_plan_expect import expected_plan, floe_scan_with_stats, partition_values

UTC = dt.timezone.utc


def iso(row):
    out = dict(row)
    out["ts"] = out["ts"].astimezone(UTC).isoformat()
    return out


def floe_rows(floe, *args):
    rows = floe.scan_rows("py.people", *args)
    for r in rows:
        r["ts"] = dt.datetime.fromisoformat(r["ts"]).astimezone(UTC).isoformat()
    return sorted(rows, key=lambda r: r["id"])


@pytest.fixture
def people(pyiceberg_catalog):
    pyiceberg_catalog.create_namespace("py")
    schema = Schema(
        NestedField(1, "id", LongType(), required=True),
        NestedField(2, "ts", TimestamptzType(), required=False),
        NestedField(3, "name", StringType(), required=False),
    )
    spec = PartitionSpec(
        PartitionField(source_id=2, field_id=1000, transform=DayTransform(), name="ts_day"),
        PartitionField(source_id=3, field_id=1001, transform=IdentityTransform(), name="name"),
    )
    table = pyiceberg_catalog.create_table("py.people", schema=schema, partition_spec=spec)
    arrow_schema = pa.schema([pa.field("id", pa.int64(), nullable=False),
                              pa.field("ts", pa.timestamp("us", tz="UTC")),
                              pa.field("name", pa.string())])
    first = [{"id": i, "ts": dt.datetime(2025, 1, 1 + i % 3, i, tzinfo=UTC),
              "name": ["ada", "bob", None][i % 3]} for i in range(12)]
    table.append(pa.Table.from_pylist(first, schema=arrow_schema))
    with table.update_schema() as update:
        update.rename_column("name", "full_name")
        update.add_column("score", DoubleType())
    table = pyiceberg_catalog.load_table("py.people")
    second_schema = pa.schema([pa.field("id", pa.int64(), nullable=False),
                               pa.field("ts", pa.timestamp("us", tz="UTC")),
                               pa.field("full_name", pa.string()),
                               pa.field("score", pa.float64())])
    second = [{"id": 100 + i, "ts": dt.datetime(2025, 2, 1, i, tzinfo=UTC),
               "full_name": "cy", "score": i / 4} for i in range(5)]
    table.append(pa.Table.from_pylist(second, schema=second_schema))
    return pyiceberg_catalog.load_table("py.people"), first, second


def test_floe_reads_evolved_pyiceberg_table(floe, people):
    table, first, second = people
    expected = sorted((iso(r) for r in table.scan().to_arrow().to_pylist()), key=lambda r: r["id"])
    assert len(expected) == 17
    # Rows written before the rename come back under the new name; the added column is null.
    assert expected[0]["full_name"] == "ada" and expected[0]["score"] is None
    assert floe_rows(floe) == expected


def test_floe_time_travels_to_pyicebergs_first_snapshot(floe, people):
    table, first, _ = people
    first_id = table.snapshots()[0].snapshot_id
    got = floe_rows(floe, "--snapshot", first_id)
    assert got == sorted((iso(r) for r in first), key=lambda r: r["id"])


def test_floe_prunes_pyiceberg_partitions(floe, people):
    table, first, second = people
    names = [f.name for f in table.spec().fields]  # day of ts, then the (renamed) name
    got = floe_rows(floe, "--where", "full_name = 'bob'", "--select", "id,ts,full_name")
    assert [r["id"] for r in got] == [1, 4, 7, 10]
    _, stats = floe_scan_with_stats(floe, "py.people", "--where", "full_name = 'bob'")
    # The second append's manifest holds only 'cy'; of the first's three files (one per
    # day and name) two hold other names.
    assert stats == expected_plan(
        table, lambda s: s[names[1]][0] is not None and s[names[1]][0] <= "bob" <= s[names[1]][1],
        lambda f: partition_values(table, f)[names[1]] == "bob")
    assert stats == {"manifests_total": 2, "manifests_skipped": 1, "files_total": 3,
                     "files_skipped": 2}
    day = floe_rows(floe, "--where", "ts >= '2025-01-02T00:00:00Z' AND ts < '2025-01-03T00:00:00Z'")
    assert [r["id"] for r in day] == [1, 4, 7, 10]
    d = (dt.date(2025, 1, 2) - dt.date(1970, 1, 1)).days
    _, stats = floe_scan_with_stats(
        floe, "py.people", "--where", "ts >= '2025-01-02T00:00:00Z' AND ts < '2025-01-03T00:00:00Z'")
    assert stats == expected_plan(table, lambda s: s[names[0]][0] <= d <= s[names[0]][1],
                                  lambda f: partition_values(table, f)[names[0]] == d)
    assert stats == {"manifests_total": 2, "manifests_skipped": 1, "files_total": 3,
                     "files_skipped": 2}


def test_floe_metadata_tables_of_a_pyiceberg_table(floe, people, tmp_path):
    table, first, _ = people
    # Three partitions (day, name) in the first append, one in the second; a null name too.
    first_id = table.snapshots()[0].snapshot_id
    assert assert_metadata_tables_agree(floe, "py.people", table, tmp_path, [first_id]) == {
        "files": 4, "manifests": 2, "snapshots": 2}
