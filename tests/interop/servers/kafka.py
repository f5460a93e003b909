"""An Apache Kafka 4.x broker in KRaft mode (one process, broker and controller combined) from
the Maven Central jars of org.apache.kafka:kafka_2.13, run with Java on 127.0.0.1 with random
ports, its log folder in a directory the tests choose.

Maven Central has no runnable distribution of the broker, so its runtime classpath is pinned here
as Maven resolves it for kafka_2.13 (scope runtime), with log4j2 (core, and the SLF4J 2 binding)
for its logging. The jars are downloaded once into ~/.cache/floe/jars and checked by SHA-1.

Tests make topics and produce messages with confluent-kafka (librdkafka, the client floe links).
"""
import base64
import os
import pathlib
import shutil
import subprocess
import time
import uuid

from servers import jars
from servers.net import free_port, wait_for_port

KAFKA_VERSION = "4.1.1"
CACHE_FOLDER = f"kafka-{KAFKA_VERSION}"  # in ~/.cache/floe/jars

# (group, artifact, version, classifier, sha1)
JARS = [
    ("com.dynatrace.hash4j", "hash4j", "0.22.0", "", "2d61bfb5b38469cb76141b06dc68d36a9007e9ad"),
    ("com.fasterxml.jackson.core", "jackson-annotations", "2.19.0", "", "fd1e7c56de1e5b658563c8c66d5074cceb4e3a0b"),
    ("com.fasterxml.jackson.core", "jackson-core", "2.19.0", "", "a90640e59ea42632a8e331ff1d6b706cf306050a"),
    ("com.fasterxml.jackson.core", "jackson-databind", "2.19.0", "", "b3f7506f6414fb04760561eec11a0880165c2a4a"),
    ("com.fasterxml.jackson.dataformat", "jackson-dataformat-csv", "2.19.0", "", "b7275a6795c70304e8b399db31b11ac72d6bc954"),
    ("com.fasterxml.jackson.dataformat", "jackson-dataformat-yaml", "2.19.0", "", "2d735ab4ecebf5c2bf248d4036fd4ba6d73d0cc1"),
    ("com.fasterxml.jackson.datatype", "jackson-datatype-jdk8", "2.19.0", "", "69312135ff6d6646203b9681fa48505f369210a6"),
    ("com.github.ben-manes.caffeine", "caffeine", "3.2.0", "", "35eba09997476a39492ac7f7b2bb0e8292c09d17"),
    ("com.github.luben", "zstd-jni", "1.5.6-10", "", "7e146ecb598af55d1f64d1c118af27569a848558"),
    ("com.google.re2j", "re2j", "1.8", "", "12c25e923e9e4fb1575a7640a2698745c6f19a94"),
    ("com.typesafe.scala-logging", "scala-logging_2.13", "3.9.5", "", "d5a0f61168371d8cff1c510f55407aa46bea8366"),
    ("com.yammer.metrics", "metrics-core", "2.2.0", "", "f82c035cfa786d3cbec362c38c22a5f5b1bc8724"),
    ("commons-beanutils", "commons-beanutils", "1.9.4", "", "d52b9abcd97f38c81342bb7e7ae1eee9b73cba51"),
    ("commons-collections", "commons-collections", "3.2.2", "", "8ad72fe39fa8c91eaaf12aadb21e0c3661fe26d5"),
    ("commons-digester", "commons-digester", "2.1", "", "73a8001e7a54a255eef0f03521ec1805dc738ca0"),
    ("commons-logging", "commons-logging", "1.3.2", "", "3dc966156ef19d23c839715165435e582fafa753"),
    ("commons-validator", "commons-validator", "1.9.0", "", "26e49d333890ccad072eb530a85fceb9c07818df"),
    ("net.sf.jopt-simple", "jopt-simple", "5.0.4", "", "4fdac2fbe92dfad86aa6e9301736f6b4342a3f5c"),
    ("net.sourceforge.argparse4j", "argparse4j", "0.7.0", "", "6f0621d0c3888de39e0f06d01f37ba53a798e657"),
    ("org.apache.kafka", "kafka-clients", "4.1.1", "", "094cb8f39c3157038ec9577634d310a2bf5fb516"),
    ("org.apache.kafka", "kafka-coordinator-common", "4.1.1", "", "a404eaac7fc653d63453005ab003bf308599f87d"),
    ("org.apache.kafka", "kafka-group-coordinator-api", "4.1.1", "", "40b61cb614687a50188f3c5fa7cf65dbcd059221"),
    ("org.apache.kafka", "kafka-group-coordinator", "4.1.1", "", "5d0e09fc27c29c7186fe94116712a09d00f29979"),
    ("org.apache.kafka", "kafka-metadata", "4.1.1", "", "a11c8a6e27aa783ec3e8b4b7f5c318281fa494a8"),
    ("org.apache.kafka", "kafka-raft", "4.1.1", "", "b5bae33d2adf96738119e40f76c283d24cc58361"),
    ("org.apache.kafka", "kafka-server-common", "4.1.1", "", "1bf567866482bd9d7a8ad3eb73b3ffbab51a6b5b"),
    ("org.apache.kafka", "kafka-server", "4.1.1", "", "947c8b919656c51c431bae9cd9196f8d0911c5b6"),
    ("org.apache.kafka", "kafka-share-coordinator", "4.1.1", "", "eed38c6dba008d378cfa24f8d9212ece225a56bd"),
    ("org.apache.kafka", "kafka-storage-api", "4.1.1", "", "b571e6253b711ad633174a283232e5f26b107718"),
    ("org.apache.kafka", "kafka-storage", "4.1.1", "", "9419c2775056356d815db7681dda97e2670e8dd7"),
    ("org.apache.kafka", "kafka-tools-api", "4.1.1", "", "e9dd9701e3d13cfd6c6b84ce7bfd11769641e937"),
    ("org.apache.kafka", "kafka-transaction-coordinator", "4.1.1", "", "d0f94fcfb53a7574262750ebf465b484d0841859"),
    ("org.apache.kafka", "kafka_2.13", "4.1.1", "", "3183b1bb5d0209dce5634cf56e8893cf42b17467"),
    ("org.apache.logging.log4j", "log4j-api", "2.25.3", "", "fb385330d89c2d61058ef649403f214633569205"),
    ("org.apache.logging.log4j", "log4j-core", "2.25.3", "", "dd9c8ecba5c8dc5e1574804d0bfdc1ef155ad9ea"),
    ("org.apache.logging.log4j", "log4j-slf4j2-impl", "2.25.3", "", "8d1aca17817adb4a15720e64b98caf9cb3b2cc51"),
    ("org.bitbucket.b_c", "jose4j", "0.9.6", "", "357a3836bb5da16f314f3a1e954518e5468cd915"),
    ("org.hdrhistogram", "HdrHistogram", "2.2.2", "", "7959933ebcc0f05b2eaa5af0a0c8689fa257b15c"),
    ("org.jspecify", "jspecify", "1.0.0", "", "7425a601c1c7ec76645a78d22b8c6a627edee507"),
    ("org.lz4", "lz4-java", "1.8.0", "", "4b986a99445e49ea5fbf5d149c4b63f6ed6c6780"),
    ("org.pcollections", "pcollections", "4.0.2", "", "c8398b4443deae11e6eaffbc04a371b4eb8f6b8e"),
    ("org.scala-lang", "scala-library", "2.13.16", "", "9e064d9304904fd7b6bd2b55a9e601b8c1c9006e"),
    ("org.scala-lang", "scala-reflect", "2.13.16", "", "4958d4e43faf2d6d66f18ce2aa9a3e5ba141f87b"),
    ("org.slf4j", "slf4j-api", "2.0.17", "", "d9e58ac9c7779ba3bf8142aff6c830617a7fe60f"),
    ("org.xerial.snappy", "snappy-java", "1.1.10.7", "", "3049f95640f4625a945cfab85715f603fa4c8f80"),
    ("org.yaml", "snakeyaml", "2.4", "", "e0666b825b796f85521f02360e77f4c92c5a7a07"),
]

_LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.out.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n
"""


def fetch_jars() -> list:
    """The broker's classpath, downloading what the cache lacks (each jar checked by SHA-1)."""
    return jars.fetch_jars(CACHE_FOLDER, JARS)


def _cluster_id() -> str:
    # Kafka's Uuid text form: 16 random bytes, URL-safe base64 without padding. Like Kafka's
    # Uuid.randomUuid, never one starting with '-': the storage tool would read it as an option.
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text


class KafkaBroker:
    """A running broker: `.bootstrap` (127.0.0.1:<port>), `.log` (its output file), and helpers
    to make topics and produce messages."""

    def __init__(self, workdir: pathlib.Path):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log = self.workdir / "kafka.log"
        java = shutil.which("java")
        if java is None:
            raise RuntimeError("java not found: the Kafka broker needs a JRE 17 "
                               "(scripts/setup.sh installs openjdk-17-jre-headless)")
        classpath = ":".join(str(p) for p in fetch_jars())
        self.port = free_port()
        controller_port = free_port()
        config = self.workdir / "server.properties"
        config.write_text("\n".join([
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.voters=1@127.0.0.1:{controller_port}",
            f"listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{controller_port}",
            f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            f"log.dirs={self.workdir / 'data'}",
            "num.partitions=1",
            # One broker: the internal topics cannot have more replicas than that.
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=3",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=false",
            "",
        ]))
        log4j = self.workdir / "log4j2.properties"
        log4j.write_text(_LOG4J2)
        base = [java, "-Xmx512m", "-XX:+UseSerialGC", f"-Dlog4j2.configurationFile=file:{log4j}",
                "-cp", classpath]
        fmt = subprocess.run(base + ["kafka.tools.StorageTool", "format", "-t", _cluster_id(),
                                     "-c", str(config)],
                             capture_output=True, text=True, timeout=120)
        if fmt.returncode != 0:
            raise RuntimeError(f"kafka storage format failed:\n{fmt.stdout}\n{fmt.stderr}")
        with open(self.log, "wb") as log:
            self._proc = subprocess.Popen(base + ["kafka.Kafka", str(config)],
                                          stdout=log, stderr=subprocess.STDOUT)
        self.bootstrap = f"127.0.0.1:{self.port}"
        try:
            wait_for_port(self.port, timeout=120, proc=self._proc)
            self._wait_ready()
        except Exception:
            self.stop()
            raise RuntimeError("the Kafka broker did not start:\n" + self.log.read_text()[-3000:])

    def _wait_ready(self, timeout: float = 90.0):
        """Until the broker answers metadata requests (it listens a moment before that)."""
        from confluent_kafka.admin import AdminClient

        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                admin.list_topics(timeout=5)
                return
            except Exception:
                time.sleep(0.3)
        raise RuntimeError(f"Kafka broker not answering after {timeout}s")

    def create_topic(self, name: str, partitions: int = 1) -> str:
        """Makes topic `name` with `partitions` partitions and waits until it has leaders."""
        from confluent_kafka.admin import AdminClient, NewTopic

        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        futures = admin.create_topics([NewTopic(name, num_partitions=partitions,
                                                replication_factor=1)])
        futures[name].result(timeout=60)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            meta = admin.list_topics(topic=name, timeout=10).topics.get(name)
            if meta is not None and meta.error is None and len(meta.partitions) == partitions \
                    and all(p.leader >= 0 for p in meta.partitions.values()):
                return name
            time.sleep(0.2)
        raise RuntimeError(f"topic {name} has no leaders after 60s")

    def producer(self, **config):
        """A confluent-kafka Producer on this broker (idempotent, acks=all)."""
        from confluent_kafka import Producer

        settings = {"bootstrap.servers": self.bootstrap, "enable.idempotence": True,
                    "linger.ms": 5}
        settings.update(config)
        return Producer(settings)

    def produce(self, topic: str, messages, partition=None) -> None:
        """Writes `messages` — values, or (key, value) pairs; str or bytes; None for a tombstone —
        to `topic` (round-robin over partitions unless `partition`) and waits for every ack."""
        producer = self.producer()
        errors = []

        def on_delivery(err, msg):
            if err is not None:
                errors.append(err)

        for message in messages:
            key, value = message if isinstance(message, tuple) else (None, message)
            kwargs = {"value": value, "key": key, "on_delivery": on_delivery}
            if partition is not None:
                kwargs["partition"] = partition
            while True:
                try:
                    producer.produce(topic, **kwargs)
                    break
                except BufferError:
                    producer.poll(0.1)
            producer.poll(0)
        remaining = producer.flush(60)
        if remaining or errors:
            raise RuntimeError(f"produce to {topic}: {remaining} unacknowledged, errors {errors}")

    def end_offsets(self, topic: str) -> dict:
        """{partition: high watermark} of `topic`."""
        from confluent_kafka import Consumer, TopicPartition

        consumer = Consumer({"bootstrap.servers": self.bootstrap, "group.id": "floe-tests-probe"})
        try:
            meta = consumer.list_topics(topic, timeout=10).topics[topic]
            return {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                    for p in meta.partitions}
        finally:
            consumer.close()

    def stop(self):
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


def start_kafka_broker(workdir) -> KafkaBroker:
    return KafkaBroker(pathlib.Path(workdir))
