#include <filesystem>
#include <random>

#include <arrow/api.h>
#include <gtest/gtest.h>
#include <parquet/metadata.h>
#include <parquet/schema.h>

#include "floe/format/parquet/parquet_file_reader.h"
#include "floe/format/parquet/parquet_file_writer.h"

#define FLOE_CAT2(a, b) a##b
#define FLOE_CAT(a, b) FLOE_CAT2(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                                        \
  auto FLOE_CAT(result_, __LINE__) = (rexpr);                                   \
  ASSERT_TRUE(FLOE_CAT(result_, __LINE__).ok())                                 \
      << FLOE_CAT(result_, __LINE__).status().ToString();                       \
  lhs = std::move(FLOE_CAT(result_, __LINE__)).ValueUnsafe()

namespace floe::pq {
namespace {

std::shared_ptr<arrow::Field> WithId(std::shared_ptr<arrow::Field> field, int id) {
  return field->WithMetadata(arrow::key_value_metadata({kFieldIdKey}, {std::to_string(id)}));
}

class ParquetFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe_parquet_test_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
    io_ = *io::MakeFileIO(dir_.string());
    auto element = WithId(arrow::field("element", arrow::int64()), 4);
    auto inner = WithId(arrow::field("inner", arrow::utf8()), 3);
    schema_ = arrow::schema({
        WithId(arrow::field("id", arrow::int64(), false), 1),
        WithId(arrow::field("s", arrow::struct_({inner})), 2),
        WithId(arrow::field("l", arrow::list(element)), 5),
    });
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::shared_ptr<arrow::RecordBatch> Batch(int64_t start, int64_t rows) {
    arrow::Int64Builder ids;
    arrow::StringBuilder inner;
    arrow::ListBuilder list(arrow::default_memory_pool(), std::make_shared<arrow::Int64Builder>(),
                            schema_->field(2)->type());
    auto* values = static_cast<arrow::Int64Builder*>(list.value_builder());
    for (int64_t i = start; i < start + rows; ++i) {
      EXPECT_TRUE(ids.Append(i).ok());
      EXPECT_TRUE(inner.Append("row-" + std::to_string(i)).ok());
      EXPECT_TRUE(list.Append().ok());
      EXPECT_TRUE(values->AppendValues({i, i * 2}).ok());
    }
    auto id_array = *ids.Finish();
    auto inner_array = *inner.Finish();
    auto struct_array = *arrow::StructArray::Make({inner_array}, {schema_->field(1)->type()->field(0)});
    auto list_array = *list.Finish();
    return arrow::RecordBatch::Make(schema_, rows, {id_array, struct_array, list_array});
  }

  std::string Location(const std::string& name) { return (dir_ / name).string(); }

  std::filesystem::path dir_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<arrow::Schema> schema_;
};

TEST_F(ParquetFileTest, FieldIdsReachTheParquetSchemaIncludingNestedFields) {
  ASSERT_OK_AND_ASSIGN(auto writer, ParquetFileWriter::Open(*io_, Location("a.parquet"), schema_));
  ASSERT_TRUE(writer->Write(*Batch(0, 10)).ok());
  ASSERT_OK_AND_ASSIGN(auto result, writer->Close());
  EXPECT_EQ(result.num_rows, 10);

  // The Parquet leaf columns carry the ids.
  const auto* descr = result.metadata->schema();
  ASSERT_EQ(descr->num_columns(), 3);
  EXPECT_EQ(descr->Column(0)->schema_node()->field_id(), 1);
  EXPECT_EQ(descr->Column(1)->schema_node()->field_id(), 3);
  EXPECT_EQ(descr->Column(2)->schema_node()->field_id(), 4);

  ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(*io_, Location("a.parquet")));
  const auto& schema = *reader->schema();
  EXPECT_EQ(FieldIdOf(*schema.field(0)), 1);
  EXPECT_EQ(FieldIdOf(*schema.field(1)), 2);
  EXPECT_EQ(FieldIdOf(*schema.field(1)->type()->field(0)), 3);
  EXPECT_EQ(FieldIdOf(*schema.field(2)), 5);
  EXPECT_EQ(FieldIdOf(*schema.field(2)->type()->field(0)), 4);
}

TEST_F(ParquetFileTest, FileSizeMatchesTheFileOnDisk) {
  ASSERT_OK_AND_ASSIGN(auto writer, ParquetFileWriter::Open(*io_, Location("b.parquet"), schema_));
  ASSERT_TRUE(writer->Write(*Batch(0, 100)).ok());
  ASSERT_OK_AND_ASSIGN(auto result, writer->Close());
  EXPECT_EQ(result.file_size,
            static_cast<int64_t>(std::filesystem::file_size(Location("b.parquet"))));
}

TEST_F(ParquetFileTest, CodecPropertyIsHonouredPerColumnChunk) {
  struct Case {
    std::string name;
    ::arrow::Compression::type expected;
  };
  for (const Case& c : {Case{"zstd", arrow::Compression::ZSTD},
                        Case{"SNAPPY", arrow::Compression::SNAPPY},
                        Case{"gzip", arrow::Compression::GZIP},
                        Case{"lz4", arrow::Compression::LZ4},
                        Case{"uncompressed", arrow::Compression::UNCOMPRESSED}}) {
    ParquetWriteOptions options;
    options.compression = c.name;
    if (c.name == "zstd") options.compression_level = 9;
    std::string location = Location(c.name + ".parquet");
    ASSERT_OK_AND_ASSIGN(auto writer, ParquetFileWriter::Open(*io_, location, schema_, options));
    ASSERT_TRUE(writer->Write(*Batch(0, 50)).ok());
    ASSERT_OK_AND_ASSIGN(auto result, writer->Close());
    ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(*io_, location));
    auto row_group = reader->metadata()->RowGroup(0);
    for (int i = 0; i < row_group->num_columns(); ++i) {
      EXPECT_EQ(row_group->ColumnChunk(i)->compression(), c.expected) << c.name;
    }
  }
}

TEST_F(ParquetFileTest, UnknownCodecIsRejectedByName) {
  ParquetWriteOptions options;
  options.compression = "lzma9";
  auto writer = ParquetFileWriter::Open(*io_, Location("c.parquet"), schema_, options);
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find("lzma9"), std::string::npos);
}

TEST_F(ParquetFileTest, SmallRowGroupSizeFlushesSeveralRowGroupsAndSizeGrows) {
  ParquetWriteOptions options;
  options.row_group_size_bytes = 1;
  ASSERT_OK_AND_ASSIGN(auto writer,
                       ParquetFileWriter::Open(*io_, Location("d.parquet"), schema_, options));
  int64_t last = writer->EstimatedSize();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(writer->Write(*Batch(i * 10, 10)).ok());
    EXPECT_GT(writer->EstimatedSize(), last);
    last = writer->EstimatedSize();
  }
  ASSERT_OK_AND_ASSIGN(auto result, writer->Close());
  EXPECT_EQ(result.metadata->num_row_groups(), 4);
  EXPECT_EQ(result.metadata->num_rows(), 40);
}

TEST_F(ParquetFileTest, BatchWithAnotherSchemaIsRejected) {
  ASSERT_OK_AND_ASSIGN(auto writer, ParquetFileWriter::Open(*io_, Location("e.parquet"), schema_));
  auto other = arrow::RecordBatch::Make(arrow::schema({arrow::field("x", arrow::int32())}), 0,
                                        {*arrow::MakeArrayOfNull(arrow::int32(), 0)});
  EXPECT_FALSE(writer->Write(*other).ok());
  EXPECT_TRUE(writer->Close().ok());
}

TEST_F(ParquetFileTest, ReadsSelectedColumnsOfSelectedRowGroups) {
  ParquetWriteOptions options;
  options.row_group_size_bytes = 1;
  ASSERT_OK_AND_ASSIGN(auto writer,
                       ParquetFileWriter::Open(*io_, Location("f.parquet"), schema_, options));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(writer->Write(*Batch(i * 10, 10)).ok());
  ASSERT_TRUE(writer->Close().ok());

  ASSERT_OK_AND_ASSIGN(auto reader, ParquetFileReader::Open(*io_, Location("f.parquet")));
  EXPECT_EQ(reader->num_row_groups(), 3);
  EXPECT_EQ(reader->num_rows(), 30);
  EXPECT_EQ(reader->row_group_num_rows(1), 10);
  ASSERT_OK_AND_ASSIGN(auto batches, reader->ReadAll({2, 0}, {1}));
  ASSERT_EQ(batches.size(), 1u);
  const auto& batch = *batches[0];
  ASSERT_EQ(batch.num_columns(), 2);
  EXPECT_EQ(batch.schema()->field(0)->name(), "l");
  EXPECT_EQ(batch.schema()->field(1)->name(), "id");
  auto ids = std::static_pointer_cast<arrow::Int64Array>(batch.column(1));
  EXPECT_EQ(ids->Value(0), 10);
  EXPECT_EQ(ids->Value(9), 19);
  auto lists = std::static_pointer_cast<arrow::ListArray>(batch.column(0));
  auto first = std::static_pointer_cast<arrow::Int64Array>(lists->value_slice(3));
  EXPECT_EQ(first->Value(1), 26);

  ASSERT_OK_AND_ASSIGN(auto all, reader->ReadAll({}));
  int64_t rows = 0;
  for (const auto& b : all) {
    EXPECT_EQ(b->num_columns(), 3);
    rows += b->num_rows();
  }
  EXPECT_EQ(rows, 30);
  EXPECT_FALSE(reader->ReadAll({7}).ok());
}

TEST_F(ParquetFileTest, MissingFileNamesTheLocation) {
  auto reader = ParquetFileReader::Open(*io_, Location("missing.parquet"));
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("missing.parquet"), std::string::npos);
}

}  // namespace
}  // namespace floe::pq
