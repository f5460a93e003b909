"""Writes the PyIceberg-made manifest fixtures read by manifest_test / manifest_list_test.

Run with the project venv: .venv/bin/python tests/data/manifests/make_fixtures.py
It creates a small partitioned table (format v2, and one in format v1) in a temporary SQL
catalog, appends two batches, and copies the current snapshot's manifest list and manifests
here as pyiceberg_v<N>_list.avro and pyiceberg_v<N>_m<i>.avro.
"""
import datetime
import decimal
import os
import shutil
import tempfile

import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.io.pyarrow import PyArrowFileIO
from pyiceberg.manifest import read_manifest_list
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import (DecimalType, DoubleType, LongType, NestedField, StringType,
                             TimestamptzType)

HERE = os.path.dirname(os.path.abspath(__file__))

SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "category", StringType(), required=False),
    NestedField(3, "ts", TimestamptzType(), required=False),
    NestedField(4, "price", DecimalType(9, 2), required=False),
    NestedField(5, "score", DoubleType(), required=False),
)
SPEC = PartitionSpec(
    PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="category"),
    PartitionField(source_id=3, field_id=1001, transform=IdentityTransform(), name="ts"),
    PartitionField(source_id=4, field_id=1002, transform=IdentityTransform(), name="price"),
)
UTC = datetime.timezone.utc


def batch(ids, categories, days, prices, scores):
    return pa.table({
        "id": pa.array(ids, pa.int64()),
        "category": pa.array(categories, pa.string()),
        "ts": pa.array([None if d is None else datetime.datetime(2024, 3, d, 12, tzinfo=UTC)
                        for d in days], pa.timestamp("us", tz="UTC")),
        "price": pa.array([None if p is None else decimal.Decimal(p) for p in prices],
                          pa.decimal128(9, 2)),
        "score": pa.array(scores, pa.float64()),
    }, schema=pa.schema([
        pa.field("id", pa.int64(), nullable=False), pa.field("category", pa.string()),
        pa.field("ts", pa.timestamp("us", tz="UTC")), pa.field("price", pa.decimal128(9, 2)),
        pa.field("score", pa.float64())]))


def make(version):
    with tempfile.TemporaryDirectory() as tmp:
        catalog = SqlCatalog("fx", uri=f"sqlite:///{tmp}/cat.db", warehouse=f"file://{tmp}/wh")
        catalog.create_namespace("db")
        table = catalog.create_table("db.t", schema=SCHEMA, partition_spec=SPEC,
                                     properties={"format-version": str(version)})
        table.append(batch([1, 2, 3], ["a", "b", None], [1, 2, None],
                           ["1.50", "-2.25", None], [0.5, float("nan"), None]))
        table.append(batch([4, 5], ["a", "c"], [1, 31], ["1.50", "99.99"], [1.0, 2.0]))
        snapshot = table.current_snapshot()
        io = PyArrowFileIO()
        manifests = list(read_manifest_list(io.new_input(snapshot.manifest_list)))
        for old in os.listdir(HERE):
            if old.startswith(f"pyiceberg_v{version}_"):
                os.remove(os.path.join(HERE, old))
        shutil.copy(snapshot.manifest_list.removeprefix("file://"),
                    os.path.join(HERE, f"pyiceberg_v{version}_list.avro"))
        for i, m in enumerate(manifests):
            shutil.copy(m.manifest_path.removeprefix("file://"),
                        os.path.join(HERE, f"pyiceberg_v{version}_m{i}.avro"))
            print(version, i, m.manifest_path, m.sequence_number, m.added_snapshot_id)
        print(version, "snapshot", snapshot.snapshot_id, snapshot.sequence_number,
              snapshot.parent_snapshot_id)


make(2)
make(1)
