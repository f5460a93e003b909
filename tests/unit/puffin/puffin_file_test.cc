// Puffin files round-trip through floe's writer and reader, byte layout checked against the
// spec (magic, footer payload size little-endian, flags), with uncompressed, zstd and lz4
// blobs, an LZ4-compressed footer, and clear errors for files that are not Puffin.

#include <arrow/buffer.h>
#include <arrow/io/memory.h>
#include <gtest/gtest.h>

#include <string>

#include "floe/format/puffin/puffin_codec_internal.h"
#include "floe/format/puffin/puffin_reader.h"
#include "floe/format/puffin/puffin_writer.h"

namespace floe::puffin {
namespace {

std::shared_ptr<arrow::io::RandomAccessFile> InMemory(const std::string& bytes) {
  return std::make_shared<arrow::io::BufferReader>(arrow::Buffer::FromString(bytes));
}

// Writes blobs into memory and returns the file's bytes.
std::string WriteFile(const std::vector<std::pair<Blob, std::optional<std::string>>>& blobs,
                      std::vector<BlobMetadata>* written = nullptr) {
  auto sink = *arrow::io::BufferOutputStream::Create();
  auto writer = *PuffinWriter::Open(sink, "mem.puffin", {{"created-by", "floe test"}});
  for (const auto& [blob, codec] : blobs) {
    auto m = writer->Add(blob, codec);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    if (written && m.ok()) written->push_back(*m);
  }
  EXPECT_TRUE(writer->Finish().ok());
  auto buffer = *sink->Finish();
  EXPECT_EQ(writer->file_size(), buffer->size());
  return buffer->ToString();
}

Blob MakeBlob(std::string type, std::string payload) {
  Blob b;
  b.type = std::move(type);
  b.fields = {1, 2};
  b.snapshot_id = 42;
  b.sequence_number = 7;
  b.payload = std::move(payload);
  b.properties = {{"k", "v"}};
  return b;
}

TEST(PuffinFile, LayoutFollowsTheSpec) {
  std::string bytes = WriteFile({{MakeBlob("t", "abc"), std::nullopt}});
  ASSERT_GE(bytes.size(), 4u + 3u + 4u + 12u);
  EXPECT_EQ(bytes.substr(0, 4), "PFA1");
  EXPECT_EQ(bytes.substr(4, 3), "abc");   // the first blob follows the magic
  EXPECT_EQ(bytes.substr(7, 4), "PFA1");  // the footer's magic
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "PFA1");
  const auto* u = reinterpret_cast<const uint8_t*>(bytes.data() + bytes.size() - 12);
  const uint32_t payload_size = u[0] | u[1] << 8 | u[2] << 16 | u[3] << 24;
  EXPECT_EQ(payload_size, bytes.size() - 4 - 3 - 4 - 12);
  EXPECT_EQ(std::string(bytes.data() + bytes.size() - 8, 4), std::string(4, '\0'));
  const std::string payload = bytes.substr(11, payload_size);
  auto metadata = FileMetadataFromJson(payload, "payload");
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  ASSERT_EQ(metadata->blobs.size(), 1u);
  EXPECT_EQ(metadata->blobs[0].offset, 4);
  EXPECT_EQ(metadata->blobs[0].length, 3);
  EXPECT_EQ(metadata->properties.at("created-by"), "floe test");
  // Keys exactly as the spec spells them.
  for (const char* key : {"\"blobs\"", "\"type\"", "\"fields\"", "\"snapshot-id\"",
                          "\"sequence-number\"", "\"offset\"", "\"length\"", "\"properties\""}) {
    EXPECT_NE(payload.find(key), std::string::npos) << key;
  }
  EXPECT_EQ(payload.find("compression-codec"), std::string::npos);
}

TEST(PuffinFile, BlobsRoundTripUncompressedZstdAndLz4) {
  std::string big(100000, 'x');
  for (size_t i = 0; i < big.size(); i += 7) big[i] = static_cast<char>('a' + i % 26);
  std::vector<BlobMetadata> written;
  std::string bytes = WriteFile({{MakeBlob("plain", "hello"), std::nullopt},
                                 {MakeBlob("z", big), std::string("zstd")},
                                 {MakeBlob("l", big), std::string("lz4")},
                                 {MakeBlob("empty", ""), std::nullopt}},
                                &written);
  auto reader = PuffinReader::Open(InMemory(bytes), "mem.puffin");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const auto& blobs = (*reader)->metadata().blobs;
  ASSERT_EQ(blobs.size(), 4u);
  EXPECT_EQ(blobs[0].type, "plain");
  EXPECT_EQ(blobs[0].fields, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(blobs[0].snapshot_id, 42);
  EXPECT_EQ(blobs[0].sequence_number, 7);
  EXPECT_EQ(blobs[0].properties.at("k"), "v");
  EXPECT_FALSE(blobs[0].compression_codec.has_value());
  EXPECT_EQ(blobs[1].compression_codec, "zstd");
  EXPECT_EQ(blobs[2].compression_codec, "lz4");
  EXPECT_LT(blobs[1].length, static_cast<int64_t>(big.size()));  // really compressed
  for (size_t i = 0; i < blobs.size(); ++i) {
    EXPECT_EQ(blobs[i].offset, written[i].offset);
    EXPECT_EQ(blobs[i].length, written[i].length);
  }
  EXPECT_EQ(*(*reader)->ReadBlob(blobs[0]), "hello");
  EXPECT_EQ(*(*reader)->ReadBlob(blobs[1]), big);
  EXPECT_EQ(*(*reader)->ReadBlob(blobs[2]), big);
  EXPECT_EQ(*(*reader)->ReadBlob(blobs[3]), "");
  // A blob read by its range alone, as deletion vectors are.
  auto file = InMemory(bytes);
  EXPECT_EQ(*ReadBlobAt(*file, "mem.puffin", blobs[0].offset, blobs[0].length), "hello");
}

TEST(PuffinFile, ReadsAnLz4CompressedFooter) {
  FileMetadata metadata;
  BlobMetadata blob;
  blob.type = "t";
  blob.offset = 4;
  blob.length = 2;
  metadata.blobs.push_back(blob);
  auto payload = internal::Compress("lz4", FileMetadataToJson(metadata));
  ASSERT_TRUE(payload.ok());
  std::string bytes = "PFA1ok";
  bytes += "PFA1" + *payload;
  const auto n = static_cast<uint32_t>(payload->size());
  for (int s = 0; s < 32; s += 8) bytes.push_back(static_cast<char>((n >> s) & 0xff));
  bytes += std::string("\x01\0\0\0", 4) + "PFA1";
  auto reader = PuffinReader::Open(InMemory(bytes), "lz4.puffin");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_EQ((*reader)->metadata().blobs.size(), 1u);
  EXPECT_EQ(*(*reader)->ReadBlob((*reader)->metadata().blobs[0]), "ok");
}

TEST(PuffinFile, EmptyFileHasNoBlobs) {
  std::string bytes = WriteFile({});
  auto reader = PuffinReader::Open(InMemory(bytes), "empty.puffin");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_TRUE((*reader)->metadata().blobs.empty());
}

TEST(PuffinFile, RefusesFilesThatAreNotPuffin) {
  std::string good = WriteFile({{MakeBlob("t", "abc"), std::nullopt}});
  auto open = [](const std::string& bytes) {
    return PuffinReader::Open(InMemory(bytes), "bad.puffin").status();
  };
  auto st = open("PAR1 not a puffin file at all, no");
  EXPECT_TRUE(st.IsInvalid());
  EXPECT_NE(st.message().find("bad.puffin"), std::string::npos) << st.ToString();
  EXPECT_TRUE(open(good.substr(0, good.size() - 1)).IsInvalid());  // truncated
  EXPECT_TRUE(open("PFA1").IsInvalid());
  std::string huge_size = good;
  huge_size[huge_size.size() - 10] = '\x7f';  // payload size larger than the file
  EXPECT_TRUE(open(huge_size).IsInvalid());
  std::string bad_json = good;
  bad_json[11] = '[';
  EXPECT_TRUE(open(bad_json).IsInvalid());
  // A blob codec outside the spec is refused by name.
  auto sink = *arrow::io::BufferOutputStream::Create();
  auto writer = *PuffinWriter::Open(sink, "mem.puffin");
  auto added = writer->Add(MakeBlob("t", "x"), std::string("snappy"));
  EXPECT_FALSE(added.ok());
  EXPECT_NE(added.status().message().find("snappy"), std::string::npos);
}

}  // namespace
}  // namespace floe::puffin
