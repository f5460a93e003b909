"""Benchmark runner: `floe.ray.ingest` on a local Ray cluster of WORKERS CPUs (one shard per
worker), the corpus into WAREHOUSE's embedded catalog as spark.logs, in one commit.

Usage: floe_ray_run.py CORPUS WAREHOUSE WORKERS  ->  one JSON line of counts on stdout."""
import json
import sys


def main() -> int:
    corpus, warehouse, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
    import ray

    import floe
    import floe.ray

    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
             _node_ip_address="127.0.0.1", configure_logging=False)
    catalog = floe.load_catalog("default", warehouse=warehouse)
    report = floe.ray.ingest(corpus, "spark.logs", catalog, num_workers=workers)
    ray.shutdown()
    print(json.dumps({"records": report.records, "rejects": report.rejects,
                      "commits": report.commits, "seconds": report.seconds,
                      "ray": ray.__version__}))
    return 0 if report.all_succeeded else 1


if __name__ == "__main__":
    sys.exit(main())
