"""floe on Ray: Ray Data reads of floe tables and writes into them, committed once.

``read_table`` plans a scan on the driver and makes one read task per data file (pruned by
the filter, as the scan plans them); each task opens the table in its worker and reads its
files through floe's C++ reader. ``TableSink`` writes each write task's blocks as data files in
the worker and commits every task's files in one snapshot from the driver; files of a failed
write are deleted, and a task that failed or was retried contributes only its successful
attempt's files."""

import os
from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple

import pyarrow as pa

import floe
from floe.table import Table

try:
    import ray.data
    from ray.data.block import BlockMetadata
    from ray.data.datasource import Datasink, Datasource, ReadTask
except ImportError as err:  # pragma: no cover - the message is the point
    raise ImportError("floe.ray needs Ray Data: pip install 'floe[ray]'") from err


@dataclass(frozen=True)
class TableRef:
    """What a worker needs to open the table the driver has: the catalog's name and the
    properties it was opened with (a relative warehouse made absolute), and the table's
    identifier. Picklable."""

    catalog_name: str
    catalog_properties: Tuple[Tuple[str, str], ...]
    identifier: Tuple[str, ...]

    @staticmethod
    def of(table: Table) -> "TableRef":
        props = dict(table.catalog.properties)
        if not {"type", "uri"} & props.keys():
            warehouse = props.get("warehouse", "warehouse")
            if "://" not in warehouse:
                props["warehouse"] = os.path.abspath(warehouse)
        return TableRef(table.catalog.name, tuple(sorted(props.items())), table.identifier)

    def load(self) -> Table:
        catalog = floe.load_catalog(self.catalog_name, **dict(self.catalog_properties))
        return catalog.load_table(self.identifier)


class TableDatasource(Datasource):
    """A floe table as a Ray Data source (see ``read_table``)."""

    def __init__(self, table: Table, row_filter: str = "", selected_fields=("*",),
                 snapshot_id: Optional[int] = None, ref: Optional[str] = None):
        self._ref = TableRef.of(table)
        scan = table.scan(row_filter=row_filter, selected_fields=selected_fields,
                          snapshot_id=snapshot_id, ref=ref)
        # Every task reads the snapshot planned here, whatever commits meanwhile.
        self._scan_args = dict(row_filter=row_filter, selected_fields=tuple(selected_fields),
                               snapshot_id=scan.snapshot_id)
        self._schema = scan.projection()
        self._tasks = scan.plan_files() if scan.snapshot_id is not None else []

    def estimate_inmemory_data_size(self) -> Optional[int]:
        return sum(t.file.file_size_in_bytes for t in self._tasks)

    def get_read_tasks(self, parallelism: int, per_task_row_limit: Optional[int] = None,
                       data_context=None) -> List[ReadTask]:
        ref, scan_args, schema = self._ref, self._scan_args, self._schema

        def read(paths: Tuple[str, ...]) -> Iterable[pa.Table]:
            reader = ref.load().scan(**scan_args).read_files(paths)
            for batch in reader:
                yield pa.Table.from_batches([batch], schema=reader.schema)

        read_tasks = []
        for task in self._tasks:
            exact = not task.delete_files and task.residual == "true"
            metadata = BlockMetadata(
                num_rows=task.file.record_count if exact else None,
                size_bytes=task.file.file_size_in_bytes, exec_stats=None,
                input_files=(task.file.file_path,))
            paths = (task.file.file_path,)
            read_tasks.append(ReadTask(lambda paths=paths: read(paths), metadata, schema=schema,
                                       per_task_row_limit=per_task_row_limit))
        return read_tasks


def read_table(table: Table, row_filter: str = "", selected_fields=("*",),
               snapshot_id: Optional[int] = None, ref: Optional[str] = None,
               **read_args) -> "ray.data.Dataset":
    """A Ray Dataset of a table's rows: one read task per data file the scan plans (pruned by
    ``row_filter``), each reading its file with the table's delete files applied."""
    source = TableDatasource(table, row_filter=row_filter, selected_fields=selected_fields,
                             snapshot_id=snapshot_id, ref=ref)
    return ray.data.read_datasource(source, **read_args)


class TableSink(Datasink):
    """Writes a Ray Dataset into a floe table in one append snapshot:
    ``dataset.write_datasink(floe.ray.TableSink(table))``. Columns are matched by name and cast
    to the table's types, as ``Table.append`` does."""

    def __init__(self, table: Table, branch: str = "main"):
        self._ref = TableRef.of(table)
        self._branch = branch
        self.snapshot: Optional[floe.table.Snapshot] = None

    def get_name(self) -> str:
        return f"floe({'.'.join(self._ref.identifier)})"

    def write(self, blocks: Iterable, ctx) -> bytes:
        """One write task: its blocks as data files (not committed), returned as the bytes
        the driver commits; empty when the task had no rows."""
        batches = (batch for block in blocks for batch in pa.table(block).to_batches())
        first = next(batches, None)
        if first is None:
            return b""
        reader = pa.RecordBatchReader.from_batches(first.schema, _chain(first, batches))
        return self._ref.load()._native.write_data_files(reader.__arrow_c_stream__())

    def on_write_complete(self, write_result) -> None:
        parts = [part for part in write_result.write_returns if part]
        table = self._ref.load()
        snapshot = table._native.commit_data_files(parts, self._branch)
        self.snapshot = floe.table._snapshot(snapshot)

    def on_write_failed(self, error: Exception) -> None:
        # Nothing is committed. Ray Data hands the driver no results of a failed write, so the
        # files its finished tasks wrote are left for `floe table remove-orphan-files`.
        return None


def _chain(first, rest):
    yield first
    yield from rest
