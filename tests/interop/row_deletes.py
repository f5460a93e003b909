"""Delete files as other engines write them — Parquet with the spec's field ids, written
here with pyarrow — committed in a delete manifest through PyIceberg's own snapshot producer
(PyIceberg 0.12 reads position deletes but writes none, so its manifest writer is told that
the manifest holds deletes). Used to check that floe reads tables with row-level deletes
exactly as PyIceberg and DuckDB do."""
from collections import defaultdict

import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.io.pyarrow import schema_to_pyarrow
from pyiceberg.manifest import (DataFile, DataFileContent, FileFormat, ManifestContent,
                                ManifestEntry, ManifestEntryStatus, ManifestWriterV2)
from pyiceberg.table.snapshots import Operation
from pyiceberg.table.update.snapshot import _FastAppendFiles
from pyiceberg.typedef import Record

FILE_PATH_ID = 2147483546  # spec: "Position Delete Files"
POS_ID = 2147483545


def _field(name, type_, field_id, nullable=False):
    return pa.field(name, type_, nullable=nullable, metadata={b"PARQUET:field_id": str(field_id)})


def _local(uri: str) -> str:
    return uri[len("file://"):] if uri.startswith("file://") else uri


def _metrics(location, ids):
    """column_sizes / value_counts / null_value_counts as a writer records them."""
    meta = pq.ParquetFile(location).metadata
    sizes = {i: 0 for i in ids}
    nulls = {i: 0 for i in ids}
    for g in range(meta.num_row_groups):
        for c, field_id in enumerate(ids):
            column = meta.row_group(g).column(c)
            sizes[field_id] += column.total_compressed_size
            nulls[field_id] += column.statistics.null_count if column.statistics else 0
    return {"column_sizes": sizes, "value_counts": {i: meta.num_rows for i in ids},
            "null_value_counts": nulls, "nan_value_counts": {}}


def position_delete_file(table, name, deletes, partition=(), spec_id=None,
                         file_format=FileFormat.PARQUET):
    """A position delete file of (data file path, position) pairs, sorted by path then position
    as the spec requires. When every pair names one file, its file_path bounds are equal (as
    Java's writer records them), which is how readers know the file it references."""
    rows = sorted(deletes)
    data = pa.table({"file_path": [p for p, _ in rows], "pos": [int(i) for _, i in rows]},
                    schema=pa.schema([_field("file_path", pa.string(), FILE_PATH_ID),
                                      _field("pos", pa.int64(), POS_ID)]))
    location = f"{table.location()}/data/{name}.parquet"
    pq.write_table(data, _local(location))
    paths = [p for p, _ in rows]
    f = DataFile.from_args(
        content=DataFileContent.POSITION_DELETES, file_path=location, file_format=file_format, partition=Record(*partition), record_count=len(rows),
        file_size_in_bytes=len(open(_local(location), "rb").read()),
        lower_bounds={FILE_PATH_ID: min(paths).encode()},
        upper_bounds={FILE_PATH_ID: max(paths).encode()},
        **_metrics(_local(location), [FILE_PATH_ID, POS_ID]))
    f.spec_id = table.spec().spec_id if spec_id is None else spec_id
    return f


def equality_delete_file(table, name, columns, rows, partition=(), spec_id=None):
    """An equality delete file over the table's `columns` (by name), one row per key."""
    schema = table.schema()
    fields = [schema.find_field(c) for c in columns]
    arrow_schema = schema_to_pyarrow(schema)
    pa_fields = [_field(f.name, arrow_schema.field(f.name).type, f.field_id, nullable=True)
                 for f in fields]
    data = pa.table({f.name: [r[i] for r in rows] for i, f in enumerate(fields)},
                    schema=pa.schema(pa_fields))
    location = f"{table.location()}/data/{name}.parquet"
    pq.write_table(data, _local(location))
    f = DataFile.from_args(
        content=DataFileContent.EQUALITY_DELETES, file_path=location,
        file_format=FileFormat.PARQUET, partition=Record(*partition), record_count=len(rows),
        file_size_in_bytes=len(open(_local(location), "rb").read()),
        equality_ids=[f.field_id for f in fields], lower_bounds={}, upper_bounds={},
        **_metrics(_local(location), [f.field_id for f in fields]))
    f.spec_id = table.spec().spec_id if spec_id is None else spec_id
    return f


class _DeleteManifestWriter(ManifestWriterV2):
    def content(self) -> ManifestContent:
        return ManifestContent.DELETES

    @property
    def _meta(self):
        return {**super()._meta, "content": "deletes"}


class _RowDelta(_FastAppendFiles):
    """PyIceberg's fast append plus one delete manifest per spec for `deletes`."""

    def __init__(self, deletes, **kwargs):
        super().__init__(**kwargs)
        self._deletes = deletes

    def _manifests(self):
        manifests = super()._manifests()
        by_spec = defaultdict(list)
        for f in self._deletes:
            by_spec[f.spec_id].append(f)
        for spec_id, files in by_spec.items():
            writer = _DeleteManifestWriter(spec=self.spec(spec_id), schema=self.schema(),
                                           output_file=self.new_manifest_output(),
                                           snapshot_id=self._snapshot_id,
                                           avro_compression=self._compression)
            with writer:
                for f in files:
                    writer.add(ManifestEntry.from_args(
                        status=ManifestEntryStatus.ADDED, snapshot_id=self._snapshot_id,
                        sequence_number=None, file_sequence_number=None, data_file=f))
            manifests.append(writer.to_manifest_file())
        return manifests


def commit_deletes(table, deletes, data_files=()):
    """Commits one snapshot adding `deletes` (and `data_files`); returns the refreshed table."""
    with table.transaction() as tx:
        producer = _RowDelta(deletes=deletes,
                             operation=Operation.OVERWRITE if data_files else Operation.DELETE,
                             transaction=tx, io=table.io)
        for f in data_files:
            producer.append_data_file(f)
        producer.commit()
    table.refresh()
    return table


def data_files(table):
    """The live data files of the current snapshot, in the order PyIceberg plans them, with
    their rows as pyarrow read them (positions are row indexes)."""
    out = []
    for task in table.scan().plan_files():
        out.append((task.file.file_path, pq.read_table(_local(task.file.file_path)).to_pylist()))
    return out
