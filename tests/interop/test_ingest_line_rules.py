"""The line rules of the README ("Line rules") on lines written by hand, one case per line: the
outcome written here, the independent Python expectation (spark_logs_expect.py) and `floe
ingest` read back through PyIceberg must all agree — whitespace-only values and lines, lower-case
`t`/`z`, and the year range."""
import collections
import json

import pytest

import spark_logs_expect as expect
from spark_tables import TABLE, data_multiset, reject_raw

KUBE = {"pod_name": "etl-driver", "namespace_name": "spark-team-a",
        "labels": {"app": "etl", "spark-app-selector": "spark-" + "cd" * 16}}
REQUIRED = {  # path in the record -> setter
    "timestamp": lambda r, v: r.__setitem__("timestamp", v),
    "log_level": lambda r, v: r.__setitem__("log_level", v),
    "message": lambda r, v: r.__setitem__("message", v),
    "kubernetes.pod_name": lambda r, v: r["kubernetes"].__setitem__("pod_name", v),
    "kubernetes.namespace_name": lambda r, v: r["kubernetes"].__setitem__("namespace_name", v),
    "kubernetes.labels.app": lambda r, v: r["kubernetes"]["labels"].__setitem__("app", v),
    "kubernetes.labels.spark-app-selector":
        lambda r, v: r["kubernetes"]["labels"].__setitem__("spark-app-selector", v),
}
RECORD, BLANK = "record", "blank"


def line(n, timestamp="2025-07-08T19:52:43.118Z"):
    """A good record, its message numbered n so that each row is told apart."""
    rec = {"timestamp": timestamp, "log_level": "INFO", "message": f"case {n}",
           "kubernetes": json.loads(json.dumps(KUBE))}
    return json.dumps(rec).encode()


def cases():
    """(line bytes, outcome): a reject reason, RECORD or BLANK."""
    out = []
    # Whitespace-only values are missing (JSON whitespace: space, tab, LF, CR) ...
    for path in REQUIRED:
        for value in [" ", "\t", "\r\n", " \t\r\n "]:
            rec = json.loads(line(len(out)))
            REQUIRED[path](rec, value)
            out.append((json.dumps(rec).encode(), "missing_field:" + path))
    # ... other whitespace-like characters are content.
    for path in list(REQUIRED)[1:]:
        for value in ["\f", "\v", "\u00a0", "\u2028", "\u3000", " x "]:
            rec = json.loads(line(len(out)))
            REQUIRED[path](rec, value)
            out.append((json.dumps(rec, ensure_ascii=len(out) % 2 == 0).encode(), RECORD))
    out.append((line(len(out), timestamp="\f"), "bad_timestamp"))
    # Blank lines: empty or only spaces, tabs and CRs; nothing else is blank.
    for blank in [b"", b" ", b"\t", b" \t  ", b"\r", b" \r\t"]:
        out.append((blank, BLANK))
    for not_blank in [b"\f", b"\v", b" \f ", b"\xc2\xa0", b"\xe2\x80\xa8", b"\x00"]:
        out.append((not_blank, "invalid_json"))
    out.append((b" \t" + line(len(out)) + b" \t", RECORD))  # whitespace around the object
    # Lower-case t and z (RFC 3339 §5.6).
    for ts in ["2025-07-08t19:52:43.118z", "2025-07-08t19:52:43Z", "2025-07-08T19:52:43.5z",
               "2025-07-08t21:52:43+02:00"]:
        out.append((line(len(out), timestamp=ts), RECORD))
    out.append((line(len(out), timestamp="2025-07-08x19:52:43z"), "bad_timestamp"))
    # Years 0001-9999 in UTC, as text or epoch seconds; year 0000 is refused.
    for ts in ["0000-01-01T00:00:00Z", "0000-12-31T23:59:59.999999Z", "0000-06-15 12:00:00",
               "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-00:01", -62135596801,
               -62135596800.5, 253402300800]:
        out.append((line(len(out), timestamp=ts), "bad_timestamp"))
    for ts in ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00-00:01",
               -62135596800, 253402300799]:
        out.append((line(len(out), timestamp=ts), RECORD))
    return out


@pytest.fixture
def corpus(tmp_path):
    """One file with one case per line, CRLF endings (a blank `\\r` case becomes `\\r\\r\\n`)."""
    folder = tmp_path / "corpus" / ("spark-" + "cd" * 16) / "etl-driver"
    folder.mkdir(parents=True)
    (folder / "rules.json").write_bytes(b"".join(l + b"\r\n" for l, _ in cases()))
    return tmp_path / "corpus"


def outcomes_by_line():
    return {n: outcome for n, (_, outcome) in enumerate(cases(), start=1)}


def test_expectation_follows_the_written_rules(corpus):
    want = outcomes_by_line()
    data = expect.read_file_bytes(next(corpus.rglob("rules.json")))
    seen = {}
    for n, raw in expect.physical_lines(data):
        row, reason = expect.check_record(expect.parse_line(raw))
        seen[n] = RECORD if row is not None else reason
    assert {n: o for n, o in want.items() if o != BLANK} == seen


def test_floe_follows_the_written_rules(floe, corpus, pyiceberg_catalog):
    summary = json.loads(floe.run("ingest", corpus, "--table", TABLE, "--json").stdout)
    want = outcomes_by_line()
    got = {line: reason for (_, _, line), (reason, _) in reject_raw(pyiceberg_catalog).items()}
    assert got == {n: o for n, o in want.items() if o not in (RECORD, BLANK)}
    rows, _ = expect.expected_rows(corpus)
    assert len(rows) == sum(1 for o in want.values() if o == RECORD)
    want_rows = collections.Counter(
        (r["timestamp"],) + tuple(r[c] for c in expect.COLUMNS[1:]) for r in rows)
    assert data_multiset(pyiceberg_catalog) == want_rows
    assert summary["total_records_processed"] == len(rows)
