"""Kafka message headers as table columns: a producer sets headers (some repeated, some with no
value, some missing), `floe stream --once` maps them with `header:` columns and
`meta: _headers`, and PyIceberg reads back the values each message carried, in the table and,
for the messages that could not be mapped, in the dead-letter table (or topic: the kafka sink
forwards a bad message's headers before its own)."""
import json

import test_stream_sinks
from test_stream_kafka import pyiceberg_rows, run_once, topic_name

MAPPING = """\
columns:
  - {name: id, path: id, type: long}
  - {name: tenant, header: tenant, required: true}
  - {name: trace_id, header: trace-id}
  - {name: attempt, header: attempt, type: int}
  - {name: _headers}
key: id
"""

# (id, headers as the producer sends them); None as a value is a header with a null value.
MESSAGES = [
    (0, [("tenant", b"acme"), ("trace-id", b"t-0"), ("attempt", b"1")]),
    (1, []),  # no tenant: a dead letter
    (2, [("tenant", None), ("trace-id", b"t-2")]),  # tenant with no value: a dead letter
    (3, [("tenant", b"acme"), ("attempt", b"three")]),  # not an int: a dead letter
    (4, [("tenant", b"beta"), ("trace-id", b"first"), ("note", None), ("trace-id", b"second")]),
    (5, [("tenant", b"beta")]),
]


def test_headers_become_columns(kafka_broker, floe, tmp_path, pyiceberg_catalog):
    mapping = tmp_path / "headers.yaml"
    mapping.write_text(MAPPING)
    topic = kafka_broker.create_topic(topic_name())
    producer = kafka_broker.producer()
    for i, headers in MESSAGES:
        producer.produce(topic, key=str(i).encode(), value=json.dumps({"id": i}),
                         headers=headers)
    assert producer.flush(60) == 0

    report = run_once(floe, kafka_broker, "db.headers", topic, mapping)
    assert report == {**report, "messages": 6, "rows": 3, "dead_letters": 3}

    rows = {r["id"]: r for r in pyiceberg_rows(pyiceberg_catalog, "db.headers")}
    assert sorted(rows) == [0, 4, 5]
    assert {i: (r["tenant"], r["trace_id"], r["attempt"]) for i, r in rows.items()} == {
        0: ("acme", "t-0", 1),
        4: ("beta", "second", None),  # the last of a repeated header
        5: ("beta", None, None),  # headers the message lacks
    }
    # PyArrow gives a map as (key, value) pairs; a repeated header keeps its last value.
    assert {i: dict(r["_headers"]) for i, r in rows.items()} == {
        0: {"tenant": "acme", "trace-id": "t-0", "attempt": "1"},
        4: {"tenant": "beta", "trace-id": "second", "note": None},
        5: {"tenant": "beta"},
    }
    schema = pyiceberg_catalog.load_table("db.headers").schema()
    assert str(schema.find_field("_headers").field_type) == "map<string, string>"

    # The dead letters keep the headers their messages had, as bytes.
    letters = {int(r["key"]): r for r in pyiceberg_rows(pyiceberg_catalog, "db.headers_dlq")}
    assert {i: r["reason"] for i, r in letters.items()} == \
        {1: "missing-required", 2: "missing-required", 3: "cast-failed"}
    sent = dict(MESSAGES)
    assert {i: dict(r["headers"]) for i, r in letters.items()} == \
        {i: dict(sent[i]) for i in letters}


def test_kafka_sink_dead_letters_forward_headers(kafka_broker, tmp_path):
    mapping = tmp_path / "headers.yaml"
    mapping.write_text(MAPPING)
    topic = kafka_broker.create_topic(topic_name())
    output = kafka_broker.create_topic(topic + "-out")
    kafka_broker.create_topic(output + "_dlq")
    producer = kafka_broker.producer()
    producer.produce(topic, key=b"2", value=json.dumps({"id": 2}),
                     headers=[("trace-id", b"t-2"), ("note", None)])
    assert producer.flush(60) == 0
    test_stream_sinks.run_once(kafka_broker, topic, mapping, "--sink", "kafka",
                               "--output-topic", output)
    [letter] = test_stream_sinks.read_committed(kafka_broker, output + "_dlq", 1)
    headers = letter.headers()
    assert headers[:2] == [("trace-id", b"t-2"), ("note", None)]
    assert dict(headers[2:])["floe.reason"] == b"missing-required"


def test_dead_letters_keep_headers_without_header_columns(kafka_broker, floe, tmp_path,
                                                          pyiceberg_catalog):
    """A mapping without header columns reads each message in place and no headers; a
    message that becomes a dead letter still keeps all of its headers, and the rows around
    it are read whole."""
    mapping = tmp_path / "plain.yaml"
    mapping.write_text("columns:\n  - {name: id, path: id, type: long, required: true}\n"
                       "  - {name: name, path: name, type: string}\n  - {name: _offset}\n")
    topic = kafka_broker.create_topic(topic_name())
    producer = kafka_broker.producer()
    sent = {}
    for i in range(40):
        value = json.dumps({"id": i, "name": f"n{i}"}) if i % 10 != 3 else '{"id": "x%d"' % i
        headers = [("trace-id", f"t-{i}".encode()), ("empty", None), ("trace-id", b"again")]
        sent[i] = headers
        producer.produce(topic, key=str(i).encode(), value=value, headers=headers)
    assert producer.flush(60) == 0

    report = run_once(floe, kafka_broker, "db.plain_headers", topic, mapping)
    assert report == {**report, "messages": 40, "rows": 36, "dead_letters": 4}
    rows = pyiceberg_rows(pyiceberg_catalog, "db.plain_headers")
    assert sorted((r["id"], r["name"]) for r in rows) == \
        [(i, f"n{i}") for i in range(40) if i % 10 != 3]
    letters = pyiceberg_rows(pyiceberg_catalog, "db.plain_headers_dlq")
    assert sorted(int(r["key"]) for r in letters) == [3, 13, 23, 33]
    for r in letters:
        i = int(r["key"])
        assert r["reason"] == "invalid-json"
        assert r["value"] == ('{"id": "x%d"' % i).encode()
        assert dict(r["headers"]) == dict(sent[i])  # a map: a repeated header's last value
