// Reading a scan task applies its delete files: positions from position delete files (which
// may name many data files, and count rows across every row group and batch), keys from
// equality deletes (a null key deletes null rows; columns read even when not projected, also
// when dropped from the table since), then the residual; _pos gives each row's position.
#include "floe/iceberg/table/file_scan_task_reader.h"

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../data/fields_test_util.h"
#include "../manifest/manifest_test_util.h"
#include "floe/format/parquet/parquet_file_writer.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/expression/expression_parser.h"

namespace floe::iceberg {
namespace {

class FileScanTaskReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    io_ = *io::MakeFileIO(dir_.path());
    // Schema 0 had a column "legacy" (id 3), dropped in schema 1.
    auto old_schema = std::make_shared<const Schema>(
        0, std::vector<NestedField>{Req(1, "id", Type::Long()), Opt(2, "region", Type::String()),
                                    Opt(3, "legacy", Type::Int())});
    schema_ = std::make_shared<const Schema>(
        1, std::vector<NestedField>{Req(1, "id", Type::Long()), Opt(2, "region", Type::String())});
    metadata_.schemas = {old_schema, schema_};
    metadata_.current_schema_id = 1;
    metadata_.partition_specs = {PartitionSpec(0, {})};
  }

  // Writes rows (a JSON list per row group) with an Iceberg schema's field ids.
  std::string Write(const std::string& name, const Schema& schema,
                    const std::vector<std::string>& row_groups) {
    std::string location = dir_ / name;
    auto arrow_schema = *ToArrowSchema(schema);
    pq::ParquetWriteOptions options;
    options.row_group_size_bytes = 1;  // one row group per Write
    auto writer = *pq::ParquetFileWriter::Open(*io_, location, arrow_schema, options);
    for (const auto& rows : row_groups) {
      auto array = arrow::json::ArrayFromJSONString(arrow::struct_(arrow_schema->fields()), rows);
      EXPECT_TRUE(array.ok()) << array.status().ToString();
      auto batch = *arrow::RecordBatch::FromStructArray(*array);
      EXPECT_TRUE(writer->Write(**batch->ReplaceSchema(arrow_schema)).ok());
    }
    EXPECT_TRUE(writer->Close().ok());
    return location;
  }

  // A data file of schema 0 with ids 0..29 in three row groups of ten; region "eu" for even
  // ids, "us" for odd ones, null for multiples of 5; legacy = id % 3.
  std::string WriteData(const std::string& name) {
    std::vector<std::string> groups;
    for (int g = 0; g < 3; ++g) {
      std::string rows = "[";
      for (int i = g * 10; i < g * 10 + 10; ++i) {
        std::string region = i % 5 == 0 ? "null" : (i % 2 == 0 ? "\"eu\"" : "\"us\"");
        rows += (i % 10 ? "," : "") + std::string("{\"id\":") + std::to_string(i) +
                ",\"region\":" + region + ",\"legacy\":" + std::to_string(i % 3) + "}";
      }
      groups.push_back(rows + "]");
    }
    return Write(name, *metadata_.schemas[0], groups);
  }

  DataFile PositionDeletes(const std::string& name, const std::vector<std::string>& rows) {
    Schema schema(0, {Req(kDeleteFilePathFieldId, "file_path", Type::String()),
                      Req(kDeleteFilePosFieldId, "pos", Type::Long())});
    std::string json = "[";
    for (size_t i = 0; i < rows.size(); ++i) json += (i ? "," : "") + rows[i];
    DataFile f;
    f.content = DataFileContent::kPositionDeletes;
    f.file_path = Write(name, schema, {json + "]"});
    f.record_count = static_cast<int64_t>(rows.size());
    return f;
  }
  std::string Pos(const std::string& path, int64_t pos) {
    return "{\"file_path\":\"" + path + "\",\"pos\":" + std::to_string(pos) + "}";
  }

  DataFile EqualityDeletes(const std::string& name, const Schema& schema, std::vector<int32_t> ids,
                           const std::string& rows) {
    DataFile f;
    f.content = DataFileContent::kEqualityDeletes;
    f.file_path = Write(name, schema, {rows});
    f.equality_ids = std::move(ids);
    return f;
  }

  FileScanTask Task(const std::string& data, std::vector<DataFile> deletes) {
    FileScanTask task;
    task.file.file_path = data;
    task.file.record_count = 30;
    for (auto& d : deletes) task.deletes.push_back(DeleteFile{std::move(d), 5});
    return task;
  }

  // Reads a task; returns the ids read and, when asked, the _pos values.
  std::vector<int64_t> Ids(const FileScanTask& task, std::shared_ptr<const Schema> projected,
                           TaskReadOptions options = {}, std::vector<int64_t>* positions = nullptr,
                           std::shared_ptr<arrow::Schema>* out_schema = nullptr) {
    options.data.batch_size = 4;  // batches of 4 over row groups of 10
    auto reader = ReadTask(io_, metadata_, task, projected, options);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    std::vector<int64_t> ids;
    if (!reader.ok()) return ids;
    if (out_schema) *out_schema = (*reader)->schema();
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      auto status = (*reader)->ReadNext(&batch);
      EXPECT_TRUE(status.ok()) << status.ToString();
      if (!status.ok() || !batch) break;
      EXPECT_TRUE(batch->ValidateFull().ok());
      EXPECT_TRUE(batch->schema()->Equals(*(*reader)->schema()));
      auto id_column = batch->GetColumnByName("id");
      if (id_column) {
        const auto& values = static_cast<const arrow::Int64Array&>(*id_column);
        for (int64_t i = 0; i < batch->num_rows(); ++i) ids.push_back(values.Value(i));
      }
      if (positions) {
        const auto& pos =
            static_cast<const arrow::Int64Array&>(*batch->column(batch->num_columns() - 1));
        for (int64_t i = 0; i < batch->num_rows(); ++i) positions->push_back(pos.Value(i));
      }
    }
    return ids;
  }

  static std::vector<int64_t> Except(std::vector<int64_t> gone) {
    std::vector<int64_t> out;
    for (int64_t i = 0; i < 30; ++i) {
      if (std::find(gone.begin(), gone.end(), i) == gone.end()) out.push_back(i);
    }
    return out;
  }

  testing::ScratchDir dir_{"floe_task_reader"};
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<const Schema> schema_;
  TableMetadata metadata_;
};

TEST_F(FileScanTaskReaderTest, PositionDeletesCountRowsAcrossRowGroupsAndBatches) {
  std::string data = WriteData("data.parquet");
  std::string other = dir_ / "other.parquet";
  // One delete file for two data files; positions at batch and row group edges.
  DataFile deletes =
      PositionDeletes("pos.parquet", {Pos(data, 0), Pos(data, 3), Pos(data, 4), Pos(data, 9),
                                      Pos(data, 10), Pos(data, 29), Pos(other, 1), Pos(other, 2)});
  EXPECT_EQ(Ids(Task(data, {deletes}), schema_), Except({0, 3, 4, 9, 10, 29}));
}

TEST_F(FileScanTaskReaderTest, PositionsStayFilePositionsWhenReadingSelectedRowGroups) {
  std::string data = WriteData("data.parquet");
  DataFile deletes = PositionDeletes("pos.parquet", {Pos(data, 5), Pos(data, 21)});
  TaskReadOptions options;
  options.data.row_groups = {2, 0};
  options.with_row_position = true;
  std::vector<int64_t> positions;
  std::vector<int64_t> ids = Ids(Task(data, {deletes}), schema_, options, &positions);
  std::vector<int64_t> expected = {20, 22, 23, 24, 25, 26, 27, 28, 29, 0, 1, 2, 3, 4, 6, 7, 8, 9};
  EXPECT_EQ(ids, expected);
  EXPECT_EQ(positions, expected);  // ids equal positions in this file
}

TEST_F(FileScanTaskReaderTest, RowPositionColumnHasTheMetadataColumnId) {
  std::string data = WriteData("data.parquet");
  TaskReadOptions options;
  options.with_row_position = true;
  std::vector<int64_t> positions;
  std::shared_ptr<arrow::Schema> schema;
  auto projected =
      std::make_shared<const Schema>(1, std::vector<NestedField>{Opt(2, "region", Type::String())});
  Ids(Task(data, {}), projected, options, &positions, &schema);
  ASSERT_EQ(schema->num_fields(), 2);
  EXPECT_EQ(schema->field(1)->name(), "_pos");
  EXPECT_EQ(schema->field(1)->type()->id(), arrow::Type::INT64);
  EXPECT_EQ(pq::FieldIdOf(*schema->field(1)), 2147483545);
  EXPECT_EQ(positions.size(), 30u);
  EXPECT_EQ(positions.front(), 0);
  EXPECT_EQ(positions.back(), 29);
}

TEST_F(FileScanTaskReaderTest, ANullEqualityKeyDeletesRowsWhoseValueIsNull) {
  std::string data = WriteData("data.parquet");
  Schema region_only(1, {Opt(2, "region", Type::String())});
  DataFile deletes =
      EqualityDeletes("eq.parquet", region_only, {2}, R"([{"region": null}, {"region": "x"}])");
  EXPECT_EQ(Ids(Task(data, {deletes}), schema_), Except({0, 5, 10, 15, 20, 25}));
}

TEST_F(FileScanTaskReaderTest, MultiColumnKeysMatchOnEveryColumnAndAreNotReturned) {
  std::string data = WriteData("data.parquet");
  DataFile deletes = EqualityDeletes("eq.parquet", *schema_, {1, 2},
                                     R"([{"id": 2, "region": "eu"}, {"id": 3, "region": "eu"},
                                         {"id": 5, "region": null}, {"id": 6, "region": null}])");
  // id 3 is "us" and id 6 "eu": only 2 and 5 match on both columns.
  EXPECT_EQ(Ids(Task(data, {deletes}), schema_), Except({2, 5}));
  // Projecting only region: the key columns are read, used and dropped.
  auto projected =
      std::make_shared<const Schema>(1, std::vector<NestedField>{Opt(2, "region", Type::String())});
  TaskReadOptions options;
  options.with_row_position = true;
  std::vector<int64_t> positions;
  std::shared_ptr<arrow::Schema> schema;
  Ids(Task(data, {deletes}), projected, options, &positions, &schema);
  EXPECT_EQ(schema->num_fields(), 2);
  EXPECT_EQ(positions, Except({2, 5}));
}

TEST_F(FileScanTaskReaderTest, SeveralDeleteFilesOfBothKindsAllApply) {
  std::string data = WriteData("data.parquet");
  auto loader = std::make_shared<DeleteLoader>(io_);
  DataFile first = PositionDeletes("pos1.parquet", {Pos(data, 1), Pos(data, 11)});
  DataFile second = PositionDeletes("pos2.parquet", {Pos(data, 11), Pos(data, 12)});
  Schema id_only(1, {Req(1, "id", Type::Long())});
  DataFile by_id = EqualityDeletes("eq1.parquet", id_only, {1}, R"([{"id": 7}, {"id": 28}])");
  DataFile more_ids = EqualityDeletes("eq2.parquet", id_only, {1}, R"([{"id": 13}])");
  TaskReadOptions options;
  options.delete_loader = loader;
  FileScanTask task = Task(data, {first, second, by_id, more_ids});
  EXPECT_EQ(Ids(task, schema_, options), Except({1, 11, 12, 7, 28, 13}));
  // The loader keeps the files read: a second data file named by pos1 is served from it.
  auto positions = loader->Positions(first, data);
  ASSERT_TRUE(positions.ok());
  EXPECT_EQ(positions->positions(), (std::vector<int64_t>{1, 11}));
}

TEST_F(FileScanTaskReaderTest, EqualityDeletesOnADroppedColumnStillApply) {
  std::string data = WriteData("data.parquet");
  DataFile deletes = EqualityDeletes("eq.parquet", *metadata_.schemas[0], {3},
                                     R"([{"id": 0, "region": null, "legacy": 1}])");
  std::vector<int64_t> gone;
  for (int64_t i = 0; i < 30; ++i) {
    if (i % 3 == 1) gone.push_back(i);
  }
  std::shared_ptr<arrow::Schema> schema;
  EXPECT_EQ(Ids(Task(data, {deletes}), schema_, {}, nullptr, &schema), Except(gone));
  EXPECT_EQ(schema->num_fields(), 2);
}

TEST_F(FileScanTaskReaderTest, TheResidualFiltersRowsUnlessAskedNotTo) {
  std::string data = WriteData("data.parquet");
  DataFile deletes = PositionDeletes("pos.parquet", {Pos(data, 26)});
  FileScanTask task = Task(data, {deletes});
  task.residual = *Bind(*ParseFilter("id >= 25"), *schema_);
  auto id_free =
      std::make_shared<const Schema>(1, std::vector<NestedField>{Req(1, "id", Type::Long())});
  EXPECT_EQ(Ids(task, id_free), (std::vector<int64_t>{25, 27, 28, 29}));
  TaskReadOptions options;
  options.apply_residual = false;
  EXPECT_EQ(Ids(task, id_free, options), Except({26}));
  task.residual = Expression::False();
  EXPECT_EQ(Ids(task, id_free), std::vector<int64_t>{});
}

TEST_F(FileScanTaskReaderTest, AnEqualityDeleteFileWithoutItsKeyColumnIsAnError) {
  std::string data = WriteData("data.parquet");
  Schema id_only(1, {Req(1, "id", Type::Long())});
  DataFile deletes = EqualityDeletes("eq.parquet", id_only, {2}, R"([{"id": 1}])");
  auto reader = ReadTask(io_, metadata_, Task(data, {deletes}), schema_);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("eq.parquet"), std::string::npos)
      << reader.status().ToString();
}

TEST_F(FileScanTaskReaderTest, ADeletionVectorThatCannotBeReadIsAnErrorNamingIt) {
  std::string data = WriteData("data.parquet");
  DataFile dv;
  dv.content = DataFileContent::kPositionDeletes;
  dv.file_format = "PUFFIN";
  dv.file_path = dir_ / "missing-dv.puffin";
  dv.referenced_data_file = data;
  dv.content_offset = 4;
  dv.content_size_in_bytes = 40;
  auto reader = ReadTask(io_, metadata_, Task(data, {dv}), schema_);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("missing-dv.puffin"), std::string::npos)
      << reader.status().ToString();
}

}  // namespace
}  // namespace floe::iceberg
