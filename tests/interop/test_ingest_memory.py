"""Memory is bounded by design, not by file size: a gzip file that expands to GBs of blank
lines, one 1 GB file, and a file with a 100 MB line each ingest with a peak RSS of at most
512 MB with two threads.

The peak is floe's own maximum resident set as the kernel accounts it (ru_maxrss), taken by
GNU time around the floe process: measured straight from this test's Python process it would
include the pages the child shared with Python before exec."""
import gzip
import json
import subprocess

from test_ingest_hostile import APP, line

LIMIT_MB = 512
GNU_TIME = "/usr/bin/time"  # Debian's `time` package, installed by scripts/setup.sh


def ingest_peak_rss_mb(floe, corpus, tmp_path):
    """Runs floe ingest with two threads; returns (peak RSS in MB, the --json report)."""
    out_path, err_path, rss_path = (tmp_path / "stdout.json", tmp_path / "stderr.txt",
                                    tmp_path / "maxrss.txt")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.run([GNU_TIME, "-f", "%M", "-o", str(rss_path), floe.bin, "ingest",
                               str(corpus), "--table", "logs.spark", "--threads", "2", "--json",
                               "--warehouse", str(floe.warehouse)],
                              stdout=out, stderr=err, timeout=600)
    assert proc.returncode == 0, (proc.returncode, err_path.read_text())
    return int(rss_path.read_text().split()[-1]) / 1024, json.loads(out_path.read_text())


def test_gzip_bomb_of_blank_lines_costs_time_not_memory(floe, tmp_path):
    corpus = tmp_path / "corpus"
    folder = corpus / APP / "driver"
    folder.mkdir(parents=True)
    block = b"\n" * (64 << 20)
    with gzip.open(folder / "bomb.json.gz", "wb", compresslevel=6) as f:
        f.write(line(1) + b"\n")
        for _ in range(32):  # 2 GiB of newlines
            f.write(block)
        f.write(line(2) + b"\n")
    assert (folder / "bomb.json.gz").stat().st_size < 16 << 20
    peak, report = ingest_peak_rss_mb(floe, corpus, tmp_path)
    assert report["total_records_processed"] == 2
    assert report["rejected_lines"] == 0
    assert peak <= LIMIT_MB, f"peak RSS {peak:.0f} MB"


def test_one_huge_file_is_read_in_bounded_memory(floe, tmp_path):
    corpus = tmp_path / "corpus"
    folder = corpus / APP / "driver"
    folder.mkdir(parents=True)
    block = b"".join(line(i, message_padding="x" * 1000) + b"\n" for i in range(3000))
    repeats = (1 << 30) // len(block) + 1  # a little over 1 GiB
    with open(folder / "huge.json", "wb") as f:
        for _ in range(repeats):
            f.write(block)
    peak, report = ingest_peak_rss_mb(floe, corpus, tmp_path)
    assert report["total_records_processed"] == 3000 * repeats
    assert peak <= LIMIT_MB, f"peak RSS {peak:.0f} MB"


def test_a_100_mb_line_is_rejected_in_bounded_memory(floe, tmp_path, pyiceberg_catalog):
    corpus = tmp_path / "corpus"
    folder = corpus / APP / "driver"
    folder.mkdir(parents=True)
    long_line = b'{"message": "' + b"y" * (100 << 20) + b'"}'
    with open(folder / "long.json", "wb") as f:
        f.write(line(1) + b"\n" + long_line + b"\n" + line(3) + b"\n")
    peak, report = ingest_peak_rss_mb(floe, corpus, tmp_path)
    assert report["total_records_processed"] == 2
    assert report["rejects_by_reason"] == {"line_too_long": 1}
    assert peak <= LIMIT_MB, f"peak RSS {peak:.0f} MB"
    (reject,) = pyiceberg_catalog.load_table("logs.spark_rejects").scan().to_arrow().to_pylist()
    assert reject["line"] == 2
    assert reject["raw"] == long_line[:1 << 20]  # the first MiB; the line stays in the file
