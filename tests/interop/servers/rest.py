"""The Apache Iceberg REST catalog test server (RESTCatalogServer from the `test-fixtures` jar of
org.apache.iceberg:iceberg-open-api:1.10.0 on Maven Central, the code behind the
apache/iceberg-rest-fixture image), run with Java on a warehouse the tests choose.

Maven Central has no runnable jar of it for 1.10.0 (the module's POM declares no dependencies;
the fat jar exists only as the Docker image), so its runtime classpath is pinned here: the
jars, their versions and SHA-1 sums, as Maven resolves them for the fixture, iceberg-core's
`tests` jar (RESTCatalogAdapter, RESTCatalogServlet), Jetty 11, Hadoop's client jars (a
Configuration and HadoopFileIO for `file:` warehouses), sqlite-jdbc for its JdbcCatalog, and
iceberg-aws-bundle for S3 warehouses. They are downloaded once into ~/.cache/floe/jars.

The server binds every interface (Jetty's `new Server(port)`), so it runs in a private network
namespace (`unshare -rn`, loopback only) and a relay on 127.0.0.1 reaches into that namespace:
nothing outside this machine's loopback can talk to it.
"""
import ctypes
import os
import pathlib
import shutil
import socket
import subprocess
import threading
import time
import urllib.request

from servers import jars
from servers.net import free_port

ICEBERG_VERSION = "1.10.0"
CACHE_FOLDER = f"iceberg-rest-fixture-{ICEBERG_VERSION}"  # in ~/.cache/floe/jars

# (group, artifact, version, classifier, sha1)
JARS = [
    ("com.fasterxml.jackson.core", "jackson-annotations", "2.19.2", "", "0c5381f11988ae3d424b197a26087d86067b6d7d"),
    ("com.fasterxml.jackson.core", "jackson-core", "2.19.2", "", "50f3b4bd59b9ff51a0ed493e7b5abaf5c39709bf"),
    ("com.fasterxml.jackson.core", "jackson-databind", "2.19.2", "", "46509399d28f57ca32c6bb4b0d4e10e8f062051e"),
    ("com.github.ben-manes.caffeine", "caffeine", "2.9.3", "", "b162491f768824d21487551873f9b3b374a7fe19"),
    ("com.google.code.findbugs", "jsr305", "3.0.2", "", "25ea2e8b0c338a877313bd4672d3fe056ea78f0d"),
    ("com.google.errorprone", "error_prone_annotations", "2.10.0", "", "9bc20b94d3ac42489cf6ce1e42509c86f6f861a1"),
    ("commons-codec", "commons-codec", "1.17.0", "", "0dbe8eef6e14460e73da07f7b11bf994d6626355"),
    ("commons-io", "commons-io", "2.16.1", "", "377d592e740dc77124e0901291dbfaa6810a200e"),
    ("commons-logging", "commons-logging", "1.2", "", "4bfc12adfe4842bf07b657f0369c4cb522955686"),
    ("dev.failsafe", "failsafe", "3.3.2", "", "738a986f1f0e4b6c6a49d351dddc772d1378c5a8"),
    ("io.airlift", "aircompressor", "0.27", "", "5b3b5e7932a1d088ad1f13d109ffd688ab59ef9d"),
    ("org.apache.avro", "avro", "1.12.0", "", "6e692a464b213f6df49f8e3e7fcf42df0dbb7639"),
    ("org.apache.commons", "commons-compress", "1.26.2", "", "eb1f823447af685208e684fce84783b43517960c"),
    ("org.apache.commons", "commons-lang3", "3.14.0", "", "1ed471194b02f2c6cb734a0cd6f6f107c673afae"),
    ("org.apache.hadoop", "hadoop-client-api", "3.4.1", "", "7e4cfae7f5c85cffdbc21fdf749262fc78d4463a"),
    ("org.apache.hadoop", "hadoop-client-runtime", "3.4.1", "", "30ec07ceccb224b2ef17af34fbb593bff3e9e071"),
    ("org.apache.httpcomponents.client5", "httpclient5", "5.5", "", "4b3d253351cf74eb0ae8eb21ca5a5fb9815ef861"),
    ("org.apache.httpcomponents.core5", "httpcore5-h2", "5.3.4", "", "3742a9a9ba3a5a0d45be230093b52a1302a561e2"),
    ("org.apache.httpcomponents.core5", "httpcore5", "5.3.4", "", "ea47f0fe6e00ffb07cec3a0cb1bb801b1a9cc353"),
    ("org.apache.iceberg", "iceberg-api", "1.10.0", "", "7f1976301093d78a00520b81e8c5538a49cd6ea2"),
    ("org.apache.iceberg", "iceberg-aws", "1.10.0", "", "9dfca17df577a1fcd31e027dc5e1554778647686"),
    ("org.apache.iceberg", "iceberg-azure", "1.10.0", "", "e2b31a50b6336f9c6dd807d6151349a3fe79fcfd"),
    ("org.apache.iceberg", "iceberg-bundled-guava", "1.10.0", "", "40c1fd3ede86086e16e49d05f6a5ec2308fe6f4d"),
    ("org.apache.iceberg", "iceberg-common", "1.10.0", "", "f2f55ac7401289c0e82568eb497a39bae476e2d9"),
    ("org.apache.iceberg", "iceberg-core", "1.10.0", "", "65c5ef1e76351a7bc5179bc5edaa0616ac9f9e92"),
    ("org.apache.iceberg", "iceberg-core", "1.10.0", "tests", "89191717367a5356c263ac4bf339a3c233680897"),
    ("org.apache.iceberg", "iceberg-gcp", "1.10.0", "", "b5132ad6b9c690ebc84abe5c58da0015936a8380"),
    ("org.apache.iceberg", "iceberg-open-api", "1.10.0", "test-fixtures", "3aef50f9601d4a86fa9944be1f9db52d01751871"),
    ("org.checkerframework", "checker-qual", "3.19.0", "", "838b42bb6f7f73315167b359d24649845cef1c48"),
    ("org.eclipse.jetty.toolchain", "jetty-jakarta-servlet-api", "5.0.2", "", "027fce6d666a203526236d33d00e202a4136230f"),
    ("org.eclipse.jetty", "jetty-http", "11.0.25", "", "1c33e326c11d9db04b134d070d600418f818809d"),
    ("org.eclipse.jetty", "jetty-io", "11.0.25", "", "0175602210a8b3fe4a8cc55c07d4b2041daff70e"),
    ("org.eclipse.jetty", "jetty-security", "11.0.25", "", "1698e2bcf1dd06785ded55fd4346bb9adafd64b6"),
    ("org.eclipse.jetty", "jetty-server", "11.0.25", "", "0851d4e5d920bc14ba8e00117add2b37f4c1ce96"),
    ("org.eclipse.jetty", "jetty-servlet", "11.0.25", "", "76a1ea0dcd771797ce3c230809918f5a91e9b80f"),
    ("org.eclipse.jetty", "jetty-util", "11.0.25", "", "1f725375a296fed1ec126125165c5d7ae7629437"),
    ("org.roaringbitmap", "RoaringBitmap", "1.3.0", "", "a46ce7a2dc494da69700ab421f081b1583857f6d"),
    ("org.slf4j", "slf4j-api", "2.0.17", "", "d9e58ac9c7779ba3bf8142aff6c830617a7fe60f"),
    ("org.slf4j", "slf4j-simple", "2.0.17", "", "9872a3fd794ffe7b18d17747926a64d61526ca96"),
    ("org.xerial.snappy", "snappy-java", "1.1.10.4", "", "50d0390056017158bdc75c063efd5c2a898d5f0c"),
    ("org.xerial", "sqlite-jdbc", "3.50.3.0", "", "220f0cdfe9c5b97926a417fa11848ce8817d2135"),
]
AWS_BUNDLE = [
    ("org.apache.iceberg", "iceberg-aws-bundle", "1.10.0", "", "568a0630442613a4d211b72668cc48713b7d335e"),
]

SERVER_PORT = 8181  # inside the server's own network namespace; nothing else listens there


def fetch_jars(with_aws: bool = False) -> list:
    """The server's classpath, downloading what the cache lacks (each jar checked by SHA-1)."""
    return jars.fetch_jars(CACHE_FOLDER, JARS + (AWS_BUNDLE if with_aws else []))


_libc = ctypes.CDLL(None, use_errno=True)
_CLONE_NEWNET = 0x40000000


class NetnsRelay:
    """Listens on 127.0.0.1:<port> and forwards each connection to 127.0.0.1:<target_port> in
    the network namespace of process `pid`. The upstream socket is made on a thread that has
    entered that namespace (setns affects the calling thread only) and stays there once made."""

    def __init__(self, pid: int, target_port: int):
        self._target_ns = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY)
        self._own_ns = os.open("/proc/self/ns/net", os.O_RDONLY)
        self._target_port = target_port
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(256)
        self.port = self._listener.getsockname()[1]
        self._stopped = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def connect_upstream(self) -> socket.socket:
        if _libc.setns(self._target_ns, _CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns into the REST server's network namespace")
        try:
            return socket.create_connection(("127.0.0.1", self._target_port), timeout=10)
        finally:
            _libc.setns(self._own_ns, _CLONE_NEWNET)

    def _accept_loop(self):
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        try:
            upstream = self.connect_upstream()
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()
        _pump(client, upstream)

    def close(self):
        self._stopped = True
        try:
            self._listener.close()
        except OSError:
            pass
        for fd in (self._target_ns, self._own_ns):
            os.close(fd)


class ReverseRelay:
    """The other way round: listens on 127.0.0.1:<port> inside the network namespace of process
    `pid` and forwards each connection to 127.0.0.1:<port> here, so the REST server reaches a
    store (moto's S3) that listens on this machine's loopback."""

    def __init__(self, pid: int, port: int):
        target = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY)
        own = os.open("/proc/self/ns/net", os.O_RDONLY)
        holder = {}

        def make_listener():
            # The socket belongs to the namespace it is made in, whatever thread uses it later.
            if _libc.setns(target, _CLONE_NEWNET) != 0:
                holder["error"] = OSError(ctypes.get_errno(), "setns")
                return
            try:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind(("127.0.0.1", port))
                sock.listen(256)
                holder["sock"] = sock
            finally:
                _libc.setns(own, _CLONE_NEWNET)

        t = threading.Thread(target=make_listener)
        t.start()
        t.join()
        os.close(target)
        os.close(own)
        if "error" in holder:
            raise holder["error"]
        self._listener = holder["sock"]
        self._port = port
        self._stopped = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self):
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        try:
            upstream = socket.create_connection(("127.0.0.1", self._port), timeout=10)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()
        _pump(client, upstream)

    def close(self):
        self._stopped = True
        try:
            self._listener.close()
        except OSError:
            pass


def _pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class RestServer:
    """A running REST catalog server: `.uri` (http://127.0.0.1:<port>), `.warehouse` (the
    location tables get by default), `.log` (its output file)."""

    def __init__(self, workdir: pathlib.Path, warehouse: str, env: dict = None,
                 with_aws: bool = False, reach_ports=None):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.warehouse = warehouse
        self.log = self.workdir / "rest-server.log"
        classpath = ":".join(str(p) for p in fetch_jars(with_aws))
        server_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/root"),
            "CATALOG_WAREHOUSE": warehouse,
            # A file, not ":memory:": the JdbcCatalog pools connections, and each in-memory
            # SQLite connection would be a catalog of its own.
            "CATALOG_URI": f"jdbc:sqlite:{self.workdir / 'catalog.db'}",
            "CATALOG_REST_PORT": str(SERVER_PORT),
        }
        server_env.update(env or {})
        java = shutil.which("java")
        if java is None:
            raise RuntimeError("java not found: the REST catalog server needs a JRE 17 "
                               "(scripts/setup.sh installs openjdk-17-jre-headless)")
        with open(self.log, "wb") as log:
            self._proc = subprocess.Popen(
                ["unshare", "-rn", "sh", "-c",
                 'ip link set lo up && exec "$0" -Xmx512m -cp "$1" '
                 "org.apache.iceberg.rest.RESTCatalogServer", java, classpath],
                env=server_env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_for_namespace()
        self._relay = NetnsRelay(self._proc.pid, SERVER_PORT)
        self._reverse = [ReverseRelay(self._proc.pid, port) for port in (reach_ports or [])]
        self.port = self._relay.port
        self.uri = f"http://127.0.0.1:{self.port}"
        self._wait_ready()

    def _wait_for_namespace(self, timeout: float = 10.0):
        """Until `unshare` has moved the process into its own network namespace, its
        /proc/<pid>/ns/net is still ours, and a relay opened on it would reach the wrong one."""
        own = os.stat("/proc/self/ns/net").st_ino
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"REST catalog server exited with {self._proc.returncode}:\n"
                                   + self.log.read_text()[-3000:])
            try:
                if os.stat(f"/proc/{self._proc.pid}/ns/net").st_ino != own:
                    return
            except FileNotFoundError:
                pass
            time.sleep(0.02)
        raise RuntimeError("the REST catalog server did not enter its network namespace")

    def _wait_ready(self, timeout: float = 90.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"REST catalog server exited with {self._proc.returncode}:\n"
                                   + self.log.read_text()[-3000:])
            try:
                with urllib.request.urlopen(self.uri + "/v1/config", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"REST catalog server not ready after {timeout}s:\n"
                           + self.log.read_text()[-3000:])

    def stop(self):
        self._relay.close()
        for relay in self._reverse:
            relay.close()
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


def start_rest_server(workdir, warehouse=None, env=None, with_aws=False,
                      reach_ports=None) -> RestServer:
    """A REST server whose warehouse is `warehouse` (default: a `file:` folder in workdir);
    `reach_ports` are ports of this machine's loopback the server must reach (a store)."""
    workdir = pathlib.Path(workdir)
    if warehouse is None:
        (workdir / "warehouse").mkdir(parents=True, exist_ok=True)
        warehouse = f"file:{workdir / 'warehouse'}"
    return RestServer(workdir, warehouse, env=env, with_aws=with_aws, reach_ports=reach_ports)


def start_s3_rest_server(workdir, s3_server, bucket: str) -> RestServer:
    """A REST server on an S3 warehouse (`s3://<bucket>/warehouse`) on the moto server, with
    Iceberg's S3FileIO, that vends its S3 keys in each table's `config` (the fixture's
    `include-credentials`), as a catalog vending credentials would."""
    env = {
        "CATALOG_IO__IMPL": "org.apache.iceberg.aws.s3.S3FileIO",
        "CATALOG_S3_ENDPOINT": s3_server.endpoint,
        "CATALOG_S3_PATH__STYLE__ACCESS": "true",
        "CATALOG_S3_ACCESS__KEY__ID": s3_server.access_key,
        "CATALOG_S3_SECRET__ACCESS__KEY": s3_server.secret_key,
        "CATALOG_CLIENT_REGION": s3_server.region,
        "CATALOG_INCLUDE__CREDENTIALS": "true",
        "AWS_ACCESS_KEY_ID": s3_server.access_key,
        "AWS_SECRET_ACCESS_KEY": s3_server.secret_key,
        "AWS_REGION": s3_server.region,
    }
    return start_rest_server(workdir, warehouse=f"s3://{bucket}/warehouse", env=env,
                             with_aws=True, reach_ports=[s3_server.port])
