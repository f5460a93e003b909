"""`floe.ingest` from Python: the same exactly-once ingest as the CLI, its report as a dataclass,
and Ctrl-C abandoning the batch in flight."""
import os
import pathlib
import signal
import subprocess
import sys
import time

import pytest

import floe
from spark_tables import assert_exact, expected


@pytest.fixture
def corpus(floe_cli, tmp_path):
    out = tmp_path / "corpus"
    floe_cli.run("gen", out, "--seed", "5", "--apps", "3", "--records", "2000", "--bad-rate",
                 "0.05", "--gzip-share", "0.3")
    return out


def test_ingest_is_exact_and_reports_like_the_cli(corpus, warehouse, pyiceberg_catalog):
    catalog = floe.load_catalog("default", warehouse=str(warehouse))
    report = floe.ingest(str(corpus), table="logs.spark", catalog=catalog)
    rows, rejects = expected(corpus)
    assert isinstance(report, floe.IngestReport) and report.all_succeeded
    assert report.records == sum(rows.values()) and report.rejects == sum(rejects.values())
    # One batch: its data, rejects and processing-metadata commits.
    assert report.commits == 3 and len(report.folders) == 3
    assert all(f.status == "SUCCESS" and f.files > 0 for f in report.folders)
    assert sum(report.rejects_by_reason.values()) == report.rejects
    assert_exact(pyiceberg_catalog, corpus)
    # floe's own Python reader agrees with PyIceberg's on what was written.
    assert_exact(catalog, corpus)
    # A second run finds nothing new and commits nothing.
    again = floe.ingest(str(corpus), table="logs.spark", catalog=catalog)
    assert again.records == 0 and again.commits == 0 and again.folders == []
    assert len(catalog.load_table("logs.spark").snapshots()) == 1


def test_catalog_by_name_and_dry_run(corpus, warehouse, monkeypatch):
    monkeypatch.chdir(warehouse.parent)  # the embedded catalog's default ./warehouse
    report = floe.ingest(str(corpus), table="logs.spark", catalog="default", dry_run=True)
    assert report.dry_run and report.records == 0
    assert [f.status for f in report.folders] == ["PENDING"] * 3
    assert not floe.load_catalog().table_exists("logs.spark")


def test_ctrl_c_abandons_the_batch_and_a_rerun_is_exact(corpus, warehouse, tmp_path,
                                                         pyiceberg_catalog):
    gate = tmp_path / "gate"
    code = ("import floe\n"
            f"floe.ingest({str(corpus)!r}, table='logs.spark', "
            f"catalog=floe.load_catalog('default', warehouse={str(warehouse)!r}))\n")
    env = {**os.environ, "FLOE_PAUSEPOINT": f"before-data-commit:{gate}"}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE,
                            text=True)
    waiting = pathlib.Path(f"{gate}.waiting")
    deadline = time.monotonic() + 120
    while not waiting.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the ingest never reached its data commit"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)  # the interrupt is seen within 100 ms; then let the ingest go on
    gate.touch()
    _, err = proc.communicate(timeout=120)
    # An uncaught KeyboardInterrupt ends Python by SIGINT, as a shell expects.
    assert proc.returncode == -signal.SIGINT and "KeyboardInterrupt" in err, err
    # Nothing of the batch was committed; the next run adds every line once.
    if pyiceberg_catalog.table_exists("logs.spark"):
        assert pyiceberg_catalog.load_table("logs.spark").scan().to_arrow().num_rows == 0
    floe.ingest(str(corpus), table="logs.spark",
                catalog=floe.load_catalog("default", warehouse=str(warehouse)))
    assert_exact(pyiceberg_catalog, corpus)


def test_ingest_releases_the_gil_while_it_works(corpus, warehouse, tmp_path):
    # The ingest waits inside C++ at its data commit until the gate file exists; only another
    # Python thread creates it, which it can do only while the ingest does not hold the GIL.
    gate = tmp_path / "gate"
    code = f"""
import pathlib, threading, time, floe
gate = pathlib.Path({str(gate)!r})
catalog = floe.load_catalog('default', warehouse={str(warehouse)!r})
worker = threading.Thread(target=floe.ingest, args=({str(corpus)!r},),
                          kwargs=dict(table='logs.spark', catalog=catalog))
worker.start()
while not pathlib.Path(str(gate) + '.waiting').exists():
    time.sleep(0.01)
gate.touch()
worker.join()
print(catalog.load_table('logs.spark').scan().to_arrow().num_rows)
"""
    env = {**os.environ, "FLOE_PAUSEPOINT": f"before-data-commit:{gate}"}
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    # Held, the pause would have lasted its full minute before the ingest went on alone.
    assert time.monotonic() - start < 45
    rows, _ = expected(corpus)
    assert int(out.stdout) == sum(rows.values())
