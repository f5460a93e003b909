"""floe's metadata tables (`floe table files|partitions|manifests|snapshots|history --json`)
compared with PyIceberg's `table.inspect` of the same table, cell by cell where both show a
value."""
import datetime as dt

UTC = dt.timezone.utc


def _plain(value):
    """One comparable form for a metadata-table cell from floe's JSON or PyIceberg's Arrow."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value if value is None else str(value)


def _millis(naive_utc):
    return round(naive_utc.replace(tzinfo=UTC).timestamp() * 1000)


def assert_metadata_tables_agree(floe, name, table):
    """Compares floe's five metadata tables of `name` with PyIceberg's `table.inspect` of the
    same table by content; returns how many files, manifests and snapshots were compared."""
    spec_fields = [f.name for f in table.spec().fields]

    files = floe.json("table", "files", name)
    py_files = table.inspect.files().to_pylist()
    key = lambda f: f["file_path"]
    assert ([(f["file_path"], f["record_count"], f["file_size_in_bytes"], f["spec_id"],
              {k: _plain(v) for k, v in f["partition"].items()}) for f in sorted(files, key=key)]
            == [(f["file_path"], f["record_count"], f["file_size_in_bytes"], f["spec_id"],
                 {k: _plain(f["partition"][k]) for k in spec_fields})
                for f in sorted(py_files, key=key)])
    for f, p in zip(sorted(files, key=key), sorted(py_files, key=key)):
        for metric in ("column_sizes", "value_counts", "null_value_counts"):
            assert dict(map(tuple, f[metric])) == dict(p[metric]), (f["file_path"], metric)

    partitions = floe.json("table", "partitions", name)
    py_partitions = table.inspect.partitions().to_pylist()
    part_key = lambda p: tuple(str(v) for v in p[0])
    assert sorted(((tuple(_plain(p["partition"][k]) for k in spec_fields), p["record_count"],
                    p["file_count"], p["total_data_file_size_in_bytes"]) for p in partitions),
                  key=part_key) == sorted(
        ((tuple(_plain(p["partition"][k]) for k in spec_fields), p["record_count"],
          p["file_count"], p["total_data_file_size_in_bytes"]) for p in py_partitions),
        key=part_key)

    manifests = floe.json("table", "manifests", name)
    py_manifests = table.inspect.manifests().to_pylist()
    assert sorted((m["path"], m["length"], m["partition_spec_id"], m["added_snapshot_id"],
                   m["added_data_files_count"], m["existing_data_files_count"],
                   m["deleted_data_files_count"]) for m in manifests) == sorted(
        (m["path"], m["length"], m["partition_spec_id"], m["added_snapshot_id"],
         m["added_data_files_count"], m["existing_data_files_count"],
         m["deleted_data_files_count"]) for m in py_manifests)
    assert sum(m["added_data_files_count"] + m["existing_data_files_count"]
               for m in manifests) == len(py_files)

    snapshots = floe.json("table", "snapshots", name)
    py_snapshots = table.inspect.snapshots().to_pylist()
    # PyIceberg shows the operation apart from the rest of the summary; its times are naive UTC.
    assert [(s["snapshot_id"], s["parent_id"], s["operation"], s["manifest_list"],
             s["timestamp_ms"], {k: v for k, v in s["summary"].items() if k != "operation"})
            for s in snapshots] == [
        (s["snapshot_id"], s["parent_id"], s["operation"], s["manifest_list"],
         _millis(s["committed_at"]), dict(s["summary"])) for s in py_snapshots]

    history = floe.json("table", "history", name)
    py_history = table.inspect.history().to_pylist()
    assert [(h["snapshot_id"], h["parent_id"], h["is_current_ancestor"], h["timestamp_ms"])
            for h in history] == [
        (h["snapshot_id"], h["parent_id"], h["is_current_ancestor"],
         _millis(h["made_current_at"])) for h in py_history]
    return {"files": len(py_files), "manifests": len(py_manifests), "snapshots": len(py_snapshots)}
