"""The Apache Iceberg Kafka Connect sink as a peer of `floe stream` in bench/stream_section.py,
served by op_server: one Kafka Connect worker (standalone mode, one JVM, REST on 127.0.0.1)
with the sink as a plugin, both resolved from Maven Central by install_kafka_connect.sh
(connect-runtime of the broker's Kafka release, iceberg-kafka-connect 1.10.1: Maven Central
serves no iceberg-kafka-connect-events 1.10.0), writing to a table in the floe warehouse
through Iceberg's JdbcCatalog over its SQLite file with the catalog settings of
tests/interop/servers/spark.py (catalog `default`, schema version V1, no table init).

The connector: value.converter JsonConverter with schemas.enable=false (each value becomes a
map), then Connect's built-in transforms —
  ReplaceField   renames the Debezium keys to floe's column names (`ncr_ride_bookings.csv/
                 booking+value` -> booking_value, …, `__op` -> op, `__source_ts_ms` ->
                 source_ts_ms) and drops `__deleted`;
  TimestampConverter (twice, it takes one field) reads created_at and updated_at as epoch
                 microseconds (unix.precision) into timestamps;
  InsertField    adds the Kafka partition and offset as _partition and _offset —
and the sink appends the maps to a table this peer creates first (PyIceberg: unpartitioned,
at the location JdbcCatalog would give it) with floe's 13 column names, so nothing is
inferred. 2 tasks (Spark runs local[2]); the consumer reads read_committed, as Spark's.
`drain` adds the connector, waits until the table's current snapshot holds every message the
topic had when the request came, then removes the connector; `start` / `stop` keep one
running for the latency run.

What differs from floe's job (and from the Spark peer's):
- booking_value and ride_distance are STRING columns holding the raw text (`b'1234.0'`): no
  built-in transform edits a string's content, so the b'…' wrapper cannot be stripped, and
  the sink refuses to read such text into a double column (it stops the task), so the
  values are neither unwrapped nor cast. floe and Spark write doubles.
- created_at_ts and updated_at_ts keep milliseconds: TimestampConverter yields a
  java.util.Date, so the microsecond digits are cut (floe and Spark keep microseconds). A
  number handed straight to the sink would be read as epoch milliseconds.
- The sink commits every `commit_interval_ms` (1 s unless the request says otherwise) through
  its coordinator and a control topic (one per connector, made here); its offsets live in
  the Connect consumer group and the snapshot summaries. floe --once commits every 10 s and
  when the topic is drained. The worker's offset.flush.interval.ms is 1 s (see setup).
- Types the sink gets from JSON are what JsonConverter produces (longs, strings); id, op and
  source_ts_ms need no cast. Any field outside the table is ignored (schema evolution off).

CPU is the peer's process tree (this interpreter, which polls the catalog file every 0.1 s,
and the Connect JVM) from the request to the connector's removal; the JVM's start-up and its
plugin scan are reported apart in the ready line. The broker is not charged.
Usage: kafka_connect_stream.py WAREHOUSE WORKDIR HEAP BROKERS [TASKS]."""
import time

START = time.perf_counter()

import atexit  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "interop"))

import op_server  # noqa: E402
from servers.kafka import _LOG4J2 as broker_log4j2  # noqa: E402
from servers.net import free_port  # noqa: E402

INSTALL = os.path.join(HERE, "install_kafka_connect.sh")
RENAMES = {
    "ncr_ride_bookings.csv/booking+value": "booking_value",
    "ncr_ride_bookings.csv/ride+distance": "ride_distance",
    "created_at": "created_at_ts",
    "updated_at": "updated_at_ts",
    "__op": "op",
    "__source_ts_ms": "source_ts_ms",
}
# The broker's logging, with the sink's commit coordination at info level.
_LOG4J2 = broker_log4j2 + """\
logger.iceberg.name = org.apache.iceberg.connect.channel
logger.iceberg.level = info
"""


def _schema():
    from pyiceberg.schema import Schema
    from pyiceberg.types import (IntegerType, LongType, NestedField, StringType,
                                 TimestamptzType)

    # booking_value and ride_distance stay text (see the module doc).
    cols = [("id", LongType(), True), ("booking_value", StringType(), False),
            ("ride_distance", StringType(), False), ("customer_id", StringType(), False),
            ("vehicle_type", StringType(), False), ("pickup_location", StringType(), False),
            ("booking_status", StringType(), False), ("created_at_ts", TimestamptzType(), False),
            ("updated_at_ts", TimestamptzType(), False), ("op", StringType(), False),
            ("source_ts_ms", LongType(), False), ("_partition", IntegerType(), False),
            ("_offset", LongType(), False)]
    return Schema(*[NestedField(i + 1, name, t, required=req)
                    for i, (name, t, req) in enumerate(cols)])


def _rest(state, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(state["rest"] + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            text = r.read()
            return r.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def _connector(request, state, control_topic, interval_ms):
    wh = state["warehouse"]
    smts = {
        "transforms": "rename,created,updated,kafka",
        "transforms.rename.type": "org.apache.kafka.connect.transforms.ReplaceField$Value",
        "transforms.rename.renames": ",".join(f"{a}:{b}" for a, b in RENAMES.items()),
        "transforms.rename.exclude": "__deleted",
    }
    for smt, field in (("created", "created_at_ts"), ("updated", "updated_at_ts")):
        p = f"transforms.{smt}."
        smts.update({p + "type": "org.apache.kafka.connect.transforms.TimestampConverter$Value",
                     p + "field": field, p + "target.type": "Timestamp",
                     p + "unix.precision": "microseconds"})
    smts.update({"transforms.kafka.type": "org.apache.kafka.connect.transforms.InsertField$Value",
                 "transforms.kafka.partition.field": "_partition",
                 "transforms.kafka.offset.field": "_offset"})
    return {
        "connector.class": "org.apache.iceberg.connect.IcebergSinkConnector",
        "tasks.max": str(state["tasks"]),
        "topics": request["topic"],
        "key.converter": "org.apache.kafka.connect.storage.StringConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable": "false",
        "consumer.override.isolation.level": "read_committed",  # as the Spark peer reads
        **smts,
        "iceberg.tables": request["table"],
        "iceberg.tables.auto-create-enabled": "false",
        "iceberg.tables.evolve-schema-enabled": "false",
        "iceberg.control.topic": control_topic,
        "iceberg.control.commit.interval-ms": str(interval_ms),
        # The catalog of tests/interop/servers/spark.py's spark_catalog, setting for setting.
        "iceberg.catalog": "default",
        "iceberg.catalog.type": "jdbc",
        "iceberg.catalog.uri": f"jdbc:sqlite:{wh}/catalog.db",
        "iceberg.catalog.warehouse": wh,
        "iceberg.catalog.jdbc.schema-version": "V1",
        "iceberg.catalog.jdbc.init-catalog-tables": "false",
    }


def _end_offsets(brokers, topic) -> int:
    """Messages in `topic` now (the sum of its partitions' high watermarks minus the low)."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": brokers, "group.id": "floe-bench-kc-probe"})
    try:
        meta = consumer.list_topics(topic, timeout=10).topics[topic]
        total = 0
        for p in meta.partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            total += high - low
        return total
    finally:
        consumer.close()


def _make_topic(brokers, name):
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": brokers})
    admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])[name].result(60)


def _total_records(state, table) -> int:
    """total-records of the table's current snapshot, read from the catalog file and the
    metadata file it points at (0 before the first commit)."""
    namespace, name = table.split(".", 1)
    with sqlite3.connect(f"file:{state['warehouse']}/catalog.db?mode=ro", uri=True,
                         timeout=1) as db:
        row = db.execute("SELECT metadata_location FROM iceberg_tables WHERE "
                         "table_namespace = ? AND table_name = ?", (namespace, name)).fetchone()
    seen = state.setdefault("seen", {})
    if not row:
        return 0
    if row[0] in seen:
        return seen[row[0]]
    with open(row[0].removeprefix("file:").removeprefix("//")) as f:
        metadata = json.load(f)
    total = 0
    for s in metadata.get("snapshots", []):
        if s["snapshot-id"] == metadata.get("current-snapshot-id"):
            total = int(s["summary"].get("total-records", 0))
    seen[row[0]] = total
    return total


def _failure(state, name):
    """The first line of a failed connector's or task's trace, or None."""
    code, status = _rest(state, "GET", f"/connectors/{name}/status")
    if code != 200:
        return None
    for part in [status.get("connector", {})] + status.get("tasks", []):
        if part.get("state") == "FAILED":
            return (part.get("trace") or "FAILED").splitlines()[0][:300]
    return None


def _add(request, state, interval_ms):
    table = request["table"]
    name = "iceberg-" + table.replace(".", "-")
    namespace, short = table.split(".", 1)
    # The location JdbcCatalog gives a table on this warehouse (Spark's tables get the same).
    state["catalog"].create_table(table, schema=_schema(),
                                  location=f"{state['warehouse']}/{namespace}/{short}")
    control = f"control-{name}"
    _make_topic(request["brokers"], control)
    code, answer = _rest(state, "PUT", f"/connectors/{name}/config",
                         _connector(request, state, control, interval_ms))
    if code not in (200, 201):
        raise RuntimeError(f"adding connector {name}: HTTP {code}: {str(answer)[:300]}")
    return name


def _remove(state, name):
    _rest(state, "DELETE", f"/connectors/{name}")
    deadline = time.monotonic() + 120
    while _rest(state, "GET", f"/connectors/{name}")[0] != 404:
        if time.monotonic() > deadline:
            raise RuntimeError(f"connector {name} still there 120 s after its removal")
        time.sleep(0.1)


def drain(request, state):
    expected = _end_offsets(request["brokers"], request["topic"])
    name = _add(request, state, int(request.get("commit_interval_ms", 1000)))
    cap = time.monotonic() + float(request.get("cap_s", 1700))
    try:
        polls = 0
        while _total_records(state, request["table"]) < expected:
            polls += 1
            problem = _failure(state, name) if polls % 10 == 0 else None  # once a second
            if problem:
                raise RuntimeError(f"connector failed: {problem}")
            if time.monotonic() > cap:
                raise RuntimeError("the table never held every message")
            time.sleep(0.1)
    finally:
        _remove(state, name)
    return {"expected": expected, "records": _total_records(state, request["table"])}


def start(request, state):
    state["running"] = _add(request, state, int(request.get("interval_ms", 1000)))
    return {}


def stop(request, state):
    _remove(state, state.pop("running"))
    return {}


def _end_worker(proc):
    """Stops the worker when the driver closes stdin (a killed peer takes it along: one
    process group)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(state, proc, timeout_s=300):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Connect worker exited ({proc.returncode}); see its log")
        try:
            code, plugins = _rest(state, "GET", "/connector-plugins")
        except OSError:
            code = None
        if code == 200:
            if any(p["class"].endswith("IcebergSinkConnector") for p in plugins):
                return
            raise RuntimeError(f"the worker lists no Iceberg sink: {plugins}")
        time.sleep(0.2)
    raise RuntimeError(f"the Connect worker answered no REST call in {timeout_s} s")


def setup():
    warehouse, workdir, heap, brokers = sys.argv[1:5]
    tasks = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    from pyiceberg.catalog.sql import SqlCatalog

    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    cache = subprocess.run(["bash", INSTALL], check=True, capture_output=True,
                           text=True).stdout.strip().splitlines()[-1]
    port = free_port()
    props = os.path.join(workdir, "worker.properties")
    with open(props, "w") as f:
        f.write("\n".join([
            f"bootstrap.servers={brokers}",
            "key.converter=org.apache.kafka.connect.storage.StringConverter",
            "value.converter=org.apache.kafka.connect.json.JsonConverter",
            "value.converter.schemas.enable=false",
            f"offset.storage.file.filename={workdir}/connect.offsets",
            f"plugin.path={cache}/plugins",
            f"listeners=http://127.0.0.1:{port}",
            "rest.advertised.host.name=127.0.0.1",
            "connector.client.config.override.policy=All",
            # A sink task sees the coordinator's commit requests only when its consumer's poll
            # returns, and once the topic is drained a poll waits up to this interval (60 s
            # by default): a drain's last commit would wait that long.
            "offset.flush.interval.ms=1000",
            ""]))
    log4j = os.path.join(workdir, "log4j2.properties")
    with open(log4j, "w") as f:
        f.write(_LOG4J2)
    java = shutil.which("java") or "java"
    # The JVM options Kafka's own connect scripts use (kafka-run-class.sh), with HEAP as -Xmx.
    cmd = [java, "-Xms256m", f"-Xmx{heap}", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
           "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
           "-Djava.awt.headless=true", f"-Dlog4j2.configurationFile=file:{log4j}",
           "-cp", os.path.join(cache, "worker", "*"),
           "org.apache.kafka.connect.cli.ConnectStandalone", props]
    log = open(os.path.join(workdir, "connect.log"), "wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    atexit.register(_end_worker, proc)
    state = {"warehouse": warehouse, "rest": f"http://127.0.0.1:{port}", "proc": proc,
             "tasks": tasks,
             "catalog": SqlCatalog("default", uri=f"sqlite:///{warehouse}/catalog.db",
                                   warehouse=f"file://{warehouse}")}
    try:
        _wait_ready(state, proc)
    except Exception:
        proc.kill()
        raise
    return state


if __name__ == "__main__":
    sys.exit(op_server.serve({"drain": drain, "start": start, "stop": stop}, START, setup))
