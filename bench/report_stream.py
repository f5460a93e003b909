"""Markdown for the streaming section (bench/stream_section.py)."""
from __future__ import annotations

from report import _n, _ratio

NAMES = {"floe": "floe stream", "spark": "Spark Structured Streaming 4.0 + Iceberg 1.10",
         "kafka-connect": "Kafka Connect 4.1 + Iceberg sink 1.10.1"}
# What the Connect peer cannot do like the others (bench/peers/kafka_connect_stream.py).
CONNECT_NOTE = ("Kafka Connect's built-in transforms cannot edit text, so its table keeps "
                "booking_value and ride_distance as the raw `b'…'` strings (not doubles), and "
                "its timestamps keep milliseconds (TimestampConverter gives a Date); the other "
                "columns, the renames and the Kafka partition and offset are the same. The "
                "sink commits every second.")


def _targets(st: dict) -> list[str]:
    drain = {d["system"]: d.get("median") or {} for d in st.get("drain", [])}
    floe_rate = drain.get("floe", {}).get("msgs_per_cpu_s")
    spark_rate = drain.get("spark", {}).get("msgs_per_cpu_s")
    ratio = floe_rate / spark_rate if floe_rate and spark_rate else None
    lat = next((x for x in st.get("latency", []) if x["system"] == "floe"), {})
    p99, bound = lat.get("p99_s"), (lat.get("interval_s") or 0) + 1
    rows = [
        ("floe messages per CPU-second", "≥ 500,000", _n(floe_rate),
         None if floe_rate is None else floe_rate >= 500_000),
        ("floe / Spark, messages per CPU-second", "≥ 20×", _ratio(ratio),
         None if ratio is None else ratio >= 20),
        ("floe produce → visible p99 (s)", f"≤ {bound:g}", _n(p99, 2),
         None if p99 is None else p99 <= bound),
    ]
    out = ["| target | needed | measured | met |", "| --- | ---: | ---: | --- |"]
    for text, need, got, ok in rows:
        met = "–" if ok is None else ("yes" if ok else "**no**")
        out.append(f"| {text} | {need} | {got} | {met} |")
    return out


def stream_section(st: dict) -> list[str]:
    connect = any(d["system"] == "kafka-connect" for d in st.get("drain", []))
    lines = [
        f'{st["messages"]:,} flattened Debezium messages (mean value '
        f'{_n(st.get("avg_message_bytes"))} bytes) in one topic of {st["partitions"]} '
        f'partitions on a local Kafka 4.1 broker, uncompressed; each system maps them to the '
        f'same 13 columns with the same cleaning (see the mapping below'
        f'{"; Kafka Connect with two exceptions, after the tables" if connect else ""}) and '
        f'appends them to a new Iceberg table. Every table was read back: each (partition, '
        f'offset) once.', "",
        "### Targets", ""] + _targets(st) + ["", "### Drain a backlog", "",
        "CPU is the consumer's alone (start-up included for floe, a fresh process each run; "
        "excluded for the peers — Spark's session, the Connect worker — each started once and "
        "reported apart).", "",
        "| system | wall s | CPU s | messages/s | messages/CPU-s | check |",
        "| --- | ---: | ---: | ---: | ---: | --- |"]
    startups = []  # after the table, which a line of text would break
    for d in st.get("drain", []):
        med = d.get("median") or {}
        errors = [r["error"] for r in d["runs"] if "error" in r]
        check = "ok" if not errors else "**" + errors[0][:120] + "**"
        lines.append(f'| {NAMES.get(d["system"], d["system"])} | {_n(med.get("wall_s"), 1)} | '
                     f'{_n(med.get("cpu_s"), 2)} | {_n(med.get("msgs_per_s"))} | '
                     f'{_n(med.get("msgs_per_cpu_s"))} | {check} |')
        if d.get("startup"):
            startups += ["", f'{NAMES.get(d["system"])} start-up (not in the table): '
                         f'{_n(d["startup"].get("startup_wall_s"), 1)} s wall, '
                         f'{_n(d["startup"].get("startup_cpu_s"), 1)} CPU-s.']
    lines += startups
    lines += ["", "### Produce → visible latency", ""]
    lat = st.get("latency", [])
    if lat:
        first = lat[0]
        lines += [f'A producer writes {first["rate"]:,} messages/s for {first["seconds"]:g} s; '
                  f'commit (trigger) interval {first["interval_s"]:g} s; latency is the time a '
                  f'row became visible in the catalog minus its Kafka CreateTime, over the '
                  f'messages after the warm-up.', "",
                  "| system | messages | measured | snapshots | p50 s | p90 s | p99 s | max s |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for x in lat:
            if "p50_s" not in x:
                lines.append(f'| {NAMES.get(x["system"], x["system"])} | '
                             f'**{x.get("error", "no figures")}** | | | | | | |')
                continue
            lines.append(f'| {NAMES.get(x["system"], x["system"])} | {x["messages"]:,} | '
                         f'{x["measured"]:,} | {x["snapshots"]} | {_n(x["p50_s"], 2)} | '
                         f'{_n(x["p90_s"], 2)} | {_n(x["p99_s"], 2)} | {_n(x["max_s"], 2)} |')
    if connect:
        lines += ["", CONNECT_NOTE]
    lines += ["", "The mapping floe used (Spark's query computes the same columns):", "",
              "```yaml", st["mapping"].rstrip(), "```"]
    return lines
