// Deletion vectors (spec: "Deletion Vectors", Puffin "deletion-vector-v1"): the blob framing
// and Roaring bytes checked by hand against the spec, round trips through every container
// kind, and cross-checks with independent implementations: pyroaring (CRoaring) reads floe's
// bitmaps and writes ones floe reads, and PyIceberg reads floe's Puffin files.

#include "floe/iceberg/data/deletion_vector.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "../../interop_python.h"
#include "../manifest/manifest_test_util.h"
#include "floe/iceberg/data/roaring_position_bitmap.h"
#include "floe/util/hex.h"

namespace floe::iceberg {
namespace {

using testing::LocalIO;
using testing::RunPythonJson;
using testing::ScratchDir;

PositionSet Positions(const std::vector<int64_t>& values) {
  PositionSet set;
  for (int64_t v : values) set.Add(v);
  set.Seal();
  return set;
}

// Sets that need every container kind, several 32-bit keys and the 16-bit chunk edges.
std::vector<std::vector<int64_t>> InterestingSets() {
  std::vector<std::vector<int64_t>> sets;
  sets.push_back({});
  sets.push_back({0});
  sets.push_back({1, 2, 5});
  std::vector<int64_t> dense;  // a run container
  for (int64_t i = 100; i < 70000; ++i) dense.push_back(i);
  sets.push_back(dense);
  std::vector<int64_t> alternating;  // a bitmap container (no runs, > 4096 values)
  for (int64_t i = 0; i < 65536; i += 2) alternating.push_back(i);
  sets.push_back(alternating);
  std::vector<int64_t> mixed;  // array, bitmap and run in one bitmap, and high keys
  std::mt19937_64 rng(7);
  for (int i = 0; i < 3000; ++i) mixed.push_back(static_cast<int64_t>(rng() % 65536));
  for (int64_t i = 65536; i < 65536 + 20000; i += 3) mixed.push_back(i);
  for (int64_t i = 3 * 65536; i < 4 * 65536; ++i) mixed.push_back(i);
  mixed.push_back(65535);
  mixed.push_back((int64_t{1} << 32) + 5);
  mixed.push_back((int64_t{7} << 32) | 0xffff0000);
  mixed.push_back((int64_t{0x7ffffffe} << 32) | 0xffffffff);
  sets.push_back(mixed);
  std::vector<int64_t> many_chunks;  // run cookie with offsets (>= 4 containers)
  for (int64_t c = 0; c < 6; ++c) {
    for (int64_t i = 0; i < 500; ++i) many_chunks.push_back(c * 65536 + i);
  }
  sets.push_back(many_chunks);
  return sets;
}

TEST(DeletionVector, BytesMatchTheSpecByHand) {
  auto blob = SerializeDeletionVector(Positions({1, 2, 5}));
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  // Vector: one 32-bit bitmap (8 bytes LE), key 0 (4 bytes LE), then the portable 32-bit
  // bitmap: cookie 12346, one container, key 0 with cardinality-1 = 2, offset 16, values.
  const std::string vector = *util::FromHex(
      "0100000000000000"
      "00000000"
      "3a300000"
      "01000000"
      "00000200"
      "10000000"
      "010002000500");
  std::string body = std::string("\xD1\xD3\x39\x64", 4) + vector;
  std::string expected;
  const auto len = static_cast<uint32_t>(body.size());
  for (int s = 24; s >= 0; s -= 8) expected.push_back(static_cast<char>((len >> s) & 0xff));
  expected += body;
  const auto crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
  for (int s = 24; s >= 0; s -= 8) expected.push_back(static_cast<char>((crc >> s) & 0xff));
  EXPECT_EQ(util::ToHex(*blob), util::ToHex(expected));
}

TEST(DeletionVector, RunContainerBytesByHand) {
  // 0..9 is one run: cookie 12347 with (containers-1)=0 in the high half, one flag byte,
  // the header, no offsets (fewer than 4 containers), then 1 run (start 0, length-1 9).
  auto vector = SerializeRoaringPositions(Positions({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  ASSERT_TRUE(vector.ok());
  EXPECT_EQ(util::ToHex(*vector),
            "0100000000000000"
            "00000000"
            "3b300000"
            "01"
            "00000900"
            "0100"
            "00000900");
}

TEST(DeletionVector, RoundTripsEveryContainerKind) {
  for (const auto& values : InterestingSets()) {
    auto blob = SerializeDeletionVector(Positions(values));
    ASSERT_TRUE(blob.ok()) << blob.status().ToString();
    auto back = DeserializeDeletionVector(*blob, "test");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->positions(), Positions(values).positions()) << values.size();
  }
}

TEST(DeletionVector, RefusesCorruptBlobs) {
  std::string blob = *SerializeDeletionVector(Positions({1, 2, 3, 100000}));
  std::string bad_crc = blob;
  bad_crc.back() = static_cast<char>(bad_crc.back() ^ 1);
  EXPECT_NE(DeserializeDeletionVector(bad_crc, "dv").status().message().find("checksum"),
            std::string::npos);
  std::string bad_magic = blob;
  bad_magic[4] = 'X';
  EXPECT_NE(DeserializeDeletionVector(bad_magic, "dv").status().message().find("magic"),
            std::string::npos);
  EXPECT_TRUE(
      DeserializeDeletionVector(blob.substr(0, blob.size() - 1), "dv").status().IsInvalid());
  EXPECT_TRUE(DeserializeDeletionVector("abc", "dv").status().IsInvalid());
  // A bitmap whose container claims more values than follow.
  std::string truncated = *SerializeRoaringPositions(Positions({1, 2, 5}));
  EXPECT_TRUE(DeserializeRoaringPositions(truncated.substr(0, truncated.size() - 2), "v")
                  .status()
                  .IsInvalid());
  EXPECT_TRUE(DeserializeRoaringPositions(truncated + "x", "v").status().IsInvalid());
  EXPECT_TRUE(SerializeRoaringPositions(Positions({-1})).status().IsInvalid());
}

DataFile DataFileAt(const std::string& path, int32_t spec_id, std::vector<Literal> partition) {
  DataFile f;
  f.file_path = path;
  f.spec_id = spec_id;
  f.partition = std::move(partition);
  return f;
}

TEST(DeletionVector, WriteThenReadEachDataFilesVector) {
  ScratchDir dir("dv");
  auto io = LocalIO();
  std::map<std::string, PositionSet> deleted;
  deleted["s3://b/t/data/a.parquet"] = Positions({5, 1, 3});
  for (int64_t p : {9, 8, 70000}) deleted["s3://b/t/data/b.parquet"].Add(p);  // unsealed
  std::map<std::string, DataFile> files;
  files["s3://b/t/data/a.parquet"] = DataFileAt("s3://b/t/data/a.parquet", 1, {Literal::Int(3)});
  files["s3://b/t/data/b.parquet"] = DataFileAt("s3://b/t/data/b.parquet", 1, {Literal::Int(4)});
  const std::string location = dir / "dv-1.puffin";
  auto dvs = WriteDeletionVectors(*io, location, deleted, files);
  ASSERT_TRUE(dvs.ok()) << dvs.status().ToString();
  ASSERT_EQ(dvs->size(), 2u);
  const auto size = static_cast<int64_t>(std::filesystem::file_size(location));
  for (const DataFile& dv : *dvs) {
    EXPECT_TRUE(dv.is_deletion_vector());
    EXPECT_EQ(dv.file_path, location);
    EXPECT_EQ(dv.file_size_in_bytes, size);
    EXPECT_EQ(dv.spec_id, 1);
    ASSERT_TRUE(dv.referenced_data_file.has_value());
    EXPECT_EQ(dv.partition, files.at(*dv.referenced_data_file).partition);
    EXPECT_EQ(dv.record_count, 3);
    auto read = ReadDeletionVector(*io, dv);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    PositionSet expected = deleted.at(*dv.referenced_data_file);
    expected.Seal();
    EXPECT_EQ(read->positions(), expected.positions());
  }
  EXPECT_NE((*dvs)[0].content_offset, (*dvs)[1].content_offset);
  EXPECT_EQ((*dvs)[0].content_offset, 4);  // right after the Puffin magic

  DataFile wrong_count = (*dvs)[0];
  wrong_count.record_count = 4;
  auto st = ReadDeletionVector(*io, wrong_count).status();
  EXPECT_NE(st.message().find("record_count"), std::string::npos) << st.ToString();
  DataFile no_offset = (*dvs)[0];
  no_offset.content_offset.reset();
  EXPECT_TRUE(ReadDeletionVector(*io, no_offset).status().IsInvalid());

  std::map<std::string, PositionSet> unknown = {{"s3://b/t/data/c.parquet", Positions({1})}};
  EXPECT_TRUE(WriteDeletionVectors(*io, dir / "x.puffin", unknown, files).status().IsInvalid());
  EXPECT_FALSE(std::filesystem::exists(dir / "x.puffin"));
}

// pyroaring (CRoaring's roaring64 portable format) reads what floe writes, and floe reads
// what pyroaring writes with run optimisation on and off.
constexpr const char* kPyroaringCheck = R"PY(
import json, sys
from pyroaring import BitMap64
folder = sys.argv[1]
sets = json.load(open(folder + "/sets.json"))
out = {"read": [], "written": []}
for i, values in enumerate(sets):
    floe_bytes = open(f"{folder}/floe-{i}.bin", "rb").read()
    out["read"].append(list(BitMap64.deserialize(floe_bytes)))
    b = BitMap64(values)
    open(f"{folder}/plain-{i}.bin", "wb").write(b.serialize())
    b.run_optimize()
    open(f"{folder}/runs-{i}.bin", "wb").write(b.serialize())
print(json.dumps(out))
)PY";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(DeletionVector, AgreesWithPyroaring) {
  std::string python;
  FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
  ScratchDir dir("dv-roaring");
  const auto sets = InterestingSets();
  std::ofstream(dir / "sets.json") << nlohmann::json(sets).dump();
  for (size_t i = 0; i < sets.size(); ++i) {
    std::ofstream(dir / ("floe-" + std::to_string(i) + ".bin"), std::ios::binary)
        << *SerializeRoaringPositions(Positions(sets[i]));
  }
  auto out = RunPythonJson(python, dir, kPyroaringCheck, dir.path());
  ASSERT_TRUE(out.is_object()) << out.dump();
  for (size_t i = 0; i < sets.size(); ++i) {
    EXPECT_EQ(out["read"][i].get<std::vector<int64_t>>(), Positions(sets[i]).positions()) << i;
    for (const char* kind : {"plain-", "runs-"}) {
      const std::string bytes = ReadFile(dir / (kind + std::to_string(i) + ".bin"));
      auto read = DeserializeRoaringPositions(bytes, kind);
      ASSERT_TRUE(read.ok()) << read.status().ToString();
      EXPECT_EQ(read->positions(), Positions(sets[i]).positions()) << kind << i;
    }
  }
  // With run optimisation floe picks the containers CRoaring does: the same bytes.
  for (size_t i = 0; i < sets.size(); ++i) {
    EXPECT_EQ(util::ToHex(ReadFile(dir / ("runs-" + std::to_string(i) + ".bin"))),
              util::ToHex(*SerializeRoaringPositions(Positions(sets[i]))))
        << i;
  }
}

// PyIceberg's Puffin reader and deletion-vector decoder read floe's file; the CRC, which
// PyIceberg does not check, is checked with Python's zlib.
constexpr const char* kPyIcebergCheck = R"PY(
import json, sys, zlib
from pyiceberg.table.puffin import PuffinFile
from pyiceberg.table.deletion_vector import deletion_vectors_from_puffin_file
data = open(sys.argv[1], "rb").read()
puffin = PuffinFile(data)
out = {"blobs": [], "vectors": {}, "created_by": puffin.footer.properties.get("created-by")}
for blob in puffin.footer.blobs:
    payload = puffin.get_blob_payload(blob)
    n = int.from_bytes(payload[0:4], "big")
    body = payload[4:4 + n]
    out["blobs"].append({
        "type": blob.type, "fields": blob.fields, "snapshot_id": blob.snapshot_id,
        "sequence_number": blob.sequence_number, "offset": blob.offset, "length": blob.length,
        "codec": blob.compression_codec, "properties": blob.properties,
        "crc_ok": int.from_bytes(payload[4 + n:], "big") == zlib.crc32(body),
        "magic": body[0:4].hex()})
for dv in deletion_vectors_from_puffin_file(puffin):
    out["vectors"][dv.referenced_data_file] = dv.to_vector().to_pylist()
print(json.dumps(out))
)PY";

TEST(DeletionVector, PyIcebergReadsFloesPuffin) {
  std::string python;
  FLOE_ASSIGN_INTEROP_PYTHON_OR_SKIP(python);
  ScratchDir dir("dv-pyiceberg");
  auto io = LocalIO();
  const auto sets = InterestingSets();
  std::map<std::string, PositionSet> deleted;
  std::map<std::string, DataFile> files;
  for (size_t i = 1; i < sets.size(); ++i) {  // every non-empty set, one data file each
    const std::string path = "file:/t/data/f" + std::to_string(i) + ".parquet";
    // PyIceberg keeps one 32-bit bitmap per key up to the highest, so positions near 2^63
    // would take it billions of steps: stay below key 8 here (pyroaring covers the rest).
    std::vector<int64_t> values;
    for (int64_t v : sets[i]) {
      if (v < (int64_t{8} << 32)) values.push_back(v);
    }
    deleted[path] = Positions(values);
    files[path] = DataFileAt(path, 0, {});
  }
  const std::string location = dir / "dvs.puffin";
  auto dvs = WriteDeletionVectors(*io, location, deleted, files);
  ASSERT_TRUE(dvs.ok()) << dvs.status().ToString();
  auto out = RunPythonJson(python, dir, kPyIcebergCheck, location);
  ASSERT_TRUE(out.is_object()) << out.dump();
  EXPECT_EQ(out["created_by"], "floe");
  ASSERT_EQ(out["blobs"].size(), dvs->size());
  for (size_t i = 0; i < dvs->size(); ++i) {
    const auto& blob = out["blobs"][i];
    const DataFile& dv = (*dvs)[i];
    EXPECT_EQ(blob["type"], "deletion-vector-v1");
    EXPECT_EQ(blob["fields"], nlohmann::json({2147483545}));
    EXPECT_EQ(blob["snapshot_id"], -1);
    EXPECT_EQ(blob["sequence_number"], -1);
    EXPECT_EQ(blob["offset"], *dv.content_offset);
    EXPECT_EQ(blob["length"], *dv.content_size_in_bytes);
    EXPECT_TRUE(blob["codec"].is_null());
    EXPECT_EQ(blob["properties"]["referenced-data-file"], *dv.referenced_data_file);
    EXPECT_EQ(blob["properties"]["cardinality"], std::to_string(dv.record_count));
    EXPECT_EQ(blob["crc_ok"], true);
    EXPECT_EQ(blob["magic"], "d1d33964");
    EXPECT_EQ(out["vectors"][*dv.referenced_data_file].get<std::vector<int64_t>>(),
              deleted.at(*dv.referenced_data_file).positions());
  }
}

}  // namespace
}  // namespace floe::iceberg
