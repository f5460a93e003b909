"""floe ingest with S3 on either side: a generated corpus uploaded to a bucket and ingested
into a local warehouse (exact multiset, re-runs, new objects, SIGKILL at random moments, the
S3_BUCKET/S3_PREFIX form), a local corpus into a warehouse on S3, and the S3 server cut in the
middle of an ingest and of a commit."""
import json
import os
import pathlib
import random
import signal
import subprocess
import time

import pytest

from conftest import Floe
from s3_floe import S3Floe, pyiceberg_catalog
from spark_tables import assert_exact, data_multiset, expected

TABLE = "logs.spark"


def upload(s3_server, corpus, bucket, prefix):
    s3 = s3_server.boto3_client("s3")
    n = 0
    for path in sorted(pathlib.Path(corpus).rglob("*")):
        if path.is_file():
            s3.upload_file(str(path), bucket, f"{prefix}/{path.relative_to(corpus)}")
            n += 1
    return n


@pytest.fixture
def corpus(tmp_path):
    out = tmp_path / "corpus"
    Floe(tmp_path / "gen-wh").run("gen", out, "--seed", "21", "--apps", "4", "--records", "2500",
                                  "--bad-rate", "0.05", "--gzip-share", "0.3",
                                  "--zstd-share", "0.2")
    return out


@pytest.fixture
def local_wh(s3_server, tmp_path):
    """floe and PyIceberg on a local warehouse; floe gets the S3 properties for the source."""
    wh = tmp_path / "wh"
    wh.mkdir()
    floe = S3Floe(s3_server, wh, wh / "catalog.db")
    from pyiceberg.catalog.sql import SqlCatalog
    cat = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
    return floe, cat


def ingest(floe, source, *args, check=True, env=None):
    proc = floe.run("ingest", source, "--table", TABLE, "--json", *args, check=check, env=env)
    return json.loads(proc.stdout) if proc.returncode in (0, 1) and proc.stdout.strip() else proc


def test_ingest_from_s3_is_exact_and_reruns_are_noops(s3_server, s3_bucket, corpus, local_wh):
    floe, cat = local_wh
    assert upload(s3_server, corpus, s3_bucket, "logs/2025") > 8
    summary = ingest(floe, f"s3://{s3_bucket}/logs/2025")
    assert summary["failed_folders"] == [] and len(summary["successful_folders"]) == 4
    assert_exact(cat, corpus)
    statuses = {s["folder"]: s for s in json.loads(floe.run("status", TABLE, "--json").stdout)}
    assert all(s["location"].startswith(f"s3://{s3_bucket}/logs/2025/spark-") for s in statuses.values())
    snaps = len(cat.load_table(TABLE).snapshots())
    again = ingest(floe, f"s3://{s3_bucket}/logs/2025/")
    assert again["folders"] == [] and again["commits"] == 0
    assert len(cat.load_table(TABLE).snapshots()) == snaps
    # The batch record names each object by bucket, key, size and ETag.
    batch = json.loads(next((pathlib.Path(floe.warehouse) / "logs.db" / "spark" / "metadata" /
                             "floe-ingest").glob("*.json")).read_text())
    s3 = s3_server.boto3_client("s3")
    for f in batch["files"]:
        assert f["identity"].startswith(f"s3://{s3_bucket}/logs/2025/spark-")
        key = f["identity"].removeprefix(f"s3://{s3_bucket}/")
        head = s3.head_object(Bucket=s3_bucket, Key=key)
        assert f["etag"] == head["ETag"].strip('"') and f["size"] == head["ContentLength"]
    # A new object in a finished folder is picked up alone; an s3a:// spelling is the same source.
    app = sorted(p for p in pathlib.Path(corpus).iterdir() if p.name.startswith("spark-"))[0]
    sample = next(l for l in open(next(app.rglob("*.json")), "rb").read().splitlines()
                  if l.startswith(b"{") and b'"timestamp"' in l)
    record = json.loads(sample)
    record["message"] = "late object"
    late = app / "late-pod" / "late-pod_x.json"
    late.parent.mkdir()
    late.write_text(json.dumps(record) + "\n")
    s3.upload_file(str(late), s3_bucket, f"logs/2025/{late.relative_to(corpus)}")
    late_run = ingest(floe, f"s3a://{s3_bucket}/logs/2025")
    assert late_run["total_records_processed"] == 1 and late_run["commits"] >= 1
    assert_exact(cat, corpus)


def test_s3_bucket_and_prefix_from_the_environment(s3_server, s3_bucket, corpus, local_wh):
    floe, cat = local_wh
    upload(s3_server, corpus, s3_bucket, "env/prefix")
    env = dict(os.environ, S3_BUCKET=s3_bucket, S3_PREFIX="env/prefix")
    proc = floe.run("ingest", "--table", TABLE, "--json", env=env)
    summary = json.loads(proc.stdout)
    assert len(summary["successful_folders"]) == 4
    assert_exact(cat, corpus)


def test_credentials_from_the_environment_chain(s3_server, s3_bucket, corpus, tmp_path):
    """No s3.* keys: the AWS SDK's default chain finds the keys and AWS_ENDPOINT_URL."""
    upload(s3_server, corpus, s3_bucket, "chain")
    wh = tmp_path / "wh"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(s3_server.env())
    proc = subprocess.run([Floe(wh).bin, "ingest", f"s3://{s3_bucket}/chain", "--table", TABLE,
                           "--warehouse", str(wh), "--catalog-property", "s3.path-style-access=true"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    from pyiceberg.catalog.sql import SqlCatalog
    assert_exact(SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db",
                            warehouse=f"file://{wh}"), corpus)


def test_local_source_into_a_warehouse_on_s3(s3_server, s3_bucket, corpus, tmp_path):
    floe = S3Floe(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db")
    summary = ingest(floe, corpus)
    assert len(summary["successful_folders"]) == 4
    cat = pyiceberg_catalog(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db")
    assert_exact(cat, corpus)
    keys = s3_server.list_keys(s3_bucket, "wh/logs.db/spark/")
    assert any("/metadata/floe-ingest/" in k for k in keys)
    # The run's marker is gone once it ended. Arrow's S3 delete leaves an empty "folder/"
    # object where it deleted the last object of a prefix; nothing else writes one.
    assert not [k for k in keys if "/run-" in k and k.endswith(".json")], keys
    assert [k for k in keys if k.endswith("/")] in ([], ["wh/logs.db/spark/metadata/floe-ingest/"])
    again = ingest(floe, corpus)
    assert again["folders"] == [] and again["commits"] == 0


def test_sigkill_at_random_moments_then_finish_is_exact(s3_server, s3_bucket, tmp_path, local_wh):
    floe, cat = local_wh
    corpus = tmp_path / "big"
    Floe(tmp_path / "gen-wh").run("gen", corpus, "--seed", "8", "--apps", "8", "--records",
                                  "4000", "--bad-rate", "0.02", "--gzip-share", "0.3")
    upload(s3_server, corpus, s3_bucket, "big")
    source = f"s3://{s3_bucket}/big"
    start = time.monotonic()
    scratch = S3Floe(s3_server, tmp_path / "scratch", tmp_path / "scratch.db")
    (tmp_path / "scratch").mkdir()
    scratch.run("ingest", source, "--table", TABLE)
    window = (time.monotonic() - start) * 0.8
    rnd = random.Random(77)
    kills = 0
    for _ in range(60):
        began = time.monotonic()
        proc = subprocess.Popen(floe.args("ingest", source, "--table", TABLE, "--commit-every", "1"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rnd.uniform(0, window))
            # The run finished: what is left is less work than the window assumed (the killed
            # runs committed part of it), so later kills aim within this run's length.
            window = min(window, (time.monotonic() - began) * 0.8)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            kills += 1
        if kills >= 6:
            break
    assert kills >= 6
    ingest(floe, source)
    assert_exact(cat, corpus)
    again = ingest(floe, source)
    assert again["folders"] == [] and again["commits"] == 0


def snapshot_ids(cat):
    if not cat.table_exists(TABLE):
        return []
    return [s.snapshot_id for s in cat.load_table(TABLE).snapshots()]


@pytest.mark.parametrize("side", ["source", "warehouse"])
def test_s3_cut_mid_run_fails_cleanly_and_next_run_is_exact(s3_server, s3_bucket, corpus, tmp_path,
                                                            side):
    """The S3 server goes away in the middle of a run (through a proxy that drops every
    connection; moto keeps its state behind it): the run fails with a clear error and commits
    nothing partial; with the server back the table reads at its previous snapshot and the
    next run completes exactly once. side=source: reading the objects; side=warehouse: writing
    data files, metadata and the commit."""
    import shutil

    proxy = s3_server.proxy()
    timeouts = ["--catalog-property", "s3.connect-timeout=1", "--catalog-property", "s3.request-timeout=3"]
    apps = sorted(p for p in pathlib.Path(corpus).iterdir()
                  if p.name.startswith("spark-") and p.is_dir())
    wh = tmp_path / "wh"
    wh.mkdir()
    if side == "source":
        source = f"s3://{s3_bucket}/cut"

        def add(app):
            upload(s3_server, app, s3_bucket, f"cut/{app.name}")

        floe = S3Floe(s3_server, wh, wh / "catalog.db", endpoint=proxy.endpoint,
                      extra_properties=timeouts)
        from pyiceberg.catalog.sql import SqlCatalog
        cat = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")
    else:
        source = tmp_path / "source"
        source.mkdir()

        def add(app):
            shutil.copytree(app, source / app.name)

        floe = S3Floe(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db",
                      endpoint=proxy.endpoint, extra_properties=timeouts)
        cat = pyiceberg_catalog(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db")
    # A first complete run of two folders: the snapshot the table must stay at.
    for app in apps[:2]:
        add(app)
    ingest(floe, source)
    before = snapshot_ids(cat)
    rows_before = data_multiset(cat)
    assert before and sum(rows_before.values()) > 0
    for app in apps[2:]:
        add(app)
    proc = subprocess.Popen(floe.args("ingest", source, "--table", TABLE, "--threads", "1",
                                      "--json"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Cut once this run has moved some bytes through the proxy (for the warehouse side,
    # the data files being uploaded; the commit follows them).
    start_bytes = proxy.bytes_forwarded
    deadline = time.monotonic() + 120
    threshold = 150_000 if side == "source" else 40_000
    while (proxy.bytes_forwarded < start_bytes + threshold and proc.poll() is None
           and time.monotonic() < deadline):
        time.sleep(0.005)
    assert proc.poll() is None, "the run ended before the cut: make the corpus larger"
    proxy.cut()
    out, err = proc.communicate(timeout=300)
    proxy.restore()
    assert proc.returncode != 0, (out, err)
    if side == "warehouse":
        assert "floe: " in err and "s3://" in err, err
    else:
        # Folders whose objects could not be read fail alone, naming the object.
        failed = json.loads(out)["failed_folders"] if out.strip() else []
        assert failed or "s3://" in err, (out, err)
        assert "s3://" in out + err, (out, err)
    # Nothing partial: the table still reads at the snapshot before the run.
    assert snapshot_ids(cat)[:len(before)] == before
    if side == "warehouse":
        assert snapshot_ids(cat) == before
        assert data_multiset(cat) == rows_before
    summary = ingest(floe, source, check=False)
    assert isinstance(summary, dict) and summary["failed_folders"] == [], summary
    assert_exact(cat, corpus)
    again = ingest(floe, source)
    assert again["folders"] == [] and again["commits"] == 0


def test_sigterm_during_an_s3_ingest_exits_130_cleanly(s3_server, s3_bucket, corpus, local_wh):
    """Stopping a run that is reading from S3: exit 130 promptly (no hang in the AWS SDK's
    shutdown, no crash at exit), and the next run completes exactly."""
    floe, cat = local_wh
    upload(s3_server, corpus, s3_bucket, "term")
    source = f"s3://{s3_bucket}/term"
    proxy = s3_server.proxy()
    slow = S3Floe(s3_server, floe.warehouse, floe.catalog_db, endpoint=proxy.endpoint)
    proc = subprocess.Popen(slow.args("ingest", source, "--table", TABLE, "--threads", "1"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    start = proxy.bytes_forwarded
    deadline = time.monotonic() + 60
    while proxy.bytes_forwarded < start + 50_000 and proc.poll() is None and \
            time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the run ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err)
    assert "interrupted" in err and "FinalizeS3" not in err
    ingest(floe, source)
    assert_exact(cat, corpus)


def test_s3_cut_at_the_commit_leaves_the_previous_snapshot(s3_server, s3_bucket, corpus, tmp_path):
    """The store goes away exactly when the data commit writes its new metadata file: the run
    fails naming the object, the catalog still points at the previous metadata, and after the
    store is back the next run completes exactly once."""
    import shutil

    proxy = s3_server.proxy()
    floe = S3Floe(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db",
                  endpoint=proxy.endpoint,
                  extra_properties=["--catalog-property", "s3.connect-timeout=1",
                                    "--catalog-property", "s3.request-timeout=3"])
    cat = pyiceberg_catalog(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db")
    apps = sorted(p for p in pathlib.Path(corpus).iterdir()
                  if p.name.startswith("spark-") and p.is_dir())
    source = tmp_path / "source"
    source.mkdir()
    shutil.copytree(apps[0], source / apps[0].name)
    ingest(floe, source)
    before = snapshot_ids(cat)
    metadata_before = cat.load_table(TABLE).metadata_location
    for app in apps[1:]:
        shutil.copytree(app, source / app.name)
    # The data table's commit is the PUT of its next `.metadata.json` (the rejects and
    # processing tables commit after it; data files, manifests and the batch record before).
    import re
    proxy.cut_when(re.compile(rb"PUT /" + s3_bucket.encode() +
                              rb"/wh/logs\.db/spark/metadata/\d+-[0-9a-f-]+\.metadata\.json "))
    proc = subprocess.run(floe.args("ingest", source, "--table", TABLE, "--json"),
                          capture_output=True, text=True, timeout=300)
    assert proxy.triggered.is_set()
    proxy.restore()
    assert proc.returncode != 0, proc.stdout
    assert "s3://" in proc.stderr, proc.stderr
    cat = pyiceberg_catalog(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db")
    assert cat.load_table(TABLE).metadata_location == metadata_before
    assert snapshot_ids(cat) == before
    summary = ingest(floe, source)
    assert summary["failed_folders"] == []
    assert_exact(cat, corpus)
    again = ingest(floe, source)
    assert again["folders"] == [] and again["commits"] == 0
