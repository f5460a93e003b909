// The parser's column buffers: appends, undo of a failed file, hand-off as Arrow arrays.

#include <string>

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "floe/ingest/column_buffer_internal.h"

namespace floe::ingest::internal {
namespace {

std::string ValueAt(const arrow::Array& array, int64_t row) {
  if (array.IsNull(row)) return "<null>";
  const auto& dict = static_cast<const arrow::DictionaryArray&>(array);
  return std::string(
      static_cast<const arrow::StringArray&>(*dict.dictionary()).GetView(dict.GetValueIndex(row)));
}

TEST(DictionaryColumnBufferTest, StoresEachDistinctValueOnce) {
  DictionaryColumnBuffer column;
  for (const char* v : {"driver", "driver", "exec", "driver", "", "exec"}) {
    ASSERT_TRUE(column.Append(v).ok());
  }
  ASSERT_TRUE(column.AppendNull().ok());
  EXPECT_EQ(column.length(), 7);
  auto array = column.Finish();
  ASSERT_TRUE(array.ok()) << array.status().ToString();
  ASSERT_TRUE((*array)->ValidateFull().ok());
  EXPECT_TRUE((*array)->type()->Equals(arrow::dictionary(arrow::int32(), arrow::utf8())));
  const auto& dict = static_cast<const arrow::DictionaryArray&>(**array);
  EXPECT_EQ(dict.dictionary()->length(), 3);
  EXPECT_EQ((*array)->null_count(), 1);
  const char* want[] = {"driver", "driver", "exec", "driver", "", "exec", "<null>"};
  for (int64_t i = 0; i < 7; ++i) EXPECT_EQ(ValueAt(**array, i), want[i]) << i;
}

TEST(DictionaryColumnBufferTest, TruncateUndoesRowsAndLaterAppendsStillMatch) {
  DictionaryColumnBuffer column;
  ASSERT_TRUE(column.Append("a").ok());
  ASSERT_TRUE(column.AppendNull().ok());
  ASSERT_TRUE(column.Append("b").ok());  // a row of a file that then fails
  ASSERT_TRUE(column.AppendNull().ok());
  column.Truncate(2);
  EXPECT_EQ(column.length(), 2);
  ASSERT_TRUE(column.Append("b").ok());  // the previous value was dropped, not forgotten
  ASSERT_TRUE(column.Append("a").ok());
  auto array = column.Finish();
  ASSERT_TRUE(array.ok());
  ASSERT_TRUE((*array)->ValidateFull().ok());
  EXPECT_EQ((*array)->length(), 4);
  EXPECT_EQ((*array)->null_count(), 1);
  const char* want[] = {"a", "<null>", "b", "a"};
  for (int64_t i = 0; i < 4; ++i) EXPECT_EQ(ValueAt(**array, i), want[i]) << i;
}

TEST(DictionaryColumnBufferTest, EachBatchHasItsOwnDictionary) {
  DictionaryColumnBuffer column;
  ASSERT_TRUE(column.Append("first").ok());
  ASSERT_TRUE(column.Append("second").ok());
  auto first = column.Finish();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(column.length(), 0);
  EXPECT_EQ(column.buffered_bytes(), 0);
  ASSERT_TRUE(column.Append("second").ok());  // the previous batch's last value
  auto second = column.Finish();
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE((*second)->ValidateFull().ok());
  EXPECT_EQ(static_cast<const arrow::DictionaryArray&>(**second).dictionary()->length(), 1);
  EXPECT_EQ(ValueAt(**second, 0), "second");
  // The first batch is untouched by the second.
  ASSERT_TRUE((*first)->ValidateFull().ok());
  EXPECT_EQ(ValueAt(**first, 0), "first");
  EXPECT_EQ(ValueAt(**first, 1), "second");
  auto empty = column.Finish();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)->length(), 0);
  EXPECT_TRUE((*empty)->ValidateFull().ok());
}

TEST(StringColumnBufferTest, TruncateAndFinish) {
  StringColumnBuffer column;
  ASSERT_TRUE(column.Append("one").ok());
  ASSERT_TRUE(column.AppendNull().ok());
  ASSERT_TRUE(column.Append("three").ok());
  column.Truncate(2);
  ASSERT_TRUE(column.Append("3").ok());
  auto array = column.Finish();
  ASSERT_TRUE(array.ok());
  ASSERT_TRUE((*array)->ValidateFull().ok());
  const auto& strings = static_cast<const arrow::StringArray&>(**array);
  ASSERT_EQ(strings.length(), 3);
  EXPECT_EQ(strings.GetView(0), "one");
  EXPECT_TRUE(strings.IsNull(1));
  EXPECT_EQ(strings.GetView(2), "3");
}

}  // namespace
}  // namespace floe::ingest::internal
