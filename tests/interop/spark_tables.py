"""Reading what `floe ingest` wrote back through PyIceberg, as multisets that compare directly
with the independent expectation of spark_logs_expect.py."""
import collections
import datetime as dt

from spark_logs_expect import COLUMNS, expected_rows

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
TABLE = "logs.spark"


def micros(ts):
    return (ts - EPOCH) // dt.timedelta(microseconds=1)


def as_key(row):
    ts = row["timestamp"]
    ts = ts if isinstance(ts, int) else micros(ts)
    return (ts,) + tuple(row[c] for c in COLUMNS[1:])


def data_multiset(catalog, table=TABLE):
    rows = catalog.load_table(table).scan().to_arrow().to_pylist()
    return collections.Counter(as_key(r) for r in rows)


def reject_multiset(catalog, table=TABLE):
    rows = catalog.load_table(table + "_rejects").scan().to_arrow().to_pylist()
    return collections.Counter((r["folder"], r["file"], r["line"], r["reason"]) for r in rows)


def reject_raw(catalog, table=TABLE):
    """(folder, file, line) -> (reason, raw bytes) for every row of the rejects table; a key seen
    twice is an error (a line rejected twice)."""
    out = {}
    for r in catalog.load_table(table + "_rejects").scan().to_arrow().to_pylist():
        key = (r["folder"], r["file"], r["line"])
        assert key not in out, f"line rejected twice: {key}"
        out[key] = (r["reason"], r["raw"])
    return out


def expected(corpus):
    rows, rejects = expected_rows(corpus)
    return (collections.Counter(as_key(r) for r in rows),
            collections.Counter(tuple(r[:4]) for r in rejects))


def assert_exact(catalog, corpus, table=TABLE):
    """The data and rejects tables hold exactly what the independent model expects."""
    rows, rejects = expected(corpus)
    assert data_multiset(catalog, table) == rows
    assert reject_multiset(catalog, table) == rejects
