"""`floe scan` streams: a table whose rows take 2 GB in memory (2 M rows of 1 kB strings,
stored small through Parquet's dictionary encoding) scans, with position deletes applied, in
a peak RSS of at most 512 MB — a quarter of what materialising the result would take.

The peak is floe's own maximum resident set (ru_maxrss) taken by GNU time around the floe
process, as tests/interop/test_ingest_memory.py measures it."""
import json
import subprocess

import pyarrow as pa
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

from row_deletes import commit_deletes, position_delete_file

LIMIT_MB = 512
GNU_TIME = "/usr/bin/time"
ROWS_PER_APPEND = 200_000
APPENDS = 10
PAYLOAD = 1000


def test_a_scan_far_larger_than_memory_streams(floe, pyiceberg_catalog, tmp_path):
    pyiceberg_catalog.create_namespace("db")
    schema = Schema(NestedField(1, "id", LongType(), required=True),
                    NestedField(2, "payload", StringType(), required=False))
    table = pyiceberg_catalog.create_table("db.big", schema=schema,
                                           properties={"format-version": "2"})
    arrow_schema = pa.schema([pa.field("id", pa.int64(), nullable=False),
                              pa.field("payload", pa.string())])
    values = [("x" * (PAYLOAD - 8)) + f"{k:08d}" for k in range(64)]
    for a in range(APPENDS):
        start = a * ROWS_PER_APPEND
        ids = pa.array(range(start, start + ROWS_PER_APPEND), pa.int64())
        payload = pa.array([values[i % 64] for i in range(ROWS_PER_APPEND)], pa.string())
        table.append(pa.Table.from_arrays([ids, payload], schema=arrow_schema))
    files = sorted(f["file_path"] for f in table.inspect.data_files().to_pylist())
    deleted = [(files[0], p) for p in range(0, ROWS_PER_APPEND, 2)]
    commit_deletes(table, [position_delete_file(table, "pos", deleted)])
    total = ROWS_PER_APPEND * APPENDS - len(deleted)
    assert total * PAYLOAD >= 3 * LIMIT_MB << 20

    rss_path = tmp_path / "maxrss.txt"
    proc = subprocess.run(
        [GNU_TIME, "-f", "%M", "-o", str(rss_path), floe.bin, "scan", "db.big", "--format",
         "jsonl", "--output", "/dev/null", "--stats", "--json", "--warehouse",
         str(floe.warehouse)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    stats = json.loads(proc.stderr.strip().splitlines()[-1])
    assert stats["rows"] == total and stats["delete_files_applied"] == 1
    peak_mb = int(rss_path.read_text().split()[-1]) / 1024
    assert peak_mb <= LIMIT_MB, f"peak RSS {peak_mb:.0f} MB"
    # Rows written out: every row but the deleted ones (stats count what the writer wrote).
    head = floe.scan_rows("db.big", "--limit", "3")
    assert len(head) == 3
    assert all(len(r["payload"]) == PAYLOAD for r in head)
