// The metadata tables of a table built in the test: two appends under identity(level), a second
// partition spec adding bucket(2, id), an append under it, and an overwrite of the ids below 3.
// Expectations come from the rows the test wrote, not from the manifests floe read back.
#include "floe/iceberg/table/inspect/metadata_tables.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "floe/iceberg/data/arrow_schema.h"
#include "floe/iceberg/expression/expression.h"
#include "floe/iceberg/metadata/table_metadata_builder.h"
#include "floe/iceberg/table/table.h"
#include "floe/iceberg/update/append_data.h"
#include "floe/iceberg/update/overwrite.h"
#include "local_table_operations.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;

using testing::LocalTableOperations;

const char* Level(int64_t id) { return id % 2 == 0 ? "even" : "odd"; }

// The rows of a column as Arrow scalars' own values.
template <typename ArrayT>
std::vector<typename ArrayT::value_type> Values(const arrow::Table& t, const std::string& name) {
  std::vector<typename ArrayT::value_type> out;
  auto column = t.GetColumnByName(name);
  EXPECT_NE(column, nullptr) << name;
  if (column == nullptr) return out;
  for (const auto& chunk : column->chunks()) {
    const auto& a = static_cast<const ArrayT&>(*chunk);
    for (int64_t i = 0; i < a.length(); ++i) out.push_back(a.Value(i));
  }
  return out;
}

std::vector<std::string> Strings(const arrow::Table& t, const std::string& name) {
  std::vector<std::string> out;
  auto column = t.GetColumnByName(name);
  EXPECT_NE(column, nullptr) << name;
  if (column == nullptr) return out;
  for (const auto& chunk : column->chunks()) {
    std::shared_ptr<arrow::Array> values = chunk;
    if (chunk->type_id() == arrow::Type::DICTIONARY) {
      auto decoded = arrow::compute::Cast(*chunk, arrow::utf8());
      EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
      values = *decoded;
    }
    const auto& a = static_cast<const arrow::StringArray&>(*values);
    for (int64_t i = 0; i < a.length(); ++i) out.push_back(a.GetString(i));
  }
  return out;
}

std::vector<std::string> Names(const arrow::Table& t) { return t.schema()->field_names(); }

// One cell of a nested column as a scalar, for struct fields reached by name.
std::shared_ptr<arrow::Scalar> Cell(const arrow::Table& t, const std::string& column, int64_t row) {
  auto scalar = t.GetColumnByName(column)->GetScalar(row);
  EXPECT_TRUE(scalar.ok()) << scalar.status().ToString();
  return *scalar;
}

std::shared_ptr<arrow::Scalar> Field(const std::shared_ptr<arrow::Scalar>& s,
                                     const std::string& name) {
  auto field = static_cast<const arrow::StructScalar&>(*s).field(name);
  EXPECT_TRUE(field.ok()) << name << ": " << field.status().ToString();
  return *field;
}

class MetadataTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_inspect_" + std::to_string(std::random_device{}()));
    io_ = *io::MakeFileIO(dir_.string());
    Schema schema(0, {NestedField{1, "id", Type::Long(), true, ""},
                      NestedField{2, "level", Type::String(), false, ""},
                      NestedField{3, "score", Type::Double(), false, ""}});
    PartitionSpec spec(0, {PartitionField{2, 1000, "level", Transform::Identity()}});
    auto md =
        NewTableMetadata(schema, spec, SortOrder::Unsorted(), (dir_ / "db.db" / "t").string(), {});
    ASSERT_TRUE(md.ok()) << md.status().ToString();
    auto location = WriteMetadataFile(*io_, *md, "");
    ASSERT_TRUE(location.ok()) << location.status().ToString();
    TableState state{std::make_shared<const TableMetadata>(std::move(*md)), *location};
    table_ = std::make_shared<Table>(std::make_shared<LocalTableOperations>(io_, state), state);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Append(int64_t from, int64_t to) {
    arrow::Int64Builder ids;
    arrow::StringBuilder levels;
    arrow::DoubleBuilder scores;
    for (int64_t i = from; i < to; ++i) {
      ASSERT_TRUE(ids.Append(i).ok());
      ASSERT_TRUE(levels.Append(Level(i)).ok());
      ASSERT_TRUE(scores.Append(i * 0.5).ok());
      live_.insert(i);
    }
    auto rows = arrow::Table::Make(*ToArrowSchema(*table_->metadata().CurrentSchema()),
                                   {*ids.Finish(), *levels.Finish(), *scores.Finish()});
    auto snapshot = AppendRows(table_, *rows);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
    snapshots_.push_back(snapshot->snapshot_id);
  }

  // A second spec, identity(level) plus bucket(2, id), made the default.
  void EvolveSpec() {
    PartitionSpec spec(1, {{2, 1000, "level", Transform::Identity()},
                           {1, 1001, "id_bucket", Transform::Bucket(2)}});
    auto committed = table_->operations().Commit({AssertDefaultSpecId{0}},
                                                 {AddPartitionSpec{spec}, SetDefaultSpec{}});
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    table_->Adopt(*committed);
    ASSERT_EQ(table_->metadata().default_spec_id, 1);
  }

  void OverwriteBelow(int64_t bound) {
    Overwrite overwrite(table_, Lt("id", Literal::Long(bound)));
    ASSERT_TRUE(overwrite.Commit().ok());
    for (auto it = live_.begin(); it != live_.end();) it = *it < bound ? live_.erase(it) : ++it;
    snapshots_.push_back(*table_->metadata().current_snapshot_id);
  }

  // Two appends, a spec change, an append under the new spec, an overwrite.
  void BuildHistory() {
    Append(0, 10);
    Append(10, 16);
    EvolveSpec();
    Append(16, 20);
    OverwriteBelow(3);
  }

  MetadataTables Tables() const { return MetadataTables(*table_); }

  fs::path dir_;
  std::shared_ptr<io::FileIO> io_;
  std::shared_ptr<Table> table_;
  std::set<int64_t> live_;
  std::vector<int64_t> snapshots_;
};

TEST_F(MetadataTablesTest, SnapshotsListEveryCommitWithItsSummaryLessTheOperation) {
  BuildHistory();
  auto t = Tables().Snapshots();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Names(**t), (std::vector<std::string>{"committed_at", "snapshot_id", "parent_id",
                                                  "operation", "manifest_list", "summary"}));
  EXPECT_TRUE(
      (*t)->schema()->field(0)->type()->Equals(arrow::timestamp(arrow::TimeUnit::MILLI, "UTC")));
  EXPECT_TRUE((*t)->schema()->field(5)->type()->Equals(arrow::map(arrow::utf8(), arrow::utf8())));
  EXPECT_EQ(Values<arrow::Int64Array>(**t, "snapshot_id"), snapshots_);
  EXPECT_EQ(Strings(**t, "operation"),
            (std::vector<std::string>{"append", "append", "append", "overwrite"}));
  EXPECT_FALSE(Cell(**t, "parent_id", 0)->is_valid);
  for (size_t i = 1; i < snapshots_.size(); ++i) {
    EXPECT_EQ(static_cast<const arrow::Int64Scalar&>(*Cell(**t, "parent_id", i)).value,
              snapshots_[i - 1]);
  }
  auto summary_cell = Cell(**t, "summary", 1);
  const auto& summary = static_cast<const arrow::MapScalar&>(*summary_cell);
  const auto& pairs = static_cast<const arrow::StructArray&>(*summary.value);
  std::map<std::string, std::string> got;
  for (int64_t i = 0; i < pairs.length(); ++i) {
    got[static_cast<const arrow::StringArray&>(*pairs.field(0)).GetString(i)] =
        static_cast<const arrow::StringArray&>(*pairs.field(1)).GetString(i);
  }
  EXPECT_EQ(got.count("operation"), 0u);
  EXPECT_EQ(got["added-records"], "6");
  EXPECT_EQ(got["total-records"], "16");
}

TEST_F(MetadataTablesTest, HistoryMarksAncestorsOfTheCurrentSnapshot) {
  BuildHistory();
  auto t = Tables().History();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Names(**t), (std::vector<std::string>{"made_current_at", "snapshot_id", "parent_id",
                                                  "is_current_ancestor"}));
  EXPECT_EQ(Values<arrow::Int64Array>(**t, "snapshot_id"), snapshots_);
  std::vector<bool> ancestors;
  for (int64_t i = 0; i < (*t)->num_rows(); ++i) {
    ancestors.push_back(
        static_cast<const arrow::BooleanScalar&>(*Cell(**t, "is_current_ancestor", i)).value);
  }
  EXPECT_EQ(ancestors, std::vector<bool>(snapshots_.size(), true));
}

TEST_F(MetadataTablesTest, RefsAndMetadataLogEntries) {
  BuildHistory();
  auto refs = Tables().Refs();
  ASSERT_TRUE(refs.ok()) << refs.status().ToString();
  EXPECT_EQ(Names(**refs),
            (std::vector<std::string>{"name", "type", "snapshot_id", "max_reference_age_in_ms",
                                      "min_snapshots_to_keep", "max_snapshot_age_in_ms"}));
  EXPECT_TRUE((*refs)->schema()->field(1)->type()->Equals(
      arrow::dictionary(arrow::int32(), arrow::utf8())));
  EXPECT_EQ(Strings(**refs, "name"), std::vector<std::string>{"main"});
  EXPECT_EQ(Strings(**refs, "type"), std::vector<std::string>{"BRANCH"});
  EXPECT_EQ(Values<arrow::Int64Array>(**refs, "snapshot_id"),
            std::vector<int64_t>{snapshots_.back()});

  auto log = Tables().MetadataLogEntries();
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  // One metadata file per commit (four snapshots and the spec change) and the first one.
  ASSERT_EQ((*log)->num_rows(), 6);
  EXPECT_EQ(Strings(**log, "file").back(), table_->metadata_location());
  // The last file has the current snapshot.
  EXPECT_EQ(static_cast<const arrow::Int64Scalar&>(*Cell(**log, "latest_snapshot_id", 5)).value,
            snapshots_.back());
  EXPECT_EQ(static_cast<const arrow::Int64Scalar&>(*Cell(**log, "latest_sequence_number", 5)).value,
            4);
}

TEST_F(MetadataTablesTest, FilesHoldTheLiveRowsWithUnionPartitionsAndReadableMetrics) {
  BuildHistory();
  auto t = Tables().Files();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Names(**t),
            (std::vector<std::string>{
                "content", "file_path", "file_format", "spec_id", "partition", "record_count",
                "file_size_in_bytes", "column_sizes", "value_counts", "null_value_counts",
                "nan_value_counts", "lower_bounds", "upper_bounds", "key_metadata", "split_offsets",
                "equality_ids", "sort_order_id", "readable_metrics"}));
  // The partition type is the union of both specs, each field optional.
  auto partition_type = arrow::struct_(
      {arrow::field("level", arrow::utf8()), arrow::field("id_bucket", arrow::int32())});
  EXPECT_TRUE((*t)->schema()->GetFieldByName("partition")->type()->Equals(partition_type))
      << (*t)->schema()->GetFieldByName("partition")->type()->ToString();
  EXPECT_TRUE((*t)->schema()
                  ->GetFieldByName("column_sizes")
                  ->type()
                  ->Equals(arrow::map(arrow::int32(), arrow::int64())));
  EXPECT_TRUE((*t)->schema()
                  ->GetFieldByName("lower_bounds")
                  ->type()
                  ->Equals(arrow::map(arrow::int32(), arrow::binary())));

  // Per level: the live rows, their smallest and largest id.
  struct Expected {
    int64_t rows = 0;
    int64_t min = INT64_MAX;
    int64_t max = INT64_MIN;
  };
  std::map<std::string, Expected> expected;
  for (int64_t id : live_) {
    auto& e = expected[Level(id)];
    e.rows += 1;
    e.min = std::min(e.min, id);
    e.max = std::max(e.max, id);
  }
  std::map<std::string, Expected> got;
  auto specs = Values<arrow::Int32Array>(**t, "spec_id");
  auto counts = Values<arrow::Int64Array>(**t, "record_count");
  for (int64_t row = 0; row < (*t)->num_rows(); ++row) {
    auto partition = Cell(**t, "partition", row);
    std::string level = Field(partition, "level")->ToString();
    EXPECT_EQ(Field(partition, "id_bucket")->is_valid, specs[row] == 1) << row;
    auto id = Field(Cell(**t, "readable_metrics", row), "id");
    auto& g = got[level];
    g.rows += counts[row];
    g.min =
        std::min(g.min, static_cast<const arrow::Int64Scalar&>(*Field(id, "lower_bound")).value);
    g.max =
        std::max(g.max, static_cast<const arrow::Int64Scalar&>(*Field(id, "upper_bound")).value);
    EXPECT_EQ(static_cast<const arrow::Int64Scalar&>(*Field(id, "value_count")).value, counts[row]);
    EXPECT_EQ(static_cast<const arrow::Int64Scalar&>(*Field(id, "null_value_count")).value, 0);
  }
  ASSERT_EQ(got.size(), expected.size());
  for (const auto& [level, e] : expected) {
    EXPECT_EQ(got[level].rows, e.rows) << level;
    EXPECT_EQ(got[level].min, e.min) << level;
    EXPECT_EQ(got[level].max, e.max) << level;
  }
  EXPECT_EQ(Strings(**t, "file_format"), std::vector<std::string>((*t)->num_rows(), "PARQUET"));

  // data_files is the same here (no delete files); delete_files is empty.
  auto data = Tables().DataFiles();
  ASSERT_TRUE(data.ok());
  EXPECT_TRUE((*data)->Equals(**t));
  auto deletes = Tables().DeleteFiles();
  ASSERT_TRUE(deletes.ok());
  EXPECT_EQ((*deletes)->num_rows(), 0);
  EXPECT_TRUE((*deletes)->schema()->Equals(*(*t)->schema()));
}

TEST_F(MetadataTablesTest, TimeTravelReadsTheFilesOfAnEarlierSnapshot) {
  BuildHistory();
  auto first = Tables().Files(snapshots_[0]);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  int64_t rows = 0;
  for (int64_t n : Values<arrow::Int64Array>(**first, "record_count")) rows += n;
  EXPECT_EQ(rows, 10);
  EXPECT_EQ(Values<arrow::Int32Array>(**first, "spec_id"), (std::vector<int32_t>{0, 0}));

  auto partitions = Tables().Partitions(snapshots_[0]);
  ASSERT_TRUE(partitions.ok()) << partitions.status().ToString();
  // The first snapshot only has files of the first spec: its partition type is that spec's.
  EXPECT_TRUE((*partitions)
                  ->schema()
                  ->GetFieldByName("partition")
                  ->type()
                  ->Equals(arrow::struct_({arrow::field("level", arrow::utf8())})));
  EXPECT_EQ(Values<arrow::Int64Array>(**partitions, "record_count"), (std::vector<int64_t>{5, 5}));

  auto missing = Tables().Entries(12345);
  EXPECT_TRUE(missing.status().IsKeyError()) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("12345"), std::string::npos);
}

TEST_F(MetadataTablesTest, EntriesShowWhatTheOverwriteDeleted) {
  BuildHistory();
  auto before = Tables().Files(snapshots_[2]);
  auto after = Tables().Files();
  auto entries = Tables().Entries();
  ASSERT_TRUE(before.ok() && after.ok());
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ(Names(**entries),
            (std::vector<std::string>{"status", "snapshot_id", "sequence_number",
                                      "file_sequence_number", "data_file", "readable_metrics"}));
  auto before_paths = Strings(**before, "file_path");
  auto after_paths = Strings(**after, "file_path");
  std::set<std::string> gone(before_paths.begin(), before_paths.end());
  for (const auto& p : after_paths) gone.erase(p);
  // The files with ids below 3: ids 0 and 2 (even), 1 (odd), both in the first append.
  EXPECT_EQ(gone.size(), 2u);

  std::set<std::string> deleted;
  std::set<std::string> live;
  auto statuses = Values<arrow::Int8Array>(**entries, "status");
  auto snapshot_ids = Values<arrow::Int64Array>(**entries, "snapshot_id");
  auto sequence = Values<arrow::Int64Array>(**entries, "sequence_number");
  for (int64_t row = 0; row < (*entries)->num_rows(); ++row) {
    auto file = Cell(**entries, "data_file", row);
    std::string path = Field(file, "file_path")->ToString();
    if (statuses[row] == 2) {
      deleted.insert(path);
      EXPECT_EQ(snapshot_ids[row], snapshots_.back());
    } else {
      live.insert(path);
    }
    // A file's data sequence number is that of the snapshot that added it (1..4).
    EXPECT_GE(sequence[row], 1);
    EXPECT_LE(sequence[row], 4);
  }
  EXPECT_EQ(deleted, gone);
  EXPECT_EQ(live, std::set<std::string>(after_paths.begin(), after_paths.end()));
}

TEST_F(MetadataTablesTest, PartitionsSumTheLiveFilesPerPartition) {
  BuildHistory();
  auto t = Tables().Partitions();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Names(**t),
            (std::vector<std::string>{"partition", "spec_id", "record_count", "file_count",
                                      "total_data_file_size_in_bytes",
                                      "position_delete_record_count", "position_delete_file_count",
                                      "equality_delete_record_count", "equality_delete_file_count",
                                      "last_updated_at", "last_updated_snapshot_id"}));
  // Expected: spec 0 partitions are one per level; spec 1 ones one per (level, bucket).
  int64_t total = 0;
  for (int64_t n : Values<arrow::Int64Array>(**t, "record_count")) total += n;
  EXPECT_EQ(total, static_cast<int64_t>(live_.size()));
  auto files = Tables().Files();
  ASSERT_TRUE(files.ok());
  int32_t file_count = 0;
  for (int32_t n : Values<arrow::Int32Array>(**t, "file_count")) file_count += n;
  EXPECT_EQ(file_count, (*files)->num_rows());
  std::set<std::string> keys;
  for (int64_t row = 0; row < (*t)->num_rows(); ++row) {
    EXPECT_TRUE(keys.insert(Cell(**t, "partition", row)->ToString()).second) << "twice";
  }
}

TEST_F(MetadataTablesTest, ManifestsSummarizePartitionsInHumanForm) {
  BuildHistory();
  auto t = Tables().Manifests(snapshots_[0]);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ((*t)->num_rows(), 1);
  EXPECT_EQ(Values<arrow::Int32Array>(**t, "added_data_files_count"), std::vector<int32_t>{2});
  auto summaries = Cell(**t, "partition_summaries", 0);
  const auto& list = static_cast<const arrow::ListScalar&>(*summaries);
  ASSERT_EQ(list.value->length(), 1);
  auto level = *list.value->GetScalar(0);
  EXPECT_EQ(Field(level, "lower_bound")->ToString(), "even");
  EXPECT_EQ(Field(level, "upper_bound")->ToString(), "odd");
  EXPECT_FALSE(static_cast<const arrow::BooleanScalar&>(*Field(level, "contains_null")).value);

  auto all = Tables().AllManifests();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::set<int64_t> referenced;
  for (int64_t id : Values<arrow::Int64Array>(**all, "reference_snapshot_id")) {
    referenced.insert(id);
  }
  EXPECT_EQ(referenced, std::set<int64_t>(snapshots_.begin(), snapshots_.end()));
  int64_t per_snapshot = 0;
  for (int64_t id : snapshots_) {
    auto m = Tables().Manifests(id);
    ASSERT_TRUE(m.ok());
    per_snapshot += (*m)->num_rows();
  }
  EXPECT_EQ((*all)->num_rows(), per_snapshot);
}

TEST_F(MetadataTablesTest, AllFilesListEveryFileEverAdded) {
  BuildHistory();
  std::set<std::string> ever;
  for (int64_t id : snapshots_) {
    auto files = Tables().Files(id);
    ASSERT_TRUE(files.ok());
    for (const auto& p : Strings(**files, "file_path")) ever.insert(p);
  }
  auto all = Tables().AllDataFiles();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  auto paths = Strings(**all, "file_path");
  EXPECT_EQ(std::set<std::string>(paths.begin(), paths.end()), ever);
  auto entries = Tables().AllEntries();
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_GE((*entries)->num_rows(), static_cast<int64_t>(ever.size()));
}

// Java's readable_metrics: every primitive column by its full name; here in schema order.
TEST(ReadableMetricsTest, NestedColumnsGoByTheirFullNames) {
  auto dir = fs::temp_directory_path() / ("floe_inspect_" + std::to_string(std::random_device{}()));
  auto io = *io::MakeFileIO(dir.string());
  Schema schema(
      0,
      {NestedField{1, "id", Type::Long(), true, ""},
       NestedField{2, "s", Type::Struct({NestedField{4, "a", Type::Int(), false, ""}}), false, ""},
       NestedField{3, "l", Type::List(NestedField{5, "element", Type::Int(), false, ""}), false,
                   ""}});
  auto md = NewTableMetadata(schema, PartitionSpec::Unpartitioned(), SortOrder::Unsorted(),
                             (dir / "t").string(), {});
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  auto location = WriteMetadataFile(*io, *md, "");
  ASSERT_TRUE(location.ok()) << location.status().ToString();
  TableState state{std::make_shared<const TableMetadata>(std::move(*md)), *location};
  auto table = std::make_shared<Table>(std::make_shared<LocalTableOperations>(io, state), state);
  auto arrow_schema = *ToArrowSchema(schema);
  arrow::ArrayVector columns;
  for (const auto& [field, json] : std::vector<std::pair<int, std::string>>{
           {0, "[1, 2]"}, {1, R"([{"a": 7}, {"a": -3}])"}, {2, "[[4, 9], [1]]"}}) {
    auto array = arrow::json::ArrayFromJSONString(arrow_schema->field(field)->type(), json);
    ASSERT_TRUE(array.ok()) << array.status().ToString();
    columns.push_back(*array);
  }
  auto appended = AppendRows(table, *arrow::Table::Make(arrow_schema, columns));
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();

  auto files = MetadataTables(*table).Files();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  auto metrics = (*files)->schema()->GetFieldByName("readable_metrics")->type();
  std::vector<std::string> names;
  for (const auto& f : metrics->fields()) names.push_back(f->name());
  EXPECT_EQ(names, (std::vector<std::string>{"id", "s.a", "l.element"}));
  auto a = Field(Cell(**files, "readable_metrics", 0), "s.a");
  EXPECT_EQ(static_cast<const arrow::Int32Scalar&>(*Field(a, "lower_bound")).value, -3);
  EXPECT_EQ(static_cast<const arrow::Int32Scalar&>(*Field(a, "upper_bound")).value, 7);
  auto element = Field(Cell(**files, "readable_metrics", 0), "l.element");
  EXPECT_EQ(static_cast<const arrow::Int64Scalar&>(*Field(element, "value_count")).value, 3);
  fs::remove_all(dir);
}

TEST_F(MetadataTablesTest, AnEmptyTableHasEmptyTablesAndNamesAreChecked) {
  MetadataTables tables = Tables();
  for (const auto& name : MetadataTableNames()) {
    auto t = ReadMetadataTable(tables, name, std::nullopt);
    ASSERT_TRUE(t.ok()) << name << ": " << t.status().ToString();
    // Before the first commit only the metadata log has a row: the current file.
    if (name != "metadata_log_entries") {
      EXPECT_EQ((*t)->num_rows(), 0) << name;
    }
  }
  EXPECT_TRUE(ReadMetadataTable(tables, "nope", std::nullopt).status().IsInvalid());
  auto with_snapshot = ReadMetadataTable(tables, "history", int64_t{1});
  EXPECT_TRUE(with_snapshot.status().IsInvalid()) << with_snapshot.status().ToString();
  EXPECT_TRUE(MetadataTableTakesSnapshot("files"));
  EXPECT_FALSE(MetadataTableTakesSnapshot("all_files"));
}

}  // namespace
}  // namespace floe::iceberg
