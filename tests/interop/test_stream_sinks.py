"""floe stream into the sinks besides Iceberg, against the real Kafka broker: the console sink
prints each micro-batch; the parquet sink (local folder and S3) and the kafka sink (a
transactional producer) survive a SIGKILL loop with every produced row exactly once."""
import json
import subprocess
import time
import uuid

import pyarrow.parquet as pq
import pytest

from conftest import floe_bin_path
from test_stream_kafka import RIDES_MAPPING, kill_loop, ride, topic_name


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "rides.yaml"
    path.write_text(RIDES_MAPPING)
    return path


def sink_cmd(broker, topic, mapping, *extra):
    return [floe_bin_path(), "stream", "--brokers", broker.bootstrap, "--topic", topic,
            "--group", "g-" + topic, "--mapping", str(mapping), *map(str, extra)]


def run_once(broker, topic, mapping, *extra):
    proc = subprocess.run(sink_cmd(broker, topic, mapping, "--once", *extra),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc


def sink_kill_loop(broker, topic, mapping, n, bad, log_path, *extra, kills_wanted=6):
    """The kill loop of test_stream_kafka with a sink's command line, then one --once run that
    finishes the rest."""
    member = ["--kafka-property", "group.instance.id=floe-" + topic,
              "--kafka-property", "session.timeout.ms=6000"]
    command = sink_cmd(broker, topic, mapping, "--commit-interval", "300ms",
                       "--max-records-per-commit", "150", *member, *extra)
    kill_loop(broker, topic, n, bad, command, log_path, kills_wanted=kills_wanted, seed=7,
              longest_s=5.0)
    run_once(broker, topic, mapping, *member, *extra)


def test_console_prints_batches_and_resumes_from_group_offsets(kafka_broker, mapping):
    topic = kafka_broker.create_topic(topic_name())
    kafka_broker.produce(topic, [(str(i).encode(), ride(i, "json" if i == 3 else None))
                                 for i in range(8)])
    out = run_once(kafka_broker, topic, mapping, "--sink", "console", "--console-rows", "4").stdout
    assert "Batch: 0" in out and "8 message(s), 7 row(s), 1 dead letter(s)" in out
    header = next(line for line in out.splitlines() if line.startswith("| id"))
    assert [c.strip() for c in header.strip("|").split("|")][:3] == \
        ["id", "booking_value", "ride_distance"]
    body = [line for line in out.splitlines() if line.startswith("| ") and line != header]
    assert [int(line.strip("|").split("|")[0]) for line in body] == [0, 1, 2, 4]
    assert "only showing the first 4 of 7 rows" in out
    assert "dead letters (invalid-json): 1" in out
    # The group's offsets were written back: a second run finds nothing new.
    again = run_once(kafka_broker, topic, mapping, "--sink", "console").stdout
    assert "Batch:" not in again and "Streamed 0 message(s)" in again


def test_evolve_needs_the_iceberg_sink(kafka_broker, mapping):
    topic = kafka_broker.create_topic(topic_name())
    kafka_broker.produce(topic, [(b"1", ride(1))])
    proc = subprocess.run(sink_cmd(kafka_broker, topic, mapping, "--once", "--sink", "console",
                                   "--evolve"), capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "--evolve needs a table sink" in proc.stderr
    assert "Batch:" not in proc.stdout  # refused before reading anything


def manifest_files(read_text, list_manifests):
    """(data files, dead-letter files, newest offsets) from the manifests."""
    data, letters, newest = [], [], (0, None)
    for name in list_manifests():
        manifest = json.loads(read_text(name))
        assert name.endswith("%08d.json" % manifest["sequence"])
        for f in manifest["files"]:
            (data if f["content"] == "data" else letters).append(f["path"])
        newest = max(newest, (manifest["sequence"], manifest["offsets"]))
    return data, letters, newest[1]


def test_parquet_kill_loop_is_exactly_once(kafka_broker, mapping, tmp_path):
    topic = kafka_broker.create_topic(topic_name(), partitions=3)
    out = tmp_path / "out"
    n = 1500
    bad = {i for i in range(n) if i % 97 == 5}
    sink_kill_loop(kafka_broker, topic, mapping, n, bad, tmp_path / "stream.log",
              "--sink", "parquet", "--path", out)
    folder = out / "_floe_stream" / ("g-" + topic)
    data, letters, offsets = manifest_files(
        lambda name: (folder / name).read_text(), lambda: sorted(p.name for p in folder.iterdir()))
    assert len(data) >= 5  # the killed processes committed along the way
    assert offsets == {topic: {str(p): e for p, e in kafka_broker.end_offsets(topic).items()}}
    ids = [i for f in data for i in pq.read_table(out / f).column("id").to_pylist()]
    assert sorted(ids) == sorted(set(range(n)) - bad)
    keys = [int(k) for f in letters for k in pq.read_table(out / f).column("key").to_pylist()]
    assert sorted(keys) == sorted(bad)
    # Files no manifest lists (a crash between files and manifest) are removed on restart up
    # to the newest manifest; only those of the commit the last kill interrupted may remain.
    listed = set(data) | set(letters)
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*.parquet")}
    assert listed <= on_disk
    prefix = "g-" + topic + "-"
    strays = {p.rsplit("/", 1)[-1][len(prefix):][:8] for p in on_disk - listed}
    assert len(strays) <= 1, strays


def test_parquet_on_s3(kafka_broker, mapping, s3_server, s3_bucket, tmp_path):
    topic = kafka_broker.create_topic(topic_name(), partitions=2)
    kafka_broker.produce(topic, [(str(i).encode(), ride(i, "missing" if i == 4 else None))
                                 for i in range(30)])
    path = f"s3://{s3_bucket}/rides"
    s3_args = [*s3_server.floe_property_args(), "--warehouse", tmp_path / "wh"]
    run_once(kafka_broker, topic, mapping, "--sink", "parquet", "--path", path,
             "--max-records-per-commit", "10", *s3_args)
    kafka_broker.produce(topic, [(b"30", ride(30))])
    run_once(kafka_broker, topic, mapping, "--sink", "parquet", "--path", path, *s3_args)
    client = s3_server.boto3_client("s3")
    prefix = f"rides/_floe_stream/g-{topic}/"
    names = sorted(o["Key"] for o in client.list_objects_v2(
        Bucket=s3_bucket, Prefix=prefix)["Contents"])
    read = lambda key: client.get_object(Bucket=s3_bucket, Key=key)["Body"].read()
    data, letters, offsets = manifest_files(lambda key: read(key).decode(), lambda: names)
    assert offsets == {topic: {str(p): e for p, e in kafka_broker.end_offsets(topic).items()}}
    ids = []
    for f in data:
        local = tmp_path / f.replace("/", "_")
        local.write_bytes(read("rides/" + f))
        ids += pq.read_table(local).column("id").to_pylist()
    assert sorted(ids) == [i for i in range(31) if i != 4]
    assert len(letters) == 1 and letters[0].startswith("_dlq/")


def read_committed(broker, topic, expected_count, timeout=120):
    from confluent_kafka import Consumer

    consumer = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "r-" + uuid.uuid4().hex,
                         "isolation.level": "read_committed", "auto.offset.reset": "earliest",
                         "enable.auto.commit": False})
    consumer.subscribe([topic])
    messages = []
    deadline = time.monotonic() + timeout
    quiet_since = None
    try:
        while time.monotonic() < deadline:
            m = consumer.poll(0.5)
            if m is None or m.error():
                # Past the expected count, wait a little for anything duplicated to show.
                if len(messages) >= expected_count:
                    quiet_since = quiet_since or time.monotonic()
                    if time.monotonic() - quiet_since > 5:
                        break
                continue
            quiet_since = None
            messages.append(m)
    finally:
        consumer.close()
    return messages


def test_kafka_sink_kill_loop_is_exactly_once(kafka_broker, mapping, tmp_path):
    topic = kafka_broker.create_topic(topic_name(), partitions=3)
    output = kafka_broker.create_topic(topic + "-out", partitions=2)
    kafka_broker.create_topic(output + "_dlq")
    n = 1500
    bad = {i for i in range(n) if i % 97 == 5}
    sink_kill_loop(kafka_broker, topic, mapping, n, bad, tmp_path / "stream.log",
              "--sink", "kafka", "--output-topic", output)
    expected = sorted(set(range(n)) - bad)
    rows = read_committed(kafka_broker, output, len(expected))
    ids = [json.loads(m.value())["id"] for m in rows]
    assert sorted(ids) == expected
    assert all(int(m.key()) == json.loads(m.value())["id"] for m in rows)
    letters = read_committed(kafka_broker, output + "_dlq", len(bad))
    assert sorted(int(m.key()) for m in letters) == sorted(bad)
    reasons = {dict(m.headers())["floe.reason"] for m in letters}
    assert reasons == {b"cast-failed"}
