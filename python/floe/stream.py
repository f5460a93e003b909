"""``floe.stream``: Kafka (Debezium) change streams into an Iceberg table, exactly once, with a
dead-letter table, as ``floe stream``."""

import os
from dataclasses import dataclass
from typing import Dict, Iterable, Optional, Union

from floe import _floe
from floe._identifiers import Identifier, table_name
from floe.catalog import Catalog, load_catalog


@dataclass(frozen=True)
class StreamReport:
    """What a run did: commits made and refused (another process had moved the offsets on),
    messages read, rows written, dead letters kept, tombstones seen; with an inferred mapping,
    the mapping (and whether it came from the existing table)."""

    commits: int
    refused_commits: int
    messages: int
    rows: int
    dead_letters: int
    tombstones: int
    inferred_mapping: Optional[str]
    inferred_from_table: bool


def stream(
    table: Identifier,
    *,
    brokers: str,
    topics: Union[str, Iterable[str]],
    group: str,
    catalog: Union[Catalog, str, None] = None,
    mapping: Optional[str] = None,
    mode: str = "append",
    key: Iterable[str] = (),
    starting_offsets: str = "earliest",
    once: bool = False,
    commit_interval: float = 10.0,
    max_records_per_commit: int = 100_000,
    commit_bytes: int = 0,
    on_error: str = "dlq",
    evolve: Optional[bool] = None,
    partition_by: str = "",
    stream_id: str = "",
    kafka_properties: Optional[Dict[str, str]] = None,
) -> StreamReport:
    """Streams ``topics`` (names, or a regex starting with ``^``) of the Kafka cluster at
    ``brokers`` into ``table`` as consumer group ``group``, with the options of ``floe
    stream``: ``mapping`` is a mapping file's path or its YAML text (None: inferred from the
    table or the first messages), ``mode`` "append" or "upsert", ``commit_interval`` in
    seconds, ``on_error`` "dlq" or "fail", ``kafka_properties`` librdkafka settings (SASL,
    SSL, …). With ``once`` it reads what is there, commits and returns; otherwise it runs until
    Ctrl-C, which commits the batch in flight and raises KeyboardInterrupt."""
    if not isinstance(catalog, Catalog):
        catalog = load_catalog(catalog)
    if on_error not in ("dlq", "fail"):
        raise _floe.InvalidError(f"on_error {on_error!r} is neither dlq nor fail")
    args = _floe.StreamArgs()
    args.table_ns, args.table_name = table_name(table)
    args.brokers = brokers
    args.topics = [topics] if isinstance(topics, str) else list(topics)
    args.group = group
    if mapping is not None:
        if os.path.isfile(mapping):
            with open(mapping, encoding="utf-8") as f:
                args.mapping_yaml, args.mapping_source = f.read(), mapping
        else:
            args.mapping_yaml = mapping
    args.key = list(key)
    args.mode = mode
    args.starting_offsets = starting_offsets
    args.once = once
    args.commit_interval_ms = int(commit_interval * 1000)
    args.max_records_per_commit = max_records_per_commit
    args.commit_bytes = commit_bytes
    args.dead_letters = on_error == "dlq"
    args.evolve = evolve
    args.partition_by = partition_by
    args.stream_id = stream_id
    args.kafka_properties = dict(kafka_properties or {})
    return StreamReport(**_floe.stream(catalog._native, args))
