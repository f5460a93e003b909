#include "floe/ingest/decompress.h"

#include <arrow/buffer.h>
#include <arrow/io/interfaces.h>
#include <arrow/io/memory.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "floe/testing/corpus_generator.h"

#include "ingest_test_util.h"

namespace floe::ingest {
namespace {

namespace fs = std::filesystem;

using testing::Gzip;
using testing::Zstd;

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

/// zlib's own gunzip, every member: the reference the igzip decoder is compared with.
std::string ZlibGunzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
  std::string out;
  char buf[1 << 16];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      EXPECT_EQ(inflateReset(&zs), Z_OK);
      continue;
    }
    EXPECT_EQ(rc, Z_OK) << (zs.msg ? zs.msg : "");
    if (rc != Z_OK) break;
  }
  inflateEnd(&zs);
  return out;
}

std::string Lines(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    text +=
        "{\"n\":" + std::to_string(i) + ",\"message\":\"line " + std::to_string(i * 7919) + "\"}\n";
  }
  return text;
}

std::string RandomBytes(size_t n, uint32_t seed, int alphabet = 256) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() % alphabet);
  return out;
}

/// An input stream over a string whose reads stop at the given cut points (and return at most
/// `max_read` bytes each), whatever the caller asks for: it puts a read boundary anywhere.
class PiecesInputStream : public arrow::io::InputStream {
 public:
  PiecesInputStream(std::string data, std::vector<int64_t> cuts, int64_t max_read = INT64_MAX)
      : data_(std::move(data)), cuts_(std::move(cuts)), max_read_(max_read) {}

  arrow::Status Close() override {
    closed_ = true;
    return arrow::Status::OK();
  }
  bool closed() const override { return closed_; }
  arrow::Result<int64_t> Tell() const override { return pos_; }
  arrow::Result<int64_t> Read(int64_t nbytes, void* out) override {
    int64_t end = std::min<int64_t>(pos_ + std::min(nbytes, max_read_), data_.size());
    for (int64_t cut : cuts_) {
      if (cut > pos_ && cut < end) end = cut;
    }
    std::memcpy(out, data_.data() + pos_, end - pos_);
    const int64_t n = end - pos_;
    pos_ = end;
    return n;
  }
  arrow::Result<std::shared_ptr<arrow::Buffer>> Read(int64_t nbytes) override {
    ARROW_ASSIGN_OR_RAISE(auto buffer, arrow::AllocateResizableBuffer(nbytes));
    ARROW_ASSIGN_OR_RAISE(const int64_t n, Read(nbytes, buffer->mutable_data()));
    ARROW_RETURN_NOT_OK(buffer->Resize(n));
    return std::shared_ptr<arrow::Buffer>(std::move(buffer));
  }

 private:
  std::string data_;
  std::vector<int64_t> cuts_;
  int64_t max_read_;
  int64_t pos_ = 0;
  bool closed_ = false;
};

/// Everything `stream` yields, read `capacity` bytes at a time; fails the test if a read
/// returns more than it was given room for.
arrow::Result<std::string> ReadAll(ContentStream* stream, int64_t capacity) {
  std::string content, buffer(static_cast<size_t>(capacity), '\0');
  while (true) {
    ARROW_ASSIGN_OR_RAISE(const int64_t n, stream->Read(buffer.data(), capacity));
    EXPECT_LE(n, capacity);
    EXPECT_GE(n, 0);
    if (n <= 0) return content;
    content.append(buffer.data(), static_cast<size_t>(n));
  }
}

/// One way to read a file's content: through Decompress, or through a ContentStream with a
/// given read capacity over an input whose reads return at most `max_read` bytes.
struct Way {
  const char* label;
  int64_t capacity;  // 0: Decompress
  int64_t max_read;
};

constexpr Way kWays[] = {
    {"Decompress", 0, INT64_MAX},
    {"capacity 1", 1, INT64_MAX},
    {"capacity 7", 7, INT64_MAX},
    {"capacity 4096", 4096, INT64_MAX},
    {"capacity 1 MiB, input read 1 byte at a time", 1 << 20, 1},
    {"capacity 7, input read 13 bytes at a time", 7, 13},
};

arrow::Result<std::string> Decode(const std::string& data, const std::string& name, Way way,
                                  std::vector<int64_t> cuts = {}) {
  if (way.capacity == 0) return Decompress(data, name);
  ARROW_ASSIGN_OR_RAISE(auto stream, ContentStream::Open(std::make_shared<PiecesInputStream>(
                                                             data, std::move(cuts), way.max_read),
                                                         name));
  return ReadAll(stream.get(), way.capacity);
}

/// Fewer ways, for the many files of one test: whole, 4 KiB windows, 7-byte windows over
/// 13-byte input reads.
constexpr Way kQuickWays[] = {kWays[0], kWays[3], kWays[5]};

/// `data` decodes to `content` every way.
template <typename Ways = decltype(kWays)>
void ExpectContent(const std::string& data, const std::string& name, const std::string& content,
                   const Ways& ways = kWays) {
  for (const Way& way : ways) {
    auto decoded = Decode(data, name, way);
    ASSERT_TRUE(decoded.ok()) << way.label << ": " << decoded.status().ToString();
    EXPECT_TRUE(*decoded == content)
        << way.label << ": " << decoded->size() << " bytes, expected " << content.size();
  }
}

void ExpectInvalid(const arrow::Result<std::string>& result, const std::string& name,
                   const std::string& words, const std::string& way = "") {
  ASSERT_FALSE(result.ok()) << way;
  EXPECT_TRUE(result.status().IsInvalid()) << way << ": " << result.status().ToString();
  EXPECT_NE(result.status().message().find(name), std::string::npos)
      << way << ": " << result.status().message();
  EXPECT_NE(result.status().message().find(words), std::string::npos)
      << way << ": " << result.status().message();
}

/// `data` is an Invalid error naming the file, with `words` in the message, every way.
void ExpectInvalidEveryWay(const std::string& data, const std::string& name,
                           const std::string& words) {
  for (const Way& way : kWays) ExpectInvalid(Decode(data, name, way), name, words, way.label);
}

arrow::Result<std::unique_ptr<ContentStream>> OpenString(
    std::string data, const std::string& name, int64_t base_offset = 0,
    std::optional<Compression> expect = std::nullopt) {
  return ContentStream::Open(
      std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(std::move(data))), name,
      base_offset, expect);
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
  ExpectContent("{\"a\":1}\n", "x.json.gz", "{\"a\":1}\n");
  ExpectContent("", "empty.zst", "");
  ExpectContent("\x1f", "one-byte.gz", "\x1f");
  ExpectContent(Lines(300), "plain.json", Lines(300));
  auto stream = *OpenString("abc", "x.json");
  EXPECT_EQ(stream->compression(), Compression::kNone);
}

TEST(DecompressTest, StreamTellsTheFormatFromTheMagicBytes) {
  EXPECT_EQ((*OpenString(Gzip("x"), "a.json"))->compression(), Compression::kGzip);
  EXPECT_EQ((*OpenString(Zstd("x"), "a.json"))->compression(), Compression::kZstd);
  EXPECT_EQ((*OpenString("", "a.gz"))->compression(), Compression::kNone);
}

TEST(DecompressTest, GzipDecodesWhateverTheName) {
  const std::string text = Lines(10);
  EXPECT_EQ(*Decompress(Gzip(text), "pod_2025_abc.json"), text);
  ExpectContent(Gzip(text), "pod_2025_abc.json", text);
  ExpectContent(Gzip(""), "empty.json", "");
}

TEST(DecompressTest, ReadsOfAnyCapacityEqualTheWholeContent) {
  const std::string text = Lines(3000);  // ~120 KB
  ExpectContent(Gzip(text), "odd.gz", text);
  ExpectContent(Zstd(text), "odd.zst", text);
  ExpectContent(ZstdStreamed(text), "odd-streamed.zst", text);
}

TEST(DecompressTest, LargeGzipAndZstdDecodeAcrossInputWindows) {
  const std::string text = Lines(200000);  // ~7 MB, compresses far more than 4:1
  // Incompressible bytes: the compressed data spans several 1 MiB input windows.
  const std::string noise = RandomBytes(3 << 20, 7);
  const std::string gz = Gzip(text), zst = Zstd(text), streamed = ZstdStreamed(text);
  const std::string noisy_gz = Gzip(noise) + gz, noisy_zst = Zstd(noise) + zst;
  for (const Way& way : {kWays[0], kWays[3]}) {
    EXPECT_TRUE(*Decode(gz, "big.gz", way) == text) << way.label;
    EXPECT_TRUE(*Decode(zst, "big.zst", way) == text) << way.label;
    EXPECT_TRUE(*Decode(streamed, "big-streamed.zst", way) == text) << way.label;
    EXPECT_TRUE(*Decode(noisy_gz, "noise.gz", way) == noise + text) << way.label;
    EXPECT_TRUE(*Decode(noisy_zst, "noise.zst", way) == noise + text) << way.label;
  }
}

TEST(DecompressTest, MultiMemberGzipDecodesEveryMember) {
  const std::string a = Lines(3), b = Lines(5), c = "{\"last\":true}";
  EXPECT_EQ(*Decompress(Gzip(a) + Gzip("") + Gzip(b) + Gzip(c), "multi.gz"), a + b + c);
  ExpectContent(Gzip(a) + Gzip("") + Gzip(b) + Gzip(c), "multi.gz", a + b + c);
}

TEST(DecompressTest, MultiFrameZstdDecodesEveryFrame) {
  const std::string a = Lines(3), b = Lines(5);
  EXPECT_EQ(*Decompress(Zstd(a) + ZstdStreamed(b) + Zstd("") + Zstd("end"), "multi.zst"),
            a + b + "end");
  ExpectContent(Zstd(a) + ZstdStreamed(b) + Zstd("") + Zstd("end"), "multi.zst", a + b + "end");
}

TEST(DecompressTest, MembersAndFramesSplitAtEveryReadBoundary) {
  const std::string a = Lines(4), b = Lines(6);
  const std::string gz = Gzip(a) + Gzip("") + Gzip(b), zst = Zstd(a) + ZstdStreamed(b) + Zstd("");
  for (const auto& [data, name] : {std::pair{gz, "split.gz"}, std::pair{zst, "split.zst"}}) {
    for (int64_t cut = 0; cut <= static_cast<int64_t>(data.size()); ++cut) {
      for (const Way& way : {kWays[1], kWays[3]}) {
        auto decoded = Decode(data, name, way, {cut});
        ASSERT_TRUE(decoded.ok()) << name << " cut at " << cut << ": " << decoded.status();
        EXPECT_EQ(*decoded, a + b) << name << " cut at " << cut << ", " << way.label;
      }
    }
  }
}

TEST(DecompressTest, CorruptGzipIsAnErrorNamingTheFile) {
  std::string data = Gzip(Lines(100));
  for (size_t i = 20; i < 40; ++i) data[i] = static_cast<char>(data[i] ^ 0x5a);
  ExpectInvalid(Decompress(data, "bad.gz"), "bad.gz", "corrupt");
  ExpectInvalidEveryWay(data, "bad.gz", "corrupt");
}

TEST(DecompressTest, GzipChecksumMismatchIsAnError) {
  std::string data = Gzip(Lines(10));
  data[data.size() - 6] = static_cast<char>(data[data.size() - 6] ^ 1);  // CRC-32 trailer
  ExpectInvalid(Decompress(data, "crc.gz"), "crc.gz", "corrupt");
  ExpectInvalidEveryWay(data, "crc.gz", "CRC-32");
  // In a later member too, and in the ISIZE (length mod 2^32) half of the trailer.
  std::string second = Gzip("first\n") + Gzip(Lines(10));
  second[second.size() - 2] = static_cast<char>(second[second.size() - 2] ^ 1);
  ExpectInvalidEveryWay(second, "isize.gz", "corrupt");
}

TEST(DecompressTest, TruncatedGzipIsAnError) {
  const std::string data = Gzip(Lines(100));
  ExpectInvalid(Decompress(data.substr(0, data.size() - 4), "cut.gz"), "cut.gz", "truncated");
  ExpectInvalidEveryWay(data.substr(0, data.size() - 4), "cut.gz", "truncated");
  ExpectInvalidEveryWay(data.substr(0, data.size() / 2), "half.gz", "truncated");
  ExpectInvalidEveryWay(std::string("\x1f\x8b", 2), "magic.gz", "truncated");
  // A second member cut short.
  ExpectInvalidEveryWay(data + data.substr(0, 30), "two.gz", "truncated");
  // The offset is where the data ends.
  ExpectInvalid(Decompress(data.substr(0, 50), "at.gz"), "at.gz", "ends at byte 50 ");
}

TEST(DecompressTest, BytesAfterTheLastGzipMemberAreAnError) {
  ExpectInvalid(Decompress(Gzip("a\n") + "garbage", "tail.gz"), "tail.gz",
                "not another gzip member");
  ExpectInvalidEveryWay(Gzip("a\n") + "garbage", "tail.gz", "not another gzip member");
  ExpectInvalidEveryWay(Gzip("a\n") + std::string(8, '\0'), "zeros.gz", "not another gzip member");
  ExpectInvalidEveryWay(Gzip("a\n") + "\x1f", "one.gz", "not another gzip member");
  const std::string first = Gzip("a\n");
  ExpectInvalid(Decompress(first + "x", "where.gz"), "where.gz",
                "ending at byte " + std::to_string(first.size()) + " ");
}

TEST(DecompressTest, CorruptZstdIsAnErrorNamingTheFile) {
  std::string data = Zstd(Lines(1000));
  for (size_t i = 12; i < data.size() - 4; i += 7) data[i] = static_cast<char>(data[i] ^ 0x5a);
  ExpectInvalid(Decompress(data, "bad.zst"), "bad.zst", "corrupt");
  ExpectInvalidEveryWay(data, "bad.zst", "corrupt");
}

TEST(DecompressTest, TruncatedZstdIsAnError) {
  const std::string data = Zstd(Lines(100));
  ExpectInvalid(Decompress(data.substr(0, data.size() - 3), "cut.zst"), "cut.zst", "truncated");
  ExpectInvalidEveryWay(data.substr(0, data.size() - 3), "cut.zst", "truncated");
  ExpectInvalidEveryWay(data.substr(0, 4), "magic.zst", "");
  const std::string streamed = ZstdStreamed(Lines(100));
  ExpectInvalidEveryWay(streamed.substr(0, streamed.size() / 2), "half.zst", "truncated");
  ExpectInvalidEveryWay(data + Zstd("b").substr(0, 6), "two.zst", "truncated");
}

TEST(DecompressTest, BytesAfterTheLastZstdFrameAreAnError) {
  ExpectInvalid(Decompress(Zstd("a\n") + "garbage!", "tail.zst"), "tail.zst", "corrupt");
  ExpectInvalidEveryWay(Zstd("a\n") + "garbage!", "tail.zst", "corrupt");
}

TEST(DecompressTest, ZstdFramesNeedingAHugeWindowAreRefused) {
  // Frame header by hand (RFC 8878 §3.1.1.1): no content size, Window_Descriptor exponent
  // windowLog - 10; then one last raw block holding "x".
  auto frame = [](int window_log) {
    std::string f("\x28\xb5\x2f\xfd\x00", 5);
    f += static_cast<char>((window_log - 10) << 3);
    f += std::string("\x09\x00\x00x", 4);
    return f;
  };
  ExpectContent(frame(27), "w27.zst", "x");
  ExpectInvalidEveryWay(frame(28), "w28.zst", "corrupt");
}

TEST(DecompressTest, ExpectedFormatMustStartWithItsMagic) {
  auto gz = OpenString("{\"a\":1}\n", "log.gz", 1234, Compression::kGzip);
  ASSERT_FALSE(gz.ok());
  EXPECT_TRUE(gz.status().IsInvalid());
  EXPECT_EQ(gz.status().message(), "gzip file log.gz: bytes at offset 1234 are not a gzip member");
  auto zst = OpenString(Gzip("a"), "log.zst", 0, Compression::kZstd);
  ASSERT_FALSE(zst.ok());
  EXPECT_EQ(zst.status().message(), "zstd file log.zst: bytes at offset 0 are not a zstd frame");
  ExpectInvalid(OpenString("\x1f", "short.gz", 9, Compression::kGzip).status(), "short.gz",
                "offset 9");
  // As expected, and empty content.
  auto ok = *OpenString(Gzip("a\n"), "log", 0, Compression::kGzip);
  EXPECT_EQ(ok->compression(), Compression::kGzip);
  EXPECT_EQ(*ReadAll(ok.get(), 7), "a\n");
  auto empty = *OpenString("", "log", 10, Compression::kGzip);
  EXPECT_EQ(*ReadAll(empty.get(), 7), "");
  auto empty_zst = *OpenString("", "log", 10, Compression::kZstd);
  EXPECT_EQ(*ReadAll(empty_zst.get(), 7), "");
  // kNone passes compressed bytes through.
  const std::string data = Gzip("a\n");
  auto raw = *OpenString(data, "log", 0, Compression::kNone);
  EXPECT_EQ(raw->compression(), Compression::kNone);
  EXPECT_EQ(*ReadAll(raw.get(), 3), data);
}

TEST(DecompressTest, ErrorOffsetsAreFileOffsets) {
  // The input starts at byte 1000 of its file: a member appended to a file read before.
  const std::string first = Gzip("a\n");
  auto tail = *OpenString(first + "junk", "grown.gz", 1000, Compression::kGzip);
  ExpectInvalid(ReadAll(tail.get(), 64), "grown.gz",
                "ending at byte " + std::to_string(1000 + first.size()) + " ");
  const std::string data = Gzip(Lines(100));
  auto cut = *OpenString(data.substr(0, 40), "grown.gz", 1000);
  ExpectInvalid(ReadAll(cut.get(), 64), "grown.gz", "ends at byte 1040 ");
  const std::string zdata = Zstd(Lines(100));
  auto zcut = *OpenString(zdata.substr(0, 40), "grown.zst", 500);
  ExpectInvalid(ReadAll(zcut.get(), 64), "grown.zst", "ends at byte 540 ");
}

TEST(DecompressTest, AFailedReadKeepsFailing) {
  auto stream = *OpenString(Gzip("a\n") + "junk", "sticky.gz");
  ExpectInvalid(ReadAll(stream.get(), 64), "sticky.gz", "not another gzip member");
  char buf[8];
  auto again = stream->Read(buf, sizeof(buf));
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("not another gzip member"), std::string::npos);
  EXPECT_TRUE(stream->Read(buf, 0).status().IsInvalid());
}

TEST(DecompressTest, EveryGzipHeaderFieldIsParsed) {
  // RFC 1952 §2.3: FEXTRA, FNAME, FCOMMENT and FHCRC set, around a raw deflate stream.
  const std::string text = Lines(20);
  std::string deflated(compressBound(text.size()) + 64, '\0');
  z_stream zs{};
  ASSERT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(deflated.data());
  zs.avail_out = static_cast<uInt>(deflated.size());
  ASSERT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  deflated.resize(zs.total_out);
  deflateEnd(&zs);
  std::string header("\x1f\x8b\x08\x1e\x00\x00\x00\x00\x00\x03", 10);  // FLG 0x1e
  header += std::string("\x04\x00xy\x00z", 6);                         // XLEN 4, extra
  header += std::string("pod.json\0", 9);                              // FNAME
  header += std::string("a comment\0", 10);                            // FCOMMENT
  const uLong hcrc = crc32(0, reinterpret_cast<const Bytef*>(header.data()), header.size());
  auto le32 = [](uLong v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
  };
  const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(text.data()), text.size());
  const std::string trailer = le32(crc) + le32(text.size());
  const std::string member = header + le32(hcrc).substr(0, 2) + deflated + trailer;
  ASSERT_EQ(ZlibGunzip(member), text);
  ExpectContent(member + member, "header.gz", text + text);
  std::string bad_hcrc = member;
  bad_hcrc[header.size()] = static_cast<char>(bad_hcrc[header.size()] ^ 1);
  ExpectInvalidEveryWay(bad_hcrc, "hcrc.gz", "corrupt gzip header");
  std::string not_deflate = member;
  not_deflate[2] = 7;  // CM other than 8
  ExpectInvalidEveryWay(not_deflate, "cm.gz", "corrupt gzip header");
}

TEST(DecompressTest, IgzipAgreesWithZlibOnRandomAndRealInputs) {
  std::vector<std::pair<std::string, std::string>> inputs = {
      {"random bytes", RandomBytes(200000, 1)},
      {"random 4-letter text", RandomBytes(300000, 2, 4)},
      {"log lines", Lines(5000)},
      {"one repeated byte", std::string(500000, 'a')},
  };
  for (const auto& entry : fs::recursive_directory_iterator(FLOE_TEST_DATA_DIR)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    inputs.emplace_back(entry.path().filename().string(), text.str());
  }
  ASSERT_GT(inputs.size(), 6u);
  for (const auto& [label, text] : inputs) {
    for (int level : {0, 1, 6, 9}) {
      for (int strategy : {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED}) {
        const std::string data = Gzip(text, level, strategy);
        const std::string reference = ZlibGunzip(data);
        ASSERT_EQ(reference.size(), text.size());
        auto decoded = Decode(data, label, kWays[3]);
        ASSERT_TRUE(decoded.ok()) << label << " level " << level << ": " << decoded.status();
        EXPECT_TRUE(*decoded == reference)
            << label << " level " << level << " strategy " << strategy;
      }
    }
  }
}

TEST(DecompressTest, IgzipAgreesWithZlibOnTheCorpusGeneratorsGzipFiles) {
  const fs::path dir =
      fs::temp_directory_path() / ("floe-decompress-corpus-" + std::to_string(getpid()));
  fs::remove_all(dir);
  floe::testing::CorpusOptions options;
  options.output = dir.string();
  options.apps = 1;
  options.target_bytes = 2 << 20;
  options.gzip_share = 1;
  ASSERT_TRUE(floe::testing::GenerateCorpus(options).ok());
  int gzip_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string data = bytes.str();
    if (DetectCompression(data) != Compression::kGzip) continue;
    ++gzip_files;
    EXPECT_TRUE(*Decode(data, entry.path().string(), kWays[3]) == ZlibGunzip(data)) << entry.path();
  }
  fs::remove_all(dir);
  EXPECT_GT(gzip_files, 3);
}

/// Runs `command` through the shell; its standard output.
std::string Shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  EXPECT_EQ(pclose(pipe), 0) << command;
  return out;
}

bool HasCommand(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

TEST(DecompressTest, FilesWrittenByGzipZstdAndPythonDecode) {
  const fs::path dir =
      fs::temp_directory_path() / ("floe-decompress-tools-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string text = Lines(5000) + RandomBytes(30000, 3, 64);
  const fs::path plain = dir / "pod.json";
  std::ofstream(plain, std::ios::binary) << text;
  const std::string p = plain.string();
  int tools = 0;
  if (HasCommand("gzip")) {
    ++tools;
    for (const std::string flags : {"-1", "-9", "-n", "-N"}) {
      ExpectContent(Shell("gzip -c " + flags + " " + p), "gzip" + flags, text, kQuickWays);
    }
    ExpectContent(Shell("gzip -c " + p + "; gzip -c -1 " + p), "gzip-twice", text + text,
                  kQuickWays);
  }
  if (HasCommand("zstd")) {
    ++tools;
    for (const std::string flags : {"-1", "-19", "--long=27", "--no-check"}) {
      ExpectContent(Shell("zstd -q -c " + flags + " " + p), "zstd" + flags, text, kQuickWays);
    }
    ExpectContent(Shell("zstd -q -c < " + p), "zstd-stdin", text, kQuickWays);
  }
  const char* env_python = std::getenv("FLOE_PYTHON");
  const std::string python = env_python ? env_python : "python3";
  if (HasCommand(python)) {
    ++tools;
    const std::string script =
        "import gzip, io, sys, zlib\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "out = sys.stdout.buffer\n"
        "out.write(gzip.compress(data, compresslevel=0, mtime=0))\n"  // stored blocks
        "buf = io.BytesIO()\n"
        "with gzip.GzipFile(filename='pod.json', mode='wb', fileobj=buf, mtime=1) as f:\n"
        "    f.write(data[:100000]); f.flush(); f.write(data[100000:])\n"  // FNAME, a flush
        "out.write(buf.getvalue())\n"
        "z = zlib.compressobj(9, zlib.DEFLATED, 31, 9, zlib.Z_RLE)\n"
        "out.write(z.compress(data) + z.flush())\n";
    const fs::path py = dir / "write.py";
    std::ofstream(py) << script;
    ExpectContent(Shell(python + " " + py.string() + " " + p), "python.gz", text + text + text,
                  kQuickWays);
  }
  fs::remove_all(dir);
  if (tools == 0) GTEST_SKIP() << "no gzip, zstd or python on PATH";
}

/// The peak resident set of this process so far (VmHWM), in KiB.
int64_t PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

std::string GzipOfNewlines(int64_t size) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
  const std::string chunk(1 << 20, '\n');
  std::string out, buf(1 << 16, '\0');
  for (int64_t left = size; left > 0 || zs.avail_in > 0;) {
    if (zs.avail_in == 0) {
      const int64_t n = std::min<int64_t>(left, chunk.size());
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
      zs.avail_in = static_cast<uInt>(n);
      left -= n;
    }
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = static_cast<uInt>(buf.size());
    deflate(&zs, Z_NO_FLUSH);
    out.append(buf.data(), buf.size() - zs.avail_out);
  }
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = static_cast<uInt>(buf.size());
    rc = deflate(&zs, Z_FINISH);
    out.append(buf.data(), buf.size() - zs.avail_out);
  } while (rc == Z_OK);
  EXPECT_EQ(rc, Z_STREAM_END);
  deflateEnd(&zs);
  return out;
}

std::string ZstdOfNewlines(int64_t size) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  const std::string chunk(1 << 20, '\n');
  std::string out, buf(ZSTD_CStreamOutSize(), '\0');
  for (int64_t left = size; left > 0;) {
    const int64_t n = std::min<int64_t>(left, chunk.size());
    left -= n;
    ZSTD_inBuffer in{chunk.data(), static_cast<size_t>(n), 0};
    const ZSTD_EndDirective mode = left == 0 ? ZSTD_e_end : ZSTD_e_continue;
    size_t rc;
    do {
      ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
      rc = ZSTD_compressStream2(cctx, &ob, &in, mode);
      out.append(buf.data(), ob.pos);
    } while (mode == ZSTD_e_end ? rc != 0 : in.pos < in.size);
  }
  ZSTD_freeCCtx(cctx);
  return out;
}

TEST(DecompressTest, ABombDecodesInBoundedMemory) {
  constexpr int64_t kContent = int64_t{64} << 20;  // 64 MiB of '\n'
  constexpr int64_t kCapacity = int64_t{1} << 20;
  for (const auto& [name, data] : {std::pair{"bomb.gz", GzipOfNewlines(kContent)},
                                   std::pair{"bomb.zst", ZstdOfNewlines(kContent)}}) {
    ASSERT_LT(data.size(), static_cast<size_t>(kContent / 100)) << name;
    // In a child, so that the peak resident set measures the decoding alone.
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      int64_t result[4] = {-1, -1, -1, -1};  // peak before KiB, after KiB, total, largest read
      std::vector<char> out(kCapacity);
      result[0] = PeakRssKb();
      auto stream = OpenString(data, name);
      int64_t total = 0, largest = 0;
      bool newlines_only = true;
      while (stream.ok()) {
        auto n = (*stream)->Read(out.data(), kCapacity);
        if (!n.ok() || *n == 0) break;
        total += *n;
        largest = std::max(largest, *n);
        newlines_only = newlines_only && std::count(out.begin(), out.begin() + *n, '\n') == *n;
      }
      result[1] = PeakRssKb();
      result[2] = newlines_only ? total : -total;
      result[3] = largest;
      (void)!write(fds[1], result, sizeof(result));
      _exit(0);
    }
    close(fds[1]);
    int64_t result[4] = {0, 0, 0, 0};
    const ssize_t got = read(fds[0], result, sizeof(result));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_EQ(got, static_cast<ssize_t>(sizeof(result))) << name;
    EXPECT_EQ(result[2], kContent) << name << ": content decoded (negative: not all '\\n')";
    EXPECT_LE(result[3], kCapacity) << name;
    EXPECT_GT(result[0], 0) << name;
    const int64_t growth_kb = result[1] - result[0];
    EXPECT_LT(growth_kb, 16 * 1024) << name << ": peak RSS grew by " << growth_kb << " KiB for "
                                    << kContent / 1024 << " KiB of content";
  }
}

}  // namespace
}  // namespace floe::ingest
