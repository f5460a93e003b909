"""Benchmark peer: the job users run today, reproduced locally. For each app folder: a
PROCESSING row in the processing-metadata table, Ray Data `read_text` of the folder's files,
`map_batches` that parses, validates and maps each line (json.loads per line), the rows appended
to the Iceberg log table through PyIceberg, then a SUCCESS row with the record count. Each
append is its own commit, as in the job.

Usage: ray_peer.py CORPUS WAREHOUSE [CPUS]  ->  one JSON line of counts on stdout."""
import datetime
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pyarrow as pa  # noqa: E402

import log_rules  # noqa: E402


def metadata_schema():
    from pyiceberg.schema import Schema
    from pyiceberg.types import IntegerType, NestedField, StringType, TimestamptzType

    names = [("spark_app_selector", StringType()), ("s3_path", StringType()),
             ("status", StringType()), ("records_processed", IntegerType()),
             ("processing_start_time", TimestamptzType()),
             ("processing_end_time", TimestamptzType()), ("error_message", StringType()),
             ("job_id", StringType()), ("updated_at", TimestamptzType())]
    return Schema(*[NestedField(i, n, t, required=False) for i, (n, t) in enumerate(names, 1)])


METADATA_ARROW = pa.schema([
    ("spark_app_selector", pa.string()), ("s3_path", pa.string()), ("status", pa.string()),
    ("records_processed", pa.int32()),
    ("processing_start_time", pa.timestamp("us", tz="UTC")),
    ("processing_end_time", pa.timestamp("us", tz="UTC")), ("error_message", pa.string()),
    ("job_id", pa.string()), ("updated_at", pa.timestamp("us", tz="UTC"))])


def status_row(folder, path, status, records, start, end, job_id):
    now = datetime.datetime.now(datetime.timezone.utc)
    return pa.Table.from_pylist([{
        "spark_app_selector": folder, "s3_path": path, "status": status,
        "records_processed": records, "processing_start_time": start,
        "processing_end_time": end, "error_message": None, "job_id": job_id,
        "updated_at": now}], schema=METADATA_ARROW)


def process_batch(batch: pa.Table) -> pa.Table:
    """Ray Data map_batches function: text lines in, validated log rows out."""
    rows = []
    for line in batch.column("text").to_pylist():
        if line.startswith("\ufeff"):
            line = line[1:]
        if line.endswith("\r"):
            line = line[:-1]
        row = log_rules.row_from_line(line)
        if row is not None:
            rows.append(row)
    return log_rules.table_from_rows(rows)


def main() -> int:
    corpus, warehouse = sys.argv[1], sys.argv[2]
    cpus = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count()
    import ray

    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False,
             object_store_memory=512 * 1024 * 1024, configure_logging=False)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    catalog = log_rules.sql_catalog(warehouse)
    logs = log_rules.create_log_table(catalog, "spark.logs")
    meta = catalog.create_table("spark.logs_processing_metadata", schema=metadata_schema())
    job_id = str(uuid.uuid4())
    records = commits = 0
    folders = log_rules.app_folders(corpus)
    for folder, paths in folders.items():
        start = datetime.datetime.now(datetime.timezone.utc)
        path = os.path.join(corpus, folder)
        meta.append(status_row(folder, path, "PROCESSING", None, start, None, job_id))
        ds = ray.data.read_text(paths).map_batches(process_batch, batch_format="pyarrow",
                                                   batch_size=4096)
        parts = ray.get(ds.to_arrow_refs())
        rows = pa.concat_tables([p.cast(log_rules.ARROW_SCHEMA) for p in parts if p.num_rows])
        logs.append(rows)
        end = datetime.datetime.now(datetime.timezone.utc)
        meta.append(status_row(folder, path, "SUCCESS", rows.num_rows, start, end, job_id))
        records += rows.num_rows
        commits += 3
    ray.shutdown()
    print(json.dumps({"records": records, "folders": len(folders), "commits": commits,
                      "ray": ray.__version__}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
