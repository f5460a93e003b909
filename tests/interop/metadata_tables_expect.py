"""floe's metadata tables (`floe table <name> NS.T --format arrow`) compared with PyIceberg's
`table.inspect` of the same table: the same column names in the same order, the same Arrow
types up to the mappings below, and the same values row by row, rows ordered by a key.

Type mappings (floe's choice, documented in src/floe/iceberg/table/inspect/metadata_tables.h):
- PyIceberg's times are naive timestamp[ms] holding UTC; floe's are timestamp[ms, UTC], as Java
  types them timestamptz.
- PyIceberg types strings and binaries inside `partition` and `readable_metrics` as large_utf8
  and large_binary (schema_to_pyarrow); floe as utf8 and binary, as its table data.
Values: floe's data file model does not tell an empty map or list (the nan_value_counts PyIceberg
writes for a table without float columns) from an absent one, and lists both as null.
"""
import datetime as dt

import pyarrow as pa
import pyarrow.ipc

UTC = dt.timezone.utc

# The metadata tables both sides have, and whether PyIceberg's takes a snapshot id.
TABLES = {
    "snapshots": False, "history": False, "refs": False, "metadata_log_entries": False,
    "manifests": False, "all_manifests": False, "files": True, "data_files": True,
    "delete_files": True, "all_files": False, "all_data_files": False,
    "all_delete_files": False, "entries": True, "partitions": True,
}


def floe_form(t: pa.DataType) -> pa.DataType:
    """A PyIceberg metadata-table type in the form floe gives the same column."""
    if pa.types.is_large_string(t):
        return pa.utf8()
    if pa.types.is_large_binary(t):
        return pa.binary()
    if pa.types.is_timestamp(t) and t.unit == "ms" and t.tz is None:
        return pa.timestamp("ms", tz="UTC")
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(floe_form(f.type)) for f in t])
    if pa.types.is_map(t):
        return pa.map_(t.key_field.with_type(floe_form(t.key_type)),
                       t.item_field.with_type(floe_form(t.item_type)))
    if pa.types.is_list(t):
        return pa.list_(t.value_field.with_type(floe_form(t.value_type)))
    return t


def plain(value):
    """One comparable form of a cell: maps (lists of pairs) as dicts, naive times as UTC, an
    empty map or list as null."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        if not value:
            return None
        if value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
            return {k: plain(v) for k, v in value}
        return [plain(v) for v in value]
    return value


def floe_arrow(floe, tmp_path, name, table_name, *args):
    """One of floe's metadata tables, exactly as floe's library built it (Arrow IPC)."""
    out = tmp_path / f"{table_name}-{'-'.join(map(str, args)) or 'current'}.arrow"
    floe.run("table", table_name, name, "--format", "arrow", "--output", out, *args)
    with pa.memory_map(str(out)) as source:
        return pa.ipc.open_file(source).read_all()


def _row_key(table_name):
    if table_name in ("files", "data_files", "delete_files", "all_files", "all_data_files",
                      "all_delete_files"):
        return lambda r: (r["file_path"], repr(r))
    if table_name == "entries":
        return lambda r: (r["data_file"]["file_path"], r["status"], r["snapshot_id"])
    if table_name == "manifests":
        return lambda r: r["path"]
    if table_name == "all_manifests":
        return lambda r: (r["reference_snapshot_id"], r["path"])
    if table_name == "refs":
        return lambda r: r["name"]
    if table_name == "partitions":
        return lambda r: repr(r.get("partition"))
    return None  # snapshots, history, metadata_log_entries: both list them in metadata order


def assert_table_agrees(floe_table: pa.Table, py_table: pa.Table, table_name: str):
    """Column names, types (through floe_form) and values row by row."""
    assert floe_table.schema.names == py_table.schema.names, table_name
    for f, p in zip(floe_table.schema, py_table.schema):
        assert f.type == floe_form(p.type), (table_name, f.name, f.type, p.type)
        assert f.nullable == p.nullable, (table_name, f.name)
    assert floe_table.num_rows == py_table.num_rows, table_name
    rows = [plain(r) for r in floe_table.to_pylist()]
    py_rows = [plain(r) for r in py_table.to_pylist()]
    key = _row_key(table_name)
    if key is not None:
        rows.sort(key=key)
        py_rows.sort(key=key)
    for i, (r, p) in enumerate(zip(rows, py_rows)):
        for column in floe_table.schema.names:
            assert r[column] == p[column], (table_name, i, column, r[column], p[column])


def assert_metadata_tables_agree(floe, name, table, tmp_path, snapshot_ids=()):
    """Compares every metadata table of `name` with PyIceberg's `table.inspect` of the same
    table, and the snapshot-taking ones at each of `snapshot_ids` too; returns how many files,
    manifests and snapshots were compared."""
    for table_name, takes_snapshot in TABLES.items():
        py = getattr(table.inspect, table_name)()
        assert_table_agrees(floe_arrow(floe, tmp_path, name, table_name), py, table_name)
        if not takes_snapshot:
            continue
        for snapshot_id in snapshot_ids:
            py = getattr(table.inspect, table_name)(snapshot_id=snapshot_id)
            got = floe_arrow(floe, tmp_path, name, table_name, "--snapshot", snapshot_id)
            assert_table_agrees(got, py, f"{table_name}@{snapshot_id}")
    return {"files": table.inspect.files().num_rows,
            "manifests": table.inspect.manifests().num_rows,
            "snapshots": table.inspect.snapshots().num_rows}
