"""`floe gen` corpora checked by an independent reading of the ingest rules
(spark_logs_expect.py): the generator's own account of good and bad lines must agree with what
plain Python derives from the bytes it wrote."""
import collections
import filecmp
import json
import os
import subprocess

import pytest

import spark_logs_expect as expect

ALL_REASONS = {
    "invalid_json",
    "bad_timestamp",
    "missing_field:timestamp",
    "missing_field:log_level",
    "missing_field:message",
    "missing_field:kubernetes.pod_name",
    "missing_field:kubernetes.namespace_name",
    "missing_field:kubernetes.labels.app",
    "missing_field:kubernetes.labels.spark-app-selector",
}


def gen(floe, out, *args, check=True):
    cmd = [floe.bin, "gen", str(out), *map(str, args), "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if check:
        assert proc.returncode == 0, f"{cmd}: {proc.returncode}\n{proc.stderr}"
        return json.loads(proc.stdout)
    return proc


SMALL = ["--seed", 11, "--apps", 3, "--executors", 2, "--records", 150, "--bad-rate", 0.25,
         "--gzip-share", 0.2, "--zstd-share", 0.2, "--decoys", 8]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from conftest import Floe

    floe = Floe(tmp_path_factory.mktemp("wh"))
    out = tmp_path_factory.mktemp("corpus") / "c"
    return floe, out, gen(floe, out, *SMALL)


def test_expectation_agrees_with_generator_summary(corpus):
    _, out, summary = corpus
    assert set(summary["bad_by_reason"]) == ALL_REASONS
    rows, rejects = expect.expected_rows(out)
    assert len(rows) == summary["good_lines"]
    assert len(rejects) == summary["bad_lines"]
    assert dict(collections.Counter(r[3] for r in rejects)) == summary["bad_by_reason"]


def test_expectation_reads_exactly_the_generated_files_and_lines(corpus):
    _, out, summary = corpus
    folders = expect.app_folders(out)
    assert sorted(summary["app_folders"]) == folders
    files = lines = blank = 0
    for folder in folders:
        for rel in expect.folder_files(os.path.join(out, folder)):
            files += 1
            data = expect.read_file_bytes(os.path.join(out, folder, rel))
            data = data[3:] if data.startswith(expect.BOM) else data
            physical = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
            lines += physical
            blank += physical - sum(1 for _ in expect.physical_lines(data))
    assert files == summary["files"]
    assert lines == summary["lines"]
    assert blank == summary["blank_lines"]
    # Decoys hold good-looking lines; none of them may be counted.
    assert summary["decoy_files"] == 8
    assert not any(name.startswith("spark-") and os.path.isdir(os.path.join(out, name))
                   for name in os.listdir(out) if name not in folders)


def test_rows_carry_realistic_values(corpus):
    _, out, _ = corpus
    rows, rejects = expect.expected_rows(out)
    levels = collections.Counter(r["log_level"] for r in rows)
    assert levels["INFO"] > levels["WARN"] > levels["ERROR"] > 0
    assert levels["DEBUG"] > 0
    lo, hi = 1_751_932_800_000_000, 1_752_192_000_000_000  # 2025-07-08 … 2025-07-11 UTC
    assert all(lo <= r["timestamp"] < hi for r in rows)
    assert any("\n\tat " in r["message"] for r in rows), "stack traces inside one record"
    assert any(r["queue"] is None for r in rows)
    assert any(r["queue"] is not None and r["queue"].startswith("{") for r in rows)
    assert any(r["spark_version"] == "3.50" for r in rows), "numbers keep their text"
    for r in rows:
        assert r["spark_app_selector"].startswith("spark-")
        assert r["pod_name"].endswith("-driver") or "-exec-" in r["pod_name"]
    # Rejects name the file inside its app folder and a 1-based physical line.
    folder, rel, line, _ = rejects[0]
    assert folder in expect.app_folders(out) and line >= 1
    assert os.path.isfile(os.path.join(out, folder, rel))


def test_same_seed_same_bytes_different_seed_differs(corpus, tmp_path):
    floe, out, _ = corpus
    again = tmp_path / "again"
    gen(floe, again, *SMALL)
    cmp = filecmp.dircmp(out, again)
    assert not cmp.left_only and not cmp.right_only and not cmp.diff_files
    for folder in expect.app_folders(out):
        for rel in expect.folder_files(os.path.join(out, folder)):
            assert filecmp.cmp(os.path.join(out, folder, rel), os.path.join(again, folder, rel),
                               shallow=False)
    other = tmp_path / "other"
    gen(floe, other, *[a if a != 11 else 12 for a in SMALL])
    assert expect.app_folders(other) != expect.app_folders(out)


def test_size_option_and_usage_errors(corpus, tmp_path):
    floe, out, _ = corpus
    summary = gen(floe, tmp_path / "sized", "--size", "300KB", "--apps", 1, "--executors", 1)
    assert 300_000 <= summary["uncompressed_bytes"] < 340_000
    assert summary["bad_lines"] == 0
    rows, rejects = expect.expected_rows(tmp_path / "sized")
    assert len(rows) == summary["good_lines"] and not rejects
    proc = gen(floe, out, check=False)  # not empty
    assert proc.returncode == 2 and "not empty" in proc.stderr
    proc = gen(floe, tmp_path / "x", "--size", "12parsecs", check=False)
    assert proc.returncode == 2


# The expectation's own rules, on lines written by hand.
def _reason(line: bytes):
    return expect.check_record(expect.parse_line(line))[1]


GOOD = {"timestamp": "2025-07-08T19:52:43.118Z", "log_level": "info", "message": "m",
        "kubernetes": {"pod_name": "p", "namespace_name": "n",
                       "labels": {"app": "a", "spark-app-selector": "spark-1"}}}


def _line(**top):
    record = dict(GOOD, **top)
    return json.dumps({k: v for k, v in record.items() if v is not ...}).encode()


@pytest.mark.parametrize("ts,micros", [
    ("2025-07-08T19:52:43.118Z", 1_752_004_363_118_000),
    ("2025-07-08 19:52:43.118999999", 1_752_004_363_118_999),
    ("2025-07-08T12:52:43.118-07:00", 1_752_004_363_118_000),
    ("2025-07-09T01:22:43+0530", 1_752_004_363_000_000),
    ("2024-02-29T00:00:00Z", 1_709_164_800_000_000),
])
def test_expectation_timestamp_text(ts, micros):
    row, reason = expect.check_record(expect.parse_line(_line(timestamp=ts)))
    assert reason is None and row["timestamp"] == micros and row["log_level"] == "INFO"


def test_expectation_numeric_timestamps_are_exact_and_floored():
    for token, micros in [("1752004363.1189999", 1_752_004_363_118_999),
                          ("1.752004363118E9", 1_752_004_363_118_000),
                          ("1752004363", 1_752_004_363_000_000),
                          ("-0.0000001", -1)]:
        line = _line(timestamp=0).replace(b'"timestamp": 0', b'"timestamp": ' + token.encode())
        row, reason = expect.check_record(expect.parse_line(line))
        assert reason is None and row["timestamp"] == micros, token


@pytest.mark.parametrize("line,reason", [
    (b'{"a":1', "invalid_json"),
    (b"[1,2]", "invalid_json"),
    (b"42", "invalid_json"),
    (b'{"timestamp":NaN}', "invalid_json"),
    (b'{"m":"\xff"}', "invalid_json"),
    (b'{"m":"\xed\xa0\x80"}', "invalid_json"),
    (b'{"a":1} x', "invalid_json"),
    (_line(timestamp=...), "missing_field:timestamp"),
    (_line(timestamp=[]), "missing_field:timestamp"),
    (_line(log_level=""), "missing_field:log_level"),
    (_line(message=None), "missing_field:message"),
    (_line(kubernetes="p"), "missing_field:kubernetes.pod_name"),
    (_line(kubernetes=dict(GOOD["kubernetes"], labels=[1])), "missing_field:kubernetes.labels.app"),
    (_line(timestamp="2025-02-29T00:00:00Z"), "bad_timestamp"),
    (_line(timestamp="2025-07-08T24:00:00Z"), "bad_timestamp"),
    (_line(timestamp="2025-07-08T19:52:43.1234567891Z"), "bad_timestamp"),
    (_line(timestamp="1752004363"), "bad_timestamp"),
    (_line(timestamp=True), "bad_timestamp"),
    (_line(timestamp=False), "bad_timestamp"),
])
def test_expectation_rejects(line, reason):
    assert _reason(line) == reason


def test_expectation_string_columns_keep_raw_json_text():
    line = (b'{"timestamp":"2025-07-08T19:52:43Z","log_level":"w","message":1.50,'
            b'"kubernetes":{"pod_name":"p","namespace_name":"n","container_image":["x",1e3],'
            b'"labels":{"app":true,"spark-app-selector":"s","queue":{"n":"r\xc3\xa9","w":2.0},'
            b'"spark-version":null}}}')
    row, reason = expect.check_record(expect.parse_line(line))
    assert reason is None
    assert row["message"] == "1.50" and row["app"] == "true"
    assert row["container_image"] == '["x",1e3]'
    assert row["queue"] == '{"n":"ré","w":2.0}'
    assert row["spark_version"] is None and row["spark_role"] is None


def test_expectation_line_handling(tmp_path):
    folder = tmp_path / "spark-abc" / "pod"
    folder.mkdir(parents=True)
    good = _line()
    (folder / "f.json").write_bytes(expect.BOM + good + b"\r\n\r\n" + b"oops\n" + good)
    (tmp_path / "spark-file.json").write_bytes(good + b"\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "g.json").write_bytes(good + b"\n")
    rows, rejects = expect.expected_rows(tmp_path)
    assert len(rows) == 2
    assert rejects == [("spark-abc", os.path.join("pod", "f.json"), 3, "invalid_json")]


def test_generated_corpus_holds_every_line_rule_edge(tmp_path):
    """The bad and edge lines of the README's line rules are among what `floe gen` writes, so
    the end-to-end tests on generated corpora exercise each of them."""
    from conftest import Floe

    out = tmp_path / "edges"
    gen(Floe(tmp_path / "wh"), out, "--seed", 3, "--apps", 4, "--records", 3000, "--bad-rate",
        0.05, "--gzip-share", 0.2, "--zstd-share", 0.2)
    seen = collections.Counter()
    for folder in expect.app_folders(out):
        for rel in expect.folder_files(os.path.join(out, folder)):
            data = expect.read_file_bytes(os.path.join(out, folder, rel))
            lines = data.removeprefix(expect.BOM).split(b"\n")
            seen["whitespace-only blank line"] += sum(
                1 for l in lines if l.strip(b"\r") and not l.strip(b" \t\r"))
    for _, _, _, raw, row, reason in expect.checked_lines(out):
        record = expect.parse_line(raw)
        ts = record.get("timestamp") if record is not None else None
        if row is not None:
            if isinstance(ts, str) and "t" in ts and ts.endswith("z"):
                seen["lower-case t and z"] += 1
            if row["message"] in ("\f", "\v", "\u00a0"):
                seen["non-JSON whitespace value"] += 1
        elif reason.startswith("missing_field:"):
            path = reason.removeprefix("missing_field:").split(".")
            value = record
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, str) and value:
                seen["whitespace-only required value"] += 1
        elif reason == "bad_timestamp":
            if isinstance(ts, str) and ts.startswith("0000-"):
                seen["year 0000"] += 1
            elif isinstance(ts, expect.RawNumber) and ts.value < -62135596800:
                seen["epoch seconds before year 1"] += 1
    assert set(seen) == {"whitespace-only blank line", "lower-case t and z",
                         "non-JSON whitespace value", "whitespace-only required value",
                         "year 0000", "epoch seconds before year 1"}, seen
