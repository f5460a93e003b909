
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include <arrow/api.h>
#include <arrow/extension/uuid.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/table_output.h"

#include "../interop_python.h"

// floe's csv, jsonl and parquet output read back by DuckDB and pyarrow. Runs when FLOE_PYTHON
// names an interpreter with both installed (the project's .venv).
namespace floe::cli {
namespace {

using nlohmann::json;

std::shared_ptr<arrow::Array> FromJson(const std::shared_ptr<arrow::DataType>& type,
                                       const std::string& text) {
  auto r = arrow::json::ArrayFromJSONString(type, text);
  EXPECT_TRUE(r.ok()) << type->ToString() << ": " << r.status().ToString();
  return r.ValueOrDie();
}

std::shared_ptr<arrow::Table> EveryType() {
  arrow::FixedSizeBinaryBuilder uuid_builder(arrow::fixed_size_binary(16));
  const std::string uuid("\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef", 16);
  EXPECT_TRUE(uuid_builder.Append(uuid).ok());
  EXPECT_TRUE(uuid_builder.AppendNull().ok());
  EXPECT_TRUE(uuid_builder.Append(uuid).ok());
  auto uuids = arrow::ExtensionType::WrapArray(arrow::extension::uuid(),
                                               uuid_builder.Finish().ValueOrDie());
  arrow::DoubleBuilder double_builder;
  EXPECT_TRUE(double_builder.AppendValues({0.1, std::nan(""), -2.5}).ok());
  auto doubles = double_builder.Finish().ValueOrDie();

  auto st = arrow::struct_({arrow::field("a", arrow::int32()), arrow::field("b", arrow::utf8())});
  auto m = arrow::map(arrow::utf8(), arrow::int32());
  std::vector<std::pair<std::string, std::shared_ptr<arrow::Array>>> columns = {
      {"b", FromJson(arrow::boolean(), "[true, null, false]")},
      {"i", FromJson(arrow::int32(), "[1, null, -3]")},
      {"l", FromJson(arrow::int64(), "[9007199254740993, 0, null]")},
      {"f", FromJson(arrow::float32(), "[0.1, null, 1.0]")},
      {"d", doubles},
      {"dec", FromJson(arrow::decimal128(9, 2), R"(["12.50", null, "-0.05"])")},
      {"dt", FromJson(arrow::date32(), "[19783, null, -1]")},
      {"tm", FromJson(arrow::time64(arrow::TimeUnit::MICRO), "[36930123456, null, 0]")},
      {"ts", FromJson(arrow::timestamp(arrow::TimeUnit::MICRO), "[1709288130123456, null, 0]")},
      {"tstz",
       FromJson(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), "[1709288130123456, null, 0]")},
      {"s", FromJson(arrow::utf8(), R"(["a, \"b\"\nc", null, ""])")},
      {"u", uuids},
      {"bin", FromJson(arrow::binary(), R"(["AB", null, ""])")},
      {"st", FromJson(st, R"([{"a": 1, "b": "x"}, null, {"a": null, "b": null}])")},
      {"li", FromJson(arrow::list(arrow::int32()), "[[1, null], null, []]")},
      {"m", FromJson(m, R"([[["k", 1]], null, []])")},
  };
  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  for (const auto& [name, array] : columns) {
    fields.push_back(arrow::field(name, array->type()));
    arrays.push_back(array);
  }
  return arrow::Table::Make(arrow::schema(fields), arrays);
}

constexpr const char* kReader = R"PY(
import json, sys
import duckdb
import pyarrow.csv as pc
import pyarrow.parquet as pq
d = sys.argv[1]
con = duckdb.connect()
out = {}
rows = con.execute(f"select * from read_csv('{d}/out.csv', header=true, all_varchar=true, "
                   "allow_quoted_nulls=false)")
out["csv_columns"] = [c[0] for c in rows.description]
out["csv"] = [list(r) for r in rows.fetchall()]
opts = pc.ConvertOptions(strings_can_be_null=True, quoted_strings_can_be_null=False,
                         column_types={"s": "string"})
out["pyarrow_csv_s"] = pc.read_csv(f"{d}/out.csv", convert_options=opts).column("s").to_pylist()
rows = con.execute(f"select * from read_json('{d}/out.jsonl', format='newline_delimited')")
out["jsonl_columns"] = [c[0] for c in rows.description]
out["jsonl_rows"] = len(rows.fetchall())
out["jsonl_struct"] = con.execute(
    f"select st.a, st.b, m.k, li[1] from read_json('{d}/out.jsonl', format='newline_delimited')"
).fetchall()[0]
f = pq.ParquetFile(f"{d}/out.parquet")
out["parquet_rows"] = f.metadata.num_rows
out["parquet_codec"] = f.metadata.row_group(0).column(0).compression
out["parquet_uuid"] = str(f.schema.column(11).logical_type)
out["duckdb_parquet"] = [str(v) for v in con.execute(
    f"select u, dec, tstz at time zone 'UTC', s from '{d}/out.parquet' limit 1").fetchall()[0]]
print(json.dumps(out))
)PY";

TEST(TableOutputInteropTest, DuckDbAndPyArrowReadCsvJsonLinesAndParquet) {
  std::string python;
  FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
  auto dir = std::filesystem::temp_directory_path() /
             ("floe_table_output_interop_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto table = EveryType();
  ASSERT_TRUE(WriteTable(*table, OutputFormat::kCsv, (dir / "out.csv").string()).ok());
  ASSERT_TRUE(WriteTable(*table, OutputFormat::kJsonl, (dir / "out.jsonl").string()).ok());
  ASSERT_TRUE(WriteTable(*table, OutputFormat::kParquet, (dir / "out.parquet").string()).ok());
  std::ofstream(dir / "check.py") << kReader;

  std::string cmd = python + " '" + (dir / "check.py").string() + "' '" + dir.string() + "' 2>&1";
  std::string output;
  if (FILE* pipe = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
    pclose(pipe);
  }
  std::filesystem::remove_all(dir);
  auto doc = json::parse(output, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << output;

  std::vector<std::string> names;
  for (const auto& field : table->schema()->fields()) names.push_back(field->name());
  EXPECT_EQ(doc["csv_columns"], json(names));
  EXPECT_EQ(doc["jsonl_columns"], json(names));
  EXPECT_EQ(doc["jsonl_rows"], 3);

  // CSV: quoted separators and line breaks survive; null is an empty field and the empty
  // string a quoted "", told apart by readers that do not take quoted fields for nulls.
  const json& csv = doc["csv"];
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[0], json::parse(R"(["true", "1", "9007199254740993", "0.1", "0.1", "12.50",
      "2024-03-01", "10:15:30.123456", "2024-03-01T10:15:30.123456",
      "2024-03-01T10:15:30.123456+00:00", "a, \"b\"\nc", "12345678-9abc-def0-0123-456789abcdef",
      "4142", "{\"a\":1,\"b\":\"x\"}", "[1,null]", "{\"k\":1}"])"));
  std::vector<json> second(16, nullptr);
  second[2] = "0";
  second[4] = "NaN";
  EXPECT_EQ(csv[1], json(second));
  EXPECT_EQ(csv[2][10], "");  // s: empty string
  EXPECT_EQ(csv[2][12], "");  // bin: no bytes
  EXPECT_EQ(csv[2][4], "-2.5");
  EXPECT_EQ(doc["pyarrow_csv_s"], json::parse(R"(["a, \"b\"\nc", null, ""])"));
  EXPECT_EQ(doc["jsonl_struct"], json::parse(R"([1, "x", 1, 1])"));

  EXPECT_EQ(doc["parquet_rows"], 3);
  EXPECT_EQ(doc["parquet_codec"], "ZSTD");
  EXPECT_EQ(doc["parquet_uuid"], "UUID");
  EXPECT_EQ(doc["duckdb_parquet"],
            json::parse(R"(["12345678-9abc-def0-0123-456789abcdef", "12.50",
                            "2024-03-01 10:15:30.123456", "a, \"b\"\nc"])"));
}

}  // namespace
}  // namespace floe::cli
