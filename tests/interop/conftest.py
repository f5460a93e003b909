"""Shared fixtures: the floe binary, a fresh warehouse, and the real readers (PyIceberg, DuckDB)
pointed at the same catalog file."""
import json
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def floe_bin_path() -> str:
    """Where the floe binary under test is: FLOE_BIN, else the release build."""
    return os.environ.get("FLOE_BIN", str(ROOT / "build" / "release" / "floe"))


def require_built(path, what: str) -> str:
    """A file `make build` makes that a test needs. When it is missing the test fails, never
    skips: a run without it would otherwise pass having checked nothing (under CI too)."""
    if not os.path.exists(path):
        pytest.fail(f"{what} not found at {path}: run `make build` (or set FLOE_BIN)",
                    pytrace=False)
    return str(path)


def _floe_bin() -> str:
    path = floe_bin_path()
    if not os.path.exists(path):
        pytest.exit(f"floe binary not found at {path}: run `make build` or set FLOE_BIN", 2)
    return path


class Floe:
    """Runs the floe CLI against one warehouse."""

    def __init__(self, warehouse: pathlib.Path):
        self.bin = _floe_bin()
        self.warehouse = warehouse

    def run(self, *args, check=True, env=None):
        cmd = [self.bin, *map(str, args), "--warehouse", str(self.warehouse)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        if check and proc.returncode != 0:
            raise AssertionError(
                f"{' '.join(cmd)} exited {proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}")
        return proc

    def json(self, *args):
        return json.loads(self.run(*args, "--json").stdout)

    def scan_rows(self, table, *args):
        out = self.run("scan", table, "--format", "jsonl", *args).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.fixture
def warehouse(tmp_path) -> pathlib.Path:
    wh = tmp_path / "warehouse"
    wh.mkdir()
    return wh


@pytest.fixture
def floe(warehouse) -> Floe:
    return Floe(warehouse)


@pytest.fixture
def floe_cli(floe) -> Floe:
    """The CLI runner, for suites where `floe` names the Python package under test."""
    return floe


@pytest.fixture
def pyiceberg_catalog(warehouse):
    from pyiceberg.catalog.sql import SqlCatalog

    return SqlCatalog("default", uri=f"sqlite:///{warehouse}/catalog.db", warehouse=f"file://{warehouse}")


def _duckdb_extension_dir() -> str:
    import duckdb_ext  # noqa: F401  (namespace package from duckdb-ext-iceberg / -avro)

    return str(pathlib.Path(list(duckdb_ext.__path__)[0]) / "extensions")


@pytest.fixture
def duck():
    """A DuckDB connection with the iceberg extension loaded from the pip package, offline."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute(f"SET extension_directory = '{_duckdb_extension_dir()}'")
    con.execute("LOAD avro")
    con.execute("LOAD iceberg")
    yield con
    con.close()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A moto S3 server (MinIO under FLOE_S3_SERVER=minio) (servers/s3.py: `.endpoint`, `.access_key`, `.secret_key`, `.region`,
    `.boto3_client(service)`, `.make_bucket()`, `.properties()`, `.env()`, `.proxy()`), one per
    pytest session, stopped at its end."""
    if os.environ.get("FLOE_S3_SERVER") == "minio":  # make test-minio
        from servers.minio import start_minio_server

        server = start_minio_server(tmp_path_factory.mktemp("minio"))
    else:
        from servers.s3 import start_s3_server

        server = start_s3_server(tmp_path_factory.mktemp("moto"))
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server) -> str:
    """A fresh, empty bucket on the session's S3 server."""
    return s3_server.make_bucket()


@pytest.fixture(scope="session")
def rest_server(tmp_path_factory):
    """Apache Iceberg's REST catalog test server (servers/rest.py: `.uri`, `.port`,
    `.warehouse`) on a `file:` warehouse, one per pytest session, stopped at its end."""
    from servers.rest import start_rest_server

    server = start_rest_server(tmp_path_factory.mktemp("rest"))
    yield server
    server.stop()


@pytest.fixture
def rest_proxy(rest_server):
    """A fault-injecting proxy in front of the session's REST server (servers/rest_proxy.py)."""
    from servers.rest_proxy import RestProxy

    proxy = RestProxy(rest_server.port)
    yield proxy
    proxy.close()


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """A local Spark 4 session with Iceberg's runtime (servers/spark.py), started by the first
    test that asks for it and stopped at the end of the run. Register a warehouse with
    `servers.spark.spark_catalog(spark, warehouse)`. When Spark cannot start, its tests fail
    with the reason: they are never skipped."""
    from servers.spark import start_spark

    try:
        session = start_spark(tmp_path_factory.mktemp("spark"))
    except Exception as e:  # noqa: BLE001 — any failure to start is reported the same way
        pytest.fail(f"Spark could not start ({type(e).__name__}: {e}); scripts/setup.sh installs "
                    "pyspark and Java 17, and the jars come from Maven Central", pytrace=False)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory):
    """An Apache Kafka 4.x broker in KRaft mode (servers/kafka.py: `.bootstrap`,
    `.create_topic()`, `.produce()`, `.end_offsets()`), one per pytest session, started only
    when a stream test asks for it and stopped at the session's end."""
    from servers.kafka import start_kafka_broker

    broker = start_kafka_broker(tmp_path_factory.mktemp("kafka"))
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def ray_cluster():
    """A local Ray cluster of this machine alone (2 CPUs, its processes on loopback), one per
    pytest session, started by the first test that asks for it. Workers can import the test
    modules (for subclasses they run)."""
    ray = pytest.importorskip("ray", reason="Ray is installed by requirements-dev.txt")
    here = os.path.dirname(os.path.abspath(__file__))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             _node_ip_address="127.0.0.1", runtime_env={"env_vars": {"PYTHONPATH": here}})
    yield ray
    ray.shutdown()


@pytest.fixture
def pod_identity_agent(s3_server):
    """A loopback EKS Pod Identity agent serving credentials of the local AWS server."""
    from eks_example import PodIdentityAgent
    agent = PodIdentityAgent(s3_server.access_key, s3_server.secret_key)
    yield agent
    agent.close()
