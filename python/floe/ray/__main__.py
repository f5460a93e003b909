"""``python -m floe.ray ingest``: the Ray job that replaces the Ray Data ingest, for
``ray job submit`` or a KubeRay ``RayJob``.

Its settings are those of ``floe ingest``, and what the flags leave out comes from the old
job's environment variables (S3_BUCKET, S3_PREFIX, ICEBERG_CATALOG_TYPE, ICEBERG_DATABASE,
ICEBERG_TABLE, ICEBERG_WAREHOUSE, AWS_REGION). It connects to the Ray cluster it was submitted
to (``RAY_ADDRESS``), prints the report as JSON and exits 1 when a folder failed."""
import argparse
import dataclasses
import json
import sys
from typing import List, Optional

import ray

import floe
import floe.ray
from floe import _floe


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m floe.ray")
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser(
        "ingest", help="Spark-log folders into an Iceberg table on a Ray cluster, one commit")
    ingest.add_argument("source", nargs="?", default="",
                        help="folder or s3:// URI of spark-* folders (default: S3_BUCKET/S3_PREFIX)")
    ingest.add_argument("--table", default="",
                        help="NS.TABLE (default: ICEBERG_DATABASE.ICEBERG_TABLE)")
    ingest.add_argument("--catalog", default=None,
                        help="catalog name from .pyiceberg.yaml / PYICEBERG_CATALOG__*")
    ingest.add_argument("--catalog-property", action="append", default=[], metavar="KEY=VALUE",
                        help="catalog or storage setting over the configured ones (repeatable)")
    ingest.add_argument("--num-workers", type=int, default=2,
                        help="shards, one Ray task each (default 2)")
    ingest.add_argument("--threads-per-worker", type=int, default=1,
                        help="CPUs and reader threads per task (default 1)")
    ingest.add_argument("--partition-by", default="", help="partition spec of a new data table")
    ingest.add_argument("--no-rejects", action="store_true",
                        help="keep no rejects table")
    ingest.add_argument("--job-id", default="", help="default: a fresh UUID")
    ingest.add_argument("--reingest-changed", action="store_true",
                        help="read a file whose ingested content changed again from its start")
    ingest.add_argument("--max-retries", type=int, default=3,
                        help="runs of a shard after its task failed or its worker died")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    env = _floe.job_environment()
    source = args.source or env["source"]
    table = args.table or env["table"]
    if not source or not table:
        print("python -m floe.ray ingest: give SOURCE and --table (or S3_BUCKET/S3_PREFIX and "
              "ICEBERG_DATABASE/ICEBERG_TABLE)", file=sys.stderr)
        return 2
    props = {}
    if env["catalog_type"] and env["catalog_type"] != "sql":
        props["type"] = env["catalog_type"]
    if env["warehouse"]:
        props["warehouse"] = env["warehouse"]
    if env["region"]:
        props["client.region"] = env["region"]
    for setting in args.catalog_property:
        key, sep, value = setting.partition("=")
        if not sep or not key:
            print(f"--catalog-property {setting}: give KEY=VALUE", file=sys.stderr)
            return 2
        props[key] = value
    catalog = floe.load_catalog(args.catalog, **props)
    ray.init()  # the cluster the job was submitted to, else a local one
    report = floe.ray.ingest(source, table, catalog, num_workers=args.num_workers,
                             threads_per_worker=args.threads_per_worker,
                             partition_by=args.partition_by, rejects=not args.no_rejects,
                             job_id=args.job_id, reingest_changed=args.reingest_changed,
                             max_retries=args.max_retries)
    print(json.dumps(dataclasses.asdict(report), indent=2))
    return 0 if report.all_succeeded else 1


if __name__ == "__main__":
    sys.exit(main())
