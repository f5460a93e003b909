#include "floe/iceberg/data/data_writer.h"

#include <arrow/api.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/cast.h>
#include <arrow/extension/uuid.h>
#include <gtest/gtest.h>
#include <parquet/metadata.h>

#include <filesystem>
#include <random>
#include <regex>

#include "floe/format/parquet/parquet_file_reader.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/type/sort_order_text.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {
namespace {

NestedField Opt(int32_t id, std::string name, TypePtr type) {
  return NestedField{id, std::move(name), std::move(type), false, ""};
}
NestedField Req(int32_t id, std::string name, TypePtr type) {
  return NestedField{id, std::move(name), std::move(type), true, ""};
}

constexpr int64_t kDayMicros = 86400LL * 1000 * 1000;

class DataWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe_data_writer_" + std::to_string(std::random_device{}()));
    io_ = *io::MakeFileIO(dir_.string());
    schema_ = std::make_shared<Schema>(
        0, std::vector<NestedField>{Req(1, "id", Type::Long()), Opt(2, "ts", Type::Timestamp()),
                                    Opt(3, "name", Type::String()), Opt(4, "u", Type::Uuid())});
    arrow_schema_ = *ToArrowSchema(*schema_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Rows start..start+n: ts spreads over three days, every 7th ts is null.
  std::shared_ptr<arrow::RecordBatch> Batch(int64_t start, int64_t n) {
    arrow::Int64Builder ids;
    arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO),
                               arrow::default_memory_pool());
    arrow::StringBuilder names;
    arrow::FixedSizeBinaryBuilder uuids(arrow::fixed_size_binary(16));
    for (int64_t i = start; i < start + n; ++i) {
      EXPECT_TRUE(ids.Append(i).ok());
      if (i % 7 == 0) {
        EXPECT_TRUE(ts.AppendNull().ok());
      } else {
        EXPECT_TRUE(ts.Append(19000 * kDayMicros + (i % 3) * kDayMicros + i * 1000).ok());
      }
      EXPECT_TRUE(names.Append("name-" + std::to_string(i)).ok());
      EXPECT_TRUE(uuids.Append(util::UuidToBytes(util::RandomUuid())).ok());
    }
    auto uuid_array = arrow::ExtensionType::WrapArray(arrow::extension::uuid(),
                                                      *uuids.Finish());
    return arrow::RecordBatch::Make(arrow_schema_, n,
                                    {*ids.Finish(), *ts.Finish(), *names.Finish(), uuid_array});
  }

  DataWriterOptions Options(PartitionSpec spec = PartitionSpec::Unpartitioned(),
                            std::map<std::string, std::string> props = {}) {
    DataWriterOptions options;
    options.table_location = dir_.string();
    options.schema = schema_;
    options.spec = std::move(spec);
    options.properties = std::move(props);
    return options;
  }

  std::vector<std::shared_ptr<arrow::RecordBatch>> ReadBack(const std::string& location) {
    auto reader = pq::ParquetFileReader::Open(*io_, location);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    auto batches = (*reader)->ReadAll({});
    EXPECT_TRUE(batches.ok()) << batches.status().ToString();
    return *batches;
  }

  std::filesystem::path dir_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<Schema> schema_;
  std::shared_ptr<arrow::Schema> arrow_schema_;
};

TEST_F(DataWriterTest, UnpartitionedWritesOneFileUnderData) {
  auto writer = DataWriter::Make(io_, Options());
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*writer)->Write(*Batch(i * 100, 100)).ok());
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  const DataFile& file = (*files)[0];
  EXPECT_EQ(file.record_count, 300);
  EXPECT_EQ(file.file_format, "PARQUET");
  EXPECT_TRUE(file.partition.empty());
  std::regex name(R"(.*/data/00000-0-[0-9a-f-]{36}-00001\.parquet)");
  EXPECT_TRUE(std::regex_match(file.file_path, name)) << file.file_path;
  EXPECT_EQ(file.file_size_in_bytes,
            static_cast<int64_t>(std::filesystem::file_size(file.file_path)));
  EXPECT_EQ(file.value_counts.at(1), 300);
  EXPECT_EQ(file.null_value_counts.at(2), 300 / 7 + 1);
  EXPECT_EQ(file.column_sizes.size(), 4u);
  int64_t rows = 0;
  for (const auto& b : ReadBack(file.file_path)) rows += b->num_rows();
  EXPECT_EQ(rows, 300);
}

TEST_F(DataWriterTest, RollsFilesAtTheTargetSizeAndCountsSumUp) {
  auto writer = DataWriter::Make(io_, Options(PartitionSpec::Unpartitioned(),
                                              {{property::kTargetFileSizeBytes, "1"}}));
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*writer)->Write(*Batch(i * 50, 50)).ok());
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 5u);
  int64_t total = 0;
  std::set<std::string> paths;
  for (const auto& file : *files) {
    total += file.record_count;
    paths.insert(file.file_path);
    int64_t rows = 0;
    for (const auto& b : ReadBack(file.file_path)) rows += b->num_rows();
    EXPECT_EQ(rows, file.record_count);
  }
  EXPECT_EQ(total, 250);
  EXPECT_EQ(paths.size(), 5u);

  // A realistic target: a few KB per file gives several files of many rows each.
  auto writer2 = DataWriter::Make(io_, Options(PartitionSpec::Unpartitioned(),
                                               {{property::kTargetFileSizeBytes, "20000"}}));
  ASSERT_TRUE(writer2.ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE((*writer2)->Write(*Batch(i * 1000, 1000)).ok());
  auto files2 = *(*writer2)->Close();
  EXPECT_GT(files2.size(), 2u);
  total = 0;
  for (const auto& file : files2) total += file.record_count;
  EXPECT_EQ(total, 20000);
}

TEST_F(DataWriterTest, FansOutByDayAndBucketWithOnePartitionPerFile) {
  PartitionSpec spec(3, {PartitionField{2, 1000, "ts_day", Transform::Day()},
                         PartitionField{1, 1001, "id_bucket", Transform::Bucket(4)}});
  auto writer = DataWriter::Make(io_, Options(spec));
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE((*writer)->Write(*Batch(i * 60, 60)).ok());
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  // 3 days + null day, 4 buckets each.
  EXPECT_EQ(files->size(), 16u);
  int64_t total = 0;
  std::set<std::string> tuples;
  for (const auto& file : *files) {
    ASSERT_EQ(file.partition.size(), 2u);
    EXPECT_EQ(file.spec_id, 3);
    EXPECT_NE(file.file_path.find("/data/" + spec.PartitionPath(file.partition) + "/"),
              std::string::npos)
        << file.file_path;
    tuples.insert(file.partition[0].ToString() + "/" + file.partition[1].ToString());
    total += file.record_count;
    for (const auto& batch : ReadBack(file.file_path)) {
      auto ids = std::static_pointer_cast<arrow::Int64Array>(batch->column(0));
      auto ts = std::static_pointer_cast<arrow::TimestampArray>(batch->column(1));
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        Literal ts_value = ts->IsNull(r) ? Literal::Null(Type::Timestamp())
                                         : Literal::Timestamp(ts->Value(r));
        auto day = Transform::Day().Apply(ts_value);
        auto bucket = Transform::Bucket(4).Apply(Literal::Long(ids->Value(r)));
        ASSERT_TRUE(day.ok() && bucket.ok());
        EXPECT_TRUE(*day == file.partition[0] || (day->is_null() && file.partition[0].is_null()))
            << file.file_path << " row id " << ids->Value(r);
        EXPECT_TRUE(*bucket == file.partition[1]) << file.file_path << " row " << ids->Value(r);
      }
    }
  }
  EXPECT_EQ(tuples.size(), files->size());
  EXPECT_EQ(total, 240);
}

// Rows in day order (each day one run, written as slices) and then days coming back (a day in
// two runs, written by gathering): either way every row lands in its day's file once, in order.
TEST_F(DataWriterTest, RunsOfOneDayAndDaysThatComeBackBothLandInTheirFiles) {
  PartitionSpec spec(1, {PartitionField{2, 1000, "ts_day", Transform::Day()}});
  auto batch_of_days = [&](std::vector<int> days, int64_t first_id) {
    arrow::Int64Builder ids;
    arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO),
                               arrow::default_memory_pool());
    arrow::StringBuilder names;
    arrow::FixedSizeBinaryBuilder uuids(arrow::fixed_size_binary(16));
    for (size_t i = 0; i < days.size(); ++i) {
      EXPECT_TRUE(ids.Append(first_id + static_cast<int64_t>(i)).ok());
      if (days[i] < 0) {
        EXPECT_TRUE(ts.AppendNull().ok());
      } else {
        EXPECT_TRUE(ts.Append((19000 + days[i]) * kDayMicros + static_cast<int64_t>(i)).ok());
      }
      EXPECT_TRUE(names.Append("n").ok());
      EXPECT_TRUE(uuids.Append(util::UuidToBytes(util::RandomUuid())).ok());
    }
    auto uuid_array = arrow::ExtensionType::WrapArray(arrow::extension::uuid(), *uuids.Finish());
    return arrow::RecordBatch::Make(arrow_schema_, static_cast<int64_t>(days.size()),
                                    {*ids.Finish(), *ts.Finish(), *names.Finish(), uuid_array});
  };
  auto writer = DataWriter::Make(io_, Options(spec));
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  // Contiguous: 0 0 0 1 1 null null 2.
  ASSERT_TRUE((*writer)->Write(*batch_of_days({0, 0, 0, 1, 1, -1, -1, 2}, 0)).ok());
  // Not contiguous: 2 0 2 null 0.
  ASSERT_TRUE((*writer)->Write(*batch_of_days({2, 0, 2, -1, 0}, 100)).ok());
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  std::map<std::string, std::vector<int64_t>> ids_by_day;
  for (const auto& file : *files) {
    ASSERT_EQ(file.partition.size(), 1u);
    const std::string day = file.partition[0].is_null() ? "null" : file.partition[0].ToString();
    for (const auto& batch : ReadBack(file.file_path)) {
      auto ids = std::static_pointer_cast<arrow::Int64Array>(batch->column(0));
      for (int64_t r = 0; r < batch->num_rows(); ++r) ids_by_day[day].push_back(ids->Value(r));
    }
  }
  ASSERT_EQ(ids_by_day.size(), 4u);
  std::map<std::string, std::vector<int64_t>> want = {
      {Literal::Date(19000).ToString(), {0, 1, 2, 101, 104}},
      {Literal::Date(19001).ToString(), {3, 4}},
      {Literal::Date(19002).ToString(), {7, 100, 102}},
      {"null", {5, 6, 103}}};
  EXPECT_EQ(ids_by_day, want);
}

TEST_F(DataWriterTest, PartitionsByUuidBucketThroughTheExtensionColumn) {
  PartitionSpec spec(1, {PartitionField{4, 1000, "u_bucket", Transform::Bucket(2)}});
  auto writer = DataWriter::Make(io_, Options(spec));
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Write(*Batch(0, 40)).ok());
  auto files = *(*writer)->Close();
  EXPECT_EQ(files.size(), 2u);
  for (const auto& file : files) {
    EXPECT_EQ(file.lower_bounds.at(4).size(), 16u);
    for (const auto& batch : ReadBack(file.file_path)) {
      const auto& storage = batch->column(3)->type_id() == arrow::Type::EXTENSION
          ? static_cast<const arrow::ExtensionArray&>(*batch->column(3)).storage()
          : batch->column(3);
      auto u = std::static_pointer_cast<arrow::FixedSizeBinaryArray>(storage);
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        auto b = Transform::Bucket(2).Apply(Literal::Uuid(std::string(u->GetView(r))));
        EXPECT_TRUE(*b == file.partition[0]);
      }
    }
  }
}

TEST_F(DataWriterTest, CompressionPropertiesAreHonoured) {
  for (const auto& [codec, expected] :
       std::vector<std::pair<std::string, arrow::Compression::type>>{
           {"", arrow::Compression::ZSTD},
           {"snappy", arrow::Compression::SNAPPY},
           {"gzip", arrow::Compression::GZIP},
           {"uncompressed", arrow::Compression::UNCOMPRESSED}}) {
    std::map<std::string, std::string> props;
    if (!codec.empty()) props[property::kParquetCompressionCodec] = codec;
    if (codec == "gzip") props[property::kParquetCompressionLevel] = "9";
    auto writer = DataWriter::Make(io_, Options(PartitionSpec::Unpartitioned(), props));
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->Write(*Batch(0, 10)).ok());
    auto files = *(*writer)->Close();
    auto reader = *pq::ParquetFileReader::Open(*io_, files[0].file_path);
    auto row_group = reader->metadata()->RowGroup(0);
    for (int c = 0; c < row_group->num_columns(); ++c) {
      EXPECT_EQ(row_group->ColumnChunk(c)->compression(), expected) << codec;
    }
  }
  auto bad = DataWriter::Make(io_, Options(PartitionSpec::Unpartitioned(),
                                           {{property::kParquetCompressionCodec, "zip"}}));
  EXPECT_FALSE(bad.ok());
  auto bad_size = DataWriter::Make(io_, Options(PartitionSpec::Unpartitioned(),
                                                {{property::kTargetFileSizeBytes, "lots"}}));
  ASSERT_FALSE(bad_size.ok());
  EXPECT_NE(bad_size.status().message().find(property::kTargetFileSizeBytes), std::string::npos);
}

TEST_F(DataWriterTest, RejectsBatchesThatDoNotMatchTheSchema) {
  auto writer = *DataWriter::Make(io_, Options());
  auto batch = Batch(0, 5);
  auto nullable_ids = *arrow::MakeArrayOfNull(arrow::int64(), 5);
  auto with_null_ids = *batch->SetColumn(0, batch->schema()->field(0), nullable_ids);
  auto st = writer->Write(*with_null_ids);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("required column id"), std::string::npos) << st.message();
  auto wrong = *batch->SetColumn(0, arrow::field("id", arrow::int32()),
                                 *arrow::MakeArrayOfNull(arrow::int32(), 5));
  EXPECT_FALSE(writer->Write(*wrong).ok());
  EXPECT_TRUE(writer->Close().ok());
}

// The name column dictionary-encoded, as the ingest parser hands it over.
std::shared_ptr<arrow::RecordBatch> WithDictionaryNames(const arrow::RecordBatch& batch) {
  auto encoded = arrow::compute::DictionaryEncode(batch.column(2));
  EXPECT_TRUE(encoded.ok()) << encoded.status().ToString();
  auto names = encoded->make_array();
  auto field = batch.schema()->field(2)->WithType(names->type());
  return *batch.SetColumn(2, field, names);
}

TEST_F(DataWriterTest, DictionaryEncodedStringsAreWrittenAsPlainStrings) {
  PartitionSpec spec(1, {PartitionField{2, 1000, "ts_day", Transform::Day()}});
  auto writer = DataWriter::Make(io_, Options(spec));
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Write(*WithDictionaryNames(*Batch(0, 90))).ok());
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(files->size(), 4u);  // 3 days + the null day
  std::set<int64_t> ids;
  for (const auto& file : *files) {
    // Bounds come from the values in this file only, not from the whole dictionary.
    auto lower = file.lower_bounds.at(3);
    auto upper = file.upper_bounds.at(3);
    std::string min_name = "~", max_name;
    for (const auto& batch : ReadBack(file.file_path)) {
      EXPECT_TRUE(batch->schema()->field(2)->type()->Equals(arrow::utf8()))
          << batch->schema()->ToString();
      EXPECT_EQ(batch->schema()->field(2)->metadata()->Get("PARQUET:field_id").ValueOr(""), "3");
      auto id_column = std::static_pointer_cast<arrow::Int64Array>(batch->column(0));
      auto names = std::static_pointer_cast<arrow::StringArray>(batch->column(2));
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        ids.insert(id_column->Value(r));
        EXPECT_EQ(names->GetString(r), "name-" + std::to_string(id_column->Value(r)));
        min_name = std::min(min_name, names->GetString(r));
        max_name = std::max(max_name, names->GetString(r));
      }
    }
    EXPECT_EQ(lower, min_name) << file.file_path;
    EXPECT_EQ(upper, max_name) << file.file_path;
  }
  EXPECT_EQ(ids.size(), 90u);
}

TEST_F(DataWriterTest, ABatchEncodedOtherwiseStartsANewFile) {
  auto writer = DataWriter::Make(io_, Options());
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Write(*WithDictionaryNames(*Batch(0, 10))).ok());
  ASSERT_TRUE((*writer)->Write(*WithDictionaryNames(*Batch(10, 10))).ok());
  ASSERT_TRUE((*writer)->Write(*Batch(20, 10)).ok());
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].record_count, 20);
  EXPECT_EQ((*files)[1].record_count, 10);
  for (const auto& file : *files) {
    for (const auto& batch : ReadBack(file.file_path)) {
      EXPECT_TRUE(batch->schema()->field(2)->type()->Equals(arrow::utf8()));
    }
  }
}

TEST_F(DataWriterTest, ADictionaryOfAnotherTypeIsRefused) {
  auto writer = *DataWriter::Make(io_, Options());
  auto batch = Batch(0, 5);
  auto ids = arrow::compute::DictionaryEncode(batch->column(0));
  ASSERT_TRUE(ids.ok());
  auto wrong = *batch->SetColumn(0, batch->schema()->field(0)->WithType(ids->type()),
                                 ids->make_array());
  auto st = writer->Write(*wrong);
  EXPECT_TRUE(st.IsTypeError()) << st.ToString();
  EXPECT_TRUE(writer->Close().ok());
}

TEST_F(DataWriterTest, AbortDeletesEveryFileWritten) {
  PartitionSpec spec(1, {PartitionField{1, 1000, "id_bucket", Transform::Bucket(3)}});
  auto writer = *DataWriter::Make(io_, Options(spec, {{property::kTargetFileSizeBytes, "1"}}));
  ASSERT_TRUE(writer->Write(*Batch(0, 30)).ok());
  ASSERT_TRUE(writer->Write(*Batch(30, 30)).ok());
  ASSERT_TRUE(writer->Abort().ok());
  auto listed = io_->List(dir_.string(), true);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_F(DataWriterTest, WriteDataPathPropertyMovesTheFiles) {
  std::string elsewhere = (dir_ / "elsewhere").string();
  auto writer = *DataWriter::Make(io_, Options(PartitionSpec::Unpartitioned(),
                                               {{property::kWriteDataPath, elsewhere}}));
  ASSERT_TRUE(writer->Write(*Batch(0, 3)).ok());
  auto files = *writer->Close();
  EXPECT_EQ(files[0].file_path.rfind(elsewhere + "/", 0), 0u) << files[0].file_path;
}

// (ts, id) of every row of a file, in file order; ts nullopt for null.
std::vector<std::pair<std::optional<int64_t>, int64_t>> TsAndIds(
    const std::vector<std::shared_ptr<arrow::RecordBatch>>& batches) {
  std::vector<std::pair<std::optional<int64_t>, int64_t>> rows;
  for (const auto& b : batches) {
    auto ids = std::static_pointer_cast<arrow::Int64Array>(b->column(0));
    auto ts = std::static_pointer_cast<arrow::TimestampArray>(b->column(1));
    for (int64_t i = 0; i < b->num_rows(); ++i) {
      rows.emplace_back(ts->IsNull(i) ? std::nullopt : std::optional<int64_t>(ts->Value(i)),
                        ids->Value(i));
    }
  }
  return rows;
}

SortOrder OrderOf(std::string_view text, const Schema& schema) {
  auto order = ParseSortOrderText(text, schema);
  EXPECT_TRUE(order.ok()) << order.status().ToString();
  return *order;
}

TEST_F(DataWriterTest, SortsTheRowsOfAFileByTheSortOrder) {
  DataWriterOptions options = Options();
  options.sort_order = OrderOf("ts desc nulls last, id", *schema_);
  auto writer = DataWriter::Make(io_, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  std::vector<std::pair<std::optional<int64_t>, int64_t>> written;
  for (int64_t start : {400, 0, 200, 100, 300}) {
    auto batch = Batch(start, 100);
    for (const auto& row : TsAndIds({batch})) written.push_back(row);
    ASSERT_TRUE((*writer)->Write(*batch).ok());
  }
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].sort_order_id, 1);
  // ts descending with nulls last, then id ascending.
  std::sort(written.begin(), written.end(), [](const auto& a, const auto& b) {
    if (a.first.has_value() != b.first.has_value()) return a.first.has_value();
    if (a.first && *a.first != *b.first) return *a.first > *b.first;
    return a.second < b.second;
  });
  EXPECT_EQ(TsAndIds(ReadBack((*files)[0].file_path)), written);
}

TEST_F(DataWriterTest, SortsByATransformOfAColumn) {
  DataWriterOptions options = Options();
  options.sort_order = OrderOf("truncate(10, id) desc, id asc", *schema_);
  options.sort_order.order_id = 7;
  auto writer = DataWriter::Make(io_, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Write(*Batch(0, 35)).ok());
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].sort_order_id, 7);
  std::vector<int64_t> ids;
  for (const auto& row : TsAndIds(ReadBack((*files)[0].file_path))) ids.push_back(row.second);
  std::vector<int64_t> want;
  for (int64_t tens : {30, 20, 10, 0}) {
    for (int64_t id = tens; id < std::min<int64_t>(tens + 10, 35); ++id) want.push_back(id);
  }
  EXPECT_EQ(ids, want);
}

TEST_F(DataWriterTest, EverySortedFileOfAPartitionIsSortedWhenFilesRoll) {
  PartitionSpec spec(0, {PartitionField{2, 1000, "ts_day", Transform::Day()}});
  DataWriterOptions options = Options(spec, {{property::kTargetFileSizeBytes, "1"}});
  options.sort_order = OrderOf("id desc", *schema_);
  auto writer = DataWriter::Make(io_, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (int64_t start : {0, 300, 150}) ASSERT_TRUE((*writer)->Write(*Batch(start, 150)).ok());
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  int64_t total = 0;
  for (const auto& file : *files) {
    EXPECT_EQ(file.sort_order_id, 1);
    auto rows = TsAndIds(ReadBack(file.file_path));
    total += static_cast<int64_t>(rows.size());
    EXPECT_EQ(static_cast<int64_t>(rows.size()), file.record_count);
    for (size_t i = 1; i < rows.size(); ++i) EXPECT_GT(rows[i - 1].second, rows[i].second);
  }
  EXPECT_EQ(total, 450);
  EXPECT_GE(files->size(), 4u * 3);  // four partitions (three days and null), one file per write
}

TEST_F(DataWriterTest, SortsByADictionaryEncodedColumn) {
  DataWriterOptions options = Options();
  options.sort_order = OrderOf("name desc, id", *schema_);
  auto writer = DataWriter::Make(io_, options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  // The name column dictionary-encoded (as a stream's repeated strings come), three values.
  auto batch = Batch(0, 30);
  arrow::StringBuilder names;
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(names.Append("n" + std::to_string(i % 3)).ok());
  auto encoded = arrow::compute::DictionaryEncode(*names.Finish());
  ASSERT_TRUE(encoded.ok()) << encoded.status().ToString();
  batch = *batch->SetColumn(2, arrow_schema_->field(2)->WithType(encoded->type()),
                            encoded->make_array());
  ASSERT_TRUE((*writer)->Write(*batch).ok());
  auto files = (*writer)->Close();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  auto rows = ReadBack((*files)[0].file_path);
  ASSERT_EQ(rows.size(), 1u);
  const auto& read_names = static_cast<const arrow::StringArray&>(*rows[0]->column(2));
  const auto& ids = static_cast<const arrow::Int64Array&>(*rows[0]->column(0));
  ASSERT_EQ(read_names.length(), 30);
  for (int64_t i = 0; i < 30; ++i) {
    // n2 first (name descending), ids ascending within a name.
    EXPECT_EQ(read_names.GetView(i), "n" + std::to_string(2 - i / 10)) << i;
    EXPECT_EQ(ids.Value(i), (2 - i / 10) + 3 * (i % 10)) << i;
  }
}

TEST_F(DataWriterTest, AnUnsortedWriterRecordsNoSortOrder) {
  auto writer = DataWriter::Make(io_, Options());
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write(*Batch(0, 10)).ok());
  auto files = *(*writer)->Close();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_FALSE(files[0].sort_order_id.has_value());
}

}  // namespace
}  // namespace floe::iceberg
