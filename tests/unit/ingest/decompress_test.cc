#include "floe/ingest/decompress.h"

#include <string>

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

namespace floe::ingest {
namespace {

std::string Gzip(const std::string& text) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Zstd(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

/// A zstd frame written by the streaming API, which does not declare the content size.
std::string ZstdStreamed(const std::string& text) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  std::string out(ZSTD_compressBound(text.size()) + 64, '\0');
  ZSTD_inBuffer in{text.data(), text.size(), 0};
  ZSTD_outBuffer ob{out.data(), out.size(), 0};
  EXPECT_EQ(ZSTD_compressStream2(cctx, &ob, &in, ZSTD_e_end), 0u);
  ZSTD_freeCCtx(cctx);
  out.resize(ob.pos);
  return out;
}

std::string Lines(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    text += "{\"n\":" + std::to_string(i) + ",\"message\":\"line " + std::to_string(i * 7919) +
            "\"}\n";
  }
  return text;
}

TEST(DecompressTest, DetectsByMagicBytesOnly) {
  EXPECT_EQ(DetectCompression(Gzip("x")), Compression::kGzip);
  EXPECT_EQ(DetectCompression(Zstd("x")), Compression::kZstd);
  EXPECT_EQ(DetectCompression("{\"a\":1}"), Compression::kNone);
  EXPECT_EQ(DetectCompression(""), Compression::kNone);
  EXPECT_EQ(DetectCompression("\x1f"), Compression::kNone);
}

TEST(DecompressTest, PlainTextIsReturnedAsIsWhateverTheName) {
  EXPECT_EQ(*Decompress("{\"a\":1}\n", "x.json.gz"), "{\"a\":1}\n");
  EXPECT_EQ(*Decompress("", "empty.zst"), "");
}

TEST(DecompressTest, GzipDecodesWhateverTheName) {
  const std::string text = Lines(10);
  EXPECT_EQ(*Decompress(Gzip(text), "pod_2025_abc.json"), text);
  EXPECT_EQ(*Decompress(Gzip(""), "empty.json"), "");
}

TEST(DecompressTest, LargeGzipAndZstdGrowTheirOutput) {
  const std::string text = Lines(200000);  // ~7 MB, compresses far more than 4:1
  EXPECT_EQ(*Decompress(Gzip(text), "big.gz"), text);
  EXPECT_EQ(*Decompress(Zstd(text), "big.zst"), text);
  EXPECT_EQ(*Decompress(ZstdStreamed(text), "big-streamed.zst"), text);
}

TEST(DecompressTest, MultiMemberGzipDecodesEveryMember) {
  const std::string a = Lines(3), b = Lines(5), c = "{\"last\":true}";
  EXPECT_EQ(*Decompress(Gzip(a) + Gzip("") + Gzip(b) + Gzip(c), "multi.gz"), a + b + c);
}

TEST(DecompressTest, MultiFrameZstdDecodesEveryFrame) {
  const std::string a = Lines(3), b = Lines(5);
  EXPECT_EQ(*Decompress(Zstd(a) + ZstdStreamed(b) + Zstd("") + Zstd("end"), "multi.zst"),
            a + b + "end");
}

void ExpectInvalid(const arrow::Result<std::string>& result, const std::string& name,
                   const std::string& words) {
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsInvalid()) << result.status().ToString();
  EXPECT_NE(result.status().message().find(name), std::string::npos) << result.status().message();
  EXPECT_NE(result.status().message().find(words), std::string::npos)
      << result.status().message();
}

TEST(DecompressTest, CorruptGzipIsAnErrorNamingTheFile) {
  std::string data = Gzip(Lines(100));
  for (size_t i = 20; i < 40; ++i) data[i] = static_cast<char>(data[i] ^ 0x5a);
  ExpectInvalid(Decompress(data, "bad.gz"), "bad.gz", "corrupt");
}

TEST(DecompressTest, GzipChecksumMismatchIsAnError) {
  std::string data = Gzip(Lines(10));
  data[data.size() - 6] = static_cast<char>(data[data.size() - 6] ^ 1);  // CRC-32 trailer
  ExpectInvalid(Decompress(data, "crc.gz"), "crc.gz", "corrupt");
}

TEST(DecompressTest, TruncatedGzipIsAnError) {
  const std::string data = Gzip(Lines(100));
  ExpectInvalid(Decompress(data.substr(0, data.size() - 4), "cut.gz"), "cut.gz", "truncated");
  ExpectInvalid(Decompress(data.substr(0, data.size() / 2), "half.gz"), "half.gz", "truncated");
  ExpectInvalid(Decompress(std::string("\x1f\x8b", 2), "magic.gz"), "magic.gz", "truncated");
  // A second member cut short.
  ExpectInvalid(Decompress(data + data.substr(0, 30), "two.gz"), "two.gz", "truncated");
}

TEST(DecompressTest, BytesAfterTheLastGzipMemberAreAnError) {
  ExpectInvalid(Decompress(Gzip("a\n") + "garbage", "tail.gz"), "tail.gz",
                "not another gzip member");
  ExpectInvalid(Decompress(Gzip("a\n") + std::string(8, '\0'), "zeros.gz"), "zeros.gz",
                "not another gzip member");
}

TEST(DecompressTest, CorruptZstdIsAnErrorNamingTheFile) {
  std::string data = Zstd(Lines(1000));
  for (size_t i = 12; i < data.size() - 4; i += 7) data[i] = static_cast<char>(data[i] ^ 0x5a);
  ExpectInvalid(Decompress(data, "bad.zst"), "bad.zst", "corrupt");
}

TEST(DecompressTest, TruncatedZstdIsAnError) {
  const std::string data = Zstd(Lines(100));
  ExpectInvalid(Decompress(data.substr(0, data.size() - 3), "cut.zst"), "cut.zst", "truncated");
  ExpectInvalid(Decompress(data.substr(0, 4), "magic.zst"), "magic.zst", "");
  const std::string streamed = ZstdStreamed(Lines(100));
  ExpectInvalid(Decompress(streamed.substr(0, streamed.size() / 2), "half.zst"), "half.zst",
                "truncated");
}

TEST(DecompressTest, BytesAfterTheLastZstdFrameAreAnError) {
  ExpectInvalid(Decompress(Zstd("a\n") + "garbage!", "tail.zst"), "tail.zst", "corrupt");
}

}  // namespace
}  // namespace floe::ingest
