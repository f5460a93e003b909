"""The streaming section of `make bench`: `floe stream` beside Spark Structured Streaming and
(optionally) the Iceberg Kafka Connect sink on the same Kafka topic, the same Debezium
messages and the same cleaning steps (as far as Connect's transforms reach: see
peers/kafka_connect_stream.py).

A Kafka 4 broker (tests/interop/servers/kafka.py) gets a topic of flattened Debezium messages
(~300 bytes each, keys = ids). Two measurements:

- Drain: each system reads the whole topic from the earliest offsets into a new Iceberg table
  and stops (floe `--once`, Spark `trigger(availableNow)`, a Connect sink connector removed
  once the table holds every message). Messages per CPU-second count the user + system CPU
  of the consumer alone (floe's process; a peer's JVM and its Python parent during the
  drain, start-up excluded and reported apart); the broker is not charged.
  Every table is read back with PyIceberg: each (partition, offset) exactly once.
- Latency: each system runs continuously with a 1 s commit interval (Spark: a 1 s
  processing-time trigger; Connect: the sink's commit interval) while a producer writes at a
  fixed rate. A poller watches the catalog and notes when each snapshot becomes visible;
  afterwards every row is traced to the snapshot that added its data file, and its latency is
  that time minus the message's Kafka CreateTime (set when the producer was called). The
  first seconds are a warm-up and left out.
See bench/README.md."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

import measure

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "peers")
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "interop"))

NAMESPACE = "bench"
# The optional peers: the name --stream-peers takes, the short name in their table names.
PEER_TAGS = {"spark": "spark", "kafka-connect": "kc"}
MAPPING = """\
columns:
  - {name: id, path: id, type: long, required: true}
  - {name: booking_value, path: "ncr_ride_bookings.csv/booking+value", type: double, transform: strip_bytes_literal}
  - {name: ride_distance, path: "ncr_ride_bookings.csv/ride+distance", type: double, transform: strip_bytes_literal}
  - {name: customer_id, path: customer_id, type: string}
  - {name: vehicle_type, path: vehicle_type, type: string}
  - {name: pickup_location, path: pickup_location, type: string}
  - {name: booking_status, path: booking_status, type: string}
  - {name: created_at_ts, path: created_at, type: timestamptz, transform: epoch_us}
  - {name: updated_at_ts, path: updated_at, type: timestamptz, transform: epoch_us}
  - {name: op, meta: _op}
  - {name: source_ts_ms, meta: _source_ts_ms}
  - {name: _partition}
  - {name: _offset}
key: id
"""
VEHICLES = ["Auto", "Go Mini", "Go Sedan", "Bike", "Premier Sedan", "eBike", "Uber XL"]
PLACES = ["Palam Vihar", "Shastri Nagar", "Khandsa", "Central Secretariat", "Ghitorni Village",
          "AIIMS", "Vaishali", "Mayur Vihar", "Cyber Hub", "Noida Sector 62"]
STATUSES = ["Completed", "Completed", "Completed", "Cancelled by Driver", "No Driver Found",
            "Incomplete", "Cancelled by Customer"]
TEMPLATE = ('{"id":%d,"ncr_ride_bookings.csv/booking+value":"b\'%d.0\'",'
            '"ncr_ride_bookings.csv/ride+distance":"b\'%d.%02d\'","customer_id":"CID%07d",'
            '"vehicle_type":"%s","pickup_location":"%s","booking_status":"%s",'
            '"created_at":%d,"updated_at":%d,"__op":"%s","__source_ts_ms":%d,"__deleted":"false"}')


def add_args(p) -> None:
    g = p.add_argument_group("streaming section")
    g.add_argument("--skip-stream", action="store_true", help="leave the streaming section out")
    g.add_argument("--stream-messages", type=int, default=2_000_000,
                   help="messages in the topic every system drains")
    g.add_argument("--stream-partitions", type=int, default=4, help="partitions of the topics")
    g.add_argument("--stream-peers", default="spark,kafka-connect",
                   help="comma-separated subset of spark,kafka-connect ('' for floe alone)")
    g.add_argument("--stream-rate", type=int, default=5000,
                   help="messages per second the producer writes during the latency run")
    g.add_argument("--stream-latency-s", type=float, default=40,
                   help="seconds the producer writes during the latency run")
    g.add_argument("--stream-warmup-s", type=float, default=5,
                   help="first seconds of the latency run left out of the figures")
    g.add_argument("--stream-interval-s", type=float, default=1.0,
                   help="commit interval (floe) and trigger interval (Spark) of the latency run")


def log(*parts):
    print("[bench stream]", *parts, file=sys.stderr, flush=True)


def message(i: int, rng: random.Random, now_us: int) -> tuple[bytes, bytes]:
    created = now_us - rng.randrange(86_400_000_000)
    value = TEMPLATE % (i, rng.randrange(50, 4000), rng.randrange(1, 50), rng.randrange(100), i,
                        rng.choice(VEHICLES), rng.choice(PLACES), rng.choice(STATUSES), created,
                        created + rng.randrange(3_600_000_000), "c" if i % 4 else "u",
                        now_us // 1000)
    return str(i).encode(), value.encode()


def _produce_backlog(broker, topic: str, n: int, seed: int) -> int:
    """Writes n messages as fast as the producer goes; returns their total value bytes."""
    producer = broker.producer(**{"linger.ms": 50, "batch.size": 1_000_000,
                                  "queue.buffering.max.messages": 1_000_000})
    rng, now_us, total = random.Random(seed), int(time.time() * 1e6), 0
    for i in range(n):
        key, value = message(i, rng, now_us)
        total += len(value)
        while True:
            try:
                producer.produce(topic, value=value, key=key)
                break
            except BufferError:
                producer.poll(0.05)
        if i % 10_000 == 0:
            producer.poll(0)
    if producer.flush(120):
        raise RuntimeError(f"producing to {topic}: messages left unacknowledged")
    return total


def _catalog(wh: str):
    from pyiceberg.catalog.sql import SqlCatalog

    return SqlCatalog("default", uri=f"sqlite:///{wh}/catalog.db", warehouse=f"file://{wh}")


def _check_exactly_once(wh: str, table: str, n: int) -> str | None:
    """None when the table holds each of the topic's n (partition, offset) pairs once."""
    import pyarrow.compute as pc

    rows = _catalog(wh).load_table(table).scan(
        selected_fields=("_partition", "_offset")).to_arrow()
    if rows.num_rows != n:
        return f"{rows.num_rows} rows, expected {n}"
    pairs = pc.add(pc.multiply(pc.cast(rows["_partition"], "int64"), 1 << 40), rows["_offset"])
    distinct = len(pc.unique(pairs))
    return None if distinct == n else f"{n - distinct} duplicate (partition, offset) pairs"


def _floe_stream_cmd(args, wh, mapping, table, topic, broker, *extra) -> list[str]:
    return [args.floe, "stream", f"{NAMESPACE}.{table}", "--brokers", broker.bootstrap,
            "--topic", topic, "--group", f"g-{table}", "--mapping", mapping, "--warehouse", wh,
            *extra]


def _summary(runs: list[dict], n: int) -> dict:
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {}
    med = {k: statistics.median(r[k] for r in ok) for k in ("wall_s", "cpu_s")}
    med["msgs_per_cpu_s"] = n / med["cpu_s"] if med["cpu_s"] else None
    med["msgs_per_s"] = n / med["wall_s"] if med["wall_s"] else None
    return med


def drain(args, ctx) -> list[dict]:
    out, n = [], args.stream_messages
    runs = []
    for run in range(args.runs):
        table = f"rides_floe_{run}"
        m = measure.run(_floe_stream_cmd(args, ctx["wh"], ctx["mapping"], table, ctx["topic"],
                                         ctx["broker"], "--once", "--json"))
        entry = {"wall_s": m.wall_s, "cpu_s": m.cpu_s, "peak_mb": m.peak_mb}
        if m.returncode != 0:
            entry["error"] = m.stderr.strip()[-500:]
        else:
            entry["report"] = json.loads(m.stdout)
            problem = _check_exactly_once(ctx["wh"], f"{NAMESPACE}.{table}", n)
            if problem:
                entry["error"] = problem
        log(f"floe drain run {run + 1}: {m.wall_s:.1f} s wall, {m.cpu_s:.2f} CPU-s",
            entry.get("error", ""))
        runs.append(entry)
    out.append({"system": "floe", "runs": runs, "median": _summary(runs, n)})
    for system, peer in ctx["peers"].items():
        runs = []
        for run in range(args.runs):
            table = f"rides_{PEER_TAGS[system]}_{run}"
            answer = peer.request({"op": "drain", "table": f"{NAMESPACE}.{table}",
                                   "topic": ctx["topic"], "brokers": ctx["broker"].bootstrap,
                                   "checkpoint": os.path.join(ctx["work"], f"ckpt-{table}")},
                                  cap_s=1800)
            entry = {"wall_s": answer.get("wall_s"), "cpu_s": answer.get("cpu_s")}
            if "error" in answer:
                entry["error"] = answer["error"]
            else:
                problem = _check_exactly_once(ctx["wh"], f"{NAMESPACE}.{table}", n)
                if problem:
                    entry["error"] = problem
            log(f"{peer.name} drain run {run + 1}: {entry}")
            runs.append(entry)
        out.append({"system": system, "runs": runs, "median": _summary(runs, n),
                    "startup": peer.startup})
    return out


def _local_path(location: str) -> str:
    """A warehouse file's path from its location: `/p`, `file:/p` (as Java's Hadoop paths
    print it) or `file:///p`."""
    if location.startswith("file:"):
        location = location[len("file:"):]
        while location.startswith("//"):
            location = location[1:]
    return location


class _SnapshotWatcher(threading.Thread):
    """Notes the wall-clock time (ms) each snapshot of a table is first seen in the catalog."""

    def __init__(self, wh: str, table: str, period_s: float = 0.05):
        super().__init__(daemon=True)
        self.db, self.table, self.period_s = os.path.join(wh, "catalog.db"), table, period_s
        self.seen, self.total_records = {}, 0
        self.stop = threading.Event()

    def run(self):
        location = None
        while not self.stop.is_set():
            now_ms = time.time() * 1000
            try:
                with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=1) as db:
                    row = db.execute("SELECT metadata_location FROM iceberg_tables WHERE "
                                     "table_namespace = ? AND table_name = ?",
                                     (NAMESPACE, self.table)).fetchone()
            except sqlite3.Error:
                row = None
            if row and row[0] != location:
                location = row[0]
                with open(_local_path(location)) as f:
                    metadata = json.load(f)
                for s in metadata.get("snapshots", []):
                    self.seen.setdefault(s["snapshot-id"], now_ms)
                current = metadata.get("current-snapshot-id")
                for s in metadata.get("snapshots", []):
                    if s["snapshot-id"] == current:
                        self.total_records = int(s["summary"].get("total-records", 0))
            self.stop.wait(self.period_s)


def _produce_paced(broker, topic: str, rate: int, seconds: float, seed: int) -> dict:
    """Writes `rate` messages a second for `seconds`; {(partition, offset): CreateTime ms}."""
    created, errors = {}, []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err)
        else:
            created[(msg.partition(), msg.offset())] = msg.timestamp()[1]

    producer = broker.producer(**{"linger.ms": 5})
    rng, now_us = random.Random(seed), int(time.time() * 1e6)
    tick, i, start = 0.01, 0, time.monotonic()
    while time.monotonic() - start < seconds:
        due = int((time.monotonic() - start + tick) * rate)
        while i < due:
            key, value = message(i, rng, now_us)
            producer.produce(topic, value=value, key=key, on_delivery=on_delivery)
            i += 1
        producer.poll(0)
        time.sleep(max(0.0, start + (i / rate) - time.monotonic()))
    if producer.flush(60) or errors:
        raise RuntimeError(f"producing to {topic}: errors {errors[:3]}")
    return created


def _latencies(wh: str, table: str, watcher: _SnapshotWatcher, created: dict,
               warmup_until_ms: float) -> list[float]:
    """Seconds from CreateTime to visibility, per message produced after the warm-up."""
    import pyarrow.parquet as pq

    entries = _catalog(wh).load_table(f"{NAMESPACE}.{table}").inspect.entries().to_pylist()
    out = []
    for e in entries:
        if e["data_file"]["content"] != 0:
            continue
        visible = watcher.seen.get(e["snapshot_id"])
        path = _local_path(e["data_file"]["file_path"])
        cols = pq.read_table(path, columns=["_partition", "_offset"]).to_pydict()
        for p, o in zip(cols["_partition"], cols["_offset"]):
            t = created.get((p, o))
            if t is not None and t >= warmup_until_ms and visible is not None:
                out.append((visible - t) / 1000)
    return out


def latency(args, ctx, system: str) -> dict:
    broker, wh = ctx["broker"], ctx["wh"]
    table = f"rides_{PEER_TAGS.get(system, system)}_latency"
    topic = broker.create_topic(f"rides-latency-{system}", partitions=args.stream_partitions)
    interval = args.stream_interval_s
    proc = None
    if system == "floe":
        cmd = _floe_stream_cmd(args, wh, ctx["mapping"], table, topic, broker,
                               "--commit-interval", f"{int(interval * 1000)}ms")
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        started = []
        while not started or (started[-1] and "assigned" not in started[-1]):
            started.append(proc.stderr.readline())  # until "floe stream: assigned N …"
        if not started[-1]:
            proc.wait()
            return {"system": system, "error": "floe stream did not start: " + "".join(started)}
        threading.Thread(target=proc.stderr.read, daemon=True).start()
    else:
        answer = ctx["peers"][system].request(
            {"op": "start", "table": f"{NAMESPACE}.{table}", "topic": topic,
             "brokers": broker.bootstrap, "checkpoint": os.path.join(ctx["work"], f"ckpt-{table}"),
             "interval": f"{interval} seconds", "interval_ms": int(interval * 1000)}, cap_s=300)
        if "error" in answer:
            return {"system": system, "error": answer["error"]}
    watcher = _SnapshotWatcher(wh, table)
    try:
        time.sleep(2)
        watcher.start()
        start_ms = time.time() * 1000
        created = _produce_paced(broker, topic, args.stream_rate, args.stream_latency_s,
                                 args.seed)
        deadline = time.monotonic() + 120
        while watcher.total_records < len(created) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:  # the consumer never outlives the run, whatever happened
        watcher.stop.set()
        if watcher.is_alive():
            watcher.join()
        if proc:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        else:
            ctx["peers"][system].request({"op": "stop"}, cap_s=120)
    lat = sorted(_latencies(wh, table, watcher, created, start_ms + args.stream_warmup_s * 1000))
    entry = {"system": system, "interval_s": interval, "rate": args.stream_rate,
             "seconds": args.stream_latency_s, "messages": len(created),
             "visible": watcher.total_records, "measured": len(lat),
             "snapshots": len(watcher.seen)}
    if watcher.total_records < len(created):
        entry["error"] = f"{len(created) - watcher.total_records} messages never became visible"
    if lat:
        q = lambda f: lat[min(len(lat) - 1, int(f * len(lat)))]  # noqa: E731
        entry.update(p50_s=q(0.5), p90_s=q(0.9), p99_s=q(0.99), max_s=lat[-1])
    log(f"{system} latency: {entry}")
    return entry


def _install_kafka_connect(result: dict) -> bool:
    """Runs peers/install_kafka_connect.sh; on failure notes why in the results (the Connect
    rows then say so) and returns False."""
    try:
        subprocess.run(["bash", os.path.join(PEERS, "install_kafka_connect.sh")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        return True
    except subprocess.CalledProcessError as e:
        error = "install_kafka_connect.sh failed: " + (e.stderr or "").strip()[-300:]
    log(error)
    result["skipped"] = [{"system": "kafka-connect", "error": error}]
    return False


def run(args) -> dict:
    from servers.kafka import start_kafka_broker

    work = os.path.join(args.work_dir, "stream")
    shutil.rmtree(work, ignore_errors=True)
    wh = os.path.join(work, "warehouse")
    os.makedirs(wh)
    mapping = os.path.join(work, "rides.yaml")
    with open(mapping, "w") as f:
        f.write(MAPPING)
    subprocess.run([args.floe, "--warehouse", wh, "namespace", "create", NAMESPACE], check=True,
                   capture_output=True)
    peers = set(filter(None, args.stream_peers.split(",")))
    unknown = peers - set(PEER_TAGS)
    if unknown:
        raise SystemExit(f"--stream-peers: unknown {', '.join(sorted(unknown))}")
    log("starting the Kafka broker")
    broker = start_kafka_broker(os.path.join(work, "kafka"))
    ctx = {"broker": broker, "wh": wh, "work": work, "mapping": mapping, "peers": {}}
    result = {"messages": args.stream_messages, "partitions": args.stream_partitions,
              "mapping": MAPPING}
    try:
        ctx["topic"] = broker.create_topic("rides", partitions=args.stream_partitions)
        log(f"producing {args.stream_messages} messages")
        value_bytes = _produce_backlog(broker, ctx["topic"], args.stream_messages, args.seed)
        result["avg_message_bytes"] = value_bytes / max(1, args.stream_messages)
        if "spark" in peers:
            ctx["peers"]["spark"] = measure.Peer(
                "Spark", [sys.executable, os.path.join(PEERS, "spark_stream.py"), wh,
                          os.path.join(work, "spark"), "4g"], os.path.join(work, "spark.log"))
        # Resolved (once, cached) before the worker starts, so its start-up excludes Maven.
        if "kafka-connect" in peers and _install_kafka_connect(result):
            ctx["peers"]["kafka-connect"] = measure.Peer(
                "Kafka Connect", [sys.executable, os.path.join(PEERS, "kafka_connect_stream.py"),
                                  wh, os.path.join(work, "kafka-connect"), "2g",
                                  broker.bootstrap],
                os.path.join(work, "kafka-connect.log"))
        result["drain"] = drain(args, ctx)
        for skipped in result.get("skipped", []):
            result["drain"].append({"system": skipped["system"], "median": {},
                                    "runs": [{"error": skipped["error"]}]})
        result["latency"] = [latency(args, ctx, "floe")]
        for system in ctx["peers"]:
            result["latency"].append(latency(args, ctx, system))
        result["latency"] += result.get("skipped", [])
    finally:
        for peer in ctx["peers"].values():
            peer.stop()
        broker.stop()
    return result
