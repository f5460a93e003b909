"""Spark SQL's row-level operations for bench/row_level.py, served by op_server: DELETE FROM,
UPDATE, MERGE INTO (source: the merge Parquet file as a temporary view) and Iceberg's
rewrite_data_files procedure, on the floe warehouse through Iceberg's JdbcCatalog over its
SQLite file. The session is the interop tests' (tests/interop/servers/spark.py: local[2],
iceberg-spark-runtime-4.0_2.13, jars cached in ~/.cache/floe/jars) with a larger driver
heap; the copy-on-write or merge-on-read choice is the table's write.*.mode property, which
the driver sets. Usage: spark_row_level.py WAREHOUSE WORKDIR DRIVER_MEMORY."""
import time

START = time.perf_counter()

import os  # noqa: E402
import sys  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "interop"))

import op_server  # noqa: E402
from servers.spark import spark_catalog, start_spark  # noqa: E402


def _quote(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _where(request) -> str:
    column, value = request["where"]
    return f"`{column}` = {_quote(value)}"


def _table(request, state) -> str:
    return f'{state["catalog"]}.{request["table"]}'


def delete(request, state):
    state["spark"].sql(f"DELETE FROM {_table(request, state)} WHERE {_where(request)}").collect()
    return {}


def update(request, state):
    column, factor = request["scale"]
    state["spark"].sql(f"UPDATE {_table(request, state)} SET `{column}` = `{column}` * "
                       f"{factor!r} WHERE {_where(request)}").collect()
    return {}


def merge(request, state):
    spark, key = state["spark"], request["on"]
    view = request.get("source_view")
    if not view:
        view = "merge_source"
        spark.read.parquet(request["source"]).createOrReplaceTempView(view)
    spark.sql(f"MERGE INTO {_table(request, state)} t USING {view} s ON t.`{key}` = s.`{key}` "
              "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *").collect()
    return {}


def compact(request, state):
    rows = state["spark"].sql(
        f"CALL {state['catalog']}.system.rewrite_data_files(table => '{request['table']}', "
        f"options => map('target-file-size-bytes', '{request['target_file_size']}', "
        f"'min-input-files', '{request['min_input_files']}'))").collect()
    return rows[0].asDict() if rows else {}


def warmup(request, state):
    """The JIT and Spark's planning code warmed on a throwaway 1000-row copy of the merge
    source: every statement once in each mode, then the table dropped. Untimed by the driver's
    rows (it is reported with the start-up)."""
    spark, table = state["spark"], f'{state["catalog"]}.{request["table"]}'
    spark.read.parquet(request["source"]).limit(1000).createOrReplaceTempView("warmup_source")
    spark.sql(f"CREATE TABLE {table} USING iceberg PARTITIONED BY (department) "
              "AS SELECT * FROM warmup_source")
    try:
        for mode in ("copy-on-write", "merge-on-read"):
            spark.sql(f"ALTER TABLE {table} SET TBLPROPERTIES ('write.delete.mode' = '{mode}', "
                      f"'write.update.mode' = '{mode}', 'write.merge.mode' = '{mode}')")
            delete(request, state)
            update(dict(request, scale=["salary", 1.1]), state)
            merge(dict(request, on="id", source_view="warmup_source"), state)
    finally:
        spark.sql(f"DROP TABLE {table} PURGE")
    return {}


def setup(warehouse, workdir, memory):
    spark = start_spark(workdir, driver_memory=memory, app_name="floe-bench")
    # No cached tables: the driver resets the table between statements with floe.
    catalog = spark_catalog(spark, warehouse, "default", cache_enabled="false")
    return {"spark": spark, "catalog": catalog}


if __name__ == "__main__":
    warehouse, workdir, memory = sys.argv[1:4]
    sys.exit(op_server.serve({"delete": delete, "update": update, "merge": merge,
                              "compact": compact, "warmup": warmup}, START,
                             lambda: setup(warehouse, workdir, memory)))
