#include <cmath>
#include <filesystem>
#include <limits>
#include <random>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>
#include <parquet/metadata.h>

#include "floe/format/parquet/parquet_file_writer.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/data/data_file_metrics.h"
#include "floe/iceberg/type/single_value.h"
#include "fields_test_util.h"

namespace floe::iceberg {
namespace {

class DataFileMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe_metrics_test_" + std::to_string(std::random_device{}()));
    io_ = *io::MakeFileIO(dir_.string());
    schema_ = std::make_shared<Schema>(
        0, std::vector<NestedField>{
               Req(1, "id", Type::Long()),
               Opt(2, "name", Type::String()),
               Opt(3, "score", Type::Double()),
               Opt(4, "tags", Type::List(Opt(5, "element", Type::String()))),
               Opt(6, "point", Type::Struct({Opt(7, "x", Type::Float()),
                                             Opt(8, "y", Type::Int())})),
               Opt(9, "amount", Type::Decimal(10, 2)),
               Opt(10, "ts", Type::Timestamp()),
               Opt(11, "flag", Type::Boolean()),
           });
    arrow_schema_ = *ToArrowSchema(*schema_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::shared_ptr<arrow::RecordBatch> FromJson(const std::string& rows) {
    auto type = arrow::struct_(arrow_schema_->fields());
    auto array = arrow::json::ArrayFromJSONString(type, rows);
    EXPECT_TRUE(array.ok()) << array.status().ToString();
    auto batch = arrow::RecordBatch::FromStructArray(*array);
    EXPECT_TRUE(batch.ok()) << batch.status().ToString();
    return (*batch)->ReplaceSchema(arrow_schema_).ValueOrDie();
  }

  // Writes the batches (one row group each) and computes metrics the way the writer does.
  DataFile WriteAndMeasure(const std::vector<std::shared_ptr<arrow::RecordBatch>>& batches,
                           const MetricsConfig& config = {}) {
    pq::ParquetWriteOptions options;
    options.row_group_size_bytes = 1;
    std::string location = (dir_ / ("f" + std::to_string(counter_++) + ".parquet")).string();
    auto writer = *pq::ParquetFileWriter::Open(*io_, location, arrow_schema_, options);
    std::map<int32_t, int64_t> nans;
    for (const auto& batch : batches) {
      EXPECT_TRUE(writer->Write(*batch).ok());
      EXPECT_TRUE(CountNaNs(*schema_, *batch, &nans).ok());
    }
    auto result = writer->Close();
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    metadata_ = result->metadata;
    DataFile file;
    file.file_path = location;
    file.file_size_in_bytes = result->file_size;
    auto st = ComputeParquetMetrics(*result->metadata, *schema_, config, nans, &file);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return file;
  }

  Literal Bound(const std::map<int32_t, std::string>& bounds, int32_t id) {
    auto it = bounds.find(id);
    EXPECT_NE(it, bounds.end()) << "no bound for field " << id;
    if (it == bounds.end()) return Literal::Null();
    auto value = DeserializeValue(schema_->FindFieldById(id)->type, it->second);
    EXPECT_TRUE(value.ok()) << value.status().ToString();
    return *value;
  }

  std::filesystem::path dir_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<Schema> schema_;
  std::shared_ptr<arrow::Schema> arrow_schema_;
  std::shared_ptr<parquet::FileMetaData> metadata_;
  int counter_ = 0;
};

const char* kRowsA = R"([
  {"id": 5, "name": "kiwi", "score": 1.5, "tags": ["a", null], "point": {"x": 1.0, "y": 3},
   "amount": "12.34", "ts": 1000, "flag": true},
  {"id": -2, "name": null, "score": NaN, "tags": null, "point": null,
   "amount": "-0.50", "ts": null, "flag": false},
  {"id": 9, "name": "apple", "score": null, "tags": [], "point": {"x": NaN, "y": null},
   "amount": null, "ts": -7, "flag": null}
])";
const char* kRowsB = R"([
  {"id": 3, "name": "zucchini", "score": -4.25, "tags": ["q", "b", "c"],
   "point": {"x": -2.5, "y": 10}, "amount": "99.99", "ts": 5000000, "flag": true},
  {"id": 4, "name": "banana", "score": NaN, "tags": ["zz"], "point": {"x": null, "y": -1},
   "amount": "0.01", "ts": 42, "flag": true}
])";

TEST_F(DataFileMetricsTest, CountsAndBoundsMatchValuesComputedFromTheBatches) {
  DataFile file = WriteAndMeasure({FromJson(kRowsA), FromJson(kRowsB)});
  EXPECT_EQ(file.record_count, 5);
  // Every leaf has one value per row, nulls included; list elements count each element and
  // one entry for each null or empty list.
  for (int32_t id : {1, 2, 3, 7, 8, 9, 10, 11}) EXPECT_EQ(file.value_counts[id], 5) << id;
  EXPECT_EQ(file.value_counts[5], 2 + 1 + 1 + 3 + 1);
  EXPECT_EQ(file.null_value_counts[1], 0);
  EXPECT_EQ(file.null_value_counts[2], 1);
  EXPECT_EQ(file.null_value_counts[3], 1);
  EXPECT_EQ(file.null_value_counts[5], 1 + 1 + 1);  // null element, null list, empty list
  EXPECT_EQ(file.null_value_counts[7], 1 + 1);      // null struct, null x
  EXPECT_EQ(file.null_value_counts[8], 1 + 1);
  EXPECT_EQ(file.null_value_counts[9], 1);
  EXPECT_EQ(file.null_value_counts[11], 1);
  // NaNs come from the data, for float and double leaves only.
  EXPECT_EQ(file.nan_value_counts, (std::map<int32_t, int64_t>{{3, 2}, {7, 1}}));

  EXPECT_EQ(Bound(file.lower_bounds, 1).AsLong(), -2);
  EXPECT_EQ(Bound(file.upper_bounds, 1).AsLong(), 9);
  EXPECT_EQ(Bound(file.lower_bounds, 2).AsBytes(), "apple");
  EXPECT_EQ(Bound(file.upper_bounds, 2).AsBytes(), "zucchini");
  EXPECT_EQ(Bound(file.lower_bounds, 3).AsDouble(), -4.25);  // NaN never a bound
  EXPECT_EQ(Bound(file.upper_bounds, 3).AsDouble(), 1.5);
  EXPECT_EQ(Bound(file.lower_bounds, 7).AsFloat(), -2.5f);   // struct leaves have bounds
  EXPECT_EQ(Bound(file.upper_bounds, 7).AsFloat(), 1.0f);
  EXPECT_EQ(Bound(file.lower_bounds, 8).AsInt(), -1);
  EXPECT_EQ(Bound(file.upper_bounds, 8).AsInt(), 10);
  EXPECT_EQ(Bound(file.lower_bounds, 9).AsDecimal(), -50);
  EXPECT_EQ(Bound(file.upper_bounds, 9).AsDecimal(), 9999);
  EXPECT_EQ(Bound(file.lower_bounds, 10).AsLong(), -7);
  EXPECT_EQ(Bound(file.upper_bounds, 10).AsLong(), 5000000);
  EXPECT_EQ(Bound(file.lower_bounds, 11).AsBool(), false);
  EXPECT_EQ(Bound(file.upper_bounds, 11).AsBool(), true);
  // No bounds for values inside lists or maps.
  EXPECT_EQ(file.lower_bounds.count(5), 0u);
  EXPECT_EQ(file.upper_bounds.count(5), 0u);
}

TEST_F(DataFileMetricsTest, ColumnSizesSumChunksAndSplitOffsetsStartRowGroups) {
  DataFile file = WriteAndMeasure({FromJson(kRowsA), FromJson(kRowsB), FromJson(kRowsA)});
  ASSERT_EQ(metadata_->num_row_groups(), 3);
  std::map<int32_t, int64_t> sizes;
  std::vector<int32_t> ids = {1, 2, 3, 5, 7, 8, 9, 10, 11};
  int64_t total = 0;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < metadata_->num_columns(); ++c) {
      sizes[ids[c]] += metadata_->RowGroup(r)->ColumnChunk(c)->total_compressed_size();
    }
  }
  EXPECT_EQ(file.column_sizes, sizes);
  for (const auto& [id, size] : sizes) total += size;
  EXPECT_LT(total, file.file_size_in_bytes);
  ASSERT_EQ(file.split_offsets.size(), 3u);
  EXPECT_EQ(file.split_offsets[0], 4);  // right after the "PAR1" magic
  EXPECT_TRUE(std::is_sorted(file.split_offsets.begin(), file.split_offsets.end()));
  EXPECT_LT(file.split_offsets[2], file.file_size_in_bytes);
}

TEST_F(DataFileMetricsTest, StringBoundsAreTruncatedToSixteenCodePoints) {
  std::string rows = R"([
    {"id": 1, "name": "abcdefghijklmnopqrstuvwxyz"},
    {"id": 2, "name": "abcdefghijklmnopzzzzzz"},
    {"id": 3, "name": "aaaaaaaaaaaaaaaaaaaaaaaaaa"}
  ])";
  DataFile file = WriteAndMeasure({FromJson(rows)});
  EXPECT_EQ(Bound(file.lower_bounds, 2).AsBytes(), "aaaaaaaaaaaaaaaa");
  // Upper bound: the 16-character prefix with its last character incremented.
  EXPECT_EQ(Bound(file.upper_bounds, 2).AsBytes(), "abcdefghijklmnoq");

  auto config = MetricsConfig::FromProperties({{"write.metadata.metrics.default", "truncate(4)"},
                                              {"write.metadata.metrics.column.id", "counts"}});
  ASSERT_TRUE(config.ok());
  DataFile short_bounds = WriteAndMeasure({FromJson(rows)}, *config);
  EXPECT_EQ(Bound(short_bounds.lower_bounds, 2).AsBytes(), "aaaa");
  EXPECT_EQ(Bound(short_bounds.upper_bounds, 2).AsBytes(), "abce");
  EXPECT_EQ(short_bounds.lower_bounds.count(1), 0u);  // counts only
  EXPECT_EQ(short_bounds.value_counts[1], 3);
}

TEST_F(DataFileMetricsTest, MetricsModesNoneCountsAndFull) {
  auto config = MetricsConfig::FromProperties({{"write.metadata.metrics.default", "none"},
                                              {"write.metadata.metrics.column.name", "full"},
                                              {"write.metadata.metrics.column.point.x",
                                               "counts"}});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::string rows = R"([{"id": 1, "name": "abcdefghijklmnopqrstuvwxyz", "point": {"x": 1}}])";
  DataFile file = WriteAndMeasure({FromJson(rows)}, *config);
  EXPECT_EQ(file.value_counts.count(1), 0u);      // none: no counts
  EXPECT_EQ(file.column_sizes.count(1), 1u);      // but the size is always there
  EXPECT_EQ(Bound(file.lower_bounds, 2).AsBytes(), "abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(file.value_counts[7], 1);
  EXPECT_EQ(file.null_value_counts[7], 0);
  EXPECT_EQ(file.nan_value_counts[7], 0);
  EXPECT_EQ(file.lower_bounds.count(7), 0u);
  EXPECT_EQ(file.nan_value_counts.count(3), 0u);  // none
}

TEST_F(DataFileMetricsTest, ParsesMetricsModes) {
  EXPECT_EQ(*ParseMetricsMode("Truncate(8)"), (MetricsMode{MetricsMode::Kind::kTruncate, 8}));
  EXPECT_EQ(ParseMetricsMode(" counts ")->kind, MetricsMode::Kind::kCounts);
  EXPECT_FALSE(ParseMetricsMode("truncate(0)").ok());
  EXPECT_FALSE(ParseMetricsMode("truncate(x)").ok());
  EXPECT_FALSE(ParseMetricsMode("some").ok());
  auto bad = MetricsConfig::FromProperties({{"write.metadata.metrics.column.a", "bogus"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("write.metadata.metrics.column.a"), std::string::npos);
}

TEST_F(DataFileMetricsTest, AllNullColumnHasCountsButNoBounds) {
  DataFile file = WriteAndMeasure({FromJson(R"([{"id": 1}, {"id": 2}])")});
  EXPECT_EQ(file.null_value_counts[2], 2);
  EXPECT_EQ(file.lower_bounds.count(2), 0u);
  EXPECT_EQ(file.upper_bounds.count(2), 0u);
  EXPECT_EQ(file.nan_value_counts[3], 0);
}

}  // namespace
}  // namespace floe::iceberg
