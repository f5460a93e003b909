"""`floe merge`: "MERGE (upsert) on id" and the other WHEN clauses, copy-on-write and
merge-on-read, from JSON Lines and Parquet sources; upserts with equality deletes; and two
processes merging into one table at once without losing an update. Every result is read back
by floe, PyIceberg and DuckDB and compared with an expectation computed here in Python."""
import json
import multiprocessing
import random
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from row_level_readers import assert_readers_agree, by_id, duckdb_rows, floe_rows

SCHEMA = "id long not null, name string, email string, visits long, region string, seen long"


def customers(start, count, seed):
    rnd = random.Random(seed)
    return [{"id": i, "name": f"c{i}", "email": None if i % 9 == 0 else f"c{i}@x.org",
             "visits": rnd.randint(0, 50), "region": rnd.choice(["eu", "us", "ap"]), "seen": 0}
            for i in range(start, start + count)]


def write_jsonl(path, rows):
    with open(path, "w") as out:
        for r in rows:
            out.write(json.dumps(r) + "\n")
    return str(path)


def upsert(target, source, key="id"):
    """MERGE … WHEN MATCHED UPDATE SET * WHEN NOT MATCHED INSERT *, in Python."""
    out = {r[key]: r for r in target}
    for r in source:
        out[r[key]] = r
    return list(out.values())


@pytest.fixture(params=["copy-on-write", "merge-on-read"])
def table(request, floe, tmp_path):
    floe.run("namespace", "create", "crm")
    floe.run("table", "create", "crm.customers", "--schema", SCHEMA, "--partition-by",
             "bucket(4, id)", "--property", f"write.merge.mode={request.param}")
    rows = customers(0, 300, 1)
    floe.run("append", "crm.customers", write_jsonl(tmp_path / "base.jsonl", rows))
    return request.param, rows


def test_upsert_on_id_reads_identically(floe, table, tmp_path, pyiceberg_catalog, duck):
    mode, rows = table
    source = [dict(r, visits=r["visits"] + 100, region="eu") for r in rows[::7]] + \
        customers(300, 40, 2)
    out = floe.json("merge", "crm.customers", write_jsonl(tmp_path / "s.jsonl", source),
                    "--on", "id")
    assert (out["rows_updated"], out["rows_inserted"], out["rows_deleted"]) == (len(rows[::7]), 40, 0)
    assert out["mode"] == mode
    assert_readers_agree(floe, pyiceberg_catalog, duck, "crm.customers", upsert(rows, source))
    summary = pyiceberg_catalog.load_table("crm.customers").current_snapshot().summary
    if mode == "merge-on-read":
        assert int(summary["added-position-deletes"]) == len(rows[::7])
    else:
        assert int(summary["deleted-data-files"]) >= 1


def test_parquet_source_delete_matched_ignore_not_matched(floe, table, tmp_path,
                                                          pyiceberg_catalog, duck):
    _, rows = table
    source = rows[10:20] + customers(1000, 5, 3)
    path = tmp_path / "s.parquet"
    pq.write_table(pa.Table.from_pylist(source), path)
    out = floe.json("merge", "crm.customers", str(path), "--on", "id", "--when-matched", "delete",
                    "--when-not-matched", "ignore")
    assert (out["rows_updated"], out["rows_inserted"], out["rows_deleted"]) == (0, 0, 10)
    expected = rows[:10] + rows[20:]
    assert_readers_agree(floe, pyiceberg_catalog, duck, "crm.customers", expected)


def test_not_matched_by_source_delete_replaces_the_table(floe, table, tmp_path,
                                                         pyiceberg_catalog, duck):
    _, rows = table
    source = [dict(r, seen=1) for r in rows[:50]] + customers(500, 10, 4)
    out = floe.json("merge", "crm.customers", write_jsonl(tmp_path / "s.jsonl", source), "--on",
                    "id", "--when-not-matched-by-source", "delete")
    assert (out["rows_updated"], out["rows_inserted"], out["rows_deleted"]) == (50, 10, 250)
    assert_readers_agree(floe, pyiceberg_catalog, duck, "crm.customers", source)


def test_duplicate_source_keys_fail_unless_deduplicated(floe, table, tmp_path, pyiceberg_catalog,
                                                        duck):
    _, rows = table
    source = [dict(rows[5], visits=1, seen=30), dict(rows[6], seen=1), dict(rows[5], visits=2, seen=10)]
    path = write_jsonl(tmp_path / "dup.jsonl", source)
    before = pyiceberg_catalog.load_table("crm.customers").current_snapshot().snapshot_id
    proc = floe.run("merge", "crm.customers", path, "--on", "id", check=False)
    assert proc.returncode == 1
    assert "more than one row with key id=5 (rows 1 and 3)" in proc.stderr
    assert "--dedupe latest-by" in proc.stderr
    assert pyiceberg_catalog.load_table("crm.customers").current_snapshot().snapshot_id == before
    out = floe.json("merge", "crm.customers", path, "--on", "id", "--dedupe", "latest-by", "seen")
    assert out["rows_updated"] == 2
    expected = upsert(rows, [source[0], source[1]])  # seen=30 beats seen=10 for id 5
    assert_readers_agree(floe, pyiceberg_catalog, duck, "crm.customers", expected)


def test_null_keys_never_match(floe, table, tmp_path, pyiceberg_catalog, duck):
    _, rows = table
    # Merge on the nullable email: the target rows without one are never matched, and a source
    # row without one is inserted.
    no_email = [r for r in rows if r["email"] is None]
    source = [dict(rows[1], name="renamed"), dict(no_email[0], id=9000, name="new", email=None)]
    out = floe.json("merge", "crm.customers", write_jsonl(tmp_path / "s.jsonl", source), "--on",
                    "email")
    assert (out["rows_updated"], out["rows_inserted"]) == (1, 1)
    expected = [dict(r, name="renamed") if r["id"] == 1 else r for r in rows] + [source[1]]
    assert_readers_agree(floe, pyiceberg_catalog, duck, "crm.customers", expected)


def test_bad_merges_fail_clearly(floe, table, tmp_path):
    path = write_jsonl(tmp_path / "s.jsonl", customers(0, 3, 5))
    for args, message in [
        (["--on", "nope"], "merge key 'nope' is not a top-level primitive column"),
        (["--on", "id", "--when-matched", "upsert"], "not one of update, delete, ignore"),
        (["--on", "id", "--dedupe", "latest-by", "nope"], "latest-by column 'nope'"),
        ([], "--on: name the key column(s)"),
    ]:
        proc = floe.run("merge", "crm.customers", path, *args, check=False)
        assert proc.returncode != 0 and message in proc.stderr, (args, proc.stderr)


@pytest.fixture
def keyed(floe):
    floe.run("namespace", "create", "cdc")
    floe.run("table", "create", "cdc.users", "--schema", SCHEMA, "--partition-by", "bucket(4, id)")
    floe.run("table", "alter", "cdc.users", "set-identifier-fields", "id")


def test_upsert_with_equality_deletes(floe, keyed, tmp_path, pyiceberg_catalog, duck):
    base = customers(0, 200, 6)
    out = floe.json("merge", "cdc.users", write_jsonl(tmp_path / "a.jsonl", base), "--strategy",
                    "equality-deletes")
    assert out["rows_upserted"] == 200 and out["delete_files_added"] >= 1
    # A second batch: changes to old keys, new keys, and a key twice (the last row wins).
    batch = [dict(r, visits=-1) for r in base[::5]] + customers(200, 20, 7) + \
        [dict(base[3], name="first"), dict(base[3], name="last")]
    out = floe.json("merge", "cdc.users", write_jsonl(tmp_path / "b.jsonl", batch), "--strategy",
                    "equality-deletes")
    assert out["rows_deduplicated"] == 1
    expected = upsert(upsert(base, base), batch)
    assert floe_rows(floe, "cdc.users") == by_id(expected)
    assert duckdb_rows(duck, pyiceberg_catalog, "cdc.users") == by_id(expected)
    # PyIceberg 0.12 cannot apply equality deletes yet, but reads their metadata: one delete
    # file per partition and commit, on the id column, sequenced with its commit.
    table = pyiceberg_catalog.load_table("cdc.users")
    id_field = table.schema().find_field("id").field_id
    deletes = table.inspect.delete_files().to_pylist()
    assert deletes and all(d["content"] == 2 and d["equality_ids"] == [id_field] for d in deletes)
    entries = table.inspect.entries().to_pylist()
    seqs = {(e["data_file"]["content"], e["sequence_number"]) for e in entries}
    assert {c for c, _ in seqs} == {0, 2}
    summary = table.current_snapshot().summary
    assert int(summary["added-equality-deletes"]) == len({r["id"] for r in batch})


def test_upsert_needs_identifier_fields(floe, table, tmp_path):
    proc = floe.run("merge", "crm.customers", write_jsonl(tmp_path / "s.jsonl", customers(0, 2, 8)),
                    "--strategy", "equality-deletes", check=False)
    assert proc.returncode == 1
    assert "upserts need identifier fields and the table has none" in proc.stderr
    assert "set-identifier-fields" in proc.stderr


def _merge_worker(args):
    """One process's 25 merges: each adds 1 to the visits of an overlapping key range (and
    renames them) and inserts one key of its own. Returns (snapshot id, source rows) of each
    merge that succeeded and the errors of those that did not."""
    floe_bin, warehouse, worker, folder = args
    done, failed = [], []
    for i in range(25):
        source = [{"id": k, "name": f"w{worker}-{i}", "email": None, "visits": 1,
                   "region": "eu", "seen": worker} for k in range(10 + 5 * worker, 30 + 5 * worker)]
        source.append({"id": 10_000 * (worker + 1) + i, "name": "own", "email": None,
                       "visits": 1, "region": "us", "seen": worker})
        path = write_jsonl(f"{folder}/w{worker}-{i}.jsonl", source)
        proc = subprocess.run([floe_bin, "merge", "crm.customers", path, "--on", "id", "--set",
                               "visits = visits + source.visits, name = source.name", "--json",
                               "--warehouse", warehouse], capture_output=True, text=True)
        if proc.returncode == 0:
            done.append((json.loads(proc.stdout)["snapshot_id"], source))
        else:
            failed.append(proc.stderr)
    return done, failed


def add_visits(target, source):
    """MERGE … WHEN MATCHED UPDATE SET visits = visits + s.visits, name = s.name WHEN NOT
    MATCHED INSERT *, in Python."""
    out = {r["id"]: r for r in target}
    for r in source:
        old = out.get(r["id"])
        out[r["id"]] = dict(old, visits=old["visits"] + r["visits"], name=r["name"]) if old else r
    return list(out.values())


def test_merge_set_reads_target_and_source(floe, table, tmp_path, pyiceberg_catalog, duck):
    _, rows = table
    source = [dict(r, visits=3, name="n") for r in rows[:30]] + customers(700, 3, 9)
    floe.run("merge", "crm.customers", write_jsonl(tmp_path / "s.jsonl", source), "--on", "id",
             "--set", "visits = visits + source.visits, name = source.name")
    assert_readers_agree(floe, pyiceberg_catalog, duck, "crm.customers", add_visits(rows, source))


def test_concurrent_merges_lose_no_update(floe, table, tmp_path, pyiceberg_catalog, duck):
    _, rows = table
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(_merge_worker, [(floe.bin, str(floe.warehouse), w, str(tmp_path))
                                           for w in range(2)])
    done = [d for r in results for d in r[0]]
    failed = [f for r in results for f in r[1]]
    for message in failed:
        assert "conflicts with concurrent commits" in message, message
    assert len(done) >= 10, failed
    # The serial expectation: the successful merges applied in the order they committed.
    history = pyiceberg_catalog.load_table("crm.customers").metadata.snapshot_log
    order = {entry.snapshot_id: n for n, entry in enumerate(history)}
    expected = rows
    for _, source in sorted(done, key=lambda d: order[d[0]]):
        expected = add_visits(expected, source)
    assert_readers_agree(floe, pyiceberg_catalog, duck, "crm.customers", expected)


def test_spark_reads_floe_merges_and_equality_delete_upserts(floe, table, keyed, warehouse,
                                                             tmp_path, spark):
    from servers.spark import as_multiset, spark_catalog, spark_multiset

    _, rows = table
    source = [dict(r, visits=7) for r in rows[::3]] + customers(400, 10, 10)
    floe.run("merge", "crm.customers", write_jsonl(tmp_path / "s.jsonl", source), "--on", "id")
    base = customers(0, 50, 11)
    batch = [dict(r, name="changed") for r in base[::2]] + customers(50, 5, 12)
    for n, part in enumerate([base, batch]):
        floe.run("merge", "cdc.users", write_jsonl(tmp_path / f"u{n}.jsonl", part),
                 "--strategy", "equality-deletes")
    cat = spark_catalog(spark, warehouse)
    columns = list(rows[0])
    assert spark_multiset(spark, f"{cat}.crm.customers", columns) == \
        as_multiset(upsert(rows, source), columns)
    assert spark_multiset(spark, f"{cat}.cdc.users", columns) == \
        as_multiset(upsert(base, batch), columns)
