"""Broken tables and bad input give one clear error naming the file, and never a half commit."""
import json
import pathlib


def make_table(floe, tmp_path):
    floe.run("namespace", "create", "b")
    floe.run("table", "create", "b.t", "--schema", "id long not null, name string",
             "--partition-by", "bucket(2, id)")
    data = tmp_path / "rows.jsonl"
    data.write_text("".join(json.dumps({"id": i, "name": f"n{i}"}) + "\n" for i in range(20)))
    floe.run("append", "b.t", data)
    return json.loads(floe.run("table", "describe", "b.t", "--json").stdout)


def fails_naming(floe, needle, *args):
    proc = floe.run(*args, check=False)
    assert proc.returncode == 1, proc.stderr
    assert needle in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return proc.stderr


def test_malformed_metadata_json_names_the_file(floe, tmp_path):
    desc = make_table(floe, tmp_path)
    path = pathlib.Path(desc["metadata_location"].removeprefix("file://"))
    path.write_text(path.read_text()[:-40])
    fails_naming(floe, path.name, "scan", "b.t")


def test_unknown_format_version_names_file_and_version(floe, tmp_path):
    desc = make_table(floe, tmp_path)
    path = pathlib.Path(desc["metadata_location"].removeprefix("file://"))
    doc = json.loads(path.read_text())
    doc["format-version"] = 9
    path.write_text(json.dumps(doc))
    err = fails_naming(floe, path.name, "scan", "b.t")
    assert "9" in err


def test_truncated_manifest_names_the_manifest(floe, tmp_path):
    make_table(floe, tmp_path)
    manifest = floe.json("table", "manifests", "b.t")[0]["path"]
    path = pathlib.Path(manifest.removeprefix("file://"))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    fails_naming(floe, path.name, "scan", "b.t")


def test_missing_data_file_names_the_file(floe, tmp_path):
    make_table(floe, tmp_path)
    victim = floe.json("table", "files", "b.t")[0]["file_path"]
    pathlib.Path(victim.removeprefix("file://")).unlink()
    fails_naming(floe, pathlib.Path(victim).name, "scan", "b.t")


def test_bad_append_commits_nothing(floe, tmp_path):
    make_table(floe, tmp_path)
    before = floe.json("table", "snapshots", "b.t")
    files_before = sorted(p for p in floe.warehouse.rglob("*.parquet"))
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": 1000, "name": "x"}) + "\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "not a number", "name": "x"}) + "\n")
    fails_naming(floe, "bad.jsonl", "append", "b.t", good, bad)
    nulls = tmp_path / "nulls.jsonl"
    nulls.write_text(json.dumps({"id": None, "name": "x"}) + "\n")
    fails_naming(floe, "id", "append", "b.t", nulls)
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": 5, "name": "x", "surprise": 1}) + "\n")
    fails_naming(floe, "extra.jsonl", "append", "b.t", extra)
    assert floe.json("table", "snapshots", "b.t") == before
    assert sorted(p for p in floe.warehouse.rglob("*.parquet")) == files_before
