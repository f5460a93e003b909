"""The REST catalog on an S3 warehouse: Iceberg's REST test server with S3FileIO on the moto S3
server, vending its S3 keys in each table's `config`. floe is given the endpoint and region
only, never a key: what it writes and reads, it does with the credentials the catalog vends.
PyIceberg reads the same tables through the same server.

floe's side needs the S3 FileIO (io/s3, from the S3 work); until it is merged, the floe test here
fails at its first table with "storage scheme 's3://' is not supported yet", and the harness test
(PyIceberg alone) passes."""
import json
import os
import subprocess
import uuid

import pytest

from conftest import floe_bin_path


@pytest.fixture(scope="session")
def rest_s3_server(tmp_path_factory, s3_server):
    from servers.rest import start_s3_rest_server

    bucket = s3_server.make_bucket("rest")
    server = start_s3_rest_server(tmp_path_factory.mktemp("rest-s3"), s3_server, bucket)
    server.bucket = bucket
    yield server
    server.stop()


def floe_env(tmp_path, rest_s3_server, s3_server):
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    # No AWS_* variables and no keys in the catalog's properties: only vended keys can work.
    env = {k: v for k, v in os.environ.items()
           if not k.upper().startswith(("PYICEBERG_", "AWS_"))}
    env.update({
        "HOME": str(home),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(home / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "none"),
        "PYICEBERG_CATALOG__LAKE__TYPE": "rest",
        "PYICEBERG_CATALOG__LAKE__URI": rest_s3_server.uri,
        "PYICEBERG_CATALOG__LAKE__S3__ENDPOINT": s3_server.endpoint,
        "PYICEBERG_CATALOG__LAKE__S3__REGION": s3_server.region,
        "PYICEBERG_CATALOG__LAKE__S3__PATH_STYLE_ACCESS": "true",
        "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "detect_leaks=0"),
    })
    env.pop("FLOE_WAREHOUSE", None)
    return env


def floe(env, *args, check=True):
    proc = subprocess.run([floe_bin_path(), "--catalog", "lake", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"floe {' '.join(map(str, args))} exited {proc.returncode}\n"
                             f"stdout:{proc.stdout}\nstderr:{proc.stderr}")
    return proc


def test_floe_writes_an_s3_table_with_vended_credentials_and_pyiceberg_reads_it(
        tmp_path, rest_s3_server, s3_server):
    env = floe_env(tmp_path, rest_s3_server, s3_server)
    ns = f"s3_{uuid.uuid4().hex[:8]}"
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps({"id": i, "msg": f"m{i}"}) + "\n" for i in range(10)))
    outputs = [floe(env, "namespace", "create", ns),
               floe(env, "table", "create", f"{ns}.events", "--schema", "id long, msg string"),
               floe(env, "append", f"{ns}.events", rows),
               floe(env, "table", "describe", f"{ns}.events", "--json")]
    described = json.loads(outputs[-1].stdout)
    assert json.dumps(described).find(f"s3://{rest_s3_server.bucket}/warehouse/") >= 0
    scanned = floe(env, "scan", f"{ns}.events", "--format", "jsonl")
    outputs.append(scanned)
    assert sorted(json.loads(l)["id"] for l in scanned.stdout.splitlines() if l.strip()) == \
        list(range(10))
    for proc in outputs:
        assert s3_server.secret_key not in proc.stdout + proc.stderr

    keys = s3_server.list_keys(rest_s3_server.bucket, "warehouse/")
    assert any(k.endswith(".parquet") for k in keys), keys
    assert any(k.endswith(".metadata.json") for k in keys), keys
    s3 = s3_server.boto3_client("s3")
    for key in keys:
        if key.endswith(".metadata.json"):
            body = s3.get_object(Bucket=rest_s3_server.bucket, Key=key)["Body"].read().decode()
            assert s3_server.secret_key not in body

    from pyiceberg.catalog import load_catalog

    catalog = load_catalog("py", type="rest", uri=rest_s3_server.uri,
                           **{"s3.endpoint": s3_server.endpoint, "s3.region": s3_server.region})
    t = catalog.load_table(f"{ns}.events")
    assert sorted(r["id"] for r in t.scan().to_arrow().to_pylist()) == list(range(10))
    assert len(t.snapshots()) == 1


def test_the_s3_rest_server_vends_its_keys_and_stores_tables_in_the_bucket(
        rest_s3_server, s3_server):
    """The harness itself, with PyIceberg as the only client: tables land in the bucket, and a
    load's `config` carries the keys a client without any needs."""
    import urllib.request

    import pyarrow as pa
    from pyiceberg.catalog import load_catalog

    catalog = load_catalog("py", type="rest", uri=rest_s3_server.uri,
                           **{"s3.endpoint": s3_server.endpoint, "s3.region": s3_server.region})
    ns = f"h_{uuid.uuid4().hex[:8]}"
    catalog.create_namespace(ns)
    t = catalog.create_table(f"{ns}.t", schema=pa.schema([pa.field("id", pa.int64())]))
    t.append(pa.table({"id": [1, 2]}))
    assert t.metadata_location.startswith(f"s3://{rest_s3_server.bucket}/warehouse/")
    with urllib.request.urlopen(f"{rest_s3_server.uri}/v1/namespaces/{ns}/tables/t") as r:
        config = json.loads(r.read())["config"]
    assert config["s3.access-key-id"] == s3_server.access_key
    assert config["s3.secret-access-key"] == s3_server.secret_key
    assert any(k.endswith(".parquet") for k in s3_server.list_keys(rest_s3_server.bucket,
                                                                 "warehouse/"))
