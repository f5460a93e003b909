// Cross-checks against a real reader and writer: pyarrow and PyIceberg, run from the
// virtualenv named by FLOE_PYTHON (skipped when unset, failed under CI).

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <arrow/api.h>
#include <arrow/extension/uuid.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/data_reader.h"
#include "floe/iceberg/data/data_writer.h"
#include "floe/util/hex.h"

#include "../../interop_python.h"
#include "fields_test_util.h"

namespace floe::iceberg {
namespace {

using json = nlohmann::json;

// Prints field ids (by dotted path), values and PyIceberg's statistics of a Parquet file.
constexpr const char* kInspectScript = R"PY(
import json, sys
import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.io.pyarrow import (compute_statistics_plan, data_file_statistics_from_parquet_metadata,
                                  parquet_path_to_id_mapping, pyarrow_to_schema)

pf = pq.ParquetFile(sys.argv[1])
ids = {}
def walk(field, prefix):
    md = field.metadata or {}
    key = prefix + field.name
    ids[key] = int(md[b"PARQUET:field_id"]) if b"PARQUET:field_id" in md else None
    t = field.type
    if pa.types.is_struct(t):
        for i in range(t.num_fields):
            walk(t.field(i), key + ".")
    elif pa.types.is_map(t):
        walk(t.key_field, key + ".")
        walk(t.item_field, key + ".")
    elif pa.types.is_list(t) or pa.types.is_large_list(t):
        walk(t.value_field, key + ".")
for f in pf.schema_arrow:
    walk(f, "")
schema = pyarrow_to_schema(pf.schema_arrow)
stats = data_file_statistics_from_parquet_metadata(
    pf.metadata, compute_statistics_plan(schema, {}), parquet_path_to_id_mapping(schema)
).to_serialized_dict()
table = pf.read()
print(json.dumps({
    "ids": ids,
    "rows": table.num_rows,
    "values": {name: table.column(name).to_pylist() for name in ("id", "name", "s", "tags", "m")},
    "lower": {str(k): v.hex() for k, v in stats["lower_bounds"].items()},
    "upper": {str(k): v.hex() for k, v in stats["upper_bounds"].items()},
    "value_counts": {str(k): v for k, v in stats["value_counts"].items()},
    "null_value_counts": {str(k): v for k, v in stats["null_value_counts"].items()},
    "column_sizes": {str(k): v for k, v in stats["column_sizes"].items()},
    "split_offsets": stats["split_offsets"],
}, default=str))
)PY";

// Writes a file the way PyIceberg does (large strings, arrow.uuid, stored Arrow schema).
constexpr const char* kWriteScript = R"PY(
import sys, uuid
import pyarrow as pa
import pyarrow.parquet as pq

def fid(i):
    return {b"PARQUET:field_id": str(i).encode()}
schema = pa.schema([
    pa.field("id", pa.int32(), nullable=False, metadata=fid(1)),
    pa.field("label", pa.large_string(), metadata=fid(2)),
    pa.field("u", pa.uuid(), metadata=fid(3)),
    pa.field("vals", pa.large_list(pa.field("element", pa.float32(), metadata=fid(5))),
             metadata=fid(4)),
])
table = pa.table({
    "id": pa.array([1, 2, 3], pa.int32()),
    "label": pa.array(["one", None, "three"], pa.large_string()),
    "u": pa.array([uuid.UUID(int=1).bytes, None, uuid.UUID(int=3).bytes], pa.uuid()),
    "vals": pa.array([[1.5], None, [2.5, None]], pa.large_list(pa.float32())),
}, schema=schema)
pq.write_table(table, sys.argv[1], store_decimal_as_integer=True)
)PY";

class ParquetInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python_);
    dir_ = std::filesystem::temp_directory_path() /
           ("floe_parquet_interop_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    io_ = *io::MakeFileIO(dir_.string());
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Runs a script with one argument; returns its standard output, failing on a non-zero exit.
  std::string RunPython(const char* script, const std::string& arg) {
    std::string script_path = (dir_ / "script.py").string();
    std::ofstream(script_path) << script;
    std::string out_path = (dir_ / "out.txt").string();
    std::string command = "'" + python_ + "' '" + script_path + "' '" + arg + "' > '" +
                          out_path + "' 2> '" + out_path + ".err'";
    int rc = std::system(command.c_str());
    std::stringstream out, err;
    out << std::ifstream(out_path).rdbuf();
    err << std::ifstream(out_path + ".err").rdbuf();
    EXPECT_EQ(rc, 0) << err.str();
    return out.str();
  }

  std::string python_;
  std::filesystem::path dir_;
  std::shared_ptr<io::FileIO> io_;
};

std::shared_ptr<arrow::Array> FromJson(const std::shared_ptr<arrow::DataType>& type,
                                       const std::string& text) {
  if (type->id() == arrow::Type::EXTENSION) {
    auto storage = static_cast<const arrow::ExtensionType&>(*type).storage_type();
    return arrow::ExtensionType::WrapArray(type, FromJson(storage, text));
  }
  auto array = arrow::json::ArrayFromJSONString(type, text);
  EXPECT_TRUE(array.ok()) << type->ToString() << ": " << array.status().ToString();
  return *array;
}

TEST_F(ParquetInteropTest, PyArrowSeesFieldIdsAndValuesAndPyIcebergComputesTheSameBounds) {
  auto schema = std::make_shared<Schema>(
      0, std::vector<NestedField>{
             Req(1, "id", Type::Long()),
             Opt(2, "name", Type::String()),
             Opt(3, "score", Type::Double()),
             Opt(4, "ratio", Type::Float()),
             Opt(5, "small_dec", Type::Decimal(9, 2)),
             Opt(6, "big_dec", Type::Decimal(30, 5)),
             Opt(7, "day", Type::Date()),
             Opt(8, "at", Type::Time()),
             Opt(9, "ts", Type::Timestamp()),
             Opt(10, "tstz", Type::TimestampTz()),
             Opt(11, "u", Type::Uuid()),
             Opt(12, "fx", Type::Fixed(4)),
             Opt(13, "bin", Type::Binary()),
             Opt(14, "flag", Type::Boolean()),
             Opt(15, "i", Type::Int()),
             Opt(16, "s", Type::Struct({Opt(17, "x", Type::Long()), Opt(18, "t", Type::String())})),
             Opt(19, "tags", Type::List(Opt(20, "element", Type::String()))),
             Opt(21, "m", Type::Map(Req(22, "key", Type::String()), Opt(23, "value", Type::Int()))),
         });
  auto arrow_schema = *ToArrowSchema(*schema);
  std::vector<std::string> columns = {
      "[3, -1, 7, 5]",
      R"(["kiwi", "an unusually long name that gets truncated", null, "zz top, twenty chars"])",
      "[1.5, NaN, null, -2.25]",
      "[0.5, null, 3.25, -1.0]",
      R"(["12.34", "-5.00", null, "0.01"])",
      R"(["123456789012345678901.12345", "-1.00000", null, "42.00000"])",
      "[19000, 0, -3, null]",
      "[1000000, null, 86399999999, 0]",
      "[1700000000000000, -5, null, 0]",
      "[1700000000000000, 12, 99, null]",
      R"(["0123456789abcdef", "ffffffffffffffff", null, "AAAAAAAAAAAAAAAA"])",
      R"(["abcd", "ABCD", null, "zzzz"])",
      R"(["short", "a very long binary value here", null, ""])",
      "[true, false, null, true]",
      "[1, 2, null, -4]",
      R"([{"x": 1, "t": "in struct"}, null, {"x": -9, "t": null}, {"x": 4, "t": "b"}])",
      R"([["a", "b"], null, [], ["c", null]])",
      R"([[["k1", 1]], null, [], [["k2", null], ["k3", 3]]])",
  };
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  for (size_t i = 0; i < columns.size(); ++i) {
    arrays.push_back(FromJson(arrow_schema->field(static_cast<int>(i))->type(), columns[i]));
  }
  auto batch = arrow::RecordBatch::Make(arrow_schema, 4, arrays);

  DataWriterOptions options;
  options.table_location = dir_.string();
  options.schema = schema;
  auto writer = DataWriter::Make(io_, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Write(*batch->Slice(0, 2)).ok());
  ASSERT_TRUE((*writer)->Write(*batch->Slice(2, 2)).ok());
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  const DataFile& file = (*files)[0];

  json out = json::parse(RunPython(kInspectScript, file.file_path), nullptr, false);
  ASSERT_FALSE(out.is_discarded());
  // Field ids on every field, nested ones included.
  const json& ids = out["ids"];
  EXPECT_EQ(ids["id"], 1);
  EXPECT_EQ(ids["s"], 16);
  EXPECT_EQ(ids["s.x"], 17);
  EXPECT_EQ(ids["s.t"], 18);
  EXPECT_EQ(ids["tags"], 19);
  EXPECT_EQ(ids["tags.element"], 20);
  EXPECT_EQ(ids["m"], 21);
  EXPECT_EQ(ids["m.key"], 22);
  EXPECT_EQ(ids["m.value"], 23);
  EXPECT_EQ(ids.size(), 23u);
  // Values as pyarrow reads them.
  EXPECT_EQ(out["rows"], 4);
  EXPECT_EQ(out["values"]["id"], json::parse("[3, -1, 7, 5]"));
  EXPECT_EQ(out["values"]["name"][1], "an unusually long name that gets truncated");
  EXPECT_TRUE(out["values"]["name"][2].is_null());
  EXPECT_EQ(out["values"]["s"][0], json::parse(R"({"x": 1, "t": "in struct"})"));
  EXPECT_EQ(out["values"]["tags"][3], json::parse(R"(["c", null])"));
  EXPECT_EQ(out["values"]["m"][3], json::parse(R"([["k2", null], ["k3", 3]])"));

  // PyIceberg's statistics of the same file.
  for (const auto& [key, value] : out["value_counts"].items()) {
    EXPECT_EQ(file.value_counts.at(std::stoi(key)), value.get<int64_t>()) << key;
  }
  for (const auto& [key, value] : out["null_value_counts"].items()) {
    EXPECT_EQ(file.null_value_counts.at(std::stoi(key)), value.get<int64_t>()) << key;
  }
  for (const auto& [key, value] : out["column_sizes"].items()) {
    EXPECT_EQ(file.column_sizes.at(std::stoi(key)), value.get<int64_t>()) << key;
  }
  EXPECT_EQ(json(file.split_offsets), out["split_offsets"]);
  EXPECT_EQ(out["lower"].size(), 15u);  // every top-level primitive column
  for (const char* side : {"lower", "upper"}) {
    const auto& ours = std::string(side) == "lower" ? file.lower_bounds : file.upper_bounds;
    for (const auto& [key, value] : out[side].items()) {
      int id = std::stoi(key);
      ASSERT_TRUE(ours.count(id)) << side << " bound missing for " << id;
      EXPECT_EQ(util::ToHex(ours.at(id)), value.get<std::string>()) << side << " bound of " << id;
    }
    // PyIceberg keeps no bounds for any nested column; Java (and floe) keep them for struct
    // fields but not inside lists and maps.
    for (const auto& [id, bytes] : ours) {
      if (out[side].contains(std::to_string(id))) continue;
      EXPECT_TRUE(id == 17 || id == 18) << side << " bound for field " << id;
    }
  }
  EXPECT_EQ(file.nan_value_counts.at(3), 1);
  EXPECT_EQ(file.nan_value_counts.at(4), 0);
}

TEST_F(ParquetInteropTest, ReadsAFileWrittenByPyArrowTheWayPyIcebergWritesIt) {
  std::string location = (dir_ / "py.parquet").string();
  RunPython(kWriteScript, location);
  // Renamed columns, promoted int and float, an added column.
  Schema projected(1, {Req(1, "key", Type::Long()), Opt(2, "title", Type::String()),
                       Opt(3, "u", Type::Uuid()), Opt(9, "added", Type::Int()),
                       Opt(4, "vals", Type::List(Opt(5, "element", Type::Double())))});
  auto batches = ReadDataFile(*io_, location, projected);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  auto table = *arrow::Table::FromRecordBatches(*ToArrowSchema(projected), *batches);
  table = *table->CombineChunks();
  ASSERT_TRUE(table->ValidateFull().ok());
  auto expect = [&](int index, const std::string& text) {
    auto expected = FromJson(table->schema()->field(index)->type(), text);
    auto actual = table->column(index)->chunk(0);
    EXPECT_TRUE(actual->Equals(*expected)) << actual->ToString();
  };
  expect(0, "[1, 2, 3]");
  expect(1, R"(["one", null, "three"])");
  std::string one(16, '\0'), three(16, '\0');
  one[15] = 1;
  three[15] = 3;
  auto u = std::static_pointer_cast<arrow::FixedSizeBinaryArray>(
      static_cast<const arrow::ExtensionArray&>(*table->column(2)->chunk(0)).storage());
  EXPECT_EQ(u->GetString(0), one);
  EXPECT_TRUE(u->IsNull(1));
  EXPECT_EQ(u->GetString(2), three);
  expect(3, "[null, null, null]");
  expect(4, "[[1.5], null, [2.5, null]]");
}

}  // namespace
}  // namespace floe::iceberg
