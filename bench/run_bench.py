#!/usr/bin/env python3
"""`make bench`: floe ingest measured side by side with the alternatives, in one run on one
corpus and one machine. See bench/README.md for what each system does and how to read the
results; `--help` for the knobs. `--scale 0.005 --runs 1 --skip-ray --no-profile` is the smoke
run the tests use."""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "peers")
sys.path.insert(0, HERE)
sys.path.insert(0, PEERS)

import measure  # noqa: E402
import report  # noqa: E402
import row_level  # noqa: E402
import stream_section  # noqa: E402
from ingest_section import ingest  # noqa: E402
from measure import log, sh as _sh  # noqa: E402



def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--floe", default=os.path.join(ROOT, "build", "release", "floe"),
                   help="floe binary (default build/release/floe)")
    p.add_argument("--parse-bound", default=None,
                   help="parse_bound binary (default: bench/parse_bound next to --floe)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="multiplies every corpus size (1.0: a 1 GB corpus; 0.005 for a smoke run)")
    p.add_argument("--runs", type=int, default=3, help="runs per system (median reported)")
    p.add_argument("--threads", type=int, default=os.cpu_count(),
                   help="threads for floe, parse_bound, DuckDB and Ray (default: all cores)")
    p.add_argument("--apps", type=int, default=8, help="spark-* app folders per corpus")
    p.add_argument("--seed", type=int, default=1, help="corpus generator seed")
    p.add_argument("--sizes", default="0.1,0.5,1,2",
                   help="GB of input for floe's cost table (times --scale)")
    p.add_argument("--scaling-threads", default="1,2", help="thread counts for that table")
    p.add_argument("--ray-slice-mb", type=float, default=128.0,
                   help="MB of the corpus the Ray job reads (times --scale): whole app folders")
    p.add_argument("--skip-ray", action="store_true",
                   help="leave the Ray Data job and floe on Ray out")
    p.add_argument("--skip-gzip", action="store_true", help="leave the gzip corpus out")
    p.add_argument("--huge-gb", type=float, default=1.0,
                   help="GB of the one-file corpus (times --scale)")
    p.add_argument("--bomb-gb", type=float, default=3.0,
                   help="GB of blank lines in the one-file gzip bomb (times --scale)")
    p.add_argument("--skip-huge", action="store_true",
                   help="leave out the one-file rows (the huge file and the gzip bomb)")
    p.add_argument("--skip-s3", action="store_true",
                   help="leave out the row of floe ingesting from S3 (a local moto server)")
    p.add_argument("--systems", default="floe,bound,bound-portable,duckdb,pyiceberg,floe-ray,ray",
                   help="comma-separated subset of floe,bound,bound-portable,duckdb,pyiceberg,"
                        "floe-ray,ray")
    p.add_argument("--no-profile", action="store_true", help="do not profile floe")
    p.add_argument("--corpus-cache", default=os.path.join(HERE, ".corpus"),
                   help="where generated corpora are kept between runs")
    p.add_argument("--work-dir", default=os.path.join(HERE, ".work"),
                   help="scratch space for the tables each system writes")
    p.add_argument("--out-dir", default=os.path.join(HERE, "results"),
                   help="where <date>-<host>.md and .json go")
    p.add_argument("--name", default=None, help="results file name (default <date>-<host>)")
    p.add_argument("--floe-commit", default=None,
                   help="commit the floe binary was built from (default: this tree's HEAD)")
    p.add_argument("--skip-ingest", action="store_true",
                   help="leave the ingest section out (e.g. to run the row-level section alone)")
    row_level.add_args(p)
    stream_section.add_args(p)
    return p.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# Machine

def machine_info(args) -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    versions = {}
    for pkg in ("pyarrow", "duckdb", "pyiceberg", "ray", "pyspark"):
        try:
            from importlib.metadata import version
            versions[pkg] = version(pkg)
        except Exception:  # noqa: BLE001 - a missing package is reported, not fatal
            versions[pkg] = "not installed"
    versions["python"] = platform.python_version()
    if args.floe_commit:
        commit = args.floe_commit
    else:
        commit = _sh(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT)
        if _sh(["git", "status", "--porcelain", "--untracked-files=no", "src"], cwd=ROOT):
            commit += " (src/ has uncommitted changes)"
    build = "unknown"
    cache = os.path.join(os.path.dirname(os.path.abspath(args.floe)), "CMakeCache.txt")
    if os.path.exists(cache):
        with open(cache) as f:
            m = re.search(r"^CMAKE_BUILD_TYPE:\w+=(\S*)", f.read(), re.M)
            build = (m.group(1) if m else "") or build
    return {
        "host": socket.gethostname(), "cpu_model": cpu, "nproc": os.cpu_count(),
        "mem_gb": mem_kb / 1e6, "kernel": platform.release(), "floe_commit": commit,
        "floe_build": f"{build} ({args.floe})", "versions": versions,
        "load_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    args.floe = os.path.abspath(args.floe)
    if not os.path.exists(args.floe):
        raise SystemExit(f"floe binary not found: {args.floe} (run `make build`)")
    for d in (args.work_dir, args.out_dir):
        os.makedirs(d, exist_ok=True)
    if not measure.become_subreaper():
        log("warning: cannot become a child subreaper; orphaned Ray workers go uncounted")
    wanted = set(args.systems.split(","))
    if args.skip_ray:
        wanted -= {"ray", "floe-ray"}
    machine = machine_info(args)
    date = datetime.date.today().isoformat()
    results = {"date": date, "machine": machine, "corpora": {}, "systems": [], "scaling": [],
               "gzip_vs_plain": [], "huge": [], "notes": [],
               "config": {"scale": args.scale, "runs": args.runs, "threads": args.threads,
                          "apps": args.apps, "seed": args.seed}}

    if not args.skip_ingest:
        ingest(args, results, machine, wanted)
    if not args.skip_row_level:
        results["row_level"] = row_level.run(args)
    if not args.skip_stream:
        results["stream"] = stream_section.run(args)

    machine["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    name = args.name or f"{date}-{machine['host']}"
    with open(os.path.join(args.out_dir, name + ".json"), "w") as f:
        json.dump(results, f, indent=1, default=str)
    with open(os.path.join(args.out_dir, name + ".md"), "w") as f:
        f.write(report.render(results))
    log(f"wrote {os.path.join(args.out_dir, name)}.md and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
