// The forms of --starting-offsets, and what is refused.
#include "floe/stream/starting_offsets.h"

#include <gtest/gtest.h>

namespace floe::stream {
namespace {

using Kind = StartingOffsets::Kind;

StartingOffsets Parse(const std::string& text) {
  auto parsed = StartingOffsets::Parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
  return parsed.ok() ? *parsed : StartingOffsets{};
}

TEST(StartingOffsetsTest, EarliestAndLatest) {
  EXPECT_EQ(Parse("earliest").kind, Kind::kEarliest);
  EXPECT_EQ(Parse("latest").kind, Kind::kLatest);
}

TEST(StartingOffsetsTest, OffsetsPerPartitionInTheSummaryForm) {
  auto start = Parse(R"({"rides": {"0": 5, "2": 0}, "other": {"1": 7}})");
  EXPECT_EQ(start.kind, Kind::kOffsets);
  PartitionOffsets expected = {{{"rides", 0}, 5}, {{"rides", 2}, 0}, {{"other", 1}, 7}};
  EXPECT_EQ(start.offsets, expected);
  EXPECT_FALSE(StartingOffsets::Parse(R"({"rides": {"0": -1}})").ok());
  EXPECT_FALSE(StartingOffsets::Parse(R"({"rides": {"zero": 1}})").ok());
  EXPECT_FALSE(StartingOffsets::Parse(R"({"rides": )").ok());
}

TEST(StartingOffsetsTest, TimesInMillisecondsAndIso8601) {
  auto epoch = Parse("1764547200000");
  EXPECT_EQ(epoch.kind, Kind::kTimestamp);
  EXPECT_EQ(epoch.timestamp_ms, 1764547200000);
  // 2025-12-01T00:00:00Z is 20423 days after the epoch.
  const int64_t midnight_ms = 20423LL * 86'400'000;
  EXPECT_EQ(Parse("2025-12-01").timestamp_ms, midnight_ms);
  EXPECT_EQ(Parse("2025-12-01T00:00:00Z").timestamp_ms, midnight_ms);
  EXPECT_EQ(Parse("2025-12-01T08:30:00").timestamp_ms, midnight_ms + 510 * 60'000);
  EXPECT_EQ(Parse("2025-12-01T09:00:00.25+01:00").timestamp_ms,
            midnight_ms + 8 * 3'600'000 + 250);  // 08:00:00.25 UTC
  // Within a millisecond: the next one, so no earlier message is read.
  EXPECT_EQ(Parse("2025-12-01T00:00:00.0001Z").timestamp_ms, midnight_ms + 1);
}

TEST(StartingOffsetsTest, OtherTextIsRefusedNamingTheForms) {
  for (const char* text : {"", "yesterday", "2025-13-45", "12abc", "Earliest"}) {
    auto parsed = StartingOffsets::Parse(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_NE(parsed.status().message().find("ISO-8601"), std::string::npos);
  }
}

}  // namespace
}  // namespace floe::stream
