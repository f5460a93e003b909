"""Files a killed run wrote and never committed are removed by the next run — found by the
run's file prefix and marker, never by their age — while a live run's files, and every file
the tables reference, stay."""
import json
import os
import pathlib
import signal
import socket
import subprocess
import time

from spark_tables import assert_exact
from test_ingest import generate, ingest

TABLES = ["logs.spark", "logs.spark_rejects", "logs.spark_processing_metadata"]


def referenced_files(catalog):
    """Every data file and batch record any snapshot of the three tables references."""
    out = set()
    for name in TABLES:
        table = catalog.load_table(name)
        for snapshot in table.snapshots():
            batch_file = (snapshot.summary.additional_properties or {}).get(
                "floe.ingest.batch-file")
            if batch_file:
                out.add(batch_file)
            for manifest in snapshot.manifests(table.io):
                for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=False):
                    out.add(entry.data_file.file_path)
    return {p.removeprefix("file://") for p in out}


def written_files(warehouse):
    """Data files and batch records below the tables' folders."""
    root = pathlib.Path(warehouse) / "logs.db"
    files = set(str(p) for p in root.glob("*/data/**/*.parquet"))
    files |= set(str(p) for p in root.glob("spark/metadata/floe-ingest/floe-*.json"))
    return files


def markers(warehouse):
    return sorted((pathlib.Path(warehouse) / "logs.db/spark/metadata/floe-ingest").glob("run-*"))


def test_killed_runs_leave_nothing_behind_after_the_next_run(floe, tmp_path, pyiceberg_catalog):
    corpus = generate(floe, tmp_path / "c", "--seed", "4", "--apps", "6", "--records", "3000",
                      "--bad-rate", "0.02", "--gzip-share", "0.3")
    for point in ["before-data-commit", "after-data-commit"]:
        proc = ingest(floe, corpus, "--commit-every", "2", check=False,
                      env=dict(os.environ, FLOE_FAILPOINT=point))
        assert proc.returncode == -signal.SIGKILL
        leftovers = written_files(floe.warehouse) - referenced_files(pyiceberg_catalog)
        assert leftovers, f"a kill at {point} leaves files nothing references"
        assert len(markers(floe.warehouse)) == 1
        # The next run removes them, then commits one batch and is killed in its turn.
        proc = ingest(floe, corpus, "--commit-every", "2", check=False,
                      env=dict(os.environ, FLOE_FAILPOINT="after-metadata-commit"))
        assert proc.returncode == -signal.SIGKILL
        assert not any(os.path.exists(p) for p in leftovers)
    final = json.loads(ingest(floe, corpus, "--json").stdout)
    assert final["files"] == 0  # all was committed on the way
    assert written_files(floe.warehouse) <= referenced_files(pyiceberg_catalog)
    assert markers(floe.warehouse) == []
    assert_exact(pyiceberg_catalog, corpus)


def test_the_sweep_counts_what_it_removes(floe, tmp_path, pyiceberg_catalog):
    corpus = generate(floe, tmp_path / "c", "--seed", "5", "--apps", "3", "--records", "1000",
                      "--bad-rate", "0.02")
    proc = ingest(floe, corpus, check=False, env=dict(os.environ,
                                                      FLOE_FAILPOINT="before-data-commit"))
    assert proc.returncode == -signal.SIGKILL
    leftovers = written_files(floe.warehouse) - referenced_files(pyiceberg_catalog)
    assert any(p.endswith(".parquet") for p in leftovers)
    assert any(p.endswith(".json") for p in leftovers)  # the uncommitted batch record
    report = json.loads(ingest(floe, corpus, "--json").stdout)
    assert report["swept_files"] == len(leftovers)
    assert not any(os.path.exists(p) for p in leftovers)
    assert written_files(floe.warehouse) <= referenced_files(pyiceberg_catalog)


def _process_start(pid):
    stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2:].split()[19])


def _marker(warehouse, job, prefix_file, **fields):
    runs = pathlib.Path(warehouse) / "logs.db/spark/metadata/floe-ingest"
    runs.mkdir(parents=True, exist_ok=True)
    (runs / f"run-{job}.json").write_text(json.dumps(dict({"job-id": job,
                                                      "file-prefix": f"floe-{job}-"}, **fields)))
    leftover = pathlib.Path(warehouse) / "logs.db/spark/data" / f"floe-{job}-{prefix_file}"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(b"PAR1 not committed")
    return leftover


def test_only_dead_runs_are_swept(floe, tmp_path, pyiceberg_catalog):
    corpus = generate(floe, tmp_path / "c", "--seed", "6", "--apps", "2", "--records", "300")
    ingest(floe, corpus)  # the tables exist
    boot_id = pathlib.Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    host = socket.gethostname()
    now_ms = int(time.time() * 1000)
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        live_here = _marker(floe.warehouse, "live-here", "a.parquet", host=host,
                            **{"boot-id": boot_id, "pid": sleeper.pid,
                               "pid-start": _process_start(sleeper.pid)})
        reused_pid = _marker(floe.warehouse, "reused-pid", "b.parquet", host=host,
                             **{"boot-id": boot_id, "pid": sleeper.pid,
                                "pid-start": _process_start(sleeper.pid) - 1})
        # A live run whose job id starts with the dead one's: its files share that prefix.
        live_longer = _marker(floe.warehouse, "reused-pid-2", "e.parquet", host=host,
                              **{"boot-id": boot_id, "pid": sleeper.pid,
                                 "pid-start": _process_start(sleeper.pid)})
        live_there = _marker(floe.warehouse, "live-there", "c.parquet", host="other-host",
                             **{"boot-id": "x", "pid": 1, "pid-start": 1,
                                "heartbeat-ms": now_ms - 60_000})
        stale_there = _marker(floe.warehouse, "stale-there", "d.parquet", host="other-host",
                              **{"boot-id": "x", "pid": 1, "pid-start": 1,
                                 "heartbeat-ms": now_ms - 11 * 60_000})
        report = json.loads(ingest(floe, corpus, "--json").stdout)
        assert report["swept_files"] == 2
        assert live_here.exists() and live_there.exists() and live_longer.exists()
        assert not reused_pid.exists() and not stale_there.exists()
        names = {p.name for p in markers(floe.warehouse)}
        assert names == {"run-live-here.json", "run-live-there.json", "run-reused-pid-2.json"}
    finally:
        sleeper.kill()
        sleeper.wait()


def test_files_of_a_commit_without_an_answer_are_judged_by_the_next_run(floe, tmp_path,
                                                                         pyiceberg_catalog):
    corpus = generate(floe, tmp_path / "c", "--seed", "8", "--apps", "3", "--records", "1000",
                      "--bad-rate", "0.02")
    # The catalog never applied the data commit, and floe was not told: it cannot know whether
    # the table holds the batch, so it deletes nothing and leaves its marker up.
    proc = ingest(floe, corpus, check=False,
                  env=dict(os.environ, FLOE_FAILPOINT="data-commit-unanswered"))
    assert proc.returncode != 0
    assert "no answer from the catalog" in proc.stderr, proc.stderr
    leftovers = written_files(floe.warehouse) - referenced_files(pyiceberg_catalog)
    assert any(p.endswith(".parquet") for p in leftovers)
    assert len(markers(floe.warehouse)) == 1
    # The next run sees the batch is not in the table: it removes its files and reads all.
    report = json.loads(ingest(floe, corpus, "--json").stdout)
    assert report["swept_files"] == len(leftovers)
    assert not any(os.path.exists(p) for p in leftovers)
    assert markers(floe.warehouse) == []
    assert written_files(floe.warehouse) <= referenced_files(pyiceberg_catalog)
    assert_exact(pyiceberg_catalog, corpus)
