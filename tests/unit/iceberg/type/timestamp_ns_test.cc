// Format v3 nanosecond timestamps and the unknown type across the type layer: names, literals,
// binary single values, partition transforms, and the format version they need.
#include <arrow/api.h>
#include <gtest/gtest.h>

#include "floe/iceberg/type/literal_conversion.h"
#include "floe/iceberg/type/schema.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/type/single_value.h"
#include "floe/iceberg/type/transform.h"

namespace floe::iceberg {
namespace {

// 2017-11-16T22:31:08 (the spec's Appendix B example) in µs, and the same instant plus 1 ns.
constexpr int64_t kMicros = 1510871468000000;
constexpr int64_t kNanos = kMicros * 1000 + 1;

TEST(TimestampNsTest, NamesParseInTypeTextAndMetadata) {
  EXPECT_EQ((*Type::FromPrimitiveName("timestamp_ns"))->id(), TypeId::kTimestampNs);
  EXPECT_EQ((*Type::FromPrimitiveName("timestamptz_ns"))->id(), TypeId::kTimestampTzNs);
  EXPECT_EQ((*Type::FromPrimitiveName("unknown"))->id(), TypeId::kUnknown);
  auto schema = ParseSchemaText("a timestamp_ns, b timestamptz_ns not null, c unknown");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(SchemaToText(*schema), "a timestamp_ns, b timestamptz_ns not null, c unknown");
  auto variant = Type::FromPrimitiveName("variant");
  ASSERT_FALSE(variant.ok());
  EXPECT_TRUE(variant.status().IsNotImplemented());
  EXPECT_NE(variant.status().message().find("does not read yet"), std::string::npos);
}

TEST(TimestampNsTest, LiteralsPrintAndParseNineDigits) {
  EXPECT_EQ(Literal::TimestampNs(kNanos).ToString(), "2017-11-16T22:31:08.000000001");
  EXPECT_EQ(Literal::TimestampTzNs(-1).ToString(), "1969-12-31T23:59:59.999999999+00:00");
  EXPECT_EQ(Literal::TimestampNs(kMicros * 1000).ToString(), "2017-11-16T22:31:08");

  auto from_text =
      ConvertLiteral(Literal::String("2017-11-16T22:31:08.000000001"), Type::TimestampNs());
  ASSERT_TRUE(from_text.ok()) << from_text.status().ToString();
  EXPECT_EQ(from_text->value, Literal::TimestampNs(kNanos));
  auto zoned =
      ConvertLiteral(Literal::String("2017-11-16T23:31:08.000000001+01:00"), Type::TimestampTzNs());
  ASSERT_TRUE(zoned.ok());
  EXPECT_EQ(zoned->value, Literal::TimestampTzNs(kNanos));
  EXPECT_FALSE(
      ConvertLiteral(Literal::String("2017-11-16T22:31:08+01:00"), Type::TimestampNs()).ok());
  // A µs timestamp compares with an ns column exactly.
  auto widened = ConvertLiteral(Literal::Timestamp(kMicros), Type::TimestampNs());
  ASSERT_TRUE(widened.ok());
  EXPECT_EQ(widened->value, Literal::TimestampNs(kMicros * 1000));
  EXPECT_EQ(FormatFilterLiteral(Literal::TimestampNs(kNanos)), "'2017-11-16T22:31:08.000000001'");
  auto typed = ParseValueText("2017-11-16T22:31:08.000000001", Type::TimestampNs());
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(*typed, Literal::TimestampNs(kNanos));
}

// Spec Appendix D: timestamp_ns bounds are 8-byte little-endian nanoseconds.
TEST(TimestampNsTest, BinarySingleValueIsLittleEndianNanos) {
  auto bytes = SerializeValue(Literal::TimestampNs(kNanos));
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ(bytes->size(), 8u);
  int64_t decoded = 0;
  for (int i = 7; i >= 0; --i) decoded = (decoded << 8) | static_cast<uint8_t>((*bytes)[i]);
  EXPECT_EQ(decoded, kNanos);
  auto back = DeserializeValue(Type::TimestampTzNs(), *bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, Literal::TimestampTzNs(kNanos));
}

// Spec "Partition Transforms" and Appendix B: ns timestamps bucket as their microseconds and
// take year / month / day / hour like timestamps; truncate does not apply to them.
TEST(TimestampNsTest, TransformsAgreeWithMicrosecondTimestamps) {
  EXPECT_EQ(*BucketHash(Literal::TimestampNs(kNanos)), -2047944441);
  EXPECT_EQ(*BucketHash(Literal::TimestampTzNs(kMicros * 1000)), -2047944441);
  for (const Transform& t : {Transform::Bucket(16), Transform::Year(), Transform::Month(),
                             Transform::Day(), Transform::Hour()}) {
    SCOPED_TRACE(t.ToString());
    auto ns = t.Apply(Literal::TimestampNs(kNanos));
    auto us = t.Apply(Literal::Timestamp(kMicros));
    ASSERT_TRUE(ns.ok()) << ns.status().ToString();
    EXPECT_EQ(*ns, *us);
    // A pre-epoch instant floors: -1 ns is 1969-12-31T23:59:59.999999999.
    EXPECT_EQ(*t.Apply(Literal::TimestampTzNs(-1)), *t.Apply(Literal::TimestampTz(-1)));
  }
  EXPECT_EQ(*Transform::Identity().Apply(Literal::TimestampNs(kNanos)),
            Literal::TimestampNs(kNanos));
  EXPECT_FALSE(Transform::Truncate(4).CanTransform(*Type::TimestampNs()));
  EXPECT_FALSE(Transform::Bucket(4).CanTransform(*Type::Unknown()));

  // The column path: an Arrow timestamp[ns] column gives the same results row by row.
  arrow::TimestampBuilder builder(arrow::timestamp(arrow::TimeUnit::NANO),
                                  arrow::default_memory_pool());
  ASSERT_TRUE(builder.Append(kNanos).ok());
  ASSERT_TRUE(builder.Append(-1).ok());
  auto column = *builder.Finish();
  for (const Transform& t :
       {Transform::Bucket(16), Transform::Day(), Transform::Hour(), Transform::Identity()}) {
    auto values = t.ApplyArray(Type::TimestampNs(), *column);
    ASSERT_TRUE(values.ok()) << values.status().ToString();
    EXPECT_EQ((*values)[0], *t.Apply(Literal::TimestampNs(kNanos))) << t.ToString();
    EXPECT_EQ((*values)[1], *t.Apply(Literal::TimestampNs(-1))) << t.ToString();
  }
}

TEST(TimestampNsTest, FormatVersionGateNamesTheColumn) {
  NestedField with_default{5, "level", Type::Int(), false, ""};
  with_default.write_default = std::make_shared<const Literal>(Literal::Int(1));
  Schema schema(0,
                {{1, "id", Type::Long(), true, ""},
                 {2, "s", Type::Struct({{4, "at", Type::TimestampTzNs(), false, ""}}), false, ""},
                 with_default});
  auto v2 = schema.CheckFormatVersion(2);
  ASSERT_FALSE(v2.ok());
  EXPECT_NE(v2.message().find("column s.at has type timestamptz_ns, which needs format version 3"),
            std::string::npos)
      << v2.message();
  EXPECT_TRUE(schema.CheckFormatVersion(3).ok());
  Schema only_default(0, {with_default});
  auto v1 = only_default.CheckFormatVersion(1);
  ASSERT_FALSE(v1.ok());
  EXPECT_NE(v1.message().find("column level has a default value, which needs format version 3"),
            std::string::npos);
  Schema required_unknown(0, {{1, "u", Type::Unknown(), true, ""}});
  EXPECT_NE(required_unknown.CheckFormatVersion(3).message().find("always optional"),
            std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
