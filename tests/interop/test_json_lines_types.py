"""Every Iceberg type appended from JSON Lines: PyIceberg and DuckDB read back the values Python
meant, and what `floe scan --format jsonl` prints appends back to the same rows."""
import datetime as dt
import decimal
import json
import random
import struct
import uuid

from servers.spark import spark_catalog, spark_rows

UTC = dt.timezone.utc
EPOCH = dt.datetime(1970, 1, 1)
DECIMAL_NUMBER = "@decimal-number@"

SCHEMA = ("id long not null, b boolean, i int, l long, f float, d double, dec decimal(20, 4), "
          "day date, t time, ts timestamp, tstz timestamptz, s string, u uuid, fx fixed[4], "
          "bin binary, tags list<string>, attrs map<string, long>, by_code map<int, string>, "
          "point struct<x: double, y: double, meta: struct<label: string, props: map<string, int>>>")


def float32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def make_rows(n, seed):
    """Python values, and the JSON object of each row written as a user would write it."""
    rnd = random.Random(seed)
    rows, lines = [], []
    for i in range(n):
        def maybe(value):
            return None if rnd.random() < 0.15 else value
        micros = rnd.randint(-10**15, 4 * 10**15)
        ts = EPOCH + dt.timedelta(microseconds=micros)
        code_map = {rnd.randint(-1000, 1000): f"c{k}" for k in range(rnd.randint(0, 3))}
        row = {
            "id": i,
            "b": maybe(rnd.random() < 0.5),
            "i": maybe(rnd.randint(-2**31, 2**31 - 1)),
            "l": maybe(rnd.randint(-2**63, 2**63 - 1)),
            "f": maybe(float32(rnd.uniform(-1e6, 1e6))),
            "d": maybe(rnd.uniform(-1e300, 1e300) if i % 2 else rnd.uniform(-1, 1)),
            "dec": maybe(decimal.Decimal(rnd.randint(-10**20 + 1, 10**20 - 1)).scaleb(-4)),
            "day": maybe(dt.date(1900, 1, 1) + dt.timedelta(days=rnd.randint(0, 80000))),
            "t": maybe(dt.time(rnd.randint(0, 23), rnd.randint(0, 59), rnd.randint(0, 59),
                               rnd.choice([0, rnd.randint(0, 999999)]))),
            "ts": maybe(ts),
            "tstz": maybe(ts.replace(tzinfo=UTC)),
            "s": maybe("".join(rnd.choice("aé☃😀\"\\\n\t x") for _ in range(rnd.randint(0, 12)))),
            "u": maybe(uuid.UUID(int=rnd.getrandbits(128))),
            "fx": maybe(bytes(rnd.getrandbits(8) for _ in range(4))),
            "bin": maybe(bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 20)))),
            "tags": maybe([maybe(f"t{rnd.randint(0, 9)}") for _ in range(rnd.randint(0, 4))]),
            "attrs": maybe({f"k{k}": maybe(rnd.randint(-2**40, 2**40)) for k in range(rnd.randint(0, 3))}),
            "by_code": maybe(code_map),
            "point": maybe({
                "x": rnd.uniform(-180, 180), "y": rnd.uniform(-90, 90),
                "meta": maybe({"label": maybe(f"p{i}"),
                               "props": maybe({f"q{k}": rnd.randint(0, 99) for k in range(rnd.randint(0, 2))})}),
            }),
        }
        rows.append(row)
        line = json.dumps(to_json(row, i), ensure_ascii=i % 2 == 0)
        # json.dumps has no exact form for a Decimal number: its digits go in verbatim.
        lines.append(line.replace(f'"{DECIMAL_NUMBER}"', str(row["dec"])))
    return rows, lines


def to_json(row, i):
    """The row in JSON: numbers as numbers, the rest as text; decimals alternate between a
    number and a string, the int-keyed map between an object and a key/value array."""
    out = dict(row)
    if row["dec"] is not None:
        out["dec"] = str(row["dec"]) if i % 2 else DECIMAL_NUMBER
    for key in ("day", "t", "ts", "tstz"):
        if row[key] is not None:
            out[key] = row[key].isoformat()
    if row["u"] is not None:
        out["u"] = str(row["u"])
    for key in ("fx", "bin"):
        if row[key] is not None:
            out[key] = row[key].hex()
    if row["by_code"] is not None:
        items = row["by_code"].items()
        out["by_code"] = ({str(k): v for k, v in items} if i % 2
                          else [{"key": k, "value": v} for k, v in items])
    if i % 3 == 0:
        out = {k: v for k, v in out.items() if v is not None}  # missing instead of null
    return out


def canonical(row):
    """One comparable form of a row from any reader: maps as sorted (key, value) lists,
    instants in UTC, decimals at the column's scale, uuids as UUID objects."""
    def as_map(m):
        if m is None:
            return None
        items = m.items() if isinstance(m, dict) else m
        return sorted(tuple(kv) if not isinstance(kv, dict) else (kv["key"], kv["value"]) for kv in items)

    out = dict(row)
    if out["dec"] is not None:
        out["dec"] = decimal.Decimal(out["dec"]).quantize(decimal.Decimal("0.0001"))
    if out["tstz"] is not None:
        out["tstz"] = out["tstz"].astimezone(UTC)
    if out["u"] is not None and not isinstance(out["u"], uuid.UUID):
        out["u"] = uuid.UUID(bytes=bytes(out["u"])) if isinstance(out["u"], bytes) else uuid.UUID(out["u"])
    for key in ("fx", "bin"):
        if out[key] is not None:
            out[key] = bytes(out[key])
    out["attrs"] = as_map(out["attrs"])
    out["by_code"] = as_map(out["by_code"])
    if out["point"] is not None and out["point"]["meta"] is not None:
        meta = dict(out["point"]["meta"])
        meta["props"] = as_map(meta["props"])
        out["point"] = {**out["point"], "meta": meta}
    return out


def by_id(rows):
    return sorted((canonical(r) for r in rows), key=lambda r: r["id"])


def create(floe, name):
    floe.run("table", "create", name, "--schema", SCHEMA)


def test_every_type_from_json_lines_reads_back_in_pyiceberg_and_duckdb(
        floe, tmp_path, pyiceberg_catalog, duck):
    floe.run("namespace", "create", "j")
    create(floe, "j.all")
    rows, lines = make_rows(300, 7)
    path = tmp_path / "all.jsonl"
    path.write_text("\n".join(lines) + "\n")
    floe.run("append", "j.all", path)
    expected = by_id(rows)

    table = pyiceberg_catalog.load_table("j.all")
    assert by_id(table.scan().to_arrow().to_pylist()) == expected

    rel = duck.execute(f"SELECT * FROM iceberg_scan('{table.metadata_location}')")
    cols = [c[0] for c in rel.description]
    assert by_id(dict(zip(cols, r)) for r in rel.fetchall()) == expected


def test_scanned_json_lines_append_back_to_identical_rows(floe, tmp_path, pyiceberg_catalog):
    floe.run("namespace", "create", "j")
    create(floe, "j.first")
    create(floe, "j.second")
    rows, lines = make_rows(200, 11)
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n")
    floe.run("append", "j.first", tmp_path / "in.jsonl")

    scanned = floe.run("scan", "j.first", "--format", "jsonl").stdout
    (tmp_path / "scanned.jsonl").write_text(scanned)
    floe.run("append", "j.second", tmp_path / "scanned.jsonl")

    def sorted_lines(text):
        return sorted(text.splitlines(), key=lambda line: json.loads(line)["id"])

    assert sorted_lines(floe.run("scan", "j.second", "--format", "jsonl").stdout) == \
        sorted_lines(scanned)
    first = pyiceberg_catalog.load_table("j.first").scan().to_arrow()
    second = pyiceberg_catalog.load_table("j.second").scan().to_arrow()
    assert by_id(second.to_pylist()) == by_id(first.to_pylist()) == by_id(rows)


def test_a_bad_value_names_file_line_and_column_path(floe, tmp_path):
    floe.run("namespace", "create", "j")
    create(floe, "j.bad")
    good = json.dumps({"id": 1, "by_code": {"7": "x"}})
    bad = json.dumps({"id": 2, "point": {"x": 1.0, "y": 2.0, "meta": {"props": {"a": "many"}}}})
    path = tmp_path / "bad.jsonl"
    path.write_text(good + "\n\n" + bad + "\n")
    proc = floe.run("append", "j.bad", path, check=False)
    assert proc.returncode == 1, proc.stderr
    assert f"{path} line 3: column point.meta.props[\"a\"]: expected an int" in proc.stderr, proc.stderr
    assert floe.json("table", "snapshots", "j.bad") == []


def test_spark_reads_every_type_it_has(floe, tmp_path, warehouse, spark):
    # Spark has no time type: it refuses a table whose schema has one, and its Parquet reader
    # fails on a file holding one even unprojected. The table leaves `t` out; uuid stays (Spark
    # reads it as text, which canonical() parses back).
    floe.run("namespace", "create", "j")
    floe.run("table", "create", "j.spark", "--schema", SCHEMA.replace("t time, ", ""))
    rows, _ = make_rows(300, 7)
    rows = [{k: v for k, v in r.items() if k != "t"} for r in rows]
    lines = []
    for i, r in enumerate(rows):
        obj = to_json({**r, "t": None}, i)
        obj.pop("t", None)
        line = json.dumps(obj, ensure_ascii=i % 2 == 0)
        lines.append(line.replace(f'"{DECIMAL_NUMBER}"', str(r["dec"])))
    path = tmp_path / "spark.jsonl"
    path.write_text("\n".join(lines) + "\n")
    floe.run("append", "j.spark", path)
    cat = spark_catalog(spark, warehouse)
    assert by_id(spark_rows(spark, f"{cat}.j.spark")) == by_id(rows)
