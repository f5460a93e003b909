"""floe's REST catalog against Apache Iceberg's own REST catalog server, with PyIceberg 0.12 as
the other client of the same server.

floe's side is the `rest_catalog_interop_test` helper binary (tests/unit/catalog/rest/
rest_catalog_interop_test.cc, from FLOE_BUILD_DIR, else the folder of FLOE_BIN, else
build/asan): each helper opens the catalog with the properties given here, does one thing and
writes what it saw as JSON. Faults (502 after a commit went through, 500 or 409 before it, short
token lifetimes, revoked tokens) come from the proxy in servers/rest_proxy.py, in front of the
real server.
"""
import json
import os
import pathlib
import subprocess
import threading
import time
import uuid

import pyarrow as pa
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _helper_binary() -> pathlib.Path:
    if "FLOE_BUILD_DIR" in os.environ:
        build = pathlib.Path(os.environ["FLOE_BUILD_DIR"])
    elif "FLOE_BIN" in os.environ:
        build = pathlib.Path(os.environ["FLOE_BIN"]).parent
    else:
        build = ROOT / "build" / "asan"
    path = build / "rest_catalog_interop_test"
    if not path.exists():
        pytest.fail(f"{path} not found: build the rest_catalog_interop_test target or set "
                    "FLOE_BUILD_DIR", pytrace=False)
    return path


def floe_rest(tmp_path, helper: str, props: dict, check=True, background=False, **args):
    """Runs one floe helper; returns its JSON result (and the process output in "_output")."""
    out = tmp_path / f"{helper}-{uuid.uuid4().hex[:8]}.json"
    env = {**os.environ,
           "FLOE_REST_HELPER_PROPS": json.dumps(props),
           "FLOE_REST_HELPER_ARGS": json.dumps(args),
           "FLOE_REST_HELPER_OUT": str(out),
           "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "detect_leaks=0")}
    cmd = [str(_helper_binary()), f"--gtest_filter=RestInteropHelper.{helper}"]

    def finish(proc_stdout, proc_stderr, returncode):
        output = proc_stdout + proc_stderr
        if check:
            assert returncode == 0, output
        assert "[  SKIPPED ]" not in proc_stdout, proc_stdout
        result = json.loads(out.read_text()) if out.exists() else {}
        result["_output"] = output
        return result

    if background:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        return lambda: finish(*proc.communicate(timeout=600), proc.returncode)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    return finish(proc.stdout, proc.stderr, proc.returncode)


@pytest.fixture
def names():
    """A namespace of its own per test (the session's server is shared)."""
    return f"ns_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def pyiceberg_rest(rest_server):
    from pyiceberg.catalog import load_catalog

    return load_catalog("pyiceberg", type="rest", uri=rest_server.uri)


def rows_of(table):
    return sorted(table.scan().to_arrow().to_pylist(), key=lambda r: r["id"])


def expected_rows(ids, note=None):
    return [{"id": i, "name": f"row-{i}", **({} if note is False else {"note": note})}
            for i in ids]


def test_floe_creates_appends_and_evolves_and_pyiceberg_reads_the_same(
        tmp_path, rest_server, pyiceberg_rest, names):
    props = {"uri": rest_server.uri}
    table = f"{names}.events"
    created = floe_rest(tmp_path, "CreateTable", props, table=table)
    assert created["metadata_location"].startswith(rest_server.warehouse)
    floe_rest(tmp_path, "Append", props, table=table, start=0, count=3)
    floe_rest(tmp_path, "AddColumn", props, table=table, column="note")
    floe_rest(tmp_path, "Append", props, table=table, start=3, count=2, note="late")

    assert pyiceberg_rest.load_namespace_properties(names)["owner"] == "floe"
    t = pyiceberg_rest.load_table(table)
    assert [f.name for f in t.schema().fields] == ["id", "name", "note"]
    assert rows_of(t) == expected_rows(range(3), None) + expected_rows(range(3, 5), "late")
    floe_view = floe_rest(tmp_path, "Read", props, table=table)
    assert sorted(floe_view["rows"], key=lambda r: r["id"]) == rows_of(t)
    assert floe_view["snapshots"] == [s.snapshot_id for s in t.snapshots()]
    assert len(t.snapshots()) == 2
    assert [s.summary.operation.value for s in t.snapshots()] == ["append", "append"]
    assert t.properties["created-by"] == "floe"


def test_pyiceberg_writes_and_floe_reads_the_same(tmp_path, rest_server, pyiceberg_rest, names):
    pyiceberg_rest.create_namespace(names)
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("name", pa.string())])
    t = pyiceberg_rest.create_table(f"{names}.py", schema=schema)
    t.append(pa.table({"id": [1, 2], "name": ["row-1", "row-2"]}, schema=schema))
    with t.update_schema() as update:
        update.add_column("note", pa_type_string())
    t = pyiceberg_rest.load_table(f"{names}.py")
    t.append(pa.table({"id": [3], "name": ["row-3"], "note": ["py"]},
                      schema=t.schema().as_arrow()))
    t = pyiceberg_rest.load_table(f"{names}.py")

    view = floe_rest(tmp_path, "Read", {"uri": rest_server.uri}, table=f"{names}.py")
    assert view["columns"] == ["id", "name", "note"]
    assert sorted(view["rows"], key=lambda r: r["id"]) == \
        expected_rows([1, 2], None) + expected_rows([3], "py")
    assert view["snapshots"] == [s.snapshot_id for s in t.snapshots()]
    assert view["metadata_location"] == t.metadata_location
    # floe appends on top of PyIceberg's snapshots, and PyIceberg sees all of them.
    floe_rest(tmp_path, "Append", {"uri": rest_server.uri}, table=f"{names}.py", start=4, count=1,
              note="floe")
    t = pyiceberg_rest.load_table(f"{names}.py")
    assert len(t.snapshots()) == 3
    assert rows_of(t)[-1] == {"id": 4, "name": "row-4", "note": "floe"}


def pa_type_string():
    from pyiceberg.types import StringType

    return StringType()


def test_listings_follow_the_servers_pages(tmp_path, rest_server, rest_proxy, pyiceberg_rest,
                                           names):
    pyiceberg_rest.create_namespace(names)
    for child in ("a", "b", "c"):
        pyiceberg_rest.create_namespace((names, child))
    schema = pa.schema([pa.field("id", pa.int64())])
    for i in range(5):
        pyiceberg_rest.create_table(f"{names}.t{i}", schema=schema)
    result = floe_rest(tmp_path, "List", {"uri": rest_proxy.uri, "rest-page-size": "2"},
                       parent=[names], tables_of=[names],
                       exists=[f"{names}.t3", f"{names}.missing"])
    assert sorted(result["namespaces"]) == [[names, "a"], [names, "b"], [names, "c"]]
    assert sorted(result["tables"]) == sorted(f"{names}.t{i}" for i in range(5))
    assert result["exists"] == {f"{names}.t3": True, f"{names}.missing": False}
    paged = [path for method, path in rest_proxy.requests if "pageToken=" in path]
    # 3 namespaces and 5 tables in pages of 2: one follow-up page for the namespaces, two for
    # the tables.
    assert sum("/tables?" in p for p in paged) == 2, rest_proxy.requests
    assert sum("/namespaces?" in p for p in paged) == 1, rest_proxy.requests
    # Existence checks use HEAD, which the server lists among its endpoints.
    assert ("HEAD", f"/v1/namespaces/{names}/tables/t3") in rest_proxy.requests


def test_a_staged_create_appears_with_its_data_or_not_at_all(tmp_path, rest_server,
                                                            pyiceberg_rest, names):
    pyiceberg_rest.create_namespace(names)
    result = floe_rest(tmp_path, "StageCreateWithData", {"uri": rest_server.uri},
                       table=f"{names}.ctas", count=4)
    assert result["existed_before_commit"] is False
    t = pyiceberg_rest.load_table(f"{names}.ctas")
    assert rows_of(t) == expected_rows(range(4), False)
    assert len(t.snapshots()) == 1
    assert t.metadata_location == result["metadata_location"]


def test_two_processes_appending_25_times_each_make_50_snapshots(tmp_path, rest_server,
                                                                 pyiceberg_rest, names):
    props = {"uri": rest_server.uri}
    table = f"{names}.race"
    # Two writers committing back to back: a writer may lose many rounds in a row, more than
    # the default 4 retries allow; the point is that every append lands once after retrying.
    floe_rest(tmp_path, "CreateTable", props, table=table,
              properties={"commit.retry.num-retries": "50"})

    # Two writers, each a sequence of 25 processes appending one row (as 25 `floe append`
    # runs would be), at the same time.
    def writer(start):
        results = []
        for i in range(25):
            results.append(floe_rest(tmp_path, "Append", props, table=table, start=start + i,
                                     count=1))
        return results

    outcomes = {}
    threads = [threading.Thread(target=lambda s=s: outcomes.__setitem__(s, writer(s)))
               for s in (0, 1000)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for start in (0, 1000):
        assert len(outcomes[start]) == 25
        for r in outcomes[start]:
            assert r["ok"] == 1 and r["errors"] == [], r
    t = pyiceberg_rest.load_table(table)
    assert len(t.snapshots()) == 50
    assert [r["id"] for r in rows_of(t)] == list(range(25)) + list(range(1000, 1025))
    # Every snapshot builds on the one before: a linear history, nothing lost.
    snaps = t.snapshots()
    for parent, child in zip(snaps, snaps[1:]):
        assert child.parent_snapshot_id == parent.snapshot_id
        assert child.sequence_number == parent.sequence_number + 1


def test_a_409_is_retried_against_the_fresh_table(tmp_path, rest_server, rest_proxy,
                                                  pyiceberg_rest, names):
    table = f"{names}.conflict"
    floe_rest(tmp_path, "CreateTable", {"uri": rest_server.uri}, table=table)
    rest_proxy.fail_commits("409-unsent", 2)
    result = floe_rest(tmp_path, "Append", {"uri": rest_proxy.uri}, table=table, start=7, count=1)
    assert result["ok"] == 1 and result["errors"] == []
    assert rest_proxy.faults_applied == ["409-unsent", "409-unsent"]
    assert rest_proxy.commits_forwarded == 1
    t = pyiceberg_rest.load_table(table)
    assert len(t.snapshots()) == 1
    assert rows_of(t) == expected_rows([7], False)


def _table_files(location: str) -> set:
    root = pathlib.Path(location.removeprefix("file:"))
    return {str(p) for p in root.rglob("*") if p.is_file()}


def test_a_502_after_the_commit_went_through_is_unknown_and_keeps_the_files(
        tmp_path, rest_server, rest_proxy, pyiceberg_rest, names):
    table = f"{names}.bad_gateway"
    created = floe_rest(tmp_path, "CreateTable", {"uri": rest_server.uri}, table=table)
    rest_proxy.fail_commits("502-after-commit")
    result = floe_rest(tmp_path, "Append", {"uri": rest_proxy.uri}, table=table, start=0, count=2)
    assert [e["kind"] for e in result["errors"]] == ["commit-state-unknown"], result
    assert "files are kept" in result["errors"][0]["message"]
    assert rest_proxy.commits_forwarded == 1
    # The server did commit: the table has the snapshot, and every file it references exists.
    t = pyiceberg_rest.load_table(table)
    assert len(t.snapshots()) == 1
    assert rows_of(t) == expected_rows(range(2), False)
    files = _table_files(created["location"])
    for task in t.scan().plan_files():
        assert task.file.file_path.removeprefix("file:") in files
    assert t.current_snapshot().manifest_list.removeprefix("file:") in files


def test_a_500_before_the_commit_is_unknown_and_keeps_the_files(
        tmp_path, rest_server, rest_proxy, pyiceberg_rest, names):
    table = f"{names}.server_error"
    created = floe_rest(tmp_path, "CreateTable", {"uri": rest_server.uri}, table=table)
    before = _table_files(created["location"])
    rest_proxy.fail_commits("500-unsent")
    result = floe_rest(tmp_path, "Append", {"uri": rest_proxy.uri}, table=table, start=0, count=2)
    assert [e["kind"] for e in result["errors"]] == ["commit-state-unknown"], result
    assert rest_proxy.commits_forwarded == 0
    t = pyiceberg_rest.load_table(table)
    assert t.snapshots() == []  # nothing was committed...
    new_files = _table_files(created["location"]) - before
    # ...but floe cannot know that, so the data file, manifest and manifest list stay.
    assert any(f.endswith(".parquet") for f in new_files), new_files
    assert any(os.path.basename(f).startswith("snap-") for f in new_files), new_files


def test_oauth2_tokens_are_refreshed_before_they_expire(tmp_path, rest_server, rest_proxy,
                                                        pyiceberg_rest, names):
    secret = f"s3cr3t-{uuid.uuid4().hex}"
    table = f"{names}.oauth"
    floe_rest(tmp_path, "CreateTable", {"uri": rest_server.uri}, table=table)
    rest_proxy.require_tokens("floe-client", secret, lifetime_s=2)
    props = {"uri": rest_proxy.uri, "credential": f"floe-client:{secret}",
             "oauth2-server-uri": rest_proxy.token_uri, "scope": "catalog"}
    result = floe_rest(tmp_path, "Append", props, table=table, start=0, count=6, per_commit=1,
                       pause_ms=700)
    assert result["ok"] == 6 and result["errors"] == [], result
    assert rest_proxy.rejected == []  # no request ever carried an expired token
    assert rest_proxy.tokens_issued >= 2
    assert rest_proxy.token_requests[0]["scope"] == "catalog"
    _assert_secret_nowhere(secret, result, pyiceberg_rest.load_table(table))


def test_a_revoked_token_is_replaced_once_and_the_request_sent_again(
        tmp_path, rest_server, rest_proxy, pyiceberg_rest, names):
    secret = f"s3cr3t-{uuid.uuid4().hex}"
    table = f"{names}.revoked"
    floe_rest(tmp_path, "CreateTable", {"uri": rest_server.uri}, table=table)
    rest_proxy.require_tokens("floe-client", secret, lifetime_s=3600)
    props = {"uri": rest_proxy.uri, "credential": f"floe-client:{secret}",
             "oauth2-server-uri": rest_proxy.token_uri}
    revoker = threading.Timer(1.5, rest_proxy.revoke_tokens)
    revoker.start()
    result = floe_rest(tmp_path, "Append", props, table=table, start=0, count=4, per_commit=1,
                       pause_ms=800)
    revoker.join()
    assert result["ok"] == 4 and result["errors"] == [], result
    assert len(rest_proxy.rejected) == 1, rest_proxy.rejected
    assert rest_proxy.tokens_issued == 2
    _assert_secret_nowhere(secret, result, pyiceberg_rest.load_table(table))


def test_a_wrong_client_secret_fails_with_the_servers_reason_and_no_secret(
        tmp_path, rest_proxy):
    rest_proxy.require_tokens("floe-client", "right-secret", lifetime_s=60)
    wrong = f"wrong-{uuid.uuid4().hex}"
    result = floe_rest(tmp_path, "List", {"uri": rest_proxy.uri,
                                          "credential": f"floe-client:{wrong}",
                                          "oauth2-server-uri": rest_proxy.token_uri},
                       check=False)
    assert "invalid_client" in result["_output"]
    assert wrong not in result["_output"]


def _assert_secret_nowhere(secret, result, table):
    assert secret not in json.dumps(result)
    for s in table.snapshots():
        assert secret not in json.dumps(s.summary.additional_properties)
    location = pathlib.Path(table.metadata.location.removeprefix("file:"))
    for path in (location / "metadata").iterdir():
        if path.suffix == ".json":
            assert secret not in path.read_text()


def test_a_multi_table_transaction_commits_both_tables_or_neither(
        tmp_path, rest_server, pyiceberg_rest, names):
    pyiceberg_rest.create_namespace(names)
    schema = pa.schema([pa.field("id", pa.int64())])
    for name in ("a", "b"):
        pyiceberg_rest.create_table(f"{names}.{name}", schema=schema)
    tables = [f"{names}.a", f"{names}.b"]
    done = floe_rest(tmp_path, "CommitTransaction", {"uri": rest_server.uri}, tables=tables,
                     key="pipeline", value="v1")
    assert done["kind"] == "ok", done
    for name in tables:
        assert pyiceberg_rest.load_table(name).properties["pipeline"] == "v1"
    stale = floe_rest(tmp_path, "CommitTransaction", {"uri": rest_server.uri}, tables=tables,
                      key="pipeline", value="v2", stale_uuid=True)
    assert stale["kind"] == "commit-conflict", stale
    for name in tables:
        assert pyiceberg_rest.load_table(name).properties["pipeline"] == "v1"


def test_errors_name_their_kind(tmp_path, rest_server, pyiceberg_rest, names):
    pyiceberg_rest.create_namespace(names)
    pyiceberg_rest.create_table(f"{names}.there", schema=pa.schema([pa.field("id", pa.int64())]))
    result = floe_rest(tmp_path, "Errors", {"uri": rest_server.uri},
                       missing_table=f"{names}.nope", missing_namespace=[f"{names}_none"],
                       existing_table=f"{names}.there")
    assert result["load_missing_table"] == "no-such-table"
    assert result["load_missing_namespace"] == "no-such-namespace"
    assert result["create_existing_table"] == "already-exists"
    assert f"{names}.there" in result["create_existing_message"]
