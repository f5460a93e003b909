#include "floe/iceberg/type/transform.h"

#include <cstring>

#include <gtest/gtest.h>

#include "floe/iceberg/type/temporal.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {
namespace {

// 2017-11-16, 22:31:08 and 2017-11-16T22:31:08 (= 2017-11-16T14:31:08-08:00), the spec's
// Appendix B test values.
constexpr int32_t kDate20171116 = 17486;
constexpr int64_t kTime223108 = 81068000000;
constexpr int64_t kTs20171116T223108 = 1510871468000000;

int64_t Micros(int64_t y, int m, int d, int hh, int mm, int ss, int64_t us = 0) {
  return DaysFromCivil(y, m, d) * kMicrosPerDay + (hh * 3600 + mm * 60 + ss) * kMicrosPerSecond +
         us;
}

Literal ApplyOk(const Transform& t, const Literal& v) {
  auto r = t.Apply(v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Literal::Null();
}

TEST(TransformParseTest, RoundTripsEveryForm) {
  for (const char* text : {"identity", "bucket[16]", "truncate[4]", "year", "month", "day",
                           "hour", "void", "bucket[1]", "truncate[2147483647]"}) {
    auto t = Transform::Parse(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status().ToString();
    EXPECT_EQ(t->ToString(), text);
  }
  EXPECT_EQ(*Transform::Parse("bucket[16]"), Transform::Bucket(16));
  EXPECT_EQ(*Transform::Parse("truncate[4]"), Transform::Truncate(4));
  EXPECT_EQ(*Transform::Parse("Day"), Transform::Day());
  EXPECT_EQ(Transform::Parse("bucket[16]")->param(), 16);
}

TEST(TransformParseTest, RejectsMalformedAndUnknown) {
  for (const char* text : {"", "bucket", "bucket[]", "bucket[0]", "bucket[-3]", "bucket[x]",
                           "bucket[16", "truncate[4]x", "truncate[99999999999]", "days",
                           "zorder"}) {
    auto t = Transform::Parse(text);
    EXPECT_FALSE(t.ok()) << text;
    if (!t.ok()) {
      EXPECT_NE(t.status().message().find(text), std::string::npos) << text;
    }
  }
}

TEST(TransformTypesTest, CanTransformFollowsSpecTable) {
  const std::vector<TypePtr> all = {
      Type::Boolean(), Type::Int(),         Type::Long(),        Type::Float(),
      Type::Double(),  Type::Decimal(9, 2), Type::Date(),        Type::Time(),
      Type::Timestamp(), Type::TimestampTz(), Type::String(),    Type::Uuid(),
      Type::Fixed(4),  Type::Binary()};
  auto allowed = [&](const Transform& t) {
    std::vector<TypeId> ids;
    for (const auto& type : all) {
      if (t.CanTransform(*type)) ids.push_back(type->id());
    }
    return ids;
  };
  EXPECT_EQ(allowed(Transform::Identity()).size(), all.size());
  EXPECT_EQ(allowed(Transform::Void()).size(), all.size());
  EXPECT_EQ(allowed(Transform::Bucket(4)),
            (std::vector<TypeId>{TypeId::kInt, TypeId::kLong, TypeId::kDecimal, TypeId::kDate,
                                 TypeId::kTime, TypeId::kTimestamp, TypeId::kTimestampTz,
                                 TypeId::kString, TypeId::kUuid, TypeId::kFixed,
                                 TypeId::kBinary}));
  EXPECT_EQ(allowed(Transform::Truncate(4)),
            (std::vector<TypeId>{TypeId::kInt, TypeId::kLong, TypeId::kDecimal, TypeId::kString,
                                 TypeId::kBinary}));
  const std::vector<TypeId> temporal = {TypeId::kDate, TypeId::kTimestamp, TypeId::kTimestampTz};
  EXPECT_EQ(allowed(Transform::Year()), temporal);
  EXPECT_EQ(allowed(Transform::Month()), temporal);
  EXPECT_EQ(allowed(Transform::Day()), temporal);
  EXPECT_EQ(allowed(Transform::Hour()),
            (std::vector<TypeId>{TypeId::kTimestamp, TypeId::kTimestampTz}));
  auto list = Type::List(NestedField{2, "element", Type::Int(), true, ""});
  EXPECT_FALSE(Transform::Identity().CanTransform(*list));
  EXPECT_TRUE(Transform::Void().CanTransform(*list));
  EXPECT_FALSE(Transform::Bucket(0).CanTransform(*Type::Int()));
}

TEST(TransformTypesTest, ResultTypes) {
  EXPECT_TRUE((*Transform::Bucket(8).ResultType(Type::String()))->Equals(*Type::Int()));
  EXPECT_TRUE((*Transform::Year().ResultType(Type::Timestamp()))->Equals(*Type::Int()));
  EXPECT_TRUE((*Transform::Month().ResultType(Type::Date()))->Equals(*Type::Int()));
  EXPECT_TRUE((*Transform::Hour().ResultType(Type::TimestampTz()))->Equals(*Type::Int()));
  EXPECT_TRUE((*Transform::Day().ResultType(Type::TimestampTz()))->Equals(*Type::Date()));
  EXPECT_TRUE((*Transform::Truncate(3).ResultType(Type::Decimal(9, 2)))
                  ->Equals(*Type::Decimal(9, 2)));
  EXPECT_TRUE((*Transform::Identity().ResultType(Type::Fixed(3)))->Equals(*Type::Fixed(3)));
  EXPECT_TRUE((*Transform::Void().ResultType(Type::Double()))->Equals(*Type::Double()));
  auto bad = Transform::Hour().ResultType(Type::Date());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("hour"), std::string::npos);
  EXPECT_FALSE(Transform::Truncate(3).ResultType(Type::Fixed(3)).ok());
  EXPECT_TRUE(Transform::Day().PreservesOrder());
  EXPECT_TRUE(Transform::Truncate(2).PreservesOrder());
  EXPECT_FALSE(Transform::Bucket(2).PreservesOrder());
  EXPECT_FALSE(Transform::Void().PreservesOrder());
}

TEST(BucketHashTest, Murmur3MatchesReferenceValues) {
  EXPECT_EQ(Murmur3Hash32("", 0), 0);
  EXPECT_EQ(static_cast<uint32_t>(Murmur3Hash32("hello", 5)), 0x248bfa47u);
}

// Spec Appendix B, "32-bit Hash Requirements".
TEST(BucketHashTest, SpecAppendixBVectors) {
  EXPECT_EQ(*BucketHash(Literal::Int(34)), 2017239379);
  EXPECT_EQ(*BucketHash(Literal::Long(34)), 2017239379);
  EXPECT_EQ(*BucketHash(Literal::Decimal(1420, 9, 2)), -500754589);
  EXPECT_EQ(*BucketHash(Literal::Date(kDate20171116)), -653330422);
  EXPECT_EQ(*BucketHash(Literal::Time(kTime223108)), -662762989);
  EXPECT_EQ(*BucketHash(Literal::Timestamp(kTs20171116T223108)), -2047944441);
  // 2017-11-16T14:31:08-08:00 is the same instant.
  EXPECT_EQ(kTs20171116T223108, Micros(2017, 11, 16, 14, 31, 8) + 8 * 3600 * kMicrosPerSecond);
  EXPECT_EQ(*BucketHash(Literal::TimestampTz(kTs20171116T223108)), -2047944441);
  EXPECT_EQ(*BucketHash(Literal::String("iceberg")), 1210000089);
  std::string uuid = util::UuidToBytes("f79c3e09-677c-4bbd-a479-3f349cb785e7");
  EXPECT_EQ(uuid, std::string("\xF7\x9C\x3E\x09\x67\x7C\x4B\xBD\xA4\x79\x3F\x34\x9C\xB7\x85\xE7"));
  EXPECT_EQ(*BucketHash(Literal::Uuid(uuid)), 1488055340);
  const std::string bytes("\x00\x01\x02\x03", 4);
  EXPECT_EQ(*BucketHash(Literal::Fixed(bytes)), -188683207);
  EXPECT_EQ(*BucketHash(Literal::Binary(bytes)), -188683207);
  // The table for types not valid for bucketing.
  EXPECT_EQ(*BucketHash(Literal::Boolean(true)), 1392991556);
  EXPECT_EQ(*BucketHash(Literal::Float(1.0f)), -142385009);
  EXPECT_EQ(*BucketHash(Literal::Float(0.0f)), 1669671676);
  EXPECT_EQ(*BucketHash(Literal::Float(-0.0f)), 1669671676);
  EXPECT_EQ(*BucketHash(Literal::Double(1.0)), -142385009);
  EXPECT_EQ(*BucketHash(Literal::Double(-0.0)), 1669671676);
  EXPECT_FALSE(BucketHash(Literal::Null(Type::Int())).ok());
}

// Expected values computed with PyIceberg 0.12 BucketTransform(n).transform(type)(value).
TEST(BucketTransformTest, MatchesPyIceberg) {
  EXPECT_EQ(ApplyOk(Transform::Bucket(16), Literal::Int(34)), Literal::Int(3));
  EXPECT_EQ(ApplyOk(Transform::Bucket(16), Literal::Long(34)), Literal::Int(3));
  EXPECT_EQ(ApplyOk(Transform::Bucket(16), Literal::Int(-1)), Literal::Int(8));
  EXPECT_EQ(ApplyOk(Transform::Bucket(100), Literal::Long(1234567890123LL)), Literal::Int(2));
  EXPECT_EQ(ApplyOk(Transform::Bucket(16), Literal::Decimal(1420, 9, 2)), Literal::Int(3));
  EXPECT_EQ(ApplyOk(Transform::Bucket(16), Literal::Decimal(-1420, 9, 2)), Literal::Int(7));
  EXPECT_EQ(ApplyOk(Transform::Bucket(16), Literal::Date(kDate20171116)), Literal::Int(10));
  EXPECT_EQ(ApplyOk(Transform::Bucket(16), Literal::String("iceberg")), Literal::Int(9));
  EXPECT_EQ(ApplyOk(Transform::Bucket(7), Literal::String("\xC3\xBCmlaut\xE2\x9C\x93")),
            Literal::Int(3));
  EXPECT_EQ(ApplyOk(Transform::Bucket(16),
                    Literal::Uuid(util::UuidToBytes("f79c3e09-677c-4bbd-a479-3f349cb785e7"))),
            Literal::Int(12));
  EXPECT_EQ(ApplyOk(Transform::Bucket(16), Literal::Binary(std::string("\x00\x01\x02\x03", 4))),
            Literal::Int(9));
  EXPECT_EQ(ApplyOk(Transform::Bucket(16), Literal::Timestamp(kTs20171116T223108)),
            Literal::Int(7));
  EXPECT_EQ(ApplyOk(Transform::Bucket(3), Literal::Time(kTime223108)), Literal::Int(1));
}

// Expected values computed with PyIceberg 0.12 TruncateTransform(w).transform(type)(value).
TEST(TruncateTransformTest, MatchesPyIceberg) {
  auto t10 = Transform::Truncate(10);
  EXPECT_EQ(ApplyOk(t10, Literal::Int(-1)), Literal::Int(-10));
  EXPECT_EQ(ApplyOk(t10, Literal::Int(1)), Literal::Int(0));
  EXPECT_EQ(ApplyOk(t10, Literal::Int(-10)), Literal::Int(-10));
  EXPECT_EQ(ApplyOk(t10, Literal::Int(15)), Literal::Int(10));
  EXPECT_EQ(ApplyOk(t10, Literal::Long(-11)), Literal::Long(-20));
  EXPECT_EQ(ApplyOk(t10, Literal::Long(9999999999LL)), Literal::Long(9999999990LL));
  EXPECT_EQ(ApplyOk(t10, Literal::Decimal(1234, 9, 2)), Literal::Decimal(1230, 9, 2));
  EXPECT_EQ(ApplyOk(t10, Literal::Decimal(-5, 9, 2)), Literal::Decimal(-10, 9, 2));
  auto t3 = Transform::Truncate(3);
  EXPECT_EQ(ApplyOk(t3, Literal::String("iceberg")), Literal::String("ice"));
  // Code points, not bytes: "ab✓😀z" keeps "ab✓".
  EXPECT_EQ(ApplyOk(t3, Literal::String("ab\xE2\x9C\x93\xF0\x9F\x98\x80z")),
            Literal::String("ab\xE2\x9C\x93"));
  EXPECT_EQ(ApplyOk(Transform::Truncate(2), Literal::String("\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
                                                            "\xF0\x9F\x98\x80")),
            Literal::String("\xF0\x9F\x98\x80\xF0\x9F\x98\x80"));
  EXPECT_EQ(ApplyOk(t3, Literal::String("ab")), Literal::String("ab"));
  EXPECT_EQ(ApplyOk(t3, Literal::Binary(std::string("\x00\x01\x02\x03", 4))),
            Literal::Binary(std::string("\x00\x01\x02", 3)));
}

// Expected values computed with PyIceberg 0.12 Year/Month/Day/HourTransform.
TEST(TemporalTransformTest, FloorBeforeEpochAndMatchPyIceberg) {
  struct Case {
    int64_t micros;
    int32_t year, month, day, hour;
  };
  const Case cases[] = {
      {Micros(1969, 12, 31, 23, 59, 59), -1, -1, -1, -1},
      {Micros(1970, 1, 1, 0, 0, 0), 0, 0, 0, 0},
      {Micros(2024, 3, 1, 7, 15, 30, 123456), 54, 650, 19783, 474799},
      {Micros(1900, 1, 1, 0, 0, 0), -70, -840, -25567, -613608},
      {Micros(1969, 1, 1, 0, 0, 0), -1, -12, -365, -8760},
      {-1, -1, -1, -1, -1},
  };
  for (const auto& c : cases) {
    for (const Literal& v : {Literal::Timestamp(c.micros), Literal::TimestampTz(c.micros)}) {
      EXPECT_EQ(ApplyOk(Transform::Year(), v), Literal::Int(c.year)) << c.micros;
      EXPECT_EQ(ApplyOk(Transform::Month(), v), Literal::Int(c.month)) << c.micros;
      EXPECT_EQ(ApplyOk(Transform::Day(), v), Literal::Date(c.day)) << c.micros;
      EXPECT_EQ(ApplyOk(Transform::Hour(), v), Literal::Int(c.hour)) << c.micros;
    }
  }
  struct DateCase {
    int32_t days, year, month;
  };
  for (const auto& c : {DateCase{-1, -1, -1}, DateCase{19783, 54, 650},
                        DateCase{-25509, -70, -839}, DateCase{0, 0, 0}}) {
    EXPECT_EQ(ApplyOk(Transform::Year(), Literal::Date(c.days)), Literal::Int(c.year));
    EXPECT_EQ(ApplyOk(Transform::Month(), Literal::Date(c.days)), Literal::Int(c.month));
    EXPECT_EQ(ApplyOk(Transform::Day(), Literal::Date(c.days)), Literal::Date(c.days));
  }
}

TEST(TransformApplyTest, NullsVoidIdentityAndTypeErrors) {
  EXPECT_EQ(ApplyOk(Transform::Bucket(4), Literal::Null(Type::String())),
            Literal::Null(Type::Int()));
  EXPECT_EQ(ApplyOk(Transform::Day(), Literal::Null(Type::Timestamp())),
            Literal::Null(Type::Date()));
  EXPECT_EQ(ApplyOk(Transform::Void(), Literal::Int(5)), Literal::Null(Type::Int()));
  EXPECT_EQ(ApplyOk(Transform::Identity(), Literal::Double(2.5)), Literal::Double(2.5));
  EXPECT_EQ(ApplyOk(Transform::Identity(), Literal::Boolean(true)), Literal::Boolean(true));
  EXPECT_EQ(ApplyOk(Transform::Identity(), Literal::Timestamp(7)), Literal::Timestamp(7));
  EXPECT_FALSE(Transform::Bucket(4).Apply(Literal::Double(1.0)).ok());
  EXPECT_FALSE(Transform::Hour().Apply(Literal::Date(1)).ok());
  EXPECT_FALSE(Transform::Bucket(4).Apply(Literal(Type::String(), int32_t{3})).ok());
}

// Human forms per the Java Transform.toHumanString / PyIceberg to_human_string.
TEST(TransformHumanStringTest, MatchesReferenceForms) {
  EXPECT_EQ(Transform::Year().ToHumanString(Literal::Int(54)), "2024");
  EXPECT_EQ(Transform::Month().ToHumanString(Literal::Int(650)), "2024-03");
  EXPECT_EQ(Transform::Day().ToHumanString(Literal::Date(19783)), "2024-03-01");
  EXPECT_EQ(Transform::Hour().ToHumanString(Literal::Int(474799)), "2024-03-01-07");
  EXPECT_EQ(Transform::Year().ToHumanString(Literal::Int(-1)), "1969");
  EXPECT_EQ(Transform::Month().ToHumanString(Literal::Int(-1)), "1969-12");
  EXPECT_EQ(Transform::Day().ToHumanString(Literal::Date(-1)), "1969-12-31");
  EXPECT_EQ(Transform::Hour().ToHumanString(Literal::Int(-1)), "1969-12-31-23");
  EXPECT_EQ(Transform::Bucket(16).ToHumanString(Literal::Int(7)), "7");
  auto id = Transform::Identity();
  EXPECT_EQ(id.ToHumanString(Literal::Timestamp(Micros(2024, 3, 1, 10, 15, 30, 123456))),
            "2024-03-01T10:15:30.123456");
  EXPECT_EQ(id.ToHumanString(Literal::TimestampTz(Micros(2024, 3, 1, 10, 15, 30, 123456))),
            "2024-03-01T10:15:30.123456+00:00");
  EXPECT_EQ(id.ToHumanString(Literal::Timestamp(Micros(2024, 3, 1, 10, 15, 30))),
            "2024-03-01T10:15:30");
  EXPECT_EQ(id.ToHumanString(Literal::Binary(std::string("\x00\x01\x02\x03", 4))), "AAECAw==");
  EXPECT_EQ(id.ToHumanString(Literal::Fixed("ab")), "YWI=");
  EXPECT_EQ(id.ToHumanString(Literal::Decimal(1250, 9, 2)), "12.50");
  EXPECT_EQ(id.ToHumanString(Literal::Time((10 * 3600 + 15 * 60 + 30) * kMicrosPerSecond +
                                           123456)),
            "10:15:30.123456");
  EXPECT_EQ(id.ToHumanString(Literal::Date(19783)), "2024-03-01");
  EXPECT_EQ(id.ToHumanString(Literal::Null(Type::String())), "null");
  EXPECT_EQ(id.ToHumanString(Literal::Boolean(true)), "true");
  EXPECT_EQ(id.ToHumanString(Literal::Float(1.5f)), "1.5");
  EXPECT_EQ(id.ToHumanString(Literal::Double(1.0)), "1.0");
  EXPECT_EQ(id.ToHumanString(Literal::String("a/b c")), "a/b c");
  EXPECT_EQ(id.ToHumanString(
                Literal::Uuid(util::UuidToBytes("f79c3e09-677c-4bbd-a479-3f349cb785e7"))),
            "f79c3e09-677c-4bbd-a479-3f349cb785e7");
  EXPECT_EQ(Transform::Truncate(3).ToHumanString(Literal::String("ice")), "ice");
}

}  // namespace
}  // namespace floe::iceberg
