"""`floe --catalog NAME` on a REST catalog configured the PyIceberg way (PYICEBERG_CATALOG__*
variables or ~/.pyiceberg.yaml), against Apache Iceberg's REST catalog test server, with
PyIceberg 0.12 reading and writing the same tables through the same server."""
import json
import os
import subprocess
import threading
import uuid

import pyarrow as pa
import pytest

from conftest import floe_bin_path


@pytest.fixture
def cli_env(tmp_path):
    """An environment of its own: a fresh HOME (no developer's .pyiceberg.yaml) and no
    PYICEBERG_ variables but the ones a test sets."""
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PYICEBERG_")}
    env["HOME"] = str(home)
    env.pop("FLOE_WAREHOUSE", None)
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "detect_leaks=0")
    return env


def rest_env(env, uri, **props):
    out = dict(env)
    out["PYICEBERG_CATALOG__LAKE__TYPE"] = "rest"
    out["PYICEBERG_CATALOG__LAKE__URI"] = uri
    for key, value in props.items():
        # PyIceberg's spelling: `.` is `__` and `-` is `_` in a variable's name.
        name = key.replace(".", "__").replace("-", "_").upper()
        out[f"PYICEBERG_CATALOG__LAKE__{name}"] = value
    return out


def floe(env, *args, check=True):
    proc = subprocess.run([floe_bin_path(), "--catalog", "lake", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"floe {' '.join(map(str, args))} exited {proc.returncode}\n"
                             f"stdout:{proc.stdout}\nstderr:{proc.stderr}")
    return proc


def jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def ns():
    return f"cli_{uuid.uuid4().hex[:10]}"


@pytest.fixture
def pyiceberg_rest(rest_server):
    from pyiceberg.catalog import load_catalog

    return load_catalog("pyiceberg", type="rest", uri=rest_server.uri)


def test_the_cli_creates_appends_evolves_and_scans_through_rest(tmp_path, cli_env, rest_server,
                                                                pyiceberg_rest, ns):
    env = rest_env(cli_env, rest_server.uri)
    floe(env, "namespace", "create", ns)
    assert ns in json.loads(floe(env, "namespace", "list", "--json").stdout)
    floe(env, "table", "create", f"{ns}.events", "--schema", "id long not null, msg string",
         "--partition-by", "bucket(4, id)")
    floe(env, "append", f"{ns}.events",
         jsonl(tmp_path / "a.jsonl", [{"id": i, "msg": f"m{i}"} for i in range(5)]))
    floe(env, "table", "alter", f"{ns}.events", "add-column", "level", "string")
    floe(env, "append", f"{ns}.events",
         jsonl(tmp_path / "b.jsonl", [{"id": 5, "msg": "m5", "level": "WARN"}]))

    t = pyiceberg_rest.load_table(f"{ns}.events")
    assert [f.name for f in t.schema().fields] == ["id", "msg", "level"]
    assert len(t.snapshots()) == 2
    py_rows = sorted(t.scan().to_arrow().to_pylist(), key=lambda r: r["id"])
    assert py_rows == [{"id": i, "msg": f"m{i}", "level": None} for i in range(5)] + \
        [{"id": 5, "msg": "m5", "level": "WARN"}]
    out = floe(env, "scan", f"{ns}.events", "--format", "jsonl").stdout
    floe_rows = sorted((json.loads(l) for l in out.splitlines() if l.strip()),
                       key=lambda r: r["id"])
    assert floe_rows == py_rows
    assert f"{ns}.events" in floe(env, "table", "list", ns).stdout

    floe(env, "table", "rename", f"{ns}.events", f"{ns}.renamed")
    assert pyiceberg_rest.table_exists(f"{ns}.renamed")
    assert not pyiceberg_rest.table_exists(f"{ns}.events")
    floe(env, "table", "drop", f"{ns}.renamed")
    assert not pyiceberg_rest.table_exists(f"{ns}.renamed")
    floe(env, "namespace", "drop", ns)
    assert (ns,) not in pyiceberg_rest.list_namespaces()


def test_the_cli_reads_what_pyiceberg_wrote(tmp_path, cli_env, rest_server, pyiceberg_rest, ns):
    pyiceberg_rest.create_namespace(ns)
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("v", pa.string())])
    t = pyiceberg_rest.create_table(f"{ns}.py", schema=schema)
    t.append(pa.table({"id": [1, 2, 3], "v": ["a", "b", "c"]}, schema=schema))
    env = rest_env(cli_env, rest_server.uri)
    out = floe(env, "scan", f"{ns}.py", "--format", "jsonl", "--where", "id >= 2").stdout
    assert sorted(json.loads(l)["id"] for l in out.splitlines() if l.strip()) == [2, 3]
    described = json.loads(floe(env, "table", "describe", f"{ns}.py", "--json").stdout)
    assert described["current_snapshot_id"] == t.current_snapshot().snapshot_id


def test_two_processes_25_cli_appends_each_make_50_snapshots(tmp_path, cli_env, rest_server,
                                                             pyiceberg_rest, ns):
    env = rest_env(cli_env, rest_server.uri)
    floe(env, "namespace", "create", ns)
    # Enough retries that a loaded machine (each process's attempt slowed) cannot run out.
    floe(env, "table", "create", f"{ns}.race", "--schema", "id long not null, writer string",
         "--property", "commit.retry.num-retries=20")
    failures = []

    def writer(name):
        for i in range(25):
            path = jsonl(tmp_path / f"{name}{i}.jsonl", [{"id": i, "writer": name}])
            proc = floe(env, "append", f"{ns}.race", path, check=False)
            if proc.returncode != 0:
                failures.append(proc.stderr)

    threads = [threading.Thread(target=writer, args=(w,)) for w in ("a", "b")]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert failures == []
    t = pyiceberg_rest.load_table(f"{ns}.race")
    assert len(t.snapshots()) == 50
    rows = t.scan().to_arrow().to_pylist()
    assert sorted((r["writer"], r["id"]) for r in rows) == sorted(
        (w, i) for w in "ab" for i in range(25))
    snaps = t.snapshots()
    for parent, child in zip(snaps, snaps[1:]):
        assert child.parent_snapshot_id == parent.snapshot_id


def test_a_yaml_configured_oauth2_catalog_keeps_its_secret_out_of_every_output(
        tmp_path, cli_env, rest_server, rest_proxy, pyiceberg_rest, ns):
    secret = f"cli-secret-{uuid.uuid4().hex}"
    rest_proxy.require_tokens("floe-cli", secret, lifetime_s=3600)
    home = cli_env["HOME"]
    with open(os.path.join(home, ".pyiceberg.yaml"), "w") as f:
        f.write("catalog:\n"
                "  lake:\n"
                "    type: rest\n"
                f"    uri: {rest_proxy.uri}\n"
                f"    credential: floe-cli:{secret}\n"
                f"    oauth2-server-uri: {rest_proxy.token_uri}\n"
                "    scope: catalog\n")
    env = dict(cli_env)
    outputs = [floe(env, "namespace", "create", ns),
               floe(env, "table", "create", f"{ns}.t", "--schema", "id long"),
               floe(env, "append", f"{ns}.t", jsonl(tmp_path / "r.jsonl", [{"id": 1}])),
               floe(env, "append", f"{ns}.t", jsonl(tmp_path / "r2.jsonl", [{"id": 2}]), "--json"),
               floe(env, "table", "describe", f"{ns}.t", "--json"),
               floe(env, "catalog", "show", "lake", check=False)]
    # A wrong secret fails with the token endpoint's reason, and without the secret.
    wrong_env = rest_env(cli_env, rest_proxy.uri, credential=f"floe-cli:not-{secret}",
                         **{"oauth2-server-uri": rest_proxy.token_uri})
    os.remove(os.path.join(home, ".pyiceberg.yaml"))
    refused = floe(wrong_env, "namespace", "list", check=False)
    assert refused.returncode != 0
    assert "invalid_client" in refused.stderr
    outputs.append(refused)
    for proc in outputs:
        assert secret not in proc.stdout + proc.stderr
    assert rest_proxy.tokens_issued >= 1 and rest_proxy.rejected == []
    t = pyiceberg_rest.load_table(f"{ns}.t")
    assert sorted(r["id"] for r in t.scan().to_arrow().to_pylist()) == [1, 2]
    for s in t.snapshots():
        assert secret not in json.dumps(s.summary.additional_properties)
    metadata_dir = t.metadata.location.removeprefix("file:") + "/metadata"
    for name in os.listdir(metadata_dir):
        if name.endswith(".json"):
            with open(os.path.join(metadata_dir, name)) as f:
                assert secret not in f.read()


def test_a_502_on_an_append_commit_says_the_outcome_is_unknown(tmp_path, cli_env, rest_server,
                                                               rest_proxy, pyiceberg_rest, ns):
    env = rest_env(cli_env, rest_proxy.uri)
    floe(env, "namespace", "create", ns)
    floe(env, "table", "create", f"{ns}.t", "--schema", "id long")
    rest_proxy.fail_commits("502-after-commit")
    proc = floe(env, "append", f"{ns}.t", jsonl(tmp_path / "r.jsonl", [{"id": 1}]), check=False)
    assert proc.returncode != 0
    assert "unknown outcome" in proc.stderr and "files are kept" in proc.stderr, proc.stderr
    # It did commit; a reload shows it, and every file it references is there.
    t = pyiceberg_rest.load_table(f"{ns}.t")
    assert [r["id"] for r in t.scan().to_arrow().to_pylist()] == [1]
