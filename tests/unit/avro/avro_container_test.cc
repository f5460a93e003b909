// Object container files: round trips with every codec, multi-block files, a file written by
// fastavro, and clear errors for truncated or corrupt files.

#include <gtest/gtest.h>

#include <arrow/buffer.h>
#include <arrow/io/memory.h>

#include <string>

#include "fastavro_fixture.h"
#include "floe/format/avro/avro_container.h"

namespace floe::avro {
namespace {

using V = AvroValue;

AvroField Field(std::string name, AvroSchemaPtr schema, int field_id) {
  AvroField f;
  f.name = std::move(name);
  f.schema = std::move(schema);
  f.props.Set("field-id", field_id);
  return f;
}

// A small manifest-entry-like schema: nested record, optional long, array with element-id,
// map, and a fixed.
AvroSchemaPtr EntrySchema() {
  auto pair = MakeRecord("k1_v2", {Field("key", MakePrimitive(AvroType::kInt), 1),
                                   Field("value", MakePrimitive(AvroType::kLong), 2)});
  auto data_file = MakeRecord(
      "r2", {Field("file_path", MakePrimitive(AvroType::kString), 100),
             Field("record_count", MakePrimitive(AvroType::kLong), 103),
             Field("column_sizes",
                   MakeOptional(MakeArray(pair, {{"logicalType", "map"}})), 108),
             Field("split_offsets",
                   MakeOptional(MakeArray(MakePrimitive(AvroType::kLong), {{"element-id", 133}})),
                   132),
             Field("tags", MakeMap(MakePrimitive(AvroType::kString)), 140),
             Field("key_metadata", MakeOptional(MakePrimitive(AvroType::kBytes)), 131),
             Field("checksum", MakeFixed("md5", 4), 141)});
  return MakeRecord("manifest_entry",
                    {Field("status", MakePrimitive(AvroType::kInt), 0),
                     Field("snapshot_id", MakeOptional(MakePrimitive(AvroType::kLong)), 1),
                     Field("data_file", data_file, 2)});
}

AvroValue Entry(int64_t i) {
  return V::Record({
      V::Int(static_cast<int32_t>(i % 3)),
      i % 5 == 0 ? V::Null() : V::Long(1000 + i),
      V::Record({
          V::String("/warehouse/db/t/data/part-" + std::to_string(i) + ".parquet"),
          V::Long(i * 7),
          i % 2 == 0 ? V::Null()
                     : V::Array({V::Record({V::Int(1), V::Long(i)}),
                                 V::Record({V::Int(2), V::Long(-i)})}),
          V::Array({V::Long(4), V::Long(i)}),
          V::Map({"k"}, {V::String(std::to_string(i))}),
          i % 4 == 0 ? V::Bytes("key") : V::Null(),
          V::Fixed("abcd"),
      }),
  });
}

std::string WriteFile(Codec codec, int64_t n, std::map<std::string, std::string> meta = {}) {
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto writer = ContainerWriter::Open(sink, EntrySchema(), std::move(meta), codec).ValueOrDie();
  for (int64_t i = 0; i < n; ++i) {
    auto st = writer->Append(Entry(i));
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  EXPECT_TRUE(writer->Close().ok());
  auto buffer = sink->Finish().ValueOrDie();
  EXPECT_EQ(writer->bytes_written(), buffer->size());
  return buffer->ToString();
}

// Reads every record; returns the first error.
arrow::Result<std::vector<AvroValue>> ReadAll(std::string data, std::string name = "t.avro") {
  ARROW_ASSIGN_OR_RAISE(auto reader, ContainerReader::Open(std::move(data), std::move(name)));
  std::vector<AvroValue> out;
  AvroValue v;
  while (true) {
    ARROW_ASSIGN_OR_RAISE(bool more, reader->Next(&v));
    if (!more) break;
    out.push_back(v);
  }
  return out;
}

void ExpectEntry(const AvroValue& v, int64_t i) {
  ASSERT_EQ(v.kind, V::Kind::kRecord);
  EXPECT_EQ(v[0].AsInt(), i % 3);
  EXPECT_EQ(v[1].is_null(), i % 5 == 0);
  if (i % 5 != 0) {
    EXPECT_EQ(v[1].AsLong(), 1000 + i);
  }
  const AvroValue& df = v[2];
  EXPECT_EQ(df[0].AsBytes(), "/warehouse/db/t/data/part-" + std::to_string(i) + ".parquet");
  EXPECT_EQ(df[1].AsLong(), i * 7);
  if (i % 2 == 0) {
    EXPECT_TRUE(df[2].is_null());
  } else {
    ASSERT_EQ(df[2].children.size(), 2u);
    EXPECT_EQ(df[2][1][1].AsLong(), -i);
  }
  EXPECT_EQ(df[3][1].AsLong(), i);
  EXPECT_EQ(df[4].keys, std::vector<std::string>{"k"});
  EXPECT_EQ(df[4][0].AsBytes(), std::to_string(i));
  EXPECT_EQ(df[5].is_null(), i % 4 != 0);
  EXPECT_EQ(df[6].kind, V::Kind::kFixed);
  EXPECT_EQ(df[6].AsBytes(), "abcd");
}

size_t CountOccurrences(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

std::string CodecTestName(const ::testing::TestParamInfo<Codec>& info) {
  switch (info.param) {
    case Codec::kNull: return "Null";
    case Codec::kDeflate: return "Deflate";
    case Codec::kZstandard: return "Zstandard";
  }
  return "Unknown";
}

class ContainerCodecTest : public ::testing::TestWithParam<Codec> {};

TEST_P(ContainerCodecTest, RoundTripsManyRecordsAcrossSeveralBlocks) {
  const int64_t n = 5000;  // ~400 KiB encoded: several 64 KiB blocks
  std::string file = WriteFile(GetParam(), n, {{"format-version", "2"}, {"schema", "{}"}});
  // The sync marker ends the file and follows the header and each block.
  const std::string sync = file.substr(file.size() - 16);
  EXPECT_GE(CountOccurrences(file, sync), 4u);

  auto reader = ContainerReader::Open(file, "m.avro").ValueOrDie();
  EXPECT_EQ(reader->metadata().at("format-version"), "2");
  EXPECT_EQ(reader->metadata().at("schema"), "{}");
  const char* codec_names[] = {"null", "deflate", "zstandard"};
  EXPECT_EQ(reader->metadata().at("avro.codec"), codec_names[static_cast<int>(GetParam())]);
  EXPECT_EQ(reader->schema()->ToJsonString(), EntrySchema()->ToJsonString());
  EXPECT_EQ(
      reader->schema()->fields[2].schema->fields[3].schema->branches[1]->props.GetInt("element-id"),
      133);

  AvroValue v;
  int64_t i = 0;
  while (reader->Next(&v).ValueOrDie()) ExpectEntry(v, i++);
  EXPECT_EQ(i, n);
  EXPECT_FALSE(reader->Next(&v).ValueOrDie());  // stays at the end
}

TEST_P(ContainerCodecTest, FileWithoutRecordsHasOnlyAHeader) {
  auto records = ReadAll(WriteFile(GetParam(), 0));
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_TRUE(records->empty());
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, ContainerCodecTest,
                         ::testing::Values(Codec::kNull, Codec::kDeflate, Codec::kZstandard),
                         CodecTestName);

TEST(ContainerTest, CompressionShrinksRepetitiveManifests) {
  EXPECT_LT(WriteFile(Codec::kDeflate, 2000).size(), WriteFile(Codec::kNull, 2000).size() / 3);
  EXPECT_LT(WriteFile(Codec::kZstandard, 2000).size(), WriteFile(Codec::kNull, 2000).size() / 3);
}

TEST(ContainerTest, ReadsAFileWrittenByFastavroWithDeflate) {
  auto reader =
      ContainerReader::Open(std::string(testing::kFastavroDeflateFile), "fastavro.avro");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const auto& r = *reader;
  EXPECT_EQ(r->metadata().at("avro.codec"), "deflate");
  EXPECT_EQ(r->metadata().at("format-version"), "2");
  const AvroSchema& s = *r->schema();
  EXPECT_EQ(s.FieldIndexById(507), 3);
  EXPECT_EQ(s.fields[3].schema->branches[1]->props.GetInt("element-id"), 508);
  EXPECT_EQ(s.fields[3].schema->branches[1]->items->name, "r508");

  AvroValue v;
  ASSERT_TRUE(r->Next(&v).ValueOrDie());
  EXPECT_EQ(v[0].AsBytes(), "/w/t/metadata/m0.avro");
  EXPECT_EQ(v[1].AsLong(), 1234567890123);
  EXPECT_EQ(v[2].AsInt(), 0);
  ASSERT_EQ(v[3].children.size(), 2u);
  EXPECT_FALSE(v[3][0][0].boolean);
  EXPECT_EQ(v[3][0][1].AsBytes(), std::string("\x01\0\0\0", 4));
  EXPECT_TRUE(v[3][1][0].boolean);
  EXPECT_TRUE(v[3][1][1].is_null());
  EXPECT_TRUE(v[4].is_null());
  EXPECT_EQ(v[5].keys, std::vector<std::string>{"a"});
  EXPECT_EQ(v[5][0].floating, 1.5);
  EXPECT_EQ(v[6].AsBytes(), "\xde\xad\xbe\xef");

  ASSERT_TRUE(r->Next(&v).ValueOrDie());
  EXPECT_EQ(v[0].AsBytes(), "/w/t/metadata/m1.avro");
  EXPECT_EQ(v[1].AsLong(), -1);
  EXPECT_TRUE(v[3].is_null());
  EXPECT_EQ(v[4].AsBytes(), "k");
  EXPECT_TRUE(v[5].children.empty());
  EXPECT_EQ(v[6].AsBytes(), std::string("\0\1\2\3", 4));
  EXPECT_FALSE(r->Next(&v).ValueOrDie());
}

TEST(ContainerTest, AppendRejectsAMismatchAndKeepsEarlierRecords) {
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto writer = ContainerWriter::Open(sink, EntrySchema(), {}, Codec::kNull).ValueOrDie();
  ASSERT_TRUE(writer->Append(Entry(1)).ok());
  AvroValue bad = Entry(2);
  bad.children[2].children[1] = V::String("many");
  auto st = writer->Append(bad);
  ASSERT_TRUE(st.IsInvalid());
  EXPECT_NE(st.message().find("field 'data_file.record_count'"), std::string::npos) << st;
  ASSERT_TRUE(writer->Append(Entry(3)).ok());
  ASSERT_TRUE(writer->Close().ok());
  EXPECT_TRUE(writer->Append(Entry(4)).IsInvalid());

  auto records = ReadAll(sink->Finish().ValueOrDie()->ToString());
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);
  ExpectEntry((*records)[0], 1);
  ExpectEntry((*records)[1], 3);
}

TEST(ContainerTest, OpenRejectsReservedMetadataAndUnwritableSchemas) {
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto reserved = ContainerWriter::Open(sink, EntrySchema(), {{"avro.codec", "null"}});
  ASSERT_FALSE(reserved.ok());
  EXPECT_NE(reserved.status().message().find("'avro.codec' is reserved"), std::string::npos);

  auto bad_name = MakeRecord("r", {Field("a-b", MakePrimitive(AvroType::kInt), 1)});
  auto invalid = ContainerWriter::Open(sink, bad_name, {});
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(invalid.status().message().find("invalid field name 'a-b'"), std::string::npos);
}

// --- Corrupt and truncated files ----------------------------------------------------------

TEST(ContainerCorruptionTest, BadMagicIsNamed) {
  std::string file = WriteFile(Codec::kNull, 3);
  file[3] = '\x02';
  auto r = ContainerReader::Open(file, "/w/t/metadata/snap-1.avro");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "/w/t/metadata/snap-1.avro: not an Avro object container file (bad magic)");
  EXPECT_FALSE(ContainerReader::Open("", "empty.avro").ok());
  EXPECT_FALSE(ContainerReader::Open("Obj", "short.avro").ok());
}

TEST(ContainerCorruptionTest, BadSyncMarkerIsReportedWithItsOffset) {
  std::string file = WriteFile(Codec::kDeflate, 3);
  file[file.size() - 1] ^= 0x55;
  auto records = ReadAll(file, "m.avro");
  ASSERT_FALSE(records.ok());
  EXPECT_NE(records.status().message().find("m.avro: sync marker mismatch at byte " +
                                            std::to_string(file.size() - 16)),
            std::string::npos)
      << records.status();
}

TEST(ContainerCorruptionTest, HugeBlockSizeIsATruncationNotAnAllocation) {
  std::string file = WriteFile(Codec::kNull, 3);
  // The first block starts right after the header's sync marker: a one-byte record count,
  // then the varint byte size, which is replaced by 2^31-1.
  const std::string sync = file.substr(file.size() - 16);
  const size_t block = file.find(sync) + 16;
  size_t size_len = 1;
  while (static_cast<unsigned char>(file[block + size_len]) & 0x80) ++size_len;
  std::string patched =
      file.substr(0, block + 1) + "\xfe\xff\xff\xff\x0f" + file.substr(block + 1 + size_len);
  auto records = ReadAll(patched, "m.avro");
  ASSERT_FALSE(records.ok());
  EXPECT_TRUE(records.status().IsIOError()) << records.status();
  EXPECT_NE(records.status().message().find("m.avro: truncated block of 2147483647 bytes at byte " +
                                            std::to_string(block)),
            std::string::npos)
      << records.status();
}

TEST(ContainerCorruptionTest, UnsupportedCodecIsNamed) {
  std::string file = WriteFile(Codec::kNull, 1);
  // Same length as "null" keeps every offset valid.
  size_t pos = file.find("\x08null");
  ASSERT_NE(pos, std::string::npos);
  file.replace(pos + 1, 4, "lzma");
  auto r = ContainerReader::Open(file, "m.avro");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "m.avro: unsupported Avro codec 'lzma'");
}

TEST(ContainerCorruptionTest, EveryTruncationIsAnErrorAndNeverACrash) {
  for (Codec codec : {Codec::kNull, Codec::kDeflate, Codec::kZstandard}) {
    std::string file = WriteFile(codec, 20);
    const std::string sync = file.substr(file.size() - 16);
    for (size_t len = 0; len < file.size(); ++len) {
      auto records = ReadAll(file.substr(0, len), "cut.avro");
      if (records.ok()) {
        // The format has no footer: a cut right after a sync marker is a shorter valid file.
        ASSERT_GE(len, 16u);
        EXPECT_EQ(file.substr(len - 16, 16), sync) << "codec " << static_cast<int>(codec)
                                                   << " len " << len;
        EXPECT_LT(records->size(), 20u);
        continue;
      }
      EXPECT_EQ(records.status().message().rfind("cut.avro: ", 0), 0u) << records.status();
    }
    EXPECT_TRUE(ReadAll(file).ok());
  }
}

TEST(ContainerCorruptionTest, FlippedBytesNeverCrash) {
  // Each single-byte corruption either still decodes or is a clean error (run under ASan).
  for (Codec codec : {Codec::kNull, Codec::kDeflate, Codec::kZstandard}) {
    std::string file = WriteFile(codec, 10);
    for (size_t pos = 0; pos < file.size(); ++pos) {
      for (unsigned char mask : {0x01, 0xff}) {
        std::string bad = file;
        bad[pos] = static_cast<char>(bad[pos] ^ mask);
        auto records = ReadAll(std::move(bad), "flip.avro");
        if (!records.ok()) {
          EXPECT_EQ(records.status().message().rfind("flip.avro: ", 0), 0u) << records.status();
        }
      }
    }
  }
}

TEST(ContainerCorruptionTest, TrailingGarbageAfterTheLastBlockIsAnError) {
  auto records = ReadAll(WriteFile(Codec::kNull, 2) + "xyz", "m.avro");
  ASSERT_FALSE(records.ok());
  EXPECT_NE(records.status().message().find("m.avro: "), std::string::npos);
}

}  // namespace
}  // namespace floe::avro
