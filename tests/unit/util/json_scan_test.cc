// The JSON scanner's string reading next to the end of readable memory.

#include "floe/util/json_scan.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
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

}  // namespace
}  // namespace floe::util
