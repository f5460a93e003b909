"""An S3 server for the interop tests: moto's standalone server (`python -m moto.server`) on
127.0.0.1 and a free port, started once per pytest session by the `s3_server` fixture.

The same moto process answers every AWS service moto implements on the one endpoint (S3, Glue,
STS, …), so catalog tests can point boto3 or floe at `s3_server.endpoint` for Glue too.

Typical use:

    def test_x(s3_server, s3_bucket):
        s3 = s3_server.boto3_client("s3")
        s3.put_object(Bucket=s3_bucket, Key="k", Body=b"v")
        floe.run("--catalog-property", *s3_server.floe_property_args(), ...)

For fault injection, `s3_server.proxy()` gives a TcpProxy in front of the server (same state)
whose `cut()` / `restore()` drop and bring back the connection; its `endpoint` replaces
`s3_server.endpoint` for the client under test.
"""
import os
import subprocess
import sys
import uuid

from .net import TcpProxy, free_port, wait_for_port

ACCESS_KEY = "AKIAFLOETESTKEY00001"
SECRET_KEY = "floe-test-secret-key-0123456789abcdefghij"
REGION = "us-east-1"


class S3Server:
    """A running moto server. Attributes: `endpoint` (http://127.0.0.1:PORT), `host`, `port`,
    `access_key`, `secret_key`, `region`."""

    def __init__(self, proc, port: int, log_path):
        self._proc = proc
        self.host = "127.0.0.1"
        self.port = port
        self.endpoint = f"http://127.0.0.1:{port}"
        self.access_key = ACCESS_KEY
        self.secret_key = SECRET_KEY
        self.region = REGION
        self.log_path = log_path
        self._proxies = []

    # --- clients -------------------------------------------------------------------------
    def boto3_client(self, service: str = "s3", endpoint: str | None = None):
        """A boto3 client for any service moto serves, with the fake keys and path-style
        addressing (bucket names never become host names of 127.0.0.1)."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            endpoint_url=endpoint or self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def make_bucket(self, prefix: str = "floe") -> str:
        """Creates a fresh, empty bucket with a unique name and returns the name."""
        name = f"{prefix}-{uuid.uuid4().hex[:12]}"
        self.boto3_client("s3").create_bucket(Bucket=name)
        return name

    # --- configuration for the clients under test ----------------------------------------
    def properties(self, endpoint: str | None = None) -> dict:
        """FileIO properties (PyIceberg / Java names) pointing at this server."""
        return {
            "s3.endpoint": endpoint or self.endpoint,
            "s3.access-key-id": self.access_key,
            "s3.secret-access-key": self.secret_key,
            "s3.region": self.region,
            "s3.path-style-access": "true",
        }

    def floe_property_args(self, endpoint: str | None = None) -> list:
        """The properties as floe's repeatable global option: ["--catalog-property", "k=v", ...]."""
        args = []
        for k, v in self.properties(endpoint).items():
            args += ["--catalog-property", f"{k}={v}"]
        return args

    def env(self, endpoint: str | None = None) -> dict:
        """Environment variables for a process that should find this server through the AWS
        SDK's default chain (keys from the environment, AWS_ENDPOINT_URL)."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL": endpoint or self.endpoint,
            # Keep the SDK off the EC2 metadata service on a machine that has none.
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def proxy(self) -> TcpProxy:
        """A TcpProxy in front of this server; closed when the session ends."""
        p = TcpProxy(self.port)
        self._proxies.append(p)
        return p

    def list_keys(self, bucket: str, prefix: str = "") -> list:
        """Every key below a prefix (paginated)."""
        s3 = self.boto3_client("s3")
        keys = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return keys

    def stop(self) -> None:
        for p in self._proxies:
            p.close()
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


def launch_s3_server(name: str, argv: list, port: int, log_dir, env: dict) -> S3Server:
    """Starts an S3 server process listening on `port`, its output in `<log_dir>/<name>-<port>.log`,
    and waits until it answers S3 calls; a server that does not start is stopped and its log
    is in the error."""
    log_path = os.path.join(str(log_dir), f"{name}-{port}.log")
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = S3Server(proc, port, log_path)
    try:
        wait_for_port(port, timeout=60, proc=proc)
        server.boto3_client("s3").list_buckets()
    except Exception:
        server.stop()
        with open(log_path, errors="replace") as f:
            raise RuntimeError(f"{name} did not start; its log:\n{f.read()[-4000:]}")
    return server


def start_s3_server(log_dir) -> S3Server:
    """Starts `python -m moto.server` on a free port and waits until it answers S3 calls."""
    port = free_port()
    env = dict(os.environ)
    env.pop("AWS_ENDPOINT_URL", None)
    return launch_s3_server(
        "moto", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        port, log_dir, env)
