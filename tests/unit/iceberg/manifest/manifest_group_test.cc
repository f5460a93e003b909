// Planning across partition specs: a table partitioned by day(ts), then evolved to
// truncate(10, id). Each manifest is pruned with its own spec's projection of the filter.
#include "floe/iceberg/manifest/manifest_group.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/manifest/manifest_writer.h"
#include "manifest_test_util.h"

namespace floe::iceberg {
namespace {

constexpr int32_t kDay2022_01_08 = 19000;

class ManifestGroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    io_ = *io::MakeFileIO(dir_.path());
    schema_ = std::make_shared<const Schema>(
        0, std::vector<NestedField>{{1, "id", Type::Long(), true, ""},
                                    {2, "ts", Type::Timestamp(), false, ""}});
    by_day_ = PartitionSpec(0, {PartitionField{2, 1000, "ts_day", Transform::Day()}});
    by_id_ = PartitionSpec(1, {PartitionField{1, 1001, "id_trunc_10", Transform::Truncate(10)}});
    metadata_.schemas = {schema_};
    metadata_.partition_specs = {by_day_, by_id_};
    metadata_.default_spec_id = 1;
    // Three files per spec: days 2022-01-08..10 before the evolution, ids 0-9, 10-19, 20-29
    // after it.
    std::vector<DataFile> day_files, id_files;
    for (int i = 0; i < 3; ++i) {
      day_files.push_back(File("day" + std::to_string(i), 0, Literal::Date(kDay2022_01_08 + i)));
      id_files.push_back(File("id" + std::to_string(i), 1, Literal::Long(10 * i)));
    }
    manifests_ = {Manifest("m-day.avro", by_day_, day_files),
                  Manifest("m-id.avro", by_id_, id_files)};
  }

  DataFile File(const std::string& name, int32_t spec_id, Literal partition) {
    DataFile f;
    f.file_path = dir_ / (name + ".parquet");
    f.spec_id = spec_id;
    f.partition = {std::move(partition)};
    f.record_count = 10;
    f.file_size_in_bytes = 100;
    return f;
  }

  ManifestFile Manifest(const std::string& name, const PartitionSpec& spec,
                        const std::vector<DataFile>& files) {
    auto writer = ManifestWriter::Make(*io_, dir_ / name, spec, *schema_, nullptr, 1);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    for (const auto& f : files) EXPECT_TRUE((*writer)->Add(f).ok());
    auto manifest = (*writer)->Close();
    EXPECT_TRUE(manifest.ok()) << manifest.status().ToString();
    manifest->sequence_number = 1;
    manifest->min_sequence_number = 1;
    return *manifest;
  }

  // Names of the files planned for a filter, sorted, and the group's counts.
  std::vector<std::string> Plan(const std::string& filter, ManifestGroup::Stats* stats) {
    auto parsed = ParseFilter(filter);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    auto bound = Bind(*parsed, *schema_);
    EXPECT_TRUE(bound.ok()) << bound.status().ToString();
    ManifestGroup group(*io_, metadata_, schema_, RewriteNot(*bound));
    auto files = group.PlanFiles(manifests_);
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    std::vector<std::string> names;
    for (const auto& f : *files) {
      std::string path = f.file_path;
      names.push_back(path.substr(path.rfind('/') + 1));
    }
    std::sort(names.begin(), names.end());
    *stats = group.stats();
    return names;
  }

  testing::ScratchDir dir_{"floe_manifest_group"};
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<const Schema> schema_;
  PartitionSpec by_day_, by_id_;
  TableMetadata metadata_;
  std::vector<ManifestFile> manifests_;
};

using Names = std::vector<std::string>;

TEST_F(ManifestGroupTest, AnIdFilterPrunesOnlyTheFilesOfTheSpecThatPartitionsById) {
  ManifestGroup::Stats stats;
  // Files of the day spec cannot be ruled out by id (no metrics here): all stay.
  EXPECT_EQ(Plan("id >= 15", &stats),
            (Names{"day0.parquet", "day1.parquet", "day2.parquet", "id1.parquet", "id2.parquet"}));
  EXPECT_EQ(stats.manifests_total, 2);
  EXPECT_EQ(stats.manifests_skipped, 0);
  EXPECT_EQ(stats.files_total, 6);
  EXPECT_EQ(stats.files_skipped, 1);
}

TEST_F(ManifestGroupTest, ATimeFilterPrunesOnlyTheFilesOfTheDaySpec) {
  ManifestGroup::Stats stats;
  EXPECT_EQ(Plan("ts < '2022-01-09T00:00:00'", &stats),
            (Names{"day0.parquet", "id0.parquet", "id1.parquet", "id2.parquet"}));
  EXPECT_EQ(stats.files_skipped, 2);
}

TEST_F(ManifestGroupTest, AFilterOnBothColumnsPrunesEachSpecByItsOwnField) {
  ManifestGroup::Stats stats;
  EXPECT_EQ(Plan("id = 5 AND ts >= '2022-01-10T00:00:00'", &stats),
            (Names{"day2.parquet", "id0.parquet"}));
  EXPECT_EQ(stats.files_skipped, 4);
}

TEST_F(ManifestGroupTest, PartitionSummariesSkipAWholeManifestOfOneSpec) {
  ManifestGroup::Stats stats;
  EXPECT_EQ(Plan("id > 100", &stats), (Names{"day0.parquet", "day1.parquet", "day2.parquet"}));
  EXPECT_EQ(stats.manifests_skipped, 1);
  EXPECT_EQ(stats.files_total, 3);  // the skipped manifest was not read
  EXPECT_EQ(Plan("ts > '2023-01-01T00:00:00'", &stats),
            (Names{"id0.parquet", "id1.parquet", "id2.parquet"}));
  EXPECT_EQ(stats.manifests_skipped, 1);
}

TEST_F(ManifestGroupTest, PlanReportsEveryLiveEntryWithItsVerdict) {
  auto bound = Bind(*ParseFilter("id < 10"), *schema_);
  ASSERT_TRUE(bound.ok());
  ManifestGroup group(*io_, metadata_, schema_, *bound);
  auto planned = group.Plan(manifests_[1]);
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  EXPECT_FALSE(planned->skipped);
  EXPECT_EQ(planned->spec->spec_id(), 1);
  ASSERT_EQ(planned->entries.size(), 3u);
  EXPECT_EQ(planned->matches, (std::vector<bool>{true, false, false}));
}

TEST_F(ManifestGroupTest, AnUnknownSpecIsAnError) {
  ManifestFile manifest = manifests_[0];
  manifest.partition_spec_id = 9;
  ManifestGroup group(*io_, metadata_, schema_, Expression::True());
  auto planned = group.Plan(manifest);
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.status().message().find("unknown partition spec 9"), std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
