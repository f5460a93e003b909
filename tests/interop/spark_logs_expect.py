"""What ingesting a folder of Spark-on-Kubernetes Fluent Bit logs must produce, computed in plain
Python from the ingest rules alone (no code shared with floe's C++ parser), so tests can compare
two independent implementations.

Layout: `<corpus>/spark-<…>/**/<file>`; only immediate children of the corpus folder whose names
start with `spark-` and that are folders are read, and every regular file below them, at any
depth. Each file is gzip or zstd if its first bytes say so, whatever its name.

A record is one physical line: split on `\\n`, one trailing `\\r` dropped, a UTF-8 BOM at the very
start of the (decompressed) file ignored, blank lines (empty, or only JSON whitespace: space, tab,
CR) skipped but counted for line numbers, and the last line may lack its newline. Line numbers are
1-based.

Checks, in order, each rejecting with the first reason that applies:
1. the line is UTF-8 and exactly one JSON object (RFC 8259: no NaN/Infinity, nothing after
   it) — else `invalid_json`;
2. each required path is present, not null and not empty (a string of only JSON whitespace —
   space, tab, LF, CR — including "", or {} / []) — else `missing_field:<path>`;
3. the timestamp is RFC 3339 text `YYYY-MM-DD[T| ]hh:mm:ss[.f{1,9}][Z|±hh:mm|±hhmm]` (`t` and
   `z` may be lower case, as RFC 3339 §5.6 allows; no zone means UTC; the fraction is truncated
   to microseconds; the date must exist) or a JSON number of epoch seconds, converted exactly
   from its decimal text and floored to microseconds; either way within UTC years 0001–9999 —
   else `bad_timestamp`.

Edge choices: year 0000 is rejected (Python's datetime, and so every Python reader of the
table, cannot hold it); form feed, vertical tab and Unicode spaces are not blank; seconds 60
(leap) are rejected; log levels are upper-cased in ASCII only; duplicate keys keep the last value,
as Python's json does.
"""
from __future__ import annotations

import decimal
import gzip
import io
import json
import os
import re
from typing import Any

import zstandard

COLUMNS = [
    "timestamp", "log_level", "message", "pod_name", "namespace_name", "app",
    "spark_app_selector", "queue", "spark_app_name", "spark_role", "spark_version",
    "submission_id", "container_name", "container_image",
]

REQUIRED = [
    ("timestamp",),
    ("log_level",),
    ("message",),
    ("kubernetes", "pod_name"),
    ("kubernetes", "namespace_name"),
    ("kubernetes", "labels", "app"),
    ("kubernetes", "labels", "spark-app-selector"),
]

# column -> path below the record, for the string columns
STRING_COLUMNS = {
    "log_level": ("log_level",),
    "message": ("message",),
    "pod_name": ("kubernetes", "pod_name"),
    "namespace_name": ("kubernetes", "namespace_name"),
    "app": ("kubernetes", "labels", "app"),
    "spark_app_selector": ("kubernetes", "labels", "spark-app-selector"),
    "queue": ("kubernetes", "labels", "queue"),
    "spark_app_name": ("kubernetes", "labels", "spark-app-name"),
    "spark_role": ("kubernetes", "labels", "spark-role"),
    "spark_version": ("kubernetes", "labels", "spark-version"),
    "submission_id": ("kubernetes", "labels", "sparkoperator.k8s.io/submission-id"),
    "container_name": ("kubernetes", "container_name"),
    "container_image": ("kubernetes", "container_image"),
}

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
BOM = b"\xef\xbb\xbf"

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"([Zz]|[+-]\d{2}:\d{2}|[+-]\d{4})?",
    re.ASCII,
)
_US_PER_DAY = 86_400_000_000
_MIN_US = -62_135_596_800_000_000  # 0001-01-01T00:00:00Z
_MAX_US = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999Z


class RawNumber:
    """A JSON number as written: its token text and its exact decimal value."""

    __slots__ = ("text", "value")

    def __init__(self, text: str):
        self.text = text
        self.value = decimal.Decimal(text)


class _NonFinite(ValueError):
    pass


def _reject_constant(name: str):
    raise _NonFinite(name)


def parse_line(raw: bytes):
    """The JSON object on one line, or None if the line is not exactly one valid object."""
    try:
        text = raw.decode("utf-8")  # strict: also refuses encoded surrogates and overlongs
        value = json.loads(text, parse_float=RawNumber, parse_int=RawNumber,
                           parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _lookup(record: dict, path: tuple[str, ...]):
    value: Any = record
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


_JSON_WHITESPACE = " \t\n\r"  # RFC 8259 §2 ws
_BLANK_LINE = re.compile(rb"[ \t\r]*")


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip(_JSON_WHITESPACE) == ""
    if isinstance(value, (dict, list)) and len(value) == 0:
        return True
    return False


def _days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _days_in_month(y: int, m: int) -> int:
    if m == 2:
        return 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28
    return 30 if m in (4, 6, 9, 11) else 31


def parse_timestamp(value):
    """Epoch microseconds (UTC) for a timestamp value, or None if it is not a valid one."""
    if isinstance(value, RawNumber):
        with decimal.localcontext() as ctx:
            ctx.prec = 1000
            ctx.Emax = decimal.MAX_EMAX
            ctx.Emin = decimal.MIN_EMIN
            ctx.traps[decimal.Inexact] = False
            if value.value.adjusted() > 20:  # far outside years 0001–9999; skip the big math
                return None
            us = int((value.value * 1_000_000).to_integral_value(rounding=decimal.ROUND_FLOOR))
        return us if _MIN_US <= us <= _MAX_US else None
    if not isinstance(value, str):
        return None
    m = _RFC3339.fullmatch(value)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction, zone = m.group(7), m.group(8)
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    offset_min = 0
    if zone and zone not in "Zz":
        digits = zone[1:].replace(":", "")
        oh, om = int(digits[:2]), int(digits[2:])
        if oh > 23 or om > 59:
            return None
        offset_min = (oh * 60 + om) * (1 if zone[0] == "+" else -1)
    micros = int((fraction or "").ljust(6, "0")[:6])
    days = _days_from_civil(year, month, day)
    us = (days * _US_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1_000_000 + micros
          - offset_min * 60_000_000)
    return us if _MIN_US <= us <= _MAX_US else None


def _json_text(value) -> str:
    """Compact JSON for a value, numbers as written."""
    if isinstance(value, RawNumber):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(_json_text(k) + ":" + _json_text(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _column_text(value):
    """A string column's value: text as is, None for null, anything else as its JSON text."""
    if value is None or isinstance(value, str):
        return value
    return _json_text(value)


def _ascii_upper(text: str) -> str:
    return "".join(chr(ord(c) - 32) if "a" <= c <= "z" else c for c in text)


def check_record(record) -> tuple[dict | None, str | None]:
    """(row, None) for a good record, (None, reason) for a bad one."""
    if record is None:
        return None, "invalid_json"
    for path in REQUIRED:
        if _is_missing(_lookup(record, path)):
            return None, "missing_field:" + ".".join(path)
    ts = parse_timestamp(record["timestamp"])
    if ts is None:
        return None, "bad_timestamp"
    row = {"timestamp": ts}
    for column, path in STRING_COLUMNS.items():
        row[column] = _column_text(_lookup(record, path))
    row["log_level"] = _ascii_upper(row["log_level"])
    return {c: row[c] for c in COLUMNS}, None


def read_file_bytes(path: str) -> bytes:
    """A file's content, decompressed if its magic bytes say gzip or zstd."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(GZIP_MAGIC):
        return gzip.decompress(data)
    if data.startswith(ZSTD_MAGIC):
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data),
                                                           read_across_frames=True)
        return reader.read()
    return data


def physical_lines(data: bytes):
    """(line number, line bytes) for each non-blank line, `\\r` and a leading BOM removed."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()  # the newline ended the last line; nothing follows it
    for number, line in enumerate(parts, start=1):
        if line.endswith(b"\r"):
            line = line[:-1]
        if not _BLANK_LINE.fullmatch(line):
            yield number, line


def app_folders(corpus_dir: str) -> list[str]:
    """Names of the `spark-*` folders directly inside the corpus, sorted."""
    names = []
    for entry in os.scandir(corpus_dir):
        if entry.name.startswith("spark-") and entry.is_dir(follow_symlinks=False):
            names.append(entry.name)
    return sorted(names)


def folder_files(folder: str) -> list[str]:
    """Every regular file below `folder`, as sorted paths relative to it."""
    out = []
    for root, dirs, files in os.walk(folder):
        for name in files:
            full = os.path.join(root, name)
            if os.path.isfile(full) and not os.path.islink(full):
                out.append(os.path.relpath(full, folder))
    return sorted(out)


def checked_lines(corpus_dir):
    """(folder, file, line number, line bytes, row, reason) for each non-blank line of the
    corpus, in folder, file and line order."""
    corpus_dir = os.fspath(corpus_dir)
    for folder in app_folders(corpus_dir):
        folder_path = os.path.join(corpus_dir, folder)
        for rel in folder_files(folder_path):
            data = read_file_bytes(os.path.join(folder_path, rel))
            for number, line in physical_lines(data):
                row, reason = check_record(parse_line(line))
                yield folder, rel, number, line, row, reason


def expected_rows(corpus_dir) -> tuple[list[dict], list[tuple[str, str, int, str]]]:
    """The rows an ingest of `corpus_dir` must produce and the lines it must reject, as
    (spark folder name, file path relative to that folder, line number, reason)."""
    rows, rejects = [], []
    for folder, rel, number, _, row, reason in checked_lines(corpus_dir):
        if row is not None:
            rows.append(row)
        else:
            rejects.append((folder, rel, number, reason))
    return rows, rejects


def expected_rejected_lines(corpus_dir) -> dict[tuple[str, str, int], tuple[str, bytes]]:
    """(folder, file, line number) -> (reason, the line's exact bytes as the rejects table must
    keep them: without its `\\n`, one trailing `\\r` and, on line 1, a leading BOM)."""
    return {(folder, rel, number): (reason, line)
            for folder, rel, number, line, row, reason in checked_lines(corpus_dir)
            if row is None}
