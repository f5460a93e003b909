"""The generated corpora the ingest benchmark reads: Spark-log folders made by `floe gen`
(plain and gzip), the one-file and decompression-bomb variants, the slice the Ray job reads, and
their statistics (records, uncompressed bytes, checksum of the reference output)."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import zlib

from measure import log

GB = 1_000_000_000
BOM = b"\xef\xbb\xbf"

def _content_head(path: str, n: int = 3) -> bytes:
    with open(path, "rb") as f:
        head = f.read(4)
    if head.startswith(b"\x1f\x8b"):
        with gzip.open(path, "rb") as f:
            return f.read(n)
    if head.startswith(b"\x28\xb5\x2f\xfd"):
        import zstandard
        with open(path, "rb") as f:
            return zstandard.ZstdDecompressor().stream_reader(f).read(n)
    return head[:n]


def _uncompressed_size(path: str) -> int:
    with open(path, "rb") as f:
        head = f.read(2)
    if head != b"\x1f\x8b":
        return os.path.getsize(path)
    total = 0
    with open(path, "rb") as f:
        d = zlib.decompressobj(zlib.MAX_WBITS | 32)
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            while chunk:
                total += len(d.decompress(chunk))
                chunk = d.unused_data
                if chunk:  # next gzip member
                    d = zlib.decompressobj(zlib.MAX_WBITS | 32)
        total += len(d.flush())
    return total


def corpus_stats(path: str, gen_output: str) -> dict:
    import log_rules

    files = [p for ps in log_rules.app_folders(path).values() for p in ps]
    m = re.search(r"lines: (\d+) = (\d+) good", gen_output)
    return {
        "path": path, "files": len(files),
        "bytes_on_disk": sum(os.path.getsize(p) for p in files),
        "bytes_uncompressed": sum(_uncompressed_size(p) for p in files),
        "bom_files": sum(1 for p in files if _content_head(p) == BOM),
        "good_lines": int(m.group(2)) if m else None,
        "gen": gen_output.strip().splitlines()[:2],
    }


def cached(cache_dir: str, key: str, make) -> dict:
    """The statistics of entry `key` of the cache: a folder `<key>` with `<key>.json` beside it,
    made once. `make(tmp, path)` fills the scratch folder `tmp` and returns the statistics of
    the entry as it will be at `path`; the folder is renamed into place, then the JSON written
    (an entry without its JSON is made again)."""
    path = os.path.join(cache_dir, key)
    meta = path + ".json"
    if os.path.isdir(path) and os.path.exists(meta):
        with open(meta) as f:
            return json.load(f)
    os.makedirs(cache_dir, exist_ok=True)
    tmp = path + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(path, ignore_errors=True)
    log(f"generating {key}")
    stats = make(tmp, path)
    os.rename(tmp, path)
    with open(meta, "w") as f:
        json.dump(stats, f, indent=1)
    return stats


def _stats_at(tmp: str, path: str, gen_output: str) -> dict:
    stats = corpus_stats(tmp, gen_output)
    stats["path"] = path
    return stats


def ensure_corpus(args, size_bytes: int, gzip_share: float, one_file: bool = False) -> dict:
    """A generated corpus from the cache (made once per set of parameters). `one_file`: all
    of it in a single file (one app, the driver pod alone, one file per pod)."""
    shape = ["--apps", str(args.apps)]
    key = f"logs-{size_bytes}b-apps{args.apps}-gz{gzip_share:g}-seed{args.seed}"
    if one_file:
        shape = ["--apps", "1", "--executors", "0", "--files-per-pod", "1", "--decoys", "0"]
        key = f"logs-{size_bytes}b-onefile-gz{gzip_share:g}-seed{args.seed}"

    def make(tmp, path):
        proc = subprocess.run(
            [args.floe, "gen", tmp, "--size", str(size_bytes), "--bad-rate", "0",
             "--gzip-share", f"{gzip_share:g}", "--seed", str(args.seed)] + shape,
            capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"floe gen failed: {proc.stderr.strip()}")
        return dict(_stats_at(tmp, path, proc.stdout), key=key)

    return cached(args.corpus_cache, key, make)


def ensure_bomb(args, size_bytes: int, good_line: bytes) -> dict:
    """One gzip file in one app folder: `size_bytes` of blank lines, then one good log line (so
    the row shows the reader got to the end). Deflate's best ratio is about 1000:1, so 3 GB
    of content is 3 MB on disk: a reader that inflates whole files needs the 3 GB."""
    key = f"bomb-{size_bytes}b-seed{args.seed}"

    def make(tmp, path):
        app = "spark-" + hashlib.sha256(key.encode()).hexdigest()[:32]
        folder = os.path.join(tmp, app, "driver")
        os.makedirs(folder)
        chunk = b"\n" * (1 << 20)
        with gzip.open(os.path.join(folder, "blank-lines.json.gz"), "wb", compresslevel=9) as f:
            for _ in range(size_bytes // len(chunk)):
                f.write(chunk)
            f.write(b"\n" * (size_bytes % len(chunk)))
            f.write(good_line.rstrip(b"\r\n") + b"\n")
        return dict(_stats_at(tmp, path, ""), key=key, good_lines=1)

    return cached(args.corpus_cache, key, make)


def first_good_line(corpus: dict) -> bytes:
    """A valid log line of a generated corpus (its first non-blank line past a BOM)."""
    import log_rules

    for files in log_rules.app_folders(corpus["path"]).values():
        for p in files:
            for line in log_rules.read_content(p).splitlines():
                line = line.removeprefix(BOM).strip()
                if line.startswith(b"{"):
                    return line
    raise SystemExit(f'no log line in {corpus["path"]}')


def ray_slice(args, corpus: dict) -> dict:
    """Whole app folders of `corpus`, hard-linked, adding up to at least --ray-slice-mb."""
    import log_rules

    target = args.ray_slice_mb * 1e6 * args.scale
    key = f'{corpus["key"]}-ray-slice-{int(target)}'

    def make(tmp, path):
        total = 0
        for folder, files in log_rules.app_folders(corpus["path"]).items():
            if total >= target:
                break
            for src in files:
                dst = os.path.join(tmp, os.path.relpath(src, corpus["path"]))
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                os.link(src, dst)
                total += os.path.getsize(src)
        return dict(_stats_at(tmp, path, ""), key=key)

    return cached(args.corpus_cache, key, make)


def warm(corpus: dict) -> None:
    """Reads every file once so all systems start from the page cache."""
    import log_rules

    for files in log_rules.app_folders(corpus["path"]).values():
        for p in files:
            with open(p, "rb") as f:
                while f.read(1 << 22):
                    pass
