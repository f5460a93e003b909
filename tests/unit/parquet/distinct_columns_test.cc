#include <arrow/api.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "floe/format/parquet/distinct_columns.h"

namespace floe::pq {
namespace {

// A batch of `rows` rows: `id` unique, `kind` one of 10 values, `name` unique text, `hour`
// one of 3000 values (a dictionary pays: the sample sees repeats), `empty` all null.
std::shared_ptr<arrow::RecordBatch> Batch(int64_t rows) {
  arrow::Int64Builder id, hour;
  arrow::Int32Builder kind;
  arrow::StringBuilder name;
  arrow::DoubleBuilder empty;
  for (int64_t i = 0; i < rows; ++i) {
    EXPECT_TRUE(id.Append(i * 7).ok());
    EXPECT_TRUE(kind.Append(static_cast<int32_t>(i % 10)).ok());
    EXPECT_TRUE(name.Append("customer-" + std::to_string(i)).ok());
    EXPECT_TRUE(hour.Append((i * 7919) % 3000).ok());
    EXPECT_TRUE(empty.AppendNull().ok());
  }
  auto schema = arrow::schema({arrow::field("id", arrow::int64()),
                               arrow::field("kind", arrow::int32()),
                               arrow::field("name", arrow::utf8()),
                               arrow::field("hour", arrow::int64()),
                               arrow::field("empty", arrow::float64())});
  return arrow::RecordBatch::Make(schema, rows,
                                  {*id.Finish(), *kind.Finish(), *name.Finish(), *hour.Finish(),
                                   *empty.Finish()});
}

TEST(DistinctValuedColumns, UniqueColumnsOnly) {
  EXPECT_EQ(DistinctValuedColumns(*Batch(100'000)), (std::vector<std::string>{"id", "name"}));
}

TEST(DistinctValuedColumns, ASliceIsSampledFromItsOwnRows) {
  auto batch = Batch(100'000)->Slice(60'000, 20'000);
  EXPECT_EQ(DistinctValuedColumns(*batch), (std::vector<std::string>{"id", "name"}));
}

TEST(DistinctValuedColumns, TooFewRowsToTell) {
  EXPECT_TRUE(DistinctValuedColumns(*Batch(100)).empty());
}

}  // namespace
}  // namespace floe::pq
