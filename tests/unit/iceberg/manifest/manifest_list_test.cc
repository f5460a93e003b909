#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "floe/format/avro/avro_container.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "manifest_test_util.h"

namespace floe::iceberg {
namespace {

using testing::LocalIO;
using testing::ReadFile;
using testing::ScratchDir;

// A manifest written for the snapshot being committed (sequence numbers unassigned).
ManifestFile NewManifest(const std::string& path, int64_t snapshot_id) {
  ManifestFile m;
  m.manifest_path = path;
  m.manifest_length = 5000;
  m.partition_spec_id = 1;
  m.sequence_number = kUnassignedSequenceNumber;
  m.min_sequence_number = kUnassignedSequenceNumber;
  m.added_snapshot_id = snapshot_id;
  m.added_files_count = 3;
  m.added_rows_count = 300;
  PartitionFieldSummary s;
  s.contains_null = true;
  s.contains_nan = false;
  s.lower_bound = std::string("\x01\x00\x00\x00", 4);
  s.upper_bound = std::string("\x09\x00\x00\x00", 4);
  m.partitions = {s};
  return m;
}

// A delete manifest carried over from an earlier snapshot.
ManifestFile OldDeleteManifest(const std::string& path) {
  ManifestFile m;
  m.manifest_path = path;
  m.manifest_length = 777;
  m.partition_spec_id = 0;
  m.content = ManifestContent::kDeletes;
  m.sequence_number = 4;
  m.min_sequence_number = 2;
  m.added_snapshot_id = 50;
  m.existing_files_count = 2;
  m.deleted_files_count = 1;
  m.existing_rows_count = 20;
  m.deleted_rows_count = 10;
  m.partitions = {PartitionFieldSummary{}};  // no NaN info, no bounds
  m.key_metadata = std::string("\x00\x01", 2);
  return m;
}

void ExpectSameManifest(const ManifestFile& a, const ManifestFile& b) {
  EXPECT_EQ(a.manifest_path, b.manifest_path);
  EXPECT_EQ(a.manifest_length, b.manifest_length);
  EXPECT_EQ(a.partition_spec_id, b.partition_spec_id);
  EXPECT_EQ(a.content, b.content);
  EXPECT_EQ(a.sequence_number, b.sequence_number);
  EXPECT_EQ(a.min_sequence_number, b.min_sequence_number);
  EXPECT_EQ(a.added_snapshot_id, b.added_snapshot_id);
  EXPECT_EQ(a.added_files_count, b.added_files_count);
  EXPECT_EQ(a.existing_files_count, b.existing_files_count);
  EXPECT_EQ(a.deleted_files_count, b.deleted_files_count);
  EXPECT_EQ(a.added_rows_count, b.added_rows_count);
  EXPECT_EQ(a.existing_rows_count, b.existing_rows_count);
  EXPECT_EQ(a.deleted_rows_count, b.deleted_rows_count);
  EXPECT_EQ(a.key_metadata, b.key_metadata);
  ASSERT_EQ(a.partitions.size(), b.partitions.size());
  for (size_t i = 0; i < a.partitions.size(); ++i) {
    EXPECT_EQ(a.partitions[i].contains_null, b.partitions[i].contains_null);
    EXPECT_EQ(a.partitions[i].contains_nan, b.partitions[i].contains_nan);
    EXPECT_EQ(a.partitions[i].lower_bound, b.partitions[i].lower_bound);
    EXPECT_EQ(a.partitions[i].upper_bound, b.partitions[i].upper_bound);
  }
}

TEST(ManifestList, RoundTripsEveryFieldAndAssignsTheSnapshotSequenceNumber) {
  ScratchDir dir("floe-mlist");
  auto io = LocalIO();
  auto writer = ManifestListWriter::Make(*io, dir / "snap.avro", 60, 59, 12);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ManifestFile fresh = NewManifest("/w/m-new.avro", 60);
  fresh.min_sequence_number = 7;  // an entry kept an explicit, older data sequence number
  ASSERT_TRUE((*writer)->Add({NewManifest("/w/m0.avro", 60), fresh,
                              OldDeleteManifest("/w/d.avro")})
                  .ok());
  auto length = (*writer)->Close();
  ASSERT_TRUE(length.ok()) << length.status().ToString();
  EXPECT_EQ(*length, static_cast<int64_t>(std::filesystem::file_size(dir / "snap.avro")));

  auto list = ReadManifestList(*io, dir / "snap.avro");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 3u);
  ManifestFile expected = NewManifest("/w/m0.avro", 60);
  expected.sequence_number = 12;
  expected.min_sequence_number = 12;
  ExpectSameManifest((*list)[0], expected);
  EXPECT_EQ((*list)[1].sequence_number, 12);
  EXPECT_EQ((*list)[1].min_sequence_number, 7);
  ExpectSameManifest((*list)[2], OldDeleteManifest("/w/d.avro"));
}

TEST(ManifestList, WritesHeaderMetadataAndSpecFieldIds) {
  ScratchDir dir("floe-mlist");
  auto io = LocalIO();
  auto writer = ManifestListWriter::Make(*io, dir / "snap.avro", 60, std::nullopt, 1);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add(NewManifest("/w/m0.avro", 60)).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto container = avro::ContainerReader::Open(ReadFile(dir / "snap.avro"), "snap");
  ASSERT_TRUE(container.ok());
  const auto& meta = (*container)->metadata();
  EXPECT_EQ(meta.at("snapshot-id"), "60");
  EXPECT_EQ(meta.at("parent-snapshot-id"), "null");  // as Java and PyIceberg write it
  EXPECT_EQ(meta.at("sequence-number"), "1");
  EXPECT_EQ(meta.at("format-version"), "2");

  auto schema = nlohmann::json::parse((*container)->schema()->ToJsonString());
  EXPECT_EQ(schema["name"], "manifest_file");
  std::vector<int> ids;
  for (const auto& f : schema["fields"]) ids.push_back(f["field-id"]);
  EXPECT_EQ(ids, (std::vector<int>{500, 501, 502, 517, 515, 516, 503, 504, 505, 506, 512, 513,
                                   514, 507, 519}));
  // v2: everything but partitions and key_metadata is required (not a union).
  for (size_t i = 0; i < 13; ++i) EXPECT_FALSE(schema["fields"][i]["type"].is_array()) << i;
  const auto& partitions = schema["fields"][13]["type"][1];
  EXPECT_EQ(partitions["element-id"], 508);
  EXPECT_EQ(partitions["items"]["name"], "r508");
  std::vector<int> summary_ids;
  for (const auto& f : partitions["items"]["fields"]) summary_ids.push_back(f["field-id"]);
  EXPECT_EQ(summary_ids, (std::vector<int>{509, 518, 510, 511}));
}

TEST(ManifestList, RejectsUnassignedSequenceNumberOfAnotherSnapshot) {
  ScratchDir dir("floe-mlist");
  auto io = LocalIO();
  auto writer = ManifestListWriter::Make(*io, dir / "snap.avro", 60, 59, 12);
  ASSERT_TRUE(writer.ok());
  auto st = (*writer)->Add(NewManifest("/w/m0.avro", 42));
  EXPECT_TRUE(st.IsInvalid());
  EXPECT_NE(st.message().find("/w/m0.avro"), std::string::npos) << st.message();
}

TEST(ManifestList, V1ListReadsWithSequenceNumberZero) {
  ScratchDir dir("floe-mlist");
  auto io = LocalIO();
  ManifestListWriter::Options options;
  options.format_version = 1;
  auto writer = ManifestListWriter::Make(*io, dir / "v1.avro", 60, 59, 12, options);
  ASSERT_TRUE(writer.ok());
  EXPECT_TRUE((*writer)->Add(OldDeleteManifest("/w/d.avro")).IsInvalid());
  ASSERT_TRUE((*writer)->Add(NewManifest("/w/m0.avro", 60)).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto container = avro::ContainerReader::Open(ReadFile(dir / "v1.avro"), "v1");
  ASSERT_TRUE(container.ok());
  EXPECT_EQ((*container)->metadata().count("sequence-number"), 0u);

  auto list = ReadManifestList(*io, dir / "v1.avro");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].sequence_number, 0);
  EXPECT_EQ((*list)[0].min_sequence_number, 0);
  EXPECT_EQ((*list)[0].content, ManifestContent::kData);
  EXPECT_EQ((*list)[0].added_files_count, 3);
  EXPECT_EQ((*list)[0].added_rows_count, 300);
}

TEST(ManifestList, TruncatedListErrorNamesTheFile) {
  ScratchDir dir("floe-mlist");
  auto io = LocalIO();
  auto writer = ManifestListWriter::Make(*io, dir / "snap.avro", 60, 59, 12);
  ASSERT_TRUE(writer.ok());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE((*writer)->Add(NewManifest("/w/m" + std::to_string(i) + ".avro", 60)).ok());
  }
  ASSERT_TRUE((*writer)->Close().ok());
  std::string bytes = ReadFile(dir / "snap.avro");
  for (size_t keep : {size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    auto list = ReadManifestListData(bytes.substr(0, keep), dir / "snap.avro");
    ASSERT_FALSE(list.ok()) << "kept " << keep;
    EXPECT_EQ(list.status().message().rfind("manifest list " + (dir / "snap.avro") + ": ", 0),
              0u)
        << list.status().message();
  }
  auto missing = ReadManifestList(*io, dir / "nope.avro");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir / "nope.avro"), std::string::npos);
}

std::string Fixture(const std::string& name) {
  return std::string(FLOE_TEST_DATA_DIR) + "/manifests/" + name;
}

// Written by PyIceberg 0.12 (tests/data/manifests/make_fixtures.py): two appends.
TEST(ManifestList, ReadsPyIcebergV2List) {
  auto list = ReadManifestList(*LocalIO(), Fixture("pyiceberg_v2_list.avro"));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  const ManifestFile& m = (*list)[0];
  EXPECT_EQ(m.manifest_length, 5449);
  EXPECT_EQ(m.partition_spec_id, 0);
  EXPECT_EQ(m.content, ManifestContent::kData);
  EXPECT_EQ(m.sequence_number, 2);
  EXPECT_EQ(m.min_sequence_number, 2);
  EXPECT_EQ(m.added_snapshot_id, 2851742793304531237LL);
  EXPECT_EQ(m.added_files_count, 2);
  EXPECT_EQ(m.added_rows_count, 2);
  ASSERT_EQ(m.partitions.size(), 3u);
  EXPECT_FALSE(m.partitions[0].contains_null);
  EXPECT_EQ(m.partitions[0].contains_nan, false);
  EXPECT_EQ(m.partitions[0].lower_bound, "a");
  EXPECT_EQ(m.partitions[0].upper_bound, "c");
  EXPECT_EQ(util::ToHex(*m.partitions[2].upper_bound), "270f");  // 99.99
  const ManifestFile& older = (*list)[1];
  EXPECT_EQ(older.sequence_number, 1);
  EXPECT_EQ(older.added_snapshot_id, 5779378382578829584LL);
  EXPECT_EQ(older.added_files_count, 3);
  EXPECT_TRUE(older.partitions[1].contains_null);
}

TEST(ManifestList, ReadsPyIcebergV1ListWithDefaults) {
  auto list = ReadManifestList(*LocalIO(), Fixture("pyiceberg_v1_list.avro"));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  for (const auto& m : *list) {
    EXPECT_EQ(m.sequence_number, 0);
    EXPECT_EQ(m.min_sequence_number, 0);
    EXPECT_EQ(m.content, ManifestContent::kData);
  }
  EXPECT_EQ((*list)[0].manifest_length, 5053);
  EXPECT_EQ((*list)[0].added_snapshot_id, 5457563135748370621LL);
  EXPECT_EQ((*list)[1].added_files_count, 3);
  EXPECT_EQ((*list)[1].added_rows_count, 3);
}

}  // namespace
}  // namespace floe::iceberg
