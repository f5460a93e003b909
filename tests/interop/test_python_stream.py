"""`floe.stream` from Python against a real Kafka broker: the same exactly-once stream as the
CLI, dead letters included, its report as a dataclass."""
import pytest

import floe
from test_stream_kafka import RIDES_MAPPING, ride, topic_name


def test_stream_once_writes_each_message_once(kafka_broker, warehouse, pyiceberg_catalog,
                                              tmp_path):
    topic = kafka_broker.create_topic(topic_name(), partitions=3)
    bad = {7, 19}
    kafka_broker.produce(topic, [(str(i).encode(), ride(i, "cast" if i in bad else None))
                                 for i in range(60)])
    mapping = tmp_path / "rides.yaml"
    mapping.write_text(RIDES_MAPPING)
    catalog = floe.load_catalog("default", warehouse=str(warehouse))
    args = dict(brokers=kafka_broker.bootstrap, topics=topic, group="g-" + topic,
                catalog=catalog, mapping=str(mapping), once=True)
    report = floe.stream("rides.bookings", **args)
    assert isinstance(report, floe.StreamReport)
    assert (report.messages, report.rows, report.dead_letters) == (60, 58, 2)
    assert report.commits >= 1 and report.refused_commits == 0
    rows = pyiceberg_catalog.load_table("rides.bookings").scan().to_arrow().to_pylist()
    assert sorted(r["id"] for r in rows) == [i for i in range(60) if i not in bad]
    assert all(r["booking_value"] == r["id"] + 0.5 for r in rows)
    dlq = pyiceberg_catalog.load_table("rides.bookings_dlq").scan().to_arrow().to_pylist()
    assert sorted(int(r["key"]) for r in dlq) == sorted(bad)
    # Run again: the offsets in the table say everything was read; nothing is added.
    again = floe.stream("rides.bookings", **args)
    assert again.messages == 0 and again.rows == 0
    # The mapping may be given as YAML text too; an inferred one is reported.
    kafka_broker.produce(topic, [ride(100)])
    more = floe.stream("rides.bookings", **{**args, "mapping": RIDES_MAPPING})
    assert more.rows == 1
    with pytest.raises(floe.InvalidError, match="mode"):
        floe.stream("rides.bookings", **{**args, "mode": "sideways"})
