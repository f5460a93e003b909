"""`floe gen --kafka` produces Debezium change events (with bad messages and tombstones) into the
real broker, and `floe stream --once` with the shipped mapping (examples/stream/
rides-mapping.yaml) accounts for every one of them: rows, dead letters by reason, tombstones;
in upsert mode one row per ride the generator left live."""
import collections
import json
import pathlib
import signal
import subprocess
import time

import pytest

from test_stream_kafka import pyiceberg_rows, run_once, topic_name

MAPPING = pathlib.Path(__file__).resolve().parents[2] / "examples" / "stream" / \
    "rides-mapping.yaml"


def gen_kafka(floe, broker, topic, *extra):
    return floe.json("gen", "--kafka", "--brokers", broker.bootstrap, "--topic", topic, *extra)


@pytest.mark.parametrize("fmt", ["debezium-flat", "debezium-envelope"])
def test_generated_messages_all_accounted_for(kafka_broker, floe, pyiceberg_catalog, fmt):
    topic = kafka_broker.create_topic(topic_name(), partitions=3)
    n = 600
    summary = gen_kafka(floe, kafka_broker, topic, "--messages", n, "--bad-rate", "0.05",
                        "--keys", 40, "--seed", 11, "--format", fmt, "--tombstones",
                        "--partitions-by-key")
    assert summary["messages"] == n and summary["partitions"] == 3
    assert sum(kafka_broker.end_offsets(topic).values()) == n
    assert summary["bad_messages"] == sum(summary["bad_by_kind"].values()) > 0
    assert summary["tombstones"] > 0

    report = run_once(floe, kafka_broker, "db.rides", topic, MAPPING)
    assert report["messages"] == n
    assert report["rows"] + report["dead_letters"] + report["tombstones"] == n
    assert report["dead_letters"] == summary["bad_messages"]
    assert report["tombstones"] == summary["tombstones"]
    assert report["rows"] == summary["change_events"]

    rows = pyiceberg_rows(pyiceberg_catalog, "db.rides")
    assert len(rows) == report["rows"]
    assert dict(collections.Counter(r["op"] for r in rows)) == summary["ops"]
    assert all(r["deleted"] == (r["op"] == "d") for r in rows)
    letters = pyiceberg_rows(pyiceberg_catalog, "db.rides_dlq")
    assert dict(collections.Counter(r["reason"] for r in letters)) == summary["bad_by_kind"]

    # The same events kept as one row per ride: the rides the generator left undeleted. Keyed
    # partitioning keeps each ride's changes in order.
    upsert = run_once(floe, kafka_broker, "db.rides_now", topic, MAPPING, "--mode", "upsert",
                      "--stream-id", "now-" + topic)
    assert upsert["messages"] == n
    now = floe.scan_rows("db.rides_now")
    assert len(now) == summary["live_keys"] == len({r["id"] for r in now})
    assert not any(r["deleted"] for r in now)


def test_same_seed_same_messages_missing_topic_and_usage(kafka_broker, floe):
    from confluent_kafka import Consumer

    topics = [kafka_broker.create_topic(topic_name()) for _ in range(2)]
    for topic in topics:
        gen_kafka(floe, kafka_broker, topic, "--messages", 50, "--bad-rate", "0.2", "--seed", 5)
    consumer = Consumer({"bootstrap.servers": kafka_broker.bootstrap, "group.id": topic_name(),
                         "auto.offset.reset": "earliest"})
    try:
        consumer.subscribe(topics)
        got = collections.defaultdict(list)
        while sum(map(len, got.values())) < 100:
            m = consumer.poll(10)
            assert m is not None, "timed out reading the generated messages"
            if m.error() is None:
                got[m.topic()].append((m.key(), m.value()))
    finally:
        consumer.close()
    assert got[topics[0]] == got[topics[1]] and len(got[topics[0]]) == 50

    proc = floe.run("gen", "--kafka", "--brokers", kafka_broker.bootstrap, "--topic",
                    "no-such-topic-" + topic_name(), check=False)
    assert proc.returncode != 0 and "create it first" in proc.stderr
    # Options of the other form are usage errors, not ignored.
    proc = floe.run("gen", "corpus-dir", "--topic", "t", check=False)
    assert proc.returncode == 2 and "requires --kafka" in proc.stderr
    proc = floe.run("gen", "--kafka", "--size", "1MB", check=False)
    assert proc.returncode == 2 and "excludes --kafka" in proc.stderr


def test_sigint_stops_early_and_flushes_what_it_produced(kafka_broker, floe):
    topic = kafka_broker.create_topic(topic_name(), partitions=2)
    # 100000 messages at 200 a second would take over eight minutes; SIGINT after two seconds.
    proc = subprocess.Popen([floe.bin, "gen", "--kafka", "--brokers", kafka_broker.bootstrap,
                             "--topic", topic, "--messages", "100000", "--rate", "200",
                             "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    summary = json.loads(out)
    assert 0 < summary["messages"] < 100000
    assert sum(kafka_broker.end_offsets(topic).values()) == summary["messages"]
