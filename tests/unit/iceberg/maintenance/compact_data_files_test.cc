// Compaction: small files of each partition are bin-packed into fewer files holding the same
// rows, in one replace snapshot that keeps the sequence number of the snapshot it read; an
// append committed meanwhile is kept, a concurrent removal of an input fails the rewrite.
#include "floe/iceberg/maintenance/compact_data_files.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "../table/local_table_operations.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/table_scan.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/delete_rows.h"
#include "floe/iceberg/update/overwrite.h"
#include "floe/iceberg/update/rewrite_files.h"
#include "floe/iceberg/update/update_format_version.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;

using Row = std::tuple<int64_t, int64_t, int64_t>;  // id, part, version

class CompactDataFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_compact_" + std::to_string(std::random_device{}()));
    io_ = *io::MakeFileIO(dir_.string());
    Schema schema(0, {NestedField{1, "id", Type::Long(), true, ""},
                      NestedField{2, "part", Type::Long(), true, ""},
                      NestedField{3, "version", Type::Long(), false, ""}});
    auto spec = ParsePartitionText("part", schema);
    ASSERT_TRUE(spec.ok());
    auto md =
        NewTableMetadata(schema, *spec, SortOrder::Unsorted(), (dir_ / "db.db" / "t").string(), {});
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    auto location = WriteMetadataFile(*io_, *md, "");
    ASSERT_TRUE(location.ok());
    TableState state{std::make_shared<const TableMetadata>(std::move(*md)), *location};
    ops_ = std::make_shared<testing::LocalTableOperations>(io_, state);
    table_ = std::make_shared<Table>(ops_, state);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Another writer of the same table (its own view of the metadata).
  std::shared_ptr<Table> Other() {
    auto state = ops_->Refresh();
    return std::make_shared<Table>(ops_, *state);
  }

  void Append(const std::shared_ptr<Table>& table, const std::vector<Row>& rows) {
    arrow::Int64Builder ids, parts, versions;
    for (const auto& [id, part, version] : rows) {
      ASSERT_TRUE(ids.Append(id).ok());
      ASSERT_TRUE(parts.Append(part).ok());
      ASSERT_TRUE(versions.Append(version).ok());
    }
    auto t = arrow::Table::Make(*ToArrowSchema(*table->metadata().CurrentSchema()),
                                {*ids.Finish(), *parts.Finish(), *versions.Finish()});
    auto appended = AppendRows(table, *t);
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  }

  std::multiset<Row> Rows() {
    EXPECT_TRUE(table_->Refresh().ok());
    auto scan = TableScan::Make(*table_, {});
    EXPECT_TRUE(scan.ok());
    auto rows = scan->ToArrowTable();
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::multiset<Row> out;
    auto combined = *(*rows)->CombineChunks();
    if (combined->num_rows() == 0) return out;
    auto col = [&](int i) {
      return std::static_pointer_cast<arrow::Int64Array>(combined->column(i)->chunk(0));
    };
    for (int64_t i = 0; i < combined->num_rows(); ++i) {
      out.insert({col(0)->Value(i), col(1)->Value(i), col(2)->Value(i)});
    }
    return out;
  }

  // Live data entries of the current snapshot.
  std::vector<ManifestEntry> LiveEntries() {
    std::vector<ManifestEntry> out;
    auto list = ReadManifestList(*io_, table_->metadata().CurrentSnapshot()->manifest_list);
    EXPECT_TRUE(list.ok());
    for (const auto& m : *list) {
      auto entries = ReadManifestEntries(*io_, m);
      EXPECT_TRUE(entries.ok());
      for (auto& e : *entries) {
        if (e.status != ManifestEntryStatus::kDeleted) out.push_back(std::move(e));
      }
    }
    return out;
  }

  fs::path dir_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<testing::LocalTableOperations> ops_;
  std::shared_ptr<Table> table_;
};

TEST_F(CompactDataFilesTest, BinPacksSmallFilesPerPartitionKeepingEveryRow) {
  for (int64_t i = 0; i < 6; ++i) {
    Append(table_, {{i * 2, 0, 1}, {i * 2 + 1, 1, 1}});  // one file in each partition
  }
  Append(table_, {{100, 2, 1}});  // partition 2: a single file, left alone
  ASSERT_EQ(LiveEntries().size(), 13u);
  const auto rows = Rows();
  const int64_t start_sequence = table_->metadata().CurrentSnapshot()->sequence_number;

  CompactionOptions options;
  options.min_input_files = 2;
  auto result = CompactDataFiles(table_, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_TRUE(result->snapshot_id.has_value());
  EXPECT_EQ(result->groups.size(), 2u);
  EXPECT_EQ(result->rewritten_data_files, 12);
  EXPECT_EQ(result->added_data_files, 2);
  EXPECT_EQ(result->rows_written, 12);

  const Snapshot* snapshot = table_->metadata().CurrentSnapshot();
  EXPECT_EQ(snapshot->operation(), "replace");
  EXPECT_EQ(snapshot->summary.at("added-data-files"), "2");
  EXPECT_EQ(snapshot->summary.at("deleted-data-files"), "12");
  EXPECT_EQ(snapshot->summary.at("total-data-files"), "3");
  EXPECT_EQ(snapshot->summary.at("total-records"), "13");
  auto live = LiveEntries();
  ASSERT_EQ(live.size(), 3u);
  for (const auto& e : live) {
    if (e.snapshot_id == snapshot->snapshot_id) {
      // New files carry the sequence number of the snapshot compaction read.
      EXPECT_EQ(e.sequence_number, start_sequence);
      EXPECT_EQ(e.file_sequence_number, snapshot->sequence_number);
    }
  }
  EXPECT_EQ(Rows(), rows);

  // Nothing left to compact.
  auto again = CompactDataFiles(table_, options);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->snapshot_id.has_value());
}

TEST_F(CompactDataFilesTest, WhereLimitsTheRewriteToMatchingPartitions) {
  for (int64_t i = 0; i < 3; ++i) Append(table_, {{i, 0, 1}, {10 + i, 1, 1}});
  const auto rows = Rows();
  CompactionOptions options;
  options.min_input_files = 2;
  options.filter = Eq("part", Literal::Long(1));
  auto result = CompactDataFiles(table_, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rewritten_data_files, 3);
  EXPECT_EQ(LiveEntries().size(), 4u);
  EXPECT_EQ(Rows(), rows);
}

TEST_F(CompactDataFilesTest, DedupeKeepsTheLatestRowPerKey) {
  Append(table_, {{1, 0, 1}, {2, 0, 1}});
  Append(table_, {{1, 0, 3}, {3, 0, 1}});
  Append(table_, {{1, 0, 2}, {2, 0, 5}});
  CompactionOptions options;
  options.dedupe_on = {"id"};
  options.keep_latest_by = "version";
  auto result = CompactDataFiles(table_, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->rows_read, 6);
  EXPECT_EQ(result->rows_written, 3);
  EXPECT_EQ(Rows(), (std::multiset<Row>{{1, 0, 3}, {2, 0, 5}, {3, 0, 1}}));
  options.keep_latest_by.clear();
  EXPECT_FALSE(CompactDataFiles(table_, options).ok());
}

TEST_F(CompactDataFilesTest, AConcurrentAppendIsKeptAndAConcurrentRemovalFailsTheRewrite) {
  for (int64_t i = 0; i < 3; ++i) Append(table_, {{i, 0, 1}});
  const int64_t start = *table_->metadata().current_snapshot_id;
  std::vector<DataFile> inputs;
  for (const auto& e : LiveEntries()) inputs.push_back(e.data_file);
  // Compaction's commit, prepared against `start`: the three files become one.
  auto merged = arrow::Table::Make(*ToArrowSchema(*table_->metadata().CurrentSchema()),
                                   {*[] {
                                      arrow::Int64Builder b;
                                      (void)b.AppendValues({0, 1, 2});
                                      return b.Finish();
                                    }(),
                                    *[] {
                                      arrow::Int64Builder b;
                                      (void)b.AppendValues({0, 0, 0});
                                      return b.Finish();
                                    }(),
                                    *[] {
                                      arrow::Int64Builder b;
                                      (void)b.AppendValues({1, 1, 1});
                                      return b.Finish();
                                    }()});
  auto written = WriteDataFiles(*table_, *merged);
  ASSERT_TRUE(written.ok());
  auto prepare = [&] {
    auto rewrite = std::make_unique<RewriteFiles>(table_);
    for (const auto& f : inputs) rewrite->RemoveDataFile(f);
    for (const auto& f : *written) rewrite->AddDataFile(f);
    rewrite->DataSequenceNumber(table_->metadata().SnapshotById(start)->sequence_number);
    rewrite->ValidateFromSnapshot(start);
    return rewrite;
  };

  // Another writer appends to the same partition meanwhile: the rewrite retries and keeps it.
  Append(Other(), {{7, 0, 1}});
  auto rewrite = prepare();
  auto committed = rewrite->Commit();
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(Rows(), (std::multiset<Row>{{0, 0, 1}, {1, 0, 1}, {2, 0, 1}, {7, 0, 1}}));
  EXPECT_EQ(LiveEntries().size(), 2u);

  // A rewrite of files another writer removed meanwhile fails, and loses nothing.
  auto stale = prepare();
  auto failed = stale->Commit();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("no longer in the table"), std::string::npos)
      << failed.status().ToString();
  EXPECT_EQ(Rows(), (std::multiset<Row>{{0, 0, 1}, {1, 0, 1}, {2, 0, 1}, {7, 0, 1}}));
}

// Merge-on-read deletes of every input file: the compaction applies them and removes the
// delete files, and counts them in its result and in the summary (Java's removed-* keys).
TEST_F(CompactDataFilesTest, CountsTheDeleteFilesItRemoves) {
  for (int version : {2, 3}) {
    if (version == 3) {
      TearDown();
      SetUp();
      UpdateFormatVersion upgrade(table_, 3);
      ASSERT_TRUE(upgrade.Commit().ok());
    }
    for (int64_t i = 0; i < 3; ++i) Append(table_, {{i * 2, 0, 1}, {i * 2 + 1, 0, 1}});
    DeleteRowsOptions merge_on_read;
    merge_on_read.mode = RowLevelMode::kMergeOnRead;
    auto deleted = DeleteRows(table_, *ParseFilter("id = 0 OR id = 3 OR id = 5"), merge_on_read);
    ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
    ASSERT_EQ(deleted->delete_files_added, version == 2 ? 1 : 3) << "version " << version;

    CompactionOptions options;
    options.min_input_files = 2;
    auto result = CompactDataFiles(table_, options);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->removed_delete_files, deleted->delete_files_added);
    EXPECT_EQ(result->removed_position_delete_files, version == 2 ? 1 : 0);
    EXPECT_EQ(result->removed_dvs, version == 2 ? 0 : 3);
    EXPECT_EQ(result->removed_position_deletes, 3);
    EXPECT_EQ(result->removed_equality_delete_files, 0);
    const auto& summary = table_->metadata().CurrentSnapshot()->summary;
    EXPECT_EQ(summary.at("operation"), "replace");
    EXPECT_EQ(summary.at("removed-delete-files"), std::to_string(deleted->delete_files_added));
    EXPECT_EQ(summary.at("removed-position-deletes"), "3");
    if (version == 2) {
      EXPECT_EQ(summary.at("removed-position-delete-files"), "1");
      EXPECT_EQ(summary.count("removed-dvs"), 0u);
    } else {
      EXPECT_EQ(summary.at("removed-dvs"), "3");
      EXPECT_EQ(summary.count("removed-position-delete-files"), 0u);
    }
    EXPECT_EQ(summary.at("total-delete-files"), "0");
    EXPECT_EQ(summary.at("total-position-deletes"), "0");
    EXPECT_EQ(Rows(), (std::multiset<Row>{{1, 0, 1}, {2, 0, 1}, {4, 0, 1}}));
  }
}

}  // namespace
}  // namespace floe::iceberg
