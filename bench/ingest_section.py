"""The ingest section of `make bench`: floe beside the parse-only bound, DuckDB, PyIceberg +
pyarrow and the Ray Data job on one corpus, thread scaling, gzip against plain, the huge-file
cases, S3, and a profile of floe."""
from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys

import measure
from corpus import ensure_bomb, ensure_corpus, first_good_line, ray_slice, warm
from measure import log, sh as _sh

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "peers")
GB = 1_000_000_000

def _iceberg_check(warehouse: str, table: str = "spark.logs"):
    import log_rules

    t = log_rules.sql_catalog(warehouse).load_table(table)
    ts = t.scan(selected_fields=("timestamp",)).to_arrow().column("timestamp")
    return len(ts), log_rules.ts_check(ts)


def _parquet_check(path: str):
    import log_rules
    import pyarrow.parquet as pq

    ts = pq.read_table(path, columns=["timestamp"]).column("timestamp")
    return len(ts), log_rules.ts_check(ts)


def systems(args) -> list[dict]:
    """What each system runs; `check` reads back what it wrote (records, timestamp checksum)."""
    py = sys.executable
    bound = args.parse_bound or os.path.join(os.path.dirname(os.path.abspath(args.floe)),
                                             "bench", "parse_bound")
    portable = os.path.join(os.path.dirname(bound), "parse_bound_portable")
    t = str(args.threads)

    def bound_check(out, m):
        d = json.loads(m.stdout)
        return d["records"], d["ts_check"]

    return [
        {"key": "floe", "label": "floe ingest",
         "cmd": lambda c, out: [args.floe, "ingest", c, "--table", "spark.logs",
                                "--warehouse", out, "--threads", t, "--json"],
         "check": lambda out, m: _iceberg_check(out), "mkdir": True},
        {"key": "bound", "label": "parse-only bound (simdjson, this CPU)", "binary": bound,
         "cmd": lambda c, out: [bound, "--threads", t, c], "check": bound_check},
        {"key": "bound-portable", "label": "parse-only bound (simdjson, generic x86-64 build)",
         "binary": portable,
         "cmd": lambda c, out: [portable, "--threads", t, c], "check": bound_check},
        {"key": "duckdb", "label": "DuckDB read_json → COPY Parquet",
         "cmd": lambda c, out: [py, os.path.join(PEERS, "duckdb_peer.py"), c, out, t],
         "check": lambda out, m: _parquet_check(os.path.join(out, "logs.parquet"))},
        {"key": "pyiceberg", "label": "PyIceberg + pyarrow",
         "cmd": lambda c, out: [py, os.path.join(PEERS, "pyiceberg_peer.py"), c, out],
         "check": lambda out, m: _iceberg_check(out)},
        {"key": "floe-ray", "label": f"floe.ray.ingest, {t} Ray workers", "plain_only": True,
         "runs": 1, "sample_tree": True, "mkdir": True,
         "cmd": lambda c, out: [py, os.path.join(HERE, "floe_ray_run.py"), c, out, t],
         "check": lambda out, m: _iceberg_check(out)},
        {"key": "ray", "label": "Ray Data job + PyIceberg", "plain_only": True, "runs": 1,
         "sample_tree": True,
         "cmd": lambda c, out: [py, os.path.join(PEERS, "ray_peer.py"), c, out, t],
         "check": lambda out, m: _iceberg_check(out)},
    ]


def bound_reference(bound: str | None, corpus: dict):
    """(records, ts_check) of the parse-only bound on a corpus, untimed; None without it."""
    if not bound or not os.path.exists(bound):
        return None
    proc = subprocess.run([bound, corpus["path"]], capture_output=True, text=True)
    if proc.returncode != 0:
        return None
    d = json.loads(proc.stdout)
    return d["records"], d["ts_check"]


def summarize(ms: list[measure.Measurement], records: int, nbytes: int) -> dict:
    wall = statistics.median(m.wall_s for m in ms)
    cpu = statistics.median(m.cpu_s for m in ms)
    return {
        "wall_s": wall, "cpu_s": cpu,
        "user_s": statistics.median(m.user_s for m in ms),
        "sys_s": statistics.median(m.sys_s for m in ms),
        "records_per_s": records / wall if wall else None,
        "records_per_cpu_s": records / cpu if cpu else None,
        "mb_per_s": nbytes / 1e6 / wall if wall else None,
        "peak_mb": max(m.peak_mb for m in ms),
    }


def run_runs(args, name: str, cmd_for, corpus: dict, runs: int, sample_tree=False,
             mkdir=False, check=None):
    """Runs a system `runs` times on a fresh output folder each; returns (measurements,
    check result of the last run, error)."""
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", PYTHONDONTWRITEBYTECODE="1")
    out = os.path.join(args.work_dir, name)
    ms, checked = [], None
    for i in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        if mkdir:
            os.makedirs(out)
        m = measure.run(cmd_for(corpus["path"], out), env=env, sample_tree=sample_tree)
        log(f"  {name} run {i + 1}/{runs}: {m.wall_s:.2f} s wall, {m.cpu_s:.2f} s CPU, "
            f"{m.peak_mb:.0f} MB, exit {m.returncode}")
        if m.returncode != 0:
            tail = (m.stderr.strip().splitlines() or ["(no output)"])[-1]
            return ms, None, f"exit {m.returncode}: {tail[:200]}", m
        ms.append(m)
    if check:
        checked = check(out, ms[-1])
    shutil.rmtree(out, ignore_errors=True)
    return ms, checked, None, ms[-1]


def run_system(args, spec: dict, corpus: dict, variant: str, reference) -> dict:
    runs = spec.get("runs", args.runs)
    nbytes = corpus["bytes_uncompressed"]
    entry = {"system": spec["label"],
             "key": spec["key"], "label": spec["label"], "variant": variant,
             "corpus": corpus["key"], "bytes": nbytes}
    if spec.get("binary") and not os.path.exists(spec["binary"]):
        entry["error"] = f'{spec["binary"]} not built'
        return entry
    log(f'{spec["label"]} on {corpus["key"]}')
    warm(corpus)
    ms, checked, error, last = run_runs(args, f'{spec["key"]}-{variant}', spec["cmd"], corpus,
                                        runs, spec.get("sample_tree", False),
                                        spec.get("mkdir", False), spec["check"])
    entry["runs"] = [{"wall_s": m.wall_s, "user_s": m.user_s, "sys_s": m.sys_s,
                      "max_rss_mb": m.max_rss_mb, "tree_peak_mb": m.tree_peak_mb,
                      "tree_cpu_sampled_s": m.tree_cpu_sampled_s} for m in ms]
    if error:
        entry["error"] = error
        return entry
    records, ts = checked
    entry["records"], entry["ts_check"] = records, ts
    entry["stdout"] = last.stdout.strip()[-2000:]
    entry["median"] = summarize(ms, records, nbytes)
    if spec["key"] == "bound":
        entry["check"] = "reference"
    elif reference is None:
        entry["check"] = "–"
    elif (records, ts) == reference:
        entry["check"] = "same"
    elif records == reference[0]:
        entry["check"] = "same count, ts differ"
    else:
        entry["check"] = f"{records - reference[0]:+,} records"
    return entry


def floe_row(args, name: str, corpus: dict, threads: int, source=None, extra=()) -> dict:
    """floe ingest alone on `corpus` with `threads`: the row of floe's own tables. `source`
    replaces the corpus folder as what floe reads (an s3:// copy of it), `extra` adds options."""
    warm(corpus)
    log(f"floe {name}: {corpus['key']}, {threads} thread(s)")
    cmd = lambda c, out: [args.floe, *extra, "ingest", source or c, "--table", "spark.logs",
                          "--warehouse", out, "--threads", str(threads), "--json"]
    ms, _, error, last = run_runs(args, f"floe-{name}-{threads}", cmd, corpus, args.runs,
                                  mkdir=True)
    row = {"corpus": corpus["key"], "bytes": corpus["bytes_uncompressed"],
           "bytes_on_disk": corpus["bytes_on_disk"], "files": corpus["files"],
           "threads": threads}
    if error:
        row["error"] = error
        row["peak_mb"] = last.peak_mb if last else None  # an out-of-memory kill still shows
        return row
    records = json.loads(last.stdout)["total_records_processed"]
    row["records"] = records
    row["median"] = summarize(ms, records, corpus["bytes_uncompressed"])
    row["runs"] = [{"wall_s": m.wall_s, "user_s": m.user_s, "sys_s": m.sys_s,
                    "max_rss_mb": m.max_rss_mb} for m in ms]
    return row


def s3_row(args, corpus: dict) -> dict:
    """floe ingest of `corpus` uploaded to a local moto S3 server (the test harness's), into a
    local warehouse. floe's CPU only: the server's own CPU is the moto process's, not counted."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "interop"))
    from servers.s3 import start_s3_server  # noqa: E402

    os.makedirs(os.path.join(args.work_dir, "moto"), exist_ok=True)
    server = start_s3_server(os.path.join(args.work_dir, "moto"))
    try:
        bucket = server.make_bucket("bench")
        s3 = server.boto3_client("s3")
        for dirpath, _, files in os.walk(corpus["path"]):
            for name in files:
                path = os.path.join(dirpath, name)
                s3.upload_file(path, bucket, "logs/" + os.path.relpath(path, corpus["path"]))
        extra = [a for k, v in server.properties().items() for a in ("--catalog-property", f"{k}={v}")]
        row = floe_row(args, "s3", corpus, args.threads, source=f"s3://{bucket}/logs",
                       extra=extra)
        row["source"] = "S3 (moto server on 127.0.0.1)"
        return row
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# Profile

def profile_floe(args, corpus: dict, small: dict) -> dict:
    sections = []
    parts = []
    perf = shutil.which("perf")
    counters = False
    if perf:
        probe = subprocess.run([perf, "stat", "-e", "instructions", "true"], capture_output=True,
                               text=True)
        counters = probe.returncode == 0 and "not supported" not in probe.stderr
    wh = os.path.join(args.work_dir, "profile")
    if perf:
        event = "cycles" if counters else "cpu-clock"
        shutil.rmtree(wh, ignore_errors=True)
        os.makedirs(wh)
        data = os.path.join(args.work_dir, "perf.data")
        rec = subprocess.run([perf, "record", "-e", event, "-F", "999", "-o", data, "--",
                              args.floe, "ingest", corpus["path"], "--table", "spark.logs",
                              "--warehouse", wh, "--threads", str(args.threads)],
                             capture_output=True, text=True)
        if rec.returncode == 0:
            rep = _sh([perf, "report", "-i", data, "--stdio", "--no-children",
                       "--sort", "dso,symbol", "--percent-limit", "0.7"])
            top = [_perf_line(ln) for ln in rep.splitlines()
                   if ln.strip() and not ln.startswith("#")][:30]
            sections.append((f"perf record -e {event}, {corpus['key']}, --threads "
                             f"{args.threads} (user and kernel time)", "\n".join(top)))
            parts.append(f"`perf stat -e instructions` {'works' if counters else 'is not supported (no hardware counters in this VM)'}; "
                         f"`perf record -e {event}` samples floe on the whole corpus, kernel included.")
        try:
            os.remove(data)
        except OSError:
            pass
    if shutil.which("valgrind") and shutil.which("callgrind_annotate"):
        shutil.rmtree(wh, ignore_errors=True)
        os.makedirs(wh)
        out = os.path.join(args.work_dir, "callgrind.out")
        cg = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                             args.floe, "ingest", small["path"], "--table", "spark.logs",
                             "--warehouse", wh, "--threads", "1"],
                            capture_output=True, text=True)
        if cg.returncode == 0:
            flat = _sh(["callgrind_annotate", "--inclusive=no", out])
            incl = _sh(["callgrind_annotate", "--inclusive=yes", out])
            sections.append((f"callgrind, self cost (instructions), {small['key']}, 1 thread",
                             _callgrind_top(flat, 25)))
            sections.append((f"callgrind, inclusive cost, {small['key']}, 1 thread",
                             _callgrind_top(incl, 25)))
            parts.append("callgrind counts user-space instructions only (no kernel, no waits) "
                         "on a small corpus with one thread.")
        try:
            os.remove(out)
        except OSError:
            pass
    shutil.rmtree(wh, ignore_errors=True)
    return {"how": " ".join(parts) or "no profiler available", "sections": sections}


def _perf_line(line: str) -> str:
    """A perf report row without its padding and empty trailing columns, names shortened."""
    line = re.sub(r"(\s+-)+\s*$", "", line.rstrip())
    line = re.sub(r"\s{3,}", "  ", line)
    return line if len(line) <= 150 else line[:147] + "..."


def _callgrind_top(text: str, n: int) -> str:
    lines = text.splitlines()
    out, started = [], False
    for ln in lines:
        if re.match(r"^-+$", ln.strip()) and out:
            started = True
            continue
        if "Ir" in ln and "file:function" in ln:
            out.append(ln)
            continue
        if started and ln.strip():
            out.append(re.sub(r"\s+\[[^\]]*\]$", "", ln[:160]))
        if len(out) > n:
            break
    if not out:  # unknown layout: the head of the report
        out = lines[:n + 20]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------

def ingest(args, results: dict, machine: dict, wanted: set) -> None:
    """The ingest section: every system on the corpora, floe's tables, targets, profile."""
    base = int(GB * args.scale)
    plain = ensure_corpus(args, base, 0.0)
    results["corpora"]["plain"] = plain
    variants = [("plain", plain)]
    if not args.skip_gzip:
        gz = ensure_corpus(args, base, 1.0)
        results["corpora"]["gzip"] = gz
        variants.append(("gzip", gz))

    specs = [s for s in systems(args) if s["key"] in wanted]
    bound_path = next((s["binary"] for s in systems(args) if s["key"] == "bound"), None)
    for variant, corpus in variants:
        reference = None
        ordered = sorted(specs, key=lambda s: s["key"] != "bound")  # the bound first
        for spec in ordered:
            if spec.get("plain_only") and variant != "plain":
                continue
            c, ref = corpus, reference
            if spec["key"] == "ray":
                c = ray_slice(args, corpus)
                results["corpora"]["ray slice"] = c
                ref = bound_reference(bound_path, c)
                if ref:
                    c["good_lines"] = ref[0]
            entry = run_system(args, spec, c, variant, ref)
            if spec["key"] == "ray" and entry.get("median"):
                factor = corpus["bytes_uncompressed"] / c["bytes_uncompressed"]
                run = entry["runs"][-1]
                entry["note"] = (
                    f'measured on a slice ({c["files"]} files, '
                    f'{c["bytes_uncompressed"] / 1e6:.0f} MB, whole app folders) of the plain '
                    f'corpus; the full corpus would take about '
                    f'{entry["median"]["wall_s"] * factor:,.0f} s wall and '
                    f'{entry["median"]["cpu_s"] * factor:,.0f} CPU-s at the same rate; its '
                    f'check is against the parse-only bound on the same slice. CPU: rusage of '
                    f'the reaped tree {run["user_s"] + run["sys_s"]:.1f} s, /proc sampling of '
                    f'the live tree {run["tree_cpu_sampled_s"] or 0:.1f} s; the larger counts.')
            if spec["key"] == "floe-ray" and entry.get("median"):
                run = entry["runs"][-1]
                inner = json.loads(entry["stdout"].splitlines()[-1]).get("seconds")
                entry["note"] = (
                    f'a local Ray cluster started for the run: its start and shutdown are in the '
                    f'figures; the ingest call itself (plan, shards, commit) took '
                    f'{inner:.2f} s wall. CPU: rusage of the reaped tree '
                    f'{run["user_s"] + run["sys_s"]:.1f} s, /proc sampling of the live tree '
                    f'{run["tree_cpu_sampled_s"] or 0:.1f} s; the larger counts.')
            if spec["key"] == "bound" and entry.get("records") is not None:
                reference = (entry["records"], entry["ts_check"])
            if spec["key"] in ("bound", "bound-portable") and entry.get("stdout"):
                kernel = json.loads(entry["stdout"]).get("simdjson", "?")
                machine[f'simdjson ({spec["key"]})'] = kernel
                entry["label"] += f" [{kernel.split('compiled for ')[-1]}]"
            results["systems"].append(entry)

    # floe's cost against input size and threads
    thread_counts = [int(t) for t in args.scaling_threads.split(",") if t]
    if "floe" in wanted:
        sizes = [float(s) for s in args.sizes.split(",") if s]
        for gb in sizes:
            corpus = ensure_corpus(args, int(gb * GB * args.scale), 0.0)
            results["corpora"][f"{gb * args.scale:g} GB"] = corpus
            warm(corpus)
            for threads in thread_counts:
                log(f"floe scaling: {corpus['key']}, {threads} thread(s)")
                cmd = (lambda t: lambda c, out: [args.floe, "ingest", c, "--table", "spark.logs",
                                                 "--warehouse", out, "--threads", str(t),
                                                 "--json"])(threads)
                ms, _, error, last = run_runs(args, f"floe-scale-{threads}", cmd, corpus,
                                              args.runs, mkdir=True)
                row = {"size_gb": gb * args.scale, "bytes": corpus["bytes_uncompressed"],
                       "threads": threads}
                if error:
                    row["error"] = error
                else:
                    records = json.loads(last.stdout)["total_records_processed"]
                    row["records"] = records
                    row["median"] = summarize(ms, records, corpus["bytes_uncompressed"])
                    row["runs"] = [{"wall_s": m.wall_s, "user_s": m.user_s, "sys_s": m.sys_s,
                                    "max_rss_mb": m.max_rss_mb} for m in ms]
                results["scaling"].append(row)

    # gzip against plain, floe alone, at each thread count (--threads: the systems' runs)
    if "floe" in wanted and not args.skip_gzip:
        for threads in thread_counts:
            row = {"threads": threads}
            for variant, corpus in (("plain", plain), ("gzip", gz)):
                done = next((s for s in results["systems"] if s["key"] == "floe"
                             and s["variant"] == variant), None)
                row[variant] = (done if done and threads == args.threads
                                else floe_row(args, variant, corpus, threads))
            results["gzip_vs_plain"].append(row)

    # one huge file, and a gzip bomb: memory must not follow the file's content size
    if "floe" in wanted and not args.skip_huge:
        huge = ensure_corpus(args, int(args.huge_gb * GB * args.scale), 0.0, one_file=True)
        results["corpora"]["one file"] = huge
        bomb = ensure_bomb(args, int(args.bomb_gb * GB * args.scale), first_good_line(plain))
        results["corpora"]["gzip bomb"] = bomb
        for label, corpus in (("one plain file", huge), ("gzip bomb: blank lines", bomb)):
            row = floe_row(args, "huge", corpus, args.threads)
            row["label"] = label
            results["huge"].append(row)

    # the plain corpus read from S3: a moto server on this machine, uploaded once
    if "floe" in wanted and not args.skip_s3:
        results["s3"] = [s3_row(args, plain)]

    # targets
    def rate(key, variant="plain"):
        e = next((s for s in results["systems"] if s["key"] == key and s["variant"] == variant
                  and s.get("median")), None)
        return e["median"]["records_per_cpu_s"] if e else None

    floe_rate = rate("floe")
    results["targets"] = {"floe_records_per_cpu_s": floe_rate}
    gz_rate = rate("floe", "gzip")
    results["targets"]["gzip_vs_plain"] = gz_rate / floe_rate if gz_rate and floe_rate else None
    # Peak RSS with --threads of every floe run (the cost table's other thread counts aside).
    peaks = [s["median"]["peak_mb"] for s in results["systems"]
             if s["key"] == "floe" and s.get("median")]
    peaks += [r["median"]["peak_mb"] if r.get("median") else r.get("peak_mb") or 0
              for r in results["huge"]]
    peaks += [r[v]["median"]["peak_mb"] for r in results["gzip_vs_plain"]
              for v in ("plain", "gzip") if r["threads"] == args.threads and r[v].get("median")]
    results["targets"]["floe_peak_rss_mb"] = max(peaks) if peaks else None
    for key, target in (("bound", "vs_parse_bound"), ("duckdb", "vs_duckdb"),
                        ("pyiceberg", "vs_pyiceberg"), ("ray", "vs_ray")):
        other = rate(key)
        results["targets"][target] = floe_rate / other if floe_rate and other else None

    if not args.no_profile and "floe" in wanted:
        small = ensure_corpus(args, max(int(50_000_000 * args.scale), 2_000_000), 0.0)
        results["corpora"][small["key"]] = small
        log("profiling floe")
        results["profile"] = profile_floe(args, plain, small)
