"""What a scan's planning must skip, worked out by hand from the manifests as PyIceberg reads
them: a manifest is skipped when its partition summary rules the filter out, a data file when
its partition value or its column bounds do. Tests give the two rules for their filter in plain
Python, so `floe scan --stats` is checked against an account that shares no code with floe."""
import json

from pyiceberg.conversions import from_bytes


def summary_ranges(table, manifest):
    """Partition field name -> (lower, upper, contains_null) from a manifest's summary."""
    spec = table.specs()[manifest.partition_spec_id]
    ptype = spec.partition_type(table.schema())
    out = {}
    for field, summary in zip(ptype.fields, manifest.partitions or []):
        lower = None if summary.lower_bound is None else from_bytes(field.field_type,
                                                                     summary.lower_bound)
        upper = None if summary.upper_bound is None else from_bytes(field.field_type,
                                                                     summary.upper_bound)
        out[field.name] = (lower, upper, summary.contains_null)
    return out


def column_bounds(table, data_file, name):
    """(lower, upper) of a column in a data file's metrics, None where absent."""
    field = table.schema().find_field(name)
    lower = data_file.lower_bounds.get(field.field_id) if data_file.lower_bounds else None
    upper = data_file.upper_bounds.get(field.field_id) if data_file.upper_bounds else None
    decode = lambda b: None if b is None else from_bytes(field.field_type, b)
    return decode(lower), decode(upper)


def partition_values(table, data_file):
    """Partition field name -> value of a data file."""
    spec = table.specs()[data_file.spec_id]
    return {f.name: data_file.partition[i] for i, f in enumerate(spec.fields)}


def expected_plan(table, manifest_might_match, file_might_match):
    """The plan statistics of the current snapshot for a filter given as two predicates:
    manifest_might_match(summary ranges) and file_might_match(data file)."""
    stats = {"manifests_total": 0, "manifests_skipped": 0, "files_total": 0, "files_skipped": 0}
    for manifest in table.current_snapshot().manifests(table.io):
        stats["manifests_total"] += 1
        if not manifest_might_match(summary_ranges(table, manifest)):
            stats["manifests_skipped"] += 1
            continue
        for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=True):
            stats["files_total"] += 1
            if not file_might_match(entry.data_file):
                stats["files_skipped"] += 1
    return stats


def floe_scan_with_stats(floe, table, *args):
    """(rows, plan statistics) of `floe scan --stats --json`."""
    proc = floe.run("scan", table, "--format", "jsonl", "--stats", "--json", *args)
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    stats = json.loads(proc.stderr.strip().splitlines()[-1])
    assert stats.pop("rows") == len(rows)
    # Delete file counts are checked by the tests of tables with delete files.
    stats.pop("delete_files")
    stats.pop("delete_files_applied")
    return rows, stats
