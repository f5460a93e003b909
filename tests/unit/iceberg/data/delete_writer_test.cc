#include "floe/iceberg/data/delete_writer.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "floe/format/parquet/parquet_file_reader.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/type/single_value.h"

namespace floe::iceberg {
namespace {

class DeleteWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe_delete_writer_" + std::to_string(std::random_device{}()));
    io_ = *io::MakeFileIO(dir_.string());
    Schema schema(0, {NestedField{1, "id", Type::Long(), true, ""},
                      NestedField{2, "region", Type::String(), false, ""},
                      NestedField{3, "score", Type::Double(), false, ""}});
    PartitionSpec spec(0, {PartitionField{2, 1000, "region", Transform::Identity()}});
    auto md = NewTableMetadata(schema, spec, SortOrder{}, dir_.string(), {});
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    metadata_ = *md;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  DataFile DataIn(const std::string& region, const std::string& name) {
    DataFile f;
    f.file_path = dir_.string() + "/data/region=" + region + "/" + name + ".parquet";
    f.partition = {Literal::String(region)};
    return f;
  }

  std::shared_ptr<arrow::Table> ReadBack(const std::string& location) {
    auto reader = pq::ParquetFileReader::Open(*io_, location);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    auto batches = (*reader)->ReadAll({});
    EXPECT_TRUE(batches.ok()) << batches.status().ToString();
    return *arrow::Table::FromRecordBatches(*batches);
  }

  std::filesystem::path dir_;
  std::shared_ptr<io::FileIO> io_;
  TableMetadata metadata_;
};

TEST_F(DeleteWriterTest, OneSortedFilePerPartitionWithTheSpecSchema) {
  auto writer = *PositionDeleteWriter::Make(io_, metadata_, {});
  DataFile eu_b = DataIn("eu", "b"), eu_a = DataIn("eu", "a"), us = DataIn("us", "c");
  ASSERT_TRUE(writer->Delete(eu_b, 7).ok());
  ASSERT_TRUE(writer->Delete(eu_a, 9).ok());
  PositionSet set;
  for (int64_t p : {5, 1, 5, 3}) set.Add(p);
  ASSERT_TRUE(writer->Delete(eu_a, set).ok());
  ASSERT_TRUE(writer->Delete(us, 0).ok());
  auto files = writer->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 2u);

  const DataFile& eu = (*files)[0];
  EXPECT_EQ(eu.content, DataFileContent::kPositionDeletes);
  EXPECT_EQ(eu.partition, std::vector<Literal>{Literal::String("eu")});
  EXPECT_EQ(eu.record_count, 5);  // 1, 3, 5, 9 of a and 7 of b
  EXPECT_NE(eu.file_path.find("/data/region=eu/"), std::string::npos) << eu.file_path;
  EXPECT_FALSE(eu.referenced_data_file.has_value());
  // Two data files named: no file_path bounds (as Java), and no value counts either.
  EXPECT_FALSE(eu.lower_bounds.count(kDeleteFilePathFieldId));
  EXPECT_FALSE(eu.value_counts.count(kDeleteFilePosFieldId));
  EXPECT_TRUE(eu.column_sizes.count(kDeleteFilePathFieldId));

  auto rows = ReadBack(eu.file_path);
  ASSERT_EQ(rows->num_rows(), 5);
  auto field_id = [&](int i) {
    return rows->schema()->field(i)->metadata()->Get("PARQUET:field_id").ValueOr("");
  };
  EXPECT_EQ(rows->schema()->field(0)->name(), "file_path");
  EXPECT_EQ(field_id(0), "2147483546");
  EXPECT_EQ(rows->schema()->field(1)->name(), "pos");
  EXPECT_EQ(field_id(1), "2147483545");
  EXPECT_FALSE(rows->schema()->field(0)->nullable());
  EXPECT_FALSE(rows->schema()->field(1)->nullable());
  auto paths = std::static_pointer_cast<arrow::StringArray>(rows->column(0)->chunk(0));
  auto pos = std::static_pointer_cast<arrow::Int64Array>(rows->column(1)->chunk(0));
  std::vector<std::pair<std::string, int64_t>> got;
  for (int64_t i = 0; i < rows->num_rows(); ++i)
    got.emplace_back(paths->GetString(i), pos->Value(i));
  std::vector<std::pair<std::string, int64_t>> want = {{eu_a.file_path, 1},
                                                       {eu_a.file_path, 3},
                                                       {eu_a.file_path, 5},
                                                       {eu_a.file_path, 9},
                                                       {eu_b.file_path, 7}};
  EXPECT_EQ(got, want);

  const DataFile& us_file = (*files)[1];
  EXPECT_EQ(us_file.record_count, 1);
  ASSERT_TRUE(us_file.referenced_data_file.has_value());
  EXPECT_EQ(*us_file.referenced_data_file, us.file_path);
  // One data file named: its path is both file_path bounds, and pos bounds are the positions.
  EXPECT_EQ(us_file.lower_bounds.at(kDeleteFilePathFieldId), us.file_path);
  EXPECT_EQ(us_file.upper_bounds.at(kDeleteFilePathFieldId), us.file_path);
  EXPECT_EQ(*DeserializeValue(Type::Long(), us_file.upper_bounds.at(kDeleteFilePosFieldId)),
            Literal::Long(0));
}

TEST_F(DeleteWriterTest, NoDeletesWriteNoFileAndAbortRemovesFiles) {
  auto empty = *PositionDeleteWriter::Make(io_, metadata_, {});
  auto none = empty->Close();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  auto writer = *PositionDeleteWriter::Make(io_, metadata_, {});
  ASSERT_TRUE(writer->Delete(DataIn("eu", "a"), 1).ok());
  auto files = *writer->Close();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(files[0].file_path));
  ASSERT_TRUE(writer->Abort().ok());
  EXPECT_FALSE(std::filesystem::exists(files[0].file_path));
}

TEST_F(DeleteWriterTest, BadInputIsRefused) {
  auto writer = *PositionDeleteWriter::Make(io_, metadata_, {});
  EXPECT_TRUE(writer->Delete(DataIn("eu", "a"), -1).IsInvalid());
  DataFile unknown = DataIn("eu", "a");
  unknown.spec_id = 42;
  EXPECT_TRUE(writer->Delete(unknown, 1).IsInvalid());
  DataFile deletes = DataIn("eu", "a");
  deletes.content = DataFileContent::kPositionDeletes;
  EXPECT_TRUE(writer->Delete(deletes, 1).IsInvalid());

  TableMetadata v1 = metadata_;
  v1.format_version = 1;
  auto refused = PositionDeleteWriter::Make(io_, v1, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("format version 2"), std::string::npos);
  EXPECT_TRUE(EqualityDeleteWriter::Make(io_, metadata_, {3}, {}).status().IsInvalid())
      << "double columns cannot be equality columns";
  EXPECT_TRUE(EqualityDeleteWriter::Make(io_, metadata_, {9}, {}).status().IsInvalid());
  EXPECT_TRUE(EqualityDeleteWriter::Make(io_, metadata_, {}, {}).status().IsInvalid());
}

TEST_F(DeleteWriterTest, EqualityDeletesCarryTheirColumnsAndAreTablePartitioned) {
  auto writer = EqualityDeleteWriter::Make(io_, metadata_, {1}, {});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  const Schema& schema = *(*writer)->delete_schema();
  ASSERT_EQ(schema.fields().size(), 2u);  // id, and region for the partition
  EXPECT_EQ(schema.fields()[0].id, 1);
  EXPECT_EQ(schema.fields()[1].id, 2);
  auto arrow_schema = *ToArrowSchema(schema);
  arrow::Int64Builder ids;
  arrow::StringBuilder regions;
  ASSERT_TRUE(ids.AppendValues({4, 8, 15}).ok());
  ASSERT_TRUE(regions.AppendValues({"eu", "us", "eu"}).ok());
  auto batch = arrow::RecordBatch::Make(arrow_schema, 3, {*ids.Finish(), *regions.Finish()});
  ASSERT_TRUE((*writer)->Write(*batch).ok());
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 2u);
  int64_t total = 0;
  for (const auto& f : *files) {
    EXPECT_EQ(f.content, DataFileContent::kEqualityDeletes);
    EXPECT_EQ(f.equality_ids, std::vector<int32_t>{1});
    ASSERT_EQ(f.partition.size(), 1u);
    EXPECT_NE(f.file_path.find("/data/region=" + f.partition[0].AsBytes() + "/"),
              std::string::npos);
    total += f.record_count;
    auto rows = ReadBack(f.file_path);
    EXPECT_EQ(rows->num_rows(), f.record_count);
    EXPECT_EQ(rows->schema()->field(0)->metadata()->Get("PARQUET:field_id").ValueOr(""), "1");
  }
  EXPECT_EQ(total, 3);
}

}  // namespace
}  // namespace floe::iceberg
