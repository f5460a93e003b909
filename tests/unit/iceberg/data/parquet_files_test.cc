#include "floe/iceberg/data/parquet_files.h"

#include <arrow/api.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "floe/format/parquet/parquet_file_reader.h"
#include "floe/iceberg/expression/expression_parser.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;

struct Row {
  int64_t id;
  std::optional<std::string> name;
  std::optional<int64_t> version;
};

std::shared_ptr<arrow::Schema> RowSchema() {
  return arrow::schema({arrow::field("id", arrow::int64(), false),
                        arrow::field("name", arrow::utf8()),
                        arrow::field("version", arrow::int64())});
}

std::shared_ptr<arrow::RecordBatch> MakeBatch(const std::vector<Row>& rows) {
  arrow::Int64Builder ids, versions;
  arrow::StringBuilder names;
  for (const auto& r : rows) {
    EXPECT_TRUE(ids.Append(r.id).ok());
    EXPECT_TRUE((r.name ? names.Append(*r.name) : names.AppendNull()).ok());
    EXPECT_TRUE((r.version ? versions.Append(*r.version) : versions.AppendNull()).ok());
  }
  return arrow::RecordBatch::Make(RowSchema(), static_cast<int64_t>(rows.size()),
                                  {*ids.Finish(), *names.Finish(), *versions.Finish()});
}

// (id, name or "null", version or -1) of every row, in order.
std::vector<std::tuple<int64_t, std::string, int64_t>> Rows(arrow::RecordBatchReader& reader) {
  std::vector<std::tuple<int64_t, std::string, int64_t>> out;
  auto table = *reader.ToTable();
  auto batch = *table->CombineChunksToBatch();
  auto ids = std::static_pointer_cast<arrow::Int64Array>(batch->GetColumnByName("id"));
  auto names = std::static_pointer_cast<arrow::StringArray>(batch->GetColumnByName("name"));
  auto versions = std::static_pointer_cast<arrow::Int64Array>(batch->GetColumnByName("version"));
  for (int64_t i = 0; i < batch->num_rows(); ++i) {
    out.emplace_back(ids->Value(i), names->IsNull(i) ? "null" : names->GetString(i),
                     versions->IsNull(i) ? -1 : versions->Value(i));
  }
  return out;
}

class ParquetFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "floe_parquet_files_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    io_ = *io::MakeFileIO(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::vector<Row>& rows) {
    std::string path = dir_ + "/" + name;
    auto writer = *pq::ParquetFileWriter::Open(*io_, path, RowSchema());
    EXPECT_TRUE(writer->Write(*MakeBatch(rows)).ok());
    EXPECT_TRUE(writer->Close().ok());
    return path;
  }

  std::string dir_;
  std::shared_ptr<io::FileIO> io_;
};

TEST_F(ParquetFilesTest, ListsFoldersInPathOrderAndSkipsHiddenAndOtherFiles) {
  std::string b = Write("in/b.parquet", {{1, "x", 1}});
  std::string a = Write("in/sub/a.parquet", {{2, "y", 1}});
  std::string odd = Write("odd.data", {{3, "z", 1}});
  Write("in/_tmp.parquet", {{4, "w", 1}});
  io_->WriteAll(dir_ + "/in/_SUCCESS", "").ok();
  io_->WriteAll(dir_ + "/in/notes.txt", "x").ok();
  auto files = ListParquetFiles(*io_, {dir_ + "/in", odd, b});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(*files, (std::vector<std::string>{b, a, odd}));

  auto missing = ListParquetFiles(*io_, {dir_ + "/nope"});
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nope"), std::string::npos);
  fs::create_directories(dir_ + "/empty");
  io_->WriteAll(dir_ + "/empty/readme.txt", "x").ok();
  auto none = ListParquetFiles(*io_, {dir_ + "/empty"});
  EXPECT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no files ending in .parquet"), std::string::npos);
}

TEST_F(ParquetFilesTest, SelectsFiltersAndLimitsAcrossFiles) {
  std::string f1 = Write("a.parquet", {{1, "a", 1}, {2, "b", 5}, {3, std::nullopt, 9}});
  std::string f2 = Write("b.parquet", {{4, "d", 7}, {5, "e", 2}});
  ParquetFilesReadOptions options;
  options.columns = {"id", "name"};
  options.filter = *ParseFilter("version >= 5");
  auto reader = ReadParquetFiles(io_, {f1, f2}, options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->schema()->num_fields(), 2);  // the filter's column is read, not returned
  auto table = *(*reader)->ToTable();
  auto ids = std::static_pointer_cast<arrow::Int64Array>(table->column(0)->chunk(0));
  std::vector<int64_t> got;
  for (const auto& chunk : table->column(0)->chunks()) {
    auto a = std::static_pointer_cast<arrow::Int64Array>(chunk);
    for (int64_t i = 0; i < a->length(); ++i) got.push_back(a->Value(i));
  }
  EXPECT_EQ(got, (std::vector<int64_t>{2, 3, 4}));

  options = {};
  options.limit = 4;
  auto limited = ReadParquetFiles(io_, {f1, f2}, options);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ((*(*limited)->ToTable())->num_rows(), 4);
}

TEST_F(ParquetFilesTest, DedupesOnAKeyKeepingFirstLastOrLatest) {
  std::string f1 = Write("a.parquet", {{1, "a1", 3}, {2, "b1", 1}, {1, "a2", 7}});
  std::string f2 = Write("b.parquet", {{2, "b2", std::nullopt}, {1, "a3", 7}, {3, "c1", 1}});
  ParquetFilesReadOptions options;
  options.dedupe_on = {"id"};
  auto first = ReadParquetFiles(io_, {f1, f2}, options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(Rows(**first), (std::vector<std::tuple<int64_t, std::string, int64_t>>{
                               {1, "a1", 3}, {2, "b1", 1}, {3, "c1", 1}}));
  options.keep.kind = KeepRule::Kind::kLast;
  EXPECT_EQ(Rows(**ReadParquetFiles(io_, {f1, f2}, options)),
            (std::vector<std::tuple<int64_t, std::string, int64_t>>{
                {2, "b2", -1}, {1, "a3", 7}, {3, "c1", 1}}));
  // The greatest version wins, a tie goes to the later row, a null loses.
  options.keep = {KeepRule::Kind::kLatestBy, "version"};
  EXPECT_EQ(Rows(**ReadParquetFiles(io_, {f1, f2}, options)),
            (std::vector<std::tuple<int64_t, std::string, int64_t>>{
                {2, "b1", 1}, {1, "a3", 7}, {3, "c1", 1}}));
  // With a filter and a limit applied after deduplication.
  options.filter = *ParseFilter("name <> 'a3'");
  options.limit = 2;
  EXPECT_EQ(Rows(**ReadParquetFiles(io_, {f1, f2}, options)),
            (std::vector<std::tuple<int64_t, std::string, int64_t>>{{2, "b1", 1}, {1, "a2", 7}}));
}

TEST_F(ParquetFilesTest, AMismatchedOrMissingColumnNamesTheFile) {
  std::string f1 = Write("a.parquet", {{1, "a", 1}});
  std::string other = dir_ + "/b.parquet";
  auto schema =
      arrow::schema({arrow::field("id", arrow::int32()), arrow::field("name", arrow::utf8())});
  auto writer = *pq::ParquetFileWriter::Open(*io_, other, schema);
  arrow::Int32Builder ids;
  arrow::StringBuilder names;
  ASSERT_TRUE(ids.Append(9).ok());
  ASSERT_TRUE(names.Append("z").ok());
  ASSERT_TRUE(
      writer->Write(*arrow::RecordBatch::Make(schema, 1, {*ids.Finish(), *names.Finish()})).ok());
  ASSERT_TRUE(writer->Close().ok());

  ParquetFilesReadOptions options;
  options.columns = {"id"};
  auto reader = ReadParquetFiles(io_, {f1, other}, options);
  ASSERT_TRUE(reader.ok());
  auto table = (*reader)->ToTable();
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.status().message().find("b.parquet"), std::string::npos);
  EXPECT_NE(table.status().message().find("'id' is int32"), std::string::npos);

  options.columns = {"version"};
  auto missing = (*ReadParquetFiles(io_, {f1, other}, options))->ToTable();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no column 'version'"), std::string::npos);
}

TEST_F(ParquetFilesTest, WritesOneFileOrPartsRolledAtTheTargetSize) {
  std::vector<Row> rows;
  for (int64_t i = 0; i < 20000; ++i) rows.push_back({i, "name-" + std::to_string(i * 7919), i});
  std::string in = Write("in.parquet", rows);
  ParquetFilesReadOptions read;
  read.batch_size = 1000;

  auto reader = *ReadParquetFiles(io_, {in}, read);
  auto single = WriteParquetFiles(*io_, *reader, dir_ + "/out.parquet");
  ASSERT_TRUE(single.ok()) << single.status().ToString();
  ASSERT_EQ(single->files.size(), 1u);
  EXPECT_EQ(single->rows, 20000);

  ParquetFilesWriteOptions write;
  write.target_file_size_bytes = 20000;
  write.parquet.row_group_size_bytes = 8000;
  reader = *ReadParquetFiles(io_, {in}, read);
  auto parts = WriteParquetFiles(*io_, *reader, dir_ + "/parts/", write);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_GT(parts->files.size(), 2u);
  int64_t total = 0;
  for (const auto& f : parts->files) {
    EXPECT_EQ(f.location.rfind(dir_ + "/parts/part-", 0), 0u) << f.location;
    auto file = *pq::ParquetFileReader::Open(*io_, f.location);
    total += file->num_rows();
  }
  EXPECT_EQ(total, 20000);
  // Everything comes back, in order, from the parts.
  auto listed = *ListParquetFiles(*io_, {dir_ + "/parts"});
  EXPECT_EQ(Rows(**ReadParquetFiles(io_, listed)), Rows(**ReadParquetFiles(io_, {in})));
}

}  // namespace
}  // namespace floe::iceberg
