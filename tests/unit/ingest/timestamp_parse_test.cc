#include "floe/ingest/timestamp_parse.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace floe::ingest {
namespace {

int64_t Iso(std::string_view text) {
  int64_t micros = -1;
  EXPECT_TRUE(ParseTimestampMicros(text, &micros)) << text;
  return micros;
}

bool IsoRejected(std::string_view text) {
  int64_t micros = 0;
  return !ParseTimestampMicros(text, &micros);
}

int64_t Epoch(std::string_view text) {
  int64_t micros = -1;
  EXPECT_TRUE(ParseEpochSecondsMicros(text, &micros)) << text;
  return micros;
}

bool EpochRejected(std::string_view text) {
  int64_t micros = 0;
  return !ParseEpochSecondsMicros(text, &micros);
}

// 2025-07-08T19:52:43Z
constexpr int64_t kSample = 1752004363LL * 1000000;

TEST(TimestampParseTest, IsoFormsWithAndWithoutZoneAndFraction) {
  EXPECT_EQ(Iso("2025-07-08T19:52:43Z"), kSample);
  EXPECT_EQ(Iso("2025-07-08T19:52:43"), kSample);  // no zone: UTC
  EXPECT_EQ(Iso("2025-07-08 19:52:43Z"), kSample);  // space separator
  EXPECT_EQ(Iso("2025-07-08t19:52:43z"), kSample);  // RFC 3339 §5.6 allows lower case
  EXPECT_EQ(Iso("2025-07-08T19:52:43.118Z"), kSample + 118000);
  EXPECT_EQ(Iso("2025-07-08T19:52:43.5"), kSample + 500000);
  EXPECT_EQ(Iso("2025-07-08T19:52:43.991113Z"), kSample + 991113);
  EXPECT_EQ(Iso("1970-01-01T00:00:00Z"), 0);
}

TEST(TimestampParseTest, OffsetsInBothFormsMoveToUtc) {
  EXPECT_EQ(Iso("2025-07-08T19:52:43.500+00:00"), kSample + 500000);
  EXPECT_EQ(Iso("2025-07-08T21:52:43+02:00"), kSample);
  EXPECT_EQ(Iso("2025-07-08T21:52:43+0200"), kSample);
  EXPECT_EQ(Iso("2025-07-08T14:22:43-05:30"), kSample);
  EXPECT_EQ(Iso("2025-07-08T14:22:43-0530"), kSample);
  EXPECT_EQ(Iso("2025-07-08T19:52:43-00:00"), kSample);
  EXPECT_EQ(Iso("2025-07-09T19:51:43+23:59"), kSample);
  EXPECT_EQ(Iso("2025-07-07T19:53:43-23:59"), kSample);
}

TEST(TimestampParseTest, NineFractionDigitsAreTruncatedNotRounded) {
  EXPECT_EQ(Iso("2025-07-08T19:52:43.123456789Z"), kSample + 123456);
  EXPECT_EQ(Iso("2025-07-08T19:52:43.999999999Z"), kSample + 999999);
  EXPECT_EQ(Iso("2025-07-08T19:52:43.0000009Z"), kSample);
  // Before 1970 truncating the digits is still the floor: the fraction only adds.
  EXPECT_EQ(Iso("1969-12-31T23:59:59.9999999Z"), -1);
  EXPECT_TRUE(IsoRejected("2025-07-08T19:52:43.1234567890Z"));  // 10 digits
  EXPECT_TRUE(IsoRejected("2025-07-08T19:52:43.Z"));
  EXPECT_TRUE(IsoRejected("2025-07-08T19:52:43,5Z"));
}

TEST(TimestampParseTest, DatesMustExist) {
  EXPECT_EQ(Iso("2024-02-29T00:00:00Z"), 1709164800LL * 1000000);
  EXPECT_EQ(Iso("2000-02-29T00:00:00Z"), 951782400LL * 1000000);
  EXPECT_TRUE(IsoRejected("2025-02-29T00:00:00Z"));
  EXPECT_TRUE(IsoRejected("1900-02-29T00:00:00Z"));
  EXPECT_TRUE(IsoRejected("2024-13-01T00:00:00Z"));
  EXPECT_TRUE(IsoRejected("2024-00-10T00:00:00Z"));
  EXPECT_TRUE(IsoRejected("2024-04-31T00:00:00Z"));
  EXPECT_TRUE(IsoRejected("2024-04-00T00:00:00Z"));
  EXPECT_TRUE(IsoRejected("0000-01-01T00:00:00Z"));
}

TEST(TimestampParseTest, TimeOfDayAndOffsetLimits) {
  EXPECT_TRUE(IsoRejected("2025-07-08T24:00:00Z"));
  EXPECT_TRUE(IsoRejected("2025-07-08T23:60:00Z"));
  EXPECT_TRUE(IsoRejected("2025-07-08T23:59:60Z"));  // leap seconds are rejected
  EXPECT_TRUE(IsoRejected("2025-07-08T10:00:00+24:00"));
  EXPECT_TRUE(IsoRejected("2025-07-08T10:00:00+01:60"));
  EXPECT_TRUE(IsoRejected("2025-07-08T10:00:00+01"));
  EXPECT_TRUE(IsoRejected("2025-07-08T10:00:00+1:00"));
  EXPECT_TRUE(IsoRejected("2025-07-08T10:00:00+01:00Z"));
}

TEST(TimestampParseTest, ShapeMustMatchExactly) {
  for (const char* text :
       {"", "2025-07-08", "2025-07-08T19:52", "2025-7-08T19:52:43Z", "2025-07-08X19:52:43",
        " 2025-07-08T19:52:43Z", "2025-07-08T19:52:43Z ", "2025-07-08T19:52:43ZZ",
        "+2025-07-08T19:52:43", "2025-07-08T19:52:43.12a", "20250708T195243Z",
        "2025-07-08T19:52:4x"}) {
    EXPECT_TRUE(IsoRejected(text)) << text;
  }
}

TEST(TimestampParseTest, RangeIsYearsOneToNineThousandNineHundredNinetyNine) {
  EXPECT_EQ(Iso("0001-01-01T00:00:00Z"), kMinTimestampMicros);
  EXPECT_EQ(Iso("9999-12-31T23:59:59.999999Z"), kMaxTimestampMicros);
  EXPECT_TRUE(IsoRejected("0001-01-01T00:30:00+01:00"));  // before year 1 in UTC
  EXPECT_TRUE(IsoRejected("9999-12-31T23:59:59-00:01"));  // after 9999 in UTC
}

TEST(TimestampParseTest, EpochSecondsAreExactDecimal) {
  EXPECT_EQ(Epoch("1751997163.118"), 1751997163118000);
  EXPECT_EQ(Epoch("1751997163"), 1751997163000000);
  EXPECT_EQ(Epoch("1751997170.991"), 1751997170991000);  // not ...990999 as a double would give
  EXPECT_EQ(Epoch("1751997163.1234569"), 1751997163123456);
  EXPECT_EQ(Epoch("0"), 0);
  EXPECT_EQ(Epoch("-0"), 0);
  EXPECT_EQ(Epoch("-0.0"), 0);
  EXPECT_EQ(Epoch("0.000001"), 1);
  EXPECT_EQ(Epoch("0.0000009"), 0);
  EXPECT_EQ(Epoch("0.1"), 100000);
}

TEST(TimestampParseTest, EpochSecondsWithExponents) {
  EXPECT_EQ(Epoch("1.7e9"), 1700000000000000);
  EXPECT_EQ(Epoch("1.7E+9"), 1700000000000000);
  EXPECT_EQ(Epoch("17e8"), 1700000000000000);
  EXPECT_EQ(Epoch("1751997163118e-3"), 1751997163118000);
  EXPECT_EQ(Epoch("1751997163118000000E-9"), 1751997163118000);
  EXPECT_EQ(Epoch("1e-6"), 1);
  EXPECT_EQ(Epoch("1e-7"), 0);
  EXPECT_EQ(Epoch("0e999999999999"), 0);
  EXPECT_EQ(Epoch("1e-999999999999"), 0);
  EXPECT_EQ(Epoch("0.000000000000000000001751997163118e30"), 1751997163118000);
}

TEST(TimestampParseTest, NegativeEpochSecondsFloor) {
  EXPECT_EQ(Epoch("-1"), -1000000);
  EXPECT_EQ(Epoch("-1.5"), -1500000);
  EXPECT_EQ(Epoch("-0.0000001"), -1);
  EXPECT_EQ(Epoch("-1.0000001"), -1000001);
  EXPECT_EQ(Epoch("-1e-7"), -1);
  EXPECT_EQ(Epoch("-1e-999999999999"), -1);
  EXPECT_EQ(Epoch("-2.5e-6"), -3);
  EXPECT_EQ(Epoch("-62135596800"), kMinTimestampMicros);
}

TEST(TimestampParseTest, EpochSecondsOutOfRangeOrMalformedAreRejected) {
  EXPECT_EQ(Epoch("253402300799.999999"), kMaxTimestampMicros);
  EXPECT_EQ(Epoch("253402300799.9999999"), kMaxTimestampMicros);
  EXPECT_TRUE(EpochRejected("253402300800"));
  EXPECT_TRUE(EpochRejected("-62135596800.000001"));
  EXPECT_TRUE(EpochRejected("1e300"));
  EXPECT_TRUE(EpochRejected("1e999999999999"));
  EXPECT_TRUE(EpochRejected("99999999999999999999999999999"));
  for (const char* text : {"", "-", "+1", "01", "1.", ".5", "1e", "1e+", "1.5x", " 1", "1 ",
                           "NaN", "Infinity", "0x10", "1_000", "--1"}) {
    EXPECT_TRUE(EpochRejected(text)) << text;
  }
}

TEST(TimestampParseTest, ResultWrappersNameTheText) {
  EXPECT_EQ(*ParseTimestampText("2025-07-08T19:52:43Z"), kSample);
  EXPECT_EQ(*ParseEpochSecondsText("1751997163"), 1751997163000000);
  auto bad = ParseTimestampText("2025-02-29T00:00:00Z");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalid());
  EXPECT_NE(bad.status().message().find("2025-02-29T00:00:00Z"), std::string::npos);
  auto bad_epoch = ParseEpochSecondsText("1e999");
  ASSERT_FALSE(bad_epoch.ok());
  EXPECT_NE(bad_epoch.status().message().find("1e999"), std::string::npos);
}

// Vectors computed by Python's datetime.fromisoformat and decimal.Decimal
// (tests/data/ingest/make_timestamp_vectors.py).
TEST(TimestampParseTest, AgreesWithPythonOnGeneratedVectors) {
  std::ifstream in(std::string(FLOE_TEST_DATA_DIR) + "/ingest/timestamp_vectors.tsv");
  ASSERT_TRUE(in) << "missing timestamp_vectors.tsv";
  std::string line;
  int checked = 0, valid = 0;
  while (std::getline(in, line)) {
    const size_t tab1 = line.find('\t');
    const size_t tab2 = line.find('\t', tab1 + 1);
    ASSERT_NE(tab2, std::string::npos) << line;
    const std::string kind = line.substr(0, tab1);
    const std::string text = line.substr(tab1 + 1, tab2 - tab1 - 1);
    const std::string expected = line.substr(tab2 + 1);
    int64_t micros = 0;
    const bool ok = kind == "iso" ? ParseTimestampMicros(text, &micros)
                                  : ParseEpochSecondsMicros(text, &micros);
    if (expected == "invalid") {
      EXPECT_FALSE(ok) << kind << " " << text << " gave " << micros;
    } else {
      ASSERT_TRUE(ok) << kind << " " << text;
      EXPECT_EQ(micros, std::stoll(expected)) << kind << " " << text;
      ++valid;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 600);
  EXPECT_GT(valid, 300);
}

}  // namespace
}  // namespace floe::ingest
