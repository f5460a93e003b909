"""Where `floe stream` starts on partitions the table has never recorded (--starting-offsets:
earliest, latest, JSON offsets, a time), --commit-bytes, and transactional topics (aborted
messages never land; offsets have gaps) against the real broker."""
import datetime as dt
import json
import subprocess
import time

from test_stream_group import StreamProcess, assert_exactly, wait_until_committed
from test_stream_kafka import mapping, ride, run_once, stream_cmd, topic_name  # noqa: F401


def produce_at(broker, topic, partition, ids, first_ms):
    """Messages for `ids` into `partition`, the i-th stamped first_ms + i seconds."""
    producer = broker.producer()
    for n, i in enumerate(ids):
        producer.produce(topic, key=str(i).encode(), value=ride(i), partition=partition,
                         timestamp=first_ms + n * 1000)
    assert producer.flush(60) == 0


def ids_of(catalog, table):
    return sorted(r["id"] for r in catalog.load_table(table).scan().to_arrow().to_pylist())


def test_starting_offsets_forms(kafka_broker, floe, mapping, pyiceberg_catalog):
    topic = kafka_broker.create_topic(topic_name(), partitions=2)
    # Whole seconds, a minute ago (recent enough that retention keeps them).
    first_ms = (int(time.time()) - 60) * 1000
    produce_at(kafka_broker, topic, 0, range(0, 10), first_ms)
    produce_at(kafka_broker, topic, 1, range(100, 110), first_ms)

    def once(table, start):
        return run_once(floe, kafka_broker, table, topic, mapping, "--starting-offsets", start,
                        "--stream-id", table.replace(".", "-"))

    once("db.s_earliest", "earliest")
    assert ids_of(pyiceberg_catalog, "db.s_earliest") == list(range(10)) + list(range(100, 110))

    # Offsets for partition 0 only: partition 1 starts at earliest.
    once("db.s_json", json.dumps({topic: {"0": 5}}))
    assert ids_of(pyiceberg_catalog, "db.s_json") == list(range(5, 10)) + list(range(100, 110))
    # The table's offsets win over --starting-offsets once it has them.
    kafka_broker.produce(topic, [(b"10", ride(10))], partition=0)
    report = once("db.s_json", "latest")
    assert report["rows"] == 1
    assert ids_of(pyiceberg_catalog, "db.s_json") == \
        list(range(5, 11)) + list(range(100, 110))

    # A time: the first message at or after it, in every partition (the one produced above has
    # the current time, so it is after too).
    once("db.s_epoch", str(first_ms + 7000))
    assert ids_of(pyiceberg_catalog, "db.s_epoch") == [7, 8, 9, 10, 107, 108, 109]
    iso = dt.datetime.fromtimestamp((first_ms + 3000) / 1000, dt.timezone.utc)
    once("db.s_iso", iso.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert ids_of(pyiceberg_catalog, "db.s_iso") == \
        list(range(3, 11)) + list(range(103, 110))
    # A time after every message: the partitions start at their ends.
    future = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
    report = once("db.s_future", future.isoformat())
    assert report["rows"] == 0

    # latest: only what is produced after the partitions are assigned.
    proc = StreamProcess(stream_cmd(floe, kafka_broker, "db.s_latest", topic, mapping,
                                    "--starting-offsets", "latest", "--commit-interval", "300ms"))
    try:
        proc.wait_for("assigned")
        time.sleep(2)  # the positions are resolved to the ends before producing
        kafka_broker.produce(topic, [(str(i).encode(), ride(i)) for i in range(200, 206)])
        wait_until_committed(kafka_broker, pyiceberg_catalog, "db.s_latest", topic,
                             stream_id="g-" + topic)
        proc.stop()
    finally:
        proc.kill()
    assert ids_of(pyiceberg_catalog, "db.s_latest") == list(range(200, 206))


def test_latest_is_kept_for_the_next_run(kafka_broker, floe, mapping, pyiceberg_catalog):
    """`--once --starting-offsets latest` on a topic with nothing new records where it started,
    so what is produced before the next run is read by it (not skipped by a newer end)."""
    topic = kafka_broker.create_topic(topic_name(), partitions=2)
    kafka_broker.produce(topic, [(str(i).encode(), ride(i)) for i in range(5)])
    first = run_once(floe, kafka_broker, "db.s_latest_once", topic, mapping,
                     "--starting-offsets", "latest")
    assert first["rows"] == 0
    kafka_broker.produce(topic, [(str(i).encode(), ride(i)) for i in range(300, 306)])
    second = run_once(floe, kafka_broker, "db.s_latest_once", topic, mapping,
                      "--starting-offsets", "latest")
    assert second["rows"] == 6
    assert ids_of(pyiceberg_catalog, "db.s_latest_once") == list(range(300, 306))
    # From here on the table's offsets rule: a third run finds nothing new.
    third = run_once(floe, kafka_broker, "db.s_latest_once", topic, mapping,
                     "--starting-offsets", "latest")
    assert third["rows"] == 0


def test_starting_offsets_rejects_other_text(kafka_broker, floe, mapping):
    topic = topic_name()
    proc = subprocess.run(stream_cmd(floe, kafka_broker, "db.bad", topic, mapping, "--once",
                                     "--starting-offsets", "yesterday"),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "--starting-offsets 'yesterday'" in proc.stderr and "ISO-8601" in proc.stderr


def test_commit_bytes_splits_batches(kafka_broker, floe, mapping, pyiceberg_catalog):
    topic = kafka_broker.create_topic(topic_name())
    values = [ride(i) for i in range(60)]
    kafka_broker.produce(topic, [(str(i).encode(), v) for i, v in enumerate(values)])
    limit = 1000
    expected_commits, held = 0, 0
    for v in values:  # a commit each time the batch's value bytes reach the limit, then the rest
        held += len(v.encode())
        if held >= limit:
            expected_commits, held = expected_commits + 1, 0
    expected_commits += held > 0
    report = run_once(floe, kafka_broker, "db.bytes", topic, mapping, "--commit-bytes",
                      str(limit), "--commit-interval", "10m")
    assert report["commits"] == expected_commits and report["rows"] == 60
    assert len(pyiceberg_catalog.load_table("db.bytes").snapshots()) == expected_commits
    assert ids_of(pyiceberg_catalog, "db.bytes") == list(range(60))


def test_transactional_topic_aborted_messages_never_land(kafka_broker, floe, mapping,
                                                         pyiceberg_catalog):
    topic = kafka_broker.create_topic(topic_name(), partitions=2)
    producer = kafka_broker.producer(**{"transactional.id": "tx-" + topic})
    producer.init_transactions(30)

    def transaction(ids, commit):
        producer.begin_transaction()
        for i in ids:
            producer.produce(topic, key=str(i).encode(), value=ride(i))
        producer.flush(60)
        if commit:
            producer.commit_transaction(30)
        else:
            producer.abort_transaction(30)

    transaction(range(0, 20), commit=True)
    transaction(range(1000, 1020), commit=False)
    transaction(range(20, 40), commit=True)
    run_once(floe, kafka_broker, "db.tx", topic, mapping)
    assert_exactly(pyiceberg_catalog, "db.tx", range(40))
    # The offsets cover the markers after the last messages: no lag is left.
    summary = pyiceberg_catalog.load_table("db.tx").current_snapshot().summary
    assert json.loads(summary[f"floe.stream.g-{topic}.offsets"])[topic] == \
        {str(p): n for p, n in kafka_broker.end_offsets(topic).items()}
    # Resuming past the transaction markers (offsets no message has) loses nothing.
    transaction(range(1020, 1030), commit=False)
    transaction(range(40, 50), commit=True)
    kafka_broker.produce(topic, [(str(i).encode(), ride(i)) for i in range(50, 55)])
    run_once(floe, kafka_broker, "db.tx", topic, mapping)
    assert_exactly(pyiceberg_catalog, "db.tx", range(55))


def test_evolve_adds_columns_for_new_keys(kafka_broker, floe, tmp_path, pyiceberg_catalog):
    from pyiceberg.types import BooleanType, DoubleType, LongType, StringType

    partial = tmp_path / "partial.yaml"
    partial.write_text("columns:\n  - {name: id, path: id, type: long, required: true}\n")
    topic = kafka_broker.create_topic(topic_name())
    kafka_broker.produce(topic, [json.dumps({"id": 1, "color": "blue"})])
    run_once(floe, kafka_broker, "db.evolve", topic, partial)  # without --evolve: not a column
    assert [f.name for f in pyiceberg_catalog.load_table("db.evolve").schema().fields] == ["id"]

    kafka_broker.produce(topic, [
        json.dumps({"id": 2}),
        json.dumps({"id": 3, "color": "red", "n": 5, "x": 1.5, "ok": True,
                    "meta": {"a": [1, 2]}, "gone": None}),
        json.dumps({"id": 4, "n": "not a number"}),
    ])
    report = run_once(floe, kafka_broker, "db.evolve", topic, partial, "--evolve")
    assert report["rows"] == 2 and report["dead_letters"] == 1
    table = pyiceberg_catalog.load_table("db.evolve")
    types = {f.name: f.field_type for f in table.schema().fields}
    assert types == {"id": LongType(), "color": StringType(), "meta": StringType(),
                     "n": LongType(), "ok": BooleanType(), "x": DoubleType()}
    assert all(not f.required for f in table.schema().fields if f.name != "id")
    rows = sorted(table.scan().to_arrow().to_pylist(), key=lambda r: r["id"])
    nulls = {"color": None, "meta": None, "n": None, "ok": None, "x": None}
    assert rows == [
        {"id": 1, **nulls},
        {"id": 2, **nulls},
        {"id": 3, "color": "red", "meta": '{"a":[1,2]}', "n": 5, "ok": True, "x": 1.5},
    ]
    [letter] = pyiceberg_catalog.load_table("db.evolve_dlq").scan().to_arrow().to_pylist()
    assert letter["offset"] == 3 and letter["reason"] == "cast-failed"

    # Later messages fill the added columns; a key still new is added then.
    kafka_broker.produce(topic, [json.dumps({"id": 5, "color": "green", "late": "yes"})])
    run_once(floe, kafka_broker, "db.evolve", topic, partial, "--evolve")
    rows = sorted(pyiceberg_catalog.load_table("db.evolve").scan().to_arrow().to_pylist(),
                  key=lambda r: r["id"])
    assert rows[-1] == {"id": 5, "color": "green", "meta": None, "n": None, "ok": None,
                        "x": None, "late": "yes"}
    assert rows[0]["late"] is None
