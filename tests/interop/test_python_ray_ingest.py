"""`floe.ray.ingest` on a local Ray cluster: shards read by Ray tasks, committed once by the
driver with the CLI's batch record — exact against the corpus's expectation, exact when a
worker is SIGKILLed mid-shard (its files removed), and refused when a CLI ingest of the same
files commits first."""
import os
import pathlib
import signal
import threading
import time

import pytest

import floe
from spark_tables import assert_exact, expected

pytest.importorskip("ray", reason="Ray is installed by requirements-dev.txt")
import floe.ray  # noqa: E402


@pytest.fixture
def corpus(floe_cli, tmp_path):
    out = tmp_path / "corpus"
    floe_cli.run("gen", out, "--seed", "13", "--apps", "3", "--records", "2000", "--bad-rate",
             "0.05", "--gzip-share", "0.3")
    return out


@pytest.fixture
def catalog(warehouse):
    return floe.load_catalog("default", warehouse=str(warehouse))


def unreferenced_files(catalog, warehouse):
    """Files below the data table's folder that no snapshot of it references."""
    table = catalog.load_table("logs.spark")
    referenced = {pathlib.Path(p).name for p in
                  table.inspect.all_files().column("file_path").to_pylist()}
    data = warehouse / "logs.db" / "spark" / "data"
    assert data.is_dir(), data
    return sorted(p for p in data.rglob("*") if p.is_file() and p.name not in referenced)


def held_shards(gate):
    """Ray task options that hold every shard read after it wrote its files, until `gate`
    exists (FLOE_PAUSEPOINT, in the tasks' workers only)."""
    return {"runtime_env": {"env_vars": {"FLOE_PAUSEPOINT": f"shard-read:{gate}"}}}


def wait_for_waiting(gate, timeout=120):
    """The pid a held shard read wrote into `<gate>.waiting`."""
    waiting = pathlib.Path(f"{gate}.waiting")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = waiting.read_text().strip() if waiting.exists() else ""
        if text:
            return int(text)
        time.sleep(0.05)
    raise AssertionError("no shard read reached its hold")


def test_shards_on_ray_commit_once_and_exactly(ray_cluster, corpus, catalog, warehouse,
                                               pyiceberg_catalog, floe_cli):
    report = floe_ray_ingest(corpus, catalog)
    rows, rejects = expected(corpus)
    assert isinstance(report, floe.IngestReport) and report.all_succeeded
    assert report.records == sum(rows.values()) and report.rejects == sum(rejects.values())
    assert report.commits == 3 and len(report.folders) == 3 and report.swept_files == 0
    assert len(catalog.load_table("logs.spark").snapshots()) == 1
    assert_exact(pyiceberg_catalog, corpus)
    assert unreferenced_files(catalog, warehouse) == []
    # The batch record is the CLI's: `floe ingest` afterwards finds nothing new.
    again = floe_cli.json("ingest", corpus, "--table", "logs.spark")
    assert again["total_records_processed"] == 0 and again["successful_folders"] == []


def test_a_worker_killed_mid_shard_leaves_the_table_exact(ray_cluster, corpus, catalog,
                                                          warehouse, tmp_path, pyiceberg_catalog):
    gate = tmp_path / "gate"
    killed = []

    def kill_one_reader():
        pid = wait_for_waiting(gate)
        os.kill(pid, signal.SIGKILL)  # after it wrote its files, before it handed them over
        killed.append(pid)
        gate.touch()  # the retried read, and the other shard, go on

    killer = threading.Thread(target=kill_one_reader)
    killer.start()
    report = floe_ray_ingest(corpus, catalog, ray_remote_args=held_shards(gate))
    killer.join()
    assert killed
    assert report.all_succeeded and len(catalog.load_table("logs.spark").snapshots()) == 1
    assert_exact(pyiceberg_catalog, corpus)
    # The killed attempt's files were never committed, and are gone.
    assert report.swept_files > 0
    assert unreferenced_files(catalog, warehouse) == []


def test_a_cli_ingest_committed_meanwhile_refuses_the_ray_commit(ray_cluster, corpus, catalog,
                                                                  warehouse, tmp_path, floe_cli,
                                                                  pyiceberg_catalog):
    gate = tmp_path / "gate"
    outcome = {}

    def ray_ingest():
        try:
            outcome["report"] = floe_ray_ingest(corpus, catalog,
                                                ray_remote_args=held_shards(gate))
        except Exception as e:  # noqa: BLE001 — the test looks at what was raised
            outcome["error"] = e

    worker = threading.Thread(target=ray_ingest)
    worker.start()
    wait_for_waiting(gate)  # the shards are read, not yet committed
    cli = floe_cli.json("ingest", corpus, "--table", "logs.spark")
    assert len(cli["successful_folders"]) == 3
    gate.touch()
    worker.join(timeout=300)
    assert "report" not in outcome, outcome
    assert isinstance(outcome["error"], floe.FloeError)
    assert "ingested meanwhile by another run" in str(outcome["error"])
    # The CLI's batch alone, once; the refused run left no file behind.
    assert len(catalog.load_table("logs.spark").snapshots()) == 1
    assert_exact(pyiceberg_catalog, corpus)
    assert unreferenced_files(catalog, warehouse) == []


def floe_ray_ingest(corpus, catalog, **options):
    return floe.ray.ingest(str(corpus), "logs.spark", catalog, num_workers=2, **options)
