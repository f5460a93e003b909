#include "floe/util/hex.h"

#include <gtest/gtest.h>

#include <string>

namespace floe::util {
namespace {

TEST(HexTest, EncodesEveryByteHighNibbleFirst) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string hex = ToHex(all);
  ASSERT_EQ(hex.size(), 512u);
  EXPECT_EQ(hex.substr(0, 6), "000102");
  EXPECT_EQ(hex.substr(2 * 0x7f, 6), "7f8081");
  EXPECT_EQ(hex.substr(2 * 0xab, 2), "ab");
  EXPECT_EQ(hex.substr(508), "feff");
  EXPECT_EQ(ToHex(std::string("\x0a\xbc", 2), HexCase::kUpper), "0ABC");
  EXPECT_EQ(ToHex(""), "");
}

TEST(HexTest, AppendsAfterExistingText) {
  std::string out = "X'";
  AppendHex(std::string("\xde\xad", 2), &out, HexCase::kUpper);
  EXPECT_EQ(out, "X'DEAD");
}

TEST(HexTest, DecodesEitherCaseAndRoundTrips) {
  EXPECT_EQ(FromHex("00ff7F80aB"), std::string("\x00\xff\x7f\x80\xab", 5));
  EXPECT_EQ(FromHex(""), std::string());
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  EXPECT_EQ(FromHex(ToHex(all)), all);
  EXPECT_EQ(FromHex(ToHex(all, HexCase::kUpper)), all);
}

TEST(HexTest, RefusesOddLengthsAndNonHexCharacters) {
  EXPECT_FALSE(FromHex("abc").has_value());
  EXPECT_FALSE(FromHex("0g").has_value());
  EXPECT_FALSE(FromHex("-1").has_value());  // from_chars would read this as a number
  EXPECT_FALSE(FromHex("0x").has_value());
  EXPECT_FALSE(FromHex(" 1").has_value());
}

TEST(HexTest, DigitsAndTheirValues) {
  EXPECT_EQ(HexDigit(0), '0');
  EXPECT_EQ(HexDigit(10), 'a');
  EXPECT_EQ(HexDigit(15, HexCase::kUpper), 'F');
  EXPECT_EQ(HexDigit(0x1c), 'c');  // only the low nibble counts
  EXPECT_EQ(HexDigitValue('7'), 7);
  EXPECT_EQ(HexDigitValue('e'), 14);
  EXPECT_EQ(HexDigitValue('E'), 14);
  EXPECT_EQ(HexDigitValue('g'), -1);
  EXPECT_EQ(HexDigitValue('\0'), -1);
}

}  // namespace
}  // namespace floe::util
