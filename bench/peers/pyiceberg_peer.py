"""Benchmark peer: PyIceberg + pyarrow. Reads each file of a corpus with pyarrow.json, validates
and maps it with pyarrow.compute (log_rules.table_from_content), and appends every app folder's
rows to an Iceberg table in a SQL catalog (partitioned by day(timestamp), zstd Parquet), all
folders in one catalog transaction.

Usage: pyiceberg_peer.py CORPUS WAREHOUSE  ->  one JSON line of counts on stdout."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyarrow as pa  # noqa: E402

import log_rules  # noqa: E402


def main() -> int:
    corpus, warehouse = sys.argv[1], sys.argv[2]
    catalog = log_rules.sql_catalog(warehouse)
    table = log_rules.create_log_table(catalog, "spark.logs")
    records = files = fast = 0
    with table.transaction() as tx:
        for folder, paths in log_rules.app_folders(corpus).items():
            parts = []
            for path in paths:
                rows, used_fast_path = log_rules.table_from_content(log_rules.read_content(path))
                parts.append(rows)
                files += 1
                fast += used_fast_path
            rows = pa.concat_tables(parts) if parts else log_rules.ARROW_SCHEMA.empty_table()
            if rows.num_rows:
                tx.append(rows)
            records += rows.num_rows
    print(json.dumps({"records": records, "files": files, "fast_path_files": fast,
                      "slow_path_files": files - fast}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
