"""Benchmark peer: DuckDB. One `read_json` over every file of the corpus with the fields the 14
columns need declared (so it does not sniff), the same checks and mapping in SQL, and
`COPY … TO` one zstd Parquet file. No Iceberg commit: this is the cost of JSON to Parquet alone.

DuckDB's JSON reader refuses a UTF-8 byte-order mark; with ignore_errors the first line of such
a file may come back as all NULLs and be dropped by the checks (the driver reports any
difference in records). Numbers in string columns come back re-printed by DuckDB ("3.50" as
"3.5") where floe keeps their text.

Usage: duckdb_peer.py CORPUS OUT_DIR [THREADS]  ->  one JSON line of counts on stdout."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import duckdb  # noqa: E402

import log_rules  # noqa: E402

LABELS = ", ".join(f'"{path[-1]}" VARCHAR' for _, path in log_rules.STRING_COLUMNS
                   if len(path) == 3)
COLUMNS = {
    "timestamp": "JSON",
    "log_level": "VARCHAR",
    "message": "VARCHAR",
    "kubernetes": ("STRUCT(pod_name VARCHAR, namespace_name VARCHAR, container_name VARCHAR, "
                   f"container_image VARCHAR, labels STRUCT({LABELS}))"),
}


def column_expr(name, path):
    if len(path) == 1:
        return f'"{path[0]}"'
    return "kubernetes" + "".join(f'."{p}"' for p in path[1:])


def main() -> int:
    corpus, out_dir = sys.argv[1], sys.argv[2]
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count()
    files = [p for paths in log_rules.app_folders(corpus).values() for p in paths]
    with open(files[0], "rb") as f:
        compression = "gzip" if f.read(2) == log_rules.GZIP_MAGIC else "uncompressed"
    os.makedirs(out_dir, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute("SET TimeZone = 'UTC'")
    strings = [f"{column_expr(n, p)} AS {n}" for n, p in log_rules.STRING_COLUMNS]
    required = " AND ".join(f"trim({n}, ' \t\r\n') <> ''" for n in log_rules.REQUIRED)
    # Text timestamps must match RFC 3339 before the cast (DuckDB also accepts other shapes) and
    # lose fraction digits past the sixth (DuckDB would round them), and are upper-cased (DuckDB
    # refuses the lower-case t and z RFC 3339 allows); numbers are epoch seconds,
    # floored to microseconds from their decimal text.
    query = f"""
      COPY (
        SELECT ts AS "timestamp", upper(log_level) AS log_level, * EXCLUDE (ts, log_level)
        FROM (
          SELECT CASE
                   WHEN json_type(t) = 'VARCHAR'
                        AND regexp_full_match(t ->> '$',
                          '\\d{{4}}-\\d{{2}}-\\d{{2}}[Tt ]\\d{{2}}:\\d{{2}}:\\d{{2}}(\\.\\d{{1,9}})?([Zz]|[+-]\\d{{2}}:?\\d{{2}})?')
                     THEN try_cast(upper(regexp_replace(t ->> '$', '(\\.\\d{{6}})\\d+', '\\1'))
                                   AS TIMESTAMPTZ)
                   WHEN json_type(t) IN ('UBIGINT', 'BIGINT', 'DOUBLE')
                     THEN try_cast(make_timestamp(
                            floor(try_cast(t::VARCHAR AS DECIMAL(38, 9)) * 1000000)::BIGINT)
                          AS TIMESTAMPTZ)
                 END AS ts,
                 {", ".join(strings)}
          FROM (SELECT "timestamp" AS t, * EXCLUDE ("timestamp")
                FROM read_json(?, format = 'newline_delimited', columns = ?,
                               compression = '{compression}', ignore_errors = true,
                               maximum_object_size = 67108864))
        )
        WHERE ts IS NOT NULL AND {required}
      ) TO '{os.path.join(out_dir, "logs.parquet")}' (FORMAT parquet, COMPRESSION zstd)
    """
    records = con.execute(query, [files, COLUMNS]).fetchone()[0]
    print(json.dumps({"records": records, "files": len(files)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
