"""The rejects table keeps every rejected line's exact bytes: compared byte for byte, through
PyIceberg, with the lines an independent reading of the rules (spark_logs_expect.py) rejects —
including invalid UTF-8, CR and CRLF endings, byte-order marks, NULs and very long lines, in
plain, gzip and zstd files, and after a crash between the data and the rejects commits."""
import gzip
import json
import os
import signal

import pytest
import zstandard

from spark_logs_expect import BOM, expected_rejected_lines
from spark_tables import TABLE, data_multiset, expected, reject_multiset, reject_raw

GOOD = {
    "timestamp": "2025-07-08T19:52:43.118Z", "log_level": "INFO", "message": "Running task 1.0",
    "kubernetes": {"pod_name": "etl-driver", "namespace_name": "spark-team-a",
                   "labels": {"app": "etl", "spark-app-selector": "spark-" + "ab" * 16}},
}


def record(**changes):
    rec = json.loads(json.dumps(GOOD))
    rec.update(changes)
    return json.dumps(rec, ensure_ascii=False).encode()


def nasty_lines():
    """Lines to reject, each with a different hazard for a byte-exact copy."""
    long_message = ("x" * 1021 + "é") * 3000  # ~3 MB of UTF-8, no newline
    return [
        record(message="cafe resume").replace(b"cafe resume", b"caf\xe9 r\xe9sum\xe9"),  # Latin-1
        record(message="ok").replace(b'"ok"', b'"\xff\xfe\xfd"'),  # bytes never UTF-8
        record(message="ok").replace(b'"ok"', b'"\xed\xa0\x80"'),  # an encoded surrogate
        record(message="ok").replace(b'"ok"', b'"\xc0\xaf"'),  # an overlong encoding
        b'{"timestamp":"2025-07-08T19:52:43Z","message":"a\x00b"}',  # NUL inside a string
        b"\x00\x00\x00",  # only NULs
        b"\x00" + record(),  # a NUL before a good record
        record() + b"\x00",  # and after one
        b"a lone\rcarriage return inside",
        BOM + record(),  # a byte-order mark that does not start the file is content
        record(message=long_message)[:-7],  # ~3 MB, cut short
        record(log_level=" \t "),  # missing_field:log_level, blank value
        record(timestamp="0000-01-01T00:00:00Z"),  # bad_timestamp: year 0000
        record(message=long_message, timestamp="yesterday"),  # ~3 MB bad_timestamp
        "plain text with ünïcödé and an emoji \U0001F600".encode(),
        b"\t{\"not\": \"closed\"",
    ]


def write_nasty_folder(corpus):
    """A spark-* folder whose files hold the nasty lines between good ones, in every framing."""
    folder = corpus / ("spark-" + "0" * 31 + "e")
    pod = folder / "etl-driver"
    pod.mkdir(parents=True)
    lines = nasty_lines()
    good = record()

    def body(eol, bom=False, final_newline=True):
        out = BOM if bom else b""
        for i, line in enumerate(lines):
            out += line + eol + (good + eol if i % 2 else b"")
        return out if final_newline else out[: -len(eol)]

    (pod / "lf.json").write_bytes(body(b"\n"))
    (pod / "crlf.json").write_bytes(body(b"\r\n", bom=True))
    # A CR before CRLF: only one CR is part of the line ending, the other stays in the bytes.
    (pod / "crcrlf.json").write_bytes(body(b"\r\r\n"))
    (pod / "bom-then-bad.json").write_bytes(BOM + b"not json\r\n" + good + b"\n" + lines[1])
    (pod / "lf-no-final-newline.json").write_bytes(body(b"\n", final_newline=False))
    (pod / "packed.json.gz").write_bytes(gzip.compress(body(b"\r\n", bom=True)))
    (pod / "packed.json.zst").write_bytes(zstandard.ZstdCompressor().compress(body(b"\n")))
    return folder


@pytest.fixture
def corpus(floe, tmp_path):
    out = tmp_path / "corpus"
    floe.run("gen", out, "--seed", "7", "--apps", "3", "--records", "1500", "--bad-rate", "0.08",
             "--gzip-share", "0.3", "--zstd-share", "0.3")
    write_nasty_folder(out)
    return out


def ingest(floe, corpus, *args, **kwargs):
    return floe.run("ingest", corpus, "--table", TABLE, *args, **kwargs)


def assert_rejects_are_exact(catalog, corpus):
    want = expected_rejected_lines(corpus)
    got = reject_raw(catalog)
    assert sorted(got) == sorted(want)
    wrong = [(key, want[key], got[key]) for key in want if got[key] != want[key]]
    assert not wrong, f"{len(wrong)} rejects differ, first: {wrong[0]!r:.600}"
    # The hazards are really among them.
    raws = [raw for _, raw in want.values()]
    assert any(b"\x00" in r for r in raws) and any(b"\r" in r for r in raws)
    assert any(r.startswith(BOM) for r in raws) and any(len(r) > 3_000_000 for r in raws)
    assert any(not _is_utf8(r) for r in raws)


def _is_utf8(raw):
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_rejects_keep_their_exact_bytes(floe, corpus, pyiceberg_catalog):
    ingest(floe, corpus)
    assert_rejects_are_exact(pyiceberg_catalog, corpus)
    rows, _ = expected(corpus)
    assert data_multiset(pyiceberg_catalog) == rows


def test_rejects_rebuilt_after_a_crash_between_data_and_rejects_commits(floe, corpus,
                                                                      pyiceberg_catalog):
    env = dict(os.environ, FLOE_FAILPOINT="after-data-commit")
    proc = ingest(floe, corpus, "--commit-every", "2", check=False, env=env)
    assert proc.returncode == -signal.SIGKILL
    # The data commit landed, the rejects did not.
    assert len(pyiceberg_catalog.load_table(TABLE).snapshots()) == 1
    assert not pyiceberg_catalog.load_table(TABLE + "_rejects").snapshots()
    # The next run re-reads the committed batch's files for their rejects, then goes on.
    ingest(floe, corpus)
    assert_rejects_are_exact(pyiceberg_catalog, corpus)
    rows, rejects = expected(corpus)
    assert data_multiset(pyiceberg_catalog) == rows
    assert reject_multiset(pyiceberg_catalog) == rejects
