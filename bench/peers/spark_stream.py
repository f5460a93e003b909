"""Spark Structured Streaming as the peer of `floe stream` in bench/stream_section.py, served by
op_server: a Kafka source (spark-sql-kafka-0-10), the value parsed with from_json and cleaned
with the same steps as floe's mapping (b'…' wrappers stripped, numbers cast, epoch
microseconds to timestamps, the Debezium op, the Kafka partition and offset), written with
Iceberg's streaming sink to a table in the floe warehouse (JdbcCatalog over its SQLite file,
the session of tests/interop/servers/spark.py plus the Kafka source's jars).

Requests: `drain` (trigger availableNow: everything in the topic now, then stop — what floe's
--once does) and `start` / `stop` (a processing-time trigger, for the latency run).
Usage: spark_stream.py WAREHOUSE WORKDIR DRIVER_MEMORY."""
import time

START = time.perf_counter()

import os  # noqa: E402
import sys  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "interop"))

import op_server  # noqa: E402
from servers import spark as spark_server  # noqa: E402

# The Kafka source of Spark 4.0 and what it needs beyond pyspark's own jars (Maven Central
# serves no 4.0.x token provider but 4.0.0; the pair is taken from that release).
KAFKA_JARS = [
    ("org.apache.spark", "spark-sql-kafka-0-10_2.13", "4.0.0", "",
     "7f3974645d9b7b9ca8ff570baaa0c5d84a23b85e"),
    ("org.apache.spark", "spark-token-provider-kafka-0-10_2.13", "4.0.0", "",
     "bb6fa56777661c2860cc5a9b7361fb1db7255554"),
    ("org.apache.kafka", "kafka-clients", "3.9.1", "", "86ca079953ed5606257ff298c24666b26da6985b"),
    ("org.apache.commons", "commons-pool2", "2.12.0", "",
     "458563f69fbdaebf7daadfe10dc3a22e42a7de50"),
]

# The columns of bench/stream_section.py's mapping, computed the way its transforms do.
COLUMNS = """
  CAST(j.id AS BIGINT) AS id,
  CAST(regexp_replace(j.`ncr_ride_bookings.csv/booking+value`, "^b'(.*)'$", '$1') AS DOUBLE)
    AS booking_value,
  CAST(regexp_replace(j.`ncr_ride_bookings.csv/ride+distance`, "^b'(.*)'$", '$1') AS DOUBLE)
    AS ride_distance,
  j.customer_id, j.vehicle_type, j.pickup_location, j.booking_status,
  timestamp_micros(j.created_at) AS created_at_ts,
  timestamp_micros(j.updated_at) AS updated_at_ts,
  j.__op AS op, j.__source_ts_ms AS source_ts_ms,
  partition AS _partition, offset AS _offset
"""
VALUE_SCHEMA = ("id BIGINT, `ncr_ride_bookings.csv/booking+value` STRING, "
                "`ncr_ride_bookings.csv/ride+distance` STRING, customer_id STRING, "
                "vehicle_type STRING, pickup_location STRING, booking_status STRING, "
                "created_at BIGINT, updated_at BIGINT, __op STRING, __source_ts_ms BIGINT")
TABLE_SCHEMA = ("id BIGINT, booking_value DOUBLE, ride_distance DOUBLE, customer_id STRING, "
                "vehicle_type STRING, pickup_location STRING, booking_status STRING, "
                "created_at_ts TIMESTAMP, updated_at_ts TIMESTAMP, op STRING, "
                "source_ts_ms BIGINT, _partition INT, _offset BIGINT")


def _query(request, state, trigger):
    spark, table = state["spark"], f'{state["catalog"]}.{request["table"]}'
    spark.sql(f"CREATE TABLE IF NOT EXISTS {table} ({TABLE_SCHEMA}) USING iceberg")
    source = (spark.readStream.format("kafka")
              .option("kafka.bootstrap.servers", request["brokers"])
              .option("subscribe", request["topic"])
              .option("startingOffsets", "earliest")
              .option("kafka.isolation.level", "read_committed")
              .load())
    source.createOrReplaceTempView("kafka_source")
    cleaned = spark.sql(f"SELECT {COLUMNS} FROM (SELECT from_json(CAST(value AS STRING), "
                        f"'{VALUE_SCHEMA}') AS j, partition, offset FROM kafka_source)")
    writer = (cleaned.writeStream.format("iceberg").outputMode("append")
              .option("checkpointLocation", request["checkpoint"]))
    writer = trigger(writer)
    return writer.toTable(table)


def drain(request, state):
    query = _query(request, state, lambda w: w.trigger(availableNow=True))
    query.awaitTermination()
    if query.exception() is not None:
        raise RuntimeError(str(query.exception()))
    return {}


def start(request, state):
    interval = request["interval"]
    state["query"] = _query(request, state, lambda w: w.trigger(processingTime=interval))
    return {}


def stop(request, state):
    query = state.pop("query")
    query.stop()
    return {}


def setup():
    warehouse, workdir, memory = sys.argv[1], sys.argv[2], sys.argv[3]
    spark = spark_server.start_spark(workdir, driver_memory=memory, app_name="floe-bench-stream",
                                     extra_jars=KAFKA_JARS)
    return {"spark": spark, "catalog": spark_server.spark_catalog(spark, warehouse)}


if __name__ == "__main__":
    sys.exit(op_server.serve({"drain": drain, "start": start, "stop": stop}, START, setup))
