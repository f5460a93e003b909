#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <arrow/ipc/reader.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>
#include <parquet/arrow/reader.h>
#include <parquet/file_reader.h>
#include <parquet/metadata.h>

#include "cli/table_output.h"

namespace floe::cli {
namespace {

using nlohmann::json;

std::shared_ptr<arrow::ChunkedArray> Chunks(const std::shared_ptr<arrow::DataType>& type,
                                            const std::vector<std::string>& chunks) {
  auto r = arrow::json::ChunkedArrayFromJSONString(type, chunks);
  EXPECT_TRUE(r.ok()) << type->ToString() << ": " << r.status().ToString();
  return r.ValueOrDie();
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

class TableWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe_table_writer_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Writes `table` in `format` to a file and returns the file's text.
  std::string Write(const arrow::Table& table, OutputFormat format) {
    std::string path = Path("out");
    arrow::Status st = WriteTable(table, format, path);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return ReadFile(path);
  }

  std::filesystem::path dir_;
};

// id: int64 in two chunks; name: utf8 in three chunks of other sizes; score: decimal.
std::shared_ptr<arrow::Table> People() {
  auto schema = arrow::schema({arrow::field("id", arrow::int64()),
                               arrow::field("name", arrow::utf8()),
                               arrow::field("score", arrow::decimal128(5, 2))});
  return arrow::Table::Make(
      schema, {Chunks(arrow::int64(), {"[1, 22]", "[333, null]"}),
               Chunks(arrow::utf8(), {R"(["ann"])", R"(["bo, \"b\"", "line1\nline2"])",
                                      R"([null])"}),
               Chunks(arrow::decimal128(5, 2), {R"(["1.50", null, "-20.00", "0.05"])"})});
}

TEST_F(TableWriterTest, TableAlignsColumnsRightAlignsNumbersAndCountsRows) {
  std::string text = Write(*People(), OutputFormat::kTable);
  EXPECT_EQ(text,
            "  id  name           score\n"
            "----  ------------  ------\n"
            "   1  ann             1.50\n"
            "  22  bo, \"b\"         null\n"
            " 333  line1\\nline2  -20.00\n"
            "null  null            0.05\n"
            "(4 rows)\n");
}

TEST_F(TableWriterTest, TableCutsLongCellsAndCountsCharactersNotBytes) {
  std::string long_text(100, 'x');
  std::string accents;
  for (int i = 0; i < 10; ++i) accents += "é";  // 10 characters, 20 bytes
  auto schema = arrow::schema({arrow::field("v", arrow::utf8()), arrow::field("w", arrow::utf8())});
  auto table = arrow::Table::Make(
      schema, {Chunks(arrow::utf8(), {"[\"" + long_text + "\", \"ab\"]"}),
               Chunks(arrow::utf8(), {"[\"" + accents + "\", \"c\"]"})});
  auto lines = Lines(Write(*table, OutputFormat::kTable));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "v" + std::string(59, ' ') + "  w");
  EXPECT_EQ(lines[1], std::string(60, '-') + "  " + std::string(10, '-'));
  EXPECT_EQ(lines[2], std::string(59, 'x') + "…  " + accents);
  EXPECT_EQ(lines[3], "ab" + std::string(58, ' ') + "  c");
  EXPECT_EQ(lines[4], "(2 rows)");
}

TEST_F(TableWriterTest, TableOfOneRowAndOfNoRows) {
  auto schema = arrow::schema({arrow::field("a", arrow::int32())});
  auto one = arrow::Table::Make(schema, {Chunks(arrow::int32(), {"[7]"})});
  EXPECT_EQ(Write(*one, OutputFormat::kTable), "a\n-\n7\n(1 row)\n");
  auto none = arrow::Table::Make(schema, {Chunks(arrow::int32(), {"[]"})});
  EXPECT_EQ(Write(*none, OutputFormat::kTable), "a\n-\n(0 rows)\n");
}

TEST_F(TableWriterTest, CsvQuotesPerRfc4180AndTellsNullFromEmpty) {
  auto schema = arrow::schema({arrow::field("id", arrow::int64()),
                               arrow::field("text, quoted", arrow::utf8()),
                               arrow::field("tags", arrow::list(arrow::utf8()))});
  auto table = arrow::Table::Make(
      schema,
      {Chunks(arrow::int64(), {"[1, 2]", "[3, 4]"}),
       Chunks(arrow::utf8(), {R"(["plain", "a,b"])", R"(["say \"hi\"\r\nbye", ""])"}),
       Chunks(arrow::list(arrow::utf8()), {R"([["x", "y"], null, [], null])"})});
  EXPECT_EQ(Write(*table, OutputFormat::kCsv),
            "id,\"text, quoted\",tags\n"
            "1,plain,\"[\"\"x\"\",\"\"y\"\"]\"\n"
            "2,\"a,b\",\n"
            "3,\"say \"\"hi\"\"\r\nbye\",[]\n"
            "4,\"\",\n");
}

TEST_F(TableWriterTest, CsvNullsAreEmptyFields) {
  auto table = People();
  auto lines = Lines(Write(*table, OutputFormat::kCsv));
  ASSERT_EQ(lines.size(), 6u);  // the quoted line break splits one row in two
  EXPECT_EQ(lines[0], "id,name,score");
  EXPECT_EQ(lines[1], "1,ann,1.50");
  EXPECT_EQ(lines[2], "22,\"bo, \"\"b\"\"\",");
  EXPECT_EQ(lines[5], ",,0.05");
}

TEST_F(TableWriterTest, JsonLinesKeepColumnOrderNullsAndSpecialFloats) {
  arrow::DoubleBuilder builder;
  ASSERT_TRUE(builder.AppendValues({1.25, std::nan(""), -INFINITY}).ok());
  auto floats = std::make_shared<arrow::ChunkedArray>(builder.Finish().ValueOrDie());
  auto struct_type = arrow::struct_({arrow::field("k", arrow::int32()),
                                     arrow::field("m", arrow::map(arrow::utf8(), arrow::utf8()))});
  auto schema = arrow::schema({arrow::field("zeta", arrow::float64()),
                               arrow::field("alpha", arrow::utf8()),
                               arrow::field("nested", struct_type)});
  auto table = arrow::Table::Make(
      schema, {floats, Chunks(arrow::utf8(), {R"(["x\"y"])", R"([null, "z"])"}),
               Chunks(struct_type, {R"([{"k": 1, "m": [["b", "1"], ["a", null]]}, null])",
                                    R"([{"k": null, "m": null}])"})});
  std::string text = Write(*table, OutputFormat::kJsonl);
  EXPECT_EQ(text,
            R"({"zeta":1.25,"alpha":"x\"y","nested":{"k":1,"m":{"b":"1","a":null}}})" "\n"
            R"({"zeta":"NaN","alpha":null,"nested":null})" "\n"
            R"({"zeta":"-Infinity","alpha":"z","nested":{"k":null,"m":null}})" "\n");
  for (const auto& line : Lines(text)) {
    auto doc = nlohmann::ordered_json::parse(line, nullptr, false);
    ASSERT_FALSE(doc.is_discarded()) << line;
    EXPECT_EQ(doc.begin().key(), "zeta");
  }
}

TEST_F(TableWriterTest, ParquetRoundTripsTheTableWithZstd) {
  auto uuid_free = arrow::schema(
      {arrow::field("id", arrow::int64(), false,
                    arrow::key_value_metadata({"PARQUET:field_id"}, {"1"})),
       arrow::field("name", arrow::utf8(), true,
                    arrow::key_value_metadata({"PARQUET:field_id"}, {"2"})),
       arrow::field("ts", arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), true,
                    arrow::key_value_metadata({"PARQUET:field_id"}, {"3"})),
       arrow::field("tags", arrow::list(arrow::field("element", arrow::int32())), true,
                    arrow::key_value_metadata({"PARQUET:field_id"}, {"4"}))});
  auto table = arrow::Table::Make(
      uuid_free,
      {Chunks(arrow::int64(), {"[1, 2]", "[3]"}), Chunks(arrow::utf8(), {R"(["a", null, "c"])"}),
       Chunks(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), {"[0, 1709288130123456, null]"}),
       Chunks(arrow::list(arrow::field("element", arrow::int32())), {"[[1], null, []]"})});
  std::string path = Path("out.parquet");
  ASSERT_TRUE(WriteTable(*table, OutputFormat::kParquet, path).ok());

  auto file = arrow::io::ReadableFile::Open(path).ValueOrDie();
  auto reader = parquet::arrow::OpenFile(file, arrow::default_memory_pool()).ValueOrDie();
  auto read = reader->ReadTable();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  std::shared_ptr<arrow::Table> back = *read;
  EXPECT_TRUE(back->Equals(*table)) << back->ToString();
  auto field_id = back->schema()->field(2)->metadata()->Get("PARQUET:field_id");
  ASSERT_TRUE(field_id.ok());
  EXPECT_EQ(*field_id, "3");
  auto metadata = reader->parquet_reader()->metadata();
  ASSERT_GT(metadata->num_row_groups(), 0);
  EXPECT_EQ(metadata->RowGroup(0)->ColumnChunk(0)->compression(), parquet::Compression::ZSTD);
}

TEST_F(TableWriterTest, ParquetToStdoutIsRefused) {
  auto st = WriteTable(*People(), OutputFormat::kParquet, "-");
  EXPECT_TRUE(st.IsInvalid()) << st.ToString();
  EXPECT_NE(st.message().find("--output"), std::string::npos) << st.message();
  EXPECT_TRUE(WriteTable(*People(), OutputFormat::kParquet, "").IsInvalid());
}

TEST_F(TableWriterTest, ArrowFileKeepsTheExactTypes) {
  // What Parquet cannot keep as is: an empty struct, a dictionary, a map with int keys.
  auto dictionary = arrow::dictionary(arrow::int32(), arrow::utf8());
  auto empty = arrow::struct_(arrow::FieldVector{});
  auto counts = arrow::map(arrow::int32(), arrow::int64());
  auto schema =
      arrow::schema({arrow::field("format", dictionary, false),
                     arrow::field("partition", empty, false), arrow::field("counts", counts)});
  auto formats = arrow::DictionaryArray::FromArrays(
      dictionary, *arrow::json::ArrayFromJSONString(arrow::int32(), "[0, 0, 1]"),
      *arrow::json::ArrayFromJSONString(arrow::utf8(), R"(["PARQUET", "AVRO"])"));
  ASSERT_TRUE(formats.ok()) << formats.status().ToString();
  arrow::StructBuilder partition_builder(empty, arrow::default_memory_pool(), {});
  ASSERT_TRUE(partition_builder.AppendValues(3, nullptr).ok());
  auto table = arrow::Table::Make(
      schema, {std::make_shared<arrow::ChunkedArray>(*formats),
               std::make_shared<arrow::ChunkedArray>(*partition_builder.Finish()),
               Chunks(counts, {R"([[[1, 10], [2, 20]], null, []])"})});
  std::string path = Path("out.arrow");
  ASSERT_TRUE(WriteTable(*table, OutputFormat::kArrow, path).ok());

  auto file = arrow::io::ReadableFile::Open(path).ValueOrDie();
  auto reader = arrow::ipc::RecordBatchFileReader::Open(file).ValueOrDie();
  auto back = reader->ToTable();
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE((*back)->schema()->Equals(*schema)) << (*back)->schema()->ToString();
  EXPECT_TRUE((*back)->Equals(*table)) << (*back)->ToString();
  EXPECT_TRUE(WriteTable(*table, OutputFormat::kArrow, "-").IsInvalid());
}

TEST_F(TableWriterTest, JsonArrayHoldsTheJsonlFormatsObjects) {
  auto doc = TableToJson(*People());
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  // The same objects as the jsonl format, one per line there.
  json expected = json::array();
  for (const auto& line : Lines(Write(*People(), OutputFormat::kJsonl))) {
    expected.push_back(json::parse(line));
  }
  EXPECT_EQ(*doc, expected);
  ASSERT_EQ(doc->size(), 4u);
  EXPECT_EQ((*doc)[0]["id"], 1);
  EXPECT_EQ((*doc)[1]["name"], "bo, \"b\"");
  EXPECT_EQ((*doc)[2]["score"], "-20.00");
  EXPECT_TRUE((*doc)[3]["name"].is_null());
}

TEST_F(TableWriterTest, UnwritableOutputNamesThePath) {
  std::string path = Path("missing/dir/out.csv");
  auto st = WriteTable(*People(), OutputFormat::kCsv, path);
  EXPECT_TRUE(st.IsIOError()) << st.ToString();
  EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
}

TEST_F(TableWriterTest, LargeOutputIsWrittenCompletely) {
  // More rows than one flush of the output buffer holds, across many chunks.
  std::vector<std::string> chunks;
  int64_t expected_sum = 0;
  int64_t next = 0;
  for (int c = 0; c < 50; ++c) {
    std::string chunk = "[";
    for (int i = 0; i < 2000; ++i) {
      if (i > 0) chunk += ",";
      chunk += std::to_string(next);
      expected_sum += next++;
    }
    chunks.push_back(chunk + "]");
  }
  auto schema = arrow::schema({arrow::field("n", arrow::int64())});
  auto table = arrow::Table::Make(schema, {Chunks(arrow::int64(), chunks)});
  auto lines = Lines(Write(*table, OutputFormat::kJsonl));
  ASSERT_EQ(lines.size(), 100000u);
  int64_t sum = 0;
  for (const auto& line : lines) sum += json::parse(line)["n"].get<int64_t>();
  EXPECT_EQ(sum, expected_sum);
  auto csv = Lines(Write(*table, OutputFormat::kCsv));
  ASSERT_EQ(csv.size(), 100001u);
  EXPECT_EQ(csv.back(), "99999");
}

}  // namespace
}  // namespace floe::cli
