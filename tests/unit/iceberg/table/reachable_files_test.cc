// The files reachable from a table's metadata: every snapshot's manifest list, manifests and
// data files, the metadata log, statistics and files named in snapshot summaries — exactly the
// files the table's commits wrote, each manifest read once.
#include "floe/iceberg/table/reachable_files.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/table.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/overwrite.h"
#include "floe/iceberg/update/update_properties.h"
#include "local_table_operations.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;

using testing::LocalTableOperations;

/// Forwards to a local FileIO and counts the whole-file reads of each location.
class CountingFileIO final : public io::FileIO {
 public:
  explicit CountingFileIO(std::shared_ptr<io::FileIO> inner) : inner_(std::move(inner)) {}
  std::map<std::string, int> reads;

  arrow::Result<std::string> ReadAll(const std::string& location) override {
    ++reads[location];
    return inner_->ReadAll(location);
  }
  arrow::Status WriteAll(const std::string& location, std::string_view data) override {
    return inner_->WriteAll(location, data);
  }
  arrow::Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(
      const std::string& location) override {
    ++reads[location];
    return inner_->OpenInput(location);
  }
  arrow::Result<std::shared_ptr<arrow::io::OutputStream>> OpenOutput(
      const std::string& location) override {
    return inner_->OpenOutput(location);
  }
  arrow::Result<bool> Exists(const std::string& location) override {
    return inner_->Exists(location);
  }
  arrow::Status Delete(const std::string& location) override { return inner_->Delete(location); }
  arrow::Result<std::string> CanonicalLocation(const std::string& location) override {
    return inner_->CanonicalLocation(location);
  }
  arrow::Result<std::vector<io::FileEntry>> List(const std::string& location,
                                                 bool recursive) override {
    return inner_->List(location, recursive);
  }

 private:
  std::shared_ptr<io::FileIO> inner_;
};

std::set<std::string> Set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

class ReachableFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_reachable_" + std::to_string(std::random_device{}()));
    location_ = (dir_ / "db.db" / "t").string();
    io_ = *io::MakeFileIO(dir_.string());
    Schema schema(0, {NestedField{1, "id", Type::Long(), true, ""}});
    auto md = NewTableMetadata(schema, PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                               location_, {});
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    auto metadata_location = WriteMetadataFile(*io_, *md, "");
    ASSERT_TRUE(metadata_location.ok()) << metadata_location.status().ToString();
    auto state =
        TableState{std::make_shared<const TableMetadata>(std::move(*md)), *metadata_location};
    ops_ = std::make_shared<LocalTableOperations>(io_, state);
    table_ = std::make_shared<Table>(ops_, state);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Append(int64_t from, int64_t to, std::map<std::string, std::string> summary = {}) {
    arrow::Int64Builder ids;
    for (int64_t i = from; i < to; ++i) ASSERT_TRUE(ids.Append(i).ok());
    auto rows =
        arrow::Table::Make(*ToArrowSchema(*table_->metadata().CurrentSchema()), {*ids.Finish()});
    auto snapshot = AppendRows(table_, *rows, summary);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  }

  // Every regular file below the table's location, found by walking the folder.
  std::set<std::string> FilesOnDisk() const {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(location_)) {
      if (e.is_regular_file()) out.insert(e.path().string());
    }
    return out;
  }

  static size_t CountEnding(const std::set<std::string>& files, const std::string& suffix) {
    return std::count_if(files.begin(), files.end(), [&](const std::string& f) {
      return f.size() >= suffix.size() &&
             f.compare(f.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
  }

  fs::path dir_;
  std::string location_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<LocalTableOperations> ops_;
  std::shared_ptr<Table> table_;
};

TEST_F(ReachableFilesTest, ListsExactlyTheFilesTheTablesCommitsWrote) {
  // A batch record named by a snapshot summary, as floe's ingest writes one per commit.
  std::string batch = location_ + "/metadata/floe-ingest/batch-1.json";
  ASSERT_TRUE(io_->WriteAll(batch, "{}").ok());
  Append(0, 10, {{std::string(kSummaryFileKeys[0]), batch}});
  Append(10, 20);
  // Rewrites the first file without ids 0..4: the old file stays in a DELETED entry.
  Overwrite overwrite(table_, Lt("id", Literal::Long(5)));
  ASSERT_TRUE(overwrite.Commit().ok());
  ASSERT_TRUE(SetTableProperties(table_, {{"owner", "ops"}}, {}).ok());
  // Statistics files as Java writes them into the metadata (floe carries them through).
  std::string stats = location_ + "/metadata/stats-1.puffin";
  std::string partition_stats = location_ + "/metadata/partition-stats-1.parquet";
  ASSERT_TRUE(io_->WriteAll(stats, "puffin").ok());
  ASSERT_TRUE(io_->WriteAll(partition_stats, "parquet").ok());
  TableMetadata with_stats = table_->metadata();
  int64_t snapshot_id = *with_stats.current_snapshot_id;
  with_stats.statistics = {{snapshot_id, stats,
                            nlohmann::json({{"snapshot-id", snapshot_id},
                                            {"statistics-path", stats},
                                            {"file-size-in-bytes", 6},
                                            {"file-footer-size-in-bytes", 1},
                                            {"blob-metadata", nlohmann::json::array()}})
                                .dump()}};
  with_stats.partition_statistics = {{snapshot_id, partition_stats,
                                      nlohmann::json({{"snapshot-id", snapshot_id},
                                                      {"statistics-path", partition_stats},
                                                      {"file-size-in-bytes", 7}})
                                          .dump()}};
  auto committed = ops_->Replace(with_stats);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  table_->Adopt(*committed);

  auto files = ListReachableFiles(*io_, table_->state());
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  std::set<std::string> on_disk = FilesOnDisk();
  std::vector<std::string> all = files->All();
  EXPECT_EQ(Set(all), on_disk);
  EXPECT_EQ(all.size(), on_disk.size()) << "a file is listed twice";

  const TableMetadata& md = table_->metadata();
  // Three snapshots: two appends and the overwrite; every data file ever added (20 ids in two
  // files, plus the rewrite of the first); one metadata file per commit plus the first.
  EXPECT_EQ(md.snapshots.size(), 3u);
  EXPECT_EQ(Set(files->manifest_lists).size(), 3u);
  EXPECT_EQ(Set(files->content_files).size(), 3u);
  // Less the partition statistics file, also Parquet.
  EXPECT_EQ(Set(files->content_files).size(), CountEnding(on_disk, ".parquet") - 1);
  EXPECT_EQ(files->metadata_files.size(), 6u);
  EXPECT_EQ(files->metadata_files.size(), md.metadata_log.size() + 1);
  EXPECT_EQ(files->metadata_files.size(), CountEnding(on_disk, ".metadata.json"));
  EXPECT_EQ(files->metadata_files.front(), table_->metadata_location());
  EXPECT_EQ(Set(files->statistics_files), (std::set<std::string>{stats, partition_stats}));
  EXPECT_EQ(files->summary_files, std::vector<std::string>{batch});
  // Manifest lists and manifests: every .avro the commits wrote.
  EXPECT_EQ(files->manifest_lists.size() + files->manifests.size(), CountEnding(on_disk, ".avro"));
  // What the metadata points at comes before the metadata itself.
  EXPECT_EQ(all.back(), files->metadata_files.back());
  EXPECT_EQ(all.front(), files->content_files.front());
}

TEST_F(ReachableFilesTest, AManifestSharedBySnapshotsIsReadOnce) {
  Append(0, 10);
  Append(10, 20);
  Append(20, 30);
  auto counting = std::make_shared<CountingFileIO>(io_);
  auto files = ListReachableFiles(*counting, table_->state());
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  // The third snapshot's list holds all three manifests, the first's one of them.
  ASSERT_EQ(files->manifests.size(), 3u);
  for (const auto& m : files->manifests) EXPECT_EQ(counting->reads[m], 1) << m;
  for (const auto& l : files->manifest_lists) EXPECT_EQ(counting->reads[l], 1) << l;
  int total = 0;
  for (const auto& [location, n] : counting->reads) total += n;
  EXPECT_EQ(total, 6) << "only manifest lists and manifests are read";
}

TEST_F(ReachableFilesTest, AMissingManifestIsAnErrorNamingIt) {
  Append(0, 10);
  auto files = ListReachableFiles(*io_, table_->state());
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->manifests.size(), 1u);
  fs::remove(files->manifests[0]);
  auto again = ListReachableFiles(*io_, table_->state());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find(files->manifests[0]), std::string::npos)
      << again.status().ToString();
}

TEST_F(ReachableFilesTest, AnEmptyTableIsItsMetadataFile) {
  auto files = ListReachableFiles(*io_, table_->state());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->All(), std::vector<std::string>{table_->metadata_location()});
}

}  // namespace
}  // namespace floe::iceberg
