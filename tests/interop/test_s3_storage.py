"""Tables on S3: floe writes a warehouse in a bucket (SQLite catalog local) that PyIceberg and
DuckDB read, reads what PyIceberg writes there, reads `file:/abs` metadata, keeps secrets out
of everything it writes or prints, and exits cleanly after using S3."""
import datetime as dt
import json
import os
import pathlib

import pyarrow as pa
import pytest

from conftest import _duckdb_extension_dir
from s3_floe import S3Floe, pyiceberg_catalog

ROWS = [
    {"id": 1, "ts": "2025-07-01T10:00:00Z", "level": "INFO", "message": "start"},
    {"id": 2, "ts": "2025-07-01T11:00:00Z", "level": "ERROR", "message": "boom"},
    {"id": 3, "ts": "2025-07-02T09:30:00Z", "level": "WARN", "message": "slow"},
]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def make_table(floe, tmp_path, name="logs.events", rows=ROWS):
    floe.run("namespace", "create", name.split(".")[0])
    floe.run("table", "create", name, "--schema",
             "id long not null, ts timestamptz, level string, message string",
             "--partition-by", "day(ts)")
    floe.run("append", name, write_jsonl(tmp_path / f"{name}.jsonl", rows))


def by_id(rows):
    return sorted(rows, key=lambda r: r["id"])


@pytest.fixture
def s3_floe(s3_server, s3_bucket, tmp_path):
    return S3Floe(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db")


def test_floe_writes_an_s3_table_that_pyiceberg_reads(s3_server, s3_bucket, s3_floe, tmp_path):
    make_table(s3_floe, tmp_path)
    got = by_id(s3_floe.scan_rows("logs.events"))
    assert [r["id"] for r in got] == [1, 2, 3] and got[1]["message"] == "boom"
    keys = s3_server.list_keys(s3_bucket)
    assert any(k.startswith("wh/logs.db/events/metadata/") and k.endswith(".metadata.json")
               for k in keys)
    assert any(k.startswith("wh/logs.db/events/data/") and k.endswith(".parquet") for k in keys)
    # Objects only: no folder markers for the "parents" of what was written.
    assert not [k for k in keys if k.endswith("/")], keys
    cat = pyiceberg_catalog(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db")
    table = cat.load_table("logs.events")
    assert table.metadata_location.startswith(f"s3://{s3_bucket}/wh/logs.db/events/metadata/")
    py = by_id(table.scan().to_arrow().to_pylist())
    assert [(r["id"], r["level"], r["message"]) for r in py] == \
        [(r["id"], r["level"], r["message"]) for r in by_id(ROWS)]
    assert py[0]["ts"] == dt.datetime(2025, 7, 1, 10, tzinfo=dt.timezone.utc)
    # A filtered scan prunes by the manifests' partition values on S3 too.
    errors = s3_floe.scan_rows("logs.events", "--where", "level = 'ERROR'")
    assert [r["id"] for r in errors] == [2]


def test_append_twice_and_time_travel_on_s3(s3_server, s3_floe, tmp_path):
    make_table(s3_floe, tmp_path)
    more = [{"id": 4, "ts": "2025-07-03T00:00:00Z", "level": "INFO", "message": "more"}]
    s3_floe.run("append", "logs.events", write_jsonl(tmp_path / "more.jsonl", more))
    assert [r["id"] for r in by_id(s3_floe.scan_rows("logs.events"))] == [1, 2, 3, 4]
    snaps = json.loads(s3_floe.run("table", "snapshots", "logs.events", "--json").stdout)
    assert len(snaps) == 2
    first = min(snaps, key=lambda s: s["committed_at"])["snapshot_id"]
    s3_floe.run("table", "tag", "create", "logs.events", "v1", "--snapshot", str(first))
    assert [r["id"] for r in by_id(s3_floe.scan_rows("logs.events", "--ref", "v1"))] == [1, 2, 3]


def test_pyiceberg_writes_an_s3_table_that_floe_reads(s3_server, s3_bucket, s3_floe, tmp_path):
    cat = pyiceberg_catalog(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db")
    cat.create_namespace("py")
    data = pa.table({"id": pa.array([10, 20, 30], pa.int64()),
                     "name": pa.array(["a", "b", None], pa.string())})
    table = cat.create_table("py.things", schema=data.schema)
    table.append(data)
    table.append(pa.table({"id": pa.array([40], pa.int64()), "name": pa.array(["d"])}))
    rows = sorted(s3_floe.scan_rows("py.things"), key=lambda r: r["id"])
    assert rows == [{"id": 10, "name": "a"}, {"id": 20, "name": "b"}, {"id": 30, "name": None},
                    {"id": 40, "name": "d"}]
    # And floe appends to it; PyIceberg sees both writers' rows.
    s3_floe.run("append", "py.things",
                write_jsonl(tmp_path / "f.jsonl", [{"id": 50, "name": "floe"}]))
    again = cat.load_table("py.things").scan().to_arrow().to_pylist()
    assert sorted(r["id"] for r in again) == [10, 20, 30, 40, 50]


def test_duckdb_reads_the_s3_table(s3_server, s3_bucket, s3_floe, tmp_path):
    import duckdb

    make_table(s3_floe, tmp_path)
    cat = pyiceberg_catalog(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db")
    location = cat.load_table("logs.events").metadata_location
    con = duckdb.connect()
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute(f"SET extension_directory = '{_duckdb_extension_dir()}'")
    for ext in ("httpfs", "avro", "iceberg"):
        con.execute(f"LOAD {ext}")
    con.execute(f"""CREATE SECRET floe_s3 (TYPE s3, KEY_ID '{s3_server.access_key}',
        SECRET '{s3_server.secret_key}', REGION '{s3_server.region}',
        ENDPOINT '127.0.0.1:{s3_server.port}', URL_STYLE 'path', USE_SSL false)""")
    got = con.execute(f"SELECT id, level, message FROM iceberg_scan('{location}') ORDER BY id"
                      ).fetchall()
    assert got == [(r["id"], r["level"], r["message"]) for r in by_id(ROWS)]


def test_floe_reads_a_table_whose_metadata_uses_file_colon_paths(tmp_path):
    """PyIceberg with warehouse `file:/abs` writes `file:/abs/...` into the catalog, the
    metadata and the manifests (Java writes the same form); floe reads it."""
    from pyiceberg.catalog.sql import SqlCatalog

    from conftest import Floe

    wh = tmp_path / "wh"
    wh.mkdir()
    cat = SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file:{wh}")
    cat.create_namespace("j")
    t = cat.create_table("j.t", schema=pa.schema([pa.field("x", pa.int64())]))
    t.append(pa.table({"x": pa.array([1, 2, 3], pa.int64())}))
    t = cat.load_table("j.t")
    meta = json.loads(pathlib.Path(t.metadata_location.removeprefix("file:")).read_text())
    # What this test is about: the locations really are in the `file:/abs` form.
    assert t.metadata_location.startswith(f"file:{wh}/") and not t.metadata_location.startswith("file://")
    assert meta["location"].startswith("file:/") and not meta["location"].startswith("file://")
    floe = Floe(wh)
    rows = floe.scan_rows("j.t")
    assert sorted(r["x"] for r in rows) == [1, 2, 3]
    floe.run("append", "j.t", write_jsonl(tmp_path / "x.jsonl", [{"x": 4}]))
    assert sorted(r["x"] for r in cat.load_table("j.t").scan().to_arrow().to_pylist()) == [1, 2, 3, 4]
    files = json.loads(floe.run("table", "files", "j.t", "--json").stdout)
    # The table's own form is kept for what floe adds.
    assert all(f["file_path"].startswith(f"file:{wh}/") for f in files), files


def test_secrets_appear_nowhere(s3_server, s3_bucket, tmp_path):
    """With a distinctive secret key (moto accepts any), the key and the session token appear
    in no output, no error, no metadata file and no snapshot summary. MinIO checks keys, so
    there the secret is the server's own and no session token is sent."""
    checks_keys = os.environ.get("FLOE_S3_SERVER") == "minio"
    secret = s3_server.secret_key if checks_keys else "SeCrEt-floe-9f3b2c7d1e0a4b6c8d2e"
    token = "ToKeN-floe-a1b2c3d4e5f6"
    token_args = [] if checks_keys else ["--catalog-property", f"s3.session-token={token}"]
    floe = S3Floe(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db",
                  extra_properties=["--catalog-property", f"s3.secret-access-key={secret}",
                                    *token_args])
    outputs = []
    floe.run("namespace", "create", "logs")
    floe.run("table", "create", "logs.events", "--schema", "id long, message string")
    outputs.append(floe.run("append", "logs.events",
                            write_jsonl(tmp_path / "a.jsonl", [{"id": 1, "message": "m"}])))
    outputs.append(floe.run("scan", "logs.events", "--json"))
    outputs.append(floe.run("table", "describe", "logs.events", "--json"))
    outputs.append(floe.run("table", "snapshots", "logs.events", "--json"))
    # Errors: a missing object, a bucket that does not exist, an unreachable endpoint.
    outputs.append(floe.run("scan", "logs.missing", check=False))
    bad = S3Floe(s3_server, f"s3://no-such-bucket-{s3_bucket}/wh", tmp_path / "other.db",
                 extra_properties=["--catalog-property", f"s3.secret-access-key={secret}"])
    bad.run("namespace", "create", "x")
    outputs.append(bad.run("table", "create", "x.t", "--schema", "id long", check=False))
    dead = S3Floe(s3_server, f"s3://{s3_bucket}/wh", tmp_path / "catalog.db",
                  endpoint="http://127.0.0.1:1",
                  extra_properties=["--catalog-property", f"s3.secret-access-key={secret}",
                                    "--catalog-property", "s3.connect-timeout=1"])
    outputs.append(dead.run("scan", "logs.events", check=False, timeout=120))
    assert outputs[-1].returncode == 1 and outputs[-2].returncode == 1
    assert "no-such-bucket" in outputs[-2].stderr
    for proc in outputs:
        for stream in (proc.stdout, proc.stderr):
            assert secret not in stream and token not in stream
    s3 = s3_server.boto3_client("s3")
    for key in s3_server.list_keys(s3_bucket):
        body = s3.get_object(Bucket=s3_bucket, Key=key)["Body"].read()
        assert secret.encode() not in body and token.encode() not in body, key
    assert secret.encode() not in (tmp_path / "catalog.db").read_bytes()


def test_floe_exits_cleanly_after_using_s3(s3_server, s3_floe, tmp_path):
    make_table(s3_floe, tmp_path)
    for args in (["scan", "logs.events"], ["table", "list", "logs"], ["scan", "logs.nope"]):
        proc = s3_floe.run(*args, check=False, timeout=60)
        assert proc.returncode in (0, 1), (args, proc.returncode, proc.stderr)
        # A missed FinalizeS3 is reported by Arrow at exit; a crash gives a negative code.
        assert "FinalizeS3" not in proc.stderr and "Segmentation" not in proc.stderr


def test_unsupported_scheme_and_bad_properties_are_usage_errors(s3_server, tmp_path):
    floe = S3Floe(s3_server, "gs://bucket/wh", tmp_path / "c.db")
    proc = floe.run("namespace", "list", check=False)
    assert proc.returncode != 0 and "gs" in proc.stderr and "s3://" in proc.stderr
    floe = S3Floe(s3_server, "s3://b/wh", tmp_path / "c.db",
                  extra_properties=["--catalog-property", "s3.connect-timeout=soon"])
    proc = floe.run("namespace", "list", check=False)
    assert proc.returncode != 0 and "s3.connect-timeout" in proc.stderr


def test_append_inputs_and_scan_output_on_s3(s3_server, s3_bucket, tmp_path):
    """A local warehouse, with the append's input files and the scan's output files in S3."""
    import pyarrow.parquet as pq

    floe = S3Floe(s3_server, tmp_path / "wh", tmp_path / "catalog.db")
    (tmp_path / "wh").mkdir()
    s3 = s3_server.boto3_client("s3")
    s3.put_object(Bucket=s3_bucket, Key="in/rows.jsonl",
                  Body="".join(json.dumps(r) + "\n" for r in ROWS).encode())
    floe.run("namespace", "create", "logs")
    floe.run("table", "create", "logs.events", "--schema",
             "id long not null, ts timestamptz, level string, message string")
    floe.run("append", "logs.events", f"s3a://{s3_bucket}/in/rows.jsonl")
    assert [r["id"] for r in by_id(floe.scan_rows("logs.events"))] == [1, 2, 3]
    floe.run("scan", "logs.events", "--format", "parquet", "--output", f"s3://{s3_bucket}/out/e.parquet")
    floe.run("scan", "logs.events", "--format", "jsonl", "--output", f"s3://{s3_bucket}/out/e.jsonl")
    local = tmp_path / "e.parquet"
    s3.download_file(s3_bucket, "out/e.parquet", str(local))
    assert sorted(pq.read_table(local).column("id").to_pylist()) == [1, 2, 3]
    lines = s3.get_object(Bucket=s3_bucket, Key="out/e.jsonl")["Body"].read().decode().splitlines()
    assert sorted(json.loads(l)["message"] for l in lines) == ["boom", "slow", "start"]
    missing = floe.run("append", "logs.events", f"s3://{s3_bucket}/in/none.jsonl", check=False)
    assert missing.returncode == 1 and f"s3://{s3_bucket}/in/none.jsonl" in missing.stderr


def test_client_keys_sign_s3_requests_when_no_s3_keys_are_given(tmp_path):
    """PyIceberg's `client.*` keys serve every AWS client: with only `client.access-key-id` and
    `client.secret-access-key`, floe signs its S3 requests with that key. A loopback listener
    stands in for S3 and records the first request's Authorization header, then refuses it."""
    import socket
    import subprocess
    import threading

    from conftest import floe_bin_path

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    seen = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    head += chunk
                seen.append(head.decode("latin-1"))
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_EC2_METADATA_DISABLED": "true", "HOME": str(tmp_path)})
    base = [floe_bin_path(), "--warehouse", "s3://bucket/wh", "--catalog-uri",
            str(tmp_path / "c.db"), "--catalog-property", f"s3.endpoint={endpoint}",
            "--catalog-property", "s3.region=us-east-1",
            "--catalog-property", "client.access-key-id=AKIDFROMCLIENTKEYS01",
            "--catalog-property", "client.secret-access-key=client-secret-0123456789"]
    subprocess.run([*base, "namespace", "create", "ns"], check=True, env=env, timeout=60)
    # Creating the table writes its first metadata file: the first S3 request.
    proc = subprocess.run([*base, "table", "create", "ns.t", "--schema", "id long"],
                          capture_output=True, text=True, env=env, timeout=120)
    listener.close()
    assert proc.returncode == 1
    assert seen, proc.stderr
    auth = [line for line in seen[0].split("\r\n") if line.lower().startswith("authorization:")]
    assert auth and "Credential=AKIDFROMCLIENTKEYS01/" in auth[0], seen[0]
    assert "client-secret-0123456789" not in proc.stdout + proc.stderr
