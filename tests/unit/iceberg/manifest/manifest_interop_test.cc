// PyIceberg (the project venv, $FLOE_PYTHON) reads the manifests and manifest lists floe
// writes: every partition type, all metrics, header metadata, sequence numbers.

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "manifest_test_util.h"

#include "../../interop_python.h"

namespace floe::iceberg {
namespace {

using testing::AllTypes;
using testing::LocalIO;
using testing::MakeAllTypes;
using testing::ScratchDir;
using testing::WriteFourEntries;

// Reads a manifest list and its manifests with PyIceberg and prints what it sees as JSON.
constexpr const char* kPyIcebergReader = R"PY(
import datetime, decimal, enum, json, math, sys, uuid
import fastavro
from pyiceberg.io.pyarrow import PyArrowFileIO
from pyiceberg.manifest import read_manifest_list
from pyiceberg.partitioning import PartitionSpec
from pyiceberg.schema import Schema

def conv(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, enum.Enum):
        return conv(v.value)
    if isinstance(v, bytes):
        return "hex:" + v.hex()
    if isinstance(v, decimal.Decimal):
        return "dec:" + str(v)
    if isinstance(v, uuid.UUID):
        return "uuid:" + v.hex
    if isinstance(v, float):
        return "nan" if math.isnan(v) else v
    if isinstance(v, (datetime.date, datetime.time, datetime.datetime)):
        return "iso:" + v.isoformat()
    if hasattr(v, "items"):
        return {str(k): conv(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [conv(x) for x in v]
    return v

def header(path):
    with open(path, "rb") as f:
        r = fastavro.reader(f)
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in r.metadata.items()}

io = PyArrowFileIO()
list_path = sys.argv[1]
out = {"list_meta": header(list_path), "manifests": []}
for m in read_manifest_list(io.new_input(list_path)):
    meta = header(m.manifest_path)
    schema = Schema.model_validate_json(meta["schema"])
    spec = PartitionSpec.model_validate(
        {"spec-id": int(meta["partition-spec-id"]), "fields": json.loads(meta["partition-spec"])})
    entries = []
    for e in m.fetch_manifest_entry(io, discard_deleted=False):
        d = e.data_file
        entries.append({
            "status": conv(e.status), "snapshot_id": e.snapshot_id,
            "sequence_number": e.sequence_number,
            "file_sequence_number": e.file_sequence_number,
            "content": conv(d.content), "file_path": d.file_path,
            "file_format": conv(d.file_format), "partition": conv(list(d.partition)),
            "record_count": d.record_count, "file_size_in_bytes": d.file_size_in_bytes,
            "column_sizes": conv(d.column_sizes), "value_counts": conv(d.value_counts),
            "null_value_counts": conv(d.null_value_counts),
            "nan_value_counts": conv(d.nan_value_counts),
            "lower_bounds": conv(d.lower_bounds), "upper_bounds": conv(d.upper_bounds),
            "key_metadata": conv(d.key_metadata), "split_offsets": conv(d.split_offsets),
            "equality_ids": conv(d.equality_ids), "sort_order_id": d.sort_order_id,
            "spec_id": d.spec_id})
    out["manifests"].append({
        "path": m.manifest_path, "length": m.manifest_length,
        "spec_id": m.partition_spec_id, "content": conv(m.content),
        "sequence_number": m.sequence_number, "min_sequence_number": m.min_sequence_number,
        "added_snapshot_id": m.added_snapshot_id,
        "counts": [m.added_files_count, m.existing_files_count, m.deleted_files_count,
                   m.added_rows_count, m.existing_rows_count, m.deleted_rows_count],
        "partitions": [[p.contains_null, p.contains_nan, conv(p.lower_bound),
                        conv(p.upper_bound)] for p in (m.partitions or [])],
        "meta": meta, "partition_type": str(spec.partition_type(schema)),
        "schema_fields": len(schema.fields), "entries": entries})
print(json.dumps(out))
)PY";

TEST(ManifestInterop, PyIcebergReadsFloeManifestAndList) {
  std::string python;
  FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
  ScratchDir dir("floe-manifest");
  auto io = LocalIO();
  AllTypes t = MakeAllTypes();
  ManifestFile m = WriteFourEntries(*io, dir / "m0.avro", t, 99);
  auto list = ManifestListWriter::Make(*io, dir / "snap-99.avro", 99, 98, 12);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_TRUE((*list)->Add(m).ok());
  ASSERT_TRUE((*list)->Close().ok());

  nlohmann::json out =
      testing::RunPythonJson(python, dir, kPyIcebergReader, dir / "snap-99.avro");
  ASSERT_FALSE(out.is_discarded());
  EXPECT_EQ(out["list_meta"]["snapshot-id"], "99");
  EXPECT_EQ(out["list_meta"]["parent-snapshot-id"], "98");
  EXPECT_EQ(out["list_meta"]["sequence-number"], "12");
  EXPECT_EQ(out["list_meta"]["format-version"], "2");
  ASSERT_EQ(out["manifests"].size(), 1u);
  const auto& pm = out["manifests"][0];
  EXPECT_EQ(pm["path"], m.manifest_path);
  EXPECT_EQ(pm["length"], m.manifest_length);
  EXPECT_EQ(pm["spec_id"], 4);
  EXPECT_EQ(pm["content"], 0);
  EXPECT_EQ(pm["sequence_number"], 12);  // assigned by the list writer
  EXPECT_EQ(pm["min_sequence_number"], 3);
  EXPECT_EQ(pm["added_snapshot_id"], 99);
  EXPECT_EQ(pm["counts"], nlohmann::json::parse("[2, 1, 1, 200, 5, 7]"));
  ASSERT_EQ(pm["partitions"].size(), 16u);
  EXPECT_EQ(pm["partitions"][1],
            nlohmann::json::parse(R"([true, false, "hex:9cffffff", "hex:2a000000"])"));
  EXPECT_EQ(pm["partitions"][4][1], true);  // NaN seen in the double field
  EXPECT_EQ(pm["meta"]["format-version"], "2");
  EXPECT_EQ(pm["meta"]["content"], "data");
  EXPECT_EQ(pm["meta"]["schema-id"], "3");
  EXPECT_EQ(pm["meta"]["partition-spec-id"], "4");
  EXPECT_EQ(pm["schema_fields"], 16);
  std::string ptype = pm["partition_type"];
  EXPECT_NE(ptype.find("1015: weird name-1: optional decimal(9, 2)"), std::string::npos)
      << ptype;

  const auto& e = pm["entries"];
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0]["status"], 1);
  EXPECT_EQ(e[0]["snapshot_id"], 99);
  EXPECT_EQ(e[0]["sequence_number"], 12);  // inherited from the list
  EXPECT_EQ(e[0]["file_sequence_number"], 12);
  EXPECT_EQ(e[0]["file_path"], "/w/a.parquet");
  EXPECT_EQ(e[0]["file_format"], "PARQUET");
  EXPECT_EQ(e[0]["record_count"], 100);
  EXPECT_EQ(e[0]["file_size_in_bytes"], 4096);
  EXPECT_EQ(e[0]["column_sizes"], nlohmann::json::parse(R"({"1": 10, "2": 20})"));
  EXPECT_EQ(e[0]["null_value_counts"], nlohmann::json::parse(R"({"1": 0, "2": 3})"));
  EXPECT_EQ(e[0]["nan_value_counts"], nlohmann::json::parse(R"({"4": 1, "5": 0})"));
  EXPECT_EQ(e[0]["lower_bounds"],
            nlohmann::json::parse(R"({"2": "hex:f9ffffff", "12": "hex:61"})"));
  EXPECT_EQ(e[0]["upper_bounds"]["12"], "hex:7a");
  EXPECT_EQ(e[0]["key_metadata"], "hex:006b6579");
  EXPECT_EQ(e[0]["split_offsets"], nlohmann::json::parse("[4, 1000, 8589934592]"));
  EXPECT_EQ(e[0]["sort_order_id"], 1);
  EXPECT_EQ(e[0]["spec_id"], 4);
  EXPECT_EQ(e[0]["partition"], nlohmann::json::parse(R"([true, -7, 1099511627776, 1.5, -2.25,
      "dec:123.45", "dec:-1000000000000000000000000000.0000000005", 19783, 3600000001,
      1709294400000000, -1000000, "h\u00e9llo", "uuid:123456789abcdef00123456789abcdef",
      "hex:010203ff", "hex:00ff", "dec:-0.01"])"));
  EXPECT_EQ(e[2]["status"], 0);
  EXPECT_EQ(e[2]["snapshot_id"], 7);
  EXPECT_EQ(e[2]["sequence_number"], 3);
  EXPECT_EQ(e[2]["file_sequence_number"], 2);
  EXPECT_EQ(e[3]["status"], 2);
  EXPECT_EQ(e[3]["sequence_number"], 2);
  for (const auto& v : e[1]["partition"]) EXPECT_TRUE(v.is_null());
}

}  // namespace
}  // namespace floe::iceberg
