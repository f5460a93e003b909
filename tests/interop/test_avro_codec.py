"""floe's Avro codec against real Avro implementations.

The C++ side is the `avro_interop_test` binary from the build dir (FLOE_BUILD_DIR, else the
folder of FLOE_BIN, else build/release): it writes container files with every Avro type and
Iceberg's id attributes, and dumps files written here as JSON. fastavro reads and writes the
other side; DuckDB's avro extension is a second reader.
"""
import json
import os
import pathlib
import subprocess

import fastavro
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROWS = 3000  # kRows in tests/unit/avro/avro_interop_test.cc
CODECS = ["null", "deflate", "zstandard"]


def _helper() -> pathlib.Path:
    if "FLOE_BUILD_DIR" in os.environ:
        build = pathlib.Path(os.environ["FLOE_BUILD_DIR"])
    elif "FLOE_BIN" in os.environ:
        build = pathlib.Path(os.environ["FLOE_BIN"]).parent
    else:
        build = ROOT / "build" / "release"
    path = build / "avro_interop_test"
    if not path.exists():
        pytest.fail(f"{path} not found: build the avro_interop_test target or set FLOE_BUILD_DIR")
    return path


def _run_helper(test: str, **env):
    proc = subprocess.run(
        [str(_helper()), f"--gtest_filter=AvroInteropHelper.{test}"],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "[  SKIPPED ]" not in proc.stdout, proc.stdout


def expected_row(i: int) -> dict:
    """Row(i) of avro_interop_test.cc, as fastavro represents it."""
    return {
        "id": i * 1000003 - (1 << 40),
        "name": f"row-{i}-é",
        "flag": i % 2 == 0,
        "small": -i,
        "ratio": i * 0.5,
        "score": i / 3.0,
        "payload": bytes([i % 256, (i * 7) % 256]),
        "opt": None if i % 3 == 0 else i,
        "tags": [f"t{j}" for j in range(i % 4)],
        "attrs": {f"k{j}": j for j in range(i % 3)},
        "pairs": None if i % 2 == 1 else [{"key": i, "value": None}, {"key": -i, "value": b"v"}],
        "color": ["RED", "GREEN", "BLUE"][i % 3],
        "digest": bytes(range(i % 200, i % 200 + 16)),
        "nested": {"inner": {"x": -i * 0.25}, "list": [None, i]},
    }


def as_dumped(value):
    """The helper's JSON rendering: bytes as hex, everything else as is."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: as_dumped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_dumped(v) for v in value]
    return value


@pytest.fixture(scope="module")
def floe_files(tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("floe_avro")
    _run_helper("WritesFilesForExternalReaders", FLOE_AVRO_INTEROP_WRITE=str(out))
    return out


def _fields_by_name(schema: dict) -> dict:
    return {f["name"]: f for f in schema["fields"]}


@pytest.mark.parametrize("codec", CODECS)
def test_fastavro_reads_floe_files(floe_files, codec):
    with open(floe_files / f"floe_{codec}.avro", "rb") as f:
        reader = fastavro.reader(f)
        assert reader.codec == codec
        assert reader.metadata["writer"] == "floe"
        assert reader.metadata["format-version"] == "2"
        fields = _fields_by_name(reader.writer_schema)
        rows = list(reader)
    assert len(rows) == ROWS
    for i in (0, 1, 2, 3, 4, 5, 1234, ROWS - 1):
        assert rows[i] == expected_row(i), i
    assert rows == [expected_row(i) for i in range(ROWS)]

    # Iceberg's id attributes survive into the written schema.
    assert fields["id"]["field-id"] == 1
    assert fields["name"]["doc"] == "display name"
    assert fields["tags"]["type"]["element-id"] == 10
    assert fields["attrs"]["type"]["key-id"] == 12
    assert fields["attrs"]["type"]["value-id"] == 13
    pairs = fields["pairs"]["type"][1]
    assert pairs["logicalType"] == "map"
    assert [f["field-id"] for f in pairs["items"]["fields"]] == [15, 16]


@pytest.mark.parametrize("codec", ["null", "deflate"])  # the extension has no zstandard codec
def test_duckdb_reads_floe_files(floe_files, duck, codec):
    path = floe_files / f"floe_{codec}.avro"
    count, ids, xs, tags = duck.execute(
        "SELECT count(*), sum(id), min(nested.inner.x), sum(len(tags)) FROM read_avro(?)",
        [str(path)]).fetchone()
    rows = [expected_row(i) for i in range(ROWS)]
    assert count == ROWS
    assert ids == sum(r["id"] for r in rows)
    assert xs == min(r["nested"]["inner"]["x"] for r in rows)
    assert tags == sum(len(r["tags"]) for r in rows)


@pytest.mark.parametrize("codec", CODECS)
def test_floe_reads_fastavro_files(floe_files, tmp_path, codec):
    with open(floe_files / "floe_null.avro", "rb") as f:
        schema = fastavro.parse_schema(fastavro.reader(f).writer_schema)
    path = tmp_path / f"fastavro_{codec}.avro"
    rows = [expected_row(i) for i in range(ROWS)]
    with open(path, "wb") as f:
        # A small sync interval makes many blocks.
        fastavro.writer(f, schema, rows, codec=codec, sync_interval=4000,
                        metadata={"origin": "fastavro"})

    _run_helper("DumpsAFileFromAnExternalWriter", FLOE_AVRO_INTEROP_READ=str(path))
    dumped = json.loads(pathlib.Path(str(path) + ".json").read_text())
    assert dumped["metadata"]["origin"] == "fastavro"
    assert dumped["metadata"]["avro.codec"] == codec
    assert dumped["records"] == [as_dumped(r) for r in rows]
    fields = _fields_by_name(dumped["schema"])
    assert fields["digest"]["field-id"] == 19
    assert fields["tags"]["type"]["element-id"] == 10


def test_floe_reads_pyiceberg_manifests(pyiceberg_catalog, warehouse):
    """Real Iceberg metadata: the manifest list and manifests PyIceberg writes on append."""
    import pyarrow as pa

    pyiceberg_catalog.create_namespace("db")
    table = pyiceberg_catalog.create_table(
        "db.t", schema=pa.schema([("id", pa.int64()), ("tags", pa.list_(pa.string()))]))
    table.append(pa.table({"id": [1, 2, 3], "tags": [["a"], [], None]}))
    table.append(pa.table({"id": [4], "tags": [["b", "c"]]}))

    files = sorted(warehouse.rglob("metadata/*.avro"))
    assert len(files) >= 4  # two manifest lists, two manifests
    for path in files:
        with open(path, "rb") as f:
            reader = fastavro.reader(f)
            expected = [as_dumped(r) for r in reader]
        _run_helper("DumpsAFileFromAnExternalWriter", FLOE_AVRO_INTEROP_READ=str(path))
        dumped = json.loads(pathlib.Path(str(path) + ".json").read_text())
        assert dumped["records"] == expected, path.name
        assert dumped["schema"]["fields"][0]["field-id"] is not None
