#include "floe/iceberg/type/single_value.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "floe/util/hex.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {
namespace {

__int128 Nines(int digits) {
  __int128 v = 0;
  for (int i = 0; i < digits; ++i) v = v * 10 + 9;
  return v;
}

// Expected bytes computed with PyIceberg 0.12 pyiceberg.conversions.to_bytes.
TEST(SingleValueTest, SerializesLikePyIceberg) {
  struct Case {
    Literal value;
    const char* hex;
  };
  const Case cases[] = {
      {Literal::Boolean(true), "01"},
      {Literal::Boolean(false), "00"},
      {Literal::Int(34), "22000000"},
      {Literal::Int(-2), "feffffff"},
      {Literal::Long(34), "2200000000000000"},
      {Literal::Float(1.5f), "0000c03f"},
      {Literal::Double(-2.25), "00000000000002c0"},
      {Literal::Date(17486), "4e440000"},
      {Literal::Time(81068000000), "008307e012000000"},
      {Literal::Timestamp(1510871468000000), "00c3262d215e0500"},
      {Literal::TimestampTz(-1), "ffffffffffffffff"},
      {Literal::String("iceberg\xE2\x9C\x93"), "69636562657267e29c93"},
      {Literal::Binary(std::string("\x00\xff", 2)), "00ff"},
      {Literal::Fixed("abc"), "616263"},
      {Literal::Uuid(util::UuidToBytes("f79c3e09-677c-4bbd-a479-3f349cb785e7")),
       "f79c3e09677c4bbda4793f349cb785e7"},
      {Literal::Decimal(1420, 9, 2), "058c"},
      {Literal::Decimal(-1420, 9, 2), "fa74"},
      {Literal::Decimal(127, 9, 2), "7f"},
      {Literal::Decimal(128, 9, 2), "0080"},
      {Literal::Decimal(-128, 9, 2), "80"},
      {Literal::Decimal(-129, 9, 2), "ff7f"},
      {Literal::Decimal(0, 9, 2), "00"},
      {Literal::Decimal(Nines(38), 38, 0), "4b3b4ca85a86c47a098a223fffffffff"},
  };
  for (const auto& c : cases) {
    auto bytes = SerializeValue(c.value);
    ASSERT_TRUE(bytes.ok()) << c.value.ToString() << ": " << bytes.status().ToString();
    EXPECT_EQ(util::ToHex(*bytes), c.hex) << c.value.ToString();
    auto back = DeserializeValue(c.value.type(), *bytes);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, c.value) << c.value.ToString();
  }
}

TEST(SingleValueTest, RoundTripsExtremes) {
  const std::vector<Literal> values = {
      Literal::Int(std::numeric_limits<int32_t>::min()),
      Literal::Long(std::numeric_limits<int64_t>::max()),
      Literal::Double(-std::numeric_limits<double>::infinity()),
      Literal::Float(-0.0f),
      Literal::String(""),
      Literal::Decimal(-Nines(38), 38, 10),
      Literal::Decimal(static_cast<__int128>(-1) << 127, 38, 0),
      Literal::Decimal(-1, 5, 0),
  };
  for (const auto& v : values) {
    auto bytes = SerializeValue(v);
    ASSERT_TRUE(bytes.ok()) << v.ToString();
    auto back = DeserializeValue(v.type(), *bytes);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, v) << v.ToString();
  }
  EXPECT_EQ(util::ToHex(*SerializeValue(Literal::Decimal(-1, 5, 0))), "ff");
  auto nan = DeserializeValue(Type::Double(), *SerializeValue(Literal::Double(std::nan(""))));
  ASSERT_TRUE(nan.ok());
  EXPECT_TRUE(std::isnan(nan->AsDouble()));
}

TEST(SingleValueTest, ReadsPromotedBounds) {
  // A long column promoted from int keeps 4-byte bounds; likewise double from float.
  auto l = DeserializeValue(Type::Long(), *util::FromHex("feffffff"));
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(*l, Literal::Long(-2));
  auto d = DeserializeValue(Type::Double(), *util::FromHex("0000c03f"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, Literal::Double(1.5));
  // Any non-zero byte is true.
  EXPECT_EQ(*DeserializeValue(Type::Boolean(), "\x07"), Literal::Boolean(true));
}

TEST(SingleValueTest, RejectsWrongLengthsNamingTheType) {
  auto r = DeserializeValue(Type::Int(), std::string("\x01\x02\x03", 3));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalid());
  EXPECT_NE(r.status().message().find("int"), std::string::npos);
  EXPECT_NE(r.status().message().find("3 bytes"), std::string::npos);
  EXPECT_FALSE(DeserializeValue(Type::Long(), std::string(5, '\0')).ok());
  EXPECT_FALSE(DeserializeValue(Type::Timestamp(), std::string(4, '\0')).ok());
  EXPECT_FALSE(DeserializeValue(Type::Date(), std::string(8, '\0')).ok());
  EXPECT_FALSE(DeserializeValue(Type::Float(), std::string(8, '\0')).ok());
  EXPECT_FALSE(DeserializeValue(Type::Double(), std::string(2, '\0')).ok());
  EXPECT_FALSE(DeserializeValue(Type::Boolean(), "").ok());
  EXPECT_FALSE(DeserializeValue(Type::Uuid(), std::string(15, '\0')).ok());
  EXPECT_FALSE(DeserializeValue(Type::Fixed(2), "abc").ok());
  EXPECT_FALSE(DeserializeValue(Type::Decimal(9, 2), "").ok());
  EXPECT_FALSE(DeserializeValue(Type::Decimal(38, 2), std::string(17, '\x01')).ok());
  auto list = Type::List(NestedField{2, "element", Type::Int(), true, ""});
  EXPECT_FALSE(DeserializeValue(list, "").ok());
  EXPECT_FALSE(SerializeValue(Literal::Null(Type::Int())).ok());
  EXPECT_FALSE(SerializeValue(Literal(Type::Int(), std::string("x"))).ok());
  EXPECT_FALSE(SerializeValue(Literal::Uuid("short")).ok());
}

TEST(TruncateBoundTest, LowerBoundKeepsLeadingCodePointsOrBytes) {
  EXPECT_EQ(TruncateLowerBound(Literal::String("abcdef"), 3), Literal::String("abc"));
  EXPECT_EQ(TruncateLowerBound(Literal::String("ab"), 3), Literal::String("ab"));
  // ü ✓ 😀 x: three code points are 9 bytes.
  EXPECT_EQ(TruncateLowerBound(Literal::String("\xC3\xBC\xE2\x9C\x93\xF0\x9F\x98\x80x"), 3),
            Literal::String("\xC3\xBC\xE2\x9C\x93\xF0\x9F\x98\x80"));
  EXPECT_EQ(TruncateLowerBound(Literal::Binary(std::string("\x01\x02\xff\x03", 4)), 3),
            Literal::Binary(std::string("\x01\x02\xff", 3)));
  EXPECT_EQ(TruncateLowerBound(Literal::Int(12345), 2), Literal::Int(12345));
  EXPECT_EQ(TruncateLowerBound(Literal::Fixed("abcdef"), 2), Literal::Fixed("abcdef"));
}

TEST(TruncateBoundTest, UpperBoundIncrementsLastCodePointWithCarry) {
  EXPECT_EQ(TruncateUpperBound(Literal::String("abcdef"), 3), Literal::String("abd"));
  EXPECT_EQ(TruncateUpperBound(Literal::String("abc"), 3), Literal::String("abc"));
  EXPECT_EQ(TruncateUpperBound(Literal::String("\xC3\xBC\xE2\x9C\x93\xF0\x9F\x98\x80x"), 3),
            Literal::String("\xC3\xBC\xE2\x9C\x93\xF0\x9F\x98\x81"));
  // U+10FFFF cannot grow: it is dropped and the previous code point incremented.
  EXPECT_EQ(TruncateUpperBound(
                Literal::String("ab\xF4\x8F\xBF\xBF\xF4\x8F\xBF\xBFz"), 3),
            Literal::String("ac"));
  EXPECT_TRUE(
      TruncateUpperBound(Literal::String("\xF4\x8F\xBF\xBF\xF4\x8F\xBF\xBFx"), 2).is_null());
  // U+D7FF + 1 skips the surrogates to U+E000.
  EXPECT_EQ(TruncateUpperBound(Literal::String("a\xED\x9F\xBF" "b"), 2),
            Literal::String("a\xEE\x80\x80"));
  // 'y' + 1 and U+007F + 1 = U+0080 (two bytes).
  EXPECT_EQ(TruncateUpperBound(Literal::String("\x7f\x7fzz"), 2), Literal::String("\x7f\xC2\x80"));
  const auto upper = TruncateUpperBound(Literal::String("abcdef"), 3);
  EXPECT_GT(upper.Compare(Literal::String("abcdef")), 0);
}

TEST(TruncateBoundTest, UpperBoundIncrementsLastByteWithCarry) {
  EXPECT_EQ(TruncateUpperBound(Literal::Binary(std::string("\x01\x02\xff\x03", 4)), 3),
            Literal::Binary(std::string("\x01\x03", 2)));
  EXPECT_EQ(TruncateUpperBound(Literal::Binary(std::string("\x01\x02\x03", 3)), 3),
            Literal::Binary(std::string("\x01\x02\x03", 3)));
  EXPECT_TRUE(TruncateUpperBound(Literal::Binary(std::string("\xff\xff\xff\x00", 4)), 3)
                  .is_null());
  EXPECT_EQ(TruncateUpperBound(Literal::Long(7), 1), Literal::Long(7));
  EXPECT_TRUE(TruncateUpperBound(Literal::Null(Type::String()), 2).is_null());
}

}  // namespace
}  // namespace floe::iceberg
