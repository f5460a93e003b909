"""Plain Parquet files without a table: `floe scan PATH…` reads a file, a list of them, a folder
or an S3 prefix with --select / --where / --limit / --dedupe-on, and `floe parquet merge`
writes them back as fewer files. DuckDB reads floe's output, and both agree with the rows
Python computes from the inputs it wrote."""
import collections
import datetime as dt
import json
import random

import pyarrow as pa
import pyarrow.parquet as pq

from s3_floe import S3Floe

UTC = dt.timezone.utc
SCHEMA = pa.schema([("id", pa.int64()), ("user", pa.string()), ("ts", pa.timestamp("us", tz="UTC")),
                    ("amount", pa.float64()), ("tags", pa.list_(pa.string()))])


def make_rows(seed, count, id_range):
    rnd = random.Random(seed)
    base = dt.datetime(2025, 5, 1, tzinfo=UTC)
    return [{"id": rnd.randrange(id_range), "user": rnd.choice(["ann", "bob", "cy", None]),
             "ts": base + dt.timedelta(seconds=rnd.randrange(10**6)),
             "amount": rnd.randrange(10**6) / 100, "tags": [f"t{rnd.randrange(3)}"]}
            for _ in range(count)]


def write_inputs(folder):
    """Five files below `folder` (one in a subfolder), a _SUCCESS marker and a stray text file;
    returns the rows in floe's listing order (path order)."""
    layout = {"part-0.parquet": 1, "part-1.parquet": 2, "sub/part-2.parquet": 3,
              "sub/part-3.parquet": 4, "z.parquet": 5}
    rows = []
    for name, seed in sorted(layout.items()):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        batch = make_rows(seed, 400, 600)
        pq.write_table(pa.Table.from_pylist(batch, schema=SCHEMA), path, row_group_size=150)
        rows += batch
    (folder / "_SUCCESS").write_text("")
    (folder / "notes.txt").write_text("not parquet")
    return rows


def key(row, columns):
    out = []
    for c in columns:
        v = row[c]
        if isinstance(v, dt.datetime):
            v = v.astimezone(UTC).isoformat()
        elif isinstance(v, str) and c == "ts":
            v = dt.datetime.fromisoformat(v.replace("Z", "+00:00")).astimezone(UTC).isoformat()
        elif isinstance(v, list):
            v = tuple(v)
        out.append(v)
    return tuple(out)


def multiset(rows, columns):
    return collections.Counter(key(r, columns) for r in rows)


def duck_rows(duck, glob):
    rel = duck.execute(f"SELECT * FROM read_parquet('{glob}')")
    cols = [d[0] for d in rel.description]
    return [dict(zip(cols, r)) for r in rel.fetchall()]


def test_scan_a_folder_with_select_where_and_limit(floe, tmp_path):
    rows = write_inputs(tmp_path / "in")
    got = floe.scan_rows(tmp_path / "in", "--select", "id,user,amount",
                         "--where", "amount >= 5000 AND user IS NOT NULL")
    want = [r for r in rows if r["amount"] >= 5000 and r["user"] is not None]
    assert multiset(got, ["id", "user", "amount"]) == multiset(want, ["id", "user", "amount"])
    assert all(set(r) == {"id", "user", "amount"} for r in got)

    # One file, a list of files, and --limit: the first rows in file order.
    one = floe.scan_rows(tmp_path / "in" / "z.parquet")
    assert multiset(one, SCHEMA.names) == multiset(rows[-400:], SCHEMA.names)
    listed = floe.scan_rows(tmp_path / "in" / "part-0.parquet", tmp_path / "in" / "z.parquet",
                            "--limit", "450")
    assert [key(r, SCHEMA.names) for r in listed] == [
        key(r, SCHEMA.names) for r in (rows[:400] + rows[-400:])[:450]]


def test_scan_dedupes_on_a_key_keeping_the_latest(floe, tmp_path):
    rows = write_inputs(tmp_path / "in")
    got = floe.scan_rows(tmp_path / "in", "--dedupe-on", "id", "--keep", "latest-by", "ts")
    latest = {}
    for r in rows:  # a tie goes to the later row
        if r["id"] not in latest or r["ts"] >= latest[r["id"]]["ts"]:
            latest[r["id"]] = r
    assert multiset(got, SCHEMA.names) == multiset(latest.values(), SCHEMA.names)
    first = {}
    for r in rows:
        first.setdefault(r["id"], r)
    got = floe.scan_rows(tmp_path / "in", "--dedupe-on", "id")
    assert [key(r, SCHEMA.names) for r in got] == [key(r, SCHEMA.names) for r in
                                                   sorted(first.values(), key=rows.index)]


def test_merge_writes_fewer_files_that_duckdb_reads(floe, tmp_path, duck):
    rows = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    proc = floe.run("parquet", "merge", tmp_path / "in", "--output", out, "--where",
                    "user = 'ann' OR user = 'bob'", "--dedupe-on", "id,user", "--keep", "last",
                    "--target-file-size", "4KB", "--json")
    summary = json.loads(proc.stdout)
    assert summary["input_files"] == 5
    last = {}
    for r in rows:
        if r["user"] in ("ann", "bob"):
            last.pop((r["id"], r["user"]), None)
            last[(r["id"], r["user"])] = r
    assert summary["rows"] == len(last)
    written = sorted(out.glob("*.parquet"))
    assert len(written) == len(summary["output_files"]) > 1
    got = duck_rows(duck, f"{out}/*.parquet")
    assert multiset(got, SCHEMA.names) == multiset(last.values(), SCHEMA.names)
    assert pq.read_schema(written[0]).equals(SCHEMA)

    # One output file, with a column selection; a second merge leaves the first one's parts be.
    floe.run("parquet", "merge", out, "--output", tmp_path / "one.parquet", "--select", "id,ts")
    got = duck_rows(duck, f"{tmp_path}/one.parquet")
    assert multiset(got, ["id", "ts"]) == multiset(last.values(), ["id", "ts"])
    floe.run("parquet", "merge", tmp_path / "in" / "z.parquet", "--output", out)
    assert len(list(out.glob("*.parquet"))) == len(written) + 1


def test_bad_inputs_are_named_and_nothing_is_written(floe, tmp_path):
    write_inputs(tmp_path / "in")
    proc = floe.run("scan", tmp_path / "nowhere", check=False)
    assert proc.returncode != 0 and "nowhere" in proc.stderr
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "a.txt").write_text("x")
    proc = floe.run("parquet", "merge", tmp_path / "text", "--output", tmp_path / "o", check=False)
    assert proc.returncode != 0 and "no files ending in .parquet" in proc.stderr
    assert not (tmp_path / "o").exists()
    pq.write_table(pa.table({"id": pa.array([1], pa.int32())}), tmp_path / "in" / "zz.parquet")
    proc = floe.run("scan", tmp_path / "in", "--select", "id", check=False)
    assert proc.returncode != 0 and "zz.parquet" in proc.stderr and "'id' is int32" in proc.stderr
    proc = floe.run("scan", tmp_path / "in", "--where", "nope = 1", check=False)
    assert proc.returncode != 0 and "nope" in proc.stderr


def test_scan_and_merge_an_s3_prefix(s3_server, s3_bucket, tmp_path, duck):
    rows = write_inputs(tmp_path / "in")
    client = s3_server.boto3_client("s3")
    for path in sorted((tmp_path / "in").rglob("*")):
        if path.is_file():
            client.upload_file(str(path), s3_bucket, f"raw/{path.relative_to(tmp_path / 'in')}")
    floe = S3Floe(s3_server, tmp_path / "wh", tmp_path / "catalog.db")
    out = floe.run("scan", f"s3://{s3_bucket}/raw", "--where", "id < 100", "--format", "jsonl")
    got = [json.loads(line) for line in out.stdout.splitlines()]
    assert multiset(got, SCHEMA.names) == multiset([r for r in rows if r["id"] < 100],
                                                   SCHEMA.names)
    floe.run("parquet", "merge", f"s3://{s3_bucket}/raw/", "--output",
             f"s3://{s3_bucket}/merged/all.parquet")
    local = tmp_path / "all.parquet"
    client.download_file(s3_bucket, "merged/all.parquet", str(local))
    assert multiset(duck_rows(duck, local), SCHEMA.names) == multiset(rows, SCHEMA.names)
