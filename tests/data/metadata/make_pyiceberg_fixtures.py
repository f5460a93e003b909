"""Writes the PyIceberg metadata fixtures in this folder.

Usage: .venv/bin/python tests/data/metadata/make_pyiceberg_fixtures.py tests/data/metadata

Creates a v1 and a v2 table in a SqlCatalog under a temp dir (nested types, identity
partitions; bucket/day partitions are added by spec evolution because writing them needs
pyiceberg-core), appends twice, evolves the spec, tags the current snapshot, and copies the
first and the last metadata file of each table. The copies are pretty-printed
(same content) so they read well in reviews.
"""
import json, sys, tempfile
import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.schema import Schema
from pyiceberg.types import *
from pyiceberg.partitioning import PartitionSpec, PartitionField
from pyiceberg.transforms import DayTransform, BucketTransform, IdentityTransform
from pyiceberg.table.sorting import SortOrder, SortField


def copy_metadata(table, name):
    with open(table.metadata_location.replace("file://", "")) as f:
        content = json.load(f)
    with open(f"{sys.argv[1]}/{name}", "w") as f:
        json.dump(content, f, indent=2)


root = tempfile.mkdtemp()
cat = SqlCatalog("fx", uri=f"sqlite:///{root}/cat.db", warehouse=f"file://{root}/wh")
cat.create_namespace("db")
schema = Schema(
    NestedField(1, "id", LongType(), required=True, doc="row id"),
    NestedField(2, "ts", TimestamptzType(), required=False),
    NestedField(3, "name", StringType(), required=False),
    NestedField(4, "price", DecimalType(10, 2), required=False),
    NestedField(5, "tags", ListType(6, StringType(), element_required=False), required=False),
    NestedField(7, "attrs", MapType(8, StringType(), 9, LongType(), value_required=False), required=False),
    NestedField(10, "loc", StructType(NestedField(11, "lat", DoubleType(), required=False),
                                       NestedField(12, "lon", DoubleType(), required=False)), required=False),
    NestedField(13, "flag", BooleanType(), required=False),
    NestedField(14, "d", DateType(), required=False),
    NestedField(15, "blob", FixedType(16), required=False),
    identifier_field_ids=[1],
)
spec = PartitionSpec(
    PartitionField(source_id=14, field_id=1000, transform=IdentityTransform(), name="d"),
    PartitionField(source_id=3, field_id=1001, transform=IdentityTransform(), name="name"),
)
order = SortOrder(SortField(source_id=1, transform=IdentityTransform()))
import datetime, decimal
def batch(k):
    return pa.table({
        "id": pa.array([k, k+1], pa.int64()),
        "ts": pa.array([datetime.datetime(2024,3,1,7,tzinfo=datetime.timezone.utc), None], pa.timestamp("us", "UTC")),
        "name": pa.array(["alpha", "b/c d"]),
        "price": pa.array([decimal.Decimal("1.25"), None], pa.decimal128(10, 2)),
        "tags": pa.array([["a"], None], pa.list_(pa.string())),
        "attrs": pa.array([[("x", 1)], None], pa.map_(pa.string(), pa.int64())),
        "loc": pa.array([{"lat": 1.0, "lon": 2.0}, None], pa.struct([("lat", pa.float64()), ("lon", pa.float64())])),
        "flag": pa.array([True, None]),
        "d": pa.array([datetime.date(2024,3,1), None]),
        "blob": pa.array([b"0123456789abcdef", None], pa.binary(16)),
    }, schema=t.schema().as_arrow())
for v in ("1", "2"):
    t = cat.create_table(f"db.t{v}", schema=schema, partition_spec=spec, sort_order=order,
                         properties={"format-version": v, "owner": "floe"})
    copy_metadata(t, f"pyiceberg_v{v}_empty.metadata.json")
    t.append(batch(1))
    t = cat.load_table(f"db.t{v}")
    t.append(batch(10))
    t = cat.load_table(f"db.t{v}")
    with t.update_spec() as u:
        u.add_field("id", BucketTransform(16), "id_bucket")
        u.add_field("ts", DayTransform(), "ts_day")
        u.remove_field("d")
    t = cat.load_table(f"db.t{v}")
    t.manage_snapshots().create_tag(t.current_snapshot().snapshot_id, "v1tag").commit()
    t = cat.load_table(f"db.t{v}")
    copy_metadata(t, f"pyiceberg_v{v}.metadata.json")
print(root)
