"""The benchmark harness (bench/run_bench.py) end to end on a tiny corpus, without Ray: every
system runs, writes what it should, agrees with the parse-only bound on records and timestamps,
and the results files hold the tables. Also checks that the measurement counts the CPU time of
processes a command leaves behind."""
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
           "--out-dir", str(tmp / "results"), "--name", "smoke"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
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
