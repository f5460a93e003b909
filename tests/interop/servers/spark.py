"""Apache Spark 4 with Iceberg's Spark runtime, as a reader and writer of floe's tables.

One local Spark session per pytest run (local[2], a small driver, no UI, quiet logs), with the
Iceberg SQL extensions (MERGE INTO, UPDATE, DELETE, CALL) and two jars from Maven Central:
iceberg-spark-runtime-4.0_2.13 and sqlite-jdbc, so Iceberg's JdbcCatalog opens the same SQLite
catalog file floe and PyIceberg use (catalog type `jdbc`, `jdbc.schema-version=V1`: the layout
with the iceberg_type column that floe and PyIceberg 0.12 create).

JdbcCatalog stores the Spark catalog's name in each row's catalog_name column, so a warehouse
whose tables floe made as catalog `default` is read by a Spark catalog named `default`.
`spark_catalog()` registers one per warehouse at runtime; since Spark keeps a catalog it has
loaded for the rest of the session, registering another warehouse under the same name first
drops Spark's loaded catalogs.
"""
import collections
import datetime as dt
import decimal
import math
import pathlib
import re
import uuid

from servers import jars

ICEBERG_VERSION = "1.10.2"
CACHE_FOLDER = f"spark-iceberg-{ICEBERG_VERSION}"  # in ~/.cache/floe/jars
JARS = [
    ("org.apache.iceberg", "iceberg-spark-runtime-4.0_2.13", ICEBERG_VERSION, "",
     "0a7eb982c563d069a6a44d051f3ae324fa979cf0"),
    ("org.xerial", "sqlite-jdbc", "3.50.3.0", "", "220f0cdfe9c5b97926a417fa11848ce8817d2135"),
]

_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def start_spark(workdir: pathlib.Path, driver_memory: str = "1g", app_name: str = "floe-interop",
                extra_jars=()):
    """A new local SparkSession whose scratch files live in `workdir`. Raises with the reason
    when Spark cannot start (no pyspark, no Java, jars not downloadable). The benchmark
    (bench/peers/spark_*.py) asks for more driver memory than the tests' 1 GB, and its
    streaming peer for the Kafka source's jars (`extra_jars`, tuples like JARS)."""
    from pyspark.sql import SparkSession

    workdir = pathlib.Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    log4j = workdir / "log4j2.properties"
    log4j.write_text(_LOG4J2)
    classpath = ",".join(str(p) for p in jars.fetch_jars(CACHE_FOLDER, JARS + list(extra_jars)))
    java_opts = f"-Dlog4j2.configurationFile=file:{log4j}"
    builder = (
        SparkSession.builder.master("local[2]")
        .appName(app_name)
        .config("spark.jars", classpath)
        .config("spark.driver.memory", driver_memory)
        .config("spark.driver.extraJavaOptions", java_opts)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        # No Hive metastore (Derby) and no spark-warehouse folder in the working directory.
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", str(workdir / "spark-warehouse"))
        .config("spark.local.dir", str(workdir / "local"))
        .config("spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions"))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_catalog(spark, warehouse, name: str = "default", **properties) -> str:
    """Registers the Spark catalog `name` as Iceberg's JdbcCatalog over the floe warehouse
    folder `warehouse` (its catalog file <warehouse>/catalog.db), replacing any catalog Spark
    has loaded, and returns the name to prefix table names with. `properties` are further
    catalog properties (underscores in keys become dashes)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"Spark catalog name {name!r}: letters, digits and underscores only")
    warehouse = pathlib.Path(warehouse)
    _ensure_catalog_tables(warehouse / "catalog.db")
    # Catalogs load lazily on first use and stay loaded: drop the loaded ones so the new
    # settings apply (CatalogManager.reset, the call Spark's own test sessions use).
    spark._jsparkSession.sessionState().catalogManager().reset()
    prefix = f"spark.sql.catalog.{name}"
    settings = {
        "": "org.apache.iceberg.spark.SparkCatalog",
        ".type": "jdbc",
        ".uri": f"jdbc:sqlite:{warehouse}/catalog.db",
        ".warehouse": str(warehouse),
        ".jdbc.schema-version": "V1",
        # JdbcCatalog's check for missing catalog tables at start leaves a read transaction open
        # on its pooled SQLite connection (Iceberg 1.10, sqlite-jdbc 3.50) until the JVM exits:
        # in a rollback-journal file it blocks every other client's commit, in WAL that
        # connection reads the catalog as of that moment. The tables exist already (above).
        ".jdbc.init-catalog-tables": "false",
    }
    settings.update({"." + k.replace("_", "-"): str(v) for k, v in properties.items()})
    for key, value in settings.items():
        spark.conf.set(prefix + key, value)
    return name


def _ensure_catalog_tables(db: pathlib.Path):
    """Creates the catalog tables in `db` when absent, as PyIceberg's SqlCatalog does on open."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        present = con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                              "('iceberg_tables', 'iceberg_namespace_properties')").fetchone()[0]
    finally:
        con.close()
    if present != 2:
        from pyiceberg.catalog.sql import SqlCatalog

        SqlCatalog("default", uri=f"sqlite:///{db}", warehouse=f"file://{db.parent}")


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
NAIVE_EPOCH = dt.datetime(1970, 1, 1)


def normalise(value):
    """One comparable, hashable form of a cell as Spark (through Arrow) or PyIceberg (pyarrow)
    give it: timestamps as (microseconds since the epoch, has-zone), decimals by value, binary
    as bytes, UUIDs as text, NaN as a marker (NaN != NaN), lists as tuples, structs as their fields
    sorted by name, maps as sorted tuples of pairs."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return ("ts", (value - NAIVE_EPOCH) // dt.timedelta(microseconds=1), False)
        return ("ts", (value - EPOCH) // dt.timedelta(microseconds=1), True)
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else value
    if isinstance(value, decimal.Decimal):
        return ("decimal", value.normalize())
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):  # a struct: its fields by name
        return tuple(sorted((k, normalise(v)) for k, v in value.items()))
    if isinstance(value, list):
        if value and all(isinstance(x, tuple) and len(x) == 2 for x in value):
            return ("map", tuple(sorted(((normalise(k), normalise(v)) for k, v in value),
                                        key=repr)))
        return tuple(normalise(x) for x in value)
    return value


def as_multiset(rows, columns=None) -> collections.Counter:
    """Rows (dicts) as a multiset of normalised tuples over `columns` (default: every column of
    the first row, in its order)."""
    rows = list(rows)
    if columns is None:
        columns = list(rows[0].keys()) if rows else []
    return collections.Counter(tuple(normalise(r[c]) for c in columns) for r in rows)


def spark_rows(spark, table: str, columns=None, where: str = None):
    """The rows of `table` (catalog.namespace.name) as Spark reads them now (after REFRESH
    TABLE), as dicts, through Arrow so timestamps keep their zone."""
    spark.sql(f"REFRESH TABLE {table}")
    df = spark.table(table)
    if where:
        df = df.where(where)
    if columns is not None:
        df = df.select(*[f"`{c}`" for c in columns])
    return df.toArrow().to_pylist()


def spark_multiset(spark, table: str, columns=None, where: str = None) -> collections.Counter:
    """The rows of `table` as Spark reads them, comparable with as_multiset of PyIceberg's
    `scan().to_arrow().to_pylist()` over the same columns."""
    rows = spark_rows(spark, table, columns, where)
    if columns is None:
        columns = spark.table(table).columns
    return as_multiset(rows, columns)
