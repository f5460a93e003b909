"""The benchmark harness (bench/run_bench.py) end to end on a tiny corpus, without Ray: every
system runs, writes what it should, agrees with the parse-only bound on records and timestamps,
and the results files hold the tables. The row-level section runs on a 20,000-row table with
floe and PyIceberg (Spark is left out: its start-up alone is half a minute) and every statement's
read-back check must pass; the streaming section runs on 3,000 messages with floe alone. Also
checks that the measurement counts the CPU time of processes a command leaves behind."""
import json
import pathlib
import subprocess
import sys

import pytest

from conftest import floe_bin_path, require_built

ROOT = pathlib.Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    # Both are built by `make build`; missing, the smoke test fails rather than skip.
    floe = require_built(floe_bin_path(), "floe binary")
    bound = pathlib.Path(require_built(pathlib.Path(floe).parent / "bench" / "parse_bound",
                                       "parse_bound (bench/parse_bound.cc)"))
    tmp = tmp_path_factory.mktemp("bench")
    systems = "floe,duckdb,pyiceberg,bound"
    cmd = [sys.executable, str(BENCH / "run_bench.py"), "--floe", floe,
           "--parse-bound", str(bound), "--scale", "0.003", "--runs", "1", "--skip-ray",
           "--no-profile", "--systems", systems, "--sizes", "0.5,1", "--scaling-threads", "1,2",
           "--corpus-cache", str(tmp / "corpus"), "--work-dir", str(tmp / "work"),
           "--out-dir", str(tmp / "results"), "--name", "smoke",
           "--row-level-rows", "20000", "--row-level-parts", "10",
           "--row-level-peers", "pyiceberg",
           "--stream-messages", "3000", "--stream-peers", "", "--stream-rate", "500",
           "--stream-latency-s", "4", "--stream-warmup-s", "1"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=420)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads((tmp / "results" / "smoke.json").read_text())
    markdown = (tmp / "results" / "smoke.md").read_text()
    return {"results": results, "markdown": markdown, "tmp": tmp}


def _entry(results, key, variant):
    return next(s for s in results["systems"] if s["key"] == key and s["variant"] == variant)


@pytest.mark.parametrize("variant", ["plain", "gzip"])
def test_every_system_runs_and_writes_every_good_line(smoke, variant):
    results = smoke["results"]
    good = results["corpora"][variant]["good_lines"]
    assert good > 0
    for key in ("floe", "duckdb", "pyiceberg"):
        entry = _entry(results, key, variant)
        assert "error" not in entry, entry.get("error")
        med = entry["median"]
        assert med["wall_s"] > 0 and med["cpu_s"] > 0 and med["peak_mb"] > 1
        assert entry["records"] == good, key


@pytest.mark.parametrize("variant", ["plain", "gzip"])
def test_floe_and_pyiceberg_match_the_parse_bound_timestamps(smoke, variant):
    results = smoke["results"]
    bound = _entry(results, "bound", variant)
    assert bound["check"] == "reference"
    assert _entry(results, "floe", variant)["check"] == "same"
    assert _entry(results, "pyiceberg", variant)["check"] == "same"
    assert _entry(results, "duckdb", variant)["records"] == bound["records"]


def test_ray_is_left_out_of_the_smoke_run(smoke):
    assert not any(s["key"] == "ray" for s in smoke["results"]["systems"])


def test_scaling_table_has_every_size_and_thread_count(smoke):
    rows = smoke["results"]["scaling"]
    assert [(r["threads"]) for r in rows] == [1, 2, 1, 2]
    assert rows[0]["bytes"] < rows[2]["bytes"]
    assert all(r["records"] > 0 and r["median"]["cpu_s"] > 0 for r in rows)


def test_markdown_holds_machine_targets_and_tables(smoke):
    md = smoke["markdown"]
    for heading in ("## Machine", "## Targets", "## Plain JSON Lines corpus",
                    "## Same logs, every file gzip-compressed",
                    "## floe: cost against input size and threads",
                    "## floe: gzip against plain input", "## floe: one huge file"):
        assert heading in md
    assert "floe records per CPU-second" in md
    assert "gzip corpus / plain corpus" in md and "floe peak RSS" in md
    assert "| gzip bomb: blank lines |" in md and "| one plain file |" in md
    assert "| floe ingest |" in md and "| PyIceberg + pyarrow |" in md


def test_gzip_table_compares_floe_on_both_corpora_at_each_thread_count(smoke):
    results = smoke["results"]
    rows = results["gzip_vs_plain"]
    assert [r["threads"] for r in rows] == [1, 2]
    for r in rows:
        for variant in ("plain", "gzip"):
            assert r[variant]["records"] == results["corpora"][variant]["good_lines"]
            med = r[variant]["median"]
            assert med["cpu_s"] > 0 and med["records_per_cpu_s"] > 0 and med["peak_mb"] > 1
    ratio = results["targets"]["gzip_vs_plain"]
    assert ratio is not None and 0 < ratio < 10


def test_one_file_rows_read_every_line_and_show_peak_memory(smoke):
    results = smoke["results"]
    huge, bomb = results["corpora"]["one file"], results["corpora"]["gzip bomb"]
    assert huge["files"] == 1 and bomb["files"] == 1
    # 3 GB of blank lines at scale 1, a few hundred times smaller on disk.
    assert bomb["bytes_uncompressed"] >= int(3e9 * 0.003)
    assert bomb["bytes_on_disk"] * 100 < bomb["bytes_uncompressed"]
    rows = {r["label"]: r for r in results["huge"]}
    assert rows["one plain file"]["records"] == huge["good_lines"] > 0
    assert rows["gzip bomb: blank lines"]["records"] == 1  # the line after the blank ones
    for r in rows.values():
        assert r["median"]["peak_mb"] > 1 and r["threads"] == results["config"]["threads"]
    assert results["targets"]["floe_peak_rss_mb"] >= max(
        r["median"]["peak_mb"] for r in rows.values())


def test_corpora_are_cached_between_runs(smoke):
    corpus = pathlib.Path(smoke["results"]["corpora"]["plain"]["path"])
    assert corpus.is_dir() and corpus.parent == smoke["tmp"] / "corpus"
    assert (corpus.parent / (corpus.name + ".json")).exists()


def test_measurement_counts_cpu_of_processes_left_behind(tmp_path):
    # The command forks a child that burns CPU after its parent has exited: the driver must
    # reap it as a subreaper and count its time.
    script = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    end = time.process_time() + 0.4\n"
        "    while time.process_time() < end: pass\n"
        "    os._exit(0)\n")
    probe = (
        f"import sys; sys.path.insert(0, {str(BENCH)!r}); import measure\n"
        "assert measure.become_subreaper()\n"
        f"m = measure.run([sys.executable, '-c', {script!r}])\n"
        "print(m.cpu_s, m.returncode)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    cpu, rc = out.stdout.split()
    assert rc == "0"
    assert float(cpu) >= 0.35


def test_row_level_statements_run_in_both_modes_and_pass_their_checks(smoke):
    rl = smoke["results"]["row_level"]
    assert rl["data"]["rows"] == 20000 and rl["load"]["check"] == "ok"
    done = {(r["op"], r["mode"], r["engine"]): r for r in rl["statements"]}
    for op in ("delete", "update", "merge"):
        for mode in ("copy-on-write", "merge-on-read"):
            floe = done[(op, mode, "floe")]
            assert floe["check"] == "ok", floe
            assert floe["wall_s"] > 0 and floe["cpu_s"] > 0 and floe["rows_per_cpu_s"] > 0
            assert floe["result"]["mode"] == mode
        assert done[(op, "copy-on-write", "pyiceberg")]["check"] == "ok"
        assert done[(op, "merge-on-read", "pyiceberg")]["na"]
    # Copy-on-write rewrites files, merge-on-read adds delete files beside them.
    assert done[("delete", "copy-on-write", "floe")]["delete_files_after"] == 0
    assert done[("delete", "merge-on-read", "floe")]["delete_files_after"] > 0
    changed = {op: done[(op, "copy-on-write", "floe")]["rows_changed"]
               for op in ("delete", "update", "merge")}
    assert 100 <= changed["delete"] <= 300 and 100 <= changed["update"] <= 300
    assert changed["merge"] == 2000
    floe_merge = done[("merge", "copy-on-write", "floe")]["result"]
    assert floe_merge["rows_updated"] == 1000 and floe_merge["rows_inserted"] == 1000
    assert rl["startup"]["pyiceberg"]["startup_wall_s"] > 0


def test_row_level_checks_tell_a_changed_table_from_the_expected_one(smoke):
    # Each expected checksum differs from the loaded table's, so a statement that changed
    # nothing (or the wrong rows' salaries) fails its check.
    sys.path.insert(0, str(BENCH))
    import row_level

    expected = smoke["results"]["row_level"]["data"]["expected"]
    for op in ("delete", "update", "merge"):
        assert expected[op] != expected["base"]
        assert row_level._verdict(expected["base"], expected[op]).startswith("wrong")
    assert row_level._verdict(dict(expected["update"]), expected["update"]) == "ok"
    skewed = dict(expected["update"], salary_cents=expected["update"]["salary_cents"] + 1)
    assert row_level._verdict(skewed, expected["update"]) == "wrong: salary_cents differ"


def test_compaction_applies_the_deletes_into_fewer_files(smoke):
    comp = {r["engine"]: r for r in smoke["results"]["row_level"]["compaction"]}
    floe = comp["floe"]
    assert floe["check"] == "ok"
    assert floe["data_files_before"] == 80 and floe["delete_files_before"] > 0
    assert floe["data_files_after"] == 8 and floe["delete_files_after"] == 0
    assert floe["bytes_rewritten"] > 0 and floe["mb_per_cpu_s"] > 0
    assert comp["pyiceberg"]["na"]


def test_markdown_holds_the_row_level_tables(smoke):
    md = smoke["markdown"]
    assert "## Row-level changes: delete, update, merge, compaction" in md
    assert "### Delete 1 % of the rows" in md and "### Compaction of many small files" in md
    assert "| copy-on-write | floe |" in md and "| merge-on-read | PyIceberg 0.12 |" in md
    assert "**wrong" not in md


def test_stream_section_drains_exactly_once_and_measures_latency(smoke):
    st = smoke["results"]["stream"]
    [drain] = st["drain"]
    assert drain["system"] == "floe"
    assert [r.get("error") for r in drain["runs"]] == [None]  # each (partition, offset) once
    assert drain["runs"][0]["report"]["messages"] == 3000
    assert drain["median"]["msgs_per_cpu_s"] > 0
    [lat] = st["latency"]
    assert "error" not in lat, lat["error"]
    assert lat["visible"] == lat["messages"] >= 1500
    assert 0 < lat["measured"] <= lat["messages"]
    assert 0 < lat["p50_s"] <= lat["p99_s"] <= lat["max_s"]
    md = smoke["markdown"]
    assert "## Streaming: Kafka into Iceberg" in md and "floe produce → visible p99" in md
