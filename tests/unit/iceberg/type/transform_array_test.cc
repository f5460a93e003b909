#include <memory>

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include "floe/iceberg/type/transform.h"

namespace floe::iceberg {
namespace {

std::shared_ptr<arrow::Array> FromJson(const std::shared_ptr<arrow::DataType>& type,
                                       const std::string& json) {
  auto r = arrow::json::ArrayFromJSONString(type, json);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ValueOrDie();
}

const std::vector<Transform> kAll = {
    Transform::Identity(), Transform::Bucket(16), Transform::Bucket(3), Transform::Truncate(10),
    Transform::Truncate(3), Transform::Year(),    Transform::Month(),   Transform::Day(),
    Transform::Hour(),     Transform::Void()};

// ApplyArray must equal Apply row by row, for every transform valid on the source type.
// `rows` are the source values the column holds (null where the column is null); the identity
// transform checks the column decodes to exactly these.
void ExpectRowByRow(const arrow::Array& array, const TypePtr& source,
                    const std::vector<Literal>& rows) {
  ASSERT_EQ(array.length(), static_cast<int64_t>(rows.size())) << array.type()->ToString();
  int applied = 0;
  for (const Transform& t : kAll) {
    if (!t.CanTransform(*source)) continue;
    ++applied;
    auto out = t.ApplyArray(source, array);
    ASSERT_TRUE(out.ok()) << t.ToString() << " on " << array.type()->ToString() << ": "
                          << out.status().ToString();
    ASSERT_EQ(out->size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      auto one = t.Apply(rows[i]);
      ASSERT_TRUE(one.ok()) << one.status().ToString();
      EXPECT_EQ((*out)[i], *one) << t.ToString() << " on " << array.type()->ToString()
                                 << " row " << i << ": got " << (*out)[i].ToString()
                                 << ", want " << one->ToString();
    }
  }
  EXPECT_GE(applied, 2);
}

TEST(ApplyArrayTest, IntegersMatchApplyRowByRow) {
  ExpectRowByRow(*FromJson(arrow::int32(), "[34, null, -1, 2147483647, -2147483648]"),
                 Type::Int(),
                 {Literal::Int(34), Literal::Null(Type::Int()), Literal::Int(-1),
                  Literal::Int(2147483647), Literal::Int(-2147483647 - 1)});
  ExpectRowByRow(*FromJson(arrow::int64(), "[34, null, -11, 1234567890123]"), Type::Long(),
                 {Literal::Long(34), Literal::Null(Type::Long()), Literal::Long(-11),
                  Literal::Long(1234567890123LL)});
  ExpectRowByRow(*FromJson(arrow::int16(), "[-3, 7]"), Type::Int(),
                 {Literal::Int(-3), Literal::Int(7)});
}

TEST(ApplyArrayTest, SlicedArraysHonourTheOffset) {
  auto array = FromJson(arrow::int32(), "[1, 2, null, 4, 5]")->Slice(1, 3);
  ExpectRowByRow(*array, Type::Int(),
                 {Literal::Int(2), Literal::Null(Type::Int()), Literal::Int(4)});
  auto strings = FromJson(arrow::utf8(), R"(["a", "bcd", null, "efgh"])")->Slice(1);
  ExpectRowByRow(*strings, Type::String(),
                 {Literal::String("bcd"), Literal::Null(Type::String()), Literal::String("efgh")});
}

TEST(ApplyArrayTest, DatesTimesAndTimestampsMatchApplyRowByRow) {
  ExpectRowByRow(*FromJson(arrow::date32(), "[17486, null, -1, 0, -25509]"), Type::Date(),
                 {Literal::Date(17486), Literal::Null(Type::Date()), Literal::Date(-1),
                  Literal::Date(0), Literal::Date(-25509)});
  ExpectRowByRow(*FromJson(arrow::time64(arrow::TimeUnit::MICRO), "[81068000000, null, 0]"),
                 Type::Time(),
                 {Literal::Time(81068000000), Literal::Null(Type::Time()), Literal::Time(0)});
  const std::string ts_json = "[1510871468000000, null, -1, 1709277330123456, -1000000]";
  const std::vector<int64_t> ts = {1510871468000000, 0, -1, 1709277330123456, -1000000};
  std::vector<Literal> plain, tz;
  for (size_t i = 0; i < ts.size(); ++i) {
    plain.push_back(i == 1 ? Literal::Null(Type::Timestamp()) : Literal::Timestamp(ts[i]));
    tz.push_back(i == 1 ? Literal::Null(Type::TimestampTz()) : Literal::TimestampTz(ts[i]));
  }
  ExpectRowByRow(*FromJson(arrow::timestamp(arrow::TimeUnit::MICRO), ts_json), Type::Timestamp(),
                 plain);
  ExpectRowByRow(*FromJson(arrow::timestamp(arrow::TimeUnit::MICRO, "UTC"), ts_json),
                 Type::TimestampTz(), tz);
}

TEST(ApplyArrayTest, OtherTimeUnitsConvertToMicrosFlooring) {
  // Nanoseconds floor to microseconds: -1 ns is -1 µs (1969-12-31T23:59:59.999999).
  ExpectRowByRow(
      *FromJson(arrow::timestamp(arrow::TimeUnit::NANO), "[1510871468000000123, -1, null]"),
      Type::Timestamp(),
      {Literal::Timestamp(1510871468000000), Literal::Timestamp(-1),
       Literal::Null(Type::Timestamp())});
  ExpectRowByRow(*FromJson(arrow::timestamp(arrow::TimeUnit::MILLI, "UTC"), "[1000, -1]"),
                 Type::TimestampTz(), {Literal::TimestampTz(1000000), Literal::TimestampTz(-1000)});
  ExpectRowByRow(*FromJson(arrow::timestamp(arrow::TimeUnit::SECOND), "[-1, 3600]"),
                 Type::Timestamp(),
                 {Literal::Timestamp(-1000000), Literal::Timestamp(3600000000LL)});
  ExpectRowByRow(*FromJson(arrow::time64(arrow::TimeUnit::NANO), "[1999, null]"), Type::Time(),
                 {Literal::Time(1), Literal::Null(Type::Time())});
  ExpectRowByRow(*FromJson(arrow::date64(), "[-1, 86400000]"), Type::Date(),
                 {Literal::Date(-1), Literal::Date(1)});
}

TEST(ApplyArrayTest, DecimalsMatchApplyRowByRow) {
  ExpectRowByRow(*FromJson(arrow::decimal128(9, 2), R"(["14.20", null, "-0.05", "12.34"])"),
                 Type::Decimal(9, 2),
                 {Literal::Decimal(1420, 9, 2), Literal::Null(Type::Decimal(9, 2)),
                  Literal::Decimal(-5, 9, 2), Literal::Decimal(1234, 9, 2)});
  __int128 big = 0;
  for (int i = 0; i < 38; ++i) big = big * 10 + 9;
  ExpectRowByRow(
      *FromJson(arrow::decimal128(38, 0),
                R"(["99999999999999999999999999999999999999", "-99999999999999999999999999999999999999"])"),
      Type::Decimal(38, 0), {Literal::Decimal(big, 38, 0), Literal::Decimal(-big, 38, 0)});
  ExpectRowByRow(*FromJson(arrow::decimal64(10, 3), R"(["-1.500", "2.000"])"),
                 Type::Decimal(10, 3),
                 {Literal::Decimal(-1500, 10, 3), Literal::Decimal(2000, 10, 3)});
}

TEST(ApplyArrayTest, StringsAndBinaryMatchApplyRowByRow) {
  const std::string json = R"(["iceberg", null, "ab✓😀z", ""])";
  const std::vector<Literal> rows = {Literal::String("iceberg"), Literal::Null(Type::String()),
                                     Literal::String("ab\xE2\x9C\x93\xF0\x9F\x98\x80z"),
                                     Literal::String("")};
  for (const auto& type : {arrow::utf8(), arrow::large_utf8(), arrow::utf8_view()}) {
    ExpectRowByRow(*FromJson(type, json), Type::String(), rows);
  }
  const std::string bin_json = R"(["abcd", null, "", "xyzxyz"])";
  const std::vector<Literal> bin_rows = {Literal::Binary("abcd"), Literal::Null(Type::Binary()),
                                         Literal::Binary(""), Literal::Binary("xyzxyz")};
  for (const auto& type : {arrow::binary(), arrow::large_binary(), arrow::binary_view()}) {
    ExpectRowByRow(*FromJson(type, bin_json), Type::Binary(), bin_rows);
  }
  ExpectRowByRow(*FromJson(arrow::fixed_size_binary(4), R"(["abcd", null])"), Type::Fixed(4),
                 {Literal::Fixed("abcd"), Literal::Null(Type::Fixed(4))});
  ExpectRowByRow(*FromJson(arrow::fixed_size_binary(16), R"(["0123456789abcdef", null])"),
                 Type::Uuid(), {Literal::Uuid("0123456789abcdef"), Literal::Null(Type::Uuid())});
}

TEST(ApplyArrayTest, BooleansAndFloatsSupportIdentityAndVoid) {
  ExpectRowByRow(*FromJson(arrow::boolean(), "[true, null, false]"), Type::Boolean(),
                 {Literal::Boolean(true), Literal::Null(Type::Boolean()), Literal::Boolean(false)});
  ExpectRowByRow(*FromJson(arrow::float32(), "[1.5, null, -0.0]"), Type::Float(),
                 {Literal::Float(1.5f), Literal::Null(Type::Float()), Literal::Float(-0.0f)});
  ExpectRowByRow(*FromJson(arrow::float64(), "[1.5, null, 1e300]"), Type::Double(),
                 {Literal::Double(1.5), Literal::Null(Type::Double()), Literal::Double(1e300)});
}

TEST(ApplyArrayTest, DictionaryColumnsTransformThroughTheirDictionary) {
  auto dict = FromJson(arrow::utf8(), R"(["iceberg", "floe"])");
  auto indices = FromJson(arrow::int8(), "[1, 0, null, 1]");
  auto array = arrow::DictionaryArray::FromArrays(arrow::dictionary(arrow::int8(), arrow::utf8()),
                                                  indices, dict);
  ASSERT_TRUE(array.ok()) << array.status().ToString();
  ExpectRowByRow(**array, Type::String(),
                 {Literal::String("floe"), Literal::String("iceberg"),
                  Literal::Null(Type::String()), Literal::String("floe")});
}

TEST(ApplyArrayTest, RejectsColumnsThatDoNotMatchTheSourceType) {
  auto ints = FromJson(arrow::int32(), "[1]");
  auto r = Transform::Bucket(4).ApplyArray(Type::String(), *ints);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("int32"), std::string::npos) << r.status().ToString();
  auto decimals = FromJson(arrow::decimal128(9, 3), R"(["1.000"])");
  EXPECT_FALSE(Transform::Identity().ApplyArray(Type::Decimal(9, 2), *decimals).ok());
  EXPECT_FALSE(Transform::Hour().ApplyArray(Type::Date(), *FromJson(arrow::date32(), "[1]")).ok());
  auto lists = FromJson(arrow::list(arrow::int32()), "[[1]]");
  EXPECT_FALSE(Transform::Identity().ApplyArray(Type::Int(), *lists).ok());
}

TEST(ApplyArrayTest, LargeColumnMatchesApply) {
  arrow::Int64Builder builder;
  for (int64_t i = 0; i < 100000; ++i) {
    ASSERT_TRUE((i % 97 == 0 ? builder.AppendNull() : builder.Append(i * 7919 - 400000000)).ok());
  }
  auto array = builder.Finish().ValueOrDie();
  auto out = Transform::Bucket(128).ApplyArray(Type::Long(), *array);
  ASSERT_TRUE(out.ok());
  const auto& longs = static_cast<const arrow::Int64Array&>(*array);
  for (int64_t i = 0; i < longs.length(); i += 101) {
    Literal in = longs.IsNull(i) ? Literal::Null(Type::Long()) : Literal::Long(longs.Value(i));
    EXPECT_EQ((*out)[static_cast<size_t>(i)], *Transform::Bucket(128).Apply(in));
  }
}

}  // namespace
}  // namespace floe::iceberg
