#!/usr/bin/env bash
# Resolves a runnable Kafka Connect worker with the Apache Iceberg sink as a plugin, from Maven
# Central alone (neither project publishes a runnable distribution there), for
# bench/peers/kafka_connect_stream.py. Idempotent: a folder is resolved again only when the pom
# that describes it changed or a previous run did not finish.
#
#   bench/peers/install_kafka_connect.sh [CACHE]      (default ~/.cache/floe/kafka-connect)
#
# Lays out CACHE/worker/*.jar (connect-runtime and connect-json of the Kafka release the
# interop broker runs, with log4j2 behind SLF4J) and CACHE/plugins/iceberg/*.jar (the sink,
# the Iceberg modules it loads at run time, Parquet, the SQLite JDBC driver for the JdbcCatalog
# and a trimmed hadoop-common for HadoopFileIO on a file:// warehouse). Prints CACHE.
set -euo pipefail

CACHE="${1:-$HOME/.cache/floe/kafka-connect}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_PY="$HERE/../../tests/interop/servers/kafka.py"
KAFKA_VERSION="$(sed -n 's/^KAFKA_VERSION = "\(.*\)"$/\1/p' "$KAFKA_PY")"
# 1.10.1: Maven Central serves no iceberg-kafka-connect-events 1.10.0 (nor 1.10.2), which the
# sink of those releases needs at run time.
ICEBERG_VERSION=1.10.1
SQLITE_JDBC_VERSION=3.50.3.0   # the driver the interop tests' Spark session uses
HADOOP_VERSION=3.4.1           # the Hadoop the Iceberg 1.10 release was built against
LOG4J_VERSION=2.25.3           # as the broker's classpath
[ -n "$KAFKA_VERSION" ] || { echo "no KAFKA_VERSION in $KAFKA_PY" >&2; exit 1; }
command -v mvn >/dev/null || { echo "mvn not found (apt-get install maven)" >&2; exit 1; }

dep() {  # group artifact version [exclusions xml]
  printf '    <dependency><groupId>%s</groupId><artifactId>%s</artifactId>' "$1" "$2"
  printf '<version>%s</version>%s</dependency>\n' "$3" "${4:-}"
}
excl() {  # pairs of group artifact ('*' for every artifact of the group)
  local out="<exclusions>"
  while [ $# -gt 1 ]; do
    out+="<exclusion><groupId>$1</groupId><artifactId>$2</artifactId></exclusion>"
    shift 2
  done
  printf '%s</exclusions>' "$out"
}
pom() {  # name, then the dependency lines on stdin
  cat <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>floe.bench</groupId>
  <artifactId>$1</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
$(cat)
  </dependencies>
</project>
EOF
}

# The worker: Connect's runtime (it brings connect-api, connect-transforms and kafka-clients)
# and its JSON converter; log4j2 for the logging (Kafka 4 ships the same).
worker_pom() {
  {
    dep org.apache.kafka connect-runtime "$KAFKA_VERSION"
    dep org.apache.kafka connect-json "$KAFKA_VERSION"
    dep org.apache.logging.log4j log4j-core "$LOG4J_VERSION"
    dep org.apache.logging.log4j log4j-slf4j2-impl "$LOG4J_VERSION"
    dep org.slf4j slf4j-api 2.0.17  # the binding needs SLF4J 2; connect-runtime names 1.7
  } | pom worker
}

# The plugin: Connect's plugin loader takes org.apache.kafka.* and org.slf4j from the worker,
# so neither goes in here. hadoop-common loses what a local file system never touches (most of
# the exclusions the Iceberg project's own runtime bundle makes, and a few more servers);
# Hadoop's user and metrics classes, which every FileSystem loads, need hadoop-auth and
# commons-configuration2, so those two stay.
plugin_pom() {
  local no_kafka hadoop_excl
  no_kafka="$(excl org.apache.kafka '*' org.slf4j '*')"
  hadoop_excl="$(excl log4j '*' org.slf4j '*' ch.qos.reload4j '*' org.apache.avro avro \
    com.google.guava '*' com.google.protobuf '*' org.apache.curator '*' \
    org.apache.zookeeper '*' org.apache.kerby '*' org.apache.hadoop.thirdparty \
    hadoop-shaded-protobuf_3_7 org.eclipse.jetty '*' com.sun.jersey '*' \
    com.github.pjfanning '*' javax.servlet '*' javax.servlet.jsp '*' jakarta.activation '*' \
    javax.activation activation com.jcraft '*' org.apache.kafka '*' io.dropwizard.metrics '*' \
    dnsjava '*' org.bouncycastle '*' com.nimbusds '*' io.netty '*')"
  {
    for a in iceberg-kafka-connect iceberg-kafka-connect-events \
             iceberg-kafka-connect-transforms iceberg-core iceberg-data iceberg-parquet; do
      dep org.apache.iceberg "$a" "$ICEBERG_VERSION" "$no_kafka"
    done
    dep org.xerial sqlite-jdbc "$SQLITE_JDBC_VERSION"
    dep org.apache.hadoop hadoop-common "$HADOOP_VERSION" "$hadoop_excl"
  } | pom iceberg-plugin
}

resolve() {  # folder pom-text
  local dir="$CACHE/$1" poms="$CACHE/poms/${1//\//-}" stamp
  stamp="$(printf '%s' "$2" | sha1sum | cut -c1-40)"
  if [ -f "$dir/.resolved" ] && [ "$(cat "$dir/.resolved")" = "$stamp" ]; then
    return
  fi
  rm -rf "$dir" "$dir.part" "$poms"
  mkdir -p "$poms"
  printf '%s\n' "$2" >"$poms/pom.xml"
  echo "resolving $1 into $dir" >&2
  mvn -q -B -f "$poms/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$dir.part" >&2
  mv "$dir.part" "$dir"
  printf '%s\n' "$stamp" >"$dir/.resolved"
}

mkdir -p "$CACHE/plugins"
resolve worker "$(worker_pom)"
resolve plugins/iceberg "$(plugin_pom)"
echo "$CACHE"
