// Rewriting manifests: many small manifests become few, clustered by partition; every file
// stays listed once, as EXISTING with the snapshot id and sequence numbers it had, and the
// table reads the same rows.
#include "floe/iceberg/update/rewrite_manifests.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "../table/local_table_operations.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/table_scan.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/update_properties.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;

struct Entry {
  std::string path;
  ManifestEntryStatus status;
  int64_t snapshot_id;
  int64_t sequence_number;
  int64_t file_sequence_number;
  std::string partition;
};

class RewriteManifestsTest : public ::testing::Test {
 protected:
  void Make(const std::string& partition_by) {
    dir_ = fs::temp_directory_path() / ("floe_rewrite_m_" + std::to_string(std::random_device{}()));
    io_ = *io::MakeFileIO(dir_.string());
    Schema schema(0, {NestedField{1, "id", Type::Long(), true, ""},
                      NestedField{2, "part", Type::Long(), true, ""}});
    auto spec = partition_by.empty() ? arrow::Result<PartitionSpec>(PartitionSpec::Unpartitioned())
                                     : ParsePartitionText(partition_by, schema);
    ASSERT_TRUE(spec.ok()) << spec.status().ToString();
    auto md =
        NewTableMetadata(schema, *spec, SortOrder::Unsorted(), (dir_ / "db.db" / "t").string(), {});
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    auto location = WriteMetadataFile(*io_, *md, "");
    ASSERT_TRUE(location.ok());
    TableState state{std::make_shared<const TableMetadata>(std::move(*md)), *location};
    table_ =
        std::make_shared<Table>(std::make_shared<testing::LocalTableOperations>(io_, state), state);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Append(int64_t from, int64_t to, int64_t part) {
    arrow::Int64Builder ids, parts;
    for (int64_t i = from; i < to; ++i) {
      ASSERT_TRUE(ids.Append(i).ok());
      ASSERT_TRUE(parts.Append(part).ok());
    }
    auto rows = arrow::Table::Make(*ToArrowSchema(*table_->metadata().CurrentSchema()),
                                   {*ids.Finish(), *parts.Finish()});
    ASSERT_TRUE(AppendRows(table_, *rows).ok());
  }

  std::vector<ManifestFile> Manifests() {
    auto list = ReadManifestList(*io_, table_->metadata().CurrentSnapshot()->manifest_list);
    EXPECT_TRUE(list.ok());
    return *list;
  }

  // Every entry of the current snapshot, in manifest order.
  std::vector<Entry> Entries() {
    std::vector<Entry> out;
    const PartitionSpec& spec = table_->metadata().DefaultSpec();
    for (const auto& m : Manifests()) {
      auto entries = ReadManifestEntries(*io_, m);
      EXPECT_TRUE(entries.ok());
      for (const auto& e : *entries) {
        out.push_back({e.data_file.file_path, e.status, e.snapshot_id.value_or(-1),
                       e.sequence_number.value_or(-1), e.file_sequence_number.value_or(-1),
                       spec.PartitionPath(e.data_file.partition)});
      }
    }
    return out;
  }

  std::multiset<std::pair<int64_t, int64_t>> Rows() {
    auto scan = TableScan::Make(*table_, {});
    EXPECT_TRUE(scan.ok());
    auto rows = scan->ToArrowTable();
    EXPECT_TRUE(rows.ok());
    std::multiset<std::pair<int64_t, int64_t>> out;
    auto combined = (*rows)->CombineChunks();
    auto ids = std::static_pointer_cast<arrow::Int64Array>((*combined)->column(0)->chunk(0));
    auto parts = std::static_pointer_cast<arrow::Int64Array>((*combined)->column(1)->chunk(0));
    for (int64_t i = 0; i < ids->length(); ++i) out.insert({ids->Value(i), parts->Value(i)});
    return out;
  }

  fs::path dir_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<Table> table_;
};

TEST_F(RewriteManifestsTest, ManySmallManifestsBecomeOneKeepingEachFilesSequenceNumbers) {
  Make("");
  for (int i = 0; i < 5; ++i) Append(i * 10, i * 10 + 10, 0);
  ASSERT_EQ(Manifests().size(), 5u);
  std::map<std::string, Entry> before;
  for (const auto& e : Entries()) before[e.path] = e;
  const auto rows = Rows();
  const auto* parent = table_->metadata().CurrentSnapshot();
  const std::string total_records = parent->summary.at("total-records");

  RewriteManifests rewrite(table_);
  auto snapshot = rewrite.Commit();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(snapshot->operation(), "replace");
  EXPECT_EQ(snapshot->summary.at("manifests-replaced"), "5");
  EXPECT_EQ(snapshot->summary.at("manifests-created"), "1");
  EXPECT_EQ(snapshot->summary.at("manifests-kept"), "0");
  EXPECT_EQ(snapshot->summary.at("entries-processed"), "5");
  EXPECT_EQ(snapshot->summary.at("total-records"), total_records);
  EXPECT_EQ(snapshot->summary.count("added-data-files"), 0u);

  ASSERT_EQ(Manifests().size(), 1u);
  auto after = Entries();
  ASSERT_EQ(after.size(), before.size());
  for (const auto& e : after) {
    ASSERT_TRUE(before.count(e.path)) << e.path;
    const Entry& was = before[e.path];
    EXPECT_EQ(e.status, ManifestEntryStatus::kExisting);
    EXPECT_EQ(e.snapshot_id, was.snapshot_id);
    EXPECT_EQ(e.sequence_number, was.sequence_number);
    EXPECT_EQ(e.file_sequence_number, was.file_sequence_number);
  }
  EXPECT_EQ(Rows(), rows);

  // Already one small manifest: nothing to do, no snapshot.
  const auto snapshots = table_->metadata().snapshots.size();
  RewriteManifests again(table_);
  ASSERT_TRUE(again.Commit().ok());
  EXPECT_EQ(table_->metadata().snapshots.size(), snapshots);
}

TEST_F(RewriteManifestsTest, ClustersEntriesByPartitionIntoTargetSizedManifests) {
  Make("part");
  // Files of four partitions appended in interleaved order, one manifest each.
  for (int round = 0; round < 3; ++round) {
    for (int64_t part : {3, 1, 2, 0})
      Append(round * 100 + part * 10, round * 100 + part * 10 + 5, part);
  }
  ASSERT_EQ(Manifests().size(), 12u);
  const auto rows = Rows();
  // Room for three and a half entries per manifest, by the inputs' average size (manifest
  // lengths vary by a few bytes with paths and ids, so one manifest's length is no measure).
  int64_t bytes = 0;
  for (const auto& m : Manifests()) bytes += m.manifest_length;
  const int64_t per_entry = bytes / 12;
  ASSERT_TRUE(SetTableProperties(table_,
                                 {{property::kManifestTargetSizeBytes,
                                   std::to_string(3 * per_entry + per_entry / 2)}},
                                 {})
                  .ok());
  RewriteManifests rewrite(table_);
  ASSERT_TRUE(rewrite.Commit().ok());
  EXPECT_EQ(rewrite.manifests_replaced(), 12);
  auto manifests = Manifests();
  EXPECT_EQ(manifests.size(), 4u);
  // Each partition's three files sit together: in manifest order the partitions are sorted.
  auto entries = Entries();
  ASSERT_EQ(entries.size(), 12u);
  for (size_t i = 1; i < entries.size(); ++i) {
    EXPECT_LE(entries[i - 1].partition, entries[i].partition) << i;
  }
  // And each manifest's partition summary covers a narrow range: one partition each here.
  for (const auto& m : manifests) {
    ASSERT_EQ(m.partitions.size(), 1u);
    EXPECT_EQ(m.partitions[0].lower_bound, m.partitions[0].upper_bound) << m.manifest_path;
  }
  EXPECT_EQ(Rows(), rows);
}

}  // namespace
}  // namespace floe::iceberg
