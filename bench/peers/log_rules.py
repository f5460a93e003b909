"""The ingest rules for the Python peers of the benchmark: which files to read, the 14 columns, the
Iceberg schema and partitioning, and two ways to turn log lines into validated rows:

* `table_from_content`: pyarrow.json over a whole file plus vectorized pyarrow.compute checks
  (the fast path, used by the PyIceberg peer). pyarrow.json needs one type per field, and
  Fluent Bit logs mix them (epoch-number and text timestamps, a container_image that is
  sometimes a list), so a byte-level pass first turns those values into strings: numeric
  timestamps get a \\u0001 prefix so they stay told apart from text ones, other non-string
  values become their JSON text. A file pyarrow.json still refuses goes through the slow path.
* `table_from_lines`: `json.loads` per line (what a row-at-a-time job does; the Ray peer uses it
  inside `map_batches`, and the fast path falls back to it).

Both follow the rules of floe ingest (README, tests/interop/spark_logs_expect.py): required
fields present and non-blank, timestamp RFC 3339 text (no zone = UTC, fraction truncated to
microseconds) or epoch seconds as a JSON number (floored to microseconds), log_level upper-cased
in ASCII, strings as is, other values as their JSON text."""
from __future__ import annotations

import decimal
import gzip
import io
import json
import os
import re

import pyarrow as pa
import pyarrow.compute as pc

STRING_COLUMNS = [
    ("log_level", ("log_level",)),
    ("message", ("message",)),
    ("pod_name", ("kubernetes", "pod_name")),
    ("namespace_name", ("kubernetes", "namespace_name")),
    ("app", ("kubernetes", "labels", "app")),
    ("spark_app_selector", ("kubernetes", "labels", "spark-app-selector")),
    ("queue", ("kubernetes", "labels", "queue")),
    ("spark_app_name", ("kubernetes", "labels", "spark-app-name")),
    ("spark_role", ("kubernetes", "labels", "spark-role")),
    ("spark_version", ("kubernetes", "labels", "spark-version")),
    ("submission_id", ("kubernetes", "labels", "sparkoperator.k8s.io/submission-id")),
    ("container_name", ("kubernetes", "container_name")),
    ("container_image", ("kubernetes", "container_image")),
]
COLUMNS = ["timestamp"] + [name for name, _ in STRING_COLUMNS]
REQUIRED = ["log_level", "message", "pod_name", "namespace_name", "app", "spark_app_selector"]

MIN_US = -62_135_596_800_000_000  # 0001-01-01T00:00:00Z, as floe
MAX_US = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999Z
TIMESTAMP_TYPE = pa.timestamp("us", tz="UTC")

ARROW_SCHEMA = pa.schema(
    [pa.field("timestamp", TIMESTAMP_TYPE, nullable=False)]
    + [pa.field(name, pa.string()) for name, _ in STRING_COLUMNS])

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
BOM = b"\xef\xbb\xbf"


# ---------------------------------------------------------------------------------------------
# Files

def app_folders(corpus: str) -> dict[str, list[str]]:
    """spark-* folder name -> sorted paths of every regular file below it (floe's listing)."""
    out = {}
    for entry in sorted(os.scandir(corpus), key=lambda e: e.name):
        if not (entry.name.startswith("spark-") and entry.is_dir(follow_symlinks=False)):
            continue
        files = []
        for root, _, names in os.walk(entry.path):
            for name in names:
                path = os.path.join(root, name)
                if os.path.isfile(path) and not os.path.islink(path):
                    files.append(path)
        out[entry.name] = sorted(files)
    return out


def read_content(path: str) -> bytes:
    """A file's bytes, gzip or zstd decoded when its magic bytes say so."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(GZIP_MAGIC):
        return gzip.decompress(data)
    if data.startswith(ZSTD_MAGIC):
        import zstandard
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data),
                                                           read_across_frames=True)
        return reader.read()
    return data


# ---------------------------------------------------------------------------------------------
# Iceberg

def iceberg_schema():
    from pyiceberg.schema import Schema
    from pyiceberg.types import NestedField, StringType, TimestamptzType

    fields = [NestedField(1, "timestamp", TimestamptzType(), required=True)]
    for i, (name, _) in enumerate(STRING_COLUMNS, start=2):
        fields.append(NestedField(i, name, StringType(), required=False))
    return Schema(*fields)


def day_partition_spec():
    from pyiceberg.partitioning import PartitionField, PartitionSpec
    from pyiceberg.transforms import DayTransform

    return PartitionSpec(PartitionField(source_id=1, field_id=1000, transform=DayTransform(),
                                        name="timestamp_day"))


def sql_catalog(warehouse: str):
    from pyiceberg.catalog.sql import SqlCatalog

    os.makedirs(warehouse, exist_ok=True)
    return SqlCatalog("default", uri=f"sqlite:///{warehouse}/catalog.db",
                      warehouse=f"file://{os.path.abspath(warehouse)}")


def create_log_table(catalog, identifier: str):
    namespace = identifier.split(".")[0]
    catalog.create_namespace_if_not_exists(namespace)
    return catalog.create_table(identifier, schema=iceberg_schema(),
                                partition_spec=day_partition_spec(),
                                properties={"write.parquet.compression-codec": "zstd"})


def ts_check(timestamps) -> str:
    """The checksum parse_bound prints: sums of floored whole seconds and of the microseconds
    left over, over a timestamp[us] array or chunked array."""
    us = pc.cast(timestamps, pa.int64())
    secs = pc.floor(pc.divide(pc.cast(us, pa.float64()), 1e6))  # exact below 2^53 seconds
    secs = pc.cast(secs, pa.int64())
    micros = pc.subtract(us, pc.multiply(secs, 1_000_000))
    s = pc.sum(secs).as_py() or 0
    u = pc.sum(micros).as_py() or 0
    return f"{s}:{u}"


# ---------------------------------------------------------------------------------------------
# Slow path: one line at a time

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"([Zz]|[+-]\d{2}:\d{2}|[+-]\d{4})?", re.ASCII)
_DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def text_timestamp_us(text: str):
    m = _RFC3339.fullmatch(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= 12 or day < 1:
        return None
    if day > _DAYS_IN_MONTH[month - 1] + (1 if month == 2 and leap else 0):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    zone = m.group(8)
    offset = 0
    if zone and zone not in "Zz":
        digits = zone[1:].replace(":", "")
        oh, om = int(digits[:2]), int(digits[2:])
        if oh > 23 or om > 59:
            return None
        offset = (oh * 60 + om) * (1 if zone[0] == "+" else -1)
    micros = int((m.group(7) or "").ljust(6, "0")[:6])
    us = ((_days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
           - offset * 60) * 1_000_000 + micros)
    return us if MIN_US <= us <= MAX_US else None


def number_timestamp_us(value: decimal.Decimal):
    if not value.is_finite() or value.adjusted() > 20:
        return None
    with decimal.localcontext() as ctx:
        ctx.prec = 200
        us = int((value * 1_000_000).to_integral_value(rounding=decimal.ROUND_FLOOR))
    return us if MIN_US <= us <= MAX_US else None


class RawNumber:
    """A JSON number kept as written (floe stores numbers in string columns as their text)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def _json_text(value) -> str:
    """Minified JSON of a parsed value, numbers as written."""
    if isinstance(value, RawNumber):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(_json_text(k) + ":" + _json_text(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip(" \t\r\n") == ""
    return isinstance(value, (dict, list)) and not value


def _reject_constant(name):
    raise ValueError(name)


def row_from_line(line):
    """(timestamp_us, [13 strings]) for a valid record line (str or bytes), else None."""
    try:
        record = json.loads(line, parse_float=RawNumber, parse_int=RawNumber,
                            parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict):
        return None
    k8s = record.get("kubernetes")
    k8s = k8s if isinstance(k8s, dict) else {}
    labels = k8s.get("labels")
    labels = labels if isinstance(labels, dict) else {}
    scopes = {"kubernetes": k8s, "labels": labels}
    values = []
    for name, path in STRING_COLUMNS:
        scope = record if len(path) == 1 else scopes[path[-2]]
        value = scope.get(path[-1])
        if name in REQUIRED and _blank(value):
            return None
        if value is not None and not isinstance(value, str):
            value = _json_text(value)
        values.append(value)
    ts = record.get("timestamp")
    if isinstance(ts, str):
        us = text_timestamp_us(ts)
    elif isinstance(ts, RawNumber):
        us = number_timestamp_us(decimal.Decimal(ts.text))
    else:
        us = None
    if us is None:
        return None
    level = values[0]
    values[0] = level.translate(_ASCII_UPPER)
    return us, values


_ASCII_UPPER = {c: c - 32 for c in range(ord("a"), ord("z") + 1)}


def table_from_rows(rows) -> pa.Table:
    columns = [pa.array([r[0] for r in rows], pa.int64()).cast(TIMESTAMP_TYPE)]
    for i in range(len(STRING_COLUMNS)):
        columns.append(pa.array([r[1][i] for r in rows], pa.string()))
    return pa.Table.from_arrays(columns, schema=ARROW_SCHEMA)


def split_lines(data: bytes) -> list[bytes]:
    """Physical lines: BOM dropped, one trailing \\r dropped, blank lines skipped."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    out = []
    for line in data.split(b"\n"):
        if line.endswith(b"\r"):
            line = line[:-1]
        if line.strip(b" \t\r"):
            out.append(line)
    return out


def table_from_lines(lines) -> pa.Table:
    rows = []
    for line in lines:
        row = row_from_line(line)
        if row is not None:
            rows.append(row)
    return table_from_rows(rows)


# ---------------------------------------------------------------------------------------------
# Fast path: pyarrow.json plus pyarrow.compute

_STRING_KEYS = sorted({path[-1] for _, path in STRING_COLUMNS})
_REQUIRED_KEYS = {path[-1] for name, path in STRING_COLUMNS if name in REQUIRED}
# A numeric timestamp: becomes the string "\u0001<number text>".
_NUMERIC_TS = re.compile(rb'("timestamp"\s*:\s*)(-?[0-9][0-9.eE+-]*)')
# A column's key followed by a value that is not a string or null (number, bool, array, object).
# A `"key"` followed by `:` cannot occur inside a JSON string, whose quotes are all escaped.
_NON_STRING_VALUE = re.compile(
    rb'"(' + b"|".join(re.escape(k.encode()) for k in _STRING_KEYS) + rb')"\s*:\s*(?=[-0-9\[{tf])')
_DECODER = json.JSONDecoder(parse_float=RawNumber, parse_int=RawNumber)

_READ_SCHEMA = pa.schema([
    ("timestamp", pa.string()),
    ("log_level", pa.string()),
    ("message", pa.string()),
    ("kubernetes", pa.struct([
        ("pod_name", pa.string()),
        ("namespace_name", pa.string()),
        ("container_name", pa.string()),
        ("container_image", pa.string()),
        ("labels", pa.struct([(path[-1], pa.string()) for _, path in STRING_COLUMNS
                              if len(path) == 3])),
    ])),
])

_TS_TEXT_PATTERN = (r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?"
                    r"([Zz]|[+-]\d{2}:\d{2}|[+-]\d{4})?$")


def normalize_for_pyarrow(data: bytes) -> bytes:
    """Makes every value pyarrow.json reads a string (see the module doc)."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    data = _NUMERIC_TS.sub(rb'\1"\\u0001\2"', data)
    pieces, last = [], 0
    for m in _NON_STRING_VALUE.finditer(data):
        start = m.end()
        end_of_line = data.find(b"\n", start)
        segment = data[start:end_of_line if end_of_line >= 0 else len(data)]
        try:
            text = segment.decode("utf-8")
            value, end = _DECODER.raw_decode(text)
        except ValueError:
            continue  # not valid JSON here: the line fails on its own
        raw_len = len(text[:end].encode("utf-8"))
        if isinstance(value, (dict, list)) and not value and m.group(1).decode() in _REQUIRED_KEYS:
            replacement = b'""'  # an empty object or array counts as missing
        else:
            replacement = json.dumps(_json_text(value)).encode()
        pieces.append(data[last:start])
        pieces.append(replacement)
        last = start + raw_len
    if pieces:
        pieces.append(data[last:])
        data = b"".join(pieces)
    return data


def _present(array) -> pa.Array:
    blank = pc.equal(pc.utf8_length(pc.ascii_trim(array, " \t\r\n")), 0)
    return pc.fill_null(pc.invert(blank), False)


def _timestamps(ts) -> tuple[pa.Array, pa.Array]:
    """(microseconds int64, valid mask) for the normalized timestamp strings."""
    n = len(ts)
    is_number = pc.fill_null(pc.starts_with(ts, "\x01"), False)
    number_text = pc.utf8_slice_codeunits(ts, 1)
    parts = pc.extract_regex(pc.if_else(is_number, number_text, "x"),
                             r"^(?P<i>\d{1,12})(?:\.(?P<f>\d+))?$")
    simple = pc.fill_null(pc.is_valid(parts), False)
    whole = pc.cast(pc.if_else(simple, pc.struct_field(parts, "i"), "0"), pa.int64())
    frac = pc.utf8_slice_codeunits(pc.utf8_rpad(pc.if_else(simple, pc.struct_field(parts, "f"), ""),
                                                6, "0"), 0, 6)
    number_us = pc.add(pc.multiply(whole, 1_000_000), pc.cast(frac, pa.int64()))

    is_text = pc.fill_null(pc.match_substring_regex(ts, _TS_TEXT_PATTERN), False)
    text = pc.replace_substring_regex(ts, r"(\.\d{6})\d+", r"\1")
    has_zone = pc.fill_null(pc.match_substring_regex(text, r"([Zz]|[+-]\d{2}:?\d{2})$"), False)
    text = pc.if_else(has_zone, text, pc.binary_join_element_wise(text, "Z", ""))
    text = pc.if_else(is_text, text, "1970-01-01T00:00:00Z")
    try:
        text_us = pc.cast(pc.cast(text, TIMESTAMP_TYPE), pa.int64())
        text_ok = is_text
    except pa.ArrowInvalid:  # an impossible date somewhere: decide those one by one
        values, oks = [], []
        for s, ok in zip(ts.to_pylist(), is_text.to_pylist()):
            us = text_timestamp_us(s) if ok else None
            values.append(us or 0)
            oks.append(us is not None)
        text_us, text_ok = pa.array(values, pa.int64()), pa.array(oks, pa.bool_())

    us = pc.if_else(is_number, number_us, text_us)
    ok = pc.or_(pc.and_(is_number, simple), text_ok)
    # Numbers with exponents or signs are rare: exact decimal arithmetic, one by one.
    odd = pc.and_(is_number, pc.invert(simple))
    if pc.any(odd).as_py():
        values, oks = us.to_pylist(), ok.to_pylist()
        for i in pc.indices_nonzero(odd).to_pylist():
            try:
                v = number_timestamp_us(decimal.Decimal(number_text[i].as_py()))
            except decimal.InvalidOperation:
                v = None
            values[i], oks[i] = (v, True) if v is not None else (0, False)
        us, ok = pa.array(values, pa.int64()), pa.array(oks, pa.bool_())
    in_range = pc.and_(pc.greater_equal(us, MIN_US), pc.less_equal(us, MAX_US))
    assert len(us) == n
    return us, pc.and_(ok, in_range)


def table_from_content(data: bytes) -> tuple[pa.Table, bool]:
    """(valid rows of one file's content, whether the fast path read it)."""
    import pyarrow.json as pj

    try:
        raw = pj.read_json(io.BytesIO(normalize_for_pyarrow(data)),
                           read_options=pj.ReadOptions(block_size=16 << 20),
                           parse_options=pj.ParseOptions(explicit_schema=_READ_SCHEMA,
                                                         unexpected_field_behavior="ignore"))
    except pa.ArrowInvalid:
        return table_from_lines(split_lines(data)), False
    if raw.num_rows == 0:
        return ARROW_SCHEMA.empty_table(), True
    raw = raw.combine_chunks()
    k8s = raw.column("kubernetes").chunk(0)
    labels = pc.struct_field(k8s, "labels")
    columns = {}
    for name, path in STRING_COLUMNS:
        if len(path) == 1:
            columns[name] = raw.column(name).chunk(0)
        elif len(path) == 2:
            columns[name] = pc.struct_field(k8s, path[1])
        else:
            columns[name] = pc.struct_field(labels, path[2])
    mask = None
    for name in REQUIRED:
        present = _present(columns[name])
        mask = present if mask is None else pc.and_(mask, present)
    us, ts_ok = _timestamps(raw.column("timestamp").chunk(0))
    mask = pc.and_(mask, ts_ok)
    columns["log_level"] = pc.ascii_upper(columns["log_level"])
    arrays = [pc.cast(us, TIMESTAMP_TYPE)] + [columns[name] for name, _ in STRING_COLUMNS]
    table = pa.Table.from_arrays(arrays, names=COLUMNS).filter(mask)
    return table.cast(ARROW_SCHEMA), True
