"""The row-level section of `make bench`: delete 1 %, update 1 % and merge keys into one
generated employee table, copy-on-write and merge-on-read, with floe, PyIceberg and Spark SQL
on the same table, and the compaction of a table of many small files with deletes.

Every engine works on the same Iceberg table (floe's SQLite catalog, read by PyIceberg's
SqlCatalog and Spark's JdbcCatalog). Before each statement the driver sets the table's
write.*.mode and afterwards reads the table back with PyIceberg, compares its row count and
checksums with the expected ones (computed from the generated Parquet files with pyarrow), and
puts the table back on the snapshot every statement starts from (`floe table
set-current-snapshot`). floe runs as one process per statement; the peers are long-lived
processes (bench/peers/*_row_level.py) timed around each statement, so interpreter and JVM
start-up are reported once and not charged to the statements. See bench/README.md."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import corpus
import measure

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "peers")
TABLE = "hr.employees"
SMALL_TABLE = "hr.employees_small"
SCHEMA = ("id long, name string, email string, department string, status string, "
          "salary double, updated_at timestamptz")
DEPARTMENTS = ["engineering", "operations", "sales", "support", "finance", "marketing",
               "legal", "people"]
DELETE_WHERE = ("status", "terminated")  # 1 % of the rows
UPDATE_WHERE = ("status", "on-leave")  # another 1 %
UPDATE_SCALE = ("salary", 1.1)
MODES = ("copy-on-write", "merge-on-read")
ENGINES = {"floe": "floe", "pyiceberg": "PyIceberg 0.12", "spark": "Spark SQL 4.0 + Iceberg 1.10"}
COMPACT_TARGET = 512 * 1024 * 1024
COMPACT_MIN_INPUT_FILES = 5


def add_args(p) -> None:
    g = p.add_argument_group("row-level section")
    g.add_argument("--skip-row-level", action="store_true", help="leave the row-level section out")
    g.add_argument("--row-level-rows", type=int, default=10_000_000,
                   help="rows of the employee table (merge source: a tenth as many keys)")
    g.add_argument("--row-level-peers", default="pyiceberg,spark",
                   help="comma-separated subset of pyiceberg,spark ('' for floe alone)")
    g.add_argument("--row-level-cap-s", type=float, default=600,
                   help="seconds a statement may take before it is stopped and recorded so")
    g.add_argument("--row-level-parts", type=int, default=50,
                   help="Parquet files the table is generated as; the compaction table gets "
                        "one append per file")
    g.add_argument("--spark-memory", default="8g", help="Spark driver heap")


def log(*parts):
    print("[bench row-level]", *parts, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Data

def _part(rows: int, first_id: int, seed: int):
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    ids = pa.array(np.arange(first_id, first_id + rows, dtype=np.int64))
    text = pc.cast(ids, pa.string())
    draw = rng.random(rows)
    status = np.where(draw < 0.01, "terminated", np.where(draw < 0.02, "on-leave", "active"))
    updated = 1_767_225_600_000_000 + rng.integers(0, 365 * 86_400_000_000, rows)  # 2026
    return pa.table({
        "id": ids,
        "name": pc.binary_join_element_wise("employee ", text, ""),
        "email": pc.binary_join_element_wise("e", text, "@example.com", ""),
        "department": pa.array(np.array(DEPARTMENTS)[rng.integers(0, len(DEPARTMENTS), rows)]),
        "status": pa.array(status),
        # Whole currency units: salary * 1.1 in cents then rounds the same in every engine.
        "salary": pa.array(rng.integers(30_000, 250_000, rows).astype(np.float64)),
        "updated_at": pa.array(updated, pa.timestamp("us", tz="UTC")),
    })


def checksum(table) -> dict:
    """Row count and sums over every kind of column (integers, so exact and order-free)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def total(x):
        return int(pc.sum(x).as_py() or 0)

    micros = pc.cast(table.column("updated_at"), pa.int64())
    seconds = pc.divide(micros, 1_000_000)
    cents = pc.cast(pc.round(pc.multiply(table.column("salary"), 100.0)), pa.int64())
    return {"rows": table.num_rows, "id": total(table.column("id")), "salary_cents": total(cents),
            "ts_seconds": total(seconds),
            "ts_micros": total(pc.subtract(micros, pc.multiply(seconds, 1_000_000))),
            "name_chars": total(pc.utf8_length(table.column("name"))),
            "email_chars": total(pc.utf8_length(table.column("email")))}


def ensure_data(args) -> dict:
    """The table's Parquet parts, the merge source and the expected checksums, made once per
    (rows, parts, seed) in the corpus cache."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    n, parts = args.row_level_rows, max(1, args.row_level_parts)
    key = f"employees-{n}rows-{parts}parts-seed{args.seed}"

    def make(tmp, path):
        os.makedirs(tmp)
        files, pieces, first = [], [], 0
        for i in range(parts):
            rows = n // parts + (1 if i < n % parts else 0)
            piece = _part(rows, first, args.seed * 1000 + i)
            files.append(os.path.join(path, f"part-{i:03d}.parquet"))
            pq.write_table(piece, os.path.join(tmp, os.path.basename(files[-1])),
                           compression="zstd")
            pieces.append(piece)
            first += rows
        base = pa.concat_tables(pieces)
        del pieces
        # Merge source: a tenth of the table's size in keys, half of them existing ids (their
        # salary raised, updated a day later), half new ids after the last one.
        keys = max(2, n // 10)
        rng = np.random.default_rng(args.seed + 7)
        matched_ids = np.sort(rng.choice(n, size=keys // 2, replace=False))
        matched = base.take(pa.array(matched_ids))
        matched = matched.set_column(5, "salary", pc.add(matched.column("salary"), 1000.0))
        later = pc.add(pc.cast(matched.column("updated_at"), pa.int64()), 86_400_000_000)
        matched = matched.set_column(6, "updated_at",
                                     pc.cast(later, pa.timestamp("us", tz="UTC")))
        inserted = _part(keys - keys // 2, n, args.seed * 1000 + parts)
        source = pa.concat_tables([matched, inserted])
        pq.write_table(source, os.path.join(tmp, "merge-source.parquet"), compression="zstd")

        status = base.column("status")
        deleted = base.filter(pc.not_equal(status, DELETE_WHERE[1]))
        on_leave = pc.equal(status, UPDATE_WHERE[1])
        salary = base.column("salary")
        updated = base.set_column(5, "salary", pc.if_else(
            on_leave, pc.multiply(salary, UPDATE_SCALE[1]), salary))
        kept = base.filter(pc.invert(pc.is_in(base.column("id"),
                                              value_set=pa.array(matched_ids))))
        merged = pa.concat_tables([kept, source])
        stats = {
            "key": key, "path": path, "files": files,
            "source": os.path.join(path, "merge-source.parquet"),
            "rows": n, "source_rows": source.num_rows, "source_matched": len(matched_ids),
            "bytes_on_disk": sum(os.path.getsize(os.path.join(tmp, os.path.basename(f)))
                                 for f in files),
            "expected": {"base": checksum(base), "delete": checksum(deleted),
                         "update": checksum(updated), "merge": checksum(merged)},
            "changed": {"delete": n - deleted.num_rows,
                        "update": int(pc.sum(on_leave).as_py()), "merge": source.num_rows},
        }
        return stats

    return corpus.cached(args.corpus_cache, key, make)


# ---------------------------------------------------------------------------------------------
# Engines

def _floe(args, wh, *argv) -> dict:
    proc = subprocess.run([args.floe, "--warehouse", wh, "--json", *argv], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise SystemExit(f"floe {' '.join(argv)}: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout) if proc.stdout.strip().startswith("{") else {}


def _floe_statement(args, wh, op: str, data: dict, table: str) -> list[str]:
    where = lambda w: f"{w[0]} = '{w[1]}'"  # noqa: E731
    base = [args.floe, "--warehouse", wh, "--json"]
    if op == "delete":
        return base + ["delete", table, "--where", where(DELETE_WHERE)]
    if op == "update":
        col, factor = UPDATE_SCALE
        return base + ["update", table, "--set", f"{col} = {col} * {factor}",
                       "--where", where(UPDATE_WHERE)]
    if op == "merge":
        return base + ["merge", table, data["source"], "--on", "id"]
    return base + ["table", "compact", table, "--target-file-size", f"{COMPACT_TARGET}",
                   "--min-input-files", str(COMPACT_MIN_INPUT_FILES)]


def _request(op: str, data: dict, table: str) -> dict:
    req = {"op": op, "table": table}
    if op == "delete":
        req["where"] = DELETE_WHERE
    elif op == "update":
        req.update(where=UPDATE_WHERE, scale=UPDATE_SCALE)
    elif op == "merge":
        req.update(source=data["source"], on="id")
    else:
        req.update(target_file_size=COMPACT_TARGET, min_input_files=COMPACT_MIN_INPUT_FILES)
    return req


def read_back(wh: str, table: str) -> tuple[dict, int, int]:
    """The table's checksum, data file and delete file counts, as PyIceberg reads it now."""
    sys.path.insert(0, PEERS)
    import log_rules

    t = log_rules.sql_catalog(wh).load_table(table)
    tasks = list(t.scan().plan_files())
    deletes = {d.file_path for task in tasks for d in task.delete_files}
    rows = t.scan(selected_fields=("id", "name", "email", "salary", "updated_at")).to_arrow()
    return checksum(rows), len(tasks), len(deletes)


def _verdict(got: dict, want: dict) -> str:
    if got == want:
        return "ok"
    if got["rows"] != want["rows"]:
        return f"wrong: {got['rows'] - want['rows']:+,} rows"
    return "wrong: " + ", ".join(k for k in want if got.get(k) != want[k]) + " differ"


def run_statement(args, wh, peers, engine, op, mode, data, table, expected, snapshot) -> dict:
    """One statement by one engine, its check, and the table put back on `snapshot`."""
    row = {"op": op, "mode": mode, "engine": engine, "label": ENGINES[engine],
           "rows_changed": data["changed"].get(op, expected["rows"])}
    log(f"{op} {mode or ''} {engine}")
    if engine == "floe":
        m = measure.run(_floe_statement(args, wh, op, data, table), timeout_s=args.row_level_cap_s)
        row.update(wall_s=m.wall_s, cpu_s=m.cpu_s, peak_mb=m.peak_mb)
        if m.returncode != 0:
            over = m.wall_s >= args.row_level_cap_s
            tail = (m.stderr.strip().splitlines() or ["(no output)"])[-1][:300]
            row["error"] = (f"over the {args.row_level_cap_s:.0f} s cap (stopped)" if over
                            else f"exit {m.returncode}: {tail}")
        else:
            row["result"] = json.loads(m.stdout)
    else:
        answer = peers[engine].request(_request(op, data, table), args.row_level_cap_s)
        if "error" in answer:
            row["error"] = answer["error"]
            if not answer.get("over_cap"):
                row.update(wall_s=answer.get("wall_s"), cpu_s=answer.get("cpu_s"))
        else:
            row.update(wall_s=answer["wall_s"], cpu_s=answer["cpu_s"], result=answer["result"])
    if "error" not in row:
        got, files, deletes = read_back(wh, table)
        row.update(checksum=got, data_files_after=files, delete_files_after=deletes,
                   check=_verdict(got, expected))
        log(f"  {row['wall_s']:.2f} s wall, {row['cpu_s']:.2f} s CPU, check {row['check']}")
        if row["wall_s"] > 0 and row["cpu_s"] > 0:
            row["rows_per_s"] = row["rows_changed"] / row["wall_s"]
            row["rows_per_cpu_s"] = row["rows_changed"] / row["cpu_s"]
    else:
        log(f"  {row['error']}")
    _floe(args, wh, "table", "set-current-snapshot", table, "--snapshot", str(snapshot))
    return row


def _current_snapshot(args, wh, table) -> int:
    return _floe(args, wh, "table", "describe", table)["current_snapshot_id"]


def _set_mode(args, wh, table, mode):
    _floe(args, wh, "table", "properties", table, "--set", f"write.delete.mode={mode}",
          f"write.update.mode={mode}", f"write.merge.mode={mode}")


def run(args) -> dict:
    """The whole section; returns what goes into results["row_level"]."""
    data = ensure_data(args)
    wh = os.path.join(args.work_dir, "row-level")
    shutil.rmtree(wh, ignore_errors=True)
    os.makedirs(wh)
    wanted = [p for p in args.row_level_peers.split(",") if p]
    for p in wanted:
        if p not in ENGINES or p == "floe":
            raise SystemExit(f"--row-level-peers: unknown peer {p!r} (pyiceberg, spark)")
    out = {"data": data, "cap_s": args.row_level_cap_s, "peers": wanted, "statements": [],
           "compaction": [], "startup": {}}
    py = sys.executable
    peers = {}
    if "pyiceberg" in wanted:
        peers["pyiceberg"] = measure.Peer(
            "PyIceberg", [py, os.path.join(PEERS, "pyiceberg_row_level.py"), wh],
            os.path.join(args.work_dir, "pyiceberg.log"))
    if "spark" in wanted:
        peers["spark"] = measure.Peer(
            "Spark", [py, os.path.join(PEERS, "spark_row_level.py"), wh,
                      os.path.join(args.work_dir, "spark"), args.spark_memory],
            os.path.join(args.work_dir, "spark.log"))
    try:
        _floe(args, wh, "namespace", "create", "hr")
        _floe(args, wh, "table", "create", TABLE, "--schema", SCHEMA, "--partition-by",
              "department")
        m = measure.run([args.floe, "--warehouse", wh, "--json", "append", TABLE, *data["files"]])
        if m.returncode != 0:
            raise SystemExit(f"floe append: {m.stderr.strip()[-500:]}")
        got, files, _ = read_back(wh, TABLE)
        out["load"] = {"wall_s": m.wall_s, "cpu_s": m.cpu_s, "data_files": files,
                       "check": _verdict(got, data["expected"]["base"])}
        base = _current_snapshot(args, wh, TABLE)
        for name, peer in peers.items():
            try:
                peer.start()
                out["startup"][name] = peer.startup
            except RuntimeError as e:
                out["startup"][name] = {"error": str(e)}
        if "spark" in peers and "error" not in out["startup"]["spark"]:
            log("warming Spark up")
            warm = peers["spark"].request({"op": "warmup", "table": "hr.spark_warmup",
                                           "where": DELETE_WHERE, "source": data["source"]},
                                          args.row_level_cap_s)
            out["startup"]["spark"]["warmup"] = {k: warm.get(k) for k in
                                                 ("wall_s", "cpu_s", "error")}
        for op in ("delete", "update", "merge"):
            for mode in MODES:
                _set_mode(args, wh, TABLE, mode)
                for engine in ["floe"] + wanted:
                    if engine == "pyiceberg" and mode == "merge-on-read":
                        out["statements"].append({
                            "op": op, "mode": mode, "engine": engine, "label": ENGINES[engine],
                            "na": "PyIceberg 0.12 writes copy-on-write only"})
                        continue
                    if engine in out["startup"] and "error" in out["startup"][engine]:
                        out["statements"].append({
                            "op": op, "mode": mode, "engine": engine, "label": ENGINES[engine],
                            "error": out["startup"][engine]["error"]})
                        continue
                    out["statements"].append(run_statement(
                        args, wh, peers, engine, op, mode, data, TABLE,
                        data["expected"][op], base))
        out["compaction"] = compaction(args, wh, peers, data, out["startup"])
    finally:
        for peer in peers.values():
            peer.stop()
    shutil.rmtree(wh, ignore_errors=True)
    return out


def compaction(args, wh, peers, data, startup) -> list[dict]:
    """floe table compact (and Spark's rewrite_data_files) on a table of one append per part
    — many small files — after a merge-on-read delete of 1 %."""
    _floe(args, wh, "table", "create", SMALL_TABLE, "--schema", SCHEMA, "--partition-by",
          "department")
    log(f"compaction table: {len(data['files'])} appends")
    for path in data["files"]:
        _floe(args, wh, "append", SMALL_TABLE, path)
    _set_mode(args, wh, SMALL_TABLE, "merge-on-read")
    _floe(args, wh, "delete", SMALL_TABLE, "--where", f"{DELETE_WHERE[0]} = '{DELETE_WHERE[1]}'")
    got, files_before, deletes_before = read_back(wh, SMALL_TABLE)
    expected = data["expected"]["delete"]
    if got != expected:
        raise SystemExit(f"compaction table before compaction: {_verdict(got, expected)}")
    snapshot = _current_snapshot(args, wh, SMALL_TABLE)
    rows = []
    for engine in ["floe"] + [p for p in peers if p == "spark"]:
        if engine in startup and "error" in startup[engine]:
            rows.append({"op": "compact", "engine": engine, "label": ENGINES[engine],
                         "error": startup[engine]["error"]})
            continue
        row = run_statement(args, wh, peers, engine, "compact", None, data, SMALL_TABLE,
                            expected, snapshot)
        row.update(data_files_before=files_before, delete_files_before=deletes_before)
        res = row.get("result") or {}
        row["bytes_rewritten"] = res.get("rewritten_bytes", res.get("rewritten_bytes_count"))
        if row.get("cpu_s") and row.get("bytes_rewritten"):
            row["mb_per_s"] = row["bytes_rewritten"] / 1e6 / row["wall_s"]
            row["mb_per_cpu_s"] = row["bytes_rewritten"] / 1e6 / row["cpu_s"]
        rows.append(row)
    if "pyiceberg" in peers:
        rows.append({"op": "compact", "engine": "pyiceberg", "label": ENGINES["pyiceberg"],
                     "na": "PyIceberg 0.12 has no data file compaction"})
    return rows
