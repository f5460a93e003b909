"""floe on Ray: distributed ingest committed once, Ray Data reads of floe tables and writes
into them, committed once.

``ingest`` plans on the driver (what is new, from the table's ledger), reads the new files in
one Ray task per shard — each writing data and reject files through floe's C++ ingest and
returning their descriptors — and commits every shard's files in one snapshot from the driver,
with the batch record ``floe ingest`` writes.
``read_table`` plans a scan on the driver and makes one read task per data file (pruned by
the filter, as the scan plans them); each task opens the table in its worker and reads its
files through floe's C++ reader. ``TableSink`` writes each write task's blocks as data files in
the worker and commits every task's files in one snapshot from the driver; files of a failed
write are deleted, and a task that failed or was retried contributes only its successful
attempt's files."""

import os
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

import pyarrow as pa

import floe
from floe import _floe
from floe._identifiers import Identifier
from floe.catalog import Catalog, load_catalog
from floe.ingest import IngestReport
from floe.ingest import _args as _ingest_args
from floe.ingest import _report as _ingest_report
from floe.table import Table

try:
    import ray.data
    from ray.data.block import BlockMetadata
    from ray.data.datasource import Datasink, Datasource, ReadTask
except ImportError as err:  # pragma: no cover - the message is the point
    raise ImportError("floe.ray needs Ray Data: pip install 'floe[ray]'") from err


@dataclass(frozen=True)
class CatalogRef:
    """What a worker needs to open the catalog the driver has: its name and the properties it
    was opened with (a relative warehouse made absolute). Picklable."""

    name: str
    properties: Tuple[Tuple[str, str], ...]

    @staticmethod
    def of(catalog: Catalog) -> "CatalogRef":
        props = dict(catalog.properties)
        if not {"type", "uri"} & props.keys():
            warehouse = props.get("warehouse", "warehouse")
            if "://" not in warehouse:
                props["warehouse"] = os.path.abspath(warehouse)
        return CatalogRef(catalog.name, tuple(sorted(props.items())))

    def load(self) -> Catalog:
        return floe.load_catalog(self.name, **dict(self.properties))


@dataclass(frozen=True)
class TableRef:
    """A catalog reference and a table's identifier: what a worker opens the table by."""

    catalog: CatalogRef
    identifier: Tuple[str, ...]

    @staticmethod
    def of(table: Table) -> "TableRef":
        return TableRef(CatalogRef.of(table.catalog), table.identifier)

    def load(self) -> Table:
        return self.catalog.load().load_table(self.identifier)


@ray.remote
def _read_shard(catalog: CatalogRef, shard: bytes, threads: int) -> bytes:
    return _floe.read_shard(catalog.load()._native, shard, threads)


def ingest(
    source: str,
    table: Identifier,
    catalog: Union[Catalog, str, None] = None,
    *,
    num_workers: int = 2,
    threads_per_worker: int = 1,
    partition_by: str = "",
    rejects: bool = True,
    job_id: str = "",
    reingest_changed: bool = False,
    max_line_bytes: Optional[int] = None,
    max_retries: int = 3,
    ray_remote_args: Optional[Dict[str, Any]] = None,
) -> IngestReport:
    """``floe.ingest`` spread over a Ray cluster, in one commit.

    The driver lists ``source`` and the table's ledger, splits the new files into up to
    ``num_workers`` shards of about equal size and runs one Ray task per shard
    (``threads_per_worker`` CPUs and reader threads each); every task reads its files with
    floe's C++ ingest and returns the descriptors of the data and reject files it wrote. The
    driver then commits all of them in one snapshot with the batch record ``floe ingest``
    writes: a later ``floe ingest`` or ``floe.ray.ingest`` goes on from it exactly once, and an
    ingest of the same files committed meanwhile makes this one fail with nothing added.

    A task that fails or whose worker dies is run again (up to ``max_retries`` times); files
    of abandoned attempts are never committed and are deleted after the commit (or, should the
    driver die, by the next ingest of the table). If a shard cannot be read at all, nothing is
    committed and the shard's error is raised. ``ray_remote_args`` go to the tasks'
    ``.options()`` (resources, ``runtime_env``, scheduling). Workers open ``catalog`` with the
    driver's properties (``catalog`` a loaded catalog or a name); the other options are those
    of ``floe.ingest``."""
    if not isinstance(catalog, Catalog):
        catalog = load_catalog(catalog)
    if num_workers < 1 or threads_per_worker < 1:
        raise ValueError("num_workers and threads_per_worker must be at least 1")
    args = _ingest_args(source, table, partition_by=partition_by, rejects=rejects,
                        job_id=job_id, reingest_changed=reingest_changed,
                        max_line_bytes=max_line_bytes)
    coordinator = _floe.start_distributed_ingest(catalog._native, args, num_workers)
    options = {"num_cpus": threads_per_worker, "max_retries": max_retries,
               "retry_exceptions": True, **(ray_remote_args or {})}
    task = _read_shard.options(**options)
    ref = CatalogRef.of(catalog)
    pending = [task.remote(ref, shard, threads_per_worker) for shard in coordinator.shards]
    try:
        while pending:
            done, pending = ray.wait(pending, num_returns=1)
            coordinator.add_shard_result(ray.get(done[0]))
    except BaseException:
        # Nothing is committed; once no task can still write, every file of the run goes.
        for left in pending:
            ray.cancel(left, force=True)
        ray.wait(pending, num_returns=len(pending), timeout=_CANCEL_WAIT_S)
        coordinator.abort()
        raise
    return _ingest_report(coordinator.commit())


# How long an abandoned ingest waits for its cancelled tasks to end before deleting their files.
_CANCEL_WAIT_S = 60.0


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
