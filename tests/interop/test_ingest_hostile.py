"""floe ingest on file systems as they are: other spellings of the same folder, touched, grown
and rewritten files, unfinished last lines, symlink loops, named pipes, files that shrink while
read, out of memory and SIGTERM. Each expectation comes from the independent Python model of
the line rules (spark_logs_expect.py) or from the test's own bookkeeping, and the tables are
read back with PyIceberg."""
import collections
import gzip
import json
import os
import pathlib
import signal
import subprocess
import threading
import time

import pytest

from spark_logs_expect import expected_rows
from spark_tables import as_key, assert_exact, data_multiset, expected
from test_ingest import generate, ingest

APP = "spark-" + "ab" * 16


def line(i, pod="driver-0", app=APP, **extra):
    record = {
        "timestamp": f"2025-07-01T12:{(i // 60) % 60:02d}:{i % 60:02d}.{i % 1000000:06d}Z",
        "log_level": "INFO",
        "message": f"event {i}",
        "kubernetes": {"pod_name": pod, "namespace_name": "spark-team",
                       "labels": {"app": "etl", "spark-app-selector": app}},
    }
    record.update(extra)
    return json.dumps(record).encode()


def write_lines(path, numbers, bad=(), end=b"\n", mode="wb"):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, mode) as f:
        for i in numbers:
            f.write((b"not json %d" % i if i in bad else line(i)) + end)


def run_json(floe, source, *args, check=True, env=None, cwd=None):
    cmd = [floe.bin, "ingest", str(source), "--table", "logs.spark", "--warehouse",
           str(floe.warehouse), "--json", *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc, (json.loads(proc.stdout) if proc.stdout.strip() else None)


def test_same_folder_under_other_spellings_is_ingested_once(floe, tmp_path, pyiceberg_catalog):
    corpus = generate(floe, tmp_path / "c200", "--seed", "3", "--apps", "3", "--records", "600",
                      "--bad-rate", "0.02")
    os.symlink(corpus, tmp_path / "alias")
    _, first = run_json(floe, corpus)
    assert first["files"] > 0
    for spelling, cwd in [(str(corpus), None), ("c200", tmp_path), ("./c200", tmp_path),
                          ("c200//", tmp_path), (f"{corpus}/../c200/", None),
                          (str(tmp_path / "alias"), None), (f"file://{corpus}", None)]:
        _, again = run_json(floe, spelling, cwd=cwd)
        assert again["files"] == 0, spelling
        assert again["folders"] == [], spelling
    assert_exact(pyiceberg_catalog, corpus)
    # The processing table names each folder by its canonical location.
    meta = pyiceberg_catalog.load_table("logs.spark_processing_metadata").scan().to_arrow()
    assert set(meta.column("s3_path").to_pylist()) == {
        str(p.resolve()) for p in corpus.iterdir() if p.name.startswith("spark-") and p.is_dir()}


def test_touched_or_copied_file_is_not_read_again(floe, tmp_path, pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    log = corpus / APP / "driver" / "log.json"
    write_lines(log, range(1, 101))
    run_json(floe, corpus)
    before = data_multiset(pyiceberg_catalog)
    # touch, and a copy that resets the time (cp without -p, rsync without -t).
    os.utime(log, ns=(time.time_ns(), time.time_ns() + 10**9))
    _, touched = run_json(floe, corpus)
    assert touched["unchanged_files"] == 1
    assert touched["folders"] == [] and touched["total_records_processed"] == 0
    copy = log.with_suffix(".tmp")
    copy.write_bytes(log.read_bytes())
    os.replace(copy, log)
    _, copied = run_json(floe, corpus)
    assert copied["unchanged_files"] == 1 and copied["total_records_processed"] == 0
    # The new time is recorded: the next run does not even check the content.
    _, quiet = run_json(floe, corpus)
    assert quiet["unchanged_files"] == 0 and quiet["files"] == 0
    assert data_multiset(pyiceberg_catalog) == before
    assert sum(before.values()) == 100


def test_grown_file_gives_only_its_new_lines_numbered_on(floe, tmp_path, pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    log = corpus / APP / "driver" / "log.json"
    write_lines(log, range(1, 101), bad={50})
    run_json(floe, corpus)
    write_lines(log, range(101, 111), bad={104, 109}, mode="ab")
    _, grown = run_json(floe, corpus)
    assert grown["total_records_processed"] == 8
    assert grown["rejected_lines"] == 2
    assert_exact(pyiceberg_catalog, corpus)  # every line once; rejects at lines 104 and 109
    rejects = pyiceberg_catalog.load_table("logs.spark_rejects").scan().to_arrow().to_pylist()
    assert sorted(r["line"] for r in rejects) == [50, 104, 109]
    assert {r["raw"] for r in rejects if r["line"] == 109} == {b"not json 109"}


def test_gzip_file_grown_by_a_member_gives_only_the_new_member(floe, tmp_path,
                                                               pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    log = corpus / APP / "exec" / "log.json.gz"
    log.parent.mkdir(parents=True)
    log.write_bytes(gzip.compress(b"".join(line(i) + b"\n" for i in range(1, 51))))
    run_json(floe, corpus)
    with open(log, "ab") as f:
        f.write(gzip.compress(b"".join(line(i) + b"\n" for i in range(51, 61))))
    _, grown = run_json(floe, corpus)
    assert grown["total_records_processed"] == 10
    assert_exact(pyiceberg_catalog, corpus)


def test_rewritten_file_fails_its_folder_until_asked_to_reingest(floe, tmp_path,
                                                                  pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    log = corpus / APP / "driver" / "log.json"
    other = corpus / APP / "driver" / "other.json"
    write_lines(log, range(1, 21))
    run_json(floe, corpus)
    before = data_multiset(pyiceberg_catalog)
    write_lines(other, range(500, 505))  # new, but in the folder of the changed file
    for rewrite in ["same size", "shorter"]:
        if rewrite == "same size":
            data = bytearray(log.read_bytes())
            data[data.index(b"event 3")] = ord("E")
            log.write_bytes(bytes(data))
        else:
            write_lines(log, range(1, 5))
        proc, report = run_json(floe, corpus, check=False)
        assert proc.returncode == 1, proc.stderr
        assert report["changed_files"] == 1
        (folder,) = report["folders"]
        assert folder["status"] == "FAILED"
        assert "driver/log.json changed after it was ingested" in folder["error"]
        assert "--reingest-changed" in folder["error"]
        assert data_multiset(pyiceberg_catalog) == before  # nothing re-added, nothing else added
    statuses = {s["folder"]: s for s in floe.json("status", "logs.spark")}
    assert statuses[APP]["status"] == "FAILED"
    _, again = run_json(floe, corpus, "--reingest-changed")
    assert again["folders"][0]["status"] == "SUCCESS"
    # The earlier rows stay; the file as it is now is added whole, and the new file too.
    want = before.copy()
    for f in (log, other):
        want.update(expected_rows_of_file(f))
    assert data_multiset(pyiceberg_catalog) == want
    _, quiet = run_json(floe, corpus)
    assert quiet["files"] == 0


def expected_rows_of_file(path):
    """The rows of one file alone, from the independent model."""
    from spark_logs_expect import check_record, parse_line, physical_lines, read_file_bytes
    out = collections.Counter()
    for _, raw in physical_lines(read_file_bytes(str(path))):
        row, _ = check_record(parse_line(raw))
        if row is not None:
            out[as_key(row)] += 1
    return out


def test_unfinished_last_line_is_read_again_whole_once_finished(floe, tmp_path,
                                                                 pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    log = corpus / APP / "driver" / "log.json"
    write_lines(log, range(1, 11))
    whole = line(11)
    with open(log, "ab") as f:
        f.write(whole[:37])  # the writer is in the middle of line 11
    _, first = run_json(floe, corpus)
    assert first["total_records_processed"] == 10
    assert first["rejects_by_reason"] == {"invalid_json": 1}  # as the line rules say, now
    with open(log, "ab") as f:
        f.write(whole[37:] + b"\n" + line(12) + b"\n")
    _, second = run_json(floe, corpus)
    assert second["total_records_processed"] == 2 and second["rejected_lines"] == 0
    rows, _ = expected(corpus)
    assert data_multiset(pyiceberg_catalog) == rows  # line 11 whole, once
    rejects = pyiceberg_catalog.load_table("logs.spark_rejects").scan().to_arrow().to_pylist()
    assert [(r["line"], r["raw"]) for r in rejects] == [(11, whole[:37])]  # what was seen then
    _, third = run_json(floe, corpus)
    assert third["files"] == 0


def test_valid_unterminated_last_line_is_not_read_again(floe, tmp_path, pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    log = corpus / APP / "driver" / "log.json"
    write_lines(log, range(1, 6))
    with open(log, "ab") as f:
        f.write(line(6))  # complete, no newline yet
    _, first = run_json(floe, corpus)
    assert first["total_records_processed"] == 6
    with open(log, "ab") as f:
        f.write(b"\n" + line(7) + b"\n")
    _, second = run_json(floe, corpus)
    assert second["total_records_processed"] == 1 and second["rejected_lines"] == 0
    assert_exact(pyiceberg_catalog, corpus)


def test_symlink_loops_end_and_each_file_is_read_once(floe, tmp_path, pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    pod = corpus / APP / "driver"
    write_lines(pod / "log.json", range(1, 31))
    os.symlink(".", pod / "loop")
    os.symlink("..", pod / "up")
    os.symlink("log.json", pod / "same.json")  # a second name for a file already listed
    outside = tmp_path / "elsewhere" / "shared.json"
    write_lines(outside, range(100, 110))
    os.symlink(outside, pod / "shared.json")  # a file outside the corpus, read by its target
    proc, report = run_json(floe, corpus)
    assert report["total_records_processed"] == 40
    reasons = collections.Counter(s["reason"] for s in report["skipped_entries"])
    assert reasons["symlink to a folder (not followed)"] == 2
    assert report["skipped_by_reason"]["same file as another listed file"] == 1
    assert "Skipped" not in proc.stdout  # --json: the summary is in the JSON only
    rows = pyiceberg_catalog.load_table("logs.spark").scan().to_arrow()
    messages = collections.Counter(rows.column("message").to_pylist())
    assert messages == collections.Counter(
        [f"event {i}" for i in range(1, 31)] + [f"event {i}" for i in range(100, 110)])
    _, again = run_json(floe, corpus)
    assert again["files"] == 0


def test_named_pipe_is_skipped_never_waited_on(floe, tmp_path, pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    write_lines(corpus / APP / "driver" / "log.json", range(1, 11))
    os.mkfifo(corpus / APP / "driver" / "stdout.json")
    proc = subprocess.run([floe.bin, "ingest", str(corpus), "--table", "logs.spark",
                           "--warehouse", str(floe.warehouse)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Skipped entries (not regular files, never opened): 1" in proc.stdout
    assert "named pipe (FIFO): 1" in proc.stdout
    assert "stdout.json" in proc.stdout
    assert_exact(pyiceberg_catalog, corpus)


def test_files_truncated_while_read_never_crash_the_run(floe, tmp_path, pyiceberg_catalog):
    """copytruncate on a live file, again and again: floe fails the folder or reads a
    consistent prefix, never dies of a signal; a final run on the settled files is exact."""
    corpus = tmp_path / "corpus"
    big = corpus / APP / "driver" / "big.json"
    calm = corpus / ("spark-" + "cd" * 16) / "driver" / "log.json"
    write_lines(calm, range(900000, 900100))
    outcomes = collections.Counter()
    for attempt in range(6):
        write_lines(big, range(1, 150001))
        proc = subprocess.Popen([floe.bin, "ingest", str(corpus), "--table", "logs.spark",
                                 "--warehouse", str(floe.warehouse), "--threads", "1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.05 * attempt)
        os.truncate(big, 0)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode in (0, 1), (proc.returncode, err)
        outcomes[proc.returncode] += 1
        if proc.returncode == 1:
            assert "shrank" in out + err or "changed after it was ingested" in out + err, out + err
    write_lines(big, range(1, 101))
    run_json(floe, corpus, "--reingest-changed")
    messages = collections.Counter(
        pyiceberg_catalog.load_table("logs.spark").scan().to_arrow().column("message").to_pylist())
    # The untouched folder's file exactly once.
    assert all(messages[f"event {i}"] == 1 for i in range(900000, 900100))
    # Every ingest of big.json that was committed took a whole prefix of its lines: counts
    # never rise with the line number, and the final 100 lines are all there.
    counts = [messages[f"event {i}"] for i in range(1, 150001)]
    assert all(counts[i] >= counts[i + 1] for i in range(len(counts) - 1))
    assert counts[99] >= 1
    assert sum(messages.values()) == 100 + sum(counts)


def test_out_of_memory_fails_the_folder_not_the_process(floe, tmp_path, pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    write_lines(corpus / APP / "driver" / "log.json", range(1, 11))
    other = "spark-" + "ef" * 16
    write_lines(corpus / other / "driver" / "log.json", range(1, 11))
    env = dict(os.environ, FLOE_FAILPOINT=f"reader-out-of-memory:{APP}")
    proc, report = run_json(floe, corpus, check=False, env=env)
    assert proc.returncode == 1, proc.stderr
    status = {f["folder"]: f for f in report["folders"]}
    assert status[APP]["status"] == "FAILED"
    assert "out of memory" in status[APP]["error"]
    assert status[other]["status"] == "SUCCESS"
    _, retry = run_json(floe, corpus)
    assert [f["folder"] for f in retry["folders"]] == [APP]
    assert_exact(pyiceberg_catalog, corpus)


def test_sigterm_stops_cleanly_and_the_next_run_resumes(floe, tmp_path, pyiceberg_catalog):
    corpus = generate(floe, tmp_path / "big", "--seed", "9", "--apps", "10", "--records", "6000",
                      "--bad-rate", "0.01", "--gzip-share", "0.3")
    for signum in (signal.SIGTERM, signal.SIGINT):
        proc = subprocess.Popen([floe.bin, "ingest", str(corpus), "--table", "logs.spark",
                                 "--commit-every", "2", "--threads", "1", "--warehouse",
                                 str(floe.warehouse)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # Stop it once it is working: after its first folder, in the middle of the run.
        progress = ""
        while not progress.startswith("floe ingest: 1/") and proc.poll() is None:
            progress = proc.stderr.readline()
        assert progress.startswith("floe ingest: 1/"), progress
        proc.send_signal(signum)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, (proc.returncode, err)
        assert time.monotonic() - sent < 5
        assert "interrupted; the next run resumes" in err
        # Nothing half way: every committed data batch has its rejects and status rows.
        data = pyiceberg_catalog.load_table("logs.spark")
        meta = pyiceberg_catalog.load_table("logs.spark_processing_metadata")
        batches = lambda t: {s.summary["floe.ingest.batch-id"] for s in t.snapshots()
                             if "floe.ingest.batch-id" in s.summary}
        assert batches(data) == batches(meta)
        assert len(batches(data)) < 5  # it did stop before the end
    ingest(floe, corpus)
    assert_exact(pyiceberg_catalog, corpus)


def test_rejects_of_a_grown_file_are_rebuilt_after_a_crash(floe, tmp_path, pyiceberg_catalog):
    """A crash between the data and the rejects commits of a batch that read only the new
    bytes of a grown file: the next run re-reads exactly those bytes (checked by CRC) and
    rebuilds their rejects at their line numbers."""
    corpus = tmp_path / "corpus"
    log = corpus / APP / "driver" / "log.json"
    write_lines(log, range(1, 41), bad={7})
    run_json(floe, corpus)
    write_lines(log, range(41, 61), bad={45, 58}, end=b"\r\n", mode="ab")
    proc, _ = run_json(floe, corpus, check=False,
                       env=dict(os.environ, FLOE_FAILPOINT="after-data-commit"))
    assert proc.returncode == -signal.SIGKILL
    _, recovered = run_json(floe, corpus)
    assert recovered["recovered_batches"] >= 1
    assert_exact(pyiceberg_catalog, corpus)
    rejects = pyiceberg_catalog.load_table("logs.spark_rejects").scan().to_arrow().to_pylist()
    assert sorted((r["line"], r["raw"]) for r in rejects) == [
        (7, b"not json 7"), (45, b"not json 45"), (58, b"not json 58")]
