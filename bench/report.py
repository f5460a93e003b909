"""Markdown for the benchmark results (the JSON holds the same numbers and every run)."""
from __future__ import annotations

TARGETS = [
    # (key, text, threshold, unit)
    ("floe_records_per_cpu_s", "floe records per CPU-second", 1_000_000, "records/CPU-s"),
    ("vs_parse_bound", "floe records per CPU-second / parse-only bound's", 0.40, "share"),
    ("vs_duckdb", "floe / DuckDB, records per CPU-second", 4, "x"),
    ("vs_pyiceberg", "floe / PyIceberg + pyarrow, records per CPU-second", 50, "x"),
    ("vs_ray", "floe / Ray Data job, records per CPU-second", 1000, "x"),
    ("gzip_vs_plain", "floe records per CPU-second, gzip corpus / plain corpus", 0.70, "share"),
    ("floe_peak_rss_mb", "floe peak RSS at --threads, any input (MB)", 512, "max MB"),
]


def _n(x, digits=0):
    if x is None:
        return "–"
    if digits == 0:
        return f"{x:,.0f}"
    return f"{x:,.{digits}f}"


def _ratio(x):
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}×"
    if x >= 10:
        return f"{x:.1f}×"
    return f"{x:.2f}×"


def machine_section(m: dict) -> list[str]:
    rows = [
        ("host", m["host"]), ("CPU", m["cpu_model"]), ("cores (nproc)", m["nproc"]),
        ("memory", f'{m["mem_gb"]:.1f} GB'), ("kernel", m["kernel"]),
        ("load average at start / end", f'{m["load_start"]} / {m.get("load_end", "–")}'),
        ("floe commit", m["floe_commit"]), ("floe build", m.get("floe_build", "–")),
    ]
    rows += [(f"simdjson, {k[len('simdjson ('):-1]}", v) for k, v in m.items()
             if k.startswith("simdjson (")]
    rows += [(name, version) for name, version in m["versions"].items()]
    out = ["| | |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in rows]
    return out


def corpus_section(corpora: dict) -> list[str]:
    out = ["| corpus | files | on disk MB | uncompressed MB | good lines | files with a BOM |",
           "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for key, c in corpora.items():
        out.append(f'| {key} | {c["files"]} | {_n(c["bytes_on_disk"] / 1e6, 1)} | '
                   f'{_n(c["bytes_uncompressed"] / 1e6, 1)} | {_n(c["good_lines"])} | '
                   f'{c["bom_files"]} |')
    return out


def systems_section(systems: list[dict], variant: str) -> list[str]:
    rows = [s for s in systems if s["variant"] == variant]
    if not rows:
        return []
    floe = next((s for s in rows if s["key"] == "floe" and s.get("median")), None)
    out = ["| system | records | check | wall s | records/s | CPU s | records/CPU-s | MB/s | "
           "peak RSS MB | floe faster (wall) | floe cheaper (CPU) |",
           "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for s in rows:
        med = s.get("median")
        if not med:
            out.append(f'| {s["label"]} | – | – | – | – | – | – | – | – | – | '
                       f'{s.get("error", "not run")} |')
            continue
        faster = cheaper = None
        if floe and s is not floe:
            faster = floe["median"]["records_per_s"] / med["records_per_s"]
            cheaper = floe["median"]["records_per_cpu_s"] / med["records_per_cpu_s"]
        out.append(
            f'| {s["label"]} | {_n(s["records"])} | {s["check"]} | {_n(med["wall_s"], 2)} | '
            f'{_n(med["records_per_s"])} | {_n(med["cpu_s"], 2)} | '
            f'{_n(med["records_per_cpu_s"])} | {_n(med["mb_per_s"], 1)} | '
            f'{_n(med["peak_mb"])} | {_ratio(faster)} | {_ratio(cheaper)} |')
    notes = [f'- {s["label"]}: {s["note"]}' for s in rows if s.get("note")]
    return out + ([""] + notes if notes else [])


def scaling_section(scaling: list[dict]) -> list[str]:
    out = ["| input GB | threads | records | wall s | CPU s | records/s | records/CPU-s | "
           "CPU-s per GB | MB/s | peak RSS MB |",
           "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in scaling:
        med = r.get("median")
        if not med:
            out.append(f'| {r["size_gb"]:g} | {r["threads"]} | – | – | – | – | – | – | – | '
                       f'{r.get("error", "")} |')
            continue
        out.append(
            f'| {r["bytes"] / 1e9:.3g} | {r["threads"]} | {_n(r["records"])} | '
            f'{_n(med["wall_s"], 2)} | {_n(med["cpu_s"], 2)} | {_n(med["records_per_s"])} | '
            f'{_n(med["records_per_cpu_s"])} | {_n(med["cpu_s"] / (r["bytes"] / 1e9), 2)} | '
            f'{_n(med["mb_per_s"], 1)} | {_n(med["peak_mb"])} |')
    return out


def gzip_section(rows: list[dict]) -> list[str]:
    """floe on the plain corpus and on the same logs gzip-compressed, per thread count."""
    out = ["| threads | records | plain CPU s | plain records/CPU-s | gzip CPU s | "
           "gzip records/CPU-s | gzip / plain | plain peak RSS MB | gzip peak RSS MB |",
           "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        p, g = r["plain"].get("median"), r["gzip"].get("median")
        if not p or not g:
            err = r["plain"].get("error") or r["gzip"].get("error") or "not run"
            out.append(f'| {r["threads"]} | – | – | – | – | – | – | – | {err} |')
            continue
        ratio = g["records_per_cpu_s"] / p["records_per_cpu_s"]
        out.append(
            f'| {r["threads"]} | {_n(r["gzip"]["records"])} | {_n(p["cpu_s"], 2)} | '
            f'{_n(p["records_per_cpu_s"])} | {_n(g["cpu_s"], 2)} | {_n(g["records_per_cpu_s"])} | '
            f'{ratio:.0%} | {_n(p["peak_mb"])} | {_n(g["peak_mb"])} |')
    return out


def huge_section(rows: list[dict]) -> list[str]:
    """floe on a corpus of one file: memory must not follow the file's (content) size."""
    out = ["| input | on disk MB | content MB | threads | records | wall s | CPU s | "
           "content MB/s | CPU-s per GB | peak RSS MB |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        med = r.get("median")
        head = (f'| {r["label"]} | {_n(r["bytes_on_disk"] / 1e6, 1)} | '
                f'{_n(r["bytes"] / 1e6, 1)} | {r["threads"]} |')
        if not med:
            out.append(f'{head} – | – | – | – | – | {_n(r.get("peak_mb"))} '
                       f'({r.get("error", "not run")}) |')
            continue
        out.append(
            f'{head} {_n(r["records"])} | {_n(med["wall_s"], 2)} | {_n(med["cpu_s"], 2)} | '
            f'{_n(med["mb_per_s"], 1)} | {_n(med["cpu_s"] / (r["bytes"] / 1e9), 2)} | '
            f'{_n(med["peak_mb"])} |')
    return out


def targets_section(targets: dict) -> list[str]:
    out = ["| target | needed | measured | met |", "| --- | ---: | ---: | --- |"]
    for key, text, threshold, unit in TARGETS:
        value = targets.get(key)
        if unit == "share":
            need, got = f"≥ {threshold:.0%}", "–" if value is None else f"{value:.0%}"
        elif unit == "x":
            need, got = f"≥ {threshold:,}×", _ratio(value)
        elif unit == "max MB":
            need, got = f"≤ {threshold:,}", _n(value)
        else:
            need, got = f"≥ {threshold:,}", _n(value)
        ok = value is not None and (value <= threshold if unit == "max MB" else value >= threshold)
        met = "–" if value is None else ("yes" if ok else "**no**")
        out.append(f"| {text} | {need} | {got} | {met} |")
    return out


ROW_LEVEL_OPS = [
    ("delete", "Delete 1 % of the rows (`status = 'terminated'`)"),
    ("update", "Update 1 % of the rows (`SET salary = salary * 1.1 WHERE status = 'on-leave'`)"),
    ("merge", "Merge (upsert) a tenth of the table's size in keys, half matched, half new"),
]


def _engine_cells(r: dict, floe: dict | None) -> str:
    if r.get("na"):
        return f'– | n/a: {r["na"]} | – | – | – | – | – | – |'
    if r.get("error"):
        return f'– | **{r["error"]}** | – | – | – | – | – | – |'
    faster = cheaper = None
    if floe and r is not floe and floe.get("rows_per_s") and r.get("rows_per_s"):
        faster = floe["rows_per_s"] / r["rows_per_s"]
        cheaper = floe["rows_per_cpu_s"] / r["rows_per_cpu_s"]
    check = r["check"] if r["check"] == "ok" else f'**{r["check"]}**'
    files = f'{_n(r["data_files_after"])} / {_n(r.get("delete_files_after"))}'
    return (f'{files} | {check} | {_n(r["wall_s"], 2)} | '
            f'{_n(r["cpu_s"], 2)} | {_n(r.get("rows_per_s"))} | {_n(r.get("rows_per_cpu_s"))} | '
            f'{_ratio(faster)} | {_ratio(cheaper)} |')


def row_level_section(rl: dict) -> list[str]:
    """floe and its peers changing rows of the same table (bench/row_level.py)."""
    d = rl["data"]
    load = rl.get("load", {})
    out = [f'One table `hr.employees` ({_n(d["rows"])} rows: id, name, email, department, '
           f'status, salary, updated_at; partitioned by department, 8 values), generated as '
           f'{len(d["files"])} zstd Parquet files ({_n(d["bytes_on_disk"] / 1e6, 1)} MB) and '
           f'loaded by one `floe append` ({_n(load.get("wall_s"), 1)} s wall, '
           f'{_n(load.get("cpu_s"), 1)} CPU-s, {_n(load.get("data_files"))} data files, check '
           f'{load.get("check", "–")}). Every engine changes the same table; after each '
           f'statement PyIceberg reads it back and its row count and column checksums are '
           f'compared with the ones pyarrow computes from the generated files ("check"), then '
           f'the table is set back to the loaded snapshot. rows/s and rows/CPU-s count the rows '
           f'the statement changes (deleted, updated, or source rows merged). A statement '
           f'may take {rl["cap_s"]:.0f} s before it is stopped and recorded as over the cap.', ""]
    if rl.get("startup"):
        parts = []
        for name, s in rl["startup"].items():
            if "error" in s:
                parts.append(f'{name}: **{s["error"]}**')
            else:
                text = f'{name} {s["startup_wall_s"]:.1f} s wall / {s["startup_cpu_s"]:.1f} CPU-s'
                warm = s.get("warmup")
                if warm and warm.get("error"):
                    text += f' (warm-up failed: {warm["error"]})'
                elif warm:
                    text += (f' and a warm-up of every statement on a 1,000-row table, '
                             f'{warm["wall_s"]:.1f} s wall / {warm["cpu_s"]:.1f} CPU-s')
                parts.append(text)
        out += ["Peers run as one long-lived process each, timed around each statement (CPU: "
                "the process tree's user + system time from /proc, the JVM included); their "
                "start-up, not counted in the rows below: " + "; ".join(parts) + ". floe runs "
                "one process per statement, start-up included.", ""]
    header = ["| mode | engine | data / delete files after | check | wall s | CPU s | rows/s | "
              "rows/CPU-s | floe faster (wall) | floe cheaper (CPU) |",
              "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for op, title in ROW_LEVEL_OPS:
        rows = [r for r in rl["statements"] if r["op"] == op]
        if not rows:
            continue
        changed = next((r["rows_changed"] for r in rows if r.get("rows_changed")), None)
        out += [f"### {title}", "", f"Rows changed: {_n(changed)}.", ""] + header
        for mode in ("copy-on-write", "merge-on-read"):
            floe = next((r for r in rows if r["mode"] == mode and r["engine"] == "floe"
                         and r.get("check") == "ok"), None)
            for r in (r for r in rows if r["mode"] == mode):
                out.append(f'| {mode} | {r["label"]} | {_engine_cells(r, floe)}')
        out.append("")
    comp = rl.get("compaction") or []
    if comp:
        first = next((r for r in comp if r.get("data_files_before")), {})
        out += ["### Compaction of many small files with deletes", "",
                f'`hr.employees_small`: the same rows appended one generated file at a time '
                f'({len(d["files"])} appends, {_n(first.get("data_files_before"))} data files), '
                f'then a merge-on-read delete of 1 % '
                f'({_n(first.get("delete_files_before"))} position delete files); '
                f'compacted to 512 MB files (`floe table compact`, Spark\'s '
                f'`rewrite_data_files`), deletes applied. MB are 10^6 bytes of the Parquet '
                f'data files rewritten; MB per CPU-s is the throughput per core.', "",
                "| engine | data / delete files after | check | rewritten MB | wall s | CPU s | "
                "MB/s | MB per CPU-s | rows/CPU-s |",
                "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in comp:
            if r.get("na") or r.get("error"):
                why = f'n/a: {r["na"]}' if r.get("na") else f'**{r["error"]}**'
                out.append(f'| {r["label"]} | – | {why} | – | – | – | – | – | – |')
                continue
            check = r["check"] if r["check"] == "ok" else f'**{r["check"]}**'
            mb = r["bytes_rewritten"] / 1e6 if r.get("bytes_rewritten") else None
            files = f'{_n(r["data_files_after"])} / {_n(r.get("delete_files_after"))}'
            out.append(f'| {r["label"]} | {files} | {check} | {_n(mb, 1)} | '
                       f'{_n(r["wall_s"], 2)} | {_n(r["cpu_s"], 2)} | {_n(r.get("mb_per_s"), 1)} | '
                       f'{_n(r.get("mb_per_cpu_s"), 1)} | {_n(r.get("rows_per_cpu_s"))} |')
    return out


def ingest_sections(results: dict) -> list[str]:
    lines = []
    lines += ["## Corpora (`floe gen --bad-rate 0`)", ""] + corpus_section(results["corpora"])
    lines += ["", "## Targets", ""] + targets_section(results["targets"]) + [""]
    lines += ["## Plain JSON Lines corpus", ""] + systems_section(results["systems"], "plain")
    gz = systems_section(results["systems"], "gzip")
    if gz:
        lines += ["", "## Same logs, every file gzip-compressed", ""] + gz
    if results.get("scaling"):
        lines += ["", "## floe: cost against input size and threads", ""]
        lines += scaling_section(results["scaling"])
    if results.get("gzip_vs_plain"):
        lines += ["", "## floe: gzip against plain input", "",
                  "The same logs as plain files and as gzip files (Fluent Bit's S3 output "
                  "usually writes gzip): what inflating costs floe per record.", ""]
        lines += gzip_section(results["gzip_vs_plain"])
    if results.get("huge"):
        lines += ["", "## floe: one huge file", "",
                  "One file holds the whole input: a plain log file, and a gzip bomb (blank "
                  "lines, then one log line, in one small gzip file). Peak memory should not "
                  "follow the file's content size.", ""]
        lines += huge_section(results["huge"])
    if results.get("s3"):
        local = next((s for s in results.get("systems", []) if s.get("key") == "floe"
                      and s.get("variant") == "plain" and s.get("median")), None)
        lines += ["", "## floe: ingest from S3", "",
                  "The plain corpus uploaded to a moto S3 server on this machine and read "
                  "with ranged GETs through Arrow's S3 filesystem; CPU is floe's alone (the "
                  "server is another process).", "",
                  "| source | threads | records | wall s | CPU s | records per CPU-s | "
                  "local disk, records per CPU-s | peak RSS MB |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in results["s3"]:
            med = r.get("median")
            if not med:
                lines.append(f'| {r.get("source", "S3")} | {r["threads"]} | – | – | – | – | – | '
                             f'– ({r.get("error", "not run")}) |')
                continue
            lrate = _n(local["median"]["records_per_cpu_s"]) if local else "–"
            lines.append(f'| {r["source"]} | {r["threads"]} | {_n(r["records"])} | '
                         f'{_n(med["wall_s"], 2)} | {_n(med["cpu_s"], 2)} | '
                         f'{_n(med["records_per_cpu_s"])} | {lrate} | {_n(med["peak_mb"])} |')
    return lines


def render(results: dict) -> str:
    cfg = results["config"]
    where = f'{results["date"]} on {results["machine"]["host"]}'
    if not results.get("systems"):
        sections = [n for n, k in (("row-level", "row_level"), ("streaming", "stream"))
                    if results.get(k)]
        lines = [f"# floe {' and '.join(sections)} benchmark — {where}", "",
                 "One run of `bench/run_bench.py --skip-ingest`: the "
                 f"{' and '.join(sections)} section{'s' if len(sections) > 1 else ''} alone.", ""]
    else:
        lines = [f"# floe ingest benchmark — {where}", "", (
            f'One run of `bench/run_bench.py` (scale {cfg["scale"]:g}, median of {cfg["runs"]} '
            f'runs per system, Ray 1 run; {cfg["threads"]} threads for every system that takes a '
            f'thread count). All systems read the same corpus from a warm page cache and write '
            f'zstd Parquet; records/s and MB/s are per wall-clock second, records/CPU-s per '
            f'second of user + system CPU of the whole process tree, MB are 10^6 bytes of '
            f'uncompressed log text. "check" compares each system\'s output (records and a '
            f'timestamp checksum, read back from what it wrote) with the parse-only bound\'s.'),
            ""]
    lines += ["## Machine", ""] + machine_section(results["machine"]) + [""]
    if results.get("systems"):
        lines += ingest_sections(results)
    if results.get("row_level"):
        lines += ["", "## Row-level changes: delete, update, merge, compaction", ""]
        lines += row_level_section(results["row_level"])
    if results.get("stream"):
        from report_stream import stream_section

        lines += ["", "## Streaming: Kafka into Iceberg", ""] + stream_section(results["stream"])
    prof = results.get("profile")
    if prof:
        lines += ["", "## Where floe's time goes (profile)", ""]
        lines += [prof["how"], ""]
        for title, text in prof["sections"]:
            lines += [f"### {title}", "", "```", text.rstrip(), "```", ""]
    if results.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in results["notes"]]
    return "\n".join(lines).rstrip() + "\n"
