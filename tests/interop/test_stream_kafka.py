"""floe stream against a real Kafka 4 broker (servers/kafka.py): Debezium messages into an
Iceberg table and its dead-letter table, read back by PyIceberg and DuckDB; --once re-runs,
SIGTERM, a SIGKILL loop while a producer writes, and upsert mode."""
import datetime as dt
import json
import os
import random
import signal
import subprocess
import threading
import time
import uuid

import pytest

from conftest import floe_bin_path
from servers.spark import as_multiset, spark_catalog, spark_multiset

SAMPLE = "/work/shared/samples/debezium-ride-bookings.jsonl"

RIDES_MAPPING = """\
columns:
  - {name: id, path: id, type: long, required: true}
  - {name: booking_value, path: "ncr_ride_bookings.csv/booking+value", type: double, transform: strip_bytes_literal}
  - {name: ride_distance, path: "ncr_ride_bookings.csv/ride+distance", type: double, transform: strip_bytes_literal}
  - {name: created_at_ts, path: created_at, type: timestamptz, transform: epoch_us}
  - {name: op, meta: _op}
  - {name: _partition}
  - {name: _offset}
key: id
"""


def topic_name():
    return "t" + uuid.uuid4().hex[:10]


def stream_cmd(floe, broker, table, topic, mapping, *extra):
    """The command line; with `mapping` None the mapping is inferred."""
    given = [] if mapping is None else ["--mapping", str(mapping)]
    return [floe.bin, "stream", table, "--brokers", broker.bootstrap, "--topic", topic,
            "--group", "g-" + topic, *given, "--warehouse", str(floe.warehouse),
            *map(str, extra)]


def run_once(floe, broker, table, topic, mapping, *extra, stderr=None):
    """`--once --json`: the report; `stderr`, a list, gets the process's stderr."""
    proc = subprocess.run(stream_cmd(floe, broker, table, topic, mapping, "--once", "--json",
                                     *extra), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    if stderr is not None:
        stderr.append(proc.stderr)
    return json.loads(proc.stdout)


def ride(i, bad=None):
    """A flattened Debezium message for ride i; `bad` makes it one of the three bad kinds."""
    if bad == "json":
        return '{"id": %d, "ncr_ride_bookings.csv/booking+value": ' % i
    row = {"id": i, "ncr_ride_bookings.csv/booking+value": f"b'{i}.5'",
           "ncr_ride_bookings.csv/ride+distance": f"b'{i % 50}.25'",
           "created_at": 1762514972953131 + i, "__op": "c"}
    if bad == "missing":
        del row["id"]
    if bad == "cast":
        row["ncr_ride_bookings.csv/booking+value"] = "b'lots'"
    return json.dumps(row)


def duck_rows(duck, catalog, table):
    location = catalog.load_table(table).metadata_location
    rel = duck.execute(f"SELECT * FROM iceberg_scan('{location}')")
    cols = [d[0] for d in rel.description]
    return [dict(zip(cols, r)) for r in rel.fetchall()]


def pyiceberg_rows(catalog, table):
    return catalog.load_table(table).scan().to_arrow().to_pylist()


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "rides.yaml"
    path.write_text(RIDES_MAPPING)
    return path


def test_sample_message_maps_to_expected_row(kafka_broker, floe, mapping, pyiceberg_catalog, duck,
                                             tmp_path):
    with open(SAMPLE) as f:
        flattened = f.readline().strip()
    topic = kafka_broker.create_topic(topic_name())
    kafka_broker.produce(topic, [flattened])
    report = run_once(floe, kafka_broker, "db.rides", topic, mapping)
    assert report["rows"] == 1 and report["dead_letters"] == 0
    # Worked out from the sample by hand: b'1138.0' -> 1138.0, 1762514972953131 µs since the
    # epoch -> 2025-11-07 11:29:32.953131 UTC.
    expected = {"id": 75204, "booking_value": 1138.0, "ride_distance": 45.75,
                "created_at_ts": dt.datetime(2025, 11, 7, 11, 29, 32, 953131,
                                             tzinfo=dt.timezone.utc),
                "op": "r", "_partition": 0, "_offset": 0}
    assert pyiceberg_rows(pyiceberg_catalog, "db.rides") == [expected]
    [duck_row] = duck_rows(duck, pyiceberg_catalog, "db.rides")
    assert duck_row["created_at_ts"].astimezone(dt.timezone.utc) == expected["created_at_ts"]
    assert {k: v for k, v in duck_row.items() if k != "created_at_ts"} == \
        {k: v for k, v in expected.items() if k != "created_at_ts"}


def test_once_appends_good_rows_and_dead_letters_exactly(kafka_broker, floe, mapping,
                                                         pyiceberg_catalog, duck):
    topic = kafka_broker.create_topic(topic_name(), partitions=3)
    bad = {7: "json", 13: "missing", 21: "cast", 22: "json"}
    messages = [(str(i).encode(), ride(i, bad.get(i))) for i in range(60)]
    kafka_broker.produce(topic, messages)
    report = run_once(floe, kafka_broker, "db.rides", topic, mapping)
    assert report == {**report, "messages": 60, "rows": 56, "dead_letters": 4}
    good = sorted(i for i in range(60) if i not in bad)
    for rows in (pyiceberg_rows(pyiceberg_catalog, "db.rides"),
                 duck_rows(duck, pyiceberg_catalog, "db.rides")):
        assert sorted(r["id"] for r in rows) == good
        assert all(r["booking_value"] == r["id"] + 0.5 for r in rows)
    letters = pyiceberg_rows(pyiceberg_catalog, "db.rides_dlq")
    duck_letters = duck_rows(duck, pyiceberg_catalog, "db.rides_dlq")
    by_key = {int(r["key"]): r for r in letters}
    assert sorted(by_key) == sorted(bad)
    assert sorted(int(r["key"]) for r in duck_letters) == sorted(bad)
    reasons = {7: "invalid-json", 13: "missing-required", 21: "cast-failed", 22: "invalid-json"}
    for i, kind in bad.items():
        letter = by_key[i]
        assert letter["reason"] == reasons[i]
        assert letter["value"] == ride(i, kind).encode()  # the exact bytes
        assert letter["topic"] == topic and letter["stream_id"] == "g-" + topic
    summary = pyiceberg_catalog.load_table("db.rides").current_snapshot().summary
    stream_id = "g-" + topic
    offsets = json.loads(summary[f"floe.stream.{stream_id}.offsets"])
    assert offsets == {topic: {str(p): n for p, n in kafka_broker.end_offsets(topic).items()}}
    assert summary[f"floe.stream.{stream_id}.dead-letters.invalid-json"] == "2"

    # Nothing new: a second run commits nothing more, in either table.
    again = run_once(floe, kafka_broker, "db.rides", topic, mapping)
    assert again["rows"] == 0 and again["dead_letters"] == 0
    assert len(pyiceberg_rows(pyiceberg_catalog, "db.rides")) == 56
    assert len(pyiceberg_rows(pyiceberg_catalog, "db.rides_dlq")) == 4

    # New messages: only they are added.
    kafka_broker.produce(topic, [(b"100", ride(100)), (b"101", ride(101, "cast"))])
    more = run_once(floe, kafka_broker, "db.rides", topic, mapping)
    assert more["rows"] == 1 and more["dead_letters"] == 1
    assert sorted(r["id"] for r in pyiceberg_rows(pyiceberg_catalog, "db.rides")) == good + [100]
    assert len(pyiceberg_rows(pyiceberg_catalog, "db.rides_dlq")) == 5


def test_sigterm_commits_what_is_in_flight(kafka_broker, floe, mapping, pyiceberg_catalog):
    topic = kafka_broker.create_topic(topic_name())
    kafka_broker.produce(topic, [ride(i) for i in range(25)])
    # A commit interval far beyond the test: only the SIGTERM flush can commit.
    proc = subprocess.Popen(stream_cmd(floe, kafka_broker, "db.rides", topic, mapping,
                                       "--commit-interval", "10m"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assigned = threading.Event()
    err_lines = []

    def read_stderr():
        for line in proc.stderr:
            err_lines.append(line)
            if "assigned" in line:
                assigned.set()

    reader = threading.Thread(target=read_stderr)
    reader.start()
    assert assigned.wait(120), "".join(err_lines)
    time.sleep(3)  # fetches the 25 messages; nothing commits before the signal
    assert not pyiceberg_catalog.load_table("db.rides").current_snapshot()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    reader.join()
    assert proc.returncode == 0, "".join(err_lines)
    assert sorted(r["id"] for r in pyiceberg_rows(pyiceberg_catalog, "db.rides")) == \
        list(range(25))


def kill_loop(broker, topic, n, bad, command, log_path, kills_wanted, seed, longest_s):
    """Produces n rides over the topic's partitions, 100 every 0.2 s (the `bad` ones fail
    conversion), while `command` runs and is SIGKILLed after a random 1 s to `longest_s` and
    started again, at least `kills_wanted` times and until the producer is done. Returns the
    number of kills."""
    done = threading.Event()

    def produce():
        for start in range(0, n, 100):
            broker.produce(topic, [(str(i).encode(), ride(i, "cast" if i in bad else None))
                                   for i in range(start, start + 100)])
            time.sleep(0.2)
        done.set()

    producer = threading.Thread(target=produce)
    producer.start()
    rng = random.Random(seed)
    kills = 0
    with open(log_path, "w") as log:
        try:
            while kills < kills_wanted or not done.is_set():
                proc = subprocess.Popen(command, stdout=log, stderr=log)
                time.sleep(rng.uniform(1.0, longest_s))
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills += 1
        finally:
            producer.join()
    return kills


def test_kill_loop_is_exactly_once(kafka_broker, floe, mapping, pyiceberg_catalog, duck, tmp_path):
    """A producer writes N messages over 3 partitions while floe stream is SIGKILLed at random
    moments (at least ten times) and restarted; the table ends with exactly the N - bad rows
    and the dead-letter table with exactly the bad ones."""
    topic = kafka_broker.create_topic(topic_name(), partitions=3)
    n = 3000
    bad = {i for i in range(n) if i % 97 == 5}
    # Static membership: a restarted process takes its killed predecessor's place in the group
    # at once, instead of waiting out the dead member's session.
    member = ["--kafka-property", "group.instance.id=floe-kill-loop",
              "--kafka-property", "session.timeout.ms=6000"]
    command = stream_cmd(floe, kafka_broker, "db.rides", topic, mapping, "--commit-interval",
                         "300ms", "--max-records-per-commit", "150", *member)
    kills = kill_loop(kafka_broker, topic, n, bad, command, tmp_path / "stream.log",
                      kills_wanted=10, seed=12, longest_s=6.0)
    assert kills >= 10
    # The killed processes did the work: many commits landed between kills (and the final
    # run only finishes what the last one left).
    snapshots = pyiceberg_catalog.load_table("db.rides").snapshots()
    assert len(snapshots) >= 5
    run_once(floe, kafka_broker, "db.rides", topic, mapping, *member)
    expected = sorted(set(range(n)) - bad)
    rows = pyiceberg_rows(pyiceberg_catalog, "db.rides")
    assert len(rows) == len(expected)
    assert sorted(r["id"] for r in rows) == expected
    assert sorted(r["id"] for r in duck_rows(duck, pyiceberg_catalog, "db.rides")) == expected
    letters = pyiceberg_rows(pyiceberg_catalog, "db.rides_dlq")
    assert sorted(int(r["key"]) for r in letters) == sorted(bad)
    assert sorted(int(r["key"]) for r in duck_rows(duck, pyiceberg_catalog, "db.rides_dlq")) == \
        sorted(bad)


def test_upsert_keeps_one_row_per_key(kafka_broker, floe, tmp_path, spark):
    mapping = tmp_path / "upsert.yaml"
    mapping.write_text("""\
columns:
  - {name: id, path: id, type: long}
  - {name: status, path: status, type: string}
  - {name: version, path: version, type: int}
key: id
""")
    topic = kafka_broker.create_topic(topic_name(), partitions=3)
    final = {}
    messages = []
    rng = random.Random(3)
    for version in range(1, 6):
        for key in range(30):
            if rng.random() < 0.5:
                continue
            op = "u" if key in final else "c"
            after = {"id": key, "status": f"s{version}", "version": version}
            messages.append((str(key).encode(), json.dumps(
                {"before": None, "after": after, "op": op, "source": {"ts_ms": version}})))
            final[key] = after
    for key in (3, 4, 5):  # deleted at the end, with Debezium's tombstone after the delete
        if key in final:
            messages.append((str(key).encode(), json.dumps(
                {"before": final.pop(key), "after": None, "op": "d"})))
            messages.append((str(key).encode(), None))
    # One key's messages go to one partition (keyed), so their order holds.
    kafka_broker.produce(topic, messages)
    run_once(floe, kafka_broker, "db.state", topic, mapping, "--mode", "upsert",
             "--max-records-per-commit", "17")
    expected = sorted(final.values(), key=lambda r: r["id"])
    floe_rows = sorted(floe.scan_rows("db.state"), key=lambda r: r["id"])
    assert floe_rows == expected
    # Spark applies the equality deletes as floe does. (DuckDB 1.4 is not asked: on tables with
    # equality deletes its iceberg_scan now and then stops with an internal error or, on one
    # thread, leaves rows out; PyIceberg 0.12 refuses equality deletes.)
    cat = spark_catalog(spark, floe.warehouse)
    columns = ["id", "status", "version"]
    assert spark_multiset(spark, f"{cat}.db.state", columns) == as_multiset(expected, columns)
    # A replay of everything from the start changes nothing: the offsets say it is done.
    again = run_once(floe, kafka_broker, "db.state", topic, mapping, "--mode", "upsert")
    assert again["rows"] == 0
    assert sorted(floe.scan_rows("db.state"), key=lambda r: r["id"]) == expected


def test_envelope_sample_and_on_error_fail(kafka_broker, floe, tmp_path, pyiceberg_catalog):
    with open(SAMPLE) as f:
        f.readline()
        envelope = f.readline().strip()
    mapping = tmp_path / "envelope.yaml"
    mapping.write_text("""\
columns:
  - {name: id, path: id, type: long, required: true}
  - {name: booking_value, path: booking_value, type: double, transform: strip_bytes_literal}
  - {name: updated_at_ts, path: updated_at, type: timestamptz, transform: epoch_us}
  - {name: op, meta: _op}
  - {name: source_ts, meta: _source_ts_ms, type: timestamptz, transform: epoch_ms}
""")
    topic = kafka_broker.create_topic(topic_name())
    kafka_broker.produce(topic, [envelope, "not json at all", envelope])
    # --on-error fail: the bad message stops the stream and nothing of its batch commits.
    proc = subprocess.run(stream_cmd(floe, kafka_broker, "db.env", topic, mapping, "--once",
                                     "--on-error", "fail"),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "offset 1" in proc.stderr and "invalid-json" in proc.stderr
    assert pyiceberg_catalog.load_table("db.env").current_snapshot() is None
    assert not pyiceberg_catalog.table_exists("db.env_dlq")
    report = run_once(floe, kafka_broker, "db.env", topic, mapping)
    assert report["rows"] == 2 and report["dead_letters"] == 1
    row = {"id": 75204, "booking_value": 1138.0,
           "updated_at_ts": dt.datetime(2025, 11, 7, 11, 29, 32, 953131, tzinfo=dt.timezone.utc),
           "op": "r",
           "source_ts": dt.datetime(2025, 11, 7, 11, 29, 32, 953000, tzinfo=dt.timezone.utc)}
    assert pyiceberg_rows(pyiceberg_catalog, "db.env") == [row, row]

    status = floe.json("stream", "status", "db.env", "--brokers", kafka_broker.bootstrap)
    assert [(s["stream_id"], s["topic"], s["partition"], s["committed_offset"], s["end_offset"],
             s["lag"]) for s in status] == [("g-" + topic, topic, 0, 3, 3, 0)]
    kafka_broker.produce(topic, [envelope])
    status = floe.json("stream", "status", "db.env", "--brokers", kafka_broker.bootstrap)
    assert status[0]["lag"] == 1 and status[0]["end_offset"] == 4


def test_repeated_strings_go_dictionary_encoded_and_read_alike(kafka_broker, floe, tmp_path,
                                                               pyiceberg_catalog, duck, spark):
    """An append stream hands string columns whose values repeat to Parquet dictionary-encoded,
    and one of distinct values plain; every reader sees the same rows, and the bounds cover only
    the rows kept (a dead letter's value stays in the batch's dictionary, unreferenced)."""
    mapping = tmp_path / "statuses.yaml"
    mapping.write_text("""\
columns:
  - {name: id, path: id, type: long, required: true}
  - {name: status, path: status, type: string}
  - {name: customer, path: customer, type: string}
  - {name: n, path: n, type: int}
""")
    statuses = ["Completed", "Cancelled by Driver", "No Driver Found", None]
    messages, expected, bad = [], [], 0
    for i in range(5000):
        if i % 500 == 250:  # sorts before every kept status, then fails the cast of n
            messages.append(json.dumps({"id": i, "status": "AAA", "customer": "A", "n": "x"}))
            bad += 1
            continue
        row = {"id": i, "status": statuses[i % 4], "customer": f"CID{i:07d}", "n": i}
        messages.append(json.dumps({k: v for k, v in row.items() if v is not None}))
        expected.append(row)
    topic = kafka_broker.create_topic(topic_name())
    kafka_broker.produce(topic, messages)
    report = run_once(floe, kafka_broker, "db.statuses", topic, mapping,
                      "--max-records-per-commit", "10000")
    assert report["rows"] == len(expected) and report["dead_letters"] == bad

    table = pyiceberg_catalog.load_table("db.statuses")
    columns = ["id", "status", "customer", "n"]
    want = as_multiset(expected, columns)
    assert as_multiset(table.scan().to_arrow().to_pylist(), columns) == want
    assert as_multiset(duck_rows(duck, pyiceberg_catalog, "db.statuses"), columns) == want
    cat = spark_catalog(spark, floe.warehouse)
    assert spark_multiset(spark, f"{cat}.db.statuses", columns) == want

    import pyarrow.parquet as pq
    files = table.inspect.files().to_pylist()
    assert files
    for f in files:
        chunks = pq.ParquetFile(f["file_path"].removeprefix("file://")).metadata.row_group(0)
        encodings = {chunks.column(c).path_in_schema: chunks.column(c).encodings
                     for c in range(chunks.num_columns)}
        assert "RLE_DICTIONARY" in encodings["status"], encodings
        assert "RLE_DICTIONARY" not in encodings["customer"], encodings
        metrics = f["readable_metrics"]
        # The default metrics mode, truncate(16), cuts the lower bound short.
        assert metrics["status"]["lower_bound"] == "Cancelled by Dri"
        assert metrics["status"]["upper_bound"] == "No Driver Found"
        assert metrics["status"]["null_value_count"] == sum(
            1 for r in expected if r["status"] is None)
