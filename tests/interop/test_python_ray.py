"""floe on a local Ray cluster: Ray Data reads of floe tables (one task per planned data file,
deletes applied) and writes committed once from the driver, exact even when a worker dies
mid-write."""
import collections
import os
import signal

import pyarrow as pa
import pytest

import floe

ray = pytest.importorskip("ray", reason="Ray is installed by requirements-dev.txt")
import floe.ray  # noqa: E402


@pytest.fixture
def table(warehouse):
    catalog = floe.load_catalog("default", warehouse=str(warehouse))
    catalog.create_namespace("r")
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("level", pa.string())])
    return catalog.create_table("r.events", schema, partition_by="level",
                                properties={"write.delete.mode": "merge-on-read"})


def rows(n, start=0):
    ids = list(range(start, start + n))
    return pa.table({"id": pa.array(ids, pa.int64()),
                     "level": ["ERROR" if i % 5 == 0 else "INFO" for i in ids]})


def multiset(records):
    return collections.Counter((r["id"], r["level"]) for r in records)


def test_read_table_is_one_task_per_planned_file_with_deletes_applied(ray_cluster, table,
                                                                       pyiceberg_catalog):
    for k in range(3):
        table.append(rows(400, start=k * 400))
    deleted = table.delete("id >= 100 and id < 130")  # position deletes, not a rewrite
    assert deleted.delete_files_added > 0
    want = multiset(table.scan().to_arrow().to_pylist())
    assert sum(want.values()) == 1200 - 30
    assert multiset(pyiceberg_catalog.load_table("r.events").scan().to_arrow().to_pylist()) == want

    got = floe.ray.read_table(table).take_all()
    assert multiset(got) == want
    source = floe.ray.TableDatasource(table)
    assert len(source.get_read_tasks(2)) == len(table.scan().plan_files()) == 6
    # The filter prunes files by partition before any task is made.
    errors = floe.ray.TableDatasource(table, row_filter="level = 'ERROR'")
    assert len(errors.get_read_tasks(2)) == 3
    got = floe.ray.read_table(table, row_filter="level = 'ERROR'", selected_fields=("id",))
    assert sorted(r["id"] for r in got.take_all()) == sorted(
        i for (i, level) in want.elements() if level == "ERROR")
    # A snapshot id pins the read: a later append is not seen.
    first = table.snapshots()[0].snapshot_id
    assert floe.ray.read_table(table, snapshot_id=first).count() == 400


def test_dataset_written_through_the_sink_commits_once(ray_cluster, table, pyiceberg_catalog):
    data = rows(3000)
    ds = ray.data.from_arrow(data).repartition(4)
    sink = floe.ray.TableSink(table)
    ds.write_datasink(sink)
    table.refresh()
    assert len(table.snapshots()) == 1 and sink.snapshot is not None
    assert sink.snapshot.snapshot_id == table.current_snapshot().snapshot_id
    assert sink.snapshot.summary["added-records"] == "3000"
    assert multiset(pyiceberg_catalog.load_table("r.events").scan().to_arrow().to_pylist()) \
        == multiset(data.to_pylist())
    # Round trip: read back through Ray Data.
    assert multiset(floe.ray.read_table(table).take_all()) == multiset(data.to_pylist())


class DyingSink(floe.ray.TableSink):
    """Kills its worker process after writing its first task's files (before returning them),
    once: the files of that attempt are never committed, and Ray runs the task again."""

    def __init__(self, table, marker):
        super().__init__(table)
        self._marker = marker

    def write(self, blocks, ctx):
        part = super().write(blocks, ctx)
        try:
            fd = os.open(self._marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return part
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_mid_write_leaves_the_table_exact(ray_cluster, table, tmp_path,
                                                         pyiceberg_catalog):
    data = rows(2000)
    marker = tmp_path / "killed-once"
    ray.data.from_arrow(data).repartition(4).write_datasink(DyingSink(table, str(marker)))
    assert marker.exists()  # a worker did die
    table.refresh()
    assert len(table.snapshots()) == 1
    got = pyiceberg_catalog.load_table("r.events").scan().to_arrow().to_pylist()
    assert multiset(got) == multiset(data.to_pylist())
