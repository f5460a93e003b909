#pragma once

// A local table of (id long, part long, ts timestamp) rows for the row-level update tests:
// appends from any writer's view, reads the rows back, lists the live data files.

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../table/local_table_operations.h"
#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/expression/expression_parser.h"
#include "floe/iceberg/manifest/manifest_list.h"
#include "floe/iceberg/manifest/manifest_reader.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/table_scan.h"
#include "floe/iceberg/type/schema_text.h"
#include "floe/iceberg/update/append_data.h"

namespace floe::iceberg::testing {

struct Row {
  int64_t id;
  int64_t part;
  int64_t ts_micros;
};

constexpr int64_t kDayMicros = 86400LL * 1000 * 1000;
/// 2026-01-01T00:00:00 in µs since the epoch.
constexpr int64_t k20260101 = 20454LL * kDayMicros;

class RowTableTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Creates the table partitioned by `partition` (partition text, "" for none).
  void MakeTable(const std::string& partition, std::map<std::string, std::string> properties) {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe_rows_" + std::to_string(std::random_device{}()));
    io_ = *io::MakeFileIO(dir_.string());
    Schema schema(0, {NestedField{1, "id", Type::Long(), true, ""},
                      NestedField{2, "part", Type::Long(), true, ""},
                      NestedField{3, "ts", Type::Timestamp(), false, ""}});
    PartitionSpec spec = PartitionSpec::Unpartitioned();
    if (!partition.empty()) {
      auto parsed = ParsePartitionText(partition, schema);
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      spec = *parsed;
    }
    auto md = NewTableMetadata(schema, spec, SortOrder::Unsorted(), (dir_ / "db.db" / "t").string(),
                               std::move(properties));
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    auto location = WriteMetadataFile(*io_, *md, "");
    ASSERT_TRUE(location.ok());
    TableState state{std::make_shared<const TableMetadata>(std::move(*md)), *location};
    ops_ = std::make_shared<LocalTableOperations>(io_, state);
    table_ = std::make_shared<Table>(ops_, state);
  }

  /// Another writer of the same table (its own view of the metadata).
  std::shared_ptr<Table> Other() {
    auto state = ops_->Refresh();
    return std::make_shared<Table>(ops_, *state);
  }

  std::shared_ptr<arrow::Table> ArrowRows(const Table& table, const std::vector<Row>& rows) {
    arrow::Int64Builder ids, parts;
    arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::MICRO),
                               arrow::default_memory_pool());
    for (const Row& r : rows) {
      EXPECT_TRUE(ids.Append(r.id).ok());
      EXPECT_TRUE(parts.Append(r.part).ok());
      EXPECT_TRUE(ts.Append(r.ts_micros).ok());
    }
    return arrow::Table::Make(*ToArrowSchema(*table.metadata().CurrentSchema()),
                              {*ids.Finish(), *parts.Finish(), *ts.Finish()});
  }

  /// Appends `rows` as one snapshot; returns the paths of the data files it added.
  std::vector<std::string> Append(const std::shared_ptr<Table>& table,
                                  const std::vector<Row>& rows) {
    std::vector<std::string> paths;
    auto appended = AppendRows(table, *ArrowRows(*table, rows));
    EXPECT_TRUE(appended.ok()) << appended.status().ToString();
    if (!appended.ok()) return paths;
    for (const auto& e : LiveEntries()) {
      if (e.snapshot_id == appended->snapshot_id) paths.push_back(e.data_file.file_path);
    }
    return paths;
  }

  /// The ids of the table's current rows.
  std::multiset<int64_t> Ids() {
    EXPECT_TRUE(table_->Refresh().ok());
    std::multiset<int64_t> out;
    auto scan = TableScan::Make(*table_, {});
    EXPECT_TRUE(scan.ok());
    if (!scan.ok()) return out;
    auto rows = scan->ToArrowTable();
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok() || (*rows)->num_rows() == 0) return out;
    auto combined = *(*rows)->CombineChunks();
    auto ids = std::static_pointer_cast<arrow::Int64Array>(combined->column(0)->chunk(0));
    for (int64_t i = 0; i < ids->length(); ++i) out.insert(ids->Value(i));
    return out;
  }

  /// Live entries of the current snapshot, data or delete files.
  std::vector<ManifestEntry> LiveEntries(ManifestContent content = ManifestContent::kData) {
    std::vector<ManifestEntry> out;
    EXPECT_TRUE(table_->Refresh().ok());
    const Snapshot* current = table_->metadata().CurrentSnapshot();
    if (current == nullptr) return out;
    auto list = ReadManifestList(*io_, current->manifest_list);
    EXPECT_TRUE(list.ok());
    for (const auto& m : *list) {
      if (m.content != content) continue;
      auto entries = ReadManifestEntries(*io_, m);
      EXPECT_TRUE(entries.ok());
      for (auto& e : *entries) {
        if (e.status != ManifestEntryStatus::kDeleted) out.push_back(std::move(e));
      }
    }
    return out;
  }

  /// Removes files from storage, so that any read of them fails.
  static void RemoveFromStorage(const std::vector<std::string>& paths) {
    for (std::string p : paths) {
      if (p.rfind("file://", 0) == 0) p = p.substr(7);
      ASSERT_TRUE(std::filesystem::remove(p)) << p;
    }
  }

  static ExprPtr Filter(const std::string& text) {
    auto filter = ParseFilter(text);
    EXPECT_TRUE(filter.ok()) << filter.status().ToString();
    return *filter;
  }

  std::filesystem::path dir_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<LocalTableOperations> ops_;
  std::shared_ptr<Table> table_;
};

}  // namespace floe::iceberg::testing
