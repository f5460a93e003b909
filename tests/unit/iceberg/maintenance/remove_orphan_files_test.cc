// Orphan-file removal: files under the table location that no metadata references, and only
// those older than the cut-off, are deleted; every referenced file survives, however its
// location is spelled.
#include "floe/iceberg/maintenance/remove_orphan_files.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <set>

#include "../table/local_table_operations.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/reachable_files.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/update_properties.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;

// Listed locations keep the table location's spelling (file:/…): compare them as paths.
std::set<std::string> Paths(const std::vector<std::string>& locations) {
  std::set<std::string> out;
  for (const auto& l : locations) out.insert(*NormalizedLocation(l));
  return out;
}

TEST(NormalizedLocationTest, OneSpellingPerFile) {
  EXPECT_EQ(*NormalizedLocation("/w/t/data/a.parquet"), "/w/t/data/a.parquet");
  EXPECT_EQ(*NormalizedLocation("file:/w/t/data/a.parquet"), "/w/t/data/a.parquet");
  EXPECT_EQ(*NormalizedLocation("file:///w/t//data/a.parquet"), "/w/t/data/a.parquet");
  EXPECT_EQ(*NormalizedLocation("s3a://b/t/data/a.parquet"), "s3://b/t/data/a.parquet");
  EXPECT_EQ(*NormalizedLocation("s3n://b/t//data/a.parquet"), "s3://b/t/data/a.parquet");
  EXPECT_FALSE(NormalizedLocation("hdfs://nn/t/a.parquet").ok());
}

class RemoveOrphanFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_orphans_" + std::to_string(std::random_device{}()));
    location_ = (dir_ / "db.db" / "t").string();
    io_ = *io::MakeFileIO(dir_.string());
    Schema schema(0, {NestedField{1, "id", Type::Long(), true, ""}});
    // The table location as Java's Hadoop paths write it: file:/…
    auto md =
        NewTableMetadata(schema, PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                         "file:" + location_, {{"write.metadata.previous-versions-max", "1"}});
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    auto metadata_location = WriteMetadataFile(*io_, *md, "");
    ASSERT_TRUE(metadata_location.ok());
    TableState state{std::make_shared<const TableMetadata>(std::move(*md)), *metadata_location};
    table_ =
        std::make_shared<Table>(std::make_shared<testing::LocalTableOperations>(io_, state), state);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Append(int64_t from, int64_t to) {
    arrow::Int64Builder ids;
    for (int64_t i = from; i < to; ++i) ASSERT_TRUE(ids.Append(i).ok());
    auto rows =
        arrow::Table::Make(*ToArrowSchema(*table_->metadata().CurrentSchema()), {*ids.Finish()});
    ASSERT_TRUE(AppendRows(table_, *rows).ok());
  }

  // Writes a file and dates it `age` back.
  std::string Stray(const std::string& relative, std::chrono::hours age) {
    fs::path p = fs::path(location_) / relative;
    fs::create_directories(p.parent_path());
    EXPECT_TRUE(io_->WriteAll(p.string(), "stray").ok());
    fs::last_write_time(p, fs::file_time_type::clock::now() - age);
    return p.string();
  }

  void AgeEverything(std::chrono::hours age) {
    for (const auto& e : fs::recursive_directory_iterator(location_)) {
      if (e.is_regular_file())
        fs::last_write_time(e.path(), fs::file_time_type::clock::now() - age);
    }
  }

  std::set<std::string> FilesOnDisk() const {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(location_)) {
      if (e.is_regular_file()) out.insert(e.path().string());
    }
    return out;
  }

  fs::path dir_;
  std::string location_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<Table> table_;
};

TEST_F(RemoveOrphanFilesTest, DeletesOnlyOldUnreferencedFiles) {
  for (int i = 0; i < 4; ++i) Append(i * 10, i * 10 + 10);  // metadata log holds 1 entry
  ASSERT_EQ(table_->metadata().metadata_log.size(), 1u);
  const std::set<std::string> referenced = FilesOnDisk();
  AgeEverything(std::chrono::hours(24 * 10));
  std::set<std::string> old_strays = {Stray("data/00000-0-dead.parquet", std::chrono::hours(96)),
                                      Stray("metadata/dead-m0.avro", std::chrono::hours(100)),
                                      Stray("other/nested/x.bin", std::chrono::hours(500))};
  const std::string young = Stray("data/in-flight.parquet", std::chrono::hours(1));

  OrphanFileOptions options;
  options.dry_run = true;
  auto dry = RemoveOrphanFiles(*table_, options);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(Paths(dry->orphan_files), old_strays);
  EXPECT_EQ(dry->files_listed, static_cast<int64_t>(referenced.size() + 4));
  EXPECT_EQ(FilesOnDisk().size(), referenced.size() + 4) << "a dry run deletes nothing";

  options.dry_run = false;
  auto swept = RemoveOrphanFiles(*table_, options);
  ASSERT_TRUE(swept.ok()) << swept.status().ToString();
  EXPECT_EQ(swept->orphan_files.size(), 3u);
  std::set<std::string> expected = referenced;
  expected.insert(young);
  EXPECT_EQ(FilesOnDisk(), expected);

  // With a cut-off in the future the young file goes too, and still no referenced one.
  options.older_than_ms = NowMs() + 60'000;
  swept = RemoveOrphanFiles(*table_, options);
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(Paths(swept->orphan_files), std::set<std::string>{young});
  EXPECT_EQ(FilesOnDisk(), referenced);
}

TEST_F(RemoveOrphanFilesTest, RefusesLocationsOutsideTheTable) {
  Append(0, 3);
  OrphanFileOptions options;
  options.location = (dir_ / "db.db").string();
  auto refused = RemoveOrphanFiles(*table_, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("not below table"), std::string::npos);
  options.location = location_ + "_rejects";
  EXPECT_FALSE(RemoveOrphanFiles(*table_, options).ok());
  // A folder below the table is fine: only it is swept.
  AgeEverything(std::chrono::hours(24 * 10));
  Stray("data/dead.parquet", std::chrono::hours(96));
  const std::string meta_stray = Stray("metadata/dead.avro", std::chrono::hours(96));
  options.location = location_ + "/data";
  auto swept = RemoveOrphanFiles(*table_, options);
  ASSERT_TRUE(swept.ok()) << swept.status().ToString();
  EXPECT_EQ(swept->orphan_files.size(), 1u);
  EXPECT_TRUE(fs::exists(meta_stray));
}

TEST_F(RemoveOrphanFilesTest, FilesNamedByTablePropertiesAreReferenced) {
  Append(0, 3);
  const std::string checkpoint =
      Stray("metadata/floe-ingest/ledger-checkpoint-1.json", std::chrono::hours(200));
  ASSERT_TRUE(
      SetTableProperties(table_, {{std::string(kPropertyFileKeys[0]), checkpoint}}, {}).ok());
  AgeEverything(std::chrono::hours(24 * 10));
  auto swept = RemoveOrphanFiles(*table_, {});
  ASSERT_TRUE(swept.ok()) << swept.status().ToString();
  EXPECT_TRUE(swept->orphan_files.empty());
  EXPECT_TRUE(fs::exists(checkpoint));
}

}  // namespace
}  // namespace floe::iceberg
