// The distinct values of a string column (text_dictionary.h) and a column buffer holding its
// rows by them, until there are too many to pay (direct_rows_internal.h).
#include "floe/stream/text_dictionary.h"

#include <arrow/array.h>
#include <arrow/compute/api.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "floe/stream/direct_rows_internal.h"

namespace floe::stream::internal {
namespace {

TEST(TextDictionaryTest, OneIndexPerDistinctValueAcrossGrowth) {
  TextDictionary d;
  std::vector<std::string> values = {"", "a", "ab", "abc", "abcd", "abcdefg", "abcdefgh"};
  // Alike at both ends and of one length: only the middle tells them apart.
  values.push_back("aaaaaaaaXaaaaaaaa");
  values.push_back("aaaaaaaaYaaaaaaaa");
  values.push_back("abcdXfghij");
  values.push_back("abcdYfghij");
  for (int i = 0; i < 3000; ++i) values.push_back("value-" + std::to_string(i));
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(d.IndexOf(values[i]), static_cast<int32_t>(i)) << values[i];
  }
  ASSERT_EQ(d.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(d.IndexOf(values[i]), static_cast<int32_t>(i)) << values[i];
    EXPECT_EQ(d.value(static_cast<int32_t>(i)), values[i]);
  }
  EXPECT_EQ(d.size(), values.size());
  d.clear();
  EXPECT_EQ(d.size(), 0u);
  EXPECT_EQ(d.IndexOf("value-7"), 0);
}

// The column's values as strings ("<null>" for a null), decoded when dictionary-encoded.
std::vector<std::string> Values(const std::shared_ptr<arrow::Array>& array) {
  std::shared_ptr<arrow::Array> plain = array;
  if (array->type_id() == arrow::Type::DICTIONARY) {
    auto cast = arrow::compute::Cast(*array, arrow::utf8());
    EXPECT_TRUE(cast.ok()) << cast.status().ToString();
    plain = *cast;
  }
  EXPECT_TRUE(plain->ValidateFull().ok());
  const auto& strings = static_cast<const arrow::StringArray&>(*plain);
  std::vector<std::string> out;
  for (int64_t i = 0; i < strings.length(); ++i) {
    out.push_back(strings.IsNull(i) ? "<null>" : std::string(strings.GetView(i)));
  }
  return out;
}

TEST(TextDictionaryTest, ColumnOfRepeatedValuesComesEncoded) {
  ColumnBuffer c;
  c.type = iceberg::TypeId::kString;
  c.by_dictionary = true;
  std::vector<std::string> want;
  for (int i = 0; i < 5000; ++i) {
    if (i % 11 == 0) {
      c.AppendNull();
      want.push_back("<null>");
    } else {
      const std::string v = i % 3 == 0 ? "Completed" : i % 3 == 1 ? "Cancelled by Driver" : "";
      c.AppendText(v);
      want.push_back(v);
    }
  }
  c.AppendText("dropped");
  c.Truncate(want.size());  // the row's value stays in the dictionary, unreferenced
  auto array = c.Finish(arrow::utf8());
  ASSERT_TRUE(array.ok()) << array.status().ToString();
  ASSERT_EQ((*array)->type_id(), arrow::Type::DICTIONARY);
  ASSERT_TRUE((*array)->ValidateFull().ok());
  EXPECT_EQ((*array)->null_count(), 455);
  // The truncated row's value is not in the dictionary given out.
  EXPECT_EQ(static_cast<const arrow::DictionaryArray&>(**array).dictionary()->length(), 3);
  EXPECT_EQ(Values(*array), want);
  // The next batch starts with an empty dictionary.
  c.AppendText("next");
  auto next = c.Finish(arrow::utf8());
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(static_cast<const arrow::DictionaryArray&>(**next).dictionary()->length(), 1);
  EXPECT_EQ(Values(*next), std::vector<std::string>{"next"});
}

TEST(TextDictionaryTest, ColumnOfDistinctValuesGoesPlainForGood) {
  ColumnBuffer c;
  c.type = iceberg::TypeId::kString;
  c.by_dictionary = true;
  std::vector<std::string> want;
  for (int i = 0; i < 3000; ++i) {
    if (i % 100 == 7) {
      c.AppendNull();
      want.push_back("<null>");
    } else {
      const std::string v = "CID" + std::to_string(i);
      c.AppendText(v);
      want.push_back(v);
    }
  }
  EXPECT_FALSE(c.by_dictionary);  // past 1,024 distinct values, more than one in four rows
  auto array = c.Finish(arrow::utf8());
  ASSERT_TRUE(array.ok()) << array.status().ToString();
  EXPECT_EQ((*array)->type_id(), arrow::Type::STRING);
  EXPECT_EQ(Values(*array), want);
  c.AppendText("later");
  auto later = c.Finish(arrow::utf8());
  ASSERT_TRUE(later.ok());
  EXPECT_EQ((*later)->type_id(), arrow::Type::STRING);
}

}  // namespace
}  // namespace floe::stream::internal
