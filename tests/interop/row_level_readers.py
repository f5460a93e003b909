"""Reads a table back through every reader (floe, PyIceberg, DuckDB) in one comparable form, for
the row-level update / merge suites."""
import datetime as dt
import decimal


def normalize(row):
    out = {}
    for k, v in row.items():
        if isinstance(v, str) and k == "bonus":  # floe's JSON Lines prints decimals as text
            v = decimal.Decimal(v)
        if isinstance(v, decimal.Decimal):
            v = v.quantize(decimal.Decimal("0.01"))
        elif isinstance(v, str) and k in ("hired", "day"):
            v = dt.date.fromisoformat(v)
        out[k] = v
    return out


def by_id(rows):
    return sorted((normalize(r) for r in rows), key=lambda r: r["id"])


def floe_rows(floe, table):
    return by_id(floe.scan_rows(table))


def pyiceberg_rows(catalog, table):
    return by_id(catalog.load_table(table).scan().to_arrow().to_pylist())


def duckdb_rows(duck, catalog, table):
    location = catalog.load_table(table).metadata_location
    rel = duck.execute(f"SELECT * FROM iceberg_scan('{location}')")
    cols = [d[0] for d in rel.description]
    return by_id(dict(zip(cols, r)) for r in rel.fetchall())


def assert_readers_agree(floe, catalog, duck, table, expected, pyiceberg=True):
    """Every reader returns exactly `expected` (rows sorted by id)."""
    expected = by_id(expected)
    assert floe_rows(floe, table) == expected
    if pyiceberg:
        assert pyiceberg_rows(catalog, table) == expected
    assert duckdb_rows(duck, catalog, table) == expected
