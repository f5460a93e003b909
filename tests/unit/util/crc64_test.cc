#include "floe/util/crc64.h"

#include <gtest/gtest.h>

#include <string>

namespace floe::util {
namespace {

TEST(Crc64Test, MatchesTheCrc64XzCheckValue) {
  // The catalogue's check value of CRC-64/XZ: the CRC of "123456789".
  EXPECT_EQ(Crc64(0, std::string_view("123456789")), 0x995DC9BBDF1939FAull);
  EXPECT_EQ(Crc64(0, std::string_view("")), 0u);
}

TEST(Crc64Test, ChainsOverPiecesAtEverySplit) {
  std::string data;
  for (int i = 0; i < 5000; ++i) data += static_cast<char>(i * 131 + i / 7);
  const uint64_t whole = Crc64(0, data);
  for (size_t split :
       {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{4096}, data.size()}) {
    const std::string_view view(data);
    EXPECT_EQ(Crc64(Crc64(0, view.substr(0, split)), view.substr(split)), whole) << split;
  }
}

TEST(Crc64Test, SeesEveryChangedByte) {
  std::string data(1000, 'x');
  const uint64_t base = Crc64(0, data);
  for (size_t i = 0; i < data.size(); i += 97) {
    std::string changed = data;
    changed[i] = 'y';
    EXPECT_NE(Crc64(0, changed), base) << i;
  }
}

TEST(Crc64Test, HexRoundTrips) {
  uint64_t back = 0;
  EXPECT_EQ(Crc64ToHex(0x995DC9BBDF1939FAull), "995dc9bbdf1939fa");
  ASSERT_TRUE(Crc64FromHex("995dc9bbdf1939fa", &back));
  EXPECT_EQ(back, 0x995DC9BBDF1939FAull);
  EXPECT_FALSE(Crc64FromHex("995dc9bbdf1939f", &back));
  EXPECT_FALSE(Crc64FromHex("995DC9BBDF1939FA", &back));
  EXPECT_FALSE(Crc64FromHex("995dc9bbdf1939fg", &back));
}

}  // namespace
}  // namespace floe::util
