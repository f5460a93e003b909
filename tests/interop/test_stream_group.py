"""Several `floe stream` processes in one consumer group against the real broker: partitions move
between them while a producer writes, and a paused process (a zombie) whose partitions were
given away resumes; the table holds every message exactly once."""
import collections
import json
import os
import signal
import subprocess
import threading
import time

from test_stream_kafka import mapping, pyiceberg_rows, ride, stream_cmd, topic_name  # noqa: F401

# Short sessions so a stopped or paused member leaves the group within seconds.
MEMBER = ["--kafka-property", "session.timeout.ms=6000",
          "--kafka-property", "heartbeat.interval.ms=500"]


class StreamProcess:
    """One `floe stream` process whose stderr lines are collected as they come."""

    def __init__(self, cmd, env=None):
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env)
        self.lines = []
        self.reader = threading.Thread(target=self._read)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line)

    def count(self, word):
        return sum(word in line for line in self.lines)

    def wait_for(self, word, at_least=1, timeout=120):
        deadline = time.monotonic() + timeout
        while self.count(word) < at_least:
            assert self.proc.poll() is None, "".join(self.lines)
            assert time.monotonic() < deadline, f"no '{word}' in:\n" + "".join(self.lines)
            time.sleep(0.1)

    def stop(self, timeout=60):
        """SIGTERM: commits what is in flight and exits 0; returns stdout."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=timeout)  # stdout is one line: the pipe never fills
        out = self.proc.stdout.read()
        self.reader.join()
        assert self.proc.returncode == 0, "".join(self.lines)
        return out

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join()


def committed_offsets(catalog, table, stream_id):
    snapshot = catalog.load_table(table).current_snapshot()
    if snapshot is None:
        return {}
    text = snapshot.summary.get(f"floe.stream.{stream_id}.offsets")
    return json.loads(text) if text else {}


def wait_until_committed(broker, catalog, table, topic, stream_id=None, timeout=180):
    """Until the table's offsets of every partition reach the broker's end offsets."""
    stream_id = stream_id or "g-" + topic
    ends = {str(p): n for p, n in broker.end_offsets(topic).items()}
    deadline = time.monotonic() + timeout
    while committed_offsets(catalog, table, stream_id).get(topic) != ends:
        assert time.monotonic() < deadline, (committed_offsets(catalog, table, stream_id), ends)
        time.sleep(0.5)


def assert_exactly(catalog, table, expected_ids):
    ids = collections.Counter(r["id"] for r in pyiceberg_rows(catalog, table))
    assert not [i for i, n in ids.items() if n > 1], "duplicates"
    assert sorted(ids) == sorted(expected_ids)


class RideProducer:
    """Writes rides 0, 1, 2, … to `topic`, 30 every 0.2 s, until stopped."""

    def __init__(self, broker, topic):
        self.broker, self.topic = broker, topic
        self.produced = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self):
        while not self.stopping.is_set():
            start = self.produced
            self.broker.produce(self.topic, [(str(i).encode(), ride(i))
                                             for i in range(start, start + 30)])
            self.produced = start + 30
            time.sleep(0.2)

    def stop(self):
        self.stopping.set()
        self.thread.join()


def test_partitions_move_between_processes(kafka_broker, floe, mapping, pyiceberg_catalog):
    """A, then B joins, A stops, C joins, while a producer writes to 3 partitions: the
    partitions change owner three times and every message lands once."""
    topic = kafka_broker.create_topic(topic_name(), partitions=3)

    def start():
        return StreamProcess(stream_cmd(floe, kafka_broker, "db.rides", topic, mapping,
                                        "--commit-interval", "300ms",
                                        "--max-records-per-commit", "100", *MEMBER))

    producer = RideProducer(kafka_broker, topic)
    procs = []
    try:
        a = start()
        procs.append(a)
        a.wait_for("committed", at_least=2)
        b = start()
        procs.append(b)
        b.wait_for("assigned")
        a.wait_for("assigned", at_least=2)  # A gave up partitions to B
        b.wait_for("committed")
        a_commits = a.count("committed")
        a.wait_for("committed", at_least=a_commits + 1)  # A still commits its share
        a.stop()
        b.wait_for("assigned", at_least=2)  # B took over A's partitions
        b_commits = b.count("committed")
        b.wait_for("committed", at_least=b_commits + 2)
        c = start()
        procs.append(c)
        c.wait_for("assigned")
        c.wait_for("committed")
        b.wait_for("committed", at_least=b.count("committed") + 1)  # B kept a share
        producer.stop()
        wait_until_committed(kafka_broker, pyiceberg_catalog, "db.rides", topic)
        b.stop()
        c.stop()
    finally:
        producer.stop()
        for p in procs:
            p.kill()
    assert_exactly(pyiceberg_catalog, "db.rides", range(producer.produced))
    # Nobody's batch was lost to the moves: the offsets are at the end of every partition.
    assert committed_offsets(pyiceberg_catalog, "db.rides", "g-" + topic)[topic] == \
        {str(p): e for p, e in kafka_broker.end_offsets(topic).items()}


def test_cooperative_sticky_moves_only_the_partitions_given_away(kafka_broker, floe, mapping,
                                                                 pyiceberg_catalog):
    """With cooperative-sticky, B joining takes some of A's four partitions while A keeps
    reading and committing the others (never all revoked, as the eager protocol would); A
    stopping hands its share to B. Every message lands once."""
    topic = kafka_broker.create_topic(topic_name(), partitions=4)

    def start():
        return StreamProcess(stream_cmd(
            floe, kafka_broker, "db.rides", topic, mapping, "--commit-interval", "300ms",
            "--max-records-per-commit", "100", *MEMBER,
            "--kafka-property", "partition.assignment.strategy=cooperative-sticky"))

    producer = RideProducer(kafka_broker, topic)
    procs = []
    try:
        a = start()
        procs.append(a)
        a.wait_for("assigned 4 partition(s)")
        a.wait_for("committed", at_least=2)
        b = start()
        procs.append(b)
        b.wait_for("assigned")
        b.wait_for("committed")
        a.wait_for("revoked")
        a.wait_for("committed", at_least=a.count("committed") + 2)  # A reads on, its share
        assert a.count("revoked 4 partition(s)") == 0, "".join(a.lines)
        a.stop()
        b.wait_for("assigned", at_least=b.count("assigned") + 1)  # A's share, added to B's
        b.wait_for("committed", at_least=b.count("committed") + 2)
        producer.stop()
        wait_until_committed(kafka_broker, pyiceberg_catalog, "db.rides", topic)
        b.stop()
    finally:
        producer.stop()
        for p in procs:
            p.kill()
    assert_exactly(pyiceberg_catalog, "db.rides", range(producer.produced))


def test_paused_zombie_commit_is_refused(kafka_broker, floe, mapping, pyiceberg_catalog,
                                         tmp_path):
    """Z fetches, reaches its commit, and is paused (SIGSTOP) there; its session expires and B
    is given its partitions and commits them; Z resumes (SIGCONT): its commit is refused, and
    the table holds every message once."""
    topic = kafka_broker.create_topic(topic_name(), partitions=3)
    kafka_broker.produce(topic, [(str(i).encode(), ride(i)) for i in range(300)])
    go = tmp_path / "go"
    env = {**os.environ, "FLOE_PAUSEPOINT": f"stream-commit:{go}"}
    zombie = StreamProcess(stream_cmd(floe, kafka_broker, "db.rides", topic, mapping, "--json",
                                      "--commit-interval", "2s", *MEMBER), env=env)
    other = None
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "go.waiting").exists():
            assert zombie.proc.poll() is None and time.monotonic() < deadline, \
                "".join(zombie.lines)
            time.sleep(0.05)
        zombie.proc.send_signal(signal.SIGSTOP)  # about to commit what it fetched, frozen
        other = StreamProcess(stream_cmd(floe, kafka_broker, "db.rides", topic, mapping,
                                         "--commit-interval", "300ms", *MEMBER))
        other.wait_for("assigned")
        wait_until_committed(kafka_broker, pyiceberg_catalog, "db.rides", topic)
        go.touch()
        zombie.proc.send_signal(signal.SIGCONT)
        zombie.wait_for("commit refused", timeout=60)
        # More messages after the zombie is back: whoever owns them now commits them once.
        kafka_broker.produce(topic, [(str(i).encode(), ride(i)) for i in range(300, 360)])
        wait_until_committed(kafka_broker, pyiceberg_catalog, "db.rides", topic)
        report = json.loads(zombie.stop())
        other.stop()
    finally:
        zombie.proc.send_signal(signal.SIGCONT)
        zombie.kill()
        if other is not None:
            other.kill()
    assert report["refused_commits"] >= 1
    assert_exactly(pyiceberg_catalog, "db.rides", range(360))
