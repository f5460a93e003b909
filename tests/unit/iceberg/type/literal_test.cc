#include "floe/iceberg/type/literal.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "floe/iceberg/type/temporal.h"
#include "floe/util/uuid.h"

namespace floe::iceberg {
namespace {

TEST(LiteralCompareTest, IntegersOrderNumericallyAcrossIntAndLong) {
  EXPECT_LT(Literal::Int(-5).Compare(Literal::Int(3)), 0);
  EXPECT_GT(Literal::Long(1LL << 40).Compare(Literal::Long(7)), 0);
  EXPECT_EQ(Literal::Int(34).Compare(Literal::Long(34)), 0);
  EXPECT_LT(Literal::Int(34).Compare(Literal::Long(35)), 0);
  EXPECT_LT(Literal::Date(-1).Compare(Literal::Date(0)), 0);
  EXPECT_GT(Literal::Timestamp(1).Compare(Literal::Timestamp(-1)), 0);
}

TEST(LiteralCompareTest, FloatsFollowTotalOrderWithSignedNaNAndZeros) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> ordered = {-nan, -inf, -1.5, -0.0, 0.0, 2.0, inf, nan};
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (size_t j = 0; j < ordered.size(); ++j) {
      int c = Literal::Double(ordered[i]).Compare(Literal::Double(ordered[j]));
      int want = i < j ? -1 : (i > j ? 1 : 0);
      EXPECT_EQ(c, want) << ordered[i] << " vs " << ordered[j];
    }
  }
  const float fnan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_LT(Literal::Float(std::numeric_limits<float>::infinity()).Compare(Literal::Float(fnan)),
            0);
  EXPECT_LT(Literal::Float(-0.0f).Compare(Literal::Float(0.0f)), 0);
  // NaN payloads do not matter: all positive NaNs are equal.
  EXPECT_EQ(Literal::Double(nan).Compare(Literal::Double(std::nan("7"))), 0);
}

TEST(LiteralCompareTest, StringsCompareAsUnsignedBytesSoByCodePoint) {
  EXPECT_LT(Literal::String("abc").Compare(Literal::String("abd")), 0);
  EXPECT_LT(Literal::String("ab").Compare(Literal::String("abc")), 0);
  EXPECT_EQ(Literal::String("").Compare(Literal::String("")), 0);
  // U+00E9 (0xC3 0xA9) sorts after every ASCII character, which a signed compare gets wrong.
  EXPECT_LT(Literal::String("z").Compare(Literal::String("\xC3\xA9")), 0);
  // U+FFFD (EF BF BD) < U+1F600 (F0 9F 98 80): byte order equals code point order.
  EXPECT_LT(Literal::String("\xEF\xBF\xBD").Compare(Literal::String("\xF0\x9F\x98\x80")), 0);
  EXPECT_LT(Literal::Binary(std::string("\x01", 1)).Compare(Literal::Binary("\xff")), 0);
  EXPECT_LT(Literal::Fixed(std::string("\x00\x01", 2)).Compare(Literal::Fixed("\x80\x00")), 0);
}

TEST(LiteralCompareTest, DecimalsCompareByUnscaledValueAndRescaleWhenScalesDiffer) {
  EXPECT_LT(Literal::Decimal(-1250, 9, 2).Compare(Literal::Decimal(5, 9, 2)), 0);
  EXPECT_EQ(Literal::Decimal(1420, 9, 2).Compare(Literal::Decimal(1420, 9, 2)), 0);
  // 1.5 (scale 1) vs 1.42 (scale 2).
  EXPECT_GT(Literal::Decimal(15, 9, 1).Compare(Literal::Decimal(142, 9, 2)), 0);
  __int128 big = static_cast<__int128>(1) << 100;
  EXPECT_LT(Literal::Decimal(-big, 38, 0).Compare(Literal::Decimal(big, 38, 0)), 0);
}

TEST(LiteralCompareTest, NullsSortFirst) {
  EXPECT_LT(Literal::Null(Type::Int()).Compare(Literal::Int(std::numeric_limits<int>::min())), 0);
  EXPECT_GT(Literal::String("").Compare(Literal::Null(Type::String())), 0);
  EXPECT_EQ(Literal::Null().Compare(Literal::Null(Type::Long())), 0);
}

TEST(LiteralEqualityTest, RequiresSameTypeAndValue) {
  EXPECT_EQ(Literal::Int(3), Literal::Int(3));
  EXPECT_FALSE(Literal::Int(3) == Literal::Int(4));
  EXPECT_FALSE(Literal::Int(3) == Literal::Long(3));
  EXPECT_FALSE(Literal::Int(3) == Literal::Date(3));
  EXPECT_EQ(Literal::Decimal(1250, 9, 2), Literal::Decimal(1250, 9, 2));
  EXPECT_FALSE(Literal::Decimal(1250, 9, 2) == Literal::Decimal(1250, 10, 2));
  EXPECT_EQ(Literal::Double(std::nan("")), Literal::Double(std::nan("")));
  EXPECT_FALSE(Literal::Double(0.0) == Literal::Double(-0.0));
  EXPECT_EQ(Literal::Null(Type::Int()), Literal::Null(Type::Int()));
  EXPECT_FALSE(Literal::Null(Type::Int()) == Literal::Int(0));
  EXPECT_EQ(Literal::Fixed("abc"), Literal::Fixed("abc"));
}

TEST(LiteralToStringTest, PrintsHumanFormsPerType) {
  EXPECT_EQ(Literal::Null(Type::Int()).ToString(), "null");
  EXPECT_EQ(Literal::Boolean(true).ToString(), "true");
  EXPECT_EQ(Literal::Int(-34).ToString(), "-34");
  EXPECT_EQ(Literal::Long(9007199254740993LL).ToString(), "9007199254740993");
  EXPECT_EQ(Literal::Date(static_cast<int32_t>(DaysFromCivil(2024, 3, 1))).ToString(),
            "2024-03-01");
  EXPECT_EQ(Literal::Date(-1).ToString(), "1969-12-31");
  EXPECT_EQ(Literal::Time((10 * 3600 + 15 * 60 + 30) * kMicrosPerSecond + 123456).ToString(),
            "10:15:30.123456");
  EXPECT_EQ(Literal::Time(81068000000).ToString(), "22:31:08");
  const int64_t ts = DaysFromCivil(2024, 3, 1) * kMicrosPerDay +
                     (10 * 3600 + 15 * 60 + 30) * kMicrosPerSecond + 123456;
  EXPECT_EQ(Literal::Timestamp(ts).ToString(), "2024-03-01T10:15:30.123456");
  EXPECT_EQ(Literal::TimestampTz(ts).ToString(), "2024-03-01T10:15:30.123456+00:00");
  EXPECT_EQ(Literal::Timestamp(-1).ToString(), "1969-12-31T23:59:59.999999");
  EXPECT_EQ(Literal::Decimal(1250, 9, 2).ToString(), "12.50");
  EXPECT_EQ(Literal::Decimal(-5, 9, 2).ToString(), "-0.05");
  EXPECT_EQ(Literal::Decimal(0, 9, 2).ToString(), "0.00");
  EXPECT_EQ(Literal::Decimal(42, 9, 0).ToString(), "42");
  EXPECT_EQ(Literal::String("caf\xC3\xA9").ToString(), "caf\xC3\xA9");
  EXPECT_EQ(Literal::Uuid(util::UuidToBytes("f79c3e09-677c-4bbd-a479-3f349cb785e7")).ToString(),
            "f79c3e09-677c-4bbd-a479-3f349cb785e7");
  EXPECT_EQ(Literal::Binary(std::string("\x00\x01\xab\xff", 4)).ToString(), "0001abff");
  EXPECT_EQ(Literal::Fixed("AB").ToString(), "4142");
}

TEST(LiteralToStringTest, FloatsPrintShortestRoundTrip) {
  EXPECT_EQ(Literal::Double(1.0).ToString(), "1.0");
  EXPECT_EQ(Literal::Double(0.1).ToString(), "0.1");
  EXPECT_EQ(Literal::Float(0.1f).ToString(), "0.1");
  EXPECT_EQ(Literal::Float(1.5f).ToString(), "1.5");
  EXPECT_EQ(Literal::Double(-2.25).ToString(), "-2.25");
  EXPECT_EQ(Literal::Double(1e300).ToString(), "1e+300");
  EXPECT_EQ(Literal::Double(std::nan("")).ToString(), "NaN");
  EXPECT_EQ(Literal::Double(-std::numeric_limits<double>::infinity()).ToString(), "-Infinity");
  double third = 1.0 / 3.0;
  EXPECT_EQ(std::stod(Literal::Double(third).ToString()), third);
}

TEST(DecimalToStringTest, HandlesExtremesAndNegativeScale) {
  __int128 max38 = 0;
  for (int i = 0; i < 38; ++i) max38 = max38 * 10 + 9;
  EXPECT_EQ(DecimalToString(max38, 0), std::string(38, '9'));
  EXPECT_EQ(DecimalToString(-max38, 38), "-0." + std::string(38, '9'));
  EXPECT_EQ(DecimalToString(12, -2), "1200");
}

TEST(TemporalTest, CivilConversionsRoundTripAndFloorBeforeEpoch) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2017, 11, 16), 17486);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 2, 29), 11016);
  for (int64_t d = -800000; d <= 800000; d += 997) {
    CivilDate c = CivilFromDays(d);
    ASSERT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(FloorDiv(-1, kMicrosPerDay), -1);
  EXPECT_EQ(FloorMod(-1, 24), 23);
  EXPECT_EQ(FormatDate(DaysFromCivil(10000, 1, 1)), "+10000-01-01");
}

}  // namespace
}  // namespace floe::iceberg
