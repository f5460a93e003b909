// Format v3 table metadata (spec: "Table Metadata", "Row Lineage", "Encryption Keys"):
// next-row-id, snapshot first-row-id / added-rows / key-id and encryption-keys round-trip;
// a v3 table without a current snapshot writes null; upgrades go 1 -> 2 -> 3 or 2 -> 3 and
// never down; v3 snapshots advance next-row-id.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "floe/iceberg/metadata/table_metadata.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"

namespace floe::iceberg {
namespace {

using nlohmann::json;

Schema OneColumn() { return Schema(0, {NestedField{1, "id", Type::Long(), true, ""}}); }

TableMetadata NewV3() {
  auto md = NewTableMetadata(OneColumn(), PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                             "file:///w/db/t", {{"format-version", "3"}});
  EXPECT_TRUE(md.ok()) << md.status().ToString();
  return *md;
}

Snapshot V3Snapshot(int64_t id, std::optional<int64_t> parent, int64_t seq,
                    std::optional<int64_t> first_row_id, std::optional<int64_t> added_rows) {
  Snapshot s;
  s.snapshot_id = id;
  s.parent_snapshot_id = parent;
  s.sequence_number = seq;
  s.timestamp_ms = 1700000000000 + seq;
  s.manifest_list = "file:///w/db/t/metadata/snap-" + std::to_string(id) + ".avro";
  s.summary["operation"] = "append";
  s.first_row_id = first_row_id;
  s.added_rows = added_rows;
  return s;
}

TEST(TableMetadataV3, CreatesV3WhenAskedAndKeepsTheVersionOutOfProperties) {
  TableMetadata md = NewV3();
  EXPECT_EQ(md.format_version, 3);
  EXPECT_EQ(md.next_row_id, 0);
  EXPECT_EQ(md.properties.count("format-version"), 0u);
  json j = json::parse(SerializeTableMetadata(md));
  EXPECT_EQ(j["format-version"], 3);
  EXPECT_EQ(j["next-row-id"], 0);
  ASSERT_TRUE(j.contains("current-snapshot-id"));
  EXPECT_TRUE(j["current-snapshot-id"].is_null());  // v3: null, not -1
  EXPECT_FALSE(j.contains("encryption-keys"));
  auto bad = NewTableMetadata(OneColumn(), PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                              "file:///w/db/t", {{"format-version", "4"}});
  EXPECT_FALSE(bad.ok());
}

TEST(TableMetadataV3, SnapshotsAdvanceNextRowId) {
  TableMetadataBuilder builder(NewV3());
  EXPECT_TRUE(builder.AddSnapshot(V3Snapshot(1, {}, 1, {}, {})).IsInvalid())
      << "v3 snapshots need first-row-id and added-rows";
  ASSERT_TRUE(builder.AddSnapshot(V3Snapshot(1, {}, 1, 0, 30)).ok());
  EXPECT_EQ(builder.current().next_row_id, 30);
  EXPECT_TRUE(builder.AddSnapshot(V3Snapshot(2, 1, 2, 29, 5)).IsInvalid())
      << "first-row-id behind next-row-id";
  ASSERT_TRUE(builder.AddSnapshot(V3Snapshot(2, 1, 2, 30, 0)).ok());
  EXPECT_EQ(builder.current().next_row_id, 30);
  ASSERT_TRUE(builder.AddSnapshot(V3Snapshot(3, 2, 3, 40, 2)).ok());  // gaps are allowed
  EXPECT_EQ(builder.current().next_row_id, 42);
}

TEST(TableMetadataV3, RoundTripsRowLineageAndEncryptionKeys) {
  TableMetadataBuilder builder(NewV3());
  Snapshot s = V3Snapshot(7, {}, 1, 0, 12);
  s.key_id = "k1";
  ASSERT_TRUE(builder.AddSnapshot(s).ok());
  SnapshotRef main;
  main.snapshot_id = 7;
  ASSERT_TRUE(builder.SetRef("main", main).ok());
  auto built = builder.Build();
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  TableMetadata md = *built;
  md.encryption_keys.push_back(
      {"k1", R"({"key-id":"k1","encrypted-key-metadata":"AAEC","encrypted-by-id":"m"})"});
  const std::string text = SerializeTableMetadata(md);
  json j = json::parse(text);
  EXPECT_EQ(j["next-row-id"], 12);
  EXPECT_EQ(j["snapshots"][0]["first-row-id"], 0);
  EXPECT_EQ(j["snapshots"][0]["added-rows"], 12);
  EXPECT_EQ(j["snapshots"][0]["key-id"], "k1");
  EXPECT_EQ(j["encryption-keys"][0]["encrypted-by-id"], "m");
  auto parsed = ParseTableMetadata(text, "v3.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)->format_version, 3);
  EXPECT_EQ((*parsed)->next_row_id, 12);
  ASSERT_EQ((*parsed)->snapshots.size(), 1u);
  EXPECT_EQ((*parsed)->snapshots[0].first_row_id, 0);
  EXPECT_EQ((*parsed)->snapshots[0].added_rows, 12);
  EXPECT_EQ((*parsed)->snapshots[0].key_id, "k1");
  ASSERT_EQ((*parsed)->encryption_keys.size(), 1u);
  EXPECT_EQ((*parsed)->encryption_keys[0].key_id, "k1");
  EXPECT_EQ(json::parse((*parsed)->encryption_keys[0].json),
            json::parse(md.encryption_keys[0].json));

  // next-row-id is required in v3.
  j.erase("next-row-id");
  auto missing = ParseTableMetadata(j.dump(), "v3.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("next-row-id"), std::string::npos);
}

TEST(TableMetadataV3, UpgradesGoUpOnly) {
  auto v2 = NewTableMetadata(OneColumn(), PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                             "file:///w/db/t", {});
  ASSERT_TRUE(v2.ok());
  TableMetadataBuilder builder(*v2);
  ASSERT_TRUE(builder.UpgradeFormatVersion(3).ok());
  EXPECT_EQ(builder.current().format_version, 3);
  EXPECT_EQ(builder.current().next_row_id, 0);
  ASSERT_EQ(builder.updates().size(), 1u);
  EXPECT_EQ(std::string(UpdateAction(builder.updates()[0])), "upgrade-format-version");
  EXPECT_TRUE(builder.UpgradeFormatVersion(2).IsInvalid());
  EXPECT_TRUE(builder.UpgradeFormatVersion(4).IsInvalid());
  ASSERT_TRUE(builder.UpgradeFormatVersion(3).ok());  // no change, nothing recorded
  EXPECT_EQ(builder.updates().size(), 1u);

  TableMetadata v1 = *v2;
  v1.format_version = 1;
  TableMetadataBuilder from_v1(v1);
  ASSERT_TRUE(from_v1.UpgradeFormatVersion(2).ok());
  ASSERT_TRUE(from_v1.UpgradeFormatVersion(3).ok());
  EXPECT_EQ(from_v1.current().format_version, 3);
}

}  // namespace
}  // namespace floe::iceberg
