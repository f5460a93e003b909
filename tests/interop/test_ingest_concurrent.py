"""Several `floe ingest` runs started together on one corpus and one table: a file is taken by
exactly one of them, every loser says it lost to another run and leaves nothing behind, and a
plain run afterwards finishes with exactly the expected rows and rejects (spark_logs_expect.py),
read back through PyIceberg."""
import collections
import json
import pathlib
import subprocess

import pytest

from spark_tables import TABLE, data_multiset, expected, reject_multiset

LOST = "was ingested meanwhile by another run"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from conftest import Floe

    out = tmp_path_factory.mktemp("concurrent") / "corpus"
    # About 40 MB in 12 folders: a run takes long enough that runs started together overlap.
    Floe(tmp_path_factory.mktemp("gen-wh")).run(
        "gen", out, "--seed", "21", "--apps", "12", "--executors", "2", "--size", "40MB",
        "--bad-rate", "0.01", "--gzip-share", "0.3", "--zstd-share", "0.2")
    return out


@pytest.fixture(scope="module")
def want(corpus):
    return expected(corpus)


def start_together(floe, corpus, n, *args):
    """Starts n ingests of the corpus into one table at once; (exit code, stdout, stderr) each."""
    cmd = [floe.bin, "ingest", str(corpus), "--table", TABLE, "--warehouse", str(floe.warehouse),
           "--threads", "1", *args]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(n)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        results.append((p.returncode, out, err))
    return results


def batches_in_history(catalog, table):
    """Batch id of each snapshot of a table that names one, oldest first."""
    snaps = catalog.load_table(table).snapshots()
    return [s.summary.additional_properties.get("floe.ingest.batch-id") for s in snaps]


def check_no_line_twice(catalog, want_rows, want_rejects):
    """What the runs committed is a part of the expectation: no row or reject twice."""
    got_rows, got_rejects = data_multiset(catalog), reject_multiset(catalog)
    assert not got_rows - want_rows, "rows beyond the expectation (a line ingested twice?)"
    assert not got_rejects - want_rejects, "rejects beyond the expectation"


@pytest.mark.parametrize("runs, commit_every", [(2, None), (4, None), (4, "3")])
def test_concurrent_runs_never_take_a_file_twice(floe, corpus, want, pyiceberg_catalog, runs,
                                                 commit_every):
    want_rows, want_rejects = want
    args = ["--json"] + (["--commit-every", commit_every] if commit_every else [])
    results = start_together(floe, corpus, runs, *args)
    codes = [code for code, _, _ in results]
    winners = [r for r in results if r[0] == 0]
    losers = [r for r in results if r[0] != 0]
    assert winners, f"no run succeeded: {codes}\n" + "\n".join(err for _, _, err in results)
    assert losers, f"the runs did not overlap, nothing was tested: {codes}"
    for code, out, err in losers:
        # A loser fails whole (exit 1) and names the file it lost and why.
        assert code == 1, (code, err)
        assert LOST in err, err
        assert "run again" in err, err
    check_no_line_twice(pyiceberg_catalog, want_rows, want_rejects)
    # Every data snapshot is one batch; batch ids are never repeated, and each one the data
    # table holds is in the rejects and processing-metadata tables too.
    data_batches = batches_in_history(pyiceberg_catalog, TABLE)
    assert all(data_batches) and len(set(data_batches)) == len(data_batches)
    meta_batches = set(batches_in_history(pyiceberg_catalog, TABLE + "_processing_metadata"))
    reject_batches = set(batches_in_history(pyiceberg_catalog, TABLE + "_rejects"))
    assert set(data_batches) <= meta_batches
    assert set(data_batches) <= reject_batches | {None}
    # The winners' summaries account for every record the table holds: a loser's batch left no
    # row behind.
    committed = sum(json.loads(out)["total_records_processed"] for _, out, _ in winners)
    assert committed == sum(data_multiset(pyiceberg_catalog).values())
    # A loser deleted what it had written: every Parquet file on disk is a live file of its
    # table, and the only batch records are the committed ones.
    for name in (TABLE, TABLE + "_rejects"):
        table = pyiceberg_catalog.load_table(name)
        live = {f["file_path"].removeprefix("file://") for f in table.inspect.files().to_pylist()}
        root = pathlib.Path(table.location().removeprefix("file://"))
        assert {str(p) for p in (root / "data").rglob("*.parquet")} == live, name
    data = pyiceberg_catalog.load_table(TABLE)
    records = pathlib.Path(data.location().removeprefix("file://")) / "metadata" / "floe-ingest"
    # Batch records are named floe-<batch id>.json.
    want = sorted(f"floe-{b}" for b in data_batches)
    assert sorted(p.stem for p in records.glob("*.json")) == want

    # A plain run afterwards ingests what the losers left (here: nothing, the winners took it
    # all) and the tables end exactly as one run would leave them.
    final = json.loads(floe.run("ingest", corpus, "--table", TABLE, "--json").stdout)
    assert final["failed_folders"] == []
    assert data_multiset(pyiceberg_catalog) == want_rows
    assert reject_multiset(pyiceberg_catalog) == want_rejects
    status = {s["folder"]: s["status"] for s in floe.json("status", TABLE)}
    assert collections.Counter(status.values()) == {"SUCCESS": 12}


def test_runs_on_disjoint_folders_at_once_both_land(floe, tmp_path, pyiceberg_catalog):
    """Two runs on two corpora into one table race on every commit but share no file: both
    succeed, after retries, and the table holds both corpora exactly."""
    sources = []
    for seed in (31, 32):
        out = tmp_path / f"c{seed}"
        floe.run("gen", out, "--seed", seed, "--apps", "6", "--size", "12MB", "--bad-rate", "0.02")
        sources.append(out)
    cmd = lambda src: [floe.bin, "ingest", str(src), "--table", TABLE, "--commit-every", "1",
                       "--threads", "1", "--warehouse", str(floe.warehouse)]
    procs = [subprocess.Popen(cmd(s), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for s in sources]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    want_rows, want_rejects = collections.Counter(), collections.Counter()
    for s in sources:
        rows, rejects = expected(s)
        want_rows += rows
        want_rejects += rejects
    assert data_multiset(pyiceberg_catalog) == want_rows
    assert reject_multiset(pyiceberg_catalog) == want_rejects
    assert len(pyiceberg_catalog.load_table(TABLE).snapshots()) == 12  # one per folder
