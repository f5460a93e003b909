#include "cli/table_output.h"

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <arrow/api.h>
#include <arrow/extension/uuid.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "cli/cell_writer.h"
#include "cli/json_text.h"

namespace floe::cli {
namespace {

using nlohmann::json;

std::shared_ptr<arrow::Array> FromJson(const std::shared_ptr<arrow::DataType>& type,
                                       const std::string& text) {
  auto r = arrow::json::ArrayFromJSONString(type, text);
  EXPECT_TRUE(r.ok()) << type->ToString() << ": " << r.status().ToString();
  return r.ValueOrDie();
}

// FormatCell of every row.
std::vector<std::string> Texts(const arrow::Array& array) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < array.length(); ++i) out.push_back(FormatCell(array, i));
  return out;
}

// CellToJson of every row, dumped compactly.
std::vector<std::string> Jsons(const arrow::Array& array) {
  std::vector<std::string> out;
  for (int64_t i = 0; i < array.length(); ++i) out.push_back(CellToJson(array, i).dump());
  return out;
}

using Strings = std::vector<std::string>;

TEST(ParseOutputFormatTest, KnowsTheFiveNamesInAnyCase) {
  EXPECT_EQ(*ParseOutputFormat("table"), OutputFormat::kTable);
  EXPECT_EQ(*ParseOutputFormat("CSV"), OutputFormat::kCsv);
  EXPECT_EQ(*ParseOutputFormat("jsonl"), OutputFormat::kJsonl);
  EXPECT_EQ(*ParseOutputFormat("Parquet"), OutputFormat::kParquet);
  EXPECT_EQ(*ParseOutputFormat("ARROW"), OutputFormat::kArrow);
}

TEST(ParseOutputFormatTest, UnknownNameErrorListsTheChoices) {
  auto r = ParseOutputFormat("xml");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalid());
  const std::string& msg = r.status().message();
  EXPECT_NE(msg.find("'xml'"), std::string::npos) << msg;
  for (const char* name : {"table", "csv", "jsonl", "parquet", "arrow"}) {
    EXPECT_NE(msg.find(name), std::string::npos) << msg;
  }
}

TEST(FormatCellTest, BooleansAndIntegersWithNulls) {
  auto b = FromJson(arrow::boolean(), "[true, false, null]");
  EXPECT_EQ(Texts(*b), (Strings{"true", "false", ""}));
  EXPECT_EQ(Jsons(*b), (Strings{"true", "false", "null"}));
  auto i32 = FromJson(arrow::int32(), "[0, -2147483648, 2147483647, null]");
  EXPECT_EQ(Texts(*i32), (Strings{"0", "-2147483648", "2147483647", ""}));
  EXPECT_EQ(Jsons(*i32), (Strings{"0", "-2147483648", "2147483647", "null"}));
  auto i64 = FromJson(arrow::int64(), "[-9223372036854775808, 9223372036854775807]");
  EXPECT_EQ(Texts(*i64), (Strings{"-9223372036854775808", "9223372036854775807"}));
  EXPECT_EQ(Jsons(*i64), (Strings{"-9223372036854775808", "9223372036854775807"}));
}

TEST(FormatCellTest, FloatsAreShortestRoundTripText) {
  auto f32 = FromJson(arrow::float32(), "[0.1, 1.0, 1.5e-7, 3.4028235e38, -0.0, null]");
  EXPECT_EQ(Texts(*f32), (Strings{"0.1", "1.0", "1.5e-07", "3.4028235e+38", "-0.0", ""}));
  auto f64 = FromJson(arrow::float64(), "[0.30000000000000004, 100.0, 1e21, 2.5]");
  EXPECT_EQ(Texts(*f64), (Strings{"0.30000000000000004", "100.0", "1e+21", "2.5"}));
  EXPECT_EQ(CellToJson(*f64, 0).get<double>(), 0.30000000000000004);
  EXPECT_EQ(CellToJson(*f32, 0).get<double>(), 0.1);
}

TEST(FormatCellTest, NonFiniteFloatsAreTextAndJsonStrings) {
  arrow::DoubleBuilder builder;
  ASSERT_TRUE(builder.AppendValues({std::nan(""), std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity()})
                  .ok());
  auto array = builder.Finish().ValueOrDie();
  EXPECT_EQ(Texts(*array), (Strings{"NaN", "Infinity", "-Infinity"}));
  EXPECT_EQ(Jsons(*array), (Strings{R"("NaN")", R"("Infinity")", R"("-Infinity")"}));
  arrow::FloatBuilder fb;
  ASSERT_TRUE(fb.Append(-std::numeric_limits<float>::infinity()).ok());
  auto floats = fb.Finish().ValueOrDie();
  EXPECT_EQ(Jsons(*floats), (Strings{R"("-Infinity")"}));
}

TEST(FormatCellTest, DecimalsKeepTheirScaleAndAreJsonStrings) {
  auto d = FromJson(arrow::decimal128(9, 2), R"(["12.50", "-0.05", "0.00", null])");
  EXPECT_EQ(Texts(*d), (Strings{"12.50", "-0.05", "0.00", ""}));
  EXPECT_EQ(Jsons(*d), (Strings{R"("12.50")", R"("-0.05")", R"("0.00")", "null"}));
  auto wide = FromJson(arrow::decimal128(38, 0), R"(["99999999999999999999999999999999999999"])");
  EXPECT_EQ(Texts(*wide), (Strings{"99999999999999999999999999999999999999"}));
}

TEST(FormatCellTest, DatesAndTimes) {
  auto date = FromJson(arrow::date32(), "[19783, 0, -1, null]");
  EXPECT_EQ(Texts(*date), (Strings{"2024-03-01", "1970-01-01", "1969-12-31", ""}));
  EXPECT_EQ(Jsons(*date), (Strings{R"("2024-03-01")", R"("1970-01-01")", R"("1969-12-31")",
                                   "null"}));
  auto date64 = FromJson(arrow::date64(), "[1709251200000]");
  EXPECT_EQ(Texts(*date64), (Strings{"2024-03-01"}));
  auto time = FromJson(arrow::time64(arrow::TimeUnit::MICRO), "[36930123456, 36930000000]");
  EXPECT_EQ(Texts(*time), (Strings{"10:15:30.123456", "10:15:30"}));
  EXPECT_EQ(Jsons(*time), (Strings{R"("10:15:30.123456")", R"("10:15:30")"}));
  auto time_ns = FromJson(arrow::time64(arrow::TimeUnit::NANO), "[36930123456789]");
  EXPECT_EQ(Texts(*time_ns), (Strings{"10:15:30.123456789"}));
  auto time_ms = FromJson(arrow::time32(arrow::TimeUnit::MILLI), "[36930120]");
  EXPECT_EQ(Texts(*time_ms), (Strings{"10:15:30.120"}));
  auto time_s = FromJson(arrow::time32(arrow::TimeUnit::SECOND), "[36930]");
  EXPECT_EQ(Texts(*time_s), (Strings{"10:15:30"}));
}

TEST(FormatCellTest, TimestampsInEveryUnitWithAndWithoutZone) {
  auto us = FromJson(arrow::timestamp(arrow::TimeUnit::MICRO), "[1709288130123456, -1, null]");
  EXPECT_EQ(Texts(*us),
            (Strings{"2024-03-01T10:15:30.123456", "1969-12-31T23:59:59.999999", ""}));
  EXPECT_EQ(Jsons(*us)[0], R"("2024-03-01T10:15:30.123456")");
  auto utc = FromJson(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), "[1709288130123456]");
  EXPECT_EQ(Texts(*utc), (Strings{"2024-03-01T10:15:30.123456+00:00"}));
  EXPECT_EQ(Jsons(*utc), (Strings{R"("2024-03-01T10:15:30.123456+00:00")"}));
  auto ns = FromJson(arrow::timestamp(arrow::TimeUnit::NANO), "[1709288130123456789, -1]");
  EXPECT_EQ(Texts(*ns),
            (Strings{"2024-03-01T10:15:30.123456789", "1969-12-31T23:59:59.999999999"}));
  auto ns_utc = FromJson(arrow::timestamp(arrow::TimeUnit::NANO, "UTC"), "[1709288130000000000]");
  EXPECT_EQ(Texts(*ns_utc), (Strings{"2024-03-01T10:15:30+00:00"}));
  auto ms = FromJson(arrow::timestamp(arrow::TimeUnit::MILLI), "[1709288130123, -1]");
  EXPECT_EQ(Texts(*ms), (Strings{"2024-03-01T10:15:30.123", "1969-12-31T23:59:59.999"}));
  auto s = FromJson(arrow::timestamp(arrow::TimeUnit::SECOND, "UTC"), "[1709288130]");
  EXPECT_EQ(Texts(*s), (Strings{"2024-03-01T10:15:30+00:00"}));
}

TEST(FormatCellTest, StringsAreRawTextAndEscapedJson) {
  auto s = FromJson(arrow::utf8(),
                    R"(["plain", "a \"q\" \\ b", "tab\tnl\n", "\u0001", "zoë €", "", null])");
  EXPECT_EQ(Texts(*s), (Strings{"plain", "a \"q\" \\ b", "tab\tnl\n", "\x01", "zoë €", "", ""}));
  EXPECT_EQ(Jsons(*s), (Strings{R"("plain")", R"("a \"q\" \\ b")", R"("tab\tnl\n")",
                                R"("\u0001")", "\"zoë €\"", R"("")", "null"}));
  auto large = FromJson(arrow::large_utf8(), R"(["big"])");
  EXPECT_EQ(Texts(*large), (Strings{"big"}));
  EXPECT_EQ(Jsons(*large), (Strings{R"("big")"}));
}

TEST(FormatCellTest, InvalidUtf8BecomesReplacementCharacterInJson) {
  std::string out;
  AppendJsonString(std::string("a\xff" "b\xc3", 4), &out);
  EXPECT_EQ(out, "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\"");
  out.clear();
  AppendJsonString("\xED\xA0\x80", &out);  // an encoded surrogate is not UTF-8
  EXPECT_EQ(out, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
  out.clear();
  AppendJsonString("\xF0\x9F\x98\x80", &out);  // U+1F600 passes through
  EXPECT_EQ(out, "\"\xF0\x9F\x98\x80\"");
  EXPECT_FALSE(json::parse(out, nullptr, false).is_discarded());
}

TEST(FormatCellTest, BinaryAndFixedAreLowercaseHex) {
  auto bin = FromJson(arrow::binary(), R"(["\u0000\u00ffA", "", null])");
  EXPECT_EQ(Texts(*bin), (Strings{"00c3bf41", "", ""}));
  EXPECT_EQ(Jsons(*bin), (Strings{R"("00c3bf41")", R"("")", "null"}));
  auto fixed = FromJson(arrow::fixed_size_binary(3), R"(["abc", null])");
  EXPECT_EQ(Texts(*fixed), (Strings{"616263", ""}));
  EXPECT_EQ(Jsons(*fixed), (Strings{R"("616263")", "null"}));
}

TEST(FormatCellTest, UuidExtensionIsUuidText) {
  arrow::FixedSizeBinaryBuilder builder(arrow::fixed_size_binary(16));
  const uint8_t bytes[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
                             0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  ASSERT_TRUE(builder.Append(bytes).ok());
  ASSERT_TRUE(builder.AppendNull().ok());
  auto raw = builder.Finish().ValueOrDie();
  auto uuids = arrow::ExtensionType::WrapArray(arrow::extension::uuid(), raw);
  EXPECT_EQ(Texts(*uuids), (Strings{"12345678-9abc-def0-0123-456789abcdef", ""}));
  EXPECT_EQ(Jsons(*uuids), (Strings{R"("12345678-9abc-def0-0123-456789abcdef")", "null"}));
  // Without the extension the same bytes are plain hex.
  EXPECT_EQ(FormatCell(*raw, 0), "123456789abcdef00123456789abcdef");
}

TEST(FormatCellTest, StructsAreObjectsInFieldOrder) {
  auto type = arrow::struct_({arrow::field("z", arrow::int32()), arrow::field("a", arrow::utf8()),
                              arrow::field("t", arrow::date32())});
  auto s = FromJson(type,
                    R"([{"z": 1, "a": "x", "t": 0}, {"z": null, "a": "y", "t": null}, null])");
  EXPECT_EQ(Texts(*s), (Strings{R"({"z":1,"a":"x","t":"1970-01-01"})",
                                R"({"z":null,"a":"y","t":null})", ""}));
  EXPECT_EQ(CellToJson(*s, 0), json::parse(R"({"z":1,"a":"x","t":"1970-01-01"})"));
  EXPECT_TRUE(CellToJson(*s, 2).is_null());
}

TEST(FormatCellTest, ListsAreArraysWithNullElements) {
  auto list = FromJson(arrow::list(arrow::float64()), "[[1.5, null, 2.0], [], null]");
  EXPECT_EQ(Texts(*list), (Strings{"[1.5,null,2.0]", "[]", ""}));
  EXPECT_EQ(Jsons(*list), (Strings{"[1.5,null,2.0]", "[]", "null"}));
  auto nested = FromJson(arrow::large_list(arrow::list(arrow::utf8())), R"([[["a"], [], null]])");
  EXPECT_EQ(Texts(*nested), (Strings{R"([["a"],[],null])"}));
  auto fixed = FromJson(arrow::fixed_size_list(arrow::int64(), 2), "[[1, 2], [3, null]]");
  EXPECT_EQ(Texts(*fixed), (Strings{"[1,2]", "[3,null]"}));
}

TEST(FormatCellTest, MapsWithStringKeysAreObjectsOthersAreKeyValueArrays) {
  auto by_name = FromJson(arrow::map(arrow::utf8(), arrow::int32()),
                          R"([[["b", 2], ["a", null]], [], null])");
  EXPECT_EQ(Texts(*by_name), (Strings{R"({"b":2,"a":null})", "{}", ""}));
  EXPECT_EQ(Jsons(*by_name), (Strings{R"({"a":null,"b":2})", "{}", "null"}));
  auto by_int = FromJson(arrow::map(arrow::int32(), arrow::utf8()), R"([[[1, "x"], [2, null]]])");
  EXPECT_EQ(Texts(*by_int), (Strings{R"([{"key":1,"value":"x"},{"key":2,"value":null}])"}));
}

TEST(FormatCellTest, SlicedArraysIndexFromTheSlice) {
  auto list = FromJson(arrow::list(arrow::int32()), "[[1], [2, 3], null, [4]]")->Slice(1, 3);
  EXPECT_EQ(Texts(*list), (Strings{"[2,3]", "", "[4]"}));
  auto type = arrow::struct_({arrow::field("a", arrow::int32())});
  auto s = FromJson(type, R"([{"a": 1}, {"a": 2}, {"a": 3}])")->Slice(2, 1);
  EXPECT_EQ(Texts(*s), (Strings{R"({"a":3})"}));
  auto strings = FromJson(arrow::utf8(), R"(["x", null, "y"])")->Slice(1);
  EXPECT_EQ(Texts(*strings), (Strings{"", "y"}));
}

TEST(FormatCellTest, DictionaryValuesPrintAsTheirValues) {
  auto dict = arrow::json::DictArrayFromJSONString(arrow::dictionary(arrow::int8(), arrow::utf8()),
                                                   "[1, 0, null, 2]", R"(["a", "b", null])")
                  .ValueOrDie();
  EXPECT_EQ(Texts(*dict), (Strings{"b", "a", "", ""}));
  EXPECT_EQ(Jsons(*dict), (Strings{R"("b")", R"("a")", "null", "null"}));
}

TEST(FormatCellTest, OtherTypesUseArrowScalarText) {
  auto duration = FromJson(arrow::duration(arrow::TimeUnit::SECOND), "[5, null]");
  EXPECT_EQ(FormatCell(*duration, 0), "5");
  EXPECT_EQ(CellToJson(*duration, 0), json("5"));
  EXPECT_TRUE(CellToJson(*duration, 1).is_null());
  auto nulls = std::make_shared<arrow::NullArray>(2);
  EXPECT_EQ(Texts(*nulls), (Strings{"", ""}));
  EXPECT_EQ(Jsons(*nulls), (Strings{"null", "null"}));
}

TEST(FormatCellTest, RowsOutsideTheArrayAreEmpty) {
  auto array = FromJson(arrow::int32(), "[1]");
  EXPECT_EQ(FormatCell(*array, 1), "");
  EXPECT_TRUE(CellToJson(*array, -1).is_null());
}

}  // namespace
}  // namespace floe::cli
