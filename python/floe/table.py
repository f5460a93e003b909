"""Tables: metadata, scans, appends, overwrites, deletes, schema and partition evolution and
the metadata tables, in PyIceberg's idiom; rows cross as Arrow data without copies."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Tuple, Union

import pyarrow as pa

from floe import _floe

if TYPE_CHECKING:
    from floe.catalog import Catalog

MAIN_BRANCH = "main"


class _Capsule:
    """Hands a capsule the library made to pyarrow through the PyCapsule protocol."""

    def __init__(self, stream=None, schema=None):
        self._stream, self._schema = stream, schema

    def __arrow_c_stream__(self, requested_schema=None):
        stream, self._stream = self._stream, None
        if stream is None:
            raise ValueError("the stream was read already")
        return stream

    def __arrow_c_schema__(self):
        return self._schema


def _reader(capsule) -> pa.RecordBatchReader:
    return pa.RecordBatchReader.from_stream(_Capsule(stream=capsule))


def _stream_of(data: Any):
    """An Arrow C stream over user data: anything with ``__arrow_c_stream__`` (pyarrow tables,
    record batch readers, polars, …) as it is; pandas frames and other tabular data through
    ``pyarrow.table``."""
    if not hasattr(data, "__arrow_c_stream__"):
        if isinstance(data, pa.RecordBatch):
            data = pa.Table.from_batches([data])
        else:
            data = pa.table(data)
    return data.__arrow_c_stream__()


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: int
    parent_snapshot_id: Optional[int]
    sequence_number: int
    timestamp_ms: int
    manifest_list: str
    summary: Dict[str, str]
    schema_id: Optional[int]

    @property
    def operation(self) -> Optional[str]:
        return self.summary.get("operation")


def _snapshot(d: Optional[dict]) -> Optional[Snapshot]:
    return Snapshot(**d) if d is not None else None


@dataclass(frozen=True)
class DataFile:
    """A data or delete file as scan planning found it."""

    file_path: str
    file_format: str
    content: str
    spec_id: int
    record_count: int
    file_size_in_bytes: int
    partition: List[str]


@dataclass(frozen=True)
class FileScanTask:
    """A data file to read, the delete files that apply to it and the filter still to apply."""

    file: DataFile
    delete_files: List[DataFile]
    residual: str

    @property
    def length(self) -> int:
        return self.file.file_size_in_bytes


def _data_file(d: dict) -> DataFile:
    return DataFile(**{k: d[k] for k in DataFile.__dataclass_fields__})


@dataclass(frozen=True)
class DeleteResult:
    """What ``Table.delete`` did; ``snapshot`` is None when no row matched."""

    snapshot: Optional[Snapshot]
    rows_deleted: int
    data_files_removed: int
    data_files_rewritten: int
    data_files_added: int
    delete_files_added: int
    delete_files_removed: int
    mode: str


class Table:
    """A table of a catalog, as loaded; ``refresh()`` reloads it, commits update it."""

    def __init__(self, catalog: "Catalog", native: "_floe.Table"):
        self.catalog = catalog
        self._native = native

    def __repr__(self) -> str:
        return f"floe.Table({'.'.join(self.identifier)!r})"

    @property
    def identifier(self) -> Tuple[str, ...]:
        return tuple(self._native.namespace) + (self._native.name,)

    def name(self) -> Tuple[str, ...]:
        return self.identifier

    @property
    def metadata_location(self) -> str:
        return self._native.metadata_location

    def location(self) -> str:
        return self._native.location

    @property
    def format_version(self) -> int:
        return self._native.format_version

    @property
    def properties(self) -> Dict[str, str]:
        return self._native.properties

    def schema(self) -> pa.Schema:
        """The current schema as Arrow, with each field's id in ``PARQUET:field_id``."""
        return pa.schema(_Capsule(schema=self._native.arrow_schema()))

    def schema_text(self) -> str:
        """The current schema in floe's schema text."""
        return self._native.schema_text()

    def spec(self) -> str:
        """The default partition spec in floe's partition text ("" when unpartitioned)."""
        return self._native.spec_text()

    def snapshots(self) -> List[Snapshot]:
        return [Snapshot(**d) for d in self._native.snapshots()]

    def current_snapshot(self) -> Optional[Snapshot]:
        return self.snapshot_by_id(self._native.current_snapshot_id)

    def snapshot_by_id(self, snapshot_id: Optional[int]) -> Optional[Snapshot]:
        if snapshot_id is None:
            return None
        return next((s for s in self.snapshots() if s.snapshot_id == snapshot_id), None)

    def refs(self) -> Dict[str, Dict[str, Any]]:
        """Branches and tags: name → {"snapshot_id", "type" ("branch" or "tag")}."""
        return self._native.refs()

    def refresh(self) -> "Table":
        self._native.refresh()
        return self

    def scan(
        self,
        row_filter: str = "",
        selected_fields: Tuple[str, ...] = ("*",),
        case_sensitive: bool = True,
        snapshot_id: Optional[int] = None,
        ref: Optional[str] = None,
        as_of: Optional[Union[datetime.datetime, int]] = None,
        limit: Optional[int] = None,
    ) -> "DataScan":
        """A scan of the current snapshot, or of ``snapshot_id``, a branch or tag (``ref``) or
        the snapshot current at ``as_of`` (a datetime, or epoch milliseconds). ``row_filter``
        is floe's filter text (``"level = 'ERROR' and ts >= '2024-01-01'"``)."""
        if isinstance(as_of, datetime.datetime):
            as_of = int(as_of.timestamp() * 1000)
        columns = [] if tuple(selected_fields) == ("*",) else list(selected_fields)
        native = _floe.scan(
            self._native, columns, row_filter or "", snapshot_id, ref, as_of, limit, case_sensitive
        )
        return DataScan(self, native)

    def append(self, df: Any, branch: str = MAIN_BRANCH) -> Optional[Snapshot]:
        """Appends rows in one snapshot. ``df`` is a pyarrow Table or RecordBatchReader (read
        batch by batch, so its length is not bounded by memory), or anything with
        ``__arrow_c_stream__`` or that ``pyarrow.table`` takes. Columns are matched by name
        and cast to the table's types. Returns the new snapshot, None when there were no rows."""
        return _snapshot(self._native.append(_stream_of(df), branch))

    def overwrite(
        self,
        df: Any,
        overwrite_filter: str = "true",
        branch: str = MAIN_BRANCH,
        isolation: Optional[str] = None,
    ) -> Snapshot:
        """Replaces the rows matching ``overwrite_filter`` (all rows by default) with ``df``'s,
        in one snapshot. ``isolation``: "serializable" or "snapshot" (the table's
        ``write.delete.isolation-level`` by default)."""
        filter_text = "" if overwrite_filter in (None, "", "true") else overwrite_filter
        return _snapshot(self._native.overwrite(_stream_of(df), filter_text, branch, isolation))

    def delete(
        self,
        delete_filter: str,
        branch: str = MAIN_BRANCH,
        mode: Optional[str] = None,
        isolation: Optional[str] = None,
    ) -> DeleteResult:
        """Deletes the rows matching ``delete_filter``: whole files when their metrics prove it,
        otherwise copy-on-write or merge-on-read (``mode``; the table's
        ``write.delete.mode`` by default)."""
        d = self._native.delete(delete_filter, branch, mode, isolation)
        d["snapshot"] = _snapshot(d["snapshot"])
        return DeleteResult(**d)

    def set_properties(self, **properties: str):
        self._native.update_properties({k: str(v) for k, v in properties.items()}, [])

    def remove_properties(self, *keys: str):
        self._native.update_properties({}, list(keys))

    def update_schema(self) -> "UpdateSchema":
        """A context manager collecting schema changes; they commit together on exit."""
        return UpdateSchema(self)

    def update_spec(self) -> "UpdateSpec":
        """A context manager collecting partition spec changes; they commit together on exit."""
        return UpdateSpec(self)

    @property
    def inspect(self) -> "InspectTable":
        return InspectTable(self)


class DataScan:
    """A planned read of a table (PyIceberg's ``DataScan``)."""

    def __init__(self, table: Table, native: "_floe.Scan"):
        self.table = table
        self._native = native

    @property
    def snapshot_id(self) -> Optional[int]:
        """The snapshot read (None for a table without one)."""
        return self._native.snapshot_id

    def projection(self) -> pa.Schema:
        return pa.schema(_Capsule(schema=self._native.projection_schema()))

    def plan_files(self) -> List[FileScanTask]:
        return [
            FileScanTask(
                _data_file(d), [_data_file(x) for x in d["delete_files"]], d["residual"]
            )
            for d in self._native.plan_files()
        ]

    def to_arrow(self) -> pa.Table:
        """Every matching row, read in C++ and handed over without a copy."""
        return _reader(self._native.to_table_stream()).read_all()

    def to_arrow_batch_reader(self) -> pa.RecordBatchReader:
        """The matching rows as a stream, read as it is consumed (memory stays bounded)."""
        return _reader(self._native.to_stream())

    to_batches = to_arrow_batch_reader

    def read_files(self, file_paths: Iterable[str]) -> pa.RecordBatchReader:
        """The rows of the planned tasks of these data files only (one worker's share)."""
        return _reader(self._native.read_files(list(file_paths)))

    def to_pandas(self, **kwargs):
        return self.to_arrow().to_pandas(**kwargs)

    def count(self) -> int:
        return self.to_arrow().num_rows


class InspectTable:
    """The metadata tables of a table as Arrow tables (PyIceberg's ``table.inspect``)."""

    def __init__(self, table: Table):
        self._table = table

    def _read(self, name: str, snapshot_id: Optional[int] = None) -> pa.Table:
        return _reader(self._table._native.inspect(name, snapshot_id)).read_all()

    def snapshots(self) -> pa.Table:
        return self._read("snapshots")

    def history(self) -> pa.Table:
        return self._read("history")

    def refs(self) -> pa.Table:
        return self._read("refs")

    def metadata_log_entries(self) -> pa.Table:
        return self._read("metadata_log_entries")

    def manifests(self, snapshot_id: Optional[int] = None) -> pa.Table:
        return self._read("manifests", snapshot_id)

    def all_manifests(self) -> pa.Table:
        return self._read("all_manifests")

    def files(self, snapshot_id: Optional[int] = None) -> pa.Table:
        return self._read("files", snapshot_id)

    def data_files(self, snapshot_id: Optional[int] = None) -> pa.Table:
        return self._read("data_files", snapshot_id)

    def delete_files(self, snapshot_id: Optional[int] = None) -> pa.Table:
        return self._read("delete_files", snapshot_id)

    def all_files(self) -> pa.Table:
        return self._read("all_files")

    def all_data_files(self) -> pa.Table:
        return self._read("all_data_files")

    def all_delete_files(self) -> pa.Table:
        return self._read("all_delete_files")

    def entries(self, snapshot_id: Optional[int] = None) -> pa.Table:
        return self._read("entries", snapshot_id)

    def all_entries(self) -> pa.Table:
        return self._read("all_entries")

    def partitions(self, snapshot_id: Optional[int] = None) -> pa.Table:
        return self._read("partitions", snapshot_id)


def _type_text(field_type: Union[str, pa.DataType]) -> str:
    if isinstance(field_type, str):
        return field_type
    schema = pa.schema([pa.field("f", field_type)])
    return _floe.arrow_type_texts(schema.__arrow_c_schema__())[0]


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    return str(value)


class UpdateSchema:
    """Schema changes, committed together when the ``with`` block ends without an error.
    Types are floe's type text (``"long"``, ``"decimal(10, 2)"``, ``"struct<a: int>"``) or
    pyarrow types."""

    def __init__(self, table: Table):
        self._table = table
        self._native = _floe.update_schema(table._native)

    def __enter__(self) -> "UpdateSchema":
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()

    def commit(self):
        self._native.commit()

    def add_column(
        self,
        path: Union[str, Tuple[str, ...]],
        field_type: Union[str, pa.DataType],
        doc: Optional[str] = None,
        required: bool = False,
        default_value: Any = None,
    ) -> "UpdateSchema":
        """Adds a column; ``path`` "a.b" (or ("a", "b")) adds ``b`` to struct ``a``. A
        ``default_value`` (format v3) fills rows written before and rows that leave it out."""
        name = path if isinstance(path, str) else ".".join(path)
        default = None if default_value is None else _value_text(default_value)
        self._native.add_column(name, _type_text(field_type), doc or "", required, default)
        return self

    def set_default(self, name: str, value: Any) -> "UpdateSchema":
        """Sets (or with None removes) a column's write-default (format v3)."""
        self._native.set_default(name, None if value is None else _value_text(value))
        return self

    def delete_column(self, name: str) -> "UpdateSchema":
        self._native.delete_column(name)
        return self

    def rename_column(self, name: str, new_name: str) -> "UpdateSchema":
        self._native.rename_column(name, new_name)
        return self

    def update_column(
        self,
        name: str,
        field_type: Optional[Union[str, pa.DataType]] = None,
        required: Optional[bool] = None,
        doc: Optional[str] = None,
    ) -> "UpdateSchema":
        """Widens a column's type, makes it optional (``required=False``) or sets its doc."""
        if field_type is not None:
            self._native.update_column_type(name, _type_text(field_type))
        if required is True:
            raise _floe.InvalidError(f"column {name!r}: an optional column cannot be made required")
        if required is False:
            self._native.make_column_optional(name)
        if doc is not None:
            self._native.update_column_doc(name, doc)
        return self

    def move_first(self, name: str) -> "UpdateSchema":
        self._native.move_first(name)
        return self

    def move_before(self, name: str, before_name: str) -> "UpdateSchema":
        self._native.move_before(name, before_name)
        return self

    def move_after(self, name: str, after_name: str) -> "UpdateSchema":
        self._native.move_after(name, after_name)
        return self

    def set_identifier_fields(self, *names: str) -> "UpdateSchema":
        self._native.set_identifier_fields(list(names))
        return self


class UpdateSpec:
    """Partition spec changes, committed together when the ``with`` block ends without an
    error. Terms are floe's partition text: ``"day(ts)"``, ``"bucket(16, id)"``, ``"level"``."""

    def __init__(self, table: Table):
        self._native = _floe.update_spec(table._native)

    def __enter__(self) -> "UpdateSpec":
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()

    def commit(self):
        self._native.commit()

    def add_field(self, term: str, name: Optional[str] = None) -> "UpdateSpec":
        self._native.add_field(term, name)
        return self

    def remove_field(self, name: str) -> "UpdateSpec":
        self._native.remove_field(name)
        return self

    def rename_field(self, name: str, new_name: str) -> "UpdateSpec":
        self._native.rename_field(name, new_name)
        return self
