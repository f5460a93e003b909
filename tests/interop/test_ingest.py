"""floe ingest end to end: a generated corpus of Spark log folders, checked against an
expectation computed independently of the ingest code (spark_logs_expect.py), read back
through PyIceberg and DuckDB; re-runs, late files, failed folders, and crashes."""
import collections
import json
import os
import pathlib
import random
import signal
import subprocess
import time

import pytest

from spark_logs_expect import expected_rejected_lines
from spark_tables import as_key, data_multiset, expected, reject_multiset, reject_raw


def generate(floe, out, *args):
    floe.run("gen", out, *args)
    return out


def ingest(floe, source, *args, check=True, env=None):
    return floe.run("ingest", source, "--table", "logs.spark", *args, check=check, env=env)


def statuses(floe):
    return {s["folder"]: s for s in floe.json("status", "logs.spark")}


@pytest.fixture
def corpus(floe, tmp_path):
    return generate(floe, tmp_path / "corpus", "--seed", "11", "--apps", "4", "--records", "3000",
                    "--bad-rate", "0.05", "--gzip-share", "0.3", "--zstd-share", "0.2",
                    "--decoys", "3")


def test_ingest_matches_independent_expectation(floe, corpus, pyiceberg_catalog):
    proc = ingest(floe, corpus, "--json")
    summary = json.loads(proc.stdout)
    want_rows, want_rejects = expected(corpus)
    assert sum(want_rows.values()) > 1000 and sum(want_rejects.values()) > 50
    assert data_multiset(pyiceberg_catalog) == want_rows
    assert reject_multiset(pyiceberg_catalog) == want_rejects
    assert summary["total_records_processed"] == sum(want_rows.values())
    by_reason = collections.Counter()
    for (_, _, _, reason), n in want_rejects.items():
        by_reason[reason] += n
    assert summary["rejects_by_reason"] == dict(by_reason)
    apps = sorted(p.name for p in pathlib.Path(corpus).iterdir()
                  if p.is_dir() and p.name.startswith("spark-"))
    assert sorted(summary["successful_folders"]) == apps and summary["failed_folders"] == []
    st = statuses(floe)
    assert sorted(st) == apps  # decoys never appear
    assert all(s["status"] == "SUCCESS" for s in st.values())
    # One data commit for the whole run.
    assert len(pyiceberg_catalog.load_table("logs.spark").snapshots()) == 1
    # Rejected lines keep their exact bytes (test_ingest_rejects.py has the hard cases).
    assert reject_raw(pyiceberg_catalog) == expected_rejected_lines(corpus)


def test_rerun_commits_nothing_and_late_file_is_ingested_alone(floe, corpus, pyiceberg_catalog,
                                                              tmp_path):
    ingest(floe, corpus)
    tables = ["logs.spark", "logs.spark_rejects", "logs.spark_processing_metadata"]
    before = {t: len(pyiceberg_catalog.load_table(t).snapshots()) for t in tables}
    again = json.loads(ingest(floe, corpus, "--json").stdout)
    assert again["folders"] == [] and again["commits"] == 0
    assert {t: len(pyiceberg_catalog.load_table(t).snapshots()) for t in tables} == before
    # A late file in a SUCCESS folder.
    app = sorted(p for p in pathlib.Path(corpus).iterdir() if p.name.startswith("spark-"))[0]
    sample = next(l for l in open(next(app.rglob("*.json")), "rb").read().splitlines()
                  if l.startswith(b"{") and b'"timestamp"' in l)
    late = app / "late-pod" / "late-pod_20250101_x.json"
    late.parent.mkdir()
    record = json.loads(sample)
    record["message"] = "late line"
    late.write_text(json.dumps(record) + "\n")
    count_before = sum(data_multiset(pyiceberg_catalog).values())
    third = json.loads(ingest(floe, corpus, "--json").stdout)
    assert [f["folder"] for f in third["folders"]] == [app.name]
    assert third["folders"][0]["files"] == 1 and third["total_records_processed"] == 1
    rows, _ = expected(corpus)
    assert data_multiset(pyiceberg_catalog) == rows
    assert sum(rows.values()) == count_before + 1


def test_failed_folder_is_reported_and_retried(floe, corpus, pyiceberg_catalog):
    apps = sorted(p for p in pathlib.Path(corpus).iterdir() if p.name.startswith("spark-"))
    broken = apps[1] / "broken-pod" / "broken.json"
    broken.parent.mkdir()
    broken.write_bytes(b"\x1f\x8b\x08\x00garbage that is not gzip")
    only_bad = pathlib.Path(corpus) / "spark-00000000000000000000000000000bad"
    only_bad.mkdir()
    (only_bad / "x.json").write_text('{"not": "a log"}\n[1,2]\n')
    proc = ingest(floe, corpus, "--json", check=False)
    assert proc.returncode == 1
    summary = json.loads(proc.stdout)
    assert sorted(summary["failed_folders"]) == sorted([apps[1].name, only_bad.name])
    st = statuses(floe)
    assert st[apps[1].name]["status"] == "FAILED" and "broken.json" in st[apps[1].name]["error_message"]
    assert st[only_bad.name]["error_message"] == "No valid records found"
    assert st[apps[0].name]["status"] == "SUCCESS"
    # Fix the file: the failed folder is retried and succeeds; the rest is not read again.
    broken.unlink()
    second = json.loads(ingest(floe, corpus, "--json").stdout)
    assert [f["folder"] for f in second["folders"]] == [apps[1].name]
    assert statuses(floe)[apps[1].name]["status"] == "SUCCESS"
    rows, rejects = expected(corpus)
    assert data_multiset(pyiceberg_catalog) == rows
    assert reject_multiset(pyiceberg_catalog) == rejects


@pytest.mark.parametrize("point", ["before-data-commit", "after-data-commit",
                                   "after-rejects-commit", "after-metadata-commit"])
def test_crash_at_each_commit_boundary_then_rerun_is_exact(floe, corpus, pyiceberg_catalog, point):
    env = dict(os.environ, FLOE_FAILPOINT=point)
    proc = ingest(floe, corpus, "--commit-every", "2", check=False, env=env)
    assert proc.returncode == -signal.SIGKILL
    ingest(floe, corpus)
    rows, rejects = expected(corpus)
    assert data_multiset(pyiceberg_catalog) == rows
    assert reject_multiset(pyiceberg_catalog) == rejects
    st = statuses(floe)
    assert all(s["status"] == "SUCCESS" for s in st.values()) and len(st) == 4


def test_sigkill_at_random_moments_then_finish_is_exact(floe, tmp_path, pyiceberg_catalog):
    corpus = generate(floe, tmp_path / "big", "--seed", "5", "--apps", "12", "--records", "8000",
                      "--bad-rate", "0.02", "--gzip-share", "0.3", "--zstd-share", "0.2")
    rnd = random.Random(1234)
    kills = 0
    # Kill at a random moment within the time a whole run takes (measured on a scratch
    # warehouse); once a run is let finish, the window follows the (no-op) runs after it.
    start = time.monotonic()
    subprocess.run([floe.bin, "ingest", str(corpus), "--table", "logs.spark", "--warehouse",
                    str(tmp_path / "scratch")], check=True, capture_output=True)
    window = (time.monotonic() - start) * 0.6
    stages = set()  # data snapshots seen after each kill: the crashes hit different batches
    for attempt in range(200):
        start = time.monotonic()
        proc = subprocess.Popen([floe.bin, "ingest", str(corpus), "--table", "logs.spark",
                                 "--commit-every", "1", "--warehouse", str(floe.warehouse)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rnd.uniform(0, window))
            window = max(0.01, (time.monotonic() - start) * 1.2)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
            if pyiceberg_catalog.table_exists("logs.spark"):
                stages.add(len(pyiceberg_catalog.load_table("logs.spark").snapshots()))
        if kills >= 10:
            break
    assert kills >= 10
    assert len(stages) >= 2, stages
    ingest(floe, corpus)
    rows, rejects = expected(corpus)
    assert data_multiset(pyiceberg_catalog) == rows
    assert reject_multiset(pyiceberg_catalog) == rejects


def test_tables_scan_identically_in_pyiceberg_and_duckdb(floe, corpus, pyiceberg_catalog, duck):
    ingest(floe, corpus)
    for name in ["logs.spark", "logs.spark_rejects", "logs.spark_processing_metadata"]:
        table = pyiceberg_catalog.load_table(name)
        py = table.scan().to_arrow()
        rel = duck.execute(f"SELECT * FROM iceberg_scan('{table.metadata_location}')")
        cols = [d[0] for d in rel.description]
        assert cols == py.column_names
        key = lambda r: json.dumps([str(v) for v in r])
        duck_rows = sorted((tuple(r) for r in rel.fetchall()), key=key)
        py_rows = sorted((tuple(r[c] for c in cols) for r in py.to_pylist()), key=key)
        assert len(duck_rows) == len(py_rows)
        assert [key(r) for r in duck_rows] == [key(r) for r in py_rows]


def test_report_and_dry_run(floe, corpus, pyiceberg_catalog):
    dry = json.loads(ingest(floe, corpus, "--dry-run", "--json").stdout)
    assert len(dry["folders"]) == 4 and all(f["status"] == "PENDING" for f in dry["folders"])
    assert not (floe.warehouse / "logs.db").exists() or not pyiceberg_catalog.table_exists("logs.spark")
    ingest(floe, corpus)
    report = floe.json("report", "logs.spark")
    rows, _ = expected(corpus)
    keys = list(rows.elements())
    assert report["total_records"] == len(keys)
    assert report["unique_apps"] == len({k[5] for k in keys})
    assert report["unique_pods"] == len({k[3] for k in keys})
    levels = collections.Counter(k[1] for k in keys)
    assert report["log_levels"] == dict(levels)
    assert len(report["samples"]) == 5


def test_commit_every_folders_or_bytes(floe, corpus, pyiceberg_catalog):
    summary = json.loads(ingest(floe, corpus, "--commit-every", "3", "--json").stdout)
    data = pyiceberg_catalog.load_table("logs.spark")
    assert len(data.snapshots()) == 2  # 4 folders, 3 per commit
    assert summary["commits"] == 6     # data, rejects and metadata per batch
    # A size limit smaller than any folder gives one folder per commit.
    floe.run("table", "drop", "logs.spark", "--purge")
    floe.run("table", "drop", "logs.spark_rejects", "--purge")
    floe.run("table", "drop", "logs.spark_processing_metadata", "--purge")
    ingest(floe, corpus, "--commit-every", "1KB")
    assert len(pyiceberg_catalog.load_table("logs.spark").snapshots()) == 4
    rows, _ = expected(corpus)
    assert data_multiset(pyiceberg_catalog) == rows
    bad = ingest(floe, corpus, "--commit-every", "ten", check=False)
    assert bad.returncode == 2
