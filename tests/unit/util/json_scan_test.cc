// The JSON scanner: string reading next to the end of readable memory, and numbers.

#include "floe/util/json_scan.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace floe::util {
namespace {

// Strings that end on the last bytes of a page followed by an unreadable page: the scanner
// loads 16 bytes at a time but must never touch the next page.
TEST(JsonScanTest, StringsEndingAtAnUnreadablePageAreReadWithoutFaulting) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* mem = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  char* base = static_cast<char*>(mem);
  ASSERT_EQ(mprotect(base + page, page, PROT_NONE), 0);
  char arena[64];
  for (size_t length = 0; length <= 40; ++length) {
    // "<value>" placed so that its closing quote is the page's last byte.
    std::string json = "\"" + std::string(length, 'a' + length % 26) + "\"";
    char* start = base + page - json.size();
    std::memcpy(start, json.data(), json.size());
    JsonCursor c{start, base + page, arena};
    std::string_view value;
    ASSERT_TRUE(ReadJsonString(&c, &value, /*keep=*/false)) << length;
    EXPECT_EQ(value, json.substr(1, length));
    EXPECT_EQ(c.p, base + page);
    // Unterminated at the page end: an error, still without a fault.
    JsonCursor open{start, base + page - 1, arena};
    EXPECT_FALSE(ReadJsonString(&open, &value, /*keep=*/false)) << length;
  }
  munmap(mem, 2 * page);
}

// Bytes past the end of the line are not part of the string even when they would end it.
TEST(JsonScanTest, BytesPastTheLineEndAreIgnored) {
  const std::string buffer = "\"abc\"def\"";
  char arena[16];
  std::string_view value;
  JsonCursor cut{buffer.data(), buffer.data() + 4, arena};  // "abc without its quote
  EXPECT_FALSE(ReadJsonString(&cut, &value, /*keep=*/false));
  JsonCursor whole{buffer.data(), buffer.data() + buffer.size(), arena};
  ASSERT_TRUE(ReadJsonString(&whole, &value, /*keep=*/false));
  EXPECT_EQ(value, "abc");
}

// Integers of every length up to 20 digits, signed, with and without a tail the 8-byte reads
// must stop at: the value of those up to 18 digits equals from_chars's, the others have none.
TEST(JsonScanTest, NumberShapeGivesTheValueOfIntegersUpTo18Digits) {
  std::mt19937_64 rng(20261203);
  char arena[64];
  for (int digits = 1; digits <= 20; ++digits) {
    for (int trial = 0; trial < 50; ++trial) {
      std::string text(1, static_cast<char>('1' + rng() % 9));
      while (static_cast<int>(text.size()) < digits) text += static_cast<char>('0' + rng() % 10);
      if (trial % 2 == 1) text = "-" + text;
      for (const std::string tail : {"", ",", "}", "x1", " 7", ".5", "e3", "E-2"}) {
        const std::string json = text + tail;
        JsonCursor c{json.data(), json.data() + json.size(), arena};
        std::string_view read;
        JsonNumberShape shape;
        ASSERT_TRUE(ReadJsonNumber(&c, &read, &shape)) << json;
        const bool fraction = tail == ".5", exponent = tail[0] == 'e' || tail[0] == 'E';
        EXPECT_EQ(read, json.substr(0, text.size() + (fraction || exponent ? tail.size() : 0)))
            << json;
        EXPECT_EQ(shape.fraction, fraction) << json;
        EXPECT_EQ(shape.exponent, exponent) << json;
        EXPECT_EQ(shape.small_integer, digits <= 18 && !fraction && !exponent) << json;
        if (shape.small_integer) {
          int64_t expected = 0;
          std::from_chars(text.data(), text.data() + text.size(), expected);
          EXPECT_EQ(shape.value, expected) << json;
        }
      }
    }
  }
  // Zero, and a digit after a leading zero (the caller's to refuse), and non-digit bytes the
  // 8-byte check must not take for digits (':' and '/' sit next to '0'..'9').
  for (const std::string json :
       {"0", "-0", "01234567890", "1234567:", "12345678/9", "1234567\x80"}) {
    JsonCursor c{json.data(), json.data() + json.size(), arena};
    std::string_view read;
    JsonNumberShape shape;
    ASSERT_TRUE(ReadJsonNumber(&c, &read, &shape)) << json;
    const size_t digits = json[0] == '0' ? 1 : json.find_first_not_of("-0123456789");
    EXPECT_EQ(read, json.substr(0, std::min(digits, json.size()))) << json;
    int64_t expected = 0;
    std::from_chars(read.data(), read.data() + read.size(), expected);
    EXPECT_TRUE(shape.small_integer) << json;
    EXPECT_EQ(shape.value, expected) << json;
  }
}

}  // namespace
}  // namespace floe::util
