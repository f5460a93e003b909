"""floe's Glue catalog and PyIceberg's `glue` catalog, configured with the same settings, on one
moto server: each reads what the other writes; Glue's view of the tables (Parameters, the
columns Athena shows) checked with boto3; concurrent commits under Glue's optimistic lock; an
UpdateTable answered 5xx; and the secret key kept out of every output.

Both sides read one `.pyiceberg.yaml` (PYICEBERG_HOME), as a user would configure them. Glue
calls go through `GlueLockProxy` (servers/glue_lock.py), which enforces the VersionId check
moto lacks, so a lost race really is refused as on AWS."""
import json
import os
import pathlib
import subprocess
import sys
import threading
import uuid

import pyarrow as pa
import pytest

from conftest import floe_bin_path, require_built

CATALOG = "glue_it"
SECRET_KEY = "floe-glue-secret-0123456789abcdefghij"  # only ever in the config file
ACCESS_KEY = "AKIAFLOEGLUETEST0001"


@pytest.fixture(scope="session")
def glue_lock(s3_server):
    from servers.glue_lock import GlueLockProxy

    proxy = GlueLockProxy(s3_server.port)
    yield proxy
    proxy.close()


class GlueSide:
    """The floe CLI and PyIceberg, both configured from one .pyiceberg.yaml."""

    def __init__(self, home: pathlib.Path, warehouse: pathlib.Path, endpoint: str, server):
        self.home = home
        self.warehouse = warehouse
        self.endpoint = endpoint
        self.server = server
        self.bin = require_built(floe_bin_path(), "the floe binary")
        self.properties = {
            "type": "glue",
            "glue.endpoint": endpoint,
            "glue.region": "us-east-1",
            "glue.access-key-id": ACCESS_KEY,
            "glue.secret-access-key": SECRET_KEY,
            "warehouse": f"file://{warehouse}",
        }
        self.write_config(self.properties)
        self.outputs = []  # every stdout and stderr, for the secret check

    def write_config(self, properties: dict) -> None:
        lines = ["catalog:", f"  {CATALOG}:"]
        lines += [f'    {k}: "{v}"' for k, v in properties.items()]
        (self.home / ".pyiceberg.yaml").write_text("\n".join(lines) + "\n")

    def env(self, extra: dict | None = None) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYICEBERG_"))}
        env.update({"PYICEBERG_HOME": str(self.home), "HOME": str(self.home),
                    "AWS_EC2_METADATA_DISABLED": "true"})
        env.update(extra or {})
        return env

    def floe(self, *args, check=True, env=None):
        cmd = [self.bin, "--catalog", CATALOG, *map(str, args)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env or self.env(),
                              timeout=300)
        self.outputs += [proc.stdout, proc.stderr]
        if check and proc.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} exited {proc.returncode}\n"
                                 f"stdout:{proc.stdout}\nstderr:{proc.stderr}")
        return proc

    def floe_json(self, *args):
        return json.loads(self.floe(*args, "--json").stdout)

    def pyiceberg(self):
        from pyiceberg.catalog.glue import GlueCatalog

        props = {k: v for k, v in self.properties.items() if k != "type"}
        return GlueCatalog(CATALOG, **props)

    def glue(self):
        return self.server.boto3_client("glue")


@pytest.fixture
def side(tmp_path, s3_server, glue_lock, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    # PyIceberg in this process must not pick up the developer's own AWS settings.
    for k in list(os.environ):
        if k.startswith("AWS_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return GlueSide(home, warehouse, glue_lock.endpoint, s3_server)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def write_jsonl(path: pathlib.Path, rows) -> pathlib.Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_pyiceberg_reads_what_floe_writes_and_glue_shows_its_columns(side, tmp_path):
    db = unique("floe_w")
    side.floe("namespace", "create", db, "--property", "Description=written by floe",
              "--property", "team=ingest")
    side.floe("table", "create", f"{db}.events", "--schema",
              "id long not null, name string, amount decimal(10,2), ts timestamptz",
              "--property", "owner=floe")
    rows = [{"id": i, "name": f"n{i}", "amount": f"{i}.25", "ts": "2026-01-02T03:04:05Z"}
            for i in range(5)]
    side.floe("append", f"{db}.events", write_jsonl(tmp_path / "a.jsonl", rows))

    cat = side.pyiceberg()
    assert (db,) in cat.list_namespaces()
    props = cat.load_namespace_properties(db)
    assert props["Description"] == "written by floe" and props["team"] == "ingest"
    table = cat.load_table(f"{db}.events")
    got = table.scan().to_arrow().sort_by("id")
    assert got.column("id").to_pylist() == list(range(5))
    assert got.column("name").to_pylist() == [f"n{i}" for i in range(5)]
    assert [str(v) for v in got.column("amount").to_pylist()] == [f"{i}.25" for i in range(5)]
    assert table.properties["owner"] == "floe"
    assert len(table.metadata.snapshots) == 1

    glue = side.glue().get_table(DatabaseName=db, Name="events")["Table"]
    assert glue["TableType"] == "EXTERNAL_TABLE"
    params = glue["Parameters"]
    assert params["table_type"] == "ICEBERG"
    assert params["metadata_location"] == table.metadata_location
    assert params["previous_metadata_location"].endswith(".metadata.json")
    assert params["owner"] == "floe"
    sd = glue["StorageDescriptor"]
    assert sd["Location"] == table.metadata.location
    columns = [(c["Name"], c["Type"], c["Parameters"]) for c in sd["Columns"]]
    assert [(n, t) for n, t, _ in columns] == [
        ("id", "bigint"), ("name", "string"), ("amount", "decimal(10,2)"), ("ts", "timestamp")]
    assert columns[0][2] == {"iceberg.field.id": "1", "iceberg.field.optional": "false",
                             "iceberg.field.current": "true"}
    assert columns[1][2]["iceberg.field.optional"] == "true"
    # floe lists only Iceberg tables: a plain Hive table in the same database is left out.
    side.glue().create_table(DatabaseName=db, TableInput={"Name": "hive_only",
                                                          "TableType": "EXTERNAL_TABLE"})
    assert side.floe_json("table", "list", db) == [f"{db}.events"]
    assert [t[1] for t in cat.list_tables(db)] == ["events"]


def test_floe_reads_what_pyiceberg_writes_and_commits_on_top(side, tmp_path):
    db = unique("py_w")
    cat = side.pyiceberg()
    cat.create_namespace(db, {"location": f"file://{side.warehouse}/custom_{db}"})
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("word", pa.string())])
    table = cat.create_table(f"{db}.words", schema=schema)
    table.append(pa.table({"id": [1, 2], "word": ["a", "b"]}, schema=schema))
    table.append(pa.table({"id": [3], "word": ["c"]}, schema=schema))

    assert side.floe_json("table", "list", db) == [f"{db}.words"]
    desc = side.floe_json("table", "describe", f"{db}.words")
    assert desc["location"] == f"file://{side.warehouse}/custom_{db}/words"
    out = side.floe("scan", f"{db}.words", "--format", "jsonl").stdout
    assert sorted(json.loads(line)["word"] for line in out.splitlines()) == ["a", "b", "c"]

    before = side.glue().get_table(DatabaseName=db, Name="words")["Table"]["Parameters"]
    side.floe("append", f"{db}.words",
              write_jsonl(tmp_path / "d.jsonl", [{"id": 4, "word": "d"}]))
    after = side.glue().get_table(DatabaseName=db, Name="words")["Table"]["Parameters"]
    assert after["previous_metadata_location"] == before["metadata_location"]
    table = cat.load_table(f"{db}.words")
    assert table.metadata_location == after["metadata_location"]
    assert sorted(table.scan().to_arrow().column("word").to_pylist()) == ["a", "b", "c", "d"]
    assert len(table.metadata.snapshots) == 3

    # Rename (create + delete in Glue) and drop, seen by PyIceberg.
    side.floe("table", "rename", f"{db}.words", f"{db}.words2")
    assert [t[1] for t in cat.list_tables(db)] == ["words2"]
    assert cat.load_table(f"{db}.words2").metadata_location == after["metadata_location"]
    side.floe("table", "drop", f"{db}.words2")
    side.floe("namespace", "drop", db)
    assert (db,) not in cat.list_namespaces()


def test_the_harness_refuses_a_stale_update_table(side):
    """The lock proxy is what makes the concurrency test meaningful: a stale VersionId is
    refused with Glue's ConcurrentModificationException, as AWS does."""
    db = unique("lock")
    side.floe("namespace", "create", db)
    side.floe("table", "create", f"{db}.t", "--schema", "id long")
    glue = side.server.boto3_client("glue", endpoint=side.endpoint)
    t = glue.get_table(DatabaseName=db, Name="t")["Table"]
    table_input = {"Name": "t", "TableType": "EXTERNAL_TABLE", "Parameters": t["Parameters"],
                   "StorageDescriptor": t["StorageDescriptor"]}
    glue.update_table(DatabaseName=db, TableInput=table_input, VersionId=t["VersionId"])
    with pytest.raises(glue.exceptions.ConcurrentModificationException):
        glue.update_table(DatabaseName=db, TableInput=table_input, VersionId=t["VersionId"])


def test_two_processes_append_25_times_each_and_every_commit_lands(side, tmp_path, glue_lock):
    """Concurrent commits: two writers, each running 25 `floe append`s one after another, race
    on one table. Every UpdateTable carries the VersionId its commit was planned on and the
    proxy refuses stale ones, so a writer that loses re-plans and retries; the table must end
    with exactly 50 snapshots and every row."""
    db = unique("race")
    side.floe("namespace", "create", db)
    # Room for a writer that keeps losing: each lost race is one more re-plan.
    side.floe("table", "create", f"{db}.t", "--schema", "writer int, n int",
              "--property", "commit.retry.num-retries=20")
    conflicts_before = glue_lock.conflicts
    failures = []

    def writer(w: int):
        for n in range(25):
            f = write_jsonl(tmp_path / f"w{w}-{n}.jsonl", [{"writer": w, "n": n}])
            proc = side.floe("append", f"{db}.t", f, check=False)
            if proc.returncode != 0:
                failures.append(proc.stderr)

    threads = [threading.Thread(target=writer, args=(w,)) for w in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    table = side.pyiceberg().load_table(f"{db}.t")
    assert len(table.metadata.snapshots) == 50
    rows = table.scan().to_arrow()
    assert sorted(zip(rows.column("writer").to_pylist(), rows.column("n").to_pylist())) == [
        (w, n) for w in (0, 1) for n in range(25)]
    print(f"conflicts refused by the lock: {glue_lock.conflicts - conflicts_before}")


def test_update_table_5xx_leaves_the_commit_state_unknown_and_keeps_its_files(
        side, tmp_path, glue_lock):
    db = unique("unknown")
    side.floe("namespace", "create", db)
    side.floe("table", "create", f"{db}.t", "--schema", "id long")
    metadata_dir = side.warehouse / f"{db}.db" / "t" / "metadata"
    pointer = side.glue().get_table(DatabaseName=db, Name="t")["Table"]["Parameters"]

    # Glue answers 500 and did nothing: floe cannot know that, so it says so and keeps files.
    glue_lock.fail_next_update_table(500, forward=False)
    before = set(metadata_dir.iterdir())
    proc = side.floe("append", f"{db}.t", write_jsonl(tmp_path / "x.jsonl", [{"id": 1}]),
                     check=False)
    assert proc.returncode != 0
    assert "may or may not" in proc.stderr
    kept = set(metadata_dir.iterdir()) - before
    assert any(p.name.endswith(".metadata.json") for p in kept), kept
    for p in kept:
        assert p.exists()
    data_files = list((side.warehouse / f"{db}.db" / "t" / "data").rglob("*.parquet"))
    assert len(data_files) == 1
    now = side.glue().get_table(DatabaseName=db, Name="t")["Table"]["Parameters"]
    assert now["metadata_location"] == pointer["metadata_location"]

    # Glue applied the update but the answer was a 500: floe finds its file in the pointer.
    glue_lock.fail_next_update_table(500, forward=True)
    side.floe("append", f"{db}.t", write_jsonl(tmp_path / "y.jsonl", [{"id": 2}]))
    table = side.pyiceberg().load_table(f"{db}.t")
    assert table.scan().to_arrow().column("id").to_pylist() == [2]


def test_credentials_from_web_identity_sign_the_glue_calls(side, tmp_path, glue_lock):
    """No keys in the configuration: the chain finds AWS_ROLE_ARN and the token file, exchanges
    the token at (moto's) STS, and the Glue requests are signed with the role's key."""
    props = {k: v for k, v in side.properties.items()
             if k not in ("glue.access-key-id", "glue.secret-access-key")}
    side.write_config(props)
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.e30.c2ln\n")
    env = side.env({"AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/floe-irsa",
                    "AWS_WEB_IDENTITY_TOKEN_FILE": str(token),
                    "AWS_ENDPOINT_URL_STS": side.server.endpoint})
    seen = len(glue_lock.requests)
    db = unique("irsa")
    side.floe("namespace", "create", db, env=env)
    auth = [h.get("Authorization", "") for _, h, _ in glue_lock.requests[seen:]]
    assert auth and all("Credential=ASIA" in a for a in auth), auth
    assert not any(ACCESS_KEY in a for a in auth)

    # Without any source the error names each one tried, and the way out.
    env = side.env()
    proc = side.floe("namespace", "list", check=False, env=env)
    assert proc.returncode != 0
    for source in ("environment", "profile default", "web identity", "container endpoint",
                   "EC2 instance metadata"):
        assert source in proc.stderr, proc.stderr


def test_secrets_appear_in_no_output_error_or_file(side, tmp_path, glue_lock):
    db = unique("secret")
    token = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789"
    side.properties["glue.session-token"] = token
    side.write_config(side.properties)
    side.floe("namespace", "create", db)
    side.floe("table", "create", f"{db}.t", "--schema", "id long")
    side.floe("append", f"{db}.t", write_jsonl(tmp_path / "s.jsonl", [{"id": 1}]))
    side.floe_json("table", "describe", f"{db}.t")
    side.floe_json("table", "list", db)
    side.floe("catalog", "show", CATALOG)
    side.floe("catalog", "show", CATALOG, "--json")
    # A failing call (Glue refuses) and a failing connection.
    side.floe("table", "describe", f"{db}.missing", check=False)
    glue_lock.fail_next_update_table(500, forward=False)
    side.floe("append", f"{db}.t", write_jsonl(tmp_path / "t.jsonl", [{"id": 2}]), check=False)
    side.properties["glue.endpoint"] = "http://127.0.0.1:9"
    side.write_config(side.properties)
    side.floe("namespace", "list", check=False)

    for text in side.outputs:
        assert SECRET_KEY not in text and token not in text
    for path in side.warehouse.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET_KEY.encode() not in data and token.encode() not in data, path
    glue = side.glue().get_table(DatabaseName=db, Name="t")["Table"]
    assert SECRET_KEY not in json.dumps(glue, default=str)
    # The session token travels as X-Amz-Security-Token (signed), never in a body.
    for target, headers, body in glue_lock.requests:
        assert SECRET_KEY not in body and token not in body


def test_configured_by_environment_variables_alone(side):
    """PYICEBERG_CATALOG__<NAME>__<KEY> variables, no file: floe and PyIceberg open the same
    Glue catalog from them (`__` is `.` and `_` is `-` in the key, and in the name, so the name has neither)."""
    (side.home / ".pyiceberg.yaml").unlink()
    variables = {
        "PYICEBERG_CATALOG__GLUEENV__TYPE": "glue",
        "PYICEBERG_CATALOG__GLUEENV__GLUE__ENDPOINT": side.endpoint,
        "PYICEBERG_CATALOG__GLUEENV__GLUE__REGION": "us-east-1",
        "PYICEBERG_CATALOG__GLUEENV__GLUE__ACCESS_KEY_ID": ACCESS_KEY,
        "PYICEBERG_CATALOG__GLUEENV__GLUE__SECRET_ACCESS_KEY": SECRET_KEY,
        "PYICEBERG_CATALOG__GLUEENV__WAREHOUSE": f"file://{side.warehouse}",
    }
    db = unique("env")
    cmd = [side.bin, "--catalog", "glueenv", "namespace", "create", db]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=side.env(variables))
    assert proc.returncode == 0, proc.stderr
    cmd = [side.bin, "--catalog", "glueenv", "table", "create", f"{db}.t", "--schema", "id long"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=side.env(variables))
    assert proc.returncode == 0, proc.stderr

    # PyIceberg reads its variables once, at import: a fresh interpreter with them set.
    script = ("import sys; from pyiceberg.catalog import load_catalog; c = load_catalog('glueenv'); "
              "print(type(c).__name__, c.load_table(sys.argv[1]).location())")
    env = side.env(variables)
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    py = subprocess.run([sys.executable, "-c", script, f"{db}.t"], capture_output=True,
                        text=True, env=env, timeout=120)
    assert py.returncode == 0, py.stderr
    assert py.stdout.split() == ["GlueCatalog", f"file://{side.warehouse}/{db}.db/t"]
    assert SECRET_KEY not in proc.stdout + proc.stderr


def test_catalog_id_and_archive_setting_reach_glue(side, glue_lock):
    """glue.id goes with every call as CatalogId (the account whose catalog is used: moto's is
    123456789012); glue.skip-archive (default true, as in PyIceberg) is UpdateTable's
    SkipArchive."""
    side.properties.update({"glue.id": "123456789012", "glue.skip-archive": "false"})
    side.write_config(side.properties)
    seen = len(glue_lock.requests)
    db = unique("ids")
    side.floe("namespace", "create", db)
    side.floe("table", "create", f"{db}.t", "--schema", "id long")
    side.floe("table", "properties", f"{db}.t", "--set", "k=v")
    calls = [(target, json.loads(body)) for target, _, body in glue_lock.requests[seen:]]
    assert calls and all(body.get("CatalogId") == "123456789012" for _, body in calls), calls
    updates = [body for target, body in calls if target == "AWSGlue.UpdateTable"]
    assert len(updates) == 1 and updates[0]["SkipArchive"] is False
    assert updates[0]["VersionId"]
    assert side.glue().get_table(DatabaseName=db, Name="t")["Table"]["Parameters"]["k"] == "v"


def test_the_old_jobs_variables_ingest_into_glue(side, tmp_path):
    """The job floe replaces was configured by ICEBERG_CATALOG_TYPE=glue, ICEBERG_DATABASE,
    ICEBERG_TABLE, ICEBERG_WAREHOUSE and the AWS SDK's own variables (region, keys, endpoint):
    the same variables, no floe configuration, ingest into Glue, and PyIceberg reads exactly the
    rows an independent expectation computes, twice over (a re-run commits nothing)."""
    from spark_tables import data_multiset, expected, reject_multiset

    corpus = tmp_path / "corpus"
    gen = subprocess.run([side.bin, "gen", str(corpus), "--seed", "5", "--apps", "3",
                          "--records", "800", "--bad-rate", "0.05"],
                         capture_output=True, text=True)
    assert gen.returncode == 0, gen.stderr
    (side.home / ".pyiceberg.yaml").unlink()
    db = unique("job")
    side.pyiceberg().create_namespace(db)
    env = side.env({"ICEBERG_CATALOG_TYPE": "glue", "ICEBERG_DATABASE": db,
                    "ICEBERG_TABLE": "spark", "ICEBERG_WAREHOUSE": str(side.warehouse),
                    "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": side.endpoint,
                    "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY})
    for _ in range(2):
        proc = subprocess.run([side.bin, "ingest", str(corpus), "--json"], capture_output=True,
                              text=True, env=env, timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert SECRET_KEY not in proc.stdout + proc.stderr
    cat = side.pyiceberg()
    want_rows, want_rejects = expected(corpus)
    assert sum(want_rows.values()) > 500
    assert data_multiset(cat, f"{db}.spark") == want_rows
    assert reject_multiset(cat, f"{db}.spark") == want_rejects
    assert len(cat.load_table(f"{db}.spark").snapshots()) == 1
